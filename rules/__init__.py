"""The rule registry. Every rule is one module, registered here by name.

A rule module declares:

    ID        kebab-case id, part of the public interface
    SCOPE     "page": check(page, conf) yields findings for one parsed page (and may
                      yield a qa.findings.Metrics: what it measured, for the page's
                      PageInfo.metrics in the report);
              "site": collect(page, conf) returns a small picklable table per page and
                      check_site(site, tables, conf) yields findings once all pages are
                      parsed (tables: {page url: table});
              "browser": axe-core's rules in headless Chromium (qa.browser), under the
                      prefix "axe." (rules/axe.py maps axe's results to findings);
              "engine": findings made by the engine itself (load problems, suppressions)
    SEVERITY  default severity: error | warning | info
    TAGS      WCAG tags, e.g. ("wcag2a", "wcag111")
    CONF      option name -> type (or tuple of types); DEFAULT holds their defaults
    WHY, FIX  plain language for editors: why it matters to people, how to fix it
    HELP_URL  where to read more (optional)
    validate  validate(conf) raising ValueError for what CONF's types cannot say (optional;
              called when the config loads, so a bad option exits 2)
and its docstring is its documentation: first line the summary, and `Bad:`/`Good:`
examples that the test suite lints.

Findings are made with `page.finding(el, message)`; the engine stamps rule and severity.
"""
from __future__ import annotations

import importlib
from types import ModuleType

_MODULES = (
    "broken_anchor", "broken_link", "external_link", "placeholder_link",
    "duplicate_heading", "repeated_heading", "empty_heading", "heading_order", "page_h1",
    "missing_alt_text", "link_name", "alt_text_quality", "reading_level",
    "axe",
    "load_error", "encoding_error", "markup_error", "rule_error", "browser_error",
    "unused_suppression", "expired_ignore",
)


def _load() -> dict[str, ModuleType]:
    mods = {}
    for name in _MODULES:
        mod = importlib.import_module(f"rules.{name}")
        assert mod.ID.replace("-", "_") == name, (mod.ID, name)
        mods[mod.ID] = mod
    return mods


RULES: dict[str, ModuleType] = _load()


def summary(mod: ModuleType) -> str:
    return (mod.__doc__ or "").strip().splitlines()[0].strip()
