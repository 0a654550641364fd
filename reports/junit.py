"""JUnit XML for CI test dashboards (GitLab, Jenkins, Azure DevOps): one test suite "qa",
one test case per page (classname "qa", name = the page's path).

A finding at or above `fail_on` is a `<failure>` of its page (type = rule id, message = the
finding's message, text = `path:line:col: severity rule message` and how to fix it), so the
dashboard fails exactly when the exit code does. A page that could not be checked
(load-error, or a rule or the browser failing on it) is an `<error>` instead. Findings below
`fail_on` are listed in the test case's `<system-out>`, visible but not failing.

Counts follow JUnit's meaning, per test case: `tests` = pages, `errors` = pages with an
error, `failures` = other pages with at least one failure.

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


def build(report: Report) -> ET.Element:
    docs = report.rules or {}
    order = list(dict.fromkeys([p.path for p in report.pages] + [f.path for f in report.findings]))
    by_page: dict[str, list[Finding]] = {p: [] for p in order}
    for f in report.findings:
        by_page[f.path].append(f)

    cases, failures, errors = [], 0, 0
    for path in order:
        case = ET.Element("testcase", classname="qa", name=xml_text(path), time="0")
        out: list[str] = []
        status = "passed"
        for f in by_page[path]:
            text = xml_text(_details(f, docs.get(f.rule) or {}))
            if not at_least(f.severity, report.fail_on):
                out.append(text)
                continue
            tag = "error" if f.rule in ERROR_RULES else "failure"
            el = ET.SubElement(case, tag, message=xml_text(f.message), type=xml_text(f.rule))
            el.text = text
            if tag == "error":
                status = "error"
            elif status == "passed":
                status = "failed"
        if out:
            ET.SubElement(case, "system-out").text = "\n".join(out)
        errors += status == "error"
        failures += status == "failed"
        cases.append(case)

    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    root = ET.Element("testsuites", name=xml_text(report.tool.get("name", "qa")), **counts, time="0")
    suite = ET.SubElement(root, "testsuite", name="qa", **counts, skipped="0", time="0")
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
