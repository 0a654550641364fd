"""The HTML report for website editors: one self-contained file (inline CSS and JS, no
network) that opens from disk or as a CI artifact.

Overview first (pages, problems by severity and by rule, the pages with the most problems,
every page's reading grade against its target), then problems shared by many pages (the
same element on 2+ pages: a template problem, listed once), then each page with its
problems by kind, most severe first (each kind explained once in plain language, then
every occurrence), and its reading level.

Safety: every value that came from a checked page is escaped by Jinja2's autoescape (never
`|safe` on page data); help links are only live for http(s) URLs; there is no JSON data
island (the script filters the DOM through data-attributes); and a Content-Security-Policy
allows nothing but the report's own inline style and script, by their sha256 hashes.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from qa.findings import SEVERITIES, SEVERITY_RANK, Finding, Report, at_least
from reports import plain_language

EXT = "index.html"

SHARED_MIN_PAGES = 2      # the same element on this many pages is a template problem
SHOWN_PER_KIND = 10       # a page's problems of one kind shown open; the rest fold
TOP_PAGES = 10            # "pages with the most problems" in the overview
READING_SHOWN = 15        # reading-level rows shown open; the rest fold (a 500-page site)
SEVERITY_LABEL = {"error": "Error", "warning": "Warning", "info": "Info"}
SEVERITY_PLURAL = {"error": "errors", "warning": "warnings", "info": "info"}
SEVERITY_MEANS = {
    "error": "stops some people from using the page",
    "warning": "makes the page harder to use",
    "info": "worth a look",
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")   # BCP 47 shape, for lang=""
_WCAG_SC = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")
# WCAG 2.2 success criteria by conformance level (a finding's tags can name criteria of
# different levels, e.g. empty-heading: 1.3.1 is A, 2.4.6 is AA)
_WCAG_LEVEL = {sc: level for level, scs in (
    ("A", "1.1.1 1.2.1 1.2.2 1.2.3 1.3.1 1.3.2 1.3.3 1.4.1 1.4.2 2.1.1 2.1.2 2.1.4 2.2.1 2.2.2 "
          "2.3.1 2.4.1 2.4.2 2.4.3 2.4.4 2.5.1 2.5.2 2.5.3 2.5.4 3.1.1 3.2.1 3.2.2 3.2.6 3.3.1 "
          "3.3.2 3.3.7 4.1.1 4.1.2"),
    ("AA", "1.2.4 1.2.5 1.3.4 1.3.5 1.4.3 1.4.4 1.4.5 1.4.10 1.4.11 1.4.12 1.4.13 2.4.5 2.4.6 "
           "2.4.7 2.4.11 2.5.7 2.5.8 3.1.2 3.2.3 3.2.4 3.3.3 3.3.4 3.3.8 4.1.3"),
    ("AAA", "1.2.6 1.2.7 1.2.8 1.2.9 1.3.6 1.4.6 1.4.7 1.4.8 1.4.9 2.1.3 2.2.3 2.2.4 2.2.5 2.2.6 "
            "2.3.2 2.3.3 2.4.8 2.4.9 2.4.10 2.4.12 2.4.13 2.5.5 2.5.6 3.1.3 3.1.4 3.1.5 3.1.6 "
            "3.2.5 3.3.5 3.3.6 3.3.9"),
) for sc in scs.split()}


def write(report: Report, stream: TextIO) -> None:
    stream.write(render(report))


def render(report: Report) -> str:
    text = _env().get_template("report.html.j2").render(**build_view(report))
    # a file name with bytes that are not UTF-8 reaches us as lone surrogates
    # (surrogateescape), which no UTF-8 file can hold: show them as U+FFFD
    return _SURROGATE.sub("\ufffd", text)


# -- Jinja2 ------------------------------------------------------------------------------
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,                      # page data is hostile until proven otherwise
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["csp_hash"] = csp_hash
    env.filters["ticks"] = ticks
    env.filters["num"] = num
    return env


def csp_hash(text: str) -> str:
    """CSP source expression for an inline block: 'sha256-<base64 of its exact text>'."""
    digest = hashlib.sha256(str(text).encode("utf-8")).digest()
    return Markup(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")   # base64: no markup


def ticks(text: str | None) -> Markup:
    """Our rule docs mark code with backticks (`href="#"`): show it as <code>, escaped."""
    parts = str(text or "").split("`")
    if len(parts) % 2 == 0:                   # unbalanced: show the text as it is
        return escape(text or "")
    return Markup("").join(escape(p) if i % 2 == 0 else Markup("<code>%s</code>") % p
                           for i, p in enumerate(parts))


def num(value: Any) -> str:
    """A grade or score as editors read it: one decimal, no trailing .0 noise for ints."""
    if isinstance(value, bool) or value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


# -- the view ------------------------------------------------------------------------------
def safe_url(url: Any) -> str | None:
    """A help URL is only ever a live link when it is http(s): a `javascript:` or `data:`
    URL taken from a page must never become an href."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(
            c in url for c in "\x00\t\n\r \"'<>`\\"):
        return url
    return None


def display_path(path: str, site_root: str | None) -> str:
    """A page as editors know it: its path in the site ("news/a.html"), the site's folder
    being named once at the top; a page outside the site, or a URL, as it was named."""
    if not site_root or "://" in path:
        return path
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(site_root))
    return path if rel == ".." or rel.startswith(("../", "..\\")) else Path(rel).as_posix()


def lang_attr(value: Any) -> str | None:
    """A page's language for a lang="" attribute on text quoted from it (WCAG 3.1.2), or
    None when it is not a well-formed language tag (an invalid lang is itself a defect)."""
    if isinstance(value, str) and _LANG.match(value.strip()):
        return value.strip()
    return None


def wcag_refs(tags: tuple[str, ...] | list[str]) -> list[str]:
    """("wcag2a", "wcag111") -> ["WCAG 1.1.1 (level A)"]: success criteria editors can look up."""
    refs = []
    for t in tags:
        m = _WCAG_SC.match(t)
        if m:
            sc = ".".join(m.groups())
            level = _WCAG_LEVEL.get(sc)
            refs.append(f"WCAG {sc}" + (f" (level {level})" if level else ""))
    return refs


def _words(rule_id: str, rules: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Summary, why and fix for a rule: axe rules in editor language where we have it,
    otherwise what the engine put in report.rules (our rules' WHY/FIX, axe's help)."""
    doc = rules.get(rule_id) or {}
    out = {"summary": doc.get("summary") or rule_id, "why": doc.get("why") or "",
           "fix": doc.get("fix") or ""}
    if rule_id.startswith("axe."):
        plain = plain_language.axe(rule_id)
        if plain:
            out = dict(zip(("summary", "why", "fix"), plain))
    return out


def _finding_view(f: Finding, rules: dict[str, dict[str, Any]]) -> dict[str, Any]:
    doc = rules.get(f.rule) or {}
    data = f.data or {}
    words = _words(f.rule, rules)
    help_url = safe_url(f.help_url) or safe_url(doc.get("help_url"))
    if not words["fix"] and help_url:
        words["fix"] = "Follow the guidance behind “More about this problem” below."
    return {
        "rule": f.rule, "severity": f.severity, "severity_label": SEVERITY_LABEL[f.severity],
        "message": f.message, "line": f.line, "column": f.column,
        "selector": f.selector, "snippet": f.snippet, "impact": f.impact,
        "needs_review": bool(data.get("needs_review")), "help_url": help_url,
        "wcag": wcag_refs(f.tags), "reading": f.rule == "reading-level", **words,
        "also": [str(r) for r in data.get("also_found_by") or () if isinstance(r, str)],
        "baseline": f.baseline,
        "reviewed": data.get("reviewed") if isinstance(data.get("reviewed"), dict) else None,
    }


# "../../_static/logo.svg" and "_static/logo.svg" are one template's logo, written from
# pages at different depths
_UP_DIRS = re.compile(r"""(?<=["'=])(?:\.\.?/)+""")


def _shared_key(f: Finding) -> tuple | None:
    """Same rule, same severity, same markup: the shared navigation's problem, not one per
    page. The markup is the element's snippet with relative paths' leading `../` dropped
    (pages at different depths write the same link differently); its CSS path only when
    there is no snippet (a sidebar's place in the tree varies from page to page). Page-level
    findings (no element) never group, nor does reading level: it scores each page's own
    text, even when two pages' <main> start alike and their shortened snippets match."""
    if f.cause:        # the rule named it: one missing file, whatever links to it
        return (f.rule, f.severity, "cause", f.cause)
    if not (f.selector or f.snippet) or f.rule == "reading-level":
        return None
    if f.snippet:
        return (f.rule, f.severity, "", _UP_DIRS.sub("", " ".join(f.snippet.split())))
    return (f.rule, f.severity, f.selector, "")


def _kinds(findings: list[Finding], rules: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's own problems by kind (rule, severity, needs review), most severe first: the
    advice once per kind, then each occurrence in line order, the first SHOWN_PER_KIND
    open. A 500-page site repeats no explanation 2,000 times."""
    by_kind: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        by_kind[(f.rule, f.severity, bool((f.data or {}).get("needs_review")))].append(f)
    groups = []
    for _, fs in sorted(by_kind.items(), key=lambda kv: (
            SEVERITY_RANK[kv[0][1]], kv[1][0].line or 0)):
        items = [_finding_view(f, rules) for f in fs]
        # the kind's words (summary, why, fix, help) are its first occurrence's
        groups.append({**items[0], "message": None, "selector": None, "snippet": None,
                       "line": None, "column": None, "also": [], "items": items,
                       "parts": [p for p in (items[:SHOWN_PER_KIND], items[SHOWN_PER_KIND:]) if p],
                       "first_shown": SHOWN_PER_KIND})
    return groups


def build_view(report: Report) -> dict[str, Any]:
    rules = report.rules or {}
    # pages as the run listed them, then any path a finding names that is not a page
    infos = {p.path: p for p in report.pages}
    order = list(dict.fromkeys([p.path for p in report.pages] + [f.path for f in report.findings]))
    anchor = {path: f"page-{i}" for i, path in enumerate(order, 1)}
    show = {path: display_path(path, (report.meta or {}).get("site_root")) for path in order}

    # template-wide problems: the same element on SHARED_MIN_PAGES or more pages
    by_key: dict[tuple, list[Finding]] = defaultdict(list)
    for f in report.findings:
        k = _shared_key(f)
        if k:
            by_key[k].append(f)
    shared_keys = {k for k, fs in by_key.items()
                   if len({f.path for f in fs}) >= SHARED_MIN_PAGES}
    shared = []
    # most severe first, then the most pages: what to ask the template's owners first
    for k, fs in sorted(by_key.items(), key=lambda kv: (
            SEVERITY_RANK[kv[0][1]], -len({f.path for f in kv[1]}))):
        if k not in shared_keys:
            continue
        first = _finding_view(fs[0], rules)
        first["count"] = len(fs)
        first["cause"] = fs[0].cause
        first["page_count"] = len({f.path for f in fs})      # pages, not occurrences
        first["pages"] = [{"path": show[f.path], "anchor": anchor[f.path], "line": f.line,
                           "column": f.column,
                           "message": f.message if f.message != fs[0].message else None}
                          for f in fs]
        shared.append(first)
    for i, g in enumerate(shared, 1):
        g["id"] = f"shared-{i}"

    per_page: dict[str, list[Finding]] = defaultdict(list)
    shared_per_page: Counter[str] = Counter()
    for f in report.findings:
        if _shared_key(f) in shared_keys:
            shared_per_page[f.path] += 1
        else:
            per_page[f.path].append(f)

    counts_per_page: dict[str, Counter[str]] = defaultdict(Counter)
    for f in report.findings:
        counts_per_page[f.path][f.severity] += 1

    reading_findings = {}
    for f in report.findings:
        if f.rule == "reading-level":
            reading_findings.setdefault(f.path, f)
    pages = []
    for path in order:
        info = infos.get(path)
        reading_finding = reading_findings.get(path)
        lang = lang_attr(info.lang if info else None)
        reading = _reading(info.metrics if info else {},
                           reading_finding.data if reading_finding else None)
        if reading:
            reading["lang_attr"] = lang_attr(reading["language"]) or lang
        pages.append({
            "path": show[path], "anchor": anchor[path], "counts": counts_per_page[path],
            # a page of a running site: a link to open it (only http(s): never javascript:)
            "href": path if path.startswith(("http://", "https://")) else None,
            "title": info.title if info else None,
            "lang_attr": lang,
            "groups": _kinds(per_page.get(path, []), rules),
            "shared": shared_per_page.get(path, 0),
            "total": sum(counts_per_page[path].values()),
            "reading": reading,
        })

    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_rule[f.rule].append(f)
    rule_rows = []
    for rid, fs in by_rule.items():
        sev = Counter(f.severity for f in fs).most_common(1)[0][0]
        rule_rows.append({"id": rid, "count": len(fs), "pages": len({f.path for f in fs}),
                          "severity": sev, "severity_label": SEVERITY_LABEL[sev],
                          "summary": _words(rid, rules)["summary"]})
    # most severe first, then the most common: what to fix first
    rule_rows.sort(key=lambda r: (SEVERITY_RANK[r["severity"]], -r["count"], r["id"]))

    top = sorted((p for p in pages if p["total"]), key=lambda p: (-p["total"], p["path"]))
    top_rows = [{"path": p["path"], "anchor": p["anchor"], "total": p["total"],
                 **{s: p["counts"][s] for s in SEVERITIES}}
                for p in top[:TOP_PAGES]]

    counts = report.counts()
    meta = report.meta or {}
    return {
        "tool": {"name": report.tool.get("name", "qa"), "version": report.tool.get("version", "")},
        "site": meta.get("site_root"),
        "generated": meta.get("generated"),
        "browser": meta.get("browser"), "axe_version": meta.get("axe_version"),
        "fail_on": report.fail_on, "failed": report.failed,
        "gating": sum(at_least(f.severity, report.fail_on) for f in report.gating()),
        "total": len(report.findings), "page_count": len(order),
        "pages_with_problems": sum(1 for p in pages if p["total"]),
        "severities": [{"id": s, "label": SEVERITY_LABEL[s], "plural": SEVERITY_PLURAL[s],
                        "means": SEVERITY_MEANS[s], "count": counts[s]} for s in SEVERITIES],
        "rules": rule_rows, "top_pages": top_rows, "more_pages": max(0, len(top) - TOP_PAGES),
        "reading": (reading := _reading_rows(pages)), "reading_shown": READING_SHOWN,
        "reading_counts": {"over": sum(r["over"] for r in reading),
                           "skipped": sum(not r["has_grade"] for r in reading)},
        "shared": shared, "shared_findings": sum(g["count"] for g in shared),
        "pages": pages,
    }


def _reading(metrics: dict[str, Any], data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Reading level of a page from its metrics (or, failing that, from the finding)."""
    m = dict(data or {})
    m.update({k: v for k, v in (metrics or {}).items() if v is not None})
    if not m:
        return None
    grade, target = _number(m.get("grade")), _number(m.get("target"))
    over = isinstance(grade, (int, float)) and isinstance(target, (int, float)) and grade > target
    hardest = sorted(({"text": str(h.get("text") or ""), "line": _int(h.get("line")),
                       "grade": _number(h.get("grade")),
                       "before": str(h.get("before") or ""), "after": str(h.get("after") or "")}
                      for h in m.get("hardest") or [] if isinstance(h, dict)),
                     key=lambda h: (h["line"] or 0))
    return {"grade": grade, "target": target, "over": over,
            "words": m.get("words"), "sentences": m.get("sentences"),
            "formula": m.get("formula"), "language": m.get("language"),
            "ease": m.get("flesch_reading_ease"), "ease_formula": m.get("ease_formula"),
            "skipped": m.get("skipped"), "hardest": hardest}


def _number(v: Any) -> float | int | None:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


BAR_WIDTH = 160


def _reading_rows(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per page for the overview, with the geometry of its small SVG bar (SVG
    attributes, not style attributes: the CSP allows no inline style attributes)."""
    scored = [p for p in pages if p["reading"]]
    nums = [v for p in scored for v in (p["reading"]["grade"], p["reading"]["target"])
            if isinstance(v, (int, float)) and not isinstance(v, bool)]
    top = max([20.0, *nums])
    rows = []
    for p in scored:       # (sorted below: furthest above target first, unscored last)
        r = p["reading"]
        g, t = r["grade"], r["target"]
        has_grade = isinstance(g, (int, float)) and not isinstance(g, bool)
        has_target = isinstance(t, (int, float)) and not isinstance(t, bool)
        rows.append({
            "path": p["path"], "anchor": p["anchor"], "grade": g, "target": t,
            "over": r["over"], "skipped": r["skipped"], "has_grade": has_grade,
            "bar": round(BAR_WIDTH * max(0.0, g) / top, 1) if has_grade else 0,
            "mark": round(BAR_WIDTH * max(0.0, t) / top, 1) if has_target else None,
            "by": round(g - t, 1) if has_grade and has_target else None,
        })
    rows.sort(key=lambda r: (not r["has_grade"], -(r["by"] or 0) if r["over"] else 0))
    return rows
