"""The exception tree every front end turns into a one-line message and an exit code.

BusfactorError
├── UsageError          bad arguments that argparse cannot see (exit 2)
├── ConfigError         unknown key, bad value, unreadable config file (exit 2)
├── RepositoryError     not a repository, empty, unknown revision, git failed (exit 2)
├── RefusedError        a file the user wrote would be overwritten: nothing is written (exit 1)
└── Cancelled           the caller cancelled a running scan (exit 130)
"""

from __future__ import annotations


class BusfactorError(Exception):
    """An error the user can fix; `message` is one line, `hint` an optional second one."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(BusfactorError):
    """Arguments that parse but make no sense together."""


class ConfigError(BusfactorError):
    """A configuration file or value busfactor cannot use."""


class RepositoryError(BusfactorError):
    """The repository or revision cannot be analysed."""


class RefusedError(BusfactorError):
    """Writing would replace a file someone wrote; busfactor never does."""

    exit_code = 1


class Cancelled(BusfactorError):
    """A scan was cancelled through its cancel event (Ctrl-C, or a newer scan in the TUI)."""

    exit_code = 130
