"""A link has no text: nothing says where it goes.

A screen reader announces such a link as just "link" (or reads its address), and a
voice control user cannot name it to follow it (WCAG 2.4.4 Link Purpose, 4.1.2 Name,
Role, Value; axe's link-name). Checked: `<a href>` and elements with a link role whose
accessible name is empty and which hold no image that assistive technology sees (an
icon with `aria-hidden="true"` does not count). A link made only of an image without a
text alternative is missing-alt-text's finding (the fix is the image's alt text); hidden
links are not checked. Text that only assistive technology cannot read (inside
`aria-hidden="true"`) is named in the message.

Bad:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p><a href="news.html"><span class="icon-news"></span></a></p></main></html>
Good:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p><a href="news.html"><span class="icon-news"></span> Hospital news</a></p>
    <p><a href="news.html" aria-label="Hospital news"><span class="icon-news"></span></a></p>
    </main></html>
"""
from __future__ import annotations

from qa.names import norm, shorten
from rules.missing_alt_text import nameless_controls

ID = "link-name"
SCOPE = "page"
SEVERITY = "error"
TAGS = ("wcag2a", "wcag244", "wcag412")
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("A screen reader says only \"link\" for a link with no words, and people who "
       "steer the computer by voice cannot name it to follow it. Nobody can tell where "
       "it goes without trying it.")
FIX = ("Put words in the link that say where it goes (\"Hospital news\"). If the design "
       "shows only an icon, ask your web team to add a label screen readers read, such as "
       "aria-label=\"Hospital news\".")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context.html"


def check(page, conf):
    for el, kind, images in nameless_controls(page):
        if kind != "link" or images:      # an image without alt: missing-alt-text's finding
            continue
        href = el.get("href")
        what = (f'link to "{shorten(href)}"' if href and href.strip()
                else 'link with an empty href' if href is not None else "link")
        text = norm(el.text_content())
        if text:        # content there, but hidden from assistive technology
            yield page.finding(el, f'{what} has no text screen readers can read: '
                                   f'"{shorten(text)}" is hidden from them')
        else:
            yield page.finding(el, f"{what} has no text")
