"""Probe for adr/0020 (proposed): side-parent TREESAME verdicts from blob lookups.

The DAG walk reads every merge's diff against each parent (`--diff-merges=separate`). On
git.git the diffs against second parents are 218 MB of git's output and 20 s of its time,
three times the whole non-merge history, so a cold dag scan is 3.9x the floor. The walk
only needs, for each path the first-parent diff lists, whether that path differs in the
second parent. This probe gets that verdict from one `git log --diff-merges=first-parent
--raw` (the merge's blob id of each listed path) and one `git cat-file --batch-check` of
`P2:path`, and compares it with the verdict of the separate diff, printing both costs.

Limits, as a probe: two-parent merges only (octopus merges are counted apart); paths as git
prints them without -z (odd names are quoted, and their lookup then misses); a submodule
(gitlink) cannot be looked up by `P2:path` and shows as a difference; exact renames against
the second parent, which the walk also needs for paths the second parent lacks, are not
covered (they are counted: "missing in P2").

    .venv/bin/python benchmarks/probe_side_parents.py REPO
"""

from __future__ import annotations

import subprocess
import sys
import time


def git(repo: str, *args: str, stdin: str | None = None) -> str:
    command = ["git", "-c", "core.quotePath=false", "-C", repo, *args]
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, errors="surrogateescape", check=True
    ).stdout


def first_parent_blobs(repo: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    """merge -> (parents, path -> the merge's blob id) for each path its first-parent diff lists."""
    merges: dict[str, tuple[list[str], dict[str, str]]] = {}
    current: dict[str, str] = {}
    out = git(
        repo,
        "log",
        "--topo-order",
        "--merges",
        "--diff-merges=first-parent",
        "--no-renames",
        "--raw",
        "--no-abbrev",
        "--format=C %H %P",
        "HEAD",
        "--",
    )
    for line in out.splitlines():
        if line.startswith("C "):
            sha, *parents = line[2:].split()
            current = {}
            merges[sha] = (parents, current)
        elif line.startswith(":"):
            meta, path = line.split("\t", 1)
            current[path] = meta.split()[3]
    return merges


def separate_side_paths(repo: str) -> dict[tuple[str, int], set[str]]:
    """(merge, n) -> the paths of the n-th diff git printed for it (n = 1: second parent)."""
    diffs: dict[tuple[str, int], set[str]] = {}
    seen: dict[str, int] = {}
    key = ("", 0)
    out = git(
        repo,
        "log",
        "--topo-order",
        "--merges",
        "--diff-merges=separate",
        "--no-renames",
        "--name-only",
        "--format=C %H",
        "HEAD",
        "--",
    )
    for line in out.splitlines():
        if line.startswith("C "):
            sha = line[2:]
            key = (sha, seen.get(sha, 0))
            seen[sha] = key[1] + 1
            diffs[key] = set()
        elif line:
            diffs[key].add(line)
    return diffs


def main() -> None:
    repo = sys.argv[1]
    start = time.perf_counter()
    merges = first_parent_blobs(repo)
    streamed = time.perf_counter()
    two = {sha: entry for sha, entry in merges.items() if len(entry[0]) == 2}
    queries = [(sha, path) for sha, (_, paths) in two.items() for path in paths]
    answers = git(
        repo,
        "cat-file",
        "--batch-check",
        stdin="".join(f"{two[sha][0][1]}:{path}\n" for sha, path in queries),
    )
    looked_up = time.perf_counter()
    verdicts: dict[tuple[str, str], bool] = {}
    missing = 0
    for (sha, path), answer in zip(queries, answers.splitlines(), strict=True):
        blob = two[sha][1][path]
        if answer.endswith(" missing"):
            missing += 1
            verdicts[(sha, path)] = blob != "0" * 40  # absent in both: the same
        else:
            verdicts[(sha, path)] = answer.split()[0] != blob
    print(
        f"first-parent stream: {streamed - start:.1f} s; {len(two)} two-parent merges "
        f"({len(merges) - len(two)} octopus); {len(queries)} lookups in "
        f"{looked_up - streamed:.1f} s, {missing} missing in P2"
    )
    separate = separate_side_paths(repo)
    print(f"separate stream: {time.perf_counter() - looked_up:.1f} s")
    agree, differ, unknown = 0, 0, 0
    for (sha, path), verdict in verdicts.items():
        side = separate.get((sha, 1))
        if side is None or (sha, 2) in separate:
            unknown += 1  # git printed fewer diffs than parents: a tree equals the merge's
            continue
        if (path in side) == verdict:
            agree += 1
        else:
            differ += 1
            if differ <= 5:
                print(f"differs: {sha} {path}: separate {path in side}, lookup {verdict}")
    print(f"verdicts: {agree} agree, {differ} differ, {unknown} not comparable")


if __name__ == "__main__":
    main()
