"""Screens pushed over the tabs: a component's detail, and the error dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static

from busfactor.ui.view import bar, names_of, risk_of, safe

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport

MAX_FILES = 300
RISK_STYLE = {"HIGH": "bold red", "MED": "yellow", "OK": "green"}


def component_summary(report: ScanReport, component: dict[str, Any]) -> Text:
    """Bus factor, experts, authors, runbook status, decisions and findings."""
    risk = risk_of(component)
    summary = Text()
    summary.append(f"{risk} ", style=RISK_STYLE[risk])
    summary.append(f"{safe(component['name'])}\n", style="bold")
    summary.append(f"Bus factor {component['bus_factor']} · {component['files']} files · ")
    summary.append(f"{component['files_lost']} files lost if the experts leave\n")
    experts = ", ".join(names_of(report, component["bus_factor_authors"])) or "nobody"
    summary.append(f"Experts: {experts}\n")
    summary.append(f"Authors: {', '.join(names_of(report, component['authors'])) or 'none'}\n")
    runbook = component.get("runbook")
    status = component.get("runbook_status", "missing")
    summary.append(f"Runbook: {safe(status)}" + (f" ({safe(runbook)})" if runbook else "") + "\n")
    decisions = {d["id"]: d for d in report.decisions()}
    summary.append("Decisions:\n", style="bold")
    for decision in component.get("decisions", []) or []:
        title = decisions.get(decision, {}).get("title", "")
        summary.append(f"  ADR {safe(decision)} {safe(title)}\n")
    if not component.get("decisions"):
        summary.append("  none\n", style="dim")
    summary.append("Findings:\n", style="bold")
    findings = [f for f in report.findings() if f.get("component") == component["name"]]
    for finding in findings:
        summary.append(f"  {str(finding['severity']).upper():<8}", style="yellow")
        summary.append(f"{safe(finding['message'])}\n")
    if not findings:
        summary.append("  none\n", style="dim")
    return summary


def component_files(report: ScanReport, name: str) -> Text:
    """Each file with its contributors' DOA (relative to the file's best) as bars."""
    node = f"component:{name}"
    paths = sorted(report.graph.nodes[f]["path"] for _, f in report.graph.out_edges(node))
    block = Text(f"Files ({len(paths)})\n", style="bold")
    for path in paths[:MAX_FILES]:
        block.append(f"{safe(path)}\n")
        doa = report.doa_of(path)
        best = max(doa.values(), default=0.0) or 1.0
        for person, value in sorted(doa.items(), key=lambda item: -item[1])[:5]:
            name_shown = names_of(report, [person])[0]
            block.append(f"    {bar(value / best, 16)} ", style="cyan")
            block.append(f"{value:5.2f}  {name_shown}\n")
    if len(paths) > MAX_FILES:
        block.append(f"… {len(paths) - MAX_FILES} more files\n", style="dim")
    return block


class ComponentScreen(Screen[None]):
    """One component in depth; escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, report: ScanReport, name: str) -> None:
        super().__init__()
        self.report = report
        self.component_name = name

    def compose(self) -> ComposeResult:
        component = dict(self.report.graph.nodes[f"component:{self.component_name}"])
        yield Header()
        with VerticalScroll(id="component-detail"):
            yield Static(component_summary(self.report, component), id="component-summary")
            yield Static(component_files(self.report, self.component_name), id="component-files")
        yield Footer()


class ErrorScreen(ModalScreen[None]):
    """The one-line message (and hint) of an error the user can fix; never a traceback."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("enter", "dismiss", "Close", show=False),
    ]

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__()
        self.message = message
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog"):
            yield Static("busfactor: error", classes="title")
            yield Static(Text(safe(self.message)), id="error-message")
            if self.hint:
                yield Static(Text(safe(self.hint), style="dim"), id="error-hint")
            yield Button("OK", variant="error", id="error-ok")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
