"""Organisation scans: many repositories scanned in parallel processes, or their JSON reports
read back, then merged by `core.org.merge_reports`.

Each worker runs `pipeline.scan` and renders exactly what `busfactor scan --format json`
prints, so a local multi-repository scan and `busfactor merge` of CI jobs' reports go
through the same parsing and the same merge.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from busfactor.adapters.json_files import read_json
from busfactor.core.org import RepoResult
from busfactor.core.org_input import check_org_report, check_scan_report
from busfactor.errors import BusfactorError, UsageError
from busfactor.stopping import Terminated, stop_cleanly_on_signals

Outcome = tuple[str | None, str | None]
"""(the JSON report, None) or (None, the one-line error)."""


def default_jobs() -> int:
    """Parallel scans when `--jobs` is not given: the CPUs, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def read_repos_file(source: str) -> list[Path]:
    """One path per line; blank lines and `#` comments skipped; relative to the file's folder.
    `-` is standard input (`find ~/src -name .git -prune | busfactor scan --repos-from -`),
    its paths relative to the working folder; a file named `-` is `./-`."""
    from_stdin = source == "-"
    file = Path(source)
    try:
        if from_stdin:
            raw = sys.stdin.buffer.read(MAX_REPOS_FILE + 1)
        else:
            with file.open("rb") as stream:
                raw = stream.read(MAX_REPOS_FILE + 1)  # /dev/zero given by mistake ends here
        text = raw.decode("utf-8-sig")  # an editor's byte order mark is not a path
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise UsageError(f"--repos-from {file}: cannot read ({reason})") from None
    if len(raw) > MAX_REPOS_FILE:
        raise UsageError(f"--repos-from {file}: larger than 16 MiB, not a list of paths")
    base = Path.cwd() if from_stdin else file.parent
    paths = []
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.strip()
        if entry and not entry.startswith("#"):
            try:
                paths.append(base / Path(entry).expanduser())
            except RuntimeError:  # `~nosuchuser/x`
                raise UsageError(f"--repos-from {file}:{number}: no such user's home") from None
    return paths


MAX_REPOS_FILE = 16 << 20


def unique_paths(paths: Sequence[Path]) -> dict[Path, int]:
    """Paths resolved, each kept once (first occurrence), with how often it was given. The
    merge says so, once per repository: `api`, `api/` and `api/.git` are one repository,
    found to be one only once scanned."""
    seen: dict[Path, int] = {}
    for path in paths:
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError, ValueError) as error:  # a link loop, a NUL, too long
            reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise UsageError(f"{str(path)[:200]}: not a usable path ({reason})") from None
        seen[resolved] = seen.get(resolved, 0) + 1
    return seen


def scan_one(
    path: str,
    config_file: str | None,
    overrides: Mapping[str, Any],
    cancel: threading.Event | None = None,
) -> Outcome:
    """In a worker: (the JSON report as `scan --format json` writes it, None) or (None, error)."""
    from busfactor.formats.json import render_json
    from busfactor.pipeline import scan

    try:
        report = scan(
            Path(path),
            config_file=Path(config_file) if config_file else None,
            overrides=overrides,
            cancel=cancel,
        )
        return render_json(report), None
    except BusfactorError as error:
        return None, error.message
    except Exception as error:  # one broken repository must not stop the others
        return None, f"internal error: {type(error).__name__}: {error}"


def scan_repositories(
    paths: Sequence[Path],
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    jobs: int = 1,
    on_done: Callable[[int, int], None] = lambda done, total: None,
) -> list[RepoResult]:
    """Scan each repository (in `jobs` processes when more than one); results in input order."""
    config = str(config_file) if config_file is not None else None
    given = dict(overrides or {})
    outcomes: list[Outcome] = []
    if jobs <= 1 or len(paths) <= 1:
        for index, path in enumerate(paths):
            outcomes.append(scan_one(str(path), config, given))
            on_done(index + 1, len(paths))
    else:
        outcomes = _in_processes(paths, config, given, min(jobs, len(paths)), on_done)
    return [_result(path, *outcome) for path, outcome in zip(paths, outcomes, strict=True)]


def _in_processes(
    paths: Sequence[Path],
    config: str | None,
    overrides: dict[str, Any],
    jobs: int,
    on_done: Callable[[int, int], None],
) -> list[Outcome]:
    """Each repository in a process of its own, at most `jobs` at once.

    Not a process pool: a pool's worker that dies (the out-of-memory killer) breaks the whole
    pool and fails every repository, and a Ctrl-C that lands while a worker holds the pool's
    shared queue can leave the parent waiting forever. A process per repository fails only
    its own repository, and Ctrl-C only has to stop the processes that run.
    """
    # spawn, not fork: forking a process that runs threads (a test runner, a TUI) can deadlock.
    context = multiprocessing.get_context("spawn")
    outcomes: list[Outcome] = [(None, "not scanned")] * len(paths)
    waiting = list(reversed(list(enumerate(paths))))
    running: dict[int, tuple[BaseProcess, Connection]] = {}
    finished = 0
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                index, path = waiting.pop()
                running[index] = _start(context, str(path), config, overrides)
            watched = [part for pair in running.values() for part in (pair[1], pair[0].sentinel)]
            ready = set(wait(watched))
            for index, (process, receive) in list(running.items()):
                if receive not in ready and process.sentinel not in ready:
                    continue
                outcomes[index] = _collect(process, receive)
                del running[index]
                finished += 1
                on_done(finished, len(paths))
    except BaseException:  # Ctrl-C: stop what runs; nothing else has started
        for process, _ in running.values():
            process.terminate()
        for process, receive in running.values():
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
            receive.close()
        raise
    return outcomes


def _start(
    context: Any, path: str, config: str | None, overrides: dict[str, Any]
) -> tuple[BaseProcess, Connection]:
    """A scan process, started with Ctrl-C ignored until it can handle it quietly (a Ctrl-C
    during its start-up would print a traceback from multiprocessing's bootstrap)."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_worker, args=(send, path, config, overrides), name=f"busfactor scan {path}"
    )
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        with _safe_import_path():
            process.start()
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    send.close()
    return process, receive


@contextmanager
def _safe_import_path() -> Iterator[None]:
    """A scan process starts as `python -c`, which puts the current directory first on the
    import path until multiprocessing hands it ours, and imports multiprocessing meanwhile:
    a `multiprocessing/` folder in an untrusted repository we stand in would run.
    PYTHONSAFEPATH (Python 3.11) leaves the directory out; it is set while the process
    starts, so git and the caller's own processes see the environment they had."""
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


def _worker(send: Connection, path: str, config: str | None, overrides: dict[str, Any]) -> None:
    """In a scan process: Ctrl-C cancels the scan (its git processes stop on their own), the
    parent stops the process, and nothing is printed. SIGTERM, the parent's way to stop it,
    stops the scan where it stands, as Ctrl-C stops a scan in the foreground: its git
    processes end and its temporary directory goes (Python's default left both behind)."""
    cancel = threading.Event()
    signal.signal(signal.SIGINT, lambda signum, frame: cancel.set())
    stop_cleanly_on_signals()
    stopped: int | None = None
    try:
        send.send(scan_one(path, config, overrides, cancel))
    except Terminated as stop:
        stopped = stop.signum
    except OSError:  # the parent stopped listening (Ctrl-C)
        pass
    finally:
        send.close()
    if stopped is not None:  # cleaned up: now end as the signal would have, for the parent
        signal.signal(stopped, signal.SIG_DFL)
        os.kill(os.getpid(), stopped)


def _collect(process: BaseProcess, receive: Connection) -> Outcome:
    """A scan process's outcome; one that died before sending it fails its repository."""
    outcome: Outcome | None = None
    try:
        if receive.poll():
            outcome = receive.recv()
    except (EOFError, OSError):
        outcome = None
    finally:
        receive.close()
    process.join()
    if outcome is not None:
        return outcome
    return None, f"scan process died ({_exit_reason(process.exitcode)})"


def _exit_reason(code: int | None) -> str:
    """How a process ended, for a one-line error."""
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _result(path: Path, text: str | None, error: str | None) -> RepoResult:
    if text is None:
        return RepoResult.failed(str(path), error or "scan failed")
    return RepoResult.scanned(check_scan_report(json.loads(text), str(path)))


def read_reports(files: Sequence[Path]) -> list[RepoResult]:
    """`busfactor.scan/1` JSON reports from files; a one-line UsageError for anything else."""
    results = []
    for file in files:
        data = read_json(file, "a busfactor report")
        results.append(RepoResult.scanned(check_scan_report(data, str(file)), source=str(file)))
    return results


def read_org_report(path: Path) -> dict[str, Any]:
    """A `busfactor.org/1` report from a file, checked (`busfactor tui ORG.json`)."""
    return check_org_report(read_json(path, "a busfactor report"), str(path))
