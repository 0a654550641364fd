"""Writers: one module per output format, each with `write(report, stream)` and `EXT`, the
file name it takes in `--out-dir`. Writers only format; the engine decided what is wrong."""
from __future__ import annotations

import importlib
from types import ModuleType

FORMATS = {"text": "text", "json": "json", "html": "html", "sarif": "sarif", "junit": "junit"}


def writer(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"reports.{FORMATS[name]}")
    except KeyError:
        raise KeyError(f'unknown format "{name}"; expected one of {", ".join(FORMATS)}') from None
