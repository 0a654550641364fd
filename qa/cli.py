"""The command line: `qa check PATH...`, `qa baseline`, `qa review`, `qa report REPORT.json`,
`qa rules [RULE]`, `qa explain RULE`, `qa --version`.

Exit codes: 0 nothing at or above --fail-on; 1 findings that gate; 2 usage, config or
internal error."""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import Any
import traceback
from pathlib import Path

import reports
import rules
from qa import __version__, baseline, config as qaconfig, sources
from qa.findings import SEVERITIES
from qa.runner import UsageError, run
from qa import stopping
from qa.devserver import DevServerError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Accessibility and content QA for websites.")
    p.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("check", help="check HTML pages and directories",
                       description="Check HTML files and directories (a directory forms a site), "
                                   "or a running site by its URL (crawled within its host).")
    _run_options(c, paths="*")          # none: --start's --url (or --sitemap) is what gets checked
    c.add_argument("--format", default="text",
                   help=f"output format(s), comma-separated: {', '.join(reports.FORMATS)} (default text)")
    c.add_argument("-o", "--output", metavar="FILE", help="write the (single) report here instead of stdout")
    c.add_argument("--out-dir", metavar="DIR", help="write every format's report into DIR")
    c.add_argument("--summary", metavar="FILE",
                   help="also write a Markdown summary for a CI job or pull request here "
                        "(appended to $GITHUB_STEP_SUMMARY too when that is set)")
    c.add_argument("--fail-on", choices=SEVERITIES, help="lowest severity that makes the exit code 1 (default error)")
    g = c.add_argument_group("gating (a baseline of known problems)")
    g.add_argument("--baseline", metavar="FILE",
                   help="gate only on findings not in this baseline; list the ones fixed since")
    g.add_argument("--update-baseline", action="store_true",
                   help="with --baseline: rewrite it without the fixed findings (never adds new ones)")
    _site_options(c)
    _start_options(c)
    b = sub.add_parser("baseline", help="record today's findings as the known ones",
                       description="Check the pages and write every finding into a baseline "
                                   "file, for `qa check --baseline FILE` (reviewed decisions "
                                   "already in the file are kept).")
    _run_options(b)
    b.add_argument("-o", "--output", metavar="FILE", default=baseline.DEFAULT_FILE,
                   help=f"the baseline file (default {baseline.DEFAULT_FILE})")
    _site_options(b)
    r = sub.add_parser("review", help="mark findings as reviewed and fine, with a reason",
                       description="Mark heuristic and needs-review findings (alt text "
                                   "quality, reading level, axe's incomplete results) as reviewed "
                                   "in the baseline file: they stay reviewed on every later run.")
    _run_options(r)
    r.add_argument("--fingerprint", action="append", required=True, metavar="FP",
                   help="the finding's fingerprint (from the JSON report); repeatable")
    r.add_argument("--reason", required=True, help="why it is fine, for the next person to read")
    r.add_argument("--by", help="who decided (default: git's user.name, or $USER)")
    r.add_argument("--baseline", metavar="FILE", default=baseline.DEFAULT_FILE,
                   help=f"the file to record it in (default {baseline.DEFAULT_FILE})")
    _site_options(r)
    r = sub.add_parser("report", help="render a saved JSON report again, in any format",
                       description="Render a report saved with --format json in other formats.")
    r.add_argument("report", metavar="REPORT.json")
    r.add_argument("--format", default="text",
                   help=f"output format(s), comma-separated: {', '.join(reports.FORMATS)} (default text)")
    r.add_argument("-o", "--output", metavar="FILE", help="write the (single) report here instead of stdout")
    r.add_argument("--out-dir", metavar="DIR", help="write every format's report into DIR")
    r.add_argument("--summary", metavar="FILE", help="also write the Markdown summary here")
    r = sub.add_parser("rules", help="list every rule with its id, default severity and summary "
                       "(with RULE: explain that rule)")
    r.add_argument("rule", nargs="?", metavar="RULE", help="explain this rule, as `qa explain` does")
    e = sub.add_parser("explain", help="a rule's documentation: what, why, how to fix, examples, options",
                       description="Print a rule's documentation (also axe.<id> for axe-core's rules).")
    e.add_argument("rule", metavar="RULE")
    return p


def _run_options(c: argparse.ArgumentParser, paths: str = "+") -> None:
    """What every command that checks pages takes."""
    c.add_argument("paths", nargs=paths, metavar="PATH",
                   help="HTML files, folders (a folder forms a site), or http(s) URLs of a running site")
    c.add_argument("--config", metavar="FILE", help="config file (default: qa.toml or pyproject.toml [tool.qa], found upwards)")
    c.add_argument("--no-config", action="store_true", help="ignore config files")
    c.add_argument("--site-root", metavar="DIR", help="directory that root-relative links (/x.html) resolve against")
    c.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip pages whose site path matches")
    c.add_argument("--changed-since", metavar="REV",
                   help="check only pages changed since git revision REV, and the pages that "
                        "link to changed, renamed or deleted ones")
    c.add_argument("--select", type=_rule_list, metavar="RULE,...",
                   help="run only these rules (ids or families such as axe)")
    c.add_argument("--ignore", type=_rule_list, metavar="RULE,...",
                   help="do not run these rules (ids or families)")
    c.add_argument("--jobs", type=_jobs, metavar="N",
                   help="check pages in N worker processes (default: the number of CPUs)")
    c.add_argument("--no-cache", action="store_true",
                   help="check every page again (default: pages unchanged since the last run, "
                        "with the same config, come from the cache in .qa-cache/)")
    c.add_argument("--cache-dir", metavar="DIR", help="where the cache is (default .qa-cache)")
    c.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    c.add_argument("--progress", action="store_true",
                   help="progress as plain lines on stderr every few seconds (for CI logs)")


def _site_options(c: argparse.ArgumentParser) -> None:
    """What every command that checks pages takes besides _run_options: running sites,
    external links, the browser."""
    _crawl_options(c)
    _external_options(c)
    _browser_options(c)


def _crawl_options(c: argparse.ArgumentParser) -> None:
    w = c.add_argument_group("running sites (PATH is an http:// or https:// URL)")
    w.add_argument("--max-pages", type=int, metavar="N", help="check at most N pages (default 10000)")
    w.add_argument("--max-depth", type=int, metavar="N",
                   help="follow links at most N steps from the start (default: no limit; 0 with --sitemap)")
    w.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="crawl this host too (host or host:port), as part of the site")
    w.add_argument("--ignore-robots", action="store_true", default=None,
                   help="fetch what robots.txt disallows (your own staging site)")
    w.add_argument("--sitemap", action="append", default=[], metavar="URL|FILE",
                   help="check the pages this sitemap (or sitemap index, gzip too) lists")
    w.add_argument("--crawl-exclude", action="append", default=[], metavar="REGEX",
                   help="do not fetch URLs this regular expression matches")
    w.add_argument("--query", choices=("keep", "drop"),
                   help="keep query strings as part of a page's address, or drop them (default keep)")
    w.add_argument("--per-host", type=int, metavar="N", help="requests at a time to one host (default 8)")
    w.add_argument("--timeout", type=_seconds, metavar="SECONDS", help="per-request time limit (default 30)")
    w.add_argument("--header", action="append", default=[], metavar='"NAME: VALUE"',
                   help="send this header to the site (a login token); never shown in reports")
    w.add_argument("--cookie", action="append", default=[], metavar="NAME=VALUE",
                   help="send this cookie to the site; never shown in reports")
    w.add_argument("--auth-env", metavar="VAR",
                   help='HTTP basic auth from the environment variable VAR ("user:password")')


def _external_options(c: argparse.ArgumentParser) -> None:
    x = c.add_argument_group("external links (requests to other sites; off by default)")
    x.add_argument("--check-external", action="store_true", default=None,
                   help="also check links to other sites (http, https) over the network")
    x.add_argument("--exclude-url", action="append", default=[], metavar="REGEX",
                   type=_url_pattern, help="do not check external URLs this regular "
                   "expression is found in (repeatable)")
    x.add_argument("--external-max-age", type=_duration, metavar="AGE",
                   help='reuse cached results this young: seconds, "30m", "12h", "7d" '
                        "(default 1d; 0 checks every URL again)")


def _browser_options(c: argparse.ArgumentParser) -> None:
    b = c.add_argument_group("browser (axe-core in headless Chromium)")
    b.add_argument("--browser", action="store_true", default=None, help="also run axe-core on every page")
    b.add_argument("--browser-jobs", type=_jobs, metavar="N", help="parallel browser sessions")
    b.add_argument("--chrome", metavar="PATH", help="Chromium binary (default: found on PATH)")
    b.add_argument("--chromedriver", metavar="PATH", help="ChromeDriver binary (default: found on PATH)")
    b.add_argument("--axe-script", metavar="FILE", help="run this axe-core build (axe.min.js) instead of the bundled one")
    b.add_argument("--remote-url", metavar="URL", help="use a Selenium Grid at URL instead of a local driver")
    b.add_argument("--browser-timeout", type=_seconds, metavar="SECONDS", help="per-page time limit in the browser")


def _start_options(c: argparse.ArgumentParser) -> None:
    s = c.add_argument_group("dev server (started for the check, stopped after it)")
    s.add_argument("--start", metavar="CMD",
                   help="run this shell command first (its own process group), check once "
                        "--url answers, then stop it; with no PATH the URL is checked")
    s.add_argument("--url", metavar="URL", help="with --start: the address to wait for")
    s.add_argument("--start-timeout", type=_seconds, default=60.0, metavar="SECONDS",
                   help="how long --url may take to answer (default 60)")


def _checked(validate, convert):
    """An argparse type from a config validator (one rule for a flag and its key)."""
    def parse(text: str):
        try:
            return validate("", convert(text))
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        except qaconfig.ConfigError as e:
            raise argparse.ArgumentTypeError(e.reason) from None
    return parse


_jobs = _checked(qaconfig.jobs, int)
_duration = _checked(qaconfig.duration, str)
_url_pattern = _checked(qaconfig.url_pattern, str)


def _rule_list(text: str) -> tuple[str, ...]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected rule ids, comma-separated (see `qa rules`)")
    try:
        return tuple(qaconfig.check_rule_names("", names))
    except qaconfig.ConfigError as e:
        raise argparse.ArgumentTypeError(e.reason) from None
_seconds = _checked(qaconfig.seconds, float)


def main(argv: list[str] | None = None) -> int:
    stopping.install()                   # SIGTERM, SIGHUP: as Ctrl-C (issue 8)
    for stream in (sys.stdout, sys.stderr):
        try:     # page text in any script on a terminal that is not UTF-8: escaped, never a crash
            stream.reconfigure(errors="backslashreplace")    # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    args = _parser().parse_args(argv)
    if args.command == "explain" or args.command == "rules" and args.rule:
        return _explain(args.rule)
    if args.command == "rules":
        return _list_rules()
    commands = {"check": _check, "baseline": _baseline, "review": _review,
                "report": _render_saved}
    if args.command not in commands:
        _parser().print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return commands[args.command](args)
    except (qaconfig.ConfigError, UsageError, baseline.BaselineError, DevServerError) as e:
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


def _formats(args) -> list[str]:
    """The formats --format names, checked against -o and --out-dir (UsageError)."""
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    if not formats:
        raise UsageError(f"--format names no format; expected one or more of {', '.join(reports.FORMATS)}")
    for f in formats:
        if f not in reports.FORMATS:
            raise UsageError(f'unknown format "{f}"; expected one of {", ".join(reports.FORMATS)}')
    if len(formats) > 1 and not args.out_dir:
        raise UsageError("several formats need --out-dir DIR")
    if args.output and args.out_dir:
        raise UsageError("-o and --out-dir do not go together")
    return formats


def _check(args) -> int:
    if args.start is not None and not args.url:
        return _fail("--start needs --url URL, the address to wait for")
    if args.url and args.start is None:
        return _fail("--url goes with --start CMD; to check a running site, name it as a PATH")
    if not args.paths and not args.sitemap:
        if not args.url:
            return _fail("check needs a PATH to check (or --start CMD --url URL, or --sitemap)")
        args.paths = [args.url]
    formats = _formats(args)
    targets = _targets(args, formats)
    if args.summary:                     # nor may the summary replace a page being checked
        _targets(argparse.Namespace(out_dir=None, output=args.summary, paths=args.paths), ["summary"])
    if args.update_baseline and not args.baseline:
        return _fail("--update-baseline needs --baseline FILE")
    known = baseline.Baseline.load(args.baseline) if args.baseline else None
    cfg = _config(args)
    if args.fail_on:
        cfg.fail_on = args.fail_on
    if args.start is not None:
        from qa import devserver
        with devserver.started(args.start, args.url, args.start_timeout):
            report = _run(args, cfg)
    else:
        report = _run(args, cfg)
    if known is not None:
        report = baseline.apply(report, known)
        if args.update_baseline:
            baseline.update(known, report).save()
    for note in report.meta.get("notes", ()):
        print(f"qa: note: {note}", file=sys.stderr)
    if targets:
        if args.out_dir:
            Path(args.out_dir).mkdir(parents=True, exist_ok=True)
        reports.write_files(report, targets)
        if args.out_dir:
            print(f"qa: {report.summary_line()}; reports in {args.out_dir}/: "
                  + ", ".join(p.name for _, p in targets), file=sys.stderr)
    else:
        text = reports.render(formats[0], report)
        if sys.stdout is None:           # started with standard output closed
            return _fail("standard output is closed; write the report with -o FILE")
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:          # `qa check site | head`: the reader has seen enough
            _quiet_stdout()
    _summaries(args, report, targets)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _baseline(args) -> int:
    """`qa baseline PATH... -o FILE`: every finding of today, as known."""
    path = Path(args.output)
    previous = baseline.Baseline.load(path) if path.exists() else None
    report = _run(args, _config(args))
    taken = baseline.take(report, path, previous)
    taken.save()
    print(f"qa: baseline {path}: {len(taken.known)} known findings, {len(taken.reviewed)} "
          f"reviewed, from {len(report.pages)} pages", file=sys.stderr)
    return EXIT_OK


def _review(args) -> int:
    """`qa review PATH... --fingerprint FP --reason ...`: the findings judged fine."""
    path = Path(args.baseline)
    current = baseline.Baseline.load(path) if path.exists() else baseline.Baseline(path)
    report = _run(args, _config(args))
    by_print = {f.fingerprint: f for f in report.findings}
    chosen = []
    for fp in args.fingerprint:
        f = by_print.get(fp)
        if f is None:
            return _fail(f"no finding has the fingerprint {fp} (see the JSON report's "
                         "fingerprint fields)")
        if not baseline.reviewable(f):
            return _fail(f'{fp} is an error ({f.rule}: {f.message}): fix it, or keep it in the '
                         "baseline; only heuristic and needs-review findings are reviewed")
        chosen.append(f)
    if not args.reason.strip():
        return _fail("--reason must say why the finding is fine")
    baseline.review(current, chosen, args.reason.strip(), args.by or _who()).save()
    for f in chosen:
        print(f"qa: reviewed {f.fingerprint}: {f.page} {f.rule} {f.message}", file=sys.stderr)
    return EXIT_OK


def _who() -> str:
    import subprocess
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name or os.environ.get("USER") or "unknown"


def _config(args) -> qaconfig.Config:
    """The config file's settings, with the command line's on top."""
    cfg = qaconfig.load(args.config, search=not args.no_config) if not args.no_config or args.config \
        else qaconfig.Config()
    if args.site_root:
        cfg.site_root = args.site_root
    if args.exclude:
        cfg.exclude += tuple(args.exclude)
    if args.jobs is not None:
        cfg.jobs = args.jobs
    if not args.no_cache:
        from qa.cache import DEFAULT_DIR
        cfg.cache_dir = args.cache_dir or DEFAULT_DIR
    if args.select is not None:
        cfg.select = args.select
    if args.ignore is not None:
        cfg.ignore = cfg.ignore + args.ignore
    _crawl_config(args, cfg)
    if args.check_external:
        cfg.external["enabled"] = True
    if args.exclude_url:
        cfg.external["exclude"] = [*cfg.external.get("exclude", ()), *args.exclude_url]
    if args.external_max_age is not None:
        cfg.external["max-age"] = args.external_max_age
    for flag, key in (("browser", "enabled"), ("browser_jobs", "jobs"), ("chrome", "chrome"),
                      ("chromedriver", "chromedriver"), ("axe_script", "axe-script"),
                      ("remote_url", "remote-url"), ("browser_timeout", "timeout")):
        if getattr(args, flag) is not None:
            cfg.browser[key] = getattr(args, flag)
    return cfg


def _crawl_config(args, cfg: qaconfig.Config) -> None:
    """Fold the crawl flags into the config's [crawl] table, checked as the table is (a bad
    value is exit 2 naming the flag)."""
    if not hasattr(args, "max_pages"):
        return
    flags = {"max_pages": "max-pages", "max_depth": "max-depth", "ignore_robots": "ignore-robots",
             "query": "query", "per_host": "per-host", "timeout": "timeout"}
    table = dict(cfg.crawl)
    for flag, key in flags.items():
        if getattr(args, flag) is not None:
            try:
                qaconfig.crawl_table({key: getattr(args, flag)})
            except qaconfig.ConfigError as e:
                raise UsageError(f"--{key}: {e.reason}") from None
            table[key] = getattr(args, flag)
    for flag, key in (("allow_host", "allow-hosts"), ("sitemap", "sitemaps"),
                      ("crawl_exclude", "exclude")):
        if getattr(args, flag):
            table[key] = list(table.get(key, [])) + getattr(args, flag)
    try:
        table = qaconfig.crawl_table(table)
    except qaconfig.ConfigError as e:
        raise UsageError(f"{e.key.replace('crawl.', '--')}: {e.reason}") from None
    if args.header or args.cookie or args.auth_env:
        from urllib.parse import urlsplit
        from qa import crawl, fetch
        hosts = {urlsplit(p).netloc.lower() for p in args.paths if crawl.is_url(p)}
        hosts |= {h.lower() for h in table.get("allow-hosts", [])}
        try:
            table["credentials"] = fetch.credentials(args.header, args.cookie, args.auth_env, hosts)
        except ValueError as e:
            raise UsageError(str(e)) from None
    cfg.crawl = table


def _run(args, cfg: qaconfig.Config):
    """The report of one run over args.paths (UsageError when the browser cannot start)."""
    if not args.paths and not cfg.crawl.get("sitemaps"):
        raise UsageError("name the files, folders or URL to check (or --sitemap)")
    only = None
    from qa import crawl
    if args.changed_since and any(crawl.is_url(p) for p in args.paths):
        raise UsageError("--changed-since: git knows files, not a running site; check the "
                         "site's folder, or leave it out")
    if args.changed_since:
        from qa import changes
        only = changes.pages_to_check(args.paths, cfg, args.changed_since)
    if cfg.browser.get("enabled"):
        from qa.browser import BrowserUnavailable
    else:
        BrowserUnavailable = ()          # noqa: N806 - nothing to catch without a browser
    try:
        progress = _progress(args)
        try:
            return run(args.paths, cfg, progress=progress, only=only)
        finally:
            getattr(progress, "close", lambda: None)()
    except BrowserUnavailable as e:      # type: ignore[misc]
        raise UsageError(str(e)) from None


def _summaries(args, report, targets: list[tuple[str, Path]], step_summary: bool = True) -> None:
    """The Markdown summary: into --summary FILE, and appended to GitHub's job summary
    when the run is a GitHub Actions step; each links the reports this run wrote."""
    from reports import summary
    if getattr(args, "summary", None):
        path = Path(args.summary)
        meta = {**report.meta, "artifacts": summary.artifact_links(targets, path, os.environ)}
        reports.write_files(dataclasses.replace(report, meta=meta), [("summary", path)])
    step = os.environ.get("GITHUB_STEP_SUMMARY") if step_summary else None
    if step:
        meta = {**report.meta, "artifacts": summary.artifact_links(targets, None, os.environ)}
        text = reports.render("summary", dataclasses.replace(report, meta=meta))
        with open(step, "a", encoding="utf-8", newline="\n") as fh:   # GitHub's way: append
            fh.write(text)


def _render_saved(args) -> int:
    """`qa report REPORT.json --format html,sarif --out-dir DIR`: the formats as
    `qa check` would have written them in the run that saved the report."""
    from reports.json import LoadError, load
    formats = _formats(args)
    try:
        report = load(args.report)
    except LoadError as e:
        return _fail(str(e))
    args.paths = []                      # nothing is being checked: no page to protect
    targets = _targets(args, formats)
    if targets:
        if args.out_dir:
            Path(args.out_dir).mkdir(parents=True, exist_ok=True)
        reports.write_files(report, targets)
    else:
        try:
            sys.stdout.write(reports.render(formats[0], report))
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
    _summaries(args, report, targets, step_summary=False)   # `qa check` added it already
    return EXIT_OK


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit meets no closed pipe either
    (Python's advice for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _targets(args, formats: list[str]) -> list[tuple[str, Path]]:
    """(format, file) of every report to write; UsageError when one would land on a page
    being checked (the report would replace it) or be checked itself next time (an HTML
    report inside a folder being checked)."""
    if args.out_dir:
        targets = [(f, Path(args.out_dir) / reports.writer(f).EXT) for f in formats]
    elif args.output:
        targets = [(formats[0], Path(args.output))]
    else:
        return []
    inputs = [(a, os.path.realpath(a)) for a in args.paths if a.strip()]
    for _, path in targets:
        real = os.path.realpath(path)
        for shown, given in inputs:
            if real == given:
                raise UsageError(f"the report {path} would replace {shown}, which is being "
                                 "checked; write it elsewhere")
            if os.path.isdir(given) and real.startswith(given.rstrip(os.sep) + os.sep) and \
                    real.lower().endswith(sources.PAGE_SUFFIXES):
                what = "replace a page of" if os.path.exists(real) else "become a page of"
                raise UsageError(f"the report {path} would {what} the site being checked "
                                 f"({shown}); write it outside {shown}")
    return targets


def _progress(args):
    """Progress on stderr for each phase: a bar with pages/s and the time left on a
    terminal (rich), plain lines every few seconds with --progress (CI logs), else
    nothing."""
    if args.no_progress:
        return None
    if args.progress:
        return _progress_lines()
    if not sys.stderr.isatty():
        return None
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeRemainingColumn)
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True)
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if not tasks:
            bar.start()
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total, rate="")
        speed = bar.tasks[tasks[phase]].speed
        bar.update(tasks[phase], completed=done, total=total,
                   rate=f"{speed:.0f} {_unit(phase)}/s" if speed and _unit(phase) else "")
    update.close = bar.stop          # type: ignore[attr-defined] - the CLI ends it
    return update


def _unit(phase: str) -> str:
    """What a phase counts, for its rate ("" for a phase whose rate says nothing)."""
    return {"links across pages": "", "external links": "links"}.get(phase, "pages")


def _progress_lines(every: float = 5.0):
    """`qa: pages 120/530 (23%), 41 pages/s, about 10 s left`, at most every `every`
    seconds per phase, and once when a phase ends."""
    import time
    seen: dict[str, tuple[float, float]] = {}     # phase -> (started, last printed)

    def update(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        started, last = seen.setdefault(phase, (now, 0.0))
        if done < total and now - last < every:
            return
        seen[phase] = (started, now)
        rate = done / (now - started) if now > started and done else 0.0
        left = f", about {(total - done) / rate:.0f} s left" if rate and done < total else ""
        pct = f" ({100 * done // total}%)" if total else ""
        unit = f", {rate:.1f} {_unit(phase)}/s" if _unit(phase) else ""
        print(f"qa: {phase} {done}/{total}{pct}{unit if rate else ''}{left}", file=sys.stderr,
              flush=True)
    return update


def _list_rules() -> int:
    width = max(len(r) for r in rules.RULES)
    for rid, mod in rules.RULES.items():
        sev = "impact" if mod.SCOPE == "browser" else mod.SEVERITY   # axe.*: by axe's impact
        print(f"{rid:<{width}}  {sev:<7}  {rules.summary(mod)}")
    return EXIT_OK


def _explain(rule_id: str) -> int:
    from qa.explain import UnknownRule, explain
    try:
        text = explain(rule_id)
    except UnknownRule as e:
        return _fail(str(e))
    sys.stdout.write(text)
    return EXIT_OK
