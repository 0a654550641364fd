"""The same heading text appears more than once on a page.

Many screen reader users find their way around a page by calling up the list of its
headings and jumping to one. Two headings with the same words look like the same section
in that list, so people cannot tell which one they want (WCAG 2.4.6 Headings and
Labels). Headings are h1-h6 and elements with role="heading"; the text compared is what
assistive technology reads (the accessible name), ignoring case and spacing. Hidden
headings are left out. Each repeat is reported at its own line.

Bad:
    <h2>Visiting hours</h2><p>Most wards are open from 9am to 8pm.</p>
    <h2>Visiting hours</h2><p>The children's ward opens at 10am.</p>
Good:
    <h2>Visiting hours</h2><p>Most wards are open from 9am to 8pm.</p>
    <h2>Visiting the children's ward</h2><p>The ward opens at 10am.</p>
"""
from __future__ import annotations

from qa.names import accessible_name, shorten

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


def check(page, conf):
    first: dict[str, int | None] = {}
    for el, _level in page.headings:
        name = accessible_name(el)
        key = name.casefold()
        if not key:                 # empty headings are empty-heading's business
            continue
        if key in first:
            yield page.finding(el, f'duplicate heading "{shorten(name)}" '
                                   f"(first at line {first[key]})")
        else:
            first[key] = page.position(el)[0]
