"""Which blobs at the revision are analysed: reads .gitattributes and blob heads from the tree.

Attributes come from the analysed revision's own `.gitattributes` files (not the work tree),
so scanning an old revision judges its files by the rules it had then.
"""

from __future__ import annotations

from busfactor.adapters.git import GitRepository, TreeEntry
from busfactor.adapters.mining import decode_path
from busfactor.core.filters import (
    AttributeRule,
    FileFacts,
    classify,
    needs_content,
    parse_gitattributes,
)
from busfactor.core.settings import Settings

HEAD_BYTES = 64 * 1024
ATTRIBUTES_LIMIT = 1 << 20


def attribute_rules(repo: GitRepository, entries: list[TreeEntry]) -> list[AttributeRule]:
    """Rules of every .gitattributes file in the tree, shallower files first."""
    found = [
        (decode_path(entry.path), entry.sha)
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


def excluded_files(
    repo: GitRepository, entries: list[TreeEntry], settings: Settings
) -> dict[str, str]:
    """Path -> reason for every blob left out of the analysis."""
    if not settings.default_excludes and settings.scope == "all" and not settings.exclude:
        return {}
    paths = [decode_path(entry.path) for entry in entries]
    rules = attribute_rules(repo, entries) if settings.default_excludes else []
    wanted = [
        entry.sha
        for entry, path in zip(entries, paths, strict=True)
        if settings.default_excludes and entry.mode != "120000" and needs_content(path, rules)
    ]
    heads = repo.read_blobs(wanted, HEAD_BYTES)
    facts = [
        FileFacts(path, heads.get(entry.sha)) for entry, path in zip(entries, paths, strict=True)
    ]
    return classify(
        facts,
        rules,
        default_excludes=settings.default_excludes,
        scope=settings.scope,
        exclude=settings.exclude,
    )
