"""GitHub Actions workflow commands: one annotation per finding, one line each.

    ::error file=news/a.html,line=15,col=5,title=placeholder-link::link "Research" goes nowhere (href="#")

error is `::error`, warning `::warning`, info `::notice`. Printed in a step's log (`qa
check site --format github`, or `cat` of the file `--out-dir` writes), each line becomes
an annotation on the file and line in the run's summary and, for files the pull request
changed, in its diff. GitHub shows at most 10 error and 10 warning annotations per step
(50 per job); the rest stay in the log, and the SARIF report carries them all.

Paths are made relative to the working directory (GitHub matches annotations to files by
their path in the repository); a page given as a URL has no file, so the URL leads the
message instead.

Nothing from a page can start a command of its own. The runner reads a command only at
the start of a line, so every line break in page text is escaped as the actions toolkit
does (`command.ts`: data `%` -> `%25`, CR -> `%0D`, LF -> `%0A`; properties also `:` ->
`%3A` and `,` -> `%2C`, so a path cannot end the property list or add one); any other
control character (ESC, NUL, NEL, the Unicode line separators) is shown as `\\xNN` or
`\\uNNNN`, and lone surrogates (undecodable file names) as U+FFFD.
"""
from __future__ import annotations

import re
from typing import TextIO

from qa.findings import Finding, Report
from reports.paths import is_url, repo_path

EXT = "report.github.txt"
COMMAND = {"error": "error", "warning": "warning", "info": "notice"}

_OTHER_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7f, *range(0x80, 0xa0))
                   if c not in (0x0a, 0x0d)}
_OTHER_CONTROLS.update({0x2028: "\\u2028", 0x2029: "\\u2029"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(value: object) -> str:
    return _SURROGATE.sub("\ufffd", str(value)).translate(_OTHER_CONTROLS)


def escape_data(value: object) -> str:
    """The message after `::` (actions/toolkit `escapeData`)."""
    return _clean(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: object) -> str:
    """A `key=value` property (actions/toolkit `escapeProperty`)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(f: Finding) -> str:
    props: list[tuple[str, object]] = []
    message = f.message
    if is_url(f.path):
        message = f"{f.path}: {message}"
    else:
        props.append(("file", repo_path(f.path)))
        if f.line:
            props.append(("line", f.line))
            if f.column:
                props.append(("col", f.column))
    props.append(("title", f.rule))
    if f.help_url:
        message += f"\n{f.help_url}"          # %0A: a second line of the same annotation
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMAND[f.severity]} {head}::{escape_data(message)}"


def write(report: Report, stream: TextIO) -> None:
    for f in report.findings:
        stream.write(command(f) + "\n")
