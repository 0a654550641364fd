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
