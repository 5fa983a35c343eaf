"""Scaffolding: new ADRs and runbooks in the repository's own conventions (issue 4).

Scaffolding reads the WORKING TREE (what the user is editing), not git objects, and writes
every file atomically: a new file through a temporary file hard-linked into place (exclusive:
an existing file is never replaced), a changed file through a temporary file and `os.replace`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from busfactor.adapters.git import GitRepository
from busfactor.errors import RepositoryError, UsageError
from busfactor.new_files import new_file_mode

__all__ = [
    "ComponentFacts",
    "component_facts",
    "create_exclusive",
    "inside",
    "read_inside",
    "replace_atomic",
    "repository_root",
    "today",
    "user_name",
    "working_files",
]

_SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__"})
MAX_READ = 1 << 20
"""The most a scaffold reads of one work-tree file: the scan's own limit for an ADR."""


def repository_root(path: Path) -> Path:
    """The work tree's top folder of the repository at `path`: `path` or a folder above it.

    A repository's own configuration can name its work tree elsewhere (`core.worktree`), and
    the files written there would land in a folder the user never gave.
    """
    with GitRepository(path) as repo:
        if repo.bare:
            raise RepositoryError(f"{path}: a bare repository has no work tree to write into")
        root = repo.root
    given, top = path.resolve(), root.resolve()
    if given != top and top not in given.parents:
        raise RepositoryError(
            f"{path}: git's work tree for it is {root}, outside it (core.worktree), "
            "and busfactor writes only inside the folder given",
            hint="check `git config core.worktree` in that repository",
        )
    return root


def user_name(root: Path) -> str:
    """`git config user.name` of the repository, else "unknown"."""
    try:
        with GitRepository(root) as repo:
            name = repo.run("config", "user.name").strip()
    except RepositoryError:
        return "unknown"
    return name or "unknown"


def today() -> str:
    """Today's ISO date, or $BUSFACTOR_DATE (YYYY-MM-DD) for reproducible output."""
    fixed = os.environ.get("BUSFACTOR_DATE")
    if fixed:
        try:
            return date.fromisoformat(fixed).isoformat()
        except ValueError:
            raise UsageError(f"BUSFACTOR_DATE={fixed!r}: expected YYYY-MM-DD") from None
    return date.today().isoformat()


def working_files(root: Path) -> list[str]:
    """Repository-relative POSIX paths of the work tree's files, without `.git` and the like."""
    found: list[str] = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS)
        relative = Path(directory).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in names)
    return sorted(found)


def inside(root: Path, relative: str) -> Path:
    """root / relative, refusing anything that leaves the repository."""
    target = (root / relative).resolve()
    if target != root.resolve() and root.resolve() not in target.parents:
        raise UsageError(f"{relative}: outside the repository")
    return target


def writable_inside(root: Path, relative: str) -> Path:
    """`inside`, refusing git's own directory too: a record written as `.git/hooks/x` is not
    in the work tree, and a file there may be one git runs."""
    target = inside(root, relative)
    git_dir = root.resolve() / ".git"
    if target == git_dir or git_dir in target.parents:
        raise UsageError(f"{relative}: inside the repository's .git directory")
    return target


def read_inside(root: Path, path: str | Path) -> bytes | None:
    """A work-tree file's bytes, or None unless it is a regular file of at most MAX_READ bytes
    that stays inside the repository (a symbolic link may lead elsewhere within it).

    The work tree comes with the repository: a committed link to a file outside it had its
    content copied into a new ADR or runbook, and a link to /dev/zero was read without end.
    """
    try:
        target = inside(root, str(path))
        descriptor = os.open(target, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block
    except (UsageError, OSError):
        return None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            data = stream.read(MAX_READ + 1)
        except OSError:
            return None
    return data if len(data) <= MAX_READ else None


def create_exclusive(path: Path, text: str) -> None:
    """Write a new file atomically; FileExistsError when `path` exists (never replaced).
    The folders made for it go again when it cannot be written."""
    data = text.encode("utf-8")
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _create(path, data)
    except BaseException:
        for folder in missing:  # deepest first; one something else wrote into stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _create(path: Path, data: bytes) -> None:
    descriptor, temporary = _temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        try:
            os.link(temporary, path)  # atomic and exclusive: fails when path exists
        except FileExistsError:
            raise
        except OSError:  # no hard links on this file system: exclusive create instead
            with open(path, "xb") as handle:
                handle.write(data)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _temporary(path: Path) -> tuple[int, str]:
    """A temporary file beside `path`; an error names `path`'s folder."""
    try:
        descriptor, name = tempfile.mkstemp(prefix=".busfactor-", dir=path.parent)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path.parent)) from None
    os.fchmod(descriptor, new_file_mode())  # a new record reads like its neighbours (not 0600)
    return descriptor, name


def replace_atomic(path: Path, data: bytes) -> None:
    """Replace an existing file's content atomically, keeping its permissions."""
    descriptor, temporary = _temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        shutil.copymode(path, temporary)
        try:
            os.replace(temporary, path)
        except OSError as error:  # named by the file the user knows, not the temporary one
            raise OSError(error.errno, error.strerror, str(path)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


@dataclass
class ComponentFacts:
    """What the ownership graph knows about one component, names resolved for people."""

    name: str
    bus_factor: int
    authors: list[str]
    """Names, most knowledgeable first."""
    learners: list[str] = field(default_factory=list)
    """Names of the people who would raise the bus factor, best first."""
    decisions: list[tuple[str, str, str]] = field(default_factory=list)
    """(id, title, path) of the decisions that mention it."""
    top_files: list[tuple[str, int]] = field(default_factory=list)
    """(path, commits), most changed first."""
    codeowners: str | None = None
    """Its CODEOWNERS entry ("path:line pattern owners"), when a rule covers it."""
    inactive: dict[str, str] = field(default_factory=dict)
    """Authors who are no longer active, by name: the date of their last commit."""


def named(names: list[str], limit: int) -> str:
    """'A, B, C and 4 more': a large component has dozens of authors."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def component_facts(
    report_dict: dict[str, Any], graph: Any, name: str, *, files: int = 5
) -> ComponentFacts:
    """The facts about component `name` from a scan's JSON contract and graph."""
    components = {c["name"]: c for c in report_dict.get("components", [])}
    component = components[name]
    names = {p["id"]: p.get("name") or p["id"] for p in report_dict.get("people", [])}
    decisions = {d["id"]: d for d in report_dict.get("decisions", [])}
    facts = ComponentFacts(
        name=name,
        bus_factor=int(component.get("bus_factor", 0)),
        authors=[names.get(p, p) for p in component.get("authors", [])],
    )
    people = {p["id"]: p for p in report_dict.get("people", [])}
    for person in component.get("authors", []):
        seen = people.get(person, {})
        if seen and not seen.get("active", True):
            facts.inactive[names.get(person, person)] = str(seen.get("last_commit") or "")[:10]
    for decision_id in component.get("decisions", []):
        decision = decisions.get(decision_id, {})
        facts.decisions.append(
            (decision_id, str(decision.get("title", "")), str(decision.get("path", "")))
        )
    try:
        from busfactor.core import plan

        facts.learners = [names.get(c.person, c.person) for c in plan.rank_learners(graph, name)]
        member_files = set(plan._files_of(graph, name))
    except (ImportError, AttributeError, KeyError, ValueError):
        member_files = set()
    commits = [
        (str(f["path"]), int(f.get("commits", 0)))
        for f in report_dict.get("files", [])
        if f["path"] in member_files
    ]
    commits.sort(key=lambda item: (-item[1], item[0]))
    facts.top_files = commits[:files]
    return facts
