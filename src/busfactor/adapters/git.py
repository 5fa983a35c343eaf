"""The only module that runs git: streams `git log`, lists trees, reads blobs.

Every command goes through GitPython's launcher with settings that keep an untrusted
repository's configuration from running programs or reshaping the output: no hooks, no
fsmonitor, no pager, no external diff or textconv drivers, UTF-8 output, pinned rename limits.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import select
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any, NamedTuple

from busfactor.adapters.gitlog import (
    MAIN_FORMAT,
    MERGE_FORMAT,
    parse_commits,
    parse_diff_records,
    parse_merge_records,
)
from busfactor.adapters.merge_sides import (
    SIDE_DIFFS,
    CombinedSides,
    MergeRecord,
    SideDiffs,
    read_side_diffs,
    rebuilt_records,
    serialized,
)
from busfactor.core.history import MergeDiff
from busfactor.core.model import CommitRecord, calendar_time
from busfactor.errors import ConfigError, RepositoryError
from busfactor.stopping import signals_held

_CHUNK = 1 << 20
GIT_MISSING = "git is not installed or not on PATH"
MINIMUM_GIT = (2, 31)
"""`--diff-merges` came with git 2.31 (March 2021)."""
_READ_AHEAD = 256 << 20
RENAME_LIMIT = "7000"
"""Files added and deleted in one commit beyond which git skips rename detection with edits
(it compares every pair). git's `diff.renameLimit` default is 1,000; its merges use 7,000,
where a missed rename costs more than time. Here a missed rename starts a file's history
anew at a big move, with the mover as its creator (adr/0026). Pinned: the user's git
config must not change results."""
_RENAME_LIMIT_NEEDED = re.compile(rb"set your diff\.renameLimit variable to at least (\d+)")

_SAFE_CONFIG = (
    "core.fsmonitor=false",
    "core.untrackedCache=false",
    "core.pager=cat",
    "diff.external=",
    "log.showSignature=false",
    "log.follow=false",
    "i18n.logOutputEncoding=UTF-8",
    "diff.renameLimit=" + RENAME_LIMIT,
)
_LOG_FLAGS = (
    "--no-color",
    "--no-relative",
    "--no-ext-diff",
    "--no-textconv",
    "--encoding=UTF-8",
    "-z",
)


def _environment(hooks_dir: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_") or key in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL")
    }
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_CONFIG_COUNT="1",
        GIT_CONFIG_KEY_0="core.hooksPath",
        GIT_CONFIG_VALUE_0=hooks_dir,
        LC_ALL="C",
        LANGUAGE="C",
        # A partial clone fetches missing objects on demand from a remote that the
        # repository's own config names, through any transport it allows (`ext::` runs a
        # command). busfactor only reads: no transport is allowed, whatever the config says
        # (the variable overrides `protocol.*.allow`), and git 2.44+ does not even try.
        GIT_ALLOW_PROTOCOL="",
        GIT_NO_LAZY_FETCH="1",
    )
    return env


_PATH_CODEC = (
    (sys.getfilesystemencoding(), sys.getfilesystemencodeerrors())
    if os.name != "nt"
    else ("utf-8", "surrogateescape")
)


def decode_path(path: bytes) -> str:
    """Paths are bytes in git; non-UTF-8 bytes survive as surrogate escapes (os.fsdecode's
    codec, looked up once: this runs for every path of the tree)."""
    return path.decode(*_PATH_CODEC)


class TreeEntry(NamedTuple):
    """A blob at the analysed revision. A tuple, not a frozen dataclass: a tree makes 10,000."""

    path: bytes
    mode: str
    sha: str
    name: str
    """`path` decoded once (`decode_path`) for the miner, the file rules and the documents."""


class GitRepository:
    """A repository opened for reading; use as a context manager so processes are reaped."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise RepositoryError(f"{path}: no such directory")
        if not path.is_dir():
            raise RepositoryError(f"{path}: not a directory (give the repository's directory)")
        self._hooks = tempfile.TemporaryDirectory(prefix="busfactor-nohooks-")
        self._env = _environment(self._hooks.name)
        self._cwd = str(path)
        self._configs: dict[str, dict[str, str]] = {}
        self._prestarted: dict[tuple[str, ...], _Process] = {}
        self._top_levels: dict[str, dict[bytes, tuple[bytes, str]]] = {}
        try:
            bare, inside, shallow, common = self._facts(path)
            if bare != "true" and inside == "true":
                # The `.git` directory of a work tree: git reads no work tree from inside it
                # (nor its .mailmap), so read the repository from its work tree.
                self._cwd = str(self._work_tree_of(path))
                bare, inside, shallow, common = self._facts(path)
        except BaseException:
            self.close()
            raise
        self.bare = bare == "true"
        self._shallow = shallow == "true"
        self._common_dir = Path(os.path.abspath(os.path.join(self._cwd, common)))
        # A partial clone (`git clone --filter`) lacks the objects it never downloaded; git
        # would fetch them on demand, which busfactor never lets it do.
        self.partial = self._is_partial()
        self.rename_limit_needed = 0
        """The largest rename limit git said its history streams needed, when one was over
        `RENAME_LIMIT` (it then skipped rename detection on those commits)."""
        self._missing: set[str] = set()
        if self.bare:
            self.root = self._path("rev-parse", "--absolute-git-dir")
        else:
            self.root = self._path("rev-parse", "--show-toplevel")

    def _path(self, *args: str) -> Path:
        """A path git prints, its bytes kept (`caf\\xe9` as os.fsdecode reads it: decoded
        with replacement, the root no longer matched the folder given)."""
        return Path(os.fsdecode(self.run_bytes(*args).removesuffix(b"\n")))

    def _facts(self, path: Path) -> list[str]:
        """What every scan asks, in one process (each costs a few ms): the three answers
        first, then the path, which may hold any character but a NUL."""
        asked = ("--is-bare-repository", "--is-inside-git-dir", "--is-shallow-repository")
        try:
            out = self.run_bytes("rev-parse", *asked, "--git-common-dir").removesuffix(b"\n")
            return os.fsdecode(out).split("\n", 3)
        except RepositoryError as error:
            if error.message == GIT_MISSING:
                raise
            if "dubious ownership" in error.message:
                allow = error.hint or f"git config --global --add safe.directory {path.resolve()}"
                raise RepositoryError(
                    f"{path}: git refuses this repository (owned by another user)",
                    hint=f"if you trust it: {allow}",
                ) from None
            if "safe.bareRepository" in error.message and "GIT_DIR" not in self._env:
                if not is_git_directory(path):
                    raise RepositoryError(
                        f"{path}: git reads a bare repository only when named "
                        "(safe.bareRepository is 'explicit')",
                        hint="give the bare repository's own directory",
                    ) from None
                self._env["GIT_DIR"] = os.path.abspath(path)  # named: git reads it
                return self._facts(path)
            raise RepositoryError(f"{path}: not a git repository") from None

    def _work_tree_of(self, path: Path) -> Path:
        """The work tree whose `.git` directory `path` is (or is in)."""
        git_dir = self._path("rev-parse", "--absolute-git-dir")
        if git_dir.name == ".git":
            try:
                own = self._path("-C", str(git_dir.parent), "rev-parse", "--absolute-git-dir")
            except RepositoryError:
                own = None
            if own == git_dir:
                return git_dir.parent
        raise RepositoryError(
            f"{path}: the git directory of a work tree kept elsewhere",
            hint="give the work tree's directory",
        )

    def _is_partial(self) -> bool:
        """Whether a promisor remote is configured, from which git fetches missing objects
        on demand. git marks the packs it fetches for a partial clone with a `.promisor` file,
        so git is asked only when one is there (a glob costs nothing; a clone made from such a
        repository may carry those files and still be complete, with no promisor)."""
        try:
            if not any((self._common_dir / "objects" / "pack").glob("*.promisor")):
                return False
        except OSError:
            return False
        found = self.run_configs(r"^(extensions\.partialclone|remote\..*\.promisor)$")
        return any(
            value.lower() not in ("false", "no", "off", "0")
            if key.endswith(".promisor")
            else bool(value)
            for key, value in found.items()
        )

    def close(self) -> None:
        """End a prestarted stream nobody took, remove the empty hooks directory."""
        try:
            while self._prestarted:
                _, process = self._prestarted.popitem()
                process.finish(complete=False)
        finally:
            self._hooks.cleanup()

    def __enter__(self) -> GitRepository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _command(self, args: Sequence[str]) -> list[str]:
        command = ["git", "--no-pager", "--no-replace-objects"]
        for setting in _SAFE_CONFIG:
            command += ["-c", setting]
        return [*command, *args]

    def run(self, *args: str) -> str:
        """Run a short git command and return its stdout as text (one final newline off)."""
        output = self.run_bytes(*args)
        return output.removesuffix(b"\n").decode("utf-8", "replace")

    def run_bytes(self, *args: str) -> bytes:
        """Run a short git command and return its raw stdout."""
        try:
            done = subprocess.run(
                self._command(args),
                cwd=self._cwd,
                env=self._env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise RepositoryError(GIT_MISSING) from None
        if done.returncode != 0:
            raise _failure(done.stderr, f"git {args[0]} failed ({done.returncode})")
        return done.stdout

    def _popen(self, args: Sequence[str], stdin: int | IO[bytes] = subprocess.DEVNULL) -> _Process:
        proc: subprocess.Popen[bytes] | None = None
        try:
            with signals_held():  # a SIGTERM inside Popen would lose the child it made
                proc = subprocess.Popen(
                    self._command(args),
                    cwd=self._cwd,
                    env=self._env,
                    stdin=stdin,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                )
        except FileNotFoundError:
            raise RepositoryError(GIT_MISSING) from None
        except BaseException:  # the signal held while Popen ran: its child is ours to end
            if proc is not None:
                _end(proc)
            raise
        try:
            return _Process(proc, args[0])
        except BaseException:  # a Ctrl-C or SIGTERM right after the spawn: no orphan
            _end(proc)
            raise

    @contextmanager
    def stream(
        self, *args: str, mux: PipeMux | None = None, stdin: int | IO[bytes] = subprocess.DEVNULL
    ) -> Iterator[Iterator[bytes]]:
        """Start one long-running git process and yield its stdout as chunks.

        Chunks are whatever the pipe holds (up to 1 MiB), read in the calling thread, so no
        thread fights the parser for the GIL. With a `mux`, the other streams it holds are
        drained whenever this one is read or waited for, so no git process waits on us.
        """
        process = self._prestarted.pop(tuple(args), None) if stdin == subprocess.DEVNULL else None
        if process is None:
            process = self._popen(args, stdin)
        finished = False
        buffered = None
        # Everything after the spawn is inside the `try`: a Ctrl-C or SIGTERM (busfactor.stopping)
        # landing before the first read still ends the process.
        try:
            process.collect_stderr()
            fd = process.stdout.fileno()
            buffered = mux.add(fd) if mux is not None else None

            def chunks() -> Iterator[bytes]:
                nonlocal finished
                if buffered is not None:
                    yield from buffered.chunks()
                else:
                    while chunk := os.read(fd, _CHUNK):
                        yield chunk
                finished = True

            yield chunks()
        finally:
            if buffered is not None and mux is not None:
                mux.remove(buffered)
            process.finish(complete=finished)
            self.rename_limit_needed = max(self.rename_limit_needed, process.rename_limit_needed)

    # -- questions about the repository -------------------------------------------------

    def resolve(self, rev: str) -> tuple[str, int]:
        """Full sha and committer time of REV, or a RepositoryError naming it."""
        if rev.startswith("-"):
            raise RepositoryError(f"unknown revision: {rev}")
        if ".." in rev or rev.endswith(("^!", "^@")) or re.search(r"\^-\d*$", rev):
            # git log reads these as ranges, and the scan took the range's tip without a word
            raise RepositoryError(
                f"{rev} is a range: a scan reads one revision and all history behind it",
                hint="pass the revision itself, such as main or v2.0",
            )
        try:
            out = self.run("log", "-1", "--no-walk", "--format=%H %ct", f"{rev}^{{commit}}", "--")
        except RepositoryError:
            if not self.has_commits():  # asked only now: one process less per revision
                raise RepositoryError(
                    "the repository has no commits yet", hint="commit something, then scan again"
                ) from None
            if rev == "HEAD":
                raise self._unborn_head() from None
            kind = self._object_kind(rev)
            if kind in ("tree", "blob"):
                raise RepositoryError(
                    f"{rev} is a {kind}, not a commit: a scan reads a commit and its history",
                    hint="pass a branch, a tag or a commit",
                ) from None
            raise RepositoryError(f"unknown revision: {rev}") from None
        sha, _, when = out.strip().partition(" ")
        return sha, calendar_time(int(when or 0))

    def _object_kind(self, rev: str) -> str:
        """What `rev` names once its tags are peeled (`tree`, `blob`), "" when nothing.
        (`HEAD:a.py^{}` would name a path `a.py^{}`: a tag is peeled only once it is one.)"""
        try:
            kind = self.run("cat-file", "-t", rev).strip()
            return self.run("cat-file", "-t", f"{rev}^{{}}").strip() if kind == "tag" else kind
        except RepositoryError:
            return ""

    def since_cutoff(self, since: str) -> int | None:
        """How git reads a `--since` value: the oldest commit time it keeps (None when git
        prints no reading). git's dates are lenient: words it does not know are skipped."""
        out = self.run("rev-parse", f"--since={since}")
        _, _, when = out.strip().rpartition("--max-age=")
        return int(when) if when.isdigit() else None

    def _unborn_head(self) -> RepositoryError:
        """HEAD names a branch with no commits while others have some: a mirror whose default
        branch was renamed, or a new branch not committed to yet. Name the branches there are."""
        try:
            target = self.run("symbolic-ref", "--quiet", "--short", "HEAD").strip()
        except RepositoryError:
            target = ""
        branches = self.run(
            "for-each-ref",
            "--count=4",
            "--sort=-committerdate",
            "--format=%(refname:short)",
            "refs/heads",
            "refs/remotes",
        ).split()
        where = f"branch {target}" if target else "HEAD"
        return RepositoryError(
            f"{where} has no commits yet",
            hint=f"pass --rev with one that has: {', '.join(branches)}" if branches else None,
        )

    def has_commits(self) -> bool:
        """True when any ref or HEAD points at a commit."""
        try:
            self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
            return True
        except RepositoryError:
            refs = self.run("for-each-ref", "--count=1", "--format=%(objectname)")
            return bool(refs.strip())

    def is_shallow(self) -> bool:
        """True for a shallow clone, whose history is cut (asked once, on opening: the
        pipeline, the cache and the miner all need it)."""
        return self._shallow

    def is_ancestor(self, ancestor: str, sha: str) -> bool:
        """Whether `ancestor` is in the history of `sha` (False when it no longer exists)."""
        try:
            self.run("merge-base", "--is-ancestor", ancestor, sha)
        except RepositoryError:
            return False
        return True

    def common_dir(self) -> Path:
        """The git directory shared by every worktree (where the cache lives)."""
        return self._common_dir

    def output_fingerprint(self) -> str:
        """What, besides the commits, shapes `git log`'s output: git's version and the mailmap.

        git applies `.mailmap` (the work tree's; in a bare repository HEAD's), `mailmap.file`
        and `mailmap.blob` to every author it prints, so a cache of its output is only valid
        for the same mailmap.
        """
        digest = hashlib.sha256(self.run("version").encode())
        pinned = (
            MAIN_FORMAT,
            MERGE_FORMAT,
            RENAME_LIMIT,
            *_SAFE_CONFIG,
            *_LOG_FLAGS,
            *(["partial: exact renames only"] if self.partial else []),
        )
        digest.update("\0".join(pinned).encode())
        sources: list[bytes] = []
        in_tree, configured, blob = self._mailmaps()
        if in_tree is not None:
            if self.mailmap_is_link():  # git does not follow it: what it points at is unread
                sources.append(b"link:" + os.fsencode(os.readlink(in_tree)))
            else:
                sources.append(_read_small(in_tree))
        if configured is not None:
            sources.append(_read_small(configured))
        if blob:
            try:
                sources.append(self.run_bytes("rev-parse", "--verify", "--quiet", blob))
            except RepositoryError:
                sources.append(b"-")
        for source in sources:
            digest.update(len(source).to_bytes(8, "big") + source)
        return digest.hexdigest()

    def _mailmaps(self) -> tuple[Path | None, Path | None, str]:
        """Where git reads mailmaps: the work tree's `.mailmap` (None in a bare repository),
        `mailmap.file` (None when unset) and `mailmap.blob` (in a bare repository HEAD's
        `.mailmap` by default; "" when none)."""
        settings = self.run_configs(r"^mailmap\.(file|blob)$")  # one git process for both
        configured = settings.get("mailmap.file", "")
        return (
            None if self.bare else self.root / ".mailmap",
            Path(os.path.expanduser(configured)) if configured else None,
            settings.get("mailmap.blob") or ("HEAD:.mailmap" if self.bare else ""),
        )

    def mailmap_text(self) -> str:
        """The mailmaps git applies, as text; a symbolic link (which git does not follow) and
        unreadable ones are left out."""
        in_tree, configured, blob = self._mailmaps()
        sources: list[bytes] = []
        for path in (in_tree if not self.mailmap_is_link() else None, configured):
            if path is not None:
                with contextlib.suppress(OSError):
                    sources.append(path.read_bytes()[: 1 << 24])
        if blob:
            with contextlib.suppress(RepositoryError):
                sources.append(self.run_bytes("cat-file", "blob", blob)[: 1 << 24])
        return "\n".join(source.decode("utf-8", "replace") for source in sources)

    def unsaved_edits(self, path: Path) -> bool:
        """Whether `path` is a file of this work tree that git tracks and that holds what the
        index does not: edits git has nowhere else, lost if the file is replaced. The file is
        hashed here, as git would store it without filters: `git diff` would run the
        repository's clean filters, which are programs its configuration names."""
        if self.bare:
            return False
        try:
            relative = path.resolve().relative_to(self.root.resolve())
        except (OSError, ValueError):
            return False
        listed = self.run_bytes("ls-files", "-s", "-z", "--", f":(top,literal){relative}")
        entries = [entry.split(b"\t", 1)[0].split() for entry in listed.split(b"\0") if entry]
        if not entries:
            return False  # untracked: not in git at all
        if len(entries) > 1 or entries[0][2] != b"0":
            return True  # a merge conflict: its sides are in the index, the resolution is not
        mode, blob = entries[0][0], entries[0][1].decode()
        if mode not in (b"100644", b"100755"):
            return False  # a link, a submodule: replacing the file we were given loses no blob
        digest = hashlib.new("sha1" if len(blob) == 40 else "sha256")
        try:
            digest.update(b"blob %d\0" % path.stat().st_size)
            with path.open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
        except OSError:
            return False  # unreadable: writing it fails with its own message
        return digest.hexdigest() != blob

    def committed_file(self, rev: str, name: str, limit: int) -> bytes | None:
        """A file at the top of `rev`'s tree, at most `limit` + 1 bytes; None when it is not
        there (or `rev` is no revision: resolving it says so). A link or a folder of that
        name is a ConfigError: read from the work tree, it would not be silently skipped."""
        entry = self._top_level(rev).get(name.encode())
        if entry is None:
            return None
        mode, blob = entry
        if mode not in (b"100644", b"100755"):
            raise ConfigError(f"{rev}:{name}: not a readable file (a link or a folder)")
        return self.run_bytes("cat-file", "blob", blob)[: limit + 1]

    def _top_level(self, rev: str) -> dict[bytes, tuple[bytes, str]]:
        """Name -> (mode, object id) of the top of `rev`'s tree, from one `git ls-tree`
        (asked once for the three configuration names); empty when `rev` is no revision."""
        if rev not in self._top_levels:
            listed = b""
            if not rev.startswith("-"):
                with contextlib.suppress(RepositoryError):
                    listed = self.run_bytes("ls-tree", "-z", f"{rev}^{{tree}}")
            entries: dict[bytes, tuple[bytes, str]] = {}
            for item in listed.split(b"\0"):
                meta, _, name = item.partition(b"\t")
                mode, _, rest = meta.partition(b" ")
                if name:
                    entries[name] = (mode, rest.partition(b" ")[2].decode("ascii"))
            self._top_levels[rev] = entries
        return self._top_levels[rev]

    def mailmap_is_link(self) -> bool:
        """Whether the work tree's `.mailmap` is a symbolic link, which git (2.32 and later)
        refuses to follow: it then merges no identities."""
        return not self.bare and (self.root / ".mailmap").is_symlink()

    def run_configs(self, pattern: str) -> dict[str, str]:
        """Every key matching `pattern` with the value git resolves for it (the last one set,
        as `git config --get` gives), in one `git config --get-regexp -z`. Asked once per
        pattern: a scan reads the mailmap settings twice (the cache's fingerprint, the
        aliases), and the configuration does not change under one scan."""
        known = self._configs.get(pattern)
        if known is not None:
            return dict(known)
        try:
            out = self.run_bytes("config", "-z", "--get-regexp", pattern)
        except RepositoryError:
            out = b""  # exit 1: nothing set
        found: dict[str, str] = {}
        for item in out.split(b"\0"):
            if item:
                key, _, value = item.partition(b"\n")
                found[key.decode("utf-8", "replace")] = os.fsdecode(value)
        self._configs[pattern] = found
        return dict(found)

    def tree(self, sha: str) -> list[TreeEntry]:
        """Every blob at the revision (submodules and other non-blobs left out)."""
        raw = self.run_bytes("ls-tree", "-r", "-z", "--full-tree", sha)
        entries = []
        for item in raw.split(b"\0"):
            if not item:
                continue
            meta, _, path = item.partition(b"\t")
            mode, kind, blob = meta.split(b" ")
            if kind == b"blob":
                entries.append(TreeEntry(path, mode.decode(), blob.decode(), decode_path(path)))
        if self.partial:
            self._missing |= self._missing_blobs(sha)
        return entries

    def _missing_blobs(self, sha: str) -> set[str]:
        """The blobs of `sha`'s tree a partial clone never downloaded. `rev-list --missing`
        lists them without fetching; `cat-file` would stop at the first one."""
        out = self.run_bytes(
            "rev-list", "--objects", "--missing=print", "--no-object-names", f"{sha}^{{tree}}"
        )
        return {line[1:].decode("ascii") for line in out.split(b"\n") if line[:1] == b"?"}

    def missing(self, entries: Iterable[TreeEntry]) -> list[TreeEntry]:
        """The entries whose blob is not in the repository (only a partial clone has any)."""
        missing = self._missing
        return [entry for entry in entries if entry.sha in missing] if missing else []

    def read_blobs(self, shas: Sequence[str], limit: int) -> dict[str, bytes]:
        """The first `limit` bytes of each blob, read through one `git cat-file --batch`.
        Blobs a partial clone lacks are left out, as a `missing` one is."""
        unique = [sha for sha in dict.fromkeys(shas) if sha not in self._missing]
        if not unique:
            return {}
        blobs: dict[str, bytes] = {}
        with tempfile.TemporaryFile() as request:
            request.write(("\n".join(unique) + "\n").encode())
            request.seek(0)
            # Nothing on stderr is reported (a missing blob is a `missing` line on stdout); it
            # stays open until git exits, so a stray message never meets a closed pipe.
            process = self._popen(["cat-file", "--batch"], stdin=request)
            stdout = process.stdout
            try:
                for sha in unique:
                    header = stdout.readline().split(b" ")
                    if len(header) < 3:
                        continue
                    size = int(header[2])
                    blobs[sha] = stdout.read(min(size, limit))
                    remaining = size - min(size, limit) + 1
                    while remaining > 0:
                        remaining -= len(stdout.read(min(remaining, _CHUNK))) or remaining
            finally:
                stdout.close()
                process.proc.wait()
                process.stderr.close()
        return blobs

    def trees_of(self, commits: tuple[bytes, ...]) -> list[bytes] | None:
        """The commits' tree ids from one short `rev-parse`; None when one is missing (a
        shallow clone's cut parents). The DAG walk asks only at an octopus merge that has a
        parent with the merge's own tree, whose diff git does not print."""
        try:
            out = self.run("rev-parse", *(f"{sha.decode('ascii')}^{{tree}}" for sha in commits))
        except (RepositoryError, UnicodeDecodeError):
            return None
        trees = [line.encode("ascii") for line in out.split()]
        return trees if len(trees) == len(commits) else None

    # -- history streams ----------------------------------------------------------------

    def history(
        self,
        sha: str,
        *,
        since: str | None,
        linear: bool,
        mux: PipeMux | None = None,
        exclude: str | None = None,
        raw: Callable[[bytes], None] | None = None,
        renames: bool = True,
    ) -> AbstractContextManager[Iterator[CommitRecord]]:
        """The main history stream as records (a context manager).

        `exclude`: leave out the history of that commit (`git log SHA ^EXCLUDE`), for the
        cache's rescans. `raw` is handed every chunk of git's output as it is parsed.
        `renames=False` is for checks against `git log -- PATH`, which follows no renames.
        """
        args = self._history_args(sha, since=since, linear=linear, exclude=exclude, renames=renames)
        return self._records(args, mux, raw)

    def prestart_history(self, sha: str, *, since: str | None, linear: bool) -> None:
        """Start the whole main history stream now, for a scan that will read it all (no
        cache to consult): git starts working while the scan lists the tree and opens its
        cache, about 0.1 s on a cold scan. `history` with the same arguments takes the
        process over; one never taken is ended by `close`."""
        args = tuple(self._history_args(sha, since=since, linear=linear, exclude=None))
        if args in self._prestarted:
            return
        process = self._popen(args)
        try:
            process.collect_stderr()
        except BaseException:
            process.finish(complete=False)
            raise
        self._prestarted[args] = process

    def _history_args(
        self,
        sha: str,
        *,
        since: str | None,
        linear: bool,
        exclude: str | None,
        renames: bool = True,
    ) -> list[str]:
        order = ["--no-merges"] if linear else ["--topo-order", "--diff-merges=off"]
        args = [
            "log",
            *order,
            "--root",
            *_renames(renames, inexact=not self.partial),
            "--name-status",
            *_LOG_FLAGS,
            f"--format={MAIN_FORMAT}",
        ]
        if since:
            args.append(f"--since={since}")
        return [*args, *_range(sha, exclude), "--"]

    @contextmanager
    def _records(
        self, args: list[str], mux: PipeMux | None, raw: Callable[[bytes], None] | None
    ) -> Iterator[Iterator[CommitRecord]]:
        with self.stream(*args, mux=mux) as chunks:
            yield parse_commits(_tee(chunks, raw) if raw is not None else chunks)

    @contextmanager
    def merge_diffs(
        self,
        sha: str,
        *,
        since: str | None,
        inexact_renames: bool = False,
        exclude: str | None = None,
        raw: Callable[[bytes], None] | None = None,
        renames: bool = True,
        sides: SideDiffs = SIDE_DIFFS,
        mux: PipeMux | None = None,
        watch: Callable[[int], None] | None = None,
    ) -> Iterator[MergeDiffReader]:
        """Merges' diffs against each parent (exact renames) from a second, concurrent git log.

        Both streams share a `PipeMux` (`reader.mux`, or the one given), so whichever one
        the walk waits for, the other is drained meanwhile: both git processes run at full
        speed, no threads. When a probe of the newest merges finds their side diffs dwarfing
        the first-parent ones, `sides` has them rebuilt from combined diffs (adr/0021); the
        walk then waits while they are read, and `watch` hears how many merges were.
        """
        rename_args = _renames(renames, inexact=inexact_renames and not self.partial)
        tail = [*_LOG_FLAGS, f"--format={MERGE_FORMAT}"]
        if since:
            tail.append(f"--since={since}")
        tail += [*_range(sha, exclude), "--"]
        mux = mux if mux is not None else PipeMux()
        log = ["log", "--topo-order", "--merges"]
        with contextlib.ExitStack() as stack:
            exact = not inexact_renames
            if self._combined_pays(sides, rename_args, tail, mux, rescan=exclude is not None):
                chunks = stack.enter_context(
                    self.stream(*log, "-c", "--no-renames", "--name-status", *tail, mux=mux)
                )
                streams = _MergeStreams(rename_args, tail, mux, renames, watch)
                rebuilt = self._separate_from_combined(chunks, streams)
                stack.callback(rebuilt.close)
                records = rebuilt
                if raw is not None:
                    stored = _stored(rebuilt, raw)
                    stack.callback(stored.close)  # runs first: the last bytes reach the sink
                    records = stored
                yield MergeDiffReader([], mux, exact_renames=exact, records=records)
                return
            args = [*log, "--diff-merges=separate", *rename_args, "--name-status", *tail]
            live = stack.enter_context(self.stream(*args, mux=mux))
            yield MergeDiffReader(
                [_tee(live, raw) if raw is not None else live], mux, exact_renames=exact
            )

    def _combined_pays(
        self,
        sides: SideDiffs,
        rename_args: list[str],
        tail: list[str],
        mux: PipeMux,
        *,
        rescan: bool,
    ) -> bool:
        """Whether the newest `sides.merges` merges' separate diffs (in date order: no
        topological sort to wait for) call for combined diffs: 0.01-0.15 s of git. A rescan
        reads the few merges since the cached tip, where a probe would cost more than the
        pause it could save: no probe, git's separate diffs."""
        if sides.merges is None or (rescan and sides.merges > 0):
            return False
        first = side = 0
        if sides.merges > 0:
            args = ["log", "--merges", f"--max-count={sides.merges}", "--diff-merges=separate"]
            with self.stream(*args, *rename_args, "--name-status", *tail, mux=mux) as chunks:
                first, side = _measured(chunks)
        return sides.switch(first, side)

    def _separate_from_combined(
        self, combined: Iterable[bytes], streams: _MergeStreams
    ) -> Generator[MergeRecord, None, None]:
        """Merge records as `--diff-merges=separate` prints them, from three git processes
        run one after the other: the `combined` diffs, the few side diffs they call for,
        then the first-parent diffs, which stream beside the walk."""
        rename_args, tail, mux = streams.rename_args, streams.tail, streams.mux
        sides = CombinedSides.read(combined, renames=streams.renames, watch=streams.watch)
        side_diffs: dict[tuple[bytes, bytes], bytes] = {}
        if sides.requests:
            with tempfile.TemporaryFile() as lines:
                lines.write(sides.stdin())
                lines.seek(0)
                args = ["diff-tree", "--stdin", "--always", "-r", *rename_args, "--name-status"]
                args += [*_LOG_FLAGS, f"--format={MERGE_FORMAT}"]
                with self.stream(*args, mux=mux, stdin=lines) as chunks:
                    side_diffs = read_side_diffs(chunks)
        by_merge = sides.side_diffs(side_diffs)
        log = ["log", "--topo-order", "--merges", "--diff-merges=first-parent", *rename_args]
        with self.stream(*log, "--name-status", *tail, mux=mux) as first_parent:
            yield from rebuilt_records(first_parent, by_merge)


def _end(proc: subprocess.Popen[bytes]) -> None:
    """Kill and reap a git process never handed to a `_Process`, and close its pipes."""
    proc.kill()
    proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def _measured(chunks: Iterable[bytes]) -> tuple[int, int]:
    """Bytes of first-parent diffs and of side diffs in a separate-diffs stream."""
    first = side = 0
    last: bytes | None = None
    for sha, _, _, raw in parse_diff_records(chunks):
        if sha != last:
            last = sha
            first += len(raw)
        else:
            side += len(raw)
    return first, side


class _MergeStreams(NamedTuple):
    """What every merge stream of one scan shares."""

    rename_args: list[str]
    tail: list[str]
    mux: PipeMux
    renames: bool
    watch: Callable[[int], None] | None


def _renames(renames: bool, inexact: bool) -> list[str]:
    """git's rename detection: none, exact only (same blob id, no content read), or inexact.
    The merge stream is exact unless asked, and a partial clone lacks the old blobs inexact
    detection reads (git would fetch them)."""
    if not renames:
        return ["--no-renames"]
    return ["-M", f"-l{RENAME_LIMIT}"] if inexact else ["-M100%"]


class _Process:
    """A git process with both output pipes (pipes a short command never fills)."""

    def __init__(self, proc: subprocess.Popen[bytes], name: str) -> None:
        if proc.stdout is None or proc.stderr is None:  # pragma: no cover - PIPE gives both
            raise RepositoryError(f"git {name}: no output pipes")
        self.proc, self.name = proc, name
        self.stdout: IO[bytes] = proc.stdout
        self.stderr: IO[bytes] = proc.stderr
        self._stderr_lines: list[bytes] = []
        self._drain: threading.Thread | None = None

    def collect_stderr(self) -> None:
        """Grow the stdout pipe (git runs further ahead) and read stderr in a thread, so a
        chatty git never blocks on it while we read stdout. Once: a prestarted stream has
        begun to when `stream` takes it over."""
        if self._drain is not None:
            return
        _grow_pipe(self.stdout)
        stderr, lines = self.stderr, self._stderr_lines
        self._drain = threading.Thread(target=lambda: lines.extend(stderr), daemon=True)
        self._drain.start()

    def finish(self, *, complete: bool) -> None:
        """Reap the process (killed first when its output was not read to the end); when it
        was, a failure is a RepositoryError with git's own first line."""
        if not complete:
            self.proc.kill()
        code = self.proc.wait()
        self.stdout.close()
        if self._drain is not None:
            self._drain.join(timeout=5)
        self.stderr.close()
        if complete and code != 0:
            raise _failure(b"".join(self._stderr_lines), f"git {self.name} failed ({code})")

    @property
    def rename_limit_needed(self) -> int:
        """The rename limit git asked for (its warning when a commit had more files added
        and deleted than the limit), else 0. Read once the process has finished."""
        found = _RENAME_LIMIT_NEEDED.search(b"".join(self._stderr_lines))
        return int(found[1]) if found else 0


def _read_small(path: Path) -> bytes:
    """A file's bytes for a fingerprint; b'-' when it is missing or unreadable."""
    try:
        return path.read_bytes()[: 1 << 24]
    except OSError:
        return b"-"


def _range(sha: str, exclude: str | None) -> list[str]:
    return [sha, f"^{exclude}"] if exclude else [sha]


def _stored(
    records: Iterable[MergeRecord], sink: Callable[[bytes], None]
) -> Generator[MergeRecord, None, None]:
    """The records, each also written to `sink` (the cache) as git would print it, joined
    into chunks of about 1 MiB (one row each); the rest when the records end or close."""
    pending: list[bytes] = []
    size = 0
    try:
        for record in records:
            data = serialized(record)
            pending.append(data)
            size += len(data)
            if size >= _CHUNK:
                sink(b"".join(pending))
                pending, size = [], 0
            yield record
    finally:
        if pending:
            sink(b"".join(pending))


def _tee(chunks: Iterable[bytes], sink: Callable[[bytes], None]) -> Iterator[bytes]:
    """The chunks, each also handed to `sink` (the cache) before it is parsed."""
    for chunk in chunks:
        sink(chunk)
        yield chunk


def _grow_pipe(stream: Any) -> None:
    """Ask Linux for a 1 MiB pipe buffer so git can run further ahead (best effort)."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _CHUNK)
    except (OSError, ImportError, ValueError):
        pass


class PipeMux:
    """Reads several git pipes without ever leaving one full: while the parser waits for one
    stream, or reads a chunk of it, every other pipe with output is drained into its own
    bounded buffer, so each git process runs ahead at its own speed."""

    def __init__(self) -> None:
        self._streams: list[_Buffered] = []

    def add(self, fd: int) -> _Buffered:
        """Start buffering a pipe (made non-blocking)."""
        os.set_blocking(fd, False)
        stream = _Buffered(fd, self)
        self._streams.append(stream)
        return stream

    def remove(self, stream: _Buffered) -> None:
        """Stop reading a pipe (its process is done or being stopped)."""
        if stream in self._streams:
            self._streams.remove(stream)

    def drain_others(self, current: _Buffered) -> None:
        """Take in whatever the other pipes hold right now."""
        for stream in self._streams:
            if stream is not current:
                stream.drain()

    def wait_for(self, wanted: _Buffered) -> None:
        """Block until `wanted` has a chunk or has ended, draining every ready pipe."""
        while not wanted.queue and not wanted.eof:
            readable = [s.fd for s in self._streams if not s.eof and not s.full]
            if wanted.fd not in readable:
                readable.append(wanted.fd)
            ready, _, _ = select.select(readable, [], [])
            for stream in self._streams:
                if stream.fd in ready:
                    stream.drain()


class _Buffered:
    """One pipe's chunks, read ahead up to `_READ_AHEAD` bytes."""

    def __init__(self, fd: int, mux: PipeMux) -> None:
        self.fd = fd
        self.queue: deque[bytes] = deque()
        self.size = 0
        self.eof = False
        self._mux = mux

    @property
    def full(self) -> bool:
        return self.size >= _READ_AHEAD

    def drain(self) -> None:
        """Read without blocking until the pipe is empty, ends, or the buffer is full."""
        while not self.eof and not self.full:
            try:
                chunk = os.read(self.fd, _CHUNK)
            except BlockingIOError:
                return
            if not chunk:
                self.eof = True
                return
            self.queue.append(chunk)
            self.size += len(chunk)

    def chunks(self) -> Iterator[bytes]:
        """Every chunk in order."""
        while True:
            if self.queue:
                chunk = self.queue.popleft()
                self.size -= len(chunk)
                self._mux.drain_others(self)
                yield chunk
            elif self.eof:
                return
            else:
                self._mux.wait_for(self)


class MergeDiffReader:
    """Looks up a merge's diffs in the merge stream.

    Both streams list merges in the same topological order, so the wanted merge is the next
    group of records, or has none (its tree equals every parent's).
    """

    def __init__(
        self,
        streams: Iterable[Iterable[bytes]],
        mux: PipeMux,
        *,
        exact_renames: bool = True,
        records: Iterable[Sequence[bytes]] | None = None,
    ) -> None:
        """`streams`: git's output, or stored copies of it; `records`: already parsed ones,
        (sha, tree, raw diff, ...), read before the streams."""
        self.mux = mux
        self._exact_renames = exact_renames
        self._early: dict[bytes, list[MergeDiff]] = {}
        # Each stream is parsed on its own: git's output is not made to be concatenated.
        parsed: Iterator[Sequence[bytes]] = itertools.chain.from_iterable(
            map(parse_merge_records, streams)
        )
        self._records = parsed if records is None else itertools.chain(records, parsed)
        self._next: Sequence[bytes] | None = None

    def __call__(self, sha: bytes) -> list[MergeDiff]:
        """The merge's non-empty diffs, in parent order (git prints nothing for an empty one)."""
        found = self._early.pop(sha, None)
        if found is not None:
            return found
        group = self._group()
        if group is None:
            return []
        if group[0] != sha:
            # Same topological order in both streams: the merge asked for had no record
            # because its tree equals every parent's. Keep the group for its own merge.
            self._early[group[0]] = group[1]
            return []
        return group[1]

    def groups(self) -> Iterator[tuple[bytes, list[MergeDiff]]]:
        """Every merge's diffs not yet asked for, in stream order (checks of the streams)."""
        while (group := self._group()) is not None:
            yield group

    def _group(self) -> tuple[bytes, list[MergeDiff]] | None:
        """The next merge's records (consecutive records with the same sha)."""
        first = self._next if self._next is not None else next(self._records, None)
        self._next = None
        if first is None:
            return None
        exact = self._exact_renames
        diffs = [MergeDiff(first[2], exact_renames=exact)]
        for record in self._records:
            if record[0] != first[0]:
                self._next = record
                break
            diffs.append(MergeDiff(record[2], exact_renames=exact))
        return first[0], diffs


def is_git_directory(folder: Path) -> bool:
    """A bare repository or a `.git` directory: what git itself looks for."""
    return (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
    )


_PROMISOR = "from promisor remote"
_LOST_OBJECT = re.compile(
    r"unable to read [0-9a-f]{40,64}|(?:bad|missing) (?:object|blob|tree) [0-9a-f]{40,64}"
)
"""git's words for an object it needs and cannot find, in a repository without a promisor
remote to fetch it from (a damaged clone, or a copy that left its largest blobs out)."""


def _failure(stderr: bytes, fallback: str) -> RepositoryError:
    """git's failure as one line. A partial clone lacking an object git cannot do without
    (a tree, in a clone made with `--filter=tree:0`) gets its own message: git's first line
    would only say that no transport is allowed. So does an object missing from a repository
    that has no promisor: git names only its sha."""
    text = stderr.decode("utf-8", "replace")
    if _PROMISOR in text:
        fetch = next((line for line in text.splitlines() if _PROMISOR in line), "")
        return RepositoryError(
            "partial clone: git needs objects this clone never downloaded "
            f"({_first_line(fetch)}), and busfactor never fetches",
            hint="scan a clone made without --filter=tree:0 (a blobless clone, "
            "--filter=blob:none, is read as it is)",
        )
    if "dubious ownership" in text:  # git names the directory to allow, absolute
        allow = re.search(r"git config --global --add safe\.directory \S.*", text)
        return RepositoryError(_first_line(text), hint=allow[0].strip() if allow else None)
    lost = _LOST_OBJECT.search(text)
    # `git ls-tree` of a commit whose tree is gone names neither the tree nor the commit.
    if lost is not None or "not a tree object" in text:
        said = lost[0] if lost is not None else "the revision's file tree: not a tree object"
        return RepositoryError(
            f"the repository lacks an object git needs ({said})",
            hint="the clone is damaged or incomplete: `git fsck` lists what is missing; "
            "scan a complete clone",
        )
    if any(word in text for word in ("unrecognized argument", "unknown option", "usage: git")):
        old = _old_git()
        if old is not None:
            return RepositoryError(
                f"git {old} is too old: busfactor needs git "
                f"{'.'.join(map(str, MINIMUM_GIT))} or later",
                hint="busfactor reads history with git options older versions lack",
            )
    return RepositoryError(_first_line(text) or fallback)


def _old_git() -> str | None:
    """git's version when it is older than MINIMUM_GIT; asked only after git rejected an
    option, so a scan costs no process for it."""
    try:
        out = subprocess.run(
            ["git", "version"], capture_output=True, stdin=subprocess.DEVNULL, check=False
        ).stdout.decode("ascii", "replace")
    except OSError:
        return None
    found = re.search(r"(\d+)\.(\d+)[\w.]*", out)
    if found is None or (int(found[1]), int(found[2])) >= MINIMUM_GIT:
        return None
    return found[0]


def _first_line(text: str | bytes | None) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    for line in (text or "").splitlines():
        line = line.strip().removeprefix("stderr: ").strip("'").strip()
        if line:
            return line.removeprefix("fatal: ").removeprefix("error: ")
    return ""
