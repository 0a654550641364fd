"""CI outputs: GitHub Actions workflow commands, GitLab Code Quality, the Markdown summary
(--summary, $GITHUB_STEP_SUMMARY) and `qa report` rendering a saved JSON report again."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from qa.findings import Finding, PageInfo, Report
from reports import github, gitlab, render
from test_html_report import PAYLOAD, constructed_report, hostile_report, sample_report

ROOT = Path(__file__).resolve().parent.parent
PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>T</title></head>'
        "<body><main><h1>T</h1>{}</main></body></html>")
INJECT = "\n::error file=x::pwned\r\n::add-mask::secret\r::stop-commands::tok"


def qa(*args, cwd=None, env=None):
    full = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "CI_JOB_URL")}
    full.update({"PYTHONPATH": str(ROOT), "NO_COLOR": "1", **(env or {})})
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=cwd or ROOT,
                          env=full, capture_output=True, text=True, timeout=120)


# -- GitHub workflow commands -------------------------------------------------------------
def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A line as the Actions runner reads it (ActionCommand.TryParseV2): `::name
    k=v,k=v::message`, properties and message unescaped."""
    assert line.startswith("::")
    end = line.index("::", 2)
    info, message = line[2:end], line[end + 2:]
    name, _, props = info.partition(" ")
    unescape = lambda s, prop: (s.replace("%0D", "\r").replace("%0A", "\n")          # noqa: E731
                                .replace("%3A", ":" if prop else "%3A")
                                .replace("%2C", "," if prop else "%2C").replace("%25", "%"))
    properties = {}
    for pair in filter(None, props.split(",")):
        k, _, v = pair.partition("=")
        properties[k] = unescape(v, True)
    return name, properties, unescape(message, False)


def commands(text: str) -> list[str]:
    # the runner splits a log into lines at LF, CR and CRLF (.NET's ReadLine)
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[:-1]


def test_github_one_command_line_per_finding_with_its_place():
    report = constructed_report()
    lines = commands(render("github", report))
    assert len(lines) == len(report.findings)
    assert all(line.startswith("::") for line in lines)
    for line, f in zip(lines, report.findings, strict=True):
        name, props, message = parse_command(line)
        assert name == {"error": "error", "warning": "warning", "info": "notice"}[f.severity]
        assert props["file"] == f.path and props["title"] == f.rule
        assert props.get("line") == (str(f.line) if f.line else None)
        assert props.get("col") == (str(f.column) if f.line and f.column else None)
        assert message.split("\n")[0] == f.message
    assert lines[1] == ('::error file=about.html,line=15,col=5,title=placeholder-link::'
                        'link "Research" goes nowhere (href="#")%0A'
                        'https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context.html')
    assert lines[0] == "::warning file=about.html,title=page-h1::page has no h1"


def test_github_hostile_text_cannot_start_a_command():
    path = f"a,line=1::b{INJECT}.html"
    f = Finding("duplicate-heading", "error", path, 3, 1, f'duplicate heading "{INJECT}%0A"',
                help_url=f"https://x.invalid/{INJECT}")
    g = Finding("axe.x::add-mask::y", "info", "p\x1b[2J\x00\u2028\x85.html", None, None,
                "::add-mask::secret\x1b]0;t\x07")
    report = Report({"name": "qa", "version": "0"}, [PageInfo(path)], [f, g])
    text = render("github", report)
    lines = commands(text)
    assert len(lines) == 2 and all(line.startswith("::") for line in lines)
    name, props, message = parse_command(lines[0])
    assert (name, props["file"], props["line"], props["col"]) == ("error", path, "3", "1")
    assert message == f'duplicate heading "{INJECT}%0A"\nhttps://x.invalid/{INJECT}'
    name, props, message = parse_command(lines[1])
    assert name == "notice" and props == {"file": "p\\x1b[2J\\x00\\u2028\\x85.html",
                                          "title": "axe.x::add-mask::y"}
    assert message == "::add-mask::secret\\x1b]0;t\\x07"
    assert not any(c in text for c in "\x1b\x00\x07\x85\u2028")


def test_github_from_a_real_run_of_a_hostile_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "x\n::error file=x::hacked.html").write_text(PAGE.format(
        "<h2>\n::error file=x::pwned</h2><h2>\n::error file=x::pwned</h2>"
        '<h2>::add-mask::pw</h2><h2>::add-mask::pw</h2><a href="#%0A::error::x">a</a>'
        '<img src="a\x1b]0;title\x07.png">'))
    r = qa("check", site, "--no-config", "--format", "github", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    lines = commands(r.stdout)
    assert len(lines) >= 4 and all(line.startswith(("::error ", "::warning ", "::notice "))
                                   for line in lines)
    parsed = [parse_command(line) for line in lines]
    assert all(p["file"] == "site/x\n::error file=x::hacked.html" for _, p, _ in parsed)
    assert any("::add-mask::pw" in m for _, _, m in parsed)
    doc = json.loads(qa("check", site, "--no-config", "--format", "json", cwd=tmp_path).stdout)
    assert len(lines) == len(doc["findings"])


def test_github_paths_are_relative_to_the_repository_and_urls_lead_the_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = Finding("broken-link", "error", str(tmp_path / "site" / "a.html"), 2, 3, "m")
    u = Finding("broken-link", "warning", "https://example.org/a.html", 2, 3, "m")
    lines = commands(render("github", Report({"name": "qa", "version": "0"}, [], [f, u])))
    assert lines == ["::error file=site/a.html,line=2,col=3,title=broken-link::m",
                     "::warning title=broken-link::https://example.org/a.html: m"]


# -- GitLab Code Quality ------------------------------------------------------------------
# What GitLab's documentation requires of each issue in a codequality report
# (docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object", "required": ["path", "lines"],
                "properties": {"path": {"type": "string", "minLength": 1, "not": {"pattern": "^/"}},
                               "lines": {"type": "object", "required": ["begin"],
                                         "properties": {"begin": {"type": "integer", "minimum": 1}}}},
            },
        },
    },
}


@pytest.mark.parametrize("which", ["constructed", "sample", "hostile"])
def test_gitlab_code_quality_shape(which, monkeypatch):
    report = {"constructed": constructed_report, "sample": lambda: sample_report(monkeypatch),
              "hostile": lambda: hostile_report(monkeypatch)}[which]()
    doc = json.loads(render("gitlab", report))
    jsonschema.Draft202012Validator(GITLAB_SCHEMA).validate(doc)
    assert len(doc) == len(report.findings)
    assert len({i["fingerprint"] for i in doc}) == len(doc)          # GitLab drops repeats
    first = {}
    for f in report.findings:
        first.setdefault(f.fingerprint, f)
    for issue, f in zip(doc, report.findings, strict=True):
        if first[f.fingerprint] is f:        # a repeat (made by hand) gets one of its own
            assert issue["fingerprint"] == f.fingerprint
        assert issue["check_name"] == f.rule
        assert issue["description"] == f.message.replace("\ud800", "\ufffd")
        assert issue["severity"] == {"error": "critical", "warning": "minor", "info": "info"}[f.severity]
        assert issue["location"]["lines"]["begin"] == (f.line or 1)


def test_gitlab_schema_check_can_fail():
    doc = json.loads(render("gitlab", constructed_report()))
    doc[0]["location"]["lines"]["begin"] = None
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(GITLAB_SCHEMA).validate(doc)


def test_gitlab_paths_are_relative_and_hostile_text_is_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = Finding("broken-link", "error", str(tmp_path / "site" / "a b.html"), None, None, PAYLOAD)
    [issue] = json.loads(render("gitlab", Report({"name": "qa", "version": "0"}, [], [f])))
    assert issue["location"] == {"path": "site/a b.html", "lines": {"begin": 1}}
    assert issue["description"] == PAYLOAD


def test_ci_formats_work_with_out_dir(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(PAGE.format('<img src="a.png"><a href="#">more</a>'))
    out = tmp_path / "out"
    r = qa("check", site, "--no-config", "--format", "github,gitlab,json", "--out-dir", out,
           cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["gl-code-quality-report.json",
                                                     "report.github.txt", "report.json"]
    doc = json.loads((out / "report.json").read_text())
    quality = json.loads((out / "gl-code-quality-report.json").read_text())
    assert [i["fingerprint"] for i in quality] == [f["fingerprint"] for f in doc["findings"]]
    assert [i["location"]["path"] for i in quality] == ["site/a.html"] * len(quality)
    assert len((out / "report.github.txt").read_text().splitlines()) == len(doc["findings"])


# -- the Markdown summary -----------------------------------------------------------------
HOSTILE_TEXT = 'heading "| x | <script>alert(1)</script> @octocat [a](javascript:x) `y` $x$\n| z |"'


def markdown_html(text: str):
    """The summary as a CommonMark + GFM-tables renderer shows it (raw HTML passes
    through, as on GitHub before its sanitizer): an lxml tree."""
    from lxml import html as lxml_html
    from markdown_it import MarkdownIt
    return lxml_html.fromstring(f"<div>{MarkdownIt('commonmark').enable('table').render(text)}</div>")


def caused_report() -> Report:
    mk = lambda path, line, cause, msg=HOSTILE_TEXT: Finding(      # noqa: E731
        "broken-link", "error", path, line, 1, msg, cause=cause, page=path)
    findings = [mk("a.html", 3, f"missing file {HOSTILE_TEXT}"), mk("b.html", 3, f"missing file {HOSTILE_TEXT}"),
                Finding("page-h1", "warning", "a.html", None, None, "page has no h1", page="a.html"),
                Finding("axe.region", "info", "b.html", 9, 2, "content is not in a landmark", page="b.html")]
    return Report({"name": "qa", "version": "0"}, [PageInfo("a.html"), PageInfo("b.html")], findings)


def test_summary_counts_top_rules_and_causes():
    text = render("summary", caused_report())
    assert text.startswith("## qa: failed, 4 problems \\(2 errors, 1 warning, 1 info\\) in 2 pages\n")
    tree = markdown_html(text)
    tables = tree.findall(".//table")
    rows = lambda t: [[c.text_content().replace("\u2060", "") for c in tr]     # noqa: E731
                      for tr in t.iter("tr")]
    assert rows(tables[0]) == [["severity", "findings"], ["error", "2"], ["warning", "1"], ["info", "1"]]
    assert rows(tables[1]) == [["rule", "severity", "findings", "pages"], ["broken-link", "error", "2", "2"],
                               ["page-h1", "warning", "1", "1"], ["axe.region", "info", "1", "1"]]
    assert rows(tables[2]) == [["rule", "cause", "findings", "pages"],
                               ["broken-link", " ".join(f"missing file {HOSTILE_TEXT}".split()), "2", "2"]]
    assert "Baseline" not in text and "baseline" not in text and "### Reports" not in text
    clean = render("summary", Report({"name": "qa", "version": "0"}, [PageInfo("a.html")], []))
    assert clean.startswith("## qa: passed, 0 problems") and "Top rules" not in clean


def test_summary_escapes_page_text():
    report = caused_report()
    report.findings = [dataclasses.replace(f, data={"baseline": "new"}) for f in report.findings]
    report.meta = {"baseline": {"path": "qa-baseline.json", "new": 4, "known": 1, "reviewed": 0,
                                "fixed": [{"rule": "x|y", "page": "<b>c</b>.html", "message": HOSTILE_TEXT,
                                           "fingerprint": "0" * 20}]},
                   "artifacts": [{"format": "html", "name": "a b)<i>.html", "href": "a b)<i>.html"}]}
    text = render("summary", report)
    tree = markdown_html(text)
    assert tree.find(".//script") is None and tree.find(".//b") is None and tree.find(".//i") is None
    [link] = tree.iter("a")                                        # only the artifact's
    assert link.get("href") == "a%20b%29%3Ci%3E.html"
    shown = " ".join(HOSTILE_TEXT.split())
    items = [li.text_content().replace("\u2060", "") for li in tree.iter("li")]
    assert f"error broken-link a.html:3: {shown}" in items
    assert f"x|y <b>c</b>.html: {shown}" in items
    for table in tree.findall(".//table"):                          # no cell was split
        widths = {len(tr) for tr in table.iter("tr")}
        assert len(widths) == 1, widths
    assert "@\u2060octocat" in text and "@octocat" not in text     # nobody is mentioned
    assert [[c.text_content() for c in tr] for tr in tree.findall(".//table")[1].iter("tr")] == \
        [["new", "known", "reviewed", "fixed"], ["4", "1", "0", "1"]]


def test_summary_file_and_github_step_summary_link_the_run_s_reports(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(PAGE.format('<img src="a.png">'))
    step = tmp_path / "step.md"
    step.write_text("earlier step\n")
    env = {"GITHUB_STEP_SUMMARY": str(step), "GITHUB_SERVER_URL": "https://github.com",
           "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "42"}
    r = qa("check", site, "--no-config", "--format", "json,sarif", "--out-dir", tmp_path / "out",
           "--summary", tmp_path / "sum" / "summary.md", cwd=tmp_path, env=env)
    assert r.returncode == 2 and "No such file" in r.stderr and "/sum/" in r.stderr   # said
    (tmp_path / "sum").mkdir()
    r = qa("check", site, "--no-config", "--format", "json,sarif", "--out-dir", tmp_path / "out",
           "--summary", tmp_path / "sum" / "summary.md", cwd=tmp_path, env=env)
    assert r.returncode == 1, r.stderr
    mine = markdown_html((tmp_path / "sum" / "summary.md").read_text())
    assert [a.get("href") for a in mine.iter("a")] == ["../out/report.json", "../out/report.sarif"]
    appended = step.read_text()
    assert appended.startswith("earlier step\n## qa: failed, 2 problems")
    steps = markdown_html(appended)
    assert [a.get("href") for a in steps.iter("a")] == \
        ["https://github.com/o/r/actions/runs/42#artifacts"] * 2
    # without --summary, GitHub's step summary is still written; the report on stdout
    r = qa("check", site, "--no-config", "--format", "gitlab", cwd=tmp_path, env=env)
    assert r.returncode == 1 and json.loads(r.stdout)
    assert step.read_text().count("## qa: failed") == 2
    # GitLab: links into the job's artifact browser
    r = qa("check", site, "--no-config", "--format", "json", "--out-dir", tmp_path / "out",
           "--summary", tmp_path / "out" / "summary.md", cwd=tmp_path,
           env={"CI_JOB_URL": "https://gitlab.example/g/p/-/jobs/7", "CI_PROJECT_DIR": str(tmp_path)})
    assert [a.get("href") for a in markdown_html((tmp_path / "out" / "summary.md").read_text()).iter("a")] \
        == ["https://gitlab.example/g/p/-/jobs/7/artifacts/file/out/report.json"]


def test_the_summary_may_not_replace_a_page(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(PAGE.format(""))
    r = qa("check", site, "--no-config", "--summary", site / "a.html", cwd=tmp_path)
    assert r.returncode == 2 and "would replace" in r.stderr
    assert (site / "a.html").read_text() == PAGE.format("")


# -- qa report: any format again from a saved JSON report ---------------------------------
SAVED_FORMATS = ("text", "json", "html", "sarif", "junit", "github", "gitlab", "summary")


@pytest.mark.parametrize("which", ["constructed", "sample", "hostile"])
def test_a_saved_report_loads_back_and_renders_the_same(which, tmp_path, monkeypatch):
    from reports.json import load
    report = {"constructed": constructed_report, "sample": lambda: sample_report(monkeypatch),
              "hostile": lambda: hostile_report(monkeypatch)}[which]()
    saved = tmp_path / "report.json"
    saved.write_text(render("json", report), encoding="utf-8")
    again = load(str(saved))
    assert [f.fingerprint for f in again.findings] == [f.fingerprint for f in report.findings]
    assert again.findings == report.findings                 # every field but data...
    assert [f.data for f in again.findings] == [f.data for f in report.findings]
    assert [p.seconds for p in again.pages] == [p.seconds for p in report.pages]
    for fmt in SAVED_FORMATS:
        assert render(fmt, again) == render(fmt, report), fmt


def test_qa_report_renders_what_qa_check_wrote(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(PAGE.format('<img src="a.png"><a href="#">x</a><h2>A</h2><h2>A</h2>'))
    (site / "b.html").write_text(PAGE.format('<a href="a.html#nowhere">x</a>'))
    (site / "c.html").write_text(PAGE.format("<p>Fine.</p>"))
    formats = "json,html,sarif,junit,gitlab,github,text"
    r = qa("check", site, "--no-config", "--format", formats, "--out-dir", tmp_path / "first",
           cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    r = qa("report", tmp_path / "first" / "report.json", "--format", formats, "--out-dir",
           tmp_path / "again", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for name in sorted(p.name for p in (tmp_path / "first").iterdir()):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "first" / name).read_bytes(), name
    r = qa("report", tmp_path / "first" / "report.json", cwd=tmp_path)       # text on stdout
    assert r.returncode == 0 and r.stdout == (tmp_path / "first" / "report.txt").read_text()
    r = qa("report", tmp_path / "first" / "report.json", "--format", "sarif", "-o", tmp_path / "x.sarif",
           cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "x.sarif").read_text() == \
        (tmp_path / "first" / "report.sarif").read_text()


@pytest.mark.parametrize("content, words", [
    ("not json", "not JSON"),
    ('{"schema": 2, "pages": [], "findings": []}', "schema 2"),
    ('[1, 2]', "not a qa JSON report"),
    ('{"schema": 1, "pages": [], "findings": [{"rule": "x"}]}', "findings[0]: severity"),
    ('{"schema": 1, "pages": [], "findings": [{"rule": "x", "severity": "error", "path": "a.html", '
     '"line": 1, "column": 1, "message": "m", "fingerprint": "00000000000000000000"}]}',
     "fingerprint cannot be rebuilt"),
])
def test_qa_report_says_what_is_wrong_with_a_file(content, words, tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text(content)
    r = qa("report", bad, "--format", "html", "-o", tmp_path / "x.html", cwd=tmp_path)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not (tmp_path / "x.html").exists()
    r = qa("report", tmp_path / "missing.json", cwd=tmp_path)
    assert r.returncode == 2 and "missing.json" in r.stderr
