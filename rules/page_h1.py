"""A page has no h1 heading, or more than one.

The h1 is the page's main title: screen reader users jump to it to learn what the page
is about and where its own content starts (WAI page structure tutorial; axe's
page-has-heading-one). A missing h1 is reported once for the page (no line); each h1
after the first is reported at its line. role="heading" with aria-level="1" counts as
an h1; hidden headings do not. Fragments (files without <html>, <head>, <body> or
<title>, such as template includes) and pages with nothing in their body (redirects,
script-only shells) are not checked.

Bad:
    <!doctype html><html lang="en"><title>Maternity</title>
    <body><h2>Antenatal classes</h2><p>Classes run on Tuesdays.</p></body></html>
Good:
    <!doctype html><html lang="en"><title>Maternity</title>
    <body><h1>Maternity</h1><h2>Antenatal classes</h2><p>Classes run on Tuesdays.</p></body></html>
"""
from __future__ import annotations

import re

from qa.names import accessible_name, shorten

ID = "page-h1"
SCOPE = "page"
SEVERITY = "warning"
TAGS = ("best-practice",)
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("The main heading tells people what the page is about. Screen reader users jump "
       "to it to skip the menus; with no main heading, or with several, they cannot find "
       "where the page's own content starts.")
FIX = ("Give the page exactly one \"Heading 1\": its title, at the start of the main "
       "content. Make other headings \"Heading 2\" or lower.")
HELP_URL = "https://www.w3.org/WAI/tutorials/page-structure/headings/"

_DOCUMENT = re.compile(r"<(?:!doctype|html|head|body|title)[\s>]", re.I)
_MEDIA = ".//img|.//svg|.//video|.//audio|.//iframe|.//canvas|.//object|.//embed|.//input"
_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::template)]"


def check(page, conf):
    if not _is_document(page):
        return
    h1s = [el for el, level in page.headings if level == 1]
    if not h1s:
        yield page.finding(None, "page has no h1 heading")
        return
    first = page.position(h1s[0])[0]
    for el in h1s[1:]:
        yield page.finding(el, f'extra h1 "{shorten(accessible_name(el))}" '
                               f"(first h1 at line {first})")


def _is_document(page) -> bool:
    """A whole page with something in its body, not an include or an empty shell."""
    if not _DOCUMENT.search(page.source):
        return False
    body = page.tree.find("body")
    if body is None:
        return False
    return bool(body.xpath(_MEDIA)) or any(t.strip() for t in body.xpath(_TEXT))
