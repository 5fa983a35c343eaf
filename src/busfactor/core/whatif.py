"""What if some people leave: truck factors, orphaned files, decisions and runbooks after.

The simulation removes people from every file's authors (the DOA model is not recomputed:
their knowledge leaves, nobody else's grows) and reruns the greedy truck factor, as Bus
Factor Explorer's simulation mode does.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import networkx as nx

from busfactor.core.graph import COMPONENT, FILE, PERSON
from busfactor.core.identity import email_key, name_key
from busfactor.core.knowledge import DECISION, RUNBOOK
from busfactor.core.truckfactor import truck_factor
from busfactor.errors import Cancelled

SCHEMA = "busfactor.whatif/1"


class UnknownPerson(LookupError):
    """An id that matches nobody; `suggestions` are the closest known ids and names."""

    def __init__(self, wanted: str, suggestions: list[str]) -> None:
        super().__init__(wanted)
        self.wanted = wanted
        self.suggestions = suggestions

    @property
    def why(self) -> str:
        """What to say about it, after the name: the people it may have meant, if any."""
        if self.suggestions:
            return f"matches nobody in the history (closest: {', '.join(self.suggestions)})"
        return "matches nobody in the history, and no name or email is close"


def resolve_each(
    graph: nx.DiGraph[str], wanted: Iterable[str]
) -> tuple[list[str], list[UnknownPerson]]:
    """Each entry's person id, for the entries that match someone (in order), and one
    UnknownPerson for each entry that matches nobody; the people are indexed once."""
    keys: dict[str, str] = {}
    for _, data in graph.nodes(data=True):
        if data.get("kind") != PERSON:
            continue
        for alias in (data["id"], data["email"], data["name"], *data["aliases"]):
            if alias:
                keys.setdefault(alias.strip().lower(), data["id"])
                keys.setdefault(email_key(alias), data["id"])
                keys.setdefault(name_key(alias), data["id"])
    found: list[str] = []
    unknown: list[UnknownPerson] = []
    for item in wanted:
        person = keys.get(item.strip().lower()) or keys.get(name_key(item))
        person = person or keys.get(email_key(item))
        if person is None:
            close = difflib.get_close_matches(item.strip().lower(), keys, n=3, cutoff=0.6)
            unknown.append(UnknownPerson(item, close))
        else:
            found.append(person)
    return found, unknown


def resolve_people(graph: nx.DiGraph[str], wanted: Iterable[str]) -> list[str]:
    """Emails, names or person ids -> person ids (each once), matched after identity merging;
    UnknownPerson for the first entry that matches nobody."""
    found, unknown = resolve_each(graph, wanted)
    if unknown:
        raise unknown[0]
    return list(dict.fromkeys(found))


def _authors_of(graph: nx.DiGraph[str]) -> dict[str, tuple[str, ...]]:
    return {
        data["path"]: tuple(data["authors"])
        for _, data in graph.nodes(data=True)
        if data.get("kind") == FILE
    }


def _commits_of(graph: nx.DiGraph[str]) -> dict[str, int]:
    """Each person's commits: the truck factor's tie-break."""
    people = [data for _, data in graph.nodes(data=True) if data.get("kind") == PERSON]
    return {data["id"]: int(data["commits"]) for data in people}


def simulate(
    graph: nx.DiGraph[str], without: Sequence[str], stop: Callable[[], bool] = lambda: False
) -> dict[str, Any]:
    """The `busfactor.whatif/1` report for these person ids leaving. `stop` is asked between
    components (the app's marks, toggled quickly, each started one): Cancelled when it says
    so."""
    gone = set(without)
    authors_of = _authors_of(graph)
    commits_of = _commits_of(graph)
    threshold = graph.graph["thresholds"]["coverage"]
    files = list(authors_of)
    before = truck_factor(files, authors_of, commits_of, threshold)
    if stop():
        raise Cancelled("what-if cancelled")
    after = truck_factor(files, authors_of, commits_of, threshold, without=gone)
    orphaned = sorted(
        path for path, authors in authors_of.items() if authors and set(authors) <= gone
    )
    orphaned_set = set(orphaned)
    components = []
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        if data.get("kind") != COMPONENT:
            continue
        if stop():
            raise Cancelled("what-if cancelled")
        paths = [graph.nodes[f]["path"] for _, f in graph.out_edges(node)]
        later = truck_factor(paths, authors_of, commits_of, threshold, without=gone)
        components.append(
            {
                "name": data["name"],
                "bus_factor_before": data["bus_factor"],
                "bus_factor_after": later.value,
                "orphaned_files": sorted(p for p in paths if p in orphaned_set),
            }
        )

    def left(people: Sequence[str]) -> bool:
        """Everyone in `people` leaves or has already left."""
        return bool(people) and all(
            p in gone or not graph.nodes[f"{PERSON}:{p}"]["active"] for p in people
        )

    decisions = sorted(
        data["id"]
        for _, data in graph.nodes(data=True)
        if data.get("kind") == DECISION and left([*data["authors"], *data["decider_ids"]])
    )
    runbooks = sorted(
        data["path"]
        for _, data in graph.nodes(data=True)
        if data.get("kind") == RUNBOOK and left(data["authors"])
    )
    return {
        "schema": SCHEMA,
        "without": list(without),
        "truck_factor": {"before": before.value, "after": after.value},
        "components": components,
        "orphaned_files": orphaned,
        "decisions_orphaned": decisions,
        "runbooks_orphaned": runbooks,
    }
