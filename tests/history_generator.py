"""Random, seeded commit graphs written with a RepoBuilder, mirrored in a model of every tree.

Topic branches fork from main, sync (main merged in) and merge back; files are created,
modified, deleted and re-added; conflicts are resolved towards either side or new content.
Used by the git-log oracle and by the cache's warm-equals-cold tests.
"""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from builders import RepoBuilder, email_of

PEOPLE = ("ada", "bob", "cy", "dan", "eve")

Tree = dict[str, str]


@dataclass
class Generated:
    """Every commit the generator made: tree, parents and author, plus what kind of merges."""

    trees: dict[str, Tree] = field(default_factory=dict)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    head: str = ""
    commits: int = 0
    merges: int = 0
    conflicts: int = 0
    fast_forwardable: int = 0
    first_kept: int = 0
    """How often a merge kept the first parent's version of a path over a different second one."""
    second_kept: int = 0
    """How often a merge kept the second parent's version of a path over a different first one."""


class Generator:
    """Random operations on a RepoBuilder, mirrored in a model of every commit's tree."""

    def __init__(self, builder: RepoBuilder, seed: int) -> None:
        self.builder = builder
        self.rng = random.Random(seed)
        self.serial = itertools.count()
        self.out = Generated()
        self.tips: dict[str, str] = {}
        self.ancestors: dict[str, frozenset[str]] = {}
        self.current = "main"
        self.ever: set[str] = set()
        self.topics = itertools.count(1)

    # -- bookkeeping ----------------------------------------------------------------------

    def tree(self, branch: str | None = None) -> Tree:
        return self.out.trees[self.tips[branch or self.current]]

    def record(self, sha: str, tree: Tree, parents: tuple[str, ...], who: str) -> None:
        self.out.trees[sha] = tree
        self.out.parents[sha] = parents
        self.out.authors[sha] = email_of(who)
        self.ancestors[sha] = frozenset({sha}).union(*(self.ancestors[p] for p in parents))
        self.tips[self.current] = sha

    def content(self, path: str) -> str:
        return f"{path} version {next(self.serial)} {self.rng.randrange(10**9)}\n"

    def new_path(self) -> str:
        path = f"{self.rng.choice(('', '', 'src/', 'docs/'))}f{len(self.ever):03d}.txt"
        self.ever.add(path)
        return path

    def read_work_tree(self) -> Tree:
        root = self.builder.path
        tree: Tree = {}
        for directory, folders, names in os.walk(root):
            folders[:] = [name for name in folders if name != ".git"]
            for name in names:
                full = Path(directory, name)
                tree[full.relative_to(root).as_posix()] = full.read_text(encoding="utf-8")
        return tree

    # -- operations -----------------------------------------------------------------------

    def commit(self, who: str, write: Tree, delete: list[str]) -> None:
        parent = self.tips[self.current]
        sha = self.builder.commit(who, write=dict(write), delete=list(delete))
        tree = {p: c for p, c in self.out.trees[parent].items() if p not in delete} | write
        self.record(sha, tree, (parent,), who)
        self.out.commits += 1

    def random_commit(self) -> None:
        tree = self.tree()
        write: Tree = {}
        delete: list[str] = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            live = sorted(set(tree) - set(write) - set(delete))
            gone = sorted(self.ever - set(tree) - set(write))
            roll = self.rng.random()
            if roll < 0.12 and len(live) > 4:
                delete.append(self.rng.choice(live))
            elif roll < 0.22 and gone:
                path = self.rng.choice(gone)
                write[path] = self.content(path)
            elif roll < 0.38 or not live:
                path = self.new_path()
                write[path] = self.content(path)
            else:
                path = self.rng.choice(live)
                write[path] = self.content(path)
        self.commit(self.rng.choice(PEOPLE), write, delete)

    def merge(self, other: str) -> None:
        head, tip = self.tips[self.current], self.tips[other]
        if tip in self.ancestors[head]:
            return
        self.out.fast_forwardable += head in self.ancestors[tip]
        ours, theirs = self.out.trees[head], self.out.trees[tip]
        unmerged = self.builder.start_merge(other)
        assert unmerged is not None
        result = self.read_work_tree()
        for path in unmerged:
            self.out.conflicts += 1
            result.pop(path, None)
            pick = self.rng.random()
            source = ours if pick < 0.45 else theirs if pick < 0.6 else None
            if source is None:
                result[path] = self.content(path)
            elif path in source:
                result[path] = source[path]
        for path in sorted((set(result) | set(ours) | set(theirs)) - set(unmerged)):
            if self.rng.random() < 0.03:
                source = ours if self.rng.random() < 0.7 else theirs
                result.pop(path, None)
                if path in source:
                    result[path] = source[path]
        self.finish_merge(result, ours, theirs, (head, tip))

    def finish_merge(
        self, result: Tree, ours: Tree, theirs: Tree, parents: tuple[str, ...]
    ) -> None:
        on_disk = self.read_work_tree()
        write = {p: c for p, c in result.items() if on_disk.get(p) != c}
        delete = [p for p in on_disk if p not in result]
        who = self.rng.choice(PEOPLE)
        sha = self.builder.finish_merge(who, write=write, delete=delete)
        for path in set(ours) | set(theirs):
            first, second, merged = ours.get(path), theirs.get(path), result.get(path)
            if first != second:
                self.out.first_kept += merged == first
                self.out.second_kept += merged == second
        self.record(sha, result, parents, who)
        self.out.merges += 1

    def switch(self, name: str) -> None:
        self.builder.checkout(name)
        self.current = name

    def run(self, size: int) -> Generated:
        self.start()
        self.grow(size)
        self.switch("main")
        for name in sorted(set(self.tips) - {"main"}):
            self.merge(name)
        self.finale()
        self.out.head = self.tips["main"]
        return self.out

    def start(self) -> None:
        """The root commit: five files by ada."""
        first = {self.new_path(): "" for _ in range(5)}
        self.builder.commit("ada", write={p: self.content(p) for p in first})
        self.record(self.builder.head, self.read_work_tree(), (), "ada")
        self.out.commits += 1

    def grow(self, size: int) -> None:
        """Random commits, topic branches, syncs and merges until `size` commits exist."""
        while self.out.commits + self.out.merges < size:
            roll = self.rng.random()
            names = sorted(set(self.tips) - {"main"})
            if roll < 0.06 and len(names) < 3:
                name = self.builder.branch(f"topic{next(self.topics)}", self.tips["main"])
                self.tips[name] = self.tips["main"]
                self.switch(name)
            elif roll < 0.16 and names:
                self.switch(self.rng.choice(["main", *names]))
            elif roll < 0.3 and names:
                if self.current != "main":
                    self.merge("main")
                else:
                    merged = self.rng.choice(names)
                    self.merge(merged)
                    if self.rng.random() < 0.5:
                        del self.tips[merged]
            else:
                self.random_commit()

    def finale(self) -> None:
        """End with a merge that keeps a topic's version over a mainline edit of a kept file."""
        path = self.new_path()
        self.commit("cy", {path: self.content(path)}, [])
        self.builder.branch("last")
        self.tips["last"] = self.tips["main"]
        self.commit("cy", {path: self.content(path)}, [])
        self.switch("last")
        self.commit("eve", {path: self.content(path)}, [])
        self.switch("main")
        head, tip = self.tips["main"], self.tips["last"]
        ours, theirs = self.out.trees[head], self.out.trees[tip]
        assert self.builder.start_merge("last") == [path]
        self.finish_merge(ours | {path: theirs[path]}, ours, theirs, (head, tip))


def renaming_history(builder: RepoBuilder, seed: int, size: int) -> list[str]:
    """Topic branches forking up to a dozen commits back, with renames, deletes, re-adds and
    conflicts resolved by new content; the commits made, oldest first."""
    rng = random.Random(seed)
    serial = itertools.count()
    builder.commit("ada", write={f"f{n}.txt": f"{n}\n" for n in range(6)})
    made = [builder.head]

    def change() -> None:
        paths = sorted(
            str(p.relative_to(builder.path))
            for p in builder.path.rglob("*")
            if p.is_file() and ".git" not in p.parts
        )
        who, roll, n = rng.choice(PEOPLE), rng.random(), next(serial)
        if roll < 0.15 and paths:
            target = f"{rng.choice(['', 'src/', 'lib/'])}r{n}.txt"
            builder.commit(who, move={rng.choice(paths): target})
        elif roll < 0.22 and len(paths) > 3:
            builder.commit(who, delete=[rng.choice(paths)])
        elif roll < 0.3:  # a new path, or one deleted or renamed away before
            builder.commit(who, write={f"f{rng.randrange(30)}.txt": f"v{n}\n"})
        else:
            chosen = rng.sample(paths, min(len(paths), rng.randint(1, 3)))
            builder.commit(who, write={path: f"{path} {n}\n" for path in chosen})
        made.append(builder.head)

    topics = 0
    while len(made) < size:
        if rng.random() >= 0.2:
            change()
            continue
        topics += 1
        builder.branch(f"t{topics}", rng.choice(made[-12:]))
        builder.checkout(f"t{topics}")
        for _ in range(rng.randint(1, 4)):
            change()
        builder.checkout("main")
        for _ in range(rng.randint(0, 3)):
            change()
        unmerged = builder.start_merge(f"t{topics}")
        if unmerged is not None:
            write = {p: f"resolved {next(serial)}\n" for p in unmerged if builder.exists(p)}
            gone = [p for p in unmerged if not builder.exists(p)]
            builder.finish_merge(rng.choice(PEOPLE), write=write or None, delete=gone)
            made.append(builder.head)
    return made
