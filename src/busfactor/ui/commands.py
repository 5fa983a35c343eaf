"""The command palette: jump to a component, person, decision or file; export the report.

Components, people and decisions are a few hundred entries and go through Textual's fuzzy
matcher. Files can be tens of thousands: they are narrowed with plain string tests first
(a substring, else the query's letters in order), scored with the matcher's own scoring on
those offsets, and only the best `MAX_FILE_HITS` become hits. Other kinds are capped too.
"""

from __future__ import annotations

import heapq
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape as markup_escape

from busfactor.core.wording import counted
from busfactor.ui.view import safe

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport
    from busfactor.ui.app import BusfactorApp

EXPORT = "Export report as Markdown"
MAX_FILE_HITS = 20
MAX_HITS_PER_KIND = 25
"""A palette with thousands of options is slow to draw and no help: the best ones only."""
FILE_PREFIX = "File: "
FILE_WEIGHT = 0.9
"""Files rank a little below a component, person or decision that matches as well."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One palette command: its literal text, what it opens and a help line."""

    text: str
    kind: str
    """"export", "component", "person" or "decision"."""
    key: str
    help: str


@dataclass(slots=True)
class PaletteIndex:
    """What the palette searches, built once per report."""

    entries: list[Entry]
    files: list[str]
    folded: list[str]
    """Each file's `File: path` text, lower-cased, in the order of `files`."""
    component_of: dict[str, str] = field(default_factory=dict)


def build_index(report: ScanReport) -> PaletteIndex:
    """Every component, person, decision and file of the report."""
    entries = [Entry(EXPORT, "export", "", "write busfactor-report.md here")]
    component_of: dict[str, str] = {}
    graph = report.graph
    for component in report.components():
        name = str(component["name"])
        entries.append(
            Entry(
                f"Component: {safe(name)}",
                "component",
                name,
                f"bus factor {component['bus_factor']}, {counted(component['files'], 'file')}",
            )
        )
        for _, node in graph.out_edges(f"component:{name}"):
            component_of.setdefault(str(graph.nodes[node]["path"]), name)
    for person in report.people():
        shown = safe(person["name"] or person["id"])
        entries.append(Entry(f"Person: {shown}", "person", str(person["id"]), safe(person["id"])))
    for decision in report.decisions():
        entries.append(
            Entry(
                f"Decision: ADR {safe(decision['id'])} {safe(decision['title'])}".rstrip(),
                "decision",
                str(decision["path"]),
                f"{safe(decision['status'])} · {safe(decision['path'])}",
            )
        )
    files = sorted(component_of)
    folded = [f"{FILE_PREFIX}{safe(path)}".lower() for path in files]
    return PaletteIndex(entries, files, folded, component_of)


def in_order(needle: str, haystack: str) -> list[int] | None:
    """The leftmost offsets of `needle`'s letters in order in `haystack`, or None."""
    offsets = []
    start = 0
    for letter in needle:
        found = haystack.find(letter, start)
        if found < 0:
            return None
        offsets.append(found)
        start = found + 1
    return offsets


def best_files(
    index: PaletteIndex,
    query: str,
    matcher: Matcher,
    within: Iterable[int] | None = None,
    limit: int = MAX_FILE_HITS,
) -> tuple[list[tuple[float, int, list[int]]], list[int]]:
    """The best files for `query` as (score, position in `index.files`, matched offsets),
    and the positions of every file that matched (a longer query only needs to look there).

    Plain string tests rank every file cheaply (the query as a substring of the file name,
    then of the path, then its letters in order, tighter and shorter first); only the best
    few are scored with the matcher's scoring.
    """
    needle = query.lower()
    folded = index.folded
    # (tier, spread of the match, length, position, substring offset or -1): plain ints, so
    # a one-letter query over 10,000 files allocates little.
    ranked: list[tuple[int, int, int, int, int]] = []
    for position in range(len(folded)) if within is None else within:
        text = folded[position]
        at = text.find(needle)
        if at >= 0:
            ranked.append((0 if at > text.rfind("/") else 1, 0, len(text), position, at))
            continue
        ordered = in_order(needle, text)
        if ordered is not None:
            ranked.append((2, ordered[-1] - ordered[0], len(text), position, -1))
    matched = [entry[3] for entry in ranked]
    score = matcher.fuzzy_search.score
    best = []
    for tier, _, _, position, at in heapq.nsmallest(limit * 3, ranked):
        text = folded[position]
        offsets = list(range(at, at + len(needle))) if at >= 0 else in_order(needle, text) or []
        best.append((score(text, offsets) * (1.5 if tier < 2 else 1.0), position, offsets))
    best.sort(key=lambda hit: (-hit[0], len(folded[hit[1]]), hit[1]))
    return best[:limit], matched


def highlighted(text: str, offsets: Sequence[int], matcher: Matcher) -> Content:
    """`text` as literal content (never markup) with the matched letters styled."""
    content = Content(text)
    for offset in offsets:
        if offset < len(text) and not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class BusfactorCommands(Provider):
    """`Component: …`, `Person: …`, `Decision: ADR …`, `File: …` and the export."""

    narrowed: tuple[str, list[int]] | None = None
    """The last query and the files it matched: typing on only looks at those."""

    def index(self) -> PaletteIndex | None:
        app: BusfactorApp = self.app  # type: ignore[assignment]
        return app.palette_index()

    def command_for(self, entry: Entry) -> Callable[[], object]:
        """What choosing an entry does."""
        app: BusfactorApp = self.app  # type: ignore[assignment]
        if entry.kind == "component":
            return partial(app.show_component, entry.key)
        if entry.kind == "person":
            return partial(app.show_person, entry.key)
        if entry.kind == "decision":
            return partial(app.show_decision, entry.key)
        return app.action_export_markdown

    async def discover(self) -> Hits:
        index = self.index()
        people = 0
        for entry in index.entries if index else []:
            people += entry.kind == "person"
            if people > MAX_HITS_PER_KIND:  # the rest are found by typing
                continue
            yield DiscoveryHit(
                Content(entry.text),
                self.command_for(entry),
                text=entry.text,
                help=markup_escape(entry.help),
            )

    async def search(self, query: str) -> AsyncIterator[Hit]:
        index = self.index()
        if index is None:
            return
        app: BusfactorApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        by_kind: dict[str, list[tuple[float, Entry, Sequence[int]]]] = {}
        for entry in index.entries:
            score, offsets = matcher.fuzzy_search.match(query, entry.text)
            if score > 0:
                by_kind.setdefault(entry.kind, []).append((score, entry, offsets))
        for found in by_kind.values():
            found.sort(key=lambda hit: -hit[0])
            for score, entry, offsets in found[:MAX_HITS_PER_KIND]:
                yield Hit(
                    score,
                    highlighted(entry.text, offsets, matcher),
                    self.command_for(entry),
                    text=entry.text,
                    help=markup_escape(entry.help),
                )
        needle = query.lower()
        if not needle.strip():
            return
        within = None
        if self.narrowed is not None and needle.startswith(self.narrowed[0]):
            within = self.narrowed[1]
        files, matched = best_files(index, query, matcher, within)
        self.narrowed = (needle, matched)
        for score, position, offsets in files:
            path = index.files[position]
            text = f"{FILE_PREFIX}{safe(path)}"
            yield Hit(
                score * FILE_WEIGHT,
                highlighted(text, offsets, matcher),
                partial(app.show_file, path),
                text=text,
                help=markup_escape(f"in {safe(index.component_of[path])}"),
            )
