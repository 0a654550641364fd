"""qa run on its own HTML report, static rules and axe-core in Chromium, finds nothing:
not even a "needs review" note. The report is built from a --browser run of the sample
site, so it carries axe findings (with their snippets and help links) too.

The site is copied under a deep folder first: the report shows page paths as the user
named them, and long ones once made the tables overflow and axe ask for a contrast
review (CI's checkout sits deeper than a developer's)."""
import shutil
from pathlib import Path

import pytest

from qa.config import Config
from qa.runner import run
from reports import html as html_writer

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.browser
def test_own_report_has_no_findings_static_or_axe(need_browser, tmp_path):
    # underscores, not hyphens: a path that gives the browser no place to break a line
    deep = tmp_path / "a_checkout_of_the_hospital_website" / "in_a_rather_deep_folder" / "sample_pages"
    shutil.copytree(ROOT / "sample_pages", deep)
    cfg = Config()
    cfg.browser = {"enabled": True}
    report = run([str(deep)], cfg)
    assert any(f.rule.startswith("axe.") for f in report.findings)
    out = tmp_path / "index.html"
    with out.open("w", encoding="utf-8") as fh:
        html_writer.write(report, fh)
    cfg = Config()
    cfg.browser = {"enabled": True}
    cfg.fail_on = "info"
    again = run([str(out)], cfg)
    assert [(f.rule, f.line, f.message) for f in again.findings] == []
    assert again.meta.get("axe_version", "").startswith("4.")
