"""Which blobs at the revision are analysed: reads .gitattributes and blob heads from the tree.

Attributes come from the analysed revision's own `.gitattributes` files (not the work tree),
so scanning an old revision judges its files by the rules it had then.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import NamedTuple

from busfactor import __version__
from busfactor.adapters.git import GitRepository, TreeEntry
from busfactor.core.filters import (
    CONTENT_RULES,
    PATH_RULES,
    REASONS,
    AttributeRule,
    ContentFacts,
    FileFacts,
    attribute_index,
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
    found = [(entry.name, entry.sha) for entry in entries if _is_attributes_file(entry.path)]
    found.sort(key=lambda item: (item[0].count("/"), item[0]))
    blobs = repo.read_blobs([sha for _, sha in found], ATTRIBUTES_LIMIT)
    rules: list[AttributeRule] = []
    for path, sha in found:
        base = path.rpartition("/")[0]
        text = blobs.get(sha, b"").decode("utf-8", "replace")
        rules.extend(parse_gitattributes(text, base))
    return rules


class Classification(NamedTuple):
    """Which files are left out, the content verdicts learned on the way (blob id -> `pack`ed
    verdict), and the verdict on every file for the next scan (None: nothing new to keep)."""

    excluded: dict[str, str]
    learned: dict[str, int]
    table: bytes | None = None
    unread: int = 0
    """Files whose content was wanted and not there: a partial clone's, or objects lost
    from a damaged repository."""


def rules_key(settings: Settings) -> str:
    """What decides a file's verdict besides its own path, blob and mode, and the tree's
    attribute files (those are checked against the stored table itself)."""
    rules = [
        __version__,
        PATH_RULES,
        CONTENT_RULES,
        settings.default_excludes,
        settings.scope,
        list(settings.exclude),
    ]
    return json.dumps(rules, ensure_ascii=False)


def excluded_files(
    repo: GitRepository,
    entries: list[TreeEntry],
    settings: Settings,
    known: Mapping[str, int] | None = None,
    previous: bytes | None = None,
) -> Classification:
    """Path -> reason for every blob left out of the analysis.

    `known` holds verdicts of earlier scans by blob id (the cache): their heads are not read
    again, which on a rescan of 10,000 files leaves only the changed blobs to read. `previous`
    is the last scan's table (`Classification.table`) under the same `rules_key`: a file
    whose blob and mode it names keeps its verdict, since each file is judged on its own path
    and blob. Judging all 10,000 paths again cost a rescan 0.1 s of CPU.
    """
    if not settings.default_excludes and settings.scope == "all" and not settings.exclude:
        return Classification({}, {})
    attributes = [(e.path, e.sha) for e in entries if _is_attributes_file(e.path)]
    stored = _decode_table(previous, attributes) if previous is not None else None
    verdict: dict[str, str] = {}
    fresh = entries
    if stored is not None:
        fresh = []
        for entry in entries:
            kept = stored.get(entry.path)
            same = f"{entry.sha} {entry.mode} ".encode()
            reason = _REASON_OF.get(kept[len(same) :]) if kept and kept.startswith(same) else None
            if reason is None:
                fresh.append(entry)  # changed, new, or not a verdict: judged again
            elif reason:
                verdict[entry.name] = reason
    judged, learned, unread = _judge(repo, entries, fresh, settings, known or {})
    verdict.update(judged)
    excluded = {e.name: reason for e in entries if (reason := verdict.get(e.name)) is not None}
    if stored is not None and not fresh and len(stored) == len(entries):
        return Classification(excluded, learned)  # the same tree: the stored table stands
    if unread or repo.missing(entries):
        # Some blobs are not there (a partial clone): verdicts made without their content
        # must not outlive this scan.
        return Classification(excluded, learned, unread=unread)
    return Classification(excluded, learned, _encode_table(attributes, entries, excluded))


def _is_attributes_file(path: bytes) -> bool:
    return path == b".gitattributes" or path.endswith(b"/.gitattributes")


def _judge(
    repo: GitRepository,
    entries: list[TreeEntry],
    fresh: list[TreeEntry],
    settings: Settings,
    known: Mapping[str, int],
) -> tuple[dict[str, str], dict[str, int], int]:
    """The verdicts on `fresh` (attribute rules come from all of `entries`), the content
    verdicts learned from the heads read, and how many heads wanted were not there."""
    if not fresh:
        return {}, {}, 0
    rules = attribute_index(attribute_rules(repo, entries) if settings.default_excludes else [])
    cached: dict[str, ContentFacts] = {}
    wanted: list[str] = []
    for entry in fresh:
        if not settings.default_excludes or entry.mode == "120000":
            continue
        if not needs_content(entry.name, rules):
            continue
        verdict = unpack(known.get(entry.sha))
        if verdict is not None and content_judged(entry.name, verdict):
            cached[entry.sha] = verdict
        else:
            wanted.append(entry.sha)
    heads = repo.read_blobs(wanted, HEAD_BYTES)
    learned: dict[str, int] = {}
    facts = []
    for entry in fresh:
        path = entry.name
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
    return excluded, learned, len(set(wanted)) - len(heads)


_TABLE_FORMAT = b"busfactor-files-2"
_REASON_OF = {reason.encode(): reason for reason in REASONS} | {b"": ""}


def _encode_table(
    attributes: list[tuple[bytes, str]], entries: list[TreeEntry], excluded: Mapping[str, str]
) -> bytes:
    """NUL-separated fields (git never puts a NUL in a path): the format, the attribute
    files (path, blob), then each file's path and "blob mode reason" ("" = analysed). Not
    compressed: zlib cost more than the rest of a rescan's classification."""
    fields = [_TABLE_FORMAT, str(len(attributes)).encode()]
    for path, sha in attributes:
        fields += (path, sha.encode())
    for entry in entries:
        fields += (entry.path, f"{entry.sha} {entry.mode} {excluded.get(entry.name, '')}".encode())
    return b"\0".join(fields)


def _decode_table(data: bytes, attributes: list[tuple[bytes, str]]) -> dict[bytes, bytes] | None:
    """Path -> b"blob mode reason" as `_encode_table` wrote them (each checked where used: the
    cache file is not trusted); None when the data is not such a table or the tree's
    attribute files changed."""
    try:
        fields = data.split(b"\0")
        count = int(fields[1]) if fields[0] == _TABLE_FORMAT else -1
        files = fields[2 + 2 * count :]
        if count < 0 or len(fields) < 2 + 2 * count or len(files) % 2:
            return None
        stored = [(fields[2 + 2 * i], fields[3 + 2 * i].decode("ascii")) for i in range(count)]
        if stored != attributes:
            return None
        items = iter(files)
        return dict(zip(items, items, strict=True))
    except (ValueError, IndexError):
        return None


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
