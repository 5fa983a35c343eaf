"""OrgApp: an organisation report (`busfactor.org/1`) in the terminal.

Two tables: the repositories (truck factor, components at bus factor 1, error) and the
people (repositories, sole-holder repositories, the cross-repository flag), worst first.
Every string from a repository is shown literally: it goes into a `Text`, never markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from busfactor.core.wording import counted, listed
from busfactor.formats.text_safety import printable
from busfactor.ui.signals import exit_on_signals, release_signals, stopped_by
from busfactor.ui.view import fit_names

OrgReport = Mapping[str, Any]


def literal(value: object, style: str = "") -> Text:
    """Repository text as a literal Text: no markup, control characters escaped."""
    return Text(printable(str(value)), style=style)


def summary_text(report: OrgReport) -> Text:
    """`3 repositories (1 failed) · 5 people · 1 single point of failure across repositories`."""
    summary = report.get("summary", {})
    failed = summary.get("failed", 0)
    spofs = summary.get("single_points_of_failure", 0)
    line = Text(counted(summary.get("repositories", 0), "repository", "repositories"))
    if failed:
        line.append(f" ({failed} failed)", style="bold red")
    line.append(f" · {counted(summary.get('people', 0), 'person', 'people')} · ")
    line.append(
        f"{spofs} single point{'s' if spofs != 1 else ''} of failure across repositories",
        style="bold red" if spofs else "green",
    )
    return line


PEOPLE_WIDTH = 48
"""Cells for a repository's truck-factor people (every name is in the JSON report)."""


def repository_row(repo: Mapping[str, Any], names: Mapping[str, str]) -> list[Text]:
    """Name, truck factor, its people, components at bus factor 1, error."""
    if repo.get("error"):
        return [
            literal(repo["name"]),
            Text("-"),
            Text(""),
            Text("-"),
            literal(repo["error"], "red"),
        ]
    truck = int(repo["truck_factor"])
    holders = [names.get(p, p) for p in repo.get("truck_factor_people", [])]
    # The names that fit, then "+N": the Error column stays on screen at 120 columns.
    people = fit_names(holders, len(holders), PEOPLE_WIDTH)
    at_one = len(repo.get("components_at_bus_factor_1", []))
    return [
        literal(repo["name"]),
        Text(str(truck), style="bold red" if truck <= 1 else ""),
        literal(people),
        Text(f"{at_one} of {repo.get('components', 0)}", style="yellow" if at_one else ""),
        Text(""),
    ]


PERSON_WIDTH = 28
"""Longer names end in … (the line below the tables has them whole): one of 46 cells pushed
the flag, the view's key figure, off an 80-column screen."""


def person_row(person: Mapping[str, Any]) -> list[Text]:
    """Name, the flag, repositories, sole-holder repositories (count and names)."""
    flagged = bool(person.get("single_point_of_failure"))
    holder = person.get("sole_holder_repositories", [])
    name = literal(person.get("name") or person["id"], "bold" if flagged else "")
    name.truncate(PERSON_WIDTH, overflow="ellipsis")
    return [
        name,
        Text("FLAGGED", style="bold red") if flagged else Text(""),
        Text(str(len(person.get("repositories", [])))),
        Text(str(len(holder)), style="bold red" if flagged else ""),
        literal(", ".join(holder)),
    ]


def repository_detail(repo: Mapping[str, Any], names: Mapping[str, str]) -> Text:
    """A repository in full: truck-factor people, every component at bus factor 1, its
    error or warnings."""
    shown = literal(repo["name"], "bold")
    if repo.get("error"):
        shown.append("  ")
        shown.append_text(literal(repo["error"], "red"))
        return shown
    people = [names.get(p, p) for p in repo.get("truck_factor_people", [])]
    shown.append(f"  truck factor {repo['truck_factor']}: ")
    shown.append_text(literal(listed(people) or "nobody"))
    at_one = repo.get("components_at_bus_factor_1", [])
    shown.append(f"\nBus factor 1 ({len(at_one)}): ")
    shown.append_text(literal(", ".join(at_one) or "none"))
    for warning in repo.get("warnings", [])[:3]:
        shown.append("\n")
        shown.append_text(literal(warning, "yellow"))
    return shown


def person_detail(person: Mapping[str, Any]) -> Text:
    """A person in full: the repositories they commit to, and the components they alone hold
    (repository:component), which make them a single point of failure."""
    shown = literal(person.get("name") or person["id"], "bold")
    shown.append("  ")
    shown.append_text(literal(person.get("email") or person["id"]))
    shown.append("\nRepositories: ")
    shown.append_text(literal(", ".join(person.get("repositories", [])) or "none"))
    held = person.get("sole_components", [])
    shown.append(f"\nHolds alone ({len(held)}): ")
    shown.append_text(literal(", ".join(held) or "nothing"))
    return shown


class OrgCommands(Provider):
    """`Repository: …` and `Person: …`: the palette puts the cursor on that row."""

    def entries(self) -> list[tuple[str, str]]:
        """(what the palette shows, the row's key)."""
        report: OrgReport = self.app.report  # type: ignore[attr-defined]
        repos = [
            (f"Repository: {printable(str(r['name']))}", f"r{i}")
            for i, r in enumerate(report.get("repositories", []))
        ]
        people = [
            (f"Person: {printable(str(p.get('name') or p['id']))}", f"p{i}")
            for i, p in enumerate(report.get("people", []))
        ]
        return repos + people

    async def discover(self) -> Hits:
        for shown, key in self.entries():
            yield DiscoveryHit(Content(shown), partial(self._select, key), text=shown)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for shown, key in self.entries():
            score = matcher.match(shown)
            if score > 0:
                yield Hit(score, matcher.highlight(shown), partial(self._select, key), text=shown)

    def _select(self, key: str) -> None:
        app: OrgApp = self.app  # type: ignore[assignment]
        app.select_row(key)


class OrgApp(App[int]):
    """Browse an organisation report: repositories and the people who alone hold knowledge."""

    TITLE = "busfactor: organisation"
    COMMANDS = App.COMMANDS | {OrgCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "leave", "Quit"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        # As in the repository app (and any terminal program): ctrl+c quits, not a hint.
        Binding("ctrl+c", "leave", "Quit", show=False, priority=True),
        Binding("ctrl+z", "suspend_process", "Suspend", show=False),  # Textual binds none
    ]
    CSS = """
    #org-summary { padding: 0 1; height: auto; }
    #org-detail { padding: 1 1 0 1; height: auto; max-height: 8; }
    .org-heading { padding: 1 1 0 1; text-style: bold; height: auto; }
    DataTable { height: 1fr; }
    """

    def __init__(self, report: OrgReport, *, title: str = "") -> None:
        super().__init__()
        self.report = report
        if title:
            self.sub_title = printable(title)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(summary_text(self.report), id="org-summary")
            yield Static("Repositories", classes="org-heading")
            yield DataTable(id="org-repositories", cursor_type="row", zebra_stripes=True)
            yield Static("People, worst first", classes="org-heading")
            yield DataTable(id="org-people", cursor_type="row", zebra_stripes=True)
            yield Static("", id="org-detail")
        yield Footer()

    def on_mount(self) -> None:
        exit_on_signals(self)
        names = {p["id"]: p.get("name") or p["id"] for p in self.report.get("people", [])}
        self.names = names
        repos: DataTable[Text] = self.query_one("#org-repositories", DataTable)
        repos.add_columns(
            "Repository", "Truck factor", "Truck-factor people", "Bus factor 1", "Error"
        )
        for index, repo in enumerate(self.report.get("repositories", [])):
            repos.add_row(*repository_row(repo, names), key=f"r{index}")
        people: DataTable[Text] = self.query_one("#org-people", DataTable)
        people.add_columns("Person", "Cross-repo", "Repositories", "Sole holder in", "Where")
        for index, person in enumerate(self.report.get("people", [])):
            people.add_row(*person_row(person), key=f"p{index}")

    def on_unmount(self) -> None:
        release_signals(self)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.has_focus:  # both tables highlight a row when they are filled
            self._show(str(event.row_key.value or ""))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Moving into a table shows the row its cursor is on."""
        table = event.widget
        if isinstance(table, DataTable) and table.row_count:
            cell = table.coordinate_to_cell_key(table.cursor_coordinate)
            self._show(str(cell.row_key.value or ""))

    def _show(self, key: str) -> None:
        """The row under the cursor, in full below the tables: a repository's components at
        bus factor 1 and its warnings, a person's sole components and repositories."""
        detail = self.query_one("#org-detail", Static)
        if key.startswith("r"):
            detail.update(repository_detail(self.report["repositories"][int(key[1:])], self.names))
        elif key.startswith("p"):
            detail.update(person_detail(self.report["people"][int(key[1:])]))

    def select_row(self, key: str) -> None:
        """Focus the table that holds row `key` (`r3`, `p0`) with the cursor on it."""
        table = self.query_one(
            "#org-repositories" if key.startswith("r") else "#org-people", DataTable
        )
        table.focus()
        table.move_cursor(row=table.get_row_index(key))
        self._show(key)

    def action_help(self) -> None:
        """The help screen (again: closes it)."""
        from busfactor.ui.help import ORG_SECTIONS, HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(ORG_SECTIONS))

    def action_leave(self) -> None:
        """Quit with exit code 0."""
        self.exit(0)


def run_org_tui(report: OrgReport, title: str = "") -> int:
    """Run the app on a checked `busfactor.org/1` report; its exit code."""
    app = OrgApp(report, title=title)
    result = app.run()
    number = stopped_by(app)
    if number is not None:
        return 128 + number
    return 1 if app.return_code else int(result or 0)  # 1: the app failed (Textual said why)
