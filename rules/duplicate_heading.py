"""The same heading text appears twice in one section of a page.

Many screen reader users find their way around a page by calling up the list of its
headings and jumping to one. Two headings with the same words in the same place of that
list look like the same section, so people cannot tell which one they want (WCAG 2.4.6
Headings and Labels). Headings are h1-h6 and elements with role="heading"; the text
compared is what assistive technology reads (the accessible name), ignoring case and
spacing. Each repeat is reported at its own line.

Scope: a heading is compared with the headings of its own section, that is those with
the same parent heading (the nearest heading before it of a higher rank; the page's
headings before any such share the page as parent), and with its parent headings. In the
outline a screen reader shows, "Opening hours" under "Heart clinic" and under "Eye
clinic" each name their own section, as in a printed table of contents; two "Opening
hours" under the same heading, or "News" under "News", cannot be told apart.

Only headings a visitor can reach are compared: not hidden (`hidden`, `aria-hidden`,
inline `display: none` or `visibility: hidden`, on it or an ancestor), not in a
`<template>`, `<noscript>` or `inert` subtree. Two kinds of repeat are left to the rule
`repeated-heading` (a warning): a heading inside a block whose whole markup is written
twice (a navigation repeated for small screens, where only one copy shows at a time),
and the label of boxes such as "Note" or "Tip".

Bad:
    <h2>Visiting hours</h2><p>Most wards are open from 9am to 8pm.</p>
    <h2>Visiting hours</h2><p>The children's ward opens at 10am.</p>
Good:
    <h2>Visiting hours</h2><p>Most wards are open from 9am to 8pm.</p>
    <h2>Visiting the children's ward</h2><p>The ward opens at 10am.</p>
"""
from __future__ import annotations

from dataclasses import dataclass

from qa.names import accessible_name, is_out_of_reach, norm, shorten

ID = "duplicate-heading"
SCOPE = "page"
SEVERITY = "error"
TAGS = ("wcag2aa", "wcag246")
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("People who use screen readers jump between sections by their headings. When two "
       "headings say the same thing, they cannot tell the sections apart and may land in "
       "the wrong one.")
FIX = ("Make each heading say what is special about its section, for example \"Visiting "
       "the children's ward\" instead of a second \"Visiting hours\".")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/headings-and-labels.html"

# class names that mark a note, tip or warning box (DocBook, Sphinx, Bootstrap, GitHub...)
BOX_CLASSES = frozenset((
    "note", "tip", "hint", "warning", "caution", "important", "attention", "danger",
    "admonition", "callout", "alert", "notice", "seealso",
    "markdown-alert"))
BOX_ROLES = ("note", "alert", "status")
LABEL_WORDS = 3                  # "Note", "See also", "Important security note"


@dataclass
class Repeat:
    """A heading whose name an earlier heading of the same section already has."""
    el: object                   # the repeat
    first: object                # the earlier heading
    name: str
    kind: str                    # "duplicate", "copy" (inside a repeated block), "label"
    block: object = None         # for "copy": the earlier copy of the block
    group: tuple = ()            # for "label": every heading of that label in the section


def repeats(page) -> list[Repeat]:
    """Every repeat on the page, worked out once and shared with repeated-heading."""
    cache = page.__dict__.setdefault("_qa_heading_repeats", [])
    if not cache:
        cache.append(_repeats(page))
    return cache[0]


def _repeats(page) -> list[Repeat]:
    heads = [(el, level) for el, level in page.headings if not is_out_of_reach(el)]
    parent: list[int | None] = []           # index in heads of each heading's parent
    stack: list[int] = []
    for i, (_el, level) in enumerate(heads):
        while stack and heads[stack[-1]][1] >= level:
            stack.pop()
        parent.append(stack[-1] if stack else None)
        stack.append(i)
    names = [accessible_name(el) for el, _ in heads]
    seen: dict[tuple[str, int | None], int] = {}     # (name, section) -> first heading
    out: list[Repeat] = []
    labels: dict[tuple[str, int | None], list[int]] = {}
    for i, (el, _level) in enumerate(heads):
        key = names[i].casefold()
        if not key:                 # empty headings are empty-heading's business
            continue
        first = seen.get((key, parent[i]))
        if first is None:           # "News" under "News": its own parent heading
            p = parent[i]
            while p is not None and names[p].casefold() != key:
                p = parent[p]
            first = p
        if first is None:
            seen[(key, parent[i])] = i
        block = copied_block(heads[first][0], el) if first is not None else None
        if block is not None:       # a second copy of a whole block, labels and all
            out.append(Repeat(el, heads[first][0], names[i], "copy", block=block))
        elif is_box_label(el, names[i]):
            labels.setdefault((key, parent[i]), []).append(i)
        elif first is not None:
            out.append(Repeat(el, heads[first][0], names[i], "duplicate"))
    for idx in labels.values():
        if len(idx) > 1:
            group = tuple(heads[j][0] for j in idx)
            out.append(Repeat(group[1], group[0], names[idx[0]], "label", group=group))
    return out


def is_box_label(el, name: str) -> bool:
    """The heading that labels a note, tip or warning box: a few words, the first thing
    in an element whose class or role says it is such a box (DocBook's
    `<div class="note"><h3 class="title">Note</h3>`)."""
    if len(name.split()) > LABEL_WORDS:
        return False
    box = el.getparent()
    for _ in range(2):              # the box, or a title wrapper inside it
        if box is None:
            return False
        kids = [c for c in box if isinstance(c.tag, str)]
        if not kids or (kids[0] is not el and el not in kids[0].iterdescendants()) \
                or norm(box.text):
            return False
        classes = set(box.get("class", "").lower().split())
        if classes & BOX_CLASSES or box.get("role", "").strip().lower() in BOX_ROLES:
            return True
        box = box.getparent()
    return False


def copied_block(first, el):
    """The earlier copy of a block around `el` whose markup (text and link targets) is
    written twice, or None: a navigation repeated for small screens, a menu at the top
    and the bottom of the page. The block must hold more than the heading itself."""
    above_first, above_el = list(first.iterancestors()), list(el.iterancestors())
    mine = [a for a in above_el if a not in set(above_first)]
    theirs = [a for a in above_first if a not in set(above_el)]
    own = _signature(el)
    copies: dict[tuple, object] = {}
    for a in theirs:                # innermost first: the first one of a signature stays
        copies.setdefault(_signature(a), a)
    found = None
    for b in mine:                  # innermost first: keep the largest copy found
        sig = _signature(b)
        if sig != own and sig in copies:
            found = copies[sig]
    return found


def _signature(el) -> tuple:
    """What a visitor gets from a block: its words and where its links go."""
    text = " ".join(t for t in el.xpath(".//text()[not(ancestor::script or "
                                        "ancestor::style or ancestor::template)]"))
    links = tuple(a.get("href") for a in el.iter("a") if a.get("href") is not None)
    return norm(text), links


def check(page, conf):
    for r in repeats(page):
        if r.kind == "duplicate":
            yield page.finding(r.el, f'duplicate heading "{shorten(r.name)}" '
                                     f"(first at line {page.position(r.first)[0]})")
