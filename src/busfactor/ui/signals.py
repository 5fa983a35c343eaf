"""SIGTERM and SIGHUP end the terminal app the way `q` does.

Textual's terminal driver leaves these signals to Python, whose default ends the process on
the spot: the terminal stays in the app's alternate screen and raw mode, and a running
scan's git processes and temporary directory are left behind. Handled on the app's event
loop, they make the app exit normally instead, and the process then exits with 128 + the
signal's number, as a headless command stopped by them does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import stat
import sys
import threading
from typing import Any

from textual.app import App

_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

GRACE_SECONDS = 10.0
"""How long the app has to exit after SIGTERM or SIGHUP before the process ends anyway."""


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
    if taken and not app.is_headless:  # never in a test run's own process
        _watch_for_deadlines(app, taken)
        _watch_the_terminal(app)
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
        loop.remove_signal_handler(number)  # the last one also takes the wakeup descriptor
    taken.clear()
    pipe = getattr(app, "signal_pipe", None)
    if pipe is not None:
        pipe[1].close()  # the watching thread reads its end and stops


def stopped_by(app: App[Any]) -> int | None:
    """The signal that ended `app`, if one did."""
    number: int | None = getattr(app, "stopped_by_signal", None)
    return number


def _watch_for_deadlines(app: App[Any], numbers: list[int]) -> None:
    """End the process GRACE_SECONDS after SIGTERM or SIGHUP if it is still there by then,
    with the code the app would have given.

    Textual's output thread dies on a terminal that has gone (EIO), and the main thread then
    waits forever to queue a write behind it. The loop never ran its handler, and only
    `kill -9` ended the process. Python runs signal handlers in the main thread alone, so a
    thread of our own reads the signal numbers the C-level handler writes to the wakeup
    descriptor (whichever thread the signal landed on), arms the deadline, and passes the
    bytes on to the loop's own descriptor, where asyncio reads them as before."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    loops = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    if loops < 0:  # asyncio set none: nothing to pass on to, leave things as they were
        signal.set_wakeup_fd(loops)
        reader.close()
        writer.close()
        return
    watched = {int(number) for number in numbers}

    def watch() -> None:
        while data := reader.recv(64):
            if watched.intersection(data):
                _arm_deadline(128 + next(number for number in data if number in watched))
            with contextlib.suppress(OSError):  # the loop has closed its end
                os.write(loops, data)
        reader.close()  # release_signals closed the other end

    threading.Thread(target=watch, name="busfactor-signals", daemon=True).start()
    app.signal_pipe = (reader, writer)  # type: ignore[attr-defined]


_deadline_lock = threading.Lock()
_deadline_armed = False


def _arm_deadline(code: int) -> None:
    """End the process with `code` GRACE_SECONDS from now, unless it has ended by then
    (once per process: the first reason to leave gives the code)."""
    global _deadline_armed
    with _deadline_lock:
        if _deadline_armed:
            return
        _deadline_armed = True
    timer = threading.Timer(GRACE_SECONDS, os._exit, (code,))
    timer.daemon = True
    timer.start()


def _watch_the_terminal(app: App[Any]) -> None:
    """Leave as on SIGHUP once the terminal has gone without one: a parent shell that traps
    SIGHUP passes none on. Textual's input thread then spun on end-of-file, a core at 100 %
    for as long as nobody killed the process. A hung-up terminal is no longer a tty to
    `isatty` (its ioctl fails), checked once a second."""
    stdin = sys.__stdin__
    if stdin is None or not hasattr(signal, "SIGHUP"):
        return
    try:
        descriptor = stdin.fileno()
        device = os.fstat(descriptor)
        nothing = os.stat(os.devnull).st_rdev
    except (OSError, ValueError):
        return
    if not stat.S_ISCHR(device.st_mode) or device.st_rdev == nothing:
        return  # input from a pipe, a file or /dev/null: no terminal to lose

    def check() -> None:
        if not os.isatty(descriptor) and getattr(app, "stopped_by_signal", None) is None:
            _arm_deadline(128 + signal.SIGHUP)
            _stop(app, signal.SIGHUP)

    check()  # it may have gone while the app started
    app.set_interval(1.0, check, name="terminal check")


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
