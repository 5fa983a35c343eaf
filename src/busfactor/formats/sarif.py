"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (conventions §6).

The log validates against the OASIS schema (`sarif-2.1/schema/sarif-schema-2.1.0.json`) and
keeps to what GitHub's upload requires on top of it: `$schema`, one run with one category
(`automationDetails.id`), every rule with short and full descriptions and help, and one
physical location per result with a repository-relative `uri` and a region. No string is
empty and `properties.security-severity` is never set: these are not security alerts.

Decisions:

* Levels: finding severity `error` -> `error`, `warning` -> `warning`, `info` -> `note`,
  for results and for `defaultConfiguration.level`. A rule's default level is `warning`,
  the base severity every rule has in docs/json-contract.md; each result carries its own
  level, which overrides it (`missing-runbook` and `weak-runbook` are errors at bus factor
  <= 1).
* Where a result points: the finding's `location` (the runbook, the decision record or the
  component's most changed file), else its own `path` when that is a repository path rather
  than a URL, else `README.md` (`FALLBACK_PATH`), line 1. GitHub rejects results without a
  file and directories are not files, so a location-less finding is pinned to the file every
  repository's readers start from. A finding about a component also names the component as
  a logical location (`kind` "module"), which GitHub ignores and other viewers show.
* `uri` is a URI reference (RFC 3986): the path's UTF-8 bytes (surrogate-escaped bytes of a
  path that is not UTF-8 as themselves) with everything but unreserved characters, `/`, `@`
  and the sub-delimiters percent-encoded: a space is `%20`, `é` is `%C3%A9`, and `%`, `#`,
  `?`, `:` (a scheme separator in a first segment) and a backslash are encoded too. Git paths
  already use `/`. Leading `./` and `/` are dropped.
* `partialFingerprints` holds the finding's own fingerprint as `busfactor/v1` (rule,
  component or path, person; never a line number); `upload-sarif` adds the line hash.
* A result's message is plain text with its literal `{`, `}`, `[` and `]` escaped (`{{`,
  `}}`, `\\[`, `\\]`, §3.11.5-6): names and paths come from the repository.
* `informationUri` is left out: the project has no published home page to name yet.
* A finding whose rule is not among `rules` is a programming error: `ValueError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from busfactor.core.runbooks import is_url
from busfactor.formats.text_safety import json_safe, valid_text

if TYPE_CHECKING:
    from busfactor.core.findings import RuleInfo

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "busfactor"
FINGERPRINT_KEY = "busfactor/v1"
FALLBACK_PATH = "README.md"
"""The file a finding without any location of its own is pointed at."""
DEFAULT_RULE_SEVERITY = "warning"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
"""Finding severity -> SARIF level."""

_URI_SAFE = "/!$&'()*+;=@,"
"""Kept as they are besides the unreserved characters: `/`, the sub-delimiters and `@`."""
_LEADING = re.compile(r"^(?:\./|/)+")


def own_path(finding: Mapping[str, Any]) -> str | None:
    """The repository file a finding names: its location's path, else its own path when that
    is not a URL; None when it names none."""
    location = finding.get("location")
    if isinstance(location, Mapping):
        path = _relative(str(location.get("path") or ""))
        if path:
            return path
    own = finding.get("path")
    if isinstance(own, str) and not is_url(own):
        return _relative(own) or None
    return None


def finding_path(finding: Mapping[str, Any]) -> str:
    """The repository file a finding points at: its own (`own_path`), else `FALLBACK_PATH`."""
    return own_path(finding) or FALLBACK_PATH


def finding_line(finding: Mapping[str, Any]) -> int:
    """The 1-based line a finding points at: its location's line, else 1."""
    location = finding.get("location")
    if isinstance(location, Mapping) and _relative(str(location.get("path") or "")):
        line = location.get("line")
        if isinstance(line, int) and not isinstance(line, bool) and line >= 1:
            return line
    return 1


def _relative(path: str) -> str:
    return _LEADING.sub("", path)


def path_uri(path: str) -> str:
    """A repository path as a relative URI reference (RFC 3986 percent-encoding)."""
    raw = _relative(path).encode("utf-8", "surrogateescape")
    return quote(raw, safe=_URI_SAFE)


def _text(value: object, fallback: str) -> str:
    text = valid_text(value) if isinstance(value, str) else ""
    return text if text.strip() else fallback


_LITERAL = {"{": "{{", "}": "}}", "[": "\\[", "]": "\\]"}
_LITERAL_CHARS = re.compile(r"[{}\[\]]")


def _literal(text: str) -> str:
    """A message as plain text that viewers show as written (SARIF §3.11.5 and §3.11.6):
    braces doubled, as `{0}` is a placeholder; square brackets escaped, as an author named
    `[click me](https://…)` is an embedded link."""
    return _LITERAL_CHARS.sub(lambda match: _LITERAL[match.group()], text)


def _rule(info: RuleInfo) -> dict[str, Any]:
    short = _text(info.short, info.id)
    full = _text(info.full, short)
    help_text = _text(info.help, full)
    return {
        "id": info.id,
        "name": info.id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[DEFAULT_RULE_SEVERITY]},
    }


def _result(finding: Mapping[str, Any], index: int, info: RuleInfo) -> dict[str, Any]:
    severity = finding.get("severity", DEFAULT_RULE_SEVERITY)
    if severity not in LEVELS:
        raise ValueError(f"unknown severity {severity!r} in a {info.id} finding")
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": path_uri(finding_path(finding))},
            "region": {"startLine": finding_line(finding), "startColumn": 1},
        }
    }
    component = finding.get("component")
    if isinstance(component, str) and component:
        location["logicalLocations"] = [{"name": component, "kind": "module"}]
    result: dict[str, Any] = {
        "ruleId": info.id,
        "ruleIndex": index,
        "level": LEVELS[severity],
        "message": {"text": _literal(_text(finding.get("message"), _text(info.short, info.id)))},
        "locations": [location],
    }
    fingerprint = finding.get("fingerprint")
    if isinstance(fingerprint, str) and fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    return result


def render_sarif(
    findings: Sequence[Mapping[str, Any]],
    *,
    version: str,
    rules: Mapping[str, RuleInfo],
    category: str = "busfactor",
) -> str:
    """One SARIF 2.1.0 run: every rule in `rules` (in their order), one result per finding (in
    the order given); indented JSON, valid UTF-8, newline at the end."""
    if not category.strip("/"):
        raise ValueError("the SARIF category must not be empty")
    infos = list(rules.values())
    index = {info.id: position for position, info in enumerate(infos)}
    results = []
    for finding in findings:
        rule_id = finding.get("rule")
        if not isinstance(rule_id, str) or rule_id not in index:
            raise ValueError(f"finding of unknown rule {rule_id!r}: not in the SARIF rules")
        results.append(_result(finding, index[rule_id], infos[index[rule_id]]))
    driver: dict[str, Any] = {"name": TOOL_NAME}
    if version:
        driver["version"] = version
        driver["semanticVersion"] = version
    driver["rules"] = [_rule(info) for info in infos]
    log = {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "automationDetails": {"id": category.rstrip("/") + "/"},
                "results": results,
            }
        ],
    }
    return json.dumps(json_safe(log), indent=2, ensure_ascii=False) + "\n"
