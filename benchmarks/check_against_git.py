"""Check busfactor's history walk against git's own per-file history on real clones.

The authorship model counts, for each file at REV, the commits of its history as git defines
it. This script asks git directly, one `git log -- PATH` per sampled file, and compares what
each author did to the file:

- commits counted (adds, modifications, deletes), deliveries (modifications), adds;
- the author time of each author's oldest non-delete commit and of the file's newest commit;
- per author over the whole history: non-merge commits, first and last author time.

The dag model must agree with `git log --no-merges REV -- PATH` (git's default history
simplification); the linear model with `git log --no-merges --full-history REV -- PATH`.
Both sides run without rename detection, because `git log -- PATH` follows no renames: so every
file is checked and none is skipped. Renames are covered by the scenario tests
(tests/adapters/test_history_scenarios.py).

`--warm-from REV ...` also checks the cache on the clone: a scan from a cache filled at each
REV equals a cold scan, field by field and in order. The cache goes to a temporary directory,
never into the clone.

Usage:
    .venv/bin/python benchmarks/check_against_git.py REPO [REPO ...] [--sample N] [--history
        dag|linear|both] [--rev REV] [--warm-from REV ...] [--jobs N]

Exit code: 0 when everything agrees, 1 when something differs, 2 on a usage or repository
error. Differences are printed, the first `--show` of them per check.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from busfactor.adapters.cache import HistoryCache
from busfactor.adapters.git import GitRepository, TreeEntry
from busfactor.adapters.mining import mine_history
from busfactor.core.history import Counts, DagWalk, HistoryCounter, LinearWalk, PathMap, walk
from busfactor.core.model import MiningResult
from busfactor.core.settings import Settings
from busfactor.errors import BusfactorError
from cache_check import plain  # the tests' own warm = cold comparison

Author = tuple[bytes, bytes]
"""(email, name) as git prints them with `%aE` and `%aN` (.mailmap applied)."""


@dataclass
class FileFacts:
    """What one file's counted commits say, per author."""

    touches: dict[Author, int] = field(default_factory=dict)
    deliveries: dict[Author, int] = field(default_factory=dict)
    adders: set[Author] = field(default_factory=set)
    first_time: dict[Author, int] = field(default_factory=dict)
    last_time: int = 0


@dataclass
class Activity:
    """One author's non-merge commits over the whole history."""

    commits: int
    first: int
    last: int


# -- what busfactor's walk says ---------------------------------------------------------------


def walked(repo: GitRepository, sha: str, entries: list[TreeEntry], history: str) -> Counts:
    """busfactor's walk of the history reaching `sha`, with rename detection off."""
    counter = HistoryCounter(len(entries))
    head: PathMap = {entry.path: index for index, entry in enumerate(entries)}
    if history == "linear":
        with repo.history(sha, since=None, linear=True, renames=False) as records:
            walk(records, LinearWalk(counter, head), None)
    else:
        with (
            repo.merge_diffs(sha, since=None, renames=False) as merges,
            repo.history(sha, since=None, linear=False, mux=merges.mux, renames=False) as records,
        ):
            walk(records, DagWalk(counter, sha.encode(), head, repo.trees_of), merges)
    return counter.canonical()


def facts_of(counts: Counts, index: int) -> FileFacts:
    """One file's counts, keyed by author instead of identity number."""
    stats, keys = counts.files[index], counts.keys
    return FileFacts(
        touches={keys[who]: n for who, n in stats.touches.items()},
        deliveries={keys[who]: n for who, n in stats.deliveries.items()},
        adders={keys[who] for who in stats.adders},
        first_time={keys[who]: when for who, when in stats.first_time.items()},
        last_time=stats.last_time,
    )


def activity_of(counts: Counts) -> dict[Author, Activity]:
    return {
        key: Activity(seen.commits, seen.first, seen.last)
        for key, seen in zip(counts.keys, counts.activity, strict=True)
    }


# -- what git says -----------------------------------------------------------------------------

_FORMAT = "--format=%x01%aE%x00%aN%x00%at%x00"
_GIT = (
    "git",
    *("-c", "core.hooksPath=/dev/null"),
    *("-c", "log.showSignature=false"),
    *("-c", "log.follow=false"),  # a user's log.follow would follow renames of a lone path
)


def git_log(repo: Path, *args: str) -> bytes:
    """`git log` of non-merge commits without rename detection, in the clone; its stdout.
    The caller's GIT_* variables are left out as busfactor leaves them out (all but the two
    that choose configuration files)."""
    kept = ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in kept}
    return subprocess.run(
        [*_GIT, "-C", str(repo), "log", "--no-merges", "--no-renames", "-z", *args],
        capture_output=True,
        check=True,
        env=env,
    ).stdout


def git_file_facts(repo: Path, sha: str, path: bytes, history: str) -> FileFacts:
    """What `git log -- PATH` lists for the file (`--full-history` for the linear model)."""
    extra = ["--full-history"] if history == "linear" else []
    pathspec = ":(literal)" + os.fsdecode(path)
    out = git_log(repo, *extra, _FORMAT, "--name-status", sha, "--", pathspec)
    facts = FileFacts()
    for record in out.split(b"\x01")[1:]:
        email, name, when_text, *rest = record.split(b"\0")
        status = next(part.strip(b"\n") for part in rest if part.strip(b"\n"))[:1]
        author, when = (email, name), int(when_text)
        facts.touches[author] = facts.touches.get(author, 0) + 1
        facts.last_time = max(facts.last_time, when)
        if status == b"D":
            continue
        if status in (b"A", b"C"):
            facts.adders.add(author)
        else:
            facts.deliveries[author] = facts.deliveries.get(author, 0) + 1
        seen = facts.first_time.get(author)
        facts.first_time[author] = when if seen is None else min(seen, when)
    return facts


def git_activity(repo: Path, sha: str) -> dict[Author, Activity]:
    """Every author's non-merge commits reaching `sha`, from one `git log`."""
    out = git_log(repo, "--format=%x01%aE%x00%aN%x00%at", sha, "--")
    found: dict[Author, Activity] = {}
    for record in out.split(b"\x01")[1:]:
        email, name, when_text = record.rstrip(b"\0\n").split(b"\0")
        when, author = int(when_text), (email, name)
        seen = found.get(author)
        if seen is None:
            found[author] = Activity(1, when, when)
        else:
            seen.commits += 1
            seen.first, seen.last = min(seen.first, when), max(seen.last, when)
    return found


# -- comparing ---------------------------------------------------------------------------------


def file_differences(ours: FileFacts, git: FileFacts) -> list[str]:
    """What differs, one phrase per field, empty when the two agree."""
    found = []
    for name in ("touches", "deliveries", "adders", "first_time", "last_time"):
        mine, theirs = getattr(ours, name), getattr(git, name)
        if mine != theirs:
            found.append(f"{name}: busfactor {_shown(mine)}, git {_shown(theirs)}")
    return found


def activity_differences(ours: dict[Author, Activity], git: dict[Author, Activity]) -> list[str]:
    found = []
    for author in sorted(ours.keys() | git.keys()):
        mine, theirs = ours.get(author), git.get(author)
        if mine != theirs:
            found.append(f"{_author(author)}: busfactor {mine}, git {theirs}")
    return found


def _author(author: Author) -> str:
    return f"{author[1].decode(errors='replace')} <{author[0].decode(errors='replace')}>"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_author(k)}: {v}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, set):
        return "{" + ", ".join(_author(k) for k in sorted(value)) + "}"
    return str(value)


@dataclass
class Outcome:
    """One check on one repository: how many items were compared and what differed."""

    label: str
    checked: int = 0
    differences: list[str] = field(default_factory=list)


def check_files(
    repo_path: Path, rev: str, history: str, sample: int, seed: int, jobs: int
) -> list[Outcome]:
    """Per-file facts for a sample of the files at `rev`, and every author's activity."""
    with GitRepository(repo_path) as repo:
        sha, _ = repo.resolve(rev)
        entries = repo.tree(sha)
        counts = walked(repo, sha, entries, history)
    chosen = list(range(len(entries)))
    if 0 < sample < len(chosen):
        chosen = sorted(random.Random(seed).sample(chosen, sample))
    files = Outcome(f"{history}: files")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        theirs = pool.map(
            lambda i: git_file_facts(repo_path, sha, entries[i].path, history), chosen
        )
        for index, git in zip(chosen, theirs, strict=True):
            files.checked += 1
            for difference in file_differences(facts_of(counts, index), git):
                files.differences.append(f"{entries[index].name}: {difference}")
    people = Outcome(f"{history}: authors")
    ours = activity_of(counts)
    people.checked = len(ours)
    people.differences = activity_differences(ours, git_activity(repo_path, sha))
    return [files, people]


def mined(repo_path: Path, rev: str, history: str, cache_file: Path | None) -> MiningResult:
    settings = Settings(rev=rev, history="linear" if history == "linear" else "dag")
    with GitRepository(repo_path) as repo:
        sha, when = repo.resolve(rev)
        entries = repo.tree(sha)
        cache = HistoryCache(cache_file) if cache_file is not None else None
        try:
            return mine_history(repo, sha, when, entries, settings, cache=cache)
        finally:
            if cache is not None:
                cache.close()


def check_warm(repo_path: Path, rev: str, history: str, starts: Iterable[str]) -> Outcome:
    """A rescan at `rev` from a cache filled at each start equals a cold scan."""
    outcome = Outcome(f"{history}: warm = cold")
    cold = plain(mined(repo_path, rev, history, None))
    for start in starts:
        with tempfile.TemporaryDirectory(prefix="busfactor-check-") as scratch:
            cache_file = Path(scratch) / "cache.sqlite"
            mined(repo_path, start, history, cache_file)
            warm = plain(mined(repo_path, rev, history, cache_file))
        outcome.checked += 1
        if warm != cold:
            fields = [key for key in cold if warm.get(key) != cold[key]]
            outcome.differences.append(f"from {start}: {', '.join(fields)} differ")
    return outcome


# -- command line ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="+", type=Path, help="local clones (bare is fine)")
    parser.add_argument("--rev", default="HEAD", help="the revision scanned (HEAD)")
    parser.add_argument(
        "--history", choices=["dag", "linear", "both"], default="both", help="models (both)"
    )
    parser.add_argument(
        "--sample", type=int, default=300, help="files checked per repository; 0: all (300)"
    )
    parser.add_argument("--seed", type=int, default=1, help="the sample's random seed (1)")
    parser.add_argument(
        "--warm-from", nargs="*", default=[], metavar="REV", help="also check rescans from REVs"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="git processes at once"
    )
    parser.add_argument("--show", type=int, default=10, help="differences shown per check")
    args = parser.parse_args(argv)
    if args.sample < 0 or args.jobs < 1:
        parser.error("--sample must be 0 or more and --jobs at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    models = ["dag", "linear"] if args.history == "both" else [args.history]
    differ = False
    for repo_path in args.repos:
        outcomes: list[Outcome] = []
        try:
            with GitRepository(repo_path) as repo:  # a mistyped revision fails before the work
                for revision in (args.rev, *args.warm_from):
                    repo.resolve(revision)
            for history in models:
                outcomes += check_files(
                    repo_path, args.rev, history, args.sample, args.seed, args.jobs
                )
                if args.warm_from:
                    outcomes.append(check_warm(repo_path, args.rev, history, args.warm_from))
        except (BusfactorError, subprocess.CalledProcessError) as error:
            print(f"{repo_path}: error: {error}", file=sys.stderr)
            return 2
        for outcome in outcomes:
            verdict = "agree" if not outcome.differences else f"{len(outcome.differences)} differ"
            print(f"{repo_path}: {outcome.label}: {outcome.checked} checked, {verdict}")
            for difference in outcome.differences[: args.show]:
                print(f"    {difference}")
            differ = differ or bool(outcome.differences)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
