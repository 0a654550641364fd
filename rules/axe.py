"""Problems axe-core finds in the rendered page (run with --browser).

axe-core (Deque) runs in headless Chromium after the page's scripts and styles have
applied, so it sees what our static rules cannot: colour contrast, names built from CSS
or script, ARIA state set at run time, content inside iframes and shadow DOM. Each
element axe flags becomes a finding `axe.<axe rule id>` (`axe.color-contrast`,
`axe.image-alt`), with axe's impact, its WCAG tags and help page, the CSS target as the
selector, and the line in the page's markup where that element is written (or the
iframe or shadow host holding it); no line when a script created the element.

Severity comes from axe's impact: critical and serious are errors, moderate a warning,
minor info. What axe could not decide (its "incomplete" results, such as contrast over a
background image) is info, marked "needs review", never an error. Set a severity or
`false` in the config for `axe` (the whole family) or `axe.<id>`; choose axe's rules and
tags under `[tool.qa.browser]` (`tags = ["wcag2a", "wcag2aa"]`,
`rules = {color-contrast = false}`).

Bad:
    <!doctype html>
    <html lang="en"><title>Wards</title>
    <main><h1>Wards</h1>
    <img src="ward-map.png">
    <a href="news.html"></a>
    </main></html>
Good:
    <!doctype html>
    <html lang="en"><title>Wards</title>
    <main><h1>Wards</h1>
    <img src="ward-map.png" alt="Map of the ground floor">
    <a href="news.html">Hospital news</a>
    </main></html>
"""
from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from typing import Any

import lxml.html

from qa.findings import Finding
from qa.names import shorten
from qa.page import SNIPPET_MAX, Page

ID = "axe"
SCOPE = "browser"
SEVERITY = "warning"          # placeholder: each finding's severity comes from its impact
TAGS: tuple[str, ...] = ()
CONF: dict = {}
DEFAULT: dict = {}
WHY = ("axe-core checks the page as a browser shows it, so it finds barriers the markup "
       "alone hides: text too faint to read, controls with no name once scripts ran, "
       "problems inside embedded frames.")
FIX = ("Follow the help page linked from each finding; it explains the rule and shows "
       "the usual fixes. Fix the element at the line given, or the script that builds it.")
HELP_URL = "https://dequeuniversity.com/rules/axe/"

# axe's impact is its estimate of harm; our severity is policy (config can override)
IMPACT_SEVERITY = {"critical": "error", "serious": "error", "moderate": "warning",
                   "minor": "info"}
FRAME_SEP = " >> "           # target steps into an iframe
SHADOW_SEP = " >>> "         # target steps into a shadow root (the old shadow-piercing combinator)
AXE_HTML_MAX = 300           # axe cuts a node's html to its start tag beyond this length


# axe rules that test exactly what one of ours tests (or, where a tuple, one of ours each
# part of it: axe's link-name covers both a link with no text and a linked image with no
# alt). When both flag the same element (same page, line and column), the finding is
# reported once, under our rule (its source position and the user's policy for it),
# noting that axe-core agreed. A page-level rule (PAGE_LEVEL) matches ours on the same
# page with no line: axe places it at <html>, ours on the page as a whole.
SAME_AS: dict[str, str | tuple[str, ...]] = {
    "image-alt": "missing-alt-text", "input-image-alt": "missing-alt-text",
    "area-alt": "missing-alt-text", "svg-img-alt": "missing-alt-text",
    "role-img-alt": "missing-alt-text", "button-name": "missing-alt-text",
    "link-name": ("link-name", "missing-alt-text"),
    "empty-heading": "empty-heading", "heading-order": "heading-order",
    "page-has-heading-one": "page-h1", "skip-link": "broken-anchor"}
PAGE_LEVEL = frozenset(("page-has-heading-one",))


def fold_duplicates(findings: list[Finding]) -> list[Finding]:
    """One page's findings with each axe violation that repeats one of ours folded into
    ours (`data["also_found_by"]`). "Needs review" results are never folded: they say
    something else (axe could not decide)."""
    ours = {(f.path, f.line, f.column, f.rule): i for i, f in enumerate(findings)
            if (f.line is not None or f.selector is None) and not f.rule.startswith("axe.")}
    out, folded = list(findings), set()
    for i, f in enumerate(findings):
        if not f.rule.startswith("axe.") or (f.data or {}).get("needs_review"):
            continue
        axe_id = f.rule.removeprefix("axe.")
        same = SAME_AS.get(axe_id, ())
        where = (None, None) if axe_id in PAGE_LEVEL else (f.line, f.column)
        if where[0] is None and axe_id not in PAGE_LEVEL:
            continue                # placed on no line: nothing to match it with
        j = next((ours[k] for r in ((same,) if isinstance(same, str) else same)
                  if (k := (f.path, *where, r)) in ours), None)
        if j is None:
            continue
        data = dict(out[j].data or {})
        data["also_found_by"] = [*data.get("also_found_by", []), f.rule]
        out[j] = dataclasses.replace(out[j], data=data)
        folded.add(i)
    return [f for i, f in enumerate(out) if i not in folded]


def severity_for(impact: str | None) -> str:
    return IMPACT_SEVERITY.get(impact or "", SEVERITY)


# chromedriver marks each frame it switches into (to inject axe there): not the page's
_DRIVER_MARK = re.compile(r'\s+cd_frame_id_="[^"]*"')


def findings(results: dict[str, Any], path: str, page: Page | None = None) -> list[Finding]:
    """The findings for one page's axe results (`violations` and `incomplete`), in axe's
    order. `page` is the page parsed from its source, to find each element's line."""
    out = []
    for kind in ("violations", "incomplete"):
        for rule in results.get(kind) or ():
            for node in rule.get("nodes") or ():
                if node.get("html"):      # its snippet is a fingerprint's: same on every run
                    node = {**node, "html": _DRIVER_MARK.sub("", node["html"])}
                out.append(_finding(rule, node, path, page, review=kind == "incomplete"))
    return out


def _finding(rule: dict, node: dict, path: str, page: Page | None, review: bool) -> Finding:
    impact = node.get("impact") or rule.get("impact")
    target = node.get("target") or []
    el = locate(page, target, node.get("html") or "") if page is not None else None
    holder = node.get("qaIgnoreHolder")
    if el is None and page is not None and isinstance(holder, dict):
        # made by a script, inside an element of the markup that carries data-qa-ignore:
        # placed at that element, whose suppression then covers it as it covers its markup
        el = locate(page, holder.get("target") or [], holder.get("html") or "")
    line, column = page.position(el) if el is not None else (None, None)
    summary = clause(rule.get("help") or rule.get("id", ""))
    reason = failure_reason(node)
    if review:     # axe could not decide: a person must look, so never an error
        message = f"{summary}: needs review" + (f" ({reason})" if reason else "")
    else:
        message = f"{summary} ({reason})" if reason else summary
    data: dict[str, Any] = {"help": rule.get("help"), "description": rule.get("description")}
    if review:     # the engine keeps it info whatever the config says of the rule
        data.update(needs_review=True)
    snippet = shorten(node.get("html") or "", SNIPPET_MAX) or None
    return Finding(rule=f"axe.{rule.get('id', 'unknown')}",
                   severity="info" if review else severity_for(impact),
                   path=path, line=line, column=column, message=message,
                   selector=selector(target) or None, snippet=snippet, impact=impact,
                   tags=tuple(rule.get("tags") or ()), help_url=rule.get("helpUrl"), data=data)


def clause(text: str) -> str:
    """axe's sentence as one of our clauses: lower-case start (acronyms kept), no full stop."""
    text = re.sub(r"\.\s+(?=[A-Z])", "; ", " ".join(text.split())).rstrip(".")
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first.isupper() or first[1:2].isupper()):
        return text            # "ARIA attributes...", "IDs of active elements..."
    text = text[:1].lower() + text[1:]
    return re.sub(r"; ([A-Z])(?=[a-z])", lambda m: "; " + m.group(1).lower(), text)


def failure_reason(node: dict) -> str:
    """The first thing axe says is wrong with the element (its failureSummary, in its order)."""
    for line in (node.get("failureSummary") or "").splitlines():
        line = line.strip()
        if line and not re.match(r"Fix (any|all) of the following:?$", line):
            return clause(line)
    for key in ("any", "all", "none"):
        for check in node.get(key) or ():
            if check.get("message"):
                return clause(check["message"])
    return ""


def selector(target: list) -> str:
    """axe's target as one string: frames joined by " >> ", shadow roots by " >>> "."""
    return FRAME_SEP.join(SHADOW_SEP.join(t) if isinstance(t, list) else str(t) for t in target)


# -- where the element is written ------------------------------------------------------
def locate(page: Page, target: list, html: str):
    """The element of the page's static tree that axe's target names, or None.

    The target selector was made from the rendered DOM; scripts may have added elements
    before it (shifting :nth-child) or created it, so a match only counts when its start
    tag agrees with the rendered element's. For an element inside an iframe or a shadow
    root, the iframe or shadow host is what the page's markup holds."""
    if not target:
        return None
    first = target[0]
    if isinstance(first, list):          # shadow DOM: the host lives in the markup
        return _one(page, first[0], kinds=None) if first else None
    if len(target) > 1:                  # inside a frame: the frame element
        return _one(page, first, kinds=("iframe", "frame", "object", "embed"))
    tag, attrs = start_tag(html)
    candidates = _select(page, first)
    if not tag:
        return candidates[0] if len(candidates) == 1 else None
    # axe keeps the whole outerHTML up to 300 characters: then the text must agree too,
    # which tells apart look-alike elements a script shifted or added
    text = None
    if _is_whole(html, tag) and tag not in ("html", "head", "body"):
        try:
            text = _text(lxml.html.fragment_fromstring(html, create_parent="div"))
        except Exception:    # lxml: markup it cannot take as a fragment
            text = None

    def fits(el, exact: bool) -> bool:
        return _agrees(el, tag, attrs, exact) and (text is None or _text(el) == text)
    near = [el for el in candidates if fits(el, exact=False)]
    if len(near) == 1:
        return near[0]
    # the selector missed (the DOM changed around it): the one element written that way
    far = [el for el in page.elements(tag) if fits(el, exact=True)]
    return far[0] if len(far) == 1 else None


_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"))


def _is_whole(html: str, tag: str) -> bool:
    """Is axe's node html the whole element? Past AXE_HTML_MAX characters axe keeps only
    the start tag, whose (empty) text must not be compared with the element's."""
    return len(html) <= AXE_HTML_MAX and (
        tag in _VOID or re.search(rf"</{re.escape(tag)}\s*>\s*$", html, re.I) is not None)


def _one(page: Page, sel: str, kinds):
    found = [el for el in _select(page, sel) if kinds is None or el.tag.lower() in kinds]
    return found[0] if len(found) == 1 else None


def _select(page: Page, sel: str) -> list:
    try:
        return [el for el in page.tree.cssselect(sel) if isinstance(el.tag, str)]
    except Exception:                    # cssselect: a selector it cannot translate
        return []


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _attrs(el) -> dict[str, str]:
    return {k.lower(): v for k, v in el.attrib.items() if isinstance(k, str)}


def _agrees(el, tag: str, attrs: dict[str, str], exact: bool) -> bool:
    """Is `el` (static) the element whose rendered start tag is (tag, attrs)? Scripts may
    change classes and styles, so those never count; the selector already chose `el` unless
    `exact`, so then the markup's other attributes need only be there, else all must agree."""
    if el.tag.lower() != tag:
        return False
    mine = {k: v for k, v in _attrs(el).items() if k not in ("class", "style")}
    if mine.get("id") != attrs.get("id"):
        return False
    if exact:
        return mine == {k: v for k, v in attrs.items() if k not in ("class", "style")}
    return all(attrs.get(k) == v for k, v in mine.items())


class _StartTag(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tag: str | None = None
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if self.tag is None:
            self.tag, self.attrs = tag, {k: v if v is not None else "" for k, v in attrs}


def start_tag(html: str) -> tuple[str | None, dict[str, str]]:
    """Tag name and attributes of the first start tag in axe's node html."""
    p = _StartTag()
    try:
        p.feed(html)
        p.close()
    except Exception:
        pass
    if p.tag is None:
        m = re.match(r"\s*<([A-Za-z][\w:-]*)", html)
        return (m.group(1).lower() if m else None), {}
    return p.tag, p.attrs
