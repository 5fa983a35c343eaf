"""Organisation reports: many `busfactor.scan/1` reports merged into one `busfactor.org/1`.

Pure and standard library only. `busfactor scan A B C` (local, parallel) and
`busfactor merge a.json b.json` (reports from CI jobs) both end in `merge_reports`, so the
same inputs give the same report whichever way they came, in whatever order.

People are matched across repositories with the rule identity merging uses inside one
repository (core/identity.py): the same email key (lower-cased; GitHub noreply addresses
are one key per login) or, unless disabled, the same normalised name. A name that one
repository's report keeps for two different people is not used to match (that repository
deliberately kept them apart). Pseudonymised reports are matched on their pseudonyms as
given: the same person gets the same pseudonym when every repository uses the same salt.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from busfactor.core.identity import _UnionFind, email_key, name_key
from busfactor.core.org_input import SCHEMA
from busfactor.core.privacy import DOMAIN
from busfactor.errors import UsageError

SHALLOW_ERROR = "shallow clone: the history is cut, so authorship would be wrong"
SPOF_REPOSITORIES = 2
"""A person who is the sole holder of knowledge in this many repositories is flagged."""

Report = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RepoResult:
    """One repository's outcome: its `busfactor.scan/1` report, or the error that stopped it."""

    path: str
    report: Report | None = None
    error: str | None = None
    source: str | None = None
    """The report file it was read from (`busfactor merge`), for messages."""
    given: int = 1
    """How many of the paths named on the command line led to it."""

    @classmethod
    def scanned(cls, report: Report, source: str | None = None) -> RepoResult:
        """A repository that was scanned (its path is the report's own)."""
        return cls(str(report["repository"]["path"]), report=report, source=source)

    @classmethod
    def failed(cls, path: str, error: str) -> RepoResult:
        """A repository that could not be scanned, with its one-line error."""
        return cls(path, error=error)


@dataclass(frozen=True, slots=True)
class OrgMerge:
    """The organisation report, and notes for the person running the command."""

    report: dict[str, Any]
    notes: list[str]
    """Duplicates dropped: said on stderr, kept out of the report so it depends on the set
    of repositories only."""


def merge_reports(results: Iterable[RepoResult], *, merge_by_name: bool = True) -> OrgMerge:
    """One organisation report from per-repository results; independent of their order."""
    unique, notes = _dedupe(results)
    names = display_names([result.path for result in unique])
    scanned = [
        (names[r.path], r.report)
        for r in unique
        if r.report is not None and not r.report["repository"].get("shallow")
    ]
    people, org_id = _merge_people(scanned, merge_by_name)
    repositories = [_repository(r, names[r.path], org_id) for r in unique]
    repositories.sort(key=lambda repo: (repo["name"], repo["path"]))
    people.sort(key=_worst_first)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "summary": {
            "repositories": len(repositories),
            "failed": sum(1 for repo in repositories if repo["error"] is not None),
            "people": len(people),
            "single_points_of_failure": sum(1 for p in people if p["single_point_of_failure"]),
        },
        "identity": {"merge_by_name": merge_by_name},
        "repositories": repositories,
        "people": people,
        "warnings": _warnings([report for _, report in scanned]) + _twins(scanned),
    }
    return OrgMerge(report, notes)


def _canonical(result: RepoResult) -> str:
    return json.dumps([result.report, result.error], sort_keys=True, ensure_ascii=False)


def _dedupe(results: Iterable[RepoResult]) -> tuple[list[RepoResult], list[str]]:
    """One result per repository path; identical duplicates dropped, conflicting ones refused."""
    by_path: dict[str, list[RepoResult]] = {}
    for result in results:
        by_path.setdefault(result.path, []).append(result)
    unique, notes = [], []
    for path in sorted(by_path):
        group = by_path[path]
        if len({_canonical(result) for result in group}) > 1:
            revisions = sorted({r.report["repository"]["revision"] for r in group if r.report})
            files = sorted({r.source for r in group if r.source})
            named = f" ({', '.join(files)})" if files else ""
            if len(revisions) > 1:
                raise UsageError(
                    f"{path}: reports for different revisions ({', '.join(revisions)}){named}; "
                    "give each repository its own folder"
                )
            raise UsageError(f"{path}: different reports for the same repository{named}; keep one")
        given = sum(result.given for result in group)
        if given > 1:
            notes.append(f"{path}: given {given} times; counted once")
        unique.append(group[0])
    return unique, notes


def display_names(paths: Sequence[str]) -> dict[str, str]:
    """Each path's shortest trailing part that no other path ends with (`api`, `team-b/api`)."""
    parts = {path: [p for p in re.split(r"[\\/]", path) if p] or [path] for path in paths}
    names = {}
    for path, own in parts.items():
        for length in range(1, len(own) + 1):
            suffix = own[-length:]
            clashes = [o for p, o in parts.items() if p != path and o[-length:] == suffix]
            if not clashes or length == len(own):
                names[path] = "/".join(suffix)
                break
    return names


def _is_email(value: str) -> bool:
    return "@" in value and " " not in value.strip()


def _keys(person: Report, merge_by_name: bool, ambiguous: set[str]) -> list[str]:
    """The email and name keys a person is matched on across repositories."""
    values = [person["id"], person["email"], *person["aliases"]]
    keys = ["e:" + email_key(v) for v in values if isinstance(v, str) and _is_email(v)]
    names = [person["name"], *(v for v in values if isinstance(v, str) and not _is_email(v))]
    if not keys:  # no email at all: identity.py keys such a person by name
        keys.append("e:name:" + name_key(person["name"] or person["id"]))
    if merge_by_name:
        keys += [f"n:{key}" for key in map(name_key, names) if key and key not in ambiguous]
    return keys


def _ambiguous_names(reports: Iterable[Report]) -> set[str]:
    """Names that one report holds for two or more people."""
    ambiguous: set[str] = set()
    for report in reports:
        held = Counter(name_key(p["name"]) for p in report["people"])
        ambiguous |= {key for key, count in held.items() if count > 1}
    return ambiguous


Member = tuple[str, Report]
"""(repository display name, the person's entry in that repository's report)."""


def _merge_people(
    scanned: Sequence[tuple[str, Report]], merge_by_name: bool
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """Organisation people, and each (repository, local id)'s organisation id."""
    members: list[Member] = [(repo, p) for repo, report in scanned for p in report["people"]]
    ambiguous = _ambiguous_names(report for _, report in scanned)
    groups = _UnionFind(len(members))
    first_seen: dict[str, int] = {}
    for index, (_, person) in enumerate(members):
        for key in _keys(person, merge_by_name, ambiguous):
            groups.union(first_seen.setdefault(key, index), index)
    grouped: dict[int, list[Member]] = {}
    for index, member in enumerate(members):
        grouped.setdefault(groups.find(index), []).append(member)
    reports = dict(scanned)
    people, org_id = [], {}
    for group in grouped.values():
        person = _person(group, reports)
        people.append(person)
        for repo, local in group:
            org_id[(repo, local["id"])] = person["id"]
    return people, org_id


def _most_used(members: Sequence[Member], field: str) -> str:
    used: Counter[str] = Counter()
    for _, person in members:
        used[person[field]] += person["commits"]
    return min(used, key=lambda value: (-used[value], value))


def _person(members: Sequence[Member], reports: Mapping[str, Report]) -> dict[str, Any]:
    """One organisation person from their entries in each repository's report."""
    person_id, name, email = (_most_used(members, key) for key in ("id", "name", "email"))
    known = {v for _, p in members for v in (p["id"], p["name"], p["email"], *p["aliases"])}
    first = [p["first_commit"] for _, p in members if p.get("first_commit")]
    last = [p["last_commit"] for _, p in members if p.get("last_commit")]
    truck, components, holder, sole_files = set(), set(), set(), 0
    for repo, local in members:
        report = reports[repo]
        tf = report["truck_factor"]
        if local["id"] in tf["authors"]:
            truck.add(repo)
            if tf["value"] == 1 and tf["authors"] == [local["id"]]:
                holder.add(repo)
        for component in report["components"]:
            if component["bus_factor"] == 1 and component["bus_factor_authors"] == [local["id"]]:
                components.add(f"{repo}:{component['name']}")
                holder.add(repo)
        sole_files += sum(1 for f in report.get("files", []) if f["authors"] == [local["id"]])
    return {
        "id": person_id,
        "name": name,
        "email": email,
        "aliases": sorted(known - {person_id, name, email, ""}),
        "repositories": sorted({repo for repo, _ in members}),
        "commits": sum(p["commits"] for _, p in members),
        "first_commit": min(first, default=None),
        "last_commit": max(last, default=None),
        "active": any(p["active"] for _, p in members),
        "files_authored": sum(p["files_authored"] for _, p in members),
        "sole_files": sole_files,
        "truck_factor_repositories": sorted(truck),
        "sole_components": sorted(components),
        "sole_holder_repositories": sorted(holder),
        "single_point_of_failure": len(holder) >= SPOF_REPOSITORIES,
    }


def _worst_first(person: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        not person["single_point_of_failure"],
        -len(person["sole_holder_repositories"]),
        -len(person["sole_components"]),
        -len(person["truck_factor_repositories"]),
        -person["files_authored"],
        -person["commits"],
        person["id"],
    )


def _repository(
    result: RepoResult, name: str, org_id: Mapping[tuple[str, str], str]
) -> dict[str, Any]:
    """One repository's line in the organisation report."""
    report = result.report
    error = result.error
    if report is not None and report["repository"].get("shallow"):
        error = SHALLOW_ERROR
    if report is None or error is not None:
        return {
            "name": name,
            "path": result.path,
            "revision": report["repository"]["revision"] if report else None,
            "error": error,
            "truck_factor": None,
            "truck_factor_people": [],
            "people": None,
            "files": None,
            "commits": None,
            "components": None,
            "components_at_bus_factor_1": [],
            "warnings": list(report.get("warnings", [])) if report else [],
        }
    tf = report["truck_factor"]
    return {
        "name": name,
        "path": result.path,
        "revision": report["repository"]["revision"],
        "error": None,
        "truck_factor": tf["value"],
        "truck_factor_people": [org_id.get((name, local), local) for local in tf["authors"]],
        "people": len(report["people"]),
        "files": report["repository"].get("files"),
        "commits": report["repository"].get("commits"),
        "components": len(report["components"]),
        "components_at_bus_factor_1": [
            c["name"] for c in report["components"] if c["bus_factor"] == 1
        ],
        "warnings": list(report.get("warnings", [])),
    }


def _twins(scanned: Sequence[tuple[str, Report]]) -> list[str]:
    """Repositories at the very same commit: most likely one repository checked out twice,
    whose people then count as sole holders "in several repositories"."""
    by_revision: dict[str, list[str]] = {}
    for name, report in scanned:
        by_revision.setdefault(str(report["repository"]["revision"]), []).append(name)
    return [
        f"{', '.join(sorted(names))} are at the same commit ({revision[:12]}): one repository "
        "scanned twice? Its people count once per copy"
        for revision, names in sorted(by_revision.items())
        if len(names) > 1
    ]


_COMPARED = ("history", "scope", "since", "thresholds")
"""The model settings (`model` in a scan report) that make truck factors comparable."""


def _warnings(reports: Sequence[Report]) -> list[str]:
    """Organisation-wide caveats: people that cannot be matched across repositories, and
    truck factors computed under different models (reports merged from CI jobs that ran
    with different options)."""
    notes = []
    pseudonymous = {
        any(str(p["email"]).endswith("@" + DOMAIN) for p in report["people"])
        for report in reports
        if report["people"]
    }
    if len(pseudonymous) > 1:
        notes.append(
            "some reports are anonymized and others are not: "
            "their people are not matched across repositories"
        )
    models = [report.get("model") for report in reports]
    for setting in _COMPARED:
        values = {repr(model.get(setting)) for model in models if isinstance(model, Mapping)}
        if len(values) > 1:
            notes.append(
                f"the reports were made with different {setting} settings "
                f"({', '.join(sorted(values))}): their truck factors are not comparable"
            )
    return notes
