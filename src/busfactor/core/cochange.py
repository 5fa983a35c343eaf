"""Which files change together: the counting behind logical coupling (code-maat's rules).

degree = shared revisions / mean revisions of the two files * 100, over the human changesets
the history kept (at most 30 files each); a pair counts when both files have at least 5
revisions, they share at least 5, and the degree is at least 30 %. Only analysed files take
part.

Standard library only, and nothing from the rest of busfactor: `coupling.py` runs this module
in a child process beside the rest of the analysis (adr/0030), and the child starts in about
40 ms when it imports nothing else.
"""

from __future__ import annotations

import pickle
import sys
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import chain, combinations, islice

MIN_REVS, MIN_SHARED, MIN_DEGREE = 5, 5, 30.0

# (left file id, right file id, degree rounded to 0.1, shared revisions), left < right.
Pair = tuple[int, int, float, int]


def coupled_pairs(changesets: Sequence[Sequence[int]], analysed: bytes) -> list[Pair]:
    """The coupled pairs of `changesets` (each a human commit's file ids, each id once);
    `analysed[fid]` is non-zero for the files that take part. In the order the pairs were
    first met, which is the order of the graph's edges."""
    # One Counter pass over everything: its C loop, not a Python call per changeset. A file's
    # ids are unique within a changeset, so this is its number of human revisions.
    revs: Counter[int] = Counter(chain.from_iterable(changesets))
    # A pair with a file of too few revisions is never coupled: count only the others.
    eligible = {fid for fid, count in revs.items() if count >= MIN_REVS and analysed[fid]}

    def candidates() -> Iterator[list[int]]:
        for files in changesets:
            if len(files) > 1:
                kept = sorted([fid for fid in files if fid in eligible])
                if len(kept) > 1:
                    yield kept

    shared: Counter[tuple[int, int]] = Counter(
        chain.from_iterable(combinations(kept, 2) for kept in candidates())
    )
    # Most pairs met once or twice: drop them in one comprehension before any arithmetic.
    frequent = [(pair, together) for pair, together in shared.items() if together >= MIN_SHARED]
    pairs: list[Pair] = []
    for (left, right), together in frequent:
        degree = together / ((revs[left] + revs[right]) / 2) * 100
        if degree >= MIN_DEGREE:
            pairs.append((left, right, round(min(degree, 100.0), 1), together))
    return pairs


def encode(changesets: Sequence[Sequence[int]], analysed: bytes) -> bytes:
    """The child's input: flat arrays, which pickle as plain bytes (a list of 100,000 tuples
    takes 0.05 s to pickle and as long again to load)."""
    ids = array("i", chain.from_iterable(changesets))
    sizes = array("i", map(len, changesets))
    return pickle.dumps((ids, sizes, analysed), protocol=pickle.HIGHEST_PROTOCOL)


def decode(blob: bytes) -> tuple[list[tuple[int, ...]], bytes]:
    """`encode`'s changesets and analysed mask again."""
    ids, sizes, analysed = pickle.loads(blob)  # our own parent wrote it
    flat = iter(ids.tolist())
    return [tuple(islice(flat, size)) for size in sizes], analysed


def main() -> None:
    """The child: `encode`'s bytes on stdin, the pickled pairs on stdout."""
    changesets, analysed = decode(sys.stdin.buffer.read())
    pickle.dump(coupled_pairs(changesets, analysed), sys.stdout.buffer, pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()
