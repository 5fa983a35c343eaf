"""The Decisions tab (the log plus the selected record as Markdown) and the Plan tab."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Markdown, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from busfactor.core.markdown_text import markdown_text
from busfactor.core.plan import render_plan_markdown, render_plan_text
from busfactor.errors import BusfactorError, Cancelled
from busfactor.ui.export import export_text
from busfactor.ui.planning import plan_of
from busfactor.ui.tables import SortedTable, select_row
from busfactor.ui.view import WIDE_FROM, ShortPaths, cut, names_of, safe, text

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport

MAX_RECORD_BYTES = 256_000


def read_record(repository: str, relative: str) -> str:
    """A decision record's text from the working tree; never a file outside the repository."""
    root = Path(repository).resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        return f"*Not shown: `{safe(relative)}` is outside the repository.*"
    try:
        with target.open("rb") as handle:
            data = handle.read(MAX_RECORD_BYTES)
    except OSError:
        return f"*`{safe(relative)}` is not in the working tree (bare clone or deleted file).*"
    return data.decode("utf-8", "replace")


def without_front_matter(text: str) -> str:
    """A record's Markdown without its YAML front matter (shown in the header instead)."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        for index, line in enumerate(lines[1:], start=1):
            if line.strip() in ("---", "..."):
                return "".join(lines[index + 1 :]).lstrip("\n")
    return text


class RecordView(VerticalScroll):
    """The decision record beside the log; Esc goes back to the log."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to the log", key_display="esc"),
    ]

    class Left(Message):
        """Esc in the record."""

    def action_leave(self) -> None:
        self.post_message(self.Left())


class DecisionsPane(Horizontal):
    """The decision log; the highlighted record is rendered as Markdown beside it.

    `s` goes to the record that supersedes the shown one, `S` to the one it supersedes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "follow('superseded_by')", "Superseded by"),
        Binding("S", "follow('supersedes')", "Supersedes"),
    ]

    COLUMNS: ClassVar[dict[str, str]] = {
        "id": "ADR",
        "title": "Title",
        "status": "Status",
        "date": "Date",
    }
    ID_WIDTH = 16
    """Ids that are a file's name, or carry their folder (`docs/adr:0003` where two folders
    share numbers), keep their end (`…/adr:0003`); folders alike once shortened keep the part
    that tells them apart (`ShortIds`)."""
    TITLE_MIN = 8
    """Titles get what the table's share of the screen leaves after the ids, statuses and
    dates, and at least this; longer ones end in `…` (the record beside the table shows
    them whole). A fixed 26 cells pushed Date out of view at 120 columns where ids were
    long (`…/payme…/…/adr:1`), and left room unused where the table had the whole width."""
    _PADDING = 2 * 4 + 2  # a cell's padding on each side of four columns, and a scrollbar

    def __init__(self) -> None:
        super().__init__()
        self.repository = ""
        self.by_key: dict[str, dict[str, Any]] = {}
        self.by_id: dict[str, str] = {}
        self.shown_path: str | None = None
        self.short_ids = ShortIds()
        self._titles: tuple[int, int] = (-1, 0)  # (screen width, title width)

    def compose(self) -> ComposeResult:
        table = SortedTable(self.COLUMNS, id="decisions-table")
        table.sort_keys = {
            "id": lambda r: r["id"],
            "status": lambda r: r["status"],
            "date": lambda r: r["date"] or "",
            "title": lambda r: r["title"].lower(),
        }
        table.render_row = lambda r: [
            text(self.short_ids(safe(r["id"]), self.ID_WIDTH)),
            cut(safe(r["title"]), self._title_width()),
            text(r["status"]),
            text(r["date"] or ""),
        ]
        table.row_key = lambda r: str(r["path"])
        table.wide_cells = True
        yield table
        with RecordView(id="decision-view"):
            yield Markdown("*No decision records found.*", id="decision-markdown")

    def _title_width(self) -> int:
        width = self.app.size.width
        if self._titles[0] != width:  # worked out once per drawing, not once per row
            rows = self.query_one(SortedTable).rows_data
            shown = [self.short_ids(safe(r["id"]), self.ID_WIDTH) for r in rows]
            ids = max([5, *map(cell_len, shown)])  # a header is as wide as `ADR ▼`
            statuses = max([8, *(cell_len(safe(r["status"])) for r in rows)])
            dates = 10 if any(r["date"] for r in rows) else 6
            share = width // 2 if width >= WIDE_FROM else width  # beside the record, or above
            room = share - ids - statuses - dates - self._PADDING
            self._titles = (width, max(self.TITLE_MIN, room))
        return self._titles[1]

    @on(DataTable.RowSelected, "#decisions-table")
    def enter_record(self, event: DataTable.RowSelected) -> None:
        """Enter: into the record, where the arrows and page keys scroll it (Enter did
        nothing, and only tab reached the record)."""
        self.query_one(RecordView).focus()

    @on(RecordView.Left)
    def back_to_table(self) -> None:
        self.query_one(SortedTable).focus()

    def show(self, report: ScanReport) -> None:
        """Load the decision log."""
        self.repository = str(report.meta["repository"])
        decisions = report.decisions()
        self.by_key = {str(d["path"]): d for d in decisions}
        self.by_id = {}
        for decision in decisions:
            self.by_id.setdefault(str(decision["id"]), str(decision["path"]))
        for decision in decisions:
            decision["author_names"] = names_of(report, decision["authors"])
        self.short_ids = ShortIds(safe(d["id"]) for d in decisions)
        self._titles = (-1, 0)
        self.query_one(SortedTable).load(decisions)
        if decisions:
            self.show_record(str(decisions[0]["path"]))

    @on(DataTable.RowHighlighted, "#decisions-table")
    def follow_cursor(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_record(str(event.row_key.value))

    def show_record(self, path: str) -> None:
        """Render one record (its header lines, then the file's Markdown)."""
        decision = self.by_key.get(path)
        if decision is None:
            return
        self.shown_path = path
        links = ", ".join(safe(d) for d in decision["supersedes"]) or "none"
        later = ", ".join(safe(d) for d in decision["superseded_by"]) or "none"
        deciders = ", ".join(safe(d) for d in decision.get("deciders", []))
        header = [
            f"`{safe(path)}`",
            "",
            f"* **Authors** {', '.join(decision['author_names']) or 'unknown'}",
            *([f"* **Deciders** {deciders}"] if deciders else []),
            f"* **Components** {', '.join(safe(c) for c in decision['components']) or 'none'}",
            f"* **Supersedes** {links} (`S`) · **superseded by** {later} (`s`)",
            "",
            "---",
            "",
        ]
        body = without_front_matter(read_record(self.repository, path))
        self.query_one("#decision-markdown", Markdown).update("\n".join(header) + body)

    def select(self, path: str) -> bool:
        """Put the cursor on (and render) the record at `path`; False when there is none."""
        if path not in self.by_key or not select_row(self.query_one(SortedTable), path):
            return False
        self.show_record(path)
        return True

    def action_follow(self, link: str) -> None:
        """Go to the record that supersedes (or is superseded by) the shown one."""
        decision = self.by_key.get(self.shown_path or "")
        if decision is None:
            return
        targets = [self.by_id[i] for i in decision[link] if i in self.by_id]
        if not targets:
            adr = f"ADR {safe(decision['id'])}"
            said = (
                f"No record supersedes {adr}."
                if link == "superseded_by"
                else f"{adr} supersedes no record."
            )
            self.notify(said, severity="warning", markup=False)
            return
        self.select(targets[0])


class ShortIds:
    """Decision ids shortened as `ShortPaths` does, a folder at a time: where two folders
    number their records alike the id is `folder:number` (adr/0027), and every record of
    one folder shows that folder alike (`…/…icing/…/adr:1` and `…/…icing/…/adr:2`, not
    one of them `…/docs/adr:2` for being the only number 2)."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        split = [_split_id(decision_id) for decision_id in ids]
        self._folders = ShortPaths(folder for folder, _ in split if folder)
        self._plain = ShortPaths(name for folder, name in split if not folder)

    def __call__(self, decision_id: str, width: int) -> str:
        folder, number = _split_id(decision_id)
        if not folder:
            return self._plain(decision_id, width)
        return self._folders(folder, max(1, width - cell_len(number))) + number


def _split_id(decision_id: str) -> tuple[str, str]:
    """(`folder`, `:number`) of a `folder:number` id; ("", id) for any other."""
    folder, colon, number = decision_id.rpartition(":")
    if colon and folder and number.isdigit():
        return folder, colon + number
    return "", decision_id


class PlanReady(Message):
    """The plan worker rendered the plan for a report (`plan`: False when it says why there
    is none)."""

    def __init__(self, report: ScanReport, markdown: str, text: str, *, plan: bool = True) -> None:
        super().__init__()
        self.report = report
        self.markdown = markdown
        self.text = text
        self.plan = plan


_LATER = "The plan is computed when this tab is shown."
_COMPUTING = "Computing the cross-training plan (file coupling is read from history)…"


class PlanPane(VerticalScroll):
    """The cross-training plan, as `busfactor plan --format markdown` renders it.

    The plan reads the scan `busfactor plan` reads, with file coupling (pipeline.plan_scan),
    so it is computed in a thread when the tab is shown, not when the app's scan finishes.
    Narrow terminals get the plain-text rendering (one block per suggestion) instead of the
    Markdown tables.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export_plan", "Export plan"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: ScanReport | None = None
        self.shown_for: ScanReport | None = None
        self.markdown: str | None = None
        """The plan shown, as `busfactor plan --format markdown` writes it (None: none yet)."""
        self.unrendered: str | None = None
        """Markdown that came while the tab was hidden, rendered when it is shown."""

    def compose(self) -> ComposeResult:
        yield Markdown(f"*{_LATER}*", id="plan-markdown")
        yield Static(_LATER, id="plan-text")

    def show(self, report: ScanReport) -> None:
        """Take a new report; the plan is computed when the tab is (or becomes) visible."""
        self.report = report
        if self.shown_for is not None or self.tab_active():
            self.compute()

    def tab_active(self) -> bool:
        """Whether the Plan tab is the one shown."""
        pane = self.parent
        tabs = self.app.query(TabbedContent)
        return isinstance(pane, TabPane) and any(t.active == pane.id for t in tabs)

    def shown(self) -> None:
        """The tab came into view: render what came while it was hidden, or start the plan."""
        if self.unrendered is not None:
            self._show_markdown(self.unrendered)
        self.compute()

    def compute(self) -> None:
        """Start the plan worker unless the shown plan is already this report's."""
        if self.report is None or self.shown_for is self.report:
            return
        self.shown_for = self.report
        self.markdown = None
        self._show_markdown(f"*{_COMPUTING}*")
        self.query_one("#plan-text", Static).update(_COMPUTING)
        self.plan_in_thread(self.report)

    def cancel(self) -> None:
        """Stop a plan being computed (a rescan started: its scan would read history beside
        the new one). The tab computes it again when next shown."""
        running = [w for w in self.workers if w.node is self and w.group == "plan"]
        if any(not worker.is_finished for worker in running):
            self.workers.cancel_group(self, "plan")
            self.shown_for = None
            self._show_markdown(f"*{_LATER}*")
            self.query_one("#plan-text", Static).update(_LATER)

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan", description="Plan")
    def plan_in_thread(self, report: ScanReport) -> None:
        """The plan `busfactor plan` makes for this report's revision: from a scan with file
        coupling (the cache keeps it for the next time), with the configured target."""
        worker = get_current_worker()
        try:
            plan, graph = plan_of(self.app, report, worker.cancelled_event)
        except Cancelled:
            return
        except BusfactorError as error:
            if not worker.is_cancelled:
                problem = f"The plan could not be computed: {error.message}"
                self.post_message(
                    PlanReady(report, markdown_text(problem), safe(problem), plan=False)
                )
            return
        markdown = render_plan_markdown(plan, graph)
        text = render_plan_text(plan, graph)
        if not worker.is_cancelled:
            self.post_message(PlanReady(report, markdown, text))

    @on(PlanReady)
    def show_plan(self, message: PlanReady) -> None:
        if message.report is self.report:
            self.markdown = message.markdown if message.plan else None
            self.query_one("#plan-text", Static).update(Text(message.text))
            if self.tab_active():
                self._show_markdown(message.markdown)
            else:  # a plan's tables hold the app for a second on a big repository
                self.unrendered = message.markdown

    def _show_markdown(self, markdown: str) -> None:
        """Show `markdown` (Textual makes a widget per table cell: on git.git's plan that
        holds the app 1 to 2 s, so a plan made while the tab is hidden waits until it is shown)."""
        self.unrendered = None
        self.query_one("#plan-markdown", Markdown).update(markdown)

    def action_export_plan(self) -> None:
        """e: the plan shown, as Markdown, into `busfactor-plan.md` (or `-2`, …) in the working
        directory, never over a file; a manager pastes it into a team document."""
        if self.markdown is None:
            self.notify("No plan to export yet.", severity="warning")
            return
        try:
            path = export_text(self.markdown, Path.cwd(), "busfactor-plan")
        except OSError as error:
            self.notify(f"Export failed: {error}", severity="error", markup=False)
            return
        self.notify(f"Plan written to {path}", title="Exported", markup=False)
