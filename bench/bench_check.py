#!/usr/bin/env python3
"""Time `qa check` over large real documentation sites and report its throughput.

Each run is a fresh `python -m qa check CORPUS --format json -o FILE` subprocess, so the
figures include interpreter start-up, discovery, parsing, every rule and the report writer,
as a user would see them. Peak memory is the run's maximum resident set size from wait4(2)
(the largest single process) and, sampled from /proc, the peak of all its processes together
(proportional set size, what `--jobs N` costs).

    python bench/bench_check.py                        # every known corpus that is installed
    python bench/bench_check.py --repeat 5 --json      # best and median of five, as JSON
    python bench/bench_check.py /path/to/site --qa-args="--exclude 'genindex*'"

The corpora are Debian documentation packages; see bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# name -> where the Debian package installs its HTML (apt-get install <name>)
CORPORA = {
    "python3.11-doc": Path("/usr/share/doc/python3.11/html"),
    "postgresql-doc-15": Path("/usr/share/doc/postgresql-doc-15/html"),
}
PAGE_SUFFIXES = (".html", ".htm")       # what qa discovers in a directory
OK_EXITS = (0, 1)                       # qa: 0 nothing gates, 1 findings; 2 is an error
SAMPLE_SECONDS = 0.05                   # how often the process tree's memory is read


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    max_rss_mib: float          # the largest single process (wait4, exact)
    tree_pss_mib: float         # all processes of the run together (sampled PSS)
    exit: int


@dataclass
class Result:
    corpus: str
    path: str
    pages: int
    findings: int | None = None
    runs: list[Run] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_rss_mib(self) -> float:
        return max(r.max_rss_mib for r in self.runs)

    @property
    def peak_tree_pss_mib(self) -> float:
        return max(r.tree_pss_mib for r in self.runs)

    def pages_per_second(self, seconds: float) -> float:
        return self.pages / seconds if seconds > 0 else 0.0

    def as_dict(self) -> dict:
        return {
            "corpus": self.corpus, "path": self.path, "pages": self.pages,
            "findings": self.findings,
            "best_seconds": round(self.best, 3), "median_seconds": round(self.median, 3),
            "pages_per_second": round(self.pages_per_second(self.best), 1),
            "median_pages_per_second": round(self.pages_per_second(self.median), 1),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "peak_tree_pss_mib": round(self.peak_tree_pss_mib, 1),
            "runs": [{"seconds": round(r.seconds, 3), "cpu_seconds": round(r.cpu_seconds, 3),
                      "max_rss_mib": round(r.max_rss_mib, 1),
                      "tree_pss_mib": round(r.tree_pss_mib, 1), "exit": r.exit}
                     for r in self.runs],
        }


class BenchError(Exception):
    """A run that qa itself reported as failed (exit 2) or that could not start."""


def count_pages(path: Path) -> int:
    """Pages as qa discovers them: *.html/*.htm under a directory, or the file itself."""
    if path.is_file():
        return 1
    return sum(1 for _, _, files in os.walk(path)
               for name in files if name.lower().endswith(PAGE_SUFFIXES))


def qa_command(python: str, corpus: Path, report: Path, jobs: int | None,
               extra: list[str]) -> list[str]:
    cmd = [python, "-m", "qa", "check", str(corpus), "--format", "json", "-o", str(report),
           "--no-progress", "--no-config", "--no-cache"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return cmd + extra


class TreeSampler:
    """Memory and CPU of a process and all its descendants, read from /proc (Linux).

    wait4 only counts descendants that their parent waited for; qa's `--jobs` workers are
    children of multiprocessing's fork server, which nobody waits for, so their CPU time
    and memory would be missed. Memory is the sum of each process's proportional set size
    (PSS: a page shared by n processes counts 1/n in each), so forked workers' shared pages
    are not counted twice. Sampled every SAMPLE_SECONDS: a short-lived peak between two
    samples slips by, so this is a lower bound."""
    TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, root: int):
        self.root = root
        self.enabled = Path("/proc/self/smaps_rollup").exists()
        self.peak_pss = 0                   # bytes, summed over the tree
        self.cpu: dict[int, float] = {}     # pid -> CPU seconds last seen

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        try:
            for task in os.scandir(f"/proc/{pid}/task"):
                with open(f"{task.path}/children", encoding="ascii") as fh:
                    found += [int(c) for c in fh.read().split()]
        except OSError:                     # exited, or a kernel without .../children
            pass
        return found

    def _cpu(self, pid: int) -> float | None:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            return None
        f = stat[stat.rfind(b")") + 2:].split()     # proc(5): utime, stime are fields 14, 15
        return (int(f[11]) + int(f[12])) / self.TICKS

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def sample(self) -> None:
        if not self.enabled:
            return
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            if pid not in tree:
                tree.append(pid)
                todo += self._children(pid)
        self.peak_pss = max(self.peak_pss, sum(self._pss(p) for p in tree))
        for pid in tree:
            cpu = self._cpu(pid)
            if cpu is not None:
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())


def run_once(cmd: list[str], timeout: float | None, *, stdout: Path | None = None,
             cwd: Path = REPO) -> tuple[Run, str]:
    """Run `cmd` to completion. Its own rusage comes from wait4, so one run's peak memory
    is not mixed up with an earlier, larger run's (RUSAGE_CHILDREN keeps the maximum).
    `stdout`: a file to write the command's standard output to (default: discarded)."""
    with tempfile.TemporaryFile() as err, \
            (open(stdout, "wb") if stdout else open(os.devnull, "wb")) as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err,
                                    start_new_session=True)     # its own group: see kill
        except OSError as e:
            raise BenchError(f"cannot start {cmd[0]}: {e.strerror or e}") from None
        sampler = TreeSampler(proc.pid)
        # a thread blocks in wait4 so the end time is exact; this one samples meanwhile
        done, reaped = threading.Event(), {}

        def reap() -> None:
            reaped["status"] = os.wait4(proc.pid, 0)
            reaped["end"] = time.perf_counter()
            done.set()
        threading.Thread(target=reap, daemon=True).start()
        while not done.wait(SAMPLE_SECONDS):
            if timeout is not None and time.perf_counter() - start > timeout:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)     # qa and its workers
                except ProcessLookupError:                  # it ended just now
                    pass
                done.wait()
                proc.returncode = -signal.SIGKILL
                raise BenchError(f"timed out after {timeout:g} s")
            sampler.sample()
        _, status, usage = reaped["status"]
        seconds = reaped["end"] - start
        proc.returncode = os.waitstatus_to_exitcode(status)    # Popen must not wait again
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB, macOS in bytes
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    cpu = max(usage.ru_utime + usage.ru_stime, sampler.cpu_seconds)
    tree_mib = sampler.peak_pss / (1024 * 1024)
    return Run(seconds, cpu, rss, tree_mib, proc.returncode), stderr


def summary_of(report: Path) -> dict:
    try:
        with open(report, encoding="utf-8") as fh:
            return json.load(fh).get("summary", {})
    except (OSError, ValueError, AttributeError):
        return {}


def bench(name: str, path: Path, args, extra: list[str], log) -> Result:
    result = Result(name, str(path), count_pages(path))
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        report = Path(tmp, "report.json")
        cmd = qa_command(args.python, path, report, args.jobs, extra)
        log(f"{name}: {shlex.join(cmd)}")
        for i in range(args.repeat):
            run, stderr = run_once(cmd, args.timeout)
            if run.exit not in OK_EXITS:
                tail = "\n".join(stderr.strip().splitlines()[-15:])
                raise BenchError(f"{name}: qa exited {run.exit}\n{tail}")
            result.runs.append(run)
            log(f"  run {i + 1}/{args.repeat}: {run.seconds:.2f} s, cpu {run.cpu_seconds:.2f} s, "
                f"{run.max_rss_mib:.0f} MiB (all processes {run.tree_pss_mib:.0f} MiB PSS), "
                f"exit {run.exit}")
            if i == 0:      # the report is the same every time: read it once
                s = summary_of(report)
                result.pages = s.get("pages", result.pages)
                result.findings = s.get("findings")
    return result


def table(results: list[Result]) -> str:
    head = ("corpus", "pages", "findings", "runs", "best s", "median s", "pages/s",
            "cpu s", "peak RSS MiB", "all PSS MiB")
    rows = [head]
    for r in results:
        best = min(r.runs, key=lambda x: x.seconds)
        rows.append((r.corpus, str(r.pages), "-" if r.findings is None else str(r.findings),
                     str(len(r.runs)), f"{r.best:.2f}", f"{r.median:.2f}",
                     f"{r.pages_per_second(r.best):.1f}", f"{best.cpu_seconds:.2f}",
                     f"{r.peak_rss_mib:.1f}", f"{r.peak_tree_pss_mib:.1f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def environment(python: str) -> dict:
    try:
        version = subprocess.run([python, "-m", "qa", "--version"], cwd=REPO, text=True,
                                 capture_output=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        version = ""
    return {"qa": version or None, "python": python, "platform": platform.platform(),
            "cpus": os.cpu_count()}


def corpora(paths: list[str]) -> list[tuple[str, Path]]:
    if paths:
        chosen = []
        for p in paths:
            if p in CORPORA:                    # a package name stands for its HTML folder
                chosen.append((p, CORPORA[p]))
            else:
                path = Path(p).resolve()
                chosen.append((path.name if path.name != "html" else path.parent.name, path))
    else:
        chosen = [(name, path) for name, path in CORPORA.items() if path.is_dir()]
    return chosen


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Time `qa check` over documentation sites: pages, seconds, pages per "
                    "second and peak memory.")
    p.add_argument("corpus", nargs="*",
                   help="site folders (or known package names: " + ", ".join(CORPORA)
                        + "); default: every known corpus that is installed")
    p.add_argument("--repeat", type=int, default=3, metavar="N",
                   help="runs per corpus; the table shows the best and the median (default 3)")
    p.add_argument("--jobs", type=int, metavar="N", help="passed to qa check --jobs")
    p.add_argument("--qa-args", default="", metavar="ARGS",
                   help="extra arguments for qa check, one shell-quoted string; "
                        "join it with = as it starts with a dash: --qa-args='--exclude genindex*'")
    p.add_argument("--python", default=sys.executable,
                   help="interpreter that runs qa (default: this one)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="give up on a run after this")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat takes a whole number of at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = corpora(args.corpus)
    if not chosen:
        print("bench: no corpus installed; apt-get install python3.11-doc postgresql-doc-15, "
              "or name a site folder", file=sys.stderr)
        return 2
    missing = [str(path) for _, path in chosen if not path.exists()]
    if missing:
        print(f"bench: no such corpus: {', '.join(missing)}", file=sys.stderr)
        return 2
    extra = shlex.split(args.qa_args)
    def log(msg: str) -> None:      # progress on stderr; results alone on stdout
        print(msg, file=sys.stderr, flush=True)
    results = []
    try:
        for name, path in chosen:
            results.append(bench(name, path, args, extra, log))
    except BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    if args.json:
        json.dump({"environment": environment(args.python),
                   "command": {"repeat": args.repeat, "jobs": args.jobs, "qa_args": extra},
                   "results": [r.as_dict() for r in results]}, sys.stdout, indent=2)
        print()
    else:
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
