"""Check adr/0021's rebuilt side diffs against git's own separate diffs on a real clone.

The DAG walk reads, per merge, the first-parent diff and the side diffs. adr/0021 rebuilds
the side diffs from combined diffs (plus real side diffs where a rename can matter) when
git's separate diffs are huge. This reads every merge both ways and compares what the walk
can ask: the first-parent diff byte for byte; for each path it lists, whether the side diff
lists it too; for each path listed by both, the side rename it comes from. An octopus merge's
rebuilt diffs must be git's, empty ones left out. Not a timing.

    .venv/bin/python benchmarks/check_side_diffs.py REPO [REPO ...] [--rev REV]

Exit status: 0 all agree, 1 a difference, 2 a bad argument or repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from busfactor.adapters import merge_sides
from busfactor.adapters.git import GitRepository
from busfactor.core.history import MergeDiff
from busfactor.errors import BusfactorError


@dataclass
class Tally:
    """What was compared, and where the two ways disagree."""

    merges: int = 0
    paths: int = 0
    renamed: int = 0
    differences: list[str] = field(default_factory=list)

    def differ(self, sha: bytes, what: str) -> None:
        self.differences.append(f"{sha.decode()[:12]}: {what}")


def rebuilt(repo: GitRepository, sha: str) -> dict[bytes, list[MergeDiff]]:
    """Every merge's records from combined diffs (no probe), by merge."""
    with repo.merge_diffs(sha, since=None, sides=merge_sides.COMBINED) as reader:
        return dict(reader.groups())


def compare(sha: bytes, separate: list[MergeDiff], mine: list[MergeDiff], tally: Tally) -> None:
    """One merge: git printed `separate` (no empty diff); the rebuild gave `mine` (all)."""
    tally.merges += 1
    if len(mine) > 2:  # an octopus: the rebuild holds git's own diffs
        if [d.raw for d in mine if d.raw] != [d.raw for d in separate]:
            tally.differ(sha, "octopus diffs differ")
        return
    first, side = mine
    if separate[0].raw != first.raw:
        tally.differ(sha, "first-parent diffs differ")
        return
    theirs = separate[1] if len(separate) > 1 else MergeDiff(b"")
    ours_sources = {new: old for old, new in side.renames()}
    their_sources = {new: old for old, new in theirs.renames()}
    for path in first.changed(first.token_set):
        tally.paths += 1
        if side.differs(path) != theirs.differs(path):
            tally.differ(sha, f"{path!r}: side verdicts differ")
        elif side.differs(path) and ours_sources.get(path) != their_sources.get(path):
            tally.differ(sha, f"{path!r}: side renames differ")
        elif path in their_sources:
            tally.renamed += 1


def check(path: Path, rev: str) -> Tally:
    """Both ways over every merge reaching `rev`."""
    tally = Tally()
    with GitRepository(path) as repo:
        sha = repo.resolve(rev)[0]
        mine = rebuilt(repo, sha)
        with repo.merge_diffs(sha, since=None, sides=merge_sides.SEPARATE) as reader:
            for merge, separate in reader.groups():
                found = mine.pop(merge, None)
                if found is None:  # the rebuild writes nothing when the first parent's tree
                    tally.merges += 1  # is the merge's: git prints only the other diffs
                    if not same_tree_as_first_parent(repo, merge):
                        tally.differ(merge, "no rebuilt records, but a first-parent diff")
                    continue
                compare(merge, separate, found, tally)
    for merge in mine:  # git printed nothing: the merge's tree is every parent's
        tally.differ(merge, "rebuilt records for a merge git printed nothing for")
    return tally


def same_tree_as_first_parent(repo: GitRepository, merge: bytes) -> bool:
    """One `rev-parse` per merge asked about (git.git has one such octopus merge)."""
    sha = merge.decode()
    trees = repo.run("rev-parse", f"{sha}^{{tree}}", f"{sha}^1^{{tree}}").split()
    return len(trees) == 2 and trees[0] == trees[1]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="+", type=Path, help="local clones (bare is fine)")
    parser.add_argument("--rev", default="HEAD", help="the revision whose merges are read")
    parser.add_argument("--show", type=int, default=10, help="differences shown per clone")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    differ = False
    for path in args.repos:
        started = time.perf_counter()
        try:
            tally = check(path, args.rev)
        except BusfactorError as error:
            print(f"{path}: error: {error}", file=sys.stderr)
            return 2
        verdict = "agree" if not tally.differences else f"{len(tally.differences)} differ"
        print(
            f"{path}: {tally.merges:,} merges, {tally.paths:,} first-parent paths, "
            f"{tally.renamed:,} side renames: {verdict} ({time.perf_counter() - started:.1f} s)"
        )
        for difference in tally.differences[: args.show]:
            print(f"    {difference}")
        differ = differ or bool(tally.differences)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
