"""External links: the one place qa talks to other sites (opt in, `--check-external`).

Rules never do I/O: the `external-link` rule records each page's links to other sites,
and before the site rules run the engine calls `validate()`, which checks every distinct
URL once (a link in the footer of 1,000 pages is one request) and puts the results on
the site (`site.external`), where the rule reads them.

Someone else's site is not ours to gate on, so a failure that says nothing about the
link (a timeout, a DNS failure, a reset connection, a server that is busy: 429 or 5xx)
is retried with backoff and, if it lasts, reported as a warning saying what happened;
only an answer that the page is gone (404, 410, other 4xx, a redirect loop) is an error.
Servers are treated politely: HEAD first (GET, streamed and read no further than
needed, when HEAD is refused or fails), at most `per-host` requests at a time and
`rate` a second to a host, Retry-After honoured up to a cap, and a User-Agent that
names qa. Definitive answers (2xx, redirects ending in one, 404, 410) are kept in a
cache file shared across runs (`external-links.json` in the cache folder) for
`max-age`; the file is replaced whole, so concurrent and killed runs never leave half
of it, and one that cannot be read is ignored.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urljoin, urlsplit

from qa.atomic import replace_file
from qa.fetch import failure as classify, retry_after_header as _retry_after

RULE = "external-link"
from qa.fetch import USER_AGENT  # noqa: E402 - one User-Agent for every request qa makes
CACHE_FILE = "external-links.json"
CACHE_FORMAT = 1
CACHE_KEEP = 30 * 86400          # entries older than this are dropped from the file
MAX_REDIRECTS = 10
# HEAD answers after which GET is tried: servers that refuse or mishandle HEAD
HEAD_FALLBACK = {400, 403, 404, 405, 501}
RETRY_STATUS = {429, 500, 502, 503, 504}
# network failures worth another try (not DNS or TLS: asking again gives the same answer)
RETRY_ERRORS = {"timeout", "reset", "refused", "other"}
REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class LinkResult:
    """What checking one URL (without its fragment) found. `status` is the final answer
    after redirects (None when no answer came: then `error` says why, in `message`)."""
    url: str
    status: int | None = None
    final_url: str = ""
    redirects: tuple[tuple[int, str], ...] = ()    # (status, the URL it sent us to) per hop
    error: str | None = None     # None | timeout | dns | tls | reset | refused |
                                 # too-many-redirects | other
    message: str = ""            # in plain words: "HTTP 404 Not Found", "timed out after 10 s"
    elapsed: float = 0.0         # seconds, every attempt and wait included
    checked_at: float = 0.0      # time.time() of the answer
    content_type: str = ""       # of the final answer, without parameters
    fragment_ids: frozenset[str] | None = None   # ids and <a name>s, when fragments were read
    attempts: int = 1
    cached: bool = False         # from an earlier run's cache

    @property
    def definitive(self) -> bool:
        """An answer worth keeping across runs: the link works, or the page is gone."""
        return self.error is None and self.status is not None and \
            (200 <= self.status < 300 or self.status in (404, 410))


@dataclass(frozen=True)
class ExternalOptions:
    timeout: float = 10.0              # seconds to connect, and between bytes read
    retries: int = 2                   # more attempts after a 429, 5xx or network failure
    per_host: int = 2                  # requests at a time to one host
    concurrency: int = 16              # requests at a time in all
    rate: float = 10.0                 # requests a second to one host, at most
    backoff: float = 1.0               # first wait before a retry (then doubled each time)
    max_wait: float = 60.0             # the longest Retry-After (or backoff) qa waits
    max_age: float = 86400.0           # seconds a cached result is used for
    fragments: bool = False            # read HTML pages linked with #fragment, for their ids
    max_body: int = 5 * 1024 * 1024    # bytes of a page read for its ids, at most
    exclude: tuple[str, ...] = ()      # regular expressions: matching URLs are not checked
    status: dict[str, str] = field(default_factory=dict)          # "403" -> "warning"
    hosts: dict[str, dict[str, str]] = field(default_factory=dict)  # host -> its status table
    headers: dict[str, str] = field(default_factory=dict, repr=False)   # never shown
    cache_file: Path | None = None     # None: no cache

    @classmethod
    def from_config(cls, config: Any) -> "ExternalOptions":
        ext = config.external
        cache = Path(config.cache_dir) / CACHE_FILE if config.cache_dir else None
        names = {"timeout": "timeout", "retries": "retries", "per-host": "per_host",
                 "concurrency": "concurrency", "rate": "rate", "max-age": "max_age",
                 "fragments": "fragments"}
        kw: dict[str, Any] = {attr: ext[k] for k, attr in names.items() if k in ext}
        return cls(exclude=tuple(ext.get("exclude", ())), status=dict(ext.get("status", {})),
                   hosts={h: dict(v.get("status", {})) for h, v in ext.get("hosts", {}).items()},
                   cache_file=cache, **kw)

    def policy(self, url: str, result: LinkResult) -> str | None:
        """What the config says this result counts as ("error", "warning", "info",
        "ignore"), or None: the rule's own judgement. A host's table comes before the
        global one (a host also covers its subdomains); a code before its class."""
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        keys = [result.error] if result.error else []
        if result.status is not None:
            keys += [str(result.status), f"{result.status // 100}xx"]
        tables = [t for h, t in sorted(self.hosts.items(), key=lambda kv: -len(kv[0]))
                  if host == h or host.endswith("." + h)] + [self.status]
        for table in tables:
            for k in keys:
                if k in table:
                    return table[k]
        return None


@dataclass
class ExternalRun:
    """What `validate` leaves on the site for the rule: each URL's result (keyed by the
    URL without its fragment), and the options they were checked with."""
    results: dict[str, LinkResult]
    options: ExternalOptions
    excluded: int = 0
    from_cache: int = 0


def page_url(url: str) -> str:
    """The URL that is fetched for a link: without its fragment; `//host/x` is https."""
    url = url.split("#", 1)[0]
    return "https:" + url if url.startswith("//") else url


def needs_ids(fragment: str | None) -> bool:
    """Does this fragment name an element? `#`, `#top` and text fragments do not."""
    return bool(fragment) and fragment.lower() != "top" and not fragment.startswith(":~:")


def validate(site: Any, tables: dict[str, Any], config: Any,
             progress: Callable[[str, int, int], None] | None = None) -> ExternalRun:
    """Check the external links that the `external-link` rule's tables recorded (minus
    those an `exclude` pattern matches) and put the results on `site.external`."""
    options = ExternalOptions.from_config(config)
    patterns = [re.compile(p) for p in options.exclude]
    urls: dict[str, bool] = {}            # URL -> is a fragment of it to be looked for
    excluded = set()
    for table in tables.values():
        for link in table.get("links", ()):
            if any(p.search(link["url"]) for p in patterns):
                excluded.add(link["url"])
                continue
            key = page_url(link["url"])
            urls[key] = urls.get(key, False) or (options.fragments and needs_ids(link["fragment"]))
    results = check_urls(urls, options, progress, want_ids={u for u, w in urls.items() if w})
    run = ExternalRun(results, options, len(excluded),
                      sum(1 for r in results.values() if r.cached))
    site.external = run
    return run


def check_urls(urls: Iterable[str], options: ExternalOptions,
               progress: Callable[[str, int, int], None] | None = None,
               want_ids: set[str] | None = None) -> dict[str, LinkResult]:
    """Each distinct URL's result (keyed without the fragment), from the cache when it
    holds a fresh enough definitive answer, else fetched. `want_ids`: the URLs whose
    HTML is to be read for its ids (fragments on). Safe to call from sync code, also
    while an event loop runs in this thread (it then runs in a thread of its own)."""
    wanted = list(dict.fromkeys(page_url(u) for u in urls))
    want_ids = {page_url(u) for u in (want_ids if want_ids is not None else
                                       (wanted if options.fragments else ()))}
    cache = _ResultCache(options)
    results: dict[str, LinkResult] = {}
    todo = []
    for url in wanted:
        hit = cache.get(url, url in want_ids)
        if hit is not None:
            results[url] = hit
        else:
            todo.append(url)
    done = [len(results)]
    total = len(wanted)
    if progress:
        progress("external links", done[0], total)

    def finished(url: str, result: LinkResult) -> None:
        results[url] = result
        done[0] += 1
        if progress:
            progress("external links", done[0], total)
    try:
        if todo:
            checker = _Checker(options)
            coro = checker.check_all(todo, want_ids, finished)
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                asyncio.run(coro)
            else:                        # called from async code: a loop of our own
                with concurrent.futures.ThreadPoolExecutor(1) as pool:
                    pool.submit(asyncio.run, coro).result()
    finally:                             # also after Ctrl-C: keep what was learnt
        cache.save({u: r for u, r in results.items() if not r.cached})
    return {u: results[u] for u in wanted if u in results}


# -- fetching -------------------------------------------------------------------------
class _Answer(Exception):
    """A chain of requests ended without an HTTP answer (kind and words: see LinkResult)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


class _Checker:
    def __init__(self, options: ExternalOptions):
        self.o = options
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.next_at: dict[str, float] = {}       # host -> earliest time of its next request

    async def check_all(self, urls: list[str], want_ids: set[str],
                        finished: Callable[[str, LinkResult], None]) -> None:
        import httpx                 # only imported when external links are checked
        self.all = asyncio.Semaphore(self.o.concurrency)     # made inside the running loop
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8",
                   **self.o.headers}
        limits = httpx.Limits(max_connections=self.o.concurrency,
                              max_keepalive_connections=self.o.concurrency)
        timeout = httpx.Timeout(self.o.timeout, pool=None)
        async with httpx.AsyncClient(headers=headers, timeout=timeout, limits=limits,
                                     follow_redirects=False) as client:
            self.client = client

            async def one(url: str) -> None:
                finished(url, await self.check(url, url in want_ids))
            await asyncio.gather(*(one(u) for u in urls))

    async def check(self, url: str, want_ids: bool) -> LinkResult:
        """One URL, with retries: after a 429 or 5xx, and after a network failure that
        may pass; waiting Retry-After when the server says, else 1 s, 2 s, 4 s..."""
        started = time.monotonic()
        attempt = 0
        while True:
            result, retry_after = await self.attempt(url, want_ids)
            retry = result.status in RETRY_STATUS or result.error in RETRY_ERRORS
            if not retry or attempt >= self.o.retries:
                break
            wait = retry_after if retry_after is not None else self.o.backoff * 2 ** attempt
            if wait > self.o.max_wait:
                result = dataclasses.replace(result, message=(
                    f"{result.message}; the server asked to wait {wait:.0f} s before trying "
                    f"again (Retry-After), longer than the {self.o.max_wait:.0f} s qa waits, "
                    "so it was not retried"))
                break
            host = urlsplit(url).hostname or ""
            # the whole host waits, not just this URL: the server asked for a pause
            self.next_at[host] = max(self.next_at.get(host, 0.0), time.monotonic() + wait)
            await asyncio.sleep(wait)
            attempt += 1
        if attempt and result.error:
            result = dataclasses.replace(result, message=f"{result.message} "
                                         f"({attempt + 1} attempts)")
        return dataclasses.replace(result, elapsed=time.monotonic() - started,
                                   attempts=attempt + 1, checked_at=time.time())

    async def attempt(self, url: str, want_ids: bool) -> tuple[LinkResult, float | None]:
        """HEAD (unless the body is wanted), then GET when HEAD was refused or failed."""
        if not want_ids:
            result, retry_after = await self.chain(url, "HEAD", False)
            fallback = result.status in HEAD_FALLBACK or result.error in ("reset", "other")
            if not fallback:
                return result, retry_after
        return await self.chain(url, "GET", want_ids)

    async def chain(self, url: str, method: str, want_ids: bool) -> tuple[LinkResult, float | None]:
        """Follow redirects by hand, recording each hop; at most MAX_REDIRECTS."""
        hops: list[tuple[int, str]] = []
        seen = {url}
        current = url
        try:
            while True:
                status, reason, headers, ctype, ids = await self.request(method, current, want_ids)
                location = headers.get("location")
                if status in REDIRECTS and location:
                    target = urljoin(current, location.strip()).split("#", 1)[0]
                    hops.append((status, target))
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        raise _Answer("other", f"redirects to \"{target}\", which is not a web address")
                    if target in seen:
                        loop = " → ".join([url] + [h[1] for h in hops])
                        raise _Answer("too-many-redirects", f"redirects in a loop: {loop}")
                    if len(hops) > MAX_REDIRECTS:
                        raise _Answer("too-many-redirects",
                                      f"redirects more than {MAX_REDIRECTS} times")
                    seen.add(target)
                    current = target      # (303 means GET next: HEAD and GET stay as they are)
                    continue
                words = f"HTTP {status}" + (f" {reason}" if reason else "")
                return LinkResult(url, status, current, tuple(hops), None, words,
                                  content_type=ctype, fragment_ids=ids), \
                    _retry_after(headers.get("retry-after"))
        except _Answer as a:
            return LinkResult(url, None, current, tuple(hops), a.kind, a.message), None
        except Exception as e:        # noqa: BLE001 - any failure is a result, never a crash
            kind, message = classify(e, self.o.timeout)
            return LinkResult(url, None, current, tuple(hops), kind, message), None

    async def request(self, method: str, url: str, want_ids: bool):
        """One request, within the host's and the run's limits and the host's rate; the
        body is read only for its ids (HTML, 2xx, up to max_body), else not at all."""
        host = (urlsplit(url).hostname or "").lower()
        sem = self.hosts.setdefault(host, asyncio.Semaphore(self.o.per_host))
        async with sem, self.all:         # the host's slot first: no run slot held waiting
            now = time.monotonic()
            at = max(now, self.next_at.get(host, 0.0))
            self.next_at[host] = at + 1.0 / self.o.rate
            if at > now:
                await asyncio.sleep(at - now)
            response = await self.client.send(self.client.build_request(method, url), stream=True)
            try:
                ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
                ids = None
                if want_ids and method == "GET" and 200 <= response.status_code < 300 and \
                        ctype in ("text/html", "application/xhtml+xml"):
                    ids = await self._ids(response)
                return (response.status_code, response.reason_phrase, response.headers, ctype, ids)
            finally:
                await response.aclose()

    async def _ids(self, response) -> frozenset[str] | None:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > self.o.max_body:
                return None           # a fragment past the limit would look missing: unknown
        return html_ids(bytes(body), response.headers.get("content-type", ""))


def html_ids(data: bytes, content_type: str = "") -> frozenset[str] | None:
    """Ids, and names of `<a name>`, in an HTML document (outside `<template>`, as
    broken-anchor has them); None when it cannot be parsed."""
    import lxml.html
    try:
        m = re.search(r"charset=([\w.:-]+)", content_type, re.I)
        parser = lxml.html.HTMLParser(encoding=m.group(1)) if m else None
        tree = lxml.html.document_fromstring(data, parser=parser)
    except Exception:            # noqa: BLE001 - unparsable, an unknown charset: unknown
        return None
    found = tree.xpath("//*[@id][not(ancestor::template)]/@id"
                       " | //a[@name][not(ancestor::template)]/@name")
    return frozenset(str(v) for v in found)


# -- the cache shared across runs ---------------------------------------------------------
class _ResultCache:
    """`external-links.json`: definitive results by URL (and the headers' hash, so that a
    run with a login does not take answers given to one without). Read once, written
    once at the end merged with whatever another run wrote meanwhile."""

    def __init__(self, options: ExternalOptions):
        self.o = options
        self.file = options.cache_file
        self.salt = hashlib.sha256(json.dumps(sorted(options.headers.items())).encode()
                                   ).hexdigest()[:16] if options.headers else ""
        self.entries = self._read() if self.file else {}

    def _key(self, url: str) -> str:
        return f"{self.salt} {url}" if self.salt else url

    def _read(self) -> dict[str, dict]:
        try:
            doc = json.loads(self.file.read_text("utf-8"))        # type: ignore[union-attr]
            if doc.get("format") == CACHE_FORMAT and isinstance(doc.get("entries"), dict):
                return doc["entries"]
        except (OSError, ValueError, AttributeError):   # missing, half-written by hand, foreign
            pass
        return {}

    def get(self, url: str, want_ids: bool) -> LinkResult | None:
        e = self.entries.get(self._key(url))
        try:
            if e is None or time.time() - float(e["checked_at"]) >= self.o.max_age:
                return None
            ids = e.get("fragment_ids")
            html = e.get("content_type") in ("text/html", "application/xhtml+xml")
            if want_ids and ids is None and html and 200 <= e["status"] < 300:
                return None                     # fetched with HEAD: its ids are not known
            return LinkResult(url, int(e["status"]), str(e["final_url"]),
                              tuple((int(s), str(u)) for s, u in e["redirects"]), None,
                              str(e["message"]), float(e["elapsed"]), float(e["checked_at"]),
                              str(e.get("content_type", "")),
                              frozenset(map(str, ids)) if ids is not None else None,
                              cached=True)
        except (KeyError, TypeError, ValueError):       # an entry of another shape: a miss
            return None

    def save(self, fresh: dict[str, LinkResult]) -> None:
        if not self.file:
            return
        new = {self._key(u): _entry(r) for u, r in fresh.items() if r.definitive}
        if not new:
            return
        merged = self._read()                            # what other runs wrote meanwhile
        now = time.time()
        merged = {k: v for k, v in merged.items() if isinstance(v, dict)
                  and isinstance(v.get("checked_at"), (int, float)) and now - v["checked_at"] < CACHE_KEEP}
        merged.update(new)
        try:
            if not self.file.parent.is_dir():     # as qa.cache: git passes the folder over
                self.file.parent.mkdir(parents=True, exist_ok=True)
                (self.file.parent / ".gitignore").write_text(
                    "# made by qa: the cache of `qa check`\n*\n")
            replace_file(self.file, json.dumps({"format": CACHE_FORMAT, "entries": merged},
                                               sort_keys=True).encode("utf-8"))
        except OSError:                  # a read-only folder: run without the cache
            pass


def _entry(r: LinkResult) -> dict:
    return {"status": r.status, "final_url": r.final_url, "redirects": [list(h) for h in r.redirects],
            "message": r.message, "elapsed": round(r.elapsed, 3), "checked_at": r.checked_at,
            "content_type": r.content_type,
            "fragment_ids": sorted(r.fragment_ids) if r.fragment_ids is not None else None}
