"""From mined history to the ownership graph: people, DOA per file, truck factors, components."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from busfactor.core.authorship import file_authorship
from busfactor.core.components import assign_components
from busfactor.core.graph import add_components, add_files, add_people, tf_attributes
from busfactor.core.identity import merge_identities
from busfactor.core.model import MiningResult
from busfactor.core.settings import Settings
from busfactor.core.truckfactor import truck_factor

SCHEMA = "busfactor.scan/1"


def build_ownership_graph(
    mining: MiningResult,
    excluded: Mapping[str, str],
    settings: Settings,
    *,
    repository: str,
) -> nx.DiGraph[str]:
    """Everything the scan knows, as one graph; `excluded` maps left-out paths to reasons."""
    identities = merge_identities(mining.identities, mining.activity, settings.identity)
    graph: nx.DiGraph[str] = nx.DiGraph()
    add_people(graph, identities, mining.revision_time, settings.activity_days)
    analysed = [
        file_authorship(path, history, identities.person_of, settings.thresholds)
        for path, history in zip(mining.paths, mining.files, strict=True)
        if path not in excluded
    ]
    add_files(graph, analysed)
    authors_of = {record.path: record.authors for record in analysed}
    commits_of = {person.id: person.commits for person in identities.people.values()}
    coverage = settings.thresholds.coverage
    repo_tf = truck_factor(list(authors_of), authors_of, commits_of, coverage)
    members = assign_components(authors_of, settings.components)
    add_components(graph, members, authors_of, commits_of, coverage)
    reasons: dict[str, int] = {}
    for reason in excluded.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    graph.graph.update(
        schema=SCHEMA,
        repository=repository,
        revision=mining.revision,
        revision_time=mining.revision_time,
        commits=mining.commits_read,
        files=len(analysed),
        excluded=dict(sorted(reasons.items())),
        shallow=mining.shallow,
        history=settings.history,
        scope=settings.scope,
        since=settings.since,
        activity_days=settings.activity_days,
        thresholds={
            "doa_normalized": settings.thresholds.doa_normalized,
            "doa_absolute": settings.thresholds.doa_absolute,
            "coverage": coverage,
        },
        truck_factor=tf_attributes(repo_tf),
        bots=[
            {"name": bot.name, "email": bot.email, "commits": bot.commits}
            for bot in identities.bots
        ],
        warnings=list(mining.warnings),
    )
    return graph
