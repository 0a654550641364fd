#!/usr/bin/env python3
"""How many of qa's findings on real sites are distinct problems, per rule.

Runs `python -m qa check COPY --format json --no-config` on each Debian documentation
corpus (see bench/README.md), on a copy made with symlinks dereferenced (`cp -rL`: some
files of the packages are symlinks into other packages, which a site would serve as
files), and prints per rule: findings, distinct causes (same rule and same target, or the
same message where a finding has no element: a template's defect repeated on every page
is one cause) and the severity split.

    python bench/precision.py                          # every installed corpus
    python bench/precision.py python3.11-doc --json    # one corpus, as JSON
    python bench/precision.py --sample 20 --rules placeholder-link,duplicate-heading
                                                       # plus a random sample to judge by hand

`--sample N` prints N findings per rule and corpus, drawn with a fixed seed (the same
findings on every run of the same code), for the hand-judged table in bench/precision.md.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPORA = {
    "python3.11-doc": Path("/usr/share/doc/python3.11/html"),
    "postgresql-doc-15": Path("/usr/share/doc/postgresql-doc-15/html"),
}
OK_EXITS = (0, 1)


def copy_corpus(name: str, src: Path, work: Path) -> Path:
    """A stable copy with symlinks dereferenced, made once per work directory."""
    dest = work / name
    if not dest.is_dir():
        subprocess.run(["cp", "-rL", str(src), str(dest)], check=True)
    return dest


def run_qa(site: Path, qa_args: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable, "-m", "qa", "check", str(site), "--format", "json",
               "-o", out.name, "--no-progress", "--no-config", *qa_args]
        p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        if p.returncode not in OK_EXITS:
            sys.exit(f"qa exited {p.returncode}: {p.stderr[-2000:]}")
        return json.loads(Path(out.name).read_text("utf-8"))


def cause(f: dict) -> tuple:
    """The cause qa names (`cause`: the missing file, the template's element), else the
    same rule and same target: the selector and snippet of the element, else the message
    with line numbers left out."""
    if f.get("cause"):
        return (f["rule"], f["cause"])
    if f.get("selector") or f.get("snippet"):
        return (f["rule"], f.get("selector"), re.sub(r"\s+", " ", f.get("snippet") or ""))
    return (f["rule"], re.sub(r"\d+", "N", f["message"]))


def table(report: dict) -> dict[str, dict]:
    by_rule: dict[str, dict] = defaultdict(lambda: {"findings": 0, "causes": set(),
                                                    "severity": Counter()})
    for f in report["findings"]:
        row = by_rule[f["rule"]]
        row["findings"] += 1
        row["causes"].add(cause(f))
        row["severity"][f["severity"]] += 1
    return {r: {"findings": v["findings"], "causes": len(v["causes"]),
                "error": v["severity"]["error"], "warning": v["severity"]["warning"],
                "info": v["severity"]["info"]} for r, v in sorted(by_rule.items())}


def sample(report: dict, rule: str, n: int, seed: int = 9) -> list[dict]:
    found = [f for f in report["findings"] if f["rule"] == rule]
    return random.Random(seed).sample(found, min(n, len(found)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="*", help="package names (default: every installed one)")
    ap.add_argument("--work", default="/tmp/qa-precision", help="where the copies are made")
    ap.add_argument("--json", action="store_true", help="print the tables as JSON")
    ap.add_argument("--sample", type=int, default=0, metavar="N",
                    help="also print N findings per rule to judge by hand")
    ap.add_argument("--rules", default="", help="comma-separated rules for --sample")
    ap.add_argument("--qa-args", default="", help="more arguments for qa check")
    args = ap.parse_args(argv)
    names = args.corpora or [n for n, p in CORPORA.items() if p.is_dir()]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in names:
        src = CORPORA.get(name, Path(name))
        site = copy_corpus(name if name in CORPORA else src.name, src, work)
        report = run_qa(site, args.qa_args.split())
        results[name] = {"pages": len(report["pages"]), "rules": table(report)}
        if args.sample:
            wanted = [r for r in args.rules.split(",") if r] or list(results[name]["rules"])
            results[name]["sample"] = {r: [
                {k: f.get(k) for k in ("path", "line", "severity", "message", "snippet")}
                | {"path": str(Path(f["path"]).relative_to(site))}
                for f in sample(report, r, args.sample)] for r in wanted}
    if args.json:
        json.dump(results, sys.stdout, indent=1)
        print()
        return 0
    for name, res in results.items():
        print(f"## {name} ({res['pages']} pages)\n")
        print("| rule | findings | distinct causes | error | warning | info |")
        print("|---|---:|---:|---:|---:|---:|")
        for rule, row in res["rules"].items():
            print(f"| {rule} | {row['findings']} | {row['causes']} | {row['error']} "
                  f"| {row['warning']} | {row['info']} |")
        print()
        for rule, fs in res.get("sample", {}).items():
            print(f"### sample: {rule}\n")
            for f in fs:
                print(f"- {f['path']}:{f['line']} {f['severity']} {f['message']}\n"
                      f"    {f['snippet']}")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
