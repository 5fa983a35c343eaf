"""`busfactor check`: apply the policy, print the chosen CI format, choose the exit code."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from busfactor import __version__
from busfactor.adapters.json_files import read_json
from busfactor.cli.diagnostics import warning
from busfactor.cli.output import write_atomically, write_report
from busfactor.core.findings import RULE_INFO
from busfactor.core.org_input import check_scan_report
from busfactor.core.policy import POLICY_RULES, Verdict, verdict
from busfactor.core.report import ScanReport
from busfactor.core.wording import counted
from busfactor.errors import UsageError
from busfactor.formats.json import render_json
from busfactor.formats.markdown import cell, render_markdown
from busfactor.formats.text import departures
from busfactor.formats.text_safety import json_safe, printable

OK, FINDINGS = 0, 1


def _load_baseline(path: Path) -> dict[str, Any]:
    data = read_json(path, "a busfactor JSON report")
    if not isinstance(data, dict) or "findings" not in data:
        raise UsageError(f"{path}: not a busfactor JSON report (no findings)")
    check_scan_report(data, str(path), "--baseline")  # schema, people, components, truck factor
    findings = data["findings"]
    if not isinstance(findings, list) or not all(
        isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings
    ):
        raise UsageError(f"{path}: not a busfactor JSON report (findings without fingerprints)")
    for component in data["components"]:
        for key in ("files", "files_lost"):
            if type(component.get(key, 0)) is not int:
                raise UsageError(f"{path}: not a busfactor JSON report (components[].{key})")
    return data


def _report_dict(report: ScanReport, result: Verdict) -> dict[str, Any]:
    data = report.to_dict()
    data["findings"] = result.findings
    data["policy"] = result.as_dict()
    return data


def _text(report: ScanReport, result: Verdict, data: dict[str, Any]) -> str:
    tf = data["truck_factor"]
    lines = [
        f"busfactor check: {'FAILED' if result.failed else 'passed'} "
        f"(truck factor {tf['value']}, fail on {result.fail_on})"
    ]
    for check in result.breaches:
        lines.append(f"  breach   {check.rule:<20} {printable(check.message)}")
    if result.known_breaches:
        known = counted(len(result.known_breaches), "breach", "breaches")
        lines.append(
            f"  {known} already in the baseline (busfactor check --format json lists them)"
        )
    label = "new finding" if result.new_only else "finding"
    for finding in result.findings:
        lines.append(
            f"  {finding['severity']:<8} {finding['rule']:<20} {printable(finding['message'])}"
        )
    if not result.findings:
        lines.append(f"  no {label}s")
    for change in result.bus_factor_changes:
        if change["before"] != change["after"]:
            lines.append(f"  bus factor {printable(change['component'])}: {_changed(change)}")
    lines += [f"  {line.strip()}" for line in departures(report, data) if line]
    return "\n".join(lines) + "\n"


def _markdown(report: ScanReport, result: Verdict, *, every_finding: bool = False) -> str:
    """The report with the findings `check` reports (against a baseline: the new ones), the
    verdict and its new breaches, then what changed since the baseline."""
    verdict_line = "**Policy: failed.**" if result.failed else "**Policy: passed.**"
    lines = [render_markdown(report, result.findings, every_finding=every_finding), verdict_line]
    lines += [f"- {cell(check.message)}" for check in result.breaches]
    if result.new_only:
        known = len(result.known_breaches)
        already = f", {counted(known, 'breach', 'breaches')} already there" if known else ""
        new = counted(len(result.findings), "new finding")
        lines += ["", f"Against the baseline: {new}{already}."]
        lines += [
            f"- {cell(change['component'])}: bus factor {_changed(change)}"
            for change in result.bus_factor_changes
            if change["before"] != change["after"]
        ]
    return "\n".join(lines) + "\n"


SUMMARY_LIMIT = 1 << 20
"""GitHub's limit for one step's job summary, in bytes."""


def _summary(text: str) -> str:
    """The job summary, within GitHub's limit: cut after the last whole line that fits,
    with a line saying so (a cut by characters could pass the limit in bytes, and ended
    mid-row)."""
    data = text.encode("utf-8")
    if len(data) <= SUMMARY_LIMIT:
        return text
    note = "\n_The rest is cut: GitHub keeps 1 MiB of a job summary; see the JSON report._\n"
    kept = data[: SUMMARY_LIMIT - len(note)]
    return kept[: kept.rfind(b"\n") + 1].decode("utf-8") + note


def _changed(change: dict[str, Any]) -> str:
    """`2 -> 1`, `new -> 1` or `2 -> gone`."""
    before = "new" if change["before"] is None else change["before"]
    after = "gone" if change["after"] is None else change["after"]
    return f"{before} -> {after}"


def render(report: ScanReport, result: Verdict, form: str) -> str:
    """The report in one of the check formats."""
    data = _report_dict(report, result)
    if form == "json":
        return json.dumps(json_safe(data), indent=2, ensure_ascii=False) + "\n"
    if form == "markdown":
        return _markdown(report, result)
    if form == "text":
        return _text(report, result, data)
    from busfactor.formats.ci import render_github, render_gitlab, render_junit
    from busfactor.formats.sarif import render_sarif

    shown = [*breach_findings(result, report.findings()), *result.findings]
    if form == "sarif":
        return render_sarif(shown, version=__version__, rules=RULE_INFO | POLICY_RULES)
    if form == "github":
        return render_github(shown)
    if form == "gitlab":
        return render_gitlab(shown)
    checks = [check.as_dict() | {"known": result.is_known(check)} for check in result.checks]
    return render_junit(checks, result.failing_findings)


def breach_findings(result: Verdict, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """New breaches as error findings, for the formats that show findings only: a CI job
    that fails must say why. A component's breach points where the component's findings do,
    all of them (against a baseline, the known ones too: the shown ones alone left a new
    breach without a place); the repository's breaches point nowhere in particular (they
    took the place of a CODEOWNERS or decision finding, which has no component either)."""
    where: dict[str, Any] = {}
    for found in findings:
        component, location = found.get("component"), found.get("location")
        if component is not None and location:
            where[component] = location
    shown = []
    for check in result.breaches:
        finding: dict[str, Any] = {
            "rule": check.rule,
            "severity": "error",
            "message": check.message,
            "component": check.component,
            "fingerprint": f"policy-{check.rule}-{check.component or 'repository'}",
        }
        if check.component in where:
            finding["location"] = where[check.component]
        shown.append(finding)
    return shown


def _report(text: str, output: Path | None) -> None:
    """Write the report; a reader that stops early (`busfactor check | head`) ends it there.

    That is the reader's choice, not a failed check: the verdict still sets the exit code (a
    pipeline under `set -o pipefail` passed a failing check when a closed pipe made it 0)
    and the baseline asked for is still written."""
    try:
        write_report(text, output)
    except BrokenPipeError:
        if output is not None and str(output) != "-":
            raise  # a FIFO given as --output: the one place it was asked to go
        _quiet_stdout()


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the bytes still buffered for the closed pipe fail no
    later flush (the step summary's, the interpreter's at exit)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def run_check(args: argparse.Namespace, report: ScanReport) -> int:
    """Apply policy and baseline, write the report (and a step summary), return the exit code."""
    policy = report.settings.policy
    if args.min_truck_factor is not None:
        policy = dataclasses.replace(policy, min_truck_factor=args.min_truck_factor)
    baseline = _load_baseline(args.baseline) if args.baseline else None
    result = verdict(report.to_dict(), policy, fail_on=args.fail_on, baseline=baseline)
    text = render(report, result, args.format)
    if args.write_baseline:

        def report_then_baseline() -> Iterator[bytes]:
            # The report goes out from inside the baseline's write: a bad baseline path
            # fails before any report (the temporary file beside it comes first), and a
            # report that cannot be written leaves the old baseline as it was. Written
            # before the report, it made known what no report had said, and the next run
            # against it passed.
            _report(text, args.output)
            yield render_json(report).encode("utf-8")

        write_atomically(args.write_baseline, report_then_baseline())
    else:
        _report(text, args.output)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if args.format == "github" and summary:
        try:
            with open(summary, "a", encoding="utf-8") as stream:
                stream.write(_summary(_markdown(report, result, every_finding=True)))
        except OSError as error:
            warning(f"GITHUB_STEP_SUMMARY {summary}: {error.strerror or error}; no summary")
    if args.exit_zero:
        return OK
    return FINDINGS if result.failed else OK
