"""Stable identity (issue 10): a finding's fingerprint survives every edit that does not
touch what it is about, and tells apart findings that are about different things."""
import os
import shutil
from collections import Counter
from pathlib import Path

from helpers import check

BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Oncology</title></head>
<body>
<nav class="crumbs-x1f3"><a href="index.html">Home</a> <a href="services.html">Services</a></nav>
<main>
<h1>Oncology</h1>
<p class="lead">Our team treats {sibling}.</p>
<img class="hero-a8c2" src="ward.png" width="10" height="10">
<img srcset="a.png 1x, b.png 2x, c.png 3x" src="a.png" alt="A ward">
<a href="#">Make an appointment</a>
<a href="#">Make an appointment</a>
<a class="btn-77" href="gone.html" title="Gone">Old page</a>
<h4>Parking</h4>
</main>
</body></html>
"""


def fingerprints(root: Path, *, cwd=None, arg=None) -> Counter:
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        report = check(arg or root)
    finally:
        os.chdir(old)
    return Counter((f.rule, f.fingerprint) for f in report.findings)


def site(tmp_path: Path, html: str, name="site") -> Path:
    root = tmp_path / name
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text("<!doctype html><html lang=en><title>Home</title><h1>Home</h1></html>")
    (root / "services.html").write_text("<!doctype html><html lang=en><title>S</title><h1>S</h1></html>")
    (root / "ward.png").write_bytes(b"\x89PNG")
    (root / "oncology.html").write_text(html)
    return root


def test_unrelated_edits_change_no_fingerprint(tmp_path):
    base = fingerprints(site(tmp_path, BASE.format(sibling="cancer"), "base"))
    assert sum(base.values()) >= 8
    edits = {
        "paragraph and breadcrumb item above": BASE.format(sibling="cancer").replace(
            '<nav class="crumbs-x1f3">', '<p>Notice: new visiting hours.</p>\n<nav class="crumbs-x1f3">'
            '<a href="index.html">Hospital</a> ').replace("<main>", "<main>\n<div><p>Welcome</p></div>"),
        "attributes reordered": BASE.format(sibling="cancer").replace(
            '<img class="hero-a8c2" src="ward.png" width="10" height="10">',
            '<img height="10" src="ward.png" width="10" class="hero-a8c2">').replace(
            '<a class="btn-77" href="gone.html" title="Gone">', '<a title="Gone" href="gone.html" class="btn-77">'),
        "generated class renamed": BASE.format(sibling="cancer").replace("hero-a8c2", "hero-zz91")
            .replace("btn-77", "btn-78").replace("crumbs-x1f3", "crumbs-q0"),
        "sibling edited": BASE.format(sibling="cancer and blood disorders, with new staff"),
        "wrapped in a new container": BASE.format(sibling="cancer").replace(
            "<main>", "<main><section>").replace("</main>", "</section></main>"),
    }
    for what, html in edits.items():
        assert fingerprints(site(tmp_path, html, what.replace(" ", "-"))) == base, what


def test_the_path_as_typed_and_the_folder_the_site_is_in_change_nothing(tmp_path):
    root = site(tmp_path, BASE.format(sibling="cancer"))
    relative = fingerprints(root, cwd=tmp_path, arg="site")
    assert fingerprints(root, arg=str(root.resolve())) == relative
    moved = tmp_path / "elsewhere" / "deeper"
    moved.mkdir(parents=True)
    shutil.copytree(root, moved / "site")
    assert fingerprints(moved / "site") == relative


def test_findings_about_different_things_have_different_fingerprints(tmp_path):
    report = check(site(tmp_path, BASE.format(sibling="cancer")))
    prints = [f.fingerprint for f in report.findings]
    assert len(prints) == len(set(prints)), [(f.rule, f.message) for f in report.findings]
    srcset = [f for f in report.findings if f.rule == "broken-link" and "png" in f.message]
    assert len(srcset) == 4 and len({f.fingerprint for f in srcset}) == 4   # src + 3 in srcset
    twins = [f for f in report.findings if f.rule == "placeholder-link"]
    assert len(twins) == 2 and [f.occurrence for f in twins] == [0, 1]


def test_one_more_identical_element_adds_one_fingerprint(tmp_path):
    base = fingerprints(site(tmp_path, BASE.format(sibling="cancer"), "a"))
    more = BASE.format(sibling="cancer").replace(
        "<h1>Oncology</h1>", '<h1>Oncology</h1>\n<a href="#">Make an appointment</a>')
    after = fingerprints(site(tmp_path, more, "b"))
    assert after - base and sum((after - base).values()) == 1
    assert not base - after


def test_changing_what_a_finding_is_about_changes_its_fingerprint(tmp_path):
    base = fingerprints(site(tmp_path, BASE.format(sibling="cancer"), "a"))
    moved = BASE.format(sibling="cancer").replace('href="gone.html"', 'href="gone-2.html"')
    after = fingerprints(site(tmp_path, moved, "b"))
    assert sum((after - base).values()) == 1 and sum((base - after).values()) == 1


# -- rule selection and parallel runs (issue 10) ------------------------------------------
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def qa(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=cwd or ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
                          capture_output=True, text=True, timeout=300)


def test_select_and_ignore_choose_the_rules_that_run(tmp_path):
    root = site(tmp_path, BASE.format(sibling="cancer"))
    def rules_run(*args) -> set[str]:
        out = qa("check", root, "--no-config", "--format", "json", *args).stdout
        return {f["rule"] for f in json.loads(out)["findings"]}
    everything = rules_run()
    assert {"broken-link", "placeholder-link", "missing-alt-text", "heading-order"} <= everything
    assert rules_run("--select", "broken-link,placeholder-link") == {"broken-link", "placeholder-link"}
    assert rules_run("--ignore", "broken-link") == everything - {"broken-link"}
    assert rules_run("--select", "axe") == set()          # a family; no --browser, no axe
    for bad, word in (("--select", "broken-links"), ("--ignore", "axe.colour-contrast"), ("--select", ",")):
        r = qa("check", root, "--no-config", bad, word)
        assert r.returncode == 2 and f"argument {bad}" in r.stderr, r.stderr


def test_output_is_identical_for_every_number_of_jobs(tmp_path):
    root = tmp_path / "big"
    root.mkdir()
    for i in range(80):
        (root / f"p{i:02d}.html").write_text(BASE.format(sibling=f"ward {i}").replace(
            "gone.html", f"p{(i + 1) % 90:02d}.html#x{i % 3}"))
    outs = [qa("check", root, "--no-config", "--format", "json", "--no-progress", "--no-cache",
               *j).stdout
            for j in ([], ["--jobs", "1"], ["--jobs", "2"], ["--jobs", "3"])]
    untimed = [json.loads(o) for o in outs]
    for doc in untimed:              # the pages' times (JUnit's) differ from run to run
        for page in doc["pages"]:
            assert page.pop("seconds") >= 0
    assert outs[0] and all(d == untimed[0] for d in untimed)


def test_progress_lines_for_ci_logs_name_every_phase(tmp_path):
    root = site(tmp_path, BASE.format(sibling="cancer"))
    r = qa("check", root, "--no-config", "--progress", "-o", tmp_path / "r.txt")
    lines = r.stderr.splitlines()
    import re
    assert "qa: pages 3/3 (100%)" in " ".join(lines) and any(
        re.match(r"qa: links across pages (\d+)/\1 \(100%\)", l) for l in lines), r.stderr
    assert qa("check", root, "--no-config", "-o", tmp_path / "r.txt").stderr == ""   # not a terminal


# -- a source interface for any page (issue 10) ----------------------------------------
def test_a_page_from_memory_runs_through_the_engine_like_a_file(tmp_path):
    from qa import sources
    from qa.config import Config
    from qa.runner import check_page
    (tmp_path / "ward.png").write_bytes(b"\x89PNG")
    srcs, site, _ = sources.discover([str(tmp_path)])
    html = ('<html lang="fr"><meta charset="utf-8"><title>Caf\xe9</title><main><h1>Caf\xe9</h1>'
            '<img src="ward.png"><img src="gone.png" alt="x"></main></html>').encode("latin-1")
    src = sources.MemorySource("news/cafe.html", tmp_path / "news" / "cafe.html", "news/cafe.html",
                               content=html, content_type="text/html; charset=ISO-8859-1")
    result = check_page(src, site, Config())
    assert result.info.title == "Caf\xe9" and result.info.encoding == "windows-1252"
    assert {(f.rule, f.message) for f in result.findings} == {
        ("missing-alt-text", 'image "ward.png" has no alt attribute'),
        ("broken-link", 'image "gone.png" does not exist'),
        ("broken-link", 'image "ward.png" does not exist')}       # ../ward.png from news/
    assert site.origin == tmp_path.as_uri()


def test_the_transport_charset_comes_before_meta_and_an_unknown_one_is_passed_over():
    from qa.page import decode
    data = '<meta charset="utf-8"><p>Caf\xe9</p>'.encode("latin-1")
    assert decode(data, "text/html; charset=windows-1252")[:2] == ('<meta charset="utf-8"><p>Caf\xe9</p>', "windows-1252")
    text, enc, problems = decode(data, "text/html; charset=klingon")
    assert enc == "utf-8" and problems            # the meta, then bytes that are not utf-8
    assert decode("\ufeffx".encode("utf-8"), "text/html; charset=windows-1252")[1] == "utf-8"   # BOM first
