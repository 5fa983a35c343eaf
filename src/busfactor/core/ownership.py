"""CODEOWNERS in the scan: drift findings against the ownership graph, and a suggested draft.

The parsing and the drift rules live in `core.codeowners`; this module feeds them the graph's
people, files and components and turns their results into ordinary findings.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from busfactor.core.codeowners import CodeOwners, PersonInfo, drift_findings, suggest_codeowners
from busfactor.core.findings import Finding
from busfactor.core.graph import COMPONENT, FILE, PERSON

Owners = Sequence[tuple[str, Sequence[str]]]


def people_info(graph: nx.DiGraph[str]) -> dict[str, PersonInfo]:
    """Person id -> what CODEOWNERS checks need to know about them."""
    return {
        data["id"]: PersonInfo(
            id=data["id"],
            name=data["name"],
            email=data["email"],
            aliases=tuple(data["aliases"]),
            active=bool(data["active"]),
            commits=int(data["commits"]),
        )
        for _, data in graph.nodes(data=True)
        if data.get("kind") == PERSON
    }


def _components(graph: nx.DiGraph[str]) -> dict[str, tuple[list[str], int]]:
    result = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") == COMPONENT:
            files = [graph.nodes[f]["path"] for _, f in graph.out_edges(node)]
            result[data["name"]] = (sorted(files), int(data["bus_factor"]))
    return result


def _authors(graph: nx.DiGraph[str]) -> dict[str, list[str]]:
    return {
        data["path"]: list(data["authors"])
        for _, data in graph.nodes(data=True)
        if data.get("kind") == FILE
    }


def codeowners_findings(
    graph: nx.DiGraph[str], codeowners: CodeOwners, owners: Owners, runbook_bus_factor: int
) -> list[Finding]:
    """Drift between CODEOWNERS and who really authors the code, as findings."""
    drift = drift_findings(
        codeowners,
        files=_authors(graph),
        components=_components(graph),
        people=people_info(graph),
        aliases={handle: list(emails) for handle, emails in owners},
        runbook_bus_factor=runbook_bus_factor,
    )
    return [
        Finding(
            item.rule,
            item.severity,
            item.message,
            component=item.component,
            path=item.path,
            person=item.person or item.owner,
            location=(item.path, item.line),
            pattern=item.pattern,
        )
        for item in drift
    ]


def suggestion(graph: nx.DiGraph[str], owners: Owners) -> str:
    """A CODEOWNERS draft from the actual authors (handles from `[owners]` where known)."""
    handles: dict[str, str] = {}
    for handle, emails in owners:
        if len(emails) == 1:
            handles.setdefault(emails[0].strip().lower(), handle)
    components = {name: files for name, (files, _) in _components(graph).items()}
    return suggest_codeowners(components, _authors(graph), people_info(graph), handles=handles)
