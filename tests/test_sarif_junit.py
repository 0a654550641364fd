"""SARIF 2.1.0 and JUnit XML writers: golden files, validation against the official SARIF
schema, and well-formed JUnit with correct counts from hostile and illegal-character data.

Regenerate the golden files with QA_UPDATE_GOLDEN=1 after an intended format change.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from qa.findings import Finding, PageInfo, Report, at_least
from reports import junit, sarif
from test_html_report import PAYLOAD, constructed_report, golden, hostile_report, sample_report

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "reports" / "sarif-schema-2.1.0.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))

# RFC 3986: the characters a URI may hold, and well-formed %-escapes. jsonschema checks
# "uri" formats only with an optional package; these checks are what it would do.
_URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri-reference")
def _uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI_CHARS.match(value) and not _BAD_ESCAPE.search(value))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_uri_reference(value) and _SCHEME.match(value))


def sarif_of(report: Report) -> dict:
    buf = io.StringIO()
    sarif.write(report, buf)
    return json.loads(buf.getvalue())


def validate(doc: dict) -> None:
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls(SCHEMA, format_checker=FORMATS).validate(doc)


def junit_of(report: Report) -> str:
    buf = io.StringIO()
    junit.write(report, buf)
    return buf.getvalue()


# -- SARIF -------------------------------------------------------------------------------
def test_schema_file_is_the_published_one():
    """The shipped schema is the SARIF SDK's file, byte for byte (see reports/sarif.py)."""
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest in (sarif.__doc__ or "")
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    jsonschema.validators.validator_for(SCHEMA).check_schema(SCHEMA)
    assert len(SCHEMA["definitions"]) > 50                 # the full schema, not a subset


def test_constructed_sarif_matches_golden():
    buf = io.StringIO()
    sarif.write(constructed_report(), buf)
    golden("constructed.sarif", buf.getvalue())


def test_sample_pages_sarif_matches_golden(monkeypatch):
    buf = io.StringIO()
    sarif.write(sample_report(monkeypatch), buf)
    golden("sample_pages.sarif", buf.getvalue())


@pytest.mark.parametrize("which", ["constructed", "sample", "hostile"])
def test_sarif_validates_against_the_official_schema(which, monkeypatch):
    report = {"constructed": constructed_report, "sample": lambda: sample_report(monkeypatch),
              "hostile": lambda: hostile_report(monkeypatch)}[which]()
    doc = sarif_of(report)
    validate(doc)
    results = doc["runs"][0]["results"]
    assert len(results) == len(report.findings)


def test_the_schema_check_can_fail():
    doc = sarif_of(constructed_report())
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)
    doc = sarif_of(constructed_report())
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.html"
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


def test_sarif_results_point_at_their_rules_and_pages():
    report = constructed_report()
    run = sarif_of(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "qa" and run["tool"]["driver"]["version"] == "0.0.0"
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for f, res in zip(report.findings, run["results"], strict=True):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == f.rule
        assert res["level"] == {"error": "error", "warning": "warning", "info": "note"}[f.severity]
        assert res["message"]["text"] == f.message
        assert res["partialFingerprints"] == {"qa/v1": f.fingerprint}
        loc = res["locations"][0]["physicalLocation"]
        if f.line:
            assert loc["region"]["startLine"] == f.line
            assert loc["region"].get("startColumn") == f.column
            assert loc["region"]["snippet"]["text"] == f.snippet if f.snippet else True
        else:
            assert "region" not in loc
    by_id = {r["id"]: r for r in rules}
    link = by_id["placeholder-link"]
    assert link["defaultConfiguration"]["level"] == "error"
    assert link["helpUri"].startswith("https://www.w3.org/")
    assert {"wcag2a", "wcag244", "accessibility"} <= set(link["properties"]["tags"])
    assert by_id["axe.aria-allowed-role"]["defaultConfiguration"]["level"] == "note"
    cafe = next(r for r in run["results"] if r["ruleId"] == "reading-level")
    assert cafe["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "news/caf%C3%A9%20menu.html", "uriBaseId": "SRCROOT"}
    assert cafe["properties"]["data"]["hardest"][0]["grade"] == 21.3
    review = next(r for r in run["results"] if r["ruleId"] == "axe.aria-allowed-role")
    assert review["properties"]["needsReview"] is True and review["properties"]["impact"] == "minor"
    assert review["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "ul.menu", "kind": "element"}]


@pytest.mark.parametrize("path, expected", [
    ("news/a.html", {"uri": "news/a.html", "uriBaseId": "SRCROOT"}),
    ("./news/a b.html", {"uri": "news/a%20b.html", "uriBaseId": "SRCROOT"}),
    ("a:b.html", {"uri": "a%3Ab.html", "uriBaseId": "SRCROOT"}),
    ("100%.html", {"uri": "100%25.html", "uriBaseId": "SRCROOT"}),
    ("/srv/site/index.html", {"uri": "file:///srv/site/index.html"}),
    ("https://example.org/news/a b.html?x=1", {"uri": "https://example.org/news/a%20b.html?x=1"}),
])
def test_page_paths_become_uris(path, expected):
    assert sarif.artifact_location(path, srcroot="/work/repo") == expected


def test_absolute_paths_under_the_working_directory_are_relative(tmp_path, monkeypatch):
    """`qa check $PWD/site` in CI: code scanning matches results to files by path in the
    repository, never by file: URI."""
    monkeypatch.chdir(tmp_path)
    assert sarif.artifact_location(str(tmp_path / "site" / "a b.html")) == \
        {"uri": "site/a%20b.html", "uriBaseId": "SRCROOT"}
    assert sarif.artifact_location("/srv/other/index.html") == {"uri": "file:///srv/other/index.html"}


def test_sarif_never_carries_a_script_url(monkeypatch):
    doc = sarif_of(hostile_report(monkeypatch))
    text = json.dumps(doc)
    uris = re.findall(r'"(?:helpUri|informationUri|uri)": "([^"]*)"', text)
    assert uris and all(not u.lower().lstrip().startswith(("javascript:", "vbscript:", "data:"))
                        for u in uris)
    assert PAYLOAD in [r["message"]["text"] for r in doc["runs"][0]["results"]]


# -- JUnit -------------------------------------------------------------------------------
PAGE_SECONDS = {"about.html": 0.125, "es/noticias.html": 0.0504, "news/café menu.html": 0.3333,
                "services/index.html": 0.2}


def timed(report: Report, seconds: dict[str, float] | None = None) -> Report:
    """The report with fixed page times (a real run's times differ every run)."""
    for p in report.pages:
        p.seconds = (seconds or PAGE_SECONDS).get(p.path, 0.01)
    return report


def test_constructed_junit_matches_golden():
    golden("constructed.junit.xml", junit_of(timed(constructed_report())))


def test_sample_pages_junit_matches_golden(monkeypatch):
    golden("sample_pages.junit.xml", junit_of(timed(sample_report(monkeypatch))))


def expected_cases(report: Report) -> list[tuple[str, str, list[Finding]]]:
    """(page, rule or "all rules", findings) of every test case, in order."""
    paths = list(dict.fromkeys([p.path for p in report.pages] + [f.path for f in report.findings]))
    out = []
    for path in paths:
        mine = [f for f in report.findings if f.path == path]
        rules = list(dict.fromkeys(f.rule for f in mine))
        out += [(path, r, [f for f in mine if f.rule == r]) for r in rules] or \
            [(path, junit.PASSED_NAME, [])]
    return out


def expected_counts(report: Report) -> dict[str, int]:
    cases = expected_cases(report)
    gating = [(r, [f for f in fs if at_least(f.severity, report.fail_on)]) for _, r, fs in cases]
    return {"tests": len(cases),
            "failures": sum(1 for r, fs in gating if fs and r not in junit.ERROR_RULES),
            "errors": sum(1 for r, fs in gating if fs and r in junit.ERROR_RULES)}


@pytest.mark.parametrize("which, fail_on", [("constructed", "error"), ("constructed", "info"),
                                            ("sample", "error"), ("sample", "warning"),
                                            ("hostile", "error")])
def test_junit_one_case_per_page_and_rule_with_correct_counts(which, fail_on, monkeypatch):
    report = {"constructed": constructed_report, "sample": lambda: sample_report(monkeypatch),
              "hostile": lambda: hostile_report(monkeypatch)}[which]()
    report.fail_on = fail_on
    text = junit_of(report)
    root = etree.fromstring(text.encode("utf-8"))          # strict XML 1.0 parser
    suites = root.findall("testsuite")
    assert root.tag == "testsuites" and len(suites) == 1
    suite = suites[0]
    want = expected_counts(report)
    for el in (root, suite):
        assert {k: int(el.get(k)) for k in want} == want
    cases = suite.findall("testcase")
    expected = expected_cases(report)
    assert [(c.get("classname"), c.get("name")) for c in cases] == \
        [(junit.xml_text(p), junit.xml_text(r)) for p, r, _ in expected]
    for case, (_, rule, mine) in zip(cases, expected, strict=True):
        gating = [f for f in mine if at_least(f.severity, fail_on)]
        problems = [el for el in case if el.tag in ("failure", "error")]
        assert len(problems) == (1 if gating else 0)          # one failure lists them all
        if gating:
            [el] = problems
            assert el.tag == ("error" if rule in junit.ERROR_RULES else "failure")
            assert el.get("type") == junit.xml_text(rule)
            assert el.get("message") == junit.xml_text(
                gating[0].message if len(gating) == 1
                else f"{len(gating)} findings, the first: {gating[0].message}")
            heads = [line for line in el.text.splitlines() if not line.startswith("  ")]
            assert heads == [junit.xml_text(f"{junit.where(f)}: {f.severity} {f.rule} {f.message}")
                             for f in gating]                 # every finding, in order
        quiet = [f for f in mine if not at_least(f.severity, fail_on)]
        out = case.findtext("system-out") or ""
        assert all(f"{f.rule} {junit.xml_text(f.message)}" in out for f in quiet)


def test_junit_location_text_and_counts_by_hand():
    root = ET.fromstring(junit_of(timed(constructed_report())))
    suite = root.find("testsuite")
    # about: placeholder-link, missing-alt-text, axe.color-contrast (failures) and page-h1
    # (a warning: passes); es: no findings (passes); café: placeholder-link (failure),
    # reading-level and axe.aria-allowed-role (pass); services: placeholder-link
    # (failure); empty: load-error (error)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("10", "5", "1")
    about = {c.get("name"): c for c in suite.findall("testcase[@classname='about.html']")}
    assert list(about) == ["page-h1", "placeholder-link", "missing-alt-text", "axe.color-contrast"]
    assert about["placeholder-link"].find("failure").text.splitlines()[0] == \
        'about.html:15:5: error placeholder-link link "Research" goes nowhere (href="#")'
    assert about["page-h1"].find("failure") is None
    assert "about.html: warning page-h1 page has no h1" in about["page-h1"].findtext("system-out")
    assert suite.find("testcase[@classname='old/empty.html']/error").get("type") == "load-error"
    [clean] = suite.findall("testcase[@classname='es/noticias.html']")
    assert clean.get("name") == "all rules" and len(clean) == 0
    # real times: the page's time shared among its cases, in whole milliseconds
    times = {}
    for c in suite.findall("testcase"):
        times.setdefault(c.get("classname"), []).append(c.get("time"))
    assert times["about.html"] == ["0.032", "0.031", "0.031", "0.031"]        # 125 ms
    assert times["es/noticias.html"] == ["0.050"]
    assert times["news/café menu.html"] == ["0.111", "0.111", "0.111"]        # 333 ms
    assert times["old/empty.html"] == ["0.000"]                               # no page time
    assert suite.get("time") == root.get("time") == "0.708"


def test_junit_times_come_from_a_real_run(monkeypatch):
    report = sample_report(monkeypatch)
    assert all(isinstance(p.seconds, float) and p.seconds > 0 for p in report.pages)
    suite = ET.fromstring(junit_of(report)).find("testsuite")
    for p in report.pages:
        ms = sum(round(float(c.get("time")) * 1000)
                 for c in suite.findall("testcase") if c.get("classname") == p.path)
        assert ms == round(p.seconds * 1000)
    assert float(suite.get("time")) == pytest.approx(sum(p.seconds for p in report.pages), abs=0.01)


def test_junit_one_failure_lists_every_finding_of_its_rule_on_its_page():
    f = Finding("placeholder-link", "error", "a.html", 3, 1, 'link "A" goes nowhere (href="#")')
    report = Report(tool={"name": "qa", "version": "0.0.0"}, pages=[PageInfo("a.html")],
                    findings=[f, dataclasses.replace(f, line=9, message='link "B" goes nowhere'),
                              dataclasses.replace(f, line=12, severity="info", message="c")])
    [case] = ET.fromstring(junit_of(report)).findall("testsuite/testcase")
    [failure] = case.findall("failure")
    assert failure.get("message") == '2 findings, the first: link "A" goes nowhere (href="#")'
    assert failure.text.splitlines() == ['a.html:3:1: error placeholder-link link "A" goes nowhere (href="#")',
                                         'a.html:9:1: error placeholder-link link "B" goes nowhere']
    assert case.findtext("system-out") == "a.html:12:1: info placeholder-link c"


def test_junit_strips_characters_xml_cannot_hold():
    bad = "ok\x00\x01\x08\x0b\x0c\x1b[31m\x7f\ufffe\uffff\ud800 end"
    f = Finding("placeholder-link", "error", f"we\x01ird{bad}.html", 3, 1, f'link "{bad}" goes nowhere',
                selector="a", snippet=f"<a>{bad}</a>")
    report = Report(tool={"name": "qa", "version": "0.0.0"},
                    pages=[PageInfo(f.path, title=bad)], findings=[f], fail_on="error")
    text = junit_of(report)
    root = etree.fromstring(text.encode("utf-8"))           # raises on any illegal character
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == 'link "ok[31m\x7f\ufffd end" goes nowhere'
    assert root.find("testsuite/testcase").get("classname") == "weirdok[31m\x7f\ufffd end.html"
    assert "\x1b" not in text and "\x00" not in text


def test_junit_carries_hostile_text_as_text(monkeypatch):
    text = junit_of(hostile_report(monkeypatch))
    root = etree.fromstring(text.encode("utf-8"))
    assert PAYLOAD + ".html" in [c.get("classname") for c in root.iter("testcase")]
    assert any(PAYLOAD == el.get("message") for el in root.iter("failure", "error"))
    assert "<script>" not in text                           # escaped, never markup


def test_writers_expose_their_default_file_names():
    from reports import html
    assert (html.EXT, sarif.EXT, junit.EXT) == ("index.html", "report.sarif", "junit.xml")
    for mod in (html, sarif, junit):
        assert callable(mod.write)


def test_info_findings_do_not_fail_junit_but_still_show():
    report = constructed_report()
    report.findings = [dataclasses.replace(f, severity="info") for f in report.findings]
    root = ET.fromstring(junit_of(report))
    assert root.find("testsuite").get("failures") == "0" and root.find("testsuite").get("errors") == "0"
    assert "placeholder-link" in root.find(
        "testsuite/testcase[@classname='about.html'][@name='placeholder-link']/system-out").text


def test_file_names_that_are_not_utf8_survive_every_writer():
    """os.listdir hands over undecodable bytes as lone surrogates (surrogateescape); no
    writer may crash on them, and SARIF keeps the real bytes in the URI."""
    from reports import html
    path = b"news/caf\xe9.html".decode("utf-8", "surrogateescape")
    f = Finding("missing-alt-text", "error", path, 3, 1, 'image "a.png" has no alt attribute',
                selector="img", snippet='<img src="a.png">')
    report = Report(tool={"name": "qa", "version": "0.0.0"}, pages=[PageInfo(path, title="Café")],
                    findings=[f], fail_on="error")
    for writer in (html, sarif, junit):
        buf = io.StringIO()
        writer.write(report, buf)
        buf.getvalue().encode("utf-8")                       # strict: would raise on a surrogate
        assert "news/caf\ufffd.html" in buf.getvalue() or writer is sarif
    doc = sarif_of(report)
    validate(doc)
    assert doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"] == "news/caf%E9.html"
