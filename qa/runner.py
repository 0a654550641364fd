"""The runner: sources -> pages -> rules -> findings -> Report.

Per-page work (`check_page`) is a plain function of picklable inputs that returns plain
data, so it runs the same in this process or in `--jobs N` worker processes; site rules
then join the small per-page tables once; the browser run (if asked) comes last."""
from __future__ import annotations

import contextlib
import fnmatch
import dataclasses
import gc
import multiprocessing
import os
import re
import signal
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import rules
from qa import __version__, names, sources, suppress
from qa.config import PREFIXES, Config
from qa.findings import NUMBERS, SEVERITY_RANK, Finding, Metrics, PageInfo, Report
from qa.page import descriptor_of_html as page_descriptor_of_html

class UsageError(Exception):
    """Bad input named on the command line (exit 2)."""


@dataclass
class PageResult:
    url: str
    info: PageInfo
    findings: list[Finding]
    tables: dict[str, Any] = field(default_factory=dict)
    suppressions: list[suppress.Suppression] = field(default_factory=list)
    facts: frozenset = frozenset()      # what the file system said (see qa.cache)


def stamp(f: Finding, rule_id: str, config: Config, url: str = "", default: str | None = None) -> Finding | None:
    """Give a rule's finding its id, severity from config, tags and help; None when the
    rule is turned off for this page."""
    setting = config.setting(rule_id, url)
    if not setting.enabled:
        return None
    mod = rules.RULES.get(rule_id)
    sev = setting.severity or default or (mod.SEVERITY if mod else "warning")
    # a severity the rule gave is a ceiling: "at most a warning" (a <link> in <head>
    # that no visitor follows), whatever the config makes of the rule's other findings
    if f.severity in SEVERITY_RANK and SEVERITY_RANK[f.severity] > SEVERITY_RANK[sev]:
        sev = f.severity
    if not f.element and f.snippet:     # known by its markup alone (axe's elements)
        f = dataclasses.replace(f, element=page_descriptor_of_html(f.snippet))
    return dataclasses.replace(
        f, rule=rule_id, severity=sev, page=f.page or url,
        tags=f.tags or (tuple(mod.TAGS) if mod else ()),
        help_url=f.help_url or (getattr(mod, "HELP_URL", None) if mod else None))


class PageTimeout(BaseException):
    """The page's time budget ran out (a BaseException: no rule's `except Exception`
    swallows it, so the page stops at once)."""


class _Budget:
    """Raise PageTimeout in the main thread after `seconds` (SIGALRM; --jobs workers run
    pages in their main thread too), and again every 50 ms until the page's code has
    caught it: Python prints and drops an exception raised inside a gc or weakref
    callback or a __del__, and when most of a page's time goes on allocating (lxml), a
    signal often lands in one. Inside a gc callback it is not raised at all (nothing
    to drop, no warning printed); it comes back 1 ms later. Once `caught` (or
    `end()`), the alarm raises nothing more, wherever it lands."""

    REFIRE = 0.05

    def __init__(self, seconds: float):
        self.on = hasattr(signal, "setitimer") and \
            threading.current_thread() is threading.main_thread()
        self.caught = False
        if self.on:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, seconds, self.REFIRE)

    def _expire(self, signum, frame):
        if self.caught:
            return
        callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
        f = frame
        while f is not None:
            if f.f_code in callbacks:
                # again in 1 ms, to land just after the callback: on a big heap a
                # collection is long C work, and an alarm that comes during it is
                # handled in the callback that follows it, tick after tick
                signal.setitimer(signal.ITIMER_REAL, 0.001, self.REFIRE)
                return
            f = f.f_back
        raise PageTimeout()

    def end(self) -> None:
        self.caught = True
        if self.on:
            self.on = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def check_page(src: sources.Source, site: sources.Site, config: Config) -> PageResult:
    """Load one page and run every page rule on it; collect site rules' tables. Never
    raises for the page: a rule's bug is a `rule-error` for that rule, a page that takes
    longer than the `page-timeout` budget a `rule-error` naming the rule it stopped in."""
    started = time.perf_counter()
    found: list[Finding] = []
    tables: dict[str, Any] = {}
    sups: list[suppress.Suppression] = []
    metrics: dict[str, Any] = {}
    page, current = None, "loading"

    def error(message: str, line: int | None = None) -> None:
        f = Finding("", "", src.path, line, None, message)
        found.extend(s for s in [stamp(f, "rule-error", config, src.url)] if s)
    budget = _Budget(config.page_timeout)
    facts: set = set()
    recording = site.recording() if config.cache_dir else contextlib.nullcontext(facts)
    try:
        with recording as facts, names.memo():
            page = sources.load(src, site, config.max_page_size)
            if page.source:
                current = "parsing"
                page.tree                           # parse once; records depth problems
                for rid, mod in rules.RULES.items():
                    if mod.SCOPE not in ("page", "site"):
                        continue
                    conf = config.options(rid, src.url)
                    if conf is None:
                        continue
                    current = f'rule "{rid}"'
                    try:
                        if mod.SCOPE == "page":
                            got = list(mod.check(page, conf))
                            found += [s for f in got if not isinstance(f, Metrics)
                                      and (s := stamp(f, rid, config, src.url))]
                            for m in got:
                                if isinstance(m, Metrics):
                                    metrics.update(m)
                        else:
                            tables[rid] = mod.collect(page, conf)
                    except Exception as e:  # noqa: BLE001 - one rule's bug must not cost the run
                        error(_crash(rid, e))
                current = "reading suppressions"
                try:
                    sups = suppress.collect(page)
                except RecursionError:
                    sups = []
    except PageTimeout:
        budget.end()
        error(f"checking the page took longer than its {config.page_timeout:g} s budget "
              f"(page-timeout), stopped in {current}; the rest of the page was not checked")
    except Exception as e:  # noqa: BLE001 - a bug outside the rules costs this page only
        budget.end()
        error(_crash(current, e))
    finally:
        budget.end()
    if page is None:
        page = sources.Page(src.path, src.url, "", site=site)
    for p in page.problems:
        f = Finding("", "", src.path, p.line, None, p.message)
        found += [s for s in [stamp(f, p.rule, config, src.url)] if s]
    info = PageInfo(src.path, page.title if page.source else None,
                    page.lang if page.source else None, page.encoding, metrics,
                    src.url, seconds=time.perf_counter() - started,
                    fetch=src.response.as_dict() if getattr(src, "response", None) else None)
    return PageResult(src.url, info, found, tables, sups, frozenset(facts))


_WORKER: dict[str, Any] = {}


def _worker_init(site, config, parent: int) -> None:
    """A --jobs worker gets the site and config once, not with every batch: a site's
    tables (a crawl's answers, the resolutions made so far) are large on a big site. It
    ends itself when qa does: a killed qa (SIGKILL) must not leave workers waiting on
    their queue for ever, nor the fork server they keep alive."""
    _WORKER["site"], _WORKER["config"] = site, config
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)        # readable once the process has ended (Linux 5.3)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        import select
        select.select([fd], [], [])
    else:                              # (the worker's parent is the fork server, which
        while _alive(pid):             # lives as long as its workers: qa's pid it is)
            time.sleep(1)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _check_many(batch: list) -> list[PageResult]:
    return [check_page(s, _WORKER["site"], _WORKER["config"]) for s in batch]


def run(paths: list[str], config: Config | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        only: set[str] | None = None) -> Report:
    """Check `paths` (files and folders, or the URLs of a running site); `progress(phase,
    done, total)` hears of each phase as it goes ("crawl", "pages", "external links",
    "links across pages", "browser"). With `only` (site urls), just those pages are
    checked, against the whole site (links into the others still resolve)."""
    config = config or Config.default()
    with contextlib.ExitStack() as stack:
        from qa import crawl
        if any(crawl.is_url(p) for p in paths) or config.crawl.get("sitemaps"):
            if not all(crawl.is_url(p) for p in paths):
                raise UsageError("give URLs or files and folders to check, not both")
            srcs, site, notes = _crawl(paths, config, progress, stack)
            # a crawl fetches every page anew: the cache is for files
            config = dataclasses.replace(config, cache_dir=None)
        else:
            if config.site_root and not os.path.isdir(config.site_root):
                raise UsageError(f'site root "{config.site_root}" is not a directory')
            srcs, site, missing = sources.discover(paths, config.site_root, config.exclude)
            if missing:
                raise UsageError("; ".join(f"{p}: {why}" for p, why in missing))
            notes = [f"skipped {p}: {why}" for p, why in site.skipped]
        site.checks_external = bool(config.external.get("enabled"))
        return _run(paths, srcs, site, notes, config, progress, only)


def _crawl(paths, config, progress, stack):
    """The pages of the running site at `paths` (URLs), fetched into a spool folder that
    lives as long as the run."""
    import tempfile
    from pathlib import Path
    from qa import crawl
    options = crawl.options_from(config, paths)
    listed = None
    if options.sitemaps:
        try:
            listed, problems = crawl.sitemap_pages(options, paths)
        except ValueError as e:
            raise UsageError(str(e)) from None
    spool = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-crawl-")))
    try:
        result = crawl.crawl(list(paths), options, spool, progress, listed)
    except ValueError as e:
        raise UsageError(str(e)) from None
    notes = (problems if listed is not None else []) + result.notes
    return result.sources, result.site, notes


def _run(paths, srcs, site, notes, config, progress, only) -> Report:
    if only is not None and srcs:
        srcs = [s for s in srcs if s.url in only]
        notes.append(f"checked {len(srcs)} changed or affected "
                     f"page{'' if len(srcs) == 1 else 's'} of {len(site.urls)}")
        if not srcs:
            return Report(tool={"name": "qa", "version": __version__}, pages=[], findings=[],
                          fail_on=config.fail_on, rules=_rule_docs([]),
                          meta={"site_root": sources.printable(str(site.root)), "notes": notes})
    if not srcs and site.serves_urls:
        raise UsageError(f"no HTML page answered at {' '.join(paths)}"
                         + "".join(f"; {n}" for n in notes))
    if not srcs:
        raise UsageError(f"no HTML pages (*.html, *.htm) found in {' '.join(paths)}"
                         + "".join(f"; {n}" for n in notes))
    results, cached = _check_all(srcs, site, config, progress)
    url_of = {r.info.path: r.url for r in results}
    root_shown = site.origin if site.serves_urls else sources.printable(str(site.root))
    findings = [f for r in results for f in r.findings]
    for folder, why in site.unreadable:       # its pages went unchecked: never a quiet 0
        f = Finding("", "", folder, None, None,
                    f"folder could not be read ({why}); the pages in it were not checked")
        findings += [s for s in [stamp(f, "load-error", config)] if s]

    site_rules = [rid for rid, mod in rules.RULES.items() if mod.SCOPE == "site"]
    if config.external.get("enabled") and any("external-link" in r.tables for r in results):
        from qa import external       # the network, only when asked (--check-external)
        external.validate(site, {r.url: r.tables["external-link"] for r in results
                                 if "external-link" in r.tables}, config, progress)
    for n, rid in enumerate(site_rules):
        mod = rules.RULES[rid]
        if progress:
            progress("links across pages", n, len(site_rules))
        tables = {r.url: r.tables[rid] for r in results if rid in r.tables}
        if not tables:
            continue
        try:
            for f in mod.check_site(site, tables, config.options(rid) or mod.DEFAULT):
                if (s := stamp(f, rid, config, url_of.get(f.path, ""))):
                    findings.append(s)
        except Exception as e:  # noqa: BLE001 - a site rule's bug costs that rule only
            f = Finding("", "", root_shown, None, None, _crash(rid, e))
            findings += [s for s in [stamp(f, "rule-error", config)] if s]

    if progress and site_rules:
        progress("links across pages", len(site_rules), len(site_rules))
    meta: dict[str, Any] = {"site_root": site.origin if site.serves_urls else root_shown}
    if cached:
        meta["cache"] = cached
    notes += _unmatched_globs(config, [r.url for r in results], site)
    if notes:
        meta["notes"] = notes
    if config.browser.get("enabled") and config.selected("axe"):
        findings = _browser(results, site, config, findings, meta, url_of, progress,
                            {s.url: s for s in srcs})

    own: dict[str, list[Finding]] = {}
    for f in findings:
        own.setdefault(f.path, []).append(f)
    kept: list[Finding] = []
    axe_failed = {f.path for f in findings if f.rule == "browser-error"}
    for r in results:
        mine = suppress.apply(own.pop(r.info.path, []), r.suppressions)
        kept += rules.RULES["axe"].fold_duplicates(mine) if config.browser.get("enabled") else mine
        ran = (lambda name, u=r.url, p=r.info.path:
               _ran(name, u, config) and not (name.split(".")[0] == "axe" and p in axe_failed))
        kept += [s for f in suppress.unused(r.suppressions, r.info.path, ran, _known)
                 if (s := stamp(f, "unused-suppression", config, r.url))]
    kept += [f for fs in own.values() for f in fs]        # not about one page
    kept = _apply_ignores(kept, config, site, partial=only is not None)
    kept.sort(key=Finding.sort_key)
    kept = template_causes(number_occurrences(kept))
    return Report(tool={"name": "qa", "version": __version__},
                  pages=[r.info for r in results], findings=kept, fail_on=config.fail_on,
                  rules=_rule_docs(kept), meta=meta)


def _apply_ignores(findings: list[Finding], config: Config, site,
                   partial: bool = False) -> list[Finding]:
    """The findings no active `[[ignore]]` of the config hides, plus a finding for each
    ignore that expired (`expired-ignore`) or hid nothing (`unused-suppression`). An
    ignore with a selector hides findings on elements inside what the selector matches
    (the page is parsed again for that, only when such an ignore could apply). On a run
    over some pages only (`partial`), an ignore that hid nothing may hide elsewhere."""
    if not config.ignores:
        return findings
    import datetime as dt
    today = dt.date.fromisoformat(os.environ["QA_TODAY"]) if os.environ.get("QA_TODAY") \
        else dt.date.today()
    active = [i for i in config.ignores if i.active(today)]
    used: set[int] = set()
    trees: dict[str, Any] = {}

    def inside(ig, f: Finding) -> bool:
        if ig.selector is None:
            return True
        if not f.selector:
            return False
        url = f.page or f.path
        if url not in trees:
            page = sources.load(site.source(url, f.path), site)
            trees[url] = page.tree if page.source else None
        tree = trees[url]
        if tree is None:
            return False
        try:
            els = tree.cssselect(f.selector.split(" >> ")[0])
            holders = set(tree.cssselect(ig.selector))
        except Exception:        # noqa: BLE001 - a selector this page cannot take
            return False
        return any(a in holders for el in els[:1] for a in (el, *el.iterancestors()))
    kept = []
    for f in findings:
        hit = next((ig for ig in active if ig.covers(f) and inside(ig, f)), None)
        if hit is None:
            kept.append(f)
        else:
            used.add(hit.index)
    where = config.source or "the config"
    for ig in config.ignores:
        rules_named = ", ".join(ig.rules)
        if not ig.active(today):
            f = Finding("", "", where, None, None,
                        f"ignore[{ig.index}] of {rules_named} expired on {ig.until.isoformat()} "
                        f'("{ig.reason}"): its findings are reported again', subject=f"ignore[{ig.index}]")
            kept += [s for s in [stamp(f, "expired-ignore", config)] if s]
        elif ig.index not in used and not partial and any(map(config.selected, ig.rules)):
            f = Finding("", "", where, None, None,
                        f"ignore[{ig.index}] of {rules_named} hid nothing (\"{ig.reason}\")",
                        subject=f"ignore[{ig.index}]")
            kept += [s for s in [stamp(f, "unused-suppression", config)] if s]
    return kept


TEMPLATE_MIN_PAGES = 3
_UP_DIRS = re.compile(r"(?<=[=\[])(?:\.\.?/)+")


def template_causes(findings: list[Finding]) -> list[Finding]:
    """A finding no rule gave a cause gets one when the same element, with the same
    problem, is on TEMPLATE_MIN_PAGES pages or more: the site's template (530 pages' logo
    with alt "Logo" is one thing to fix). Paths written from different depths
    (`../_static/py.svg`, `_static/py.svg`) are one element."""
    def key(f: Finding):
        if f.cause or not f.element or f.rule == "reading-level":
            return None
        return (f.rule, f.severity, _UP_DIRS.sub("", f.element), NUMBERS.sub("#", f.message))
    pages: dict[tuple, set[str]] = {}
    for f in findings:
        k = key(f)
        if k:
            pages.setdefault(k, set()).add(f.page or f.path)
    shared = {k for k, ps in pages.items() if len(ps) >= TEMPLATE_MIN_PAGES}
    return [dataclasses.replace(f, cause=f"the same element on many pages: {k[2]}")
            if (k := key(f)) in shared else f for f in findings]


def number_occurrences(findings: list[Finding]) -> list[Finding]:
    """Findings alike in rule, page and subject (two links to one missing file) are told
    apart by their order on the page: 0, 1, 2... An edit that adds one more adds one
    fingerprint, and changes none of the others'."""
    seen: dict[tuple, int] = {}
    out = []
    for f in findings:
        key = f.identity()
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(dataclasses.replace(f, occurrence=n) if n != f.occurrence else f)
    return out


def _unmatched_globs(config: Config, urls: list[str], site) -> list[str]:
    """A note for each exclude or override glob that matched no page: a glob written with
    the site folder's name in front (`site/drafts/*`) silently matches nothing, since
    globs match the path inside the site (`drafts/*`)."""
    checked = set(urls)
    every = checked | set(site.excluded)
    notes = []
    globs = [("exclude", g, every) for g in config.exclude] + [
        (f"overrides[{i}].paths", g, checked) for i, (pats, _) in enumerate(config.overrides)
        for g in pats]
    for where, glob, pool in globs:
        if any(fnmatch.fnmatch(u, glob) for u in pool):
            continue
        hint = ""
        _, _, rest = glob.partition("/")
        if rest and any(fnmatch.fnmatch(u, rest) for u in pool):
            hint = f' (globs match the path inside the site: "{rest}" would)'
        notes.append(f'{where} glob "{glob}" matched no page{hint}')
    return notes


def _crash(rid: str, e: Exception) -> str:
    where = traceback.extract_tb(e.__traceback__)[-1]
    return (f'rule "{rid}" failed: {type(e).__name__}: {e} '
            f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno})")


AUTO_JOBS_MIN_PAGES = 64       # below this, starting worker processes costs more than it saves


def _check_all(srcs, site, config, progress) -> tuple[list[PageResult], dict | None]:
    """Every page's result, in `srcs`' order: from the cache where it still holds, the
    others checked here or in --jobs workers; and how many came from the cache."""
    if not config.cache_dir:
        return _check_fresh(srcs, site, config, progress, 0, len(srcs)), None
    from qa.cache import Cache
    cache = Cache(config.cache_dir, config)
    keys = [cache.key(s) for s in srcs]
    results: list[PageResult | None] = [
        cache.get(k, site) if k else None for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    if progress and len(todo) < len(srcs):
        progress("pages", len(srcs) - len(todo), len(srcs))
    fresh = _check_fresh([srcs[i] for i in todo], site, config, progress,
                         len(srcs) - len(todo), len(srcs))
    for i, r in zip(todo, fresh):
        results[i] = r
        if keys[i] and not any(f.rule in ("load-error", "rule-error") for f in r.findings):
            cache.put(keys[i], r, r.facts)
        results[i] = dataclasses.replace(r, facts=frozenset())      # kept: memory flat
    stats = {"dir": str(config.cache_dir), "from_cache": len(srcs) - len(todo), "checked": len(todo)}
    return results, stats   # type: ignore[return-value]


def _check_fresh(srcs, site, config, progress, done: int, total: int) -> list[PageResult]:
    results: list[PageResult] = []
    jobs = config.jobs or (min(os.cpu_count() or 1, 256) if len(srcs) >= AUTO_JOBS_MIN_PAGES else 1)
    if jobs <= 1 or len(srcs) < 2:
        for s in srcs:
            results.append(check_page(s, site, config))
            done += 1
            if progress:
                progress("pages", done, total)
        return results
    size = max(1, min(32, len(srcs) // (jobs * 4) or 1))
    batches = [srcs[i:i + size] for i in range(0, len(srcs), size)]
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init,
                             initargs=(site, config, os.getpid())) as pool:
        for batch in pool.map(_check_many, batches):
            results += batch          # map keeps input order: output identical to --jobs 1
            done += len(batch)
            if progress:
                progress("pages", done, total)
    return results


def _known(name: str) -> bool:
    """Is `name` a rule or family a suppression may name? axe's own ids are only known
    once axe runs, so any `axe.*` is taken."""
    return name in rules.RULES or name.split(".")[0] in PREFIXES and (name == "axe" or "." in name)


def _ran(name: str, url: str, config: Config) -> bool:
    """Did the rule (or family) a suppression names run on this page? A name that is no
    rule at all counts as run, so a misspelt suppression is reported."""
    if name == "axe" or name.startswith("axe."):
        return bool(config.browser.get("enabled")) and config.setting(name, url).enabled
    return name not in rules.RULES or config.options(name, url) is not None


def _browser(results, site, config, findings, meta, url_of, progress=None, src_of=None):
    """Run axe-core on every page and fold its findings in (issue: browser run)."""
    from qa import browser            # selenium is only imported when asked for
    opts = browser.BrowserOptions.from_config(config.browser)
    # `"axe.region" = false` in [rules] means axe does not run that rule at all, unless an
    # override turns it back on for some pages (then it runs, and is dropped elsewhere)
    for rid, setting in config.rules.items():
        if rid.startswith("axe.") and not setting.enabled and not any(
                rid in table and table[rid].enabled for _, table in config.overrides):
            opts.axe_rules.setdefault(rid[4:], False)
    # every axe rule named in [rules] and overrides must be one axe knows (checked once
    # axe is loaded): a misspelt name would otherwise quietly do nothing
    for where, table in [("rules", config.rules)] + [
            (f"overrides[{i}].rules", t) for i, (_, t) in enumerate(config.overrides)]:
        for rid in table:
            if rid.startswith("axe."):
                opts.named_rules.setdefault(rid[4:], f'{where}."{rid}"')
    # static findings a rule wants re-checked in a rendered page of the run (script-made
    # anchors, on the same page or on the page linked to)
    path_of = {u: p for p, u in url_of.items()}
    recheck: dict[str, set[str]] = {}
    for f in findings:
        target = _rendered_target(f)
        if target is not None and target[0] in path_of:
            recheck.setdefault(target[0], set()).add(target[1])
        asked = _rendered_questions(f)
        if asked is not None and asked[0] in path_of:
            recheck.setdefault(asked[0], set()).update(asked[1])
    # a page that could not be read (empty, binary, too large) has nothing to render
    loaded = [r for r in results if not any(f.rule == "load-error" for f in r.findings)]
    started = [0]
    lock = threading.Lock()

    def on_page(path: str) -> None:          # from the sessions' threads
        with lock:
            started[0] += 1
            if progress:
                progress("browser", started[0] - 1, len(loaded))
    # a running site is checked live, at its own URLs (no loopback copy); the browser's
    # answers are keyed back to site urls
    live = {site.full(r.url): r.url for r in loaded} if site.serves_urls else {}
    to_browser = (lambda u: site.full(u)) if live else (lambda u: u)
    run = browser.run_browser([(r.info.path, to_browser(r.url)) for r in loaded], site.root, opts,
                              recheck={to_browser(u): qs for u, qs in recheck.items()},
                              on_page=on_page,
                              # the file itself (a name that is not UTF-8 keeps its bytes)
                              load_page=lambda url: sources.load((src_of or {}).get(live.get(url, url)) or
                                  site.source(live.get(url, url), path_of[live.get(url, url)]), site))
    if live:
        run.rendered_fragments = {live.get(u, u): v for u, v in run.rendered_fragments.items()}
    meta.update(run.meta)
    if progress:
        progress("browser", len(loaded), len(loaded))
    out = []
    for f in findings:
        target = _rendered_target(f)
        if target is not None and target[1] in run.rendered_fragments.get(target[0], ()):
            f = rules.RULES[f.rule].settle_rendered(f)
        asked = _rendered_questions(f)
        if asked is not None and asked[0] in {r.url for r in loaded}:
            f = rules.RULES[f.rule].settle_questions(f, run.rendered_fragments.get(asked[0], set()))
        if f is not None:
            out.append(f)
    for f in run.findings:
        # axe's severity (from its impact) is the default here, not a ceiling; what axe
        # could not decide is at most info, a person's to look at
        ceiling = "info" if (f.data or {}).get("needs_review") else ""
        if (s := stamp(dataclasses.replace(f, severity=ceiling), f.rule, config,
                       url_of.get(f.path, ""), default=f.severity)):
            out.append(s)
    return out


def _rendered_questions(f: Finding) -> tuple[str, set[str]] | None:
    """(page url, questions) the rule of `f` asks of that rendered page ("\0present:SEL",
    "\0rendered:SEL"); its `settle_questions(f, answered)` then keeps, changes or drops
    `f` by the questions answered yes."""
    return getattr(rules.RULES.get(f.rule), "rendered_questions", lambda f: None)(f)


def _rendered_target(f: Finding) -> tuple[str, str] | None:
    """(page url, fragment) the rule of `f` wants looked for in that rendered page."""
    return getattr(rules.RULES.get(f.rule), "rendered_target", lambda f: None)(f)


def _rule_docs(findings: list[Finding]) -> dict[str, dict[str, Any]]:
    """What the writers say about each rule that has findings (and every rule of ours)."""
    docs: dict[str, dict[str, Any]] = {}
    for rid, mod in rules.RULES.items():
        if mod.SCOPE == "browser":        # a family; its members come with their findings
            continue
        docs[rid] = {"summary": rules.summary(mod), "severity": mod.SEVERITY,
                     "why": getattr(mod, "WHY", ""), "fix": getattr(mod, "FIX", ""),
                     "help_url": getattr(mod, "HELP_URL", None), "tags": list(mod.TAGS)}
    for f in findings:
        if f.rule not in docs:
            d = f.data or {}
            docs[f.rule] = {"summary": d.get("help", f.rule), "severity": f.severity,
                            "why": d.get("description", ""), "fix": d.get("fix", ""),
                            "help_url": f.help_url, "tags": list(f.tags)}
    return docs
