"""Gating deploys (issue 11): baselines, reviewed decisions, ignores with reasons and
expiry, changed pages in a real git repository — each path through a real `qa` process."""
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_pages"


def qa(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **(env or {})},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path):
    """The sample site in a project folder with no config (so the repo's own stays out)."""
    shutil.copytree(SAMPLE, tmp_path / "site")
    (tmp_path / "qa.toml").write_text("")
    return tmp_path


def lines(r):
    return [l for l in r.stdout.splitlines() if not l.startswith(" ")]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count))


def test_baseline_then_unrelated_edits_pass_new_defects_fail_fixes_are_reported(project):
    today = json.loads(qa("check", "site", "--format", "json", cwd=project).stdout)
    n, pages = len(today["findings"]), len(today["pages"])
    assert n >= 10
    r = qa("baseline", "site", cwd=project)
    assert r.returncode == 0, r.stderr
    assert f"qa: baseline .qa-baseline.json: {n} known findings" in r.stderr
    data = json.loads((project / ".qa-baseline.json").read_text())
    assert data["qa-baseline"] == 1 and len(data["known"]) == n
    assert list(data["known"][0]) == ["fingerprint", "rule", "page", "message"]
    assert data["known"] == sorted(data["known"], key=lambda e: (e["page"], e["rule"], e["message"], e["fingerprint"]))
    assert qa("check", "site", "--baseline", ".qa-baseline.json", cwd=project).returncode == 0

    # unrelated edits: a paragraph at the top of a page, an attribute reordered
    site = project / "site"
    edit(site / "news" / "cancer-trial.html", "<main", "<p>Updated on 1 December.</p>\n<main")
    trial = (site / "news" / "cancer-trial.html").read_text()
    import re
    tag = re.search(r"<img [^>]*>", trial).group()
    attrs = re.findall(r'\s([a-z-]+="[^"]*")', tag)
    edit(site / "news" / "cancer-trial.html", tag, "<img " + " ".join(reversed(attrs)) + ">")
    r = qa("check", "site", "--baseline", ".qa-baseline.json", cwd=project)
    assert r.returncode == 0, r.stdout
    assert lines(r) == [f"0 new problems (0 errors, 0 warnings, 0 info) in {pages} pages; "
                        f"{n} known from the baseline, 0 reviewed, 0 fixed"]

    # a new defect in one page: exit 1, naming only it
    edit(site / "about.html", "</main>", '<img src="new-photo.jpg"></main>')
    r = qa("check", "site", "--baseline", ".qa-baseline.json", cwd=project)
    assert r.returncode == 1
    found = lines(r)[:-1]
    assert len(found) == 2 and all("about.html" in l and "new-photo.jpg" in l for l in found), found
    edit(site / "about.html", '<img src="new-photo.jpg"></main>', "</main>")

    # fixing an old one reports it as fixed; --update-baseline drops it, adds nothing
    first = data["known"][0]
    page = site / first["page"]
    before = page.read_text()
    fixed_message = next(e for e in data["known"] if e["rule"] == "missing-alt-text")
    target = site / fixed_message["page"]
    text = target.read_text()
    src = re.search(r'"([^"]+)"', fixed_message["message"]).group(1)
    img = re.search(r'<img [^>]*src="' + re.escape(src) + r'"[^>]*>', text).group()
    target.write_text(text.replace(img, img[:-1].rstrip("/") + ' alt="The new ward">'))
    r = qa("check", "site", "--baseline", ".qa-baseline.json", "--format", "json", cwd=project)
    assert r.returncode == 0, r.stdout
    report = json.loads(r.stdout)
    assert [e["fingerprint"] for e in report["meta"]["baseline"]["fixed"]] == [fixed_message["fingerprint"]]
    assert {f["baseline"] for f in report["findings"]} == {"known"}
    text_r = qa("check", "site", "--baseline", ".qa-baseline.json", cwd=project)
    assert f"    fixed since the baseline: {fixed_message['page']} missing-alt-text" in text_r.stdout
    assert page.read_text() == before
    edit(site / "about.html", "</main>", '<img src="another.jpg"></main>')
    r = qa("check", "site", "--baseline", ".qa-baseline.json", "--update-baseline", cwd=project)
    assert r.returncode == 1               # the new one still fails, and is not added
    after = json.loads((project / ".qa-baseline.json").read_text())
    assert len(after["known"]) == n - 1
    assert fixed_message["fingerprint"] not in {e["fingerprint"] for e in after["known"]}
    assert not any("another.jpg" in e["message"] for e in after["known"])


def test_the_baseline_holds_from_another_folder_and_by_absolute_path(project, tmp_path):
    assert qa("baseline", "site", "-o", "b.json", cwd=project).returncode == 0
    assert qa("check", project / "site", "--baseline", project / "b.json", cwd=tmp_path.parent).returncode == 0
    moved = tmp_path / "elsewhere"
    shutil.copytree(project / "site", moved / "public")
    assert qa("check", moved / "public", "--baseline", project / "b.json", cwd=moved).returncode == 0


def test_a_reviewed_finding_stays_reviewed(project):
    (project / "qa.toml").write_text("fail-on = \"warning\"\n")
    report = json.loads(qa("check", "site", "--format", "json", cwd=project).stdout)
    quality = next(f for f in report["findings"] if f["rule"] == "alt-text-quality")
    error = next(f for f in report["findings"] if f["severity"] == "error")
    r = qa("review", "site", "--fingerprint", error["fingerprint"], "--reason", "fine", cwd=project)
    assert r.returncode == 2 and "only heuristic and needs-review findings" in r.stderr
    r = qa("review", "site", "--fingerprint", quality["fingerprint"], "--reason",
           "the caption repeats it on purpose", "--by", "Ana (editor)", cwd=project)
    assert r.returncode == 0, r.stderr
    assert qa("baseline", "site", cwd=project).returncode == 0       # keeps the decision
    saved = json.loads((project / ".qa-baseline.json").read_text())
    [entry] = saved["reviewed"]
    assert entry["reason"] == "the caption repeats it on purpose" and entry["by"] == "Ana (editor)"
    assert entry["on"] == dt.date.today().isoformat()
    assert quality["fingerprint"] not in {e["fingerprint"] for e in saved["known"]}
    # an edit elsewhere on the page: still reviewed, shown as such, not gating
    edit(project / "site" / quality["path"].split("site/", 1)[1] if "site/" in quality["path"]
         else project / quality["path"], "</main>", "<p>More news soon.</p></main>")
    out = project / "out"
    r = qa("check", "site", "--baseline", ".qa-baseline.json", "--format", "json,html,sarif",
           "--out-dir", out, cwd=project)
    assert r.returncode == 0, r.stderr
    data = json.loads((out / "report.json").read_text())
    [f] = [f for f in data["findings"] if f["fingerprint"] == quality["fingerprint"]]
    assert f["baseline"] == "reviewed" and f["data"]["reviewed"]["by"] == "Ana (editor)"
    assert "Reviewed by Ana (editor) on" in (out / "index.html").read_text()
    sarif = json.loads((out / "report.sarif").read_text())
    [res] = [x for x in sarif["runs"][0]["results"] if x["partialFingerprints"]["qa/v1"] == quality["fingerprint"]]
    assert res["suppressions"][0]["justification"] == "the caption repeats it on purpose"


def test_ignores_with_reasons_and_expiry(project):
    today = dt.date.today()
    (project / "qa.toml").write_text(f"""
[[ignore]]
rules = ["broken-link"]
paths = ["about.html"]
reason = "radiology gets its page in March"
until = {(today + dt.timedelta(days=30)).isoformat()}

[[ignore]]
rules = ["placeholder-link"]
selector = "nav"
reason = "menu rebuilt next sprint"
until = {(today - dt.timedelta(days=1)).isoformat()}

[[ignore]]
rules = ["heading-order"]
paths = ["nowhere/*"]
reason = "old section"
""")
    base = json.loads(qa("check", "site", "--format", "json", "--no-config", cwd=project).stdout)
    r = qa("check", "site", "--format", "json", cwd=project)
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    rules_on = lambda d, rule: [f for f in d["findings"] if f["rule"] == rule]  # noqa: E731
    about = [f for f in rules_on(base, "broken-link") if f["path"].endswith("about.html")]
    assert about and not [f for f in rules_on(data, "broken-link") if f["path"].endswith("about.html")]
    # the expired one hides nothing and says so; the one that matched nothing is reported
    assert len(rules_on(data, "placeholder-link")) == len(rules_on(base, "placeholder-link"))
    [expired] = rules_on(data, "expired-ignore")
    assert "ignore[1] of placeholder-link expired on" in expired["message"]
    assert "menu rebuilt next sprint" in expired["message"] and expired["path"].endswith("qa.toml")
    unused = [f["message"] for f in rules_on(data, "unused-suppression")]
    assert 'ignore[2] of heading-order hid nothing ("old section")' in unused


@pytest.mark.parametrize("toml, key", [
    ('[[ignore]]\nrules = ["broken-link"]\n', "ignore[0].reason"),
    ('[[ignore]]\nrules = ["broken-lnk"]\nreason = "x"\n', "ignore[0].rules"),
    ('[[ignore]]\nrules = ["broken-link"]\nreason = "x"\nuntil = "soon"\n', "ignore[0].until"),
    ('[[ignore]]\nrules = ["broken-link"]\nreason = "x"\nselector = "nav[["\n', "ignore[0].selector"),
])
def test_bad_ignores_are_config_errors(project, toml, key):
    (project / "qa.toml").write_text(toml)
    r = qa("check", "site", cwd=project)
    assert r.returncode == 2 and f'"{key}"' in r.stderr, r.stderr


def test_a_selector_ignore_hides_only_inside_its_element(project):
    (project / "qa.toml").write_text('[[ignore]]\nrules = ["placeholder-link"]\nselector = "nav"\n'
                                     'reason = "menu rebuilt next sprint"\n')
    base = json.loads(qa("check", "site", "--format", "json", "--no-config", cwd=project).stdout)
    data = json.loads(qa("check", "site", "--format", "json", cwd=project).stdout)
    ph = lambda d: [f for f in d["findings"] if f["rule"] == "placeholder-link"]  # noqa: E731
    in_nav = [f for f in ph(base) if " nav" in (f["selector"] or "") or (f["selector"] or "").startswith("nav")]
    assert in_nav and len(ph(data)) == len(ph(base)) - len(in_nav)


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"})


def test_changed_since_checks_changed_pages_and_their_linkers(project):
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "site")
    site = project / "site"
    r = qa("check", "site", "--changed-since", "HEAD", "--format", "json", cwd=project)
    assert r.returncode == 0 and json.loads(r.stdout)["pages"] == []
    # a changed page, a renamed one (the page linking to it must be checked), a new one
    edit(site / "about.html", "</main>", "<p>New paragraph.</p></main>")
    git(project, "mv", "site/news/visiting-hours.html", "site/news/visiting.html")
    (site / "new.html").write_text("<!doctype html><html lang=en><title>N</title><h1>N</h1></html>")
    r = qa("check", "site", "--changed-since", "HEAD", "--format", "json", cwd=project)
    data = json.loads(r.stdout)
    checked = sorted(p["url"] for p in data["pages"])
    linkers = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                     if "visiting-hours.html" in p.read_text())
    assert linkers and checked == sorted({"about.html", "news/visiting.html", "new.html", *linkers})
    assert any("visiting-hours.html" in f["message"] and f["rule"] == "broken-link"
               for f in data["findings"])           # the link to the renamed page now broken
    assert "checked" in " ".join(data["meta"]["notes"])
    r = qa("check", "site", "--changed-since", "no-such-rev", cwd=project)
    assert r.returncode == 2 and "no-such-rev" in r.stderr
