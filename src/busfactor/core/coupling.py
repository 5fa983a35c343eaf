"""Logical coupling (code-maat): files that change together, as `coupled` graph edges.

degree = shared revisions / mean revisions of the two files * 100, over human commits that
touch at most 30 files; kept when both files have at least 5 revisions, they share at least
5, and the degree is at least 30 %. Only analysed files take part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain, combinations

import networkx as nx

from busfactor.core.graph import FILE, node_id

MIN_REVS, MIN_SHARED, MIN_DEGREE = 5, 5, 30.0


def add_coupling(
    graph: nx.DiGraph[str],
    changesets: Sequence[tuple[int, tuple[int, ...]]],
    paths: Sequence[str],
    person_of: Sequence[str | None],
) -> None:
    """Add `coupled` edges (both directions) with `degree` and `shared`."""
    analysed = {index for index, path in enumerate(paths) if node_id(FILE, path) in graph}
    kept_sets = []
    for who, files in changesets:
        if person_of[who] is not None:
            kept = analysed.intersection(files)
            if kept:
                kept_sets.append(sorted(kept))
    # One Counter pass over everything: its C loop, not a Python call per changeset.
    revs: Counter[int] = Counter(chain.from_iterable(kept_sets))
    # A pair with a file of too few revisions is never coupled: count only the others.
    eligible = {fid for fid, count in revs.items() if count >= MIN_REVS}
    pairs = (
        combinations([fid for fid in kept if fid in eligible], 2)
        for kept in kept_sets
        if len(kept) > 1
    )
    shared: Counter[tuple[int, int]] = Counter(chain.from_iterable(pairs))
    for (left, right), together in shared.items():
        if together < MIN_SHARED or revs[left] < MIN_REVS or revs[right] < MIN_REVS:
            continue
        degree = together / ((revs[left] + revs[right]) / 2) * 100
        if degree < MIN_DEGREE:
            continue
        a, b = node_id(FILE, paths[left]), node_id(FILE, paths[right])
        rounded = round(min(degree, 100.0), 1)
        graph.add_edge(a, b, kind="coupled", degree=rounded, shared=together)
        graph.add_edge(b, a, kind="coupled", degree=rounded, shared=together)
