"""The browser run through the CLI and the runner: exit 2 without a browser, axe findings
beside ours in text and JSON, and fragments that only scripts create."""
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from helpers import check
from qa.config import Config

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text())


def qa(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=cwd or ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_missing_browser_is_exit_2_with_the_install_command(tmp_path):
    (tmp_path / "a.html").write_text('<html lang="en"><title>a</title><h1>a</h1></html>')
    r = qa("check", "--browser", "--chrome", tmp_path / "no-chromium", tmp_path / "a.html")
    assert r.returncode == 2
    assert "apt-get install chromium chromium-driver" in r.stderr and "--chrome" in r.stderr, r.stderr


@pytest.mark.browser
def test_sample_site_axe_findings_beside_ours_in_text_and_json(need_browser, tmp_path):
    r = qa("check", "--browser", "--format", "text,json", "--out-dir", tmp_path, "sample_pages")
    assert r.returncode == 1, r.stderr
    text = (tmp_path / "report.txt").read_text()
    assert "cancer-trial.html:25:1: error axe.color-contrast " in text
    assert "cancer-trial.html:26:1: error missing-alt-text " in text
    doc = json.loads((tmp_path / "report.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    axe = [f for f in doc["findings"] if f["rule"].startswith("axe.")]
    assert [(Path(f["path"]).name, f["line"], f["rule"]) for f in axe] == \
        [("cancer-trial.html", 25, "axe.color-contrast")]          # EXPECTED.md
    assert axe[0]["impact"] == "serious" and axe[0]["severity"] == "error"
    assert axe[0]["help_url"].startswith("https://dequeuniversity.com/rules/axe/")
    assert "wcag143" in axe[0]["tags"] and "#aaaaaa" in axe[0]["message"]
    # axe agreed with three of ours on the same elements: reported once, under ours
    agreed = {(Path(f["path"]).name, f["line"], f["rule"]): f["data"]["also_found_by"]
              for f in doc["findings"] if "also_found_by" in (f.get("data") or {})}
    assert agreed == {("cancer-trial.html", 26, "missing-alt-text"): ["axe.image-alt"],
                      ("cancer-trial.html", 31, "heading-order"): ["axe.heading-order"],
                      ("index.html", 27, "empty-heading"): ["axe.empty-heading"]}
    assert doc["meta"]["axe_version"].startswith("4.") and doc["meta"]["browser"]
    clean = [f for f in doc["findings"] if f["path"].endswith("visiting-hours.html")]
    assert clean == []


SCRIPTED = """<!doctype html><html lang="en"><head><title>Results</title></head><body><main>
<h1>Results</h1>
<p><a href="#made-by-script">Jump to the table</a></p>
<p><a href="#nowhere">Jump to nothing</a></p>
<div id="slot"></div>
<script>var s = document.createElement('h2'); s.id = 'made-by-script';
s.textContent = 'Table'; document.getElementById('slot').appendChild(s);</script>
</main></body></html>
"""


@pytest.mark.browser
def test_fragment_created_by_a_script_is_not_broken_in_the_browser(need_browser, write_page):
    page = write_page("results.html", SCRIPTED)
    static = [f for f in check(page).findings if f.rule == "broken-anchor"]
    assert [(f.line, f.severity) for f in static] == [(3, "error"), (4, "error")]
    cfg = Config()
    cfg.browser = {"enabled": True}
    rendered = {f.line: f for f in check(page, config=cfg).findings if f.rule == "broken-anchor"}
    assert rendered[3].severity == "info"
    assert "found only in the rendered page" in rendered[3].message
    assert rendered[4].severity == "error"
