"""Compiler-style lines for a terminal: `path:line:col: severity rule message`.

A reading-level finding is followed by its hardest sentences, indented (so tools that
read the compiler-style lines pass over them):

    news/trial.html:22:1: warning reading-level reading grade 16.1 is above the target 8 (...)
        line 30, grade 26.3: "The lead investigator, consultant oncologist ..."
"""
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
        for h in (f.data or {}).get("hardest") or ():
            if isinstance(h, dict):
                line = f"line {h.get('line')}, " if h.get("line") else ""
                stream.write(f'    {line}grade {h.get("grade")}: "{h.get("text", "")}"\n')
    stream.write(report.summary_line() + "\n")
