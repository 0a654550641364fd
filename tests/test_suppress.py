"""Suppressions name their rules; one that hides nothing is reported."""
from helpers import check

PAGE = """<!doctype html><html lang="en"><title>News</title><body><main><h1>News</h1>
<div data-qa-ignore="missing-alt-text"><p><img src="a.png"></p></div>
<img src="b.png">
<!-- qa: disable placeholder-link -->
<a href="#">one</a>
<!-- qa: enable placeholder-link -->
<a href="#">two</a>
<p data-qa-ignore="duplicate-heading">fine</p>
</main></body></html>
"""


def test_element_and_range_suppression(write_page):
    report = check(write_page("p.html", PAGE))
    got = sorted((f.line, f.rule) for f in report.findings)
    assert (2, "missing-alt-text") not in got and (3, "missing-alt-text") in got
    assert (5, "placeholder-link") not in got and (7, "placeholder-link") in got
    assert (8, "unused-suppression") in got
    msg = next(f.message for f in report.findings if f.rule == "unused-suppression")
    assert msg == 'suppression of "duplicate-heading" hid nothing'


def test_suppression_of_disabled_rule_is_not_unused(write_page, tmp_path):
    from qa.config import from_dict
    report = check(write_page("p.html", PAGE), config=from_dict({"rules": {"duplicate-heading": False}}))
    assert "unused-suppression" not in {f.rule for f in report.findings}
