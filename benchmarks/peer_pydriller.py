#!/usr/bin/env python3
"""The peer "PyDriller extraction" of `bench_peers.py`: busfactor's DOA inputs, through PyDriller.

Usage (with an interpreter that has PyDriller installed, e.g. the peers virtualenv that
``bench_peers.py`` creates)::

    python benchmarks/peer_pydriller.py REPO [--output FILE]

``REPO`` must be a work tree (PyDriller opens it with GitPython). The script walks
``Repository(REPO, only_no_merge=True, use_mailmap=True).traverse_commits()`` oldest to newest
and, for every file present at HEAD, collects what busfactor's Degree-of-Authorship needs:

* ``creator``: the author of the commit that added the path (FA = 1 for them);
* ``commits``: per author, the commits touching the file (adds, modifications, renames);
* ``deliveries``: per author, the commits that modified the file or renamed something into it
  (DL; AC = total deliveries - own deliveries).

Renames are followed forward with one global map (``old path -> new path`` moves the file's
record); a delete drops the record, an add at a path starts a new file. That is the plain
linear reading of ``commit.modified_files``, not busfactor's DAG walk (git's history
simplification), so the figures agree with busfactor's ``--history linear`` more than with its
default ``--history dag``, and not exactly with either (PyDriller diffs each commit with
GitPython against its first parent, with git's default rename detection).

Output: one JSON object ``{"revision", "commits", "files": {path: {...}}}``, to ``--output`` or
stdout. This file imports PyDriller lazily, so the project's own linters can read it without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Record:
    """One file's history as the forward walk sees it."""

    creator: str | None = None
    commits: dict[str, int] = field(default_factory=dict)
    deliveries: dict[str, int] = field(default_factory=dict)


def extract(repo: str) -> dict[str, Any]:
    """Walk every non-merge commit reaching HEAD, oldest first, and return the per-file data."""
    from pydriller import ModificationType, Repository

    live: dict[str, Record] = {}
    commits = 0
    for commit in Repository(repo, only_no_merge=True, use_mailmap=True).traverse_commits():
        commits += 1
        who = commit.author.email or commit.author.name or "(unknown)"
        for change in commit.modified_files:
            kind = change.change_type
            if kind is ModificationType.DELETE:
                if change.old_path is not None:
                    live.pop(change.old_path, None)
                continue
            path = change.new_path
            if path is None:
                continue
            if kind in (ModificationType.ADD, ModificationType.COPY):
                record = live[path] = Record(creator=who)
            elif kind is ModificationType.RENAME and change.old_path is not None:
                record = live.pop(change.old_path, None) or Record()
                live[path] = record
                record.deliveries[who] = record.deliveries.get(who, 0) + 1
            else:
                record = live.setdefault(path, Record())
                record.deliveries[who] = record.deliveries.get(who, 0) + 1
            record.commits[who] = record.commits.get(who, 0) + 1
    revision, paths = _head(repo)
    head = set(paths)
    files = {
        path: {
            "creator": record.creator,
            "commits": dict(sorted(record.commits.items())),
            "deliveries": dict(sorted(record.deliveries.items())),
        }
        for path, record in sorted(live.items())
        if path in head
    }
    return {"revision": revision, "commits": commits, "files": files}


def _head(repo: str) -> tuple[str, list[str]]:
    """HEAD's commit id and the paths of its tree (PyDriller itself has no listing of them)."""
    from git import Repo

    with Repo(repo) as handle:
        head = handle.head.commit
        paths = [str(item.path) for item in head.tree.traverse() if item.type == "blob"]
        return head.hexsha, paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repo", help="git work tree")
    ap.add_argument("--output", "-o", help="write the JSON here (default: stdout)")
    args = ap.parse_args(argv)
    data = extract(args.repo)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text + "\n")
    print(
        f"{data['commits']} non-merge commits, {len(data['files'])} files at HEAD",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
