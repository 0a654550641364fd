"""GitLab Code Quality: the JSON array GitLab reads from `artifacts:reports:codequality`
(a subset of the Code Climate issue spec) and shows in the merge request widget and diff.

    [{"description": "link \\"Research\\" goes nowhere (href=\\"#\\")",
      "check_name": "placeholder-link", "fingerprint": "3f0c...", "severity": "critical",
      "location": {"path": "news/a.html", "lines": {"begin": 15}}}]

Every field GitLab requires is there: `description` (the message), `check_name` (the rule
id), `fingerprint` (`Finding.fingerprint`: no line number in it, so a finding keeps its
identity when lines above it move, and GitLab's "new"/"fixed" comparison between
branches follows the same identity as baselines and SARIF), `severity` and
`location.path` with `location.lines.begin`. Also the Code Climate `type` ("issue") and
`categories`, which GitLab ignores and other Code Climate readers want.

Severity, on GitLab's scale info < minor < major < critical < blocker:

    error   -> critical   it fails the check (exit 1 at the default --fail-on)
    warning -> minor
    info    -> info

`blocker` and `major` are not used: qa has nothing above an error, and keeping a step
between warnings and errors makes the widget's order read as qa's.

Paths are relative to the working directory (GitLab matches by path in the repository);
a page-level finding (no line) is placed at line 1, since GitLab needs a line.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any, TextIO

from qa.findings import Finding, Report
from reports.json import plain
from reports.paths import repo_path

EXT = "gl-code-quality-report.json"
SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}
_SURROGATE = re.compile("[\ud800-\udfff]")   # undecodable file names: shown as U+FFFD
CATEGORY = "Style"            # Code Climate's nearest category for content and a11y checks


def issue(f: Finding, fingerprint: str | None = None) -> dict[str, Any]:
    return {
        "type": "issue",
        "description": f.message,
        "check_name": f.rule,
        "fingerprint": fingerprint or f.fingerprint,
        "severity": SEVERITY[f.severity],
        "categories": [CATEGORY],
        "location": {"path": repo_path(f.path), "lines": {"begin": f.line or 1}},
    }


def as_list(report: Report) -> list[dict[str, Any]]:
    """One issue per finding. GitLab shows only the first of issues that share a
    fingerprint; the engine numbers alike findings apart, but a report put together
    elsewhere may repeat one, and the repeat then gets a fingerprint of its own (derived
    from the shared one and how many came before it), so no finding goes missing."""
    seen: dict[str, int] = {}
    out = []
    for f in report.findings:
        fp = f.fingerprint
        n = seen.get(fp, 0)
        seen[fp] = n + 1
        out.append(issue(f, fp if n == 0 else
                         hashlib.sha256(f"{fp}\x1f{n}".encode()).hexdigest()[:20]))
    return out


def write(report: Report, stream: TextIO) -> None:
    text = json.dumps(plain(as_list(report)), indent=2, ensure_ascii=False, allow_nan=False)
    stream.write(_SURROGATE.sub("\ufffd", text) + "\n")
