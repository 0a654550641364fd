"""Heading levels skip a level going down (an h2 followed by an h4).

Headings form the page's outline. Going down more than one level at a time (h2 to h4)
makes a screen reader user think a section is missing, and hides how the sections fit
together (WCAG 1.3.1 Info and Relationships; axe's heading-order). Going back up any
number of levels (h4 to h2) is fine, and so is whatever level the first heading has.
Levels come from h1-h6, or aria-level on role="heading" (level 2 when it has none).

Bad:
    <h1>Maternity</h1>
    <h2>Antenatal classes</h2>
    <h4>Dates and times</h4>
Good:
    <h1>Maternity</h1>
    <h2>Antenatal classes</h2>
    <h3>Dates and times</h3>
    <h2>Contact us</h2>
"""
from __future__ import annotations


ID = "heading-order"
SCOPE = "page"
SEVERITY = "warning"
TAGS = ("best-practice",)
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("Screen reader users use heading levels like a table of contents. A jump from "
       "\"Heading 2\" straight to \"Heading 4\" makes them think part of the page is missing.")
FIX = ("Pick the heading level by its place in the outline, not by its size: a part of a "
       "\"Heading 2\" section is a \"Heading 3\". If you want a smaller look, ask for a "
       "style change instead of a lower level.")
HELP_URL = "https://www.w3.org/WAI/tutorials/page-structure/headings/"


def check(page, conf):
    previous = None
    for el, level in page.headings:
        if previous is not None and level > previous + 1:
            yield page.finding(el, f"heading level skips from h{previous} to h{level}")
        previous = level
