"""The JSON report, documented by reports/report.schema.json (schema version 1)."""
from __future__ import annotations

import json
import math
from typing import Any, TextIO

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


def plain(value: Any) -> Any:
    """`value` as strict JSON holds it: NaN and infinities (which `json` would write as
    the invalid `NaN`) become null, tuples lists, keys and unknown objects text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)


def write(report: Report, stream: TextIO) -> None:
    json.dump(plain(as_dict(report)), stream, indent=2, ensure_ascii=False, allow_nan=False)
    stream.write("\n")
