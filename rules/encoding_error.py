"""Page bytes are not valid in the charset it declares (or UTF-8 when it declares none).

Bad:
    (a page that declares <meta charset="utf-8"> but holds Latin-1 bytes)
Good:
    <!doctype html><html lang="en"><meta charset="utf-8"><title>Café</title><h1>Café</h1></html>
"""
ID = "encoding-error"
SCOPE = "engine"
SEVERITY = "warning"
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = "Letters can show up as garbage (�) for readers and be read out wrongly by screen readers."
FIX = "Save the page as UTF-8 and declare it with <meta charset=\"utf-8\"> near the top."
