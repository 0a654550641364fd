"""The incremental cache (issue 10): an unchanged site is checked from .qa-cache/, and every
change that can change a finding is seen — the page's bytes, a link target added or removed,
an anchor gone from another page, the config — also after a killed run or a broken entry."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_pages"


def qa(*args, cwd):
    return subprocess.run([sys.executable, "-m", "qa", "check", *map(str, args), "--format", "json",
                           "--no-progress"], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def run(cwd, *args):
    r = qa("site", *args, cwd=cwd)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def findings(report):
    return sorted((f["path"], f["rule"], f["message"]) for f in report["findings"])


@pytest.fixture
def project(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "site")
    (tmp_path / "qa.toml").write_text("")
    return tmp_path


def test_an_unchanged_site_comes_from_the_cache_with_the_same_findings(project):
    cold = run(project)
    assert cold["meta"]["cache"] == {"dir": ".qa-cache", "from_cache": 0, "checked": len(cold["pages"])}
    warm = run(project)
    assert warm["meta"]["cache"]["checked"] == 0
    assert findings(warm) == findings(cold)
    assert [f["fingerprint"] for f in warm["findings"]] == [f["fingerprint"] for f in cold["findings"]]
    assert "cache" not in run(project, "--no-cache")["meta"]
    assert (project / ".qa-cache" / ".gitignore").read_text().splitlines()[-1] == "*"   # git passes it over


def test_a_changed_page_is_checked_again_and_only_it(project):
    run(project)
    about = project / "site" / "about.html"
    about.write_text(about.read_text().replace("</main>", '<img src="new.jpg"></main>'))
    r = run(project)
    assert r["meta"]["cache"]["checked"] == 1
    assert any("new.jpg" in f["message"] for f in r["findings"])


def test_a_link_target_added_or_removed_is_seen_by_the_unchanged_pages_linking_to_it(project):
    before = run(project)
    broken = [f for f in before["findings"] if f["rule"] == "broken-link"]
    assert any("services/radiology.html" in f["message"] for f in broken)
    target = project / "site" / "services" / "radiology.html"
    target.write_text("<!doctype html><html lang=en><title>R</title><h1>Radiology</h1></html>")
    r = run(project)
    assert not any("services/radiology.html" in f["message"] for f in r["findings"] if f["rule"] == "broken-link")
    assert r["meta"]["cache"]["checked"] >= 2          # the new page, and about.html linking to it
    target.unlink()
    again = run(project)
    assert any("services/radiology.html" in f["message"] for f in again["findings"] if f["rule"] == "broken-link")


def test_an_anchor_gone_from_another_page_is_a_broken_anchor_on_the_unchanged_one(project):
    run(project)
    visiting = project / "site" / "news" / "visiting-hours.html"
    text = visiting.read_text()
    assert 'id="parking"' in text
    visiting.write_text(text.replace('id="parking"', 'id="cars"'))
    r = run(project)
    assert any(f["rule"] == "broken-anchor" and "#parking" in f["message"] for f in r["findings"])


def test_a_config_change_checks_every_page_again(project):
    run(project)
    (project / "qa.toml").write_text('[rules]\nheading-order = "error"\n')
    r = run(project)
    assert r["meta"]["cache"]["from_cache"] == 0


def test_broken_or_foreign_entries_are_misses(project):
    cold = run(project)
    entries = list((project / ".qa-cache").rglob("*.pickle"))
    assert entries
    entries[0].write_bytes(entries[0].read_bytes()[:20])          # cut short
    entries[1].write_bytes(b"not a pickle at all")
    r = run(project)
    assert r["meta"]["cache"]["checked"] == 2 and findings(r) == findings(cold)


def test_a_killed_run_leaves_no_entry_that_is_read(project):
    site = project / "site"
    for i in range(60):
        shutil.copy(site / "about.html", site / f"copy{i}.html")
    expected = findings(run(project, "--no-cache"))
    for delay in (0.3, 0.8, 1.5):
        shutil.rmtree(project / ".qa-cache", ignore_errors=True)
        p = subprocess.Popen([sys.executable, "-m", "qa", "check", "site", "--no-progress",
                              "-o", str(project / "r.json"), "--format", "json"], cwd=project,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert findings(run(project)) == expected


def test_two_runs_at_once_share_the_cache(project):
    procs = [subprocess.Popen([sys.executable, "-m", "qa", "check", "site", "--no-progress",
                               "--format", "json"], cwd=project, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for _ in range(2)]
    outs = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert findings(outs[0]) == findings(outs[1])
    assert run(project)["meta"]["cache"]["checked"] == 0
