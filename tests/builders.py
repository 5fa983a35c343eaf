"""RepoBuilder: writes real git repositories with fixed identities and one commit per simulated day.

Every commit goes through the git command line (`repo.git`) with author and committer taken
from environment variables, so names, emails and dates are exact and non-UTF-8 paths work
(GitPython's index decodes paths as UTF-8). Paths may be `str` or `bytes`; content may be
`str` (written as UTF-8) or `bytes`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import git
import pytest
from git.exc import GitCommandError

START = datetime(2024, 1, 1, tzinfo=UTC)
"""The first commit's date; each later commit is one simulated day after the previous one."""

Who = str | tuple[str, str]
"""`"ada"` is `Ada <ada@example.test>`; `"Ada L <a@x>"` and `("Ada L", "a@x")` are taken as is."""

PathLike = str | bytes
Content = str | bytes
Writes = Mapping[str, Content] | Mapping[bytes, Content] | Mapping[PathLike, Content]
"""Path -> new content."""
Moves = Mapping[str, str] | Mapping[bytes, bytes] | Mapping[PathLike, PathLike]
"""Old path -> new path."""


def identity(who: Who) -> tuple[str, str]:
    """The (name, email) pair a `who` stands for."""
    if isinstance(who, tuple):
        return who
    if "<" in who and who.endswith(">"):
        name, _, email = who[:-1].partition("<")
        return name.strip(), email.strip()
    return who[:1].upper() + who[1:], f"{who}@example.test"


def email_of(who: Who) -> str:
    """The email of `who`, lower-cased: busfactor's person id for a plain identity."""
    return identity(who)[1].lower()


def fs_path(path: PathLike) -> str:
    """A path as the file system and git's command line take it (bytes via surrogate escapes)."""
    return os.fsdecode(path) if isinstance(path, bytes) else path


class RepoBuilder:
    """A repository under construction; use as a context manager (or call `close`)."""

    def __init__(self, path: Path, *, branch: str = "main") -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.repo = git.Repo.init(path, initial_branch=branch)
        for key, value in (
            ("commit.gpgsign", "false"),
            ("core.autocrlf", "false"),
            ("gc.auto", "0"),
            ("merge.renames", "true"),
            ("merge.conflictStyle", "merge"),
            ("core.fsync", "none"),
            ("maintenance.auto", "false"),
        ):
            self.repo.git.config(key, value)
        self.day = 0
        self._merging = ""
        self.times: dict[str, datetime] = {}
        """Commit date of every commit the builder made, by sha."""

    def __enter__(self) -> RepoBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End GitPython's helper processes."""
        self.repo.close()

    # -- clock and identities -------------------------------------------------------------

    def _next_time(self, when: datetime | None) -> datetime:
        moment = when if when is not None else START + timedelta(days=self.day)
        self.day += 1
        return moment

    @staticmethod
    def _env(author: Who | None, committer: Who | None, when: datetime) -> dict[str, str]:
        stamp = f"{int(when.timestamp())} +0000"
        env = {"GIT_COMMITTER_DATE": stamp}
        if committer is not None:
            name, email = identity(committer)
            env.update(GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
        if author is not None:
            name, email = identity(author)
            env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=stamp)
        return env

    # -- working tree ---------------------------------------------------------------------

    def _file(self, path: PathLike) -> Path:
        return self.path / fs_path(path)

    def _apply(
        self,
        write: Writes | None,
        move: Moves | None,
        delete: Sequence[PathLike],
    ) -> bool:
        """Change the working tree; stage new files now. True when all changes are staged."""
        fresh = bool(move)
        for old, new in (move or {}).items():
            target = self._file(new)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._file(old), target)
        for path in delete:
            self._file(path).unlink()
        for path, content in (write or {}).items():
            target = self._file(path)
            fresh = fresh or not target.exists()
            target.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            target.write_bytes(data)
        if fresh:
            self.repo.git.add("-A")
        return fresh

    def _record(self, when: datetime) -> str:
        sha = self.head
        self.times[sha] = when
        return sha

    @property
    def head(self) -> str:
        """The sha HEAD points at."""
        return str(self.repo.head.commit.hexsha)

    def read(self, path: PathLike) -> bytes:
        """A file's content in the working tree."""
        return self._file(path).read_bytes()

    def exists(self, path: PathLike) -> bool:
        """Whether the working tree has the file."""
        return self._file(path).exists()

    # -- commits --------------------------------------------------------------------------

    def commit(
        self,
        who: Who,
        *,
        write: Writes | None = None,
        move: Moves | None = None,
        delete: Sequence[PathLike] = (),
        when: datetime | None = None,
        message: str | None = None,
    ) -> str:
        """One non-merge commit by `who` (author and committer): moves, deletes, then writes."""
        staged = self._apply(write, move, delete)
        moment = self._next_time(when)
        self.repo.git.commit(
            "-q",
            "--no-verify",
            *(() if staged else ("-a",)),
            "-m",
            message or f"{identity(who)[0]}: day {self.day}",
            env=self._env(who, who, moment),
        )
        return self._record(moment)

    def branch(self, name: str, start: str = "HEAD") -> str:
        """Create branch `name` at `start` without switching to it."""
        self.repo.git.branch(name, start)
        return name

    def checkout(self, name: str) -> None:
        """Switch the working tree to branch `name`."""
        self.repo.git.checkout("-q", name)

    def merge(
        self,
        who: Who,
        other: str,
        strategy: str | None = None,
        *,
        options: Sequence[str] = (),
        write: Writes | None = None,
        delete: Sequence[PathLike] = (),
        when: datetime | None = None,
        message: str | None = None,
    ) -> str:
        """A real merge commit of `other` into the current branch, never a fast-forward.

        `git merge --no-ff --no-edit` by `who`; `strategy` goes to `-s`, `options` to `-X`.
        With `write` or `delete` the merge stops before committing and they are applied first:
        they resolve conflicts, or change the result of a clean merge (dropping one side's
        change). A conflict left unresolved raises GitCommandError.
        """
        if write or delete:
            if self.start_merge(other, strategy, options=options) is None:
                raise ValueError(f"nothing to merge: {other} is already merged")
            return self.finish_merge(who, write=write, delete=delete, when=when, message=message)
        moment = self._next_time(when)
        text = message or f"{identity(who)[0]}: merge {other} on day {self.day}"
        args = ["--no-ff", "--no-edit", "--allow-unrelated-histories", "-q", "-m", text]
        args += _strategy_args(strategy, options)
        before = self.head
        self.repo.git.merge(*args, other, env=self._env(who, who, moment))
        if self.head == before:  # "Already up to date": git made no commit
            raise ValueError(f"nothing to merge: {other} is already merged")
        return self._record(moment)

    def start_merge(
        self, other: str, strategy: str | None = None, *, options: Sequence[str] = ()
    ) -> list[str] | None:
        """Begin merging `other` without committing; the unmerged paths, or None if up to date."""
        args = ["--no-ff", "--no-commit", "--allow-unrelated-histories", "-q"]
        args += _strategy_args(strategy, options)
        with contextlib.suppress(GitCommandError):  # conflicts: the caller resolves them
            self.repo.git.merge(*args, other, env=self._env(None, "builder", START))
        if not (self.path / ".git" / "MERGE_HEAD").exists():
            return None
        self._merging = other
        unmerged = self.repo.git.diff("--name-only", "-z", "--diff-filter=U")
        return sorted(set(filter(None, unmerged.split("\0"))))

    def finish_merge(
        self,
        who: Who,
        *,
        write: Writes | None = None,
        delete: Sequence[PathLike] = (),
        when: datetime | None = None,
        message: str | None = None,
    ) -> str:
        """Apply `delete` and `write` to the merge begun by `start_merge`, then commit it."""
        for path in delete:
            if self._file(path).exists():
                self._file(path).unlink()
        if not self._apply(write, None, ()):
            self.repo.git.add("-A")  # resolves conflicts; committing refuses unresolved ones
        moment = self._next_time(when)
        text = message or f"{identity(who)[0]}: merge {self._merging} on day {self.day}"
        self.repo.git.commit("-q", "--no-verify", "-m", text, env=self._env(who, who, moment))
        return self._record(moment)

    def merge_with_tree(
        self, who: Who, parents: Sequence[str], tree_from: str, *, when: datetime | None = None
    ) -> str:
        """A merge commit on the current branch with these parents (HEAD first) and the tree
        of commit `tree_from`, written with `commit-tree`: octopus merges whose result is
        one parent's tree, which `git merge` will not make on demand."""
        moment = self._next_time(when)
        tree = self.repo.git.rev_parse(f"{tree_from}^{{tree}}")
        flags = [flag for parent in [self.head, *parents] for flag in ("-p", parent)]
        text = f"{identity(who)[0]}: octopus on day {self.day}"
        sha = self.repo.git.commit_tree(tree, *flags, "-m", text, env=self._env(who, who, moment))
        self.repo.git.reset("-q", "--hard", sha)
        return self._record(moment)

    def cherry_pick(self, who: Who, sha: str, *, when: datetime | None = None) -> str:
        """Cherry-pick `sha` onto the current branch; git keeps its author, `who` commits."""
        moment = self._next_time(when)
        self.repo.git.cherry_pick(sha, env=self._env(None, who, moment))
        return self._record(moment)

    def root(
        self,
        who: Who,
        files: Writes,
        *,
        branch: str = "stray",
        when: datetime | None = None,
    ) -> str:
        """A second root commit holding `files`, on a new orphan branch that stays checked out."""
        self.repo.git.checkout("-q", "--orphan", branch)
        self.repo.git.rm("-r", "-q", "--cached", "--ignore-unmatch", ".")
        for entry in self.path.iterdir():
            if entry.name == ".git":
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        return self.commit(who, write=files, when=when)

    def tag(self, name: str, sha: str = "HEAD") -> None:
        """A lightweight tag."""
        self.repo.git.tag(name, sha)

    def shallow_clone(self, destination: Path, depth: int) -> Path:
        """`git clone --depth DEPTH file://...` of this repository into `destination`."""
        git.Git().clone("-q", "--depth", str(depth), self.path.as_uri(), str(destination))
        return destination

    def partial_clone(
        self, destination: Path, *, filter: str = "blob:none", checkout: bool = True
    ) -> Path:
        """`git clone --filter=FILTER file://...`: a partial clone, whose promisor remote is
        this repository. With `checkout`, the revision's blobs are downloaded; older ones
        never are."""
        self.repo.git.config("uploadpack.allowFilter", "true")
        args = ["-q", f"--filter={filter}", *(() if checkout else ("--no-checkout",))]
        git.Git().clone(*args, self.path.as_uri(), str(destination))
        return destination


def _strategy_args(strategy: str | None, options: Sequence[str]) -> list[str]:
    args = ["-s", strategy] if strategy is not None else []
    for option in options:
        args += ["-X", option]
    return args


def isolate_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point HOME at `home`, ignore system config and drop every inherited GIT_* variable.

    A personal `mailmap.file`, `log.follow`, an exported GIT_DIR or GIT_AUTHOR_DATE must not
    change what a test repository looks like or what a scan reads.
    """
    home.mkdir(parents=True, exist_ok=True)
    for key in list(os.environ):
        if key.startswith("GIT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
