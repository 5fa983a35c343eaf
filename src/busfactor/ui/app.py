"""BusfactorApp: the App owns the scan worker and the shared state; tabs only display.

The scan runs in a thread worker that only posts messages (house-style §3.2).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import (
    Footer,
    Header,
    Input,
    LoadingIndicator,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)
from textual.worker import Worker, WorkerState, get_current_worker

from busfactor.adapters.git import GitRepository
from busfactor.core.model import Progress
from busfactor.core.whatif import simulate
from busfactor.errors import BusfactorError, Cancelled
from busfactor.pipeline import check_since, scan, settings_for
from busfactor.ui.commands import BusfactorCommands, PaletteIndex, build_index
from busfactor.ui.detail import ComponentScreen, ErrorScreen, PersonScreen
from busfactor.ui.dialogs import ConfirmScreen, NewAdrScreen
from busfactor.ui.documents import DecisionsPane, PlanPane
from busfactor.ui.export import export_markdown
from busfactor.ui.help import HelpScreen
from busfactor.ui.messages import (
    ComponentChosen,
    DecisionChosen,
    LeavingToggled,
    NewDocumentRequested,
    PersonChosen,
    ScaffoldFinished,
    ScanFailed,
    ScanFinished,
    ScanProgressed,
    WhatIfComputed,
)
from busfactor.ui.overview import Overview
from busfactor.ui.signals import exit_on_signals, release_signals, stopped_by
from busfactor.ui.tables import ComponentsPane, FindingsPane, PeoplePane, SortedTable
from busfactor.ui.view import WIDE_FROM, safe

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport
    from busfactor.core.settings import Settings


def describe(progress: Progress) -> str:
    """`history: 12,000 commits read` style progress line, and how to stop."""
    return f"{progress}  (esc cancels)"


class BusfactorApp(App[int]):
    """Browse a repository's ownership, risks, decisions and plan; simulate departures."""

    CSS_PATH = "app.tcss"
    TITLE = "busfactor"
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (declared by App as a ClassVar already)
        (0, "-narrow"),
        (WIDE_FROM, "-wide"),
    ]
    COMMANDS = App.COMMANDS | {BusfactorCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("r", "rescan", "Rescan"),
        Binding("t", "change_theme", "Theme", show=False),
        Binding("slash", "filter_components", "Filter", show=False),
        Binding("escape", "cancel_scan", "Cancel scan", show=False),
        Binding("ctrl+c", "interrupt", "Cancel scan or quit", show=False, priority=True),
        Binding("ctrl+z", "suspend_process", "Suspend", show=False),  # Textual binds none
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
        self._adr_draft: tuple[str, str, str] | None = None
        """The component, title and supersedes of the ADR being written, until it is."""
        self.leaving: list[str] = []
        self.whatif: dict[str, Any] | None = None
        self.initial_report = report
        self.scanning = False
        self.index: tuple[ScanReport, PaletteIndex] | None = None
        self.shown_at: datetime | None = None
        """When the report on screen was shown (said when a rescan is cancelled)."""
        self.refocus: Widget | None = None
        """The widget that had the focus when a rescan hid the tabs (it gets it back)."""

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
        exit_on_signals(self)
        self.console.size = self.size  # see on_resize
        self.sub_title = self.repo.name or str(self.repo)  # never the absolute path
        self.theme_changed_signal.subscribe(self, lambda _theme: self.restyle())
        if self.initial_report is not None:
            self.show_report(ScanFinished(self.initial_report))
        else:
            self.start_scan()

    def on_resize(self, event: events.Resize) -> None:
        """Rich's console told its size: otherwise it asks the terminal on every measure,
        three system calls for each cell a table adds (50,000 on git.git's People), a tenth
        of the time the tables took to fill."""
        self.console.size = event.size

    def on_unmount(self) -> None:
        release_signals(self)
        gc.unfreeze()  # what the app froze is ordinary garbage again once it has gone

    # -- scanning ---------------------------------------------------------------------

    def start_scan(self) -> None:
        """Show the progress display and start (or restart) the scan worker."""
        focused = self.screen_stack[0].focused
        if focused is not None:  # hiding the tabs takes the focus away: given back after
            self.refocus = focused
        self.scanning = True
        self.query_one("#scan-status").display = True
        self.query_one("#tabs").display = False
        self.query_one(LoadingIndicator).display = True
        self.query_one("#scan-progress", Static).update(Text(f"Scanning {self.repo}…"))
        self.query_one(PlanPane).cancel()
        gc.unfreeze()  # the report shown so far may go once the new one is in (show_report)
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
        self.shown_at = datetime.now()
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
        self.restore_focus()
        # The first report: the tab bar had the focus (Textual gives it the first focusable
        # widget) or nothing did, and PageDown did nothing on the Overview.
        if isinstance(self.screen_stack[0].focused, Tabs | None):
            self.focus_tab(self.query_one(TabbedContent).active)
        # The report and the tables are here to stay: out of the cyclic collector's sight.
        # Its full passes over git.git's 200,000 objects took 0.11-0.22 s each, at moments
        # of its choosing, while a key waited (after this, none measurable: adr/0028).
        gc.freeze()

    def restore_focus(self) -> None:
        """The tabs are back after a rescan: the widget that had the focus gets it again
        (a table keeps its cursor on the same row, by key, in `SortedTable.redraw`);
        without it, Down and Enter did nothing until tab was pressed."""
        widget, self.refocus = self.refocus, None
        base = self.screen_stack[0]
        if widget is not None and widget.is_attached and base.focused is None:
            base.set_focus(widget)

    def restyle(self) -> None:
        """The theme changed: draw the cells and text blocks again in its colours."""
        if self.report is None:
            return
        self.query_one(Overview).show(self.report, self.whatif)
        for table in self.query(SortedTable):
            table.restyle()
        for screen in self.screen_stack:
            if isinstance(screen, ComponentScreen | PersonScreen):
                screen.restyle()

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
        else:  # the what-if and the plan
            self.notify(
                safe(f"{event.worker.description} failed: {type(error).__name__}: {line}"),
                title="busfactor: error",
                severity="error",
                markup=False,
            )

    def scan_stopped(self, status: str) -> None:
        """Leave the progress area showing why nothing is displayed."""
        self.scanning = False
        self.query_one(LoadingIndicator).display = False
        self.query_one("#scan-progress", Static).update(Text(status))
        if self.report is not None:
            self.query_one("#scan-status").display = False
            self.query_one("#tabs").display = True
            self.restore_focus()

    def action_interrupt(self) -> None:
        """ctrl+c: cancel a running scan, else close an error or detail screen, else quit,
        as in any terminal program."""
        if self.scanning or isinstance(self.screen, ErrorScreen | ComponentScreen | PersonScreen):
            self.action_cancel_scan()
        elif self.screen is self.screen_stack[0]:
            self.exit(0)

    def action_cancel_scan(self) -> None:
        """Cancel a running scan; when nothing runs, close an error or detail screen."""
        if not self.scanning:
            if isinstance(self.screen, ErrorScreen | ComponentScreen | PersonScreen):
                self.pop_screen()
            return
        self.workers.cancel_group(self, "scan")
        self.scan_stopped("Scan cancelled. Press r to scan again, q to quit.")
        if self.report is not None:  # the tabs are back: the status line is hidden
            self.notify(self.previous_results(), title="Rescan cancelled", markup=False)

    def previous_results(self) -> str:
        """`Showing the previous scan's results (14:02, revision 3c5d112).`"""
        assert self.report is not None
        when = [self.shown_at.strftime("%H:%M")] if self.shown_at else []
        revision = str(self.report.meta.get("revision") or "")[:7]
        details = ", ".join([*when, *([f"revision {revision}"] if revision else [])])
        return "Showing the previous scan's results" + (f" ({details})." if details else ".")

    @on(TabbedContent.TabActivated, "#tabs")
    def tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """The plan is computed the first time its tab is shown."""
        if event.pane.id == "tab-plan":
            self.query_one(PlanPane).shown()

    def tabs_shown(self) -> bool:
        """Whether a report's tabs are on screen (not before the first scan, not while one
        runs or after one failed or was cancelled with nothing to show)."""
        return bool(self.query_one("#tabs").display)

    def action_show_tab(self, tab: str) -> None:
        """Switch tabs from anywhere (o c p f d l), closing a detail screen, and focus the
        tab's table so arrows, Enter and the tab's keys work at once. Without tabs on screen
        nothing happens: the focus would go to a hidden field and swallow every key."""
        if not self.tabs_shown():
            return
        self.return_to_tabs()
        self.query_one(TabbedContent).active = tab
        self.focus_tab(tab)

    def focus_tab(self, tab: str) -> None:
        """Focus the tab's table (or its scrolling text), so that keys work at once."""
        target: Widget | None = None
        pane = self.query_one(f"#{tab}", TabPane)
        tables = pane.query(SortedTable)
        if tables:
            target = tables.first()
        elif tab == "tab-overview":
            target = self.query_one(Overview)
        elif tab == "tab-plan":
            target = self.query_one(PlanPane)
        if target is not None:
            # At once, not with `focus()` (deferred): keys typed right after the tab's letter
            # must reach its table, not the widget that had the focus.
            target.screen.set_focus(target)

    def action_filter_components(self) -> None:
        """`/`: the Components tab with the cursor in its filter."""
        if not self.tabs_shown():
            return
        self.action_show_tab("tab-components")
        field = self.query_one("#component-filter", Input)
        field.screen.set_focus(field)

    def action_help(self) -> None:
        """The help screen (again: closes it)."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen())

    def action_rescan(self) -> None:
        """Scan again; while a scan runs, `r` started it over from nothing, every time."""
        if self.scanning:
            self.notify("A scan is running (esc cancels it).", markup=False)
            return
        self.start_scan()

    # -- what-if and navigation -------------------------------------------------------

    @on(LeavingToggled)
    def toggle_leaving(self, message: LeavingToggled) -> None:
        """Mark the person at once; recompute the what-if in a thread, then refresh the tabs."""
        if self.report is None:
            return
        if message.person_id in self.leaving:
            self.leaving.remove(message.person_id)
        else:
            self.leaving.append(message.person_id)
        self.query_one(PeoplePane).set_leaving(self.leaving)
        self.query_one("#truck-change", Static).update(Text("recomputing…"))
        self.recompute_whatif(self.report, list(self.leaving))

    @work(thread=True, exclusive=True, exit_on_error=False, group="whatif", description="What-if")
    def recompute_whatif(self, report: ScanReport, leaving: list[str]) -> None:
        """The what-if for these people; a newer toggle makes the result stale, and stops
        the computation (five quick marks on git.git took 5 s to settle, one after another)."""
        worker = get_current_worker()
        try:
            whatif = (
                simulate(report.graph, leaving, lambda: worker.is_cancelled) if leaving else None
            )
        except Cancelled:
            return
        if not worker.is_cancelled:
            self.post_message(WhatIfComputed(leaving, whatif))

    @on(WhatIfComputed)
    def show_whatif(self, message: WhatIfComputed) -> None:
        if self.report is None or message.leaving != self.leaving:
            return
        self.whatif = message.whatif
        self.query_one(Overview).show(self.report, self.whatif)
        self.query_one(ComponentsPane).set_whatif(self.whatif)

    @on(ComponentChosen)
    def open_component(self, message: ComponentChosen) -> None:
        self.show_component(message.name)

    @on(PersonChosen)
    def open_person(self, message: PersonChosen) -> None:
        """A person's detail screen, over the tabs."""
        if self.report is None:
            return
        self.return_to_tabs()
        self.push_screen(PersonScreen(self.report, message.person_id))

    def show_component(self, name: str, path: str | None = None) -> None:
        """Open a component's detail screen (over the tabs), with the cursor on `path`."""
        if self.report is None:
            return
        if f"component:{name}" not in self.report.graph:
            self.notify(f"No component {safe(name)}.", severity="warning", markup=False)
            return
        self.return_to_tabs()
        self.push_screen(ComponentScreen(self.report, name, path))

    def show_file(self, path: str) -> None:
        """Open the detail of the file's component with the file selected."""
        index = self.palette_index()
        component = index.component_of.get(path) if index else None
        if component is None:
            self.notify(f"{safe(path)} is in no component.", severity="warning", markup=False)
            return
        self.show_component(component, path)

    def palette_index(self) -> PaletteIndex | None:
        """What the command palette searches, built once per report."""
        if self.report is None:
            return None
        if self.index is None or self.index[0] is not self.report:
            self.index = (self.report, build_index(self.report))
        return self.index[1]

    def show_person(self, person_id: str) -> None:
        """Switch to People with the cursor on the person."""
        self.return_to_tabs()
        self.action_show_tab("tab-people")
        people = self.query_one(PeoplePane)
        self.call_after_refresh(people.select, person_id)

    @on(DecisionChosen)
    def open_decision(self, message: DecisionChosen) -> None:
        """A finding about a decision record: show it on the Decisions tab."""
        self.show_decision(message.path)

    def show_decision(self, path: str) -> None:
        """The Decisions tab with the record at `path` selected and rendered."""
        decisions = self.query_one(DecisionsPane)
        if path not in decisions.by_key:
            self.notify(f"{safe(path)} is not a decision record.", markup=False)
            return
        self.action_show_tab("tab-decisions")
        self.call_after_refresh(decisions.select, path)

    def return_to_tabs(self) -> None:
        """Close detail screens and the help so the tabs are visible."""
        while isinstance(self.screen, ComponentScreen | PersonScreen | HelpScreen):
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
            self.ask_for_adr(component)
        else:

            def write_runbook(confirmed: bool | None) -> None:
                if confirmed:
                    self.scaffold(
                        "runbook",
                        argparse.Namespace(
                            component=component, path=self.repo, output=None, dry_run=False
                        ),
                    )

            existing = self._runbook_of(component)
            if existing:  # refused after the question, it read as a change of mind
                self.notify(
                    f"{safe(component)} already has a runbook, {safe(existing)}: improve that "
                    "one (busfactor runbook list says what it lacks).",
                    markup=False,
                )
                return
            question = f"Write a runbook skeleton for {safe(component)}?"
            self.push_screen(ConfirmScreen(question), write_runbook)

    def ask_for_adr(self, component: str, title: str = "", supersedes: str = "") -> None:
        """The new-ADR dialog, filled with what was typed when asked again after a failure."""

        def write_adr(answer: tuple[str, list[str]] | None) -> None:
            if answer:
                typed, records = answer
                self._adr_draft = (component, typed, ", ".join(records))
                self.scaffold(
                    "adr",
                    argparse.Namespace(
                        title=typed,
                        path=self.repo,
                        supersedes=records,
                        links=[],
                        status="proposed",
                        template=None,
                        dir=None,
                        component=component,
                        dry_run=False,
                    ),
                )

        self.push_screen(NewAdrScreen(component, title, supersedes), write_adr)

    def _runbook_of(self, component: str) -> str | None:
        """The committed runbook the last scan found for `component`, if any."""
        if self.report is None:
            return None
        for data in self.report.components():
            if data["name"] == component:
                return data.get("runbook") or None
        return None

    @work(thread=True, exit_on_error=False, group="scaffold", description="Writing")
    def scaffold(self, kind: str, args: argparse.Namespace) -> None:
        """Run `busfactor adr new` / `runbook new` as the CLI does; post the printed path."""
        from busfactor.cli.scaffold import COMMIT_NOTE, run_adr_new, run_runbook_new

        run = run_adr_new if kind == "adr" else run_runbook_new
        printed, said = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(said):
                run(args)
        except BusfactorError as error:  # with the hint the CLI prints below it, if any
            hint = f"; {error.hint}" if error.hint else ""
            self.post_message(ScaffoldFinished(None, error.message + hint))
            return
        lines = [line for line in printed.getvalue().splitlines() if line.strip()]
        notes = [line.removeprefix("busfactor: ") for line in said.getvalue().splitlines()]
        notes = [line for line in notes if not line.startswith(COMMIT_NOTE)]  # said below
        self.post_message(ScaffoldFinished(lines[-1] if lines else None, notes=notes))

    @on(ScaffoldFinished)
    def show_scaffolded(self, message: ScaffoldFinished) -> None:
        draft, self._adr_draft = self._adr_draft, None
        if message.error is not None:
            self.notify(
                safe(message.error), title="busfactor: error", severity="error", markup=False
            )
            if draft is not None:  # the dialog again, with what was typed (it was lost)
                self.ask_for_adr(*draft)
        else:
            also = "".join(f"\n{safe(note)}" for note in message.notes)
            self.notify(
                f"Created {safe(message.path)} (commit it, then press r: scans read "
                f"committed files){also}",
                title="Done",  # "Created" above "Created PATH" said it twice
                markup=False,
            )


def make_app(
    repo: Path, settings: Settings | None = None, report: ScanReport | None = None
) -> BusfactorApp:
    """The app on a repository; with `report`, no scan runs (tests and screenshots)."""
    return BusfactorApp(repo, settings, report)


def run_tui(
    path: Path, settings_overrides: dict[str, Any] | None = None, config_file: Path | None = None
) -> int:
    """Find the repository, load settings as the CLI does, run the app; 2 on a usage error."""
    try:
        with GitRepository(path) as repository:
            root = repository.root
            settings = settings_for(root, config_file, settings_overrides, repository)
            # What `busfactor scan` refuses with exit 2 is refused here too, before the app
            # takes the screen: it showed the error in a dialog and then exited 0.
            repository.resolve(settings.rev)
            if settings.since is not None:
                check_since(repository, settings.since)
    except BusfactorError as error:
        print(f"busfactor: error: {error.message}", file=sys.stderr)
        if error.hint:
            print(f"busfactor: hint: {error.hint}", file=sys.stderr)
        return 2
    tui = make_app(root, settings)
    tui.run()
    number = stopped_by(tui)
    if number is not None:
        return 128 + number
    return 1 if tui.return_code else 0  # 1: the app failed (Textual printed why)
