"""The command line: `qa check PATH...`, `qa rules`, `qa --version`.

Exit codes: 0 nothing at or above --fail-on; 1 findings that gate; 2 usage, config or
internal error."""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

import reports
import rules
from qa import __version__, config as qaconfig
from qa.findings import SEVERITIES
from qa.runner import UsageError, run
from qa import stopping

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Accessibility and content QA for websites.")
    p.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("check", help="check HTML pages and directories",
                       description="Check HTML files and directories (a directory forms a site).")
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.add_argument("--format", default="text",
                   help=f"output format(s), comma-separated: {', '.join(reports.FORMATS)} (default text)")
    c.add_argument("-o", "--output", metavar="FILE", help="write the (single) report here instead of stdout")
    c.add_argument("--out-dir", metavar="DIR", help="write every format's report into DIR")
    c.add_argument("--config", metavar="FILE", help="config file (default: qa.toml or pyproject.toml [tool.qa], found upwards)")
    c.add_argument("--no-config", action="store_true", help="ignore config files")
    c.add_argument("--fail-on", choices=SEVERITIES, help="lowest severity that makes the exit code 1 (default error)")
    c.add_argument("--site-root", metavar="DIR", help="directory that root-relative links (/x.html) resolve against")
    c.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip pages whose site path matches")
    c.add_argument("--jobs", type=_at_least_one, metavar="N", help="check pages in N worker processes")
    c.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    b = c.add_argument_group("browser (axe-core in headless Chromium)")
    b.add_argument("--browser", action="store_true", default=None, help="also run axe-core on every page")
    b.add_argument("--browser-jobs", type=_at_least_one, metavar="N", help="parallel browser sessions")
    b.add_argument("--chrome", metavar="PATH", help="Chromium binary (default: found on PATH)")
    b.add_argument("--chromedriver", metavar="PATH", help="ChromeDriver binary (default: found on PATH)")
    b.add_argument("--axe-script", metavar="FILE", help="run this axe-core build (axe.min.js) instead of the bundled one")
    b.add_argument("--remote-url", metavar="URL", help="use a Selenium Grid at URL instead of a local driver")
    b.add_argument("--browser-timeout", type=_seconds, metavar="SECONDS", help="per-page time limit in the browser")
    sub.add_parser("rules", help="list every rule with its id, default severity and summary")
    return p


def _above_zero(convert, what: str):
    """An argparse type: a number (int or float) above 0, or argparse exits 2 naming the
    option and `what` it expected."""
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            value = 0
        if not value > 0:           # NaN too
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value
    return parse


_at_least_one = _above_zero(int, "a whole number of at least 1")
_seconds = _above_zero(float, "a number of seconds above 0")


def main(argv: list[str] | None = None) -> int:
    stopping.install()                   # SIGTERM, SIGHUP: as Ctrl-C (issue 8)
    args = _parser().parse_args(argv)
    if args.command == "rules":
        return _list_rules()
    if args.command != "check":
        _parser().print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return _check(args)
    except (qaconfig.ConfigError, UsageError) as e:
        return _fail(str(e))
    except OSError as e:                 # e.g. -o into a folder that does not exist
        return _fail(f"{e.filename or ''}: {e.strerror or e}".lstrip(": "))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except Exception:                    # a bug in qa: say so, exit 2, never 1 (findings)
        traceback.print_exc()
        return _fail("internal error (a bug in qa; please report it with the traceback above)")


def _fail(message: str) -> int:
    print(f"qa: {message}", file=sys.stderr)
    return EXIT_ERROR


def _check(args) -> int:
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    for f in formats:
        if f not in reports.FORMATS:
            return _fail(f'unknown format "{f}"; expected one of {", ".join(reports.FORMATS)}')
    if len(formats) > 1 and not args.out_dir:
        return _fail("several formats need --out-dir DIR")
    if args.output and args.out_dir:
        return _fail("-o and --out-dir do not go together")
    cfg = qaconfig.load(args.config, search=not args.no_config) if not args.no_config or args.config \
        else qaconfig.Config()
    if args.fail_on:
        cfg.fail_on = args.fail_on
    if args.site_root:
        cfg.site_root = args.site_root
    if args.exclude:
        cfg.exclude += tuple(args.exclude)
    if args.jobs is not None:
        cfg.jobs = args.jobs
    for flag, key in (("browser", "enabled"), ("browser_jobs", "jobs"), ("chrome", "chrome"),
                      ("chromedriver", "chromedriver"), ("axe_script", "axe-script"),
                      ("remote_url", "remote-url"), ("browser_timeout", "timeout")):
        if getattr(args, flag) is not None:
            cfg.browser[key] = getattr(args, flag)
    if cfg.browser.get("enabled"):
        from qa.browser import BrowserUnavailable
    else:
        BrowserUnavailable = ()          # noqa: N806 - nothing to catch without a browser
    try:
        report = run(args.paths, cfg, progress=None if args.no_progress else _progress())
    except BrowserUnavailable as e:      # type: ignore[misc]
        return _fail(str(e))
    if args.out_dir:
        out = Path(args.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for f in formats:
            w = reports.writer(f)
            with open(out / w.EXT, "w", encoding="utf-8", newline="\n") as fh:
                w.write(report, fh)
        print(f"qa: {report.summary_line()}; reports in {out}/: "
              + ", ".join(reports.writer(f).EXT for f in formats), file=sys.stderr)
    elif args.output:
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            reports.writer(formats[0]).write(report, fh)
    else:
        reports.writer(formats[0]).write(report, sys.stdout)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _progress():
    """A progress bar on stderr when it is a terminal (rich), else nothing."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress
    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = Progress(transient=True, console=None)
            state["bar"].start()
            state["task"] = state["bar"].add_task("checking pages", total=total)
        state["bar"].update(state["task"], completed=done)
        if done >= total:
            state["bar"].stop()
    return update


def _list_rules() -> int:
    width = max(len(r) for r in rules.RULES)
    for rid, mod in rules.RULES.items():
        sev = "impact" if mod.SCOPE == "browser" else mod.SEVERITY   # axe.*: by axe's impact
        print(f"{rid:<{width}}  {sev:<7}  {rules.summary(mod)}")
    return EXIT_OK
