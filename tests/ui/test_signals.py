"""SIGTERM and SIGHUP end the terminal app as quitting does (ui.signals), so Textual puts
the terminal back; Python's default ended the process with the terminal still raw."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from busfactor.ui.app import make_app
from busfactor.ui.signals import stopped_by


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_ends_the_app_and_gives_the_signal_back(small_repo: Path) -> None:
    """The app takes SIGTERM on its loop while it runs, exits on it, and leaves Python's
    default in place once it has gone."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        pytest.skip("the test runner handles SIGTERM itself")
    app = make_app(small_repo)
    ended = False

    async def drive() -> None:
        nonlocal ended
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            # Never send it unless the app holds it: the default would end the test run.
            assert signal.SIGTERM in app.signals_taken  # type: ignore[attr-defined]
            assert app.is_running
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(100):
                if not app.is_running:
                    break
                await asyncio.sleep(0.02)
            ended = not app.is_running

    asyncio.run(drive())
    assert ended
    assert stopped_by(app) == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.skipif(not hasattr(signal, "SIGCONT"), reason="POSIX job control")
def test_a_sigcont_without_a_suspend_does_not_restart_the_terminal(small_repo: Path) -> None:
    """A terminal that closes sends SIGHUP and SIGCONT together. Textual's driver re-enters
    application mode on every SIGCONT: on the dead terminal its new output thread died, and
    the app's exit waited on it forever. The driver's SIGCONT handler (stood in for here)
    now runs only after its own SIGTSTP, and both are given back when the app ends."""
    calls: list[str] = []

    def stop(number: int, frame: object) -> None:
        calls.append("stop")

    def resume(number: int, frame: object) -> None:
        calls.append("resume")

    before = {number: signal.getsignal(number) for number in (signal.SIGTSTP, signal.SIGCONT)}
    signal.signal(signal.SIGTSTP, stop)
    signal.signal(signal.SIGCONT, resume)
    app = make_app(small_repo)
    seen: list[list[str]] = []

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            signal.raise_signal(signal.SIGCONT)  # as a hangup sends it
            await pilot.pause()
            seen.append(list(calls))
            signal.raise_signal(signal.SIGTSTP)  # Ctrl+Z, then `fg`
            signal.raise_signal(signal.SIGCONT)
            signal.raise_signal(signal.SIGCONT)
            await pilot.pause()
            seen.append(list(calls))

    try:
        asyncio.run(drive())
        assert seen == [[], ["stop", "resume"]]
        assert signal.getsignal(signal.SIGTSTP) is stop
        assert signal.getsignal(signal.SIGCONT) is resume
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _app_in_a_terminal(arguments: list[str]) -> tuple[int, int]:
    """`python ARGUMENTS` in a pseudo-terminal it leads, as in a terminal window, once it
    has drawn the Overview: its pid and the terminal's master side."""
    pid, master = pty.fork()
    if pid == 0:  # the child: nothing but exec
        command = [sys.executable, *arguments]
        os.execve(sys.executable, command, {**os.environ, "TERM": "xterm-256color"})
    drawn = b""
    deadline = time.monotonic() + 60
    while b"Truck factor" not in drawn and time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            drawn += os.read(master, 65536)
    if b"Truck factor" not in drawn:
        os.close(master)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the app drew no Overview in 60 s")
    return pid, master


def _exit_code(pid: int, seconds: float, master: int | None = None) -> int | None:
    """The process's exit code within `seconds`, reading what it writes to `master` (if
    open) meanwhile; None, and the process killed, when it is still there by then."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.1)
        if master is not None:
            with contextlib.suppress(OSError):  # keep the terminal drained
                while select.select([master], [], [], 0)[0] and os.read(master, 65536):
                    pass
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a pseudo-terminal")
def test_closing_the_terminal_ends_the_app_with_129(small_repo: Path) -> None:
    """The app in a pseudo-terminal it leads, as in a terminal window: closing the window
    (the terminal's master side) ends the process with 128 + SIGHUP, soon."""
    pid, master = _app_in_a_terminal(["-m", "busfactor", "tui", str(small_repo)])
    os.close(master)
    code = _exit_code(pid, 30)
    assert code is not None, "the app outlived its terminal by 30 s"
    assert code == 128 + signal.SIGHUP


def test_ctrl_z_suspends_and_the_screen_is_drawn_again_on_return(small_repo: Path) -> None:
    """Textual binds no key to suspending: Ctrl+Z did nothing, and `fg` after a `kill
    -TSTP` came back to a blank screen until keys redrew it piece by piece."""
    app = make_app(small_repo)
    suspended: list[bool] = []
    refreshed: list[bool] = []

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            app.action_suspend_process = lambda: suspended.append(True)  # type: ignore[method-assign]
            await pilot.press("ctrl+z")
            await pilot.pause()
            original = app.refresh

            def refresh(**options: bool) -> object:
                refreshed.append(options.get("layout", False))
                return original(**options)

            app.refresh = refresh  # type: ignore[method-assign]
            app.app_resume_signal.publish(app)
            await pilot.pause()

    asyncio.run(drive())
    assert suspended == [True]
    assert True in refreshed


_STUCK_APP = """
import sys, threading
from pathlib import Path
import busfactor.ui.app as app_module
import busfactor.ui.signals as signals
from textual.binding import Binding

signals.GRACE_SECONDS = 1.0

class Stuck(app_module.BusfactorApp):
    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))
    BINDINGS = [Binding("x", "stick", "Stick")]

    def action_stick(self):
        threading.Event().wait()  # the main thread waits forever, as behind a dead writer

app_module.make_app = lambda root, settings: Stuck(root, settings)
sys.exit(app_module.run_tui(Path(sys.argv[1])))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a pseudo-terminal")
def test_sigterm_ends_an_app_whose_loop_is_stuck(small_repo: Path) -> None:
    """Textual's output thread dies on a terminal that has gone, and the main thread then
    waits forever to queue a write behind it: SIGTERM, handled on the event loop, never ran
    and only `kill -9` ended the process. The signal now sets a deadline (GRACE_SECONDS, 1 s
    here) after which the process ends with 128 + the signal's number anyway."""
    pid, master = _app_in_a_terminal(["-c", _STUCK_APP, str(small_repo)])
    try:
        os.write(master, b"x")
        time.sleep(0.5)
        os.kill(pid, signal.SIGTERM)
        code = _exit_code(pid, 15, master)
    finally:
        os.close(master)
    assert code is not None, "SIGTERM did not end the stuck app in 15 s"
    assert code == 128 + signal.SIGTERM


_DEAF_TO_HANGUPS = """
import signal, sys
from pathlib import Path
signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under a parent that traps it
import busfactor.ui.app as app_module
sys.exit(app_module.run_tui(Path(sys.argv[1])))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a pseudo-terminal")
def test_a_terminal_gone_without_sighup_ends_the_app_with_129(small_repo: Path) -> None:
    """A parent shell that traps SIGHUP passes none on when the terminal closes: Textual's
    input thread then spun on end-of-file at 100 % of a core, for as long as nobody killed
    the process. The app now checks once a second that its terminal is still one."""
    pid, master = _app_in_a_terminal(["-c", _DEAF_TO_HANGUPS, str(small_repo)])
    os.close(master)
    code = _exit_code(pid, 20)
    assert code is not None, "the app outlived its terminal by 20 s"
    assert code == 128 + signal.SIGHUP
