"""SVG snapshots of the tabs on a small deterministic repository (fixed names and dates).

Regenerate with `pytest tests/ui/test_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from builders import RepoBuilder
from busfactor.pipeline import scan
from busfactor.ui.app import BusfactorApp, make_app

SIZE = (120, 40)
SnapCompare = Callable[..., bool]


@pytest.fixture
def snapshot_repo(builder: RepoBuilder) -> Path:
    """`billing` is Ada's alone, `api` is shared, `web` has a person who left a year ago."""
    builder.commit("ada", write={"billing/invoice.py": "i\n" * 40, "billing/tax.py": "t\n" * 40})
    builder.commit("cy", write={"web/app.ts": "w\n" * 40, "web/style.css": "s\n" * 20})
    builder.day += 400
    for who in ("ada", "bob", "dee"):
        builder.commit(who, write={f"api/{who}.py": f"{who}\n" * 30})
    builder.commit("bob", write={"api/routes.py": "r\n" * 30, "README.md": "# Demo\n"})
    return builder.path


def app_on(repo: Path) -> BusfactorApp:
    """The app on a report scanned before it starts (no worker, no timing)."""
    return make_app(repo, report=scan(repo))


async def show(pilot: Pilot[int], tab: str) -> None:
    """Switch to a tab and let it settle."""
    pilot.app.query_one("#tabs").active = f"tab-{tab}"  # type: ignore[attr-defined]
    await pilot.pause()


class TestOverviewSnapshot:
    """The Overview tab: truck factor figure, facts, worst components."""

    def test_overview(self, snap_compare: SnapCompare, snapshot_repo: Path) -> None:
        async def run_before(pilot: Pilot[int]) -> None:
            await show(pilot, "overview")

        assert snap_compare(app_on(snapshot_repo), terminal_size=SIZE, run_before=run_before)


class TestComponentsSnapshot:
    """The Components tab: risk by colour and text, sorted by risk."""

    def test_components(self, snap_compare: SnapCompare, snapshot_repo: Path) -> None:
        async def run_before(pilot: Pilot[int]) -> None:
            await show(pilot, "components")
            pilot.app.query_one("#components-table").focus()
            await pilot.pause()

        assert snap_compare(app_on(snapshot_repo), terminal_size=SIZE, run_before=run_before)
