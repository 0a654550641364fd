"""The incremental cache (`.qa-cache/`): a page checked before, with the same bytes, the
same effective config and the same qa, is not checked again.

Each entry is one page's result, keyed by a hash of the page's bytes, its path and site
url, the effective config and qa's own code (every module's name, size and mtime, so a
changed rule is a changed key). An entry also holds the file-system facts the result
rests on (which referenced files exist, which folders hold an index page, which pages
are in the run): it is used only while every one still holds, so a page whose link
target was added or removed is checked again, and so is every page linking into a page
that changed (the site's other findings, cross-page anchors, are joined fresh each run
from the pages' tables).

Entries are written whole to a temporary file and renamed into place: concurrent runs and
a killed run never leave a half entry, and an entry that cannot be read is a miss. The
cache is a folder of the user's own (pickle files): never point it at one others write.
"""
from __future__ import annotations

import hashlib
import pickle
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from qa.atomic import replace_file

FORMAT = 1
DEFAULT_DIR = ".qa-cache"


def _code_stamp() -> str:
    """qa's modules as they are on disk now: a rule edited is a new key."""
    import qa
    import rules
    parts = [qa.__version__, sys.version]
    for pkg in (qa, rules):
        folder = Path(pkg.__file__).parent
        for f in sorted(folder.glob("*.py")):
            st = f.stat()
            parts.append(f"{pkg.__name__}/{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def config_stamp(config: Any) -> str:
    """What of the config can change a page's result: not jobs, browser, caching, or
    the options of external links, which are checked after the pages; but whether they
    are checked at all, since a page records its links to other sites only then."""
    static = replace(config, jobs=None, browser={}, cache_dir=None, source=None,
                     external={"enabled": bool(config.external.get("enabled"))})
    return repr(static)


class Cache:
    def __init__(self, folder: str | Path, config: Any):
        self.dir = Path(folder)
        self.salt = hashlib.sha256(f"{FORMAT}\n{_code_stamp()}\n{config_stamp(config)}".encode(
            "utf-8", "surrogatepass")).hexdigest()
        self.hits = self.misses = 0

    def key(self, src: Any) -> str | None:
        """The entry's name for this page as it is now; None when it is not to be cached
        (not a plain readable file: load problems are cheap to find again)."""
        data = src.cache_key_data()
        if data is None:
            return None
        h = hashlib.sha256(self.salt.encode())
        for part in (src.path, src.url):
            h.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        h.update(b"\0" + data)
        return h.hexdigest()

    def _file(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pickle"

    def get(self, key: str, site: Any):
        """The cached result, if it is there, whole, and every fact it rests on holds."""
        try:
            with open(self._file(key), "rb") as fh:
                entry = pickle.load(fh)
            result, facts = entry["result"], entry["facts"]
        except Exception:           # noqa: BLE001 - missing, half-written by an old qa, foreign
            self.misses += 1
            return None
        if any(site.fact(kind, path) != value for kind, path, value in facts):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: Any, facts: frozenset) -> None:
        path = self._file(key)
        try:
            if not self.dir.is_dir():        # as ruff's and pytest's caches: git passes it over
                self.dir.mkdir(parents=True, exist_ok=True)
                (self.dir / ".gitignore").write_text("# made by qa: the cache of `qa check`\n*\n")
            replace_file(path, pickle.dumps({"result": result, "facts": facts},
                                            protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:              # a read-only folder: run without the cache
            pass
