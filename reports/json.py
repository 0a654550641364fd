"""The JSON report, documented by reports/report.schema.json (schema version 1), and its
loader: `load(path)` gives back the Report it was written from, so that `qa report` can
render any other format from a saved run with identical results (and fingerprints)."""
from __future__ import annotations

import dataclasses
import json
import math
import textwrap
from typing import Any, TextIO

from qa.findings import SEVERITIES, Finding, PageInfo, Report

EXT = "report.json"
SCHEMA_VERSION = 1


def as_dict(report: Report) -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "tool": report.tool,
        "summary": report.summary(),
        "meta": report.meta,
        "rules": report.rules,            # what the writers say about each rule
        "pages": [p.to_dict() for p in report.pages],
        "findings": [f.to_dict() for f in report.findings],
    }


def plain(value: Any) -> Any:
    """`value` as strict JSON holds it: NaN and infinities (which `json` would write as
    the invalid `NaN`) become null, tuples lists, keys and unknown objects text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int)):
        return value
    return str(value)


def write(report: Report, stream: TextIO) -> None:
    """As `json.dump(as_dict(report), indent=2)` writes it, byte for byte, but one finding
    at a time: 25,000 findings are never all in memory twice over as dicts and text."""
    findings = report.findings
    doc = as_dict(dataclasses.replace(report, findings=[]))
    doc.pop("findings")
    doc["summary"] = report.summary()
    dump = lambda v: json.dumps(plain(v), indent=2, ensure_ascii=False, allow_nan=False)  # noqa: E731
    head = dump(doc)
    stream.write(head[:-2] + (",\n" if doc else "") + '  "findings": [')
    for i, f in enumerate(findings):
        stream.write(("," if i else "") + "\n" + textwrap.indent(dump(f.to_dict()), "    "))
    stream.write("\n  ]\n}\n" if findings else "]\n}\n")


# -- loading a saved report (`qa report`) -------------------------------------------------
class LoadError(ValueError):
    """A file that is not a qa JSON report this version can read."""


_FINDING_FIELDS = {f.name for f in dataclasses.fields(Finding)}
_METRICS = ("grade", "flesch_reading_ease", "words", "sentences")


def load(path: str) -> Report:
    """The Report a `--format json` file was written from."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except UnicodeDecodeError as e:
        raise LoadError(f"{path}: not UTF-8 text ({e.reason})") from None
    except json.JSONDecodeError as e:
        raise LoadError(f"{path}: not JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    return from_dict(doc, path)


def from_dict(doc: Any, where: str = "report") -> Report:
    """Inverse of `as_dict`: the same findings (with the same fingerprints), pages, rule
    docs, meta and fail_on. `summary` is computed from the findings, so it is not read."""
    if not isinstance(doc, dict) or "findings" not in doc or "pages" not in doc:
        raise LoadError(f"{where}: not a qa JSON report (no findings and pages)")
    if doc.get("schema") != SCHEMA_VERSION:
        raise LoadError(f"{where}: schema {doc.get('schema')!r}; this qa reads schema {SCHEMA_VERSION}")
    summary = doc.get("summary") or {}
    fail_on = summary.get("fail_on", "error")
    if fail_on not in SEVERITIES:
        raise LoadError(f'{where}: summary.fail_on "{fail_on}" is not one of {", ".join(SEVERITIES)}')
    findings = [_finding(d, f"{where}: findings[{i}]") for i, d in enumerate(_list(doc, "findings", where))]
    pages = [_page(d, f"{where}: pages[{i}]") for i, d in enumerate(_list(doc, "pages", where))]
    return Report(tool=dict(doc.get("tool") or {}), pages=pages, findings=findings,
                  fail_on=fail_on, rules=dict(doc.get("rules") or {}), meta=dict(doc.get("meta") or {}))


def _list(doc: dict, key: str, where: str) -> list:
    value = doc.get(key)
    if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
        raise LoadError(f"{where}: {key} is not a list of objects")
    return value


def _finding(d: dict, where: str) -> Finding:
    for key in ("rule", "severity", "path", "message"):
        if not isinstance(d.get(key), str):
            raise LoadError(f"{where}: {key} is missing or not text")
    if d["severity"] not in SEVERITIES:
        raise LoadError(f'{where}: severity "{d["severity"]}" is not one of {", ".join(SEVERITIES)}')
    kwargs = {k: v for k, v in d.items() if k in _FINDING_FIELDS}
    kwargs["tags"] = tuple(d.get("tags") or ())
    kwargs.setdefault("line", None)
    kwargs.setdefault("column", None)
    if not isinstance(kwargs.get("occurrence", 0), int):
        raise LoadError(f"{where}: occurrence is not a number")
    f = Finding(**kwargs)
    if d.get("fingerprint") and d["fingerprint"] != f.fingerprint:
        # without page, subject, element and occurrence (a report by an older qa) the
        # identity cannot be rebuilt; a changed fingerprint would break baselines
        raise LoadError(f"{where}: its fingerprint cannot be rebuilt (page, subject, element "
                        "or occurrence missing: written by an older qa?); check the site again")
    return f


def _page(d: dict, where: str) -> PageInfo:
    if not isinstance(d.get("path"), str):
        raise LoadError(f"{where}: path is missing or not text")
    metrics = dict(d.get("reading") or {})
    metrics.update({k: d[k] for k in _METRICS if d.get(k) is not None})
    seconds = d.get("seconds")
    url = d.get("url")
    return PageInfo(d["path"], d.get("title"), d.get("lang"), d.get("encoding"), metrics,
                    url=url if isinstance(url, str) else None,
                    seconds=seconds if isinstance(seconds, (int, float)) else None,
                    fetch=d["fetch"] if isinstance(d.get("fetch"), dict) else None)
