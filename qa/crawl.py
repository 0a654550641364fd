"""A running site as a source of pages: `qa check https://host/path/` fetches the page,
follows its links within the site, and hands the pages to the same rules as files.

The crawl comes first and is complete before any rule runs, so that a link rule asks the
site what a link's target answered (the crawl fetched every internal reference, pages,
images and stylesheets alike) just as it asks a folder whether a file exists: the rules
do no I/O and do not know where pages came from. Pages are kept on disk (a spool folder
the run removes), never in memory, so a crawl of 100,000 pages holds only the URLs seen.

What is crawled: the start URLs' hosts (and `--allow-host`), breadth first, to
`max-depth` links from a start and at most `max-pages` pages; robots.txt is honoured
(RFC 9309, by protego) unless `--ignore-robots`; every response's redirects are followed
by hand and recorded; only HTML responses (by Content-Type) are parsed as pages. URLs are
normalised before they are compared: no fragment, the scheme and host in lower case, no
default port, tracking parameters (`utm_*`) dropped, and at most `max-query-variants`
addresses that differ only in their query per path (an endless calendar ends there).
"""
from __future__ import annotations

import asyncio
import hashlib
import fnmatch
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from qa import fetch
from qa.fetch import Credentials, shown
from qa.sources import (RESOLVED_MAX, Fetched, Site, Source, Target, Unreadable, _backslashes,
                        clean, printable)

HTML_TYPES = ("text/html", "application/xhtml+xml")
_UNSET = object()
DEFAULT_IGNORED_PARAMS = ("utm_*", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga")
ROBOTS_AGENT = "qa-linter"


def is_url(arg: str) -> bool:
    return bool(re.match(r"(?i)https?://", arg.strip()))


def is_html(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in HTML_TYPES


@dataclass(frozen=True)
class CrawlOptions:
    max_pages: int = 10_000
    max_depth: int | None = None            # None: no limit (a sitemap run: 0)
    allow_hosts: tuple[str, ...] = ()
    robots: bool = True
    per_host: int = 8                       # requests at a time to one host
    timeout: float = 30.0
    retries: int = 2
    query: str = "keep"                     # "keep" | "drop"
    ignore_params: tuple[str, ...] = DEFAULT_IGNORED_PARAMS
    max_query_variants: int = 50
    max_bytes: int = 10 * 1024 * 1024
    exclude: tuple[str, ...] = ()           # regular expressions of URLs not to fetch
    sitemaps: tuple[str, ...] = ()
    creds: Credentials | None = None


@dataclass(frozen=True)
class Response:
    """What the crawl learned of one internal URL (an Answer without its body)."""
    status: int | None
    reason: str
    final: str              # site key of where the redirects ended
    redirects: tuple[tuple[int, str], ...]
    error: str | None
    message: str
    content_type: str | None
    seconds: float
    left: bool = False

    @property
    def ok(self) -> bool:
        """Does a link to it work? (A page too big for qa to check is still there.)"""
        return self.left or (self.error in (None, "too-big") and self.status is not None
                             and self.status < 400)

    def describe(self) -> str:
        if self.error:
            return self.message
        return f"HTTP {self.status}" + (f" {self.reason}" if self.reason else "")

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"status": self.status, "content_type": self.content_type,
                             "seconds": round(self.seconds, 3)}
        if self.redirects:
            d["redirects"] = [[s, u] for s, u in self.redirects]
        if self.error:
            d["error"] = self.error
            d["message"] = self.message
        return d


@dataclass(frozen=True)
class HttpSource(Source):
    """A page the crawl fetched: its body is in `file` (the spool), its URL is `path`."""
    content_type: str | None = None
    problem: str | None = None          # why it cannot be read (too big, HTTP 500...)
    response: Response | None = None
    offset: int = 0                     # where its body is in the spool file
    length: int = 0

    def read(self, max_bytes: int = 10 * 1024 * 1024, site: "Site | None" = None) -> Fetched:
        if self.problem:
            raise Unreadable(self.problem)
        try:
            with open(self.file, "rb") as f:
                f.seek(self.offset)
                data = f.read(self.length)
        except OSError as e:
            raise Unreadable(f"page could not be read from the crawl's spool: {e.strerror or e}") from None
        if len(data) > max_bytes:
            raise Unreadable(f"page is {len(data) / 1048576:.1f} MiB, over the "
                             f"{max_bytes / 1048576:.0f} MiB limit (max-page-size); not checked")
        return Fetched(data, self.content_type)

    def cache_key_data(self) -> bytes | None:
        return None         # a crawl fetches every page anew: nothing to key by


@dataclass
class HttpSite(Site):
    """A site on a server: pages are named by their URL relative to the origin
    (`docs/a.html?x=1`, the root page `/`); pages of another allowed host by their whole
    URL. Links resolve with the URL standard against the page's (or its `<base>`'s) URL."""
    origin_url: str = ""                            # "https://host:port"
    hosts: frozenset[str] = frozenset()             # netlocs that are the site
    answers: dict[str, Response] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)      # key -> the page it is
    sources: dict[str, HttpSource] = field(default_factory=dict, repr=False)
    options: CrawlOptions = field(default_factory=CrawlOptions, repr=False)
    serves_urls = True

    @property
    def origin(self) -> str:
        return self.origin_url

    def key(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.netloc.lower() != urlsplit(self.origin_url).netloc.lower():
            return url
        rel = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
        return rel or "/"

    def full(self, key: str) -> str:
        if "://" in key:
            return key
        return self.origin_url + "/" + ("" if key == "/" else key)

    def normalize(self, url: str) -> str | None:
        """The URL as the crawl compares it; None when it is not one to fetch."""
        return normalize(url, self.options)

    def resolve(self, page_url: str, ref: str) -> Target:
        ref = ref.strip()
        if ref[:1] == "#":                  # this very page (already where redirects end)
            return Target("page", self.aliases.get(page_url, page_url), None,
                          unquote(ref[1:]), requested=page_url)
        # cached by folder and reference without its fragment, as for a folder's site
        path, hash_, fragment = ref.partition("#")
        base = self.full(page_url)
        key = (base if path[:1] in ("?", "") else base[:base.rfind("/") + 1], path)
        t = self._resolved.get(key)
        if t is None:
            if len(self._resolved) >= RESOLVED_MAX:
                self._resolved.clear()
            t = self._resolved[key] = self._resolve_url(base, path)
        if t.kind != "page":
            return t
        return Target("page", t.url, None, unquote(fragment) if hash_ else None, t.requested)

    def _resolve_url(self, base: str, ref: str) -> Target:
        ref = _backslashes(ref)
        try:
            joined = urljoin(base, ref)
            parts = urlsplit(joined)
            parts.port
        except ValueError as e:
            reason = str(e) or "malformed"
            return Target("invalid", reason[:1].lower() + reason[1:])
        if parts.scheme.lower() not in ("http", "https"):
            return Target("special")
        if parts.netloc.lower() not in self.hosts:
            return Target("external")
        norm = self.normalize(joined)
        if norm is None:
            return Target("external")
        k = self.key(norm)
        answer = self.answers.get(k)
        final = answer.final if answer is not None and answer.ok and not answer.left else k
        return Target("page", self.aliases.get(final, final), None, None, requested=k)

    def exists(self, target: Target) -> bool:
        answer = self.answers.get(target.requested or target.url)
        return answer is None or answer.ok        # not fetched (robots, limits): unknown

    def broken(self, target: Target) -> Response | None:
        """Why the target does not work (its response), or None when it does or is unknown."""
        answer = self.answers.get(target.requested or target.url)
        return None if answer is None or answer.ok else answer

    def redirects(self, target: Target) -> tuple[tuple[int, str], ...]:
        answer = self.answers.get(target.requested or target.url)
        return answer.redirects if answer is not None else ()

    def fact(self, kind: str, path: str) -> bool:
        found = path in self.urls if kind == "page" else False
        if self._recorded is not None:
            self._recorded.add((kind, path, found))
        return found

    def source(self, url: str, path: str | None = None) -> Source:
        src = self.sources.get(url)
        if src is None:
            return HttpSource(path or self.full(url), self.root / "missing", url,
                              problem="the page is not in this crawl")
        return src

    def outside_run(self, url: str) -> Source | None:
        return None


def normalize(url: str, options: CrawlOptions) -> str | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = ""
    if parts.query and options.query != "drop":
        pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not any(fnmatch.fnmatchcase(k, g) for g in options.ignore_params)]
        query = urlencode(pairs, doseq=True) if pairs else ""
        if pairs and len(pairs) == len(parse_qsl(parts.query, keep_blank_values=True)):
            query = parts.query             # nothing dropped: as the site wrote it
    return urlunsplit((scheme, netloc, path, query, ""))


@dataclass
class CrawlResult:
    sources: list[HttpSource]
    site: HttpSite
    notes: list[str]


def crawl(starts: list[str], options: CrawlOptions, spool: Path,
          progress: Callable[[str, int, int], None] | None = None,
          sitemap_urls: list[str] | None = None) -> CrawlResult:
    """Fetch the site from `starts` (and the pages a sitemap listed); raises ValueError
    for a start that is not a URL qa can fetch."""
    named = []
    for s in starts:
        n = normalize(s, options)
        if n is None:
            raise ValueError(f'"{shown(s)}" is not an http(s) URL qa can fetch')
        named.append(n)
    seeds = named + [n for u in (sitemap_urls or []) if (n := normalize(u, options))]
    if not seeds:
        raise ValueError("no page to check: the sitemap lists none")
    first = urlsplit(seeds[0])
    origin = f"{first.scheme}://{first.netloc}"
    hosts = {urlsplit(s).netloc for s in seeds} | {h.lower() for h in options.allow_hosts}
    site = HttpSite(spool, bounded=True, root_known=True, origin_url=origin,
                    hosts=frozenset(hosts), options=options)
    crawler = _Crawler(site, options, spool, set(named), progress)
    asyncio.run(crawler.run(seeds))
    notes = crawler.notes() + _fold_aliases(site, crawler.digests)
    site.urls = set(site.sources)
    sources = sorted(site.sources.values(), key=lambda s: _order(s.url))
    return CrawlResult(sources, site, notes)


def _fold_aliases(site: HttpSite, digests: dict[str, bytes]) -> list[str]:
    """Addresses that served the very same page (`services/` and `services/index.html`)
    are one page, checked once under one name (a file's name before a folder's, then the
    shortest, then the first in order), so that its findings are not all told twice."""
    by_body: dict[bytes, list[str]] = {}
    for key, digest in digests.items():
        by_body.setdefault(digest, []).append(key)
    folded = []
    for keys in by_body.values():
        if len(keys) < 2:
            continue
        keys.sort(key=lambda k: (k.endswith("/"), len(k), k))
        keep = keys[0]
        for k in keys[1:]:
            site.aliases[k] = keep
            site.sources.pop(k, None)
        folded.append(f'{", ".join(keys[1:])} = {keep}')
    if not folded:
        return []
    return [f"{len(folded)} page{'s' * (len(folded) != 1)} answered at more than one address, "
            f"checked once: {'; '.join(sorted(folded)[:10])}" + (" ..." if len(folded) > 10 else "")]


def _order(key: str) -> tuple:
    # the root first, then as a folder listing reads: stable whatever order pages came in
    return (key != "/", "://" in key, key)


class _Crawler:
    def __init__(self, site: HttpSite, options: CrawlOptions, spool: Path, named: set[str],
                 progress):
        self.site, self.options, self.spool, self.named = site, options, spool, named
        self.progress = progress
        self.seen: set[str] = set()
        self.variants: dict[str, int] = {}
        self.over_variants: dict[str, int] = {}
        self.robots: dict[str, Any] = {}
        self.robots_notes: list[str] = []
        self.disallowed = 0
        self.excluded = 0
        self.over_pages = 0
        self.unseen = 0
        self.not_html: dict[str, int] = {}
        self.pages = 0
        self.fetched = 0
        self.exclude = [re.compile(x) for x in options.exclude]
        self.queue: deque[tuple[str, int]] = deque()
        self.gate = fetch.HostGate(options.per_host)
        self.digests: dict[str, bytes] = {}
        self.joined: dict[tuple[str, str], str | None] = {}    # (folder, ref) -> address

    def notes(self) -> list[str]:
        out = list(self.robots_notes)
        n = self.options.max_pages
        if self.over_pages:
            out.append(f"the crawl stopped at {n} page{'s' * (n != 1)} (max-pages): "
                       f"{self.over_pages} more HTML page{'s' * (self.over_pages != 1)} answered "
                       "and were not checked (links to them still count as working)")
        if self.disallowed:
            out.append(f"{self.disallowed} address{'es' * (self.disallowed != 1)} not fetched: "
                       "robots.txt disallows them (--ignore-robots fetches them)")
        if self.excluded:
            out.append(f"{self.excluded} address{'es' * (self.excluded != 1)} not fetched: "
                       "--crawl-exclude (crawl.exclude) matches them")
        for path, extra in sorted(self.over_variants.items()):
            out.append(f'"{path}": more than {self.options.max_query_variants} addresses that '
                       f"differ only in their query; {extra} more not crawled (max-query-variants)")
        if self.unseen:
            out.append(f"{self.unseen} more addresses were found and not fetched: the crawl "
                       f"keeps at most {len(self.seen)} (50 a page of max-pages)")
        if self.not_html:
            kinds = ", ".join(f"{n} {t}" for t, n in sorted(self.not_html.items()))
            out.append(f"not checked as pages (not HTML): {kinds}")
        return out

    def _admit(self, url: str, depth: int) -> None:
        if url in self.seen:
            return
        parts = urlsplit(url)
        if parts.query:
            path = urlunsplit(parts._replace(query=""))
            n = self.variants.get(path, 0)
            if n >= self.options.max_query_variants:
                shown_path = self.site.key(path)
                self.over_variants[shown_path] = self.over_variants.get(shown_path, 0) + 1
                return
            self.variants[path] = n + 1
        if len(self.seen) >= 50 * max(self.options.max_pages, 1) + 10_000:
            self.unseen += 1    # a bounded seen-set: no crawl holds more addresses than this
            return
        self.seen.add(url)
        self.queue.append((url, depth))

    async def run(self, seeds: list[str]) -> None:
        self.spool_file = self.spool / "pages"
        with open(self.spool_file, "wb") as self.spooled:
            await self._run(seeds)

    async def _run(self, seeds: list[str]) -> None:
        async with fetch.client(self.options.per_host * max(len(self.site.hosts), 1),
                                self.options.timeout) as http:
            self.http = http
            for s in seeds:
                self._admit(s, 0)
            workers = max(1, min(64, self.options.per_host * max(len(self.site.hosts), 1)))
            active: set[asyncio.Task] = set()
            while self.queue or active:
                while self.queue and len(active) < workers:
                    url, depth = self.queue.popleft()
                    active.add(asyncio.ensure_future(self._visit(url, depth)))
                done, active = await asyncio.wait(active, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    t.result()          # a bug in the crawler is a bug: let it show
                if self.progress:
                    self.progress("crawl", self.fetched, self.fetched + len(self.queue) + len(active))

    async def _allowed(self, url: str) -> bool:
        if not self.options.robots or url in self.named:
            return True
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        task = self.robots.get(base)
        if task is None:                    # fetched once; the others wait for that one
            task = self.robots[base] = asyncio.ensure_future(self._robots(base))
        rules = await asyncio.shield(task)
        return rules is True or rules.can_fetch(url, ROBOTS_AGENT)

    async def _robots(self, base: str):
        from protego import Protego
        ans = await fetch.get(self.http, base + "/robots.txt", creds=self.options.creds,
                              follow=lambda u: urlsplit(u).netloc in self.site.hosts,
                              want_body=lambda ct: True, max_bytes=512 * 1024,
                              timeout=self.options.timeout, retries=1, gate=self.gate)
        if ans.error is None and ans.status is not None and 400 <= ans.status < 500:
            return True             # RFC 9309: no robots.txt, no rules
        if not ans.ok or ans.body is None:
            self.robots_notes.append(
                f"{base}/robots.txt could not be read ({ans.describe()}); as RFC 9309 says, "
                "nothing else of that host was fetched (--ignore-robots fetches it)")
            return Protego.parse("User-agent: *\nDisallow: /\n")
        text = ans.body.decode("utf-8", "replace")
        return Protego.parse(text)

    async def _visit(self, url: str, depth: int) -> None:
        try:
            await self._fetch(url, depth)
        except Exception as e:  # noqa: BLE001 - one bad answer costs that address only
            key = self.site.key(url)
            self.site.answers[key] = Response(None, "", key, (), "other",
                                              f"qa could not read the answer ({type(e).__name__}: {e})",
                                              None, 0.0)

    async def _fetch(self, url: str, depth: int) -> None:
        site, opts = self.site, self.options
        key = site.key(url)
        if any(x.search(url) for x in self.exclude) and url not in self.named:
            self.excluded += 1
            return
        if not await self._allowed(url):
            self.disallowed += 1
            return
        may_parse = opts.max_depth is None or depth <= opts.max_depth
        reserved = [False]

        def want_body(ctype: str | None) -> bool:
            if reserved[0]:
                return True             # a retry of the same page
            if not (may_parse and is_html(ctype)):
                return False
            if self.pages >= opts.max_pages:
                self.over_pages += 1
                return False
            self.pages += 1
            reserved[0] = True
            return True
        ans = await fetch.get(self.http, url, creds=opts.creds,
                              follow=lambda u: urlsplit(u).netloc.lower() in site.hosts,
                              want_body=want_body, max_bytes=opts.max_bytes,
                              timeout=opts.timeout, retries=opts.retries, gate=self.gate)
        self.fetched += 1
        final_norm = normalize(ans.final, opts) or ans.final
        final = site.key(final_norm)
        response = Response(ans.status, ans.reason, final, ans.redirects, ans.error, ans.message,
                            ans.content_type, ans.seconds, ans.left)
        site.answers[key] = response
        if final != key and final not in site.answers and response.ok and not ans.left:
            site.answers[final] = Response(ans.status, ans.reason, final, (), None, "",
                                           ans.content_type, ans.seconds)
            self.seen.add(final_norm)
        if ans.left:
            return
        named = url in self.named
        if ans.ok and ans.body is None and not reserved[0]:
            if not is_html(ans.content_type):
                if named or (ans.content_type or "").split(";")[0].strip().lower() in ("", "text/plain"):
                    kind = (ans.content_type or "no Content-Type").split(";")[0].strip()
                    self.not_html[kind] = self.not_html.get(kind, 0) + 1
            return
        if final in site.sources:
            return                  # two addresses redirect to one page: checked once
        problem = None
        if ans.error == "too-big":
            problem = ans.message
        elif not ans.ok:
            if not named and not reserved[0]:
                return              # a broken link: the referring pages report it
            problem = f"the page could not be fetched: {ans.describe()}"
        shown_url = printable(shown(site.full(final)))
        offset = length = 0
        if problem is None and ans.body is not None:
            # one spool file for all pages, appended to: no file (and inode) a page
            offset, length = self.spooled.tell(), len(ans.body)
            self.spooled.write(ans.body)
            self.digests[final] = hashlib.sha256(ans.body).digest()
        src = HttpSource(shown_url, self.spool_file, final, content_type=ans.content_type,
                         problem=problem, response=response, offset=offset, length=length)
        site.sources[final] = src
        if problem is None and ans.body is not None:
            self._follow(src, ans.body, final_norm, depth)

    def _follow(self, src: HttpSource, body: bytes, url: str, depth: int) -> None:
        from qa.links import references
        from qa.page import Page, decode
        text, enc, _ = decode(body, src.content_type)
        page = Page(src.path, src.url, text, encoding=enc, site=self.site)
        try:
            tree = page.tree
        except Exception:        # noqa: BLE001 - the page's own check reports what is wrong
            return
        if tree is None:
            return
        base = url
        for b in page.elements("base"):
            href = b.get("href")
            if href is not None:
                try:
                    base = urljoin(url, _backslashes(clean(href)))
                except ValueError:
                    pass
                break
        seen: set[str] = set()
        folder = base[:base.rfind("/") + 1]
        for el, _noun, ref in references(page):
            ref = ref.split("#", 1)[0]          # a docs page links 200 times to one page
            if ref in seen:
                continue
            seen.add(ref)
            # the same reference from the same folder is the same address: pages of a
            # site share most of their links (the navigation), so each is worked out once
            key = (base if ref[:1] in ("?", "") else folder, ref)
            n = self.joined.get(key, _UNSET)
            if n is _UNSET:
                if len(self.joined) >= RESOLVED_MAX:
                    self.joined.clear()
                n = self.joined[key] = self._address(base, ref)
            if n is not None:
                self._admit(n, depth + 1)

    def _address(self, base: str, ref: str) -> str | None:
        """The normalised address `ref` on a page at `base` names, if it is one of the
        site's to fetch."""
        try:
            target = urljoin(base, _backslashes(ref))
            parts = urlsplit(target)
            if parts.scheme.lower() not in ("http", "https") or \
                    parts.netloc.lower() not in self.site.hosts:
                return None
        except ValueError:
            return None
        return normalize(target, self.options)


def options_from(config, starts: list[str] = ()) -> CrawlOptions:
    """The crawl's options from the config's [crawl] table (the CLI folds its flags in)."""
    c = dict(getattr(config, "crawl", {}) or {})
    return CrawlOptions(
        max_pages=c.get("max-pages", 10_000),
        # a sitemap names the pages: their links are checked, not crawled further
        max_depth=c.get("max-depth", 0 if c.get("sitemaps") and not starts else None),
        allow_hosts=tuple(h.lower() for h in c.get("allow-hosts", ())),
        robots=not c.get("ignore-robots", False), per_host=c.get("per-host", 8),
        timeout=float(c.get("timeout", 30.0)), retries=c.get("retries", 2),
        query=c.get("query", "keep"),
        ignore_params=tuple(c.get("ignore-params", DEFAULT_IGNORED_PARAMS)),
        max_query_variants=c.get("max-query-variants", 50), max_bytes=config.max_page_size,
        exclude=tuple(c.get("exclude", ())), sitemaps=tuple(c.get("sitemaps", ())),
        creds=c.get("credentials"))


def sitemap_pages(options: CrawlOptions, starts: list[str] = ()) -> tuple[list[str], list[str]]:
    """The page URLs the sitemaps in `options` list (files or URLs; indexes followed), and
    what was wrong with them (notes). Raises ValueError when a named sitemap cannot be
    read at all."""
    from qa import sitemap

    def fetch_one(where: str) -> bytes:
        if not is_url(where):
            try:
                with open(where, "rb") as f:
                    return f.read(sitemap.MAX_BYTES + 1)
            except OSError as e:
                raise sitemap.SitemapError(f'sitemap "{where}" could not be read: {e.strerror or e}') from None
        host = (urlsplit(where).netloc or "").lower()
        if hosts and host not in hosts:      # sitemaps.org: a sitemap lists its own site
            raise sitemap.SitemapError(f'sitemap "{shown(where)}" is on another host than the site; not read')
        ans = asyncio.run(_get_one(where, options, hosts, sitemap.MAX_BYTES))
        if ans.error == "too-big":
            raise sitemap.SitemapError(f'sitemap "{shown(where)}" is over '
                                       f"{sitemap.MAX_BYTES // 1048576} MiB")
        if not ans.ok or ans.body is None:
            raise sitemap.SitemapError(f'sitemap "{shown(where)}" could not be fetched: {ans.describe()}')
        return ans.body      # a .xml.gz is decompressed (bounded) by the sitemap reader

    hosts = {urlsplit(u).netloc.lower() for u in [*starts, *options.sitemaps] if is_url(u)}
    hosts |= set(options.allow_hosts)
    urls: list[str] = []
    problems: list[str] = []
    for start in options.sitemaps:
        try:
            found, notes = sitemap.read_all(start, fetch_one, max_total=max(options.max_pages, 1))
        except sitemap.SitemapError as e:
            raise ValueError(str(e)) from None
        urls += found
        problems += notes
    return list(dict.fromkeys(urls)), problems


async def _get_one(url: str, options: CrawlOptions, hosts: set[str], max_bytes: int):
    """One GET as the crawl makes it (its credentials, redirects within `hosts`, limits)."""
    async with fetch.client(1, options.timeout) as http:
        return await fetch.get(http, url, creds=options.creds, max_bytes=max_bytes,
                               follow=lambda u: not hosts or urlsplit(u).netloc.lower() in hosts,
                               want_body=lambda ct: True, timeout=options.timeout,
                               retries=options.retries)
