"""A heading has no text that assistive technology can read.

A heading with no accessible name shows up in a screen reader's list of headings as
just "heading", and a sighted reader sees a gap where a title should be (WCAG 1.3.1
Info and Relationships, 2.4.6 Headings and Labels; ACT rule ffd0e9). The name can come
from the heading's text, the alt text of an image inside it, aria-label or
aria-labelledby. An image marked as decorative (alt="" or role="presentation") gives no
name. Headings hidden from everyone (hidden, aria-hidden="true", display: none) are
not checked.

Bad:
    <h2></h2>
    <h1><img src="logo.png" alt=""></h1>
Good:
    <h2>Our wards</h2>
    <h1><img src="logo.png" alt="St Mary's Hospital"></h1>
"""
from __future__ import annotations

from qa.names import accessible_name, is_decorative, is_hidden_in_tree, norm, shorten

ID = "empty-heading"
SCOPE = "page"
SEVERITY = "error"
TAGS = ("wcag2a", "wcag131", "wcag2aa", "wcag246")
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("Screen reader users hear \"heading\" with nothing after it, and the section has no "
       "title for anyone. Empty headings often come from a stray empty line formatted as a "
       "heading in the editor.")
FIX = ("Type the heading's words into it, or delete it if it was left over. If the heading "
       "is a picture (such as a logo), give the picture alt text that says what it shows.")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/headings-and-labels.html"


def check(page, conf):
    for el, level in page.headings:
        if not accessible_name(el):
            yield page.finding(el, _message(el, level))


def _message(el, level: int) -> str:
    what = f"h{level} heading" if el.tag.lower() == f"h{level}" else \
        f'role="heading" element (level {level})'
    images = [i for i in el.iterdescendants("img", "svg")
              if not is_hidden_in_tree(i)]
    if len(images) == 1 and images[0].get("alt") == "":
        return f'{what} has no text: its only image has alt=""'
    if images and all(is_decorative(i) for i in images):
        return f"{what} has no text: its images are marked as decorative"
    if images:
        return f"{what} has no text: its images have no text alternative"
    text = norm(el.text_content())
    if text:        # content there, but hidden (aria-hidden) or overridden by aria-label=""
        return f'{what} has no text screen readers can read: "{shorten(text)}" is hidden from them'
    return f"{what} is empty"
