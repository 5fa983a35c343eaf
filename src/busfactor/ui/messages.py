"""Messages the scan worker posts to the app; the worker never touches a widget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from busfactor.core.model import Progress
    from busfactor.core.report import ScanReport


class ScanProgressed(Message):
    """The scan reached a stage or read more commits; a burst collapses to the newest."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgressed)


class ScanFinished(Message):
    """The scan produced a report."""

    def __init__(self, report: ScanReport) -> None:
        super().__init__()
        self.report = report


class ScanFailed(Message):
    """The scan stopped with an error the user can fix (a one-line message and a hint)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__()
        self.message = message
        self.hint = hint


class LeavingToggled(Message):
    """A person was marked as leaving, or unmarked, on the People tab."""

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id


class ComponentChosen(Message):
    """The user asked for a component's detail screen."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class PersonChosen(Message):
    """The user asked for a person's detail screen."""

    def __init__(self, person_id: str) -> None:
        super().__init__()
        self.person_id = person_id


class DecisionChosen(Message):
    """The user asked for a decision record (by its path) on the Decisions tab."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path


class NewDocumentRequested(Message):
    """The user asked for a new ADR (`kind` "adr") or runbook ("runbook") for a component."""

    def __init__(self, kind: str, component: str) -> None:
        super().__init__()
        self.kind = kind
        self.component = component


class ScaffoldFinished(Message):
    """The scaffold worker wrote a document (`path` as the CLI prints it) or failed (`error`);
    `notes` are the other files it wrote, as the CLI says them on stderr."""

    def __init__(
        self, path: str | None, error: str | None = None, notes: list[str] | None = None
    ) -> None:
        super().__init__()
        self.path = path
        self.error = error
        self.notes = notes or []


class WhatIfComputed(Message):
    """The what-if worker finished for the people marked as leaving (None: nobody)."""

    def __init__(self, leaving: list[str], whatif: dict[str, Any] | None) -> None:
        super().__init__()
        self.leaving = leaving
        self.whatif = whatif
