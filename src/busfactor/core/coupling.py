"""Logical coupling (code-maat): files that change together, as `coupled` graph edges.

degree = shared revisions / mean revisions of the two files * 100, over human commits that
touch at most 30 files; kept when both files have at least 5 revisions, they share at least
5, and the degree is at least 30 %. Only analysed files take part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
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
    human = [files for who, files in changesets if person_of[who] is not None]
    # One Counter pass over everything: its C loop, not a Python call per changeset. A file's
    # path ids are unique within a changeset, so this is its number of human revisions.
    revs: Counter[int] = Counter(chain.from_iterable(human))
    # A pair with a file of too few revisions is never coupled: count only the others.
    eligible = {fid for fid, count in revs.items() if count >= MIN_REVS and fid in analysed}

    def candidates() -> Iterator[list[int]]:
        for files in human:
            if len(files) > 1:
                kept = sorted([fid for fid in files if fid in eligible])
                if len(kept) > 1:
                    yield kept

    shared: Counter[tuple[int, int]] = Counter(
        chain.from_iterable(combinations(kept, 2) for kept in candidates())
    )
    # Most pairs met once or twice: drop them in one comprehension before any arithmetic.
    frequent = [(pair, together) for pair, together in shared.items() if together >= MIN_SHARED]
    for (left, right), together in frequent:
        degree = together / ((revs[left] + revs[right]) / 2) * 100
        if degree < MIN_DEGREE:
            continue
        a, b = node_id(FILE, paths[left]), node_id(FILE, paths[right])
        rounded = round(min(degree, 100.0), 1)
        graph.add_edge(a, b, kind="coupled", degree=rounded, shared=together)
        graph.add_edge(b, a, kind="coupled", degree=rounded, shared=together)
