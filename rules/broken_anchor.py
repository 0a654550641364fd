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

import dataclasses

from lxml import etree

from qa.findings import Finding
from qa.names import shorten
from qa.links import links as links_of
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


def _is_found(fragment: str, raw: str, ids) -> bool:
    # a text fragment (#:~:text=) is a directive for the browser, not part of the id
    fragment, raw = fragment.split(":~:")[0], raw.split(":~:")[0]
    # HTML: "" and "top" (ASCII case-insensitive) scroll to the top of the document
    return fragment == "" or fragment.lower() == "top" or raw in ids or fragment in ids


def collect(page, conf) -> dict:
    """Plain data for check_site: this page's anchors and its fragment links that may be
    broken. Same-page links are settled here; a link to another page keeps only its
    position among the page's links: the element's line, selector and snippet are worked
    out in check_site for the few that turn out broken (a docs site has ~200 fragment
    links a page, nearly all fine)."""
    ids = anchor_targets(page)
    table = {"path": page.path, "url": page.url, "loaded": bool(page.source),
             "ids": sorted(ids), "refs": []}
    for n, link in enumerate(links_of(page)):
        el, href, target = link.el, link.ref, link.target
        if target is None or target.fragment is None or target.kind != "page" or \
                el.tag.lower() not in ("a", "area"):
            continue
        raw = href.split("#", 1)[1]
        ref = {"n": n, "url": target.url, "fragment": target.fragment, "raw": raw}
        if target.url == page.url:
            if _is_found(target.fragment, raw, ids):
                continue
            f = page.finding(el, "")
            ref.update(line=f.line, column=f.column, selector=f.selector, snippet=f.snippet,
                       element=f.element)
        table["refs"].append(ref)
    return table


def check_site(site, tables, conf):
    ids = {t["url"]: set(t["ids"]) if t["loaded"] else None for t in tables.values()}

    def ids_of(url: str):
        if url not in ids:      # a local page outside this run: parse it once
            ids[url] = None
            src = site.outside_run(url)
            if src is not None:
                page = load(src, site)
                if page.source:
                    ids[url] = anchor_targets(page)
        return ids[url]

    for table in tables.values():
        links = None
        for ref in table["refs"]:
            found = ids_of(ref["url"])
            # no such page (broken-link reports it) or not HTML (a PDF's #page=2)
            if found is None or _is_found(ref["fragment"], ref["raw"], found):
                continue
            same = ref["url"] == table["url"]
            message = (f'fragment "#{shorten(ref["fragment"])}" not found '
                       + ("on this page" if same else f'in "{ref["url"]}"'))
            # the browser run re-checks same-page targets made by scripts
            data = {"fragment": ref["fragment"], "target": ref["url"], "same_page": same}
            cause = f'missing fragment "#{shorten(ref["fragment"])}" in "{ref["url"]}"'
            subject = f'{ref["url"]}#{ref["raw"]}'
            if "line" not in ref:           # read the referring page again, once
                if links is None:
                    page = load(site.source(table["url"], table["path"]), site)
                    links = (page, links_of(page) if page.source else [])
                page, els = links
                if ref["n"] < len(els):
                    yield page.finding(els[ref["n"]].el, message, data=data, cause=cause,
                                       subject=subject)
                    continue
                ref = {**ref, "line": None, "column": None, "selector": None, "snippet": None,
                       "element": None}
            yield Finding(rule="", severity="", path=table["path"], line=ref["line"],
                          column=ref["column"], selector=ref["selector"],
                          snippet=ref["snippet"], message=message, data=data, cause=cause,
                          subject=subject, element=ref["element"])


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
