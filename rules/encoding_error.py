"""Page bytes are not valid in the charset it declares (or UTF-8 when it declares none).

Bad:
    <meta charset="utf-8"> ... caf\xe9 (a Latin-1 byte in a UTF-8 page)
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
