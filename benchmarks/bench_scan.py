#!/usr/bin/env python3
"""Time `busfactor scan` against raw `git log` (the floor) on the same repositories.

Usage: ``python benchmarks/bench_scan.py [REPO ...] [--runs 5] [--synthetic DIR]``

With no REPO the synthetic repository in ``benchmarks/work/synth`` is used (generated with
``benchmarks/synth.py`` defaults if it does not exist yet); ``--synthetic DIR`` adds (and if
needed generates) a synthetic repository next to the REPOs given.

Per repository, after one warm-up run of each case, the cases run alternately (floor, dag,
linear, floor, dag, linear, ...) ``--runs`` times:

* floor:  ``git log --no-merges -M --name-status -z --format=%x01%H%x00%aE%x00%at HEAD``, its
  stdout drained through a pipe;
* dag:    ``python -m busfactor scan REPO --format json --output TMP --history dag``;
* linear: the same with ``--history linear``.

Every run is a whole process (start-up included), timed by wall clock; CPU time and peak RSS
come from ``os.wait4``. ``ru_maxrss`` (KiB on Linux) is the largest single process of the tree
(the child and the descendants it waited for), and for git it includes the mmap'ed pack pages.
Figures are medians; ``dag/floor`` and ``linear/floor`` are medians of the per-round ratios.
The goals (dag <= 2.0x, linear <= 1.5x the floor) are reported as PASS/MISS and never asserted:
the exit code is 0 unless something failed to run (1) or the arguments were wrong (2).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
DEFAULT_SYNTH = BENCH_DIR / "work" / "synth"
FLOOR_LOG = (
    "log",
    "--no-merges",
    "-M",
    "--name-status",
    "-z",
    "--format=%x01%H%x00%aE%x00%at",
    "HEAD",
)
GOALS = {"dag": 2.0, "linear": 1.5}
CASES = ("floor", "dag", "linear")
CHUNK = 1 << 20


class RunError(Exception):
    pass


@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss_kib: int


@dataclass
class Case:
    name: str
    argv: list[str]
    env: dict[str, str] | None
    drain: bool
    output: Path | None = None
    fresh: Path | None = None
    """A directory emptied before every run (the cache dir: every run is a cold scan that
    fills the cache, as a first scan of a repository does)."""
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None
    note: str | None = None


@dataclass
class RepoResult:
    repo: str
    stats: str
    cases: dict[str, Case]
    error: str | None = None


def run_once(case: Case, timeout: float) -> Sample:
    """Run one case as a child process; wall clock around spawn..reap, rusage via wait4."""
    if case.output is not None:
        case.output.unlink(missing_ok=True)
    if case.fresh is not None:
        shutil.rmtree(case.fresh, ignore_errors=True)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            case.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if case.drain else subprocess.DEVNULL,
            stderr=err,
            env=case.env,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            if proc.stdout is not None:
                fd = proc.stdout.fileno()
                while os.read(fd, CHUNK):
                    pass
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        finally:
            timer.cancel()
            if proc.stdout is not None:
                proc.stdout.close()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").strip().splitlines()
            why = lines[-1] if lines else "(no stderr)"
            if code < 0:
                why = f"killed by signal {-code}" + (" (timeout)" if wall >= timeout else "")
            raise RunError(f"exit code {code}: {why}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def git_out(repo: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", repo, *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def repo_stats(repo: str) -> str:
    total = git_out(repo, "rev-list", "--count", "HEAD")
    merges = git_out(repo, "rev-list", "--merges", "--count", "HEAD")
    listing = git_out(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD")
    files = sum(1 for path in listing.split("\0") if path)
    return f"{int(total):,} commits ({int(merges):,} merges), {files:,} files at HEAD"


def busfactor_env() -> dict[str, str]:
    """The current environment, with the project's src/ importable (also when not installed)
    and bytecode caching on: an installed busfactor runs from the .pyc files pip compiles, so
    a PYTHONDONTWRITEBYTECODE left in the shell would add every module's compile time (about
    0.15 s) to each run. The warm-up run writes them."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    src = PROJECT / "src"
    if src.is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(src), env.get("PYTHONPATH"))))
    return env


def make_cases(repo: str, tmp: Path, wanted: list[str]) -> dict[str, Case]:
    cases: dict[str, Case] = {}
    env = busfactor_env()
    for name in wanted:
        if name == "floor":
            cases[name] = Case(name, ["git", "-C", repo, *FLOOR_LOG], None, drain=True)
        else:
            out = tmp / f"{name}.json"
            argv = [sys.executable, "-m", "busfactor", "scan", repo, "--format", "json"]
            cache = tmp / f"cache-{name}"
            argv += ["--output", str(out), "--history", name, "--cache-dir", str(cache)]
            cases[name] = Case(name, argv, env, drain=False, output=out, fresh=cache)
    return cases


def check_output(case: Case) -> None:
    """After the warm-up: the JSON output should exist and parse (a note, not a failure)."""
    if case.output is None:
        return
    try:
        with case.output.open("rb") as fh:
            json.load(fh)
    except (OSError, ValueError) as exc:
        case.note = f"output not valid JSON: {exc}"


def bench_repo(
    repo: str, runs: int, wanted: list[str], timeout: float, log: Callable[[str], None]
) -> RepoResult:
    try:
        stats = repo_stats(repo)
    except (subprocess.CalledProcessError, OSError) as exc:
        err = getattr(exc, "stderr", None) or str(exc)
        return RepoResult(repo, "", {}, error=f"not a git repository with a HEAD: {err.strip()}")
    log(f"{repo}: {stats}")
    with tempfile.TemporaryDirectory(prefix="bench_scan.") as tmpdir:
        cases = make_cases(repo, Path(tmpdir), wanted)
        for case in cases.values():  # warm-up, also tells whether the case runs at all
            try:
                sample = run_once(case, timeout)
                log(f"  warm-up {case.name}: {sample.wall:.3f} s")
                check_output(case)
            except (RunError, OSError) as exc:
                prefix = "busfactor not runnable" if case.name != "floor" else "git failed"
                case.error = f"{prefix}: {exc}"
                log(f"  {case.name}: {case.error}")
        for r in range(runs):
            for case in cases.values():
                if case.error is not None:
                    continue
                try:
                    case.samples.append(run_once(case, timeout))
                except (RunError, OSError) as exc:
                    case.error = f"run {r + 1} failed: {exc}"
            line = "  ".join(
                f"{c.name} {c.samples[-1].wall:.3f} s"
                for c in cases.values()
                if c.error is None and c.samples
            )
            log(f"  run {r + 1}/{runs}: {line}")
    return RepoResult(repo, stats, cases)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def paired_ratio(case: Case, floor: Case | None) -> float | None:
    if floor is None:
        return None
    pairs = zip(case.samples, floor.samples, strict=False)
    return median([a.wall / b.wall for a, b in pairs if b.wall > 0])


def display_name(repo: str) -> str:
    path = Path(repo).resolve()
    if path.name in ("repo", ".git") or path.name.endswith(".git"):
        return f"{path.parent.name}/{path.name}"
    return path.name or repo


def fmt_s(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def machine_info() -> list[str]:
    try:
        git_version = subprocess.run(
            ["git", "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        git_version = f"git not runnable: {exc}"
    cpu_model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"machine: {os.cpu_count()} CPUs ({usable} usable){', ' + cpu_model if cpu_model else ''}",
        f"platform: {platform.platform()}",
        f"python: {platform.python_version()} ({sys.executable})",
        f"git: {git_version}",
    ]


def report(results: list[RepoResult], runs: int) -> list[str]:
    out = [
        "",
        f"Medians of {runs} alternating runs after 1 warm-up (wall seconds; ratios = median of "
        "per-round ratios; peak = largest single-process RSS, MiB)",
        "",
        "| repository | floor s | dag s | linear s | dag/floor | goal <= 2.0x | linear/floor "
        "| goal <= 1.5x | busfactor peak MiB (dag / linear) | git floor peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    for res in results:
        name = display_name(res.repo)
        if res.error is not None:
            out.append(f"| {name} | n/a | n/a | n/a | n/a | | n/a | | n/a | n/a |")
            notes.append(f"{res.repo}: {res.error}")
            continue
        floor = res.cases.get("floor")
        usable_floor = floor if floor is not None and floor.samples else None
        cells: dict[str, str] = {}
        for mode in ("dag", "linear"):
            case = res.cases.get(mode)
            if case is None:
                cells[mode] = cells[f"{mode}/"] = "-"
                cells[f"{mode}!"] = ""
                cells[f"{mode}rss"] = "-"
                continue
            ratio = paired_ratio(case, usable_floor)
            cells[mode] = fmt_s(median([s.wall for s in case.samples]))
            cells[f"{mode}/"] = "n/a" if ratio is None else f"{ratio:.2f}x"
            cells[f"{mode}!"] = (
                "n/a" if ratio is None else "PASS" if ratio <= GOALS[mode] else "MISS"
            )
            peak = max((s.maxrss_kib for s in case.samples), default=None)
            cells[f"{mode}rss"] = "n/a" if peak is None else f"{peak / 1024:.0f}"
        floor_wall = median([s.wall for s in floor.samples]) if floor else None
        floor_peak = max((s.maxrss_kib for s in floor.samples), default=None) if floor else None
        out.append(
            f"| {name} | {fmt_s(floor_wall) if floor else '-'} | {cells['dag']} | "
            f"{cells['linear']} | {cells['dag/']} | {cells['dag!']} | {cells['linear/']} | "
            f"{cells['linear!']} | {cells['dagrss']} / {cells['linearrss']} | "
            f"{'-' if floor_peak is None else f'{floor_peak / 1024:.0f}'} |"
        )
        for case in res.cases.values():
            if case.error is not None:
                notes.append(f"{name} {case.name}: {case.error}")
            if case.note is not None:
                notes.append(f"{name} {case.name}: {case.note}")
    out += ["", "Details (wall min / median / max s, cpu median s, peak MiB):"]
    for res in results:
        if res.error is not None:
            continue
        out.append(f"  {res.repo}: {res.stats}")
        for case in res.cases.values():
            walls = [s.wall for s in case.samples]
            if not walls:
                out.append(f"    {case.name:<6}  no samples")
                continue
            cpu = median([s.cpu for s in case.samples]) or 0.0
            peak = max(s.maxrss_kib for s in case.samples) / 1024
            out.append(
                f"    {case.name:<6}  {min(walls):.3f} / {statistics.median(walls):.3f} / "
                f"{max(walls):.3f}  cpu {cpu:.3f}  peak {peak:.0f}  (n={len(walls)})"
            )
    if notes:
        out += ["", "Problems:"] + [f"  {n}" for n in notes]
    return out


def ensure_synthetic(path: Path, log: Callable[[str], None]) -> str:
    """Reuse the synthetic repository at path, or generate it with the synth.py defaults."""
    if path.is_dir() and any(path.iterdir()):
        try:
            git_out(str(path), "rev-parse", "--verify", "HEAD")
        except subprocess.CalledProcessError as exc:
            raise SystemExit(
                f"bench_scan.py: {path} exists but is not a git repository with a HEAD; "
                "remove it to regenerate"
            ) from exc
        log(f"reusing synthetic repository {path}")
        return str(path)
    log(f"generating synthetic repository {path} (benchmarks/synth.py defaults)")
    subprocess.run([sys.executable, str(BENCH_DIR / "synth.py"), str(path)], check=True)
    return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repos", nargs="*", metavar="REPO", help="git repositories (bare is fine)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    ap.add_argument(
        "--synthetic",
        type=Path,
        metavar="DIR",
        help=f"also bench the synthetic repository in DIR (default with no REPO: {DEFAULT_SYNTH})",
    )
    ap.add_argument(
        "--cases",
        default=",".join(CASES),
        help="comma-separated subset of floor,dag,linear (default: all)",
    )
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per run (default 900)")
    args = ap.parse_args(argv)
    wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
    if not wanted or any(c not in CASES for c in wanted) or args.runs < 1:
        ap.error("--cases must be a subset of floor,dag,linear and --runs >= 1")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    repos = [str(Path(r)) for r in args.repos]
    if args.synthetic is not None or not repos:
        repos.append(ensure_synthetic(args.synthetic or DEFAULT_SYNTH, log))
    header = machine_info()
    load_before = os.getloadavg()
    results = [bench_repo(repo, args.runs, wanted, args.timeout, log) for repo in repos]
    load_after = os.getloadavg()
    lines = [
        *header,
        f"load average: before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        "(above ~0.5 means something else was running: treat the figures with care)",
    ]
    lines += report(results, args.runs)
    print("\n".join(lines))
    failed = any(
        r.error is not None or any(c.error is not None for c in r.cases.values()) for r in results
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
