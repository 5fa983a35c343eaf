"""Degree-of-Authorship (Fritz et al.; Avelino et al.): who is an author of each file.

DOA = 3.293 + 1.098·FA + 0.164·DL - 0.321·ln(1 + AC); an author has DOA / max DOA above the
normalised threshold and either DOA at least the absolute threshold or first authorship.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from busfactor.core.model import FileHistory
from busfactor.core.settings import Thresholds

BASE, FA_WEIGHT, DL_WEIGHT, AC_WEIGHT = 3.293, 1.098, 0.164, 0.321


def doa(first_author: int, deliveries: int, acceptances: int) -> float:
    """The Degree-of-Authorship of one person for one file."""
    return (
        BASE
        + FA_WEIGHT * first_author
        + DL_WEIGHT * deliveries
        - AC_WEIGHT * math.log1p(acceptances)
    )


class Contribution(NamedTuple):
    """One person's standing on one file (a tuple: tens of thousands are made per scan)."""

    first_author: int
    deliveries: int
    acceptances: int
    doa: float
    doa_normalized: float
    author: bool


@dataclass(frozen=True, slots=True)
class FileAuthorship:
    """A file's counted commits and every contributor's DOA; `authors` best first."""

    path: str
    commits: int
    contributions: dict[str, Contribution]
    authors: tuple[str, ...]


def person_counts(
    history: FileHistory, person_of: Sequence[str | None]
) -> tuple[int, dict[str, int], set[str], dict[str, int]]:
    """Fold raw identities into people, dropping bots: commits, deliveries, adders, first times."""
    commits = 0
    deliveries: dict[str, int] = {}
    for raw, count in history.touches.items():
        if person_of[raw] is not None:
            commits += count
    for raw, count in history.deliveries.items():
        person = person_of[raw]
        if person is not None:
            deliveries[person] = deliveries.get(person, 0) + count
    adders = {p for raw in history.adders if (p := person_of[raw]) is not None}
    first: dict[str, int] = {}
    for raw, when in history.first_time.items():
        person = person_of[raw]
        if person is not None and (person not in first or when < first[person]):
            first[person] = when
    return commits, deliveries, adders, first


def file_authorship(
    path: str, history: FileHistory, person_of: Sequence[str | None], thresholds: Thresholds
) -> FileAuthorship:
    """Apply the DOA model to one file's counted history."""
    commits, deliveries, adders, first = person_counts(history, person_of)
    if not adders and first:
        oldest = min(first.values())
        adders = {min(p for p, when in first.items() if when == oldest)}
    total = sum(deliveries.values())
    people = sorted(adders | deliveries.keys())
    # (first authorship, deliveries, acceptances, DOA) per person, in one pass.
    rows = []
    for person in people:
        fa = 1 if person in adders else 0
        dl = deliveries.get(person, 0)
        rows.append((person, fa, dl, total - dl, doa(fa, dl, total - dl)))
    best = max((row[4] for row in rows), default=0.0)
    normal, absolute = thresholds.doa_normalized, thresholds.doa_absolute
    contributions: dict[str, Contribution] = {}
    ranked: list[tuple[float, str]] = []
    for person, fa, dl, ac, score in rows:
        normalized = score / best if best > 0 else 0.0
        is_author = normalized > normal and (score >= absolute or fa == 1)
        contributions[person] = Contribution(fa, dl, ac, score, normalized, is_author)
        if is_author:
            ranked.append((-score, person))
    ranked.sort()
    return FileAuthorship(path, commits, contributions, tuple(person for _, person in ranked))
