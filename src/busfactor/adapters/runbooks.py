"""Find each component's runbooks in a revision's files and read them (conventions §2).

Everything read here comes from the scanned repository and is untrusted: YAML goes through
`yaml.safe_load` only, files over 1 MiB are skipped, nothing outside the repository's own
blobs is followed, and no content makes these functions raise; problems become warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from busfactor.adapters.adr_formats import commonmark
from busfactor.core.runbooks import (
    Runbook,
    RunbookDocument,
    check_runbook,
    component_directories,
    find_placeholders,
    is_url,
    owning_components,
    resolve_reference,
    runbook_names,
)

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["MAX_FILE_BYTES", "find_runbooks", "read_runbook_document"]

MAX_FILE_BYTES = 1 << 20
"""Larger runbooks and catalog files are not read."""

RUNBOOK_FILES = frozenset({"runbook.md", "runbook.markdown"})
CATALOG_FILES = {
    "catalog-info.yaml": "catalog-info",
    "catalog-info.yml": "catalog-info",
    "opslevel.yml": "opslevel",
    "opslevel.yaml": "opslevel",
    "cortex.yaml": "cortex",
    "cortex.yml": "cortex",
}
FOLDER_PATTERNS = (
    "docs/runbooks/{}.md",
    "docs/runbooks/{}/index.md",
    "runbooks/{}.md",
    "playbooks/{}.md",
)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
REVIEW_KEYS = ("last_reviewed", "last-reviewed", "reviewed")

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_LINK_TITLE = re.compile(r"\b(?:run[ -]?books?|playbooks?)\b", re.IGNORECASE)
_NO_CONFIG: Mapping[str, str] = MappingProxyType({})


# --- one Markdown runbook ------------------------------------------------------------------------


def read_runbook_document(data: bytes) -> RunbookDocument:
    """Headings, leftover placeholders, `last_reviewed` and emptiness of a Markdown runbook."""
    if b"\x00" in data:
        return RunbookDocument((), (), None, True)
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    front, body, problem = _split_front_matter(text)
    placeholders: list[str] = []
    for value in _strings(front):
        placeholders += find_placeholders(value)
    headings: list[str] = []
    empty = True
    in_heading = False
    for token in commonmark().parse(body):
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif token.type == "inline":
            if in_heading:
                headings.append(token.content.strip())
            else:
                empty = empty and not token.content.strip()
            placeholders += _inline_placeholders(token.children or [])
        elif token.type == "html_block":
            empty = empty and not _COMMENT.sub("", token.content).strip()
            placeholders += find_placeholders(token.content, markup=True)
        elif token.type in ("fence", "code_block"):
            empty = empty and not token.content.strip()
    reviewed, unreadable = _review_date(front)
    return RunbookDocument(
        headings=tuple(headings),
        placeholders=tuple(dict.fromkeys(placeholders)),
        last_reviewed=reviewed,
        empty=empty,
        front_matter_problem=problem or unreadable,
    )


def _split_front_matter(text: str) -> tuple[dict[object, object] | None, str, str | None]:
    """(front matter mapping, Markdown body, why the front matter is unreadable): a block
    between `---` lines opening the file, as mdit-py-plugins' front_matter locates it; YAML
    that is broken or not a mapping gives None and the reason."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text, None
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            loaded, error = _load_yaml("\n".join(lines[1:number]), all_documents=False)
            body = "\n".join(lines[number + 1 :])
            if isinstance(loaded, dict):
                return loaded, body, None
            if error is None and loaded is None:  # an empty block
                return None, body, None
            why = f"unreadable front matter ({error or 'not a mapping'})"
            return None, body, why
    return None, text, None


def _review_date(front: dict[object, object] | None) -> tuple[str | None, str | None]:
    """(the ISO review date, why a review key's value is not one)."""
    if front is None:
        return None, None
    unreadable = None
    for key in REVIEW_KEYS:
        value = front.get(key)
        if isinstance(value, datetime):
            return value.date().isoformat(), None
        if isinstance(value, date):
            return value.isoformat(), None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()[:10]).isoformat(), None
            except ValueError:
                pass
        if value is not None and unreadable is None:
            unreadable = f"{key} {str(value)[:40]!r} is not a date (YYYY-MM-DD)"
    return None, unreadable


def _strings(value: object, budget: int = 1000) -> Iterator[str]:
    """String scalars in a YAML value, depth-first, at most `budget` nodes (aliases repeat)."""
    stack = [value]
    while stack and budget > 0:
        budget -= 1
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _inline_placeholders(children: Sequence[Token]) -> list[str]:
    """Placeholders in an inline run, skipping code spans; raw HTML checked for unknown tags."""
    found: list[str] = []
    pending: list[str] = []
    for child in children:
        if child.type == "text":
            pending.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            pending.append(" ")
        elif child.type == "html_inline":
            found += find_placeholders("".join(pending))
            pending.clear()
            found += find_placeholders(child.content, markup=True)
    return found + find_placeholders("".join(pending))


# --- finding runbooks ----------------------------------------------------------------------------


@dataclass
class _Finder:
    """Collects runbook references, merged per path, and the warnings met on the way."""

    paths: frozenset[str]
    read: Callable[[str], bytes | None]
    last_commit: Callable[[str], int | None]
    now: int
    max_age_days: int
    found: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, target: str, components: Collection[str], source: str) -> None:
        served, sources = self.found.setdefault(target, (set(), set()))
        served.update(components)
        sources.add(source)

    def warn(self, message: str) -> None:
        message = " ".join(message.splitlines())
        if message not in self.warnings:
            self.warnings.append(message)

    def reference(
        self, origin: str, reference: str, base: str, components: Collection[str], source: str
    ) -> None:
        """A path or URL named by config or a catalog file; paths are resolved from `base`."""
        reference = reference.strip()
        if is_url(reference):
            self.add(reference, components, source)
            return
        path = reference.partition("#")[0].strip()
        if not path:
            return
        resolved = resolve_reference(base, path)
        if resolved is None:
            self.warn(f"{origin}: {reference} is not a path inside the repository, ignored")
        elif resolved not in self.paths:
            self.warn(f"{origin}: {reference} does not exist")
        else:
            self.add(resolved, components, source)

    def evaluate(self, target: str) -> Runbook:
        """The runbook at `target`: external ones unverified, files checked."""
        served, sources = self.found[target]
        found_by, external = tuple(sorted(sources)), is_url(target)
        status, problems = ("unverified", ()) if external else self.check(target)
        return Runbook(target, tuple(sorted(served)), found_by, status, problems, external)

    def check(self, path: str) -> tuple[str, tuple[str, ...]]:
        """(status, problems) of a runbook file in the repository."""
        data = self.read(path)
        if data is None:
            return "weak", ("could not be read",)
        if len(data) > MAX_FILE_BYTES:
            self.warn(f"{path}: larger than 1 MiB, not checked")
            return "weak", ("not checked: larger than 1 MiB",)
        if not path.lower().endswith(MARKDOWN_SUFFIXES):
            return "unverified", ("not Markdown, not checked",)
        document, last_commit = read_runbook_document(data), self.last_commit(path)
        problems = check_runbook(
            document, last_commit=last_commit, now=self.now, max_age_days=self.max_age_days
        )
        return ("weak" if problems else "ok"), problems

    def load(self, path: str) -> bytes | None:
        data = self.read(path)
        if data is not None and len(data) > MAX_FILE_BYTES:
            self.warn(f"{path}: larger than 1 MiB, not read")
            return None
        return data


def find_runbooks(
    components: Mapping[str, Sequence[str]],
    paths: Collection[str],
    read: Callable[[str], bytes | None],
    *,
    configured: Mapping[str, str] = _NO_CONFIG,
    last_commit: Callable[[str], int | None] = lambda path: None,
    now: int,
    max_age_days: int = 365,
) -> tuple[list[Runbook], list[str]]:
    """Every runbook serving a component, sorted by path, with warnings about what was skipped."""
    finder = _Finder(frozenset(paths), read, last_commit, now, max_age_days)
    for component in sorted(configured):
        finder.reference(f"runbooks.{component}", configured[component], "", [component], "config")
    by_directory = component_directories(components)
    for path in sorted(finder.paths):
        name = path.rsplit("/", 1)[-1].lower()
        if name in RUNBOOK_FILES or name in CATALOG_FILES:
            owners = owning_components(path, by_directory)
            if owners and name in RUNBOOK_FILES:
                finder.add(path, owners, "component-file")
            elif owners:
                _read_catalog(finder, path, CATALOG_FILES[name], owners)
    _match_folders(finder, components)
    return [finder.evaluate(target) for target in sorted(finder.found)], finder.warnings


def _match_folders(finder: _Finder, components: Mapping[str, Sequence[str]]) -> None:
    """docs/runbooks/<name>.md, runbooks/<name>.md, ... by any case of a component's names."""
    by_lower: dict[str, list[str]] = {}
    for path in finder.paths:
        lowered = path.lower()
        if lowered.startswith(("docs/runbooks/", "runbooks/", "playbooks/")):
            by_lower.setdefault(lowered, []).append(path)
    for component in components:
        for name in runbook_names(component):
            for pattern in FOLDER_PATTERNS:
                for path in by_lower.get(pattern.format(name), ()):
                    finder.add(path, [component], "runbooks-folder")


# --- catalog files -------------------------------------------------------------------------------


def _load_yaml(text: str | bytes, *, all_documents: bool) -> tuple[object, str | None]:
    """(loaded value, or a list of documents; error message or None), never raising."""
    import yaml  # only for a catalog (see adr_formats.commonmark)

    try:
        if all_documents:
            return list(yaml.safe_load_all(text)), None
        return yaml.safe_load(text), None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        return None, f"{where}{error.problem or error.context or 'unreadable'}"
    # PyYAML raises more than YAMLError on hostile input: ValueError for impossible timestamps,
    # RecursionError for deep nesting, TypeError for unhashable keys, and others.
    except ValueError as error:  # a timestamp such as 2024-02-30
        return None, f"an impossible date: {str(error)[:80]}"
    except Exception as error:
        return None, type(error).__name__


def _read_catalog(finder: _Finder, path: str, kind: str, owners: Collection[str]) -> None:
    data = finder.load(path)
    if data is None:
        return
    documents, error = _load_yaml(data, all_documents=True)
    if error is not None or not isinstance(documents, list):
        finder.warn(f"{path}: malformed YAML ({error}), skipped")
        return
    base = path.rpartition("/")[0]
    extract = {"catalog-info": _catalog_refs, "opslevel": _opslevel_refs, "cortex": _cortex_refs}
    for document in documents:
        for reference in extract[kind](document):
            finder.reference(path, reference, base, owners, kind)


def _get(value: object, key: str) -> object:
    return value.get(key) if isinstance(value, dict) else None


def _entries(value: object) -> list[dict[object, object]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _url(entry: Mapping[object, object]) -> Iterator[str]:
    value = entry.get("url")
    if isinstance(value, str):
        yield value.removeprefix("url:")


def _lower(value: object) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def _catalog_refs(document: object) -> Iterator[str]:
    """Backstage: runbook/playbook links and `*runbook-url` annotations."""
    metadata = _get(document, "metadata")
    for link in _entries(_get(metadata, "links")):
        title = link.get("title")
        if _lower(link.get("type")).rstrip("s") in ("runbook", "playbook") or (
            isinstance(title, str) and _LINK_TITLE.search(title)
        ):
            yield from _url(link)
    annotations = _get(metadata, "annotations")
    if isinstance(annotations, dict):
        for key, value in annotations.items():
            if _lower(key).endswith("runbook-url") and isinstance(value, str):
                yield value.removeprefix("url:")


def _opslevel_refs(document: object) -> Iterator[str]:
    """OpsLevel: `tools[]` (also under `service:`) in the runbooks category."""
    yield from _listed_refs(document, "service", "tools", "category")


def _cortex_refs(document: object) -> Iterator[str]:
    """Cortex: `x-cortex-link[]` (also under `info:`) of type RUNBOOK."""
    yield from _listed_refs(document, "info", "x-cortex-link", "type")


def _listed_refs(document: object, parent: str, key: str, kind: str) -> Iterator[str]:
    for entries in (_get(document, key), _get(_get(document, parent), key)):
        for entry in _entries(entries):
            if _lower(entry.get(kind)).rstrip("s") == "runbook":
                yield from _url(entry)
