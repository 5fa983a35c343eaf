"""`busfactor adr new` and `busfactor runbook new` (issue 4).

`add_adr_new(adr_commands)` and `add_runbook_new(runbook_commands)` add the `new` subcommand to
the `adr` and `runbook` subparsers; each run returns 0 or raises a BusfactorError.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from busfactor.cli.diagnostics import note, warning
from busfactor.cli.output import write_text
from busfactor.core.text_safety import valid_text
from busfactor.errors import BusfactorError, RefusedError, UsageError
from busfactor.scaffold import (
    ComponentFacts,
    component_facts,
    repository_root,
    user_name,
    writable_inside,
)

__all__ = ["add_adr_new", "add_runbook_new"]


COMMIT_NOTE = "scans read "
"""How the note that a new file counts once committed begins: a scan reads the revision, so
`adr list` right after `adr new` would not show the record. The terminal app says it in its
own words and leaves this note out."""


def _path_after(new: argparse.ArgumentParser) -> None:
    """The repository, after the title or component. argparse takes `TITLE [path]` as one
    group where the positionals first appear, so `adr new T --dry-run REPO` was refused;
    the command line's parser (`_parse`) gives it a path left over after an option."""
    new.add_argument("path", nargs="?", type=Path, help="repository (default: .)")
    new.set_defaults(path_after_options=True)


def _repository(args: argparse.Namespace) -> Path:
    """The repository `_path_after` read, `.` when none was given."""
    return Path(".") if args.path is None else Path(args.path)


def add_adr_new(adr_commands: argparse._SubParsersAction[Any]) -> None:
    """`adr new TITLE [PATH] ...`."""
    new = adr_commands.add_parser(
        "new", help="write a new decision record in the folder's own style"
    )
    new.add_argument("title", metavar="TITLE", help="the decision's title")
    _path_after(new)
    new.add_argument(
        "--supersedes", action="append", default=[], metavar="ID", help="record it replaces"
    )
    new.add_argument("--links", action="append", default=[], metavar="ID", help="related record")
    new.add_argument("--status", default="proposed", help="status (default: proposed)")
    new.add_argument(
        "--template",
        choices=["madr", "nygard"],
        help="format for an empty folder (default: madr, MADR 4)",
    )
    new.add_argument("--dir", metavar="DIR", help="ADR folder, relative to the repository")
    new.add_argument("--component", metavar="NAME", help="component the decision is about")
    new.add_argument("--dry-run", action="store_true", help="print instead of writing")
    new.set_defaults(run=run_adr_new)


def add_runbook_new(runbook_commands: argparse._SubParsersAction[Any]) -> None:
    """`runbook new COMPONENT [PATH] ...`."""
    new = runbook_commands.add_parser(
        "new", help="write a runbook skeleton pre-filled from the ownership graph"
    )
    new.add_argument("component", metavar="COMPONENT", help="component name, as in the report")
    _path_after(new)
    new.add_argument("--output", "-o", type=Path, metavar="FILE", help="where to write it")
    new.add_argument("--dry-run", action="store_true", help="print instead of writing")
    new.set_defaults(run=run_runbook_new)


def _scan(root: Path) -> tuple[dict[str, Any], Any]:
    from busfactor.pipeline import scan

    report = scan(root)
    return report.to_dict(), report.graph


def _unknown(name: str, names: list[str]) -> UsageError:
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"closest: {', '.join(close)}" if close else None
    return UsageError(f"--component {name}: no such component", hint=hint)


def _component(given: str, names: list[str]) -> str | None:
    """The component `given` names: its name, or its name as reports show it (a name that is
    not UTF-8 is shown `bad\\xffdir`, and a person types it so)."""
    if given in names:
        return given
    shown = [name for name in names if valid_text(name) == given]
    return shown[0] if len(shown) == 1 else None


def _named_in(title: str, names: list[str]) -> str | None:
    """The component the title names (full name or last segment, whole words), longest first."""
    lowered = title.lower()
    for name in sorted(names, key=len, reverse=True):
        if name == "(root)":
            continue
        for candidate in (name, name.rsplit("/", 1)[-1]):
            pattern = r"(?<![\w/-])" + re.escape(candidate.lower()) + r"(?![\w/-])"
            if len(candidate) > 2 and re.search(pattern, lowered):
                return name
    return None


def _facts_for_adr(root: Path, title: str, component: str | None) -> ComponentFacts | None:
    try:
        data, graph = _scan(root)
    except BusfactorError:
        if component is not None:
            raise
        return None  # an empty repository has nothing to pre-fill
    names = [c["name"] for c in data.get("components", [])]
    if component is None:
        component = _named_in(title, names)
        if component is None:
            return None
    else:
        found = _component(component, names)
        if found is None:
            raise _unknown(component, names)
        component = found
    return component_facts(data, graph, component)


def _codeowners_entry(root: Path, graph: Any, component: str) -> str | None:
    """The CODEOWNERS rule that decides most of the component's files, as text."""
    from busfactor.core.codeowners import (
        detect_flavour,
        find_codeowners,
        owners_of,
        parse_codeowners,
    )
    from busfactor.scaffold import read_inside, working_files

    located = find_codeowners(set(working_files(root)))
    data = read_inside(root, located[0]) if located is not None else None
    if located is None or data is None:
        return None
    text = data.decode("utf-8", errors="replace")
    rules = parse_codeowners(text, path=located[0], flavour=detect_flavour(located[0], text))
    node = f"component:{component}"
    counts: dict[tuple[int, str, tuple[str, ...]], int] = {}
    for _, file_node in graph.out_edges(node):
        rule, owners = owners_of(rules, graph.nodes[file_node]["path"])
        if rule is not None and owners:
            key = (rule.line, rule.pattern, tuple(owners))
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    line, pattern, owners = max(counts, key=lambda key: (counts[key], -key[0]))
    return f"{located[0]}:{line} {pattern} {' '.join(owners)}"


def run_adr_new(args: argparse.Namespace) -> int:
    """Write the record (and the folder's first one), update superseded/linked records."""
    from busfactor.adapters.config import load_settings
    from busfactor.scaffold.adr_new import plan_adr, write_adr

    args.path = _repository(args)
    root = repository_root(args.path)
    settings = load_settings(root)
    chosen = args.dir is not None  # else a folder the scan finds, or its default docs/adr
    if args.dir is None and settings.adr.dirs:
        args.dir = settings.adr.dirs[0]
    facts = _facts_for_adr(root, args.title, args.component)
    deciders = list(settings.adr.decision_makers) or [user_name(root)]
    template = {None: None, "nygard": "nygard", "madr": "madr4"}[args.template]

    def make(attempt: int, minimum: int) -> Any:
        return plan_adr(
            root,
            args.title,
            directory=args.dir,
            template=template,
            status=args.status,
            deciders=deciders,
            facts=facts,
            supersedes=args.supersedes,
            links=args.links,
            attempt=attempt,
            minimum=minimum,
            start=args.path,
        )

    plan = write_adr(make, dry_run=args.dry_run, lock=root)
    for message in plan.warnings:
        warning(message)
    cwd = Path.cwd()
    if args.dry_run:
        for path, text in [*plan.creates, (plan.path, plan.text)]:
            write_text(f"==> {valid_text(shown(path, cwd))} (new) <==\n{text}\n")
        for path, data in plan.changes:
            write_text(f"==> {valid_text(shown(path, cwd))} (updated) <==\n")
            write_text(data.decode("utf-8") + "\n")
        return 0
    # stdout stays the new record's path alone (`$EDITOR "$(busfactor adr new ...)"`); what
    # else was written is said on stderr, so that no file changes unannounced.
    for path, _ in plan.creates:
        note(f"also created {shown(path, cwd)}")
    for path, _ in plan.changes:
        note(f"updated {shown(path, cwd)}")
    unseen = _folder_scans_miss(root, plan.path.parent, settings.adr.dirs) if chosen else None
    if unseen is not None:
        note(
            f"scans look for decision records in {unseen} only when told: add "
            f'[adr] dir = "{unseen}" to .busfactor.toml (or write that folder into an .adr-dir)'
        )
    others = " (and the files above)" if plan.creates or plan.changes else ""
    note(f"{COMMIT_NOTE}decision records from commits: commit this one{others} to see it counted")
    write_text(f"{shown(plan.path, cwd)}\n")
    return 0


def _folder_scans_miss(root: Path, folder: Path, configured: Sequence[str]) -> str | None:
    """The new record's folder (repository-relative) when a scan would not look in it, else
    None: `--dir` can name any folder, and the scan finds configured, declared or usual ones."""
    from busfactor.adapters.adr import find_adr_dirs
    from busfactor.scaffold import read_inside, working_files

    try:
        relative = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    relative = "" if relative == "." else relative
    found = find_adr_dirs(working_files(root), lambda path: read_inside(root, path), configured)
    return None if relative in found else relative or "."


def shown(path: Path, cwd: Path) -> str:
    """`path` as the other scaffolds print it: relative to `cwd` when inside it."""
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)


def run_runbook_new(args: argparse.Namespace) -> int:
    """Write the runbook skeleton (never over an existing file)."""
    from busfactor.scaffold.runbook_new import default_location, new_runbook_text, write_runbook

    root = repository_root(_repository(args))
    data, graph = _scan(root)
    names = [c["name"] for c in data.get("components", [])]
    component = _component(args.component, names)
    if component is None:
        raise UsageError(
            f"{args.component}: no such component",
            hint=_unknown(args.component, names).hint,
        )
    existing = next(c for c in data["components"] if c["name"] == component).get("runbook")
    if existing:
        raise RefusedError(
            f"{component}: already has a runbook, {existing}",
            hint="improve that one: busfactor runbook list says what it lacks",
        )
    pending = [
        r.path
        for r in _work_tree_runbooks(root, graph, [])
        if component in r.components and not r.external
    ]
    if pending:  # not committed yet, so not in the scan: a second one was written beside it
        raise RefusedError(
            f"{component}: {pending[0]} (not committed yet) is already its runbook",
            hint="commit it, or improve that one",
        )
    facts = component_facts(data, graph, component)
    entry = _codeowners_entry(root, graph, component)
    if entry is not None:
        facts = dataclasses.replace(facts, codeowners=entry)
    if args.output is not None:
        output = args.output if args.output.is_absolute() else Path.cwd() / args.output
        try:
            relative = output.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise UsageError(f"{args.output}: outside the repository") from None
        writable_inside(root, relative)  # not in git's own directory (a hook would run)
    else:
        relative = default_location(root, component, names)
    text = new_runbook_text(facts)
    target, text = write_runbook(root, relative, text, dry_run=args.dry_run)
    cwd = Path.cwd()
    if args.dry_run:
        write_text(f"==> {valid_text(shown(target, cwd))} (new) <==\n{text}")
        return 0
    if args.output is None or _scans_find_runbook(root, graph, component, relative):
        note(f"{COMMIT_NOTE}runbooks from commits: commit this one to see it counted")
    else:  # "commit this one to see it counted" was not so: it stayed missing
        usual = default_location(root, component, names)
        warning(
            f"scans will not take {relative} for {component}'s runbook there: link it in "
            f'.busfactor.toml ([runbooks] "{component}" = "{relative}") or move it to {usual}'
        )
    write_text(f"{shown(target, cwd)}\n")
    return 0


def _scans_find_runbook(root: Path, graph: Any, component: str, relative: str) -> bool:
    """Whether a scan of the work tree as it is would take `relative` for the component's
    runbook (its place, or the configuration's link)."""
    found = _work_tree_runbooks(root, graph, [relative])
    return any(runbook.path == relative and component in runbook.components for runbook in found)


def _work_tree_runbooks(root: Path, graph: Any, extra: list[str]) -> list[Any]:
    """The runbooks a scan would find were the work tree committed as it is (plus `extra`
    paths, about to be written), for the graph's components."""
    from busfactor.adapters.config import load_settings
    from busfactor.adapters.runbooks import find_runbooks
    from busfactor.scaffold import read_inside, working_files

    members = {  # only `contains` edges leave a component
        str(data["name"]): [str(graph.nodes[f]["path"]) for _, f in graph.out_edges(node)]
        for node, data in graph.nodes(data=True)
        if data.get("kind") == "component"
    }
    links = dict(load_settings(root).runbooks.links)
    found, _ = find_runbooks(
        members,
        [*working_files(root), *extra],
        lambda path: read_inside(root, path),
        configured=links,
        now=0,
    )
    return found
