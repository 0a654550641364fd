"""Text alternatives, roles and accessible names computed from markup (a practical subset
of W3C accname 1.2 and HTML-AAM: aria-labelledby, aria-label, native alternatives,
content, title; presentational roles conflict resolution; heading levels)."""
from __future__ import annotations

from contextlib import contextmanager

import re
from typing import Any

from lxml import etree

_WS = re.compile(r"\s+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)
_VISIBLE_STYLE = re.compile(r"visibility\s*:\s*visible", re.I)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# elements whose name may come from their content (accname: "name from content")
_NAME_FROM_CONTENT = {"a", "button", "h1", "h2", "h3", "h4", "h5", "h6", "summary",
                      "td", "th", "li", "option", "legend", "caption", "label", "span",
                      "div", "p", "strong", "em", "b", "i", "small", "mark", "abbr",
                      "code", "q", "cite", "sup", "sub", "u", "s", "time", "font", "center",
                      "bdi", "bdo", "dfn", "kbd", "samp", "var", "del", "ins", "data"}
# roles that take their name only from the author (ARIA 1.2: img is "name from: author")
_NAME_FROM_AUTHOR_ONLY = {"img", "graphics-document", "graphics-symbol"}
# ARIA 1.2 global states and properties: any of them on an element cancels role="none"
# (presentational roles conflict resolution)
_GLOBAL_ARIA = ("aria-atomic", "aria-busy", "aria-controls", "aria-current",
                "aria-describedby", "aria-details", "aria-disabled", "aria-dropeffect",
                "aria-errormessage", "aria-flowto", "aria-grabbed", "aria-haspopup",
                "aria-invalid", "aria-keyshortcuts", "aria-label", "aria-labelledby",
                "aria-live", "aria-owns", "aria-relevant", "aria-roledescription")
_FOCUSABLE_TAGS = {"button", "select", "textarea", "iframe", "summary"}



def norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def is_hidden(el) -> bool:
    """Hidden from everyone, or from assistive technology, by its own attributes."""
    if el.get("hidden") is not None or el.get("aria-hidden", "").strip().lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style", "")))


def is_hidden_in_tree(el) -> bool:
    """Hidden by its own attributes or an ancestor's. An inline `visibility: visible`
    undoes an ancestor's `visibility: hidden` (CSS 2 11.2), but not `display: none`,
    `hidden` or `aria-hidden`; `<template>` content is never rendered (HTML 4.12.3)."""
    shown = False
    while el is not None and isinstance(el.tag, str):
        style = el.get("style", "")
        if el.get("hidden") is not None or el.get("aria-hidden", "").strip().lower() == "true" \
                or _DISPLAY_NONE.search(style) or _tag(el) == "template":
            return True
        if not shown and _HIDDEN_STYLE.search(style):
            return True
        shown = shown or bool(_VISIBLE_STYLE.search(style))
        el = el.getparent()
    return False


def role(el) -> str:
    r = el.get("role", "").strip().lower().split()
    return r[0] if r else ""


def is_focusable(el) -> bool:
    """Focusable by markup alone: a tabindex, a link, or an enabled form control."""
    tag = _tag(el)
    if el.get("tabindex") is not None and el.get("tabindex").strip().lstrip("-").isdigit():
        return True
    if el.get("contenteditable", "false").strip().lower() in ("", "true", "plaintext-only"):
        return True
    if tag in ("a", "area"):
        return el.get("href") is not None
    if tag == "input":
        return el.get("type", "").strip().lower() != "hidden" and el.get("disabled") is None
    return tag in _FOCUSABLE_TAGS and el.get("disabled") is None


def is_presentational(el) -> bool:
    """role="none"/"presentation" that takes effect: ARIA 1.2 "presentational roles
    conflict resolution" ignores it on a focusable element or one with a global ARIA
    attribute."""
    if role(el) not in ("presentation", "none"):
        return False
    return not is_focusable(el) and not any(el.get(a) is not None for a in _GLOBAL_ARIA)


def is_decorative(el) -> bool:
    """Marked as decoration: `alt=""` on an img (HTML-AAM: role none), or an effective
    role presentation/none; either is void on a focusable element or one with a global
    ARIA attribute."""
    if is_presentational(el):
        return True
    if _tag(el) == "img" and el.get("alt") == "" and not role(el):
        return not is_focusable(el) and not any(el.get(a) is not None for a in _GLOBAL_ARIA)
    return False


def heading_level(el) -> int | None:
    """The level of a heading (h1-h6 or role="heading"), or None if `el` is not one.
    A valid aria-level wins, as in browsers; role="heading" without one is level 2
    (ARIA 1.2 default)."""
    tag, r = _tag(el), role(el)
    if r == "heading":
        default = _HEADING_TAGS.get(tag, 2)
    elif tag in _HEADING_TAGS and (not r or (r in ("presentation", "none")
                                              and not is_presentational(el))):
        default = _HEADING_TAGS[tag]
    else:
        return None
    level = el.get("aria-level", "").strip()
    return int(level) if level.isascii() and level.isdigit() and int(level) > 0 else default


def _by_id(el, ident: str):
    root = el.getroottree().getroot()
    if _NAMES is not None:       # on a page being checked: one pass over its ids
        ids = _NAMES.get(("ids", root))
        if ids is None:
            ids = {}
            for e in root.iter():
                i = e.get("id") if isinstance(e.tag, str) else None
                if i is not None:
                    ids.setdefault(i, e)
            _NAMES[("ids", root)] = ids
        return ids.get(ident)
    try:
        found = root.xpath("//*[@id=$i]", i=ident)
    except ValueError:      # a control character: libxml2 takes no such string, so look
        return next((e for e in root.iter() if e.get("id") == ident), None)   # by hand
    return found[0] if found else None


# accessible names already worked out, for the page being checked (see `memo`): three
# rules ask for the names of the same links
_NAMES: dict[Any, str] | None = None


@contextmanager
def memo():
    """Remember accessible names inside this block (one page: the tree must not change)."""
    global _NAMES
    outer, _NAMES = _NAMES, {}
    try:
        yield
    finally:
        _NAMES = outer


def accessible_name(el, _seen: frozenset = frozenset(), *, _labelledby: bool = False) -> str:
    """The element's accessible name, as far as markup alone can decide it."""
    if not _seen and not _labelledby and _NAMES is not None:
        name = _NAMES.get(el)
        if name is None:
            name = _NAMES[el] = _accessible_name(el)
        return name
    return _accessible_name(el, _seen, _labelledby=_labelledby)


def _accessible_name(el, _seen: frozenset = frozenset(), *, _labelledby: bool = False) -> str:
    if id(el) in _seen:
        return ""
    seen = _seen | {id(el)}
    tag = _tag(el)
    is_image = tag in ("img", "area", "svg") or (
        tag == "input" and el.get("type", "").lower() == "image")
    if is_image and is_decorative(el):      # accname: a presentational image names nothing
        return ""
    labelledby = el.get("aria-labelledby")
    if labelledby and not _labelledby:  # accname 2B: not followed inside a labelledby traversal
        parts = [accessible_name(t, seen, _labelledby=True) if not is_hidden(t)
                 else norm(t.text_content())
                 for t in (_by_id(el, i) for i in labelledby.split()) if t is not None]
        name = norm(" ".join(parts))
        if name:
            return name
    label = norm(el.get("aria-label"))
    if label:
        return label
    if tag in ("img", "area") or (tag == "input" and el.get("type", "").lower() == "image"):
        alt = norm(el.get("alt"))
        return alt or norm(el.get("title"))
    if tag == "svg":
        t = next((c for c in el if isinstance(c.tag, str) and c.tag.lower() == "title"), None)
        return norm(t.text_content()) if t is not None else norm(el.get("title"))
    if role(el) in _NAME_FROM_AUTHOR_ONLY and not _seen:   # ARIA 1.2: img is named by
        return norm(el.get("title"))                      # its author, not its content
    if tag in _NAME_FROM_CONTENT or _seen or role(el) in ("link", "button", "heading"):
        name = content_name(el, seen, _labelledby=_labelledby)
        if name:
            return name
    return norm(el.get("title"))


def content_name(el, seen: frozenset = frozenset(), *, _labelledby: bool = False) -> str:
    """Name from content: text, plus the names of embedded images and controls."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and not is_hidden(child) and \
                child.tag.lower() not in ("script", "style", "template", "noscript"):
            name = accessible_name(child, seen | {id(el)}, _labelledby=_labelledby)
            parts.append(f" {name} ")
        parts.append(child.tail or "")
    return norm("".join(parts))


def headings(root):
    """(element, level) for every heading under `root` that assistive technology sees,
    in document order."""
    for el in _heading_candidates(root):
        level = heading_level(el)
        if level and not is_hidden_in_tree(el):
            yield el, level


_H_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")      # lxml's HTML parser lower-cases tags
_WITH_ROLE = etree.XPath("descendant-or-self::*[@role]")


def _heading_candidates(root) -> list:
    """h1-h6 and elements with role="heading", in document order: the tags by lxml's own
    walk (twice as fast as one XPath testing every element for seven things), and the
    few role="heading" elements merged in only when a page has any."""
    found = list(root.iter(*_H_TAGS))
    roled = [el for el in _WITH_ROLE(root) if role(el) == "heading" and _tag(el) not in _H_TAGS]
    if not roled:
        return found
    order = {el: i for i, el in enumerate(root.iter())}
    return sorted(found + roled, key=order.__getitem__)


def shorten(text: str, limit: int = 60) -> str:
    """`text` folded to one line and cut to `limit` characters, for quoting in messages."""
    text = norm(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def is_out_of_reach(el) -> bool:
    """Not met by a visitor of the page as a browser with scripts shows it: hidden in the
    tree (see is_hidden_in_tree), inside `<noscript>` (HTML: not rendered when scripting
    is on) or under an `inert` element (HTML: cannot be focused or found)."""
    if is_hidden_in_tree(el):
        return True
    for a in el.iterancestors():
        if _tag(a) == "noscript" or a.get("inert") is not None:
            return True
    return el.get("inert") is not None
