"""Findings: the risks a manager acts on, derived from the ownership graph.

Rules (each finding names a component or a path):
  single-owner          a component with bus factor 1 (names the person)
  missing-runbook       a component without a runbook (error at bus factor <= 1)
  weak-runbook          a runbook that fails its checks (error at bus factor <= 1)
  orphaned-decision     an accepted decision whose every author and decider is inactive or gone
  undocumented-hotspot  bus factor <= 1, busy lately, and no decision mentions it
  knowledge-lost        most of a component's files are authored only by inactive people
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import networkx as nx

from busfactor.core.graph import COMPONENT, PERSON, node_id
from busfactor.core.knowledge import DECISION
from busfactor.core.runbooks import is_url

SEVERITIES = ("info", "warning", "error")
RULES = (
    "single-owner",
    "missing-runbook",
    "weak-runbook",
    "orphaned-decision",
    "undocumented-hotspot",
    "knowledge-lost",
    "codeowners-inactive",
    "codeowners-mismatch",
    "codeowners-uncovered",
)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a rule means and what to do about it (SARIF rule metadata, reports)."""

    id: str
    short: str
    full: str
    help: str


RULE_INFO = {
    info.id: info
    for info in (
        RuleInfo(
            "single-owner",
            "Component has bus factor 1",
            "One person authors most of this component's files: if they leave, most of its "
            "knowledge leaves with them.",
            "Pair a second engineer on the next changes; see `busfactor plan` for who.",
        ),
        RuleInfo(
            "missing-runbook",
            "Component has no runbook",
            "No runbook was found for this component (RUNBOOK.md, docs/runbooks/, catalog "
            "files or configuration).",
            "Write one with `busfactor runbook new COMPONENT`, or declare it in `[runbooks]`.",
        ),
        RuleInfo(
            "weak-runbook",
            "Runbook is incomplete or stale",
            "The component's runbook lacks required sections, keeps template placeholders, is "
            "older than runbooks.max_age_days, or every author is inactive.",
            "Fill in the missing sections and review it with the people who run the component.",
        ),
        RuleInfo(
            "orphaned-decision",
            "Accepted decision has no active author or decider",
            "Everyone who wrote or made this architecture decision is inactive or gone.",
            "Have a current owner review the decision and take it over, or supersede it.",
        ),
        RuleInfo(
            "undocumented-hotspot",
            "Busy single-owner component without decisions",
            "A component with bus factor 1 or less changes often and no decision record "
            "mentions it.",
            "Record its key design decisions (`busfactor adr new`) while its owner is here.",
        ),
        RuleInfo(
            "codeowners-inactive",
            "CODEOWNERS names an inactive owner",
            "A declared code owner has not committed within activity_days, or never committed.",
            "Replace or add an active owner on that CODEOWNERS line; "
            "`busfactor codeowners suggest` drafts one from the real authors.",
        ),
        RuleInfo(
            "codeowners-mismatch",
            "Declared owners do not author the files they own",
            "The owners on this CODEOWNERS line author none of the files it decides, while "
            "other people do.",
            "Add the people who know these files as owners, or move the rule.",
        ),
        RuleInfo(
            "codeowners-uncovered",
            "Risky component has no code owner",
            "A component at or below the runbook bus factor is not covered by any CODEOWNERS "
            "rule, so no reviewer is asked for when it changes.",
            "Add a CODEOWNERS rule for it naming at least two active people.",
        ),
        RuleInfo(
            "knowledge-lost",
            "Most of the component's knowledge has left",
            "More than half of the component's files are authored only by inactive people.",
            "Assign an owner to relearn it; start with its decisions and most changed files.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One risk; `component` or `path` says where."""

    rule: str
    severity: str
    message: str
    component: str | None = None
    path: str | None = None
    person: str | None = None
    location: tuple[str, int] | None = None
    """A file and line to point at (SARIF, annotations): the runbook, the decision record,
    or the component's most changed file."""
    pattern: str | None = None
    """The CODEOWNERS rule's pattern a finding about that file is about."""

    @property
    def fingerprint(self) -> str:
        """Stable identity: rule + component or path + person (+ the CODEOWNERS pattern),
        never line numbers. Two lines of one CODEOWNERS naming one owner were one finding to
        a baseline, which then hid the second."""
        parts = (self.rule, self.component or "", self.path or "", self.person or "")
        key = "\0".join(parts if self.pattern is None else (*parts, self.pattern))
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, without empty fields."""
        data = {
            key: value
            for key, value in asdict(self).items()
            if value is not None and key != "location"
        }
        if self.location is not None:
            data["location"] = {"path": self.location[0], "line": self.location[1]}
        data["fingerprint"] = self.fingerprint
        return data


def locate(graph: nx.DiGraph[str], finding: Finding) -> Finding:
    """The finding with a file location: its own path, else the component's most changed file."""
    if finding.path is not None and not is_url(finding.path):
        return replace(finding, location=(finding.path, 1))
    if finding.component is None:
        return finding
    component = node_id(COMPONENT, finding.component)
    if component not in graph:
        return finding
    files = [graph.nodes[f] for _, f in graph.out_edges(component)]
    if not files:
        return finding
    central = min(files, key=lambda f: (-f["commits"], f["path"]))
    return replace(finding, location=(central["path"], 1))


def _name(graph: nx.DiGraph[str], person: str) -> str:
    node = node_id(PERSON, person)
    return str(graph.nodes[node]["name"]) if node in graph else person


def _active(graph: nx.DiGraph[str], person: str) -> bool:
    node = node_id(PERSON, person)
    return node in graph and bool(graph.nodes[node]["active"])


def component_findings(
    graph: nx.DiGraph[str], recent_commits: Mapping[str, int], hotspot_min_commits: int
) -> list[Finding]:
    """Findings about each component."""
    findings: list[Finding] = []
    mentioned = {
        name
        for _, data in graph.nodes(data=True)
        if data.get("kind") == DECISION
        for name in data["components"]
    }
    runbooks = {
        data["path"]: data for _, data in graph.nodes(data=True) if data.get("kind") == "runbook"
    }
    components = sorted(
        (node, data) for node, data in graph.nodes(data=True) if data.get("kind") == COMPONENT
    )
    for _, data in components:
        name, bus_factor = data["name"], data["bus_factor"]
        critical = "error" if bus_factor <= 1 else "warning"
        if bus_factor == 1:
            (owner,) = data["bus_factor_authors"]
            holds = (  # beside knowledge-lost, "holds" named someone who had left
                "holds most of its knowledge"
                if _active(graph, owner)
                else "held most of its knowledge and is no longer active"
            )
            findings.append(
                Finding(
                    "single-owner",
                    "warning",
                    f"{name}: bus factor 1, {_name(graph, owner)} {holds}",
                    component=name,
                    person=owner,
                )
            )
        runbook = data.get("runbook")
        needs_one = data.get("needs_runbook", True)  # code runs; records and settings do not
        if needs_one and runbook is None:
            findings.append(
                Finding(
                    "missing-runbook",
                    critical,
                    f"{name}: no runbook (bus factor {bus_factor})",
                    component=name,
                )
            )
        elif not data.get("documents_only") and data.get("runbook_status") == "weak":
            problems = "; ".join(runbooks[runbook]["problems"]) or "fails its checks"
            findings.append(
                Finding(
                    "weak-runbook",
                    critical,
                    f"{name}: runbook {runbook} is weak: {problems}",
                    component=name,
                    path=runbook,
                )
            )
        commits = recent_commits.get(name, 0)
        if bus_factor <= 1 and name not in mentioned and commits >= hotspot_min_commits:
            findings.append(
                Finding(
                    "undocumented-hotspot",
                    "warning",
                    f"{name}: {commits} recent commits, bus factor {bus_factor}, "
                    "and no decision record mentions it",
                    component=name,
                )
            )
        if data["files"] and data["files_lost"] * 2 > data["files"]:
            findings.append(
                Finding(
                    "knowledge-lost",
                    "warning",
                    f"{name}: {data['files_lost']} of {data['files']} files are authored only "
                    "by people who are no longer active",
                    component=name,
                )
            )
    return findings


def decision_findings(graph: nx.DiGraph[str]) -> list[Finding]:
    """Accepted decisions nobody active wrote or decided."""
    findings: list[Finding] = []
    decisions = sorted(
        (node, data) for node, data in graph.nodes(data=True) if data.get("kind") == DECISION
    )
    for _, data in decisions:
        if data["status"] != "accepted":
            continue
        people = set(data["authors"]) | set(data["decider_ids"])
        if any(_active(graph, person) for person in people):
            continue
        who = ", ".join(sorted(_name(graph, p) for p in people)) or "unknown people"
        findings.append(
            Finding(
                "orphaned-decision",
                "warning",
                f"decision {data['id']} ({data['title']}): everyone who wrote or made it is "
                f"inactive or gone ({who})",
                path=data["path"],
            )
        )
    return findings


def all_findings(
    graph: nx.DiGraph[str], recent_commits: Mapping[str, int], hotspot_min_commits: int
) -> list[Finding]:
    """Every finding, most severe first, then by rule and location."""
    findings = component_findings(graph, recent_commits, hotspot_min_commits)
    findings += decision_findings(graph)
    return ordered([locate(graph, finding) for finding in findings])


def ordered(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then by rule and location: the order every report lists them in
    (docs/json-contract.md), whoever made them."""
    rank = {severity: index for index, severity in enumerate(reversed(SEVERITIES))}
    return sorted(
        findings,
        key=lambda f: (rank[f.severity], RULES.index(f.rule), f.component or "", f.path or ""),
    )
