#!/usr/bin/env python3
"""qa crawling a running site, side by side with linkinator, on the same loopback server.

Each corpus (a folder of HTML) is served once on 127.0.0.1 by a real static server
(Debian's nginx, run in the foreground with a generated minimal config; Python's
ThreadingHTTPServer when nginx is missing, and the output says so), then every tool
crawls it from its index page, and the runs alternate (repeat 1: every tool, then
repeat 2...), so a noisy neighbour slows them all alike. Per tool: best and median wall
seconds, pages/s, wait4's peak RSS, the sampled PSS of the whole process tree, CPU
seconds, the pages it fetched and the broken links and fragments it reported.

    python bench/bench_crawl.py                          # pg and py copies, 3 runs each
    python bench/bench_crawl.py --corpus pg=/tmp/lead/pg --repeat 2
    python bench/bench_crawl.py --tools qa-links,linkinator --json

The whole run (server and tools) happens in a new network namespace with only loopback
up (`unshare -rn`, when the kernel allows it), so no tool can reach another machine;
linkinator is installed from npm first (see bench_peers.py). See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import REPO, BenchError, Run, count_pages, run_once  # noqa: E402
from bench_peers import checked_args, fmt, install_npm, netns_prefix, version_of  # noqa: E402

DEFAULT_CORPORA = {
    "postgresql-doc-15": Path("/tmp/lead/pg"),     # cp -rL /usr/share/doc/postgresql-doc-15/html
    "python3.11-doc": Path("/tmp/lead/py"),        # cp -rL /usr/share/doc/python3.11/html
}
INSIDE = "QA_BENCH_CRAWL_NETNS"      # set once the script runs inside its namespace

TOOLS = ("qa-static", "qa-static-j1", "qa-links", "qa-links-j1", "linkinator",
         "linkinator-c8")
LABELS = {
    "qa-static": "qa, all static rules",
    "qa-static-j1": "qa, all static rules, --jobs 1",
    "qa-links": "qa, broken-link,broken-anchor",
    "qa-links-j1": "qa, broken-link,broken-anchor, --jobs 1",
    "linkinator": "linkinator (concurrency 100, its default)",
    "linkinator-c8": "linkinator --concurrency 8",
}
OK_EXITS = dict.fromkeys(TOOLS, (0, 1))

# The HTML files reachable from index.html by following href/src to files of the corpus,
# as a crawler would: what qa's page count should equal (the rest are orphans).
REACHABLE = r"""
import json, os, sys
from urllib.parse import unquote, urlsplit
import lxml.html
root = os.path.realpath(sys.argv[1])
html = (".html", ".htm")
every = {os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.lower().endswith(html)}
start = os.path.join(root, "index.html")
seen, todo = {start}, [start]
while todo:
    page = todo.pop()
    with open(page, "rb") as fh:
        data = fh.read()
    try:
        tree = lxml.html.document_fromstring(data)
    except Exception:
        continue
    for el in tree.iter():
        for attr in ("href", "src"):
            ref = el.get(attr) if isinstance(el.tag, str) else None
            if not ref:
                continue
            parts = urlsplit(ref.strip())
            if parts.scheme or parts.netloc or not parts.path:
                continue
            base = root if parts.path.startswith("/") else os.path.dirname(page)
            target = os.path.normpath(os.path.join(base, unquote(parts.path).lstrip("/")))
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if target in every and target not in seen:
                seen.add(target)
                todo.append(target)
orphans = sorted(os.path.relpath(p, root) for p in every - seen)
print(json.dumps({"files": len(every), "reachable": len(seen), "orphans": orphans}))
"""

NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
user {user};
pid {tmp}/nginx.pid;
error_log /dev/null crit;
events {{ worker_connections 16384; }}
http {{
  include {mime};
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path {tmp}/t; proxy_temp_path {tmp}/t; fastcgi_temp_path {tmp}/t;
  uwsgi_temp_path {tmp}/t; scgi_temp_path {tmp}/t;
  sendfile on; tcp_nopush on; keepalive_requests 100000; keepalive_timeout 120s;
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
"""
# worker_connections: linkinator at its default concurrency opens well over a thousand
# connections to one host; with nginx's default 1024 nginx drops idle keep-alive ones
# ("worker_connections are not enough, reusing connections") and linkinator reports the
# links it was fetching on them as broken with status 0.


@dataclass
class Cell:
    tool: str
    corpus: str
    runs: list[Run] = field(default_factory=list)
    pages: int | None = None
    links: int | None = None
    fragments: int | None = None
    findings: int | None = None
    causes: dict = field(default_factory=dict)
    note: str = ""
    error: str = ""

    @property
    def best_run(self) -> Run | None:
        return min(self.runs, key=lambda r: r.seconds) if self.runs else None

    @property
    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs else None


# ---- the server -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise BenchError(f"the server exited ({proc.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchError("the server did not answer")


class Server:
    """nginx (or Python's ThreadingHTTPServer) serving `root` on 127.0.0.1:port."""

    def __init__(self, root: Path, tmp: Path, kind: str, python: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        nginx = shutil.which("nginx") or next(
            (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)
        if kind in ("auto", "nginx") and nginx:
            conf_dir = tmp / f"nginx-{self.port}"
            (conf_dir / "t").mkdir(parents=True)
            mime = "/etc/nginx/mime.types"
            conf = NGINX_CONF.format(
                tmp=conf_dir, port=self.port, root=root,
                mime=mime if os.path.exists(mime) else "/dev/null",
                user="root root" if os.geteuid() == 0 else "nobody")
            (conf_dir / "nginx.conf").write_text(conf)
            cmd = [nginx, "-c", str(conf_dir / "nginx.conf"), "-p", str(conf_dir),
                   "-e", "/dev/null"]
            self.name = version_of([nginx, "-v"]).split()[-1]       # "nginx/1.22.1"
        elif kind == "nginx":
            raise BenchError("nginx is not installed (apt-get install nginx-light)")
        else:
            cmd = [python, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                   str(root), str(self.port)]
            self.name = "Python http.server (ThreadingHTTPServer; nginx not installed)"
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        wait_for(self.port, self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---- the commands and their reports ---------------------------------------------------

def command(tool: str, server: Server, out: Path, args, exes: dict) -> tuple[list[str], bool]:
    """The command line, and whether its JSON comes on stdout (else it writes `out`)."""
    qa = [args.python, "-m", "qa", "check", server.url + "index.html", "--no-cache",
          "--no-config", "--format", "json", "-o", str(out), "--no-progress",
          "--per-host", str(args.per_host)]
    if tool.endswith("-j1"):
        qa += ["--jobs", "1"]           # else qa's default: one worker per CPU
    if tool.startswith("qa-static"):
        return qa, False
    if tool.startswith("qa-links"):
        return qa + ["--select", "broken-link,broken-anchor"], False
    if tool.startswith("linkinator"):
        # linkinator recurses only into URLs that start with the one it was given, so it
        # starts at the root (index.html answers there too); every URL of another origin
        # is skipped, as qa leaves external links alone without --check-external
        skip = "^(?!" + server.url.rstrip("/").replace(".", r"\.") + "([/?#]|$))"
        cmd = [str(exes["linkinator"]), server.url, "--recurse", "--check-fragments",
               "--format", "json", "--skip", skip]
        if tool == "linkinator-c8":
            cmd += ["--concurrency", str(args.per_host)]
        return cmd, True
    raise ValueError(tool)


def read_counts(tool: str, out: Path) -> dict:
    with open(out, encoding="utf-8") as fh:
        data = json.load(fh)
    if tool.startswith("qa-"):
        s = data["summary"]
        by_rule = s.get("by_rule", {})
        causes = {}
        for c in s.get("causes", []):
            if c["rule"] in ("broken-link", "broken-anchor"):
                causes[f'{c["rule"]} ({c["severity"]}): {c["cause"]}'] = c["findings"]
        return {"pages": s["pages"], "findings": s["findings"],
                "links": by_rule.get("broken-link", 0),
                "fragments": by_rule.get("broken-anchor", 0), "causes": causes}
    results = data["links"]
    broken = [x for x in results if x["state"] == "BROKEN"]
    frag = [x for x in broken if x.get("status") == 200 and "#" in x["url"]]
    causes: dict[str, int] = {}
    for x in broken:
        key = f'{x.get("status")} {x["url"]}'
        causes[key] = causes.get(key, 0) + 1
    causes = dict(sorted(causes.items(), key=lambda kv: -kv[1])[:10])
    # the pages it fetched: the local HTML addresses it found OK (its results name each
    # address once, with the first page found linking to it, so parents undercount)
    pages = len({x["url"].split("#")[0] for x in results if x["state"] == "OK"
                 and x["url"].startswith("http://127.0.0.1")
                 and x["url"].split("#")[0].endswith((".html", ".htm", "/"))})
    return {"pages": pages, "findings": len(broken), "links": len(broken) - len(frag),
            "fragments": len(frag), "causes": causes}


def read_counts_apart(tool: str, out: Path) -> dict:
    """read_counts in a child, so this process's high-water RSS stays small (a child made
    by vfork + exec inherits it as its own ru_maxrss; see bench_peers.py)."""
    return json.loads(subprocess.run([sys.executable, __file__, "--read-counts", tool, str(out)],
                                     capture_output=True, text=True, check=True).stdout)


def folder_findings(python: str, corpus: Path, out: Path) -> dict:
    """`qa check FOLDER --select broken-link,broken-anchor`, to compare with the crawl."""
    subprocess.run([python, "-m", "qa", "check", str(corpus), "--select",
                    "broken-link,broken-anchor", "--no-cache", "--no-config", "--no-progress",
                    "--format", "json", "-o", str(out)], cwd=REPO, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return read_counts_apart("qa-folder", out)


def compare_broken(crawl: Path, folder: Path) -> list[str]:
    """(rule, page, subject) told by one of qa's two reports and not by the other."""
    def keys(p: Path) -> set:
        with open(p, encoding="utf-8") as fh:
            fs = json.load(fh)["findings"]
        return {(f["rule"], f["page"], f.get("subject"))
                for f in fs if f["rule"] in ("broken-link", "broken-anchor")}
    a, b = keys(crawl), keys(folder)
    lines = [f"crawl only: {k}" for k in sorted(a - b)[:10]]
    lines += [f"folder only: {k}" for k in sorted(b - a)[:10]]
    if len(a - b) > 10 or len(b - a) > 10:
        lines.append(f"({len(a - b)} crawl only, {len(b - a)} folder only in all)")
    return lines


# ---- output ---------------------------------------------------------------------------

def markdown(cells: list[Cell], corpora, facts: dict) -> str:
    lines = []
    for name, _ in corpora:
        row = {c.tool: c for c in cells if c.corpus == name}
        f = facts[name]
        lk = row.get("linkinator")
        lk_best = lk.best_run.seconds if lk and lk.runs else None
        lines += [f"**{name}** ({f['files']:,} HTML files, {f['reachable']:,} reachable from "
                  f"index.html; served by {f['server']})", "",
                  "| tool | best s | median s | pages/s | × linkinator | CPU s | peak RSS MiB "
                  "| all PSS MiB | pages | broken links | broken fragments | findings |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for tool in TOOLS:
            c = row.get(tool)
            if c is None:
                continue
            if c.error:
                lines.append(f"| {LABELS[tool]} | not run: {c.error} |" + " |" * 11)
                continue
            r = c.best_run
            pps = c.pages / r.seconds if c.pages else None
            lines.append(
                f"| {LABELS[tool]} | {r.seconds:.2f} | {c.median:.2f} | {fmt(pps, '.0f')} "
                f"| {fmt(r.seconds / lk_best if lk_best else None, '.2f')} "
                f"| {r.cpu_seconds:.2f} | {r.max_rss_mib:.0f} | {r.tree_pss_mib:.0f} "
                f"| {fmt(c.pages, ',')} | {fmt(c.links, ',')} | {fmt(c.fragments, ',')} "
                f"| {fmt(c.findings, ',')} |")
        lines.append("")
        for tool in TOOLS:
            c = row.get(tool)
            if c and c.causes:
                lines.append(f"- {LABELS[tool]}, broken: " + "; ".join(
                    f"{v:,} × {k}" for k, v in c.causes.items()))
        if f.get("orphans"):
            lines.append(f"- not reachable from index.html ({len(f['orphans'])}): "
                         + ", ".join(f["orphans"][:8]) + (" ..." if len(f["orphans"]) > 8 else ""))
        if "folder" in f:
            lines.append(f"- `qa check FOLDER --select broken-link,broken-anchor`: "
                         f"{f['folder']['links']:,} broken links, {f['folder']['fragments']:,} "
                         f"broken fragments, {f['folder']['pages']:,} pages")
            for d in f.get("differences", []) or ["same broken findings (rule, page, target) "
                                                  "as the crawl with the same rules"]:
                lines.append(f"  - {d}")
        lines.append("")
    return "\n".join(lines)


def parse_args(argv):
    p = argparse.ArgumentParser(description="qa's crawl beside linkinator on loopback.")
    p.add_argument("--corpus", action="append", metavar="NAME=DIR",
                   help="a folder to serve and crawl (repeatable); default: "
                        + ", ".join(f"{k}={v}" for k, v in DEFAULT_CORPORA.items()))
    p.add_argument("--repeat", type=int, default=3, metavar="N",
                   help="runs of every tool on every corpus (default 3)")
    p.add_argument("--tools", default=",".join(TOOLS),
                   help="comma-separated subset of: " + ", ".join(TOOLS))
    p.add_argument("--per-host", type=int, default=8, metavar="N",
                   help="qa --per-host, and linkinator-c8's --concurrency (default 8)")
    p.add_argument("--server", choices=("auto", "nginx", "python"), default="auto",
                   help="the static server (default: nginx when installed)")
    p.add_argument("--no-netns", action="store_true",
                   help="do not run in a network namespace of its own")
    p.add_argument("--no-folder", action="store_true",
                   help="skip the cross-check against qa's folder check")
    p.add_argument("--python", default=sys.executable,
                   help="interpreter with qa's dependencies (runs qa)")
    p.add_argument("--timeout", type=float, default=900, metavar="SECONDS",
                   help="per run (default 900)")
    p.add_argument("--json", action="store_true", help="also print the cells as JSON")
    return checked_args(p, argv, TOOLS)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--read-counts"]:            # read_counts_apart's child
        print(json.dumps(read_counts(argv[1], Path(argv[2]))))
        return 0
    args = parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.corpus:
        corpora = [(c.split("=", 1)[0], Path(c.split("=", 1)[1]).resolve()) for c in args.corpus]
    else:
        corpora = [(n, p) for n, p in DEFAULT_CORPORA.items() if p.is_dir()]
    if not corpora or any(not (p / "index.html").is_file() for _, p in corpora):
        log("bench: no corpus, or one without index.html; see bench/README.md")
        return 2

    exes, versions = {}, {}
    if any(t.startswith("linkinator") for t in args.tools):
        exes["linkinator"] = install_npm("linkinator", log)     # before the namespace
        versions["linkinator"] = version_of([str(exes["linkinator"]), "--version"])
    # the rest in a network namespace with only loopback: nothing leaves the machine
    if not args.no_netns and not os.environ.get(INSIDE):
        prefix = netns_prefix()
        if prefix:
            env = dict(os.environ, **{INSIDE: "1"})
            return subprocess.run(prefix + [sys.executable, __file__] + argv, env=env).returncode
        log("bench: no network namespace available; running on the host's network")
    netns = "in a network namespace with loopback only" if os.environ.get(INSIDE) else \
        "on the host's network"
    versions["qa"] = version_of([args.python, "-m", "qa", "--version"]).split()[-1]

    cells = {(t, n): Cell(t, n) for n, _ in corpora for t in args.tools}
    facts: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="qa-crawl-") as tmpname:
        tmp = Path(tmpname)
        empty = tmp / "cwd"
        empty.mkdir()
        for name, path in corpora:
            facts[name] = json.loads(subprocess.run(
                [args.python, "-c", REACHABLE, str(path)], capture_output=True, text=True,
                check=True).stdout)
            if facts[name]["files"] != count_pages(path):
                log(f"{name}: {count_pages(path)} pages by qa's count")
        for name, path in corpora:
            server = Server(path, tmp, args.server, args.python)
            facts[name]["server"] = server.name
            log(f"{name}: {path} served by {server.name} at {server.url} ({netns})")
            try:
                for rep in range(args.repeat):
                    for tool in args.tools:
                        cell = cells[(tool, name)]
                        if cell.error:
                            continue
                        out = tmp / f"{tool}-{name}.json"
                        cmd, on_stdout = command(tool, server, out, args, exes)
                        try:
                            run, stderr = run_once(
                                cmd, args.timeout, stdout=out if on_stdout else None,
                                cwd=REPO if tool.startswith("qa-") else empty)
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
                                for k, v in read_counts_apart(tool, out).items():
                                    setattr(cell, k, v)
                            except (OSError, ValueError, subprocess.CalledProcessError) as e:
                                cell.note = f"output not read: {e!r}"[:120]
                            if tool.startswith("qa-links"):
                                shutil.copy(out, tmp / f"crawl-{name}.json")
            finally:
                server.stop()
            if not args.no_folder and (tmp / f"crawl-{name}.json").exists():
                folder = tmp / f"folder-{name}.json"
                facts[name]["folder"] = folder_findings(args.python, path, folder)
                facts[name]["differences"] = compare_broken(tmp / f"crawl-{name}.json", folder)
    print(f"Measured {date.today().isoformat()}, best and median of {args.repeat}, "
          f"{os.cpu_count()} CPUs, {netns}; qa --per-host {args.per_host}, "
          + ", ".join(f"{k} {v}" for k, v in versions.items()) + "\n")
    print(markdown(list(cells.values()), corpora, facts))
    if args.json:
        json.dump({"facts": facts, "cells": [
            {"tool": c.tool, "corpus": c.corpus, "error": c.error or None, "pages": c.pages,
             "links": c.links, "fragments": c.fragments, "findings": c.findings,
             "causes": c.causes, "runs": [vars(r) for r in c.runs]} for c in cells.values()]},
            sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
