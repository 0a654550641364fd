"""The CI recipes (docs/recipes/*.yml) and the composite action (action.yml) are valid YAML,
and every `qa` command line in them is one qa's own argument parser accepts; where this
tree knows every flag and format they use, the commands run for real on the sample site
and write the files the later steps upload."""
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import reports
from qa import cli

ROOT = Path(__file__).resolve().parent.parent
RECIPES = {"github": ROOT / "docs" / "recipes" / "github-actions.yml",
           "gitlab": ROOT / "docs" / "recipes" / "gitlab-ci.yml",
           "action": ROOT / "action.yml"}
# what the CI reports work (another branch) adds to `qa check`: tolerated here until it
# lands, then checked like every other flag (flag -> number of values it takes)
PENDING_FLAGS = {"--summary": 1}
PENDING_FORMATS = {"github", "gitlab"}
PLACEHOLDERS = {"GITHUB_STEP_SUMMARY": "step-summary.md", "GITHUB_OUTPUT": "github-output",
                "GITHUB_ACTION_PATH": str(ROOT)}


def load(name):
    return yaml.safe_load(RECIPES[name].read_text("utf-8"))


def commands(name) -> list[tuple[str, dict[str, str]]]:
    """Every `qa ...` command line in a recipe, with the variables its shell sees."""
    doc = load(name)
    found = []
    if name == "gitlab":
        for job in doc.values():
            env = {k: str(v) for k, v in job.get("variables", {}).items()}
            found += [(line, env) for line in job["script"]]
    else:
        inputs = {k: str(v.get("default", "")) for k, v in doc.get("inputs", {}).items()}
        jobs = doc["jobs"].values() if name == "github" else [{"steps": doc["runs"]["steps"]}]
        for job in jobs:
            for step in job["steps"]:
                env = {**doc.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                env = {k: re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}",
                                 lambda m: inputs[m.group(1)], str(v)) for k, v in env.items()}
                found += [(line, env) for line in step.get("run", "").splitlines()]
    return [(line.strip(), env) for line, env in found if re.match(r"\s*qa\s", line)]


def expand(line: str, env: dict[str, str]) -> list[str]:
    """The words the shell runs: $VAR and ${VAR} expanded (unquoted ones split into
    words, as the shell does), quotes removed."""
    def var(m):
        name = m.group(1) or m.group(2)
        if name in env:
            return env[name]
        assert name in PLACEHOLDERS, f"{line!r} uses ${name}, which the recipe never sets"
        return PLACEHOLDERS[name]
    return shlex.split(re.sub(r"\$\{(\w+)\}|\$(\w+)", var, line))


def check_options():
    sub = next(a for a in cli._parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices["check"]._option_string_actions


def parse(words: list[str]):
    """qa's parser on a `qa check` command line; the flags still pending are set aside
    (returned), any other unknown flag fails."""
    assert words[:2] == ["qa", "check"], words
    known, args, pending = check_options(), [], []
    it = iter(words[2:])
    for w in it:
        flag = w.split("=", 1)[0]
        if flag.startswith("--") and flag not in known and flag in PENDING_FLAGS:
            pending.append(flag)
            if "=" not in w:
                for _ in range(PENDING_FLAGS[flag]):
                    next(it)
            continue
        args.append(w)
    try:
        ns = cli._parser().parse_args(["check", *args])
    except SystemExit as e:
        pytest.fail(f"qa's parser refuses {shlex.join(words)!r} (exit {e.code})")
    formats = ns.format.split(",")
    unknown = [f for f in formats if f not in reports.FORMATS]
    assert set(unknown) <= PENDING_FORMATS, f"unknown formats {unknown} in {words}"
    return ns, formats, pending + [f"--format {f}" for f in unknown]


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_is_yaml_and_its_qa_commands_parse(name):
    found = commands(name)
    assert found, f"{RECIPES[name]} runs no qa command"
    for line, env in found:
        ns, formats, _ = parse(expand(line, env))
        if len(formats) > 1:
            assert ns.out_dir, f"{line!r}: several formats need --out-dir"


def test_github_workflow_uploads_what_qa_writes():
    doc = load("github")
    assert True in doc or "on" in doc       # YAML 1.1 reads a bare `on:` as true
    (job,) = doc["jobs"].values()
    steps = job["steps"]
    ns, formats, pending = parse(expand(*commands("github")[0]))
    assert formats == ["sarif", "html", "json"] and ns.out_dir == "qa-report"
    assert "--summary" in pending or "--summary" in check_options()
    sarif = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert sarif["with"]["sarif_file"] == f"{ns.out_dir}/{reports.writer('sarif').EXT}"
    assert sarif["if"].startswith("always()")
    art = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert art["with"]["path"].rstrip("/") == ns.out_dir and art["if"].startswith("always()")
    assert reports.writer("html").EXT in art["if"]
    assert doc["permissions"]["security-events"] == "write"


def test_gitlab_job_keeps_the_code_quality_report():
    (job,) = load("gitlab").values()
    ns, formats, _ = parse(expand(*commands("gitlab")[0]))
    assert "gitlab" in formats and ns.out_dir == "qa-report"
    name = (reports.writer("gitlab").EXT if "gitlab" in reports.FORMATS
            else "gl-code-quality-report.json")
    assert job["artifacts"]["reports"]["codequality"] == f"{ns.out_dir}/{name}"
    assert job["artifacts"]["when"] == "always"


def test_action_is_a_composite_that_installs_itself_and_passes_inputs_safely():
    doc = load("action")
    assert doc["runs"]["using"] == "composite"
    runs = [s.get("run", "") for s in doc["runs"]["steps"]]
    assert any('pip install' in r and '"$GITHUB_ACTION_PATH"' in r for r in runs)
    for r in runs:         # an input spliced into a script would run as shell code
        assert "${{" not in r, r
    for step in doc["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
    assert doc["inputs"]["fail-on"]["default"] in ("error", "warning", "info")
    ns, formats, _ = parse(expand(*commands("action")[0]))
    assert ns.fail_on == "error" and ns.paths == ["."] and ns.out_dir == "qa-report"
    # several paths and extra flags arrive as words of their own
    line, env = commands("action")[0]
    words = expand(line, {**env, "QA_PATHS": "public docs", "QA_ARGS": "--ignore reading-level"})
    ns, _, _ = parse(words)
    assert ns.paths == ["public", "docs"] and ns.ignore == ("reading-level",)


def runnable():
    for name in sorted(RECIPES):
        for line, env in commands(name):
            _, _, pending = parse(expand(line, {**env, "SITE": "site", "QA_PATHS": "site"}))
            yield pytest.param(name, line, env, id=name, marks=[pytest.mark.skipif(
                bool(pending), reason=f"not in this tree yet: {', '.join(pending)}")])


@pytest.mark.parametrize("name,line,env", list(runnable()))
def test_recipe_command_runs_on_the_sample_site(name, line, env, tmp_path):
    shutil.copytree(ROOT / "sample_pages", tmp_path / "site")
    words = expand(line, {**env, "SITE": "site", "QA_PATHS": "site"})
    run_env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1",
               "GITHUB_STEP_SUMMARY": str(tmp_path / "step-summary.md")}
    r = subprocess.run([sys.executable, "-m", "qa", *words[1:]], cwd=tmp_path, env=run_env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 1, r.stderr        # the sample site has problems on purpose
    ns, formats, _ = parse(words)
    for f in formats:
        assert (tmp_path / ns.out_dir / reports.writer(f).EXT).is_file(), f
