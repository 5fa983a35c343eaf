"""SIGTERM and SIGHUP end the terminal app the way `q` does.

Textual's terminal driver leaves these signals to Python, whose default ends the process on
the spot: the terminal stays in the app's alternate screen and raw mode, and a running
scan's git processes and temporary directory are left behind. Handled on the app's event
loop, they make the app exit normally instead, and the process then exits with 128 + the
signal's number, as a headless command stopped by them does.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import Any

from textual.app import App

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def exit_on_signals(app: App[Any]) -> None:
    """From `on_mount`: exit `app` on SIGTERM or SIGHUP, unless the caller ignores them
    (`nohup`). Only the main thread's loop can take signals (tests may run apps elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    taken = []
    for number in _SIGNALS:
        if signal.getsignal(number) is not signal.SIG_DFL:
            continue
        try:
            loop.add_signal_handler(number, _stop, app, number)
        except (NotImplementedError, RuntimeError, ValueError):  # no signals on this loop
            continue
        taken.append(number)
    app.signals_taken = taken  # type: ignore[attr-defined]


def release_signals(app: App[Any]) -> None:
    """From `on_unmount`: the loop's handlers removed, Python's default back."""
    taken: list[int] = getattr(app, "signals_taken", [])
    if not taken:
        return
    loop = asyncio.get_running_loop()
    for number in taken:
        loop.remove_signal_handler(number)
    taken.clear()


def stopped_by(app: App[Any]) -> int | None:
    """The signal that ended `app`, if one did."""
    number: int | None = getattr(app, "stopped_by_signal", None)
    return number


def _stop(app: App[Any], number: int) -> None:
    app.stopped_by_signal = number  # type: ignore[attr-defined]
    app.exit()
