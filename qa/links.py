"""The references a page makes: which attributes of which elements hold URLs (links,
embedded content, srcset candidates), as the link rules check them and the crawler
follows them."""
from __future__ import annotations

from qa.sources import ASCII_WS as _ASCII_WS, clean


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


def references(page):
    """(element, what it is called in messages, reference) for every local-looking reference."""
    for el in page.elements(*_ATTRS):
        tag = el.tag.lower()
        if tag == "input" and el.get("type", "").strip().lower() != "image":
            continue
        rel = set(el.get("rel", "").lower().split())
        if tag == "link" and rel & {"dns-prefetch", "preconnect"}:   # an origin, not a file
            continue
        for attr in _ATTRS[tag]:
            value = el.get(attr)
            for ref in (srcset_urls(value) if attr == "srcset" else [value]) if value else ():
                if clean(ref):
                    yield el, _noun(el, tag, attr, rel), clean(ref)


def _noun(el, tag: str, attr: str, rel: set[str]) -> str:
    if attr == "poster":
        return "poster image"
    if tag == "source":
        parent = el.getparent()
        return _NOUNS.get(parent.tag.lower() if parent is not None else "", "image")
    if tag == "link":
        return "stylesheet" if "stylesheet" in rel else "link to"
    return _NOUNS.get(tag, "link to")
