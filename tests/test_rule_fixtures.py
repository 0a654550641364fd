"""Per rule: good.html yields none of the rule's findings; bad.html yields exactly the
(line, rule) pairs its `data-expect` attributes announce (axe-core's fixture style)."""
from pathlib import Path

import pytest

import rules
from helpers import check, expected_pairs, found_pairs
from qa.config import Config

FIXTURES = Path(__file__).parent / "rules"
RULE_DIRS = sorted(d for d in FIXTURES.iterdir() if d.is_dir()) if FIXTURES.is_dir() else []


def test_every_content_rule_has_fixtures():
    content = {rid for rid, m in rules.RULES.items() if m.SCOPE in ("page", "site")}
    have = {d.name for d in RULE_DIRS if (d / "bad.html").is_file() and (d / "good.html").is_file()}
    assert content <= have, f"rules without good/bad fixtures: {sorted(content - have)}"


@pytest.mark.parametrize("d", RULE_DIRS, ids=lambda d: d.name)
def test_good_fixture_is_clean(d):
    assert d.name in rules.RULES, f"fixture folder for unknown rule {d.name}"
    report = check(d / "good.html", config=Config(site_root=str(d)))   # the folder: a site
    assert [f"{f.line}: {f.message}" for f in report.findings if f.rule == d.name] == []


@pytest.mark.parametrize("d", RULE_DIRS, ids=lambda d: d.name)
def test_bad_fixture_matches_expectations(d):
    bad = d / "bad.html"
    want = {p for p in expected_pairs(bad) if p[1] == d.name}
    assert want, f"{bad} announces no data-expect=\"{d.name}\""
    report = check(bad, config=Config(site_root=str(d)))
    got = found_pairs(report, {d.name})
    assert got == want, (f"missing: {sorted(want - got)}; unexpected: {sorted(got - want)}; "
                         f"messages: {[(f.line, f.message) for f in report.findings if f.rule == d.name]}")
