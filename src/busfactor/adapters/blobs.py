"""Read files at the analysed revision by path: one `git cat-file --batch` per batch, cached.

ADR and runbook discovery ask for files one at a time; asking git once per file would start
a process per file. The reader prefetches every file those rules could want in one batch and
only falls back to a small batch for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from busfactor.adapters.git import GitRepository, TreeEntry

MAX_DOCUMENT_BYTES = 1 << 20
"""Larger documents are not read (the readers report them as too large)."""

_WANTED = re.compile(
    r"(?:^|/)(?:\.adr-dir|\.log4brains\.ya?ml|catalog-info\.ya?ml|opslevel\.ya?ml|cortex\.ya?ml"
    r"|runbook\.(?:md|markdown)|CODEOWNERS)$"
    r"|(?:^|/)(?:adrs?|decisions|runbooks|playbooks)/.*\.(?:md|markdown)$",
    re.IGNORECASE,
)


class BlobReader:
    """`read(path)` -> bytes or None, for blobs of one tree."""

    def __init__(self, repo: GitRepository, entries: Iterable[TreeEntry]) -> None:
        self._repo = repo
        self._sha = {entry.name: entry.sha for entry in entries}
        self._cache: dict[str, bytes] = {}

    @property
    def paths(self) -> list[str]:
        """Every blob path of the tree."""
        return list(self._sha)

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read these paths (those that exist) in one batch."""
        wanted = [p for p in paths if p in self._sha and p not in self._cache]
        if not wanted:
            return
        blobs = self._repo.read_blobs([self._sha[p] for p in wanted], MAX_DOCUMENT_BYTES + 1)
        for path in wanted:
            data = blobs.get(self._sha[path])
            if data is not None:
                self._cache[path] = data

    def prefetch_documents(self, extra: Iterable[str] = ()) -> None:
        """Every file ADR and runbook discovery may ask for."""
        self.prefetch([*(p for p in self._sha if _WANTED.search(p)), *extra])

    def __call__(self, path: str) -> bytes | None:
        if path not in self._cache:
            self.prefetch([path])
        return self._cache.get(path)
