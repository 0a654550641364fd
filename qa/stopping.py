"""SIGTERM and SIGHUP stop qa as Ctrl-C does.

`timeout`, `docker stop`, systemd and a cancelled CI job send SIGTERM (a closed terminal
SIGHUP); Python's default for both is to die on the spot, leaving the browser run's
chromedriver, Chromium and profile folder behind. Handled here, they raise `Stopped` (a
KeyboardInterrupt) in the main thread, so the same `finally:` blocks that clean up after
Ctrl-C run, and the CLI says "qa: interrupted" (exit 2). What even SIGKILL leaves is the
browser's watchdog's to clean up (qa/watchdog.py).
"""
from __future__ import annotations

import signal
import threading

SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """qa was asked to stop by a signal; `signum` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def install() -> None:
    """Handle SIGTERM and SIGHUP from now on (main thread only: Python runs signal
    handlers there). A signal qa was started with ignored stays ignored (`nohup qa`)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in SIGNALS:
        if signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, _stop)


def _stop(signum: int, frame) -> None:
    # once: a second SIGTERM while the run cleans up (systemd and `timeout` may repeat
    # it) would cut short what it is cleaning; SIGINT still interrupts, SIGKILL still kills
    for sig in SIGNALS:
        if signal.getsignal(sig) is _stop:
            signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)
