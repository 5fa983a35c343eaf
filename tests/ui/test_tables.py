"""The Components table fits 120 columns: names and authors shortened, the detail keeps them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.widgets import DataTable, Static

from busfactor.demo import make_demo
from busfactor.pipeline import scan
from busfactor.ui.app import BusfactorApp, make_app
from busfactor.ui.detail import ComponentScreen
from busfactor.ui.tables import SortedTable
from busfactor.ui.view import ShortPaths, fit_names, shorten_path, unique_knowledge


def plan_tab_text(app: BusfactorApp) -> str:
    """The Plan tab's plain-text plan once its worker is done (at 120x40)."""
    from textual.widgets import Static

    async def drive() -> str:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("l")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return str(app.query_one("#plan-text", Static).render())

    return asyncio.run(drive())


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("services/payments", "services/payments"),
        ("services/legacy-billing", "…/legacy-billing"),
        ("a/b/c/an-extremely-long-component", "…y-long-component"),
        ("", ""),
    ],
)
def test_shorten_path_drops_leading_folders_first(name: str, shown: str) -> None:
    """Names that fit are kept; longer ones keep their last folders, then its end."""
    assert shorten_path(name, 17) == shown


@pytest.mark.parametrize(
    ("names", "width", "shown"),
    [
        (  # alike once shortened: the folder that differs stays, cut to the width
            ["services/payments/docs/adr:1", "services/shipping/docs/adr:1"],
            16,
            ["…/payme…/…/adr:1", "…/shipp…/…/adr:1"],
        ),
        (
            ["services/payments/docs/adr:1", "services/shipping/docs/adr:1"],
            20,
            ["…/payments/…/adr:1", "…/shipping/…/adr:1"],
        ),
        (  # told apart by the shortening itself: left as it is
            ["services/payments/docs/adr:1", "services/shipping/docs/adr:1"],
            22,
            ["…/payments/docs/adr:1", "…/shipping/docs/adr:1"],
        ),
        (  # only the alike ones change; one that fits stays whole
            ["a/one/x/y/api", "b/two/x/y/api", "docs/adr:1"],
            11,
            ["a/one/…/api", "b/two/…/api", "docs/adr:1"],
        ),
        (  # different last parts alike from the left: the leading folder tells them apart
            ["pkg/first-long-service-name", "lib/other-long-service-name"],
            16,
            ["pkg/first-long-…", "lib/other-long-…"],
        ),
        (["src/a/util.py", "src/b/c/util.py"], 16, ["src/a/util.py", "src/b/c/util.py"]),
        (  # alike starts: the folders keep their ends (QA: three records shown as one)
            [f"services/payments-{x}/docs/adr:1" for x in ("and-invoicing", "api", "worker")],
            16,
            ["…/…icing/…/adr:1", "…/…s-api/…/adr:1", "…/…orker/…/adr:1"],
        ),
        (  # a member with nothing of its own between the shared parts: no empty `…/…/`
            ["services/docs/adr:1", "services/x/docs/adr:1", "services/y/docs/adr:1"],
            11,
            ["…/adr:1", "…/x/…/adr:1", "…/y/…/adr:1"],
        ),
        (  # wide characters: cut without a padding space
            ["services/支払いと請求/docs/adr:1", "services/配送/docs/adr:1"],
            16,
            ["…/支払…/…/adr:1", "…/配送/…/adr:1"],
        ),
        (  # a shared last part too long for the width: its end, after the folders
            ["libs/common/very-long-utility-package", "tools/very-long-utility-package"],
            20,
            ["libs/com…/…y-package", "tools/…ility-package"],
        ),
    ],
)
def test_short_paths_tell_alike_names_apart(names: list[str], width: int, shown: list[str]) -> None:
    short = ShortPaths(names)
    assert [short(name, width) for name in names] == shown
    assert short("not/one/of/the/names", width) == shorten_path("not/one/of/the/names", width)


PARTS = ["a", "src", "docs", "payments", "shipping", "adr:1", "日本語"]


@given(
    st.lists(
        st.lists(
            st.sampled_from(["a", "src", "docs", "payments", "shipping", "adr:1", "é"]),
            min_size=1,
            max_size=5,
        ).map("/".join),
        max_size=6,
    ),
    st.integers(3, 30),
)
def test_short_paths_fit_and_change_only_names_that_look_alike(
    names: list[str], width: int
) -> None:
    short = ShortPaths(names)
    plain = {name: shorten_path(name, width) for name in names}
    for name in names:
        assert cell_len(short(name, width)) <= width
        if list(plain.values()).count(plain[name]) == 1:
            assert short(name, width) == plain[name]


@pytest.mark.parametrize(
    ("names", "total", "shown"),
    [
        (["Priya Natarajan"], 1, "Priya Natarajan"),
        (["Lars Eriksen", "Rosa Costa"], 2, "Lars Eriksen, Rosa Costa"),
        (["Mei Tanaka", "Jamal Singh", "Omar Haddad"], 3, "Mei Tanaka +2"),
        (["Mei Tanaka", "Omar Haddad"], 7, "Mei Tanaka +6"),
        (["Maximilian Alexander Habsburg", "Bo"], 2, "Maximilian Alexander… +1"),
        ([], 0, ""),
    ],
)
def test_fit_names_counts_the_authors_left_out(names: list[str], total: int, shown: str) -> None:
    """The first name always shows (cut if need be); `+N` counts every author not named."""
    assert fit_names(names, total, 24) == shown


def test_demo_components_fit_120_columns(tmp_path: Path) -> None:
    """On the demo (an announced departure fills the what-if column) nothing scrolls sideways
    at 120x40, and the detail of a shortened component names it in full."""
    repo = make_demo(tmp_path / "repo")
    app = make_app(repo, report=scan(repo))

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            table = app.query_one("#components-table", DataTable)
            assert table.virtual_size.width <= table.size.width - 2  # room for a scrollbar
            assert not table.show_horizontal_scrollbar
            table.move_cursor(row=table.get_row_index("services/legacy-billing"))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ComponentScreen)
            summary = str(app.screen.query_one("#component-summary", Static).content)
            assert "services/legacy-billing" in summary

    asyncio.run(drive())


def test_people_hold_alone_the_components_their_bus_factor_names(tmp_path: Path) -> None:
    """The People tab counts the components a person holds alone as the reports' single-owner
    findings do: bus factor 1, named by it, other minor authors or not. The demo's
    legacy-billing (2 authors) and root (3 authors) count for Lars and Sven."""
    report = scan(make_demo(tmp_path / "repo"))
    held = unique_knowledge(report)
    expected: dict[str, list[str]] = {}
    for component in report.components():
        if component["bus_factor"] == 1:
            expected.setdefault(component["bus_factor_authors"][0], []).append(component["name"])
    assert {p: c for p, (c, _) in held.items() if c} == expected
    assert any(len(c["authors"]) > 1 for c in report.components() if c["bus_factor"] == 1)


def test_the_plan_tab_uses_the_configured_target_as_busfactor_plan_does(tmp_path: Path) -> None:
    """With `[plan] target_bus_factor = 4` the Plan tab showed the plan for the default
    target, 2: fewer components than `busfactor plan` listed."""

    from busfactor.core.plan import make_plan, render_plan_text

    repo = make_demo(tmp_path / "repo")
    (repo / ".busfactor.toml").write_text("[plan]\ntarget_bus_factor = 4\n", encoding="utf-8")
    report = scan(repo)
    expected = render_plan_text(make_plan(report.graph, target_bus_factor=4), report.graph)
    assert expected != render_plan_text(make_plan(report.graph), report.graph)
    app = make_app(repo, report=report)

    assert plan_tab_text(app).strip() == expected.strip()


def coupled_service(path: Path) -> Path:
    """Ada writes svc/ alone; a.py, b.py and c.py always change together, z.py alone and
    most often. Without file coupling Bob would study z.py first; with it, the trio."""
    from builders import RepoBuilder

    with RepoBuilder(path) as builder:
        builder.commit("ada", write={f"svc/{name}.py": "0\n" for name in "abcz"})
        for n in range(6):
            builder.commit("ada", write={f"svc/{name}.py": f"{n}{name}\n" for name in "abc"})
        for n in range(12):
            builder.commit("ada", write={"svc/z.py": f"{n}z\n"})
        builder.commit("bob", write={"svc/a.py": "bob\n"})
        builder.commit("bob", write={"lib/x.py": "x\n"})
    return path


def test_the_plan_tab_shows_what_busfactor_plan_prints(tmp_path: Path) -> None:
    """The app's scans leave file coupling out, and the Plan tab planned from them: its study
    list put z.py first where `busfactor plan`, which reads coupling, puts the coupled trio."""

    from busfactor.cli import main
    from busfactor.core.plan import make_plan, render_plan_text

    repo = coupled_service(tmp_path / "repo")
    printed = tmp_path / "plan.txt"
    assert main(["plan", str(repo), "--format", "text", "--output", str(printed)]) == 0
    report = scan(repo)
    uncoupled = render_plan_text(make_plan(report.graph), report.graph)
    assert uncoupled.strip() != printed.read_text(encoding="utf-8").strip()
    app = make_app(repo, report=report)

    assert plan_tab_text(app).strip() == printed.read_text(encoding="utf-8").strip()


def test_the_plan_tab_says_why_it_has_no_plan(tmp_path: Path) -> None:
    """The plan's own scan can fail (the repository went away since the app's scan): the tab
    says so in one line instead of staying on "Computing"."""
    import shutil

    repo = coupled_service(tmp_path / "repo")
    app = make_app(repo, report=scan(repo))
    shutil.rmtree(repo)

    shown = plan_tab_text(app)
    assert shown.startswith("The plan could not be computed: ")
    assert str(repo) in shown


def test_the_plan_tab_exports_the_plan_as_busfactor_plan_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """e on the Plan tab writes busfactor-plan.md (then -2, never over a file): the same
    Markdown `busfactor plan --format markdown` prints. Issue 6 asked for it; it was missing."""
    from busfactor.cli import main

    repo = coupled_service(tmp_path / "repo")
    printed = tmp_path / "printed.md"
    assert main(["plan", str(repo), "--format", "markdown", "--output", str(printed)]) == 0
    out = tmp_path / "out"
    out.mkdir()
    (out / "busfactor-plan.md").write_text("mine\n", encoding="utf-8")
    monkeypatch.chdir(out)
    app = make_app(repo, report=scan(repo))

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("l")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()

    asyncio.run(drive())
    assert (out / "busfactor-plan.md").read_text(encoding="utf-8") == "mine\n"
    exported = (out / "busfactor-plan-2.md").read_text(encoding="utf-8")
    assert exported.strip() == printed.read_text(encoding="utf-8").strip()


def test_a_components_detail_shows_its_line_of_the_plan(tmp_path: Path) -> None:
    """Issue 6 asked for each component's cross-training suggestion in its detail; there was
    none. It is the Plan tab's suggestion for that component (the plan with file coupling,
    computed once for both), or why there is none."""
    from textual.widgets import Static

    from busfactor.cli import main
    from busfactor.ui.detail import ComponentScreen

    repo = coupled_service(tmp_path / "repo")
    printed = tmp_path / "plan.json"
    assert main(["plan", str(repo), "--format", "json", "--output", str(printed)]) == 0
    import json

    suggestion = next(
        s
        for s in json.loads(printed.read_text(encoding="utf-8"))["suggestions"]
        if s["component"] == "svc"
    )
    assert suggestion["learner"] == "bob@example.test"
    app = make_app(repo, report=scan(repo))

    async def drive() -> str:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            table = app.query_one("#components-table")
            table.move_cursor(row=table.get_row_index("svc"))  # type: ignore[attr-defined]
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, ComponentScreen)
            return str(app.screen.query_one("#component-plan", Static).content)

    shown = asyncio.run(drive())
    assert "Bob learns from Ada: bus factor 1 → 2" in shown
    first = suggestion["files"][0]
    assert f"study {first['path']} ({first['commits_needed']})" in shown


def test_people_fit_120_columns_whatever_the_names(tmp_path: Path) -> None:
    """One 44-character name pushed "Holds alone" off a 120-column screen (flask); names are
    cut with … and the detail shows them whole."""
    from builders import RepoBuilder

    long_name = "Maximiliane Alexandra von Hohenzollern-Sigmaringen"
    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit((long_name, "max@example.test"), write={"a/x.py": "x\n" * 10})
        builder.commit("ada", write={"b/y.py": "y\n" * 10})
    repo = tmp_path / "repo"
    app = make_app(repo, report=scan(repo))

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("p")
            await pilot.pause()
            table = app.query_one("#people-table", DataTable)
            assert table.virtual_size.width <= table.size.width - 2
            names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
            assert any(name.endswith("…") and long_name.startswith(name[:-1]) for name in names)

    asyncio.run(drive())


def test_a_plan_made_while_its_tab_is_hidden_is_rendered_when_the_tab_is_shown(
    tmp_path: Path,
) -> None:
    """After a rescan the plan is made again in the background once its tab was seen. Its
    Markdown tables (a widget per cell) held the app 1 to 2 s on git.git wherever the user
    was; they are now built when the Plan tab is shown."""
    from textual.widgets import Markdown

    from busfactor.cli import main

    repo = coupled_service(tmp_path / "repo")
    printed = tmp_path / "plan.md"
    assert main(["plan", str(repo), "--format", "markdown", "--output", str(printed)]) == 0
    app = make_app(repo)
    sources: list[str] = []

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.press("l")
            await app.workers.wait_for_complete()
            await pilot.pause()
            plan = app.query_one("#plan-markdown", Markdown)
            sources.append(plan.source)
            await pilot.press("o", "r")
            await app.workers.wait_for_complete()  # the rescan
            await pilot.pause()
            await app.workers.wait_for_complete()  # the plan it starts
            await pilot.pause()
            sources.append(plan.source)
            await pilot.press("l")
            await pilot.pause()
            sources.append(plan.source)

    asyncio.run(drive())
    made = printed.read_text(encoding="utf-8")
    assert sources[0] == sources[2] == made
    assert "Computing" in sources[1]


def test_findings_show_where_they_are_before_their_long_messages(tmp_path: Path) -> None:
    """The message, the longest cell, is the last column: before it, long messages pushed
    Component / path out of view at 120 columns (git.git's showed `Com`). A long component
    keeps its end, as on the Components tab, and the message does not say it again."""
    from builders import RepoBuilder

    long_name = "services/payments-and-invoicing/reconciliation-engine"
    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit("ada", write={f"{long_name}/core.py": "x\n"})
        repo = builder.path
    app = make_app(repo, report=scan(repo))

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f")
            await pilot.pause()
            table = app.query_one("#findings-table", DataTable)
            where = table.get_column_index("where")
            region = table._get_column_region(where)
            assert region.right <= table.scrollable_content_region.width
            cells = [str(table.get_row_at(row)[where]) for row in range(table.row_count)]
            assert "…/payments-and-invoicing" in cells  # services/payments-and-invoicing
            message = table.get_column_index("message")
            said = [str(table.get_row_at(row)[message]) for row in range(table.row_count)]
            assert "no runbook (bus factor 1)" in said  # the component is in its column

    asyncio.run(drive())


def test_tables_fill_without_asking_the_terminal_its_size(
    small_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich's console asked the terminal its size on every cell a table measured (three
    system calls each, 50,000 on git.git's People): the app tells it its size instead, and
    again when the terminal is resized."""
    import os

    app = make_app(small_repo, report=scan(small_repo))
    asked: list[int] = []
    real = os.get_terminal_size

    def counted(*args: int) -> os.terminal_size:
        asked.append(1)
        return real(*args)

    async def drive() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert tuple(app.console.size) == (100, 30)
            monkeypatch.setattr(os, "get_terminal_size", counted)
            for table in app.query(SortedTable):
                table.redraw()
            await pilot.pause()
            assert asked == []
            await pilot.resize_terminal(120, 40)
            await pilot.pause()
            assert tuple(app.console.size) == (120, 40)

    asyncio.run(drive())
