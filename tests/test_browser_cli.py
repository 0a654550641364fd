"""The browser run through the CLI and the runner: exit 2 without a browser, axe findings
beside ours in text and JSON, and fragments that only scripts create."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
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


def browser_config(**tables):
    from qa.config import from_dict
    return from_dict({"browser": {"enabled": True, "timeout": 5}, **tables})


FAINT = ('<!doctype html><html lang="en"><head><title>{t}</title></head><body><main><h1>{t}</h1>'
         '<p style="color:#ccc">Faint text</p></main></body></html>')


@pytest.mark.browser
def test_an_override_turns_an_axe_rule_back_on_for_its_pages(need_browser, write_page, tmp_path):
    write_page("a.html", FAINT.format(t="A"))
    write_page("es/b.html", FAINT.format(t="B"))
    cfg = browser_config(rules={"axe.color-contrast": False},
                         overrides=[{"paths": ["es/*"], "rules": {"axe.color-contrast": "warning"}}])
    found = [(Path(f.path).name, f.rule, f.severity) for f in check(tmp_path, config=cfg).findings
             if f.rule.startswith("axe.")]
    assert found == [("b.html", "axe.color-contrast", "warning")]


@pytest.mark.browser
@pytest.mark.parametrize("table, key", [
    ({"rules": {"axe.colour-contrast": "info"}}, 'rules."axe.colour-contrast"'),
    ({"rules": {"axe.colour-contrast": False}}, 'rules."axe.colour-contrast"'),
    ({"overrides": [{"paths": ["*"], "rules": {"axe.imagealt": "error"}}]}, 'overrides[0].rules."axe.imagealt"'),
])
def test_a_misspelt_axe_rule_is_exit_2_naming_the_key(need_browser, tmp_path, table, key):
    (tmp_path / "a.html").write_text(FAINT.format(t="A"))
    (tmp_path / "qa.toml").write_text(_toml(table))
    r = qa("check", "--browser", tmp_path / "a.html", cwd=tmp_path)
    assert r.returncode == 2 and f"unknown axe rule" in r.stderr and key in r.stderr, r.stderr


def _toml(table) -> str:
    import json as _json
    lines = []
    for k, v in table.get("rules", {}).items():
        lines.append(f'[rules]\n"{k}" = {_json.dumps(v)}')
    for ov in table.get("overrides", []):
        rules = ", ".join(f'"{k}" = {_json.dumps(v)}' for k, v in ov["rules"].items())
        lines.append(f'[[overrides]]\npaths = {_json.dumps(ov["paths"])}\nrules = {{ {rules} }}')
    return "\n".join(lines).replace("false", "false").replace("true", "true") + "\n"


@pytest.mark.browser
def test_pages_the_browser_could_not_check_report_no_unused_axe_suppression(need_browser, write_page, tmp_path):
    write_page("hang.html", '<!doctype html><html lang="en"><title>H</title><main><h1>H</h1>'
               '<img src="a.png" data-qa-ignore="axe.image-alt"><script>while (true) {}</script></main></html>')
    write_page("empty.html", "")                               # nothing to render
    cfg = browser_config()
    cfg.browser["timeout"] = 3
    got = sorted((Path(f.path).name, f.rule) for f in check(tmp_path, config=cfg).findings)
    assert got == [("empty.html", "load-error"), ("hang.html", "broken-link"),
                   ("hang.html", "browser-error"), ("hang.html", "missing-alt-text")]


@pytest.mark.browser
@pytest.mark.parametrize("after", [0.0, 2.5], ids=["while-starting", "mid-run"])
def test_ctrl_c_leaves_no_browser_and_no_profile_behind(need_browser, tmp_path, after):
    """SIGINT while the browsers start, or mid-run: exit 2, and every chromedriver and
    Chromium it started is gone, with their temporary profiles and scratch files, also
    those a worker was opening at that moment."""
    site = tmp_path / "site"
    site.mkdir()
    for i in range(30):
        (site / f"p{i:02}.html").write_text(FAINT.format(t=f"P{i}"))
    # short: Chromium's profile holds a socket, and socket paths are limited to 107 bytes
    tmp = Path(tempfile.mkdtemp(prefix="qa-sigint-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "qa", "check", "--browser", "--browser-jobs", "2",
                             "--no-config", site], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list(tmp.glob("qa-chrome-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "interrupted" in err
    left = [p for p in _drivers_and_browsers() if str(tmp) in p[1]]
    assert left == [] and list(tmp.iterdir()) == []
    tmp.rmdir()


def _drivers_and_browsers():
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X") and ("chromedriver" in cmd or "chromium" in cmd):
            out.append((int(pid), cmd))
    return out


WIDGET = ('<!doctype html><html lang="en"><head><title>W</title></head><body><main><h1>W</h1>\n'
          '<div id="widget" data-qa-ignore="{names}"></div>\n'
          "<script>var b = document.createElement('button'); b.className = 'icon';"
          "document.getElementById('widget').appendChild(b);</script>\n</main></body></html>")


@pytest.mark.browser
def test_a_suppression_covers_what_a_script_puts_inside_its_element(need_browser, write_page):
    """A button a script adds to a <div data-qa-ignore="axe"> has no line in the markup; it
    is placed at the div, whose suppression then covers it (and is used, not reported)."""
    cfg = browser_config()
    page = write_page("w.html", WIDGET.format(names="axe"))
    assert [(f.rule, f.line) for f in check(page, config=cfg).findings] == []
    page.write_text(WIDGET.format(names="placeholder-link"))
    got = [(f.rule, f.line) for f in check(page, config=cfg).findings]
    assert ("axe.button-name", 2) in got and ("unused-suppression", 2) in got


@pytest.mark.browser
def test_a_fragment_a_script_makes_on_another_page_is_not_broken(need_browser, write_page, tmp_path):
    write_page("a.html", '<!doctype html><html lang="en"><title>A</title><main><h1>A</h1>\n'
               '<p><a href="b.html#tab2">Prices</a> <a href="b.html#tab9">Nothing</a></p></main></html>')
    write_page("b.html", SCRIPTED.replace("made-by-script", "tab2"))
    cfg = Config()
    cfg.browser = {"enabled": True}
    found = {(f.message.split('"')[1], f.severity) for f in check(tmp_path, config=cfg).findings
             if f.rule == "broken-anchor" and f.path.endswith("a.html")}
    assert found == {("#tab2", "info"), ("#tab9", "error")}
