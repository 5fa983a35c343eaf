"""`--format text`: a short summary for a person at a terminal."""

from __future__ import annotations

from busfactor.core.report import ScanReport
from busfactor.formats.text_safety import printable

_WORST = 10


def _people(report: ScanReport, ids: list[str]) -> str:
    names = []
    for person_id in ids:
        person = report.person(person_id)
        names.append(printable(person["name"] or person_id))
    return ", ".join(names) if names else "nobody"


def render_text(report: ScanReport) -> str:
    """Truck factor, the people it names, the riskiest components, people who left."""
    data = report.to_dict()
    repo, tf = data["repository"], data["truck_factor"]
    people = data["people"]
    active = sum(1 for p in people if p["active"])
    lines = [
        f"busfactor: {printable(repo['path'])} at {repo['revision'][:12]}",
        f"{repo['files']} files analysed, {repo['commits']} commits, "
        f"{len(people)} people ({active} active), history model {data['model']['history']}",
        "",
        f"Truck factor: {tf['value']}  ({_people(report, tf['authors'])}; "
        f"{tf['coverage']:.0%} of files keep an author after they leave)",
    ]
    components = data["components"]
    if components:
        lines += ["", f"Components, riskiest first ({len(components)} in all):"]
        width = max(len(printable(c["name"])) for c in components[:_WORST])
        for c in components[:_WORST]:
            lost = f", {c['files_lost']} files lost" if c["files_lost"] else ""
            lines.append(
                f"  {printable(c['name']):<{width}}  bus factor {c['bus_factor']}  "
                f"{c['files']:>5} files  top: {_people(report, c['authors'][:3])}{lost}"
            )
    gone = [p for p in people if not p["active"] and p["files_authored"]]
    if gone:
        lines += ["", "Inactive people who still author files:"]
        for p in gone[:_WORST]:
            lines.append(
                f"  {printable(p['name'])} <{printable(p['email'])}>: "
                f"{p['files_authored']} files, last commit {p['last_commit'][:10]}"
            )
    for warning in data["warnings"]:
        lines += ["", f"warning: {printable(warning)}"]
    return "\n".join(lines) + "\n"
