"""Decisions (ADRs) and runbooks in the ownership graph, with who wrote them.

Decision and runbook nodes join the person, file and component nodes of the scan:
decision -> component / file (`mentions`), person -> decision (`authored`, `decided`),
runbook -> component (`serves`), person -> runbook (`authored`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import networkx as nx

from busfactor.core.decisions import Decision, LinkIndex
from busfactor.core.filters import code_file
from busfactor.core.graph import COMPONENT, FILE, PERSON, node_id, node_key
from busfactor.core.identity import name_key
from busfactor.core.runbooks import Runbook

DECISION, RUNBOOK = "decision", "runbook"
_RUNBOOK_RANK = {"ok": 0, "weak": 1, "unverified": 2}

AuthorsOf = Callable[[str], list[str]]
"""Repository path -> person ids who created or changed it, most knowledgeable first."""


def _components_of(graph: nx.DiGraph[str], path: str) -> list[str]:
    file_node = node_id(FILE, path)
    if file_node not in graph:
        return []
    return sorted(
        graph.nodes[source]["name"]
        for source in graph.predecessors(file_node)
        if graph.nodes[source].get("kind") == COMPONENT
    )


def match_people(
    graph: nx.DiGraph[str], names: Sequence[str], by_key: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Decider names or emails as written -> person ids, where a person matches. `by_key`:
    `people_by_key(graph)`, made once when many decisions are matched."""
    if by_key is None:
        by_key = people_by_key(graph)
    found = {}
    for name in names:
        person = by_key.get(name_key(name.strip().strip("<>@")))
        if person is not None:
            found[name] = person
    return found


def people_by_key(graph: nx.DiGraph[str]) -> dict[str, str]:
    """Every person's name, email and aliases (as `name_key` folds them) -> person id."""
    by_key: dict[str, str] = {}
    for _, data in graph.nodes(data=True):
        if data.get("kind") != PERSON:
            continue
        for alias in (data["name"], data["email"], *data["aliases"]):
            by_key.setdefault(name_key(alias), data["id"])
    return by_key


def add_decisions(
    graph: nx.DiGraph[str],
    decisions: Sequence[Decision],
    authors_of: AuthorsOf,
    all_paths: Sequence[str],
) -> None:
    """Decision nodes, what they mention, who wrote and who decided them."""
    if not decisions:  # most repositories: no index of every path and person to build
        return
    components = [d["name"] for _, d in graph.nodes(data=True) if d.get("kind") == COMPONENT]
    analysed = [d["path"] for _, d in graph.nodes(data=True) if d.get("kind") == FILE]
    links = LinkIndex.of(analysed or all_paths, components)
    people = people_by_key(graph)
    for decision in decisions:
        files, named = links.targets(decision.mentions)
        linked = set(named)
        for path in files:
            linked.update(_components_of(graph, path))
        node = node_id(DECISION, decision.id)
        authors = authors_of(decision.path)
        deciders = match_people(graph, decision.deciders, people)
        graph.add_node(
            node,
            kind=DECISION,
            id=decision.id,
            title=decision.title,
            status=decision.status,
            status_raw=decision.status_raw,
            date=decision.date,
            path=decision.path,
            supersedes=list(decision.supersedes),
            superseded_by=list(decision.superseded_by),
            deciders=list(decision.deciders),
            decider_ids=sorted(set(deciders.values())),
            authors=authors,
            components=sorted(linked),
            files=sorted(files),
        )
        for name in sorted(linked):
            graph.add_edge(node, node_id(COMPONENT, name), kind="mentions")
        for path in files:
            if node_id(FILE, path) in graph:
                graph.add_edge(node, node_id(FILE, path), kind="mentions")
        for person in authors:
            graph.add_edge(node_id(PERSON, person), node, kind="authored")
        for person in set(deciders.values()):
            graph.add_edge(node_id(PERSON, person), node, kind="decided")
        for name in sorted(linked):
            graph.nodes[node_id(COMPONENT, name)]["decisions"].append(decision.id)


def add_runbooks(
    graph: nx.DiGraph[str], runbooks: Sequence[Runbook], authors_of: AuthorsOf
) -> None:
    """Runbook nodes, the components they serve and who wrote them; components learn theirs."""
    best: dict[str, Runbook] = {}
    for runbook in runbooks:
        node = node_id(RUNBOOK, runbook.path)
        authors = [] if runbook.external else authors_of(runbook.path)
        if authors and not any(graph.nodes[node_id(PERSON, p)]["active"] for p in authors):
            names = ", ".join(str(graph.nodes[node_id(PERSON, p)]["name"]) for p in authors)
            runbook = replace(
                runbook,
                status="weak",
                problems=(*runbook.problems, f"every author is inactive ({names})"),
            )
        graph.add_node(
            node,
            kind=RUNBOOK,
            path=runbook.path,
            components=list(runbook.components),
            sources=list(runbook.sources),
            status=runbook.status,
            problems=list(runbook.problems),
            external=runbook.external,
            authors=authors,
        )
        for person in authors:
            graph.add_edge(node_id(PERSON, person), node, kind="authored")
        for name in runbook.components:
            component = node_id(COMPONENT, name)
            if component not in graph:
                continue
            graph.add_edge(node, component, kind="serves")
            current = best.get(name)
            if current is None or _RUNBOOK_RANK[runbook.status] < _RUNBOOK_RANK[current.status]:
                best[name] = runbook
    for name, runbook in best.items():
        data = graph.nodes[node_id(COMPONENT, name)]
        data["runbook"] = runbook.path
        data["runbook_status"] = runbook.status


def mark_document_folders(graph: nx.DiGraph[str], members: Mapping[str, Sequence[str]]) -> None:
    """`documents_only`: every file of the component is a decision record or a runbook.
    Such a folder needs no runbook of its own: the first `adr new` or `runbook new` in a
    repository without docs/ made a `docs` component whose missing runbook failed `check`.

    `needs_runbook`: it holds source code (`code_file`), so something of it runs. A folder of
    CI settings, editor settings, docs or changelog fragments is run by no one: `.github`,
    `.vscode` and `docs` failed `check` on gin, prettier and cli for want of a runbook."""
    documents = {
        data["path"]
        for _, data in graph.nodes(data=True)
        if data.get("kind") in (DECISION, RUNBOOK)
    }
    for name, paths in members.items():
        if paths:  # a component without files has no node
            data = graph.nodes[node_id(COMPONENT, name)]
            data["documents_only"] = documents_only = documents.issuperset(paths)
            data["needs_runbook"] = not documents_only and any(map(code_file, paths))


def prepare_components(graph: nx.DiGraph[str]) -> None:
    """Every component starts with no runbook and no decisions."""
    for _, data in graph.nodes(data=True):
        if data.get("kind") == COMPONENT:
            data.setdefault("runbook", None)
            data.setdefault("runbook_status", "missing")
            data.setdefault("decisions", [])


def recent_commits_by_component(
    graph: nx.DiGraph[str], recent: Mapping[str, int]
) -> dict[str, int]:
    """Component -> distinct recent commits, from a path -> recent-commit-ids-bitmask map."""
    counts: dict[str, int] = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") != COMPONENT:
            continue
        mask = 0
        for file_node in graph.succ[node]:  # only `contains` edges leave a component
            mask |= recent.get(node_key(file_node), 0)
        counts[data["name"]] = mask.bit_count()
    return counts
