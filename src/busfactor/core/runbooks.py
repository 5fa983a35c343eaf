"""Runbooks: which components have one, and whether the ones in the repository are any good.

Pure rules (conventions §2): the sections a runbook needs, staleness measured from the analysed
revision's date, and the path arithmetic that ties a file to the component it serves. Reading
Markdown and YAML happens in `busfactor.adapters.runbooks`, which builds the types below.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from busfactor.core.components import ROOT_COMPONENT

__all__ = [
    "DAY_SECONDS",
    "REQUIRED_SECTIONS",
    "Runbook",
    "RunbookDocument",
    "check_runbook",
    "component_directories",
    "component_directory",
    "find_placeholders",
    "is_url",
    "missing_sections",
    "owning_components",
    "resolve_reference",
    "runbook_names",
]

DAY_SECONDS = 86_400
ROOT = "(root)"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_MARKERS = re.compile(r"\b(?:TODO|TBD|FIXME|XXX)\b|\b[Ll]orem [Ii]psum\b|\bLOREM IPSUM\b")
_BRACES = re.compile(r"\{\{[^{}\n]{1,80}\}\}|\{(?![#.])[^{}\n]{1,80}\}")
_ANGLE = re.compile(r"<([A-Za-z][\w.:-]*)(?:\s[^<>\n]{0,120})?>")
_HTML_TAG_NAMES = (
    "a abbr address area article aside audio b base bdi bdo big blockquote body br button canvas "
    "caption center cite code col colgroup data datalist dd del details dfn dialog div dl dt em "
    "embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hgroup hr "
    "html i iframe img input ins kbd label legend li link main map mark math menu meta meter nav "
    "noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp "
    "script section select slot small source span strike strong style sub summary sup svg table "
    "tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr"
)
HTML_TAGS = frozenset(_HTML_TAG_NAMES.split())
"""Element names that make `<name ...>` markup rather than a placeholder (in lower or upper
case; `<Title>` in mixed case reads as a placeholder)."""
_SHOWN_PLACEHOLDERS = 8
"""A problem lists at most this many placeholders, then says how many more there are."""


@dataclass(frozen=True, slots=True)
class Runbook:
    """A runbook and the components it serves; `status` is "ok", "weak" or "unverified"."""

    path: str
    """Repository-relative path, or the URL of an external runbook."""
    components: tuple[str, ...]
    """Names of the components it serves, sorted."""
    sources: tuple[str, ...]
    """The rules that found it, sorted: config, component-file, runbooks-folder, catalog-info,
    opslevel, cortex."""
    status: str
    problems: tuple[str, ...]
    """Why it is weak (or why it could not be checked); empty when ok."""
    external: bool


@dataclass(frozen=True, slots=True)
class RunbookDocument:
    """What a Markdown runbook says about itself, as the adapter extracted it."""

    headings: tuple[str, ...]
    """All heading texts, any level, as written."""
    placeholders: tuple[str, ...]
    """Template placeholders left in the text, deduplicated, in order of appearance."""
    last_reviewed: str | None
    """ISO date from the front matter (`last_reviewed`, `last-reviewed` or `reviewed`)."""
    empty: bool
    """No text beyond headings and front matter."""
    front_matter_problem: str | None = None
    """Why the front matter, or its review date, could not be read (the date then comes from
    the last commit): a date such as 2024-02-30 made the whole front matter unreadable."""


REQUIRED_SECTIONS: Mapping[str, tuple[str, ...]] = {
    "overview": ("overview", "summary", "about", "description"),
    "alerts": ("alert", "symptom"),
    "procedures": (
        "procedure",
        "steps",
        "playbook",
        "mitigation",
        "remediation",
        "common tasks",
        "operations",
    ),
    "escalation": ("escalation", "contact", "on-call", "oncall", "owners"),
}
"""Section -> heading keywords; a heading containing one (any case) provides the section."""


def missing_sections(headings: Iterable[str]) -> tuple[str, ...]:
    """The required sections no heading provides, in `REQUIRED_SECTIONS` order."""
    lowered = [heading.lower() for heading in headings]
    return tuple(
        section
        for section, keywords in REQUIRED_SECTIONS.items()
        if not any(keyword in heading for heading in lowered for keyword in keywords)
    )


FUTURE_REVIEW_DAYS = 31
"""A review date this far after the analysed revision is still taken (a date written ahead
of the merge, clock skew); further ahead it is a problem."""


def check_runbook(
    document: RunbookDocument, *, last_commit: int | None, now: int, max_age_days: int
) -> tuple[str, ...]:
    """Problems that make a runbook weak (empty = ok); `now` is the analysed revision's date."""
    problems: list[str] = []
    missing = missing_sections(document.headings)
    if missing:
        problems.append("missing sections: " + ", ".join(missing))
    if document.placeholders:
        problems.append("template placeholders left: " + _listing(document.placeholders))
    if document.empty:
        problems.append("empty: no text beyond headings")
    if document.front_matter_problem:
        problems.append(document.front_matter_problem)
    reviewed = _parse_day(document.last_reviewed)
    ahead = (reviewed - datetime.fromtimestamp(now, UTC).date()).days if reviewed else 0
    if reviewed is not None and ahead > FUTURE_REVIEW_DAYS:
        # a review date far ahead (9999-12-31) would keep the runbook fresh for ever
        problems.append(
            f"last_reviewed {reviewed.isoformat()} lies {ahead} days after the revision's date"
        )
    stale = _staleness(document.last_reviewed, last_commit, now, max_age_days)
    if stale:
        problems.append(stale)
    return tuple(problems)


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_SHOWN_PLACEHOLDERS])
    more = len(items) - _SHOWN_PLACEHOLDERS
    return f"{shown} and {more} more" if more > 0 else shown


def _staleness(reviewed: str | None, last_commit: int | None, now: int, limit: int) -> str | None:
    """ "not reviewed for N days (...)" when the runbook is older than `limit` days."""
    reviewed_day = _parse_day(reviewed)
    if reviewed_day is not None:
        midnight = datetime(reviewed_day.year, reviewed_day.month, reviewed_day.day, tzinfo=UTC)
        since = int(midnight.timestamp())
        origin = f"last_reviewed {reviewed_day.isoformat()}"
    elif last_commit is not None:
        since = last_commit
        origin = f"last commit {_day_of(last_commit)}"
    else:
        return None
    age_days = (now - since) // DAY_SECONDS
    return f"not reviewed for {age_days} days ({origin})" if age_days > limit else None


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _day_of(epoch: int) -> str:
    try:
        return datetime.fromtimestamp(epoch, UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return str(epoch)


def find_placeholders(text: str, *, markup: bool = False) -> list[str]:
    """Template placeholders in prose, in order: TODO/TBD/FIXME/XXX, "lorem ipsum", `{field}`
    and `{{field}}` (not in raw HTML, `markup=True`), and `<name>` unless an HTML tag."""
    hits = [(match.start(), match.group()) for match in _MARKERS.finditer(text)]
    if not markup:
        hits += [(match.start(), match.group()) for match in _BRACES.finditer(text)]
    hits += [(m.start(), m.group()) for m in _ANGLE.finditer(text) if not _is_tag(m.group(1))]
    return [placeholder for _, placeholder in sorted(hits)]


def _is_tag(name: str) -> bool:
    return name.lower() in HTML_TAGS and (name.islower() or name.isupper())


def is_url(reference: str) -> bool:
    """Whether a runbook reference is an external URL (`scheme://...`)."""
    return _URL.match(reference.strip()) is not None


def resolve_reference(base_dir: str, reference: str) -> str | None:
    """A relative (or `/`-anchored) path from `base_dir` as a repository path; None when it
    escapes the repository or names nothing."""
    reference = reference.strip()
    if reference.startswith("/"):
        joined = reference.lstrip("/")
    else:
        joined = posixpath.join(base_dir, reference) if base_dir else reference
    if not joined:
        return None
    parts: list[str] = []
    for part in joined.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts) or None


def component_directory(name: str, files: Sequence[str]) -> str | None:
    """The directory a component lives in: its name when that is a directory holding all of its
    files, else the longest common directory of its files ("" = the root, None = no files)."""
    if name == ROOT:
        return ""
    if not files:
        return None
    directories = [posixpath.dirname(path) for path in files]
    if name and all(d == name or d.startswith(name + "/") for d in directories):
        return name
    common = directories[0].split("/")
    for directory in directories[1:]:
        parts = directory.split("/")
        while common != parts[: len(common)]:
            common.pop()
    return "/".join(common)


def component_directories(components: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Directory -> the components living in it (sorted); components without files are absent."""
    by_directory: dict[str, list[str]] = {}
    for name, files in components.items():
        directory = component_directory(name, files)
        if directory is not None:
            by_directory.setdefault(directory, []).append(name)
    return {directory: tuple(sorted(names)) for directory, names in by_directory.items()}


def owning_components(path: str, by_directory: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The components whose directory most closely contains `path`; a component living at the
    root claims only files at the root."""
    directory = posixpath.dirname(path)
    while directory:
        if directory in by_directory:
            return by_directory[directory]
        directory = posixpath.dirname(directory)
    return by_directory.get("", ()) if "/" not in path else ()


def runbook_names(component: str) -> tuple[str, ...]:
    """File names (without `.md`, lower case) a runbooks folder may use for a component: the
    name, its last path segment, and the name with "/" turned into "-", each also without
    leading dots (`runbook new .github` writes `github.md`, not a hidden file). The files at
    the repository's root, `(root)`, have `root.md`, which `runbook new "(root)"` writes."""
    if component == ROOT_COMPONENT:
        return ("root", ROOT_COMPONENT)
    candidates = (component, component.rsplit("/", 1)[-1], component.replace("/", "-"))
    names = [variant for name in candidates for variant in (name, name.lstrip("."))]
    return tuple(dict.fromkeys(name.lower() for name in names if name.strip("/")))
