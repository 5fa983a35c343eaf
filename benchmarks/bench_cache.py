"""Warm rescans against cold scans: what the incremental history cache saves.

For each repository (default: the synthetic one in benchmarks/work/synth), on a throw-away
clone in benchmarks/work/cache-<name>:

1. cold: `busfactor scan --no-cache` (the baseline);
2. store: a cold scan that fills the cache;
3. reopen: the same tip again (answered from the snapshot);
4. warm: after N new commits (default 100, written with `git fast-import` on top of the tip);
5. replay: the same tip with snapshots dropped (every cached segment parsed and walked again);
6. warm after the project's own history: cached at the nearest first-parent ancestor of the
   tip with at least N commits above it, rescanned at the tip. Real new history has merged
   branches that forked below the cached tip and re-added paths, which commits appended on
   top never have (see adr/0009).

Each is a whole `python -m busfactor scan --format json` process, timed from spawn to reap,
plus the history stage alone in-process (mining only, where the cache acts). Medians of
`--runs` rounds. Figures are printed, never asserted.

    .venv/bin/python benchmarks/bench_cache.py [REPO ...] [--commits 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_scan import busfactor_env, ensure_synthetic

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"


def run(command: list[str], cwd: Path | None = None, stdin: bytes | None = None) -> float:
    """Wall seconds of one child process; exits on failure."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, input=stdin, capture_output=True, check=False, env=busfactor_env()
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def clone(source: Path) -> Path:
    target = WORK / f"cache-{source.resolve().name.removesuffix('.git')}"
    if not target.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "clone", "-q", "--no-checkout", str(source), str(target)], check=True
        )
    return target


def append_commits(repo: Path, base: str, count: int, seed: int) -> str:
    """`count` commits on top of `base`, each changing one to three existing files."""
    paths = [p for p in git(repo, "ls-tree", "-r", "--name-only", base).splitlines() if p]
    rng = random.Random(seed)
    when = int(git(repo, "log", "-1", "--format=%ct", base)) + 3600
    lines = []
    for n in range(count):
        who = f"Person {rng.randrange(40)}"
        email = who.lower().replace(" ", ".") + "@example.test"
        message = f"change {n}"
        lines += [
            "commit refs/heads/bench-append",
            f"author {who} <{email}> {when + n * 600} +0000",
            f"committer {who} <{email}> {when + n * 600} +0000",
            f"data {len(message)}",
            message,
        ]
        if n == 0:
            lines.append(f"from {base}")
        for path in rng.sample(paths, rng.randint(1, 3)):
            content = f"{path} appended {n} {rng.random()}\n"
            lines += [f"M 100644 inline {path}", f"data {len(content.encode())}", content]
        lines.append("")
    stream = ("\n".join(lines) + "\n").encode()
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet", "--force"], input=stream, check=True
    )
    return git(repo, "rev-parse", "refs/heads/bench-append").strip()


def real_start(repo: Path, base: str, commits: int) -> tuple[str, int] | None:
    """The nearest first-parent ancestor of `base` with at least `commits` commits of the
    project's own history above it (branches, merges and all), and how many there are."""
    for back in range(1, 10_000):
        found = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{base}~{back}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode != 0:
            return None
        start = found.stdout.strip()
        count = int(git(repo, "rev-list", "--count", f"{start}..{base}"))
        if count >= commits:
            return start, count
    return None


def scan(repo: Path, rev: str, *extra: str) -> float:
    out = WORK / "bench-cache-out.json"
    command = [sys.executable, "-m", "busfactor", "scan", str(repo), "--rev", rev]
    return run([*command, "--format", "json", "--output", str(out), *extra])


def mining_only(repo: Path, rev: str, cached: bool) -> float:
    """The history stage alone, in a child process (imports excluded from the figure)."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from busfactor.adapters.git import GitRepository\n"
        "from busfactor.adapters.mining import mine_history\n"
        "from busfactor.adapters.cache import HistoryCache, default_cache_file\n"
        "from busfactor.core.settings import Settings\n"
        "repo = GitRepository(Path(sys.argv[1]))\n"
        "start = time.perf_counter()\n"
        "sha, when = repo.resolve(sys.argv[2])\n"
        "entries = repo.tree(sha)\n"
        "cache = HistoryCache(default_cache_file(repo.common_dir(), None)) "
        "if sys.argv[3] == '1' else None\n"
        "mine_history(repo, sha, when, entries, Settings(), cache=cache)\n"
        "print(time.perf_counter() - start)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(repo), rev, "1" if cached else "0"],
        env=busfactor_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def drop_cache(repo: Path) -> None:
    shutil.rmtree(
        Path(git(repo, "rev-parse", "--absolute-git-dir").strip()) / "busfactor", ignore_errors=True
    )


def drop_snapshots(repo: Path) -> None:
    path = Path(git(repo, "rev-parse", "--absolute-git-dir").strip()) / "busfactor"
    with sqlite3.connect(path / "cache.sqlite") as db:
        db.execute("DELETE FROM snapshots")


def bench(source: Path, commits: int, runs: int) -> None:
    repo = clone(source)
    base = git(repo, "rev-parse", "HEAD").strip()
    tip = append_commits(repo, base, commits, seed=1)
    real = real_start(repo, base, commits)
    cases: dict[str, list[float]] = {}
    for round_ in range(runs):
        print(f"  round {round_ + 1}/{runs}", file=sys.stderr)
        drop_cache(repo)
        timings = {
            "cold (--no-cache)": scan(repo, tip, "--no-cache"),
            "cold, filling the cache": scan(repo, base),
        }
        timings["warm after new commits"] = scan(repo, tip)
        timings["reopen (snapshot)"] = scan(repo, tip)
        drop_snapshots(repo)
        timings["replay (no snapshot)"] = scan(repo, tip)
        drop_cache(repo)
        timings["history stage cold"] = mining_only(repo, tip, cached=False)
        mining_only(repo, base, cached=True)
        timings["history stage warm"] = mining_only(repo, tip, cached=True)
        timings["history stage reopen"] = mining_only(repo, tip, cached=True)
        if real is not None:
            drop_cache(repo)
            scan(repo, real[0])
            timings[f"warm after the project's own last {real[1]} commits"] = scan(repo, base)
            drop_cache(repo)
            mining_only(repo, real[0], cached=True)
            timings[f"history stage warm after its own last {real[1]}"] = mining_only(
                repo, base, cached=True
            )
        for name, seconds in timings.items():
            cases.setdefault(name, []).append(seconds)
    cold = statistics.median(cases["cold (--no-cache)"])
    history_cold = statistics.median(cases["history stage cold"])
    size = (Path(git(repo, "rev-parse", "--absolute-git-dir").strip()) / "busfactor").glob("*")
    print(f"\n### {source} (+{commits} commits, {runs} runs)\n")
    print("| case | median s | vs cold |")
    print("|---|---:|---:|")
    for name, values in cases.items():
        reference = history_cold if name.startswith("history") else cold
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} | {median / reference:.1%} |")
    total = sum(p.stat().st_size for p in size)
    print(f"\ncache size: {total / 1e6:.1f} MB; load average now {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", type=Path)
    parser.add_argument("--commits", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    repos = args.repos or [
        Path(ensure_synthetic(WORK / "synth", lambda line: print(line, file=sys.stderr)))
    ]
    print(f"load average before: {os.getloadavg()[0]:.2f}; cpus: {os.cpu_count()}")
    for repo in repos:
        bench(repo, args.commits, args.runs)


if __name__ == "__main__":
    main()
