"""SIGTERM and SIGHUP end the terminal app as quitting does (ui.signals), so Textual puts
the terminal back; Python's default ended the process with the terminal still raw."""

from __future__ import annotations

import asyncio
import os
import signal
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
