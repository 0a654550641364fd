"""A link that goes nowhere: `href="#"`, `href=""` or a `javascript:` address.

Such a link is announced as a link but takes the visitor nowhere (it only reloads the
page or jumps to its top), or only works when a script runs. A link must lead somewhere
(WCAG 2.4.4); an action such as "Print" or "Open menu" belongs on a `<button>`. A
"Back to top" link with `href="#"` is fine: the HTML standard makes `#` go to the top.
An `<a>` without `href` is not a link and is not reported.

A link to the page it is on is not a placeholder either: `href="#"` or `href=""` on a
link that names or marks the current page leads where it says. That is a link with
`aria-current` (the WAI breadcrumb pattern `<a href="" aria-current="page">`), a link
whose text (or title attribute) is the page's h1 or title (Sphinx links the page's own
title in its table of contents), the current item of a breadcrumb or menu (marked by a
class such as `current`, `active` or `nav-item-this`, or the last link of a breadcrumb),
and a link whose text the site's other pages link to this page (a template's "Report a
Bug", which Sphinx writes as `href="#"` on the bug page itself). A `javascript:` link,
or a `#` link that acts as a button (`role="button"`, `onclick`, `aria-expanded`,
`aria-controls`, Bootstrap's `data-toggle`), is always reported, with the advice to make
it a button.

Bad:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p>New maternity ward opens. <a href="#">Read more</a></p></main></html>
Good:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p>New maternity ward opens. <a href="maternity.html">Read more about the ward</a></p>
    <button type="button">Print this page</button> <a href="#">Back to top</a></main></html>
    <nav aria-label="Breadcrumb"><a href="../index.html">Home</a> &gt;
    <a href="" aria-current="page">News</a></nav>
"""
from __future__ import annotations

import re
from array import array

from qa.names import accessible_name, norm, role, shorten
from qa.links import digest as _h, links as links_of
from qa.sources import clean

ID = "placeholder-link"
SCOPE = "site"
SEVERITY = "error"
TAGS = ("wcag2a", "wcag244")
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("People who follow the link expect to reach new content; screen reader and keyboard "
       "users are told it is a link and end up nowhere.")
FIX = ("Give the link the address of the page it should open. If it does something on the "
       "page instead (print, open a menu, show more), ask your web team to make it a button.")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context.html"

# link texts that say "go to the top of this page" (English and Spanish)
_TO_TOP = re.compile(
    r"(?:(?:back|return|scroll|go|jump|skip)\s+)?(?:to\s+)?(?:the\s+)?top"
    r"(?:\s+of\s+(?:the\s+)?page)?|(?:(?:volver|ir|subir)\s+)?arriba|subir")


def is_to_top(name: str) -> bool:
    words = " ".join(re.sub(r"[^\w\s]|_", " ", name.casefold()).split())
    return bool(_TO_TOP.fullmatch(words))


# attributes of a link that a script makes act as a button: opens a menu, toggles a panel
_ACTS = ("onclick", "aria-expanded", "aria-haspopup", "aria-controls", "data-toggle",
         "data-bs-toggle")
NAME_MAX = 80          # longer link texts are never a menu item's

# class names that mark the current item of a menu, breadcrumb or table of contents
# (Sphinx: current, nav-item-this; Bootstrap: active; WordPress: current-menu-item...)
_CURRENT_CLASS = re.compile(r"(?:^|[\s_-])(?:current|active|selected|this)(?:$|[\s_-])", re.I)
_BREADCRUMB = re.compile(r"bread-?crumb", re.I)
# what Sphinx and others put after a heading's text: a permalink sign
_PERMALINK = re.compile(r"[\s¶#§🔗]+$")
_TITLE_SEP = re.compile(r"(\s+[—–|·:-]\s+|\s*[|·]\s*)")


def is_self_link(el, name: str, page) -> bool:
    """Does this `#`/`""` link name or mark the page it is on?"""
    current = el.get("aria-current", "").strip().lower()
    if current and current != "false":
        return True
    item = el.getparent()
    for node in (el, item):
        if node is not None and _CURRENT_CLASS.search(node.get("class", "")):
            return True
    for said in (name, norm(el.get("title"))):     # its text, or its tooltip
        key = _PERMALINK.sub("", said).casefold()
        if key and key in _page_names(page):
            return True
    return _is_last_crumb(el)


def _page_names(page) -> set[str]:
    """The page's own names: its h1s (without a permalink sign) and its title, whole, each
    part between separators, and each leading run of parts ("os — Miscellaneous operating
    system interfaces" of "os — Miscellaneous operating system interfaces — Python 3.11.2
    documentation")."""
    cache = page.__dict__.setdefault("_qa_page_names", [])
    if not cache:
        found = {_PERMALINK.sub("", accessible_name(el)).casefold()
                 for el, level in page.headings if level == 1}
        pieces = _TITLE_SEP.split(page.title or "")       # parts and, between them, seps
        for k in range(0, len(pieces), 2):
            found.add(norm(pieces[k]).casefold())
            found.add(norm("".join(pieces[:k + 1])).casefold())
        found.discard("")
        cache.append(found)
    return cache[0]


def _is_last_crumb(el) -> bool:
    """The last link of a breadcrumb trail (an element labelled or classed "breadcrumb")."""
    for a in el.iterancestors():
        label = " ".join(a.get(k, "") for k in ("class", "aria-label", "id"))
        if _BREADCRUMB.search(label):
            links = [x for x in a.iter("a") if x.get("href") is not None]
            return links[-1] is el
    return False


def candidates(page):
    """(finding, name) for every link on the page that goes nowhere, as far as the page
    itself can tell; `name` is None for a link that acts as a button (never a self-link)."""
    for el in page.elements("a", "area"):
        href = el.get("href")
        if href is None:            # HTML: an <a> without href is a placeholder, not a link
            continue
        href = clean(href)
        script = href[:11].lower() == "javascript:"
        if not (script or href in ("", "#")):
            continue
        name = accessible_name(el)
        if href == "#" and is_to_top(name):     # HTML: "#" scrolls to the top
            continue
        button = script or role(el) == "button" or any(el.get(a) is not None for a in _ACTS)
        if not button and is_self_link(el, name, page):   # goes where it says: this page
            continue
        what = f'link "{shorten(name)}"' if name else "link with no text"
        hint = ", use a <button>" if button else ""
        yield (page.finding(el, f'{what} goes nowhere (href="{shorten(href)}"){hint}'),
               None if button else name.casefold())


def collect(page, conf) -> dict:
    """This page's placeholder links, and a digest of (text, target) for each of its other
    links to a page of the site (no fragment, not itself): plain data for check_site, 8
    bytes a link (a docs site has 500 links a page, on every page)."""
    found = [(f, name) for f, name in candidates(page)]
    seen: set[int] = set()
    for link in links_of(page) if page.site is not None else ():
        el, target = link.el, link.target
        if target is None or target.kind != "page" or target.fragment is not None or \
                target.url == page.url or el.tag.lower() not in ("a", "area") or \
                link.ref[:11].lower() == "javascript:":
            continue
        # its text (the whole accessible name is costly on a docs page's 500 links)
        name = (norm(el.get("aria-label")) or norm(el.text_content())).casefold()
        if name and len(name) <= NAME_MAX:
            seen.add(_h(name, target.url))
    return {"url": page.url, "found": found, "links": array("q", sorted(seen))}


def check_site(site, tables, conf):
    """Each placeholder, unless the site's other pages link its very text to this page
    (local page, no fragment): a template's "Report a Bug" that Sphinx writes as
    `href="#"` on the bug page itself."""
    wanted = {_h(name, t["url"]) for t in tables.values() for _f, name in t["found"] if name}
    linked: set[int] = set()
    for t in tables.values():
        if wanted:
            linked |= wanted.intersection(t["links"])
    for t in tables.values():
        for f, name in t["found"]:
            if name and _h(name, t["url"]) in linked:
                continue
            yield f
