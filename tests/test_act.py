"""W3C ACT Rules conformance: our rules against the ACT test cases in shared/act.

For each ACT rule a rule of ours implements, every `failed` example must get at least one
finding of that rule, and no `passed` or `inapplicable` example may get one (a finding there
is a false positive). Only the mapped rule runs, through the real runner.
"""
import json

import pytest

import rules
from conftest import ACT, act_missing
from helpers import check
from qa.config import from_dict

# ACT rule id -> our rule (or rules, which together cover it). 23a2a8 and ffd0e9 are the rules' own ACT rules; the others are
# narrower ACT rules whose whole scope the same check covers.
IMPLEMENTS = {
    "23a2a8": "missing-alt-text",   # Image has non-empty accessible name
    "59796f": "missing-alt-text",   # Image button has non-empty accessible name
    "7d6734": "missing-alt-text",   # SVG element with explicit role has non-empty accessible name
    "c487ae": ("missing-alt-text", "link-name"),   # Link has non-empty accessible name:
                                    # an image link's alt, or a link's text
    "ffd0e9": "empty-heading",      # Heading has non-empty accessible name
    "9eb3f6": "alt-text-quality",   # Image filename is accessible name for image
}

# Failed examples that markup alone cannot decide, each with the reason. Strict: if one
# starts to pass, the test says so and it comes off this list.
UNDECIDABLE = {
    "9eb3f6/failed_1.html": 'alt "Paris" is a real word equal to the file name "paris"; only '
                            "looking at the picture shows it is not Paris",
    "9eb3f6/failed_5.html": 'alt "Nyhavn" fits one <source> of the <picture> but not the other '
                            '("pain"); only looking at each picture can tell',
}


def _examples():
    manifest = ACT / "manifest.json"
    if not manifest.is_file():
        return [pytest.param(None, None, None, id="no-act-cases")]
    out = []
    for rule in json.loads(manifest.read_text("utf-8"))["rules"]:
        ours = IMPLEMENTS.get(rule["id"])
        for ex in rule["examples"] if ours else ():
            marks = [pytest.mark.xfail(reason=UNDECIDABLE[ex["file"]], strict=True)] \
                if ex["file"] in UNDECIDABLE else []
            out.append(pytest.param(ours, ex["file"], ex["expected"], marks=marks, id=ex["file"]))
    return out


def only(rule_ids: tuple[str, ...]):
    """A config that runs just `rule_ids` (engine rules still report load problems)."""
    return from_dict({"rules": {rid: rid in rule_ids for rid, m in rules.RULES.items()
                                if m.SCOPE != "engine"}})


@pytest.mark.parametrize("ours, file, expected", _examples())
def test_act_example(ours, file, expected):
    if file is None:
        pytest.skip(act_missing(ACT / "manifest.json"))
    ours = (ours,) if isinstance(ours, str) else ours
    report = check(ACT / file, config=only(ours))
    found = [f"{f.line}: {f.message}" for f in report.findings if f.rule in ours]
    if expected == "failed":
        assert found, f"{ours} misses a failed ACT example"
    else:
        assert found == [], f"{ours} reports a {expected} ACT example"


def test_every_mapped_act_rule_is_in_the_manifest():
    manifest = ACT / "manifest.json"
    if not manifest.is_file():
        pytest.skip(act_missing(manifest))
    ids = {r["id"] for r in json.loads(manifest.read_text("utf-8"))["rules"]}
    assert set(IMPLEMENTS) <= ids
    assert {f.split("/")[0] for f in UNDECIDABLE} <= set(IMPLEMENTS)
