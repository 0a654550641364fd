"""The pre-commit hook, for real: pre-commit (from PyPI) installs this tree's hook from a
local git repository into its own virtualenv (pip builds qa from the clone; its
dependencies come from the package index), and a `git commit` in a project that uses the
hook fails on a page with a missing alt, naming the finding, and goes through once the
page is fixed."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or \
    shutil.which("pre-commit")
CLEAN = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Visiting hours'
         '</title></head><body><main><h1>Visiting hours</h1><p>Come any day from nine to five.'
         '</p>{}</main></body></html>\n')
NO_ALT = CLEAN.format('<img src="ward-map.png">')
WITH_ALT = CLEAN.format('<img src="ward-map.png" alt="Map of the ground floor">')


def hook():
    (entry,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    return entry


def test_hook_definition():
    h = hook()
    assert h["id"] == "qa" and h["entry"] == "qa check" and h["language"] == "python"
    assert h["types"] == ["html"] and h["pass_filenames"] is True
    # one qa run sees every page committed, so links between them resolve
    assert h["require_serial"] is True
    import re
    assert re.search(h["files"], "wards/index.html") and re.search(h["files"], "a.htm")
    assert not re.search(h["files"], "style.css")


def git(cwd, *args, env):
    r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=600)
    return r


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit not installed (pip install -e .[test])")
def test_commit_with_missing_alt_fails_the_hook_and_a_clean_page_passes(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    # no global git config (a core.hooksPath there stops `pre-commit install`); pip keeps
    # its own, for the index the hook's dependencies come from
    env.update(PRE_COMMIT_HOME=str(tmp_path / "cache"), NO_COLOR="1", GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"),
               GIT_AUTHOR_NAME="qa test", GIT_AUTHOR_EMAIL="qa@example.org",
               GIT_COMMITTER_NAME="qa test", GIT_COMMITTER_EMAIL="qa@example.org",
               GIT_CONFIG_NOSYSTEM="1")
    (tmp_path / "gitconfig").write_text("")
    env.pop("PYTHONPATH", None)      # the hook must run the qa pre-commit installed
    # the hook repository: this tree as it is now (committed there, as pre-commit needs)
    repo = tmp_path / "qa-hook"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", "tests"))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "qa"]):
        assert git(repo, *args, env=env).returncode == 0
    rev = git(repo, "rev-parse", "HEAD", env=env).stdout.strip()

    project = tmp_path / "hospital-site"
    project.mkdir()
    assert git(project, "init", "-q", env=env).returncode == 0
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: qa\n")
    r = subprocess.run([PRE_COMMIT, "install", "--install-hooks"], cwd=project, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    installed = list((tmp_path / "cache").glob("repo*/py_env-*/bin/qa"))
    assert installed, "pre-commit's environment has no qa"

    (project / "wards").mkdir()
    (project / "wards" / "index.html").write_text(NO_ALT)
    (project / "wards" / "ward-map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    git(project, "add", "-A", env=env)
    r = git(project, "commit", "-m", "wards page", env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "- hook id: qa" in out and "Failed" in out
    assert ('wards/index.html:1:169: error missing-alt-text image "ward-map.png" has no alt '
            'attribute') in out, out
    assert git(project, "rev-parse", "--verify", "-q", "HEAD", env=env).returncode != 0

    (project / "wards" / "index.html").write_text(WITH_ALT)
    git(project, "add", "-A", env=env)
    r = git(project, "commit", "-m", "wards page", env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "qa (accessibility and content QA)" in out and "Passed" in out

    # a commit with no page in it does not run qa at all
    (project / "style.css").write_text("main { margin: 0 auto }\n")
    git(project, "add", "-A", env=env)
    r = git(project, "commit", "-m", "style", env=env)
    assert r.returncode == 0 and "(no files to check)Skipped" in r.stdout + r.stderr
