"""The JSON report, documented by reports/report.schema.json (schema version 1)."""
from __future__ import annotations

import json
from typing import TextIO

from qa.findings import Report

EXT = "report.json"
SCHEMA_VERSION = 1


def as_dict(report: Report) -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "tool": report.tool,
        "summary": report.summary(),
        "meta": report.meta,
        "pages": [p.to_dict() for p in report.pages],
        "findings": [f.to_dict() for f in report.findings],
    }


def write(report: Report, stream: TextIO) -> None:
    json.dump(as_dict(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
