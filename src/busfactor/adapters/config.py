"""Read `.busfactor.toml`, `busfactor.toml` or `[tool.busfactor]` into `Settings`.

Discovery (conventions §7): `--config FILE` wins; else, at the repository root, the first of
`.busfactor.toml`, `busfactor.toml` and a `pyproject.toml` with a `[tool.busfactor]` table.
Files are never merged. Every problem is a `ConfigError` with one line naming the file, the line
when it can be found, and the dotted key: `.busfactor.toml:7: identity.merge_by_name: ...`.

The configuration file usually lives in the repository being scanned, so its contents are
untrusted: it is read with a size limit, and values quoted in messages are escaped and shortened.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import json
import math
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import NoReturn, TypeVar

from busfactor.core.settings import (
    AdrSettings,
    HistoryModel,
    IdentitySettings,
    MergeRenames,
    PolicyOverride,
    PolicySettings,
    RunbookSettings,
    Scope,
    Settings,
    Thresholds,
)
from busfactor.errors import ConfigError

__all__ = [
    "CONFIG_NAMES",
    "MAX_CONFIG_BYTES",
    "PYPROJECT",
    "find_config",
    "load_settings",
    "settings_from_mapping",
]

CONFIG_NAMES = (".busfactor.toml", "busfactor.toml")
"""Dedicated configuration files, in discovery order; their keys are at the top level."""

PYPROJECT = "pyproject.toml"
"""Read last, and only when it has a `[tool.busfactor]` table."""

MAX_CONFIG_BYTES = 1 << 20
"""Larger configuration files are refused."""

_TOOL_PATH = ("tool", "busfactor")

_TOP_KEYS = (
    "history",
    "merge_renames",
    "scope",
    "default_excludes",
    "exclude",
    "activity_days",
    "since",
    "rev",
    "hotspot_min_commits",
    "identity",
    "thresholds",
    "components",
    "adr",
    "runbooks",
    "policy",
    "owners",
    "leaving",
    "plan",
    "privacy",
    "cache",
)
_POLICY_KEYS = (
    "min_truck_factor",
    "min_bus_factor",
    "require_runbook_at_bus_factor",
    "max_knowledge_lost",
    "ignore",
    "overrides",
)
_OVERRIDE_KEYS = ("paths", "ignore", "min_bus_factor")
_ADR_KEYS = ("dir", "dirs", "decision_makers")
_IDENTITY_KEYS = ("merge_by_name", "bots", "aliases")
_THRESHOLD_KEYS = ("doa_normalized", "doa_absolute", "coverage")
_SUBTABLES = {"identity": _IDENTITY_KEYS, "thresholds": _THRESHOLD_KEYS}

_KeyPath = tuple[str | int, ...]
_T = TypeVar("_T")

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_ERROR = re.compile(
    r"(?P<msg>.*) \((?:at line (?P<line>\d+), column \d+|at end of document)\)"
)
_SCALAR = re.compile(r"[^,\]}#\n]+")
_MAX_QUOTED = 60


# --- discovery and reading ------------------------------------------------------------------------


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError) as exc:
        raise _error(f"{path.name}: cannot read: {_reason(exc)}") from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def find_config(root: Path) -> Path | None:
    """Return the configuration file at `root` that discovery picks, or None when there is none.

    A `pyproject.toml` counts only with a `[tool.busfactor]` table. One that cannot be read as
    TOML is ignored unless it mentions busfactor, in which case its error is raised.
    """
    for name in CONFIG_NAMES:
        path = root / name
        if _is_file(path):
            return _inside(root, path)
        if path.is_symlink() or path.exists():  # a folder, a broken link: not silently skipped
            raise _error(f"{name}: not a readable file (a folder or a broken link)")
    path = root / PYPROJECT
    if _is_file(path) and _has_tool_table(_inside(root, path)):
        return path
    return None


def _inside(root: Path, path: Path) -> Path:
    """A discovered file must stay in the repository: an untrusted symlink is not followed."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        error = _error(f"{path.name}: a symlink pointing outside the repository; not read")
        error.hint = "if you trust the file it points to, pass it with --config"
        raise error from None
    return path


Committed = Callable[[str], bytes | None]
"""A file of the revision by name: its bytes, None when it is not there."""


def load_settings(
    root: Path, config_file: Path | None = None, committed: Committed | None = None
) -> Settings:
    """Read the settings for the repository at `root`: `config_file` if given, else discovery:
    in `root`, or with `committed` (a bare repository, which has no work tree) among the
    revision's files."""
    if config_file is not None:
        path, source = config_file, str(config_file)
    elif committed is not None:
        return _committed_settings(committed)
    else:
        found = find_config(root)
        if found is None:
            return Settings()
        path, source = found, found.name
    return _settings_of(_decode(_read_bytes(path, source), source), source, path.name)


def _committed_settings(committed: Committed) -> Settings:
    """Discovery among committed files, in the same order as in a work tree."""
    for name in (*CONFIG_NAMES, PYPROJECT):
        raw = committed(name)
        if raw is None:
            continue
        if len(raw) > MAX_CONFIG_BYTES:
            raise _error(f"{name}: too large (over 1 MiB)")
        if name == PYPROJECT and not _bytes_have_tool_table(raw, name):
            return Settings()
        return _settings_of(_decode(raw, name), name, name)
    return Settings()


def _settings_of(text: str, source: str, name: str) -> Settings:
    data = _parse(text, source)
    if name != PYPROJECT:
        return _Reader(source, text, ()).settings(data)
    tool = data.get("tool")
    if not isinstance(tool, dict) or "busfactor" not in tool:
        raise _error(f"{source}: no [tool.busfactor] table")
    reader = _Reader(source, text, _TOOL_PATH)
    table = tool["busfactor"]
    if not isinstance(table, Mapping):
        reader.fail((), f"expected a table, got {_describe(table)}")
    return reader.settings(table)


def settings_from_mapping(
    data: Mapping[str, object], *, source: str, text: str | None = None
) -> Settings:
    """Validate a parsed configuration table and convert it into `Settings`.

    `source` names the file in messages; `text`, the file's text, lets messages give line numbers.
    """
    return _Reader(source, text, ()).settings(data)


def _has_tool_table(path: Path) -> bool:
    return _bytes_have_tool_table(_read_bytes(path, path.name, limit=False), path.name)


def _bytes_have_tool_table(raw: bytes, name: str) -> bool:
    try:
        if len(raw) > MAX_CONFIG_BYTES:
            raise _error(f"{name}: too large (over 1 MiB)")
        data = _parse(_decode(raw, name), name)
    except ConfigError:
        if b"busfactor" in raw:
            raise
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "busfactor" in tool


def _read_bytes(path: Path, source: str, *, limit: bool = True) -> bytes:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_CONFIG_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise _error(f"{source}: cannot read: {_reason(exc)}") from None
    if limit and len(raw) > MAX_CONFIG_BYTES:
        raise _error(f"{source}: too large (over 1 MiB)")
    return raw


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _error(f"{source}:{line}: not valid UTF-8 (byte offset {exc.start})") from None


def _parse(text: str, source: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise _error(f"{source}: invalid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_ERROR.fullmatch(message)
        if match is None:
            raise _error(f"{source}: invalid TOML: {message}") from None
        line = int(match["line"]) if match["line"] else text.count("\n") + 1
        raise _error(f"{source}:{line}: invalid TOML: {match['msg']}") from None


def _error(message: str) -> ConfigError:
    """A ConfigError whose message is guaranteed to be one printable line."""
    return ConfigError("".join(_escape_char(ch) for ch in message))


def _escape_char(ch: str) -> str:
    if ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


# --- validation -----------------------------------------------------------------------------------


class _Reader:
    """Converts one configuration table, naming `source` and line numbers in its errors."""

    def __init__(self, source: str, text: str | None, prefix: tuple[str, ...]) -> None:
        self.source = source
        self.prefix = prefix
        self.text = text
        self._lines: dict[_KeyPath, int] | None = None

    # errors

    def line_of(self, path: _KeyPath) -> int | None:
        """The line where `path` (or, failing that, its closest enclosing key) is written."""
        if self.text is None:
            return None
        if self._lines is None:
            self._lines = _key_lines(self.text)
        full = self.prefix + path
        for end in range(len(full), max(len(self.prefix), 1) - 1, -1):
            line = self._lines.get(full[:end])
            if line is not None:
                return line
        return None

    def _where(self, path: _KeyPath) -> str:
        line = self.line_of(path)
        return f"{self.source}:{line}" if line is not None else self.source

    def fail(self, path: _KeyPath, message: str) -> NoReturn:
        key = _dotted(self.prefix + path)
        if key:
            raise _error(f"{self._where(path)}: {key}: {message}")
        raise _error(f"{self._where(path)}: {message}")

    def unknown(self, parent: _KeyPath, key: str, known: Sequence[str]) -> NoReturn:
        """Reject `key` in the table at `parent`, suggesting the known key it most resembles."""
        guesses = difflib.get_close_matches(key, known, n=1)
        owners = [name for name, keys in _SUBTABLES.items() if key in keys]
        if guesses:
            suggestion: _KeyPath | None = (*parent, guesses[0])
        elif not parent and owners:
            suggestion = (owners[0], key)
        else:
            suggestion = None
        hint = f' (did you mean "{_dotted(self.prefix + suggestion)}"?)' if suggestion else ""
        path = (*parent, key)
        raise _error(f'{self._where(path)}: unknown key "{_dotted(self.prefix + path)}"{hint}')

    # tables

    def table(self, path: _KeyPath, value: object, known: Sequence[str]) -> Mapping[str, object]:
        if not isinstance(value, Mapping):
            self.fail(path, f"expected a table, got {_describe(value)}")
        for key in value:
            if key not in known:
                self.unknown(path, str(key), known)
        return value

    def settings(self, data: Mapping[str, object]) -> Settings:
        table = self.table((), data, _TOP_KEYS)
        default = Settings()
        cache, cache_dir = _get(table, "cache", self.cache, (default.cache, default.cache_dir))
        return Settings(
            cache=cache,
            cache_dir=cache_dir,
            rev=_get(table, "rev", self.rev, default.rev),
            since=_get(table, "since", self.since, default.since),
            history=_get(table, "history", self.history, default.history),
            merge_renames=_get(table, "merge_renames", self.merge_renames, default.merge_renames),
            scope=_get(table, "scope", self.scope, default.scope),
            default_excludes=_get(
                table, "default_excludes", self.boolean, default.default_excludes
            ),
            exclude=_get(table, "exclude", self.globs, default.exclude),
            activity_days=_get(table, "activity_days", self.positive_int, default.activity_days),
            components=_get(table, "components", self.components, default.components),
            hotspot_min_commits=_get(
                table, "hotspot_min_commits", self.positive_int, default.hotspot_min_commits
            ),
            adr=_get(table, "adr", self.adr, default.adr),
            policy=_get(table, "policy", self.policy, default.policy),
            owners=_get(table, "owners", self.owners, default.owners),
            leaving=_get(table, "leaving", self.names, default.leaving),
            target_bus_factor=_get(table, "plan", self.plan, default.target_bus_factor),
            privacy_salt=_get(table, "privacy", self.privacy, default.privacy_salt),
            runbooks=_get(table, "runbooks", self.runbooks, default.runbooks),
            identity=_get(table, "identity", self.identity, default.identity),
            thresholds=_get(table, "thresholds", self.thresholds, default.thresholds),
        )

    def identity(self, path: _KeyPath, value: object) -> IdentitySettings:
        table = self.table(path, value, _IDENTITY_KEYS)
        default = IdentitySettings()
        return IdentitySettings(
            merge_by_name=_get(table, "merge_by_name", self.boolean, default.merge_by_name, path),
            bots=_get(table, "bots", self.names, default.bots, path),
            aliases=_get(table, "aliases", self.aliases, default.aliases, path),
        )

    def policy(self, path: _KeyPath, value: object) -> PolicySettings:
        table = self.table(path, value, _POLICY_KEYS)
        default = PolicySettings()
        minimum, per_component = default.min_bus_factor, default.component_min_bus_factor
        if "min_bus_factor" in table:
            raw = table["min_bus_factor"]
            where = (*path, "min_bus_factor")
            if isinstance(raw, Mapping):
                pairs = [(str(k), self.count((*where, k), v)) for k, v in raw.items()]
                minimum = next((n for k, n in pairs if k == "default"), 0)
                per_component = tuple((k, n) for k, n in pairs if k != "default")
            else:
                minimum = self.count(where, raw)
        require = default.require_runbook_at_bus_factor
        if "require_runbook_at_bus_factor" in table:
            require = self.count(
                (*path, "require_runbook_at_bus_factor"), table["require_runbook_at_bus_factor"]
            )
        lost = default.max_knowledge_lost
        if "max_knowledge_lost" in table:
            lost = self.fraction((*path, "max_knowledge_lost"), table["max_knowledge_lost"])
        overrides: list[PolicyOverride] = []
        raw_overrides = table.get("overrides", [])
        if not isinstance(raw_overrides, list):
            self.fail(
                (*path, "overrides"), f"expected an array of tables, got {_describe(raw_overrides)}"
            )
        for index, entry in enumerate(raw_overrides):
            where = (*path, "overrides", index)
            item = self.table(where, entry, _OVERRIDE_KEYS)
            if "paths" not in item:
                self.fail(where, "an override needs `paths`")
            override_min = item.get("min_bus_factor")
            overrides.append(
                PolicyOverride(
                    paths=self.globs((*where, "paths"), item["paths"]),
                    ignore=self.rules((*where, "ignore"), item.get("ignore", [])),
                    min_bus_factor=None
                    if override_min is None
                    else self.count((*where, "min_bus_factor"), override_min),
                )
            )
        return PolicySettings(
            min_truck_factor=_get(
                table, "min_truck_factor", self.count, default.min_truck_factor, path
            ),
            min_bus_factor=minimum,
            component_min_bus_factor=per_component,
            require_runbook_at_bus_factor=require,
            max_knowledge_lost=lost,
            ignore=_get(table, "ignore", self.rules, default.ignore, path),
            overrides=tuple(overrides),
        )

    def owners(self, path: _KeyPath, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """`"@handle" = "email"` or `"@org/team" = ["email", ...]`."""
        if not isinstance(value, Mapping):
            self.fail(path, f"expected a table of owners, got {_describe(value)}")
        result: list[tuple[str, tuple[str, ...]]] = []
        for handle, emails in value.items():
            where = (*path, handle)
            if isinstance(emails, str):
                result.append((str(handle), (self.string(where, emails, "an email"),)))
            else:
                result.append((str(handle), self.names(where, emails)))
        return tuple(result)

    def privacy(self, path: _KeyPath, value: object) -> str:
        """`[privacy] salt = "..."`."""
        table = self.table(path, value, ("salt",))
        return _get(table, "salt", self.string, "busfactor", path)

    def cache(self, path: _KeyPath, value: object) -> tuple[bool, str | None]:
        """`[cache] enabled = true`, `dir = "..."` (relative: to the repository's root)."""
        table = self.table(path, value, ("enabled", "dir"))
        enabled = _get(table, "enabled", self.boolean, True, path)
        return enabled, _get(table, "dir", self.inside, None, path)

    def inside(self, path: _KeyPath, value: object) -> str:
        """A folder inside the repository. A configuration file usually comes with the
        repository, which we do not trust: a cache directory it names elsewhere would have
        the scan create folders and files there. `--cache-dir` places the cache anywhere."""
        text = self.string(path, value, "a folder path inside the repository")
        parts = PurePosixPath(text.replace("\\", "/")).parts
        if text.startswith("~") or PurePosixPath(text).is_absolute() or ".." in parts:
            self.fail(
                path,
                f"{text!r} leads out of the repository: give a path relative to its root, "
                "or --cache-dir for a folder elsewhere",
            )
        return text

    def plan(self, path: _KeyPath, value: object) -> int:
        """`[plan] target_bus_factor = N`."""
        table = self.table(path, value, ("target_bus_factor",))
        return _get(table, "target_bus_factor", self.positive_int, 2, path)

    def count(self, path: _KeyPath, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(path, f"expected a whole number of at least 0, got {_describe(value)}")
        return value

    def fraction(self, path: _KeyPath, value: object) -> float:
        number = _as_float(value)
        if number is None or not 0 <= number <= 1:
            self.fail(path, f"expected a number from 0 to 1, got {_describe(value)}")
        return number

    def adr(self, path: _KeyPath, value: object) -> AdrSettings:
        table = self.table(path, value, _ADR_KEYS)
        dirs: tuple[str, ...] = ()
        if "dir" in table:
            dirs += (self.string((*path, "dir"), table["dir"], "a folder path"),)
        if "dirs" in table:
            dirs += self.names((*path, "dirs"), table["dirs"])
        nobody: tuple[str, ...] = ()
        makers = _get(table, "decision_makers", self.names, nobody, path)
        return AdrSettings(dirs=dirs, decision_makers=makers)

    def runbooks(self, path: _KeyPath, value: object) -> RunbookSettings:
        """`max_age_days`, and every other key a component name -> runbook path or URL."""
        if not isinstance(value, Mapping):
            self.fail(path, f"expected a table, got {_describe(value)}")
        default = RunbookSettings()
        links: list[tuple[str, str]] = []
        for key, entry in value.items():
            if key == "max_age_days":
                continue
            links.append((str(key), self.string((*path, key), entry, "a runbook path or URL")))
        max_age = value.get("max_age_days", default.max_age_days)
        return RunbookSettings(
            max_age_days=self.positive_int((*path, "max_age_days"), max_age),
            links=tuple(links),
        )

    def thresholds(self, path: _KeyPath, value: object) -> Thresholds:
        table = self.table(path, value, _THRESHOLD_KEYS)
        default = Thresholds()
        return Thresholds(
            doa_normalized=_get(
                table, "doa_normalized", self.below_best, default.doa_normalized, path
            ),
            doa_absolute=_get(table, "doa_absolute", self.number, default.doa_absolute, path),
            coverage=_get(table, "coverage", self.share, default.coverage, path),
        )

    def components(self, path: _KeyPath, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if not isinstance(value, Mapping):
            self.fail(path, f"expected a table of component globs, got {_describe(value)}")
        result: list[tuple[str, tuple[str, ...]]] = []
        for name, globs in value.items():
            where = (*path, name)
            if not name:
                self.fail(where, "a component needs a non-empty name")
            if isinstance(globs, str):
                result.append((name, (self.glob(where, globs),)))
                continue
            if not isinstance(globs, list | tuple):
                self.fail(where, f"expected a glob or an array of globs, got {_describe(globs)}")
            if not globs:
                self.fail(where, "expected at least one glob, got an empty array")
            result.append((name, self.globs(where, globs)))
        return tuple(result)

    # values

    def boolean(self, path: _KeyPath, value: object) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {_describe(value)}")
        return value

    def positive_int(self, path: _KeyPath, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(path, f"expected a positive integer, got {_describe(value)}")
        return value

    def number(self, path: _KeyPath, value: object) -> float:
        number = _as_float(value)
        if number is None or not math.isfinite(number):
            self.fail(path, f"expected a finite number, got {_describe(value)}")
        return number

    def share(self, path: _KeyPath, value: object) -> float:
        number = _as_float(value)
        if number is None or not 0 < number <= 1:
            self.fail(
                path, f"expected a number greater than 0 and at most 1, got {_describe(value)}"
            )
        return number

    def below_best(self, path: _KeyPath, value: object) -> float:
        """`doa_normalized`: an author's DOA must exceed this share of the file's best, so
        at 1 nobody would be an author of anything (the best only equals itself)."""
        number = _as_float(value)
        if number is None or not 0 < number < 1:
            self.fail(
                path, f"expected a number greater than 0 and less than 1, got {_describe(value)}"
            )
        return number

    def string(self, path: _KeyPath, value: object, what: str = "a string") -> str:
        if not isinstance(value, str):
            self.fail(path, f"expected {what}, got {_describe(value)}")
        if not value:
            self.fail(path, f"expected {what}, got an empty string")
        return value

    def glob(self, path: _KeyPath, value: object) -> str:
        return self.string(path, value, "a glob string")

    def strings(
        self, path: _KeyPath, value: object, item: Callable[[_KeyPath, object], str], what: str
    ) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            self.fail(path, f"expected an array of {what}, got {_describe(value)}")
        return tuple(item((*path, index), entry) for index, entry in enumerate(value))

    def globs(self, path: _KeyPath, value: object) -> tuple[str, ...]:
        return self.strings(path, value, self.glob, "glob strings")

    def names(self, path: _KeyPath, value: object) -> tuple[str, ...]:
        return self.strings(path, value, self.string, "strings")

    def rules(self, path: _KeyPath, value: object) -> tuple[str, ...]:
        """Rule names: a typo would silently ignore nothing while a CI job trusts it."""
        from busfactor.core.findings import RULE_INFO
        from busfactor.core.policy import POLICY_RULES

        names = self.names(path, value)
        known = RULE_INFO.keys() | POLICY_RULES.keys()
        for index, name in enumerate(names):
            if name not in known:
                hint = ", ".join(sorted(known))
                self.fail((*path, index), f"unknown rule {name!r} (rules: {hint})")
        return names

    def aliases(self, path: _KeyPath, value: object) -> tuple[tuple[str, ...], ...]:
        if not isinstance(value, list | tuple):
            self.fail(path, f"expected an array of arrays of strings, got {_describe(value)}")
        groups = []
        for index, group in enumerate(value):
            where = (*path, index)
            names = self.names(where, group)
            if len(names) < 2:
                self.fail(where, f"expected at least 2 names in an alias group, got {len(names)}")
            groups.append(names)
        return tuple(groups)

    def history(self, path: _KeyPath, value: object) -> HistoryModel:
        if value == "dag":
            return "dag"
        if value == "linear":
            return "linear"
        self.fail(path, f'expected "dag" or "linear", got {_describe(value)}')

    def merge_renames(self, path: _KeyPath, value: object) -> MergeRenames:
        if value == "exact":
            return "exact"
        if value == "inexact":
            return "inexact"
        self.fail(path, f'expected "exact" or "inexact", got {_describe(value)}')

    def scope(self, path: _KeyPath, value: object) -> Scope:
        if value == "all":
            return "all"
        if value == "code":
            return "code"
        self.fail(path, f'expected "all" or "code", got {_describe(value)}')

    def rev(self, path: _KeyPath, value: object) -> str:
        rev = self._git_argument(path, value)
        if rev.startswith("-"):
            self.fail(path, f'a revision cannot start with "-", got {_describe(value)}')
        return rev

    def since(self, path: _KeyPath, value: object) -> str:
        # An unquoted TOML date (`since = 2024-01-01`) is what people write; git reads ISO 8601.
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        return self._git_argument(path, value)

    def _git_argument(self, path: _KeyPath, value: object) -> str:
        text = self.string(path, value)
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            self.fail(path, f"control characters are not allowed, got {_describe(value)}")
        return text


def _as_float(value: object) -> float | None:
    """An int or float as a float (huge ints become inf); None for anything else, bools included."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _get(
    table: Mapping[str, object],
    key: str,
    convert: Callable[[_KeyPath, object], _T],
    default: _T,
    parent: _KeyPath = (),
) -> _T:
    if key not in table:
        return default
    return convert((*parent, key), table[key])


# --- messages -------------------------------------------------------------------------------------


def _dotted(path: _KeyPath) -> str:
    """`identity.aliases[0]`, `components.'web app'`: a key path as a reader would write it."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        if out:
            out += "."
        if _BARE_KEY.fullmatch(part):
            out += part
        elif "'" not in part and part.isprintable():
            out += f"'{part}'"
        else:
            out += json.dumps(part, ensure_ascii=False)
    return out


def _describe(value: object) -> str:
    """A short, one-line rendering of a configuration value for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if len(value) > _MAX_QUOTED:
            value = value[: _MAX_QUOTED - 1] + "…"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value) if abs(value) < 10**30 else "a huge integer"
    if isinstance(value, float):
        return repr(value)  # 'nan', 'inf' and '-inf' are also how TOML writes them
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "an empty array" if not value else "an array"
    if isinstance(value, dt.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"the time {value.isoformat()}"
    return f"a {type(value).__name__}"


# --- line numbers ---------------------------------------------------------------------------------


def _key_lines(text: str) -> dict[_KeyPath, int]:
    """Map every key path written in `text` (tables, keys, array items) to its first line.

    A best-effort scan meant for valid TOML; on anything it does not understand it skips to the
    next line, so it never fails and always ends.
    """
    return _KeyScanner(text).run()


class _KeyScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.found: dict[_KeyPath, int] = {}
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self._newlines, pos) + 1

    def record(self, path: _KeyPath, pos: int) -> None:
        line = self.line(pos)
        for end in range(1, len(path) + 1):
            self.found.setdefault(path[:end], line)

    def run(self) -> dict[_KeyPath, int]:
        table: _KeyPath = ()
        counts: dict[_KeyPath, int] = {}
        text = self.text
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(text):
                return self.found
            start = self.pos
            try:
                if text[start] == "[":
                    many = text.startswith("[[", start)
                    self.pos += 2 if many else 1
                    header: _KeyPath = self.key()
                    self.record(header, start)
                    if many:
                        index = counts.get(header, 0)
                        counts[header] = index + 1
                        header = (*header, index)
                        self.record(header, start)
                    table = header
                else:
                    keys: _KeyPath = (*table, *self.key())
                    self.record(keys, start)
                    self.skip_space()
                    if text.startswith("=", self.pos):
                        self.pos += 1
                        self.value(keys)
            except _ScanError:
                pass
            self.skip_line(start)

    def skip_space(self, *, newlines: bool = False) -> None:
        text, pos = self.text, self.pos
        while pos < len(text):
            ch = text[pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                pos += 1
            elif ch == "#" and newlines:
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            else:
                break
        self.pos = pos

    def skip_line(self, start: int) -> None:
        """Move past the end of the current line, and at least one character past `start`."""
        end = self.text.find("\n", self.pos)
        self.pos = max(len(self.text) if end < 0 else end + 1, start + 1)

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_space()
            text, pos = self.text, self.pos
            if text.startswith('"', pos):
                end = self.string_end(pos, '"')
                try:
                    part = tomllib.loads(f"k = {text[pos:end]}")["k"]
                except tomllib.TOMLDecodeError:
                    raise _ScanError from None
                parts.append(str(part))
                self.pos = end
            elif text.startswith("'", pos):
                end = self.string_end(pos, "'")
                parts.append(text[pos + 1 : end - 1])
                self.pos = end
            else:
                match = _BARE_KEY.match(text, pos)
                if match is None:
                    raise _ScanError
                parts.append(match[0])
                self.pos = match.end()
            self.skip_space()
            if not text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    def string_end(self, pos: int, quote: str) -> int:
        """The position just after the string starting at `pos`."""
        text = self.text
        triple = quote * 3
        if text.startswith(triple, pos):
            index = pos + 3
            while True:
                if quote == '"' and text.startswith("\\", index):
                    index += 2
                    continue
                if index >= len(text):
                    raise _ScanError
                if text.startswith(triple, index):
                    end = index + 3
                    for _ in range(2):
                        if text.startswith(quote, end):
                            end += 1
                    return end
                index += 1
        index = pos + 1
        while index < len(text) and text[index] not in (quote, "\n"):
            index += 2 if quote == '"' and text[index] == "\\" else 1
        if not text.startswith(quote, index):
            raise _ScanError
        return index + 1

    def value(self, path: _KeyPath) -> None:
        self.skip_space()
        text, pos = self.text, self.pos
        if pos >= len(text):
            raise _ScanError
        ch = text[pos]
        if ch in "\"'":
            self.pos = self.string_end(pos, ch)
        elif ch == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip_space(newlines=True)
                if text.startswith("]", self.pos):
                    self.pos += 1
                    return
                self.record((*path, index), self.pos)
                self.value((*path, index))
                self.skip_space(newlines=True)
                if text.startswith(",", self.pos):
                    self.pos += 1
                    index += 1
                elif not text.startswith("]", self.pos):
                    raise _ScanError
        elif ch == "{":
            self.pos += 1
            while True:
                self.skip_space(newlines=True)
                if text.startswith("}", self.pos):
                    self.pos += 1
                    return
                start = self.pos
                keys = (*path, *self.key())
                self.record(keys, start)
                if not text.startswith("=", self.pos):
                    raise _ScanError
                self.pos += 1
                self.value(keys)
                self.skip_space(newlines=True)
                if text.startswith(",", self.pos):
                    self.pos += 1
                elif not text.startswith("}", self.pos):
                    raise _ScanError
        else:
            match = _SCALAR.match(text, pos)
            if match is None:
                raise _ScanError
            self.pos = match.end()


class _ScanError(Exception):
    """The scanner met text it does not understand."""
