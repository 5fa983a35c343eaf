"""What a scan is asked to do: every option of the configuration file and the command line.

The attribute docstrings are the configuration reference (see docs/configuration.md).
`adapters/config.py` reads `.busfactor.toml` / `[tool.busfactor]` into these types; command-line
flags override them with `dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

HistoryModel = Literal["dag", "linear"]
MergeRenames = Literal["exact", "inexact"]
Scope = Literal["all", "code"]


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    """How commit identities become people."""

    merge_by_name: bool = True
    """Merge identities whose normalised names are equal (accents stripped, case-folded)."""

    bots: tuple[str, ...] = ()
    """Extra names or emails (exact, case-insensitive) treated as bots, besides `[bot]` ones."""

    aliases: tuple[tuple[str, ...], ...] = ()
    """Groups of emails or names that are one person, whatever the heuristics say."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The published constants of the authorship and truck-factor models."""

    doa_normalized: float = 0.75
    """An author's DOA must exceed this share of the file's best DOA."""

    doa_absolute: float = 3.293
    """A non-creator's DOA must reach this absolute value to make them an author."""

    coverage: float = 0.5
    """People are removed while at least this share of files still has an author."""


@dataclass(frozen=True, slots=True)
class AdrSettings:
    """Where the team's architecture decision records live."""

    dirs: tuple[str, ...] = ()
    """ADR folders (repository-relative); empty: discover them (.adr-dir, .log4brains.yml,
    then docs/adr, doc/adr, docs/decisions, ... at any depth)."""

    decision_makers: tuple[str, ...] = ()
    """Who `adr new` names as decision-makers (default: the git user)."""


@dataclass(frozen=True, slots=True)
class RunbookSettings:
    """How runbooks are found and judged."""

    max_age_days: int = 365
    """A runbook not reviewed (`last_reviewed`, else its last commit) for longer is weak."""

    links: tuple[tuple[str, str], ...] = ()
    """Component -> runbook path or URL, for runbooks no detection rule finds."""


@dataclass(frozen=True, slots=True)
class PolicyOverride:
    """Different rules for the components or paths matching some globs."""

    paths: tuple[str, ...]
    ignore: tuple[str, ...] = ()
    min_bus_factor: int | None = None


@dataclass(frozen=True, slots=True)
class PolicySettings:
    """What `busfactor check` fails on, besides findings at or above `--fail-on`."""

    min_truck_factor: int = 0
    """The repository's truck factor must reach this (0: no check)."""

    min_bus_factor: int = 0
    """Every component's bus factor must reach this (0: no check)."""

    component_min_bus_factor: tuple[tuple[str, int], ...] = ()
    """Per-component minimums (`min_bus_factor = {default = 1, billing = 2}`)."""

    require_runbook_at_bus_factor: int | None = 1
    """Components at or below this bus factor need a runbook (unset: no check)."""

    max_knowledge_lost: float | None = None
    """Largest share of a component's files whose every author is inactive."""

    ignore: tuple[str, ...] = ()
    """Finding rules and checks to ignore everywhere."""

    overrides: tuple[PolicyOverride, ...] = ()
    """Per-path exceptions, first to last."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides what a scan reads and how it computes."""

    rev: str = "HEAD"
    """The revision analysed: its history and the files present in its tree."""

    since: str | None = None
    """Read only history after this date (anything `git log --since` accepts)."""

    history: HistoryModel = "dag"
    """`dag`: git's own per-file history; `linear`: the published newest-to-oldest walk."""

    merge_renames: MergeRenames = "exact"
    """DAG model: detect only exact renames in merges' diffs (fast), or also renames with edits
    (`inexact`: git's full rename detection on every merge, several times slower on big
    histories), so a branch's rename-and-edit merged against an edit of the old path keeps both."""

    scope: Scope = "all"
    """`all` files, or only `code` (files of recognised programming languages)."""

    default_excludes: bool = True
    """Leave out vendored, generated, lock, minified and binary files."""

    exclude: tuple[str, ...] = ()
    """More paths to leave out, as globs (`**` crosses directories)."""

    activity_days: int = 180
    """A person is active when they committed within this many days before the revision's date."""

    components: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Named components as (name, globs); files they do not match get the default components."""

    hotspot_min_commits: int = 20
    """A bus-factor-1 component with this many commits in `activity_days` and no decision
    mentioning it is an undocumented hotspot."""

    identity: IdentitySettings = field(default_factory=IdentitySettings)
    thresholds: Thresholds = field(default_factory=Thresholds)
    adr: AdrSettings = field(default_factory=AdrSettings)
    policy: PolicySettings = field(default_factory=PolicySettings)
    anonymize: bool = False
    """Replace every person's name and email with a stable pseudonym in every output."""

    redact_emails: bool = False
    """Replace emails only; names stay."""

    privacy_salt: str = "busfactor"
    """Key of the pseudonyms (config `[privacy] salt`): keep it secret, keep it stable."""

    target_bus_factor: int = 2
    """`busfactor plan` targets components below this bus factor (config: `[plan]`)."""

    leaving: tuple[str, ...] = ()
    """People who announced their departure (email, name or id): reports show today's figures
    and the figures after they leave."""

    owners: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """CODEOWNERS handles and teams (`@org/team`) -> the emails of the people behind them."""
    runbooks: RunbookSettings = field(default_factory=RunbookSettings)
    cache: bool = True
    """Keep what git printed in an incremental cache, so a rescan reads only new commits."""

    cache_dir: str | None = None
    """Where cache files go (one per repository); default: `busfactor/` in the git directory."""
