"""The Decisions tab (the log plus the selected record as Markdown) and the Plan tab."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Markdown

from busfactor.core.plan import make_plan, render_plan_markdown
from busfactor.ui.tables import SortedTable
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
    """The decision log; the highlighted record is rendered as Markdown beside it."""

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
        links = ", ".join(decision["supersedes"]) or "none"
        header = (
            f"`{safe(path)}` · authors: {', '.join(decision['author_names']) or 'unknown'}"
            f" · components: {', '.join(decision['components']) or 'none'}"
            f" · supersedes: {links}\n\n---\n\n"
        )
        body = read_record(self.repository, path)
        self.query_one("#decision-markdown", Markdown).update(header + body)


class PlanPane(VerticalScroll):
    """The cross-training plan, as `busfactor plan --format markdown` renders it."""

    def compose(self) -> ComposeResult:
        yield Markdown("", id="plan-markdown")

    def show(self, report: ScanReport) -> None:
        """Compute and render the plan."""
        plan = make_plan(report.graph)
        self.query_one("#plan-markdown", Markdown).update(render_plan_markdown(plan, report.graph))
