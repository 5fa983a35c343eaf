"""Pilot tests for navigation from findings, supersession links, the palette and the actions."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.fuzzy import Matcher
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown
from textual.widgets.data_table import RowKey

from builders import RepoBuilder
from busfactor.pipeline import scan
from busfactor.ui.app import BusfactorApp, make_app
from busfactor.ui.commands import MAX_FILE_HITS, PaletteIndex, best_files, highlighted
from busfactor.ui.detail import ComponentScreen, Entry, FileTree
from busfactor.ui.dialogs import ConfirmScreen, NewAdrScreen
from busfactor.ui.documents import DecisionsPane
from busfactor.ui.export import export_markdown

SIZE = (120, 40)
ADR_1 = "doc/adr/0001-use-sqlite.md"
ADR_2 = "doc/adr/0002-use-postgresql.md"


def run(app: BusfactorApp, scenario: Callable[[Pilot[int]], Awaitable[None]]) -> None:
    """Drive the app headless at 120x40 through one scenario."""

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(drive())


def cursor_key(table: DataTable[object]) -> str | None:
    """The key of the row under the cursor."""
    key: RowKey = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
    return None if key.value is None else str(key.value)


def notifications(app: BusfactorApp) -> list[str]:
    """The text of every notification shown so far."""
    return [str(n.message) for n in app._notifications]


async def open_tab(app: BusfactorApp, pilot: Pilot[int], tab: str, table: str) -> DataTable[object]:
    """Show a tab and focus its table."""
    app.query_one("#tabs").active = f"tab-{tab}"  # type: ignore[attr-defined]
    await pilot.pause()
    widget: DataTable[object] = app.query_one(f"#{table}", DataTable)
    widget.focus()
    return widget


# -- 1. findings jump -------------------------------------------------------------------


def test_enter_on_a_component_finding_opens_the_component(adr_repo: Path) -> None:
    """A finding naming `pay` opens pay's detail screen."""
    report = scan(adr_repo)
    app = make_app(adr_repo, report=report)
    finding = next(f for f in report.findings() if f.get("component") == "pay")

    async def scenario(pilot: Pilot[int]) -> None:
        table = await open_tab(app, pilot, "findings", "findings-table")
        table.move_cursor(row=table.get_row_index(finding["fingerprint"]))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ComponentScreen)
        assert app.screen.component_name == "pay"

    run(app, scenario)


def test_enter_on_a_decision_finding_selects_the_record(adr_repo: Path) -> None:
    """An orphaned-decision finding (a path, no component) selects its record on Decisions."""
    report = scan(adr_repo)
    app = make_app(adr_repo, report=report)
    finding = next(f for f in report.findings() if f["rule"] == "orphaned-decision")
    assert "component" not in finding

    async def scenario(pilot: Pilot[int]) -> None:
        table = await open_tab(app, pilot, "findings", "findings-table")
        table.move_cursor(row=table.get_row_index(finding["fingerprint"]))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.query_one("#tabs").active == "tab-decisions"  # type: ignore[attr-defined]
        assert cursor_key(app.query_one("#decisions-table", DataTable)) == finding["path"]
        assert app.query_one(DecisionsPane).shown_path == finding["path"]

    run(app, scenario)


# -- 2. supersession --------------------------------------------------------------------


def test_s_and_shift_s_follow_supersession(adr_repo: Path) -> None:
    """On ADR 1, `s` goes to ADR 2 (which supersedes it); `S` on ADR 2 goes back to ADR 1."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        table = await open_tab(app, pilot, "decisions", "decisions-table")
        pane = app.query_one(DecisionsPane)
        assert pane.select(ADR_1)
        await pilot.pause()
        markdown = app.query_one("#decision-markdown", Markdown)
        assert "**superseded by** 2" in markdown.source
        await pilot.press("s")
        await pilot.pause()
        assert cursor_key(table) == ADR_2
        assert pane.shown_path == ADR_2
        assert "**Supersedes** 1" in markdown.source
        await pilot.press("S")
        await pilot.pause()
        assert cursor_key(table) == ADR_1
        await pilot.press("S")  # ADR 1 supersedes nothing: stays, says so
        await pilot.pause()
        assert cursor_key(table) == ADR_1
        assert "ADR 1 supersedes no record." in notifications(app)

    run(app, scenario)


def test_s_and_shift_s_say_which_link_is_missing_the_same_way(adr_repo: Path) -> None:
    """`S` on a record that supersedes nothing said "No record it supersedes ADR 2.", which
    reads as nonsense; it now says "ADR 2 supersedes no record." (`s`: "No record
    supersedes ADR 2.")."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await open_tab(app, pilot, "decisions", "decisions-table")
        assert app.query_one(DecisionsPane).select(ADR_2)
        await pilot.pause()
        await pilot.press("s", "S")
        await pilot.pause()
        assert notifications(app) == ["No record supersedes ADR 2."]
        assert app.query_one(DecisionsPane).select(ADR_1)
        await pilot.press("S")
        await pilot.pause()
        assert notifications(app)[-1] == "ADR 1 supersedes no record."

    run(app, scenario)


# -- 3. command palette -----------------------------------------------------------------


async def palette(pilot: Pilot[int], query: str) -> None:
    """Open the palette, type the query and take the first hit."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.3)
    await pilot.press("down", "enter")
    await pilot.pause()
    await pilot.pause()


def test_palette_opens_a_component(adr_repo: Path) -> None:
    """`Component: pay` opens pay's detail."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await palette(pilot, "Component: pay")
        assert isinstance(app.screen, ComponentScreen)
        assert app.screen.component_name == "pay"

    run(app, scenario)


def test_palette_selects_a_person(adr_repo: Path) -> None:
    """`Person: Bob` switches to People with Bob's row selected."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await palette(pilot, "Person: Bob")
        assert app.query_one("#tabs").active == "tab-people"  # type: ignore[attr-defined]
        assert cursor_key(app.query_one("#people-table", DataTable)) == "bob@example.test"

    run(app, scenario)


def test_palette_shows_markup_in_names_literally(small_repo: Path) -> None:
    """`Person: [bold]Eve[/bold]` is offered as typed and selects Eve."""
    app = make_app(small_repo, report=scan(small_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await palette(pilot, "[bold]Eve")
        assert cursor_key(app.query_one("#people-table", DataTable)) == "eve@example.test"

    run(app, scenario)


def test_palette_help_lines_are_never_markup(tmp_path: Path) -> None:
    """A person id or a folder that reads as Textual markup (`[link="]`) crashed the app as
    soon as the palette showed its help line: they are shown as written."""
    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit(("Q", '[link="]q@x.org'), write={'[link="]x/h.py': "h\n"})
        builder.commit("ada", write={"[bold]comp/c.py": "c\n"})
    repo = tmp_path / "repo"
    app = make_app(repo, report=scan(repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"h.py")
        await pilot.pause(0.3)  # the file's help line, "in [link="]x", is drawn here
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Person: Q")
        await pilot.pause(0.3)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert cursor_key(app.query_one("#people-table", DataTable)) == '[link="]q@x.org'

    run(app, scenario)


def test_palette_opens_a_file_in_its_component(adr_repo: Path) -> None:
    """`File: pay/b.py` opens pay's detail with the cursor on that file, its authors shown."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await palette(pilot, "File: pay/b.py")
        assert isinstance(app.screen, ComponentScreen)
        assert app.screen.component_name == "pay"
        tree = app.screen.query_one(FileTree)
        assert tree.cursor_node is not None
        assert tree.cursor_node.data == Entry("file", "pay/b.py")
        assert tree.cursor_node.is_expanded
        assert any("Ada" in str(child.label) for child in tree.cursor_node.children)

    run(app, scenario)


def test_palette_selects_a_decision(adr_repo: Path) -> None:
    """`Decision: ADR 3` shows the Decisions tab with that record selected and rendered."""
    app = make_app(adr_repo, report=scan(adr_repo))
    adr_3 = "doc/adr/0003-pool-connections.md"

    async def scenario(pilot: Pilot[int]) -> None:
        await palette(pilot, "Decision: ADR 3")
        await pilot.pause()
        assert app.query_one("#tabs").active == "tab-decisions"  # type: ignore[attr-defined]
        assert cursor_key(app.query_one("#decisions-table", DataTable)) == adr_3
        assert app.query_one(DecisionsPane).shown_path == adr_3
        assert "Pool connections" in app.query_one("#decision-markdown", Markdown).source

    run(app, scenario)


def test_palette_from_a_detail_screen_returns_to_the_tabs(adr_repo: Path) -> None:
    """Choosing a person while a component's detail is open closes the detail first."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        app.show_component("pay")
        await pilot.pause()
        await palette(pilot, "Person: Bob")
        assert not isinstance(app.screen, ComponentScreen)
        assert cursor_key(app.query_one("#people-table", DataTable)) == "bob@example.test"

    run(app, scenario)


def synthetic_index(count: int) -> PaletteIndex:
    """An index of `count` made-up files in 50 folders (no repository needed)."""
    files = sorted(f"src/pkg{n % 50}/module_{n}.py" for n in range(count))
    files.append("docs/guide/sensor_readme.md")
    files.sort()
    folded = [f"file: {path}".lower() for path in files]
    return PaletteIndex([], files, folded, dict.fromkeys(files, "src"))


def test_file_search_returns_few_well_ranked_hits_among_many_files() -> None:
    """10,000 files: at most MAX_FILE_HITS hits, a file-name match first, narrowing agrees."""
    index = synthetic_index(10_000)
    hits, matched = best_files(index, "sensor", Matcher("sensor"))
    assert [index.files[p] for _, p, _ in hits] == ["docs/guide/sensor_readme.md"]
    hits, matched = best_files(index, "module_12", Matcher("module_12"))
    assert len(hits) == MAX_FILE_HITS
    assert index.files[hits[0][1]] == "src/pkg12/module_12.py"  # shortest exact name first
    longer, _ = best_files(index, "module_123", Matcher("module_123"))
    narrowed, _ = best_files(index, "module_123", Matcher("module_123"), within=matched)
    assert longer == narrowed
    assert best_files(index, "zzz", Matcher("zzz")) == ([], [])


def test_palette_file_hits_are_literal_text() -> None:
    """A path with markup in it is highlighted as typed, never parsed."""
    content = highlighted("File: [bold]x.py", [6, 7], Matcher("[b"))
    assert content.plain == "File: [bold]x.py"


def test_palette_exports_markdown_without_overwriting(
    adr_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export writes busfactor-report.md, then busfactor-report-2.md, and says where."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "busfactor-report.md").write_text("mine\n", encoding="utf-8")
    monkeypatch.chdir(out)
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await palette(pilot, "Export report as Markdown")
        written = out / "busfactor-report-2.md"
        assert written.is_file()
        assert "pay" in written.read_text(encoding="utf-8")
        assert any(str(written) in text for text in notifications(app))

    run(app, scenario)
    assert (out / "busfactor-report.md").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in out.iterdir()) == ["busfactor-report-2.md", "busfactor-report.md"]


def test_export_picks_the_next_free_name(adr_repo: Path, tmp_path: Path) -> None:
    """Three exports: -, -2, -3; no temporary file is left behind."""
    report = scan(adr_repo)
    out = tmp_path / "out"
    out.mkdir()
    names = [export_markdown(report, out).name for _ in range(3)]
    assert names == ["busfactor-report.md", "busfactor-report-2.md", "busfactor-report-3.md"]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)


# -- 4. new ADR / runbook ---------------------------------------------------------------


async def on_component(app: BusfactorApp, pilot: Pilot[int], name: str) -> None:
    """Components tab with the cursor on `name`."""
    table = await open_tab(app, pilot, "components", "components-table")
    table.move_cursor(row=table.get_row_index(name))


async def settle(app: BusfactorApp, pilot: Pilot[int]) -> None:
    """Wait for the scaffold worker and the message it posts."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_a_new_adr_is_written_for_the_selected_component(
    adr_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`a`, a title, Enter: the record is written as the CLI writes it and its path shown."""
    monkeypatch.chdir(adr_repo)
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await on_component(app, pilot, "pay")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, NewAdrScreen)
        app.screen.query_one(Input).value = "Retry payments"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, NewAdrScreen)
        await settle(app, pilot)
        created = adr_repo / "doc/adr/0004-retry-payments.md"
        assert created.is_file()
        assert any("doc/adr/0004-retry-payments.md" in t for t in notifications(app))

    run(app, scenario)


async def create_adr_for_pay(
    app: BusfactorApp, pilot: Pilot[int], title: str, supersedes: str
) -> None:
    """`a` on the pay component, the dialog filled in, Create, and the worker waited for."""
    await on_component(app, pilot, "pay")
    await pilot.press("a")
    await pilot.pause()
    app.screen.query_one("#adr-title", Input).value = title
    app.screen.query_one("#adr-supersedes", Input).value = supersedes
    await pilot.click("#adr-create")
    await settle(app, pilot)


def test_the_adr_dialog_supersedes_records_as_adr_new_does(
    adr_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog asked only for a title; issue 6 asked for title, supersedes and
    component. "2" marks ADR 2 superseded by the new record, through the CLI's code."""
    monkeypatch.chdir(adr_repo)
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await create_adr_for_pay(app, pilot, "Use CockroachDB", "2")

    run(app, scenario)
    created = (adr_repo / "doc/adr/0004-use-cockroachdb.md").read_text(encoding="utf-8")
    assert "Supersedes [2. Use PostgreSQL](0002-use-postgresql.md)" in created
    old = (adr_repo / "doc/adr/0002-use-postgresql.md").read_text(encoding="utf-8")
    assert "Superseded by [4. Use CockroachDB](0004-use-cockroachdb.md)" in old


def test_a_failed_adr_asks_again_with_what_was_typed(
    adr_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Superseding a record that is not there failed after the dialog had closed, and the
    title typed was lost. The error is shown and the dialog comes back, filled in."""
    monkeypatch.chdir(adr_repo)
    app = make_app(adr_repo, report=scan(adr_repo))
    before = sorted(p.name for p in (adr_repo / "doc/adr").iterdir())

    async def scenario(pilot: Pilot[int]) -> None:
        await create_adr_for_pay(app, pilot, "Use CockroachDB", "99")
        assert any("99" in text for text in notifications(app))
        assert isinstance(app.screen, NewAdrScreen)
        assert app.screen.query_one("#adr-title", Input).value == "Use CockroachDB"
        assert app.screen.query_one("#adr-supersedes", Input).value == "99"
        app.screen.query_one("#adr-supersedes", Input).value = ""
        await pilot.click("#adr-create")
        await settle(app, pilot)
        assert not isinstance(app.screen, NewAdrScreen)

    run(app, scenario)
    after = sorted(p.name for p in (adr_repo / "doc/adr").iterdir())
    assert after == sorted([*before, "0004-use-cockroachdb.md"])


def test_the_first_record_of_a_new_folder_is_announced_too(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repository without records: the folder's first record, written alongside the new
    one, is named in the notification as the CLI names it on stderr, and nothing reaches
    the terminal behind the app."""
    builder.commit("ada", write={"pay/a.py": "a\n" * 30, "core/b.py": "b\n" * 30})
    monkeypatch.chdir(builder.path)
    app = make_app(builder.path, report=scan(builder.path))
    leaked = io.StringIO()
    monkeypatch.setattr(sys, "stderr", leaked)

    async def scenario(pilot: Pilot[int]) -> None:
        await on_component(app, pilot, "pay")
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(Input).value = "Retry payments"
        await pilot.press("enter")
        await settle(app, pilot)
        created = [t for t in notifications(app) if t.startswith("Created ")]
        assert created == [
            "Created docs/adr/0002-retry-payments.md (commit it, then press r: scans read "
            "committed files)\n"
            "also created docs/adr/0001-record-architecture-decisions.md"
        ]

    run(app, scenario)
    assert leaked.getvalue() == ""


def test_escape_cancels_the_adr_dialog(adr_repo: Path) -> None:
    """Nothing is written when the dialog is cancelled."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await on_component(app, pilot, "pay")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NewAdrScreen)
        await settle(app, pilot)
        assert len(list((adr_repo / "doc/adr").iterdir())) == 3

    run(app, scenario)


def test_a_new_runbook_is_written_after_confirmation(
    adr_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`n`, then Create: the runbook skeleton exists and the notification names it."""
    monkeypatch.chdir(adr_repo)
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        await on_component(app, pilot, "pay")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await pilot.pause()
        await settle(app, pilot)
        created = [t for t in notifications(app) if t.startswith("Created ")]
        assert len(created) == 1
        path = created[0].removeprefix("Created ").split(" (commit")[0]
        assert (adr_repo / path).is_file()
        assert "pay" in (adr_repo / path).read_text(encoding="utf-8")

    run(app, scenario)


def test_a_scaffold_error_is_a_notification(adr_repo: Path) -> None:
    """A runbook for a component the repository does not have: its one-line message."""
    app = make_app(adr_repo, report=scan(adr_repo))

    async def scenario(pilot: Pilot[int]) -> None:
        from busfactor.ui.messages import NewDocumentRequested

        app.post_message(NewDocumentRequested("runbook", "nosuch"))
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await settle(app, pilot)
        assert any("nosuch: no such component" in t for t in notifications(app))
        assert app.is_running

    run(app, scenario)


def test_a_component_with_a_runbook_is_told_so_before_any_question(
    builder: RepoBuilder,
) -> None:
    """`n` on a component that has a runbook asked "Write a runbook skeleton?" and refused
    only after the yes. It says so at once, with where to look for what that runbook lacks."""
    builder.commit("ada", write={"pay/a.py": "a\n", "docs/runbooks/pay.md": "# Pay\n"})
    app = make_app(builder.path, report=scan(builder.path))

    async def scenario(pilot: Pilot[int]) -> None:
        from busfactor.ui.messages import NewDocumentRequested

        app.post_message(NewDocumentRequested("runbook", "pay"))
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert notifications(app) == [
            "pay already has a runbook, docs/runbooks/pay.md: improve that one (busfactor "
            "runbook list says what it lacks)."
        ]

    run(app, scenario)


def test_an_export_gets_the_permissions_open_would_give(adr_repo: Path, tmp_path: Path) -> None:
    """An export was 0600 (mkstemp's mode); it is now 0666 less the umask, as `--output`."""
    import os
    import stat

    out = tmp_path / "out"
    out.mkdir()
    previous = os.umask(0o022)
    try:
        path = export_markdown(scan(adr_repo), out)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_enter_on_a_codeowners_finding_shows_its_whole_message(tmp_path: Path) -> None:
    """A CODEOWNERS finding has no screen of its own: Enter said "CODEOWNERS is not a
    decision record". It shows the finding's file, line and whole message (cut in the table
    at 80 columns) instead."""
    from busfactor.demo import make_demo

    repo = make_demo(tmp_path / "demo")
    report = scan(repo)
    owners = [f for f in report.findings() if str(f["rule"]).startswith("codeowners-")]
    assert owners
    finding = owners[0]
    app = make_app(repo, report=report)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("f")
        await pilot.pause()
        table = app.query_one("#findings-table", DataTable)
        table.move_cursor(row=table.get_row_index(RowKey(str(finding["fingerprint"]))))
        await pilot.press("enter")
        await pilot.pause()
        line = finding["location"]["line"]
        assert notifications(app) == [f"{finding['path']}:{line}: {finding['message']}"]

    run(app, scenario)
