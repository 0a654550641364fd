"""duplicate-heading, empty-heading, heading-order, page-h1, missing-alt-text and
alt-text-quality: edge cases beyond the per-rule fixtures, and the name and role helpers
in qa/names.py that they rest on."""
import lxml.html
import pytest

from helpers import check
from qa import names, sources
from qa.config import ConfigError, from_dict
from rules import (alt_text_quality, duplicate_heading, empty_heading, heading_order,
                   link_name, missing_alt_text, page_h1, repeated_heading)

PAGE = ('<!doctype html><html lang="en"><head><title>T</title></head><body><main>\n'
        "{}\n</main></body></html>")


def findings(mod, write_page, body, conf=None, *, raw=False):
    """Run one rule directly on a page holding `body` (wrapped in PAGE unless raw)."""
    path = write_page("index.html", body if raw else PAGE.format(body))
    srcs, site, _ = sources.discover([str(path)])
    return list(mod.check(sources.load(srcs[0], site), mod.DEFAULT if conf is None else conf))


def messages(mod, write_page, body, conf=None, **kw):
    return [(f.line, f.message) for f in findings(mod, write_page, body, conf, **kw)]


# -- duplicate-heading -------------------------------------------------------------------

def test_each_repeat_is_reported_at_its_line_naming_the_first(write_page):
    body = ("<h2>Latest news</h2>\n<p>x</p>\n<h3>latest   NEWS</h3>\n"
            '<div role="heading">Latest news</div>')
    assert messages(duplicate_heading, write_page, body) == [
        (4, 'duplicate heading "latest NEWS" (first at line 2)'),
        (5, 'duplicate heading "Latest news" (first at line 2)')]


def test_headings_are_compared_by_what_screen_readers_read(write_page):
    body = ('<h2 aria-label="Contact us">Phone</h2>\n<h2><img src="c.png" alt="Contact us"></h2>\n'
            "<h2>Phone</h2>\n<h2 hidden>Contact us</h2>\n<p>Contact us</p>\n<h2></h2><h2></h2>")
    assert messages(duplicate_heading, write_page, body) == [
        (3, 'duplicate heading "Contact us" (first at line 2)')]


def test_headings_in_different_sections_are_not_duplicates(write_page):
    # scope: the same parent heading (or the heading's own parents), as in an outline
    body = ("<h2>Heart clinic</h2>\n<h3>Opening hours</h3>\n<h2>Eye clinic</h2>\n"
            "<h3>Opening hours</h3>\n<h4>Opening hours</h4>\n<h3>Opening hours</h3>")
    assert messages(duplicate_heading, write_page, body) == [
        (6, 'duplicate heading "Opening hours" (first at line 5)'),
        (7, 'duplicate heading "Opening hours" (first at line 5)')]


def test_headings_a_visitor_cannot_reach_are_left_out(write_page):
    body = ("<h2>News</h2>\n<noscript><h2>News</h2></noscript>\n<div inert><h2>News</h2></div>\n"
            '<div style="visibility: hidden"><h2>News</h2></div>\n<template><h2>News</h2></template>')
    assert messages(duplicate_heading, write_page, body) == []


NAV = ('<nav class="{}"><h2>Menu</h2><ul><li><a href="a.html">Appointments</a></li>'
       '<li><a href="b.html">Our history</a></li></ul></nav>')


def test_a_copied_block_is_a_warning_of_its_own_rule(write_page):
    body = NAV.format("wide") + "\n" + '<div class="narrow">' + NAV.format("small") + "</div>"
    assert messages(duplicate_heading, write_page, body) == []
    assert messages(repeated_heading, write_page, body) == [
        (3, 'heading "Menu" is repeated in a copy of the block at line 2 (first at line 2)')]


def test_a_block_that_differs_is_no_copy(write_page):
    other = NAV.format("x").replace("b.html", "c.html")
    body = NAV.format("wide") + "\n" + other
    assert messages(duplicate_heading, write_page, body) == [
        (3, 'duplicate heading "Menu" (first at line 2)')]
    assert messages(repeated_heading, write_page, body) == []


def test_box_labels_are_grouped_per_section(write_page):
    box = '<div class="{}"><h3 class="title">{}</h3><p>{}</p></div>'
    body = "\n".join(["<h2>Backups</h2>", box.format("note", "Note", 1), box.format("tip", "Tip", 2),
                      box.format("note", "Note", 3), box.format("note", "Note", 4),
                      "<h2>Restore</h2>", box.format("note", "Note", 5)])
    assert messages(duplicate_heading, write_page, body) == []
    assert messages(repeated_heading, write_page, body) == [
        (5, 'box label "Note" is used as the heading of 3 boxes in one section (lines 3, 5, 6)')]


def test_a_heading_in_a_box_that_says_more_is_compared_as_usual(write_page):
    body = ('<div class="note"><h2>How to book an appointment with us</h2></div>\n'
            '<div class="note"><h2>How to book an appointment with us</h2></div>\n'
            '<div class="plain"><h2>Note</h2><p>a</p></div>\n<div><h2>Note</h2><p>b</p></div>')
    assert messages(duplicate_heading, write_page, body) == [
        (3, 'duplicate heading "How to book an appointment with us" (first at line 2)'),
        (5, 'duplicate heading "Note" (first at line 4)')]


# -- link-name ---------------------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ('<a href="cv.pdf" role="none"> </a>', 'link to "cv.pdf" has no text'),
    ('<a href=""></a>', "link with an empty href has no text"),
    ('<a href="x.html"><i class="icon" aria-hidden="true">→</i></a>',
     'link to "x.html" has no text screen readers can read: "→" is hidden from them'),
    ('<div role="link" tabindex="0"></div>', "link has no text"),
])
def test_link_name_messages(write_page, body, message):
    assert [m for _, m in messages(link_name, write_page, body)] == [message]
    assert messages(missing_alt_text, write_page, body) == []


def test_an_image_link_is_missing_alt_texts_not_link_names(write_page):
    body = '<a href="a.html"><img src="a.png" alt=""></a>'
    assert messages(link_name, write_page, body) == []
    assert [m for _, m in messages(missing_alt_text, write_page, body)] == [
        'link to "a.html" has no text: its only image has alt=""']


# -- empty-heading -----------------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ("<h2></h2>", "h2 heading is empty"),
    ("<h3> &nbsp;<br> </h3>", "h3 heading is empty"),
    ('<h1><img src="logo.png" alt=""></h1>', 'h1 heading has no text: its only image has alt=""'),
    ('<h2><span aria-hidden="true">News</span></h2>',
     'h2 heading has no text screen readers can read: "News" is hidden from them'),
    ('<div role="heading" aria-level="4"></div>', 'role="heading" element (level 4) is empty'),
])
def test_empty_heading_says_why_it_is_empty(write_page, body, message):
    assert messages(empty_heading, write_page, body) == [(2, message)]


@pytest.mark.parametrize("body", [
    "<h2>News</h2>", '<h2 aria-label="News"></h2>', '<h2 title="News"></h2>',
    '<h2><img src="n.png" alt="News"></h2>', '<span id="l" hidden>News</span><h2 aria-labelledby="l"></h2>',
    '<h2 aria-hidden="true"></h2>', '<div hidden><h2></h2></div>', '<h2 style="display:none"></h2>',
    '<h2 role="presentation"></h2>', '<h2 role="tab"></h2>', "<template><h2></h2></template>",
])
def test_named_or_hidden_or_non_headings_pass(write_page, body):
    assert messages(empty_heading, write_page, body) == []


def test_a_heading_role_none_with_aria_label_stays_a_heading(write_page):
    # ARIA 1.2 presentational roles conflict resolution (ACT ffd0e9 failed example 8)
    assert [m for _, m in messages(empty_heading, write_page, '<h1 role="none" aria-label=""></h1>')] \
        == ["h1 heading is empty"]


# -- heading-order -----------------------------------------------------------------------

def test_skipping_down_is_reported_going_up_is_not(write_page):
    body = "<h3>a</h3>\n<h4>b</h4>\n<h6>c</h6>\n<h2>d</h2>\n<h4>e</h4>\n<h1>f</h1>\n<h2>g</h2>"
    assert messages(heading_order, write_page, body) == [
        (4, "heading level skips from h4 to h6"), (6, "heading level skips from h2 to h4")]


def test_aria_levels_and_the_role_heading_default(write_page):
    body = ('<h1>a</h1>\n<div role="heading">level 2 by default</div>\n'
            '<div role="heading" aria-level="4">d</div>\n<h2 aria-level="3">c</h2>\n'
            '<h1 hidden>x</h1>\n<h5>e</h5>')
    assert messages(heading_order, write_page, body) == [
        (4, "heading level skips from h2 to h4"), (7, "heading level skips from h3 to h5")]


# -- page-h1 -----------------------------------------------------------------------------

def test_a_missing_h1_is_one_page_level_finding(write_page):
    report = check(write_page("index.html", PAGE.format("<h2>News</h2><p>Text</p>")))
    got = [(f.line, f.message, f.severity) for f in report.findings if f.rule == "page-h1"]
    assert got == [(None, "page has no h1 heading", "warning")]


def test_extra_h1s_are_reported_at_their_lines(write_page):
    body = '<h1>News</h1>\n<h1>Events</h1>\n<h1 hidden>x</h1>\n<p role="heading" aria-level="1">Jobs</p>'
    assert messages(page_h1, write_page, body) == [
        (3, 'extra h1 "Events" (first h1 at line 2)'), (5, 'extra h1 "Jobs" (first h1 at line 2)')]


@pytest.mark.parametrize("html", [
    '<nav><a href="index.html">Home</a> <a href="news.html">News</a></nav>',     # an include
    "<footer><p>St Mary's Hospital, Elm Street</p></footer>",
    '<!doctype html><html lang="en"><head><title>Moved</title>'
    '<meta http-equiv="refresh" content="0; url=new.html"></head><body></body></html>',
    '<!doctype html><html lang="en"><title>App</title><body><div id="app"></div>'
    '<script>document.title = "x"</script></body></html>',
])
def test_fragments_and_empty_pages_are_not_checked(write_page, html):
    assert messages(page_h1, write_page, html, raw=True) == []


def test_a_role_heading_level_1_is_an_h1(write_page):
    assert messages(page_h1, write_page, '<div role="heading" aria-level="1">News</div><p>t</p>') == []


# -- missing-alt-text --------------------------------------------------------------------

def test_a_linked_image_with_empty_alt_is_reported_once_at_the_link(write_page):
    body = '<a href="news.html"\n  class="tile"><img src="news.png" alt=""></a>'
    assert messages(missing_alt_text, write_page, body) == [
        (2, 'link to "news.html" has no text: its only image has alt=""')]


def test_an_image_in_a_nameless_link_is_not_reported_twice(write_page):
    body = '<a href="a.html"><img src="a.png"></a>\n<a href="b.html" aria-label="B"><img src="b.png"></a>'
    assert messages(missing_alt_text, write_page, body) == [
        (2, 'link to "a.html" has no text: its only image has no alt attribute'),
        (3, 'image "b.png" has no alt attribute')]


def test_every_image_is_reported_on_a_long_page(write_page):
    # many short-lived lxml proxies: the rule must not mistake one element for another
    body = '<a href="x.html"><img src="x.png" alt=""></a>\n' + \
        "\n".join(f'<p>{"<span>t</span>" * 20}<img src="{i}.png"></p>' for i in range(200))
    got = messages(missing_alt_text, write_page, body)
    assert len(got) == 201 and got[-1] == (202, 'image "199.png" has no alt attribute')


@pytest.mark.parametrize("body, message", [
    ("<button></button>", "button has no text"),
    ('<button><svg viewBox="0 0 1 1"></svg></button>', "button has no text: its only image has no title"),
    ('<a href="#" role="button"><img src="x.png" role="presentation"></a>',
     'button has no text: its only image is marked as decorative (role="presentation")'),
    ('<img src="x.png" alt="" tabindex="0">',
     'image "x.png" has alt="" but takes focus or has ARIA attributes, so it is not decorative'),
    ('<map name="m"><area href="ae.html" alt=""></map>',
     'image map link to "ae.html" has an empty alt, but a link needs a name'),
    ('<span role="img">&#127973;</span>', 'span with role="img" has no aria-label'),
])
def test_missing_alt_text_messages(write_page, body, message):
    assert [m for _, m in messages(missing_alt_text, write_page, body)] == [message]


@pytest.mark.parametrize("body", [
    '<img src="x.png" alt="">', '<img src="x.png" role="presentation">',
    '<img src="x.png" title="X-ray department">', '<img src="x.png" aria-hidden="true">',
    '<div aria-hidden="true"><img src="x.png"></div>', '<img src="x.png" style="display:none">',
    '<div style="visibility: hidden"><img src="x.png"></div>', "<template><img src='x.png'></template>",
    '<a href="x.html" title="X-ray"><img src="x.png" alt=""></a>', '<a name="top"></a>',
    '<svg><circle r="1"></circle></svg>', '<map name="m"><area shape="rect"></map>',
    '<input type="submit">', '<button>Send <img src="arrow.png" alt=""></button>',
])
def test_decorative_hidden_or_named_passes(write_page, body):
    assert messages(missing_alt_text, write_page, body) == []


# -- alt-text-quality --------------------------------------------------------------------

def test_max_length_and_placeholders_are_options(write_page):
    body = '<img src="a.png" alt="A short alt">\n<img src="b.png" alt="photo">\n<img src="c.png" alt="TBC">'
    assert messages(alt_text_quality, write_page, body) == [
        (3, 'alt "photo" is a placeholder, not a description')]
    conf = {"max-length": 5, "placeholders": ["tbc"]}
    assert messages(alt_text_quality, write_page, body, conf) == [
        (2, 'alt "A short alt" is 11 characters long (limit 5)'),
        (4, 'alt "TBC" is a placeholder, not a description')]


def test_options_go_through_the_config(write_page):
    cfg = from_dict({"rules": {"alt-text-quality": {"max-length": 10, "placeholders": []}}})
    report = check(write_page("index.html", PAGE.format(
        '<h1>N</h1><img src="a.png" alt="The east wing at dusk">\n<img src="b.png" alt="photo">')), config=cfg)
    assert [(f.line, f.message, f.severity) for f in report.findings if f.rule == "alt-text-quality"] \
        == [(2, 'alt "The east wing at dusk" is 21 characters long (limit 10)', "warning")]
    with pytest.raises(ConfigError, match='unknown option "max" for rule "alt-text-quality"'):
        from_dict({"rules": {"alt-text-quality": {"max": 10}}})
    with pytest.raises(ConfigError, match="expected a whole number"):
        from_dict({"rules": {"alt-text-quality": {"max-length": "long"}}})


@pytest.mark.parametrize("alt", [
    "Nyhavn", "Photographs by our patients", "Image-guided surgery suite", "Logo of the NHS",
    "2025", "St Mary's Hospital logo", "A photo booth in the children's ward",
])
def test_real_descriptions_pass(write_page, alt):
    assert messages(alt_text_quality, write_page, f'<img src="nyhavn.jpg" alt="{alt}">') == []


def test_a_file_name_is_fine_in_a_link_to_that_file(write_page):
    body = ('<a href="files/plan.pdf" download><img src="pdf.png" alt="plan.pdf"></a>\n'
            '<a href="big/ward.png"><img src="ward-small.png" alt="ward.png"></a>\n'
            '<a href="ward.html"><img src="ward-small.png" alt="ward.png"></a>')
    assert messages(alt_text_quality, write_page, body) == [
        (4, 'alt "ward.png" is a file name, not a description')]


# -- qa/names.py -------------------------------------------------------------------------

def el(html):
    """The element with id="t" in `html`."""
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>").get_element_by_id("t")


def first(html, tag):
    return next(lxml.html.document_fromstring(f"<html><body>{html}</body></html>").iter(tag))


@pytest.mark.parametrize("html, presentational", [
    ('<img id="t" role="none">', True), ('<img id="t" role="presentation" alt="x">', True),
    ('<img id="t" role="none" tabindex="-1">', False), ('<img id="t" role="none" aria-label="">', False),
    ('<a id="t" href="x" role="none">x</a>', False), ('<a id="t" role="none">x</a>', True),
    ('<button id="t" role="none" disabled>x</button>', True), ('<img id="t">', False),
])
def test_presentational_roles_conflict_resolution(html, presentational):
    assert names.is_presentational(el(html)) is presentational


@pytest.mark.parametrize("html, level", [
    ('<h3 id="t">x</h3>', 3), ('<div id="t" role="heading">x</div>', 2),
    ('<div id="t" role="heading" aria-level="5">x</div>', 5), ('<h2 id="t" aria-level="4">x</h2>', 4),
    ('<div id="t" role="heading" aria-level="zero">x</div>', 2), ('<h2 id="t" role="tab">x</h2>', None),
    ('<h2 id="t" role="none">x</h2>', None), ('<h2 id="t" role="none" tabindex="0">x</h2>', 2),
    ('<p id="t">x</p>', None),
])
def test_heading_level(html, level):
    assert names.heading_level(el(html)) == level


def test_labelledby_is_followed_from_inside_a_link_but_not_twice():
    # accname 2B: followed during content traversal, not inside a labelledby traversal
    link = first('<a href="x"><img src="x.png" aria-labelledby="l"></a><span id="l">Home</span>', "a")
    assert names.accessible_name(link) == "Home"
    chain = first('<b id="a" aria-labelledby="b">A</b><b id="b" aria-labelledby="c">B</b>'
                  '<b id="c">C</b>', "b")
    assert names.accessible_name(chain) == "B"


def test_role_img_is_named_by_its_author_not_its_content():
    assert names.accessible_name(first('<div role="img">Chart</div>', "div")) == ""
    assert names.accessible_name(first('<a href="x"><span role="img">Chart</span></a>', "a")) == "Chart"
    assert names.accessible_name(first('<h1><img src="l.png" alt="Logo" role="none"></h1>', "h1")) == ""


@pytest.mark.parametrize("html, hidden", [
    ('<div style="visibility:hidden"><img id="t"></div>', True),
    ('<div style="visibility:hidden"><p style="visibility: visible"><img id="t"></p></div>', False),
    ('<div style="display:none"><p style="visibility: visible"><img id="t"></p></div>', True),
    ('<div aria-hidden="true"><p style="visibility: visible"><img id="t"></p></div>', True),
    ("<template><img id='t'></template>", True), ('<div aria-hidden="false"><img id="t"></div>', False),
])
def test_hidden_in_tree(html, hidden):
    target = next(e for e in lxml.html.document_fromstring(
        f"<html><body>{html}</body></html>").iter("img"))
    assert names.is_hidden_in_tree(target) is hidden


@pytest.mark.parametrize("html, out", [
    ("<noscript><p><img id='t'></p></noscript>", True), ('<div inert><img id="t"></div>', True),
    ('<img id="t" inert>', True), ('<div hidden><img id="t"></div>', True),
    ('<div><img id="t"></div>', False), ('<div inert="" hidden=""></div><p><img id="t"></p>', False),
])
def test_out_of_reach(html, out):
    target = next(e for e in lxml.html.document_fromstring(
        f"<html><body>{html}</body></html>").iter("img"))
    assert names.is_out_of_reach(target) is out
