"""`busfactor runbook new`: a runbook skeleton where the detection rules find it (conventions §2).

The file goes into the team's runbook folder (`docs/runbooks/`, `runbooks/`, `playbooks/`, the
first that exists in the work tree), else `docs/runbooks/`, named after the component's last
path segment (the full name with "/" as "-" when another component shares that segment; a
name that is not UTF-8 keeps its bytes there, and is written `\\xNN` inside); its front matter
names the component, so the scan ties it to the component either way. Placeholders are marked
`TODO` so the scan reports the runbook as weak until a person fills them in.
"""

from __future__ import annotations

from pathlib import Path

from busfactor.core.text_safety import valid_text
from busfactor.core.wording import counted
from busfactor.errors import RefusedError, UsageError
from busfactor.scaffold import ComponentFacts, create_exclusive, inside, named, today

__all__ = ["RUNBOOK_FOLDERS", "default_location", "render_runbook", "write_runbook"]

RUNBOOK_FOLDERS = ("docs/runbooks", "runbooks", "playbooks")


def default_location(root: Path, component: str, components: list[str]) -> str:
    """Repository-relative path for the component's new runbook."""
    folder = next((f for f in RUNBOOK_FOLDERS if (root / f).is_dir()), RUNBOOK_FOLDERS[0])
    last = component.rstrip("/").rsplit("/", 1)[-1]
    shared = [c for c in components if c != component and c.rsplit("/", 1)[-1] == last]
    if component == "(root)":
        name = "root"
    elif shared:
        name = component.replace("/", "-")
    else:
        name = last
    # `.github` would make a hidden `.github.md` that `ls` does not show.
    return f"{folder}/{name.lstrip('.') or 'dot'}.md"


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


NAMED = 5
"""Authors named in the overview's bus factor line."""
EXPERTS = 10
"""Experts listed for escalation; a large component has dozens of authors."""


def _expert(facts: ComponentFacts, name: str) -> str:
    last = facts.inactive.get(name)
    if last is None:
        return name
    return f"{name} (inactive, last commit {last})" if last else f"{name} (inactive)"


def render_runbook(facts: ComponentFacts, day: str) -> str:
    """The runbook text: required sections, pre-filled facts, TODO where a person must write.

    The owner is the most knowledgeable author still active: someone who left cannot be paged.
    """
    active = [name for name in facts.authors if name not in facts.inactive]
    owner = active[0] if active else "TODO"
    lines = [
        "---",
        f"component: {_yaml(valid_text(facts.name))}",
        f"owner: {_yaml(valid_text(owner))}",
        f"last_reviewed: {day}",
        "---",
        "",
        f"# Runbook: {facts.name}",
        "",
        "## Overview",
        "",
        "TODO: what it does, who depends on it, what healthy looks like.",
        "",
        f"Bus factor: {facts.bus_factor}"
        + (f" (authors: {named(facts.authors, NAMED)})." if facts.authors else "."),
    ]
    if facts.learners:
        lines.append(f"People who would raise it by learning it: {', '.join(facts.learners[:3])}.")
    if facts.top_files:
        lines += ["", "Most-changed files:", ""]
        lines += [f"- `{path}` ({counted(commits, 'commit')})" for path, commits in facts.top_files]
    if facts.decisions:
        lines += ["", "Decisions that mention it:", ""]
        for identifier, title, path in facts.decisions:
            lines.append(f"- [ADR {identifier}: {title}]({path})" if path else f"- {identifier}")
    lines += ["", "## Owners and escalation", "", "Experts, most knowledgeable first:", ""]
    experts = facts.authors[:EXPERTS]
    lines += [f"{i}. {_expert(facts, name)}" for i, name in enumerate(experts, 1)] or ["- TODO"]
    if len(facts.authors) > EXPERTS:
        more = len(facts.authors) - EXPERTS
        lines += ["", f"{counted(more, 'more author')}: `busfactor scan --format json` lists them."]
    if facts.codeowners:
        lines += ["", f"Declared code owners: `{facts.codeowners}`"]
    lines += [
        "",
        "Escalation: TODO: on-call rotation, chat channel, who to page when the experts are out.",
        "",
        "## Dashboards and logs",
        "",
        "- Dashboard: TODO",
        "- Logs: TODO",
        "",
        "## Alerts and symptoms",
        "",
        "### TODO: AlertName",
        "",
        "- Meaning: TODO",
        "- Impact: TODO",
        "- Diagnosis: TODO",
        "- Mitigation: TODO",
        "",
        "## Procedures",
        "",
        "- Deploy: TODO",
        "- Rollback: TODO",
        "- Restart: TODO",
        "- Scale: TODO",
        "- Rotate credentials: TODO",
    ]
    # A name or path that is not UTF-8 is written as the reports show it (`bad\\xffdir`).
    return valid_text("\n".join(lines) + "\n")


def write_runbook(
    root: Path, relative: str, text: str, *, dry_run: bool = False
) -> tuple[Path, str]:
    """Create the runbook (never overwriting); returns its path and text."""
    target = inside(root, relative)
    if target.is_dir():  # "already exists; not overwriting it" (exit 1) read as a refusal
        raise UsageError(f"{relative}: is a directory; give a file name")
    above = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if above is not None:
        raise UsageError(f"{above.relative_to(root.resolve())}: not a directory")
    if target.exists():
        raise RefusedError(f"{relative}: already exists; not overwriting it")
    if not dry_run:
        try:
            create_exclusive(target, text)
        except FileExistsError:
            raise RefusedError(f"{relative}: already exists; not overwriting it") from None
    return target, text


def new_runbook_text(facts: ComponentFacts) -> str:
    """The runbook for `facts`, dated today (or $BUSFACTOR_DATE)."""
    return render_runbook(facts, today())
