"""The Python API: qa.check on files, folders and HTML strings, with the CLI's options."""
import os

import pytest

import qa
from qa.config import Config, ConfigError
from qa.findings import Report
from qa.runner import UsageError

CLEAN = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Visiting hours'
         '</title></head><body><main><h1>Visiting hours</h1><p>Come any day from nine to five.'
         '</p></main></body></html>')
NO_ALT = CLEAN.replace("<p>", '<p><img src="ward.png"> ')


def rules_of(report):
    return sorted({f.rule for f in report.findings})


def test_check_files_and_folders(tmp_path):
    (tmp_path / "clean.html").write_text(CLEAN)
    (tmp_path / "dirty.html").write_text(NO_ALT)
    (tmp_path / "ward.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    report = qa.check(tmp_path, config=False)
    assert isinstance(report, Report) and len(report.pages) == 2
    assert [(f.rule, f.path) for f in report.findings] == \
        [("missing-alt-text", str(tmp_path / "dirty.html"))]
    assert report.failed
    only = qa.check(str(tmp_path / "clean.html"), config=False)
    assert only.findings == [] and not only.failed


def test_check_html_string_is_shown_as_its_url_and_leaves_nothing_behind(tmp_path):
    import tempfile
    before = set(os.listdir(tempfile.gettempdir()))
    report = qa.check(html=NO_ALT, url="wards/visiting.html", config=False)
    assert [(f.rule, f.path, f.line) for f in report.findings] == \
        [("missing-alt-text", "wards/visiting.html", 1)]
    assert report.findings[0].page == "wards/visiting.html"
    assert [p.path for p in report.pages] == ["wards/visiting.html"]
    assert "qa-" not in report.meta["site_root"]
    assert set(os.listdir(tempfile.gettempdir())) - before == set()
    assert qa.check_html(CLEAN, config=False).findings == []
    assert qa.check_html(NO_ALT.encode("utf-8"), config=False).findings[0].path == "page.html"


def test_html_string_alone_has_no_site_to_find_links_in_but_same_page_anchors_count():
    page = CLEAN.replace("<p>", '<p><a href="/about/">About</a> <a href="#nowhere">x</a> ')
    report = qa.check_html(page, config=False)
    assert rules_of(report) == ["broken-anchor"]


def test_html_string_with_site_root_resolves_links_there_and_writes_nothing_into_it(tmp_path):
    site = tmp_path / "site"
    (site / "wards").mkdir(parents=True)
    (site / "about.html").write_text(CLEAN)
    (site / "wards" / "index.html").write_text(CLEAN)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    page = CLEAN.replace("<p>", '<p><a href="/about.html">About</a> <a href="../about.html">'
                         'Up</a> <a href="index.html">Wards</a> <a href="/gone.html">Gone</a> ')
    report = qa.check_html(page, url="wards/visiting.html", site_root=site, config=False)
    assert [(f.rule, f.message) for f in report.findings] == \
        [("broken-link", 'link to "/gone.html" does not exist')]
    assert report.meta["site_root"] == str(site)
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert (site / "wards" / "index.html").read_text() == CLEAN


def test_options_fail_on_select_ignore():
    page = NO_ALT.replace("<h1>Visiting hours</h1>", "<h1>Visiting hours</h1><h3>Times</h3>")
    report = qa.check_html(page, config=False)
    assert rules_of(report) == ["heading-order", "missing-alt-text"]
    assert report.fail_on == "error" and report.failed
    assert rules_of(qa.check_html(page, config=False, select=["heading-order"])) == ["heading-order"]
    assert rules_of(qa.check_html(page, config=False, ignore="missing-alt-text")) == ["heading-order"]
    warn = qa.check_html(page, config=False, ignore=["missing-alt-text"], fail_on="warning")
    assert warn.fail_on == "warning" and warn.failed
    assert not qa.check_html(page, config=False, ignore=["missing-alt-text"]).failed


def test_config_file_path_and_config_object(tmp_path):
    toml = tmp_path / "qa.toml"
    toml.write_text('[rules]\nmissing-alt-text = "info"\n')
    report = qa.check_html(NO_ALT, config=toml)
    assert [f.severity for f in report.findings] == ["info"] and not report.failed
    cfg = Config(fail_on="info")
    assert qa.check_html(NO_ALT, config=cfg, ignore=["missing-alt-text"]).findings == []
    assert cfg.ignore == () and cfg.site_root is None      # the caller's config is untouched


def test_config_is_found_upwards_by_default(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.qa.rules]\nmissing-alt-text = false\n')
    monkeypatch.chdir(tmp_path)
    assert qa.check_html(NO_ALT).findings == []
    assert rules_of(qa.check_html(NO_ALT, config=False)) == ["missing-alt-text"]


def test_bad_input_is_the_clis_exit_2_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown rule"):
        qa.check_html(CLEAN, config=False, select=["missng-alt-text"])
    with pytest.raises(ConfigError, match="fail_on"):
        qa.check_html(CLEAN, config=False, fail_on="fatal")
    with pytest.raises(UsageError, match="page path"):
        qa.check_html(CLEAN, url="../up.html", config=False)
    with pytest.raises(UsageError, match="nothing to check"):
        qa.check(config=False)
    with pytest.raises(UsageError, match="no such file"):
        qa.check(tmp_path / "missing.html", config=False)
