"""A heading repeated by a copy of its block, or as the label of several boxes ("Note").

Two kinds of repeated heading that are real but minor, so a warning where a true
duplicate-heading is an error:

- A block whose whole markup is written twice, such as a navigation repeated for small
  screens (the site's style sheet shows one copy at a time) or a menu at both the top
  and the bottom of the page. Where both copies are shown, a screen reader's list of
  headings holds each of the block's headings twice; where only one is, nobody meets
  the repeat, which markup alone cannot tell. Reported at the repeat, naming the line
  of the earlier copy. (With --browser this is not settled on the rendered page yet.)
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
                                     f"(first at line {page.position(r.first)[0]})")
        elif r.kind == "label":
            lines = ", ".join(str(page.position(h)[0]) for h in r.group)
            yield page.finding(r.el, f'box label "{shorten(r.name)}" is used as the heading '
                                     f"of {len(r.group)} boxes in one section (lines {lines})")
