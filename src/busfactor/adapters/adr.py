"""Find a repository's architecture decision records and read them (conventions §1).

Discovery, first match wins: the configured folders; else the folders that `.adr-dir` files
(one line, relative to the file's directory, as adr-tools reads it) and `.log4brains.yml` files
(`project.adrFolder`, default `./docs/adr`, and `project.packages[].adrFolder`) name; else
every folder that is one of ADR_DIR_CANDIDATES or ends with one, so each service of a monorepo
keeps its own. Automatic discovery ignores vendored directories (`node_modules/`, `vendor/`, …),
and only folders holding at least one candidate ADR file count. A declared folder outside the
repository (`../x`, `/tmp/x`) is ignored with a warning.

Candidate files are Markdown files in the folder and its category subfolders (MADR), except
templates, indexes, READMEs and backlogs; for the repository root as a folder, only its own
files. A file in a nested ADR folder belongs to the deepest one.

Ids: a log4brains `YYYYMMDD-slug` stem is its own id; else the file name's leading number
without zeros ("0012-x.md" is "12", "ADR-0012-x.md" too); else the stem. Files of one folder
that share an id (category subfolders number locally; parallel branches collide) are told apart
by their path below the folder without the extension ("backend/0001-x"). When the same id then
occurs in several folders, every decision of every folder involved is qualified as
"<folder>:<id>" ("services/billing/docs/adr:1", "." for the root); other folders keep bare ids.

Nothing here raises on a file's content: every problem is one warning line naming the file.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

from busfactor.adapters.adr_formats import ParsedAdr, one_line, parse_adr
from busfactor.core.decisions import (
    Decision,
    id_from_filename,
    local_id,
    log4brains_date,
    normalise_status,
    resolve_links,
)
from busfactor.core.filters import vendored_path

__all__ = [
    "ADR_DIR_CANDIDATES",
    "MAX_ADR_BYTES",
    "declared_adr_dirs",
    "find_adr_dirs",
    "read_decisions",
]

ADR_DIR_CANDIDATES = (
    "docs/adr",
    "doc/adr",
    "docs/decisions",
    "docs/architecture/decisions",
    "doc/architecture/decisions",
    "adr",
    "decisions",
)
MAX_ADR_BYTES = 1 << 20
LOG4BRAINS_DEFAULT = "./docs/adr"

_MARKDOWN = (".md", ".markdown")
_NOT_DECISIONS = frozenset({"template", "index", "readme", "backlog"})

Reader = Callable[[str], bytes | None]


@dataclass
class _Record:
    """A parsed ADR file waiting for its final id."""

    folder: str
    path: str
    id: str
    parsed: ParsedAdr


def find_adr_dirs(
    paths: Collection[str],
    read: Reader,
    configured: Sequence[str] = (),
    warnings: list[str] | None = None,
) -> list[str]:
    """The repository's ADR folders, sorted: configured, else declared, else probed;
    `warnings` gets one line for each declaration leading outside the repository."""
    ordered = sorted(set(paths))
    if configured:
        chosen = {folder for folder in map(_folder, configured) if folder is not None}
        return sorted(folder for folder in chosen if _has_adrs(folder, ordered))
    declarations = [
        (where, folder)
        for where, folder in _declarations(ordered, read, warnings)
        if _has_adrs(folder, ordered)
    ]
    # A declaration speaks for the part of the tree holding both it and its folder: the
    # top's for the whole repository, a monorepo package's (`services/pay/.adr-dir` naming
    # `doc/adr`) for the package only; the records elsewhere were not read at all.
    covered = {_common_folder(where, folder) for where, folder in declarations}
    probed = [
        folder
        for folder in _probed_dirs(ordered)
        if not any(_within(folder, where) for where in covered) and _has_adrs(folder, ordered)
    ]
    return sorted({folder for _, folder in declarations} | set(probed))


def _common_folder(left: str, right: str) -> str:
    common = []
    for a, b in zip(left.split("/"), right.split("/"), strict=False):
        if a != b:
            break
        common.append(a)
    return "/".join(common)


def _within(folder: str, where: str) -> bool:
    return not where or folder == where or folder.startswith(where + "/")


def declared_adr_dirs(
    paths: Collection[str], read: Reader, warnings: list[str] | None = None
) -> list[str]:
    """The folders `.adr-dir` and `.log4brains.yml` files name, sorted, records or not (where
    `adr new` writes, as adr-tools does); one leading outside the repository is left out with
    a line in `warnings`."""
    return sorted({folder for _, folder in _declarations(sorted(set(paths)), read, warnings)})


def read_decisions(
    dirs: Sequence[str], paths: Collection[str], read: Reader
) -> tuple[list[Decision], list[str]]:
    """Every decision in the folders (by folder, then number, then id) and one-line warnings."""
    ordered = sorted(set(paths))
    folders = sorted({folder for folder in map(_folder, dirs) if folder is not None})
    warnings: list[str] = []
    records = [
        record
        for folder in folders
        for path in _candidate_files(folder, ordered, folders)
        if (record := _read_record(folder, path, read, warnings)) is not None
    ]
    _assign_ids(records, warnings)
    decisions = [_decision(record) for record in records]
    raw_links = {r.id: (r.parsed.supersedes, r.parsed.superseded_by) for r in records}

    def unresolved(decision: Decision, target: str) -> None:
        warnings.append(one_line(f"{decision.path}: unresolved supersession link {target!r}"))

    decisions = resolve_links(decisions, raw_links, on_unresolved=unresolved)
    return sorted(decisions, key=_order), warnings


def _order(decision: Decision) -> tuple[str, int, int, str, str]:
    """Sort key: folder, numbered before named, number, id, path."""
    bare = local_id(decision)
    number = int(bare) if bare.isdigit() else 0
    return decision.folder, 0 if bare.isdigit() else 1, number, bare, decision.path


def _folder(value: str) -> str | None:
    """A configured folder as a normalised repository-relative path ("" is the root)."""
    return _join("", value.strip().lstrip("/"))


def _join(base: str, relative: str) -> str | None:
    """relative, resolved against the folder base; None when absolute or outside the root."""
    relative = relative.strip()
    if not relative or relative.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(base, relative))
    if joined == ".." or joined.startswith("../"):
        return None
    return "" if joined == "." else joined


def _is_candidate(relative: str) -> bool:
    """Whether a path below an ADR folder is an ADR file (not a template, index or README)."""
    *directories, name = relative.lower().split("/")
    if not name.endswith(_MARKDOWN) or "templates" in directories:
        return False
    stem = name.rpartition(".")[0]
    return stem not in _NOT_DECISIONS and not stem.startswith("adr-template")


def _candidate_files(folder: str, ordered: list[str], folders: Sequence[str]) -> Iterator[str]:
    """The ADR files of one folder, leaving files of nested ADR folders to those."""
    prefix = f"{folder}/" if folder else ""
    nested = tuple(f"{other}/" for other in folders if other != folder and other.startswith(prefix))
    for position in range(bisect_left(ordered, prefix), len(ordered)):
        path = ordered[position]
        if not path.startswith(prefix):
            break
        relative = path[len(prefix) :]
        direct = folder or "/" not in relative
        if direct and _is_candidate(relative) and not path.startswith(nested):
            yield path


def _has_adrs(folder: str, ordered: list[str]) -> bool:
    """Whether a folder holds at least one candidate ADR file."""
    return next(_candidate_files(folder, ordered, ()), None) is not None


def _declarations(
    ordered: list[str], read: Reader, warnings: list[str] | None
) -> list[tuple[str, str]]:
    """(where the file is, folder it names) for each `.adr-dir` and `.log4brains.yml` file
    outside vendored directories."""
    declared: list[tuple[str, str]] = []
    for path in ordered:
        directory, _, name = path.rpartition("/")
        if name not in (".adr-dir", ".log4brains.yml", ".log4brains.yaml") or vendored_path(path):
            continue
        text = _small_text(read, path)
        if name == ".adr-dir":
            named = [text.strip().split("\n")[0]] if text is not None else []
        else:
            named = _log4brains_folders(text)
        for item in named:
            folder = _join(directory, item)
            if folder is not None:
                declared.append((directory, folder))
            elif item.strip() and warnings is not None:
                warning = f"{path}: {item.strip()} is outside the repository; ignored"
                warnings.append(one_line(warning))
    return declared


def _log4brains_folders(text: str | None) -> list[str]:
    """`project.adrFolder` (default ./docs/adr) and every `project.packages[].adrFolder`."""
    import yaml  # only for a log4brains configuration (see adr_formats.commonmark)

    try:
        config = yaml.safe_load(text) if text else None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        config = None
    project = config.get("project") if isinstance(config, dict) else None
    if not isinstance(project, dict):
        return [LOG4BRAINS_DEFAULT]
    main = project.get("adrFolder")
    folders = [main if isinstance(main, str) else LOG4BRAINS_DEFAULT]
    packages = project.get("packages")
    for package in packages if isinstance(packages, list) else []:
        folder = package.get("adrFolder") if isinstance(package, dict) else None
        folders.extend([folder] if isinstance(folder, str) else [])
    return folders


def _small_text(read: Reader, path: str) -> str | None:
    """A small configuration file's text; None when missing, too large or not UTF-8."""
    data = read(path)
    if data is None or len(data) > MAX_ADR_BYTES:
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


def _probed_dirs(ordered: list[str]) -> set[str]:
    """Every folder that is an ADR_DIR_CANDIDATES entry or ends with one, outside vendored dirs."""
    directories = {path.rpartition("/")[0] for path in ordered}
    for directory in list(directories):
        while directory:
            directory = directory.rpartition("/")[0]
            directories.add(directory)
    return {
        directory
        for directory in directories
        if any(directory == c or directory.endswith("/" + c) for c in ADR_DIR_CANDIDATES)
        and not vendored_path(directory + "/")
    }


def _read_record(folder: str, path: str, read: Reader, warnings: list[str]) -> _Record | None:
    """One ADR file parsed; None (with a warning) when it cannot be read or has no title."""
    data = read(path)
    problem = None
    if data is None:
        problem = "skipped: unreadable"
    elif len(data) > MAX_ADR_BYTES:
        problem = f"skipped: larger than 1 MiB ({len(data)} bytes)"
    elif b"\0" in data:
        problem = "skipped: binary content (NUL byte)"
    if data is None or problem is not None:
        warnings.append(one_line(f"{path}: {problem}"))
        return None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        warnings.append(
            one_line(f"{path}: skipped: not UTF-8 (invalid byte at offset {error.start})")
        )
        return None
    parsed = parse_adr(text.replace("\r\n", "\n").replace("\r", "\n"), path, folder)
    warnings.extend(one_line(f"{path}: {problem}") for problem in parsed.problems)
    if parsed.title is None:
        warnings.append(one_line(f"{path}: no title"))
        return None
    return _Record(folder, path, id_from_filename(path.rpartition("/")[2]), parsed)


def _assign_ids(records: list[_Record], warnings: list[str]) -> None:
    """Unique ids: clashes within a folder by relative path, across folders by folder."""
    groups: dict[tuple[str, str], list[_Record]] = {}
    for record in records:
        groups.setdefault((record.folder, record.id), []).append(record)
    for (_, shared), group in groups.items():
        if len(group) < 2:
            continue
        first_in: dict[str, str] = {}
        for record in group:
            relative = record.path[len(record.folder) + 1 :] if record.folder else record.path
            record.id = relative.rpartition(".")[0]
            directory = record.path.rpartition("/")[0]
            if directory in first_in:
                message = (
                    f"{record.path}: decision id {shared} is also used by {first_in[directory]}"
                )
                warnings.append(one_line(message))
            first_in.setdefault(directory, record.path)
    folders_of: dict[str, set[str]] = {}
    for record in records:
        folders_of.setdefault(record.id, set()).add(record.folder)
    clashing = {folder for owners in folders_of.values() if len(owners) > 1 for folder in owners}
    for record in records:
        if record.folder in clashing:
            record.id = f"{record.folder or '.'}:{record.id}"


def _decision(record: _Record) -> Decision:
    """The Decision of a record: status by format rules, log4brains defaults applied."""
    parsed = record.parsed
    raw = parsed.status or ""
    status = normalise_status(raw)
    stem = record.path.rpartition("/")[2].rpartition(".")[0]
    created = log4brains_date(stem)
    if created is not None and not raw:
        status = "accepted"
    elif created is not None and status == "unknown":
        status = "draft"
    return Decision(
        id=record.id,
        title=parsed.title or stem,
        status=status,
        status_raw=raw,
        date=parsed.date or (created.isoformat() if created else None),
        path=record.path,
        supersedes=(),
        superseded_by=(),
        deciders=tuple(parsed.people.get("deciders", ())),
        consulted=tuple(parsed.people.get("consulted", ())),
        informed=tuple(parsed.people.get("informed", ())),
        mentions=tuple(parsed.mentions),
        folder=record.folder,
    )
