"""CI renderers (conventions §6): GitHub workflow commands, GitLab Code Quality, JUnit XML.

Decisions:

* GitHub: `error` -> `::error`, `warning` -> `::warning`, `info` -> `::notice`, worst first
  (stable within a level). GitHub shows 10 annotations per level per step, so at most
  `limit_per_level` findings of each level are emitted, then one
  `::notice::N more <level> findings: see the busfactor report` line per truncated level,
  last. Those lines are notices themselves, so they take their places out of the notice
  budget: info findings are cut early enough that every summary line is shown. Commands are
  escaped as actions/toolkit does (`github_escape_data`, `github_escape_property`); control
  characters other than CR and LF are shown as `\\xNN` escapes first, so repository text
  cannot start a command of its own or colour the log.
* GitLab Code Quality: `error` -> `critical`, `warning` -> `major`, `info` -> `info`.
  `fingerprint` is the finding's own (no line numbers); a repeated one gets `-2`, `-3`, ...
  in order of appearance, skipping any value another entry already has, so every entry is
  unique and the result is deterministic.
* Both point at the same file SARIF does (`busfactor.formats.sarif.finding_path`): the
  finding's location, else its own repository path, else `README.md` for GitLab, which
  requires a file; a GitHub annotation without a file of its own simply has no `file=`.
* JUnit: one `<testcase>` per check, `classname="busfactor.<rule>"`, `name` the component or
  `repository`; a failed check carries `<failure message=... type=<rule>>message</failure>`,
  one the baseline already failed `<skipped>`; then one failed testcase per finding that
  fails the check (at or above `--fail-on`).
  Characters XML 1.0 forbids or discourages (C0 controls but tab, LF and CR; DEL and C1
  controls; U+FFFE, U+FFFF) become `\\uXXXX` text.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from busfactor.formats.sarif import finding_line, finding_path, own_path
from busfactor.formats.text_safety import json_safe, valid_text

GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
"""Finding severity -> workflow command."""
GITLAB_SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}
"""Finding severity -> GitLab Code Quality severity."""
_WORST_FIRST = ("error", "warning", "info")
_COMMAND_CONTROLS = re.compile(
    r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
"""Controls, and the bidi marks that make a log line read other than it is (U+202E)."""
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def github_escape_data(text: str) -> str:
    """A workflow command's message: `%` -> `%25`, CR -> `%0D`, LF -> `%0A`."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """A workflow command's property value: data escaping plus `:` -> `%3A`, `,` -> `%2C`."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command_text(value: object) -> str:
    text = valid_text(value) if isinstance(value, str) else ""
    return _COMMAND_CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def _severity(finding: Mapping[str, Any]) -> str:
    severity = finding.get("severity")
    if severity not in _WORST_FIRST:
        raise ValueError(f"unknown severity {severity!r} in a {finding.get('rule')!r} finding")
    return str(severity)


def _annotation(finding: Mapping[str, Any], command: str) -> str:
    properties = []
    path = own_path(finding)
    if path is not None:
        properties.append(f"file={github_escape_property(_command_text(path))}")
        properties.append(f"line={finding_line(finding)}")
    rule = _command_text(finding.get("rule"))
    if rule:
        properties.append(f"title={github_escape_property(rule)}")
    head = f"::{command} {','.join(properties)}" if properties else f"::{command}"
    return f"{head}::{github_escape_data(_command_text(finding.get('message')))}\n"


def render_github(findings: Sequence[Mapping[str, Any]], *, limit_per_level: int = 10) -> str:
    """One workflow command per finding, worst first, at most `limit_per_level` per level,
    then a notice per truncated level pointing to the report."""
    if limit_per_level < 0:
        raise ValueError("limit_per_level must not be negative")
    by_level: dict[str, list[Mapping[str, Any]]] = {level: [] for level in _WORST_FIRST}
    for finding in findings:
        by_level[_severity(finding)].append(finding)
    budget = {level: limit_per_level for level in _WORST_FIRST}
    summaries = sum(len(by_level[level]) > limit_per_level for level in ("error", "warning"))
    budget["info"] = max(0, limit_per_level - summaries)
    if len(by_level["info"]) > budget["info"]:
        budget["info"] = max(0, budget["info"] - 1)
    lines = []
    hidden = []
    for level in _WORST_FIRST:
        shown = by_level[level][: budget[level]]
        lines += [_annotation(finding, GITHUB_COMMANDS[level]) for finding in shown]
        if len(by_level[level]) > len(shown):
            hidden.append((level, len(by_level[level]) - len(shown)))
    for level, count in hidden:
        noun = "finding" if count == 1 else "findings"
        lines.append(f"::notice::{count} more {level} {noun}: see the busfactor report\n")
    return "".join(lines)


def _unique(fingerprints: Sequence[str]) -> list[str]:
    taken = set(fingerprints)
    used: set[str] = set()
    unique = []
    for fingerprint in fingerprints:
        candidate = fingerprint
        if candidate in used:
            suffix = 2
            while f"{fingerprint}-{suffix}" in taken or f"{fingerprint}-{suffix}" in used:
                suffix += 1
            candidate = f"{fingerprint}-{suffix}"
        used.add(candidate)
        unique.append(candidate)
    return unique


def render_gitlab(findings: Sequence[Mapping[str, Any]]) -> str:
    """A GitLab Code Quality report: a JSON array, one entry per finding in the order given;
    indented, valid UTF-8, newline at the end."""
    fingerprints = _unique([str(finding["fingerprint"]) for finding in findings])
    entries = []
    for finding, fingerprint in zip(findings, fingerprints, strict=True):
        rule = str(finding["rule"])
        message = finding.get("message")
        entries.append(
            {
                "description": message if isinstance(message, str) and message else rule,
                "check_name": rule,
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITIES[_severity(finding)],
                "location": {
                    "path": finding_path(finding),
                    "lines": {"begin": finding_line(finding)},
                },
            }
        )
    return json.dumps(json_safe(entries), indent=2, ensure_ascii=False) + "\n"


def _xml_text(value: object) -> str:
    text = valid_text(value) if isinstance(value, str) else ""
    return _XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_junit(
    checks: Sequence[Mapping[str, Any]],
    findings: Sequence[Mapping[str, Any]] = (),
    *,
    name: str = "busfactor",
) -> str:
    """JUnit XML: one testsuite of one testcase per check (in the order given), then one per
    finding that fails the check. A breach fails its testcase; one the baseline already had
    (`known`) is skipped with the reason; UTF-8 declaration, newline at the end."""
    known = sum(not check["passed"] and bool(check.get("known")) for check in checks)
    breached = sum(not check["passed"] for check in checks) - known
    tests, failures = str(len(checks) + len(findings)), str(breached + len(findings))
    suite_name = _xml_text(name)
    root = ET.Element("testsuites", {"name": suite_name, "tests": tests, "failures": failures})
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": suite_name,
            "tests": tests,
            "failures": failures,
            "errors": "0",
            "skipped": str(known),
        },
    )
    for check in checks:
        rule = _xml_text(check["rule"])
        component = check.get("component")
        case = _case(suite, rule, _xml_text(component) if component else "repository")
        message = _xml_text(check.get("message")) or rule
        if not check["passed"] and check.get("known"):
            skipped = ET.SubElement(case, "skipped", {"message": "breached in the baseline too"})
            skipped.text = message
        elif not check["passed"]:
            _failure(case, rule, message)
    for finding in findings:
        rule = _xml_text(finding.get("rule"))
        component = finding.get("component")
        case = _case(suite, rule, _xml_text(component) if component else "repository")
        _failure(case, rule, _xml_text(finding.get("message")) or rule)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _case(suite: ET.Element, rule: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": f"busfactor.{rule}", "name": name})


def _failure(case: ET.Element, rule: str, message: str) -> None:
    failure = ET.SubElement(case, "failure", {"message": message, "type": rule})
    failure.text = message
