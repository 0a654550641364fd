"""Changed pages (`--changed-since REV`): which pages of a site a change can have broken.

The pages changed since a git revision (committed since, or changed in the work tree, or
new and untracked), and every page that links to a changed, renamed or deleted file
(its anchors may be gone, or the file itself). Those are checked against the whole site,
so that a link into an unchanged page still finds its anchors.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from qa import sources
from qa.config import Config
from qa.runner import UsageError


def _git(cwd: Path, *args: str) -> str:
    try:
        r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise UsageError("--changed-since needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {' '.join(args)} did not answer within 60 s") from None
    if r.returncode != 0:
        raise UsageError(f"git {' '.join(args[:2])}: {r.stderr.strip() or 'failed'}")
    return r.stdout


def changed_files(root: Path, rev: str) -> tuple[set[Path], set[Path]]:
    """(changed or added files, deleted or renamed-away files) since `rev`, absolute."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except UsageError:
        raise UsageError(f'--changed-since: "{rev}" is no commit of the git repository '
                         f"at {top}") from None
    changed: set[Path] = set()
    gone: set[Path] = set()
    out = _git(top, "diff", "--name-status", "-z", "--find-renames", rev, "--")
    parts = out.split("\0")
    i = 0
    while i < len(parts) and parts[i]:
        status = parts[i]
        if status[:1] in "RC":              # rename or copy: old, new
            old, new = parts[i + 1], parts[i + 2]
            i += 3
            if status[0] == "R":
                gone.add(top / old)
            changed.add(top / new)
            continue
        name = parts[i + 1]
        i += 2
        (gone if status[:1] == "D" else changed).add(top / name)
    for name in _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0"):
        if name:
            changed.add(top / name)
    return changed, gone


def pages_to_check(paths: list[str], config: Config, rev: str) -> set[str]:
    """Site urls of the pages to check: the changed pages, and the pages linking to any
    changed or removed file."""
    srcs, site, _ = sources.discover(paths, config.site_root, config.exclude)
    changed, gone = changed_files(site.root, rev)
    root = Path(os.path.abspath(site.root))

    def url(p: Path) -> str | None:
        rel = os.path.relpath(p, root)
        return None if rel.startswith("..") else Path(rel).as_posix()
    touched = {u for u in map(url, changed | gone) if u}
    pages = {s.url for s in srcs}
    out = touched & pages
    if not touched:
        return out
    # who links to them: a cheap look for the file's name first, then the real resolution
    from rules.broken_link import references
    from qa.sources import document_base
    # (an index page is linked by its folder, "news/" or "/": no name to look for then)
    names = None if any(u.rsplit("/", 1)[-1] in sources.INDEX_NAMES for u in touched) else \
        {u.rsplit("/", 1)[-1].encode() for u in touched}
    for src in srcs:
        if src.url in out:
            continue
        if names is not None:
            try:
                data = src.file.read_bytes()
            except OSError:
                continue
            if not any(n in data for n in names):
                continue
        page = sources.load(src, site)
        base = document_base(page) if page.source else None
        if base is None:
            continue
        for _, _, ref in references(page):
            t = site.resolve(base, ref)
            if t.kind == "page" and t.url in touched:
                out.add(src.url)
                break
    return out
