"""One HTTP request as the crawler makes it (httpx, asyncio): redirects followed by hand so
that each hop is recorded, 429/503 retried as Retry-After says, the body read only when it
is wanted and never past a size limit (counted after decompression: a gzip bomb stops at
the limit), and every network failure told in words (timeout, DNS, TLS, reset, refused),
never raised.

Credentials (`--header`, `--cookie`, basic auth from an environment variable) go only to
the hosts of the site being checked, never along a redirect to another host, and never
into a message: a URL's user:password part is taken out before it is shown anywhere.
"""
from __future__ import annotations

import asyncio
import email.utils
import os
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from qa import __version__

USER_AGENT = f"qa-linter/{__version__} (accessibility and link checker)"
MAX_REDIRECTS = 10
RETRY_CAP = 30.0          # seconds: a longer Retry-After is given up on, and said so


@dataclass(frozen=True)
class Answer:
    """What one URL gave, after redirects (and retries)."""
    url: str                                # asked for
    final: str                              # where the redirects ended
    status: int | None = None               # the final response's; None: no response
    reason: str = ""                        # "Not Found"
    content_type: str | None = None
    redirects: tuple[tuple[int, str], ...] = ()     # (status, location) for each hop
    error: str | None = None                # timeout, dns, tls, reset, refused, redirect-loop,
                                            # too-many-redirects, too-big, bad-encoding, other
    message: str = ""                       # the error in words
    body: bytes | None = None               # only when wanted and whole
    seconds: float = 0.0
    left: bool = False                      # a redirect led off the site: not followed

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400

    def describe(self) -> str:
        """Why the URL does not work, in words: "HTTP 404 Not Found", "timed out..."."""
        if self.error:
            return self.message
        return f"HTTP {self.status}" + (f" {self.reason}" if self.reason else "")


@dataclass(frozen=True)
class Credentials:
    """What a site behind a login needs: sent only to `hosts`."""
    # never shown: not in repr (a traceback, a config dump)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    cookies: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    basic: tuple[str, str] | None = field(default=None, repr=False)
    hosts: frozenset[str] = frozenset()

    def secrets(self) -> list[str]:
        """Every value that must never be shown (for a last check of the messages)."""
        out = [v for _, v in self.headers] + [v for _, v in self.cookies]
        if self.basic:
            out += [self.basic[1], f"{self.basic[0]}:{self.basic[1]}"]
        return [s for s in out if len(s) >= 4]


def credentials(headers: list[str], cookies: list[str], auth_env: str | None,
                hosts: set[str]) -> Credentials:
    """From the flags; raises ValueError naming the flag for a malformed one."""
    hs = []
    for h in headers:
        name, sep, value = h.partition(":")
        if not sep or not name.strip() or any(c in name for c in " \t\r\n"):
            raise ValueError('--header: give "Name: value" (a header name, a colon, its value)')
        hs.append((name.strip(), value.strip()))
    cs = []
    for c in cookies:
        name, sep, value = c.partition("=")
        if not sep or not name.strip():
            raise ValueError('--cookie: give "name=value"')
        cs.append((name.strip(), value.strip()))
    basic = None
    if auth_env:
        value = os.environ.get(auth_env)
        if value is None:
            raise ValueError(f"--auth-env: the environment variable {auth_env} is not set")
        user, sep, password = value.partition(":")
        if not sep:
            raise ValueError(f'--auth-env: {auth_env} must hold "user:password"')
        basic = (user, password)
    return Credentials(tuple(hs), tuple(cs), basic, frozenset(h.lower() for h in hosts))


def shown(url: str) -> str:
    """The URL as it may be shown: without a user:password part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def client(concurrency: int, timeout: float) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max(concurrency, 1), max_keepalive_connections=max(concurrency, 1))
    # no proxy from the environment: a site on loopback must be reached directly, and a
    # check never sends a site's pages through a machine nobody named
    return httpx.AsyncClient(follow_redirects=False, timeout=httpx.Timeout(timeout),
                             limits=limits, trust_env=False,
                             headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})


def failure(e: BaseException, timeout: float) -> tuple[str, str]:
    """(kind, plain words) for a request that got no answer, from the exception and its
    causes (httpx wraps httpcore wraps the OSError): timeout, dns, tls, refused, reset,
    bad-encoding or other. The crawl and the external-link check share it."""
    chain: list[BaseException] = []
    cur: BaseException | None = e
    while cur is not None and len(chain) < 20:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    if isinstance(e, httpx.TimeoutException):
        what = "connecting" if isinstance(e, httpx.ConnectTimeout) else "waiting for an answer"
        return "timeout", f"timed out after {timeout:g} s {what}"
    if isinstance(e, httpx.DecodingError):
        return "bad-encoding", f"the response could not be decompressed ({e})"
    for c in chain:
        if isinstance(c, socket.gaierror):
            return "dns", "host not found (DNS)"
        if isinstance(c, ssl.SSLCertVerificationError):
            return "tls", f"TLS certificate problem: {c.verify_message or c.reason or c}"
        if isinstance(c, ssl.SSLError):
            return "tls", f"TLS problem: {c.reason or c}"
        if isinstance(c, ConnectionRefusedError):
            return "refused", "connection refused (nothing listens at that address)"
        if isinstance(c, ConnectionResetError):
            return "reset", "connection reset by the server"
    if isinstance(e, (httpx.RemoteProtocolError, httpx.ReadError)):
        return "reset", f"the server closed the connection without a proper answer ({e})"
    if isinstance(e, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "other", f"not a valid web address ({e})"
    return "other", f"request failed: {type(e).__name__}: {e}".rstrip(": ")


def retry_after_header(value: str | None) -> float | None:
    """Retry-After: seconds, or an HTTP date (RFC 9110); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait before the next try: Retry-After, else exponential backoff."""
    wait = retry_after_header(value)
    return wait if wait is not None else min(2.0 ** attempt * 0.5, RETRY_CAP)


async def get(http: httpx.AsyncClient, url: str, *, creds: Credentials | None = None,
              follow: Callable[[str], bool] = lambda u: True,
              want_body: Callable[[str | None], bool] = lambda ct: False,
              max_bytes: int = 10 * 1024 * 1024, retries: int = 2, timeout: float = 30.0,
              gate: Callable[[str], asyncio.Semaphore] | None = None,
              retry_cap: float = RETRY_CAP) -> Answer:
    """GET `url`, following redirects that `follow(url)` allows (others end the chain,
    `left`), retrying 429 and 503 up to `retries` times. The body is read when
    `want_body(content_type)` says so, up to `max_bytes` after decompression."""
    started = time.monotonic()
    hops: list[tuple[int, str]] = []
    seen = {url}
    current = url
    attempt = 0
    while True:
        try:
            if gate is not None:
                async with gate(current):
                    res = await _one(http, current, creds, want_body, max_bytes)
            else:
                res = await _one(http, current, creds, want_body, max_bytes)
        except (httpx.HTTPError, OSError, ssl.SSLError) as e:
            kind, words = failure(e, timeout)
            if kind in ("timeout", "reset") and attempt < retries and not hops:
                attempt += 1
                await asyncio.sleep(retry_after(None, attempt))
                continue
            return Answer(url, current, error=kind, message=words, redirects=tuple(hops),
                          seconds=time.monotonic() - started)
        status, reason, ctype, location, wait, body, problem = res
        if status in (429, 503) and attempt < retries:
            delay = retry_after(wait, attempt)
            if delay <= retry_cap:
                attempt += 1
                await asyncio.sleep(delay)
                continue
            return Answer(url, current, status, reason, ctype, tuple(hops), "other",
                          f"HTTP {status}: the server asks to wait {delay:.0f} s (Retry-After), "
                          f"longer than qa waits ({retry_cap:g} s)", seconds=time.monotonic() - started)
        if 300 <= status < 400 and location is not None:
            nxt = shown(urljoin(current, location)).split("#", 1)[0]
            hops.append((status, nxt))
            if nxt in seen:
                return Answer(url, nxt, status, reason, ctype, tuple(hops), "redirect-loop",
                              "redirects in a loop (" + " → ".join([shown(url)] + [u for _, u in hops]) + ")",
                              seconds=time.monotonic() - started)
            if len(hops) > MAX_REDIRECTS:
                return Answer(url, nxt, status, reason, ctype, tuple(hops), "too-many-redirects",
                              f"more than {MAX_REDIRECTS} redirects", seconds=time.monotonic() - started)
            seen.add(nxt)
            if not follow(nxt):
                return Answer(url, nxt, status, reason, ctype, tuple(hops), left=True,
                              seconds=time.monotonic() - started)
            current, attempt = nxt, 0
            continue
        if problem:
            kind, words = problem
            return Answer(url, current, status, reason, ctype, tuple(hops), kind, words,
                          seconds=time.monotonic() - started)
        return Answer(url, current, status, reason, ctype, tuple(hops), body=body,
                      seconds=time.monotonic() - started)


async def _one(http, url, creds, want_body, max_bytes):
    headers, cookies, auth = {}, None, None
    if creds is not None and (urlsplit(url).netloc or "").lower() in creds.hosts:
        headers = dict(creds.headers)
        if creds.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in creds.cookies)
        if creds.basic:
            auth = httpx.BasicAuth(*creds.basic)
    async with http.stream("GET", url, headers=headers, cookies=cookies, auth=auth) as r:
        ctype = r.headers.get("content-type")
        location = r.headers.get("location")
        body, problem = None, None
        if not (300 <= r.status_code < 400 and location) and r.status_code < 400 and want_body(ctype):
            size = r.headers.get("content-length", "")
            if size.isdigit() and int(size) > max_bytes:
                problem = ("too-big", f"the page is {int(size) / 1048576:.1f} MiB, over the "
                           f"{max_bytes / 1048576:.0f} MiB limit (max-page-size); not checked")
            else:
                chunks, total = [], 0
                async for chunk in r.aiter_bytes():      # decompressed as it comes
                    total += len(chunk)
                    if total > max_bytes:
                        problem = ("too-big", f"the page is over the {max_bytes / 1048576:.0f} MiB "
                                   "limit (max-page-size) once decompressed; not checked")
                        break
                    chunks.append(chunk)
                if problem is None:
                    body = b"".join(chunks)
        return (r.status_code, r.reason_phrase, ctype, location, r.headers.get("retry-after"),
                body, problem)


@dataclass
class HostGate:
    """At most `per_host` requests at a time to each host."""
    per_host: int
    _sems: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def __call__(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).netloc or "").lower()
        sem = self._sems.get(host)
        if sem is None:
            sem = self._sems[host] = asyncio.Semaphore(max(1, self.per_host))
        return sem
