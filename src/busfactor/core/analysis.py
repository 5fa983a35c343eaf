"""From mined history to the ownership graph: people, DOA per file, truck factors, components."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext

import networkx as nx

from busfactor.core.authorship import file_authorship
from busfactor.core.codeowners import CodeOwners
from busfactor.core.components import assign_components
from busfactor.core.coupling import CouplingJob, add_coupling
from busfactor.core.decisions import Decision
from busfactor.core.findings import all_findings, ordered
from busfactor.core.gc_pause import paused_gc
from busfactor.core.graph import add_components, add_files, add_people, tf_attributes
from busfactor.core.identity import Identities, merge_identities
from busfactor.core.knowledge import (
    add_decisions,
    add_runbooks,
    mark_document_folders,
    prepare_components,
    recent_commits_by_component,
)
from busfactor.core.model import MiningResult
from busfactor.core.ownership import codeowners_findings
from busfactor.core.runbooks import Runbook
from busfactor.core.settings import Settings
from busfactor.core.truckfactor import truck_factor
from busfactor.core.wording import counted, day_of

RunbookFinder = Callable[
    [Mapping[str, Sequence[str]], Callable[[str], int | None]], tuple[list[Runbook], list[str]]
]
"""(component -> files, path -> last commit time) -> (runbooks, warnings); an adapter."""

SCHEMA = "busfactor.scan/1"


_DAY = 86400


def activity_reference(
    revision_time: int, now: int | None, identities: Identities
) -> tuple[int, list[str]]:
    """The date activity is measured back from: the revision's, so that an old revision is
    judged as it stood. A wrong clock can date the revision after today or before its own
    history, which would make every honest author look inactive or active: then the newest
    plausible commit of the history stands in for it. People who committed after that date
    are named, since their last activity cannot be trusted."""
    dates = [p.last_commit for p in identities.people.values() if p.commits]
    plausible = [when for when in dates if now is None or when <= now + _DAY]
    newest = max(plausible, default=min(revision_time, now if now is not None else revision_time))
    notes = []
    reference = revision_time
    if now is not None and revision_time > now + _DAY:
        reference = newest
        notes.append(
            f"the revision is dated {day_of(revision_time)}, after today (a wrong clock): "
            f"activity is measured back from its newest plausible commit, {day_of(newest)}"
        )
    elif newest > revision_time + _DAY:
        reference = newest
        notes.append(
            f"the revision is dated {day_of(revision_time)}, before commits in its history "
            f"(a wrong clock): activity is measured back from the newest, {day_of(newest)}"
        )
    ahead = sorted(
        (p for p in identities.people.values() if p.commits and p.last_commit > reference + _DAY),
        key=lambda p: (-p.last_commit, p.id),
    )
    if ahead:
        named = ", ".join(f"{p.name} ({day_of(p.last_commit)})" for p in ahead[:3])
        more = f" and {len(ahead) - 3} more" if len(ahead) > 3 else ""
        notes.append(
            f"{counted(len(ahead), 'person', 'people')} committed with dates after "
            f"{day_of(reference)} (a wrong clock): {named}{more}; they count as active"
        )
    return reference, notes


@paused_gc()
def build_ownership_graph(
    mining: MiningResult,
    excluded: Mapping[str, str],
    settings: Settings,
    *,
    repository: str,
    decisions: Sequence[Decision] = (),
    find_runbooks: RunbookFinder | None = None,
    codeowners: CodeOwners | None = None,
    warnings: Sequence[str] = (),
    coupling: bool = False,
    now: int | None = None,
) -> nx.DiGraph[str]:
    """Everything the scan knows, as one graph; `excluded` maps left-out paths to reasons.
    `now` (the caller's clock) only matters for a revision dated in the future."""
    identities = merge_identities(
        mining.identities, mining.activity, settings.identity, mining.mailmap
    )
    # Costly on large histories, and only the plan needs it: counted from the start, beside
    # the rest, in a child process when the history is long (adr/0030).
    job = (
        CouplingJob(
            mining.changesets,
            identities.person_of,
            bytes(path not in excluded for path in mining.paths),
        )
        if coupling
        else None
    )
    with job if job is not None else nullcontext():
        graph: nx.DiGraph[str] = nx.DiGraph()
        reference, clock_notes = activity_reference(mining.revision_time, now, identities)
        add_people(graph, identities, reference, settings.activity_days)
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
        index = {path: position for position, path in enumerate(mining.paths)}
        person_of = identities.person_of

        def contributors_of(path: str) -> list[str]:
            position = index.get(path)
            if position is None:
                return []
            record = file_authorship(path, mining.files[position], person_of, settings.thresholds)
            ranked = sorted(
                record.contributions.items(), key=lambda item: (-item[1]["doa"], item[0])
            )
            return [person for person, _ in ranked]

        def last_commit(path: str) -> int | None:
            position = index.get(path)
            return mining.files[position].last_time or None if position is not None else None

        if job is not None:
            add_coupling(graph, job.pairs(), mining.paths)
        prepare_components(graph)
        add_decisions(graph, decisions, contributors_of, mining.paths)
        notes = list(mining.warnings) + list(warnings) + clock_notes
        if find_runbooks is not None:
            runbooks, runbook_warnings = find_runbooks(members, last_commit)
            add_runbooks(graph, runbooks, contributors_of)
            notes += runbook_warnings
        mark_document_folders(graph, members)
        recent = recent_commits_by_component(graph, _recent_masks(mining, identities))
        findings = all_findings(graph, recent, settings.hotspot_min_commits)
        if codeowners is not None:
            needed = settings.policy.require_runbook_at_bus_factor
            findings = ordered(
                findings
                + codeowners_findings(
                    graph, codeowners, settings.owners, 1 if needed is None else needed
                )
            )
            notes += [f"{codeowners.path}:{line}: {message}" for line, message in codeowners.errors]
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
            partial=mining.partial,
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
            warnings=notes,
            findings=[finding.as_dict() for finding in findings],
        )
        return graph


def _recent_masks(mining: MiningResult, identities: Identities) -> dict[str, int]:
    """Path -> bit set of the recent human commits that touched it."""
    masks: dict[int, int] = {}
    bit = 0
    for who, files in mining.recent:
        if identities.person_of[who] is None:
            continue
        for fid in files:
            masks[fid] = masks.get(fid, 0) | (1 << bit)
        bit += 1
    return {mining.paths[fid]: mask for fid, mask in masks.items()}
