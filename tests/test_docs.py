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


def test_the_readme_rule_table_matches_the_registry():
    """Every rule is in the README's table, with its default severity (engine rules, whose
    severity is their own, in the last row); nothing there that is not a rule."""
    import re
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    table = readme.split("## Rules", 1)[1].split("\n## ", 1)[0]
    rows = [r.split("|")[1:3] for r in table.splitlines() if r.startswith("| `")]
    listed: dict[str, str] = {}
    for ids, sev in rows:
        for rid in re.findall(r"`([^`]+)`", ids):
            listed[rid.rstrip(".*") if rid.endswith(".*") else rid] = sev.strip()
    for rid, mod in rules.RULES.items():
        assert rid in listed, f"{rid} is not in the README's rule table"
        if mod.SCOPE in ("page", "site"):
            assert listed[rid] == mod.SEVERITY, (rid, listed[rid], mod.SEVERITY)
    assert set(listed) <= set(rules.RULES), set(listed) - set(rules.RULES)
