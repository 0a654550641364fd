"""Compiler-style lines for a terminal: `path:line:col: severity rule message`."""
from __future__ import annotations

import os
from typing import TextIO

from qa.findings import Report

EXT = "report.txt"
_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def write(report: Report, stream: TextIO) -> None:
    colour = hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ
    for f in report.findings:
        where = f.path + (f":{f.line}" if f.line else "") + (f":{f.column}" if f.line and f.column else "")
        sev = f"{_COLOURS[f.severity]}{f.severity}\033[0m" if colour else f.severity
        stream.write(f"{where}: {sev} {f.rule} {f.message}\n")
    stream.write(report.summary_line() + "\n")
