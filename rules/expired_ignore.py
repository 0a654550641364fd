"""An ignore in the config whose `until` date has passed: it hides nothing any more.

`[[tool.qa.ignore]]` entries hide findings for a stated reason, and an `until` date says
when that reason runs out ("the new template ships in March"). After the date, the
findings it hid are reported again, and this finding says which ignore expired, so that
someone fixes the problems or renews the ignore with a new reason.

Bad:
    (in pyproject.toml) [[tool.qa.ignore]] rules = ["broken-link"] paths = ["archive/*"]
    reason = "old archive, rebuilt in Q1" until = 2026-03-31
Good:
    (in pyproject.toml) [[tool.qa.ignore]] rules = ["broken-link"] paths = ["archive/*"]
    reason = "old archive, rebuilt in Q1" until = 2027-03-31
"""
ID = "expired-ignore"
SCOPE = "engine"
SEVERITY = "warning"
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = "The problems this ignore hid were to be fixed by its date; they are reported again."
FIX = "Fix the problems it hid, or give the ignore a new reason and a new until date."
