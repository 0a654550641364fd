"""Sitemaps: the list of pages a running site says it has (`--sitemap URL|FILE`).

A sitemap is a `<urlset>` of page URLs or a `<sitemapindex>` of further sitemaps
(https://www.sitemaps.org/protocol.html), possibly gzip-compressed, or a plain-text file
of one URL a line. It comes from the site being checked, so it is read as untrusted
input:

- gzip is recognised by its magic bytes (not by the name) and decompressed in bounded
  steps, so a small file that inflates to gigabytes (a gzip bomb) stops at the limit
  instead of filling the memory;
- the XML is parsed with no entity expansion, no external entities, no DTD loading and no
  network, and a document whose DOCTYPE declares any entity at all (billion laughs, XXE
  reading `file:///etc/passwd` or fetching a URL) is refused outright: no sitemap needs one;
- sizes are bounded: 50 MiB uncompressed and 50,000 URLs a file, as sitemaps.org sets,
  and a number of sitemaps for an index (nested indexes and loops included).

Elements are matched by their local names, so a sitemap with no namespace or an old or
wrong one (Google's 0.84) reads as well as one in the sitemaps.org namespace. A `<loc>`
must be an absolute http(s) URL (sitemaps.org): it is taken as given, whitespace
stripped, and one that is not is skipped with a problem: nothing is resolved against the
sitemap's own address.

What the lead's crawler sees: `parse` reads one file, `read_all` follows an index.
Fatal troubles raise SitemapError; lesser ones are `problems`, plain sentences for the
editor reading the report.
"""
from __future__ import annotations

import codecs
import re
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from lxml import etree

MAX_BYTES = 50 * 1024 * 1024       # sitemaps.org: 50 MB uncompressed
MAX_URLS = 50_000                  # per sitemap file (sitemaps.org)
MAX_SITEMAPS = 1000                # sitemaps read_all reads, the start included
MAX_TOTAL = 1_000_000              # page URLs read_all returns, over all the sitemaps
MAX_LOC_PROBLEMS = 20              # skipped <loc>s told one by one, per file; then a count

_GZIP_MAGIC = b"\x1f\x8b"
_STEP = 1024 * 1024                # bytes inflated at a time
# An entity declaration, in the encodings an XML document is found in without a BOM
# telling otherwise (UTF-8 and its ASCII-compatible kin, UTF-16 either way round). Looked
# for before parsing so a billion-laughs document is refused in words, not by libxml2's
# amplification guard; the parsed DOCTYPE is checked too.
_ENTITY_DECL = re.compile(b"|".join(re.escape("<!ENTITY".encode(c))
                                    for c in ("ascii", "utf-16-le", "utf-16-be")))
_SPACE = " \t\n\r\f\v"
_SHOWN = 120                       # characters of a bad value quoted in a message


class SitemapError(Exception):
    """A sitemap that cannot be read at all; the message says which and why, in words."""


@dataclass(frozen=True)
class Sitemap:
    """What one sitemap file lists."""
    urls: list[str] = field(default_factory=list)       # <urlset><url><loc>: absolute, in order, once each
    sitemaps: list[str] = field(default_factory=list)   # <sitemapindex><sitemap><loc>
    problems: list[str] = field(default_factory=list)   # non-fatal, in plain words


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        mib = n / (1024 * 1024)
        return f"{mib:.0f} MiB" if mib == int(mib) else f"{mib:.1f} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"


def _shown(text: str) -> str:
    text = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


def _gunzip(data: bytes, where: str, max_bytes: int) -> bytes:
    """The data inflated, refused once it passes max_bytes: inflated a step at a time
    (max_length), so a gzip bomb costs at most max_bytes of memory, never its full size.
    Concatenated gzip members (what `cat a.gz b.gz` makes) are read one after another."""
    out: list[bytes] = []
    total = 0
    rest = data
    try:
        while True:
            d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            pending = rest
            while not d.eof:
                chunk = d.decompress(pending, min(_STEP, max_bytes + 1 - total))
                total += len(chunk)
                if total > max_bytes:
                    raise SitemapError(f'sitemap "{where}" decompresses to more than '
                                       f'{_size(max_bytes)} (the limit); not read')
                out.append(chunk)
                pending = d.unconsumed_tail
                if not pending and not chunk and not d.eof:
                    raise SitemapError(f'sitemap "{where}" is gzip data that is cut off '
                                       f'before its end')
            rest = d.unused_data
            if not rest.startswith(_GZIP_MAGIC):
                break                           # trailing padding after the last member: ignored
    except zlib.error as e:
        raise SitemapError(f'sitemap "{where}" is damaged gzip data ({e})') from None
    return b"".join(out)


def _is_page_url(text: str) -> bool:
    """An absolute http(s) URL with a host, and no space or control character in it."""
    if not text or any(c.isspace() or not c.isprintable() for c in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:                  # an unclosed IPv6 bracket, say
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _as_text(data: bytes) -> list[str] | None:
    """The URLs of a plain-text sitemap (UTF-8, one URL a line), or None when the data
    is not one: not UTF-8, no line at all, or a line that is not an http(s) URL."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data.lstrip(_SPACE.encode())[:6].lower().startswith((b"http:", b"https:")):
        return None                     # XML, or anything else: not worth decoding
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = []
    for line in text.splitlines():
        line = line.strip(_SPACE)
        if line:
            if not _is_page_url(line):
                return None
            lines.append(line)
    return lines


def _local(el: etree._Element) -> str | None:
    """The element's name without its namespace; None for comments and PIs."""
    tag = el.tag
    if not isinstance(tag, str):
        return None
    return tag.rpartition("}")[2]


def _entities(where: str) -> SitemapError:
    return SitemapError(f'sitemap "{where}" declares XML entities in a DOCTYPE; a sitemap '
                        f'needs none, and they can read local files or expand without '
                        f'end, so it is not read')


def _looks_xml(data: bytes) -> bool:
    """Whether the data starts as XML does (`<`, in UTF-8 or UTF-16/32, maybe a BOM): a
    parse error then means broken XML, not some other kind of file."""
    return data.lstrip(_SPACE.encode()).startswith(
        (b"<", b"\x00<", b"<\x00", b"\x00\x00\x00<", codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
         codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE))


def _parse_xml(data: bytes, where: str) -> etree._Element:
    if _ENTITY_DECL.search(data):
        raise _entities(where)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, dtd_validation=False, remove_comments=True,
                             remove_pis=True, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        msg = str(e.msg or e).strip()
        if "entity amplification" in msg:     # libxml2's guard, for what the scan missed
            raise _entities(where) from None
        if not _looks_xml(data):
            raise SitemapError(f'sitemap "{where}" is neither XML nor a plain-text list '
                               f'of http(s) URLs: {msg}') from None
        raise SitemapError(f'sitemap "{where}" is not XML: {msg}') from None
    except (etree.LxmlError, ValueError) as e:
        raise SitemapError(f'sitemap "{where}" is not XML: {e}') from None
    if root is None:
        raise SitemapError(f'sitemap "{where}" is not XML: there is no element in it')
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _entities(where)
    return root


def _locs(root: etree._Element, item: str) -> list[str]:
    """The <loc> of each <item> child of the root (the first <loc> if it has several),
    whitespace stripped, in document order. Only direct children count: an
    `<image:loc>` inside an `<image:image>` is an image, not a page."""
    found = []
    for child in root:
        if _local(child) != item:
            continue
        for loc in child:
            if _local(loc) == "loc":
                found.append("".join(loc.itertext()).strip(_SPACE))
                break
    return found


def _keep(locs: list[str], where: str, what: str, max_urls: int,
          problems: list[str]) -> list[str]:
    """The page URLs among locs, once each, at most max_urls; what is skipped is told."""
    kept: list[str] = []
    seen: set[str] = set()
    bad = twice = over = 0
    for loc in locs:
        if not _is_page_url(loc):
            bad += 1
            if bad <= MAX_LOC_PROBLEMS:
                problems.append(f'sitemap "{where}": the {what} "{_shown(loc)}" is not an '
                                f'absolute http(s) URL; skipped' if loc else
                                f'sitemap "{where}": a {what} is empty; skipped')
            continue
        if loc in seen:
            twice += 1
            continue
        if len(kept) >= max_urls:
            over += 1
            continue
        seen.add(loc)
        kept.append(loc)
    if bad > MAX_LOC_PROBLEMS:
        problems.append(f'sitemap "{where}": {bad - MAX_LOC_PROBLEMS} more {what}s that '
                        f'are not absolute http(s) URLs were skipped')
    if twice:
        problems.append(f'sitemap "{where}" lists {twice} {what}'
                        f'{"s" if twice > 1 else ""} more than once; each is read once')
    if over:
        problems.append(f'sitemap "{where}" lists more than {max_urls:,} {what}s (the '
                        f'limit for one file); the first {max_urls:,} are read, '
                        f'{over:,} more are not')
    return kept


def parse(data: bytes, where: str, *, max_bytes: int = MAX_BYTES,
          max_urls: int = MAX_URLS) -> Sitemap:
    """One sitemap file's bytes (gzip or not; XML or plain text) read into what it
    lists. `where` names it in messages (its URL or path). Raises SitemapError when it
    cannot be read at all: too big, not a sitemap, unsafe."""
    if len(data) > max_bytes:
        raise SitemapError(f'sitemap "{where}" is {_size(len(data))}, over the '
                           f'{_size(max_bytes)} limit; not read')
    if data.startswith(_GZIP_MAGIC):
        data = _gunzip(data, where, max_bytes)
    if not data.strip(_SPACE.encode()):
        raise SitemapError(f'sitemap "{where}" is empty')
    problems: list[str] = []
    lines = _as_text(data)
    if lines is not None:
        return Sitemap(urls=_keep(lines, where, "URL", max_urls, problems), problems=problems)
    root = _parse_xml(data, where)
    kind = _local(root)
    if kind == "urlset":
        return Sitemap(urls=_keep(_locs(root, "url"), where, "<loc>", max_urls, problems),
                       problems=problems)
    if kind == "sitemapindex":
        return Sitemap(sitemaps=_keep(_locs(root, "sitemap"), where, "sitemap <loc>",
                                      max_urls, problems), problems=problems)
    raise SitemapError(f'sitemap "{where}" is not a sitemap: its root element is '
                       f'<{_shown(str(kind))}>, not <urlset> or <sitemapindex>')


def read_all(start: str, fetch: Callable[[str], bytes], *, max_sitemaps: int = MAX_SITEMAPS,
             max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES,
             max_total: int = MAX_TOTAL) -> tuple[list[str], list[str]]:
    """The page URLs of the sitemap at `start` and of every sitemap its index lists
    (nested indexes too), in order and once each, with the problems met on the way.

    Sitemaps are read breadth-first, each location once (so an index that lists itself,
    or A -> B -> A, ends), at most max_sitemaps of them and max_total page URLs in all;
    max_urls and max_bytes bound each file. `fetch(location)` gives a sitemap's raw
    bytes (gzip or not) or raises SitemapError or OSError: the start failing raises
    SitemapError; a child failing is a problem, and the others are still read."""
    urls: list[str] = []
    seen_urls: set[str] = set()
    problems: list[str] = []
    queue: deque[str] = deque([start])
    queued: set[str] = {start}
    # what is queued past max_sitemaps is never read, only counted for the problem: so
    # many are kept for that (a file's worth), any beyond are not even remembered
    keep = max_sitemaps + max_urls
    beyond = 0
    read = 0
    while queue:
        where = queue.popleft()
        if read >= max_sitemaps:
            more = (f"more than {len(queue) + 1:,}" if beyond else f"{len(queue) + 1:,} more")
            problems.append(f'stopped after reading {max_sitemaps:,} sitemaps (the limit); '
                            f'{more} listed were not read')
            break
        if len(urls) >= max_total:
            more = (f"more than {len(queue) + 1:,}" if beyond else f"{len(queue) + 1:,} more")
            problems.append(f'stopped at {max_total:,} page URLs (the limit); '
                            f'{more} sitemaps listed were not read')
            break
        read += 1
        try:
            try:
                data = fetch(where)
            except OSError as e:
                raise SitemapError(f'sitemap "{where}" could not be read: '
                                   f'{e.strerror or e}') from None
            found = parse(data, where, max_bytes=max_bytes, max_urls=max_urls)
        except SitemapError as e:
            if read == 1:               # the start itself
                raise
            problems.append(str(e))
            continue
        problems.extend(found.problems)
        for url in found.urls:
            if url not in seen_urls:
                if len(urls) >= max_total:
                    problems.append(f'stopped at {max_total:,} page URLs (the limit); '
                                    f'the rest of sitemap "{where}" was not read')
                    queue.clear()
                    break
                seen_urls.add(url)
                urls.append(url)
        for child in found.sitemaps:
            if child not in queued:
                if len(queued) >= keep:
                    beyond += 1
                    continue
                queued.add(child)
                queue.append(child)
    return urls, problems
