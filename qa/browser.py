"""The browser run: axe-core in headless Chromium, after the static rules.

Pages are served from a loopback HTTP server rooted at the site, so relative assets,
fetches and iframes load as on the real site (file:// would block fetches and give every
page its own origin). Each job keeps one browser session and reuses it page after page;
a page that hangs or crashes the browser costs that page a `browser-error` finding and a
fresh session, never the run. The browser and driver come from PATH or the options and
are never downloaded: Selenium Manager does not run.

A page cannot forge or hide its results: axe runs in an isolated world of each frame (the
DevTools protocol, as Lighthouse runs it), which shares the page's DOM but none of its
JavaScript, so a page's own `window.axe` or bent `Promise`/`Array`/`JSON` never reach it;
frames are checked one by one (axe.runPartial) and put together by axe.finishRun, not by
asking them over postMessage. A driver that does not pass the protocol on (a Grid may not;
Selenium Grid 4 does) runs axe in the page's world as before, and results whose shape is not
axe-core's are a `browser-error` either way. One deadline, the browser timeout, covers a
page's load, its frames and axe; axe goes into at most FRAME_LIMIT frames, and the report
notes the others (info). Should qa die without closing its browsers (SIGKILL), a watchdog
process ends them and removes their profile (qa/watchdog.py).
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote

from qa import watchdog
from qa.axe_run import AXE_INFO, FINISH, PARTIAL, RUN_AXE, TOP, printable, shape_problem
from qa.findings import Finding
from qa.loopback import page_url, serve  # noqa: F401 - serve: part of this API
from qa.page import Page

CHROME_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "apt-get install chromium chromium-driver"
# Headless on a closed machine, possibly as root: no sandbox (root), no GPU, /tmp instead of
# a small /dev/shm, and none of the background traffic a desktop profile makes.
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                # a fixed desktop window (pa11y's default size): axe-core's results depend on
                # layout (contrast, overlap, target size), so they must not depend on the
                # machine; the viewport that results is recorded in the report's meta
                "--window-size=1280,1024")
RESULT_TYPES = ["violations", "incomplete"]   # passes/inapplicable: not reported, not shipped
FRAME_DEPTH = 4
# axe goes into at most this many frames of a page, over all depths: a page of 600 ad or
# map iframes would otherwise cost minutes; the report notes the frames left unchecked
FRAME_LIMIT = 50
SPARE = 0.25        # of the page's time, kept for putting the frames' results together
LEAVE_SECONDS = 5.0  # for leaving a checked page for a blank one
WORLD = "qa-axe"    # the isolated world axe runs in (DevTools protocol)
class BrowserUnavailable(Exception):
    """The browser run cannot start: no browser or driver, a session that will not open,
    or an axe script or axe options it cannot use. The CLI exits 2 with this message."""


class _OutOfTime(Exception):
    """The page's deadline passed before the next driver command."""


class _ScriptError(Exception):
    """A script evaluated in an isolated world threw; the message is its first line."""


class PageFailed(Exception):
    """axe could not run on one page; the message says why (one clause)."""
    def __init__(self, reason: str, retry: bool, restart: bool = True):
        super().__init__(reason)
        self.retry = retry          # the session died: worth one more try on a fresh one
        self.restart = restart      # the session cannot be trusted with another page


@dataclass
class BrowserOptions:
    chrome: str | None = None           # browser binary; None: look on PATH
    chromedriver: str | None = None     # driver binary; None: look on PATH
    jobs: int = 1                       # parallel browser sessions
    timeout: float = 30.0               # seconds for a page: its load, its frames and axe
    axe_script: str | None = None       # an axe.min.js to run instead of the bundled one
    remote_url: str | None = None       # a Selenium Grid; the browser must reach our 127.0.0.1
    axe_rules: dict[str, bool] = field(default_factory=dict)   # axe rule id -> enabled
    axe_tags: list[str] = field(default_factory=list)          # run only rules with these tags
    named_rules: dict[str, str] = field(default_factory=dict)  # axe rule id -> config key naming it

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> "BrowserOptions":
        """From `[tool.qa.browser]` (keys as in the config: `axe-script`, `remote-url`...)."""
        return cls(chrome=table.get("chrome"), chromedriver=table.get("chromedriver"),
                   jobs=int(table.get("jobs", 1)), timeout=float(table.get("timeout", 30.0)),
                   axe_script=table.get("axe-script"), remote_url=table.get("remote-url"),
                   axe_rules=dict(table.get("rules") or {}), axe_tags=list(table.get("tags") or []))


@dataclass
class BrowserRun:
    findings: list[Finding]                   # page order, then axe's order
    rendered_fragments: dict[str, set[str]]   # url -> asked-for fragments the rendered DOM has
    meta: dict[str, Any]                      # axe_version, browser, sessions, restarts...


# -- one browser session -----------------------------------------------------------------
def find_binaries(opts: BrowserOptions) -> tuple[str, str]:
    """The browser and driver to use, or BrowserUnavailable saying how to install them."""
    chrome = opts.chrome or next(filter(None, map(shutil.which, CHROME_NAMES)), None)
    driver = opts.chromedriver or shutil.which("chromedriver")
    for what, flag, path in (("Chromium", "--chrome", chrome), ("ChromeDriver", "--chromedriver", driver)):
        if not path:
            raise BrowserUnavailable(f"{what} was not found on PATH; install it with "
                                     f"`{INSTALL}` or give its path with {flag}")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise BrowserUnavailable(f'{what} "{path}" is not an executable file ({flag}); '
                                     f"install it with `{INSTALL}`")
    return chrome, driver


def _axe_source(opts: BrowserOptions) -> str:
    if opts.axe_script:
        path = opts.axe_script
    else:
        from axe_selenium_python import Axe
        path = Axe(None).script_url          # the axe-core build the package bundles (4.10)
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BrowserUnavailable(f'axe script "{path}" could not be read: '
                                 f"{getattr(e, 'strerror', None) or e}") from None


class Session:
    """One browser (local chromedriver + Chromium, or a Grid session), reused across pages."""

    def __init__(self, opts: BrowserOptions, axe_source: str):
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        self.opts, self.axe_source = opts, axe_source
        self.profile: str | None = None
        self.service: Service | None = None
        self.driver = None
        self.watchdog: subprocess.Popen | None = None
        self._config = None          # the driver's HTTP client settings (its time limit)
        self.isolated = False        # axe runs in isolated worlds (DevTools protocol)
        # a run being stopped (Ctrl-C) may close a session while its worker closes it too:
        # one at a time, or the second removes the profile under a browser still dying
        self._closing = threading.Lock()
        options = Options()
        for flag in CHROME_FLAGS:
            options.add_argument(flag)
        # a page's alert() or confirm() is dismissed, as pa11y does: not a dead session
        # (see _past_dialogs)
        options.unhandled_prompt_behavior = "dismiss"
        try:
            if opts.remote_url:
                url = opts.remote_url
            else:
                chrome, driver = find_binaries(opts)
                options.binary_location = chrome
                self.profile = tempfile.mkdtemp(prefix="qa-chrome-")
                # should qa die before it can close the session (SIGKILL), the watchdog
                # kills the driver's group and removes the profile (qa/watchdog.py)
                self.watchdog = watchdog.start(self.profile)
                options.add_argument(f"--user-data-dir={self.profile}")
                # we start the driver ourselves from an explicit path, so Selenium Manager
                # never runs and nothing is downloaded; in its own process group, so the
                # Chromium it starts can be killed with it when a page wedges both
                # Chromium's own scratch files go in the profile too (TMPDIR), so that
                # removing it leaves nothing, also after a hung browser was killed; unless
                # the path is too long for the sockets Chromium makes there (107 bytes)
                env = dict(os.environ)
                if len(os.fsencode(self.profile)) <= 60:
                    env["TMPDIR"] = self.profile
                self.service = Service(executable_path=driver, log_output=subprocess.DEVNULL,
                                       env=env, popen_kw={"start_new_session": True})
                self.service.start()
                watchdog.guard(self.watchdog, self.service.process.pid)
                url = self.service.service_url
            config = _client_config(url, opts.timeout)
            config.timeout = max(config.timeout, 60)     # a cold browser start can be slow
            self.driver = webdriver.Remote(command_executor=url, options=options,
                                           client_config=config)
            config.timeout = opts.timeout + 5
            self._config = config
        except BrowserUnavailable:
            self.close()
            raise
        except Exception as e:    # WebDriverException, urllib3 errors: the session did not open
            self.close()
            where = f"at {opts.remote_url}" if opts.remote_url else f"(`{INSTALL}`)"
            first = _first_line(e) if isinstance(e, WebDriverException) else f"{type(e).__name__}: {e}"
            raise BrowserUnavailable(f"the browser session could not start ({first}); check "
                                     f"the browser and driver {where}") from None
        self.driver.set_page_load_timeout(opts.timeout)
        self.driver.set_script_timeout(opts.timeout)
        self.isolated = self._has_cdp()
        caps = self.driver.capabilities
        self.browser = f"{caps.get('browserName', 'chrome')} {caps.get('browserVersion', '')}".strip()

    def _has_cdp(self) -> bool:
        """Does the driver pass DevTools protocol commands on? chromedriver does (its
        goog/cdp/execute endpoint, which webdriver.Remote does not know by name); a Grid
        may not, and then axe runs in the page's own world, as it did before."""
        from selenium.common.exceptions import WebDriverException
        self.driver.command_executor.add_command(
            "executeCdpCommand", "POST", "/session/$sessionId/goog/cdp/execute")
        try:
            self.driver.execute("executeCdpCommand", {"cmd": "Browser.getVersion", "params": {}})
        except WebDriverException:
            return False
        return True

    def close(self, wedged: bool = False) -> None:
        """End the session. A wedged local session is killed outright: asking its driver
        to quit would wait out the same time limit again."""
        with self._closing:
            driver, self.driver = self.driver, None
            service, self.service = self.service, None  # once reaped, its pid (our group id)
            proc = getattr(service, "process", None)    # may belong to another process
            if driver is not None and not (wedged and proc is not None):
                try:
                    if wedged:         # a Grid: free its slot, but do not wait long for that
                        driver.command_executor.client_config.timeout = 10
                    driver.quit()
                except Exception:
                    pass
            if proc is not None:
                try:             # chromedriver and the Chromium it started share its group
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    pass
                # SIGKILL lands when it lands: until the last Chromium process is gone it may
                # still write into the profile, which must be removed after it
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    try:
                        os.killpg(proc.pid, 0)        # signal 0: does the group still exist?
                    except (ProcessLookupError, PermissionError):
                        break
                    time.sleep(0.02)
                # selenium's Service, when collected, asks its driver to shut down and waits
                # for an answer a killed driver never gives (10 s more per hung page)
                service.process = None
            if self.profile:
                shutil.rmtree(self.profile, ignore_errors=True)
                self.profile = None
            dog, self.watchdog = self.watchdog, None
            if dog is not None:              # all cleaned up: the watchdog can go
                watchdog.release(dog)

    def check(self, url: str, fragments: set[str], options: dict) -> tuple[dict, set[str]]:
        """Load `url`, run axe; return axe's results and which `fragments` the DOM has.

        One deadline (the browser timeout) covers the load, putting axe into the frames
        and axe's run: every driver command after the load gets only what is left of it."""
        from selenium.common.exceptions import TimeoutException, UnexpectedAlertPresentException
        from selenium.common.exceptions import WebDriverException
        d = self.driver
        deadline = time.monotonic() + self.opts.timeout
        step = "load"
        try:
            self._until(deadline, extra=5)    # the page load limit is the driver's own
            _past_dialogs(lambda: d.get(url))
            if self.isolated:
                step = "axe"
                out = self._run_isolated(options, sorted(fragments), deadline)
            else:
                step = "inject"
                frames = self._inject(deadline)
                step = "axe"
                self._until(deadline)
                out = _past_dialogs(lambda: d.execute_async_script(RUN_AXE, options, sorted(fragments)))
                if isinstance(out, dict):
                    out["frames"] = frames
            if not isinstance(out, dict):
                raise PageFailed("axe-core gave results of the wrong shape (not an object)",
                                 retry=False, restart=False)
            if out.get("error"):
                raise PageFailed(f'axe-core failed: "{printable(out["error"])}"', retry=False,
                                 restart=False)
            problem = shape_problem(out)
            if problem:
                raise PageFailed(f"axe-core gave results of the wrong shape ({problem})",
                                 retry=False, restart=False)
            if (out.get("status") or 0) >= 400:      # the loopback server's 404: not the page
                raise PageFailed(f"the browser could not load the page (HTTP {out['status']} "
                                 "from the local server)", retry=False, restart=False)
            went = str(out.get("url") or url)
            if unquote(went.split("#")[0]) != unquote(url.split("#")[0]):   # axe checked another page
                raise PageFailed(f'the page sent the browser on to "{printable(went)}" before '
                                 "it could be checked", retry=False, restart=False)
            return out, set(out.get("found") or ()) & fragments
        except PageFailed:
            raise
        except UnexpectedAlertPresentException:
            # _past_dialogs gave up: the page opens a dialog again each time one is dismissed
            raise PageFailed("the page kept opening dialogs", retry=False) from None
        except Exception as e:
            if isinstance(e, (TimeoutException, _OutOfTime)) or _is_timeout(e):
                # a script that never yields: chromedriver's limit, or ours if it wedged too
                t = f"{self.opts.timeout:g} s"
                raise PageFailed({
                    "load": f"the page did not finish loading within {t}",
                    "inject": f"the page's scripts kept the browser busy for {t}",
                    "axe": f"axe-core did not finish within {t} (a very large page, or a "
                           "script keeping the browser busy; see the browser timeout)",
                }[step], retry=False) from None
            msg = _first_line(e) if isinstance(e, WebDriverException) else type(e).__name__
            if "crash" in msg.lower():
                raise PageFailed(f'the browser tab crashed ("{msg}")', retry=True) from None
            # the driver or browser died (or was killed): not the page's fault, try again
            raise PageFailed(f'the browser session died ("{msg}")', retry=True) from None
        finally:             # what is left of this page's time is no limit for what follows
            if self._config is not None:
                self._config.timeout = self.opts.timeout + 5

    def leave(self) -> bool:
        """Go to a blank page, within LEAVE_SECONDS (or the page's time, if shorter)."""
        try:
            self._until(time.monotonic() + min(self.opts.timeout, LEAVE_SECONDS))
            _past_dialogs(lambda: self.driver.get("about:blank"))
            return True
        except Exception:        # noqa: BLE001 - hung, dead or dialogs: a fresh session then
            return False
        finally:
            if self._config is not None:
                self._config.timeout = self.opts.timeout + 5

    # -- the deadline --------------------------------------------------------------------
    def _until(self, deadline: float, extra: float = 1.0) -> float:
        """Give the next driver command only what is left before `deadline` (plus `extra`
        for the driver's own answer); raise _OutOfTime when nothing is left."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise _OutOfTime()
        if self._config is not None:
            self._config.timeout = left + extra
        return left

    # -- axe where the page's scripts cannot reach it (DevTools protocol) ---------------
    def _cdp(self, cmd: str, deadline: float, **params) -> dict:
        self._until(deadline)
        value = _past_dialogs(lambda: self.driver.execute(
            "executeCdpCommand", {"cmd": cmd, "params": params})["value"])
        if not isinstance(value, dict):
            # chromedriver answers null when it dismissed a dialog that opened while the
            # command ran (seen with alert() every few ms), and the tab is detached after
            raise PageFailed("the page kept opening dialogs", retry=False)
        return value

    def _evaluate(self, context: int, expression: str, deadline: float, by_value: bool = True) -> Any:
        """Evaluate in one execution context (an isolated world); JavaScript exceptions
        are raised as _ScriptError, with axe's message."""
        r = self._cdp("Runtime.evaluate", deadline, expression=expression, contextId=context,
                      awaitPromise=True, returnByValue=by_value, objectGroup="qa")
        if r.get("exceptionDetails"):
            ex = r["exceptionDetails"]
            raise _ScriptError(str((ex.get("exception") or {}).get("description")
                                   or ex.get("text") or "a script error").splitlines()[0])
        return r["result"].get("value") if by_value else r["result"]

    def _world(self, frame_id: str, deadline: float) -> int:
        """The isolated world "qa-axe" of a frame (the same one on each call): it shares
        the page's DOM, not its JavaScript, so no script of the page can replace axe,
        the built-ins it uses, or its results."""
        return self._cdp("Page.createIsolatedWorld", deadline, frameId=frame_id,
                         worldName=WORLD)["executionContextId"]

    def _run_isolated(self, options: dict, fragments: list[str], deadline: float) -> dict:
        """axe.runPartial in each frame's isolated world, depth first (axe-core's order),
        then axe.finishRun in the page's: axe's own way to check frames without asking
        them by postMessage, which the page could answer. At most FRAME_LIMIT frames, and
        none started once SPARE of the time is all that is left (for finishRun). A page
        with no frames to check gets axe.run in its isolated world in the same round trip
        (TOP); a page with frames keeps its own part there for finishRun: neither ships
        the top frame's partial results (every element, passes too) out and back."""
        from selenium.common.exceptions import WebDriverException
        top = self._cdp("Page.getFrameTree", deadline)["frameTree"]["frame"]["id"]
        soft = deadline - SPARE * self.opts.timeout
        opts_js = json.dumps(options)
        count = {"known": 0, "checked": 0, "failed": 0}

        def visit(context: int, frame_context: Any, depth: int, top: Any = None) -> list[str]:
            if top is not None:        # the top frame: TOP ran there, its part stays there
                out, partials = top, []
            else:
                out = self._evaluate(context, self.axe_source + "\n;" + PARTIAL % (
                    json.dumps(frame_context), opts_js), deadline)
                if not isinstance(out, dict) or not isinstance(out.get("partial"), str) \
                        or not isinstance(out.get("frames"), list):
                    raise _ScriptError(str(out.get("error") if isinstance(out, dict) else out))
                partials = [out["partial"]]
            for f in out["frames"]:
                count["known"] += 1
                child = None
                if depth < FRAME_DEPTH and count["checked"] < FRAME_LIMIT and time.monotonic() < soft:
                    try:
                        child = self._frame_world(context, f, deadline)
                    except (_ScriptError, WebDriverException) as e:
                        if _is_timeout(e):
                            raise
                        child = None         # gone, or in another process (another site)
                    if child is None:
                        count["failed"] += 1
                if child is None:
                    partials.append("null")  # finishRun counts it as not checked
                    continue
                count["checked"] += 1
                try:
                    partials += visit(child, f.get("context"), depth + 1)
                except _ScriptError:
                    count["checked"] -= 1
                    count["failed"] += 1
                    partials.append("null")
            return partials
        try:
            world = self._world(top, deadline)
            first = self._evaluate(world, self.axe_source + "\n;" + TOP % (
                opts_js, json.dumps(fragments)), deadline)
            if isinstance(first, dict) and "report" in first:     # no frames: axe.run
                out = first["report"]
            elif not isinstance(first, dict) or not isinstance(first.get("frames"), list) \
                    or not first["frames"]:
                raise _ScriptError(str(first.get("error") if isinstance(first, dict) else first))
            else:
                partials = visit(world, None, 0, top=first)
                out = self._evaluate(world, FINISH % ("[" + ",".join(partials) + "]", opts_js,
                                                       json.dumps(fragments)), deadline)
        except _ScriptError as e:
            return {"error": str(e)}
        if isinstance(out, dict):
            out["frames"] = (count["checked"], count["known"], count["failed"])
        return out

    def _frame_world(self, context: int, frame: Any, deadline: float) -> int | None:
        """The isolated world of the frame that axe's frame selector names, or None."""
        sel = frame.get("selector") if isinstance(frame, dict) else None
        if not isinstance(sel, (str, list)):
            return None
        el = self._evaluate(context, f"axe.utils.shadowSelect({json.dumps(sel)})", deadline,
                            by_value=False)
        if not el.get("objectId"):
            return None
        node = self._cdp("DOM.describeNode", deadline, objectId=el["objectId"])["node"]
        return self._world(node["frameId"], deadline) if node.get("frameId") else None

    # -- axe in the page's own world (a Grid that does not pass the DevTools protocol on) -
    def _inject(self, deadline: float) -> tuple[int, int, int]:
        """axe in the page and in its frames (axe-core asks frames to check themselves),
        at most FRAME_LIMIT frames; (frames injected, frames seen, 0)."""
        from selenium.webdriver.common.by import By
        d = self.driver
        soft = deadline - SPARE * self.opts.timeout
        count = {"known": 0, "checked": 0}

        def inject(depth: int) -> None:
            self._until(deadline)
            d.execute_script(self.axe_source)
            if depth >= FRAME_DEPTH:
                return
            self._until(deadline)
            frames = d.find_elements(By.CSS_SELECTOR, "iframe, frame")
            count["known"] += len(frames)
            for frame in frames:
                if count["checked"] >= FRAME_LIMIT or time.monotonic() >= soft:
                    return
                try:
                    self._until(deadline)
                    d.switch_to.frame(frame)
                    count["checked"] += 1
                    inject(depth + 1)
                except Exception as e:
                    if isinstance(e, _OutOfTime) or _is_timeout(e):
                        raise
                    # a frame that went away or will not take the script
                finally:
                    self._until(deadline)
                    d.switch_to.parent_frame()
        def run() -> None:
            count.update(known=0, checked=0)
            inject(0)
        _past_dialogs(run)
        return count["checked"], count["known"], 0


def _past_dialogs(call: Callable[[], Any], tries: int = 10) -> Any:
    """`call()`, again after each alert() or confirm() the page opened meanwhile: the driver
    dismisses it (unhandledPromptBehavior) yet still fails the command that met it."""
    from selenium.common.exceptions import UnexpectedAlertPresentException
    for _ in range(tries - 1):
        try:
            return call()
        except UnexpectedAlertPresentException:
            continue
    return call()


def _client_config(url: str, timeout: float):
    """Every driver command gets a time limit beyond the browser's own (a page can wedge
    the driver too), and no silent retries that would multiply it."""
    from selenium.webdriver.remote.client_config import ClientConfig
    return ClientConfig(url, timeout=timeout + 5,
                        init_args_for_pool_manager={"init_args_for_pool_manager": {"retries": False}})


def _first_line(e: Exception) -> str:
    msg = getattr(e, "msg", None) or str(e) or type(e).__name__
    return msg.strip().splitlines()[0].removeprefix("Message: ").strip()


def _is_timeout(e: BaseException) -> bool:
    while e is not None:
        if isinstance(e, TimeoutError) or "timeout" in type(e).__name__.lower():
            return True
        e = e.__cause__ or e.__context__
    return False


def axe_options(opts: BrowserOptions) -> dict[str, Any]:
    o: dict[str, Any] = {"resultTypes": RESULT_TYPES}
    if opts.axe_tags:
        o["runOnly"] = {"type": "tag", "values": list(opts.axe_tags)}
    if opts.axe_rules:
        o["rules"] = {rid: {"enabled": bool(on)} for rid, on in opts.axe_rules.items()}
    return o


# -- the run -----------------------------------------------------------------------------
def run_browser(pages: list[tuple[str, str]], root: Path, opts: BrowserOptions,
                recheck: dict[str, set[str]] | None = None,
                load_page: Callable[[str], Page | None] | None = None,
                on_page: Callable[[str], None] | None = None) -> BrowserRun:
    """Run axe-core on `pages` ((path as shown, url relative to `root`), or absolute http(s)
    URLs) with `opts.jobs` sessions. `recheck` names, per url, fragments the static rules
    could not find: the run reports which of them the rendered page has. `load_page(url)`
    gives the parsed page to place axe's elements on source lines. `on_page(path)` is
    called (from the session's thread) as each page starts. Raises BrowserUnavailable,
    before any page runs, if the browser, the axe script or the axe options cannot be used."""
    started = time.monotonic()
    meta: dict[str, Any] = {"browser_jobs": 0, "browser_restarts": 0,
                            "axe_script": opts.axe_script or "bundled (axe-selenium-python)"}
    if opts.remote_url:
        meta["remote_url"] = opts.remote_url
    if not pages:
        return BrowserRun([], {}, meta)
    run = _Run(pages, root, opts, _axe_source(opts), recheck or {}, load_page, meta)
    jobs = max(1, min(opts.jobs, len(pages)))
    with serve(root) as run.base:
        sessions = _start(opts, run.source, jobs)
        run.live += sessions
        done: list[threading.Event] = []
        try:
            meta.update(_check_axe(sessions[0], opts))
            meta["browser"] = sessions[0].browser
            # "isolated": where the page's scripts cannot reach axe (DevTools protocol);
            # "page": the page's own world (a Grid that does not pass the protocol on)
            meta["axe_world"] = "isolated" if sessions[0].isolated else "page"
            meta["browser_jobs"] = jobs
            done = _spawn(run.worker, [(s, on_page) for s in sessions], "qa-browser")
            for d in done:
                d.wait()
        finally:                 # also on Ctrl-C: no browser outlives the run
            run.stop(done)
    findings = [f for i, r in enumerate(run.results)
                for f in (r if r is not None else [_error(pages[i][0], "the page was not reached")])]
    meta["browser_seconds"] = round(time.monotonic() - started, 3)
    return BrowserRun(findings, run.rendered, meta)


class _Run:
    """The shared state of one run: a queue of pages, and results by page index so that
    the order does not depend on which session took which page."""

    def __init__(self, pages, root, opts, source, recheck, load_page, meta):
        self.pages, self.root, self.opts, self.source = pages, root, opts, source
        self.recheck, self.load_page, self.meta = recheck, load_page, meta
        self.options = axe_options(opts)
        self.base = ""
        self.results: list[list[Finding] | None] = [None] * len(pages)
        self.rendered: dict[str, set[str]] = {}
        self.live: list[Session] = []
        self.stopping = False       # set under the lock: no session opens after it
        self.lock = threading.Lock()
        self.todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for i in range(len(pages)):
            self.todo.put(i)

    def stop(self, done: list[threading.Event]) -> None:
        """End every session, also while workers still run (Ctrl-C): a worker that sees its
        session die must not open another, and one that is opening one closes it itself;
        wait a little for them, so that no driver outlives the process."""
        with self.lock:
            self.stopping = True
            live = list(self.live)
        for s in live:
            s.close(wedged=True)
        _wait_all(done, 15)

    def worker(self, session: Session | None, on_page) -> None:
        try:
            while not self.stopping:
                try:
                    i = self.todo.get_nowait()
                except queue.Empty:
                    return
                path = self.pages[i][0]
                try:
                    if on_page:
                        on_page(path)
                    self.results[i], session = self.page(i, session)
                except Exception as e:   # noqa: BLE001 - a bug of ours costs the page, not the run
                    self.results[i] = [_error(path, f"qa failed on the page ({type(e).__name__}: {e})")]
        finally:
            if session is not None:
                session.close()

    def page(self, i: int, session: Session | None) -> tuple[list[Finding], Session | None]:
        from rules import axe as axe_rule
        path, url = self.pages[i]
        full = url if url.startswith(("http://", "https://")) else self.base + page_url(self.root, url)
        reason = ""
        for attempt in (1, 2):
            if session is None:
                if self.stopping:
                    return [_error(path, "the run was stopped")], None
                try:
                    session = Session(self.opts, self.source)
                except BrowserUnavailable as e:
                    # the next page tries again: a Grid frees a wedged session's slot in
                    # its own time, and the run goes on once it does
                    return [_error(path, f"the browser could not be restarted ({e})")], None
                with self.lock:
                    stopped = self.stopping
                    if not stopped:
                        self.live.append(session)
                if stopped:
                    session.close(wedged=True)
                    return [_error(path, "the run was stopped")], None
            try:
                out, found = session.check(full, self.recheck.get(url, set()), self.options)
            except PageFailed as e:
                reason = str(e)
                if not e.restart:
                    return [_error(path, reason)], self.left(session)
                session.close(wedged=True)       # a hung or dead session is not reused
                session = None
                with self.lock:
                    self.meta["browser_restarts"] += 1
                if e.retry and attempt == 1:
                    continue
                break
            if found:
                with self.lock:
                    self.rendered[url] = found
            notes = []
            checked, known, failed = out.get("frames") or (0, 0, 0)
            if checked < known:
                # the frame limit or the deadline: said once, instead of axe's "frame-tested"
                # (needs review) on each frame it could not check
                first = "" if failed else "the first "
                notes = [_note(path, f"axe checked only {first}{checked} of {known} frames")]
                out = {**out, "incomplete": [r for r in out["incomplete"] if r.get("id") != "frame-tested"]}
            page = None
            if self.load_page is not None:
                try:
                    page = self.load_page(url)
                except Exception:   # noqa: BLE001 - no source lines then; the findings stand
                    page = None
            return axe_rule.findings(out, path, page) + notes, self.left(session)
        return [_error(path, reason)], session


    def left(self, session: Session) -> Session | None:
        """The session, once it has left the page it checked; None if it could not (the
        page hangs as it is left, or started a script that never ends after it was checked):
        that costs a fresh session, not the next page its load."""
        if session.leave():
            return session
        session.close(wedged=True)
        with self.lock:
            self.meta["browser_restarts"] += 1
        return None


def _spawn(target: Callable[..., None], args: list[tuple], name: str) -> list[threading.Event]:
    """Run `target(*a)` for each `a` in a daemon thread; each thread sets its event when it
    ends. Events, not Thread.join: a join that Ctrl-C interrupted reports its thread as
    ended while it still runs (CPython), and a browser it then opens outlives the run."""
    done = [threading.Event() for _ in args]

    def run(a: tuple, ended: threading.Event) -> None:
        try:
            target(*a)
        finally:
            ended.set()
    for n, (a, ended) in enumerate(zip(args, done)):
        threading.Thread(target=run, args=(a, ended), daemon=True, name=f"{name}-{n}").start()
    return done


def _wait_all(done: list[threading.Event], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for d in done:
        d.wait(max(0.0, deadline - time.monotonic()))


def _start(opts: BrowserOptions, source: str, jobs: int) -> list[Session]:
    """Open `jobs` sessions at once; if any fails, close the others and raise."""
    out: list[Session | BaseException | None] = [None] * jobs

    def open_one(n: int) -> None:
        try:
            out[n] = Session(opts, source)
        except BaseException as e:
            out[n] = e
    done = _spawn(open_one, [(n,) for n in range(jobs)], "qa-browser-start")
    try:
        for d in done:
            d.wait()
    except BaseException as stop:      # Ctrl-C while browsers start: let them, then end them
        _wait_all(done, 15)
        errors: list[BaseException] = [stop]
    else:
        errors = [e for e in out if isinstance(e, BaseException)]
    if errors:
        for s in out:
            if isinstance(s, Session):
                s.close(wedged=True)
        raise errors[0]
    return out  # type: ignore[return-value]


def _check_axe(session: Session, opts: BrowserOptions) -> dict[str, Any]:
    """Load axe once in a blank page: the version that really runs, and the rule ids and
    tags it knows, so a typo in the config is an error rather than a silent no-op."""
    d = session.driver
    try:
        d.get("about:blank")
        d.execute_script(session.axe_source)
        info = d.execute_script(AXE_INFO)
    except Exception as e:
        raise BrowserUnavailable(f"axe-core could not be loaded in the browser ({_first_line(e)})") from None
    if not info:
        raise BrowserUnavailable(f'axe script "{opts.axe_script}" did not define axe')
    for rid, key in sorted(opts.named_rules.items()):
        if rid not in info["rules"]:
            raise BrowserUnavailable(f'unknown axe rule "{rid}" in {key} '
                                     f'(axe-core {info["version"]}; see its rule list)')
    unknown = sorted(set(opts.axe_rules) - set(info["rules"]))
    if unknown:
        raise BrowserUnavailable(f'unknown axe rule "{unknown[0]}" in browser.rules '
                                 f'(axe-core {info["version"]})')
    bad_tags = sorted(set(opts.axe_tags) - set(info["tags"]))
    if bad_tags:
        raise BrowserUnavailable(f'unknown axe tag "{bad_tags[0]}" in browser.tags '
                                 f'(axe-core {info["version"]} knows e.g. wcag2a, wcag2aa, best-practice)')
    return {"axe_version": info["version"], "viewport": info["viewport"]}


def _error(path: str, reason: str) -> Finding:
    return Finding(rule="browser-error", severity="error", path=path, line=None, column=None,
                   message=f"axe could not run: {reason}")


def _note(path: str, message: str) -> Finding:
    """A browser-error that is a note: axe ran, but not on all of the page (info, whatever
    the config says of browser-error; the page counts as not fully checked)."""
    return Finding(rule="browser-error", severity="info", path=path, line=None, column=None,
                   message=message, data={"severity": "info"})
