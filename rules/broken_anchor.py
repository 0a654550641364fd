"""A link to a part of a page (`#section`) that the page does not have.

A fragment link jumps to the element whose `id` (or an `<a name>`) matches. When no
element matches, the browser stays at the top of the page and the visitor has to hunt
for the section. Checked on the same page and on other local pages; `#` and `#top`
always go to the top of the page (HTML standard) and are fine. Ids inside a
`<template>` do not count: that content is not part of the page until a script adds it.

Bad:
    <!doctype html><html lang="en"><title>Visiting</title><main><h1>Visiting</h1>
    <p><a href="#parking">Parking</a></p></main></html>
Good:
    <!doctype html><html lang="en"><title>Visiting</title><main><h1>Visiting</h1>
    <p><a href="#parking">Parking</a></p><h2 id="parking">Parking</h2></main></html>
"""
from __future__ import annotations

import bisect
import dataclasses
from array import array

from lxml import etree

from qa.findings import Finding
from qa.names import shorten
from qa.links import digest, links as links_of
from qa.sources import load

ID = "broken-anchor"
SCOPE = "site"
SEVERITY = "error"
TAGS = ("best-practice",)
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("A link that promises a section but lands at the top of the page leaves visitors, "
       "and especially screen reader users, searching for what they came for.")
FIX = ("Make the part after # match the id of the section you mean (ids are case-sensitive), "
       "or add that id to the section's heading.")
HELP_URL = "https://html.spec.whatwg.org/multipage/browsing-the-web.html#scroll-to-fragid"


def anchor_targets(page) -> set[str]:
    """Ids, and names of `<a name>`, that a fragment can jump to (HTML: "find a potential
    indicated element"); template content is inert, so it is left out."""
    tree = page.tree
    if tree.find(".//template") is None:      # asking each element for a template above
        found = _IDS(tree)                    # it is most of the cost: only when there is one
    else:
        found = _IDS_OUTSIDE_TEMPLATES(tree)
    return {str(v) for v in found}


_IDS = etree.XPath("//@id | //a/@name")
_IDS_OUTSIDE_TEMPLATES = etree.XPath("//*[@id][not(ancestor::template)]/@id"
                                     " | //a[@name][not(ancestor::template)]/@name")


def _h(url: str, name: str = "\0") -> int:
    # a page's url and an id in it: python3.11-doc has 160,000 ids and 140,000 fragment
    # links to other pages, kept as 8 bytes an id and 32 a link, not a string each
    return digest(url, name)


def _plain(fragment: str) -> str:
    # a text fragment (#:~:text=) is a directive for the browser, not part of the id
    return fragment.split(":~:")[0]


def collect(page, conf) -> dict:
    """Plain data for check_site: this page's anchors (as digests, sorted) and its
    fragment links that may be broken. Same-page links are settled here, and the few
    broken ones placed on their element; a link to another page of the run keeps only its
    place among the page's links and digests of what it looks for (`refs`: n, page,
    fragment, raw fragment, flat); the element's line, selector and snippet are worked out
    in check_site for the few that turn out broken. A link to a page outside the run
    keeps its strings (`outside`): that page is read in check_site."""
    ids = anchor_targets(page)
    url = page.url
    refs = array("q")
    table = {"path": page.path, "url": url, "loaded": bool(page.source),
             "ids": array("q", sorted({_h(url, i) for i in ids})), "refs": refs,
             "here": [], "outside": []}
    in_run = page.site.urls if page.site is not None else set()
    for n, link in enumerate(links_of(page)):
        el, href, target = link.el, link.ref, link.target
        if target is None or target.fragment is None or target.kind != "page" or \
                el.tag.lower() not in ("a", "area"):
            continue
        raw = href.split("#", 1)[1]
        fragment, plain_raw = _plain(target.fragment), _plain(raw)
        if fragment == "" or fragment.lower() == "top":     # HTML: the top of the page
            continue
        if target.url == url:
            if plain_raw in ids or fragment in ids:
                continue
            f = page.finding(el, "")
            table["here"].append({"url": url, "fragment": target.fragment, "raw": raw,
                                  "line": f.line, "column": f.column, "selector": f.selector,
                                  "snippet": f.snippet, "element": f.element})
        elif target.url in in_run:
            refs.extend((n, _h(target.url), _h(target.url, fragment), _h(target.url, plain_raw)))
        else:
            table["outside"].append({"n": n, "url": target.url, "fragment": target.fragment,
                                     "raw": raw})
    return table


def _has(ids: array, digest: int) -> bool:
    i = bisect.bisect_left(ids, digest)
    return i < len(ids) and ids[i] == digest


def check_site(site, tables, conf):
    # each page's anchors by its digest: the pages that could not be read have none
    ids = {_h(t["url"]): t["ids"] for t in tables.values() if t["loaded"]}
    outside: dict[str, set[str] | None] = {}

    def outside_ids(url: str):
        if url not in outside:      # a local page outside this run: parse it once
            outside[url] = None
            src = site.outside_run(url)
            if src is not None:
                page = load(src, site)
                if page.source:
                    outside[url] = anchor_targets(page)
        return outside[url]

    for table in tables.values():
        broken: list[dict] = list(table["here"])
        for ref in table["outside"]:
            found = outside_ids(ref["url"])
            # no such page (broken-link reports it) or not HTML (a PDF's #page=2)
            if found is not None and not (_plain(ref["raw"]) in found or _plain(ref["fragment"]) in found):
                broken.append(ref)
        refs = table["refs"]
        for i in range(0, len(refs), 4):
            n, page_h, frag_h, raw_h = refs[i:i + 4]
            target = ids.get(page_h)
            if target is not None and not _has(target, frag_h) and not _has(target, raw_h):
                broken.append({"n": n})
        yield from _findings(site, table, broken)


def _findings(site, table, broken: list[dict]):
    """The findings for the broken fragment links of one page: those of its own page are
    placed already; the others are placed by reading the page once more."""
    page = els = None
    for ref in broken:
        if "line" not in ref:
            if page is None:
                page = load(site.source(table["url"], table["path"]), site)
                els = links_of(page) if page.source else []
            n = ref["n"]
            link = els[n] if n < len(els) else None
            if link is None or link.target is None or link.target.fragment is None:
                # the page changed while the run read it: no element, no strings to show
                yield Finding(rule="", severity="", path=table["path"], line=None, column=None,
                              message="a link to a part of another page goes nowhere (the "
                              "page changed while it was checked: check it again)")
                continue
            ref = {"url": link.target.url, "fragment": link.target.fragment,
                   "raw": link.ref.split("#", 1)[1], "el": link.el}
        same = ref["url"] == table["url"]
        message = (f'fragment "#{shorten(ref["fragment"])}" not found '
                   + ("on this page" if same else f'in "{ref["url"]}"'))
        # the browser run re-checks same-page targets made by scripts
        data = {"fragment": ref["fragment"], "target": ref["url"], "same_page": same}
        cause = f'missing fragment "#{shorten(ref["fragment"])}" in "{ref["url"]}"'
        subject = f'{ref["url"]}#{ref["raw"]}'
        if "el" in ref:
            yield page.finding(ref["el"], message, data=data, cause=cause, subject=subject)
        else:
            yield Finding(rule="", severity="", path=table["path"], line=ref.get("line"),
                          column=ref.get("column"), selector=ref.get("selector"),
                          snippet=ref.get("snippet"), message=message, data=data, cause=cause,
                          subject=subject, element=ref.get("element"))


def rendered_target(f: Finding) -> tuple[str, str] | None:
    """For the browser run: (site url of the page, fragment) to look for once that page is
    rendered, when `f` is a broken anchor: its target may be made by a script, on this
    page or on the page it links to."""
    if f.rule == ID and f.data and f.data.get("fragment") is not None:
        return f.data["target"], f.data["fragment"]
    return None


def settle_rendered(f: Finding) -> Finding:
    """The target exists once scripts run, so the link works in a browser; without
    scripts it still goes nowhere: a note, not a defect."""
    return dataclasses.replace(f, severity="info", message=f.message +
                               " (found only in the rendered page: created by a script)")
