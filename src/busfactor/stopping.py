"""How a headless command, or an organisation scan's scan process, stops on SIGTERM and
SIGHUP: as on Ctrl-C, cleanly."""

from __future__ import annotations

import signal


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, `kill`) or SIGHUP (the terminal closed), raised where
    Ctrl-C raises KeyboardInterrupt, so both stop the same clean way: git processes ended,
    the temporary directories removed, the cache's open transaction rolled back. Python's
    default for these signals ends the process on the spot."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: object) -> None:
    # Once: a second signal while the first one's clean-up runs would cut it short (a CI
    # runner that really means it sends SIGKILL).
    signal.signal(signum, signal.SIG_IGN)
    raise Terminated(signum)


def stop_cleanly_on_signals() -> None:
    """Handle SIGTERM and SIGHUP like Ctrl-C; a signal the caller ignores (`nohup`) stays
    ignored."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, _raise_terminated)


def default_signals() -> None:
    """Python's handling of SIGTERM and SIGHUP back, for the terminal app's own."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is _raise_terminated:
            signal.signal(number, signal.SIG_DFL)
