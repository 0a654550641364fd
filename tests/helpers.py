"""Helpers shared by the tests."""
from __future__ import annotations

import re
from pathlib import Path

from qa.config import Config
from qa.runner import run

EXPECT = re.compile(r'data-expect="([^"]+)"')


def expected_pairs(path: Path) -> set[tuple[int, str]]:
    """(line, rule) pairs that a fixture's `data-expect` attributes announce."""
    out = set()
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        for m in EXPECT.finditer(line):
            out |= {(n, r) for r in m.group(1).split()}
    return out


def check(*paths, config: Config | None = None):
    return run([str(p) for p in paths], config or Config.default())


def found_pairs(report, rule_ids) -> set[tuple[int, str]]:
    return {(f.line, f.rule) for f in report.findings if f.rule in rule_ids}
