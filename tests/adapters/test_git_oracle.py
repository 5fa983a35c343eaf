"""git itself as the oracle: per-file histories of random, seeded DAG histories without renames.

The generator writes a few hundred commits by a handful of people on topic branches that fork
from main, sync (main merged into the topic, sometimes when a fast-forward was possible) and
merge back. Files are created, modified, deleted and re-added. Merge conflicts are resolved by
keeping the first parent's version (the side's change is dropped), the second parent's version
(the mainline change is dropped) or new content, and a few clean merges are overridden the
same ways. Every line written is unique and names its file, so git never detects a rename or a
copy: a file's identity is its path.

What git says about path p:
- `git log --no-merges HEAD -- p`, default history simplification: at a merge whose result
  equals a parent's version of p, follow only the first such parent. This is the spec of the
  dag model.
- `git log --no-merges --full-history HEAD -- p`: every reachable non-merge commit changing p.
  The linear model reads every non-merge commit once and, with no renames, keeps one alias per
  path, so it must count exactly these commits; the graph shape never enters the linear walk.

Each history also has files where a merge kept a later parent's version of a file whose first
parent had changed it (`Oracle.diverging`): there git follows the later parent alone, and the
cheaper first-parent approximation of algorithms.md §3b would count mainline commits git does
not list. The shape test makes sure every seed has such files, so the dag test has teeth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from builders import RepoBuilder, isolate_git
from busfactor.adapters import merge_sides
from busfactor.adapters.git import GitRepository
from busfactor.adapters.merge_sides import COMBINED, SideDiffs
from busfactor.adapters.mining import mine_history
from busfactor.core.model import MiningResult
from busfactor.core.settings import Settings
from cache_check import SWITCHED
from history_generator import Generated, Generator, Tree

SEEDS = (7, 1234, 90210)
SIZE = 200
"""Commits and merges written before the final merges."""
# -- what the model of the history says --------------------------------------------------------


@dataclass(frozen=True)
class FileCounts:
    """One file's counted commits by author email, deliveries by author, and adders."""

    commits: Counter[str]
    deliveries: Counter[str]
    adders: frozenset[str]


FollowRule = Callable[[str, tuple[str, ...], Tree, list[Tree]], list[str]]


def git_follows(
    path: str, parents: tuple[str, ...], tree: Tree, parent_trees: list[Tree]
) -> list[str]:
    """git's default simplification: only the first parent whose version of `path` is kept."""
    for parent, parent_tree in zip(parents, parent_trees, strict=True):
        if parent_tree.get(path) == tree.get(path):
            return [parent]
    return list(parents)


def first_parent_follows(
    path: str, parents: tuple[str, ...], tree: Tree, parent_trees: list[Tree]
) -> list[str]:
    """The cheaper approximation (algorithms.md §3b): the first parent always, others on change."""
    if parent_trees[0].get(path) == tree.get(path):
        return [parents[0]]
    return list(parents)


def walk(generated: Generated, path: str, follows: FollowRule) -> FileCounts:
    """Non-merge commits changing `path` on the routes `follows` allows from HEAD."""
    commits: Counter[str] = Counter()
    deliveries: Counter[str] = Counter()
    adders: set[str] = set()
    seen: set[str] = set()
    stack = [generated.head]
    while stack:
        sha = stack.pop()
        if sha in seen:
            continue
        seen.add(sha)
        parents, tree = generated.parents[sha], generated.trees[sha]
        parent_trees = [generated.trees[parent] for parent in parents]
        if len(parents) > 1:
            stack.extend(follows(path, parents, tree, parent_trees))
            continue
        stack.extend(parents)
        before = parent_trees[0].get(path) if parents else None
        after = tree.get(path)
        if before == after:
            continue
        author = generated.authors[sha]
        commits[author] += 1
        if before is None:
            adders.add(author)
        elif after is not None:
            deliveries[author] += 1
    return FileCounts(commits, deliveries, frozenset(adders))


def from_mining(result: MiningResult) -> dict[str, FileCounts]:
    """busfactor's per-file counts, raw identities turned into emails."""
    email = [identity.email for identity in result.identities]
    counts = {}
    for path, stats in zip(result.paths, result.files, strict=True):
        commits: Counter[str] = Counter()
        deliveries: Counter[str] = Counter()
        for index, count in stats.touches.items():
            commits[email[index]] += count
        for index, count in stats.deliveries.items():
            deliveries[email[index]] += count
        counts[path] = FileCounts(commits, deliveries, frozenset(email[i] for i in stats.adders))
    return counts


def mined(path: Path, history: str) -> dict[str, FileCounts]:
    """Run busfactor's miner on HEAD with the given history model."""
    settings = Settings(history="linear" if history == "linear" else "dag")
    with GitRepository(path) as repo:
        sha, when = repo.resolve("HEAD")
        return from_mining(mine_history(repo, sha, when, repo.tree(sha), settings))


def from_git(builder: RepoBuilder, path: str, *flags: str) -> FileCounts:
    """The same figures read from `git log --no-merges FLAGS HEAD -- path`."""
    out = builder.repo.git.log(
        "--no-merges", *flags, "--format=%x01%aE", "--name-status", "-z", "HEAD", "--", path
    )
    commits: Counter[str] = Counter()
    deliveries: Counter[str] = Counter()
    adders: set[str] = set()
    for record in out.split("\x01")[1:]:
        author, status = (item.strip("\n") for item in record.split("\0")[:2])
        commits[author] += 1
        if status.startswith("A"):
            adders.add(author)
        elif status.startswith(("M", "T")):
            deliveries[author] += 1
    return FileCounts(commits, deliveries, frozenset(adders))


def from_git_per_file(
    builder: RepoBuilder, paths: Iterable[str], *flags: str
) -> dict[str, FileCounts]:
    """`from_git` for every path, one git process per path, a few at a time."""
    paths = list(paths)
    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = pool.map(lambda path: from_git(builder, path, *flags), paths)
        return dict(zip(paths, counts, strict=True))


@dataclass
class Oracle:
    """One generated repository: busfactor's counts, git's, and the model's, per file at HEAD."""

    generated: Generated
    path: Path
    dag: dict[str, FileCounts]
    linear: dict[str, FileCounts]
    git: dict[str, FileCounts]
    git_full: dict[str, FileCounts]
    modelled_git: dict[str, FileCounts]
    first_parent: dict[str, FileCounts]

    @property
    def diverging(self) -> set[str]:
        """Files where handing every path to the first parent would count more than git lists."""
        return {p for p in self.dag if self.first_parent[p] != self.modelled_git[p]}


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def oracle(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Oracle]:
    """A generated history per seed, built and measured once for this module's tests."""
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(patch, tmp_path_factory.mktemp("home"))
        root = tmp_path_factory.mktemp(f"oracle{request.param}")
        with RepoBuilder(root / "repo") as builder:
            generated = Generator(builder, request.param).run(SIZE)
            dag = mined(builder.path, "dag")
            yield Oracle(
                generated,
                builder.path,
                dag,
                mined(builder.path, "linear"),
                from_git_per_file(builder, dag),
                from_git_per_file(builder, dag, "--full-history"),
                {path: walk(generated, path, git_follows) for path in dag},
                {path: walk(generated, path, first_parent_follows) for path in dag},
            )


def test_generated_history_has_the_intended_shape(oracle: Oracle) -> None:
    """Each seed has hundreds of commits, merges, conflicts, dropped changes and diverging files."""
    generated = oracle.generated
    assert generated.commits + generated.merges >= SIZE
    assert generated.merges >= 10
    assert generated.conflicts >= 5
    assert generated.fast_forwardable >= 1
    assert generated.first_kept >= 1
    assert generated.second_kept >= 1
    assert len(oracle.dag) >= 20
    assert 1 <= len(oracle.diverging) <= len(oracle.dag) // 2
    assert oracle.dag.keys() == oracle.linear.keys()


def test_model_of_git_simplification_agrees_with_git(oracle: Oracle) -> None:
    """The test's own model of git's simplification reproduces `git log -- path` for every file."""
    assert oracle.modelled_git == oracle.git


def test_dag_model_lists_what_git_log_lists(oracle: Oracle) -> None:
    """Per file and author, the dag model counts what git's simplified history lists."""
    assert oracle.dag == oracle.git


@pytest.mark.parametrize("sides", [COMBINED, SWITCHED], ids=["combined", "switched"])
def test_dag_model_lists_what_git_log_lists_from_rebuilt_side_diffs(
    oracle: Oracle, sides: SideDiffs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, with the side diffs rebuilt from combined diffs (adr/0021), from the first
    merge or after two."""
    monkeypatch.setattr(merge_sides, "SIDE_DIFFS", sides)
    assert mined(oracle.path, "dag") == oracle.git


def test_linear_model_lists_git_full_history(oracle: Oracle) -> None:
    """Per file, the linear model counts every reachable non-merge commit changing the path."""
    assert oracle.linear == oracle.git_full
