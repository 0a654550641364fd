"""qa in a web app's own tests: the `qa_check` fixture (a pytest plugin, loaded through
the `pytest11` entry point once qa is installed).

    def test_ward_page_is_accessible(client, qa_check):
        response = client.get("/wards/")
        qa_check(response, fail_on="warning")       # fails, listing the findings

    def test_no_warnings(client, qa_check):
        assert not qa_check.findings(client.get("/").content, at_least="warning")

`qa_check(page, fail_on="error", url="page.html", **options)` checks the page (an HTML
string or bytes, or a Django, Flask or requests response) and fails the test when a
finding is at or above `fail_on`, with every such finding as a compiler-style line in
the message; otherwise it returns the Report. `qa_check.findings(page, at_least=...)`
returns the findings at or above that severity instead. The options are `qa.check`'s
(select, ignore, site_root, config...); by default the config is the project's qa.toml or
pyproject.toml [tool.qa], found upwards from the current directory as `qa check` finds it.
"""
from __future__ import annotations

from typing import Any

import pytest

from qa.findings import SEVERITIES, Finding, Report, at_least as _at_least


class QaFindings(AssertionError):
    """The page has findings at or above the threshold; the message lists them."""


class Findings(list):
    """A list of findings that shows itself as `qa check` lines, so that a failed
    `assert not qa_check.findings(...)` says which and where."""

    def __repr__(self) -> str:
        return "\n".join(_line(f) for f in self) if self else "[]"


def _line(f: Finding) -> str:
    from reports.text import safe
    where = ":".join(str(n) for n in (f.line, f.column) if n)
    return safe(f"{f.path}{':' + where if where else ''}: {f.severity} {f.rule} {f.message}")


class QaCheck:
    """The `qa_check` fixture's value; `defaults` are options every call gets."""

    def __init__(self, **defaults: Any):
        self.defaults = defaults

    def report(self, page: Any, url: str | None = None, **options: Any) -> Report:
        """The full Report for `page`, failing nothing."""
        from qa.api import check_html
        text, guessed = _page_text(page)
        opts = {**self.defaults, **options}
        return check_html(text, url=url or guessed, **opts)

    def findings(self, page: Any, at_least: str = "warning", url: str | None = None,
                 **options: Any) -> Findings:
        """The findings at or above `at_least` (error > warning > info)."""
        _severity("at_least", at_least)
        report = self.report(page, url, **options)
        return Findings(f for f in report.findings if _at_least(f.severity, at_least))

    def __call__(self, page: Any, fail_on: str = "error", url: str | None = None,
                 **options: Any) -> Report:
        __tracebackhide__ = True        # the failure is the page's, not this line's
        _severity("fail_on", fail_on)
        report = self.report(page, url, fail_on=fail_on, **options)
        if report.failed:
            raise QaFindings(_message(report))
        return report


def _message(report: Report) -> str:
    from qa.api import text
    gating = [f for f in report.findings if _at_least(f.severity, report.fail_on)]
    head = (f"qa: {len(gating)} finding{'' if len(gating) == 1 else 's'} at or above "
            f"{report.fail_on}:")
    return f"{head}\n{text(report).rstrip()}"


def _severity(name: str, value: str) -> None:
    if value not in SEVERITIES:
        raise ValueError(f"{name} must be one of {', '.join(SEVERITIES)}, got {value!r}")


def _page_text(page: Any) -> tuple[str | bytes, str]:
    """The HTML of `page` and the page path it came from where the response says
    (`/wards/` -> `wards/index.html`), else "page.html"."""
    if isinstance(page, (str, bytes)):
        return page, "page.html"
    body = None
    for attr in ("content", "data"):             # Django, requests, httpx; Flask, werkzeug
        value = getattr(page, attr, None)
        if isinstance(value, (bytes, str)):
            body = value
            break
    if body is None and callable(getattr(page, "get_data", None)):
        body = page.get_data()
    if body is None:
        raise TypeError(f"qa_check needs HTML text, bytes or a response, got {type(page).__name__}")
    return body, _url_of(page)


def _url_of(response: Any) -> str:
    path = None
    request = getattr(response, "request", None)
    if isinstance(request, dict):                 # Django's test client: the WSGI environ
        path = request.get("PATH_INFO")
    elif request is not None:
        path = getattr(request, "path", None) or getattr(getattr(request, "url", None), "path", None)
    if not isinstance(path, str) or not path.strip("/"):
        return "index.html" if isinstance(path, str) else "page.html"
    path = path.strip("/")
    return path if path.lower().endswith((".html", ".htm")) else f"{path}/index.html"


@pytest.fixture
def qa_check() -> QaCheck:
    """Check a rendered page with qa: `qa_check(html, fail_on="error")` fails the test with
    the findings; `qa_check.findings(html, at_least="warning")` lists them."""
    return QaCheck()
