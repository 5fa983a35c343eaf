"""The cross-training plan the app shows (Plan tab, a component's detail): the one
`busfactor plan` prints, from a scan with file coupling (pipeline.plan_scan), computed once
per report and kept on the app."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from busfactor.core.plan import make_plan
from busfactor.pipeline import plan_scan

if TYPE_CHECKING:
    import networkx as nx
    from textual.app import App

    from busfactor.core.report import ScanReport

Plan = tuple[dict[str, Any], "nx.DiGraph[str]"]
"""The `busfactor.plan/1` plan and the graph it was made from (names, files, reasons)."""


def plan_of(app: App[Any], report: ScanReport, cancel: threading.Event | None = None) -> Plan:
    """The plan for `report` (from a worker thread): kept on the app after the first time.
    Raises what the scan raises (BusfactorError, Cancelled)."""
    kept: tuple[ScanReport, Plan] | None = getattr(app, "kept_plan", None)
    if kept is not None and kept[0] is report:
        return kept[1]
    repo = getattr(app, "repo", None)
    source = (
        plan_scan(repo, getattr(app, "settings", None), report.meta["revision"], cancel=cancel)
        if repo is not None
        else report
    )
    plan = make_plan(
        source.graph,
        target_bus_factor=report.settings.target_bus_factor,
        leaving=report.leaving_ids(),
    )
    made: Plan = (plan, source.graph)
    app.kept_plan = (report, made)  # type: ignore[attr-defined]
    return made
