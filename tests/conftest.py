import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# the W3C ACT Rules test cases: $QA_ACT_DIR, by default ../shared/act beside the checkout;
# tests that use them skip when they are absent (a bare clone), and fail in CI
ACT = Path(os.environ.get("QA_ACT_DIR") or ROOT.parent / "shared" / "act")


def act_missing(what: Path) -> str:
    """Why an ACT test cannot run; fails it in CI, where the cases must be there."""
    why = (f"no {what} (the W3C ACT test cases: set QA_ACT_DIR, default ../shared/act)")
    if os.environ.get("CI"):
        pytest.fail(why)
    return why


@pytest.fixture
def write_page(tmp_path):
    """Write an HTML page into a temporary site and return its path."""
    def write(name: str, html: str | bytes) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(html if isinstance(html, bytes) else html.encode("utf-8"))
        return p
    return write


def browser_available() -> bool:
    return bool(shutil.which("chromium") or shutil.which("chromium-browser")) and \
        bool(shutil.which("chromedriver"))


@pytest.fixture
def need_browser():
    """Browser tests skip on a developer machine without Chromium, but FAIL in CI."""
    if not browser_available():
        if os.environ.get("CI"):
            pytest.fail("Chromium/ChromeDriver missing in CI: apt-get install chromium chromium-driver")
        pytest.skip("no Chromium/ChromeDriver here (apt-get install chromium chromium-driver)")
