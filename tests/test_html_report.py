"""The HTML report: golden files, its own structure and accessibility, template-wide
grouping, escaping of hostile page data, and a real headless Chromium run (no injected
script runs; the filters, search and live region work; axe-core finds nothing).

Regenerate the golden files with QA_UPDATE_GOLDEN=1 after an intended format change.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from qa.config import Config
from qa.findings import Finding, PageInfo, Report
from qa.runner import run
from reports import html as html_writer

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
HOSTILE = ROOT / "tests" / "data" / "hostile"
UPDATE = os.environ.get("QA_UPDATE_GOLDEN") == "1"

NAV = {"selector": "html > body > header > nav > ul > li:nth-of-type(2) > a",
       "snippet": '<a href="#">Research</a>', "tags": ("wcag2a", "wcag244"),
       "help_url": "https://www.w3.org/WAI/WCAG22/Understanding/link-purpose-in-context.html"}
HARDEST = [
    {"text": "The lead investigator emphasised that although laboratory experiments have "
             "demonstrated considerable activity, individual benefit cannot be guaranteed.",
     "line": 30, "grade": 21.3, "before": "The trial opens in May.",
     "after": "Ask your nurse if you want to take part."},
    {"text": "Participants should immediately contact the oncology triage telephone service.",
     "line": 40, "grade": 15.9},
]


# -- shared by test_sarif_junit.py -------------------------------------------------------
def constructed_report() -> Report:
    """A small deterministic report that exercises every branch the writers have: a
    template-wide finding on three pages, a page-level finding, a finding axe agreed with,
    an axe finding with an impact, an axe "needs review" finding, reading levels above and within target, a page
    that was not scored, a path with a space and an accent, and a page that failed to load."""
    findings = [
        Finding("placeholder-link", "error", "about.html", 15, 5,
                'link "Research" goes nowhere (href="#")', **NAV),
        Finding("page-h1", "warning", "about.html", None, None, "page has no h1",
                tags=("best-practice",)),
        Finding("missing-alt-text", "error", "about.html", 18, 1,
                'image "team.png" has no alt attribute', selector="#content > img",
                snippet='<img src="team.png">', tags=("wcag2a", "wcag111"),
                data={"also_found_by": ["axe.image-alt"]}),
        Finding("axe.color-contrast", "error", "about.html", 20, 3,
                "element has insufficient color contrast of 2.52 (foreground color: #999999, "
                "background color: #ffffff, font size: 12.0pt (16px), font weight: normal)",
                selector="#content > p.note", snippet='<p class="note">Call 0300 123 4567</p>',
                impact="serious", tags=("cat.color", "wcag2aa", "wcag143"),
                help_url="https://dequeuniversity.com/rules/axe/4.10/color-contrast?application=axeAPI"),
        Finding("placeholder-link", "error", "news/café menu.html", 15, 5,
                'link "Research" goes nowhere (href="#")', **NAV),
        Finding("reading-level", "warning", "news/café menu.html", 22, None,
                "reading grade 14.2 is above the target 8 (Flesch-Kincaid grade)",
                selector="#content", snippet='<main id="content"> <h1>Our café menu</h1> <p>The…',
                tags=("wcag2aaa", "wcag315"),
                help_url="https://www.w3.org/WAI/WCAG22/Understanding/reading-level.html",
                data={"grade": 14.2, "target": 8, "formula": "Flesch-Kincaid grade",
                      "language": "en", "hardest": HARDEST}),
        Finding("axe.aria-allowed-role", "info", "news/café menu.html", 31, 1,
                "ARIA role button is not allowed for given element",
                selector="ul.menu", snippet='<ul class="menu" role="button">', impact="minor",
                tags=("cat.aria", "best-practice"),
                help_url="https://dequeuniversity.com/rules/axe/4.10/aria-allowed-role?application=axeAPI",
                data={"needs_review": True}),
        Finding("placeholder-link", "error", "services/index.html", 15, 5,
                'link "Research" goes nowhere (href="#")', **NAV),
        Finding("load-error", "error", "old/empty.html", None, None, "page is empty (0 bytes)"),
    ]
    findings.sort(key=Finding.sort_key)
    reading = {"target": 8, "language": "en", "formula": "Flesch-Kincaid grade"}
    pages = [
        PageInfo("about.html", "About us | Riverside", "en", "utf-8",
                 {**reading, "words": 49, "sentences": 6,
                  "skipped": "too little prose (49 words in 6 sentences; scoring needs 100 words in 3 sentences)"}),
        PageInfo("es/noticias.html", "Nuevo horario de visitas", "es", "utf-8",
                 {"target": 8, "language": "es", "formula": "Crawford grade", "grade": 1.7,
                  "flesch_reading_ease": 104.0, "ease_formula": "Fernández Huerta reading ease",
                  "words": 148, "sentences": 19,
                  "hardest": [{"text": "Dos personas pueden estar junto a cada cama.",
                               "line": 19, "grade": 3.2}]}),
        PageInfo("news/café menu.html", "Our café menu | Riverside", "en", "utf-8",
                 {**reading, "grade": 14.2, "flesch_reading_ease": 30.1,
                  "ease_formula": "Flesch reading ease", "words": 292, "sentences": 16,
                  "hardest": HARDEST}),
        PageInfo("services/index.html", "Our services | Riverside", "en", "utf-8",
                 {**reading, "grade": 5.1, "flesch_reading_ease": 80.2,
                  "ease_formula": "Flesch reading ease", "words": 163, "sentences": 14,
                  "hardest": [{"text": "Our wards are open to visitors from 9 in the morning.",
                               "line": 25, "grade": 6.0}]}),
    ]
    rules = {
        "placeholder-link": {
            "summary": 'A link that goes nowhere: `href="#"` or a `javascript:` address.',
            "severity": "error",
            "why": "People who follow the link expect to reach new content.",
            "fix": "Give the link the address of the page it should open.",
            "help_url": NAV["help_url"], "tags": ["wcag2a", "wcag244"]},
        "page-h1": {"summary": "A page has no h1 heading, or more than one.", "severity": "warning",
                    "why": "The main heading tells people what the page is about.",
                    "fix": 'Give the page exactly one "Heading 1".', "help_url": None,
                    "tags": ["best-practice"]},
        "reading-level": {"summary": "Page prose reads above the target school grade (WCAG 3.1.5).",
                          "severity": "warning",
                          "why": "Many people read below the level of school they finished.",
                          "fix": "Use short sentences with one idea each.",
                          "help_url": "https://www.w3.org/WAI/WCAG22/Understanding/reading-level.html",
                          "tags": ["wcag2aaa", "wcag315"]},
        "load-error": {"summary": "Page could not be read.", "severity": "error",
                       "why": "Nothing on this page could be checked.",
                       "fix": "Check that the file exists and is a real HTML page.",
                       "help_url": None, "tags": []},
        "axe.color-contrast": {"summary": "Elements must meet minimum color contrast ratio thresholds",
                               "severity": "error",
                               "why": "Ensures the contrast between foreground and background colors meets WCAG 2 AA minimum contrast ratio thresholds",
                               "fix": "", "help_url": "https://dequeuniversity.com/rules/axe/4.10/color-contrast?application=axeAPI",
                               "tags": ["cat.color", "wcag2aa", "wcag143"]},
        "axe.aria-allowed-role": {"summary": "ARIA role should be appropriate for the element",
                                  "severity": "info", "why": "Ensures role attribute has an appropriate value for the element",
                                  "fix": "", "help_url": None, "tags": ["cat.aria", "best-practice"]},
    }
    meta = {"site_root": "site", "generated": "2025-03-04T10:00:00+00:00",
            "axe_version": "4.10.2", "browser": "Chromium 131.0.6778.85"}
    return Report(tool={"name": "qa", "version": "0.0.0"}, pages=pages, findings=findings,
                  fail_on="error", rules=rules, meta=meta)


def sample_report(monkeypatch) -> Report:
    """qa's own run over sample_pages/, made independent of where the repo lives and of
    the release number."""
    monkeypatch.chdir(ROOT)
    report = run(["sample_pages"], Config.default())
    report.tool = {**report.tool, "version": "0.0.0"}
    report.meta = {**report.meta, "site_root": "sample_pages", "generated": "2025-03-04T10:00:00+00:00"}
    return report


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if not UPDATE and not path.exists():     # never written by a plain run: that would pass
        pytest.fail(f"golden file {name} is missing (generate it with QA_UPDATE_GOLDEN=1)")
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_text(encoding="utf-8"), \
        f"{name} differs from the golden file (QA_UPDATE_GOLDEN=1 to accept the change)"


# -- hostile input -----------------------------------------------------------------------
PAYLOAD = ("\"'><img src=x onerror=\"window.__pwned='path'\"></textarea></title></script>"
           "<script>window.__pwned='path2';document.title='pwned'</script>")


def hostile_report(monkeypatch) -> Report:
    """Findings from a real run over tests/data/hostile/ (script in link text, onerror in
    snippets, javascript: links, </textarea> and </script> in headings and sentences,
    quote-breaking alt text), plus what a run cannot produce by itself: a hostile page
    path, title, language and rule docs, and javascript: help URLs."""
    monkeypatch.chdir(ROOT)
    report = run(["tests/data/hostile"], Config.default())
    path = f"{PAYLOAD}.html"
    hostile_rule = "axe.x\"><script>window.__pwned='rule'</script>"
    extra = [
        Finding("axe.image-alt", "error", path, 3, 1, PAYLOAD, selector=PAYLOAD, snippet=PAYLOAD,
                impact="critical\"><script>window.__pwned='impact'</script>",
                tags=("wcag2a", "wcag111", "<script>"), help_url="javascript:window.__pwned='help'",
                data={"needs_review": True}),
        Finding(hostile_rule, "warning", path, 4, 2, "x", help_url=" JAVASCRIPT:window.__pwned=1"),
        Finding("reading-level", "warning", path, 5, None, "reading grade 12 is above the target 8",
                data={"grade": 12.0, "target": 8, "hardest": [
                    {"text": "</mark></li></ol><script>window.__pwned='hardest'</script>",
                     "line": 5, "grade": 12.0, "before": "</span><script>window.__pwned='before'</script>",
                     "after": "\"><img src=x onerror=\"window.__pwned='after'\">"}]}),
    ]
    for f in report.findings:                # the same hostile finding once more, as info
        if f.rule == "placeholder-link":
            extra.append(dataclasses.replace(f, severity="info", path=path, line=9,
                                             help_url="data:text/html,<script>alert(1)</script>"))
            break
    page = PageInfo(path, PAYLOAD, 'en" onmouseover="window.__pwned=1', "utf-8",
                    {"target": 8, "language": "x\" onfocus=\"window.__pwned='lang'", "words": 120,
                     "sentences": 5, "formula": PAYLOAD, "grade": 12.0})
    rules = dict(report.rules)
    rules["axe.image-alt"] = {"summary": PAYLOAD, "why": PAYLOAD,
                              "fix": "`<script>window.__pwned='fix'</script>` and `<b>`",
                              "help_url": "javascript:window.__pwned='doc-help'", "severity": "error"}
    rules[hostile_rule] = {"summary": "`unbalanced", "why": PAYLOAD, "fix": "",
                           "help_url": "vbscript:msgbox", "severity": "warning"}
    findings = sorted(report.findings + extra, key=Finding.sort_key)
    return Report(tool=report.tool, pages=report.pages + [page], findings=findings,
                  fail_on=report.fail_on, rules=rules,
                  meta={**report.meta, "site_root": PAYLOAD, "browser": PAYLOAD,
                        "generated": "2025-03-04T10:00:00+00:00"})


# -- static checks of the report's markup ---------------------------------------------------
def structure_problems(text: str) -> list[str]:
    """What our own static rules and axe would object to, checked on the markup: the
    report must pass qa itself (one h1, ordered, distinct, non-empty headings; no
    placeholder or dangling in-page links), and must carry nothing live from a page."""
    doc = lxml_html.document_fromstring(text)
    out = []
    if doc.get("lang") != "en":
        out.append("html has no lang")
    if not (doc.findtext(".//title") or "").strip():
        out.append("no title")
    for role in ("header", "nav", "main", "footer"):
        if len(doc.findall(f".//{role}")) != 1:
            out.append(f"not exactly one <{role}>")
    heads = [(int(h.tag[1]), " ".join(h.text_content().split()))
             for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    if [lvl for lvl, _ in heads].count(1) != 1:
        out.append("not exactly one h1")
    prev = 0
    for lvl, txt in heads:
        if lvl > prev + 1:
            out.append(f"heading level skips to h{lvl} at {txt!r}")
        prev = lvl
        if not txt:
            out.append(f"empty h{lvl}")
    texts = [t.lower() for _, t in heads]
    out += [f"duplicate heading {t!r}" for t in sorted({t for t in texts if texts.count(t) > 1})]
    ids = [el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")]
    out += [f"duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for a in doc.iter("a"):
        href = a.get("href")
        if href is None:
            out.append("a without href")
        elif href.startswith("#"):
            if href == "#" or href[1:] not in ids:
                out.append(f"in-page link {href!r} has no target")
        elif urlsplit(href).scheme not in ("http", "https"):
            out.append(f"live link that is not http(s): {href!r}")
        if not a.text_content().strip():
            out.append("link without text")
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name in el.attrib:
            if name.lower().startswith("on") or name.lower() in ("style", "srcdoc", "formaction"):
                out.append(f"<{el.tag} {name}=...>")
    if len(doc.findall(".//script")) != 1 or len(doc.findall(".//style")) != 1:
        out.append("not exactly one <script> and one <style>")
    if doc.findall(".//iframe") or doc.findall(".//img") or doc.findall(".//object"):
        out.append("embedded content")
    for ctl in doc.xpath("//input|//select|//textarea"):
        if not (ctl.xpath("ancestor::label") or doc.xpath("//label[@for=$i]", i=ctl.get("id") or "-")):
            out.append(f"control {ctl.get('id')!r} has no label")
    return out


def csp_of(text: str) -> dict[str, str]:
    doc = lxml_html.document_fromstring(text)
    meta = doc.xpath("//meta[@http-equiv='Content-Security-Policy']")
    assert len(meta) == 1
    return dict((d.strip().split(" ", 1) + [""])[:2] for d in meta[0].get("content").split(";"))


def sha(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


# -- tests: goldens and structure ------------------------------------------------------------
def test_constructed_report_matches_golden():
    golden("constructed.html", html_writer.render(constructed_report()))


def test_sample_pages_report_matches_golden(monkeypatch):
    golden("sample_pages.html", html_writer.render(sample_report(monkeypatch)))


def test_output_is_deterministic():
    assert html_writer.render(constructed_report()) == html_writer.render(constructed_report())


@pytest.mark.parametrize("which", ["constructed", "sample", "hostile"])
def test_report_structure_passes_our_own_checks(which, monkeypatch):
    report = {"constructed": constructed_report, "sample": lambda: sample_report(monkeypatch),
              "hostile": lambda: hostile_report(monkeypatch)}[which]()
    assert structure_problems(html_writer.render(report)) == []


def test_csp_allows_exactly_the_inline_style_and_script():
    text = html_writer.render(constructed_report())
    csp = csp_of(text)
    style = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", text, re.S).group(1)
    assert csp["default-src"] == "'none'"
    assert csp["style-src"] == sha(style)
    assert csp["script-src"] == sha(script)
    assert csp["img-src"] == "data:"
    assert "unsafe" not in text.split("</head>")[0]


def test_overview_counts_and_reading_bars():
    report = constructed_report()
    doc = lxml_html.document_fromstring(html_writer.render(report))
    cards = [" ".join(li.text_content().split()) for li in doc.cssselect(".cards li")]
    assert cards[0].startswith("5 pages checked")       # 4 pages + the one that failed to load
    assert cards[1].startswith("6 errors") and cards[2].startswith("2 warnings") \
        and cards[3].startswith("1 info")
    by_rule = {r.cssselect("code")[-1].text: [td.text for td in r.cssselect("td.n")]
               for r in doc.xpath("//table[@aria-labelledby='by-rule-h']/tbody/tr")}
    assert by_rule["placeholder-link"] == ["3", "3"]
    top = [a.text for a in doc.xpath("//table[@aria-labelledby='top-pages-h']//a")]
    assert top[0] == "about.html"                       # 4 problems, most of all
    bars = {tr.xpath(".//a")[0].text: tr.xpath(".//svg/rect")
            for tr in doc.xpath("//table[@aria-labelledby='reading-h']/tbody/tr")}
    assert not bars["about.html"]                       # not scored: no bar
    over = bars["news/café menu.html"]
    assert over[1].get("fill") == "#a1161b"             # above target: red
    assert float(over[1].get("width")) == pytest.approx(160 * 14.2 / 20, abs=0.1)
    assert float(over[2].get("x")) == pytest.approx(160 * 8 / 20 - 1, abs=0.1)
    assert bars["services/index.html"][1].get("fill") == "#1c6b2f"
    # furthest above target first, pages that were not scored last
    assert list(bars) == ["news/café menu.html", "es/noticias.html", "services/index.html",
                          "about.html"]


def test_template_wide_problem_is_listed_once_with_its_pages():
    doc = lxml_html.document_fromstring(html_writer.render(constructed_report()))
    shared = doc.cssselect("#shared li.problem")
    assert len(shared) == 1
    group = shared[0]
    assert group.get("data-rule") == "placeholder-link" and group.get("data-count") == "3"
    assert [a.text for a in group.cssselect(".on-pages a")] == \
        ["about.html", "news/café menu.html", "services/index.html"]
    # not repeated per page; each page points at the shared list instead
    assert not doc.xpath("//section[@data-page-section]//li[@data-rule='placeholder-link']")
    about = doc.get_element_by_id("page-1")
    assert "1 problem that it shares" in " ".join(about.text_content().split())
    # a page-level finding (no element) is never "template-wide", even if it repeats
    assert about.xpath(".//li[@data-rule='page-h1']")


def test_a_pages_problems_of_one_kind_share_one_explanation():
    """A 500-page site's report says why a broken link matters once per page, not once
    per link; past SHOWN_PER_KIND the occurrences fold."""
    report = constructed_report()
    report.findings = sorted(report.findings + [
        Finding("broken-link", "error", "about.html", 30 + i, 1, f'link to "old-{i}.html" does not exist',
                selector=f"#content > p:nth-of-type({i + 1}) > a", snippet=f'<a href="old-{i}.html">Old {i}</a>')
        for i in range(12)], key=Finding.sort_key)
    report.rules["broken-link"] = {"summary": "A link points to a local file that does not exist.",
                                   "severity": "error", "why": "Visitors reach an error page.",
                                   "fix": "Correct the address.", "help_url": None, "tags": []}
    doc = lxml_html.document_fromstring(html_writer.render(report))
    about = doc.get_element_by_id("page-1")
    [card] = about.xpath(".//li[@data-kind='broken-link']")
    text = " ".join(card.text_content().split())
    assert "(12 times on this page)" in text and text.count("Visitors reach an error page.") == 1
    items = card.xpath(".//li[@data-finding]")
    assert [i.get("data-rule") for i in items] == ["broken-link"] * 12
    assert [" ".join(i.cssselect(".message")[0].text_content().split()) for i in items][:2] == \
        ['link to "old-0.html" does not exist', 'link to "old-1.html" does not exist']
    assert all(i.cssselect("pre code") and i.xpath(".//dd/code") for i in items)   # each its element
    folded = card.cssselect("details.rest")[0]
    assert folded.cssselect("summary")[0].text == "Show the other 2"
    assert folded.cssselect("ol")[0].get("start") == "11" and len(folded.xpath(".//li[@data-finding]")) == 2
    # kinds most severe first: the 12 errors come before the page-h1 warning
    kinds = [li.get("data-kind") or li.get("data-rule") for li in about.xpath(".//ol[@class='problems']/li")]
    assert kinds.index("broken-link") < kinds.index("page-h1")
    assert structure_problems(html_writer.render(report)) == []


def test_shared_problems_match_across_depths_and_come_most_severe_then_widest_first():
    report = constructed_report()
    logo = [Finding("alt-text-quality", "warning", p, 3, 1, 'alt "Logo" says only what it is',
                    selector=sel, snippet=f'<img src="{src}_static/py.svg" alt="Logo">')
            for p, src, sel in (("about.html", "", "header > img"), ("news/café menu.html", "../", "div > header > img"),
                                ("services/index.html", "../", "header > img"), ("es/noticias.html", "./../", "header > img"))]
    report.findings = sorted(report.findings + logo, key=Finding.sort_key)
    doc = lxml_html.document_fromstring(html_writer.render(report))
    groups = [(li.get("data-rule"), li.get("data-count")) for li in doc.cssselect("#shared li.problem")]
    assert groups == [("placeholder-link", "3"), ("alt-text-quality", "4")]   # error first
    report.findings = [f for f in report.findings if not (f.rule == "placeholder-link" and f.path == "about.html")]
    report.findings.append(dataclasses.replace(logo[0], rule="empty-heading", severity="warning"))
    report.findings.append(dataclasses.replace(logo[1], rule="empty-heading", severity="warning"))
    doc = lxml_html.document_fromstring(html_writer.render(sorted_report(report)))
    groups = [(li.get("data-rule"), li.get("data-count")) for li in doc.cssselect("#shared li.problem")]
    assert groups == [("placeholder-link", "2"), ("alt-text-quality", "4"), ("empty-heading", "2")]


def sorted_report(report: Report) -> Report:
    report.findings.sort(key=Finding.sort_key)
    return report


def test_kinds_of_problem_most_severe_first_and_pages_named_within_the_site(monkeypatch):
    doc = lxml_html.document_fromstring(html_writer.render(constructed_report()))
    sev = [r.cssselect(".badge")[0].get("class").split()[1]
           for r in doc.xpath("//table[@aria-labelledby='by-rule-h']/tbody/tr")]
    assert sev == sorted(sev, key=["error", "warning", "info"].index) and sev[-1] == "info"
    # the sample site was named as sample_pages/: its pages read as paths in the site
    doc = lxml_html.document_fromstring(html_writer.render(sample_report(monkeypatch)))
    assert [h.text for h in doc.xpath("//section[@data-page-section]/h3")][:2] == ["about.html", "index.html"]
    assert "sample_pages" in doc.cssselect(".lede code")[0].text


def test_a_long_list_of_pages_folds_into_details():
    report = constructed_report()
    nav = next(f for f in report.findings if f.rule == "placeholder-link")
    paths = [f"news/{i:02}.html" for i in range(12)]
    report.pages += [PageInfo(p, metrics={"grade": 3.0 + i, "target": 8, "words": 150,
                                          "sentences": 12}) for i, p in enumerate(paths)]
    report.findings = sorted(report.findings + [dataclasses.replace(nav, path=p) for p in paths],
                             key=Finding.sort_key)
    doc = lxml_html.document_fromstring(html_writer.render(report))
    group = doc.cssselect("#shared li.problem")[0]
    assert group.get("data-count") == "15"
    assert group.cssselect("details summary")[0].text == "On 15 pages (show the list)"
    assert len(group.cssselect("details li a")) == 15
    # 16 pages with a reading level: the 15 furthest above target open, the rest folded
    reading = doc.xpath("//table[@aria-labelledby='reading-h']/tbody/tr")
    assert len(reading) == html_writer.READING_SHOWN == 15
    assert [r.xpath(".//a")[0].text for r in reading[:2]] == ["news/café menu.html", "news/11.html"]
    folded = doc.xpath("//details//table/tbody/tr")
    assert len(folded) == 1 and folded[0].xpath(".//a")[0].text == "about.html"   # not scored
    summary = doc.xpath("//section[@id='overview']//p[contains(., 'above their target')]")[0]
    assert " ".join(summary.text_content().split()) == (
        "7 of 16 pages read above their target; 1 was not scored (too little prose, a list "
        "of links, or a language with no readability formula: see each page).")
    assert structure_problems(html_writer.render(report)) == []


def test_reading_level_is_never_template_wide():
    report = constructed_report()
    cafe = next(f for f in report.findings if f.rule == "reading-level")
    report.findings = sorted(report.findings + [dataclasses.replace(cafe, path="about.html")],
                             key=Finding.sort_key)            # same selector, same snippet
    doc = lxml_html.document_fromstring(html_writer.render(report))
    assert not doc.xpath("//section[@id='shared']//li[@data-rule='reading-level']")
    assert len(doc.xpath("//section[@data-page-section]//li[@data-rule='reading-level']")) == 2


def test_same_element_on_one_page_only_is_not_grouped():
    report = constructed_report()
    report.findings = [f for f in report.findings
                       if not (f.rule == "placeholder-link" and f.path != "about.html")]
    doc = lxml_html.document_fromstring(html_writer.render(report))
    assert not doc.cssselect("#shared")
    assert doc.xpath("//section[@id='page-1']//li[@data-rule='placeholder-link']")


def test_problem_in_plain_language_with_element_line_and_help():
    doc = lxml_html.document_fromstring(html_writer.render(constructed_report()))
    item = doc.xpath("//li[@data-rule='axe.color-contrast']")[0]
    text = " ".join(item.text_content().split())
    assert "Text does not stand out enough from its background." in text   # editor wording
    assert "Why it matters People with low vision" in text
    assert "line 20, column 3" in text
    assert item.cssselect("pre code")[0].text == '<p class="note">Call 0300 123 4567</p>'
    assert item.xpath(".//dd/code")[0].text == "#content > p.note"
    assert item.xpath(".//a/@href") == [
        "https://dequeuniversity.com/rules/axe/4.10/color-contrast?application=axeAPI"]
    assert "WCAG 1.4.3 (level AA)" in text and "harm to people: serious" in text
    review = doc.xpath("//li[@data-rule='axe.aria-allowed-role']")[0]
    assert "Needs review" in review.text_content()


def test_a_finding_axe_agreed_with_says_so():
    doc = lxml_html.document_fromstring(html_writer.render(constructed_report()))
    [card] = doc.xpath("//li[@data-rule='missing-alt-text']")
    more = " ".join(card.cssselect("p.more")[0].text_content().split())
    assert "also found by the browser check (axe.image-alt)" in more


def test_reading_level_shows_grade_target_counts_and_hardest_sentences():
    doc = lxml_html.document_fromstring(html_writer.render(constructed_report()))
    page = doc.get_element_by_id("page-3")            # news/café menu.html
    text = " ".join(page.text_content().split())
    assert "Reading grade 14.2, target 8: harder than the target" in text
    assert "292 words in 16 sentences" in text
    marks = page.cssselect("ol.hardest li")
    assert [" ".join(m.text_content().split()) for m in marks] == [
        f"Line {h['line']}, grade {h['grade']} " + " ".join(
            filter(None, (h.get("before"), "Hard sentence: " + h["text"], h.get("after")))) for h in HARDEST]
    # highlighted, and said to screen readers, which do not announce <mark>
    assert [m.cssselect("mark")[0].text_content() for m in marks] == \
        ["Hard sentence: " + h["text"] for h in HARDEST]
    assert all(m.cssselect("mark > span.vh") for m in marks)
    # in context: the sentences around it, shown but not highlighted
    assert [a.text for a in marks[0].cssselect(".around")] == [HARDEST[0]["before"], HARDEST[0]["after"]]
    assert marks[1].cssselect(".around") == []
    spanish = doc.get_element_by_id("page-2")
    assert spanish.cssselect("ol.hardest .context")[0].get("lang") == "es"   # WCAG 3.1.2
    assert spanish.cssselect(".page-title span")[0].get("lang") == "es"


def test_controls_are_hidden_and_disabled_until_the_script_runs():
    doc = lxml_html.document_fromstring(html_writer.render(constructed_report()))
    panel = doc.get_element_by_id("filters")
    assert panel.get("hidden") is not None
    assert all(c.get("disabled") is not None for c in panel.xpath(".//input|.//select|.//button"))
    assert doc.get_element_by_id("filter-status").get("role") == "status"
    assert not doc.xpath("//*[@data-finding][@hidden]")   # all problems visible without JS
    # kinds of problem in the editor's words, the rule id after them
    options = {o.get("value"): o.text for o in doc.xpath("//select[@id='filter-rule']/option")}
    assert options["placeholder-link"] == \
        'A link that goes nowhere: href="#" or a javascript: address (3, placeholder-link)'
    assert options["axe.color-contrast"].startswith("Text does not stand out enough from its background (1,")


def test_hostile_values_are_escaped_and_never_live(monkeypatch):
    text_ = html_writer.render(hostile_report(monkeypatch))
    doc = lxml_html.document_fromstring(text_)
    assert "window.__pwned" not in "".join(doc.xpath("//script/text()"))
    assert "pwned" not in doc.findtext(".//title")
    hrefs = doc.xpath("//@href")
    assert not [h for h in hrefs if not (h.startswith("#") or h.startswith("https://"))]
    assert not doc.xpath("//*[@id='pwned']")
    # the payloads are shown to the editor as text, verbatim
    assert doc.xpath("//code[contains(., \"<script>window.__pwned='link-text'</script>\")]")
    assert doc.xpath("//mark[contains(., \"</textarea></script><script>window.__pwned='sentence'\")]")
    assert doc.xpath("//span[@class='around'][. = \"</span><script>window.__pwned='before'</script>\"]")
    assert [h for h in doc.iter("h3") if h.text_content() == PAYLOAD + ".html"]
    assert not doc.xpath("//*[@lang][contains(@lang, 'onmouseover') or contains(@lang, 'onfocus')]")


@pytest.mark.parametrize("url, live", [
    ("https://www.w3.org/WAI/", True), ("http://example.org/a?b=1#c", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("//evil.example/x", False), ("/local/path", False),
    ('https://x.example/"onmouseover="x', False), ("https:///nohost", False), (None, False),
])
def test_help_links_are_live_only_for_http_urls(url, live):
    assert (html_writer.safe_url(url) is not None) == live


def test_wcag_references_read_as_success_criteria():
    assert html_writer.wcag_refs(("wcag2a", "wcag111")) == ["WCAG 1.1.1 (level A)"]
    assert html_writer.wcag_refs(("wcag21aa", "wcag1410")) == ["WCAG 1.4.10 (level AA)"]
    assert html_writer.wcag_refs(("wcag2a", "wcag131", "wcag2aa", "wcag246")) == \
        ["WCAG 1.3.1 (level A)", "WCAG 2.4.6 (level AA)"]
    assert html_writer.wcag_refs(("wcag2aaa", "wcag315")) == ["WCAG 3.1.5 (level AAA)"]
    assert html_writer.wcag_refs(("best-practice", "EN-9.1.1.1", "TT7.a")) == []
    assert len(html_writer._WCAG_LEVEL) == 87            # WCAG 2.2, 4.1.1 included


def test_qa_finds_nothing_in_its_own_report(tmp_path, monkeypatch):
    """The report passes qa's static rules (the browser run is the lead's test)."""
    for which, report in (("sample", sample_report(monkeypatch)),
                          ("hostile", hostile_report(monkeypatch))):
        out = tmp_path / which / "index.html"
        out.parent.mkdir()
        with out.open("w", encoding="utf-8") as fh:
            html_writer.write(report, fh)
        found = run([str(out)], Config.default()).findings
        assert [(f.rule, f.line, f.message) for f in found] == [], which


# -- headless Chromium ---------------------------------------------------------------------
def chrome(javascript: bool = True):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1600"):
        opts.add_argument(flag)
    opts.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")),
                            options=opts)


def visible_count(driver) -> int:
    return driver.execute_script(
        "return Array.prototype.reduce.call(document.querySelectorAll('[data-finding]'),"
        " function (n, el) { return n + (el.offsetParent ? Number(el.dataset.count) : 0); }, 0);")


@pytest.mark.browser
def test_hostile_report_in_chromium(need_browser, tmp_path, monkeypatch):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    report = hostile_report(monkeypatch)
    out = tmp_path / "index.html"
    with out.open("w", encoding="utf-8") as fh:
        html_writer.write(report, fh)
    title = lxml_html.parse(str(out)).findtext(".//title")
    errors = sum(f.severity == "error" for f in report.findings)
    total = len(report.findings)

    driver = chrome()
    try:
        driver.get(out.as_uri())
        # nothing from the page ran: no global, no title change, no element, no extra script
        assert driver.execute_script("return typeof window.__pwned") == "undefined"
        assert driver.title == title and "pwned" not in driver.title
        assert driver.find_elements(By.ID, "pwned") == []
        assert driver.execute_script("return document.scripts.length") == 1
        assert driver.execute_script(
            "return Array.prototype.some.call(document.querySelectorAll('*'), function (el) {"
            " return Array.prototype.some.call(el.attributes, function (a) {"
            " return /^on/i.test(a.name); }); })") is False
        # our own script and style ran under the CSP: the panel is shown, the status is set
        status = driver.find_element(By.ID, "filter-status")
        assert driver.find_element(By.ID, "filters").is_displayed()
        assert status.text == f"Showing all {total} problems."
        assert visible_count(driver) == total

        # severity filter: untick "Error"
        driver.find_element(By.CSS_SELECTOR, "input[name='severity'][value='error']").click()
        assert visible_count(driver) == total - errors
        assert status.text.startswith(f"Showing {total - errors} of {total} problems")

        # rule filter on top of it
        Select(driver.find_element(By.ID, "filter-rule")).select_by_value("placeholder-link")
        placeholder_non_error = sum(f.rule == "placeholder-link" and f.severity != "error"
                                    for f in report.findings)
        assert visible_count(driver) == placeholder_non_error == 1

        # search: reset, then type; the live region settles after typing pauses
        driver.find_element(By.ID, "filter-reset").click()
        assert visible_count(driver) == total
        driver.find_element(By.ID, "filter-search").send_keys("IMG SRC=X ONERROR")
        expected = sum("img src=x onerror" in " ".join(filter(None, (
            f.message, f.snippet, f.selector, f.rule, f.path))).lower() for f in report.findings)
        assert 0 < expected < total
        WebDriverWait(driver, 5).until(
            lambda d: d.find_element(By.ID, "filter-status").text.startswith(f"Showing {expected} of"))
        assert visible_count(driver) == expected
        hidden_pages = driver.execute_script(
            "return document.querySelectorAll('[data-page-section][hidden]').length")
        assert hidden_pages >= 1          # a page with no matching problem drops out of the list
        driver.save_screenshot(str(tmp_path / "hostile-filtered.png"))

        # and still nothing ran, and the console shows no error (a CSP block would)
        assert driver.execute_script("return typeof window.__pwned") == "undefined"
        logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert logs == []

        # axe-core on the report itself: no violations
        from axe_selenium_python import Axe
        driver.find_element(By.ID, "filter-reset").click()
        axe = Axe(driver)
        axe.inject()
        result = axe.run()
        assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
        driver.save_screenshot(str(tmp_path / "hostile.png"))
    finally:
        driver.quit()
    assert (tmp_path / "hostile.png").stat().st_size > 10_000


@pytest.mark.browser
def test_report_without_javascript_shows_everything(need_browser, tmp_path):
    from selenium.webdriver.common.by import By

    report = constructed_report()
    out = tmp_path / "index.html"
    with out.open("w", encoding="utf-8") as fh:
        html_writer.write(report, fh)
    driver = chrome(javascript=False)
    try:
        driver.get(out.as_uri())
        assert not driver.find_element(By.ID, "filters").is_displayed()
        assert visible_count(driver) == len(report.findings)
        assert all(s.is_displayed() for s in driver.find_elements(By.CSS_SELECTOR, "[data-page-section]"))
        driver.save_screenshot(str(tmp_path / "no-js.png"))
    finally:
        driver.quit()


@pytest.mark.browser
def test_keyboard_reaches_the_filters_with_a_visible_focus(need_browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    out = tmp_path / "index.html"
    with out.open("w", encoding="utf-8") as fh:
        html_writer.write(constructed_report(), fh)
    driver = chrome()
    try:
        driver.get(out.as_uri())
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        skip = driver.switch_to.active_element
        assert skip.text == "Skip to the report" and skip.is_displayed()
        seen = []
        for _ in range(40):
            driver.switch_to.active_element.send_keys(Keys.TAB)
            el = driver.switch_to.active_element
            seen.append(el.get_attribute("id") or el.text)
            if el.get_attribute("id") == "filter-search":
                outline = driver.execute_script(
                    "var s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth];", el)
                assert outline[0] == "solid" and outline[1] == "3px"
                break
        else:
            raise AssertionError(f"search box not reached by Tab: {seen}")
    finally:
        driver.quit()


@pytest.mark.browser
def test_report_reflows_at_320_css_pixels(need_browser, tmp_path, monkeypatch):
    """WCAG 1.4.10: at 320 CSS px (a phone, or 400% zoom) the page never scrolls sideways,
    even with long page paths that have no hyphen to break at; a table still too wide
    scrolls in its own box (the criterion's exception for data tables). axe-core finds no
    violation there either. (An overflowing table once made axe ask for a contrast review
    of cells pushed under their neighbours, at the browser's default 800 px.)"""
    from axe_selenium_python import Axe

    deep = tmp_path / "a_checkout_of_the_hospital_website" / "in_a_rather_deep_folder" / "sample_pages"
    shutil.copytree(ROOT / "sample_pages", deep)
    reports = {"long-paths": run([str(deep)], Config.default()),
               "hostile": hostile_report(monkeypatch),
               "constructed": constructed_report()}
    driver = chrome()
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False})
        for name, report in reports.items():
            out = tmp_path / f"{name}.html"
            with out.open("w", encoding="utf-8") as fh:
                html_writer.write(report, fh)
            driver.get(out.as_uri())
            width, client, scroll = driver.execute_script(
                "var d = document.documentElement; return [window.innerWidth, d.clientWidth, d.scrollWidth]")
            wide = driver.execute_script(
                "return Array.prototype.filter.call(document.querySelectorAll('main *'), function (el) {"
                " return el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5"
                " && (!el.closest('.wide') || el.matches('.wide')); })"
                ".slice(0, 5).map(function (el) { return el.outerHTML.slice(0, 80); })")
            driver.save_screenshot(str(tmp_path / f"{name}-320.png"))
            assert width == 320 and scroll <= client and wide == [], (name, client, scroll, wide)
            axe = Axe(driver)
            axe.inject()
            result = axe.run()
            assert [(v["id"], [n["target"] for n in v["nodes"]][:3])
                    for v in result["violations"]] == [], name
            # a cell scrolled out of its table's box has a background axe cannot see: that
            # review note, and only that one, is the price of the scrolling table
            review = [(v["id"], n["target"]) for v in result["incomplete"] for n in v["nodes"]]
            assert all(rid == "color-contrast" and driver.execute_script(
                "return document.querySelector(arguments[0]).closest('.wide') !== null", t[0])
                for rid, t in review), (name, review)
    finally:
        driver.quit()


@pytest.mark.browser
def test_search_by_page_counts_that_pages_entries_and_opens_what_is_folded(need_browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    report = constructed_report()
    report.findings = sorted(report.findings + [
        Finding("broken-link", "error", "about.html", 30 + i, 1, f'link to "old-{i}.html" does not exist',
                snippet=f'<a href="old-{i}.html">Old {i}</a>') for i in range(12)], key=Finding.sort_key)
    out = tmp_path / "index.html"
    with out.open("w", encoding="utf-8") as fh:
        html_writer.write(report, fh)
    driver = chrome()
    try:
        driver.get(out.as_uri())
        search = driver.find_element(By.ID, "filter-search")
        status = lambda: driver.find_element(By.ID, "filter-status").text   # noqa: E731

        # a page's name: that page's own problems, and its one entry of the shared
        # navigation problem, not the other pages' entries of it
        search.send_keys("services/index.html")
        own = sum(f.path == "services/index.html" for f in report.findings)
        WebDriverWait(driver, 5).until(lambda d: not status().startswith("Showing all"))
        assert status() == f"Showing {own} of {len(report.findings)} problems (1 shared by many pages); 1 page listed."
        listed = [s.get_attribute("id") for s in driver.find_elements(By.CSS_SELECTOR, "[data-page-section]")
                  if s.is_displayed()]
        assert listed == ["page-4"] and "shares with other pages" in driver.find_element(By.ID, "page-4").text
        entries = driver.find_elements(By.CSS_SELECTOR, "#shared .on-pages li")
        assert [e.text.split(",")[0] for e in entries if e.is_displayed()] == ["services/index.html"]

        # a message folded away under "Show the other 2" is opened when it matches
        search.clear()
        search.send_keys('"old-11.html"\n')
        WebDriverWait(driver, 5).until(lambda d: status().startswith("Showing 1 of"))
        hit = [el for el in driver.find_elements(By.CSS_SELECTOR, "li[data-finding]") if el.is_displayed()]
        assert len(hit) == 1 and "old-11.html" in hit[0].text
        assert driver.find_element(By.CSS_SELECTOR, "details.rest").get_attribute("open") is not None

        # the kind's own words find all of its occurrences
        search.clear()
        driver.find_element(By.ID, "filter-reset").click()
        search.send_keys("broken-link\n")
        WebDriverWait(driver, 5).until(lambda d: status().startswith("Showing 12 of"))
    finally:
        driver.quit()
