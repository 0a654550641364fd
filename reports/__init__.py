"""Writers: one module per output format, each with `write(report, stream)` and `EXT`, the
file name it takes in `--out-dir`. Writers only format; the engine decided what is wrong."""
from __future__ import annotations

import importlib
import io
import os
import tempfile
from pathlib import Path
from types import ModuleType

FORMATS = ("text", "json", "html", "sarif", "junit", "github", "gitlab", "summary")


def writer(name: str) -> ModuleType:
    if name not in FORMATS:
        raise KeyError(f'unknown format "{name}"; expected one of {", ".join(FORMATS)}')
    return importlib.import_module(f"reports.{name}")


def render(name: str, report) -> str:
    """The whole report in one format, as text (nothing is written until it is all made)."""
    buf = io.StringIO(newline="\n")
    writer(name).write(report, buf)
    return buf.getvalue()


def write_files(report, targets: list[tuple[str, Path]]) -> None:
    """Write `report` in each (format, path) of `targets`, all or nothing: every file is
    made in full beside its target first, then each is renamed into place. A writer that
    fails, or a kill at any moment, leaves the previous reports whole (at worst a stray
    `.qa-*.tmp` file beside them after a kill -9), never a half-written one."""
    for _, path in targets:         # found now, not after some files were replaced
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory (a report cannot replace it)", str(path))
    made: list[tuple[str, Path]] = []
    try:
        for name, path in targets:
            fd, tmp = tempfile.mkstemp(prefix=f".qa-{path.name}.", suffix=".tmp",
                                       dir=path.parent or Path("."))
            made.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                writer(name).write(report, fh)      # straight into the file: no copy in memory
                fh.flush()
                os.fsync(fh.fileno())
            try:       # a new file gets the usual permissions, not mkstemp's 0600
                os.chmod(tmp, _mode(path))
            except OSError:
                pass
        for tmp, path in made:
            os.replace(tmp, path)
        made = []
    finally:
        for tmp, _ in made:          # a writer failed or the run was stopped: no trace
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777          # replacing a report: keep its mode
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
