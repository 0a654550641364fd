"""broken-link, broken-anchor and placeholder-link: edge cases beyond the per-rule fixtures,
and the cross-page mini site in tests/rules/broken-anchor/site/."""
from array import array
import pickle
from pathlib import Path

import pytest

from helpers import check, expected_pairs
from qa import sources
from qa.config import Config, RuleSetting
from rules import broken_anchor, broken_link, placeholder_link

SITE = Path(__file__).parent / "rules" / "broken-anchor" / "site"
PAGE = ('<!doctype html><html lang="en"><title>T</title><main><h1 id="top-heading">T</h1>\n'
        "{}\n</main></html>")


def findings(mod, root: Path, url: str, conf=None):
    """Run a page or site rule directly on one page of the site under `root`."""
    srcs, site, _ = sources.discover([str(root)])
    pages = {s.url: sources.load(s, site) for s in srcs}
    conf = mod.DEFAULT if conf is None else conf
    if mod.SCOPE == "site":
        tables = {u: mod.collect(p, conf) for u, p in pages.items()}
        return [f for f in mod.check_site(site, tables, conf) if f.path == pages[url].path]
    return list(mod.check(pages[url], conf))


def messages(mod, root, url="index.html", conf=None):
    return [f.message for f in findings(mod, root, url, conf)]


# -- broken-link ---------------------------------------------------------------------------

def test_broken_link_messages_name_the_reference(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a href="missing.html">A</a>\n<img src="img/x.png" alt="X">\n'
        '<script src="js/app.js"></script>\n'
        '<link rel="stylesheet" href="site.css">\n<iframe src="map.html" title="Map"></iframe>\n'
        '<video src="intro.mp4" poster="intro.jpg"><track src="intro.vtt"></video>\n'
        '<audio src="talk.mp3"></audio><embed src="plan.svg"><object data="plan.pdf"></object>\n'
        '<picture><source srcset="wide.webp"><img src="narrow.png" alt="N"></picture>\n'
        '<input type="image" src="go.png" alt="Go"><input type="text" src="not-a-ref.png">'))
    assert messages(broken_link, tmp_path) == [
        'link to "missing.html" does not exist', 'image "img/x.png" does not exist',
        'script "js/app.js" does not exist',
        'stylesheet "site.css" does not exist', 'frame "map.html" does not exist',
        'video "intro.mp4" does not exist', 'poster image "intro.jpg" does not exist',
        'text track "intro.vtt" does not exist', 'audio "talk.mp3" does not exist',
        'embedded file "plan.svg" does not exist', 'embedded file "plan.pdf" does not exist',
        'image "wide.webp" does not exist', 'image "narrow.png" does not exist',
        'image "go.png" does not exist']


def test_climbing_above_the_site_root_is_reported(write_page, tmp_path):
    write_page("news/index.html", PAGE.format(
        '<a href="../../etc/passwd">P</a>\n<img src="../../../logo.png" alt="L">\n'
        '<a href="../index.html">inside, but missing</a>\n<a href="/../x.html">clamped</a>'))
    assert messages(broken_link, tmp_path, "news/index.html") == [
        'link to "../../etc/passwd" leaves the site root',
        'image "../../../logo.png" leaves the site root',
        'link to "../index.html" does not exist',
        'link to "/../x.html" does not exist']     # URL: "/.." stays at the root


def test_one_page_of_a_site_named_alone_looks_above_its_folder(write_page, tmp_path):
    """`qa check site/news/a.html` (on save, say): the site root is unknown, so `../x` is a
    file to look for, not a reference leaving the site. Naming the site keeps the bound."""
    write_page("css/site.css", "body {}")
    write_page("about.html", PAGE.format('<h2 id="contact">Contact</h2>'))
    page = write_page("news/a.html", PAGE.format(
        '<link rel="stylesheet" href="../css/site.css">\n<a href="../about.html#contact">A</a>\n'
        '<a href="../gone.html">G</a>\n<a href="../about.html#nowhere">N</a>'))
    alone = [(f.rule, f.line, f.message) for f in check(page).findings
             if f.rule in ("broken-link", "broken-anchor")]
    assert alone == [("broken-link", 4, 'link to "../gone.html" does not exist'),
                     ("broken-anchor", 5, 'fragment "#nowhere" not found in "../about.html"')]
    bounded = Config(site_root=str(tmp_path / "news"))
    assert {f.message for f in check(page, config=bounded).findings if f.rule == "broken-link"} == {
        'stylesheet "../css/site.css" leaves the site root', 'link to "../gone.html" leaves the site root',
        'link to "../about.html#contact" leaves the site root',
        'link to "../about.html#nowhere" leaves the site root'}


def test_a_reference_that_is_no_url_is_reported_and_costs_nothing_else(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a href="https://[2001:db8::1/">router</a>\n<a href="gone.html">gone</a>\n'
        '<a href="http://[oops#x"><img alt="IMG_0001.jpg" src="logo.png"></a>\n'
        '<a href="http://host:99999/">port</a> <a href="#nowhere">n</a>\n'
        '<base href="http://[::1">'))
    got = [(f.rule, f.line, f.message) for f in check(tmp_path).findings
           if f.rule in ("broken-link", "broken-anchor", "alt-text-quality", "rule-error")]
    assert got == [
        ("broken-link", 2, 'link to "https://[2001:db8::1/" is not a valid URL (invalid IPv6 URL)'),
        ("broken-link", 3, 'link to "gone.html" does not exist'),
        ("broken-link", 4, 'link to "http://[oops#x" is not a valid URL (invalid IPv6 URL)'),
        ("alt-text-quality", 4, 'alt "IMG_0001.jpg" is a file name, not a description'),
        ("broken-link", 4, 'image "logo.png" does not exist'),
        ("broken-link", 5, 'link to "http://host:99999/" is not a valid URL (port out of range 0-65535)'),
        ("broken-anchor", 5, 'fragment "#nowhere" not found on this page')]


def test_elements_are_placed_past_tags_written_inside_attribute_values_and_text(write_page):
    """A `<tag` inside an attribute value, a textarea, a title or a script is no element."""
    page = write_page("index.html", (
        '<!doctype html>\n<html lang="en"><title>Tips <img></title>\n<body><h1>x</h1>\n'
        '<p data-tip="<img src=q.png>" title=don\'t>x</p>\n<textarea>\n<img src="t.png">\n</textarea>\n'
        '<script>document.write("<img>")</script><img src="a.png">\n<iframe title="f"><img></iframe>\n'
        '<img src="b.png"></body></html>'))
    placed = [(f.line, f.column, f.message) for f in check(page).findings if f.rule == "missing-alt-text"]
    assert placed == [(8, 41, 'image "a.png" has no alt attribute'),
                      (10, 1, 'image "b.png" has no alt attribute')]


def test_every_occurrence_is_reported_at_its_own_line(write_page, tmp_path):
    write_page("index.html", PAGE.format('<a href="gone.html">1</a>\n<p>\n'
                                         '<a href="gone.html">2</a>'))
    assert [(f.line, f.message) for f in findings(broken_link, tmp_path, "index.html")] == [
        (2, 'link to "gone.html" does not exist'), (4, 'link to "gone.html" does not exist')]


def test_existing_targets_pass(write_page, tmp_path):
    write_page("docs/index.html", PAGE.format(""))
    write_page("visiting hours.html", PAGE.format(""))
    write_page("news/2025/ward.html", PAGE.format(
        '<a href="/docs/">root-relative directory</a> <a href="../../docs">no slash</a>\n'
        '<a href="/visiting%20hours.html?print=1#late">encoded, query, fragment</a>\n'
        '<a href="ward.html">itself</a> <a href="?page=2">query only</a> <a href="#x">x</a>\n'
        '<a href="/">site root</a> <a href=" ../../docs/index.html ">spaces</a>'))
    write_page("index.html", PAGE.format(""))
    assert messages(broken_link, tmp_path, "news/2025/ward.html") == []


def test_directory_without_index_and_root_relative_misses(write_page, tmp_path):
    write_page("sub/page.html", PAGE.format(
        '<a href="/page.html">wrong root-relative path</a>\n<a href="../empty/">empty dir</a>'))
    (tmp_path / "empty").mkdir()
    assert messages(broken_link, tmp_path, "sub/page.html") == [
        'link to "/page.html" does not exist', 'link to "../empty/" does not exist']


def test_external_and_special_schemes_are_not_checked(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a href="https://example.org/x.html">e</a> <a href="http://example.org">e</a>\n'
        '<script src="//cdn.example.org/a.js"></script> <a href="mailto:a@example.org">m</a>\n'
        '<a href="tel:+15555550100">t</a> <img src="data:image/gif;base64,R0lGOD=" alt="d">\n'
        '<a href="javascript:void(0)">j</a> <iframe src="about:blank" title="b"></iframe>\n'
        '<link rel="preconnect" href="/"> <link rel="dns-prefetch" href="/cdn">\n'
        '<img src="" alt="empty src is another problem">'))
    assert messages(broken_link, tmp_path) == []


@pytest.mark.parametrize("value, urls", [
    ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
    ("a.png 480w,b.png 960w", ["a.png", "b.png"]),
    ("a.png, b.png", ["a.png", "b.png"]),
    ("a.png,b.png 2x", ["a.png,b.png"]),         # HTML: a URL may contain commas
    ("  a.png  ", ["a.png"]),
    ("a.png 1x (future, descriptor), b.png 2x", ["a.png", "b.png"]),
    ("data:image/png;base64,iVBO= 1x, c.png 2x", ["data:image/png;base64,iVBO=", "c.png"]),
    ("", []), (" , ,", []),
])
def test_srcset_candidates(value, urls):
    assert broken_link.srcset_urls(value) == urls


def test_srcset_reports_each_missing_candidate(write_page, tmp_path):
    write_page("img/a.png", b"\x89PNG\r\n\x1a\n")
    write_page("index.html", PAGE.format(
        '<img src="img/a.png" srcset="img/a.png 1x, img/b.png 2x, img/c.png 3x" alt="A">'))
    assert messages(broken_link, tmp_path) == [
        'image "img/b.png" does not exist', 'image "img/c.png" does not exist']


def test_relative_base_href_is_respected(write_page, tmp_path):
    write_page("sub/here.html", PAGE.format(""))
    write_page("there.html", PAGE.format(""))
    write_page("index.html", PAGE.format(
        '<base href="sub/"><a href="here.html">in sub</a>\n<a href="there.html">not in sub</a>'
        '\n<base href="elsewhere/">'))           # HTML: only the first base counts
    assert messages(broken_link, tmp_path) == ['link to "there.html" does not exist']


def test_absolute_base_href_makes_links_external(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<base href="https://example.org/"><a href="nowhere.html">x</a>'))
    assert messages(broken_link, tmp_path) == []


def test_ignore_patterns(write_page, tmp_path):
    write_page("news/index.html", PAGE.format(
        '<a href="../downloads/leaflet.pdf">glob on the site path</a>\n'
        '<a href="{{ url }}">template tag</a>\n<a href="report-2024.pdf">regex</a>\n'
        '<a href="still-missing.html">reported</a>'))
    conf = {"ignore": ["/downloads/*", "{{*}}", r"re:report-\d{4}\.pdf$"]}
    assert messages(broken_link, tmp_path, "news/index.html", conf) == [
        'link to "still-missing.html" does not exist']


def test_ignore_rejects_a_bad_regex(write_page, tmp_path):
    write_page("index.html", PAGE.format('<a href="x.html">x</a>'))
    with pytest.raises(ValueError, match='invalid pattern in "ignore" of rule "broken-link"'):
        messages(broken_link, tmp_path, conf={"ignore": ["re:("]})


def test_ignore_option_through_the_runner(write_page):
    page = write_page("index.html", PAGE.format('<a href="old/a.html">a</a>\n'
                                                '<a href="b.html">b</a>'))
    config = Config.default()
    config.rules["broken-link"] = RuleSetting(options={"ignore": ["old/*"]})
    got = [(f.line, f.message) for f in check(page, config=config).findings
           if f.rule == "broken-link"]
    assert got == [(3, 'link to "b.html" does not exist')]


# -- placeholder-link ------------------------------------------------------------------------

def test_placeholder_messages(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a href="#">Read more</a> <a href="">Visiting hours</a>\n'
        '<a href="javascript:void(0)">Open menu</a> <a href="#" role="button">Show more</a>\n'
        '<a href="#"></a> <a href="java\nscript:print()">Print</a> <a href="  #  ">Spaces</a>'))
    assert messages(placeholder_link, tmp_path) == [
        'link "Read more" goes nowhere (href="#")',
        'link "Visiting hours" goes nowhere (href="")',
        'link "Open menu" goes nowhere (href="javascript:void(0)"), use a <button>',
        'link "Show more" goes nowhere (href="#"), use a <button>',
        'link with no text goes nowhere (href="#")',
        'link "Print" goes nowhere (href="javascript:print()"), use a <button>',
        'link "Spaces" goes nowhere (href="#")']


@pytest.mark.parametrize("text", [
    "Back to top", "TOP", "↑ Top", "Top ▲", "to top", "Top of page", "Return to top",
    "Return to the top of the page", "Scroll to top", "back-to-top", "Volver arriba",
    "ir arriba", "Arriba"])
def test_to_top_links_with_hash_are_fine(write_page, tmp_path, text):
    write_page("index.html", PAGE.format(f'<a href="#">{text}</a> <a href="#TOP">{text}</a>'))
    assert messages(placeholder_link, tmp_path) == []


@pytest.mark.parametrize("html", [
    '<a href="#">Top stories</a>', '<a href="#">Topics</a>', '<a href="#">Back</a>',
    '<a href="">Back to top</a>',                      # reloads the page
    '<a href="javascript:scrollTo(0,0)">Back to top</a>'])
def test_not_to_top_or_not_hash_is_reported(write_page, tmp_path, html):
    write_page("index.html", PAGE.format(html))
    assert len(messages(placeholder_link, tmp_path)) == 1


def test_to_top_by_accessible_name(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a href="#" aria-label="Back to top"><svg aria-hidden="true"></svg></a>\n'
        '<a href="#"><img src="data:image/gif;base64,R0lGOD=" alt="Top of page"></a>'))
    assert messages(placeholder_link, tmp_path) == []


def test_real_links_and_anchors_without_href_are_not_placeholders(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a>not a link</a> <a name="old">old anchor</a> <a href="#x">section</a>\n'
        '<a href="page.html">page</a> <a href="#!">hashbang (broken-anchor\'s business)</a>'))
    assert messages(placeholder_link, tmp_path) == []



SPHINX = ("<!doctype html><html lang=\"en\"><title>os — Miscellaneous operating system interfaces"
          " — Python 3.11.2 documentation</title><body>\n"
          '<li><a class="reference internal" href="#"><code class="xref py py-mod"><span class="pre">'
          "os</span></code> — Miscellaneous operating system interfaces</a></li>\n"
          '<li class="nav-item nav-item-this"><a href=""><code>os</code> — Miscellaneous '
          "operating system interfaces</a></li>\n"
          '<a href="#" title="Python Module Index">modules</a>\n'
          '<section><h1><code>os</code> — Miscellaneous operating system interfaces'
          '<a class="headerlink" href="#module-os" title="Permalink">¶</a></h1>\n'
          "{}\n</section></body></html>")


def test_sphinx_self_links_are_not_placeholders(write_page, tmp_path):
    # the table of contents and the breadcrumb link the page's own title with "#" and "";
    # py-modindex.html links itself as "modules" titled with its own name
    write_page("index.html", SPHINX.format("").replace('title="Python Module Index"', 'title="os"'))
    assert messages(placeholder_link, tmp_path) == []


@pytest.mark.parametrize("html", [
    '<nav aria-label="Breadcrumb"><a href="/">Home</a> <a href="" aria-current="page">Backups</a></nav>',
    '<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="#">Backups</a></li></ol>',
    '<ul><li class="current"><a href="#">Backups</a></li></ul>',
    '<ul><li><a class="nav-link active" href="#">Backups</a></li></ul>',
    '<a href="#" aria-current="step">Step 2</a>',
    '<a href="">T</a>',                                     # the page's h1 and title
])
def test_links_that_mark_the_current_page_are_fine(write_page, tmp_path, html):
    write_page("index.html", PAGE.format(html))
    assert messages(placeholder_link, tmp_path) == []


def test_a_navigation_of_placeholders_is_still_reported(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<nav><ul><li><a href="#">Make an appointment</a></li><li><a href="#">Our history</a>'
        '</li>\n<li><a href="#" aria-current="false">Careers</a></li></ul></nav>\n'
        '<ol class="breadcrumb"><li><a href="#">Home</a></li><li><a href="x.html">Wards</a></li></ol>'))
    assert messages(placeholder_link, tmp_path) == [
        'link "Make an appointment" goes nowhere (href="#")',
        'link "Our history" goes nowhere (href="#")',
        'link "Careers" goes nowhere (href="#")',
        'link "Home" goes nowhere (href="#")']


def test_script_links_and_hash_buttons_keep_the_button_advice_even_on_the_current_page(
        write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a href="javascript:void(0)" aria-current="page">T</a>\n'
        '<li class="active"><a href="#" onclick="toggle()">T</a></li>\n'
        '<a href="#" role="button" aria-current="page">T</a>'))
    assert messages(placeholder_link, tmp_path) == [
        'link "T" goes nowhere (href="javascript:void(0)"), use a <button>',
        'link "T" goes nowhere (href="#"), use a <button>',
        'link "T" goes nowhere (href="#"), use a <button>']


def test_a_link_the_sites_other_pages_give_this_page_is_a_self_link(write_page, tmp_path):
    # Sphinx's sidebar links "Report a Bug" to bugs.html on every page, and writes it as
    # href="#" on bugs.html itself
    menu = '<ul><li><a href="{}">Report a Bug</a></li><li><a href="#">Make an appointment</a></li></ul>'
    write_page("index.html", PAGE.format(menu.format("docs/bugs.html")))
    write_page("docs/bugs.html", PAGE.format(menu.format("#") + '\n<a href="#">Index</a>'))
    report = check(tmp_path, config=Config.default())
    got = [(Path(f.path).name, f.message) for f in report.findings if f.rule == "placeholder-link"]
    assert got == [("bugs.html", 'link "Make an appointment" goes nowhere (href="#")'),
                   ("bugs.html", 'link "Index" goes nowhere (href="#")'),
                   ("index.html", 'link "Make an appointment" goes nowhere (href="#")')]
    # the page alone: nothing says "Report a Bug" means this page
    alone = check(tmp_path / "docs" / "bugs.html", config=Config.default())
    assert len([f for f in alone.findings if f.rule == "placeholder-link"]) == 3

# -- broken-anchor ---------------------------------------------------------------------------

def test_same_page_fragments(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<h2 id="café">Café</h2> <a name="legacy">old</a>\n'
        '<a href="#caf%C3%A9">encoded</a> <a href="#café">raw</a> <a href="#legacy">name</a>\n'
        '<a href="#top">top</a> <a href="#TOP">TOP</a> <a href="#">empty</a>\n'
        '<a href="#:~:text=Caf">text fragment</a> <a href="index.html#top-heading">own url</a>\n'
        '<a href="#caf%C3%A8">wrong accent</a>\n<a href="#Legacy">wrong case</a>\n'
        '<template><p id="later">x</p></template><a href="#later">inert</a>\n'
        '<a href="#top%20news">space</a>'))
    assert [(f.line, f.message) for f in findings(broken_anchor, tmp_path, "index.html")] == [
        (6, 'fragment "#cafè" not found on this page'),
        (7, 'fragment "#Legacy" not found on this page'),
        (8, 'fragment "#later" not found on this page'),
        (9, 'fragment "#top news" not found on this page')]


def test_fragment_on_a_missing_page_is_left_to_broken_link(write_page, tmp_path):
    write_page("index.html", PAGE.format(
        '<a href="gone.html#x">gone</a>\n<a href="notes.txt#x">not HTML</a>'))
    write_page("notes.txt", "plain text")
    assert messages(broken_anchor, tmp_path) == []
    assert messages(broken_link, tmp_path) == ['link to "gone.html#x" does not exist']


def test_relative_base_changes_where_a_fragment_points(write_page, tmp_path):
    write_page("other.html", PAGE.format('<h2 id="there">There</h2>'))
    write_page("index.html", PAGE.format(
        '<base href="other.html"><h2 id="here">Here</h2>\n'
        '<a href="#there">on other.html</a>\n<a href="#here">not on other.html</a>'))
    assert messages(broken_anchor, tmp_path) == ['fragment "#here" not found in "other.html"']


def site_pairs(report, rule) -> set[tuple[str, int]]:
    return {(Path(f.path).resolve().relative_to(SITE).as_posix(), f.line)
            for f in report.findings if f.rule == rule}


def expected_site_pairs(rule) -> set[tuple[str, int]]:
    return {(p.relative_to(SITE).as_posix(), line)
            for p in SITE.rglob("*.html") for line, r in expected_pairs(p) if r == rule}


def test_mini_site_cross_page_fragments():
    report = check(SITE)
    assert site_pairs(report, "broken-anchor") == expected_site_pairs("broken-anchor")
    msgs = {f.message for f in report.findings if f.rule == "broken-anchor"}
    assert {'fragment "#dosage" not found in "treatment.html"',
            'fragment "#oncology" not found in "services/index.html"',
            'fragment "#dosage" not found on this page'} <= msgs


def test_mini_site_missing_page_is_reported_once_by_broken_link():
    report = check(SITE)
    line = next(n for n, t in enumerate((SITE / "index.html").read_text().splitlines(), 1)
                if "missing.html#anything" in t)
    on_line = [f.rule for f in report.findings if f.line == line
               and f.path.endswith("/site/index.html") and f.rule.startswith("broken-")]
    assert on_line == ["broken-link"]


def test_pages_outside_the_run_are_read_from_disk():
    config = Config.default()
    config.site_root = str(SITE)
    alone = check(SITE / "index.html", config=config)
    whole = check(SITE)
    assert site_pairs(alone, "broken-anchor") == \
        {p for p in site_pairs(whole, "broken-anchor") if p[0] == "index.html"}


def test_tables_are_plain_data_for_jobs():
    srcs, site, _ = sources.discover([str(SITE)])
    tables = {s.url: broken_anchor.collect(sources.load(s, site), {}) for s in srcs}
    direct = list(broken_anchor.check_site(site, tables, {}))
    assert direct == list(broken_anchor.check_site(site, pickle.loads(pickle.dumps(tables)), {}))

    def plain(v):       # builtins and flat arrays of digests: no elements, no pages
        if isinstance(v, dict):
            return all(isinstance(k, str) and plain(x) for k, x in v.items())
        if isinstance(v, (list, tuple)):
            return all(map(plain, v))
        return isinstance(v, (str, int, float, bool, type(None), array))
    assert direct and plain(tables)


def test_jobs_give_the_same_findings():
    config = Config.default()
    config.jobs = 2
    assert check(SITE, config=config).findings == check(SITE).findings


def test_the_site_wide_tables_cost_bytes_not_objects_per_link(tmp_path):
    """What a page leaves for the site-wide joins until the end of the run: 8 bytes an id,
    32 a fragment link to another page, 8 a link text (memory flat on a big site: the
    tables of 5,000 docs pages are kept at once)."""
    n = 500
    ids = "".join(f'<h2 id="section-{i}-of-the-long-document">S {i}</h2>' for i in range(n))
    refs = "".join(f'<li><a href="b.html#part-{i}-of-the-other-page">Part {i} of b</a></li>'
                   for i in range(n))
    (tmp_path / "a.html").write_text(f"<!doctype html><title>A</title><main>{ids}<ul>{refs}</ul></main>")
    (tmp_path / "b.html").write_text("<!doctype html><title>B</title><main><p>b</p></main>")
    srcs, site, _ = sources.discover([str(tmp_path)])
    page = sources.load(srcs[0], site)
    anchors = pickle.dumps(broken_anchor.collect(page, {}))
    texts = pickle.dumps(placeholder_link.collect(page, {}))
    assert len(anchors) < n * (8 + 32) + 1000
    assert len(texts) < n * 8 + 1000
