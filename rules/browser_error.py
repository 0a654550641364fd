"""axe-core could not run on this page: it hung, its renderer crashed or the driver died.

The browser session is restarted and the run goes on with the next page.

Bad:
    (a page whose script never finishes: <script>while (true) {}</script>)
Good:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1></main></html>
"""
ID = "browser-error"
SCOPE = "engine"
SEVERITY = "error"
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = "axe-core could not check this page, so problems it would find are missing from the report."
FIX = "Raise the browser timeout for very large pages (browser.timeout), and fix scripts that never finish."
