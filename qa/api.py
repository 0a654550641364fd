"""The Python API: `qa.check(...)` and `qa.check_html(...)` return the same `Report` the
command line writes, for tests and scripts (a Django or Flask test of a rendered page).

    report = qa.check("site/", fail_on="warning", ignore=["reading-level"])
    report = qa.check(html=response.content.decode(), url="wards/index.html")
    assert not report.failed, qa.api.text(report)

An HTML string is written to a private temporary folder and checked there, as one page of
a site of its own: links to other pages cannot be judged against it, so `broken-link` is
left out unless `site_root` names the real site. Then the temporary folder mirrors
`site_root` (symbolic links to its files and folders, the page's own folders made afresh,
so nothing is ever written into the site) and the page's links resolve as they would
there."""
from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from qa import config as qaconfig
from qa.findings import SEVERITIES, Report
from qa.runner import UsageError, run

# links to other pages: a page alone in a temporary folder has none to find
SITE_ONLY = ("broken-link",)


def check(*targets: str | os.PathLike, html: str | bytes | None = None, url: str = "page.html",
          config: qaconfig.Config | str | os.PathLike | bool | None = None,
          fail_on: str | None = None, select: Iterable[str] | None = None,
          ignore: Iterable[str] | None = None, site_root: str | os.PathLike | None = None,
          exclude: Iterable[str] = (), jobs: int | None = None) -> Report:
    """Check files and folders (`targets`), or an HTML string (`html`, shown as `url`).

    `config`: a `Config`, the path of a qa.toml or pyproject.toml, None to find one
    upwards from the current directory as `qa check` does, or False for none.
    `fail_on`, `select`, `ignore`, `site_root`, `exclude` and `jobs` are the flags of
    `qa check`. Raises ConfigError or UsageError (the CLI's exit 2) for bad input."""
    if html is None and not targets:
        raise UsageError("nothing to check: name files or folders, or pass html=")
    if html is not None and targets:
        raise UsageError("pass either files and folders or html=, not both")
    cfg = _config(config)
    if fail_on is not None:
        if fail_on not in SEVERITIES:
            raise qaconfig.ConfigError("fail_on", f"expected one of {', '.join(SEVERITIES)}, "
                                       f"got {fail_on!r}")
        cfg.fail_on = fail_on
    if select is not None:
        cfg.select = tuple(qaconfig.check_rule_names("select", _names(select)))
    if ignore is not None:
        cfg.ignore = cfg.ignore + tuple(qaconfig.check_rule_names("ignore", _names(ignore)))
    if exclude:
        cfg.exclude += tuple(_names(exclude))
    if jobs is not None:
        cfg.jobs = qaconfig.jobs("jobs", jobs)
    if site_root is not None:
        cfg.site_root = os.fspath(site_root)
    if html is None:
        return run([os.fspath(t) for t in targets], cfg)
    return _check_string(html, url, cfg)


def check_html(text: str | bytes, url: str = "page.html", **options: Any) -> Report:
    """Check one page given as HTML text; `url` is its path in the site (and in the
    findings). The options are `check`'s."""
    return check(html=text, url=url, **options)


def text(report: Report) -> str:
    """The report as `qa check` prints it: one compiler-style line per finding
    (`page.html:3:5: error missing-alt-text image "a.png" has no alt attribute`) and the
    summary line."""
    import reports
    return reports.render("text", report)


def _config(config) -> qaconfig.Config:
    if isinstance(config, qaconfig.Config):
        return dataclasses.replace(config)     # the caller's stays as it was
    if config is False:
        return qaconfig.Config()
    if config is None or config is True:
        return qaconfig.load()
    return qaconfig.load(os.fspath(config))


def _names(value: Iterable[str] | str) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [n.strip() for n in items if n.strip()]


def _check_string(html: str | bytes, url: str, cfg: qaconfig.Config) -> Report:
    page = PurePosixPath(url.replace("\\", "/").lstrip("/"))
    if not page.parts or ".." in page.parts or not page.name.lower().endswith((".html", ".htm")):
        raise UsageError(f'url "{url}" must be a page path inside the site, such as '
                         '"page.html" or "wards/index.html"')
    data = html.encode("utf-8") if isinstance(html, str) else html
    given_root = cfg.site_root
    with tempfile.TemporaryDirectory(prefix="qa-") as tmp:
        root = Path(tmp)
        if cfg.site_root:
            real = Path(cfg.site_root)
            if not real.is_dir():
                raise UsageError(f'site root "{cfg.site_root}" is not a directory')
            _mirror(real, root, page)
        else:
            cfg.ignore = cfg.ignore + SITE_ONLY
        file = root.joinpath(*page.parts)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        cfg.site_root = str(root)
        report = run([str(file)], cfg)
    shown, mine = str(page), str(file)

    def named(path: str) -> str:
        return shown if path == mine else path
    report.findings = [dataclasses.replace(f, path=named(f.path)) if f.path == mine else f
                       for f in report.findings]
    for info in report.pages:
        info.path = named(info.path)
    report.meta["site_root"] = given_root or ""     # never the temporary folder, gone now
    return report


def _mirror(real: Path, root: Path, page: PurePosixPath) -> None:
    """Make `root` look like the site at `real` from `page`'s point of view: a symbolic
    link to every entry, except the folders on the page's own path, which are made anew
    (and mirrored in turn), so that the page is written into no folder of the site."""
    here_real, here = real, root
    for part in (*page.parts[:-1], None):
        for entry in os.scandir(here_real):
            if entry.name == part or (part is None and entry.name == page.name):
                continue
            os.symlink(entry.path, here / entry.name)
        if part is None:
            break
        here_real, here = here_real / part, here / part
        here.mkdir()
        if not here_real.is_dir():
            break
