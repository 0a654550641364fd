"""The sample site yields exactly the findings sample_pages/EXPECTED.md lists: each rule at
the right line, and nothing on the clean page."""
import re
from pathlib import Path

from helpers import check

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "sample_pages"


def expected() -> set[tuple[str, int, str]]:
    rows = set()
    for line in (SITE / "EXPECTED.md").read_text("utf-8").splitlines():
        m = re.match(r"\|\s*([\w./-]+\.html)\s*\|\s*(\d+)\s*\|\s*([a-z0-9.-]+)\s*\|", line)
        if m:
            rows.add((m.group(1), int(m.group(2)), m.group(3)))
    return rows


def test_sample_site_findings_match_expected():
    report = check(SITE)
    got = {(Path(f.path).relative_to(SITE).as_posix(), f.line, f.rule) for f in report.findings}
    want = expected()
    assert len(want) >= 10
    assert got == want, f"missing: {sorted(want - got)}\nunexpected: {sorted(got - want)}"


def test_article_has_each_rule_and_clean_page_nothing():
    report = check(SITE)
    article = {f.rule for f in report.findings if f.path.endswith("news/cancer-trial.html")}
    assert {"placeholder-link", "duplicate-heading", "missing-alt-text", "reading-level",
            "broken-anchor", "alt-text-quality", "heading-order"} <= article
    assert [f for f in report.findings if f.path.endswith("news/visiting-hours.html")] == []
    # "Back to top" with href="#" is fine (HTML: "#" scrolls to the top)
    src = (SITE / "news" / "cancer-trial.html").read_text().splitlines()
    top = next(i for i, l in enumerate(src, 1) if "Back to top" in l)
    assert not [f for f in report.findings if f.path.endswith("cancer-trial.html") and f.line == top]


def test_article_reading_level_names_grade_formula_and_hard_sentences():
    report = check(SITE)
    f = next(f for f in report.findings if f.rule == "reading-level")
    assert f.data["grade"] > 12 and f.data["target"] == 8
    assert "Flesch-Kincaid" in f.data["formula"]
    src = (SITE / "news" / "cancer-trial.html").read_text().splitlines()
    for s in f.data["hardest"]:
        # the sentence starts on its line and runs on over the next ones
        text = " ".join(re.sub(r"<[^>]+>", " ", " ".join(src[s["line"] - 1:s["line"] + 3])).split())
        start = " ".join(s["text"].split()[:5])
        assert start in text and s["text"].split()[0] in src[s["line"] - 1], (s, text)
