"""Config semantics: severity, options, prefixes, per-path overrides."""
import pytest

from qa.config import ConfigError, from_dict


def test_defaults_and_options():
    cfg = from_dict({"rules": {"reading-level": {"target-grade": 10}}})
    assert cfg.options("reading-level")["target-grade"] == 10
    assert cfg.options("missing-alt-text") is not None
    assert cfg.severity("missing-alt-text", "error") == "error"


def test_false_disables_and_string_sets_severity():
    cfg = from_dict({"rules": {"page-h1": False, "heading-order": "info"}})
    assert cfg.options("page-h1") is None
    assert cfg.severity("heading-order", "warning") == "info"


def test_axe_prefix_covers_family_and_specific_wins():
    cfg = from_dict({"rules": {"axe": "warning", "axe.color-contrast": "error",
                               "axe.region": False}})
    assert cfg.severity("axe.image-alt", "error") == "warning"
    assert cfg.severity("axe.color-contrast", "warning") == "error"
    assert not cfg.setting("axe.region").enabled


def test_most_specific_override_wins():
    cfg = from_dict({"rules": {"reading-level": {"target-grade": 8}},
                     "overrides": [{"paths": ["*"], "rules": {"reading-level": {"target-grade": 12}}},
                                   {"paths": ["es/*"], "rules": {"reading-level": {"target-grade": 10}}}]})
    assert cfg.options("reading-level", "news/a.html")["target-grade"] == 12
    assert cfg.options("reading-level", "es/noticias.html")["target-grade"] == 10


@pytest.mark.parametrize("table, key", [
    ({"rules": {"reading-level": {"target-grade": True}}}, "rules.reading-level.target-grade"),
    ({"rules": {"missing-alt-text": 3}}, "rules.missing-alt-text"),
    ({"rules": {"placeholder-link": {"severity": "fatal"}}}, "rules.placeholder-link.severity"),
    ({"overrides": [{"rules": {}}]}, "overrides[0].paths"),
    ({"jobs": 0}, "jobs"),
    ({"browser": {"headless": False}}, "browser.headless"),
    ({"rules": {"broken-link": {"ignore": ["re:(unclosed"]}}}, "rules.broken-link"),
    ({"rules": {"alt-text-quality": {"placeholders": [1, 2]}}}, "rules.alt-text-quality"),
    ({"rules": {"reading-level": {"min-words": -5}}}, "rules.reading-level"),
    ({"rules": {"reading-level": {"min-sentences": 0}}}, "rules.reading-level"),
    ({"rules": {"reading-level": {"hardest": -1}}}, "rules.reading-level"),
    ({"rules": {"reading-level": {"target-grade": -3}}}, "rules.reading-level"),
    ({"overrides": [{"paths": ["es/*"], "rules": {"reading-level": {"hardest": -1}}}]},
     "overrides[0].rules.reading-level"),
    ({"browser": {"timeout": -1}}, "browser.timeout"),
    ({"browser": {"timeout": 0}}, "browser.timeout"),
    ({"browser": {"timeout": float("nan")}}, "browser.timeout"),
    ({"browser": {"jobs": 0}}, "browser.jobs"),
])
def test_errors_name_the_key(table, key):
    with pytest.raises(ConfigError) as e:
        from_dict(table)
    assert e.value.key == key and e.value.reason
