"""`busfactor adr list` and `busfactor runbook list`: one part of the report on its own."""

from __future__ import annotations

import json
from typing import Any

from busfactor.core.report import ScanReport
from busfactor.core.wording import agreeing, counted, listed
from busfactor.formats.text_safety import json_safe, printable


def _names(report: ScanReport, ids: list[str], people: dict[str, str] | None = None) -> str:
    """People by name; `people` (`_people_names`) when called once per decision."""
    if people is None:
        people = _people_names(report)
    return listed(printable(people.get(i, i)) for i in ids) or "-"


def _people_names(report: ScanReport) -> dict[str, str]:
    return {p["id"]: p["name"] or p["id"] for p in report.people()}


def _json(key: str, items: list[dict[str, Any]]) -> str:
    body = {"schema": f"busfactor.{key}/1", key: items}
    return json.dumps(json_safe(body), indent=2, ensure_ascii=False) + "\n"


def render_decisions(report: ScanReport, form: str) -> str:
    """Each decision: id, status, date, title, authors, components it mentions."""
    decisions = report.to_dict()["decisions"]
    if form == "json":
        return _json("decisions", decisions)
    if not decisions:
        # Records are read from the revision, so one just written is not listed until it is
        # committed: say which revision was read.
        revision = report.meta["revision"][:12]
        return f"No architecture decision records committed at {revision}.\n"
    lines = []
    people = _people_names(report)  # once: per record, 10,000 records took minutes
    for d in decisions:
        lines.append(
            f"{printable(d['id']):>6}  {d['status']:<10}  {d['date'] or '-':<10}  "
            f"{printable(d['title'])}"
        )
        lines.append(f"{'':>8}{printable(d['path'])}; by {_names(report, d['authors'], people)}")
        if d["components"]:
            lines.append(f"{'':>8}mentions: {', '.join(printable(c) for c in d['components'])}")
        if d["superseded_by"]:
            lines.append(f"{'':>8}superseded by {', '.join(d['superseded_by'])}")
    return "\n".join(lines) + "\n"


def render_runbooks(report: ScanReport, form: str) -> str:
    """Each component with its bus factor and runbook status, then every runbook found."""
    data = report.to_dict()
    rows = [
        {
            "component": c["name"],
            "bus_factor": c["bus_factor"],
            "runbook": c["runbook"],
            "status": c["runbook_status"],
        }
        for c in data["components"]
    ]
    if form == "json":
        body = {"schema": "busfactor.runbooks/1", "components": rows, "runbooks": data["runbooks"]}
        return json.dumps(json_safe(body), indent=2, ensure_ascii=False) + "\n"
    width = max((len(printable(r["component"])) for r in rows), default=9)
    lines = [f"{'component':<{width}}  bus factor  {'runbook':<10}  path"]
    for row in rows:
        where = printable(row["runbook"]) if row["runbook"] else "-"
        lines.append(
            f"{printable(row['component']):<{width}}  {row['bus_factor']:>10}  "
            f"{row['status']:<10}  {where}"
        )
    for runbook in data["runbooks"]:
        if runbook["problems"]:
            lines.append(f"{printable(runbook['path'])}: " + "; ".join(runbook["problems"]))
    return "\n".join(lines) + "\n"


def render_whatif(report: ScanReport, result: dict[str, Any], form: str) -> str:
    """What changes if these people leave."""
    if form == "json":
        return json.dumps(json_safe(result), indent=2, ensure_ascii=False) + "\n"
    tf = result["truck_factor"]
    lines = [
        f"If {_names(report, result['without'])} left: truck factor "
        f"{tf['before']} -> {tf['after']}",
    ]
    if result["orphaned_files"]:
        orphaned = len(result["orphaned_files"])
        lines.append(
            f"  {counted(orphaned, 'file')} {agreeing(orphaned, 'loses its', 'lose their')} "
            "last author"
        )
    # A component whose bus factor holds can still lose files: the terminal app lists them,
    # and leaving them out made the components' files lost add up to less than the total.
    changed = [
        c
        for c in result["components"]
        if c["bus_factor_after"] != c["bus_factor_before"] or c["orphaned_files"]
    ]
    for c in changed:
        orphaned = len(c["orphaned_files"])
        verb = agreeing(orphaned, "loses its", "lose their")
        lost = f", {counted(orphaned, 'file')} {verb} last author" if orphaned else ""
        before, after = c["bus_factor_before"], c["bus_factor_after"]
        change = f"{before} -> {after}" if after != before else f"stays {before}"
        lines.append(f"  {printable(c['name'])}: bus factor {change}{lost}")
    if not changed:
        lines.append("  no component's bus factor changes")
    if result["decisions_orphaned"]:
        lines.append(
            "  decisions left with no active author: "
            + ", ".join(printable(d) for d in result["decisions_orphaned"])
        )
    if result["runbooks_orphaned"]:
        lines.append(
            "  runbooks left with no active author: "
            + ", ".join(printable(r) for r in result["runbooks_orphaned"])
        )
    return "\n".join(lines) + "\n"
