"""How a headless command, or an organisation scan's scan process, stops on SIGTERM and
SIGHUP: as on Ctrl-C, cleanly."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, `kill`) or SIGHUP (the terminal closed), raised where
    Ctrl-C raises KeyboardInterrupt, so both stop the same clean way: git processes ended,
    the temporary directories removed, the cache's open transaction rolled back. Python's
    default for these signals ends the process on the spot."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_held = 0
"""How deep the main thread is in `signals_held`."""
_pending: int | None = None
"""A signal that arrived while held, raised when the outermost hold ends."""


def _raise_terminated(signum: int, frame: object) -> None:
    global _pending
    # Once: a second signal while the first one's clean-up runs would cut it short (a CI
    # runner that really means it sends SIGKILL).
    signal.signal(signum, signal.SIG_IGN)
    if _held:
        _pending = signum if _pending is None else _pending
        return
    raise Terminated(signum)


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGTERM or SIGHUP (once handled by `stop_cleanly_on_signals`) arriving inside is
    raised as Terminated on leaving it, not where it landed.

    For `subprocess.Popen`: interrupted after its fork, while it waits for the exec, it
    raises without handing back the child, which nobody can end then (a git process, or
    the `sleep` of tests/cli/test_signals.py, left running about once in a hundred scans).
    Signal handlers run in the main thread only, so elsewhere this does nothing.
    """
    global _held, _pending
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if not _held and _pending is not None:
            signum, _pending = _pending, None
            raise Terminated(signum)


def stop_cleanly_on_signals() -> None:
    """Handle SIGTERM and SIGHUP like Ctrl-C; a signal the caller ignores (`nohup`) stays
    ignored."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, _raise_terminated)
    global _hook_before
    if sys.unraisablehook is not _dropped_stop:
        _hook_before = sys.unraisablehook  # whatever was in place, not Python's own
        sys.unraisablehook = _dropped_stop


def _dropped_stop(unraisable: Any) -> None:
    """`sys.unraisablehook` while signals stop cleanly. A signal's exception raised where
    Python cannot raise (a weakref callback, such as the import system's module locks, or
    a `__del__`) was printed with a traceback and dropped there, and the process went on:
    an organisation scan's worker, told to stop, printed "Exception ignored in
    <function _get_module_lock.<locals>.cb>" under the one-line message. The signal is sent
    again, from a thread, so that it lands in the main thread's own code."""
    error = unraisable.exc_value
    if isinstance(error, Terminated):
        signal.signal(error.signum, _raise_terminated)  # it had set itself to ignore
        _resend(error.signum)
    elif isinstance(error, KeyboardInterrupt):
        _resend(signal.SIGINT)
    else:
        _hook_before(unraisable)


def _resend(signum: int) -> None:
    timer = threading.Timer(0.01, os.kill, (os.getpid(), signum))
    timer.daemon = True
    with suppress(RuntimeError):  # the interpreter is shutting down: it stops anyway
        timer.start()


_hook_before = sys.unraisablehook


def default_signals() -> None:
    """Python's handling of SIGTERM and SIGHUP back, for the terminal app's own."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is _raise_terminated:
            signal.signal(number, signal.SIG_DFL)
    if sys.unraisablehook is _dropped_stop:
        sys.unraisablehook = _hook_before
