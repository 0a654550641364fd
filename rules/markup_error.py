"""Markup the parser could not take whole, such as elements nested past its depth limit.

Bad:
    (thousands of <div> elements nested inside each other)
Good:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1></main></html>
"""
ID = "markup-error"
SCOPE = "engine"
SEVERITY = "warning"
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = "Part of the page was not checked, and browsers and assistive technology may struggle with it too."
FIX = "Simplify the page's structure; it is usually a template bug that repeats an element without closing it."
