"""Keyboard-only use at 80x24, the way a terminal user drives the app (no widget pokes)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.widgets.data_table import ColumnKey

from builders import RepoBuilder
from busfactor.pipeline import scan
from busfactor.ui.app import BusfactorApp, make_app
from busfactor.ui.detail import ComponentScreen, FileTree
from busfactor.ui.help import HelpScreen
from busfactor.ui.overview import Overview
from busfactor.ui.tables import SortedTable

SMALL = (80, 24)


def run_keys(app: BusfactorApp, scenario: Callable[[Pilot[int]], Awaitable[None]]) -> None:
    """Drive the app headless at 80x24; without a report the scan worker runs first."""

    async def drive() -> None:
        async with app.run_test(size=SMALL) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(drive())


def burst(app: BusfactorApp, *keys: str) -> None:
    """Keys arriving together, as from a fast typist or `tmux send-keys`: no waiting between
    them (the pilot's `press` waits for the app to be idle after every key)."""
    assert app._driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app._driver.send_message(event)


def active_tab(app: BusfactorApp) -> str:
    return str(app.query_one("#tabs").active)  # type: ignore[attr-defined]


def test_filter_then_tab_then_enter_opens_the_component(small_repo: Path) -> None:
    """`/`, type, Tab to the table, Enter: the detail opens (the scan ran in the worker)."""
    app = make_app(small_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.focused, DataTable)  # the tab key lands in the table
        await pilot.press("slash")
        await pilot.pause()
        assert app.focused is app.query_one("#component-filter", Input)
        await pilot.press(*"pay")
        await pilot.pause()
        assert active_tab(app) == "tab-components"  # letters typed into the filter stay there
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is app.query_one("#components-table", DataTable)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ComponentScreen)
        assert app.screen.component_name == "pay"
        assert isinstance(app.focused, FileTree)

    run_keys(app, scenario)


def test_enter_in_the_filter_moves_to_the_table(small_repo: Path) -> None:
    """Shift+Tab from the table reaches the filter; Enter there goes back to the table."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is app.query_one("#component-filter", Input)
        await pilot.press(*"core", "enter")
        await pilot.pause()
        assert app.focused is app.query_one("#components-table", DataTable)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ComponentScreen)
        assert app.screen.component_name == "core"

    run_keys(app, scenario)


def test_tab_keys_and_focus_keys_work_while_a_table_has_focus(small_repo: Path) -> None:
    """With a table focused: letters switch tabs, Tab / Shift+Tab move focus off and back."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("f")
        await pilot.pause()
        findings = app.query_one("#findings-table", DataTable)
        assert app.focused is findings
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not findings
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is findings
        tabs = {"p": "people", "d": "decisions", "c": "components", "o": "overview"}
        for key, tab in tabs.items():
            await pilot.press(key)
            await pilot.pause()
            assert active_tab(app) == f"tab-{tab}"

    run_keys(app, scenario)


def test_tab_keys_close_a_detail_screen_and_the_help(small_repo: Path) -> None:
    """`p` on a component's detail shows People (not a hidden tab under the detail)."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ComponentScreen)
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(app.screen, ComponentScreen)
        assert active_tab(app) == "tab-people"
        assert app.focused is app.query_one("#people-table", DataTable)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert active_tab(app) == "tab-people"

    run_keys(app, scenario)


def test_theme_key_opens_the_theme_picker_and_cells_follow_the_theme(small_repo: Path) -> None:
    """`t` opens Textual's theme search; a new theme redraws the risk cells in its colours."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        table = app.query_one("#components-table", DataTable)
        dark = table.get_row_at(0)[0].style
        await pilot.press("t")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        await pilot.press("escape")
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        light = table.get_row_at(0)[0].style
        assert str(light) != str(dark)
        assert app.theme_variables["text-error"].lower() in str(light).lower()

    run_keys(app, scenario)


def test_a_theme_change_draws_only_the_coloured_cells_again(small_repo: Path) -> None:
    """People's Active and Findings' Severity follow the theme; the other cells stay the
    very ones drawn before (every row drawn anew took half a second on git.git)."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        people = app.query_one("#people-table", DataTable)
        findings = app.query_one("#findings-table", DataTable)
        before = [people.get_row_at(0), findings.get_row_at(0)]
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        after = [people.get_row_at(0), findings.get_row_at(0)]
        active, severity = after[0][3], after[1][0]
        assert str(active.style) != str(before[0][3].style)
        assert str(severity.style) != str(before[1][0].style)
        assert after[0][1] is before[0][1]  # the name: not drawn again
        assert after[1][3] is before[1][3]  # the message

    run_keys(app, scenario)


def test_keys_typed_right_after_a_tab_letter_reach_that_tab(small_repo: Path) -> None:
    """`p`, Down, space in one burst marks the second person, not a row of the old tab."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        burst(app, "p", "down", "space")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        people = app.query_one("#people-table", DataTable)
        second = people.coordinate_to_cell_key(people.cursor_coordinate).row_key.value
        assert people.cursor_row == 1
        assert app.leaving == [second]
        assert active_tab(app) == "tab-people"

    run_keys(app, scenario)


@pytest.mark.parametrize(("tab", "table_id"), [("c", "components-table"), ("p", "people-table")])
def test_a_rescan_gives_the_focus_back_to_the_table_and_its_row(
    small_repo: Path, tab: str, table_id: str
) -> None:
    """After `r`, the table that had the focus lost it (no cursor shown, Down and Enter did
    nothing until tab): it gets it back, with the cursor on the same row."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press(tab, "down")
        await pilot.pause()
        table = app.query_one(f"#{table_id}", SortedTable)
        assert app.focused is table
        assert table.cursor_row == 1
        key = table.selected_key()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        assert not app.scanning
        assert app.query_one("#tabs").display
        assert app.focused is table
        assert table.selected_key() == key
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == 2

    run_keys(app, scenario)


def test_esc_in_the_filter_clears_it_and_goes_back_to_the_table(small_repo: Path) -> None:
    """Esc in the components filter did nothing although the README says Esc goes back: it
    clears the filter and puts the focus on the table (Enter keeps the filter)."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("slash", "p", "a", "y")
        await pilot.pause()
        table = app.query_one("#components-table", SortedTable)
        assert table.row_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is table
        assert app.query_one("#component-filter", Input).value == ""
        assert table.row_count == 3
        assert table.selected_key() == "pay"  # the row it was on
        await pilot.press("down")
        await pilot.pause()
        assert table.selected_key() != "pay"

    run_keys(app, scenario)


def test_an_empty_table_says_why(small_repo: Path) -> None:
    """A filter matching nothing left a bare header: "No components match 'xyz'" now, and
    Findings after a severity filter with nothing left says so too."""
    from textual.widgets import Static

    report = scan(small_repo)
    app = make_app(small_repo, report=report)
    severities = {str(f["severity"]) for f in report.findings()}
    missing = next(s for s in ("error", "warning", "info") if s not in severities)
    key = {"error": "1", "warning": "2", "info": "3"}[missing]

    async def scenario(pilot: Pilot[int]) -> None:
        empty = app.query_one("#components-empty", Static)
        assert not empty.display
        await pilot.press("slash", *"xyz")
        await pilot.pause()
        assert app.query_one("#components-table", SortedTable).row_count == 0
        assert empty.display
        assert "No components match 'xyz'" in str(empty.render())
        assert "No components match" in app.export_screenshot().replace("&#160;", " ")
        await pilot.press("escape")
        await pilot.pause()
        assert not empty.display
        await pilot.press("f")
        await pilot.pause()
        findings_empty = app.query_one("#findings-empty", Static)
        assert not findings_empty.display
        await pilot.press(key)
        await pilot.pause()
        assert app.query_one("#findings-table", SortedTable).row_count == 0
        assert findings_empty.display
        assert f"No {missing} findings (0 shows all)." in str(findings_empty.render())
        await pilot.press("0")
        await pilot.pause()
        assert not findings_empty.display

    run_keys(app, scenario)


def shown_text(app: BusfactorApp) -> str:
    """The screen as plain text, roughly (the SVG's text, spaces restored)."""
    return app.export_screenshot().replace("&#160;", " ")


def test_the_sort_arrow_is_never_cut_off(small_repo: Path) -> None:
    """Where a header filled its column ("Bus factor", "Files authored", "Severity", "ADR")
    the ▲/▼ was cut off or wrapped out of sight: each sortable column has room for it."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        for tab, header in (("c", "Bus"), ("p", "Files"), ("f", "Severity"), ("d", "ADR")):
            await pilot.press(tab)
            await pilot.pause()
            table = app.focused
            assert isinstance(table, SortedTable)
            target = next(k for k, v in table.column_labels.items() if v.startswith(header))
            while table.sort_column != target:
                await pilot.press("full_stop")
                await pilot.pause()
            first, then = ("▼", "▲") if target in table.descending_first else ("▲", "▼")
            assert f"{header}{first}" in shown_text(app)
            await pilot.press("comma")
            await pilot.pause()
            assert f"{header}{then}" in shown_text(app)

    run_keys(app, scenario)


def test_the_arrow_says_which_way_the_rows_go_and_home_end_reach_them(small_repo: Path) -> None:
    """People's figures come largest first, as before, now under ▼ (▲ stood over 465, 326,
    155…, where Components' ▲ means smallest first). Home and End move the cursor to the
    first and last row (they scrolled sideways, and Enter opened the row left behind)."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("p")
        await pilot.pause()
        table = app.focused
        assert isinstance(table, SortedTable)
        while table.sort_column != "commits":
            await pilot.press("full_stop")
            await pilot.pause()
        assert table.sort_reverse
        assert str(table.columns[ColumnKey("commits")].label) == "Commits\n▼"
        shown = [table.get_row_at(row) for row in range(table.row_count)]
        commits = [int(str(cells[list(table.column_labels).index("commits")])) for cells in shown]
        assert commits == sorted(commits, reverse=True)
        assert table.row_count > 1
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0

    run_keys(app, scenario)


def test_sorting_by_an_off_screen_column_scrolls_it_into_view(small_repo: Path) -> None:
    """At 80 columns `.` moved on to columns scrolled out of view: the rows reordered for no
    visible reason. The table now scrolls to show the sorted column."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        table = app.query_one("#components-table", SortedTable)
        assert table.max_scroll_x > 0  # wider than 80 columns
        seen_scrolled = False
        for _ in table.sort_keys:
            await pilot.press("full_stop")
            await pilot.pause()
            await pilot.pause()
            assert table.sort_column is not None
            column = table._get_column_region(table.get_column_index(table.sort_column))
            view = table.scrollable_content_region.width
            assert table.scroll_x <= column.x
            assert column.right <= table.scroll_x + view
            seen_scrolled = seen_scrolled or table.scroll_x > 0
        assert seen_scrolled
        assert table.sort_column == "risk"
        assert table.scroll_x == 0

    run_keys(app, scenario)


@pytest.mark.parametrize(
    ("tab", "table_id", "header"),
    [("p", "#people-table", "Name"), ("c", "#components-table", "Component")],
)
def test_names_stay_in_view_when_a_sort_scrolls_sideways(
    tmp_path: Path, tab: str, table_id: str, header: str
) -> None:
    """Sorting People by Holds alone (or Components by ADRs) at 80 columns scrolled the names
    out of view: which person or component held what could not be read. The first two
    columns are fixed, and a sorted column is scrolled into the part of the view they leave
    (sorted by one of them, the table shows its left edge again)."""
    from busfactor.demo import make_demo

    repo = make_demo(tmp_path / "demo")
    app = make_app(repo, report=scan(repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press(tab)
        await pilot.pause()
        table = app.query_one(table_id, SortedTable)
        assert table.max_scroll_x > 0  # wider than 80 columns
        fixed = sum(c.get_render_width(table) for c in table.ordered_columns[:2])
        seen_scrolled = False
        for _ in range(2 * len(table.sort_keys)):  # round twice: left again from the right
            await pilot.press("full_stop")
            await pilot.pause()
            await pilot.pause()
            assert table.sort_column is not None
            index = table.get_column_index(table.sort_column)
            if index < 2:  # Leaving or Name: the table from its left edge again
                assert table.scroll_x == 0
                continue
            column = table._get_column_region(index)
            view = table.scrollable_content_region.width
            assert table.scroll_x + fixed <= column.x
            assert column.right <= table.scroll_x + view
            if table.scroll_x > 0:
                seen_scrolled = True
                shown = app.export_screenshot().replace("&#160;", " ")
                assert header in shown
                assert str(table.get_row_at(0)[1]) in shown  # the top row's name
        assert seen_scrolled

    run_keys(app, scenario)


def test_enter_on_a_decision_reads_it_and_esc_goes_back(adr_repo: Path) -> None:
    """Enter on the decision log did nothing; only tab reached the record, to scroll it."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("d")
        await pilot.pause()
        table = app.query_one("#decisions-table", SortedTable)
        assert app.focused is table
        await pilot.press("down", "enter")
        await pilot.pause()
        view = app.query_one("#decision-view")
        assert app.focused is view
        assert "Use PostgreSQL" in app.export_screenshot().replace("&#160;", " ")
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is table
        assert table.cursor_row == 1  # where it was

    run_keys(app, scenario)


def test_filtering_keeps_the_table_scrolled_where_it_was(small_repo: Path) -> None:
    """Any redraw (a filter typed or cleared, someone marked leaving) scrolled the table back
    to its left edge, and the sorted column out of view with it."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        table = app.query_one("#components-table", SortedTable)
        for _ in table.sort_keys:  # to the first sorted column out of view at 80 columns
            await pilot.press("full_stop")
            await pilot.pause()
            await pilot.pause()
            if table.scroll_x:
                break
        across = table.scroll_x
        assert across > 0
        await pilot.press("slash", "a", "escape")
        await pilot.pause()
        await pilot.pause()
        assert app.focused is table
        assert table.scroll_x == across

    run_keys(app, scenario)


def test_the_overview_has_the_keys_from_the_start(small_repo: Path) -> None:
    """Nothing had the focus on the first report: PageDown and the arrows did nothing on the
    Overview until `o` or Tab was pressed, so its what-if stayed below the fold. The app
    scans first, as `busfactor` does in a repository."""
    app = make_app(small_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        overview = app.query_one(Overview)
        assert app.focused is overview
        overview.styles.height = 5  # less than its text, whatever the terminal's size
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert overview.scroll_y > 0

    run_keys(app, scenario)


def test_r_while_a_scan_runs_does_not_start_it_over(small_repo: Path) -> None:
    """Pressed during a scan, `r` restarted it from nothing (held down: it never ended)."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        app.scanning = True  # as while the scan worker runs
        started: list[bool] = []
        app.start_scan = lambda: started.append(True)  # type: ignore[method-assign]
        await pilot.press("r")
        await pilot.pause()
        assert started == []
        assert [n.message for n in app._notifications] == ["A scan is running (esc cancels it)."]
        app.scanning = False
        await pilot.press("r")
        assert started == [True]

    run_keys(app, scenario)


def test_long_names_use_the_room_a_wide_terminal_has(builder: RepoBuilder) -> None:
    """`services/legacy-billing` read `…/legacy-billing` at 160 columns, 40 of them unused;
    the names take the room there is and shrink back to 22 columns at 80."""
    long = "services/legacy-billing-and-invoicing"
    builder.commit("ada", write={f"{long}/a.py": "a\n" * 30, "services/web/b.py": "b\n" * 30})
    (builder.path / ".busfactor.toml").write_text(
        f'[components]\n"{long}" = ["{long}/**"]\n"services/web" = ["services/web/**"]\n'
    )
    app = make_app(builder.path, report=scan(builder.path))

    async def drive() -> None:
        async with app.run_test(size=(160, 30)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            table = app.query_one("#components-table", SortedTable)
            assert str(table.get_row(long)[1]) == long
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            assert str(table.get_row(long)[1]) == "…billing-and-invoicing"

    asyncio.run(drive())
