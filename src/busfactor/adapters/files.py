"""Which blobs at the revision are analysed: reads .gitattributes and blob heads from the tree.

Attributes come from the analysed revision's own `.gitattributes` files (not the work tree),
so scanning an old revision judges its files by the rules it had then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from busfactor.adapters.git import GitRepository, TreeEntry
from busfactor.core.filters import (
    AttributeRule,
    ContentFacts,
    FileFacts,
    classify,
    content_facts,
    content_judged,
    needs_content,
    parse_gitattributes,
)
from busfactor.core.settings import Settings

HEAD_BYTES = 64 * 1024
ATTRIBUTES_LIMIT = 1 << 20


def attribute_rules(repo: GitRepository, entries: list[TreeEntry]) -> list[AttributeRule]:
    """Rules of every .gitattributes file in the tree, shallower files first."""
    found = [
        (entry.name, entry.sha)
        for entry in entries
        if entry.path == b".gitattributes" or entry.path.endswith(b"/.gitattributes")
    ]
    found.sort(key=lambda item: (item[0].count("/"), item[0]))
    blobs = repo.read_blobs([sha for _, sha in found], ATTRIBUTES_LIMIT)
    rules: list[AttributeRule] = []
    for path, sha in found:
        base = path.rpartition("/")[0]
        text = blobs.get(sha, b"").decode("utf-8", "replace")
        rules.extend(parse_gitattributes(text, base))
    return rules


class Classification(NamedTuple):
    """Which files are left out, and the content verdicts learned on the way (blob id ->
    `pack`ed verdict) for the cache to keep."""

    excluded: dict[str, str]
    learned: dict[str, int]


def excluded_files(
    repo: GitRepository,
    entries: list[TreeEntry],
    settings: Settings,
    known: Mapping[str, int] | None = None,
) -> Classification:
    """Path -> reason for every blob left out of the analysis.

    `known` holds verdicts of earlier scans by blob id (the cache): their heads are not read
    again, which on a rescan of 10,000 files leaves only the changed blobs to read.
    """
    if not settings.default_excludes and settings.scope == "all" and not settings.exclude:
        return Classification({}, {})
    known = known or {}
    paths = [entry.name for entry in entries]
    rules = attribute_rules(repo, entries) if settings.default_excludes else []
    cached: dict[str, ContentFacts] = {}
    wanted: list[str] = []
    for entry, path in zip(entries, paths, strict=True):
        if not settings.default_excludes or entry.mode == "120000":
            continue
        if not needs_content(path, rules):
            continue
        verdict = unpack(known.get(entry.sha))
        if verdict is not None and content_judged(path, verdict):
            cached[entry.sha] = verdict
        else:
            wanted.append(entry.sha)
    heads = repo.read_blobs(wanted, HEAD_BYTES)
    learned: dict[str, int] = {}
    facts = []
    for entry, path in zip(entries, paths, strict=True):
        content = cached.get(entry.sha)
        if content is not None and not content_judged(path, content):
            content = None  # judged for a path that did not need the minified test
        head = heads.get(entry.sha)
        if content is None and head is not None:
            content = content_facts(path, head)
            if entry.sha not in learned or content.minified is not None:
                learned[entry.sha] = pack(content)
        facts.append(FileFacts(path, head, content))
    excluded = classify(
        facts,
        rules,
        default_excludes=settings.default_excludes,
        scope=settings.scope,
        exclude=settings.exclude,
    )
    return Classification(excluded, learned)


def pack(content: ContentFacts) -> int:
    """Four bits: binary, generated, minified judged, minified."""
    judged = content.minified is not None
    return (
        int(content.binary)
        | int(content.generated) << 1
        | int(judged) << 2
        | int(bool(content.minified)) << 3
    )


def _unpacked(value: int) -> ContentFacts | None:
    minified = bool(value & 8) if value & 4 else None
    if minified is None and value & 8:
        return None
    return ContentFacts(bool(value & 1), bool(value & 2), minified)


_UNPACKED = [_unpacked(value) for value in range(16)]
"""Every verdict, made once: a rescan unpacks one per known blob (10,000 on a big tree)."""


def unpack(value: object) -> ContentFacts | None:
    """`pack`'s verdict back, or None for anything else (the cache file is not trusted)."""
    if type(value) is not int or not 0 <= value < 16:
        return None
    return _UNPACKED[value]
