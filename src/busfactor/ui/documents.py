"""The Decisions tab (the log plus the selected record as Markdown) and the Plan tab."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Markdown

from busfactor.core.plan import make_plan, render_plan_markdown
from busfactor.ui.tables import SortedTable, select_row
from busfactor.ui.view import names_of, safe, text

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
        "status": "Status",
        "date": "Date",
        "title": "Title",
    }

    def __init__(self) -> None:
        super().__init__()
        self.repository = ""
        self.by_key: dict[str, dict[str, Any]] = {}
        self.by_id: dict[str, str] = {}
        self.shown_path: str | None = None

    def compose(self) -> ComposeResult:
        table = SortedTable(self.COLUMNS, id="decisions-table")
        table.sort_keys = {
            "id": lambda r: r["id"],
            "status": lambda r: r["status"],
            "date": lambda r: r["date"] or "",
            "title": lambda r: r["title"].lower(),
        }
        table.render_row = lambda r: [
            text(r["id"]),
            text(r["status"]),
            text(r["date"] or ""),
            text(r["title"]),
        ]
        table.row_key = lambda r: str(r["path"])
        yield table
        with VerticalScroll(id="decision-view"):
            yield Markdown("*No decision records found.*", id="decision-markdown")

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
        links = ", ".join(decision["supersedes"]) or "none"
        later = ", ".join(decision["superseded_by"]) or "none"
        header = (
            f"`{safe(path)}` · authors: {', '.join(decision['author_names']) or 'unknown'}"
            f" · components: {', '.join(decision['components']) or 'none'}"
            f" · supersedes: {links} (S) · superseded by: {later} (s)\n\n---\n\n"
        )
        body = read_record(self.repository, path)
        self.query_one("#decision-markdown", Markdown).update(header + body)

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
            what = "supersedes" if link == "superseded_by" else "it supersedes"
            self.notify(
                f"No record {what} ADR {safe(decision['id'])}.", severity="warning", markup=False
            )
            return
        self.select(targets[0])


class PlanPane(VerticalScroll):
    """The cross-training plan, as `busfactor plan --format markdown` renders it."""

    def compose(self) -> ComposeResult:
        yield Markdown("", id="plan-markdown")

    def show(self, report: ScanReport) -> None:
        """Compute and render the plan."""
        plan = make_plan(report.graph)
        self.query_one("#plan-markdown", Markdown).update(render_plan_markdown(plan, report.graph))
