"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, VS Code's
SARIF viewer).

One run; `tool.driver.rules` lists every rule the report documents plus any rule a finding
names, sorted by id, and each result points at its rule by `ruleId` and `ruleIndex`.
Page paths are relative URIs against `%SRCROOT%` (the directory qa ran in), absolute ones
under it too (`qa check $PWD/site` in CI: code scanning matches results to the repository's
files only by relative path); a page outside it is a file: URI, and one given as a URL
stays absolute. `partialFingerprints["qa/v1"]` is `Finding.fingerprint`, which has no
line number in it, so a dashboard keeps a result's identity when lines above it move.

The schema the tests validate against, reports/sarif-schema-2.1.0.json, is the SARIF SDK's
copy of the OASIS SARIF 2.1.0 schema, taken unchanged from the npm package
@microsoft/sarif-multitool-linux 5.7.0 (file `sarif-2.1.0.json`, MIT licence;
sha256 1c49a0f2b60444c71bb14878e21e0d882198eff4c539861b133093ad89ed798c).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

from qa.findings import Finding, Report
from reports.json import plain

EXT = "report.sarif"
SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}    # SARIF 3.27.10
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def write(report: Report, stream: TextIO) -> None:
    text = json.dumps(plain(as_dict(report)), indent=2, ensure_ascii=False, allow_nan=False)
    # lone surrogates (a file name's non-UTF-8 bytes, kept by surrogateescape) cannot be
    # written as UTF-8: show them as U+FFFD; URIs carry the real bytes %-encoded instead
    stream.write(_SURROGATE.sub("\ufffd", text) + "\n")


def as_dict(report: Report) -> dict[str, Any]:
    docs = report.rules or {}
    ids = sorted(set(docs) | {f.rule for f in report.findings})
    index = {rid: i for i, rid in enumerate(ids)}
    tags: dict[str, set[str]] = {}
    for f in report.findings:
        tags.setdefault(f.rule, set()).update(f.tags)

    driver: dict[str, Any] = {"name": report.tool.get("name", "qa")}
    if report.tool.get("version"):
        driver["version"] = str(report.tool["version"])
        driver["semanticVersion"] = str(report.tool["version"])
    info_uri = _http_url(report.tool.get("url") or report.tool.get("information_uri"))
    if info_uri:
        driver["informationUri"] = info_uri
    driver["rules"] = [_rule(rid, docs.get(rid) or {}, tags.get(rid, set())) for rid in ids]

    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",       # Finding.column counts Python str characters
        "results": [_result(f, index[f.rule]) for f in report.findings],
    }
    props = {k: v for k, v in (report.meta or {}).items()
             if k in ("axe_version", "browser", "generated", "site_root") and v is not None}
    props["failOn"] = report.fail_on
    run["properties"] = props
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule(rid: str, doc: dict[str, Any], seen_tags: set[str]) -> dict[str, Any]:
    summary = _text(doc.get("summary")) or rid
    why, fix = _text(doc.get("why")), _text(doc.get("fix"))
    rule: dict[str, Any] = {
        "id": rid,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(t for t in (_sentence(summary), why) if t)},
        "defaultConfiguration": {"level": LEVEL.get(doc.get("severity", ""), "warning")},
    }
    if fix:
        rule["help"] = {"text": fix}
    url = _http_url(doc.get("help_url"))
    if url:
        rule["helpUri"] = url
    tags = sorted(set(doc.get("tags") or ()) | seen_tags | {"accessibility"})
    rule["properties"] = {"tags": tags}
    return rule


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": artifact_location(f.path)}}
    if f.line:
        region: dict[str, Any] = {"startLine": f.line}
        if f.column:
            region["startColumn"] = f.column
        if f.snippet:
            region["snippet"] = {"text": f.snippet}
        location["physicalLocation"]["region"] = region
    if f.selector:
        # SARIF 3.33.7: "element" is the logical location kind for an HTML/XML element
        location["logicalLocations"] = [{"fullyQualifiedName": f.selector, "kind": "element"}]
    result: dict[str, Any] = {
        "ruleId": f.rule, "ruleIndex": rule_index, "level": LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {"qa/v1": f.fingerprint},
    }
    if f.baseline:       # SARIF 3.27.24: against the baseline the run was given
        result["baselineState"] = "new" if f.baseline == "new" else "unchanged"
    reviewed = (f.data or {}).get("reviewed")
    if f.baseline == "reviewed" and isinstance(reviewed, dict):     # SARIF 3.35
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": str(reviewed.get("reason", ""))}]
    props: dict[str, Any] = {}
    if f.impact:
        props["impact"] = f.impact
    if f.tags:
        props["tags"] = list(f.tags)
    if f.data:
        if f.data.get("needs_review"):
            props["needsReview"] = True      # axe "incomplete": a person must decide
        props["data"] = f.data
    if props:
        result["properties"] = props
    return result


def artifact_location(path: str, srcroot: str | None = None) -> dict[str, Any]:
    """A page as SARIF wants it: a URL stays absolute; a file path under `srcroot` (the
    working directory) becomes a percent-encoded relative URI against %SRCROOT%; any other
    absolute path a file: URI."""
    if _URL.match(path):
        return {"uri": _encode(path, keep=":/?#[]@!$&'()*+,;=%")}
    root = os.path.abspath(srcroot or os.getcwd())
    if os.path.isabs(path) and os.path.commonpath([root, os.path.abspath(path)]) == root:
        path = os.path.relpath(path, root)
    posix = path.replace("\\", "/")
    if _WINDOWS_DRIVE.match(path):
        return {"uri": "file:///" + _encode(posix)}
    if posix.startswith("/"):
        return {"uri": "file://" + _encode(posix)}
    rel = str(PurePosixPath(posix))                      # "./a.html" -> "a.html"
    return {"uri": _encode(rel), "uriBaseId": "SRCROOT"}


def _encode(s: str, keep: str = "/!$&'()*+,;=@") -> str:
    # RFC 3986: anything outside unreserved/sub-delims (spaces, non-ASCII, "%") is
    # %-encoded; ":" too for paths, so a first segment never reads as a scheme ("a:b.html")
    return quote(s, safe=keep, errors="surrogateescape")   # undecodable bytes as themselves


def _http_url(url: Any) -> str | None:
    if isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return _encode(url.strip(), keep=":/?#[]@!$&'()*+,;=%~")
    return None


def _sentence(s: str) -> str:
    return s if not s or s[-1] in ".!?" else s + "."     # axe's help text has no full stop


def _text(v: Any) -> str:
    return " ".join(str(v).split()) if v else ""
