"""Page paths as CI systems want them: relative to the repository (the directory qa ran
in), with forward slashes. GitHub annotations and GitLab's Code Quality widget match a
result to a file only by its path in the repository, never by an absolute one."""
from __future__ import annotations

import os
import re
from pathlib import PurePosixPath

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(path: str) -> bool:
    return bool(_URL.match(path))


def repo_path(path: str, root: str | None = None) -> str:
    """`path` relative to `root` (default: the working directory) when it lies under it;
    a URL, or an absolute path elsewhere, as given."""
    if is_url(path):
        return path
    base = os.path.abspath(root or os.getcwd())
    if os.path.isabs(path):
        full = os.path.abspath(path)
        if os.path.commonpath([base, full]) != base:
            return path.replace("\\", "/")
        path = os.path.relpath(full, base)
    return str(PurePosixPath(path.replace("\\", "/")))       # "./a.html" -> "a.html"
