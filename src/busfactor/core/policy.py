"""The CI gate: policy checks over a scan, baselines, and the verdict `busfactor check` exits on.

A check is one (rule, component) pair with a pass or fail; a breach is a failed check. The
verdict fails when a check is breached or a finding is at or above `fail_on`. With a baseline
(an earlier JSON report), only what is new counts: findings by fingerprint, breaches by
(rule, component), judged by the same policy on the baseline's figures.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from busfactor.core.filters import wildmatch
from busfactor.core.findings import RuleInfo
from busfactor.core.settings import PolicySettings
from busfactor.core.text_safety import valid_text

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Check:
    """One policy rule applied to the repository or one component."""

    rule: str
    component: str | None
    passed: bool
    message: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "rule": self.rule,
            "component": self.component,
            "passed": self.passed,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """What `busfactor check` reports and exits on."""

    findings: list[dict[str, Any]]
    checks: list[Check]
    failed: bool
    fail_on: str
    new_only: bool = False
    bus_factor_changes: list[dict[str, Any]] = field(default_factory=list)
    known: frozenset[tuple[str, str | None]] = frozenset()
    """(rule, component) of the checks the baseline already breached."""

    def is_known(self, check: Check) -> bool:
        """Breached in the baseline too: reported, but not what fails the check."""
        return (check.rule, _as_stored(check.component)) in self.known

    @property
    def breaches(self) -> list[Check]:
        """Failed checks the baseline did not already fail (all of them without one)."""
        return [check for check in self.checks if not check.passed and not self.is_known(check)]

    @property
    def known_breaches(self) -> list[Check]:
        """Failed checks the baseline failed as well."""
        return [check for check in self.checks if not check.passed and self.is_known(check)]

    @property
    def failing_findings(self) -> list[dict[str, Any]]:
        """Findings at or above `fail_on`, which fail the check."""
        threshold = SEVERITY_RANK[self.fail_on]
        return [f for f in self.findings if SEVERITY_RANK[f["severity"]] >= threshold]

    def as_dict(self) -> dict[str, Any]:
        """The `policy` part of the JSON report."""
        return {
            "failed": self.failed,
            "fail_on": self.fail_on,
            "new_findings_only": self.new_only,
            "checks": [check.as_dict() for check in self.checks],
            "breaches": [check.as_dict() for check in self.breaches],
            "known_breaches": [check.as_dict() for check in self.known_breaches],
            "bus_factor_changes": self.bus_factor_changes,
        }


POLICY_RULES = {
    info.id: info
    for info in (
        RuleInfo(
            "min-truck-factor",
            "Truck factor below the policy's minimum",
            "Fewer people than the policy requires would have to leave before most of the "
            "repository's files had no author left.",
            "Spread knowledge: see `busfactor plan` for who should learn what from whom.",
        ),
        RuleInfo(
            "min-bus-factor",
            "Component bus factor below the policy's minimum",
            "Fewer people than the policy requires hold this component's knowledge.",
            "Pair a second engineer on the component's next changes; see `busfactor plan`.",
        ),
        RuleInfo(
            "require-runbook",
            "Component at risk has no usable runbook",
            "The policy requires a runbook for components at this bus factor, and this one "
            "has none, or a weak one.",
            "Write one: `busfactor runbook new COMPONENT` scaffolds it with its experts.",
        ),
        RuleInfo(
            "max-knowledge-lost",
            "Too much of the component's knowledge is already lost",
            "More of this component's files than the policy allows have no active author.",
            "Have someone study the lost files first; see `busfactor plan`.",
        ),
    )
}
"""The policy's rules, as SARIF rule metadata (a breach is reported like a finding)."""


def _override(policy: PolicySettings, name: str) -> tuple[frozenset[str], int | None]:
    """Rules ignored and the minimum bus factor for one component, after path overrides."""
    ignored = set(policy.ignore)
    minimum: int | None = dict(policy.component_min_bus_factor).get(name, policy.min_bus_factor)
    for override in policy.overrides:
        if _matches(override.paths, name):
            ignored |= set(override.ignore)
            if override.min_bus_factor is not None:
                minimum = override.min_bus_factor
    return frozenset(ignored), minimum


def _matches(globs: Sequence[str], name: str) -> bool:
    """A glob names a component or path itself, anything below it (`src/**` takes in the
    component `src`), or a directory above it (`src` takes in `src/flask`, as a directory a
    gitignore pattern matches takes in everything below)."""
    parts = name.split("/")
    above = ["/".join(parts[:depth]) for depth in range(1, len(parts))]
    return any(
        wildmatch(glob, name)
        or wildmatch(glob, name + "/x")
        or any(wildmatch(glob, folder) for folder in above)
        for glob in globs
    )


def _path_ignored(policy: PolicySettings, finding: Mapping[str, Any]) -> bool:
    if finding["rule"] in policy.ignore:
        return True
    places = [finding.get("component"), finding.get("path")]
    places.append(finding.get("location", {}).get("path"))
    return any(
        finding["rule"] in override.ignore and _matches(override.paths, place)
        for override in policy.overrides
        for place in places
        if place
    )


def policy_checks(report: Mapping[str, Any], policy: PolicySettings) -> list[Check]:
    """Every configured check, passed or not, repository first, then by component."""
    checks: list[Check] = []
    tf = report["truck_factor"]["value"]
    if policy.min_truck_factor:
        checks.append(
            Check(
                "min-truck-factor",
                None,
                tf >= policy.min_truck_factor,
                f"truck factor {tf}, minimum {policy.min_truck_factor}",
            )
        )
    for component in sorted(report["components"], key=lambda c: c["name"]):
        name, bus_factor = component["name"], component["bus_factor"]
        ignored, minimum = _override(policy, name)
        if minimum and "min-bus-factor" not in ignored:
            checks.append(
                Check(
                    "min-bus-factor",
                    name,
                    bus_factor >= minimum,
                    f"{name}: bus factor {bus_factor}, minimum {minimum}",
                )
            )
        needed = policy.require_runbook_at_bus_factor
        if (
            needed is not None
            and bus_factor <= needed
            and "require-runbook" not in ignored
            and component.get("needs_runbook", True)  # code runs; records and settings do not
        ):
            status = component.get("runbook_status", "missing")
            checks.append(
                Check(
                    "require-runbook",
                    name,
                    status in ("ok", "unverified"),
                    f"{name}: bus factor {bus_factor} needs a runbook, runbook is {status}",
                )
            )
        if policy.max_knowledge_lost is not None and "max-knowledge-lost" not in ignored:
            share = component["files_lost"] / component["files"] if component["files"] else 0.0
            checks.append(
                Check(
                    "max-knowledge-lost",
                    name,
                    share <= policy.max_knowledge_lost,
                    f"{name}: {share:.0%} of files lost, maximum {policy.max_knowledge_lost:.0%}",
                )
            )
    return checks


def _as_stored(name: str | None) -> str | None:
    """A component's name as a JSON report (the baseline) holds it: a folder named with
    bytes that are not UTF-8 is `caf\\xe9` there, and was never matched, its breach new
    and its bus factor `gone` and `new` on every run."""
    return None if name is None else valid_text(name)


def bus_factor_changes(
    report: Mapping[str, Any], baseline: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every component's bus factor against the baseline's (new and removed ones too)."""
    before = {valid_text(c["name"]): c["bus_factor"] for c in baseline.get("components", [])}
    after = {valid_text(c["name"]): c["bus_factor"] for c in report["components"]}
    changes = []
    for name in sorted(before.keys() | after.keys()):
        changes.append({"component": name, "before": before.get(name), "after": after.get(name)})
    return changes


def verdict(
    report: Mapping[str, Any],
    policy: PolicySettings,
    *,
    fail_on: str = "error",
    baseline: Mapping[str, Any] | None = None,
) -> Verdict:
    """Apply the policy (and the baseline, which hides findings it already had)."""
    findings = [f for f in report["findings"] if not _path_ignored(policy, f)]
    changes: list[dict[str, Any]] = []
    old_breaches: set[tuple[str, str | None]] = set()
    if baseline is not None:
        # A finding the baseline had counts as known only at a severity it had then: one
        # that grew from a warning to an error (a second author left) is new.
        known: dict[object, int] = {}
        for old in baseline.get("findings", []):
            rank = SEVERITY_RANK.get(str(old.get("severity")), len(SEVERITY_RANK))
            known[old.get("fingerprint")] = max(rank, known.get(old.get("fingerprint"), -1))
        findings = [
            f
            for f in findings
            if known.get(f["fingerprint"], -1) < SEVERITY_RANK.get(f["severity"], 0)
        ]
        changes = bus_factor_changes(report, baseline)
        if "truck_factor" in baseline and "components" in baseline:
            old_breaches = {
                (check.rule, _as_stored(check.component))
                for check in policy_checks(baseline, policy)
                if not check.passed
            }
    checks = policy_checks(report, policy)
    result = Verdict(
        findings, checks, False, fail_on, baseline is not None, changes, frozenset(old_breaches)
    )
    failed = bool(result.breaches or result.failing_findings)
    return dataclasses.replace(result, failed=failed)


def policy_that_applies_to_nothing(
    policy: PolicySettings, components: Sequence[str], paths: Sequence[str]
) -> list[str]:
    """Warnings for policy entries that match nothing: a mistyped component in
    `min_bus_factor = {...}` or an override's paths would otherwise pass every build the
    policy was written to fail."""
    warnings = []
    known = set(components)
    for name, minimum in policy.component_min_bus_factor:
        if name not in known:
            warnings.append(
                f"policy.min_bus_factor: no component {name!r}, so its minimum of {minimum} "
                f"checks nothing{_closest(name, components)}"
            )
    for index, override in enumerate(policy.overrides):
        if not override.paths:
            warnings.append(f"policy.overrides[{index}]: no paths, so it applies to nothing")
            continue
        for glob in override.paths:
            if not any(_matches((glob,), place) for place in (*components, *paths)):
                warnings.append(
                    f"policy.overrides[{index}].paths: {glob!r} matches no component or file, so "
                    f"it applies to nothing{_closest(glob, components)}"
                )
    return warnings


def _closest(name: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3)
    return f" (closest: {', '.join(close)})" if close else ""
