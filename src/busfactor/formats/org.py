"""Organisation reports (`busfactor.org/1`) as JSON, text and Markdown.

The report is the dict `core.org.merge_reports` builds; these only render it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from busfactor.core.wording import counted, listed
from busfactor.formats.markdown import cell
from busfactor.formats.text_safety import json_safe, printable

_ROWS = 25

OrgReport = Mapping[str, Any]


def render_org_json(report: OrgReport) -> str:
    """Indented, key order as documented, valid UTF-8, newline at the end."""
    return json.dumps(json_safe(report), indent=2, ensure_ascii=False) + "\n"


def _names(report: OrgReport) -> dict[str, str]:
    return {p["id"]: p["name"] or p["id"] for p in report["people"]}


def _headline(report: OrgReport) -> str:
    summary = report["summary"]
    failed = f" ({summary['failed']} failed)" if summary["failed"] else ""
    return (
        f"{counted(summary['repositories'], 'repository', 'repositories')}{failed}, "
        f"{counted(summary['people'], 'person', 'people')}, "
        f"{counted(summary['single_points_of_failure'], 'single point', 'single points')} "
        "of failure across repositories"
    )


def _spofs(report: OrgReport) -> list[Mapping[str, Any]]:
    return [p for p in report["people"] if p["single_point_of_failure"]]


def _alone(report: OrgReport) -> set[tuple[str, str]]:
    """(repository, person id) where the repository's truck factor is that one person."""
    return {
        (repo["name"], repo["truck_factor_people"][0])
        for repo in report["repositories"]
        if repo["truck_factor"] == 1 and len(repo["truck_factor_people"]) == 1
    }


def _holdings(person: Mapping[str, Any], alone: set[tuple[str, str]]) -> list[str]:
    """`repo (truck factor; component; ...)` for each repository they alone hold."""
    parts = []
    for repo in person["sole_holder_repositories"]:
        held = [c.split(":", 1)[1] for c in person["sole_components"] if c.startswith(repo + ":")]
        if (repo, person["id"]) in alone:
            held.insert(0, "truck factor")
        parts.append(f"{repo} ({'; '.join(held)})" if held else repo)
    return parts


def render_org_text(report: OrgReport) -> str:
    """Repositories, the people flagged across repositories, and the riskiest people."""
    names = _names(report)
    lines = [f"busfactor organisation: {_headline(report)}", "", "Repositories:"]
    repos = report["repositories"]
    width = max((len(printable(r["name"])) for r in repos), default=0)
    for repo in repos:
        label = f"  {printable(repo['name']):<{width}}  "
        if repo["error"] is not None:
            lines.append(f"{label}error: {printable(repo['error'])}")
            continue
        who = listed(printable(names.get(p, p)) for p in repo["truck_factor_people"])
        lines.append(
            f"{label}truck factor {repo['truck_factor']} ({who or 'nobody'}), "
            f"{counted(repo['components'], 'component')}, "
            f"{len(repo['components_at_bus_factor_1'])} at bus factor 1"
        )
    spofs, alone = _spofs(report), _alone(report)
    if spofs:
        lines += ["", "Single points of failure across repositories (sole holder in 2 or more):"]
        for person in spofs:
            lines.append(
                f"  {printable(person['name'])} <{printable(person['email'])}>: "
                + printable(", ".join(_holdings(person, alone)))
            )
    holders = [p for p in report["people"] if p["sole_holder_repositories"]]
    others = [p for p in holders if not p["single_point_of_failure"]]
    if others:
        lines += ["", "Sole holders in one repository:"]
        for person in others[:_ROWS]:
            lines.append(
                f"  {printable(person['name'])}: {printable(', '.join(_holdings(person, alone)))}"
            )
        if len(others) > _ROWS:
            lines.append(f"  ... {len(others) - _ROWS} more (--format json lists them all)")
    for warning in report["warnings"]:
        lines += ["", f"warning: {printable(warning)}"]
    return "\n".join(lines) + "\n"


def _repo_rows(report: OrgReport, names: Mapping[str, str]) -> list[str]:
    rows = [
        "| Repository | Truck factor | Truck-factor people | Components | At bus factor 1 "
        "| Error |",
        "|---|---:|---|---:|---:|---|",
    ]
    for repo in report["repositories"]:
        if repo["error"] is not None:
            rows.append(f"| {cell(repo['name'])} | | | | | {cell(repo['error'])} |")
            continue
        who = listed(cell(names.get(p, p)) for p in repo["truck_factor_people"])
        rows.append(
            f"| {cell(repo['name'])} | {repo['truck_factor']} | {who} | {repo['components']} "
            f"| {len(repo['components_at_bus_factor_1'])} | |"
        )
    return rows


def _people_rows(people: Sequence[Mapping[str, Any]]) -> list[str]:
    rows = [
        "| Person | Repositories | Truck factor in | Sole holder in | Components held alone |",
        "|---|---:|---:|---|---|",
    ]
    for person in people[:_ROWS]:
        flag = " ⚠" if person["single_point_of_failure"] else ""
        rows.append(
            f"| {cell(person['name'])}{flag} | {len(person['repositories'])} "
            f"| {len(person['truck_factor_repositories'])} "
            f"| {cell(', '.join(person['sole_holder_repositories']))} "
            f"| {cell(', '.join(person['sole_components']))} |"
        )
    if len(people) > _ROWS:
        rows.append(f"\n_{len(people) - _ROWS} more in the JSON report._")
    return rows


def render_org_markdown(report: OrgReport) -> str:
    """Headline, a repository table, and the people who alone hold knowledge somewhere."""
    lines = ["## busfactor: organisation", "", f"**{_headline(report)}.**", ""]
    lines += _repo_rows(report, _names(report))
    holders = [p for p in report["people"] if p["sole_holder_repositories"]]
    if holders:
        lines += ["", "### Sole holders of knowledge, worst first", ""]
        lines += _people_rows(holders)
        if _spofs(report):
            lines += ["", "⚠ sole holder in 2 or more repositories."]
    for warning in report["warnings"]:
        lines += ["", f"> **Warning:** {cell(warning)}"]
    return "\n".join(lines) + "\n"
