"""Architecture decision records as pure data: statuses, supersession links, links to code.

`busfactor.adapters.adr` finds and parses the files (conventions §1); this module holds what
needs no parser: the `Decision` record, status normalisation, resolving "supersedes" links to
decision ids in both directions, and matching what a decision mentions against the files and
components of the repository.

Link targets are resolved against the file that names them: first among decisions in the same
directory, then in the same ADR folder, then anywhere; at each step a target naming exactly one
decision wins and one naming several is ambiguous and dropped. A target is compared by file
name, by stem, and by number ("0005-x.md", "ADR-0005", "0005" and "5" all name decision 5).

Code links never fan out to the whole repository: mentions shorter than three characters, URLs,
and globs without a single letter or digit ("*", "**", "**/*") match nothing.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote

from busfactor.core.filters import wildmatch

__all__ = [
    "STATUSES",
    "Decision",
    "id_from_filename",
    "link_mention",
    "link_targets",
    "local_id",
    "normalise_status",
    "path_like_words",
    "resolve_links",
]

STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded", "draft", "unknown")

_STATUS_WORDS = {
    "proposed": "proposed",
    "proposal": "proposed",
    "pending": "proposed",
    "accepted": "accepted",
    "approved": "accepted",
    "adopted": "accepted",
    "agreed": "accepted",
    "decided": "accepted",
    "implemented": "accepted",
    "rejected": "rejected",
    "declined": "rejected",
    "refused": "rejected",
    "deprecated": "deprecated",
    "obsolete": "deprecated",
    "retired": "deprecated",
    "superseded": "superseded",
    "replaced": "superseded",
    "draft": "draft",
    "wip": "draft",
}
_STATUS_PHRASES = {
    "in review": "proposed",
    "under review": "proposed",
    "under discussion": "proposed",
    "work in": "draft",
    "in progress": "draft",
}
_MARKDOWN_SUFFIXES = (".md", ".markdown")
_LOG4BRAINS_STEM = re.compile(r"(\d{4})(\d{2})(\d{2})-.+")
_NUMBERED_STEM = re.compile(r"(?:adr[-_ ]?)?0*(\d{1,18})(?=$|[-_ .])", re.IGNORECASE)
_LINE_SUFFIX = re.compile(r"(?:#L\d+(?:-L?\d+)?|:\d+(?::\d+)?)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LINK_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WORD_TRIM = "()[]{}<>\"'`,;!?*_"
_CODE_EXTENSIONS = frozenset(
    re.split(
        r"\s+",
        "py pyi ts tsx js jsx mjs cjs go java kt kts scala rb rs c h cc cpp hpp cs swift php sh"
        " bash ps1 sql proto graphql gql md markdown rst txt yaml yml json toml ini cfg conf xml"
        " html css scss vue svelte tf hcl lua dart ex exs erl hs clj gradle",
    )
)


@dataclass(frozen=True, slots=True)
class Decision:
    """One architecture decision record, as read from its file."""

    id: str
    title: str
    status: str
    status_raw: str
    date: str | None
    path: str
    supersedes: tuple[str, ...]
    superseded_by: tuple[str, ...]
    deciders: tuple[str, ...]
    consulted: tuple[str, ...]
    informed: tuple[str, ...]
    mentions: tuple[str, ...]
    folder: str


def normalise_status(raw: str) -> str:
    """The canonical status (one of STATUSES) that a status text starts with; else "unknown"."""
    words = re.findall(r"[a-z]+", raw.lower().replace("superced", "supersed"))
    if words[:1] == ["status"]:
        words = words[1:]
    if not words:
        return "unknown"
    phrase = _STATUS_PHRASES.get(" ".join(words[:2]))
    return phrase or _STATUS_WORDS.get(words[0], "unknown")


def log4brains_date(stem: str) -> dt.date | None:
    """The date of a log4brains `YYYYMMDD-slug` file stem; None for any other stem."""
    match = _LOG4BRAINS_STEM.fullmatch(stem)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def id_from_filename(name: str) -> str:
    """A decision's id from its file name: log4brains slug, else its number, else the stem."""
    stem = _stem(name)
    if log4brains_date(stem) is not None:
        return stem
    match = _NUMBERED_STEM.match(stem)
    return str(int(match[1])) if match else stem


def local_id(decision: Decision) -> str:
    """The id without the "<folder>:" qualifier added when folders share numbers."""
    return decision.id.removeprefix(f"{decision.folder or '.'}:")


def resolve_links(
    decisions: list[Decision],
    raw_links: dict[str, tuple[list[str], list[str]]],
    *,
    on_unresolved: Callable[[Decision, str], None] | None = None,
) -> list[Decision]:
    """Decisions with supersession links resolved to ids and mirrored in both directions.

    raw_links maps a decision id to (supersedes targets, superseded-by targets) as written. A
    decision that something supersedes becomes "superseded" only when its status is unknown,
    as does one that says it is superseded by a record no longer there (adr-tools writes that
    line in place of the status). Targets naming no decision, or several, are dropped (and
    passed to on_unresolved).
    """
    order = {decision.id: position for position, decision in enumerate(decisions)}
    forward: dict[str, set[str]] = {d.id: set(d.supersedes) & order.keys() for d in decisions}
    backward: dict[str, set[str]] = {d.id: set(d.superseded_by) & order.keys() for d in decisions}
    index = _LinkIndex(decisions)
    for decision in decisions:
        supersedes, superseded_by = raw_links.get(decision.id, ([], []))
        for written, into in ((supersedes, forward), (superseded_by, backward)):
            for target in written:
                found = index.resolve(decision, target)
                if found is None and on_unresolved is not None:
                    on_unresolved(decision, target)
                elif found is not None and found != decision.id:
                    into[decision.id].add(found)
    for source, targets in list(forward.items()):
        for target in targets:
            backward[target].add(source)
    for source, targets in list(backward.items()):
        for target in targets:
            forward[target].add(source)
    resolved: list[Decision] = []
    for decision in decisions:
        after = tuple(sorted(backward[decision.id], key=order.__getitem__))
        said = bool(raw_links.get(decision.id, ([], []))[1])
        status = (
            "superseded" if (after or said) and decision.status == "unknown" else decision.status
        )
        before = tuple(sorted(forward[decision.id], key=order.__getitem__))
        resolved.append(replace(decision, supersedes=before, superseded_by=after, status=status))
    return resolved


class _LinkIndex:
    """Decisions by file name, stem and number, searched from the linking file outwards."""

    def __init__(self, decisions: Iterable[Decision]) -> None:
        self._by_key: dict[tuple[str, str], list[Decision]] = {}
        for decision in decisions:
            name = decision.path.rpartition("/")[2]
            keys = {("name", name), ("stem", _stem(name)), ("stem", local_id(decision))}
            if (number := id_from_filename(name)).isdigit():
                keys.add(("number", number))
            for key in keys:
                self._by_key.setdefault(key, []).append(decision)

    def resolve(self, source: Decision, target: str) -> str | None:
        """The id the target names as seen from source; None when absent or ambiguous."""
        keys = _target_keys(target)
        directory = source.path.rpartition("/")[0]
        scopes: list[Callable[[Decision], bool]] = [
            lambda d: d.path.rpartition("/")[0] == directory,
            lambda d: d.folder == source.folder,
            lambda d: True,
        ]
        for in_scope in scopes:
            for key in keys:
                matches = [d for d in self._by_key.get(key, ()) if in_scope(d)]
                if matches:
                    return matches[0].id if len(matches) == 1 else None
        return None


def _target_keys(target: str) -> list[tuple[str, str]]:
    """What a written link target can match, most specific first."""
    text = target.strip().strip("<>`'\"()[],;")
    text = text.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    name = text.rpartition("/")[2]
    if not name:
        return []
    keys = [("name", name), ("stem", _stem(name))]
    number = id_from_filename(name)
    if number.isdigit():
        keys.append(("number", number))
    return keys


def _stem(name: str) -> str:
    """A file name without its Markdown extension."""
    lowered = name.lower()
    for suffix in _MARKDOWN_SUFFIXES:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def link_targets(
    mentions: Iterable[str], paths: Collection[str], components: Collection[str]
) -> tuple[list[str], list[str]]:
    """(files, components) that a decision's mentions name, each sorted; ([], []) for none.

    A mention names a file (exactly, ignoring a leading "./" or "/"), every file below a
    directory, the files a glob matches, or a component (by name, or by its last path segment
    when no other component shares it). Matching is case-sensitive.
    """
    return LinkIndex.of(paths, components).targets(mentions)


@dataclass(frozen=True)
class LinkIndex:
    """What `link_targets` looks mentions up in, made once for all of a scan's decisions:
    made again for each, 2,000 records in a repository of 100,000 files took minutes."""

    path_set: frozenset[str]
    ordered: list[str]
    component_set: frozenset[str]
    by_segment: dict[str, list[str]]

    @classmethod
    def of(cls, paths: Collection[str], components: Collection[str]) -> LinkIndex:
        path_set, component_set = frozenset(paths), frozenset(components)
        by_segment: dict[str, list[str]] = {}
        for component in sorted(component_set):
            by_segment.setdefault(component.rstrip("/").rpartition("/")[2], []).append(component)
        return cls(path_set, sorted(path_set), component_set, by_segment)

    def targets(self, mentions: Iterable[str]) -> tuple[list[str], list[str]]:
        """`link_targets` for one decision's mentions."""
        files: set[str] = set()
        named: set[str] = set()
        for raw in mentions:
            mention = _clean_mention(raw)
            if mention is None:
                continue
            if any(char in mention for char in "*?["):
                if any(char.isalnum() for char in mention):
                    files.update(path for path in self.ordered if wildmatch(mention, path))
                continue
            bare = mention.rstrip("/")
            if bare in self.component_set:
                named.add(bare)
            elif len(self.by_segment.get(bare, ())) == 1:
                named.add(self.by_segment[bare][0])
            if mention in self.path_set:
                files.add(mention)
            elif bare:
                files.update(_below(self.ordered, bare + "/"))
        return sorted(files), sorted(named)


def _clean_mention(raw: str) -> str | None:
    """A mention as a repository-relative path or name; None when it can match nothing."""
    mention = raw.strip()
    if _SCHEME.match(mention):
        return None
    mention = _LINE_SUFFIX.sub("", mention)
    while mention.startswith(("./", "/")):
        mention = mention[1:].lstrip("/") if mention[0] == "/" else mention[2:]
    return mention if len(mention.rstrip("/")) >= 3 else None


def _below(ordered: list[str], prefix: str) -> list[str]:
    """The sorted paths that start with prefix."""
    found: list[str] = []
    for position in range(bisect_left(ordered, prefix), len(ordered)):
        if not ordered[position].startswith(prefix):
            break
        found.append(ordered[position])
    return found


def path_like_words(text: str) -> list[str]:
    """Words of prose that look like paths: containing "/" or ending in a known extension."""
    words: list[str] = []
    for word in text.split():
        word = word.strip(_WORD_TRIM).rstrip(".:")
        if len(word) < 3 or "://" in word or "@" in word or not any(c.isalnum() for c in word):
            continue
        if "/" in word or ("." in word and word.rpartition(".")[2].lower() in _CODE_EXTENSIONS):
            words.append(word)
    return words


def link_mention(href: str, path: str, folder: str) -> str | None:
    """A relative link in the ADR at path as a repository path; None for URLs, anchors, links
    leaving the repository and links to other records of the ADR folder."""
    if not href or href.startswith(("#", "//")) or _LINK_SCHEME.match(href):
        return None
    target = unquote(href.split("#", 1)[0].split("?", 1)[0])
    if not target:
        return None
    base = "" if target.startswith("/") else posixpath.dirname(path)
    resolved = posixpath.normpath(posixpath.join(base, target.lstrip("/")))
    if resolved in (".", "..") or resolved.startswith("../"):
        return None
    inside = not folder or resolved.startswith(folder + "/")
    if inside and resolved.lower().endswith(_MARKDOWN_SUFFIXES):
        return None
    return resolved + "/" if target.endswith("/") else resolved
