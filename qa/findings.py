"""The one results model: every rule yields `Finding`s and every writer reads a `Report`.

Nothing in here imports anything else of ours (see shared/HOUSE_STYLE.md).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")          # most severe first
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
NUMBERS = re.compile(r"\d+")


def at_least(severity: str, threshold: str) -> bool:
    """Is `severity` at or above `threshold` (error > warning > info)?"""
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[threshold]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str                    # "missing-alt-text", "axe.image-alt"
    severity: str                # error | warning | info, stamped by the engine from config
    path: str                    # the page as the user named it (file path or URL)
    line: int | None             # 1-based source line; None for page-level findings
    column: int | None
    message: str                 # 'image "chart.png" has no alt attribute'
    selector: str | None = None  # CSS path to the element
    snippet: str | None = None   # the element's outer HTML, shortened
    impact: str | None = None    # axe's scale: minor | moderate | serious | critical
    tags: tuple[str, ...] = ()   # ("wcag2a", "wcag111") or ("best-practice",)
    help_url: str | None = None
    # What many findings can share: the one missing file 1,451 links point at
    # (`missing file "whatsnew/changelog.html"`), said in words; None when the finding
    # stands alone. Reports group by it: one cause, one problem to fix.
    cause: str | None = None
    # Identity (see `fingerprint`): the page's site-relative URL (the engine sets it), what
    # the finding is about in the rule's words (the reference, the fragment, the heading
    # text; None: the element says it), the element as a stable descriptor (tag and
    # the attributes that name it, never class, style or place among siblings), and which
    # of several findings alike in all of these this one is, in page order (the engine)
    page: str = ""
    subject: str | None = None
    element: str | None = None
    occurrence: int = 0
    # with a baseline: "new", "known" (in the baseline) or "reviewed" (judged fine by a
    # person); only new ones gate (see qa.baseline)
    baseline: str | None = None
    # Rule-specific structured detail (reading-level's hardest sentences, axe's
    # "needs review"...). Writers may show it; it never takes part in equality.
    data: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    def __post_init__(self) -> None:
        """Every field of the type it says, whatever a rule or a page (axe's results come
        from the page's own JavaScript) handed over, so that no writer meets a number
        where it expects text."""
        fix = lambda name, value: object.__setattr__(self, name, value)   # noqa: E731 - frozen
        for name in ("rule", "severity", "path", "message"):
            if not isinstance(getattr(self, name), str):
                fix(name, str(getattr(self, name)))
        for name in ("selector", "snippet", "impact", "help_url", "cause", "subject", "element",
                     "baseline"):
            v = getattr(self, name)
            if v is not None and not isinstance(v, str):
                fix(name, str(v))
        for name in ("line", "column"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, int) and not isinstance(v, bool) and v > 0):
                fix(name, None)
        if not (isinstance(self.tags, tuple) and all(isinstance(t, str) for t in self.tags)):
            tags = self.tags if isinstance(self.tags, (list, tuple, set, frozenset)) else ()
            fix("tags", tuple(str(t) for t in tags))
        if self.data is not None and not isinstance(self.data, dict):
            fix("data", {"value": self.data})

    def identity(self) -> tuple[str, str, str]:
        """(rule, page, what) without the occurrence: findings alike in these are told
        apart by their order on the page."""
        what = self.subject if self.subject is not None else self.element
        if what is None:     # nothing but words: their numbers may be lines ("first at 11")
            what = NUMBERS.sub("#", self.message)
        return (self.rule, self.page or self.path, " ".join(str(what).split()))

    @property
    def fingerprint(self) -> str:
        """A stable identity that survives unrelated edits, for baselines: no line, no
        column, no CSS path and no class name in it; the page as the site names it, not
        the path as it was typed (`site/a.html` and `$PWD/site/a.html` are one page).
        Inserting elements above, reordering attributes, renaming a generated class or
        editing a sibling changes no fingerprint."""
        key = "\x1f".join((*self.identity(), str(self.occurrence)))
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "rule": self.rule, "severity": self.severity, "path": self.path,
            "line": self.line, "column": self.column, "message": self.message,
            "selector": self.selector, "snippet": self.snippet, "impact": self.impact,
            "tags": list(self.tags), "help_url": self.help_url,
            "fingerprint": self.fingerprint,
            # what the fingerprint is made of, so that a saved report loads back with the
            # same identities (`qa report`)
            "page": self.page, "subject": self.subject, "element": self.element,
            "occurrence": self.occurrence,
        }
        if self.cause:
            d["cause"] = self.cause
        if self.baseline:
            d["baseline"] = self.baseline
        if self.data:
            d["data"] = self.data
        return d


class Metrics(dict):
    """What a page rule measured on the page, for its PageInfo's `metrics` (reading-level:
    grade, reading ease, counts...). A rule's check() yields it among its findings; the
    runner takes it out of them."""


@dataclass
class PageInfo:
    """What the run learned about one page besides its findings."""
    path: str
    title: str | None = None
    lang: str | None = None
    encoding: str | None = None
    # reading metrics, yielded by reading-level (a `Metrics`): grade, flesch_reading_ease, words,
    # sentences, formula, target, language, hardest (list of {text, line, grade}),
    # skipped (why a page was not scored)
    metrics: dict[str, Any] = field(default_factory=dict)
    url: str | None = None              # the page as the site names it ("news/a.html")
    seconds: float | None = None     # wall time the engine spent on the page (JUnit times)
    # a page of a running site: what the server answered (status, content_type, seconds,
    # redirects [[status, location]...])
    fetch: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "url": self.url, "title": self.title, "lang": self.lang,
                "encoding": self.encoding, **_metrics_out(self.metrics),
                "seconds": self.seconds, **({"fetch": self.fetch} if self.fetch else {})}


def _metrics_out(m: dict[str, Any]) -> dict[str, Any]:
    keys = ("grade", "flesch_reading_ease", "words", "sentences")
    out = {k: m.get(k) for k in keys}
    out["reading"] = {k: v for k, v in m.items() if k not in keys}
    return out


@dataclass
class Report:
    """Everything a writer needs: findings already filtered and sorted by the engine."""
    tool: dict[str, str]                   # {"name": "qa", "version": "..."}
    pages: list[PageInfo]
    findings: list[Finding]
    fail_on: str = "error"
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {summary, severity, help_url, docs}
    meta: dict[str, Any] = field(default_factory=dict)  # browser/axe versions, site root, timings

    def counts(self) -> dict[str, int]:
        c = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            c[f.severity] += 1
        return c

    def causes(self, min_findings: int = 2) -> list[dict[str, Any]]:
        """Causes that several findings share, the most findings first: rule, cause,
        severity (the most severe among them), findings and pages (distinct pages)."""
        groups: dict[tuple[str, str], list[Finding]] = {}
        for f in self.findings:
            if f.cause:
                groups.setdefault((f.rule, f.cause), []).append(f)
        out = [{"rule": rule, "cause": cause,
                "severity": min((f.severity for f in fs), key=SEVERITY_RANK.__getitem__),
                "findings": len(fs), "pages": len({f.path for f in fs})}
               for (rule, cause), fs in groups.items() if len(fs) >= min_findings]
        out.sort(key=lambda c: (SEVERITY_RANK[c["severity"]], -c["findings"], c["rule"], c["cause"]))
        return out

    def summary(self) -> dict[str, Any]:
        by_rule: dict[str, int] = {}
        for f in self.findings:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        return {"pages": len(self.pages), "findings": len(self.findings),
                **self.counts(), "by_rule": dict(sorted(by_rule.items())),
                "causes": self.causes(),
                "fail_on": self.fail_on, "failed": self.failed}

    def summary_line(self) -> str:
        """`14 problems (10 errors, 4 warnings, 0 info) in 7 pages`; with a baseline,
        `2 new problems (...) in 7 pages; 12 known from the baseline, 1 fixed`."""
        base = self.meta.get("baseline")
        shown = self.gating() if base else self.findings
        c = {s: 0 for s in SEVERITIES}
        for f in shown:
            c[f.severity] += 1
        line = (f"{_plural(len(shown), 'new problem' if base else 'problem')} "
                f"({_plural(c['error'], 'error')}, {_plural(c['warning'], 'warning')}, "
                f"{c['info']} info) in {_plural(len(self.pages), 'page')}")
        if base:
            line += (f"; {base['known']} known from the baseline, {base['reviewed']} reviewed, "
                     f"{len(base['fixed'])} fixed")
        return line

    @property
    def failed(self) -> bool:
        """Does a finding gate: at or above fail_on, and not known to a baseline?"""
        return any(at_least(f.severity, self.fail_on) for f in self.gating())

    def gating(self) -> list[Finding]:
        """The findings a baseline does not already know (all of them without one)."""
        return [f for f in self.findings if f.baseline not in ("known", "reviewed")]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
