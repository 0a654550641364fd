"""Compiler-style lines for a terminal: `path:line:col: severity rule message`.

A reading-level finding is followed by its hardest sentences, indented (so tools that
read the compiler-style lines pass over them):

    news/trial.html:22:1: warning reading-level reading grade 16.1 is above the target 8 (...)
        line 30, grade 26.3: "The lead investigator, consultant oncologist ..."

Findings that share a cause are counted once more before the summary line, by cause:

    one cause, many findings:
        1451 error broken-link: missing file "whatsnew/changelog.html" (on 283 pages)
"""
from __future__ import annotations

import os
from typing import TextIO

from qa.findings import Report

EXT = "report.txt"
CAUSES_SHOWN = 10
_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


# Control characters from page content or file names are shown escaped: a page must not
# colour or clear the terminal (ESC), and one finding is always one line (no newline may
# start a line a CI log would read as a command, such as `::error file=x::`).
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7f, *range(0x80, 0xa0))}
_ESCAPES.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def safe(value) -> str:
    """`value` as text with every control character escaped (`\\x1b`), on one line."""
    return str(value).translate(_ESCAPES)


def write(report: Report, stream: TextIO) -> None:
    colour = hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ
    base = report.meta.get("baseline")
    for f in report.gating() if base else report.findings:   # known ones: counted below
        where = safe(f.path) + (f":{f.line}" if f.line else "") + \
            (f":{f.column}" if f.line and f.column else "")
        sev = f"{_COLOURS[f.severity]}{f.severity}\033[0m" if colour else f.severity
        stream.write(f"{where}: {sev} {safe(f.rule)} {safe(f.message)}\n")
        for h in (f.data or {}).get("hardest") or ():
            if isinstance(h, dict):
                line = f"line {safe(h.get('line'))}, " if h.get("line") else ""
                stream.write(f'    {line}grade {safe(h.get("grade"))}: "{safe(h.get("text", ""))}"\n')
    causes = report.causes()
    if causes:      # indented, as the hardest sentences: not compiler-style lines
        stream.write("one cause, many findings:\n")
        for c in causes[:CAUSES_SHOWN]:
            pages = f"on {c['pages']} page{'' if c['pages'] == 1 else 's'}"
            stream.write(f"    {c['findings']} {c['severity']} {safe(c['rule'])}: "
                         f"{safe(c['cause'])} ({pages})\n")
        if len(causes) > CAUSES_SHOWN:
            stream.write(f"    and {len(causes) - CAUSES_SHOWN} more causes (see the JSON "
                         "report's summary.causes)\n")
    for e in (base or {}).get("fixed", ()):
        stream.write(f"    fixed since the baseline: {safe(e.get('page'))} {safe(e.get('rule'))} "
                     f"{safe(e.get('message'))}\n")
    stream.write(report.summary_line() + "\n")
