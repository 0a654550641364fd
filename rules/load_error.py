"""Page could not be read: missing, vanished, unreadable, empty, binary or too large.

The engine reports this for the page and goes on with the others.

Bad:
    (an empty file, or a PNG renamed to page.html)
Good:
    <!doctype html><html lang="en"><title>Visiting hours</title><h1>Visiting hours</h1></html>
"""
ID = "load-error"
SCOPE = "engine"
SEVERITY = "error"
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = "Nothing on this page could be checked, and visitors may not be able to open it either."
FIX = "Check that the file exists, is a real HTML page and is published in full."
