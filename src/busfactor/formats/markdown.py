"""`--format markdown`: a report that reads well as a CI job summary or a pull request comment."""

from __future__ import annotations

from typing import Any

from busfactor.core.markdown_text import markdown_text
from busfactor.core.report import ScanReport
from busfactor.core.wording import counted, listed
from busfactor.formats.text import gone_among
from busfactor.formats.text_safety import printable

_ROWS = 25


def cell(value: object) -> str:
    """Repository text in Markdown (a table cell, a bullet): markup escaped, controls made
    visible."""
    return markdown_text(printable(str(value)))


def render_markdown(
    report: ScanReport,
    findings: list[dict[str, Any]] | None = None,
    *,
    every_finding: bool = False,
) -> str:
    """Headline figures, a component table, and the people the truck factor names.
    `findings`: those to list instead of the report's (`check --baseline`: the new ones);
    the first 25, or `every_finding` (GitHub's job summary: its annotations stop at 10)."""
    data = report.to_dict()
    if findings is not None:
        data["findings"] = findings
    repo, tf, model = data["repository"], data["truck_factor"], data["model"]
    names = {p["id"]: p["name"] or p["id"] for p in data["people"]}
    tf_people = listed(cell(names.get(p, p)) for p in tf["authors"]) or "nobody"
    lines = [
        "## busfactor",
        "",
        f"**Truck factor {tf['value']}** ({tf_people}{gone_among(data, tf['authors'])}); "
        f"{tf['coverage']:.0%} of files keep an author after they leave.",
        "",
        f"Revision `{repo['revision'][:12]}`: {counted(repo['files'], 'file')}, "
        f"{counted(repo['commits'], 'commit')}, "
        f"{counted(len(data['people']), 'person', 'people')}. "
        f"Model: {model['history']} history, DOA authorship "
        f"(> {model['thresholds']['doa_normalized']} of the best), greedy truck factor "
        f"({model['thresholds']['coverage']:.0%} coverage).",
        "",
        "| Component | Files | Bus factor | Top authors | Files lost |",
        "|---|---:|---:|---|---:|",
    ]
    for c in data["components"][:_ROWS]:
        top = listed(cell(names.get(p, p)) for p in c["authors"][:3]) or "none"
        lines.append(
            f"| {cell(c['name'])} | {c['files']} | {c['bus_factor']} | {top} | {c['files_lost']} |"
        )
    if len(data["components"]) > _ROWS:
        lines.append(f"\n_{len(data['components']) - _ROWS} more components in the JSON report._")
    leaving = data.get("leaving")
    if leaving:
        who = listed(cell(names.get(p, p)) for p in leaving["without"]) or "nobody known"
        before, after = leaving["truck_factor"]["before"], leaving["truck_factor"]["after"]
        lines += [
            "",
            f"**Announced departures** ({who}): truck factor {before} today, "
            f"{after} after they leave.",
        ]
        for c in leaving["components"]:
            if c["bus_factor_after"] != c["bus_factor_before"]:
                lines.append(
                    f"- {cell(c['name'])}: bus factor {c['bus_factor_before']} → "
                    f"{c['bus_factor_after']}"
                )
    findings = data["findings"]
    if findings:
        lines += ["", "| Severity | Rule | Finding |", "|---|---|---|"]
        shown = findings if every_finding else findings[:_ROWS]
        for finding in shown:
            lines.append(
                f"| {finding['severity']} | {finding['rule']} | {cell(finding['message'])} |"
            )
        if len(findings) > len(shown):
            lines.append(f"\n_{len(findings) - _ROWS} more findings in the JSON report._")
    for warning in data["warnings"]:
        lines += ["", f"> **Warning:** {cell(warning)}"]
    return "\n".join(lines) + "\n"
