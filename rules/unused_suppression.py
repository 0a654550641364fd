"""A suppression (`data-qa-ignore` or `<!-- qa: disable -->`) that hid no finding.

Suppressions always name their rules, and one that hides nothing is stale: the problem
was fixed. One that names no rule at all (`data-qa-ignore="missing-alt"`, a misspelt id)
is reported as naming an unknown rule.

Bad:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p data-qa-ignore="missing-alt-text">Visiting hours are 9 to 5.</p></main></html>
Good:
    <!doctype html><html lang="en"><title>News</title><main><h1>News</h1>
    <p>Visiting hours are 9 to 5.</p></main></html>
"""
ID = "unused-suppression"
SCOPE = "engine"
SEVERITY = "warning"
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = "A stale suppression can hide a real problem that comes back later."
FIX = "Remove the suppression, or correct the rule id it names."
