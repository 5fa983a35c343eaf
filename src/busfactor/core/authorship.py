"""Degree-of-Authorship (Fritz et al.; Avelino et al.): who is an author of each file.

DOA = 3.293 + 1.098·FA + 0.164·DL - 0.321·ln(1 + AC); an author has DOA / max DOA above the
normalised threshold and either DOA at least the absolute threshold or first authorship.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import log1p
from typing import TypedDict

from busfactor.core.model import FileHistory
from busfactor.core.settings import Thresholds

BASE, FA_WEIGHT, DL_WEIGHT, AC_WEIGHT = 3.293, 1.098, 0.164, 0.321
_FIRST_BASE = BASE + FA_WEIGHT * 1


def doa(first_author: int, deliveries: int, acceptances: int) -> float:
    """The Degree-of-Authorship of one person for one file."""
    return BASE + FA_WEIGHT * first_author + DL_WEIGHT * deliveries - AC_WEIGHT * log1p(acceptances)


class Contribution(TypedDict):
    """One person's standing on one file, already shaped as the graph's authorship edge.

    A plain dict, not a class: 100,000 and more are made per scan, and the graph stores
    exactly these fields, so no second object is built per edge.
    """

    doa: float
    doa_normalized: float
    deliveries: int
    acceptances: int
    first_author: bool
    author: bool


@dataclass(frozen=True, slots=True)
class FileAuthorship:
    """A file's counted commits and every contributor's DOA; `authors` best first."""

    path: str
    commits: int
    contributions: dict[str, Contribution]
    authors: tuple[str, ...]


def _oldest_contributors(history: FileHistory, person_of: Sequence[str | None]) -> set[str]:
    """The first author of a file whose add is not in the history read: its oldest contributor."""
    first: dict[str, int] = {}
    for raw, when in history.first_time.items():
        person = person_of[raw]
        if person is not None and (person not in first or when < first[person]):
            first[person] = when
    if not first:
        return set()
    oldest = min(first.values())
    return {min(p for p, when in first.items() if when == oldest)}


def file_authorship(
    path: str, history: FileHistory, person_of: Sequence[str | None], thresholds: Thresholds
) -> FileAuthorship:
    """Apply the DOA model to one file's counted history.

    Runs once per file (20,000 times on a big repository), so raw identities are folded into
    people and every DOA computed in as few passes as the model allows.
    """
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
    if not adders:
        adders = _oldest_contributors(history, person_of)
    total = sum(deliveries.values())
    # (DOA, person, first authorship, deliveries); `doa` written out, as it is called
    # 100,000 times and more on a big repository.
    rows: list[tuple[float, str, bool, int]] = []
    for person in sorted(adders | deliveries.keys()):
        dl = deliveries.get(person, 0)
        first = person in adders
        # The same sum, in the same order, as `doa` (floats: order changes the last bit).
        score = (_FIRST_BASE if first else BASE) + DL_WEIGHT * dl - AC_WEIGHT * log1p(total - dl)
        rows.append((score, person, first, dl))
    best = max(rows)[0] if rows else 0.0
    normal, absolute = thresholds.doa_normalized, thresholds.doa_absolute
    contributions: dict[str, Contribution] = {}
    ranked: list[tuple[float, str]] = []
    for score, person, first, dl in rows:
        normalized = score / best if best > 0 else 0.0
        is_author = normalized > normal and (score >= absolute or first)
        contributions[person] = {
            "doa": score,
            "doa_normalized": normalized,
            "deliveries": dl,
            "acceptances": total - dl,
            "first_author": first,
            "author": is_author,
        }
        if is_author:
            ranked.append((-score, person))
    ranked.sort()
    return FileAuthorship(path, commits, contributions, tuple(person for _, person in ranked))
