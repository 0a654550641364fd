"""A block written twice (a menu for small screens beside the wide one) is settled on the
rendered page with --browser (issue 9): where the style sheet shows one copy at the
browser's 1280x1024, nobody meets the repeat; where both show, it stays."""
import shutil
from pathlib import Path

import pytest

from helpers import check
from qa.config import Config

DATA = Path(__file__).parent / "data" / "copies"


def repeated(report):
    return sorted(Path(f.path).name for f in report.findings if f.rule == "repeated-heading")


def test_statically_both_copies_are_a_repeat(tmp_path):
    shutil.copytree(DATA, tmp_path / "site")
    assert repeated(check(tmp_path / "site")) == ["hidden.html", "shown.html"]


@pytest.mark.browser
def test_the_browser_drops_the_repeat_where_one_copy_is_not_rendered(need_browser, tmp_path):
    shutil.copytree(DATA, tmp_path / "site")
    cfg = Config()
    cfg.browser = {"enabled": True}
    report = check(tmp_path / "site", config=cfg)
    assert not [f for f in report.findings if f.rule == "browser-error"]
    assert repeated(report) == ["shown.html"]
