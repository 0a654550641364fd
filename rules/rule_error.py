"""A rule failed on this page: a bug in qa, reported so the run can go on.

The other rules still ran on the page. Please report it with the page attached.

Bad:
    (no page markup causes it on purpose)
Good:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1></main></html>
"""
ID = "rule-error"
SCOPE = "engine"
SEVERITY = "error"
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = "Part of this page was not checked, so problems may be missing from the report."
FIX = "Report it to the qa maintainers with the page attached; the rest of the report still holds."
