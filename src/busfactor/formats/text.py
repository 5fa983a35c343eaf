"""`--format text`: a short summary for a person at a terminal."""

from __future__ import annotations

from typing import Any

from busfactor.core.report import ScanReport
from busfactor.core.wording import counted, listed
from busfactor.formats.text_safety import printable

_WORST = 10


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _people(report: ScanReport, ids: list[str]) -> str:
    names = []
    for person_id in ids:
        person = report.person(person_id)
        names.append(printable(person["name"] or person_id))
    return listed(names) if names else "nobody"


def departures(report: ScanReport, data: dict[str, Any]) -> list[str]:
    """The `leaving` setting's figures, by name as the markdown gives them (text lines)."""
    leaving = data.get("leaving")
    if not leaving:
        return []
    tf = leaving["truck_factor"]
    who = _people(report, leaving["without"]) if leaving["without"] else "nobody known"
    return [
        "",
        f"Announced departures ({who}): "
        f"truck factor {tf['before']} today, {tf['after']} after they leave",
    ]


def _headline(data: dict[str, Any]) -> str:
    tf = data["truck_factor"]
    threshold = data["model"]["thresholds"]["coverage"]
    if tf["value"] == 0:
        return (
            f"Truck factor: 0  (only {tf['coverage']:.0%} of files have an author even before "
            f"anyone leaves, below the {threshold:.0%} the truck factor counts from: most "
            "history is by bots, cut by --since, or in excluded files)"
        )
    names = {p["id"]: p["name"] or p["id"] for p in data["people"]}
    ordered = listed(printable(names.get(i, i)) for i in tf["authors"])
    return (
        f"Truck factor: {tf['value']}  ({ordered}{gone_among(data, tf['authors'])}; "
        f"{tf['coverage']:.0%} of files keep an author after they leave)"
    )


def gone_among(data: dict[str, Any], ids: list[str]) -> str:
    """`; 4 of them no longer active`, when the truck factor names people who left: it counts
    them as it counts everyone (cobra's truck factor of 5 named 4 people gone for years)."""
    inactive = {p["id"] for p in data["people"] if not p["active"]}
    gone = sum(1 for i in ids if i in inactive)
    if not gone:
        return ""
    if len(ids) == 1:
        return "; no longer active"
    return f"; {'all' if gone == len(ids) else gone} of them no longer active"


def render_text(report: ScanReport) -> str:
    """Truck factor, the people it names, the riskiest components, people who left."""
    data = report.to_dict()
    repo = data["repository"]
    people = data["people"]
    active = sum(1 for p in people if p["active"])
    lines = [
        f"busfactor: {printable(repo['path'])} at {repo['revision'][:12]}",
        f"{_count(repo['files'], 'file')} analysed, {_count(repo['commits'], 'commit')}, "
        f"{len(people)} {'person' if len(people) == 1 else 'people'} ({active} active), "
        f"history model {data['model']['history']}",
        "",
        _headline(data),
    ]
    components = data["components"]
    if components:
        lines += ["", f"Components, riskiest first ({len(components)} in all):"]
        width = max(len(printable(c["name"])) for c in components[:_WORST])
        for c in components[:_WORST]:
            lost = f", {_count(c['files_lost'], 'file')} lost" if c["files_lost"] else ""
            lines.append(
                f"  {printable(c['name']):<{width}}  bus factor {c['bus_factor']}  "
                f"{c['files']:>5} {'file ' if c['files'] == 1 else 'files'}  "
                f"top: {_people(report, c['authors'][:3])}{lost}"
            )
        lines += _more(len(components))
    gone = [p for p in people if not p["active"] and p["files_authored"]]
    if gone:
        lines += ["", f"Inactive people who still author files ({len(gone)} in all):"]
        for p in gone[:_WORST]:
            lines.append(
                f"  {printable(p['name'])} <{printable(p['email'])}>: "
                f"{_count(p['files_authored'], 'file')}, last commit {p['last_commit'][:10]}"
            )
        lines += _more(len(gone))
    lines += departures(report, data)
    lines += _findings(data["findings"])
    for warning in data["warnings"]:
        lines += ["", f"warning: {printable(warning)}"]
    return "\n".join(lines) + "\n"


def _more(count: int) -> list[str]:
    """The line that says a list stops at `_WORST` (the inactive people's said nothing)."""
    if count <= _WORST:
        return []
    return [f"  ... {count - _WORST} more (--format json lists them all)"]


def _findings(findings: list[dict[str, Any]]) -> list[str]:
    if not findings:
        return []
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning")}
    totals = f"{counted(counts['error'], 'error')}, {counted(counts['warning'], 'warning')}"
    lines = ["", f"Findings: {totals}"]
    for finding in findings[:_WORST]:
        lines.append(
            f"  {finding['severity']:<7} {finding['rule']:<20} {printable(finding['message'])}"
        )
    lines += _more(len(findings))
    return lines
