"""Replace a file whole: its new content goes to a temporary file beside it, which is then
renamed over it, so a reader (or a run after a kill) sees the old file or the new one,
never half of one. Nothing of ours imports anything else of ours here."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` whole; on any failure the temporary file is removed and
    `path` is as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".qa-{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
