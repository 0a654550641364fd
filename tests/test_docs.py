"""Every rule documents itself, and the Bad/Good examples in its docstring are linted, so
the docs cannot drift (yamllint, pycodestyle)."""
import re
import textwrap

import pytest

import rules
from helpers import check

SEVERITIES = {"error", "warning", "info"}


def examples(doc: str, label: str) -> str | None:
    m = re.search(rf"^{label}:\n((?:[ \t]+.*\n?|\n)+)", doc, re.M)
    return textwrap.dedent(m.group(1)).strip() if m else None


@pytest.mark.parametrize("rid", sorted(rules.RULES))
def test_rule_declares_itself(rid):
    mod = rules.RULES[rid]
    assert mod.ID == rid and re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rid)
    assert mod.SCOPE in ("page", "site", "browser", "engine")
    assert mod.SEVERITY in SEVERITIES
    assert set(mod.DEFAULT) <= set(mod.CONF)
    assert rules.summary(mod) and mod.WHY and mod.FIX
    assert "Bad:" in mod.__doc__ and "Good:" in mod.__doc__
    if mod.SCOPE == "page":
        assert callable(mod.check)
    if mod.SCOPE == "site":
        assert callable(mod.collect) and callable(mod.check_site)


# browser rules' examples are linted in Chromium by tests/test_browser.py
LINTED = [rid for rid, m in rules.RULES.items()
          if m.SCOPE != "browser" and (examples(m.__doc__, "Bad") or "").startswith("<")]


@pytest.mark.parametrize("rid", LINTED)
def test_docstring_examples(rid, write_page):
    doc = rules.RULES[rid].__doc__
    bad, good = examples(doc, "Bad"), examples(doc, "Good")
    assert any(f.rule == rid for f in check(write_page("bad.html", bad)).findings), \
        f"{rid}: the Bad example yields no finding"
    found = [f.message for f in check(write_page("good.html", good)).findings if f.rule == rid]
    assert found == [], f"{rid}: the Good example yields {found}"
