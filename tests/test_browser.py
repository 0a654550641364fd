"""The browser run with real headless Chromium: serving, axe, hangs, crashes, jobs.

Marked `browser`; `need_browser` (conftest) skips on a machine without Chromium but fails
in CI, so a missing browser can never pass silently there."""
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from qa import sources
from qa.browser import (INSTALL, BrowserOptions, BrowserUnavailable, PageFailed, Session,
                        _axe_source, axe_options, find_binaries, run_browser, serve)
from rules import axe as axe_rule

import npm_packages

DATA = Path(__file__).parent / "data" / "axe"
browser = pytest.mark.browser

OK = """<!doctype html><html lang="en"><head><title>{t}</title></head>
<body><main><h1>{t}</h1>
<img src="a.png">
</main></body></html>"""


def site(tmp_path: Path, pages: dict[str, str]) -> list[tuple[str, str]]:
    for name, html in pages.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(html, encoding="utf-8")
    return [(str(tmp_path / name), name) for name in pages]


def loader(root: Path):
    return lambda url: sources.load(sources.Source(url, root / url, url))


def by_page(run) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in run.findings:
        out.setdefault(Path(f.path).name, []).append(f.rule)
    return out


# -- /proc: the processes this test started, found by parent pid and process group -----
def _procs():
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            comm, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
            if rest[0] in ("Z", "X"):     # dead, only waiting for init to reap it
                continue
            yield int(pid), comm, int(rest[1]), int(rest[2]), cmd     # pid, name, ppid, pgid, cmdline


def our_drivers() -> list[int]:
    return [pid for pid, comm, ppid, _, _ in _procs() if ppid == os.getpid() and comm == "chromedriver"]


def in_group(pgid: int, settle: float = 10.0) -> list[tuple[int, str]]:
    """Live processes in the group, after giving killed ones up to `settle` s to exit."""
    deadline = time.monotonic() + settle
    while True:
        left = [(pid, cmd) for pid, _, _, g, cmd in _procs() if g == pgid]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def kill_renderers() -> int:
    """Crash the tabs of our browsers for real: SIGKILL their page renderer processes."""
    n = 0
    for driver in our_drivers():
        for pid, cmd in in_group(driver, settle=0):
            if "--type=renderer" in cmd and "--top-chrome-webui" not in cmd:
                os.kill(pid, signal.SIGKILL)
                n += 1
    return n


# -- no browser needed ------------------------------------------------------------------
def test_loopback_server_serves_the_site_quietly(tmp_path, capfd):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.html").write_text("<p>a</p>")
    # a page that declares no charset is served in the one the static rules read it in
    (tmp_path / "latin.html").write_bytes("<p>café</p>".encode("cp1252"))
    (tmp_path / "meta.html").write_bytes('<meta charset="iso-8859-15"><p>x</p>'.encode())
    with serve(tmp_path) as base:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", base)
        with urllib.request.urlopen(base + "sub/a.html", timeout=10) as r:
            assert r.read() == b"<p>a</p>" and r.headers["Content-Type"] == "text/html; charset=utf-8"
        for name, ctype in (("latin.html", "text/html; charset=windows-1252"), ("meta.html", "text/html")):
            with urllib.request.urlopen(base + name, timeout=10) as r:
                assert r.headers["Content-Type"] == ctype, name
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(base + "missing.html", timeout=10)
        assert e.value.code == 404
    assert capfd.readouterr().err == ""
    with pytest.raises(urllib.error.URLError):      # shut down with the run
        urllib.request.urlopen(base + "sub/a.html", timeout=5)


def test_missing_browser_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))       # nothing on PATH
    with pytest.raises(BrowserUnavailable) as e:
        find_binaries(BrowserOptions())
    assert str(e.value) == (f"Chromium was not found on PATH; install it with `{INSTALL}` "
                            "or give its path with --chrome")
    assert INSTALL == "apt-get install chromium chromium-driver"
    with pytest.raises(BrowserUnavailable, match="ChromeDriver was not found on PATH"):
        find_binaries(BrowserOptions(chrome="/bin/sh"))
    with pytest.raises(BrowserUnavailable,
                       match=r'Chromium "/no/chromium" is not an executable file \(--chrome\)'):
        run_browser([("a.html", "a.html")], tmp_path, BrowserOptions(chrome="/no/chromium"))


def test_unreadable_axe_script_is_a_usage_error(tmp_path):
    with pytest.raises(BrowserUnavailable, match=r'axe script ".*nope.js" could not be read'):
        run_browser([("a.html", "a.html")], tmp_path,
                    BrowserOptions(axe_script=str(tmp_path / "nope.js")))


def test_no_pages_starts_no_browser(tmp_path):
    run = run_browser([], tmp_path, BrowserOptions(chrome="/no/chromium"))
    assert run.findings == [] and run.rendered_fragments == {}


def test_options_from_config():
    o = BrowserOptions.from_config({"enabled": True, "jobs": 2, "timeout": 5, "axe-script": "x.js",
                                    "remote-url": "http://127.0.0.1:4444", "chrome": "/c",
                                    "chromedriver": "/d", "tags": ["wcag2a"],
                                    "rules": {"region": False}})
    assert o == BrowserOptions(chrome="/c", chromedriver="/d", jobs=2, timeout=5.0, axe_script="x.js",
                               remote_url="http://127.0.0.1:4444", axe_rules={"region": False},
                               axe_tags=["wcag2a"])
    assert axe_options(o) == {"resultTypes": ["violations", "incomplete"],
                              "runOnly": {"type": "tag", "values": ["wcag2a"]},
                              "rules": {"region": {"enabled": False}}}
    assert BrowserOptions.from_config({}) == BrowserOptions()


# -- real Chromium ----------------------------------------------------------------------
@browser
def test_live_run_maps_like_the_recording(need_browser):
    """The recording the mapping tests use still matches what Chromium and axe do."""
    run = run_browser([("page.html", "page.html")], DATA, BrowserOptions(), load_page=loader(DATA))
    page = loader(DATA)("page.html")
    recorded = axe_rule.findings(json.loads((DATA / "page.axe.json").read_text("utf-8")), "page.html", page)
    key = lambda f: (f.rule, f.selector, f.line, f.column, f.severity, f.snippet)  # noqa: E731
    assert sorted(map(key, run.findings)) == sorted(map(key, recorded))


@browser
def test_meta_records_the_versions_that_ran(need_browser, tmp_path):
    pages = site(tmp_path, {"a.html": OK.format(t="A")})
    run = run_browser(pages, tmp_path, BrowserOptions())
    from axe_selenium_python import Axe
    bundled = re.search(r"axe v(\d+\.\d+\.\d+)", Path(Axe(None).script_url).read_text()[:200]).group(1)
    assert run.meta["axe_version"] == bundled and bundled.startswith("4.10.")
    chrome, _ = find_binaries(BrowserOptions())
    version = re.search(r"\d+\.\d+\.\d+\.\d+", subprocess.run(
        [chrome, "--version"], capture_output=True, text=True, timeout=60).stdout).group(0)
    assert run.meta["browser"] == f"chrome {version}"
    assert run.meta["browser_jobs"] == 1 and run.meta["browser_restarts"] == 0
    # a fixed window, so layout-dependent results are repeatable; its height less the
    # browser's own bars is the page's
    width, height = map(int, run.meta["viewport"].split("x"))
    assert width == 1280 and 800 < height <= 1024
    assert by_page(run) == {"a.html": ["axe.image-alt"]}


@browser
def test_pages_load_over_http_like_the_real_site(need_browser, tmp_path):
    """Relative fetches, assets and iframes work (they would not from file://), and the
    rendered DOM answers the static broken-anchor's question."""
    pages = site(tmp_path, {
        "data/targets.json": '["from-fetch"]',
        "news/story.html": """<!doctype html><html lang="en"><title>Story</title><main><h1>Story</h1>
<iframe src="../frame.html" title="Map"></iframe>
<a href="#from-fetch">jump</a> <a href="#named">named</a> <a href="#gone">gone</a>
<script>
if (location.protocol === 'http:' && location.hostname === '127.0.0.1') {
  const a = document.createElement('a'); a.name = 'named'; document.querySelector('main').append(a);
}
fetch('../data/targets.json').then(r => r.json()).then(ids => {
  for (const id of ids) {
    const s = document.createElement('span'); s.id = id; document.querySelector('main').append(s);
  }
});
</script></main></html>""",
        "frame.html": """<!doctype html><html lang="en"><title>Frame</title><img src="x.png"></html>""",
    })
    story = [p for p in pages if p[1] == "news/story.html"]
    # fetch() resolves after load: give it a moment by running axe after it (axe itself waits)
    run = run_browser(story, tmp_path, BrowserOptions(),
                      recheck={"news/story.html": {"from-fetch", "named", "gone"}},
                      load_page=loader(tmp_path))
    assert run.rendered_fragments == {"news/story.html": {"from-fetch", "named"}}
    frame = [f for f in run.findings if f.rule == "axe.image-alt"]
    assert len(frame) == 1 and frame[0].selector == 'iframe >> img'     # axe ran inside the frame
    assert frame[0].line == 2 and frame[0].path == story[0][0]


@browser
def test_hanging_pages_cost_only_themselves(need_browser, tmp_path):
    pages = site(tmp_path, {
        "1.html": OK.format(t="One"),
        "2-hang.html": "<!doctype html><html lang=en><title>Hang</title>"
                       "<script>while (true) {}</script></html>",
        "3-late.html": OK.format(t="Late") + "<script>addEventListener('load', () => "
                       "setTimeout(() => { while (true) {} }, 0))</script>",
        "4.html": OK.format(t="Four"),
    })
    started = time.monotonic()
    run = run_browser(pages, tmp_path, BrowserOptions(timeout=3))
    assert time.monotonic() - started < 90
    assert by_page(run) == {"1.html": ["axe.image-alt"], "2-hang.html": ["browser-error"],
                            "3-late.html": ["browser-error"], "4.html": ["axe.image-alt"]}
    errors = [f for f in run.findings if f.rule == "browser-error"]
    assert all(f.severity == "error" and f.line is None for f in errors)
    assert errors[0].message == "axe could not run: the page did not finish loading within 3 s"
    assert errors[1].message.startswith("axe could not run: ")
    assert run.meta["browser_restarts"] == 2
    assert our_drivers() == []


@browser
def test_a_killed_driver_is_replaced_and_the_page_retried(need_browser, tmp_path):
    pages = site(tmp_path, {f"{n}.html": OK.format(t=str(n)) for n in range(1, 4)})
    killed = []

    def on_page(path):
        if path.endswith("2.html"):
            for pid in our_drivers():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
    run = run_browser(pages, tmp_path, BrowserOptions(timeout=10), on_page=on_page)
    assert len(killed) == 1
    assert by_page(run) == {f"{n}.html": ["axe.image-alt"] for n in range(1, 4)}
    assert run.meta["browser_restarts"] == 1
    assert in_group(killed[0]) == []            # its Chromium went with it
    assert our_drivers() == []


@browser
def test_a_renderer_crash_mid_page_is_retried(need_browser, tmp_path):
    busy = "<script>const t = Date.now(); while (Date.now() - t < 4000) {}</script>"
    pages = site(tmp_path, {"1.html": OK.format(t="One"), "2.html": OK.format(t="Two") + busy,
                            "3.html": OK.format(t="Three")})
    crashed = []

    def on_page(path):
        if path.endswith("2.html"):     # while page 2's script holds the load
            threading.Timer(1.5, lambda: crashed.append(kill_renderers())).start()
    run = run_browser(pages, tmp_path, BrowserOptions(timeout=15), on_page=on_page)
    assert crashed and crashed[0] >= 1
    assert by_page(run) == {f"{n}.html": ["axe.image-alt"] for n in range(1, 4)}
    assert run.meta["browser_restarts"] == 1


@browser
def test_a_crashed_tab_fails_the_page_with_the_reason(need_browser, tmp_path):
    site(tmp_path, {"a.html": OK.format(t="A")})
    opts = BrowserOptions(timeout=10)
    s = Session(opts, _axe_source(opts))
    try:
        with serve(tmp_path) as base:
            try:
                s.driver.get("chrome://crash")
            except Exception:
                pass
            with pytest.raises(PageFailed) as e:
                s.check(base + "a.html", set(), axe_options(opts))
    finally:
        s.close(wedged=True)
    assert e.value.retry and str(e.value) == 'the browser tab crashed ("tab crashed")'


@browser
def test_jobs_do_not_change_the_result(need_browser, tmp_path):
    html = {f"p{n}.html": OK.format(t=f"Page {n}").replace('<img src="a.png">', extra)
            for n, extra in enumerate(['<img src="a.png">', '<a href="x.html"></a>', "<button></button>",
                                       '<p style="color:#ccc">faint</p>', '<input type="text">',
                                       '<img src="b.png"><img src="c.png">'])}
    pages = site(tmp_path, html)
    one = run_browser(pages, tmp_path, BrowserOptions(jobs=1), load_page=loader(tmp_path))
    two = run_browser(pages, tmp_path, BrowserOptions(jobs=2), load_page=loader(tmp_path))
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
    assert two.meta["browser_jobs"] == 2 and len(by_page(one)) == 6
    assert [Path(f.path).name for f in one.findings] == sorted(Path(f.path).name for f in one.findings)


@browser
def test_axe_tags_and_rules_are_passed_to_axe(need_browser, tmp_path):
    pages = site(tmp_path, {"a.html": """<!doctype html><html lang="en"><title>A</title>
<img src="a.png"><div>outside any landmark</div></html>"""})
    everything = {f.rule for f in run_browser(pages, tmp_path, BrowserOptions()).findings}
    assert {"axe.image-alt", "axe.region", "axe.page-has-heading-one"} <= everything
    wcag_a = {f.rule for f in run_browser(pages, tmp_path, BrowserOptions(axe_tags=["wcag2a"])).findings}
    assert wcag_a == {"axe.image-alt"}                       # best-practice rules left out
    no_alt = {f.rule for f in run_browser(pages, tmp_path,
                                          BrowserOptions(axe_rules={"image-alt": False})).findings}
    assert no_alt == everything - {"axe.image-alt"}
    with pytest.raises(BrowserUnavailable,
                       match=r'unknown axe rule "image-alt-typo" in browser.rules \(axe-core 4\.10'):
        run_browser(pages, tmp_path, BrowserOptions(axe_rules={"image-alt-typo": False}))
    with pytest.raises(BrowserUnavailable, match=r'unknown axe tag "wcag9x" in browser.tags'):
        run_browser(pages, tmp_path, BrowserOptions(axe_tags=["wcag9x"]))
    assert our_drivers() == []


@browser
def test_another_axe_build_runs_and_is_reported(need_browser, tmp_path):
    script = npm_packages.axe_core_script()
    pages = site(tmp_path, {"a.html": OK.format(t="A")})
    run = run_browser(pages, tmp_path, BrowserOptions(axe_script=str(script)))
    assert run.meta["axe_version"] == npm_packages.AXE_CORE[1]      # read from axe.version in the page
    assert run.meta["axe_script"] == str(script)
    assert by_page(run) == {"a.html": ["axe.image-alt"]}
    bogus = tmp_path / "bogus.js"
    bogus.write_text("window.notAxe = 1;")
    with pytest.raises(BrowserUnavailable, match='axe script ".*bogus.js" did not define axe'):
        run_browser(pages, tmp_path, BrowserOptions(axe_script=str(bogus)))


@browser
def test_selenium_manager_never_runs(need_browser, tmp_path, monkeypatch):
    """The driver is never looked up or downloaded at run time: Selenium's own hook for its
    manager binary points at a script that would leave a mark."""
    mark = tmp_path / "manager-ran"
    manager = tmp_path / "selenium-manager"
    manager.write_text(f"#!/bin/sh\ntouch {mark}\nexit 1\n")
    manager.chmod(0o755)
    monkeypatch.setenv("SE_MANAGER_PATH", str(manager))
    pages = site(tmp_path / "site", {"a.html": OK.format(t="A")})
    run = run_browser(pages, tmp_path / "site", BrowserOptions())
    assert by_page(run) == {"a.html": ["axe.image-alt"]} and not mark.exists()


@browser
def test_sessions_leave_nothing_behind(need_browser, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    pages = site(tmp_path / "site", {"a.html": OK.format(t="A"), "b.html": OK.format(t="B")})
    run_browser(pages, tmp_path / "site", BrowserOptions(jobs=2))
    assert list((tmp_path / "tmp").iterdir()) == []          # each --user-data-dir removed
    assert our_drivers() == []


@browser
def test_a_driver_that_will_not_start_is_unavailable(need_browser, tmp_path):
    pages = site(tmp_path, {"a.html": OK.format(t="A")})
    with pytest.raises(BrowserUnavailable, match=r"the browser session could not start \(.*\); check"):
        run_browser(pages, tmp_path, BrowserOptions(chromedriver="/bin/false"))


@browser
def test_docstring_examples_of_the_axe_rule(need_browser, tmp_path):
    """rules/axe.py's Bad example is flagged by axe and its Good example is clean."""
    doc = axe_rule.__doc__
    bad = re.search(r"^Bad:\n((?:    .*\n)+)", doc, re.M).group(1)
    good = re.search(r"^Good:\n((?:    .*\n)+)", doc, re.M).group(1)
    pages = site(tmp_path, {"bad.html": bad, "good.html": good})
    found = by_page(run_browser(pages, tmp_path, BrowserOptions()))
    assert set(found.get("bad.html", [])) >= {"axe.image-alt", "axe.link-name"}
    assert "good.html" not in found, found.get("good.html")


# -- pages that are not what the server was asked for -------------------------------------
@browser
def test_a_page_that_goes_elsewhere_or_is_not_served_is_no_other_pages_result(need_browser, tmp_path):
    """A redirecting page's axe results are another page's; the loopback server's 404
    page is not the page either: both are a browser-error, never findings at its lines."""
    pages = site(tmp_path / "root", {
        "away.html": '<!doctype html><html lang="en"><title>Away</title><main><h1>Away</h1>'
                     "<script>location.replace('b.html')</script></main></html>",
        "b.html": OK.format(t="B")})
    (tmp_path / "out.html").write_text(OK.format(t="Out"))
    pages.append((str(tmp_path / "out.html"), "../out.html"))       # outside the served root
    run = run_browser(pages, tmp_path / "root", BrowserOptions())
    found = {Path(f.path).name: (f.rule, f.message) for f in run.findings}
    assert found["away.html"][0] == "browser-error" and \
        found["away.html"][1].endswith("/b.html\" before it could be checked")
    assert found["out.html"] == ("browser-error", "axe could not run: the browser could not "
                                 "load the page (HTTP 404 from the local server)")
    assert by_page(run)["b.html"] == ["axe.image-alt"]


@browser
def test_dialogs_are_dismissed_and_the_page_checked(need_browser, tmp_path):
    pages = site(tmp_path, {"alert.html": OK.format(t="Alert").replace(
        "</main>", "<script>alert('Welcome'); confirm('Cookies?')</script></main>")})
    run = run_browser(pages, tmp_path, BrowserOptions())
    assert by_page(run) == {"alert.html": ["axe.image-alt"]} and run.meta["browser_restarts"] == 0


@browser
def test_a_page_without_a_charset_renders_as_the_static_rules_read_it(need_browser, tmp_path):
    """No <meta charset>: utf-8 bytes are utf-8 in the browser too (a browser left to guess
    reads windows-1252), so an id made by a script matches the link's "#über"."""
    page = tmp_path / "umlaut.html"
    page.write_bytes('<!doctype html><html lang="de"><title>Über</title><main><h1>Über uns</h1>'
                     '<p><a href="#über">Zum Team</a></p><div id="slot"></div><script>'
                     "var h = document.createElement('h2'); h.id = 'über'; h.textContent = 'Team';"
                     "document.getElementById('slot').appendChild(h);</script></main></html>".encode())
    from helpers import check
    from qa.config import Config
    cfg = Config()
    cfg.browser = {"enabled": True}
    [f] = [f for f in check(page, config=cfg).findings if f.rule == "broken-anchor"]
    assert f.severity == "info" and "found only in the rendered page" in f.message


@browser
def test_long_elements_are_placed_on_their_lines(need_browser, tmp_path):
    """axe cuts an element's html past 300 characters to its start tag: still placed."""
    long_text = "Visiting is open every day of the week for family and friends. " * 8
    pages = site(tmp_path, {"long.html": '<!doctype html><html lang="en"><title>Long</title>'
                            '<main><h1>Long</h1>\n<p>short</p>\n<p style="color:#bbb">'
                            f"{long_text}</p>\n</main></html>"})
    run = run_browser(pages, tmp_path, BrowserOptions(), load_page=loader(tmp_path))
    [f] = [f for f in run.findings if f.rule == "axe.color-contrast"]
    assert (f.line, f.column) == (3, 1)


@browser
def test_a_hang_inside_axe_costs_about_its_time_limit(need_browser, tmp_path):
    """The page loads, then keeps the browser busy while axe runs (a moment free between
    long tasks: axe gets on too slowly to finish); the driver is killed, not
    asked politely (which would wait its own limits out again). (A page can no longer stall
    axe by replacing what it calls, window.getComputedStyle: axe runs in an isolated world.)"""
    pages = site(tmp_path, {"stall.html": "<!doctype html><html lang=en><title>S</title><main>"
                            "<script>addEventListener('load', () => setInterval(() => "
                            "{ const t = Date.now(); while (Date.now() - t < 2500) {} }, 0))"
                            "</script></main></html>",
                            "ok.html": OK.format(t="OK")})
    started = time.monotonic()
    run = run_browser(pages, tmp_path, BrowserOptions(timeout=3))
    took = time.monotonic() - started
    assert by_page(run) == {"stall.html": ["browser-error"], "ok.html": ["axe.image-alt"]}
    assert took < 25, took               # was over 30: the page's limit, then 10 s + 10 s more
    assert our_drivers() == []

