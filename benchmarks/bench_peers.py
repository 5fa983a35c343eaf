#!/usr/bin/env python3
"""Time `busfactor scan` side by side with peers on the same repositories.

Usage: ``python benchmarks/bench_peers.py [REPO ...] [--runs 3] [--timeout 600] [--synthetic DIR]``

Peers (installed on demand into their own virtualenv, ``--peers-venv``, default
``benchmarks/work/peers-venv``, with ``pip install truckfactor pydriller git-fame``):

* busfactor:   ``python -m busfactor scan REPO --format json --output TMP`` (this interpreter,
  the project's ``src/`` on ``PYTHONPATH``);
* truckfactor: the PyPI ``truckfactor`` package's ``truckfactor REPO --output=csv`` (one
  ``git log --numstat``, pandas, owner = most lines added per file, greedy truck factor);
* pydriller:   ``benchmarks/peer_pydriller.py REPO --output TMP``: PyDriller's
  ``Repository.traverse_commits()`` collecting busfactor's DOA inputs (creator, commits and
  deliveries per author for every file at HEAD);
* git-fame:    ``git-fame --silent-progress --format json REPO`` (``git blame`` of every file at
  HEAD, surviving lines, commits and files per author).

Every tool reads the same repository: a non-bare local clone in ``--clone-dir`` (default
``benchmarks/work/clones/NAME``, made with ``git clone --no-hardlinks`` and reused while its HEAD
matches), because truckfactor, git-fame and PyDriller want a work tree; ``--in-place`` uses
work trees as given. Sources are only read.

Per repository: one warm-up run per tool, then ``--runs`` rounds (busfactor, truckfactor,
pydriller, git-fame, busfactor, ...). Each run is one child process in its own session, timed
by wall clock from spawn to reap; CPU (user + sys) and peak RSS come from ``os.wait4``
(``ru_maxrss``: the largest single process of the tree that was waited for, so git's mmap'ed
pack pages count for whoever ran git). A run longer than ``--timeout`` kills the child's whole
process group and the tool is reported as ``timeout >N s`` and not run again on that
repository. A tool whose warm-up took more than ``--single-above`` seconds is not repeated: its
warm-up is its one sample (``n=1`` in the table). Figures are medians; ``x busfactor`` is the
median of the per-round ratios to busfactor's run of the same round (for single-sample tools:
their one run over busfactor's median); ``cpu x busfactor`` is the ratio of the CPU medians.
Nothing is asserted; the exit code is 0 when every tool ran (timeouts included), 1 when one
failed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# benchmarks/ is not a package: import bench_scan's helpers from beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import (
    DEFAULT_SYNTH,
    Sample,
    busfactor_env,
    ensure_synthetic,
    git_out,
    machine_info,
    repo_stats,
)

BENCH_DIR = Path(__file__).resolve().parent
WORK = BENCH_DIR / "work"
DEFAULT_VENV = WORK / "peers-venv"
DEFAULT_CLONES = WORK / "clones"
PEER_PACKAGES = ("truckfactor", "pydriller", "git-fame")
TOOLS = ("busfactor", "truckfactor", "pydriller", "git-fame")
WHAT = {
    "busfactor": "DOA per file (DAG history walk), truck factor, components, findings",
    "truckfactor": "owner per file = most lines added (git log --numstat), greedy truck factor",
    "pydriller": "DOA inputs per file (creator, commits, deliveries per author), no analysis",
    "git-fame": "git blame of every file at HEAD: surviving lines, commits, files per author",
}


class RunError(Exception):
    pass


class Timeout(RunError):
    pass


@dataclass
class Tool:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    cwd: Path | None = None
    stdout: Path | None = None
    scratch: Path | None = None
    """Emptied before every run (truckfactor's TMPDIR)."""
    samples: list[Sample] = field(default_factory=list)
    status: str = "ok"
    failed: bool = False


@dataclass
class RepoResult:
    name: str
    source: str
    path: str
    stats: str
    tools: dict[str, Tool]
    error: str | None = None


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_once(tool: Tool, timeout: float) -> Sample:
    """One child process in its own session; wall clock spawn..reap, rusage from wait4."""
    if tool.scratch is not None:
        shutil.rmtree(tool.scratch, ignore_errors=True)
        tool.scratch.mkdir(parents=True)
    with tempfile.TemporaryFile() as err:
        out = tool.stdout.open("wb") if tool.stdout is not None else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(
                tool.argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=tool.env,
                cwd=tool.cwd,
                start_new_session=True,
            )
            expired = threading.Event()

            def kill() -> None:
                expired.set()
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
            finally:
                timer.cancel()
            proc.returncode = code = os.waitstatus_to_exitcode(status)
        finally:
            if not isinstance(out, int):
                out.close()
        if expired.is_set():
            with contextlib.suppress(ProcessLookupError):  # what the child left in its group
                os.killpg(proc.pid, signal.SIGKILL)
            raise Timeout(f"timeout >{timeout:g} s")
        if code != 0:
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").strip().splitlines()
            why = lines[-1] if lines else "(no stderr)"
            if code < 0:
                why = f"killed by signal {-code}"
            raise RunError(f"exit code {code}: {why}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def ensure_peers(venv: Path, install: bool) -> Path:
    """The peers' virtualenv, created (and the three packages installed) on first use."""
    python = venv / "bin" / "python"
    ready = python.exists() and all(
        (venv / "bin" / exe).exists() for exe in ("truckfactor", "git-fame")
    )
    if ready:
        probe = subprocess.run(
            [str(python), "-c", "import pydriller, truckfactor, gitfame"],
            capture_output=True,
            check=False,
        )
        ready = probe.returncode == 0
    if not ready:
        if not install:
            raise SystemExit(f"bench_peers.py: no usable peers virtualenv at {venv} (--no-install)")
        log(f"creating the peers virtualenv {venv}: pip install {' '.join(PEER_PACKAGES)}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)
    return venv


def peer_versions(venv: Path) -> str:
    code = (
        "from importlib.metadata import version as v; "
        f"print(', '.join(f'{{p}} {{v(p)}}' for p in {PEER_PACKAGES!r}))"
    )
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or f"unknown ({done.stderr.strip()[-200:]})"


def short_name(repo: Path) -> str:
    """flask for /work/.mirror/pallets+flask/repo, synth for benchmarks/work/synth."""
    path = repo.resolve()
    name = path.parent.name if path.name in ("repo", ".git") else path.name
    return name.removesuffix(".git").rsplit("+", 1)[-1] or "repo"


def is_work_tree(repo: Path) -> bool:
    try:
        return git_out(str(repo), "rev-parse", "--is-inside-work-tree") == "true"
    except (subprocess.CalledProcessError, OSError):
        return False


def prepare_repo(source: Path, clones: Path, in_place: bool) -> Path:
    """The work tree every tool reads: the source itself, or a clone of it."""
    if in_place:
        if not is_work_tree(source):
            raise RunError(f"{source} is not a work tree (drop --in-place to clone it)")
        return source
    head = git_out(str(source), "rev-parse", "HEAD")
    target = clones / short_name(source)
    if target.exists():
        try:
            if git_out(str(target), "rev-parse", "HEAD") == head and is_work_tree(target):
                log(f"reusing clone {target} at {head[:12]}")
                return target
        except subprocess.CalledProcessError:
            pass
        log(f"{target} is stale or not a clone of {source}: re-cloning")
        shutil.rmtree(target)
    clones.mkdir(parents=True, exist_ok=True)
    log(f"cloning {source} -> {target}")
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(source), str(target)], check=True
    )
    if git_out(str(target), "rev-parse", "HEAD") != head:
        raise RunError(f"clone of {source} is not at its HEAD {head}")
    return target


def make_tools(repo: Path, venv: Path, tmp: Path, wanted: list[str]) -> dict[str, Tool]:
    bin_dir = venv / "bin"
    tools: dict[str, Tool] = {}
    for name in wanted:
        if name == "busfactor":
            argv = [sys.executable, "-m", "busfactor", "scan", str(repo), "--format", "json"]
            argv += ["--output", str(tmp / "busfactor.json"), "--no-cache"]  # cold, as peers
            tools[name] = Tool(name, argv, env=busfactor_env())
        elif name == "truckfactor":
            # It writes its CSVs into tempfile.gettempdir() and refuses to run inside a git
            # work tree: a scratch TMPDIR and a neutral cwd.
            scratch = tmp / "truckfactor-tmp"
            env = dict(os.environ, TMPDIR=str(scratch))
            argv = [str(bin_dir / "truckfactor"), str(repo), "--output=csv"]
            tools[name] = Tool(name, argv, env, cwd=tmp, stdout=tmp / "truckfactor.csv")
            tools[name].scratch = scratch
        elif name == "pydriller":
            argv = [str(bin_dir / "python"), str(BENCH_DIR / "peer_pydriller.py"), str(repo)]
            argv += ["--output", str(tmp / "pydriller.json")]
            tools[name] = Tool(name, argv, cwd=tmp)
        elif name == "git-fame":
            argv = [str(bin_dir / "git-fame"), "--silent-progress", "--format", "json", str(repo)]
            tools[name] = Tool(name, argv, cwd=tmp, stdout=tmp / "git-fame.json")
    return tools


def attempt(tool: Tool, timeout: float, label: str) -> Sample | None:
    try:
        sample = run_once(tool, timeout)
    except Timeout as exc:
        tool.status = str(exc)
        log(f"  {label} {tool.name}: {exc}")
        return None
    except (RunError, OSError) as exc:
        tool.status = f"failed: {exc}"
        tool.failed = True
        log(f"  {label} {tool.name}: {tool.status}")
        return None
    log(f"  {label} {tool.name}: {sample.wall:.2f} s, peak {sample.maxrss_kib / 1024:.0f} MiB")
    return sample


def bench_repo(
    source: Path,
    args: argparse.Namespace,
    venv: Path,
    wanted: list[str],
) -> RepoResult:
    name = short_name(source)
    try:
        repo = prepare_repo(source, args.clone_dir, args.in_place)
        stats = repo_stats(str(repo))
    except (RunError, subprocess.CalledProcessError, OSError) as exc:
        why = getattr(exc, "stderr", None) or str(exc)
        return RepoResult(name, str(source), "", "", {}, error=str(why).strip())
    log(f"{name}: {repo} ({stats})")
    with tempfile.TemporaryDirectory(prefix="bench_peers.") as tmpdir:
        tools = make_tools(repo, venv, Path(tmpdir), wanted)
        single: set[str] = set()
        for tool in tools.values():
            sample = attempt(tool, args.timeout, "warm-up")
            if sample is not None and sample.wall > args.single_above:
                tool.samples.append(sample)
                single.add(tool.name)
        for r in range(args.runs):
            for tool in tools.values():
                if tool.status != "ok" or tool.name in single:
                    continue
                sample = attempt(tool, args.timeout, f"run {r + 1}/{args.runs}")
                if sample is not None:
                    tool.samples.append(sample)
    return RepoResult(name, str(source), str(repo), stats, tools)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def ratio(tool: Tool, base: Tool | None) -> float | None:
    """Median of per-round ratios; a single-sample tool against busfactor's median."""
    if base is None or not base.samples or not tool.samples:
        return None
    if len(tool.samples) == 1:
        return tool.samples[0].wall / statistics.median(s.wall for s in base.samples)
    pairs = zip(tool.samples, base.samples, strict=False)
    return median([a.wall / b.wall for a, b in pairs if b.wall > 0])


def report(results: list[RepoResult], args: argparse.Namespace) -> list[str]:
    out = [
        "",
        f"Medians of up to {args.runs} alternating runs after 1 warm-up (tools slower than "
        f"{args.single_above:g} s: the warm-up is the one sample); timeout {args.timeout:g} s per "
        "run; x busfactor = median of per-round wall ratios; cpu x busfactor = ratio of the CPU "
        "medians (user + sys of the tree; steadier than wall time on a shared machine); peak = "
        "largest single-process RSS.",
    ]
    for res in results:
        out += ["", f"### {res.name}", ""]
        if res.error is not None:
            out.append(f"not measured: {res.error}")
            continue
        out += [
            f"{res.stats}; read from `{res.path}` (source `{res.source}`)",
            "",
            "| tool | wall s (median) | x busfactor | cpu s | cpu x busfactor | peak RSS MiB "
            "| n | status |",
            "|---|---|---|---|---|---|---|---|",
        ]
        base = res.tools.get("busfactor")
        base_cpu = median([s.cpu for s in base.samples]) if base is not None else None
        for tool in res.tools.values():
            walls = [s.wall for s in tool.samples]
            cpu = median([s.cpu for s in tool.samples])
            peak = max((s.maxrss_kib for s in tool.samples), default=None)
            rel = ratio(tool, base)
            cells = [
                tool.name,
                "n/a" if not walls else f"{statistics.median(walls):.2f}",
                "n/a" if rel is None else f"{rel:.1f}x",
                "n/a" if cpu is None else f"{cpu:.2f}",
                "n/a" if cpu is None or not base_cpu else f"{cpu / base_cpu:.1f}x",
                "n/a" if peak is None else f"{peak / 1024:.0f}",
                str(len(walls)),
                tool.status,
            ]
            out.append("| " + " | ".join(cells) + " |")
    out += ["", "Details (wall min / median / max s):"]
    for res in results:
        for tool in res.tools.values():
            walls = [s.wall for s in tool.samples]
            if walls:
                out.append(
                    f"  {res.name} {tool.name:<11} {min(walls):.2f} / "
                    f"{statistics.median(walls):.2f} / {max(walls):.2f} (n={len(walls)})"
                )
    out += ["", "What each tool computes:"]
    out += [f"  {name}: {WHAT[name]}" for name in TOOLS]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repos", nargs="*", metavar="REPO", type=Path, help="git repositories")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool (default 3)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per run (default 600)")
    ap.add_argument(
        "--single-above",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="tools whose warm-up took longer are not repeated (default 120)",
    )
    ap.add_argument(
        "--synthetic",
        type=Path,
        metavar="DIR",
        help=f"also bench the synthetic repository in DIR (default with no REPO: {DEFAULT_SYNTH})",
    )
    ap.add_argument("--tools", default=",".join(TOOLS), help="subset of " + ",".join(TOOLS))
    ap.add_argument("--peers-venv", type=Path, default=DEFAULT_VENV, metavar="DIR")
    ap.add_argument("--no-install", action="store_true", help="never create the peers venv")
    ap.add_argument("--clone-dir", type=Path, default=DEFAULT_CLONES, metavar="DIR")
    ap.add_argument("--in-place", action="store_true", help="use work trees as given, no clone")
    args = ap.parse_args(argv)
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    if not wanted or any(t not in TOOLS for t in wanted) or args.runs < 1:
        ap.error(f"--tools must be a subset of {','.join(TOOLS)} and --runs >= 1")

    sources = list(args.repos)
    if args.synthetic is not None or not sources:
        sources.append(Path(ensure_synthetic(args.synthetic or DEFAULT_SYNTH, log)))
    venv = ensure_peers(args.peers_venv, not args.no_install)
    header = [*machine_info(), f"peers: {peer_versions(venv)} ({venv})"]
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = [bench_repo(source, args, venv, wanted) for source in sources]
    load_after = os.getloadavg()
    lines = [
        f"started: {started}",
        *header,
        f"load average: before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        "(above ~0.5 means something else was running: treat the figures with care)",
    ]
    lines += report(results, args)
    print("\n".join(lines))
    failed = any(r.error is not None or any(t.failed for t in r.tools.values()) for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
