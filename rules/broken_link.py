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
missing file are one problem in the reports. On a running site (`qa check https://...`)
the crawl's answer decides: 4xx and 5xx, a redirect loop or too many redirects are
broken; a chain of two or more redirects is a warning (link to where it ends); a
timeout, a reset connection, or 429/503 still after the retries is a warning that says
which, since the next try may work.

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
from qa.links import links, references, srcset_urls  # noqa: F401 - part of this rule's API

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
    ignored = _matchers(conf.get("ignore", []))
    for link in links(page):
        el, noun, ref, target = link.el, link.noun, link.ref, link.target
        if target is None or target.kind not in ("page", "outside", "invalid") or \
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
            answer = page.site.broken(target) if page.site.serves_urls else None
            if answer is None:
                yield page.finding(el, f'{noun} "{shorten(ref, 100)}" does not exist',
                                   severity=severity, subject=ref,
                                   cause=f'missing file "{shorten(target.url, 100)}"')
            else:       # on a server: what it answered (a network failure: a warning)
                where = shorten(page.site.full(target.requested or target.url), 100)
                yield page.finding(el, f'{noun} "{shorten(ref, 100)}" is broken ({answer.describe()})',
                                   severity=severity or _severity(answer),
                                   subject=ref, cause=f'{_short(answer)} at "{where}"')
        elif page.site.serves_urls and len(hops := page.site.redirects(target)) >= 2:
            chain = " → ".join(shorten(u, 60) for _, u in hops)
            yield page.finding(el, f'{noun} "{shorten(ref, 100)}" goes through {len(hops)} '
                               f"redirects ({chain}); link to where they end",
                               severity="warning", subject=ref,
                               cause=f'redirect chain from "{shorten(target.requested, 100)}"')


_BROKEN = ("redirect-loop", "too-many-redirects", "bad-encoding")   # never works, not a hiccup


def _severity(answer) -> str:
    """An answer that may work on the next try (a timeout, a reset, 429 or 503 after the
    retries) is at most a warning; one that never works is the rule's severity."""
    if answer.status is None and answer.error not in _BROKEN or answer.status in (429, 503):
        return "warning"
    return ""


def _short(answer) -> str:
    """The answer as a cause: "HTTP 404", "redirect-loop", "timeout"."""
    return f"HTTP {answer.status}" if answer.error is None else answer.error


# rel values whose target a visitor meets (styles, icons, an installed app, resources
# the page loads); every other <link> is for machines (feeds, canonical, author, made)
_SEEN_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
              "mask-icon", "manifest", "preload", "modulepreload", "prefetch", "prerender"}


def _rels(el) -> set[str]:
    return set((el.get("rel") or "").lower().split()) | \
        ({"made"} if el.get("rev") else set())
