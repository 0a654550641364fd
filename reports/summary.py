"""Markdown for a CI job summary or a pull request comment (`--summary FILE`; appended to
`$GITHUB_STEP_SUMMARY` too when GitHub Actions sets it):

    ## qa: failed, 14 problems (10 errors, 4 warnings, 0 info) in 7 pages
    | severity | findings |   counts by severity
    Baseline                  new / known / reviewed / fixed, when a baseline was used
    Top rules                 the rules with the most findings, on how many pages
    One cause, many findings  report.causes(): the one fix that clears many findings
    Reports                   links to the files the same run wrote (meta["artifacts"])

The baseline section reads `meta["baseline"]` ({"path", "new", "known", "reviewed",
"fixed": [{"rule", "page", "message", "fingerprint"}]}) and each finding's status ("new",
"known", "reviewed"); without a baseline it is left out. The artifact links are whatever
the CLI put in `meta["artifacts"]` ([{"format", "name", "href"}], see `artifact_links`).

Page text (messages, causes, paths, rule ids) is escaped for GitHub and GitLab Markdown:
`&`, `<` and `>` as entities (no HTML gets in: `<script>` is text), Markdown punctuation
with a backslash (`|` cannot end a table cell, `[x](y)` is no link, `$` no maths), `@`
followed by a word joiner (no one is mentioned), and line breaks and control characters
as spaces (one row stays one row).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Mapping, TextIO
from urllib.parse import quote

from qa.findings import SEVERITIES, Report

EXT = "summary.md"
TOP_RULES = 10
TOP_CAUSES = 10
LISTED = 20                  # new and fixed findings listed by name

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")
_NAMES = {"html": "HTML report", "json": "JSON report", "sarif": "SARIF", "junit": "JUnit XML",
          "text": "text report", "github": "GitHub annotations", "gitlab": "GitLab Code Quality"}


def md(value: Any) -> str:
    """`value` as Markdown text that renders as itself, on one line, in a table cell too."""
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PUNCT.sub(r"\\\1", text).replace("@", "@\u2060")


def code(value: Any, cell: bool = False) -> str:
    """`value` as a Markdown code span, on one line: nothing in a code span is markup (no
    HTML, no links, no mentions) and backslashes are not escapes there, so the fence is
    made longer than any run of backticks in the text, and only in a table `cell` is `|`
    escaped (GFM splits cells on it even inside code, and unescapes it there only)."""
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    if cell:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _status(f) -> str | None:
    status = getattr(f, "baseline", None) or (f.data or {}).get("baseline")
    return status if isinstance(status, str) else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def write(report: Report, stream: TextIO) -> None:
    out: list[str] = []
    counts = report.counts()
    verdict = "failed" if report.failed else "passed"
    out.append(f"## qa: {verdict}, {md(report.summary_line())}")
    out.append("")
    out.append(f"Findings at or above `{report.fail_on}` fail the check"
               + (" (exit 1)." if report.failed else "; there are none."))
    out.append("")
    out += [_row("severity", "findings"), "| --- | ---: |"]
    out += [_row(s, counts[s]) for s in SEVERITIES]
    out.append("")
    out += _baseline(report)
    out += _top_rules(report)
    out += _causes(report)
    out += _artifacts(report)
    stream.write("\n".join(out).rstrip("\n") + "\n")


def _baseline(report: Report) -> list[str]:
    base = (report.meta or {}).get("baseline")
    if not isinstance(base, Mapping):
        return []
    fixed = [x for x in base.get("fixed") or () if isinstance(x, Mapping)]
    out = [f"### Against the baseline {code(base.get('path', ''))}", "",
           _row("new", "known", "reviewed", "fixed"), "| ---: | ---: | ---: | ---: |",
           _row(int(base.get("new") or 0), int(base.get("known") or 0),
                int(base.get("reviewed") or 0), len(fixed)), ""]
    new = [f for f in report.findings if _status(f) == "new"]
    if new:
        out += ["New:", ""]
        out += [f"- {f.severity} {code(f.rule)} {md(f.path)}{':' + str(f.line) if f.line else ''}: "
                f"{md(f.message)}" for f in new[:LISTED]]
        if len(new) > LISTED:
            out.append(f"- and {len(new) - LISTED} more (the JSON report has them all)")
        out.append("")
    if fixed:
        out += ["Fixed since the baseline:", ""]
        out += [f"- {code(x.get('rule', ''))} {md(x.get('page', ''))}: {md(x.get('message', ''))}"
                for x in fixed[:LISTED]]
        if len(fixed) > LISTED:
            out.append(f"- and {len(fixed) - LISTED} more")
        out.append("")
    return out


def _top_rules(report: Report) -> list[str]:
    by_rule: dict[str, list] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    if not by_rule:
        return []
    ranked = sorted(by_rule.items(), key=lambda kv: (
        min(SEVERITIES.index(f.severity) for f in kv[1]), -len(kv[1]), kv[0]))
    out = ["### Top rules", "", _row("rule", "severity", "findings", "pages"),
           "| --- | --- | ---: | ---: |"]
    for rule, fs in ranked[:TOP_RULES]:
        worst = SEVERITIES[min(SEVERITIES.index(f.severity) for f in fs)]
        out.append(_row(code(rule, cell=True), worst, len(fs), len({f.path for f in fs})))
    if len(ranked) > TOP_RULES:
        out += ["", f"and {_plural(len(ranked) - TOP_RULES, 'more rule')}."]
    return out + [""]


def _causes(report: Report) -> list[str]:
    causes = report.causes()
    if not causes:
        return []
    out = ["### One cause, many findings", "", _row("rule", "cause", "findings", "pages"),
           "| --- | --- | ---: | ---: |"]
    out += [_row(code(c["rule"], cell=True), md(c["cause"]), c["findings"], c["pages"])
            for c in causes[:TOP_CAUSES]]
    if len(causes) > TOP_CAUSES:
        out += ["", f"and {_plural(len(causes) - TOP_CAUSES, 'more cause')} (the JSON report's "
                "summary.causes)."]
    return out + [""]


def _artifacts(report: Report) -> list[str]:
    items = [a for a in (report.meta or {}).get("artifacts") or () if isinstance(a, Mapping)]
    if not items:
        return []
    out = ["### Reports", ""]
    for a in items:
        label = f"{_NAMES.get(str(a.get('format')), md(a.get('format', '')))}: {code(a.get('name', ''))}"
        href = a.get("href")
        out.append(f"- [{label}]({_href(href)})" if href else f"- {label}")
    return out + [""]


def _href(href: str) -> str:
    # RFC 3986 characters only: a space or a parenthesis cannot end the link early
    return quote(str(href), safe="/:#?=&%~@!$'*+,;")


def artifact_links(targets: list[tuple[str, Path]], summary: Path | None,
                   env: Mapping[str, str]) -> list[dict[str, str]]:
    """What `meta["artifacts"]` holds for a summary at `summary` (None: GitHub's step
    summary, which is no file beside the reports): each report the run wrote but the
    summary itself, with a link that works where the summary is read. In GitLab CI
    (`CI_JOB_URL`, `CI_PROJECT_DIR`), the job's artifact browser; in GitHub's step summary,
    the run's page (its artifacts are listed there); otherwise the file, relative to the
    summary's folder."""
    out = []
    job_url, project = env.get("CI_JOB_URL"), env.get("CI_PROJECT_DIR")
    run_url = None
    if env.get("GITHUB_SERVER_URL") and env.get("GITHUB_REPOSITORY") and env.get("GITHUB_RUN_ID"):
        run_url = (f"{env['GITHUB_SERVER_URL']}/{env['GITHUB_REPOSITORY']}/actions/runs/"
                   f"{env['GITHUB_RUN_ID']}#artifacts")
    for fmt, path in targets:
        if fmt == "summary" or (summary is not None and
                                os.path.realpath(path) == os.path.realpath(summary)):
            continue
        href = None
        full = os.path.abspath(path)
        if job_url and project and os.path.commonpath([os.path.abspath(project), full]) == \
                os.path.abspath(project):
            href = f"{job_url.rstrip('/')}/artifacts/file/{Path(os.path.relpath(full, project)).as_posix()}"
        elif summary is None:
            href = run_url
        else:
            href = Path(os.path.relpath(full, os.path.dirname(os.path.abspath(summary)))).as_posix()
        item = {"format": fmt, "name": Path(path).name}
        if href:
            item["href"] = href
        out.append(item)
    return out
