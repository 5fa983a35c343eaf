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
    app.signals_wrapped = _resume_only_after_a_suspend()  # type: ignore[attr-defined]
    # Back from Ctrl+Z (or `kill -TSTP`) and `fg`: Textual re-enters the terminal but draws
    # nothing until something changes, so the screen stayed blank.
    app.app_resume_signal.subscribe(app, lambda _app: app.refresh(layout=True))


def release_signals(app: App[Any]) -> None:
    """From `on_unmount`: the loop's handlers removed, Python's default back."""
    wrapped: dict[int, Any] = getattr(app, "signals_wrapped", {})
    for number, handler in wrapped.items():
        if threading.current_thread() is threading.main_thread():
            signal.signal(number, handler)
    wrapped.clear()
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


def _resume_only_after_a_suspend() -> dict[int, Any]:
    """Let Textual's driver re-enter the terminal on SIGCONT only after its own SIGTSTP.

    The driver re-enters application mode on every SIGCONT, for `fg` after Ctrl+Z. But a
    terminal that closes sends SIGHUP and SIGCONT together: re-entering then started a
    second output thread on the dead terminal, which died at its first write, and the app's
    exit waited forever to queue its last write behind it (the process stayed, asleep,
    after its terminal was gone). Returns the handlers replaced, to put back at unmount."""
    if not hasattr(signal, "SIGCONT") or not hasattr(signal, "SIGTSTP"):
        return {}
    on_stop, on_continue = signal.getsignal(signal.SIGTSTP), signal.getsignal(signal.SIGCONT)
    if not callable(on_stop) or not callable(on_continue):
        return {}
    suspended = False

    def stop(number: int, frame: Any) -> None:
        nonlocal suspended
        suspended = True
        on_stop(number, frame)  # the driver leaves the terminal and stops the process

    def resume(number: int, frame: Any) -> None:
        nonlocal suspended
        if suspended:
            suspended = False
            on_continue(number, frame)

    signal.signal(signal.SIGTSTP, stop)
    signal.signal(signal.SIGCONT, resume)
    return {signal.SIGTSTP: on_stop, signal.SIGCONT: on_continue}
