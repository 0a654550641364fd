"""The references a page makes: which attributes of which elements hold URLs (links,
embedded content, srcset candidates), as the link rules check them and the crawler
follows them."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from qa.sources import ASCII_WS as _ASCII_WS, Target, clean, document_base


# which attributes hold references, per element (HTML: links, embedded content, srcset)
_ATTRS = {"a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"),
          "source": ("src", "srcset"), "script": ("src",), "iframe": ("src",),
          "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
          "embed": ("src",), "object": ("data",), "input": ("src",)}
_NOUNS = {"img": "image", "input": "image", "picture": "image", "script": "script",
          "iframe": "frame", "video": "video", "audio": "audio", "track": "text track",
          "embed": "embedded file", "object": "embedded file"}


def srcset_urls(value: str) -> list[str]:
    """The URL of each image candidate (HTML: "parse a srcset attribute")."""
    urls, pos, n = [], 0, len(value)
    while pos < n:
        while pos < n and value[pos] in _ASCII_WS + ",":
            pos += 1
        start = pos
        while pos < n and value[pos] not in _ASCII_WS:
            pos += 1
        url = value[start:pos]
        if url.endswith(","):           # "a.png," ends the candidate, no descriptors
            url = url.rstrip(",")
        else:                           # skip descriptors up to a comma outside parens
            depth = 0
            while pos < n and (value[pos] != "," or depth):
                depth += {"(": 1, ")": -1 if depth else 0}.get(value[pos], 0)
                pos += 1
        if url:
            urls.append(url)
    return urls


_NO_REL: frozenset[str] = frozenset()


def references(page):
    """(element, what it is called in messages, reference) for every local-looking reference."""
    for el in page.elements(*_ATTRS):
        tag = el.tag.lower()
        if tag == "input" and el.get("type", "").strip().lower() != "image":
            continue
        rel = _NO_REL
        if tag == "link":
            rel = set(el.get("rel", "").lower().split())
            if rel & {"dns-prefetch", "preconnect"}:        # an origin, not a file
                continue
        for attr in _ATTRS[tag]:
            value = el.get(attr)
            for ref in (srcset_urls(value) if attr == "srcset" else [value]) if value else ():
                ref = clean(ref)
                if ref:
                    yield el, _noun(el, tag, attr, rel), ref


def _noun(el, tag: str, attr: str, rel: set[str]) -> str:
    if attr == "poster":
        return "poster image"
    if tag == "source":
        parent = el.getparent()
        return _NOUNS.get(parent.tag.lower() if parent is not None else "", "image")
    if tag == "link":
        return "stylesheet" if "stylesheet" in rel else "link to"
    return _NOUNS.get(tag, "link to")


@dataclass(frozen=True, slots=True)
class Link:
    """One reference of a page, resolved once: every link rule reads the same list."""
    el: Any
    noun: str                   # what it is called in messages ("image", "link to")
    ref: str                    # as written, cleaned
    target: Target | None       # None: the page's references are not local (see document_base)


def links(page) -> list[Link]:
    """Every reference of `page` (as `references` gives them, in document order), each
    resolved against the page's base: made once per page and kept on it."""
    found = page.__dict__.get("_qa_links")
    if found is None:
        base = document_base(page) if page.site is not None else None
        if base is None:
            found = [Link(el, noun, ref, None) for el, noun, ref in references(page)]
        else:
            resolve = page.site.resolve
            found = [Link(el, noun, ref, resolve(base, ref)) for el, noun, ref in references(page)]
        page.__dict__["_qa_links"] = found
    return found


def digest(a: str, b: str) -> int:
    """A 64-bit digest of two strings (a page's url and an id in it, a link's text and its
    target): what site-wide joins keep instead of the strings, 8 bytes apiece. Stable
    across processes, so --jobs workers agree with the parent."""
    d = hashlib.blake2b(f"{a}\0{b}".encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(d.digest(), "little", signed=True)
