#!/usr/bin/env python3
"""Time busfactor's analysis alone (no git): DOA, truck factor, every component, the plan.

Usage: ``python benchmarks/bench_analysis.py [--files 20000] [--people 500] [--commits 100000]
[--runs 5] [--seed 42] [--profile N]``

The input is what the miner hands to the analysis: a ``MiningResult`` (per-file
``FileHistory`` counts per raw identity, identities and their activity, the recent commits and
the co-change sets). It is built in memory, deterministically from ``--seed``, by feeding
synthetic commits to the miner's own ``HistoryCounter`` (so the counts obey the same rules as a
real scan), before any timing starts:

* ``--people`` people with Zipf-like activity and limited active windows over ~6 years (about a
  third active in the last 180 days), 1 in 40 committing under a second email, plus two bots;
* ``--files`` files at HEAD in ~100 default components (``src/<pkg>``, ``tests``, ``docs``, the
  root); everyone has 1-3 home packages where most of their commits land, hot files get more
  commits; the first commit touching a file adds it (about 3 % have no add: history that
  started elsewhere), a few files are deleted and re-added;
* ``--commits`` non-merge commits touching 1-8 files (geometric; a bulk commit now and then);
  2 in 5 picks also touch a neighbouring file of the same package, so coupling finds pairs.

Each timed run is what ``busfactor plan`` computes after mining:
``build_ownership_graph(mining, {}, Settings(), coupling=True)`` (identity merging, DOA of every
file, the repository's truck factor, every component's bus factor, knowledge lost, coupling,
findings) followed by ``make_plan(graph)``. Figures: ``time.perf_counter`` per stage over
``--runs`` runs (medians, min, max; ``cpu`` is the CPU seconds of this process and of its
reaped children, the coupling's child of adr/0030 among them), then one more run under
``tracemalloc`` for the analysis' own peak allocation (the child's is not in it), and the
process' ``ru_maxrss``. The goal (analysis under 2 s for 20,000
files and 500 people) is reported as PASS/MISS, never asserted; exit code 0.

``--profile N`` adds one run under ``cProfile`` and prints the N functions with the most own
time and the N with the most cumulative time.

``--scan REPO`` (repeatable) also measures the memory of a full ``busfactor scan REPO --format
json --output TMP --cache-dir NEW`` (the CLI itself, run through ``runpy`` in a child process,
``--runs`` times, each a cold scan filling a new cache),
before the input is built: the Python process' own peak RSS (``VmHWM`` of ``/proc/self/status``
at exit), the largest git process it waited for (``RUSAGE_CHILDREN``) and the child tree's
``wait4`` figure, as ``bench_scan.py`` reports it. The memory goal (400 MB for the synthetic
repository) is reported as PASS/MISS on the Python process' peak. Why not ``ru_maxrss`` for
Python: Linux keeps the high-water mark of the memory a process had when it called ``exec``, and
``subprocess`` spawns with ``vfork``, so a child's ``ru_maxrss`` is at least its parent's RSS at
spawn time. The git figures have that floor too (busfactor's RSS when it started that git), so
they are upper bounds; without ``--skip-analysis`` the scans still run first, while this
process is small. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import gc
import io
import itertools
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Runs without installing the package; bench_scan (beside this file) gives the machine lines.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import busfactor_env, machine_info

from busfactor.core.analysis import build_ownership_graph
from busfactor.core.history import ADD, DELETE, DELIVERY, HistoryCounter
from busfactor.core.model import CommitRecord, MiningResult
from busfactor.core.plan import make_plan
from busfactor.core.settings import Settings

GOAL_SECONDS = 2.0
GOAL_SCAN_MB = 400
SCAN_PROBE = """
import atexit, os, resource, runpy, sys
def report():
    with open("/proc/self/status") as fh:
        own = int(fh.read().split("VmHWM:")[1].split()[0])
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    sys.__stderr__.write(f"\\nBENCH_RSS {own} {kids}\\n")
    sys.__stderr__.flush()
atexit.register(report)
leave = os._exit
def report_and_leave(code):
    report()
    leave(code)
os._exit = report_and_leave  # a headless command ends with os._exit: atexit never runs
sys.argv = ["busfactor", *sys.argv[1:]]
runpy.run_module("busfactor", run_name="__main__", alter_sys=True)
"""
PACKAGES = 96
EPOCH0 = 1_546_300_800  # 2019-01-01T00:00:00Z
SPAN = int(6 * 365.25 * 86400)
DAY = 86400
WORDS = (
    "atlas", "beacon", "bridge", "cache", "canvas", "cipher", "codec", "comet", "cursor", "delta",
    "engine", "fabric", "filter", "forge", "frame", "graph", "harbor", "index", "kernel", "ledger",
    "lexer", "matrix", "mesh", "mirror", "nexus", "orbit", "parser", "pilot", "pivot", "portal",
    "prism", "probe", "pulse", "queue", "radar", "relay", "render", "router", "schema", "sensor",
    "shard", "signal", "socket", "spark", "stack", "stream", "syntax", "tensor", "token", "vector",
)  # fmt: skip
BOTS = (
    (b"49699333+dependabot[bot]@users.noreply.github.com", b"dependabot[bot]"),
    (b"66853113+pre-commit-ci[bot]@users.noreply.github.com", b"pre-commit-ci[bot]"),
)


def build_input(files: int, people: int, commits: int, seed: int) -> MiningResult:
    """A deterministic MiningResult of `files` files at HEAD and `people` people."""
    rng = random.Random(seed)
    revision_time = EPOCH0 + SPAN

    # Files: packages under src/ (with tests/ and docs/ mirrors), a few root files.
    packages = [f"{WORDS[i % len(WORDS)]}{i // len(WORDS) or ''}" for i in range(PACKAGES)]
    sizes = [rng.paretovariate(1.3) for _ in packages]
    scale = (files - 40) / sum(sizes)
    paths: list[str] = [f"ROOT_{i}.md" for i in range(40)]
    package_of: list[int] = [-1] * 40
    for index, pkg in enumerate(packages):
        count = max(5, round(sizes[index] * scale))
        for k in range(count):
            kind = rng.random()
            if kind < 0.70:
                path = f"src/{pkg}/{WORDS[k % 7]}/m{k}.py"
            elif kind < 0.92:
                path = f"tests/{pkg}/test_m{k}.py"
            else:
                path = f"docs/{pkg}/page{k}.md"
            paths.append(path)
            package_of.append(index)
    del paths[files:], package_of[files:]
    while len(paths) < files:
        index = rng.randrange(len(packages))
        paths.append(f"src/{packages[index]}/extra/x{len(paths)}.py")
        package_of.append(index)
    files_of: list[list[int]] = [[] for _ in packages]
    for fid, index in enumerate(package_of):
        if index >= 0:
            files_of[index].append(fid)
    heat = [rng.paretovariate(1.2) for _ in paths]  # hot files get more commits
    hot: list[list[float]] = []
    for pool in files_of:
        running, cumulative = 0.0, []
        for fid in pool:
            running += heat[fid]
            cumulative.append(running)
        hot.append(cumulative)

    # People: Zipf-like weights, active windows, home packages, a few second emails.
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(people)]
    rng.shuffle(weights)
    cum_weights = list(itertools.accumulate(weights))
    identities: list[list[tuple[bytes, bytes]]] = []
    windows: list[tuple[int, int]] = []
    homes: list[list[int]] = []
    for person in range(people):
        name = f"Person {person:03d}".encode()
        emails = [(f"p{person}@example.com".encode(), name)]
        if person % 40 == 7:
            emails.append((f"p{person}@users.noreply.example.org".encode(), name))
        identities.append(emails)
        start = EPOCH0 + int(rng.random() * 0.9 * SPAN)
        length = int(rng.uniform(0.1, 1.0) * (EPOCH0 + SPAN - start))
        end = EPOCH0 + SPAN if rng.random() < 0.3 else start + length
        windows.append((start, end))
        homes.append(rng.sample(range(len(packages)), rng.choice((1, 1, 2, 3))))

    counter = HistoryCounter(files, recent_since=revision_time - 180 * DAY, changesets=True)
    seen = bytearray(files)
    no_add = {fid for fid in range(files) if rng.random() < 0.03}
    times = sorted(EPOCH0 + rng.randrange(SPAN) for _ in range(commits))
    people_ids = range(people)

    def commit(who: tuple[bytes, bytes], when: int, touched: list[int]) -> None:
        hits: dict[int, int] = {}
        for fid in touched:
            if not seen[fid]:
                seen[fid] = 1
                hits[fid] = DELIVERY if fid in no_add else ADD
            elif rng.random() < 0.002:  # deleted here, re-added by a later commit
                hits[fid] = DELETE
                seen[fid] = 0
            else:
                hits[fid] = DELIVERY
        record = CommitRecord(b"", (), who[0], who[1], when, [])
        counter.commit(record, hits)

    for n, when in enumerate(times):
        if n % 997 == 0:  # a bot
            bot = BOTS[n % 2]
            commit(bot, when, [rng.randrange(40)])
            continue
        for _ in range(8):
            person = rng.choices(people_ids, cum_weights=cum_weights)[0]
            if windows[person][0] <= when <= windows[person][1]:
                break
        who = rng.choice(identities[person])
        size = 25 if rng.random() < 0.005 else min(8, 1 + int(rng.expovariate(0.6)))
        touched: set[int] = set()
        for _ in range(size):
            if rng.random() < 0.02:
                touched.add(rng.randrange(40))  # a root file
                continue
            index = rng.choice(homes[person]) if rng.random() < 0.7 else rng.randrange(PACKAGES)
            pool = files_of[index]
            if not pool:
                continue
            if size > 8:  # bulk commits spread evenly
                touched.add(rng.choice(pool))
                continue
            position = bisect.bisect_left(hot[index], rng.random() * hot[index][-1])
            touched.add(pool[position])
            if rng.random() < 0.4:  # files that change together: a neighbour in the package
                touched.add(pool[position ^ 1] if position ^ 1 < len(pool) else pool[0])
        commit(who, when, sorted(touched))
    # Files nobody touched yet (or deleted last) are added by someone at home there.
    missing = [fid for fid in range(files) if not seen[fid]]
    missing.sort(key=lambda fid: package_of[fid])
    for start in range(0, len(missing), 20):
        chunk = missing[start : start + 20]
        index = package_of[chunk[0]]
        owners = [p for p in people_ids if index in homes[p]] or list(people_ids)
        who = identities[rng.choice(owners)][0]
        commit(who, revision_time - rng.randrange(SPAN // 2), chunk)

    return MiningResult(
        revision="5" * 40,
        revision_time=revision_time,
        commits_read=counter.commits_read,
        paths=paths,
        files=counter.files,
        identities=counter.identities,
        activity=counter.activity,
        recent=counter.recent,
        changesets=counter.changesets,
    )


def analyse(mining: MiningResult, settings: Settings) -> tuple[dict[str, float], Any, Any]:
    """One analysis as `busfactor plan` runs it after mining; seconds per stage, and the CPU
    seconds of the whole (this process' threads and the coupling's child, adr/0030)."""
    cpu = _cpu_seconds()
    start = time.perf_counter()
    graph = build_ownership_graph(
        mining, {}, settings, repository="synthetic", find_runbooks=_no_runbooks, coupling=True
    )
    middle = time.perf_counter()
    plan = make_plan(
        graph, target_bus_factor=settings.target_bus_factor, max_per_person=2, component=None
    )
    end = time.perf_counter()
    stages = {"graph": middle - start, "plan": end - middle, "total": end - start}
    stages["cpu"] = _cpu_seconds() - cpu
    return stages, graph, plan


def _cpu_seconds() -> float:
    """CPU time of this process and of its children reaped so far."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _no_runbooks(
    members: Any, last_commit: Callable[[str], int | None]
) -> tuple[list[Any], list[str]]:
    """The runbook finder of the pipeline, with no repository to look in."""
    return [], []


def scan_memory(repo: str, runs: int, log: Callable[[str], None]) -> list[str]:
    """Peak RSS of full scans of `repo`: Python's own, git's, and the tree's wait4 figure."""
    rows: list[tuple[float, int, int, int]] = []
    with tempfile.TemporaryDirectory(prefix="bench_analysis.") as tmp:
        for run in range(runs):
            # A cold scan that fills a new cache: the most a scan holds (bench_scan.py alike).
            argv = [sys.executable, "-c", SCAN_PROBE, "scan", repo, "--format", "json"]
            argv += ["--output", str(Path(tmp) / "scan.json")]
            argv += ["--cache-dir", tempfile.mkdtemp(dir=tmp)]
            start = time.perf_counter()
            proc = subprocess.Popen(
                argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=busfactor_env()
            )
            assert proc.stderr is not None
            err = proc.stderr.read().decode("utf-8", "replace")
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
            proc.stderr.close()
            marks = [line.split() for line in err.splitlines() if line.startswith("BENCH_RSS ")]
            if proc.returncode != 0 or not marks:
                tail = err.strip().splitlines()[-1:] or ["(no stderr)"]
                return [f"scan {repo}: failed: {tail[0]}"]
            rows.append((wall, int(marks[-1][1]), int(marks[-1][2]), usage.ru_maxrss))
            log(f"  scan {run + 1}/{runs}: {wall:.2f} s, python {rows[-1][1] / 1024:.0f} MiB")
    mib = 1024.0
    python = max(r[1] for r in rows) / mib
    git = max(r[2] for r in rows) / mib
    tree = max(r[3] for r in rows) / mib
    megabytes = python * 2**20 / 1e6
    verdict = "PASS" if megabytes < GOAL_SCAN_MB else "MISS"
    return [
        f"full scan of {repo} (`busfactor scan --format json`, n={len(rows)}): "
        f"wall median {statistics.median(r[0] for r in rows):.2f} s; peak RSS: python process "
        f"(VmHWM) {python:.0f} MiB = {megabytes:.0f} MB against the {GOAL_SCAN_MB} MB goal: "
        f"{verdict}; largest git child <= {git:.0f} MiB; wait4 (largest of the tree, "
        f"as bench_scan.py) {tree:.0f} MiB"
    ]


def describe(mining: MiningResult) -> list[str]:
    pairs = sum(len(h.touches) for h in mining.files)
    commits = sum(a.commits for a in mining.activity)
    return [
        f"input: {len(mining.paths):,} files, {len(mining.identities):,} raw identities, "
        f"{commits:,} non-merge commits, {pairs:,} (file, identity) pairs, "
        f"{len(mining.changesets):,} co-change sets, {len(mining.recent):,} recent commits",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=20_000)
    ap.add_argument("--people", type=int, default=500)
    ap.add_argument("--commits", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile top N")
    ap.add_argument(
        "--scan",
        action="append",
        default=[],
        metavar="REPO",
        help="also measure the peak RSS of full scans of REPO (repeatable)",
    )
    ap.add_argument("--skip-analysis", action="store_true", help="only the --scan measurements")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.files < 100 or args.people < 2:
        ap.error("--runs >= 1, --files >= 100, --people >= 2")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    scans: list[str] = []
    for repo in args.scan:  # first, while this process is small (see the module's docstring)
        scans += ["", *scan_memory(repo, args.runs, log)]
    if args.skip_analysis:
        print("\n".join([*machine_info(), *scans[1:]]))
        return 0
    built = time.perf_counter()
    mining = build_input(args.files, args.people, args.commits, args.seed)
    log(f"input built in {time.perf_counter() - built:.1f} s")
    settings = Settings()
    load_before = os.getloadavg()
    samples: list[dict[str, float]] = []
    graph: Any = None
    plan: Any = None
    for run in range(args.runs + 1):  # the first is a warm-up
        graph = plan = None
        gc.collect()
        stages, graph, plan = analyse(mining, settings)
        log(f"  {'warm-up' if run == 0 else f'run {run}/{args.runs}'}: {stages['total']:.3f} s")
        if run:
            samples.append(stages)
    load_after = os.getloadavg()
    people = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "person")
    components = sum(1 for _, d in graph.nodes(data=True) if d.get("kind") == "component")
    coupled = sum(1 for _, _, d in graph.edges(data=True) if d.get("kind") == "coupled") // 2
    output = [
        f"people {people}, components {components}, coupled pairs {coupled}, "
        f"truck factor {graph.graph['truck_factor']['value']}, "
        f"plan suggestions {len(plan['suggestions'])} (uncovered {len(plan['uncovered'])}), "
        f"findings {len(graph.graph['findings'])}"
    ]
    graph = plan = None
    gc.collect()

    tracemalloc.start()
    _, graph, plan = analyse(mining, settings)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    graph = plan = None
    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    total = [s["total"] for s in samples]
    median_total = statistics.median(total)
    verdict = "PASS" if median_total < GOAL_SECONDS else "MISS"
    lines = [
        *machine_info(),
        f"load average: before {load_before[0]:.2f}, after {load_after[0]:.2f}",
        *describe(mining),
        f"result: {output[0]}",
        "",
        f"| stage | median s | min s | max s |  (n={len(samples)} after 1 warm-up)",
        "|---|---|---|---|",
    ]
    for stage in ("graph", "plan", "total", "cpu"):
        values = [s[stage] for s in samples]
        lines.append(
            f"| {stage} | {statistics.median(values):.3f} | {min(values):.3f} | {max(values):.3f} |"
        )
    lines += [
        "",
        "cpu: CPU seconds of the whole analysis, this process and the coupling's child",
        f"goal: analysis < {GOAL_SECONDS:g} s for {args.files:,} files and {args.people} people: "
        f"median {median_total:.3f} s -> {verdict}",
        f"memory: analysis peak allocation (tracemalloc) {traced_peak / 2**20:.0f} MiB; "
        f"process ru_maxrss (input + analysis) {maxrss_mib:.0f} MiB",
    ]
    lines += scans
    print("\n".join(lines))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        analyse(mining, settings)
        profiler.disable()
        for key in ("tottime", "cumulative"):
            buffer = io.StringIO()
            pstats.Stats(profiler, stream=buffer).sort_stats(key).print_stats(args.profile)
            print(f"\ncProfile, by {key}:")
            print(buffer.getvalue().split("\n\n", 1)[-1].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
