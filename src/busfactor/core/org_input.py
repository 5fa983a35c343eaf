"""Checking what `merge` and `tui` are given: a `busfactor.scan/1` report with every field the
organisation merge reads, or a `busfactor.org/1` report. Anything else is a one-line
UsageError naming the file, never a traceback.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from busfactor.errors import UsageError

SCHEMA = "busfactor.org/1"
SCAN_SCHEMA = "busfactor.scan/1"

_STR, _INT, _BOOL, _STRS, _TIME, _DICT, _LIST, _OPT_INT = (
    "string",
    "int",
    "bool",
    "[string]",
    "string or null",
    "object",
    "list",
    "int or null",
)
_ISO = "ISO 8601 time or null"
"""A person's first and last commit: `merge` copied `"yesterday"` into its report."""
_ABSENT = object()

Spec = tuple[tuple[str, str, bool], ...]
"""(dotted key, kind, required)."""

_REPORT: Spec = (
    ("repository", _DICT, True),
    ("repository.path", _STR, True),
    ("repository.revision", _STR, True),
    ("repository.files", _INT, False),
    ("repository.commits", _INT, False),
    ("repository.shallow", _BOOL, False),
    ("repository.partial", _BOOL, False),
    ("truck_factor", _DICT, True),
    ("truck_factor.value", _INT, True),
    ("truck_factor.authors", _STRS, True),
    ("people", _LIST, True),
    ("components", _LIST, True),
    ("files", _LIST, True),
    ("warnings", _STRS, False),
)
_PERSON: Spec = (
    ("id", _STR, True),
    ("name", _STR, True),
    ("email", _STR, True),
    ("aliases", _STRS, True),
    ("commits", _INT, True),
    ("first_commit", _ISO, False),
    ("last_commit", _ISO, False),
    ("active", _BOOL, True),
    ("files_authored", _INT, True),
)
_COMPONENT: Spec = (
    ("name", _STR, True),
    ("bus_factor", _INT, True),
    ("bus_factor_authors", _STRS, True),
)
_FILE: Spec = (("authors", _STRS, True),)


def check_scan_report(data: object, source: str, taker: str = "merge") -> dict[str, Any]:
    """`data` if it is a complete `busfactor.scan/1` report, else a one-line UsageError;
    `taker` names what wanted it (`merge`, `--baseline`)."""
    if not isinstance(data, dict):
        raise UsageError(f"{source}: not a busfactor report (expected a JSON object)")
    schema = data.get("schema")
    if "schema" in data and not isinstance(schema, str):
        raise UsageError(f'{source}: not a busfactor report ("schema" is {schema!r})')
    if not isinstance(schema, str):
        raise UsageError(f'{source}: not a busfactor report (no "schema" key)')
    if schema != SCAN_SCHEMA:
        raise UsageError(f"{source}: {_wrong_schema(schema, taker)}")
    where = _wrong(data, _REPORT)
    for key, spec in (("people", _PERSON), ("components", _COMPONENT), ("files", _FILE)):
        for index, item in enumerate(data.get(key, []) if where is None else []):
            where = where or _wrong(item, spec, f"{key}[{index}]")
    if where is not None:
        raise UsageError(f"{source}: incomplete {SCAN_SCHEMA} report ({where} missing or wrong)")
    return data


def _wrong_schema(schema: str, taker: str) -> str:
    wanted = f"{taker} takes {SCAN_SCHEMA} reports (busfactor scan --format json)"
    if schema == SCHEMA:
        return f"an organisation report ({SCHEMA}); {wanted}"
    if schema.startswith("busfactor.scan/"):
        return f"unsupported schema version {schema} (this busfactor reads {SCAN_SCHEMA})"
    if schema.startswith("busfactor."):
        return f"a {schema} report; {wanted}"
    return f"not a busfactor report (schema {schema!r})"


def _fits(value: object, kind: str) -> bool:
    if kind == _INT:  # every one is a count: a negative truck factor was merged as it was
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == _OPT_INT:
        return value is None or _fits(value, _INT)
    if kind == _STRS:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind == _TIME:
        return value is None or isinstance(value, str)
    if kind == _ISO:
        return value is None or (isinstance(value, str) and _is_iso(value))
    wanted = {_STR: str, _BOOL: bool, _DICT: dict, _LIST: list}[kind]
    return isinstance(value, wanted)


def _is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _wrong(data: object, spec: Spec, prefix: str = "") -> str | None:
    """The first key of `spec` that is absent though required, or of the wrong kind."""
    if not isinstance(data, dict):
        return prefix or "the report"
    for dotted, kind, required in spec:
        value: object = data
        for key in dotted.split("."):
            value = value.get(key, _ABSENT) if isinstance(value, dict) else _ABSENT
        if (value is _ABSENT and required) or (value is not _ABSENT and not _fits(value, kind)):
            return f"{prefix}.{dotted}" if prefix else dotted
    return None


_ORG: Spec = (
    ("summary", _DICT, False),
    ("summary.repositories", _INT, False),
    ("summary.failed", _INT, False),
    ("summary.people", _INT, False),
    ("summary.single_points_of_failure", _INT, False),
    ("repositories", _LIST, True),
    ("people", _LIST, True),
)
_ORG_REPO: Spec = (
    ("name", _STR, True),
    ("error", _TIME, False),
    ("truck_factor_people", _STRS, False),
    ("components", _OPT_INT, False),
    ("components_at_bus_factor_1", _STRS, False),
    ("warnings", _STRS, False),
)
_ORG_PERSON: Spec = (
    ("id", _STR, True),
    ("name", _TIME, False),
    ("repositories", _STRS, False),
    ("sole_holder_repositories", _STRS, False),
    ("sole_components", _STRS, False),
    ("email", _TIME, False),
    ("single_point_of_failure", _BOOL, False),
)


def check_org_report(data: object, source: str) -> dict[str, Any]:
    """`data` if it is a `busfactor.org/1` report with every field the app reads, else a
    one-line UsageError (a hand-edited or truncated report must not crash the app)."""
    schema = data.get("schema") if isinstance(data, dict) else None
    if not isinstance(data, dict) or schema != SCHEMA:
        found = f"schema {schema}" if isinstance(schema, str) else "not a busfactor report"
        raise UsageError(f"{source}: not an organisation report ({SCHEMA}; {found})")
    where = _wrong(data, _ORG)
    for key, spec in (("repositories", _ORG_REPO), ("people", _ORG_PERSON)):
        for index, item in enumerate(data[key] if where is None else []):
            where = where or _wrong(item, spec, f"{key}[{index}]")
            scanned = where is None and key == "repositories" and not item.get("error")
            if scanned and not _fits(item.get("truck_factor", _ABSENT), _INT):
                where = f"repositories[{index}].truck_factor"
    if where is not None:
        raise UsageError(f"{source}: incomplete {SCHEMA} report ({where} missing or wrong)")
    return data
