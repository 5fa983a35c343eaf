"""SVG snapshots of every screen on a small deterministic repository (fixed names and dates).

Regenerate with `pytest tests/ui/test_snapshots.py --snapshot-update`, then look at every SVG
(e.g. converted to PNG) before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from builders import RepoBuilder
from busfactor.core.org import merge_reports
from busfactor.orgscan import scan_repositories
from busfactor.pipeline import scan
from busfactor.ui.app import BusfactorApp, make_app
from busfactor.ui.org import OrgApp

SIZE = (120, 40)
SMALL = (80, 24)
SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[int]], Awaitable[None]]


def record(number: int, title: str, status: str, body: str) -> str:
    """An adr-tools record."""
    return f"# {number}. {title}\n\nDate: 2024-02-0{number}\n\n## Status\n\n{status}\n\n{body}\n"


@pytest.fixture
def snapshot_repo(builder: RepoBuilder) -> Path:
    """`billing` is Ada's alone, `api` is shared, `web` has a person who left a year ago;
    two decision records, the second superseding the first."""
    builder.commit("ada", write={"billing/invoice.py": "i\n" * 40, "billing/tax.py": "t\n" * 40})
    builder.commit("cy", write={"web/app.ts": "w\n" * 40, "web/style.css": "s\n" * 20})
    builder.day += 400
    for who in ("ada", "bob", "dee"):
        builder.commit(who, write={f"api/{who}.py": f"{who}\n" * 30})
    builder.commit("bob", write={"api/routes.py": "r\n" * 30, "README.md": "# Demo\n"})
    builder.commit(
        "ada",
        write={
            "doc/adr/0001-store-amounts-as-floats.md": record(
                1,
                "Store amounts as floats",
                "Superseded by [2. Store amounts in cents](0002-store-amounts-in-cents.md)",
                "## Context\n\n`billing/invoice.py` adds up prices.",
            ),
            "doc/adr/0002-store-amounts-in-cents.md": record(
                2,
                "Store amounts in cents",
                "Accepted\n\nSupersedes [1. Store amounts as floats]"
                "(0001-store-amounts-as-floats.md)",
                "## Context\n\nRounding errors in `billing/tax.py`.\n\n## Decision\n\n"
                "Every amount is an integer number of cents.",
            ),
        },
    )
    return builder.path


def app_on(repo: Path) -> BusfactorApp:
    """The app on a report scanned before it starts (no scan worker, no timing)."""
    return make_app(repo, report=scan(repo))


async def settle(pilot: Pilot[int]) -> None:
    """Let workers (what-if, plan) finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def keys(*pressed: str) -> Steps:
    """Steps that press keys (as a user would) and settle."""

    async def steps(pilot: Pilot[int]) -> None:
        await pilot.pause()
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return steps


def on_person(person: str, *pressed: str) -> Steps:
    """People tab with the cursor on `person`, then keys."""

    async def steps(pilot: Pilot[int]) -> None:
        await pilot.press("p")
        await settle(pilot)
        table = pilot.app.query_one("#people-table", DataTable)
        table.move_cursor(row=table.get_row_index(person))
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return steps


def light(steps: Steps) -> Steps:
    """The same steps in Textual's light theme."""

    async def themed(pilot: Pilot[int]) -> None:
        pilot.app.theme = "textual-light"
        await settle(pilot)
        await steps(pilot)

    return themed


SCREENS: dict[str, tuple[Steps, tuple[int, int]]] = {
    "overview": (keys("o"), SIZE),
    "components": (keys("c"), SIZE),
    "component_detail": (keys("c", "enter"), SIZE),
    "people": (keys("p"), SIZE),
    "people_ada_leaving": (on_person("ada@example.test", "space"), SIZE),
    "person_detail": (on_person("ada@example.test", "enter"), SIZE),
    "findings": (keys("f"), SIZE),
    "decisions": (keys("d", "down"), SIZE),
    "plan": (keys("l"), SIZE),
    "help": (keys("question_mark"), SIZE),
    "overview_80x24": (keys("o"), SMALL),
    "component_detail_80x24": (keys("c", "enter"), SMALL),
    "decisions_80x24": (keys("d"), SMALL),
    "plan_80x24": (keys("l"), SMALL),
    "light_components_ada_leaving": (light(on_person("ada@example.test", "space", "c")), SIZE),
    "light_component_detail": (light(keys("c", "enter")), SIZE),
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen: str, snap_compare: SnapCompare, snapshot_repo: Path) -> None:
    """Each screen looks as reviewed: legible at 120x40 and 80x24, dark and light."""
    steps, size = SCREENS[screen]
    assert snap_compare(app_on(snapshot_repo), terminal_size=size, run_before=steps)


@pytest.fixture
def snapshot_org(tmp_path: Path) -> dict[str, Any]:
    """`api` and `web`: Ada alone holds `billing` in one and `checkout` in the other (flagged
    across repositories); Bob shares `core` with Cy, who alone wrote `web`'s `docs`."""
    with RepoBuilder(tmp_path / "api") as api, RepoBuilder(tmp_path / "web") as web:
        api.commit("ada", write={"billing/invoice.py": "i\n" * 40})
        for who in ("bob", "cy"):
            api.commit(who, write={f"core/{who}.py": f"{who}\n" * 30})
        web.commit("ada", write={"checkout/cart.ts": "c\n" * 40})
        web.commit("cy", write={"docs/guide.md": "g\n" * 20})
    results = scan_repositories([tmp_path / "api", tmp_path / "web"], jobs=1)
    return merge_reports(results).report


@pytest.mark.parametrize("size", [SIZE, SMALL], ids=["120x40", "80x24"])
def test_org_screen(
    size: tuple[int, int], snap_compare: SnapCompare, snapshot_org: dict[str, Any]
) -> None:
    """The organisation app: the summary, the repositories, the flagged person first."""
    assert snap_compare(OrgApp(snapshot_org, title="org.json"), terminal_size=size)


def test_overview_of_a_shallow_clone(
    snap_compare: SnapCompare, snapshot_repo: Path, builder: RepoBuilder, tmp_path: Path
) -> None:
    """The scan's warning sits under the figures it qualifies, wrapped under its mark."""
    clone = builder.shallow_clone(tmp_path / "shallow", depth=3)
    assert snap_compare(app_on(clone), terminal_size=(100, 36), run_before=keys("o"))
