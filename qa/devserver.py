"""The dev server: `qa check --start "CMD" --url URL` starts a command, waits until URL
answers, checks, and stops the command again (Lighthouse CI's startServerCommand).

Why each part is the way it is:

- The command runs through the shell (it is one string, as in a package.json script) in a
  session of its own, so that it and everything it starts (`npm run dev` -> node -> its
  workers) form one process group that can be stopped as a whole, and so that Ctrl-C on
  the terminal reaches qa only: qa stops the server itself, after the check.
- Its stdout and stderr go to an unnamed temporary file, not a pipe: a chatty server
  would block on a full pipe that nobody reads, and the file keeps the lines to show
  when it fails to come up.
- Up means any HTTP answer, 404 and 500 included: the server is listening and speaking
  HTTP, and what its pages say is the check's business. Asked directly (no proxy from the
  environment, whose answer would look like the server's), and without verifying TLS
  certificates (dev servers' are self-signed; nothing is trusted from this answer).
- Something that already answers at URL before the command starts is refused: qa would
  wait for, and check, that instead of the command's server (which would likely fail to
  listen on the taken port, unseen).
- Stopping: SIGTERM to the group, up to `grace` seconds for it to end, then SIGKILL to
  the group. Should qa itself die first (SIGKILL, the OOM killer), the browser run's
  watchdog (qa/watchdog.py), told the group, kills it. A process that leaves the group
  on purpose (setsid, a daemonizing server) is beyond reach, as it is for a terminal's
  job control.
- The command has given up only when its whole group has ended: a shell that exits
  while what it started in the background (`server &`) comes up is still waited for.
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from typing import IO, Iterator, Mapping
from urllib.parse import urlsplit

from qa import watchdog

TAIL_LINES = 40                  # lines of the command's output shown when it fails
POLL_EVERY = 0.2                 # seconds between two tries of the URL


class DevServerError(Exception):
    """The command did not come up (or something else was there first); the message
    says which, with the end of the command's output."""


@contextmanager
def started(command: str, url: str, timeout: float = 60.0,
            env: Mapping[str, str] | None = None, grace: float = 5.0) -> Iterator[None]:
    """Run `command` until the block ends, once `url` answers (DevServerError when it
    does not within `timeout` seconds, or the command exits first)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DevServerError(f"the URL to wait for must be an http:// or https:// address, "
                             f"got {url!r}")
    if not command.strip():
        raise DevServerError("the command to start is empty")
    import httpx                 # only runs that start a server pay for importing it
    client = httpx.Client(trust_env=False, verify=False, follow_redirects=False)
    try:
        if _answers(client, url, 2.0):
            raise DevServerError(f"something already answers at {url}; stop it, or leave out "
                                 "--start to check it as it is")
        with tempfile.TemporaryFile(prefix="qa-start-") as log:
            dog = watchdog.start("")         # "": no browser profile for it to remove
            proc = None
            try:
                proc = subprocess.Popen(command, shell=True, stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True,
                                        env=dict(env) if env is not None else None)
                watchdog.guard(dog, proc.pid)    # its pid is its group's number
                _wait(client, proc, url, timeout, log)
                client.close()
                yield
            finally:
                if proc is not None:
                    stop(proc, grace)
                # the group is gone: the watchdog leaves without killing (the group's
                # number may be someone else's by now)
                watchdog.release(dog)
    finally:
        client.close()


def _answers(client, url: str, limit: float) -> bool:
    """Does an HTTP server answer at `url` within `limit` seconds? Only the status line
    and headers are waited for, not the page."""
    import httpx
    try:
        with client.stream("GET", url, timeout=httpx.Timeout(limit)):
            return True
    except httpx.HTTPError:       # refused, reset, timed out, not HTTP: not (yet) up
        return False


def _wait(client, proc: subprocess.Popen, url: str, timeout: float, log: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while True:
        code = proc.poll()
        # the shell may end while what it started in the background comes up: only an
        # empty group has given up
        if code is not None and not watchdog.alive(proc.pid):
            raise DevServerError(f"the command {_exit_text(code)} before {url} answered"
                                 + _tail(log))
        left = deadline - time.monotonic()
        if left <= 0:
            raise DevServerError(f"{url} did not answer within {timeout:g} s of starting "
                                 "the command (--start-timeout)" + _tail(log))
        tried = time.monotonic()
        if _answers(client, url, max(0.1, min(5.0, left))):
            return
        time.sleep(max(0.0, min(POLL_EVERY - (time.monotonic() - tried),
                                deadline - time.monotonic())))


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def _tail(log: IO[bytes], lines: int = TAIL_LINES) -> str:
    """The last `lines` lines the command wrote, indented, or a note that it wrote none."""
    try:
        size = log.seek(0, os.SEEK_END)
        log.seek(max(0, size - 64 * 1024))
        text = log.read().decode("utf-8", "replace")
    except OSError:
        return ""
    shown = text.splitlines()[-lines:]
    if not any(s.strip() for s in shown):
        return "; it wrote no output"
    return "; the end of its output:\n" + "\n".join(f"  {s}" for s in shown)


def stop(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """End `proc`'s process group (it leads it): SIGTERM, up to `grace` seconds, then
    SIGKILL; returns when no process of the group is left. Ctrl-C while it waits cuts
    the grace short, never the stopping."""
    pgid = proc.pid
    _signal(pgid, signal.SIGTERM)
    try:
        deadline = time.monotonic() + grace
        while _alive(proc, pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:                          # also on KeyboardInterrupt: no waiting, no leftovers
        if _alive(proc, pgid):
            _signal(pgid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while _alive(proc, pgid) and time.monotonic() < deadline:
                time.sleep(0.02)


def _alive(proc: subprocess.Popen, pgid: int) -> bool:
    proc.poll()                       # reap the shell, or it would stay as a zombie
    return watchdog.alive(pgid)


def _signal(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):   # gone already
        pass
