"""Pilot tests: the app on small real repositories, driven by keys and asserted on data shown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Digits, Input, Static

from builders import RepoBuilder
from busfactor.core.report import ScanReport
from busfactor.core.whatif import simulate
from busfactor.pipeline import scan
from busfactor.ui import detail
from busfactor.ui.app import BusfactorApp, make_app
from busfactor.ui.detail import ComponentScreen, ErrorScreen, FileTree
from busfactor.ui.help import HelpScreen, help_text
from busfactor.ui.messages import ScanFinished
from busfactor.ui.tables import FindingsPane, SortedTable
from busfactor.ui.theme import PLAIN

SIZE = (120, 40)


def run(app: BusfactorApp, scenario: Callable[[Pilot[int]], Awaitable[None]]) -> None:
    """Drive the app headless at 120x40 through one scenario."""

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(drive())


def plain_cells(table: DataTable[object], column: int) -> list[str]:
    """The plain text of one column, top to bottom."""
    cells = []
    for row in range(table.row_count):
        cell = table.get_row_at(row)[column]
        cells.append(cell.plain if isinstance(cell, Text) else str(cell))
    return cells


def tree_labels(tree: FileTree) -> list[str]:
    """The plain labels of the tree's loaded nodes, depth first."""
    labels = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        labels.append(node.label.plain if isinstance(node.label, Text) else str(node.label))
        stack.extend(reversed(node.children))
    return labels


def test_overview_shows_the_truck_factor(small_repo: Path) -> None:
    """The big figure is the report's truck factor and names its people."""
    report = scan(small_repo)
    app = make_app(small_repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        assert app.query_one("#truck-digits", Digits).value == str(
            report.meta["truck_factor"]["value"]
        )
        people = app.query_one("#truck-people", Static).render()
        assert "Ada" in str(people)

    run(app, scenario)


def test_components_are_sorted_by_risk_and_sort_by_header(small_repo: Path) -> None:
    """HIGH rows come first; pressing the Component header sorts by name."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-components"  # type: ignore[attr-defined]
        await pilot.pause()
        table = app.query_one("#components-table", DataTable)
        risks = plain_cells(table, 0)
        order = {"HIGH": 0, "MED": 1, "OK": 2}
        assert [order[r] for r in risks] == sorted(order[r] for r in risks)
        assert risks[0] == "HIGH"
        await pilot.click(DataTable, offset=(9, 0))  # the "Component" header
        await pilot.pause()
        names = plain_cells(table, 1)
        assert names == sorted(names)

    run(app, scenario)


def test_tables_sort_from_the_keyboard_and_mark_the_sorted_column(small_repo: Path) -> None:
    """Sorting needed the mouse, and nothing showed which column was sorted: `.` sorts by the
    next column, `,` reverses, and the header carries ▲ or ▼."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        table = app.query_one("#components-table", DataTable)
        assert str(next(iter(table.columns.values())).label) == "Risk\n▲"  # as it starts
        await pilot.press("full_stop")  # the next column: the component's name
        await pilot.pause()
        names = plain_cells(table, 1)
        assert names == sorted(names)
        labels = [str(column.label) for column in table.columns.values()]
        assert labels[1] == "Component\n▲"
        assert labels[0] == "Risk"
        await pilot.press("comma")
        await pilot.pause()
        assert plain_cells(table, 1) == sorted(names, reverse=True)
        assert str(next(iter(table.columns.values())).label) == "Risk"
        assert str(list(table.columns.values())[1].label) == "Component\n▼"

    run(app, scenario)


def test_filter_keeps_matching_components(small_repo: Path) -> None:
    """Typing in the filter keeps only components whose name or authors match."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-components"  # type: ignore[attr-defined]
        await pilot.pause()
        app.query_one("#component-filter", Input).focus()
        await pilot.press("p", "a", "y")
        await pilot.pause()
        assert plain_cells(app.query_one("#components-table", DataTable), 1) == ["pay"]

    run(app, scenario)


def test_marking_a_person_as_leaving_updates_the_overview(small_repo: Path) -> None:
    """Space on Ada recomputes the what-if; the line under the figure (which stays today's
    truck factor) shows the truck factor after."""
    report = scan(small_repo)
    app = make_app(small_repo, report=report)
    expected = simulate(report.graph, ["ada@example.test"])["truck_factor"]

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-people"  # type: ignore[attr-defined]
        await pilot.pause()
        table = app.query_one("#people-table", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("ada@example.test"))
        await pilot.press("space")
        assert "LEAVING" in plain_cells(table, 0)  # marked at once, recomputed in a thread
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.leaving == ["ada@example.test"]
        assert expected["before"] != expected["after"]
        assert app.query_one("#truck-digits", Digits).value == str(expected["before"])
        change = str(app.query_one("#truck-change", Static).render())
        assert f"today {expected['before']} → after leaving {expected['after']}" in change
        changed = plain_cells(app.query_one("#components-table", DataTable), 5)
        assert any("→" in cell for cell in changed)
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.leaving == []
        assert app.query_one("#truck-digits", Digits).value == str(expected["before"])

    run(app, scenario)


def test_a_mark_draws_again_only_the_rows_it_changes(small_repo: Path) -> None:
    """Marking someone changes their row and the components the what-if changes; the other
    rows stay the very rows they were (git.git's 2,339 people were all drawn again, and the
    mark showed a second after space). Sorted by Leaving, a mark still reorders the rows."""
    from textual.widgets.data_table import ColumnKey, RowKey

    report = scan(small_repo)
    app = make_app(small_repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-people"  # type: ignore[attr-defined]
        await pilot.pause()
        people = app.query_one("#people-table", DataTable)
        components = app.query_one("#components-table", DataTable)
        people.focus()
        others = [key for key in people.rows if key != RowKey("ada@example.test")]
        assert others
        kept = {key: people.rows[key] for key in others}
        kept_components = dict(components.rows)
        narrow = components.columns[ColumnKey("whatif")].content_width
        people.move_cursor(row=people.get_row_index("ada@example.test"))
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert people.get_cell("ada@example.test", "leaving").plain == "LEAVING"
        assert all(people.rows[key] is row for key, row in kept.items())
        assert all(components.rows[key] is row for key, row in kept_components.items())
        marked = [str(components.get_cell(key, "whatif")) for key in components.rows]
        assert any("→" in cell for cell in marked)
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert people.get_cell("ada@example.test", "leaving").plain == ""
        assert all(str(components.get_cell(key, "whatif")) == "" for key in components.rows)
        # Nobody leaving: the what-if column is as narrow as before the first mark.
        whatif = components.columns[ColumnKey("whatif")]
        assert whatif.content_width == narrow
        # Sorted by the Leaving column, the marked person comes first, the rows kept.
        last = str(people.coordinate_to_cell_key((people.row_count - 1, 0)).row_key.value)
        people.move_cursor(row=people.row_count - 1)
        app.query_one("#people-table", SortedTable).sort_by("leaving", False)
        await pilot.pause()
        kept = dict(people.rows)
        await pilot.press("space")
        await pilot.pause()
        assert plain_cells(people, 0)[0] == "LEAVING"
        assert people.coordinate_to_cell_key((0, 0)).row_key.value == last
        assert all(people.rows[key] is row for key, row in kept.items())

    run(app, scenario)


def test_sorting_reorders_the_rows_without_drawing_them_again(small_repo: Path) -> None:
    """A sort puts the same rows in the new order, the cursor staying on its row, in the
    order a full redraw gives (re-adding git.git's 2,339 people took 0.6-0.8 s a sort)."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-people"  # type: ignore[attr-defined]
        await pilot.pause()
        table = app.query_one("#people-table", SortedTable)
        table.focus()
        rows = dict(table.rows)
        assert len(rows) >= 3
        table.move_cursor(row=1)
        under = table.selected_key()
        for column, reverse in [("name", False), ("commits", True), ("name", True)]:
            table.sort_by(column, reverse)
            await pilot.pause()
            assert all(table.rows[key] is row for key, row in rows.items())
            assert table.selected_key() == under
            order = [table.coordinate_to_cell_key((n, 0)).row_key for n in range(len(rows))]
            table.redraw()
            await pilot.pause()
            assert [table.coordinate_to_cell_key((n, 0)).row_key for n in range(len(rows))] == (
                order
            )
            rows = dict(table.rows)
        names = plain_cells(table, 1)
        assert names == sorted(names, key=str.lower, reverse=True)

    run(app, scenario)


def test_enter_on_a_component_opens_its_detail(small_repo: Path) -> None:
    """Enter opens the detail screen with the component's files; escape goes back."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-components"  # type: ignore[attr-defined]
        await pilot.pause()
        table = app.query_one("#components-table", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("pay"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ComponentScreen)
        labels = tree_labels(app.screen.query_one(FileTree))
        assert labels[0].startswith("pay/")
        assert "a.py  Ada" in labels
        assert any("█" in label and "Ada" in label for label in labels)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ComponentScreen)

    run(app, scenario)


def test_markup_and_control_characters_in_names_show_literally(small_repo: Path) -> None:
    """A name like `[bold]Eve[/bold]` is shown as typed; an escape sequence is shown escaped."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-people"  # type: ignore[attr-defined]
        await pilot.pause()
        names = plain_cells(app.query_one("#people-table", DataTable), 1)
        assert "[bold]Eve[/bold]" in names
        assert "Mal\\x1b[31mlory" in names
        assert "[bold]Eve[/bold]" in app.export_screenshot()

    run(app, scenario)


def test_without_a_report_the_worker_scans_and_shows_results(small_repo: Path) -> None:
    """The thread worker posts ScanFinished and the tabs fill in."""
    seen: list[object] = []
    app = make_app(small_repo)

    async def drive() -> None:
        async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            assert any(isinstance(message, ScanFinished) for message in seen)
            assert app.report is not None
            assert app.query_one("#truck-digits", Digits).value == str(
                app.report.meta["truck_factor"]["value"]
            )
            assert app.query_one("#components-table", DataTable).row_count == 3

    asyncio.run(drive())


def test_a_non_repository_shows_the_error_dialog(tmp_path: Path) -> None:
    """The one-line message appears in a modal, not a traceback; escape closes it."""
    app = make_app(tmp_path)

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, ErrorScreen)
            message = str(app.screen.query_one("#error-message", Static).render())
            assert "not a git repository" in message
            assert "Traceback" not in message
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, ErrorScreen)

    asyncio.run(drive())


def test_the_error_dialog_shows_its_own_keys_and_q_quits(tmp_path: Path) -> None:
    """The error dialog (here: a repository without commits) showed the app's footer,
    `q Quit ? Help r Rescan`, and none of those keys worked from it. It has its own footer
    now: esc/enter close it, r scans again, q quits."""
    import subprocess

    from textual.widgets import Footer

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    app = make_app(tmp_path)
    scans: list[object] = []

    async def drive() -> None:
        async with app.run_test(size=(80, 24), message_hook=scans.append) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, ErrorScreen)
            assert "no commits" in str(app.screen.query_one("#error-message", Static).render())
            assert app.screen.query(Footer)
            shown = {b.key: b.description for _, b, _, _ in app.active_bindings.values() if b.show}
            assert shown == {"escape": "Close", "r": "Rescan", "q": "Quit"}
            scans.clear()
            await pilot.press("r")  # closes the dialog, scans again: the same dialog
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            assert any(type(m).__name__ == "ScanFailed" for m in scans)
            assert isinstance(app.screen, ErrorScreen)
            assert len(app.screen_stack) == 2
            await pilot.press("q")
            await pilot.pause()
            assert app.return_code == 0
            assert not app.is_running

    asyncio.run(drive())


def test_with_no_report_on_screen_the_tab_keys_do_not_swallow_the_others(tmp_path: Path) -> None:
    """After a failed (or cancelled) first scan, `/` moved the focus into the hidden filter:
    `r`, `q` and the rest were typed into it. The tab keys now wait for a report, and
    ctrl+c quits when nothing runs."""
    app = make_app(tmp_path)

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("escape")  # close the error dialog
            await pilot.pause()
            await pilot.press("slash", "c", "x")
            await pilot.pause()
            assert app.query_one("#component-filter", Input).value == ""
            assert not isinstance(app.focused, Input)
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app.return_code == 0

    asyncio.run(drive())


def test_findings_filter_by_rule(small_repo: Path) -> None:
    """u steps through the rules found (the Findings screen was to filter by rule and
    severity; only severity was there), then back to all; 0 clears it."""
    report: ScanReport = scan(small_repo)
    rules = sorted({str(f["rule"]) for f in report.findings()})
    assert len(rules) > 1
    app = make_app(small_repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("f")
        await pilot.pause()
        table = app.query_one("#findings-table", DataTable)
        for rule in rules:
            await pilot.press("u")
            await pilot.pause()
            assert set(plain_cells(table, 1)) == {rule}
            hint = str(app.query_one("#findings-hint", Static).render())
            assert f"of rule {rule}" in hint
        await pilot.press("u")
        await pilot.pause()
        assert table.row_count == len(report.findings())
        await pilot.press("u", "0")
        await pilot.pause()
        assert table.row_count == len(report.findings())
        # At one severity, u visits only the rules that have findings there.
        await pilot.press("1")  # errors
        await pilot.pause()
        warned = sorted({str(f["rule"]) for f in report.findings() if f["severity"] == "error"})
        assert warned
        assert warned != rules
        seen = []
        for _ in warned:
            await pilot.press("u")
            await pilot.pause()
            assert table.row_count > 0
            seen.append(app.query_one(FindingsPane).rule)
        assert seen == warned
        await pilot.press("u")  # no rule with nothing to show: back to every rule
        await pilot.pause()
        assert app.query_one(FindingsPane).rule == ""

    run(app, scenario)


def test_findings_filter_by_severity(small_repo: Path) -> None:
    """Key 1 keeps errors only, 0 shows all again."""
    report: ScanReport = scan(small_repo)
    app = make_app(small_repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        app.query_one("#tabs").active = "tab-findings"  # type: ignore[attr-defined]
        await pilot.pause()
        table = app.query_one("#findings-table", DataTable)
        table.focus()
        assert table.row_count == len(report.findings())
        await pilot.press("1")
        await pilot.pause()
        assert set(plain_cells(table, 0)) <= {"ERROR"}
        errors = sum(1 for f in report.findings() if f["severity"] == "error")
        assert table.row_count == errors
        await pilot.press("0")
        await pilot.pause()
        assert table.row_count == len(report.findings())

    run(app, scenario)


def test_letter_keys_switch_tabs(small_repo: Path) -> None:
    """`c` shows Components and `p` then shows People."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        assert app.query_one("#tabs").active == "tab-components"  # type: ignore[attr-defined]
        await pilot.press("p")
        await pilot.pause()
        assert app.query_one("#tabs").active == "tab-people"  # type: ignore[attr-defined]

    run(app, scenario)


def test_question_mark_opens_the_help_and_escape_closes_it(small_repo: Path) -> None:
    """`?` shows the screens, keys and figures; escape goes back; F1 opens it too."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        for words in ("Truck factor", "Bus factor", "DOA", "Files lost", "ctrl+p"):
            assert words in help_text()
            assert words in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)

    run(app, scenario)


def test_a_long_author_list_is_cut_in_the_detail_summary(
    small_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of authors must not push the file tree off the screen: the rest are counted."""
    monkeypatch.setattr(detail, "MAX_AUTHORS", 1)
    report = scan(small_repo)
    component = dict(report.graph.nodes["component:core"])
    summary = detail.component_summary(report, component, PLAIN).plain
    assert f"and {len(component['authors']) - 1} more" in summary


def test_the_scans_warnings_qualify_the_overview(
    small_repo: Path, builder: RepoBuilder, tmp_path: Path
) -> None:
    """A shallow clone's figures are not to be trusted: the Overview says so under them,
    each warning in full and taken literally; a clean scan shows no such block."""
    clean = scan(small_repo)
    assert clean.meta["warnings"] == []
    builder.commit("ada", write={"pay/x.py": "x\n"})
    shallow = builder.shallow_clone(tmp_path / "shallow", depth=2)
    report = scan(shallow)
    report.meta["warnings"] += ["doc/[bold]adr[/bold].md: unreadable"]
    report.meta["warnings"] += [f"extra warning {n}" for n in range(4)]

    async def with_warnings(pilot: Pilot[int]) -> None:
        box = app.query_one("#overview-notes")
        assert box.display
        shown = [str(w.render()) for w in box.query(".note-text")]
        assert len(shown) == 4
        assert shown[0].startswith("shallow clone: history is cut")
        assert shown[1] == "doc/[bold]adr[/bold].md: unreadable"
        assert str(box.query_one(".note-more").render()).startswith("and 2 more warnings")

    app = make_app(shallow, report=report)
    run(app, with_warnings)

    async def without(pilot: Pilot[int]) -> None:
        assert not app.query_one("#overview-notes").display
        assert not app.query(".note-text")

    app = make_app(small_repo, report=clean)
    run(app, without)


def test_worst_components_follow_the_risk_labels() -> None:
    """A bus factor of 2 with most files lost is HIGH and comes before a plain bus factor 2
    (MED); the list was in bus-factor order, so MED rows sat above HIGH ones."""
    from busfactor.ui.overview import Overview

    class Report:
        def components(self) -> list[dict[str, object]]:
            return [
                {"name": "tests", "bus_factor": 2, "files": 30, "files_lost": 2},
                {"name": "src", "bus_factor": 2, "files": 16, "files_lost": 9},
                {"name": "ok", "bus_factor": 3, "files": 5, "files_lost": 0},
            ]

    shown = Overview._worst(Report(), PLAIN).plain  # type: ignore[arg-type]
    rows = [line.split()[:2] for line in shown.splitlines()[1:]]
    assert rows == [["HIGH", "src"], ["MED", "tests"], ["OK", "ok"]]


def test_progress_names_its_unit_and_how_to_cancel() -> None:
    """`history: 47104` said neither what was counted nor that esc stops the scan."""
    from busfactor.core.model import Progress
    from busfactor.ui.app import describe

    assert describe(Progress("history", 47104)) == "history: 47,104 commits read  (esc cancels)"
    assert describe(Progress("analysing")) == "analysing  (esc cancels)"
    # While the walk waits for the merges' diffs (git.git: seconds), they are counted.
    merges = describe(Progress("merges' combined diffs", 8704))
    assert merges == "history: 8,704 merges read  (esc cancels)"
    assert describe(Progress("organisation", 2, 5)) == "organisation: 2 of 5  (esc cancels)"


def test_experts_who_left_are_marked(tmp_path: Path) -> None:
    """The detail's Experts named people inactive for years like anyone else (requests'
    Kenneth Reitz): a manager reads them as people to ask."""
    from datetime import timedelta

    from builders import START

    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit("ada", write={"core/a.py": "a\n" * 20, "core/b.py": "b\n" * 20})
        builder.commit("bob", write={"web/w.py": "w\n"}, when=START + timedelta(days=400))
    report = scan(tmp_path / "repo")
    component = dict(report.graph.nodes["component:core"])
    summary = detail.component_summary(report, component, PLAIN).plain
    assert "Experts    Ada (inactive)" in summary


def test_a_truck_factor_of_zero_says_why_nobody_is_named(tmp_path: Path) -> None:
    """A shallow clone's Overview said "Named by the truck factor:" and then nothing."""
    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit("ada", write={"a.py": "a\n"})
        builder.commit("dependabot[bot]", write={f"f{n}.py": "x\n" for n in range(5)})
    app = make_app(tmp_path / "repo", report=scan(tmp_path / "repo"))

    async def scenario(pilot: Pilot[int]) -> None:
        shown = str(app.query_one("#truck-people", Static).render())
        assert "nobody: only 17% of files have an author" in shown

    run(app, scenario)


def test_enter_on_a_person_lists_what_they_alone_know(small_repo: Path) -> None:
    """Enter on People did nothing: the files a person alone knows could not be listed.
    It now opens their detail: the components they hold alone, their sole-author files,
    and what their leaving would change (the what-if's figures)."""
    from busfactor.ui.detail import PersonScreen

    report = scan(small_repo)
    person = report.people()[0]
    sole = sorted(f["path"] for f in report.files() if list(f["authors"]) == [person["id"]])
    assert sole
    after = simulate(report.graph, [person["id"]])["truck_factor"]["after"]
    app = make_app(small_repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("p")
        await pilot.pause()
        table = app.query_one("#people-table", DataTable)
        table.move_cursor(row=table.get_row_index(person["id"]))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        shown = str(app.screen.query_one("#person-summary", Static).content)
        for path in sole:
            assert path in shown
        truck = report.meta["truck_factor"]["value"]
        assert f"truck factor {truck} → {after}" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PersonScreen)

    run(app, scenario)


def test_a_and_n_on_an_empty_filtered_table_say_why_nothing_happens(small_repo: Path) -> None:
    """With the filter matching nothing, a and n did nothing and said nothing."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("slash", *"zzz-no-such", "enter")
        await pilot.pause()
        assert app.query_one("#components-table", DataTable).row_count == 0
        await pilot.press("a")
        await pilot.pause()
        assert any("No component selected" in str(n.message) for n in app._notifications)

    run(app, scenario)


def test_a_two_digit_what_if_fits_the_truck_factor_box(small_repo: Path) -> None:
    """On sympy "today 20 → after leaving 17" wrapped onto a second line of the box."""
    report = scan(small_repo)
    app = make_app(small_repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        from busfactor.ui.overview import Overview

        whatif = simulate(report.graph, [])
        whatif["truck_factor"] = {"before": 20, "after": 17}
        app.query_one(Overview).show(report, whatif)
        await pilot.pause()
        change = app.query_one("#truck-change", Static)
        assert "today 20 → after leaving 17" in str(change.render())
        assert change.size.height == 1

    run(app, scenario)


def test_a_persons_detail_says_whose_bus_factor_they_count_toward(tmp_path: Path) -> None:
    """ "Named by examples, src/click" read as if those components named the person; it
    means the person counts toward their bus factor, and now says so."""
    from busfactor.ui.detail import person_summary

    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit("ada", write={"pay/a.py": "a\n" * 30})
        for who in ("ada", "bob"):
            builder.commit(who, write={f"core/{who}.py": f"{who}\n" * 30})
    report = scan(tmp_path / "repo")
    core = dict(report.graph.nodes["component:core"])
    assert core["bus_factor"] == 2
    assert "ada@example.test" in core["bus_factor_authors"]
    shown = person_summary(report, "ada@example.test", PLAIN).plain
    assert "Counts toward the bus factor of core\n" in shown
    assert "Named by" not in shown
    bob = person_summary(report, "bob@example.test", PLAIN).plain
    assert "Holds alone   no component\n" in bob


def test_the_big_figure_is_todays_truck_factor_with_an_announced_departure(
    tmp_path: Path,
) -> None:
    """The demo announces Priya's departure: the big figure showed 4 (after she leaves) while
    the line under it said "today 5 → after leaving 4" and `busfactor scan` said 5."""
    from busfactor.demo import make_demo

    report = scan(make_demo(tmp_path / "repo"))
    announced = report.leaving()
    assert announced is not None
    before, after = announced["truck_factor"]["before"], announced["truck_factor"]["after"]
    assert before == report.meta["truck_factor"]["value"] != after
    app = make_app(tmp_path / "repo", report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        assert app.query_one("#truck-digits", Digits).value == str(before)
        change = str(app.query_one("#truck-change", Static).render())
        assert f"today {before} → after leaving {after}" in change

    run(app, scenario)


def test_cancelling_a_rescan_says_the_results_are_the_previous_scans(
    small_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`r` then esc brought the old results back silently ("Scan cancelled" went to the hidden
    progress area): a notification says the rescan was cancelled and which results show."""
    import threading

    from busfactor.errors import Cancelled
    from busfactor.ui import app as app_module

    report = scan(small_repo)
    started = threading.Event()

    def slow_scan(repo: Path, *, cancel: threading.Event, **_: object) -> ScanReport:
        started.set()
        cancel.wait(10)
        raise Cancelled("cancelled")

    monkeypatch.setattr(app_module, "scan", slow_scan)
    app = make_app(small_repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c", "r")
        await asyncio.to_thread(started.wait, 10)
        await pilot.pause()
        assert app.scanning
        assert not app.query_one("#tabs").display
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.scanning
        assert app.query_one("#tabs").display
        assert app.report is report
        [note] = list(app._notifications)
        assert note.title == "Rescan cancelled"
        revision = str(report.meta["revision"])[:7]
        assert str(note.message).startswith("Showing the previous scan's results (")
        assert f"revision {revision})." in str(note.message)

    run(app, scenario)


def test_the_overview_says_why_no_component_is_listed(builder: RepoBuilder) -> None:
    """Only a lock file: nothing is analysed, and "Worst components" stood over nothing."""
    builder.commit("ada", write={"poetry.lock": "lock\n"})
    app = make_app(builder.path, report=scan(builder.path))

    async def scenario(pilot: Pilot[int]) -> None:
        worst = str(app.query_one("#overview-worst", Static).render())
        assert "Worst components\n  none: no file was analysed" in worst

    run(app, scenario)


def test_a_shown_report_is_kept_out_of_the_cyclic_collector(small_repo: Path) -> None:
    """Full collections walked the report's objects (git.git: 200,000, 0.11-0.22 s each)
    while a key waited. Shown, they are frozen; a rescan and the app's end let them go."""
    import gc

    app = make_app(small_repo, report=scan(small_repo))
    frozen: list[int] = []

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        frozen.append(gc.get_freeze_count())
        app.start_scan()
        frozen.append(gc.get_freeze_count())
        await app.workers.wait_for_complete()
        await pilot.pause()
        frozen.append(gc.get_freeze_count())

    run(app, scenario)
    assert frozen[0] > 1000
    assert frozen[1] == 0
    assert frozen[2] > 1000
    assert gc.get_freeze_count() == 0


def test_the_overview_groups_thousands_of_people(tmp_path: Path) -> None:
    """git.git read `150 active, 2189 inactive` under `Commits 60,751`."""
    import subprocess

    repo = tmp_path / "many"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    stream = []
    for n in range(1001):
        when = 1420070400 + n * 3600
        who = f"Person {n} <p{n}@example.test> {when} +0000"
        data = f"{n}\n"
        stream += [
            "commit refs/heads/main",
            f"author {who}",
            f"committer {who}",
            "data 2",
            "c",  # a commit on a branch fast-import knows continues from its tip
            f"M 100644 inline f{n % 50}.py",
            f"data {len(data)}",
            data,
        ]
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"],
        input="\n".join(stream).encode(),
        check=True,
    )
    app = make_app(repo, report=scan(repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        from busfactor.ui.overview import Overview
        from busfactor.ui.theme import tones_of

        assert app.report is not None
        facts = Overview._facts(app.report, tones_of(app)).plain
        assert "1,001 active, 0 inactive" in facts, facts  # active as of the revision

    run(app, scenario)


def test_the_overview_says_who_the_truck_factor_names_has_left(tmp_path: Path) -> None:
    """The demo's truck factor names Lars Eriksen, inactive for months: the list said so
    nowhere (the People tab did)."""
    from busfactor.demo import make_demo

    repo = make_demo(tmp_path / "demo")
    report = scan(repo)
    authors = report.meta["truck_factor"]["authors"]
    named = {report.person(p)["name"]: report.person(p)["active"] for p in authors}
    assert False in named.values()
    assert True in named.values()
    app = make_app(repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        shown = str(app.query_one("#truck-people", Static).render())
        for name, active in named.items():
            assert (f"• {name} (inactive)" in shown) is (not active), name
            assert f"• {name}" in shown

    run(app, scenario)
