#!/usr/bin/env python3
"""qa's browser run side by side with `@axe-core/cli`, on the same pages from one server.

Both tools check the same pages (the first N of python3.11-doc, path order) served by one
loopback HTTP server (qa.loopback.serve): qa's run_browser with 1 and 2 sessions (axe's
elements placed on source lines, as `qa check --browser` does), and `axe` (the CLI) with
all the URLs in ONE process, its fairest setting (one browser, reused; `--load-delay 0`).
The runs alternate (qa 1, cli, qa 2, qa 1, cli, qa 2, ...) `--repeat` times; the figures
are wall seconds including browser start-up, best and median s/page, the ratio
(cli s/page) / (qa s/page), and violations per axe rule id for each tool (elements), so
the comparison is like for like. `--phases` adds where qa's time goes per page, measured
by wrapping qa's own methods in this process (qa's behaviour is not changed).

    npm install --prefix ~/.cache/qa-bench/npm @axe-core/cli   # with CHROMEDRIVER_SKIP_DOWNLOAD=true
    python bench/bench_axe_cli.py --repeat 2 --phases
    python bench/bench_axe_cli.py --pages 40 --repeat 1 --json

The CLI gets the same Chromium and chromedriver (Debian's), the same window size and
flags (through a wrapper script given as --chrome-path: its --chrome-options splits
values on commas), the same axe-core build as qa (--axe-source, the axe.min.js that
axe-selenium-python bundles) and the same timeout (default 90 s). The CLI exits on the
first page that times out and checks nothing after it, so contents.html (2.5 MB, about
50 s of axe on an idle machine, over 90 s on a loaded one) is left out by default
(`--skip`) and the next page in path order taken instead.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_browser import CORPUS, pages_of  # noqa: E402
from qa import browser as qa_browser  # noqa: E402
from qa import sources  # noqa: E402
from qa.browser import CHROME_FLAGS, BrowserOptions, find_binaries, run_browser  # noqa: E402
from qa.loopback import page_url, serve  # noqa: E402

NPM_CACHE = Path(os.environ.get("QA_BENCH_NPM") or Path.home() / ".cache" / "qa-bench" / "npm")
CLI = NPM_CACHE / "node_modules" / "@axe-core" / "cli" / "dist" / "src" / "bin" / "cli.js"


def bundled_axe() -> Path:
    from axe_selenium_python import Axe
    return Path(Axe(None).script_url)


def axe_version(path: Path) -> str:
    head = path.read_text(encoding="utf-8", errors="replace")[:200]
    return head.split("axe v", 1)[1].split()[0] if "axe v" in head else "?"


# -- where qa's time goes (wrappers around qa's own methods, in this process only) -------
class Phases:
    """Seconds per phase over a run, summed over sessions (so with 2 sessions the sum is
    about twice the wall time): load (navigation to the page, up to its load event),
    frame tree + isolated world, axe (its script sent and evaluated, then axe.run, or
    axe.runPartial for a page with frames; results back), finishRun (frames' parts put
    together, qa's report script, results back), leave (about:blank), map to lines
    (placing axe's elements on source lines, parsing the page), other (qa's checks of the
    results, the rest of Session.check)."""

    NAMES = ("session start", "load", "world", "axe inject+run", "finishRun",
             "leave", "map to lines", "other")

    def __init__(self):
        self.t = collections.Counter()
        self.lock = threading.Lock()
        self.local = threading.local()
        self.undo = []

    def add(self, name, seconds):
        with self.lock:
            self.t[name] += seconds

    def patch(self, obj, name, make):
        old = getattr(obj, name)
        setattr(obj, name, make(old))
        self.undo.append((obj, name, old))

    def __enter__(self):
        S, ph = qa_browser.Session, self

        def timed(label):
            def make(old):
                def f(*a, **k):
                    t = time.monotonic()
                    try:
                        return old(*a, **k)
                    finally:
                        ph.add(label if isinstance(label, str) else label(a, k), time.monotonic() - t)
                return f
            return make

        def check(old):
            def f(self, *a, **k):
                ph.local.start, ph.local.loaded = time.monotonic(), False
                t = time.monotonic()
                try:
                    return old(self, *a, **k)
                finally:
                    ph.add("check", time.monotonic() - t)
            return f

        def cdp(old):
            def f(self, cmd, *a, **k):
                if not getattr(ph.local, "loaded", True):     # the first command after d.get
                    ph.local.loaded = True
                    ph.add("load", time.monotonic() - ph.local.start)
                t = time.monotonic()
                try:
                    return old(self, cmd, *a, **k)
                finally:
                    if cmd != "Runtime.evaluate":
                        ph.add("world", time.monotonic() - t)
            return f

        def which(a, k):
            expr = a[2] if len(a) > 2 else k.get("expression", "")
            if "axe.runPartial" in expr:
                return "axe inject+run"
            if "finishRun" in expr:
                return "finishRun"
            return "world"
        self.patch(S, "__init__", timed("session start"))
        self.patch(S, "check", check)
        self.patch(S, "_cdp", cdp)
        self.patch(S, "_evaluate", timed(which))
        self.patch(S, "leave", timed("leave"))
        from rules import axe as axe_rule
        self.patch(axe_rule, "findings", timed("map to lines"))
        return self

    def __exit__(self, *exc):
        for obj, name, old in reversed(self.undo):
            setattr(obj, name, old)

    def per_page(self, pages: int) -> dict[str, float]:
        t = dict(self.t)
        check = t.pop("check", 0.0)
        inside = sum(t.get(n, 0.0) for n in ("load", "world", "axe inject+run", "finishRun"))
        t["other"] = max(0.0, check - inside)       # qa's checks of the results, the driver's answer
        return {n: round(t.get(n, 0.0) / pages, 4) for n in self.NAMES}


# -- the two tools -----------------------------------------------------------------------
def run_qa(pages, root: Path, base: str, jobs: int, timeout: float, phases: bool) -> dict:
    urls = {base + page_url(root, rel): rel for _, rel in pages}
    items = [(path, base + page_url(root, rel)) for path, rel in pages]

    def load(url):
        rel = urls.get(url, url)
        return sources.load(sources.Source(rel, root / rel, rel))
    ph = Phases() if phases else None
    started = time.monotonic()
    if ph:
        with ph:
            run = run_browser(items, root, BrowserOptions(jobs=jobs, timeout=timeout), load_page=load)
    else:
        run = run_browser(items, root, BrowserOptions(jobs=jobs, timeout=timeout), load_page=load)
    seconds = time.monotonic() - started
    violations = collections.Counter(
        f.rule.removeprefix("axe.") for f in run.findings
        if f.rule.startswith("axe.") and not (f.data or {}).get("needs_review"))
    errors = [f"{f.path}: {f.message}" for f in run.findings if f.rule == "browser-error"]
    out = {"tool": f"qa jobs={jobs}", "seconds": round(seconds, 2),
           "s_per_page": round(seconds / len(pages), 4), "violations": dict(violations),
           "errors": errors, "axe": run.meta.get("axe_version"), "browser": run.meta.get("browser")}
    if ph:
        out["phases_per_page"] = ph.per_page(len(pages))
    return out


def chrome_wrapper(folder: Path) -> Path:
    """A --chrome-path for the CLI: Debian's Chromium with qa's flags (the same window)."""
    chrome, _ = find_binaries(BrowserOptions())
    w = folder / "chromium-qa-flags"
    flags = " ".join(f"'{f}'" for f in CHROME_FLAGS if not f.startswith("--headless"))
    w.write_text(f'#!/bin/sh\nexec {chrome} "$@" {flags}\n')
    w.chmod(0o755)
    return w


def run_cli(pages, root: Path, base: str, timeout: float, axe_js: Path, work: Path) -> dict:
    _, driver = find_binaries(BrowserOptions())
    urls = [base + page_url(root, rel) for _, rel in pages]
    out_file = work / "cli.json"
    cmd = ["node", str(CLI), *urls, "--stdout", "--load-delay", "0", "--timeout", f"{timeout:g}",
           "--axe-source", str(axe_js), "--chromedriver-path", driver,
           "--chrome-path", str(chrome_wrapper(work))]
    env = dict(os.environ, TMPDIR=str(work))
    started = time.monotonic()
    with open(out_file, "w") as f:
        p = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE, text=True, env=env, cwd=work)
    seconds = time.monotonic() - started
    errors = [] if p.returncode == 0 else [f"exit {p.returncode}: {p.stderr.strip()[-300:]}"]
    violations, checked, version = collections.Counter(), 0, None
    try:
        text = out_file.read_text()
        # --stdout still prints "Waiting for 0 milliseconds after page loads..." per page
        results = json.loads(text[text.find("["):] if "[" in text else text)
        for r in results:
            checked += 1
            version = r.get("testEngine", {}).get("version")
            for rule in r.get("violations", ()):
                violations[rule["id"]] += len(rule.get("nodes", ()))
    except (OSError, ValueError) as e:
        errors.append(f"no results ({e})")
    return {"tool": "axe-cli", "seconds": round(seconds, 2), "s_per_page": round(seconds / len(pages), 4),
            "violations": dict(violations), "errors": errors, "pages_checked": checked, "axe": version}


def cli_version() -> str:
    pkg = CLI.parents[3] / "package.json"
    return json.loads(pkg.read_text())["version"] if pkg.is_file() else "?"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=str(CORPUS))
    ap.add_argument("--pages", type=int, default=120)
    ap.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="qa session counts")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip", nargs="*", default=["contents.html"],
                    help="pages (paths under root) left out, the next ones taken instead "
                         "(default: contents.html, 2.5 MB, over 90 s of axe on a loaded "
                         "machine; the CLI exits on a page that times out)")
    ap.add_argument("--timeout", type=float, default=90.0, help="per page, both tools (s)")
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--phases", action="store_true", help="time qa's phases per page")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--save", help="write the figures as JSON to this file after each run")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve()
    pages = [p for p in pages_of(root, args.pages + len(args.skip)) if p[1] not in args.skip]
    pages = pages[:args.pages]
    if not pages:
        raise SystemExit(f"no pages under {root} (apt-get install python3.11-doc)")
    if not args.no_cli and not CLI.is_file():
        raise SystemExit(f"no @axe-core/cli at {CLI}: CHROMEDRIVER_SKIP_DOWNLOAD=true npm install "
                         f"--prefix {NPM_CACHE} @axe-core/cli")
    axe_js = bundled_axe()
    meta = {"date": time.strftime("%Y-%m-%d"), "root": str(root), "pages": len(pages),
            "skipped": args.skip,
            "timeout": args.timeout, "cpus": os.cpu_count(), "python": platform.python_version(),
            "axe_source": str(axe_js), "qa_axe": axe_version(axe_js), "axe_cli": cli_version(),
            "axe_cli_bundled_axe": _cli_bundled_axe()}
    runs: list[dict] = []
    with serve(root) as base, tempfile.TemporaryDirectory(prefix="qa-axecli-") as tmp:
        for n in range(args.repeat):
            order = [("qa", j) for j in args.jobs]
            if not args.no_cli:        # qa 1, cli, qa 2: the CLI between qa's runs
                order.insert(1, ("cli", 1))
            for tool, jobs in order:
                if tool == "qa":
                    r = run_qa(pages, root, base, jobs, args.timeout, args.phases)
                else:
                    r = run_cli(pages, root, base, args.timeout, axe_js, Path(tmp))
                r["round"] = n + 1
                r["load_average_after"] = round(os.getloadavg()[0], 2)
                runs.append(r)
                if not args.json:
                    show(r)
                if args.save:
                    Path(args.save).write_text(json.dumps(
                        {"meta": meta, "runs": runs, "summary": summarise(runs)}, indent=2))
    summary = summarise(runs)
    if args.json:
        print(json.dumps({"meta": meta, "runs": runs, "summary": summary}, indent=2))
    else:
        print(json.dumps(meta))
        for tool, s in summary.items():
            print(f"{tool:12} best {s['best']:.3f} s/page, median {s['median']:.3f}"
                  + (f"; cli/qa best {s['ratio_best']:.2f}x, median {s['ratio_median']:.2f}x"
                     if "ratio_best" in s else ""))
    return 0


def _cli_bundled_axe() -> str:
    pkg = NPM_CACHE / "node_modules" / "axe-core" / "package.json"
    return json.loads(pkg.read_text())["version"] if pkg.is_file() else "?"


def summarise(runs: list[dict]) -> dict:
    by = collections.defaultdict(list)
    for r in runs:
        by[r["tool"]].append(r["s_per_page"])
    out = {t: {"best": min(v), "median": statistics.median(v), "runs": v} for t, v in by.items()}
    cli = out.get("axe-cli")
    for t, s in out.items():
        if cli and t != "axe-cli":
            s["ratio_best"] = round(cli["best"] / s["best"], 2)
            s["ratio_median"] = round(cli["median"] / s["median"], 2)
    return out


def show(r: dict) -> None:
    v = r["violations"]
    print(f"[{r['round']}] {r['tool']:10} {r['seconds']:7.1f} s = {r['s_per_page']:.3f} s/page, "
          f"{sum(v.values())} violations in {len(v)} rules, axe {r['axe']}, "
          f"load {r['load_average_after']}", flush=True)
    print("    " + ", ".join(f"{k} {n}" for k, n in sorted(v.items())), flush=True)
    for e in r["errors"]:
        print(f"    error {e}", flush=True)
    if r.get("phases_per_page"):
        print("    phases s/page: " + ", ".join(f"{k} {s:.3f}" for k, s in r["phases_per_page"].items()),
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
