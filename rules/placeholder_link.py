"""A link that goes nowhere: `href="#"`, `href=""` or a `javascript:` address.

Such a link is announced as a link but takes the visitor nowhere (it only reloads the
page or jumps to its top), or only works when a script runs. A link must lead somewhere
(WCAG 2.4.4); an action such as "Print" or "Open menu" belongs on a `<button>`. A
"Back to top" link with `href="#"` is fine: the HTML standard makes `#` go to the top.
An `<a>` without `href` is not a link and is not reported.

Bad:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p>New maternity ward opens. <a href="#">Read more</a></p></main></html>
Good:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p>New maternity ward opens. <a href="maternity.html">Read more about the ward</a></p>
    <button type="button">Print this page</button> <a href="#">Back to top</a></main></html>
"""
from __future__ import annotations

import re

from qa.names import accessible_name, role, shorten
from qa.sources import clean

ID = "placeholder-link"
SCOPE = "page"
SEVERITY = "error"
TAGS = ("wcag2a", "wcag244")
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("People who follow the link expect to reach new content; screen reader and keyboard "
       "users are told it is a link and end up nowhere.")
FIX = ("Give the link the address of the page it should open. If it does something on the "
       "page instead (print, open a menu, show more), ask your web team to make it a button.")
HELP_URL = "https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context.html"

# link texts that say "go to the top of this page" (English and Spanish)
_TO_TOP = re.compile(
    r"(?:(?:back|return|scroll|go|jump|skip)\s+)?(?:to\s+)?(?:the\s+)?top"
    r"(?:\s+of\s+(?:the\s+)?page)?|(?:(?:volver|ir|subir)\s+)?arriba|subir")


def is_to_top(name: str) -> bool:
    words = " ".join(re.sub(r"[^\w\s]|_", " ", name.casefold()).split())
    return bool(_TO_TOP.fullmatch(words))


def check(page, conf):
    for el in page.elements("a", "area"):
        href = el.get("href")
        if href is None:            # HTML: an <a> without href is a placeholder, not a link
            continue
        href = clean(href)
        script = href[:11].lower() == "javascript:"
        if not (script or href in ("", "#")):
            continue
        name = accessible_name(el)
        if href == "#" and is_to_top(name):     # HTML: "#" scrolls to the top
            continue
        what = f'link "{shorten(name)}"' if name else "link with no text"
        hint = ", use a <button>" if script or role(el) == "button" else ""
        yield page.finding(el, f'{what} goes nowhere (href="{shorten(href)}"){hint}')
