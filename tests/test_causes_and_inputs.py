"""One cause, one problem; inputs and config that say what they mean (issue 9, engine side)."""
import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import check
from qa.config import Config
from reports import render

ROOT = Path(__file__).resolve().parent.parent
PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{t}</title>{head}'
        '</head><body><main><h1>{t}</h1>{body}</main></body></html>')


def page(t="Wards", head="", body=""):
    return PAGE.format(t=t, head=head, body=body)


def qa(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "qa", *map(str, args)], cwd=cwd or ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
                          capture_output=True, text=True, timeout=120)


def _changelog_site(root: Path) -> Path:
    """Many pages at two depths, every one linking twice to one missing file."""
    for i in range(6):
        d = root / ("library" if i % 2 else "")
        d.mkdir(parents=True, exist_ok=True)
        up = "../" if i % 2 else ""
        (d / f"p{i}.html").write_text(page(f"Page {i}", body=(
            f'<a href="{up}whatsnew/changelog.html">Changelog</a> '
            f'<a href="{up}whatsnew/changelog.html#3.11">3.11</a> <a href="{up}gone{i}.html">g</a>')))
    (root / "index.html").write_text(page("Home"))
    return root


def test_one_missing_file_is_one_cause_in_json_text_and_html(tmp_path):
    report = check(_changelog_site(tmp_path))
    causes = report.causes()
    assert causes[0] == {"rule": "broken-link", "cause": 'missing file "whatsnew/changelog.html"',
                         "severity": "error", "findings": 12, "pages": 6}
    assert all(c["cause"] != 'missing file "gone1.html"' for c in causes)   # alone: no group
    data = json.loads(render("json", report))
    assert data["summary"]["causes"][0]["findings"] == 12
    assert {f.get("cause") for f in data["findings"]} >= {'missing file "whatsnew/changelog.html"',
                                                           'missing file "gone0.html"'}
    text = render("text", report)
    assert ('    12 error broken-link: missing file "whatsnew/changelog.html" (on 6 pages)\n'
            in text)
    html = render("html", report)
    assert html.count("12 places with one cause (missing file &#34;whatsnew/changelog.html"
                      "&#34;), on 6 pages") == 1            # one card, pages counted as pages


def test_a_head_link_no_visitor_follows_is_a_warning(tmp_path):
    (tmp_path / "p.html").write_text(page(head=(
        '<link rev="made" href="pgsql-docs@lists.example.org"><link rel="alternate" '
        'type="application/rss+xml" href="feed.xml"><link rel="stylesheet" href="site.css">'
        '<link rel="icon" href="favicon.ico">')))
    sev = {f.message: f.severity for f in check(tmp_path).findings if f.rule == "broken-link"}
    assert sev == {'link to "pgsql-docs@lists.example.org" does not exist': "warning",
                   'link to "feed.xml" does not exist': "warning",
                   'stylesheet "site.css" does not exist': "error",
                   'link to "favicon.ico" does not exist': "error"}
    # the ceiling holds whatever the config says of the rule; lowering still works
    raised = Config.default()
    from qa.config import from_dict
    raised = from_dict({"rules": {"broken-link": "info"}})
    assert {f.severity for f in check(tmp_path, config=raised).findings
            if f.rule == "broken-link"} == {"info"}


def test_a_page_named_alone_finds_its_site_root(tmp_path):
    site = tmp_path / "site"
    (site / "css").mkdir(parents=True)
    (site / "css" / "site.css").write_text("body {}")
    (site / "index.html").write_text(page("Home"))
    (site / "news").mkdir()
    (site / "news" / "index.html").write_text(page("News"))
    (site / "news" / "a.html").write_text(page(head='<link rel="stylesheet" href="/css/site.css">',
                                               body='<a href="/news/">News</a> <a href="/gone.html">x</a>'))
    r = qa("check", "news/a.html", "--no-config", cwd=site)
    assert r.returncode == 1, r.stderr
    broken = [l for l in r.stdout.splitlines() if "broken-link" in l]
    assert broken == ['news/a.html:1:183: error broken-link link to "/gone.html" does not exist'], r.stdout


def test_without_a_site_root_root_relative_links_are_unknown_not_broken(tmp_path):
    (tmp_path / "lonely").mkdir()
    (tmp_path / "lonely" / "p.html").write_text(page(head='<link rel="stylesheet" href="/css/x.css">',
                                                     body='<a href="missing.html">m</a>'))
    r = qa("check", "p.html", "--no-config", cwd=tmp_path / "lonely")
    broken = [l for l in r.stdout.splitlines() if "broken-link" in l]
    assert broken == ['p.html:1:154: error broken-link link to "missing.html" does not exist'], r.stdout


def test_files_that_are_not_pages_are_skipped_with_a_note(tmp_path):
    (tmp_path / "site.css").write_text("body { color: red } " * 50)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "p.html").write_text(page())
    r = qa("check", "p.html", "site.css", "logo.png", "--no-config", "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "qa: note: skipped site.css: not an HTML page (*.html, *.htm)" in r.stderr
    data = json.loads(r.stdout)
    assert [p["path"] for p in data["pages"]] == ["p.html"]
    assert data["meta"]["notes"] == ["skipped site.css: not an HTML page (*.html, *.htm)",
                                     "skipped logo.png: not an HTML page (*.html, *.htm)"]
    only = qa("check", "site.css", "--no-config", cwd=tmp_path)
    assert only.returncode == 2 and "skipped site.css: not an HTML page" in only.stderr


def test_suppressions_that_name_no_rule_say_so(tmp_path):
    (tmp_path / "p.html").write_text(page(body=(
        '<div data-qa-ignore="missing-alt"><img src="a.png" alt=""></div>'
        '<!-- qa: disable reading-levle --><p>x</p><!-- qa: enable reading-levle -->'
        '<p data-qa-ignore="axe.color-contrast">y</p>')))
    msgs = sorted(f.message for f in check(tmp_path).findings if f.rule == "unused-suppression")
    assert msgs == ['suppression names unknown rule "missing-alt" (see `qa rules`)',
                    'suppression names unknown rule "reading-levle" (see `qa rules`)']


def test_globs_that_match_no_page_are_noted_with_the_likely_fix(tmp_path):
    site = tmp_path / "site"
    (site / "drafts").mkdir(parents=True)
    (site / "drafts" / "d.html").write_text(page())
    (site / "index.html").write_text(page())
    (tmp_path / "qa.toml").write_text(
        'exclude = ["site/drafts/*", "drafts/*"]\n'
        '[[overrides]]\npaths = ["es/*"]\nrules = { heading-order = "info" }\n')
    r = qa("check", "site", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ('qa: note: exclude glob "site/drafts/*" matched no page (globs match the path '
            'inside the site: "drafts/*" would)') in r.stderr
    assert 'qa: note: overrides[0].paths glob "es/*" matched no page' in r.stderr
    assert 'glob "drafts/*"' not in r.stderr


def test_a_misspelt_axe_rule_in_config_is_exit_2_even_without_the_browser(tmp_path):
    (tmp_path / "p.html").write_text(page())
    (tmp_path / "qa.toml").write_text('[rules]\n"axe.colour-contrast" = "error"\n')
    r = qa("check", "p.html", cwd=tmp_path)
    assert r.returncode == 2
    assert 'unknown axe rule "colour-contrast" in rules."axe.colour-contrast"' in r.stderr
    (tmp_path / "qa.toml").write_text('[rules]\n"axe.color-contrast" = "error"\n'
                                      '[browser]\nrules = { "region" = false }\n')
    assert qa("check", "p.html", cwd=tmp_path).returncode == 0


def test_the_same_template_element_on_many_pages_is_one_cause(tmp_path):
    for i, d in enumerate(["", "a/", "a/b/"] * 2):
        up = "../" * d.count("/")
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
        (tmp_path / d / f"p{i}.html").write_text(page(f"P{i}", body=(
            f'<img src="{up}_static/logo.svg" alt="Logo"> <img src="{up}photo{i}.png" alt="image">')))
        (tmp_path / d / f"photo{i}.png").write_bytes(b"\x89PNG")
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "logo.svg").write_text("<svg/>")
    report = check(tmp_path)
    causes = {c["cause"]: (c["findings"], c["pages"]) for c in report.causes()}
    assert causes == {"the same element on many pages: img[src=_static/logo.svg][alt=Logo]": (6, 6)}
