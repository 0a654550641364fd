"""`qa check --start CMD --url URL`: the command is started, waited for, and stopped with
its whole process group however the run ends (issue: the dev server).

Real processes throughout: a small HTTP server script (tests/ writes it into tmp_path)
that records its pid and every request, started by qa through the shell. That nothing is
left is asked of /proc (live members of the process group, zombies aside), never by
process name. What gets checked is a folder: crawling URLs lands separately."""
import http.server
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qa import devserver

ROOT = Path(__file__).resolve().parent.parent
PAGE = '<!doctype html><html lang="en"><title>Home</title><main><h1>Home</h1></main></html>'

SERVER = r'''
import http.server, os, signal, sys, time
port, delay, log = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
flags = sys.argv[4:]
with open(log, "a") as fh:
    fh.write(f"pid {os.getpid()} group {os.getpgid(0)}\n")
if "ignore-term" in flags:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print(f"server: starting on port {port}", flush=True)
time.sleep(delay)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as fh:
            fh.write(f"GET {self.path}\n")
        self.send_response(404)      # any answer counts as up
        self.end_headers()

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_left(pgid: int) -> list[int]:
    """Live processes of process group `pgid`. Not os.killpg(pgid, 0): a server whose shell
    died first is reparented to PID 1 when it dies, and a container's PID 1 may never reap
    it, leaving a zombie that keeps the group's number taken but runs nothing."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(rest[2]) == pgid and rest[0] not in ("Z", "X"):
            left.append(int(pid))
    return left


def gone(pgid: int, within: float = 0.0) -> bool:
    deadline = time.monotonic() + within
    while group_left(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not group_left(pgid)


class Server:
    """The server script's command line, and what it recorded."""

    def __init__(self, tmp_path: Path, delay: float = 0.0, *flags: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tmp_path / f"server-{self.port}.log"
        script = tmp_path / "server.py"
        script.write_text(SERVER)
        self.command = shlex.join([sys.executable, str(script), str(self.port), str(delay),
                                   str(self.log), *flags])

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def pids(self) -> tuple[int, int]:
        """(pid, process group) of the server, once it has started."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for line in self.lines():
                if line.startswith("pid "):
                    _, pid, _, group = line.split()
                    return int(pid), int(group)
            time.sleep(0.05)
        raise AssertionError("the server never started")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(PAGE)
    return tmp_path / "site"


def qa(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", "check", "--no-config", "--no-cache",
                           "--no-progress", *map(str, args)], cwd=kw.pop("cwd"),
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=60, **kw)


def test_waits_for_a_slow_server_checks_and_stops_its_group(tmp_path, site):
    server = Server(tmp_path, 1.0)
    started = time.monotonic()
    r = qa(site, "--start", server.command, "--url", server.url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "in 1 page" in r.stdout
    assert time.monotonic() - started >= 1.0           # it waited for the server
    assert "GET /" in server.lines()                   # and asked it (a 404 is an answer)
    pid, group = server.pids()
    assert gone(group)


def test_a_command_that_exits_at_once_is_exit_2_with_the_end_of_its_output(tmp_path, site):
    port = free_port()
    command = "for i in $(seq 1 100); do echo line $i; done; echo broken >&2; exit 3"
    r = qa(site, "--start", command, "--url", f"http://127.0.0.1:{port}/", cwd=tmp_path)
    assert r.returncode == 2
    assert f"the command exited with code 3 before http://127.0.0.1:{port}/ answered" in r.stderr
    assert "  line 100\n" in r.stderr and "  broken" in r.stderr
    assert "  line 62\n" in r.stderr and "line 61\n" not in r.stderr   # the last 40 lines
    assert r.stdout == ""                                # nothing was checked


def test_a_command_that_never_answers_times_out_and_is_stopped(tmp_path, site):
    server = Server(tmp_path, 100.0)
    started = time.monotonic()
    r = qa(site, "--start", server.command, "--url", server.url, "--start-timeout", "2",
           cwd=tmp_path)
    assert r.returncode == 2
    assert 2.0 <= time.monotonic() - started < 15
    assert f"{server.url} did not answer within 2 s" in r.stderr
    assert f"server: starting on port {server.port}" in r.stderr     # its output, shown
    assert gone(server.pids()[1])


def test_a_server_is_asked_to_stop_with_sigterm_first(tmp_path):
    server = Server(tmp_path, 0.0)
    with devserver.started(server.command, server.url, timeout=20, grace=30.0):
        pid, group = server.pids()
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 10             # not the SIGKILL after the grace
    assert gone(group)


def test_a_server_that_ignores_sigterm_is_killed(tmp_path):
    server = Server(tmp_path, 0.0, "ignore-term")
    with devserver.started(server.command, server.url, timeout=20, grace=1.0):
        pid, group = server.pids()
        stopping = time.monotonic()
    assert time.monotonic() - stopping >= 1.0           # it was given its grace
    assert gone(group)


def test_what_the_command_starts_in_the_background_is_stopped_too(tmp_path, site):
    server = Server(tmp_path, 0.5)
    # the shell waits for its child; the second form is a shell that has ended at once,
    # leaving its child to come up: both are the command's, both are waited for
    for command in (f"{server.command} & wait", f"{server.command} &"):
        server.log.unlink(missing_ok=True)
        r = qa(site, "--start", command, "--url", server.url, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        pid, group = server.pids()
        assert pid != group                              # a child of the shell
        assert gone(group)


def test_sigterm_to_qa_during_the_check_stops_the_server(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(PAGE)                   # checked first: the progress line
    body = "".join(f"<p>Sentence {i} has a few plain words.</p>" for i in range(100_000))
    (site / "b.html").write_text(PAGE.replace("</main>", body + "</main>"))  # seconds long
    server = Server(tmp_path, 0.0)
    proc = subprocess.Popen([sys.executable, "-m", "qa", "check", "--no-config", "--no-cache",
                             "--jobs", "1", "--progress", site, "--start", server.command,
                             "--url", server.url], cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in proc.stderr:                         # until a page has been checked
            seen.append(line)
            if line.startswith("qa: pages 1/2"):
                break
        else:
            raise AssertionError("".join(seen))
        pid, group = server.pids()
        assert group_left(group)                         # the server runs during the check
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(30) == 2
    finally:
        proc.kill()
        proc.wait()
    assert "qa: interrupted" in rest, "".join(seen) + rest
    assert gone(group)


def test_sigkill_of_qa_still_ends_the_server(tmp_path, site):
    server = Server(tmp_path, 100.0)                     # never answers: qa is waiting
    proc = subprocess.Popen([sys.executable, "-m", "qa", "check", "--no-config", site,
                             "--start", server.command, "--url", server.url], cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pid, group = server.pids()
        proc.kill()
        proc.wait()
        assert gone(group, within=15), "the watchdog did not end the server's group"
    finally:
        proc.kill()
        proc.wait()
        try:
            os.killpg(group, signal.SIGKILL)
        except (OSError, UnboundLocalError):
            pass


def test_something_already_answering_is_refused_and_the_command_never_runs(tmp_path, site):
    other = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{other.server_address[1]}/"
        marker = tmp_path / "ran"
        r = qa(site, "--start", f"touch {shlex.quote(str(marker))}", "--url", url,
               cwd=tmp_path)
    finally:
        other.shutdown()
        other.server_close()
    assert r.returncode == 2
    assert f"something already answers at {url}; stop it, or leave out --start" in r.stderr
    assert not marker.exists()


@pytest.mark.parametrize("args, says", [
    (["--start", "true"], "--start needs --url URL"),
    (["--url", "http://127.0.0.1:1/"], "--url goes with --start"),
    (["--start", "true", "--url", "http://127.0.0.1:1/", "--start-timeout", "nan"],
     "argument --start-timeout: expected a number of seconds above 0"),
    (["--start", "true", "--url", "http://127.0.0.1:1/", "--start-timeout", "-1"],
     "argument --start-timeout: expected a number of seconds above 0"),
    (["--start", "true", "--url", "http://127.0.0.1:1/", "--start-timeout", "86401"],
     "argument --start-timeout: expected a number of seconds above 0"),
    (["--start", "true", "--url", "127.0.0.1:8000"],
     "must be an http:// or https:// address, got '127.0.0.1:8000'"),
    ([], "check needs a PATH"),
])
def test_usage_errors_are_exit_2_and_name_the_flag(tmp_path, args, says):
    r = qa(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert says in r.stderr


def test_with_no_path_the_url_is_what_gets_checked(tmp_path):
    """The URL is handed on to be checked: the running site is crawled, after the server
    answered, and the server is stopped after the check."""
    server = Server(tmp_path, 0.0)
    r = qa("--start", server.command, "--url", server.url, cwd=tmp_path)
    assert "GET /" in server.lines()
    assert r.returncode in (0, 1) and "in 1 page" in r.stdout, r.stderr
    assert gone(server.pids()[1])
