"""The table tabs: Components (sortable, filterable), People (leaving toggle), Findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.console import JustifyMethod
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.render import measure
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey, RowDoesNotExist

from busfactor.ui.messages import (
    ComponentChosen,
    DecisionChosen,
    LeavingToggled,
    NewDocumentRequested,
    PersonChosen,
)
from busfactor.ui.theme import Tones, tones_of
from busfactor.ui.view import (
    SEVERITY_ORDER,
    ShortPaths,
    changed_components,
    cut,
    findings_by_component,
    fit_names,
    names_of,
    risk_of,
    risk_rank,
    safe,
    text,
    unique_knowledge,
)

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport

Row = dict[str, Any]


class SortedTable(DataTable[Any]):
    """A row-cursor table over dict rows, sorted by clicking a header or from the keyboard
    (`.` the next column, `,` the other way round); the sorted column's header shows ▲ or ▼.
    A label may take two lines (`"Bus\\nfactor"`): the header is then two lines high."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("full_stop", "sort_next", "Sort by the next column", show=False),
        Binding("comma", "sort_flip", "Reverse the sort", show=False),
        # DataTable's own Home and End scroll sideways and leave the cursor (and Enter) on
        # the row it was on; in a list of rows they mean the first and the last row.
        Binding("home", "first_row", "First row", show=False),
        Binding("end", "last_row", "Last row", show=False),
    ]

    def __init__(self, columns: Mapping[str, str], *, id: str) -> None:
        header_height = max(label.count("\n") + 1 for label in columns.values())
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, header_height=header_height)
        self.column_labels = dict(columns)
        self.rows_data: list[Row] = []
        self.sort_column: str | None = None
        self.sort_reverse = False
        self.sort_keys: dict[str, Callable[[Row], Any]] = {}
        self.render_row: Callable[[Row], list[Text]] = lambda row: []
        self.row_key: Callable[[Row], str] = lambda row: str(row.get("name"))
        self.keep: Callable[[Row], bool] = lambda row: True
        self.after_redraw: Callable[[int], None] = lambda shown: None
        """Told how many rows are shown after every redraw (a pane says why none are)."""
        self.right_aligned: set[str] = set()
        """Columns of figures: their headers are right-aligned like their cells."""
        self.wide_cells = False
        """Its cells use more of a wider terminal (names, titles): drawn again on a resize."""
        self._drawn_width = 0
        self._drawn_keys: dict[int, str] = {}
        """Each shown row's table key, by the row's id: `redraw_rows` finds the rows it
        changes in place without a search."""
        self.descending_first: set[str] = set()
        """Columns sorted largest first when first chosen (their header shows ▼ then):
        People's figures. Their keys were negated, so ▲ stood over 465, 326, 155…"""
        self.themed: tuple[str, ...] = ()
        """Columns drawn in the theme's colours: a theme change draws only these again."""

    def on_mount(self) -> None:
        for key, label in self.column_labels.items():
            header = Text(label, justify="right" if key in self.right_aligned else "left")
            self.add_column(header, key=key)
        self._header_widths()
        self._mark_sorted()  # a pane may start sorted (Components by risk)

    def _header_widths(self) -> None:
        """Every column as wide as its header again; the rows then widen it as they need.
        `clear` keeps the widths, so a column stayed as wide as the widest cell it ever had
        (the what-if's `1→0, 3 orphaned`, at 80 columns pushing Top authors out of view)."""
        for key, label in self.column_labels.items():
            column = self.columns[ColumnKey(key)]
            width = measure(self.app.console, Text(label), 1)
            if key in self.sort_keys:
                # Room for ▲/▼ from the start: a column is as wide as its header when the
                # header is added, so the arrow was cut off (or wrapped) where the header
                # fills the column ("Bus factor", "Severity").
                width = max(width, measure(self.app.console, Text(self.marked(label, "▼")), 1))
            column.content_width = width

    def on_resize(self) -> None:
        if self.wide_cells and self.rows_data and self.app.size.width != self._drawn_width:
            self.redraw()

    def load(self, rows: Iterable[Row]) -> None:
        """Replace the rows (kept in the given order until a header is pressed)."""
        self.rows_data = list(rows)
        self.redraw()

    def redraw(self) -> None:
        """Rebuild the visible rows: filter, sort, keep the cursor on the same row."""
        selected = self.selected_key()
        self._drawn_width = self.app.size.width
        across = self.scroll_x  # `clear` scrolls back to the left edge
        rows = [row for row in self.rows_data if self.keep(row)]
        if self.sort_column is not None:
            rows.sort(key=self.sort_keys[self.sort_column], reverse=self.sort_reverse)
        self.clear()
        self._header_widths()
        used: set[str] = set()
        drawn: dict[int, str] = {}
        for row in rows:
            key = self.row_key(row)
            while key in used:  # duplicate keys would make DataTable raise
                key += "'"
            used.add(key)
            drawn[id(row)] = key
            self.add_row(*self.render_row(row), key=key)
        self._drawn_keys = drawn
        if selected is not None and selected in used:
            self.move_cursor(row=self.get_row_index(selected))
        if across:  # a filter typed, a person marked leaving: the columns stay where they were
            self.call_after_refresh(self.scroll_to, x=across, animate=False, immediate=True)
        self.after_redraw(len(used))

    def redraw_rows(self, changed: Callable[[Row], bool], column: str) -> None:
        """Draw again, in place, the rows for which `changed` holds, whose `column` changed.

        Marking one person redrew all of git.git's 2,339 people: the mark showed a second
        after space. Sorted by that column, the rows are then put in order again (in place).
        """
        self._draw_cells(changed, set(self.column_labels))
        if column == self.sort_column:
            self._reorder()

    def restyle(self) -> None:
        """A theme change: the `themed` columns drawn again, in place, in its colours.
        Every row drawn anew, git.git's 2,339 people among them, held the app about half a
        second, and the whole change about a second."""
        if self.themed:
            self._draw_cells(lambda row: True, set(self.themed))

    def _draw_cells(self, changed: Callable[[Row], bool], columns: set[str]) -> None:
        """Update, in place, the cells of `columns` in the shown rows `changed` holds for."""
        keys = list(self.column_labels)
        for row in self.rows_data:
            key = self._drawn_keys.get(id(row))
            if key is None or not changed(row):
                continue
            for column_key, cell in zip(keys, self.render_row(row), strict=True):
                if column_key not in columns:
                    continue
                # Only a wider cell widens its column: asked to fit a narrower one,
                # DataTable measures every cell of the column again (18,000 on git.git).
                wider = cell.cell_len > self.columns[ColumnKey(column_key)].content_width
                self.update_cell(key, column_key, cell, update_width=wider)

    def selected_key(self) -> str | None:
        """The key of the row under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    @on(DataTable.HeaderSelected)
    def sort_by_header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column not in self.sort_keys:
            return
        if column == self.sort_column:
            self.sort_by(column, not self.sort_reverse)
        else:
            self.sort_by(column, column in self.descending_first)

    def action_sort_next(self) -> None:
        """`.`: sort by the next column that sorts (the first one when none does yet)."""
        keys = [key for key in self.column_labels if key in self.sort_keys]
        if not keys:
            return
        after = keys.index(self.sort_column) + 1 if self.sort_column in keys else 0
        column = keys[after % len(keys)]
        self.sort_by(column, reverse=column in self.descending_first)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, column=self.cursor_column)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, column=self.cursor_column)

    def action_sort_flip(self) -> None:
        """`,`: the same column the other way round."""
        if self.sort_column is None:
            self.action_sort_next()
        else:
            self.sort_by(self.sort_column, reverse=not self.sort_reverse)

    def sort_by(self, column: str, reverse: bool) -> None:
        """Sort by `column` and mark its header (▲ ascending, ▼ descending)."""
        self.sort_column, self.sort_reverse = column, reverse
        self._mark_sorted()
        self._reorder()
        # The rows reordered: the column they are sorted by must be on screen (at 80
        # columns `.` reached columns scrolled out of view).
        self.call_after_refresh(self.show_sorted_column)

    def _reorder(self) -> None:
        """Put the shown rows in the sorted order without drawing them again (as `redraw`
        would order them): re-adding git.git's 2,339 people took 0.6-0.8 s per sort."""
        shown = [row for row in self.rows_data if id(row) in self._drawn_keys]
        if len(shown) != self.row_count or self.sort_column is None:
            self.redraw()
            return
        selected = self.selected_key()
        shown.sort(key=self.sort_keys[self.sort_column], reverse=self.sort_reverse)
        # DataTable sorts by cell values; each row's first cell is an object of its own,
        # so its identity names the row.
        first = next(iter(self.column_labels))
        rank = {
            id(self.get_cell(self._drawn_keys[id(row)], first)): place
            for place, row in enumerate(shown)
        }
        if len(rank) != len(shown):  # a cell shared between rows: no identity to go by
            self.redraw()
            return
        self.sort(first, key=lambda cell: rank[id(cell)])
        if selected is not None:
            self.move_cursor(row=self.get_row_index(selected))

    def show_sorted_column(self) -> None:
        """Scroll sideways, if need be, so the sorted column is in view."""
        if self.sort_column is None or ColumnKey(self.sort_column) not in self.columns:
            return
        index = self.get_column_index(self.sort_column)
        if index < self.fixed_columns:  # always on screen: the table from its left again
            self.scroll_to(x=0, animate=False, immediate=True)
            return
        column = self._get_column_region(index)
        view = self.scrollable_content_region.width
        # Fixed columns (People's names) cover the left of the view.
        fixed = sum(c.get_render_width(self) for c in self.ordered_columns[: self.fixed_columns])
        if column.x - fixed < self.scroll_x:
            self.scroll_to(x=column.x - fixed, animate=False, immediate=True)
        elif column.right > self.scroll_x + view:
            x = min(column.x - fixed, column.right - view)
            self.scroll_to(x=x, animate=False, immediate=True)

    def marked(self, label: str, arrow: str) -> str:
        """The header of the sorted column: the arrow on a line of its own when the header
        has a free line (`Risk` over `▲`), else after the label's shortest line (`Bus▲` over
        `factor`), so that it widens the column as little as it can."""
        lines = label.split("\n")
        if len(lines) < self.header_height:
            return "\n".join([*lines, arrow])
        shortest = min(range(len(lines)), key=lambda at: cell_len(lines[at]))
        lines[shortest] += arrow
        return "\n".join(lines)

    def _mark_sorted(self) -> None:
        for key, label in self.column_labels.items():
            marked = self.marked(label, "▼" if self.sort_reverse else "▲")
            found = self.columns.get(ColumnKey(key))
            if found is not None:
                justify: JustifyMethod = "right" if key in self.right_aligned else "left"
                found.label = Text(marked if key == self.sort_column else label, justify=justify)


def select_row(table: DataTable[Any], key: str) -> bool:
    """Focus the table with the cursor on the row `key` (False when it is not shown)."""
    try:
        index = table.get_row_index(key)
    except RowDoesNotExist:
        return False
    table.move_cursor(row=index)
    table.focus()
    return True


class FilterInput(Input):
    """The components filter: Enter goes on to the table keeping the filter, Esc clears it
    and goes back to the table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Clear filter", key_display="esc"),
    ]

    class Left(Message):
        """Esc in the filter."""

    def action_leave(self) -> None:
        self.value = ""
        self.post_message(self.Left())


class ComponentsPane(Vertical):
    """Every component with its risk; Enter opens its detail screen, a/n write an ADR/runbook.

    Narrow enough for 120 columns: two-line headers over short figures, long component names
    shortened from the left and the top authors cut to a width (the detail shows both whole).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "new_document('adr')", "New ADR"),
        Binding("n", "new_document('runbook')", "New runbook"),
    ]
    COLUMNS: ClassVar[dict[str, str]] = {
        "risk": "Risk",
        "name": "Component",
        "bus_factor": "Bus\nfactor",
        "files": "Files",
        "files_lost": "Files\nlost",
        "whatif": "If they\nleave",
        "authors": "Top authors",
        "runbook": "Runbook",
        "decisions": "ADRs",
        "findings": "Findings",
    }
    NAME_WIDTH = 22
    """Component names longer than this lose leading folders (`…/legacy-billing`) at 120
    columns and fewer; each column more gives one more, up to `NAME_WIDTH_MAX`."""
    NAME_WIDTH_MAX = 60
    AUTHORS_WIDTH = 24
    """Top authors: the names that fit, then `+N` for the other authors."""

    def __init__(self) -> None:
        super().__init__()
        self.report: ScanReport | None = None
        self.changed: dict[str, tuple[int, int, int]] = {}
        self.filter_text = ""
        self.short_names = ShortPaths()

    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder="Filter components or authors (/)…", id="component-filter", compact=True
        )
        yield Static("", id="components-empty", classes="hint empty")
        table = SortedTable(self.COLUMNS, id="components-table")
        table.fixed_columns = 2  # Risk and Component stay when a sort scrolls to Findings
        table.after_redraw = self._say_if_empty
        table.sort_keys = {
            "risk": risk_rank,
            "name": lambda r: r["name"],
            "files": lambda r: r["files"],
            "bus_factor": lambda r: r["bus_factor"],
            "files_lost": lambda r: r["files_lost"],
            "runbook": lambda r: r.get("runbook_status", "missing"),
            "decisions": lambda r: len(r.get("decisions", [])),
            "findings": lambda r: r["finding_count"],
        }
        table.render_row = self._cells
        table.themed = ("risk", "whatif")
        table.right_aligned = {"bus_factor", "files", "files_lost", "decisions", "findings"}
        table.row_key = lambda r: str(r["name"])
        table.keep = self._matches
        table.sort_column = "risk"
        table.wide_cells = True
        yield table

    def show(self, report: ScanReport, whatif: Mapping[str, Any] | None) -> None:
        """Load the report's components (lowest bus factor first)."""
        self.report = report
        self.changed = changed_components(whatif)
        counts = findings_by_component(report)
        rows = []
        for component in report.components():
            names = names_of(report, component["authors"][:3])
            rows.append(
                {**component, "finding_count": counts[component["name"]], "author_names": names}
            )
        self.short_names = ShortPaths(safe(row["name"]) for row in rows)
        self.query_one(SortedTable).load(rows)

    def set_whatif(self, whatif: Mapping[str, Any] | None) -> None:
        """Mark the components the current what-if changes (only their rows are drawn
        again)."""
        before, self.changed = self.changed, changed_components(whatif)
        table = self.query_one(SortedTable)
        if not self.changed:  # nobody leaving: the column narrows again (at 80 columns
            table.redraw()  # its width pushed Top authors out of view)
            return
        table.redraw_rows(
            lambda row: before.get(row["name"]) != self.changed.get(row["name"]), "whatif"
        )

    def _cells(self, row: Row) -> list[Text]:
        tones = tones_of(self.app)
        risk = risk_of(row)
        change = self.changed.get(row["name"])
        return [
            Text(risk, style=tones.risk(risk)),
            text(self.short_names(safe(row["name"]), self._name_width())),
            Text(str(row["bus_factor"]), justify="right"),
            Text(str(row["files"]), justify="right"),
            Text(str(row["files_lost"]), justify="right"),
            self._change(change, tones),
            Text(fit_names(row["author_names"], len(row["authors"]), self.AUTHORS_WIDTH)),
            text(row.get("runbook_status", "missing")),
            Text(str(len(row.get("decisions", []))), justify="right"),
            Text(str(row["finding_count"]), justify="right"),
        ]

    def _name_width(self) -> int:
        spare = max(0, self.app.size.width - 120)
        return min(self.NAME_WIDTH + spare, self.NAME_WIDTH_MAX)

    @staticmethod
    def _change(change: tuple[int, int, int] | None, tones: Tones) -> Text:
        """`1→0, 3 orphaned`: the bus factor after the what-if and files left authorless."""
        if change is None:
            return Text("")
        before, after, orphaned = change
        cell = Text()
        cell.append(f"{before}→{after}", style=tones.error if after < before else tones.warning)
        if orphaned:
            cell.append(f", {orphaned} orphaned", style=tones.warning)
        return cell

    def _matches(self, row: Row) -> bool:
        wanted = self.filter_text.strip().lower()
        haystack = " ".join([row["name"], *row["author_names"], *row["authors"]]).lower()
        return not wanted or wanted in haystack

    @on(Input.Changed, "#component-filter")
    def filter_rows(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.query_one(SortedTable).redraw()

    @on(Input.Submitted, "#component-filter")
    @on(FilterInput.Left)
    def to_table(self) -> None:
        """Enter in the filter: on to the table, where Enter opens a component. Esc: the
        same, the filter cleared."""
        self.query_one(SortedTable).focus()

    def _say_if_empty(self, shown: int) -> None:
        """An empty table says why: the filter matches nothing (or there are no components)."""
        empty = self.query_one("#components-empty", Static)
        empty.display = not shown
        if not shown:
            wanted = self.filter_text.strip()
            empty.update(
                Text(f"No components match '{safe(wanted)}' (esc clears the filter).")
                if wanted
                else Text("No components.")
            )

    @on(DataTable.RowSelected, "#components-table")
    def open_component(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(ComponentChosen(str(event.row_key.value)))

    def action_new_document(self, kind: str) -> None:
        """Ask the app for a new ADR or runbook about the selected component."""
        name = self.query_one(SortedTable).selected_key()
        if name is None:
            what = "an ADR" if kind == "adr" else "a runbook"
            why = "the filter shows none" if self.query_one(Input).value else "there are none"
            self.notify(f"No component selected for {what}: {why}.", severity="warning")
            return
        self.post_message(NewDocumentRequested(kind, name))


class PeoplePane(Vertical):
    """People with their unique knowledge; space marks the selected person as leaving."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_leaving", "Leaving?"),
    ]
    COLUMNS: ClassVar[dict[str, str]] = {
        "leaving": "Leaving",
        "name": "Name",
        "commits": "Commits",
        "active": "Active",
        "files_authored": "Files\nauthored",
        "unique_files": "Sole author\nof files",
        "unique_components": "Holds alone\n(bus factor 1)",
    }
    NAME_WIDTH = 26
    """Longer names end in `…` (the person's detail shows them whole): one long name made the
    column 44 cells wide and pushed the last column off a 120-column screen."""

    def __init__(self) -> None:
        super().__init__()
        self.leaving: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Static(
            "Enter: what they alone know · space: mark as leaving (what-if on Overview, "
            "Components)",
            classes="hint",
        )
        table = SortedTable(self.COLUMNS, id="people-table")
        table.fixed_columns = 2  # Leaving and Name stay when a sort scrolls to Holds alone
        table.sort_keys = {
            "leaving": lambda r: r["id"] not in self.leaving,
            "name": lambda r: r["name"].lower(),
            "commits": lambda r: r["commits"],
            "active": lambda r: not r["active"],
            "files_authored": lambda r: r["files_authored"],
            "unique_components": lambda r: len(r["unique"][0]),
            "unique_files": lambda r: r["unique"][1],
        }
        table.descending_first = {"commits", "files_authored", "unique_components", "unique_files"}
        table.render_row = self._cells
        table.themed = ("leaving", "active")
        table.right_aligned = {"commits", "files_authored", "unique_files"}
        table.row_key = lambda r: str(r["id"])
        yield table

    def show(self, report: ScanReport, leaving: Iterable[str]) -> None:
        """Load the people (most files authored first)."""
        self.leaving = set(leaving)
        unique = unique_knowledge(report)
        rows = [{**p, "unique": unique.get(p["id"], ([], 0))} for p in report.people()]
        self.query_one(SortedTable).load(rows)

    def set_leaving(self, leaving: Iterable[str]) -> None:
        """Show who is marked as leaving (only the rows whose mark changed are drawn again)."""
        before, self.leaving = self.leaving, set(leaving)
        flipped = before ^ self.leaving
        self.query_one(SortedTable).redraw_rows(lambda row: row["id"] in flipped, "leaving")

    def _cells(self, row: Row) -> list[Text]:
        tones = tones_of(self.app)
        components, files = row["unique"]
        shown = ", ".join(safe(c) for c in components[:3]) + (" …" if len(components) > 3 else "")
        return [
            Text("LEAVING", style=tones.error) if row["id"] in self.leaving else Text(""),
            cut(safe(row["name"] or row["id"]), self.NAME_WIDTH),
            Text(str(row["commits"]), justify="right"),
            Text("yes", style=tones.success) if row["active"] else Text("no", style=tones.muted),
            Text(str(row["files_authored"]), justify="right"),
            Text(str(files), justify="right"),
            Text(f"{len(components)}  {shown}".rstrip()),
        ]

    @on(DataTable.RowSelected, "#people-table")
    def open_person(self, event: DataTable.RowSelected) -> None:
        """Enter: the person's detail (what they alone know, what their leaving changes)."""
        if event.row_key.value is not None:
            self.post_message(PersonChosen(str(event.row_key.value)))

    def select(self, person_id: str) -> bool:
        """Put the cursor on a person's row (False when the row is not shown)."""
        return select_row(self.query_one(SortedTable), person_id)

    def action_toggle_leaving(self) -> None:
        person = self.query_one(SortedTable).selected_key()
        if person is not None:
            self.post_message(LeavingToggled(person))


class FindingsPane(Vertical):
    """Every finding; 1/2/3 show errors, warnings, info only, u steps through the rules, and
    0 shows all again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("0", "severity('')", "All"),
        Binding("1", "severity('error')", "Errors"),
        Binding("2", "severity('warning')", "Warnings"),
        Binding("3", "severity('info')", "Info"),
        Binding("u", "next_rule", "Rule"),
    ]
    COLUMNS: ClassVar[dict[str, str]] = {
        "severity": "Severity",
        "rule": "Rule",
        "where": "Component / path",
        "message": "Message",
    }
    WHERE_WIDTH = 24
    """Longer components and paths keep their end (`…/legacy-billing`). The message, the
    longest cell, comes last: before it, git.git's messages pushed this column out of view
    at 120 columns, cut to `Com`. Wider terminals give it one column in two more."""

    def __init__(self) -> None:
        super().__init__()
        self.severity = ""
        self.rule = ""
        self.by_fingerprint: dict[str, Row] = {}
        self.short_places = ShortPaths()

    def compose(self) -> ComposeResult:
        yield Static(self._hint(), id="findings-hint")
        yield Static("", id="findings-empty", classes="hint empty")
        table = SortedTable(self.COLUMNS, id="findings-table")
        table.after_redraw = self._say_if_empty
        table.sort_keys = {
            "severity": lambda r: SEVERITY_ORDER.get(r["severity"], 9),
            "rule": lambda r: r["rule"],
            "where": _place,
        }
        table.render_row = self._cells
        table.themed = ("severity",)
        table.row_key = lambda r: str(r["fingerprint"])
        table.wide_cells = True
        table.keep = lambda r: (
            (not self.severity or r["severity"] == self.severity)
            and (not self.rule or r["rule"] == self.rule)
        )
        yield table

    def show(self, report: ScanReport) -> None:
        """Load the findings, most severe first."""
        self.by_fingerprint = {str(f["fingerprint"]): f for f in report.findings()}
        self.short_places = ShortPaths(safe(_place(f)) for f in report.findings())
        self.query_one(SortedTable).load(report.findings())

    @on(DataTable.RowSelected, "#findings-table")
    def jump(self, event: DataTable.RowSelected) -> None:
        """Enter: the finding's component detail, or its decision record on Decisions; any
        other (a CODEOWNERS line) has no screen of its own, so its whole message is shown
        (it said "CODEOWNERS is not a decision record")."""
        finding = self.by_fingerprint.get(str(event.row_key.value))
        if finding is None:
            return
        if finding.get("component"):
            self.post_message(ComponentChosen(str(finding["component"])))
        elif finding.get("rule") == "orphaned-decision" and finding.get("path"):
            self.post_message(DecisionChosen(str(finding["path"])))
        else:
            location = finding.get("location") or {}
            line = f":{location['line']}" if location.get("line") else ""
            where = f"{finding['path']}{line}: " if finding.get("path") else ""
            said = where + str(finding["message"])
            self.app.notify(safe(said), title=str(finding["rule"]), markup=False)

    def _cells(self, row: Row) -> list[Text]:
        severity = str(row["severity"])
        width = self.WHERE_WIDTH + max(0, self.app.size.width - 120) // 2
        where = _place(row)
        message = str(row["message"])
        if where and message.startswith(f"{where}: "):  # said in the column before it
            message = message[len(where) + 2 :]
        return [
            Text(severity.upper(), style=tones_of(self.app).severity(severity)),
            text(row["rule"]),
            text(self.short_places(safe(where), width)),
            text(message),
        ]

    def action_severity(self, severity: str) -> None:
        """1/2/3: one severity; 0: every finding again (any rule)."""
        self.severity = severity
        if not severity:
            self.rule = ""
        self._refilter()

    def action_next_rule(self) -> None:
        """u: only the next rule found in the report at the severity shown, then all rules
        again (it stopped at rules with nothing to show: "No warning findings of rule …")."""
        rules = sorted(
            {
                str(f["rule"])
                for f in self.by_fingerprint.values()
                if not self.severity or f["severity"] == self.severity
            }
        )
        if not rules:
            return
        at = rules.index(self.rule) + 1 if self.rule in rules else 0
        self.rule = rules[at] if at < len(rules) else ""
        self._refilter()

    def _refilter(self) -> None:
        self.query_one("#findings-hint", Static).update(Text(self._hint()))
        self.query_one(SortedTable).redraw()

    def _say_if_empty(self, shown: int) -> None:
        """An empty table says why: no findings at all, or none of the severity and rule."""
        empty = self.query_one("#findings-empty", Static)
        empty.display = not shown
        if shown:
            return
        if not self.severity and not self.rule:
            empty.update(Text("No findings."))
            return
        what = f"{self.severity} findings" if self.severity else "findings"
        if self.rule:
            what += f" of rule {safe(self.rule)}"
        empty.update(Text(f"No {what} (0 shows all)."))

    def _hint(self) -> str:
        shown = f"{self.severity} findings" if self.severity else "all findings"
        if self.rule:
            shown += f" of rule {safe(self.rule)}"
        return f"Showing {shown} (0 all, 1 errors, 2 warnings, 3 info, u next rule)"


def _place(finding: Row) -> str:
    """Where a finding is: its component, else its file (a decision record's)."""
    return str(finding.get("component") or finding.get("path") or "")
