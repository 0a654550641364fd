"""axe-core results -> Findings, from a recording (tests/data/axe/page.axe.json, made by
tests/data/axe/record.py from page.html), so the mapping is tested without a browser."""
import json
from pathlib import Path

import pytest

from qa.page import SNIPPET_MAX, Page
from rules import axe

DATA = Path(__file__).parent / "data" / "axe"
RESULTS = json.loads((DATA / "page.axe.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def page():
    return Page("site/page.html", "page.html", (DATA / "page.html").read_text("utf-8"))


@pytest.fixture(scope="module")
def found(page):
    return axe.findings(RESULTS, "site/page.html", page)


def line_of(text: str) -> int:
    """The line of page.html that contains `text` (the tests name elements by their markup)."""
    lines = (DATA / "page.html").read_text("utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, 1) if text in line]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def test_recording_is_what_the_tests_assume():
    assert RESULTS["version"] == "4.10.2"
    assert {r["id"] for r in RESULTS["violations"]} == {
        "button-name", "color-contrast", "image-alt", "label", "link-name"}
    assert [r["id"] for r in RESULTS["incomplete"]] == ["color-contrast"]


def test_every_node_becomes_one_finding(found):
    nodes = sum(len(r["nodes"]) for k in ("violations", "incomplete") for r in RESULTS[k])
    assert len(found) == nodes == 11
    assert all(f.path == "site/page.html" for f in found)
    assert all(f.rule.startswith("axe.") for f in found)


def test_elements_are_placed_on_their_source_lines(found):
    where = {(f.rule, f.selector): (f.line, f.column)
             for f in found if not (f.data or {}).get("needs_review")}
    assert where[("axe.link-name", 'a[href="b.html"]')] == (line_of('href="b.html"'), 7)
    assert where[("axe.link-name", 'a[href="c.html"]')] == (line_of('href="c.html"'), 7)
    assert where[("axe.image-alt", 'img[src="b.png"]')] == (line_of('src="b.png"'), 24)
    assert where[("axe.image-alt", 'img[src$="map.png"]:nth-child(5)')] == (line_of('<img src="map.png"> <img'), 1)


def test_script_shifted_nth_child_is_matched_by_its_markup(found):
    # the script put a third .faint paragraph first: axe's :nth-child(2) is the source's
    # first paragraph and :nth-child(3) its second; :nth-child(1) exists only in the DOM
    contrast = {f.snippet: f.line for f in found if f.rule == "axe.color-contrast" and f.severity == "error"}
    assert contrast == {
        '<p class="faint">Visitors must sign in at reception.</p>': line_of("Visitors must"),
        '<p class="faint">Children must be with an adult.</p>': line_of("Children must"),
        '<p class="faint">Updated today</p>': None,
    }


def test_script_created_element_has_no_line(found):
    button = next(f for f in found if f.rule == "axe.button-name")
    assert (button.line, button.column, button.selector) == (None, None, "button")
    assert button.snippet == "<button></button>"


def test_frame_and_shadow_content_point_at_their_frame_and_host(found):
    label = next(f for f in found if f.rule == "axe.label")
    assert label.selector == "iframe >> input"
    assert label.line == line_of("<iframe") and label.snippet == '<input type="text">'
    shadow = next(f for f in found if f.selector and ">>>" in f.selector)
    assert shadow.selector == '#host >>> img[src$="shadow.png"]'
    assert shadow.line == line_of('id="host"')


def test_fields_come_from_axe(found):
    f = next(f for f in found if f.rule == "axe.image-alt" and f.selector == 'img[src="b.png"]')
    assert f.impact == "critical" and f.severity == "error"
    assert f.tags[:2] == ("cat.text-alternatives", "wcag2a") and "wcag111" in f.tags
    assert isinstance(f.tags, tuple)
    assert f.help_url.startswith("https://dequeuniversity.com/rules/axe/4.10/image-alt")
    assert f.message == "images must have alternative text (element does not have an alt attribute)"
    assert f.data["help"] == "Images must have alternative text"
    assert "needs_review" not in f.data


def test_messages_are_one_lower_case_clause(found):
    for f in found:
        assert f.message[0].islower(), f.message
        assert not f.message.endswith("."), f.message
        assert ". " not in f.message, f.message
        assert "\n" not in f.message
    contrast = next(f for f in found if f.rule == "axe.color-contrast")
    assert contrast.message.endswith("; expected contrast ratio of 4.5:1)")


def test_incomplete_is_info_needing_review(found):
    review = [f for f in found if (f.data or {}).get("needs_review")]
    assert len(review) == 1
    f = review[0]
    assert (f.rule, f.severity, f.impact) == ("axe.color-contrast", "info", "serious")
    assert f.line == line_of('class="over-image"')
    assert f.severity == "info" and f.data["needs_review"]   # info even if config raises axe.*
    assert f.message == ("elements must meet minimum color contrast ratio thresholds: needs review "
                         "(element's background color could not be determined due to a background image)")


@pytest.mark.parametrize("impact, severity", [("critical", "error"), ("serious", "error"),
                                              ("moderate", "warning"), ("minor", "info"),
                                              (None, "warning")])
def test_severity_from_impact(impact, severity):
    assert axe.severity_for(impact) == severity


def test_without_the_page_there_are_no_lines():
    found = axe.findings(RESULTS, "page.html", None)
    assert len(found) == 11 and all(f.line is None and f.column is None for f in found)
    assert all(f.selector for f in found)


def test_snippets_are_folded_and_shortened():
    node = {"target": ["div"], "html": "<div>\n  " + "word " * 200 + "</div>",
            "failureSummary": "Fix any of the following:\n  Some page content is not contained by landmarks"}
    long = {"violations": [{"id": "region", "impact": "moderate", "tags": ["best-practice"],
                            "help": "All page content should be contained by landmarks",
                            "helpUrl": "https://x", "nodes": [node]}]}
    f = axe.findings(long, "p.html")[0]
    assert len(f.snippet) == SNIPPET_MAX and f.snippet.endswith("…") and "\n" not in f.snippet
    assert (f.severity, f.tags) == ("warning", ("best-practice",))
    assert f.message == ("all page content should be contained by landmarks "
                         "(some page content is not contained by landmarks)")


@pytest.mark.parametrize("text, clause", [
    ("Images must have alternative text", "images must have alternative text"),
    ("ARIA attributes must conform to valid names.", "ARIA attributes must conform to valid names"),
    ("IDs of active elements must be unique", "IDs of active elements must be unique"),
    ("<html> element must have a lang attribute", "<html> element must have a lang attribute"),
    ("Element has insufficient contrast. Expected 4.5:1", "element has insufficient contrast; expected 4.5:1"),
])
def test_clause(text, clause):
    assert axe.clause(text) == clause


def test_reason_falls_back_to_check_messages():
    node = {"any": [], "all": [{"message": "Element has no title."}], "none": []}
    assert axe.failure_reason(node) == "element has no title"
    assert axe.failure_reason({}) == ""


@pytest.mark.parametrize("html, expect", [
    ('<p class="faint">Children must be with an adult.</p>', "Children must"),   # unique by text
    ('<img src="map.png" alt="Map">', 'alt="Map"'),                               # unique by attributes
    ('<p class="faint">Not in the markup</p>', None),
    ('<li>', None),                                                              # ambiguous: 3 li
])
def test_locate_by_markup_when_the_selector_misses(page, html, expect):
    el = axe.locate(page, ["#nowhere > x:nth-child(9)"], html)
    if expect is None:
        assert el is None
    else:
        assert page.position(el)[0] == line_of(expect)


def test_locate_survives_selectors_cssselect_cannot_read(page):
    assert axe.locate(page, ["a:has(> img)"], '<a href="b.html"><img src="b.png"></a>') is not None
    assert axe.locate(page, ["::-webkit-scrollbar"], "") is None
    assert axe.locate(page, [], "<p>") is None


def test_axe_repeating_one_of_ours_on_the_same_element_is_folded_into_ours():
    from qa.findings import Finding

    def f(rule, line=5, column=1, sev="error", path="a.html", **data):
        return Finding(rule, sev, path, line, column, rule, data=data or None)

    ours, theirs = f("missing-alt-text"), f("axe.image-alt")
    assert axe.fold_duplicates([ours, theirs]) == [ours]
    assert axe.fold_duplicates([theirs, ours])[0].data == {"also_found_by": ["axe.image-alt"]}
    two = axe.fold_duplicates([f("heading-order", sev="warning", x=1), f("axe.heading-order")])
    assert [(g.rule, g.data) for g in two] == [("heading-order", {"x": 1, "also_found_by": ["axe.heading-order"]})]
    kept = [
        f("axe.image-alt", column=9),                          # another element on the line
        f("axe.image-alt", path="b.html"),                     # another page
        f("axe.image-alt", needs_review=True),                 # axe could not decide: says more
        f("axe.color-contrast"),                               # no rule of ours tests this
        f("axe.empty-heading"),                                # ours did not flag it
        f("axe.image-alt", line=None, column=None),            # placed on no line
    ]
    out = axe.fold_duplicates([ours, *kept])
    assert out == [ours, *kept] and out[0].data is None     # (data takes no part in ==)


def test_page_h1_link_names_and_button_names_are_folded_into_ours():
    from qa.findings import Finding

    def f(rule, line=5, column=1, path="a.html", selector="a"):
        return Finding(rule, "error", path, line, column, rule, selector=selector)

    no_h1 = f("page-h1", line=None, column=None, selector=None)
    axe_h1 = f("axe.page-has-heading-one", line=2, column=1, selector="html")
    empty_link = f("link-name", line=7)
    image_link = f("missing-alt-text", line=9)
    button = f("missing-alt-text", line=11)
    out = axe.fold_duplicates([no_h1, axe_h1, empty_link, f("axe.link-name", line=7),
                               image_link, f("axe.link-name", line=9),
                               button, f("axe.button-name", line=11)])
    assert [(g.rule, g.data["also_found_by"]) for g in out] == [
        ("page-h1", ["axe.page-has-heading-one"]), ("link-name", ["axe.link-name"]),
        ("missing-alt-text", ["axe.link-name"]), ("missing-alt-text", ["axe.button-name"])]
    # an extra h1 (at its line) is not what page-has-heading-one says; another page's
    # missing h1 is not this page's
    extra = f("page-h1", line=20)
    kept = [f("axe.page-has-heading-one", line=2, path="b.html", selector="html")]
    assert axe.fold_duplicates([extra, *kept]) == [extra, *kept]
    assert axe.fold_duplicates([axe_h1]) == [axe_h1]


@pytest.mark.browser
def test_one_finding_per_problem_in_a_real_browser_run(need_browser, tmp_path):
    from helpers import check
    from qa.config import from_dict
    page = tmp_path / "wards.html"
    page.write_text(
        '<!doctype html>\n<html lang="en">\n<head><title>Wards</title></head>\n<body>\n'
        "<main>\n<h2>Wards</h2>\n"
        '<p><a href="news.html"></a></p>\n'
        '<p><a href="map.html"><img src="map.png" alt=""></a></p>\n'
        '<p><button type="button"><img src="menu.png" alt=""></button></p>\n'
        "</main>\n</body>\n</html>\n", "utf-8")
    cfg = from_dict({"browser": {"enabled": True, "timeout": 20}})
    found = check(page, config=cfg).findings
    got = {(f.rule, f.line): (f.data or {}).get("also_found_by") for f in found
           if f.rule != "broken-link"}         # news.html, map.png...: not written
    assert got == {("page-h1", None): ["axe.page-has-heading-one"],
                   ("link-name", 7): ["axe.link-name"],
                   ("missing-alt-text", 8): ["axe.link-name"],
                   ("missing-alt-text", 9): ["axe.button-name"]}, got
