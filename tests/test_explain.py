"""`qa explain RULE` and `qa rules RULE`, through a real subprocess: every rule's own
documentation, axe-core's rules with Deque's help page, exit 2 with suggestions."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rules
from qa import config as qaconfig

ROOT = Path(__file__).resolve().parent.parent


def qa(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_rule_is_explained_from_its_module():
    from qa.cli import main
    from qa.explain import explain
    for rid, mod in rules.RULES.items():
        text = explain(rid)
        assert text.startswith(f"{rid}: {rules.summary(mod)}\n"), rid
        assert " ".join(mod.WHY.split()) in " ".join(text.split()), rid
        assert " ".join(mod.FIX.split()) in " ".join(text.split()), rid
        assert "Bad:" in text and "Good:" in text, rid
        if mod.SCOPE != "browser":
            assert f"Default severity: {mod.SEVERITY}\n" in text, rid
        for name in mod.CONF:
            assert f"    {name} (" in text, (rid, name)
        if getattr(mod, "HELP_URL", None):
            assert f"Help: {mod.HELP_URL}\n" in text, rid
    assert main(["explain", "page-h1"]) == 0


def test_explain_prints_why_fix_examples_options_and_defaults():
    r = qa("explain", "reading-level")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("reading-level: Page prose reads above the target school grade")
    assert "Default severity: warning" in out
    assert "Why it matters:" in out and "How to fix it:" in out
    assert "Bad:\n    <!doctype html>" in out and "Good:\n" in out
    assert "    target-grade (int or float), default 8\n" in out
    assert "    min-words (int), default 100\n" in out
    assert "Help: https://www.w3.org/WAI/WCAG22/Understanding/reading-level.html" in out


def test_rules_with_a_rule_explains_it():
    r = qa("rules", "missing-alt-text")
    assert r.returncode == 0, r.stderr
    assert r.stdout == qa("explain", "missing-alt-text").stdout
    assert "Options:\n    none besides severity and enabled" in r.stdout


@pytest.mark.skipif(not qaconfig.bundled_axe_rules(), reason="axe-selenium-python not installed")
def test_axe_rule_is_axe_cores_with_its_deque_help_page():
    r = qa("explain", "axe.image-alt")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("axe.image-alt: Images must have alternative text\n")
    assert "axe-core's rule 'image-alt'" in r.stdout and "--browser" in r.stdout
    assert "axe's impact: critical" in r.stdout
    assert "Help: https://dequeuniversity.com/rules/axe/4.10/image-alt\n" in r.stdout
    from qa.explain import explain
    for aid in qaconfig.bundled_axe_rules():
        assert "https://dequeuniversity.com/rules/axe/" in explain(f"axe.{aid}"), aid


def test_unknown_rule_exits_2_naming_it_with_close_matches():
    r = qa("explain", "missng-alt-text")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == 'qa: unknown rule "missng-alt-text"; did you mean missing-alt-text?\n'
    r = qa("rules", "heading-ordr")
    assert r.returncode == 2 and "heading-order" in r.stderr
    r = qa("explain", "zzzz")
    assert r.returncode == 2 and '"zzzz"' in r.stderr and "qa rules" in r.stderr


@pytest.mark.skipif(not qaconfig.bundled_axe_rules(), reason="axe-selenium-python not installed")
def test_misspelt_axe_rule_suggests_axes():
    r = qa("explain", "axe.colour-contrast")
    assert r.returncode == 2 and "axe.color-contrast" in r.stderr


def test_rules_without_a_rule_still_lists():
    r = qa("rules")
    assert r.returncode == 0 and len(r.stdout.splitlines()) == len(rules.RULES)
