"""Suppressions written in the page, always naming their rules (house style):

    <nav data-qa-ignore="placeholder-link">...</nav>      the element and its descendants
    <!-- qa: disable reading-level -->...<!-- qa: enable reading-level -->   a range

A suppression that hid nothing is reported as `unused-suppression` (ruff's unused-noqa).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from qa.findings import Finding

DIRECTIVE = re.compile(r"^\s*qa:\s*(disable|enable)\s+(.+?)\s*$", re.I)
END = (10**9, 10**9)
_CANDIDATES = etree.XPath("//comment() | //*[@data-qa-ignore]")
# what a page with a suppression has somewhere in its source (any case, as HTML reads
# attribute names and the directive is matched)
_MAY_HAVE = re.compile(r"data-qa-ignore|qa:\s*(?:disable|enable)", re.I)


@dataclass
class Suppression:
    rules: tuple[str, ...]
    start: tuple[int, int]
    end: tuple[int, int]                 # exclusive; END: to the end of the page
    line: int                            # where it is written
    column: int | None = None
    used: set[str] = field(default_factory=set)

    def covers(self, f: Finding) -> str | None:
        """The rule name in this suppression that covers `f`, if any."""
        name = next((r for r in self.rules if f.rule == r or f.rule.startswith(r + ".")), None)
        if name is None:
            return None
        if f.line is None:      # a page-level finding: only a comment range to the end
            return name if self.end == END and self.start[1] == 0 else None
        return name if self.start <= (f.line, f.column or 0) < self.end else None


def names(text: str) -> tuple[str, ...]:
    return tuple(n for n in re.split(r"[\s,]+", text.strip()) if n)


def _may_have(source: str) -> bool:
    """Could `source` hold a suppression? Two substring searches of its lower case rule
    out most pages four times as fast as the case-blind pattern alone."""
    low = source.lower()
    return ("data-qa-ignore" in low or "qa:" in low) and _MAY_HAVE.search(source) is not None


def collect(page) -> list[Suppression]:
    """Every suppression written in `page` (element attributes and comment ranges)."""
    out: list[Suppression] = []
    open_: dict[str, Suppression] = {}
    if not _may_have(page.source):             # most pages: no need to walk the tree
        return out
    for el in _CANDIDATES(page.tree):          # comments and data-qa-ignore, in order
        if not isinstance(el.tag, str):
            if el.tag is not None and "Comment" in str(el.tag):
                m = DIRECTIVE.match(el.text or "")
                if m:
                    line = el.sourceline or 1
                    for name in names(m.group(2)):
                        if m.group(1).lower() == "disable" and name not in open_:
                            open_[name] = Suppression((name,), (line, 0), END, line)
                        elif m.group(1).lower() == "enable" and name in open_:
                            s = open_.pop(name)
                            s.end = (line, 10**9)
                            out.append(s)
            continue
        listed = el.get("data-qa-ignore")
        if listed is not None and names(listed):
            start = page.position(el)
            nxt = _next_outside(el)
            end = page.position(nxt) if nxt is not None else END
            out.append(Suppression(names(listed), (start[0] or 1, start[1] or 0),
                                   (end[0] or END[0], end[1] or 0), start[0] or 1, start[1]))
    out.extend(open_.values())
    return out


def _next_outside(el):
    """The first element after `el` in document order that is not inside it."""
    while el is not None:
        nxt = el.getnext()
        while nxt is not None and not isinstance(nxt.tag, str):
            nxt = nxt.getnext()
        if nxt is not None:
            return nxt
        el = el.getparent()
    return None


def apply(findings: list[Finding], sups: list[Suppression]) -> list[Finding]:
    """The findings no suppression covers; marks the suppressions that were used."""
    kept = []
    for f in findings:
        hit = False
        for s in sups:
            name = s.covers(f)
            if name:
                s.used.add(name)
                hit = True
        if not hit:
            kept.append(f)
    return kept


def unused(sups: list[Suppression], path: str, ran, known=lambda name: True) -> list[Finding]:
    """Findings for suppressions that name no rule (`known(name)` is false: a typo such
    as "missing-alt"), or that hid nothing for a rule that actually ran."""
    out = []
    for s in sups:
        for name in s.rules:
            if not known(name):
                out.append(Finding("unused-suppression", "", path, s.line, s.column,
                                   f'suppression names unknown rule "{name}" (see `qa rules`)'))
            elif name not in s.used and ran(name):
                out.append(Finding("unused-suppression", "", path, s.line, s.column,
                                   f'suppression of "{name}" hid nothing'))
    return out
