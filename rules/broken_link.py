"""A link or embedded file points to a local file that does not exist.

A page that was moved or renamed leaves its links leading to a "not found" error, and a
missing image, stylesheet, script or video leaves a hole in the page. A reference that
climbs out of the site folder (`../../`) will not work once the site is published, and
one that is not a valid URL at all (`https://[2001:db8::1/`) works nowhere. Every
occurrence is reported at its own line. Links to other websites (http and https), email
addresses, phone numbers and `data:` URLs are not checked. Option `ignore`: patterns of
references to skip, matched against the reference as written or its path from the site
root (`/docs/*`); globs, or a regular expression when prefixed `re:`. A `<link>` in the
head that no visitor follows (`rel="alternate"`, `author`, `rev="made"`: for feeds and
robots) is at most a warning; stylesheets, icons, the manifest and preloads are not.
Every broken reference names its cause (the missing file), so that 1,451 links to one
missing file are one problem in the reports.

Bad:
    <!doctype html><html lang="en"><title>Clinics</title><main><h1>Clinics</h1>
    <p><a href="cardiology-2019.html">Cardiology</a></p></main></html>
Good:
    <!doctype html><html lang="en"><title>Clinics</title><main><h1>Clinics</h1>
    <p><a href="#contact">Contact us</a> or visit
    <a href="https://example.org/">our partner</a>.</p><h2 id="contact">Contact</h2></main></html>
"""
from __future__ import annotations

import fnmatch
import re

from qa.names import shorten
from qa.sources import ASCII_WS as _ASCII_WS, clean, document_base

ID = "broken-link"
SCOPE = "page"
SEVERITY = "error"
TAGS = ("best-practice",)
CONF = {"ignore": list}
DEFAULT: dict = {"ignore": []}
WHY = ("Visitors who follow a broken link reach an error page instead of the information "
       "they need, and a missing image or video leaves a gap in the page.")
FIX = ("Correct the address to point at the page or file as it is named now, upload the "
       "missing file, or remove the link.")
HELP_URL = "https://www.w3.org/Provider/Style/URI"

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


def _matchers(patterns: list) -> list:
    try:
        return [re.compile(p[3:]).search if p.startswith("re:") else
                re.compile(fnmatch.translate(p)).match for p in map(str, patterns)]
    except re.error as e:
        raise ValueError(f'invalid pattern in "ignore" of rule "{ID}": {e}') from None


def validate(conf) -> None:
    """Called when the config loads: a bad pattern is a config error (exit 2), not a
    failure on every page."""
    _matchers(conf.get("ignore", []))


def check(page, conf):
    base = document_base(page)
    ignored = _matchers(conf.get("ignore", []))
    for el, noun, ref in references(page) if base is not None else ():
        target = page.site.resolve(base, ref)
        if target.kind not in ("page", "outside", "invalid") or \
                any(m(ref) or m("/" + target.url.lstrip("/")) for m in ignored):
            continue
        # a <link> only machines follow (rel=alternate, author, made...): no visitor
        # meets it, so at most a warning; stylesheets, icons and preloads are seen
        unseen = el.tag.lower() == "link" and not (_rels(el) & _SEEN_RELS)
        severity = "warning" if unseen else ""
        if target.kind == "invalid":
            yield page.finding(el, f'{noun} "{shorten(ref, 100)}" is not a valid URL ({target.url})',
                               severity=severity, cause=f'invalid URL "{shorten(ref, 100)}"',
                               subject=ref)
        elif target.kind == "outside":
            yield page.finding(el, f'{noun} "{shorten(ref, 100)}" leaves the site root',
                               severity=severity, subject=ref,
                               cause=f'outside the site root: "{shorten(target.url, 100)}"')
        elif not page.site.exists(target):
            yield page.finding(el, f'{noun} "{shorten(ref, 100)}" does not exist',
                               severity=severity, subject=ref,
                               cause=f'missing file "{shorten(target.url, 100)}"')


# rel values whose target a visitor meets (styles, icons, an installed app, resources
# the page loads); every other <link> is for machines (feeds, canonical, author, made)
_SEEN_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
              "mask-icon", "manifest", "preload", "modulepreload", "prefetch", "prerender"}


def _rels(el) -> set[str]:
    return set((el.get("rel") or "").lower().split()) | \
        ({"made"} if el.get("rev") else set())
