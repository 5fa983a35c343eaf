"""The ownership graph: the one model every report and the TUI read.

Nodes are typed by their `kind` attribute (person, file, component; later decision, runbook,
team) and named `kind:key`. Edges: person -> file (`authorship`: doa, deliveries,
first_author, ...) and component -> file (`contains`). Repository-wide figures live in
`graph.graph`.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any, cast

import networkx as nx

from busfactor.core.authorship import FileAuthorship
from busfactor.core.identity import Identities
from busfactor.core.truckfactor import TruckFactor, truck_factor

PERSON, FILE, COMPONENT = "person", "file", "component"


def node_id(kind: str, key: str) -> str:
    """The graph's name for a node."""
    return f"{kind}:{key}"


def node_key(node: str) -> str:
    """The key a node's name was made from (`node_id`'s inverse): no attribute lookup, for
    loops over 100,000 edges."""
    return node.partition(":")[2]


def iso(timestamp: int) -> str:
    """Seconds since the epoch as ISO 8601 in UTC (git's times are kept within the calendar
    where they are parsed: model.calendar_time)."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


def add_people(
    graph: nx.DiGraph[str], identities: Identities, revision_time: int, activity_days: int
) -> None:
    """Person nodes with their activity; `active` is relative to the revision's date."""
    horizon = revision_time - activity_days * 86400
    for person in identities.people.values():
        graph.add_node(
            node_id(PERSON, person.id),
            kind=PERSON,
            id=person.id,
            name=person.name,
            email=person.email,
            aliases=list(person.aliases),
            commits=person.commits,
            first_commit=person.first_commit,
            last_commit=person.last_commit,
            active=person.commits > 0 and person.last_commit >= horizon,
            files_authored=0,
        )


def add_files(graph: nx.DiGraph[str], files: list[FileAuthorship]) -> None:
    """File nodes and authorship edges (every contributor, `author` marks DOA authors)."""
    file_ids = [node_id(FILE, record.path) for record in files]
    graph.add_nodes_from(
        (
            file,
            {
                "kind": FILE,
                "path": record.path,
                "commits": record.commits,
                "authors": list(record.authors),
            },
        )
        for file, record in zip(file_ids, files, strict=True)
    )
    # One name per person, not one f-string per edge: a big repository has 100,000 edges.
    person_ids: dict[str, str] = {}
    for record in files:
        for person in record.contributions:
            if person not in person_ids:
                person_ids[person] = node_id(PERSON, person)
    # networkx copies each attribute dict: the contributions are already shaped as edges.
    graph.add_edges_from(
        (
            (person_ids[person], file, cast(dict[str, Any], share))
            for file, record in zip(file_ids, files, strict=True)
            for person, share in record.contributions.items()
        ),
        kind="authorship",
    )
    authored = Counter(person for record in files for person in record.authors)
    nodes = graph.nodes
    for person, count in authored.items():
        nodes[person_ids[person]]["files_authored"] += count


def tf_attributes(result: TruckFactor) -> dict[str, Any]:
    """A truck factor as node or graph attributes."""
    return {"value": result.value, "authors": list(result.removed), "coverage": result.coverage}


def add_components(
    graph: nx.DiGraph[str],
    members: dict[str, list[str]],
    authors_of: dict[str, tuple[str, ...]],
    commits_of: dict[str, int],
    coverage: float,
) -> None:
    """Component nodes with their own bus factor, authors and knowledge already lost."""
    active = {
        data["id"]
        for _, data in graph.nodes(data=True)
        if data["kind"] == PERSON and data["active"]
    }
    for name, paths in members.items():
        if not paths:
            continue
        component = node_id(COMPONENT, name)
        result = truck_factor(paths, authors_of, commits_of, coverage)
        graph.add_edges_from(((component, node_id(FILE, path)) for path in paths), kind="contains")
        counts: dict[str, int] = {}
        lost = 0
        for path in paths:
            file_authors = authors_of.get(path, ())
            for person in file_authors:
                counts[person] = counts.get(person, 0) + 1
            if file_authors and not any(p in active for p in file_authors):
                lost += 1
        graph.add_node(
            component,
            kind=COMPONENT,
            name=name,
            files=len(paths),
            bus_factor=result.value,
            bus_factor_authors=list(result.removed),
            coverage=result.coverage,
            authors=sorted(counts, key=lambda p: (-counts[p], p)),
            files_lost=lost,
        )
