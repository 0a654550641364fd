"""The command line, through a real subprocess: every exit code, formats, config errors."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEAN = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Visiting hours'
         '</title></head><body><main><h1>Visiting hours</h1><p>Come any day from nine to five.'
         '</p></main></body></html>')
DIRTY = CLEAN.replace("<p>", '<p><img src="ward.png"><a href="#">Read more</a> ')


def qa(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=cwd or ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def site(tmp_path):
    (tmp_path / "clean.html").write_text(CLEAN)
    (tmp_path / "dirty.html").write_text(DIRTY)
    (tmp_path / "ward.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


def test_version():
    r = qa("--version")
    assert r.returncode == 0 and r.stdout.startswith("qa 0.")


def test_rules_lists_every_rule():
    import rules
    r = qa("rules")
    assert r.returncode == 0
    for rid, mod in rules.RULES.items():
        sev = "impact" if mod.SCOPE == "browser" else mod.SEVERITY
        assert any(line.split()[:2] == [rid, sev] for line in r.stdout.splitlines()), rid


def test_exit_0_when_clean(site):
    r = qa("check", site / "clean.html", cwd=site)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("in 1 page")


def test_exit_1_with_errors_and_compiler_style_lines(site):
    r = qa("check", site / "dirty.html", cwd=site)
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert any(l.startswith(f"{site / 'dirty.html'}:1:") and " error missing-alt-text " in l for l in lines)
    assert any(" error placeholder-link " in l for l in lines)


def test_fail_on_threshold(site, tmp_path):
    (site / "qa.toml").write_text('[rules]\nmissing-alt-text = "info"\nplaceholder-link = "warning"\n')
    assert qa("check", site / "dirty.html", cwd=site).returncode == 0
    assert qa("check", "--fail-on", "warning", site / "dirty.html", cwd=site).returncode == 1


def test_exit_2_for_usage_errors(site):
    assert qa("check", site / "nope.html", cwd=site).returncode == 2
    assert qa("check", "--format", "yaml", site, cwd=site).returncode == 2
    assert qa("check", "--format", "json,text", site, cwd=site).returncode == 2   # needs --out-dir
    assert qa("frobnicate", cwd=site).returncode == 2
    empty = site / "empty"
    empty.mkdir()
    r = qa("check", empty, cwd=site)
    assert r.returncode == 2 and "no HTML pages" in r.stderr


@pytest.mark.parametrize("toml, key", [
    ('[rules]\nreading-level = { target-grade = "eight" }\n', "rules.reading-level.target-grade"),
    ('[rules]\nno-such-rule = false\n', "rules.no-such-rule"),
    ('[rules]\nreading-level = { max = 3 }\n', "rules.reading-level.max"),
    ('fail-on = "fatal"\n', "fail-on"),
    ('colour = true\n', "colour"),
    ('[rules\n', "qa.toml"),
])
def test_exit_2_for_config_errors_names_key_and_reason(site, toml, key):
    (site / "qa.toml").write_text(toml)
    r = qa("check", site / "clean.html", cwd=site)
    assert r.returncode == 2
    assert key in r.stderr and "config error" in r.stderr, r.stderr


def test_config_in_pyproject_found_walking_up(site):
    (site / "pyproject.toml").write_text('[tool.qa]\n[tool.qa.rules]\nmissing-alt-text = false\n'
                                         'placeholder-link = false\n')
    sub = site / "deeper" / "still"
    sub.mkdir(parents=True)
    assert qa("check", site / "dirty.html", cwd=sub).returncode == 0
    assert qa("check", "--no-config", site / "dirty.html", cwd=sub).returncode == 1


def test_json_to_file_and_out_dir(site):
    out = site / "r.json"
    r = qa("check", "--format", "json", "-o", out, site / "dirty.html", cwd=site)
    assert r.returncode == 1 and r.stdout == ""
    doc = json.loads(out.read_text())
    assert doc["schema"] == 1 and doc["summary"]["failed"] is True
    r = qa("check", "--format", "text,json", "--out-dir", site / "out", site, cwd=site)
    assert r.returncode == 1
    assert (site / "out" / "report.json").is_file() and (site / "out" / "report.txt").is_file()
    assert "reports in" in r.stderr


def test_jobs_output_identical(site):
    for i in range(6):
        (site / f"p{i}.html").write_text(DIRTY.replace("Visiting hours", f"Page {i}"))
    one = qa("check", "--format", "json", "--jobs", "1", "--no-cache", site, cwd=site)
    two = qa("check", "--format", "json", "--jobs", "2", "--no-cache", site, cwd=site)
    assert one.returncode == two.returncode == 1
    assert untimed(one.stdout) == untimed(two.stdout)


def untimed(report_json: str) -> dict:
    """A JSON report without the pages' times, which differ from run to run."""
    doc = json.loads(report_json)
    for page in doc["pages"]:
        assert page.pop("seconds") > 0
    return doc


def test_pages_outside_the_first_folder_are_all_checked(tmp_path):
    for d in ("site", "other"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "index.html").write_text(DIRTY)
    r = qa("check", "--format", "json", tmp_path / "site", tmp_path / "other" / "index.html")
    assert json.loads(r.stdout)["summary"]["pages"] == 2


def test_unwritable_output_is_exit_2(site):
    r = qa("check", "-o", site / "no" / "such" / "dir" / "r.txt", site / "clean.html", cwd=site)
    assert r.returncode == 2 and "No such file" in r.stderr


def test_misspelt_suppression_is_reported(site):
    (site / "s.html").write_text(CLEAN.replace("<p>", '<p data-qa-ignore="mising-alt-text">'))
    r = qa("check", site / "s.html", cwd=site)
    assert ('unused-suppression suppression names unknown rule "mising-alt-text" '
            "(see `qa rules`)") in r.stdout


def test_a_broken_pyproject_is_a_config_error_not_silence(site):
    """It may hold [tool.qa]: running without it would quietly change what gates."""
    (site / "pyproject.toml").write_text('[project]\nname = qa-site\n\n[tool.qa]\nfail-on = "info"\n')
    r = qa("check", site / "clean.html", cwd=site)
    assert r.returncode == 2 and "pyproject.toml" in r.stderr and "not valid TOML" in r.stderr


@pytest.mark.parametrize("args, words", [
    (["--browser-jobs", "0"], "--browser-jobs"),
    (["--browser-jobs", "-3"], "--browser-jobs"),
    (["--browser-timeout", "-1"], "--browser-timeout"),
    (["--browser-timeout", "0"], "--browser-timeout"),
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "two"], "--jobs"),
    (["--site-root", "no-such-folder"], "no-such-folder"),
])
def test_bad_numbers_and_folders_exit_2_naming_the_option(site, args, words):
    r = qa("check", *args, site / "clean.html", cwd=site)
    assert r.returncode == 2 and words in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_exclude_globs_match_the_whole_site_path_like_overrides(tmp_path):
    for name in ("index", "drafts/a", "drafts/sub/b", "blog/drafts/c", "es/d"):
        (tmp_path / f"{name}.html").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{name}.html").write_text(CLEAN)
    r = qa("check", tmp_path, "--exclude", "drafts/*", "--format", "json", cwd=tmp_path)
    pages = sorted(Path(p["path"]).relative_to(tmp_path).as_posix() for p in json.loads(r.stdout)["pages"])
    assert pages == ["blog/drafts/c.html", "es/d.html", "index.html"]


def test_text_lists_the_hardest_sentences_under_a_reading_level_finding(tmp_path):
    r = qa("check", ROOT / "sample_pages" / "news" / "cancer-trial.html", "--no-config")
    lines = r.stdout.splitlines()
    at = next(i for i, l in enumerate(lines) if " reading-level " in l)
    hardest = lines[at + 1:at + 4]
    assert [l.split(",")[0] for l in hardest] == ["    line 30", "    line 40", "    line 32"]
    assert hardest[0].startswith('    line 30, grade 26.3: "The lead investigator')
    assert not lines[at + 4].startswith(" ")
