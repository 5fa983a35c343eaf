"""Dialogs for the actions: a new ADR's title, and the confirmation for a new runbook."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from busfactor.ui.view import safe


class NewAdrScreen(ModalScreen[tuple[str, list[str]] | None]):
    """Ask for the title of a new decision record about a component, and the records it
    supersedes (as `adr new --supersedes`); None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, component: str, title: str = "", supersedes: str = "") -> None:
        super().__init__()
        self.component = component
        self.title_given = title
        self.supersedes_given = supersedes

    def compose(self) -> ComposeResult:
        with Vertical(id="adr-dialog", classes="dialog"):
            yield Static(Text(f"New decision record for {safe(self.component)}"), classes="title")
            yield Input(
                self.title_given,
                placeholder="Title, e.g. Use PostgreSQL for storage",
                id="adr-title",
            )
            yield Input(
                self.supersedes_given,
                placeholder="Supersedes (optional): record numbers, e.g. 3 or 3, 7",
                id="adr-supersedes",
            )
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="adr-create")
                yield Button("Cancel", id="adr-cancel")

    @on(Input.Submitted, "#adr-title")
    @on(Input.Submitted, "#adr-supersedes")
    @on(Button.Pressed, "#adr-create")
    def create(self) -> None:
        title = self.query_one("#adr-title", Input).value.strip()
        if not title:
            self.notify("A title is needed.", severity="warning")
            return
        given = self.query_one("#adr-supersedes", Input).value
        supersedes = [item.strip() for item in given.replace(",", " ").split() if item.strip()]
        self.dismiss((title, supersedes))

    @on(Button.Pressed, "#adr-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; Enter or y confirms, escape or n cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Text(self.question), id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button("Create", variant="primary", id="confirm-yes")
                yield Button("Cancel", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
