"""A `qa check --browser` that is stopped by a signal leaves nothing behind: SIGTERM and
SIGHUP (timeout, docker stop, systemd, CI cancellation) are handled as Ctrl-C, and after
SIGKILL the watchdog kills the browser and removes its profile (issue 8).

The run's processes are found by its own profile folders (`qa-chrome-*` in a private
TMPDIR, in Chromium's command line) and by chromedriver's process group, never by name."""
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from qa import stopping

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser

SLOW = ('<!doctype html><html lang="en"><title>Slow {n}</title><main><h1>Slow</h1><img src="a.png">'
        "<script>const t = Date.now(); while (Date.now() - t < 30000) {{}}</script></main></html>")


def procs():
    """(pid, pgid, cmdline) of every live process."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if rest[0] not in ("Z", "X"):
            yield int(pid), int(rest[2]), cmd


def of_run(tmp: Path, groups: set[int]) -> list[tuple[int, str]]:
    return [(pid, cmd) for pid, g, cmd in procs() if str(tmp) in cmd or g in groups]


def start_run(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    for n in range(3):
        (site / f"slow{n}.html").write_text(SLOW.format(n=n))
    # short: Chromium's profile holds a socket, and socket paths are limited to 107 bytes
    tmp = Path(tempfile.mkdtemp(prefix="qa-sig-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "qa", "check", "--browser", "--no-config",
                             "--browser-timeout", "60", site], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # until Chromium runs with the run's profile, and the slow page has started
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        browsers = [(pid, g) for pid, g, cmd in procs() if str(tmp) in cmd and "--type=renderer" in cmd]
        if browsers:
            break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("Chromium did not start")
    time.sleep(1.5)
    groups = {g for pid, g, cmd in procs() if str(tmp) in cmd} - {os.getpgrp()}
    assert groups and len(of_run(tmp, groups)) >= 3          # chromedriver and Chromium's
    return proc, tmp, groups


def gone(tmp: Path, groups: set[int], within: float) -> tuple[list, list]:
    deadline = time.monotonic() + within
    while True:
        left, files = of_run(tmp, groups), list(tmp.iterdir())
        if (not left and not files) or time.monotonic() > deadline:
            return left, files
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_stop_qa_like_ctrl_c(need_browser, tmp_path, sig):
    proc, tmp, groups = start_run(tmp_path)
    started = time.monotonic()
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 2 and "qa: interrupted" in err, (proc.returncode, err)
    assert time.monotonic() - started < 20
    assert gone(tmp, groups, within=5) == ([], [])
    tmp.rmdir()


def test_after_sigkill_the_watchdog_cleans_up(need_browser, tmp_path):
    proc, tmp, groups = start_run(tmp_path)
    proc.kill()
    proc.wait(10)
    assert gone(tmp, groups, within=10) == ([], [])           # no driver, browser or profile
    tmp.rmdir()


def test_a_signal_started_ignored_stays_ignored():
    """`nohup qa ...`: SIGHUP was ignored when qa started and must not stop it now."""
    code = ("import signal, os; from qa import stopping;"
            "signal.signal(signal.SIGHUP, signal.SIG_IGN); stopping.install();"
            "os.kill(os.getpid(), signal.SIGHUP)\n"
            "try:\n    os.kill(os.getpid(), signal.SIGTERM); signal.pause()\n"
            "except stopping.Stopped as e:\n    print('stopped', e.signum)\n"
            "os.kill(os.getpid(), signal.SIGTERM); print('once')")
    r = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)},
                       capture_output=True, text=True, timeout=30)
    assert r.stdout.split("\n")[:2] == [f"stopped {int(signal.SIGTERM)}", "once"], r
    assert issubclass(stopping.Stopped, KeyboardInterrupt)
