"""The browser run's watchdog: a small process that outlives qa to clean up after it.

Run as a script (`python -I -S watchdog.py PROFILE`), with a pipe from qa as its stdin;
it imports nothing of ours. qa writes `group PGID` once chromedriver runs (Chromium runs
in chromedriver's process group) and `done` when it has ended the session itself. If the
pipe closes without `done`, qa died without cleaning up (SIGKILL, the OOM killer, a crash):
the watchdog kills the group and removes the profile folder. It runs in its own session and
ignores the signals that stop qa, so that whatever stops qa's process group does not stop
it first. Not PR_SET_PDEATHSIG on chromedriver: that fires when the *thread* that started
it ends, and sessions are started in worker threads.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from typing import IO


def start(profile: str) -> subprocess.Popen:
    """A watchdog for the browser that will use `profile`."""
    return subprocess.Popen([sys.executable, "-I", "-S", os.path.abspath(__file__), profile],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def guard(dog: subprocess.Popen, pgid: int) -> None:
    """Tell the watchdog which process group to kill should qa die."""
    _say(dog, f"group {pgid}\n")


def release(dog: subprocess.Popen) -> None:
    """qa ended the session itself: the watchdog leaves, killing nothing (the group's
    number may belong to someone else by now)."""
    _say(dog, "done\n")
    try:
        dog.stdin.close()
    except OSError:
        pass
    try:
        dog.wait(5)
    except subprocess.TimeoutExpired:
        dog.kill()
        dog.wait(5)


def _say(dog: subprocess.Popen, line: str) -> None:
    try:
        dog.stdin.write(line.encode())
        dog.stdin.flush()
    except (OSError, ValueError):    # it died or was released: nothing to tell it
        pass


def alive(pgid: int) -> bool:
    """Has the group a member that is not a zombie? (Zombies write nothing; in a
    container that reaps nothing they would keep the group for ever.)"""
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:                  # no /proc: the group exists while kill(0) works
        try:
            os.killpg(pgid, 0)
            return True
        except OSError:
            return False
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                rest = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(rest[2]) == pgid and rest[0] not in (b"Z", b"X"):
            return True
    return False


def watch(stdin: IO[bytes], profile: str) -> None:
    pgid = None
    for line in stdin:
        word, _, arg = line.decode(errors="replace").strip().partition(" ")
        if word == "done":
            return
        if word == "group" and arg.isdigit():
            pgid = int(arg)
    # the pipe closed without "done": qa is gone
    if pgid is not None:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        deadline = time.monotonic() + 10
        while alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
    if profile:          # after the last Chromium process, which may still write into it
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    watch(sys.stdin.buffer, sys.argv[1] if len(sys.argv) > 1 else "")
