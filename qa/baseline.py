"""Baselines and reviewed decisions: what a team has already seen.

A baseline file (`.qa-baseline.json`, committed) lists the findings a site had when it was
taken, one entry per finding with its fingerprint and, beside it, the rule, page and
message a person reads in a pull request's diff. `qa check --baseline FILE` then gates only
on findings that are not in it, and names the entries that are gone (fixed);
`--update-baseline` drops those, and never adds a new finding (a ratchet).

Reviewed decisions live in the same file: a heuristic or "needs review" finding that an
editor judged fine, with the reason, who decided and when. It stays reviewed on every later
run, shown as reviewed, never as a problem to fix.

The file is sorted and stable (entries by page, rule, fingerprint; keys in one order), so
that an update changes only the lines of what changed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.atomic import replace_file
from qa.findings import Finding, Report

VERSION = 1
DEFAULT_FILE = ".qa-baseline.json"
# a finding gets one of these in `Finding.baseline` once a baseline was applied
NEW, KNOWN, REVIEWED = "new", "known", "reviewed"


class BaselineError(Exception):
    """The baseline file cannot be used (exit 2); the message says why."""


@dataclass
class Baseline:
    path: Path
    known: list[dict[str, Any]] = field(default_factory=list)      # {fingerprint, rule, page, message}
    reviewed: list[dict[str, Any]] = field(default_factory=list)   # ... + reason, by, on

    @classmethod
    def load(cls, path: str | Path) -> "Baseline":
        path = Path(path)
        try:
            doc = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"baseline {path} does not exist; take one with "
                                f"`qa baseline PATH... -o {path}`") from None
        except OSError as e:
            raise BaselineError(f"baseline {path} cannot be read: {e.strerror or e}") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise BaselineError(f"baseline {path} is not valid JSON: {e}") from None
        if not isinstance(doc, dict) or doc.get("qa-baseline") != VERSION:
            raise BaselineError(f'baseline {path} is not a qa baseline (expected '
                                f'"qa-baseline": {VERSION})')
        out = cls(path)
        for key in ("known", "reviewed"):
            entries = doc.get(key, [])
            if not isinstance(entries, list) or not all(
                    isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries):
                raise BaselineError(f'baseline {path}: "{key}" must be a list of entries, each '
                                    'with a "fingerprint"')
            setattr(out, key, entries)
        for e in out.reviewed:
            if not str(e.get("reason", "")).strip():
                raise BaselineError(f"baseline {path}: the reviewed entry {e['fingerprint']} "
                                    'has no "reason"')
        return out

    def save(self) -> None:
        """Write the file sorted and whole (a temporary file renamed into place)."""
        doc = {"qa-baseline": VERSION,
               "about": "Findings qa knows about: `known` ones do not fail `qa check "
                        "--baseline`; `reviewed` ones were judged fine by a person.",
               "known": sorted((_entry(e) for e in self.known), key=_order),
               "reviewed": sorted((_entry(e, reviewed=True) for e in self.reviewed), key=_order)}
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        replace_file(self.path, text.encode("utf-8"))

_KEYS = ("fingerprint", "rule", "page", "message")
_REVIEW_KEYS = ("reason", "by", "on")


def _entry(e: dict[str, Any], reviewed: bool = False) -> dict[str, Any]:
    keys = _KEYS + (_REVIEW_KEYS if reviewed else ())
    return {k: e.get(k) for k in keys if e.get(k) is not None}


def _order(e: dict[str, Any]) -> tuple:
    return (str(e.get("page", "")), str(e.get("rule", "")), str(e.get("message", "")),
            e["fingerprint"])


def entry_of(f: Finding) -> dict[str, Any]:
    return {"fingerprint": f.fingerprint, "rule": f.rule, "page": f.page or f.path,
            "message": f.message}


def take(report: Report, path: str | Path, previous: Baseline | None = None) -> Baseline:
    """A baseline of every finding in `report`, keeping the reviewed decisions of
    `previous` (the file being replaced) that still match a finding."""
    prints = {f.fingerprint for f in report.findings}
    reviewed = [e for e in (previous.reviewed if previous else []) if e["fingerprint"] in prints]
    done = {e["fingerprint"] for e in reviewed}
    known = [entry_of(f) for f in report.findings if f.fingerprint not in done]
    return Baseline(Path(path), known, reviewed)


def apply(report: Report, baseline: Baseline) -> Report:
    """`report` with each finding marked new, known or reviewed, and the baseline's entries
    that no finding matches any more listed as fixed in `report.meta["baseline"]`. Only
    entries for pages this run checked can be fixed: a run over some pages (changed pages)
    says nothing of the others."""
    known = {e["fingerprint"] for e in baseline.known}
    reviewed = {e["fingerprint"]: e for e in baseline.reviewed}
    marked = []
    for f in report.findings:
        if f.fingerprint in reviewed:
            e = reviewed[f.fingerprint]
            data = {**(f.data or {}), "reviewed": {k: e[k] for k in _REVIEW_KEYS if e.get(k)}}
            marked.append(dataclasses.replace(f, baseline=REVIEWED, data=data))
        else:
            marked.append(dataclasses.replace(f, baseline=KNOWN if f.fingerprint in known else NEW))
    prints = {f.fingerprint for f in marked}
    checked = {f.page or f.path for f in marked} | {p.url for p in report.pages if p.url}
    fixed = [_entry(e) for e in baseline.known + baseline.reviewed
             if e["fingerprint"] not in prints and e.get("page") in checked]
    count = lambda status: sum(1 for f in marked if f.baseline == status)  # noqa: E731
    meta = {**report.meta, "baseline": {"path": str(baseline.path), "new": count(NEW),
                                        "known": count(KNOWN), "reviewed": count(REVIEWED),
                                        "fixed": sorted(fixed, key=_order)}}
    return dataclasses.replace(report, findings=marked, meta=meta)


def update(baseline: Baseline, report: Report) -> Baseline:
    """The baseline without the entries `report` found fixed; nothing new is added."""
    fixed = {e["fingerprint"] for e in report.meta.get("baseline", {}).get("fixed", [])}
    return Baseline(baseline.path, [e for e in baseline.known if e["fingerprint"] not in fixed],
                    [e for e in baseline.reviewed if e["fingerprint"] not in fixed])


# the findings a person may mark reviewed: heuristics and what axe could not decide;
# an error is fixed, baselined or ignored with a reason in the config, not "reviewed"
def reviewable(f: Finding) -> bool:
    return f.severity != "error" or bool((f.data or {}).get("needs_review"))


def review(baseline: Baseline, findings: list[Finding], reason: str, by: str,
           on: dt.date | None = None) -> Baseline:
    """`baseline` with `findings` marked reviewed (moved out of known if there)."""
    prints = {f.fingerprint for f in findings}
    kept = [e for e in baseline.reviewed if e["fingerprint"] not in prints]
    day = (on or dt.date.today()).isoformat()
    new = [{**entry_of(f), "reason": reason, "by": by, "on": day} for f in findings]
    return Baseline(baseline.path, [e for e in baseline.known if e["fingerprint"] not in prints],
                    kept + new)
