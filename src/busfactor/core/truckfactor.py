"""Greedy truck factor (Avelino et al., ICPC 2016) over any set of files.

While at least `coverage` of the files still have an author among the people left, remove
the person who authors the most of them (authored-file counts are not recomputed, as in the
reference; ties: more commits in the analysed history, then id ascending, as the model
specifies). The truck factor is how many were removed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TruckFactor:
    """The result for one set of files: value, removal order, coverage left after removal."""

    value: int
    removed: tuple[str, ...]
    coverage: float
    files: int


def removal_order(
    files: Collection[str],
    authors_of: Mapping[str, Sequence[str]],
    commits_of: Mapping[str, int],
) -> list[tuple[str, list[str]]]:
    """People authoring any of `files`, with their authored files, in removal order."""
    authored: dict[str, list[str]] = {}
    for path in files:
        for person in authors_of.get(path, ()):
            authored.setdefault(person, []).append(path)
    order = sorted(
        authored,
        key=lambda p: (-len(authored[p]), -commits_of.get(p, 0), p),
    )
    return [(person, authored[person]) for person in order]


def truck_factor(
    files: Collection[str],
    authors_of: Mapping[str, Sequence[str]],
    commits_of: Mapping[str, int],
    threshold: float = 0.5,
    without: Collection[str] = (),
) -> TruckFactor:
    """The truck factor of `files`; people in `without` are gone before the count starts."""
    total = len(files)
    if total == 0:
        return TruckFactor(0, (), 0.0, 0)
    gone = set(without)
    remaining: dict[str, int] = {}
    for path in files:
        remaining[path] = sum(1 for p in authors_of.get(path, ()) if p not in gone)
    covered = sum(1 for count in remaining.values() if count)
    removed: list[str] = []
    for person, authored in removal_order(files, authors_of, commits_of):
        if person in gone:
            continue
        if covered < threshold * total:
            break
        removed.append(person)
        for path in authored:
            remaining[path] -= 1
            if remaining[path] == 0:
                covered -= 1
    return TruckFactor(len(removed), tuple(removed), covered / total, total)
