"""JUnit XML for CI test dashboards (GitLab, Jenkins, Azure DevOps): one test suite "qa";
one test case per page and rule (classname = the page's path, name = the rule id), and one
passing test case per page with no findings at all (name "all rules").

The findings of a rule on a page at or above `fail_on` are that test case's one
`<failure>` (type = rule id; message = the finding's message, or how many there are and
the first one's; text = each finding as `path:line:col: severity rule message` with its
element, code and how to fix it), so the dashboard fails exactly when the exit code does,
and a template-wide problem is one case per page, not one per occurrence. A rule that means
the page could not be checked (load-error, or a rule or the browser failing on it) is an
`<error>` instead. Findings below `fail_on` are listed in the test case's `<system-out>`,
visible but not failing (a rule with only those is a passing case).

Counts follow JUnit's meaning, per test case: `tests` = cases, `errors` = cases with an
error, `failures` = cases with a failure. Times are real: the engine times each page
(`PageInfo.seconds`), not each rule, so a page's time is shared evenly among its cases
(in whole milliseconds, adding up to the page's time); the suite's time is their sum. A
page with no time (a finding about a folder, a report from elsewhere) takes 0.

XML is built with xml.etree (escaping is automatic); characters that XML 1.0 cannot carry
at all (control characters, lone surrogates) are removed from page data first.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, TextIO

from qa.findings import Finding, Report, at_least

EXT = "junit.xml"
ERROR_RULES = ("load-error", "rule-error", "browser-error")   # the page could not be checked
# XML 1.0 section 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_text(value: Any) -> str:
    """A string XML 1.0 can hold: control characters dropped, lone surrogates (undecodable
    bytes in a file name) shown as U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", str(value)))


def where(f: Finding) -> str:
    return f.path + (f":{f.line}" if f.line else "") + (f":{f.column}" if f.line and f.column else "")


def _details(f: Finding, doc: dict[str, Any]) -> str:
    lines = [f"{where(f)}: {f.severity} {f.rule} {f.message}"]
    if f.selector:
        lines.append(f"  element: {f.selector}")
    if f.snippet:
        lines.append(f"  code: {f.snippet}")
    if doc.get("fix"):
        lines.append(f"  fix: {' '.join(str(doc['fix']).split())}")
    url = f.help_url or doc.get("help_url")
    if url:
        lines.append(f"  help: {url}")
    return "\n".join(lines)


PASSED_NAME = "all rules"


def _case_times(seconds: float | None, cases: int) -> list[int]:
    """The page's time in whole milliseconds, shared among its cases."""
    total = round(seconds * 1000) if seconds and seconds > 0 else 0
    base, extra = divmod(total, cases)
    return [base + (i < extra) for i in range(cases)]


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"


def build(report: Report) -> ET.Element:
    docs = report.rules or {}
    seconds = {p.path: p.seconds for p in report.pages}
    order = list(dict.fromkeys([p.path for p in report.pages] + [f.path for f in report.findings]))
    by_page: dict[str, dict[str, list[Finding]]] = {p: {} for p in order}
    for f in report.findings:                  # rules in the order of their first finding
        by_page[f.path].setdefault(f.rule, []).append(f)

    cases, failures, errors, total_ms = [], 0, 0, 0
    for path in order:
        groups = list(by_page[path].items()) or [(None, [])]
        for (rule, found), ms in zip(groups, _case_times(seconds.get(path), len(groups))):
            total_ms += ms
            case = ET.Element("testcase", classname=xml_text(path),
                              name=xml_text(rule if rule is not None else PASSED_NAME),
                              time=_seconds(ms))
            gating = [f for f in found if at_least(f.severity, report.fail_on)]
            quiet = [f for f in found if not at_least(f.severity, report.fail_on)]
            if gating:
                tag = "error" if rule in ERROR_RULES else "failure"
                message = gating[0].message if len(gating) == 1 else \
                    f"{len(gating)} findings, the first: {gating[0].message}"
                el = ET.SubElement(case, tag, message=xml_text(message), type=xml_text(rule))
                el.text = "\n".join(xml_text(_details(f, docs.get(f.rule) or {})) for f in gating)
                errors += tag == "error"
                failures += tag == "failure"
            if quiet:
                ET.SubElement(case, "system-out").text = "\n".join(
                    xml_text(_details(f, docs.get(f.rule) or {})) for f in quiet)
            cases.append(case)

    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    time = _seconds(total_ms)
    root = ET.Element("testsuites", name=xml_text(report.tool.get("name", "qa")), **counts, time=time)
    suite = ET.SubElement(root, "testsuite", name="qa", **counts, skipped="0", time=time)
    props = ET.SubElement(suite, "properties")
    meta = report.meta or {}
    for name, value in (("tool", f"{report.tool.get('name', 'qa')} {report.tool.get('version', '')}".strip()),
                        ("fail-on", report.fail_on), ("findings", len(report.findings)),
                        ("generated", meta.get("generated")), ("site-root", meta.get("site_root")),
                        ("axe-version", meta.get("axe_version")), ("browser", meta.get("browser"))):
        if value is not None:
            ET.SubElement(props, "property", name=name, value=xml_text(value))
    suite.extend(cases)
    return root


def write(report: Report, stream: TextIO) -> None:
    root = build(report)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
