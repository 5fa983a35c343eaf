"""Organisation scale: `busfactor scan REPO REPO ...`, `busfactor merge REPORT.json ...`, and
`busfactor tui ORG-REPORT.json`.

Exit codes: 0 every repository was scanned; 2 at least one failed (the report is still
written, each failure on its line of it, and one `busfactor: error:` line per failure on
stderr), or the run itself failed (bad usage, a report `merge` cannot read: nothing on stdout).
"""

from __future__ import annotations

import argparse
import gc
from dataclasses import replace
from pathlib import Path
from typing import Any

from busfactor.cli import diagnostics
from busfactor.errors import UsageError
from busfactor.stopping import default_signals

__all__ = [
    "add_merge_parser",
    "add_org_scan_options",
    "open_report_tui",
    "org_scan_requested",
    "run_org_scan",
]

OK, ERROR = 0, 2
"""`ExitCode.OK` and `ExitCode.ERROR`."""


def add_org_scan_options(scan: argparse.ArgumentParser) -> None:
    """More repositories, a list file and parallelism for `scan` (one REPO: a plain scan)."""
    scan.set_defaults(path=None)  # None: no REPO given (a plain scan then reads ".")
    scan.add_argument(
        "more_paths",
        nargs="*",
        type=Path,
        metavar="REPO",
        help="more repositories: one organisation report for all of them",
    )
    scan.add_argument(
        "--repos-from",
        type=str,  # not a Path: `./-` (a file) would become `-` (standard input)
        metavar="FILE",
        help="repositories to scan, one path per line (# comments; relative to FILE); "
        "- reads them from standard input",
    )
    scan.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="repositories scanned in parallel (min(4, CPUs))",
    )
    _identity_option(scan)


def _identity_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-merge-by-name",
        dest="merge_by_name",
        action="store_false",
        help="organisation reports: match people across repositories by email only",
    )


def add_merge_parser(commands: argparse._SubParsersAction[Any]) -> None:
    """`merge REPORT.json ...`: per-repository JSON reports (e.g. from CI jobs) into one."""
    merge = commands.add_parser(
        "merge", help="combine per-repository JSON reports into an organisation report"
    )
    merge.add_argument(
        "reports", nargs="+", type=Path, metavar="REPORT", help="busfactor scan --format json"
    )
    merge.add_argument(
        "--format", choices=["text", "json", "markdown"], default="text", help="report format"
    )
    merge.add_argument("--output", "-o", type=Path, help="write the report to FILE")
    _identity_option(merge)
    merge.set_defaults(run=run_merge)


def org_scan_requested(args: argparse.Namespace) -> bool:
    """Several repositories, or a list of them: an organisation scan."""
    return bool(args.more_paths) or args.repos_from is not None


def _repositories(args: argparse.Namespace) -> dict[Path, int]:
    from busfactor.orgscan import read_repos_file, unique_paths

    given = ([args.path] if args.path is not None else []) + list(args.more_paths)
    if args.repos_from is not None:
        given += read_repos_file(args.repos_from)
    if not given:
        raise UsageError(f"--repos-from {args.repos_from}: lists no repository")
    return unique_paths(given)


def run_org_scan(args: argparse.Namespace) -> int:
    """Scan every repository (in parallel), merge, write one organisation report."""
    from busfactor.cli import _overrides
    from busfactor.core.model import Progress
    from busfactor.orgscan import default_jobs, scan_repositories

    jobs = default_jobs() if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    counts = _repositories(args)
    paths = list(counts)
    if args.config is not None:  # a bad file is one error, not every repository failing
        from busfactor.adapters.config import load_settings

        load_settings(Path.cwd(), args.config)
    progress = diagnostics.ProgressLine()
    try:
        results = scan_repositories(
            paths,
            config_file=args.config,
            overrides=_overrides(args),
            jobs=jobs,
            on_done=lambda done, total: progress(
                Progress(f"scanned {done} of {total} repositories")
            ),
        )
    finally:
        progress.clear()
    given = counts.values()  # results come in the order of the paths, which is the counts'
    return _write([replace(r, given=n) for r, n in zip(results, given, strict=True)], args)


def run_merge(args: argparse.Namespace) -> int:
    """Read per-repository reports, merge, write one organisation report."""
    from busfactor.orgscan import read_reports

    return _write(read_reports(args.reports), args)


def _write(results: list[Any], args: argparse.Namespace) -> int:
    from busfactor.cli.output import write_report
    from busfactor.core.org import merge_reports
    from busfactor.formats.org import render_org_json, render_org_markdown, render_org_text

    merged = merge_reports(results, merge_by_name=args.merge_by_name)
    for note in merged.notes:
        diagnostics.note(note)
    report = merged.report
    renderers = {"json": render_org_json, "markdown": render_org_markdown, "text": render_org_text}
    write_report(renderers[args.format](report), args.output)
    for repo in report["repositories"]:
        for warning in repo["warnings"]:
            diagnostics.warning(f"{repo['name']}: {warning}")
    for warning in report["warnings"]:
        diagnostics.warning(warning)
    failed = [repo for repo in report["repositories"] if repo["error"] is not None]
    for repo in failed:
        diagnostics.error(f"{repo['name']}: {repo['error']}")
    return ERROR if failed else OK


def open_report_tui(path: Path) -> int:
    """`busfactor tui ORG.json`: the organisation report in its own small app."""
    import importlib

    from busfactor.orgscan import read_org_report

    report = read_org_report(path)
    diagnostics.require_terminal()  # after the report's own errors, which need none
    try:  # deferred: headless commands never load Textual
        ui = importlib.import_module("busfactor.ui.org")
    except ImportError:
        diagnostics.error("the terminal app is not available in this installation")
        return ERROR
    gc.enable()  # off for headless commands (cli.run); an app runs for hours
    default_signals()  # the app stops on them itself (ui.signals), restoring the terminal
    code: int = ui.run_org_tui(report, title=path.name)
    return code
