"""Pilot tests: the organisation app on a report of real repositories, asserted on data shown."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable, Static

from builders import RepoBuilder
from busfactor.core.org import RepoResult, merge_reports
from busfactor.orgscan import scan_repositories
from busfactor.ui.org import PEOPLE_WIDTH, OrgApp, repository_row
from busfactor.ui.screenshots import main, save_org

EVE = ("[bold]Eve[/bold]", "eve@example.test")
MAL = ("Mal\x1b[31mlory", "mal@example.test")
SIZE = (140, 40)


@pytest.fixture
def org_report(tmp_path: Path) -> dict[str, Any]:
    """`api` and `[red]web`: Eve (markup in her name) alone holds both; Mal shares `ops`
    with Bob; `gone` is not a repository."""
    with (
        RepoBuilder(tmp_path / "api") as api,
        RepoBuilder(tmp_path / "[red]web") as web,
        RepoBuilder(tmp_path / "ops") as ops,
    ):
        api.commit(EVE, write={"pay/a.py": "a\n" * 30})
        web.commit(EVE, write={"ui/a.py": "a\n" * 30})
        ops.commit(MAL, write={"deploy/a.py": "a\n" * 30})
        ops.commit("bob", write={"deploy/b.py": "b\n" * 30})
    paths = [tmp_path / name for name in ("api", "[red]web", "ops", "gone")]
    results: list[RepoResult] = scan_repositories(paths, jobs=1)
    return merge_reports(results).report


def plain(table: DataTable[Any], column: int) -> list[str]:
    """One column's plain text, top to bottom."""
    cells = []
    for row in range(table.row_count):
        cell = table.get_row_at(row)[column]
        cells.append(cell.plain if isinstance(cell, Text) else str(cell))
    return cells


def shown(report: dict[str, Any]) -> dict[str, Any]:
    """Run the app headless; what its tables and summary show."""
    seen: dict[str, Any] = {}

    async def drive() -> None:
        app = OrgApp(report, title="org.json")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            repos = app.query_one("#org-repositories", DataTable)
            people = app.query_one("#org-people", DataTable)
            seen["repos"] = [plain(repos, c) for c in range(5)]
            seen["people"] = [plain(people, c) for c in range(5)]
            seen["summary"] = str(app.query_one("#org-summary", Static).render())
            await pilot.press("q")
        seen["exit"] = app.return_code

    asyncio.run(drive())
    return seen


def test_repositories_table_shows_truck_factor_and_errors(org_report: dict[str, Any]) -> None:
    """Each repository's truck factor and bus-factor-1 count, and the failed one's error."""
    seen = shown(org_report)
    names, truck, _, at_one, errors = seen["repos"]
    assert names == ["[red]web", "api", "gone", "ops"]
    assert truck[names.index("api")] == "1"
    assert at_one[names.index("api")] == "1 of 1"
    assert "gone: no such directory" in errors[names.index("gone")]
    assert errors[names.index("ops")] == ""
    assert "4 repositories (1 failed)" in seen["summary"]
    assert "1 single point of failure" in seen["summary"]


def test_people_table_flags_the_cross_repository_holder_first(
    org_report: dict[str, Any],
) -> None:
    """Eve, sole holder in two repositories, comes first and is flagged; her markup shows
    literally and Mal's escape sequence is made visible, never sent to the terminal."""
    seen = shown(org_report)
    names, flag, repositories, holder, where = seen["people"]
    assert names[0] == "[bold]Eve[/bold]"
    assert (repositories[0], holder[0], flag[0]) == ("2", "2", "FLAGGED")
    assert where[0] == "[red]web, api"
    assert "Mal\\x1b[31mlory" in names
    assert all("\x1b" not in name for name in names)
    assert flag[1:] == [""] * (len(names) - 1)
    assert seen["exit"] == 0


def test_a_long_name_leaves_the_flag_on_an_80_column_screen() -> None:
    """A 46-cell name pushed the flag (the view's key figure) off an 80-column screen:
    names are cut at 28 cells, and the flag comes right after them."""
    from busfactor.ui.org import person_row

    row = person_row(
        {
            "id": "s@example.test",
            "name": "🇺🇦 Sviatoslav Sydorenko (Святослав Сидоренко)",
            "repositories": ["a", "b"],
            "sole_holder_repositories": ["a", "b"],
            "single_point_of_failure": True,
        }
    )
    assert row[0].cell_len == 28
    assert str(row[0]).endswith("…")
    assert str(row[1]) == "FLAGGED"


def test_truck_factor_people_are_named(org_report: dict[str, Any]) -> None:
    """The repository table names its truck-factor people by their display name."""
    names, _, people, _, _ = shown(org_report)["repos"]
    assert people[names.index("api")] == "[bold]Eve[/bold]"


def test_screenshot_script_saves_the_org_app(org_report: dict[str, Any], tmp_path: Path) -> None:
    """`org.svg` pictures the organisation app; a report given with --org is checked first."""
    saved = asyncio.run(save_org(org_report, tmp_path / "shots"))
    assert saved == tmp_path / "shots" / "org.svg"
    assert "FLAGGED" in saved.read_text(encoding="utf-8")
    scan_report = tmp_path / "scan.json"
    scan_report.write_text('{"schema": "busfactor.scan/1"}', encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path), str(tmp_path / "none"), "--org", str(scan_report)])
    assert stopped.value.code == 2
    assert not (tmp_path / "none").exists()


def test_many_truck_factor_people_fit_their_column_and_count_the_rest() -> None:
    people = [f"p{n}@example.com" for n in range(6)]
    names = {p: f"Person With A Long Name {n}" for n, p in enumerate(people)}
    repo = {"name": "shop", "truck_factor": 6, "truck_factor_people": people, "components": 3}
    cell = repository_row(repo, names)[2].plain
    assert len(cell) <= PEOPLE_WIDTH
    assert cell.startswith("Person With A Long Name 0")
    shown = cell.count("Person With A Long Name")
    assert cell.endswith(f" +{6 - shown}")


def test_the_row_under_the_cursor_is_shown_in_full(org_report: dict[str, Any]) -> None:
    """The tables only counted components at bus factor 1 and Enter did nothing: the row
    under the cursor is now spelt out below them (which components, whose), literally."""
    details: list[str] = []

    async def drive() -> None:
        app = OrgApp(org_report, title="org.json")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            repos = app.query_one("#org-repositories", DataTable)
            repos.focus()
            repos.move_cursor(row=plain(repos, 0).index("api"))
            await pilot.pause()
            details.append(str(app.query_one("#org-detail", Static).render()))
            people = app.query_one("#org-people", DataTable)
            people.focus()
            people.move_cursor(row=0)
            await pilot.pause()
            details.append(str(app.query_one("#org-detail", Static).render()))

    asyncio.run(drive())
    repository, person = details
    assert "Bus factor 1 (1): pay" in repository
    assert "[bold]Eve[/bold]" in person
    assert "Holds alone (2): [red]web:ui, api:pay" in person


def test_the_palette_finds_repositories_and_people(org_report: dict[str, Any]) -> None:
    """ctrl+p found nothing in the organisation app: it now offers every repository and
    person and puts the cursor on the chosen row."""
    seen: dict[str, str] = {}

    async def drive() -> None:
        app = OrgApp(org_report, title="org.json")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"Person: Mal")
            await pilot.pause(0.4)
            await pilot.press("down", "enter")
            await pilot.pause()
            people = app.query_one("#org-people", DataTable)
            seen["focused"] = str(app.focused.id if app.focused else None)
            seen["row"] = plain(people, 0)[people.cursor_row]
            seen["detail"] = str(app.query_one("#org-detail", Static).render())

    asyncio.run(drive())
    assert seen["focused"] == "org-people"
    assert seen["row"].startswith("Mal")
    assert "Repositories: ops" in seen["detail"]


def test_help_opens_and_ctrl_c_quits_as_in_the_repository_app(
    org_report: dict[str, Any],
) -> None:
    """The organisation app's footer had only `q`: `?` and F1 did nothing, and ctrl+c showed
    Textual's "press ctrl+q to quit" instead of quitting as `busfactor tui REPO` does."""
    from textual.widgets import Footer

    from busfactor.ui.help import ORG_SECTIONS, HelpScreen, help_text

    app = OrgApp(org_report, title="org.json")

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            shown = {b.key for _, b, _, _ in app.active_bindings.values() if b.show}
            assert {"q", "question_mark"} <= shown
            assert app.query_one(Footer)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = app.export_screenshot().replace("&#160;", " ")
            assert "FLAGGED" in help_text(ORG_SECTIONS)
            assert "who alone holds knowledge" in text
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("ctrl+c")  # from the help too
            await pilot.pause()
            assert not app.is_running
        assert app.return_code == 0
        assert not app._notifications

    asyncio.run(drive())


def test_ctrl_c_quits_from_the_tables(org_report: dict[str, Any]) -> None:
    """ctrl+c on the tables (where Textual's default only says how to quit) exits with 0."""
    app = OrgApp(org_report, title="org.json")

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.query_one("#org-people", DataTable).focus()
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert not app.is_running
        assert app.return_code == 0

    asyncio.run(drive())
