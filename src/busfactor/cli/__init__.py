"""Command-line interface: `busfactor scan`, `busfactor graph`, `busfactor merge`, ...

Exit codes (the CLI's API): 0 success; 2 usage, configuration or repository error, or an
internal error (one `busfactor: error:` line on stderr, nothing on stdout); 130 interrupted
(Ctrl-C); 143 and 129 stopped by SIGTERM and SIGHUP (128 + the signal's number).
An organisation report (`scan` of several repositories, `merge`) exits 2 when any repository
failed, but still writes the report, each failure in it and on its own stderr line.
"""

from __future__ import annotations

import argparse
import errno
import gc
import io
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any, NoReturn

from busfactor import __version__
from busfactor.cli import diagnostics
from busfactor.cli.org import (
    add_merge_parser,
    add_org_scan_options,
    open_report_tui,
    org_scan_requested,
    run_org_scan,
)
from busfactor.errors import BusfactorError, RefusedError, RepositoryError, UsageError
from busfactor.stopping import Terminated, default_signals, stop_cleanly_on_signals


class ExitCode(IntEnum):
    """Documented exit codes."""

    OK = 0
    FINDINGS = 1
    ERROR = 2
    INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors, like every other busfactor error."""

    def error(self, message: str) -> NoReturn:
        hint = f"see: {self.prog} --help"
        word = re.match(r"argument COMMAND: invalid choice: '(.*)' \(choose from", message)
        if word is not None and _openable(Path(word[1])):  # `busfactor ~/src/app`
            hint = f"to open the app on it: {self.prog} tui {word[1]}"
        diagnostics.error(message, hint=hint)
        raise SystemExit(ExitCode.ERROR)


def _openable(path: Path) -> bool:
    """A repository folder or a report the terminal app opens."""
    try:
        return path.is_dir() or (path.suffix.lower() == ".json" and path.is_file())
    except OSError:
        return False


def _scan_options(
    parser: argparse.ArgumentParser,
    *,
    output: bool = True,
    path_help: str = "repository (default: .)",
) -> None:
    parser.add_argument("path", nargs="?", default=".", type=Path, help=path_help)
    parser.add_argument("--rev", help="analyse the history reaching REV and its files (HEAD)")
    parser.add_argument("--since", help="read only history after DATE (as git log --since)")
    parser.add_argument("--history", choices=["dag", "linear"], help="history model (dag)")
    parser.add_argument(
        "--merge-renames",
        choices=["exact", "inexact"],
        help="renames detected in merges' diffs (exact: fast; inexact: also renames with edits)",
    )
    parser.add_argument("--scope", choices=["all", "code"], help="files analysed (all)")
    parser.add_argument(
        "--no-default-excludes",
        dest="default_excludes",
        action="store_const",
        const=False,
        help="keep vendored, generated, lock, minified and binary files",
    )
    parser.add_argument("--config", type=Path, help="configuration file (.busfactor.toml)")
    parser.add_argument(
        "--anonymize",
        action="store_const",
        const=True,
        help="stable pseudonyms for every name and email (salt: [privacy] salt)",
    )
    parser.add_argument(
        "--redact-emails", action="store_const", const=True, help="pseudonyms for emails only"
    )
    if output:  # not for `init`, which writes .busfactor.toml where scans look for it
        parser.add_argument("--output", "-o", type=Path, help="write the report to FILE")
    # Both at once said nothing and scanned without a cache: one of them was a mistake.
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument(
        "--no-cache",
        dest="cache",
        action="store_const",
        const=False,
        help="neither read nor update the history cache",
    )
    cache.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep history caches in DIR (default: busfactor/ in the repository's git dir)",
    )


def _add_list(
    commands: argparse._SubParsersAction[Any], help: str, run: Callable[..., int]
) -> None:
    """`adr list` and `runbook list`: the scan's options, and a text or JSON list."""
    listing = commands.add_parser("list", help=help)
    _scan_options(listing)
    listing.add_argument("--format", choices=["text", "json"], default="text", help="list format")
    listing.set_defaults(run=run)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """All subcommands; argparse itself exits 2 on usage errors.

    Given the command line, only the command it names gets its options: the others are
    listed with their help, and their options (a tenth of a scan's start-up) are left out.
    """
    word = argv[0] if argv and not argv[0].startswith("-") else None

    def full(name: str) -> bool:
        return word is None or word == name

    parser = _Parser(
        prog="busfactor",
        description="Find single-person knowledge dependencies in a git repository.",
    )
    parser.add_argument("--version", action="version", version=f"busfactor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    scan = commands.add_parser("scan", help="analyse a repository and print a report")
    if full("scan"):
        _scan_options(scan)
        scan.add_argument(
            "--format", choices=["text", "json", "markdown"], default="text", help="report format"
        )
        add_org_scan_options(scan)
    scan.set_defaults(run=_run_scan)
    add_merge_parser(commands)
    graph = commands.add_parser("graph", help="export the ownership graph")
    if full("graph"):
        _scan_options(graph)
        graph.add_argument(
            "--format",
            choices=["graphml", "json"],
            default="json",
            help="json: networkx node-link data; graphml: for Gephi, yEd, networkx (json)",
        )
    graph.set_defaults(run=_run_graph)
    tui = commands.add_parser("tui", help="open the terminal app (also: busfactor alone)")
    if full("tui"):  # the scan's options, so the app scans what `busfactor scan` would
        _scan_options(tui, output=False, path_help="repository, or an org report .json (.)")
    tui.set_defaults(run=_run_tui)
    demo = commands.add_parser("demo", help="create a realistic demo repository and open it")
    demo.add_argument("--path", type=Path, help="where to create it (default: a new temp dir)")
    demo.add_argument("--no-tui", action="store_true", help="print its report instead")
    demo.set_defaults(run=_run_demo)
    init = commands.add_parser("init", help="write .busfactor.toml with what the scan detects")
    if full("init"):
        _scan_options(init, output=False)
        init.add_argument("--dry-run", action="store_true", help="print instead of writing")
    init.set_defaults(run=_run_init)
    check = commands.add_parser("check", help="CI gate: exit 1 when the policy is breached")
    if full("check"):
        _scan_options(check)
        check.add_argument(
            "--format",
            choices=["text", "json", "markdown", "sarif", "github", "gitlab", "junit"],
            default="text",
            help="text; json; markdown; sarif (code scanning); github (workflow annotations); "
            "gitlab (Code Quality report); junit (test report)",
        )
        check.add_argument(
            "--fail-on",
            choices=["warning", "error"],
            default="error",
            help="lowest finding severity that fails the check (error)",
        )
        check.add_argument("--exit-zero", action="store_true", help="exit 0 unless the run failed")
        check.add_argument(
            "--min-truck-factor",
            type=_count,
            metavar="N",
            help="fail when the truck factor is below N (overrides [policy] min_truck_factor)",
        )
        check.add_argument("--baseline", type=Path, metavar="FILE", help="report only new findings")
        check.add_argument(
            "--write-baseline",
            type=Path,
            metavar="FILE",
            help="also save this run's JSON report as the next baseline",
        )
        check.add_argument(
            "--allow-shallow", action="store_true", help="scan a shallow clone anyway"
        )
    check.set_defaults(run=_run_check)
    plan = commands.add_parser("plan", help="cross-training plan: who should learn what")
    if full("plan"):
        _scan_options(plan)
        plan.add_argument("--component", metavar="NAME", help="plan for one component only")
        plan.add_argument(
            "--max-per-person",
            type=int,
            default=2,
            metavar="N",
            help="suggestions any one person is in, as learner or mentor, at most (2)",
        )
        plan.add_argument(
            "--format", choices=["text", "markdown", "json"], default="text", help="report format"
        )
    plan.set_defaults(run=_run_plan)
    whatif = commands.add_parser("whatif", help="simulate people leaving")
    if full("whatif"):
        _scan_options(whatif)
        whatif.add_argument(
            "--without",
            action="append",
            required=True,
            metavar="ID",
            help="email, name or person id of someone who leaves (repeatable)",
        )
        whatif.add_argument(
            "--format", choices=["text", "json"], default="text", help="report format"
        )
    whatif.set_defaults(run=_run_whatif)
    owners = commands.add_parser("codeowners", help="CODEOWNERS from the actual authors")
    if full("codeowners"):
        owners_commands = owners.add_subparsers(
            dest="owners_command", metavar="COMMAND", required=True
        )
        suggest = owners_commands.add_parser(
            "suggest", help="print a CODEOWNERS draft from who really authors each component"
        )
        _scan_options(suggest)
        suggest.set_defaults(run=_run_codeowners_suggest)
    adr = commands.add_parser("adr", help="architecture decision records")
    if full("adr"):
        adr_commands = adr.add_subparsers(dest="adr_command", metavar="COMMAND", required=True)
        _add_list(adr_commands, "list the decisions with status and authors", _run_adr_list)
        from busfactor.cli.scaffold import add_adr_new

        add_adr_new(adr_commands)
    runbook = commands.add_parser("runbook", help="runbooks")
    if full("runbook"):
        runbook_commands = runbook.add_subparsers(
            dest="runbook_command", metavar="COMMAND", required=True
        )
        _add_list(
            runbook_commands, "list the components with their runbook status", _run_runbook_list
        )
        from busfactor.cli.scaffold import add_runbook_new

        add_runbook_new(runbook_commands)
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    return {
        "rev": args.rev,
        "since": args.since,
        "history": args.history,
        "merge_renames": args.merge_renames,
        "scope": args.scope,
        "default_excludes": args.default_excludes,
        "anonymize": args.anonymize,
        "redact_emails": args.redact_emails,
        "cache": args.cache,
        # Relative to where the command runs (the config file's `dir` is the repository's).
        "cache_dir": str(Path(args.cache_dir).expanduser().absolute()) if args.cache_dir else None,
    }


def _report(  # type: ignore[no-untyped-def]
    args: argparse.Namespace, *, refuse_shallow: bool = False, coupling: bool = False
):
    from busfactor.pipeline import scan

    progress = diagnostics.ProgressLine()
    try:
        report = scan(
            args.path,
            config_file=args.config,
            overrides=_overrides(args),
            on_progress=progress,
            refuse_shallow=refuse_shallow,
            coupling=coupling,
        )
    finally:
        progress.clear()
    for warning in report.meta["warnings"]:
        diagnostics.warning(warning)
    _refuse_writing_over_what_the_scan_read(args, report.inputs)
    return report


def _refuse_writing_over_what_the_scan_read(
    args: argparse.Namespace, inputs: Sequence[Path]
) -> None:
    """`--output` or `--write-baseline` naming a file the scan found and read by itself (the
    configuration it discovered, a decision record, a runbook, CODEOWNERS, .mailmap) would
    replace it: refused, as for the files named on the command line."""
    for flag in ("--output", "--write-baseline"):
        target = getattr(args, flag[2:].replace("-", "_"), None)
        if not isinstance(target, Path) or str(target) == "-":
            continue
        for source in inputs:
            if source.exists() and _same_file(target, source):
                raise UsageError(
                    f"{flag} {target} would replace a file this scan read",
                    hint="write the report to another file",
                )


def _run_scan(args: argparse.Namespace) -> int:
    if org_scan_requested(args):
        return run_org_scan(args)
    args.path = Path(".") if args.path is None else args.path
    report = _report(args)
    # Imported after the scan, which loads their dependencies while git prints history.
    from busfactor.cli.output import write_report
    from busfactor.formats.json import render_json
    from busfactor.formats.markdown import render_markdown
    from busfactor.formats.text import render_text

    renderers = {"json": render_json, "markdown": render_markdown, "text": render_text}
    write_report(renderers[args.format](report), args.output)
    return ExitCode.OK


def _run_graph(args: argparse.Namespace) -> int:
    from busfactor.cli.output import write_report
    from busfactor.formats.graph_export import graphml_chunks, node_link_chunks

    report = _report(args)
    render = graphml_chunks if args.format == "graphml" else node_link_chunks
    write_report(render(report.graph), args.output)
    return ExitCode.OK


def _run_demo(args: argparse.Namespace) -> int:
    import tempfile

    if args.path is not None:
        return _demo(args, args.path, "")
    # Without --path the demo is a throw-away: every run left a repository in /tmp behind.
    with tempfile.TemporaryDirectory(prefix="busfactor-demo-") as scratch:
        return _demo(args, Path(scratch) / "repo", " (removed at exit: --path DIR keeps one)")


def _demo(args: argparse.Namespace, target: Path, kept: str) -> int:
    from busfactor.demo import make_demo

    repo = make_demo(target)
    diagnostics.note(f"demo repository: {repo}{kept}")
    if args.no_tui or not sys.stdout.isatty():
        from busfactor.cli.output import write_report
        from busfactor.formats.text import render_text
        from busfactor.pipeline import scan

        write_report(render_text(scan(repo)), None)
        return ExitCode.OK
    return _open_tui(repo, {})


_NEGATED = {"cache": "--no-cache", "default_excludes": "--no-default-excludes"}
"""Settings whose option turns them off, by the setting's name."""


def _run_tui(args: argparse.Namespace) -> int:
    overrides = _overrides(args)
    if args.path.suffix.lower() == ".json":
        given = [key for key, value in overrides.items() if value is not None]
        if given or args.config:
            key = given[0] if given else "config"
            option = _NEGATED.get(key, "--" + key.replace("_", "-"))
            raise UsageError(f"{option} is for a repository's scan, not a report ({args.path})")
        return open_report_tui(args.path)
    diagnostics.require_terminal()
    return _open_tui(args.path, overrides, args.config)


def _interactive() -> bool:
    """Someone at a terminal: `busfactor` alone opens the app, otherwise prints the help."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _inside_git_repository(path: Path) -> bool:
    """A work tree (`.git` here or above) or a git directory itself, such as a bare mirror,
    which `busfactor scan` reads as well. Looked up without starting git."""
    from busfactor.adapters.git import is_git_directory

    return any(
        (folder / ".git").exists() or is_git_directory(folder) for folder in (path, *path.parents)
    )


def _open_tui(path: Path, overrides: dict[str, object], config: Path | None = None) -> int:
    import importlib

    gc.enable()  # off for headless commands (see run); an app runs for hours
    default_signals()  # the app stops on them itself (ui.app), restoring the terminal
    try:  # deferred: headless commands never load Textual
        app = importlib.import_module("busfactor.ui.app")
    except ImportError:
        diagnostics.error("the terminal app is not available in this installation")
        return ExitCode.ERROR
    code: int = app.run_tui(path, overrides, config)
    return code


def _run_init(args: argparse.Namespace) -> int:
    from busfactor.scaffold import repository_root
    from busfactor.scaffold.init_config import detected_config, write_config

    if not args.dry_run:
        repository_root(args.path)  # a bare repository has no work tree to write into
    report = _report(args)
    root = Path(report.meta["repository"])
    config = detected_config(report, root, warn=diagnostics.warning)
    target, text = write_config(root, config, dry_run=args.dry_run)
    from busfactor.cli.output import write_text
    from busfactor.cli.scaffold import shown

    write_text(text if args.dry_run else f"{shown(target, Path.cwd())}\n")
    return ExitCode.OK


def _run_check(args: argparse.Namespace) -> int:
    from busfactor.cli.check import run_check

    report = _report(args, refuse_shallow=not args.allow_shallow)
    return run_check(args, report)


def _run_plan(args: argparse.Namespace) -> int:
    import json

    from busfactor.cli.output import write_report
    from busfactor.core.plan import make_plan, render_plan_markdown, render_plan_text
    from busfactor.errors import UsageError
    from busfactor.formats.text_safety import json_safe

    if args.max_per_person < 1:
        raise UsageError("--max-per-person must be at least 1")
    report = _report(args, coupling=True)
    names = {c["name"] for c in report.components()}
    if args.component is not None and args.component not in names:
        raise UsageError(f"--component {args.component}: no such component")
    plan = make_plan(
        report.graph,
        target_bus_factor=report.settings.target_bus_factor,
        max_per_person=args.max_per_person,
        component=args.component,
        leaving=report.leaving_ids(),
    )
    if args.format == "json":
        text = json.dumps(json_safe(plan), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        text = render_plan_markdown(plan, report.graph)
    else:
        text = render_plan_text(plan, report.graph)
    write_report(text, args.output)
    return ExitCode.OK


def _run_whatif(args: argparse.Namespace) -> int:
    from busfactor.cli.output import write_report
    from busfactor.core.whatif import UnknownPerson, resolve_people, simulate
    from busfactor.errors import UsageError
    from busfactor.formats.lists import render_whatif

    report = _report(args)
    try:
        people = resolve_people(report.graph, args.without)
    except UnknownPerson as error:
        hint = None
        if report.settings.anonymize or report.settings.redact_emails:
            hint = "people are pseudonyms under --anonymize and --redact-emails: name one as shown"
        raise UsageError(f"--without {error.wanted}: {error.why}", hint=hint) from None
    result = simulate(report.graph, people)
    write_report(render_whatif(report, result, args.format), args.output)
    return ExitCode.OK


def _run_codeowners_suggest(args: argparse.Namespace) -> int:
    from busfactor.cli.output import write_report
    from busfactor.core.ownership import suggestion

    if args.output is not None and args.output.exists():  # before the scan: nothing to lose
        raise RefusedError(
            f"{args.output}: already exists; a CODEOWNERS file is never replaced",
            hint="write the suggestion elsewhere and merge what you want by hand",
        )
    report = _report(args)
    owners = report.settings.owners
    if report.settings.anonymize:  # the handles findings show as pseudonyms, here too
        from busfactor.core.privacy import pseudonymize_handle

        salt = report.settings.privacy_salt
        owners = tuple((pseudonymize_handle(h, salt), emails) for h, emails in owners)
    write_report(suggestion(report.graph, owners), args.output)
    return ExitCode.OK


def _run_adr_list(args: argparse.Namespace) -> int:
    from busfactor.cli.output import write_report
    from busfactor.formats.lists import render_decisions

    write_report(render_decisions(_report(args), args.format), args.output)
    return ExitCode.OK


def _run_runbook_list(args: argparse.Namespace) -> int:
    from busfactor.cli.output import write_report
    from busfactor.formats.lists import render_runbooks

    write_report(render_runbooks(_report(args), args.format), args.output)
    return ExitCode.OK


def _count(text: str) -> int:
    """A whole number, 0 or more (argparse reports the error)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {text!r}")
    return value


def _list_file(given: str | None) -> Path | None:
    """`--repos-from`'s file; None for none, or for `-` (standard input)."""
    return None if given in (None, "-") else Path(given)


def _refuse_writing_over_inputs(args: argparse.Namespace) -> None:
    """`--output` or `--write-baseline` naming a file the command reads (its configuration,
    baseline, repository list, merged reports, a path given as a repository) or each other
    would replace it: refused."""
    inputs = [
        ("--config", getattr(args, "config", None)),
        ("--baseline", getattr(args, "baseline", None)),
        ("--repos-from", _list_file(getattr(args, "repos_from", None))),
        *(("a merged report", report) for report in getattr(args, "reports", None) or ()),
        *(
            ("a repository argument", Path(repo))
            for repo in [getattr(args, "path", None), *(getattr(args, "more_paths", None) or ())]
            if repo is not None
        ),
    ]
    outputs = [
        ("--output", getattr(args, "output", None)),
        ("--write-baseline", getattr(args, "write_baseline", None)),
    ]
    for position, (flag, target) in enumerate(outputs):
        if not isinstance(target, Path):
            continue
        for name, source in [*inputs, *outputs[position + 1 :]]:
            if flag == "--write-baseline" and name == "--baseline":
                continue  # the same file for both is a ratchet: read the old, write the new
            if isinstance(source, Path) and _same_file(target, source):
                raise UsageError(f"{flag} {target} would replace {name} {source}")


def _refuse_replacing_unsaved_edits(output: Path | None) -> None:
    """`--output` naming a file git tracks whose edits are not in git yet: replacing it would
    lose them, as `git checkout` refuses to. An untracked file, or a tracked one that git
    could give back, is replaced (regenerating a committed report is the common case)."""
    if output is None or str(output) == "-":
        return
    target = output.resolve() if output.is_symlink() else output
    if not target.is_file():
        return
    from busfactor.adapters.git import GitRepository

    try:
        with GitRepository(target.parent) as repo:
            unsaved = repo.unsaved_edits(target)
    except RepositoryError:  # not in a repository (or git cannot say): nothing to lose to it
        return
    if unsaved:
        raise UsageError(
            f"--output {output}: the file has changes git does not have yet, which the report "
            "would replace",
            hint="commit or stash them first, or give another --output",
        )


def _same_file(left: Path, right: Path) -> bool:
    try:
        return left.resolve() == right.resolve() or (
            left.exists() and right.exists() and os.path.samefile(left, right)
        )
    except OSError:
        return False


_MORE_POSITIONALS = {"scan": "more_paths", "merge": "reports"}
"""Commands whose last positional takes many values, and its destination."""


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """`parse_args`, except that more repositories or reports may follow an option:
    argparse fills a positional list once, so `scan a --format json b` was refused as
    "unrecognized arguments: b" (`parse_intermixed_args` cannot run with subcommands)."""
    args, extra = parser.parse_known_args(argv)
    dest = _MORE_POSITIONALS.get(args.command or "")
    late = getattr(args, "path_after_options", False) and args.path is None
    if extra and dest is not None and not any(word.startswith("-") for word in extra):
        setattr(args, dest, [*getattr(args, dest), *map(Path, extra)])
    elif late and len(extra) == 1 and not extra[0].startswith("-"):
        args.path = Path(extra[0])  # `adr new T --dry-run REPO`
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run one command, turn known errors into one line and exit code 2."""
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = _parse(parser, argv)
    if args.command is None:
        if not _interactive():
            parser.print_help(sys.stdout)
            return ExitCode.OK
        if not _inside_git_repository(Path.cwd()):
            diagnostics.error("not inside a git repository", hint="try the demo: busfactor demo")
            return ExitCode.ERROR
        return _open_tui(Path.cwd(), {})
    try:
        _refuse_writing_over_inputs(args)
        if args.command not in ("adr", "runbook"):  # theirs names a new record, never replaced
            _refuse_replacing_unsaved_edits(getattr(args, "output", None))
        code: int = args.run(args)
        return code
    except BusfactorError as error:
        diagnostics.error(error.message, error.hint)
        return error.exit_code
    except KeyboardInterrupt as stop:
        return _stopped(stop)
    except BrokenPipeError:
        return ExitCode.OK
    except OSError as error:  # the machine's, not ours: a full disk, a vanished directory
        where = f" ({error.filename})" if error.filename else ""
        diagnostics.error(f"{error.strerror or error}{where}")
        return ExitCode.ERROR
    except Exception as error:  # never a traceback for the user; BUSFACTOR_DEBUG shows it
        if os.environ.get("BUSFACTOR_DEBUG"):
            raise
        diagnostics.error(
            f"internal error: {type(error).__name__}: {error}",
            hint="please report this with BUSFACTOR_DEBUG=1 set, which shows the traceback",
        )
        return ExitCode.ERROR


def _stopped(stop: KeyboardInterrupt) -> int:
    """One line for Ctrl-C, SIGTERM or SIGHUP, and the exit code that says which."""
    if isinstance(stop, Terminated):
        diagnostics.error(f"stopped by {signal.Signals(stop.signum).name}")
        return 128 + stop.signum
    diagnostics.error("interrupted")
    return ExitCode.INTERRUPTED


def run() -> None:
    """Console-script entry point (through busfactor.console, which catches a Ctrl-C while
    this module loads).

    A headless command ends the process as soon as its output is flushed: freeing a scan's
    graph and counts object by object at shutdown cost 0.08 s of a 1.2 s rescan of the
    synthetic repository, and nothing is left to run by then (output files, the cache and
    every git process are closed inside the command). The TUI, a command that leaves a
    thread or a worker process behind (an organisation scan stopped with Ctrl-C), and a run
    under a profiler or coverage exit the usual way, which waits for them and lets them
    write their results.

    For the same reason the cyclic collector stays off: a headless command builds big
    acyclic structures and ends, and collecting them after the scan's own pause
    (core/gc_pause.py) cost 0.05 s of that rescan. The terminal app turns it back on.
    """
    gc.disable()
    stop_cleanly_on_signals()
    _fill_closed_standard_streams()
    try:
        code = main()
    except KeyboardInterrupt as stop:  # while the parser is built, before main's own handler
        code = _stopped(stop)
    waited_for = _threads_left() or _worker_processes() or _observed()
    if waited_for or "textual" in sys.modules:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`busfactor scan | head`): the reader has what it wanted
        pass
    os._exit(code)


class _ClosedOutput(io.TextIOBase):
    """Standard output the caller closed (`busfactor scan >&-`): a report written to it is one
    error line, not an AttributeError on None."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed: give --output FILE")

    @property
    def buffer(self) -> _ClosedOutput:
        return self


def _fill_closed_standard_streams() -> None:
    """Put /dev/null on a standard descriptor the caller closed, before anything is opened:
    the cache database or a git pipe would otherwise get that number, and whatever writes to
    it next (a child process inheriting it) would write there. Python leaves `sys.stdout` or
    `sys.stderr` as None then; stderr becomes /dev/null (the messages have nowhere to go,
    the exit code still tells), stdout refuses the report with one line."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            held = os.open(os.devnull, os.O_RDWR)
            if held != fd:
                os.dup2(held, fd)
                os.close(held)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()


def _observed() -> bool:
    """A profiler, tracer or coverage tool is watching: they write their results at exit."""
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12+
    if monitoring is not None and any(monitoring.get_tool(tool) for tool in range(6)):
        return True
    return "coverage" in sys.modules


def _threads_left() -> bool:
    """A thread other than the main one that must finish. Daemon threads need not: the
    scan's early imports (pipeline.AFTER_HISTORY) may still run after a command that failed
    before it needed them."""
    main = threading.main_thread()
    return any(t is not main and not t.daemon for t in threading.enumerate())


def _worker_processes() -> bool:
    """Whether an organisation scan's worker processes are still alive."""
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is not None and bool(multiprocessing.active_children())
