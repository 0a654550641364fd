"""A heading repeated by a copy of its block, or as the label of several boxes ("Note").

Two kinds of repeated heading that are real but minor, so a warning where a true
duplicate-heading is an error:

- A block whose whole markup is written twice, such as a navigation repeated for small
  screens (the site's style sheet shows one copy at a time) or a menu at both the top
  and the bottom of the page. Where both copies are shown, a screen reader's list of
  headings holds each of the block's headings twice; where only one is, nobody meets
  the repeat, which markup alone cannot tell. Reported at the repeat, naming the line
  of the earlier copy. With --browser it is settled on the rendered page (1280x1024):
  where one of the two copies is not rendered (display:none or visibility:hidden, as a
  menu for small screens is on a desktop), nobody meets the repeat and it is dropped.
- The label of note, tip or warning boxes (`<div class="note"><h3>Note</h3>`): in the
  list of headings, "Note", "Note", "Note" says nothing about which note is which.
  Grouped: one finding per label and section (the scope of duplicate-heading), at the
  second box, listing every line.

Bad:
    <!doctype html><html lang="en"><title>Backups</title><main><h1>Backups</h1>
    <div class="note"><h2>Note</h2><p>Stop the server first.</p></div>
    <div class="note"><h2>Note</h2><p>Keep two copies.</p></div></main></html>
Good:
    <!doctype html><html lang="en"><title>Backups</title><main><h1>Backups</h1>
    <div class="note"><h2>Note: stop the server</h2><p>Stop the server first.</p></div>
    <div class="note"><h2>Note: keep two copies</h2><p>Keep two copies.</p></div></main></html>
"""
from __future__ import annotations

from qa.names import shorten
from rules.duplicate_heading import repeats

ID = "repeated-heading"
SCOPE = "page"
SEVERITY = "warning"
TAGS = ("wcag2aa", "wcag246")
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("People who use screen readers move around a page by its list of headings. The "
       "same heading over and over (a second copy of a menu, \"Note\" on every box) "
       "makes that list longer and harder to use.")
FIX = ("For a menu written twice (once for small screens), ask your web team to hide the "
       "copy that is not shown, or to use one menu for every screen size. For notes and "
       "tips, say what each one is about: \"Note: stop the server first\".")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/headings-and-labels.html"


def check(page, conf):
    for r in repeats(page):
        if r.kind == "copy":
            yield page.finding(r.el, f'heading "{shorten(r.name)}" is repeated in a copy of '
                                     f"the block at line {page.position(r.block)[0]} "
                                     f"(first at line {page.position(r.first)[0]})",
                               data={"first_copy": page.selector(r.first)})
        elif r.kind == "label":
            lines = ", ".join(str(page.position(h)[0]) for h in r.group)
            yield page.finding(r.el, f'box label "{shorten(r.name)}" is used as the heading '
                                     f"of {len(r.group)} boxes in one section (lines {lines})")


def _copies(f) -> list[str] | None:
    first = (f.data or {}).get("first_copy")
    return [f.selector, first] if first and f.selector and f.page else None


def rendered_questions(f):
    """For the browser run: are the heading and its earlier copy there, and rendered?"""
    sels = _copies(f)
    if sels is None:
        return None
    return f.page, {f"\0{ask}:{s}" for s in sels for ask in ("present", "rendered")}


def settle_questions(f, answered: set[str]):
    """Both copies in the rendered page but one not rendered: nobody meets the repeat. A
    copy a script removed or moved (not found) leaves the finding as it was."""
    sels = _copies(f)
    if sels is None or not all(f"\0present:{s}" in answered for s in sels):
        return f
    return f if all(f"\0rendered:{s}" in answered for s in sels) else None
