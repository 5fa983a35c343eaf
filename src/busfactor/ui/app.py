"""BusfactorApp: the App owns the scan worker and the shared state; tabs only display.

The scan runs in a thread worker that only posts messages (house-style §3.2).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Header, LoadingIndicator, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from busfactor.adapters.git import GitRepository
from busfactor.core.model import Progress
from busfactor.core.whatif import simulate
from busfactor.errors import BusfactorError, Cancelled
from busfactor.pipeline import scan, settings_for
from busfactor.ui.commands import BusfactorCommands
from busfactor.ui.detail import ComponentScreen, ErrorScreen
from busfactor.ui.dialogs import ConfirmScreen, NewAdrScreen
from busfactor.ui.documents import DecisionsPane, PlanPane
from busfactor.ui.export import export_markdown
from busfactor.ui.messages import (
    ComponentChosen,
    DecisionChosen,
    LeavingToggled,
    NewDocumentRequested,
    ScaffoldFinished,
    ScanFailed,
    ScanFinished,
    ScanProgressed,
)
from busfactor.ui.overview import Overview
from busfactor.ui.tables import ComponentsPane, FindingsPane, PeoplePane
from busfactor.ui.view import safe

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport
    from busfactor.core.settings import Settings


def describe(progress: Progress) -> str:
    """`history: 1200 of 5000` style progress line."""
    if progress.total:
        return f"{progress.stage}: {progress.done} of {progress.total}"
    return f"{progress.stage}: {progress.done}" if progress.done else progress.stage


class BusfactorApp(App[int]):
    """Browse a repository's ownership, risks, decisions and plan; simulate departures."""

    CSS_PATH = "app.tcss"
    TITLE = "busfactor"
    COMMANDS = App.COMMANDS | {BusfactorCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("r", "rescan", "Rescan"),
        Binding("escape", "cancel_scan", "Cancel scan", show=False),
        Binding("ctrl+c", "cancel_scan", "Cancel scan", show=False, priority=True),
        *(
            Binding(key, f"show_tab('tab-{tab}')", tab.title(), show=False)
            for key, tab in (
                ("o", "overview"),
                ("c", "components"),
                ("p", "people"),
                ("f", "findings"),
                ("d", "decisions"),
                ("l", "plan"),
            )
        ),
    ]

    def __init__(
        self, repo: Path, settings: Settings | None = None, report: ScanReport | None = None
    ) -> None:
        super().__init__()
        self.repo = repo
        self.settings = settings
        self.report: ScanReport | None = None
        self.leaving: list[str] = []
        self.whatif: dict[str, Any] | None = None
        self.initial_report = report
        self.scanning = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="scan-status"):
            yield LoadingIndicator()
            yield Static(Text(f"Scanning {self.repo}…"), id="scan-progress")
        with TabbedContent(id="tabs"):
            with TabPane("Overview", id="tab-overview"):
                yield Overview()
            with TabPane("Components", id="tab-components"):
                yield ComponentsPane()
            with TabPane("People", id="tab-people"):
                yield PeoplePane()
            with TabPane("Findings", id="tab-findings"):
                yield FindingsPane()
            with TabPane("Decisions", id="tab-decisions"):
                yield DecisionsPane()
            with TabPane("Plan", id="tab-plan"):
                yield PlanPane()
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.repo.name or str(self.repo)  # never the absolute path
        if self.initial_report is not None:
            self.show_report(ScanFinished(self.initial_report))
        else:
            self.start_scan()

    # -- scanning ---------------------------------------------------------------------

    def start_scan(self) -> None:
        """Show the progress display and start (or restart) the scan worker."""
        self.scanning = True
        self.query_one("#scan-status").display = True
        self.query_one("#tabs").display = False
        self.query_one(LoadingIndicator).display = True
        self.query_one("#scan-progress", Static).update(Text(f"Scanning {self.repo}…"))
        self.scan_repository()

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan", description="Scanning")
    def scan_repository(self) -> None:
        """Mine history in a thread; only post messages from here."""
        worker = get_current_worker()

        def report_progress(progress: Progress) -> None:
            self.post_message(ScanProgressed(progress))

        try:
            report = scan(
                self.repo,
                settings=self.settings,
                on_progress=report_progress,
                cancel=worker.cancelled_event,
            )
        except Cancelled:
            return
        except BusfactorError as error:
            if not worker.is_cancelled:
                self.post_message(ScanFailed(error.message, error.hint))
            return
        if not worker.is_cancelled:
            self.post_message(ScanFinished(report))

    @on(ScanProgressed)
    def show_progress(self, message: ScanProgressed) -> None:
        self.query_one("#scan-progress", Static).update(Text(describe(message.progress)))

    @on(ScanFinished)
    def show_report(self, message: ScanFinished) -> None:
        """Fill every tab from the new report; announced departures start as leaving."""
        self.scanning = False
        self.report = report = message.report
        announced = report.leaving()
        self.leaving = list(announced["without"]) if announced else []
        self.whatif = announced
        self.query_one("#scan-status").display = False
        self.query_one("#tabs").display = True
        self.query_one(Overview).show(report, self.whatif)
        self.query_one(ComponentsPane).show(report, self.whatif)
        self.query_one(PeoplePane).show(report, self.leaving)
        self.query_one(FindingsPane).show(report)
        self.query_one(DecisionsPane).show(report)
        self.query_one(PlanPane).show(report)

    @on(ScanFailed)
    def show_failure(self, message: ScanFailed) -> None:
        self.scan_stopped("Scan failed. Press r to try again, q to quit.")
        self.push_screen(ErrorScreen(message.message, message.hint))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected exception in the worker: a dialog with its one line, not a crash."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        if event.worker.group == "scaffold":
            self.notify(
                safe(f"unexpected error: {type(error).__name__}: {line}"),
                title="busfactor: error",
                severity="error",
                markup=False,
            )
        elif event.worker.group == "scan":
            self.scan_stopped("Scan failed. Press r to try again, q to quit.")
            self.push_screen(ErrorScreen(f"unexpected error: {type(error).__name__}: {line}"))

    def scan_stopped(self, status: str) -> None:
        """Leave the progress area showing why nothing is displayed."""
        self.scanning = False
        self.query_one(LoadingIndicator).display = False
        self.query_one("#scan-progress", Static).update(Text(status))
        if self.report is not None:
            self.query_one("#scan-status").display = False
            self.query_one("#tabs").display = True

    def action_cancel_scan(self) -> None:
        """Cancel a running scan; ctrl+c quits when nothing is running."""
        if not self.scanning:
            if isinstance(self.screen, ErrorScreen | ComponentScreen):
                self.pop_screen()
            return
        self.workers.cancel_group(self, "scan")
        self.scan_stopped("Scan cancelled. Press r to scan again, q to quit.")

    def action_show_tab(self, tab: str) -> None:
        """Switch tabs from anywhere (o c p f d l), since arrows move inside tables."""
        self.query_one(TabbedContent).active = tab

    def action_rescan(self) -> None:
        self.start_scan()

    # -- what-if and navigation -------------------------------------------------------

    @on(LeavingToggled)
    def toggle_leaving(self, message: LeavingToggled) -> None:
        """Recompute the what-if for everyone marked as leaving and refresh the tabs."""
        if self.report is None:
            return
        if message.person_id in self.leaving:
            self.leaving.remove(message.person_id)
        else:
            self.leaving.append(message.person_id)
        self.whatif = simulate(self.report.graph, self.leaving) if self.leaving else None
        self.query_one(Overview).show(self.report, self.whatif)
        self.query_one(ComponentsPane).set_whatif(self.whatif)
        self.query_one(PeoplePane).set_leaving(self.leaving)

    @on(ComponentChosen)
    def open_component(self, message: ComponentChosen) -> None:
        self.show_component(message.name)

    def show_component(self, name: str) -> None:
        """Open a component's detail screen (over the tabs)."""
        if self.report is None:
            return
        if f"component:{name}" not in self.report.graph:
            self.notify(f"No component {name}.", severity="warning", markup=False)
            return
        while isinstance(self.screen, ComponentScreen):
            self.pop_screen()
        self.push_screen(ComponentScreen(self.report, name))

    def show_person(self, person_id: str) -> None:
        """Switch to People with the cursor on the person."""
        self.return_to_tabs()
        self.action_show_tab("tab-people")
        people = self.query_one(PeoplePane)
        self.call_after_refresh(people.select, person_id)

    @on(DecisionChosen)
    def open_decision(self, message: DecisionChosen) -> None:
        """A finding about a decision record: show it on the Decisions tab."""
        decisions = self.query_one(DecisionsPane)
        if message.path not in decisions.by_key:
            self.notify(f"{message.path} is not a decision record.", markup=False)
            return
        self.action_show_tab("tab-decisions")
        self.call_after_refresh(decisions.select, message.path)

    def return_to_tabs(self) -> None:
        """Close detail screens so the tabs are visible."""
        while isinstance(self.screen, ComponentScreen):
            self.pop_screen()

    # -- actions ----------------------------------------------------------------------

    def action_export_markdown(self) -> None:
        """Write the report as Markdown into the working directory (never over a file)."""
        if self.report is None:
            self.notify("Nothing to export yet: the scan has not finished.", severity="warning")
            return
        try:
            path = export_markdown(self.report, Path.cwd())
        except OSError as error:
            self.notify(f"Export failed: {error}", severity="error", markup=False)
            return
        self.notify(f"Report written to {path}", title="Exported", markup=False)

    @on(NewDocumentRequested)
    def ask_for_document(self, message: NewDocumentRequested) -> None:
        """The dialog for a new ADR (its title) or runbook (a confirmation), then the worker."""
        component = message.component
        if message.kind == "adr":

            def write_adr(title: str | None) -> None:
                if title:
                    self.scaffold(
                        "adr",
                        argparse.Namespace(
                            title=title,
                            path=self.repo,
                            supersedes=[],
                            links=[],
                            status="proposed",
                            template="madr",
                            dir=None,
                            component=component,
                            dry_run=False,
                        ),
                    )

            self.push_screen(NewAdrScreen(component), write_adr)
        else:

            def write_runbook(confirmed: bool | None) -> None:
                if confirmed:
                    self.scaffold(
                        "runbook",
                        argparse.Namespace(
                            component=component, path=self.repo, output=None, dry_run=False
                        ),
                    )

            question = f"Write a runbook skeleton for {safe(component)}?"
            self.push_screen(ConfirmScreen(question), write_runbook)

    @work(thread=True, exit_on_error=False, group="scaffold", description="Writing")
    def scaffold(self, kind: str, args: argparse.Namespace) -> None:
        """Run `busfactor adr new` / `runbook new` as the CLI does; post the printed path."""
        from busfactor.cli.scaffold import run_adr_new, run_runbook_new

        run = run_adr_new if kind == "adr" else run_runbook_new
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                run(args)
        except BusfactorError as error:
            self.post_message(ScaffoldFinished(None, error.message))
            return
        lines = [line for line in printed.getvalue().splitlines() if line.strip()]
        self.post_message(ScaffoldFinished(lines[-1] if lines else None))

    @on(ScaffoldFinished)
    def show_scaffolded(self, message: ScaffoldFinished) -> None:
        if message.error is not None:
            self.notify(
                safe(message.error), title="busfactor: error", severity="error", markup=False
            )
        else:
            self.notify(
                f"Created {safe(message.path)} (press r to rescan)", title="Created", markup=False
            )


def make_app(
    repo: Path, settings: Settings | None = None, report: ScanReport | None = None
) -> BusfactorApp:
    """The app on a repository; with `report`, no scan runs (tests and screenshots)."""
    return BusfactorApp(repo, settings, report)


def run_tui(path: Path, settings_overrides: dict[str, Any] | None = None) -> int:
    """Find the repository, load settings as the CLI does, run the app; 2 on a usage error."""
    try:
        with GitRepository(path) as repository:
            root = repository.root
        settings = settings_for(root, None, settings_overrides)
    except BusfactorError as error:
        print(f"busfactor: error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"busfactor: hint: {error.hint}", file=sys.stderr)
        return 2
    make_app(root, settings).run()
    return 0
