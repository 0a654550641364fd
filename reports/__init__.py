"""Writers: one module per output format, each with `write(report, stream)` and `EXT`, the
file name it takes in `--out-dir`. Writers only format; the engine decided what is wrong."""
from __future__ import annotations

import importlib
from types import ModuleType

FORMATS = ("text", "json", "html", "sarif", "junit")


def writer(name: str) -> ModuleType:
    if name not in FORMATS:
        raise KeyError(f'unknown format "{name}"; expected one of {", ".join(FORMATS)}')
    return importlib.import_module(f"reports.{name}")
