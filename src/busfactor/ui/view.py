"""Pure helpers that turn report data into safe, styled display values (no widgets here).

Every string from the repository goes through `safe` and into a `Text`, so markup such as
`[bold]` and control characters show literally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text

from busfactor.core.wording import listed
from busfactor.formats.text_safety import printable

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport

RISK_ORDER = {"HIGH": 0, "MED": 1, "OK": 2}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
WIDE_FROM = 110
"""Screens this wide or wider are `-wide` (the Decisions table beside its record), narrower
ones `-narrow` (one above the other)."""


def safe(value: object) -> str:
    """Repository text made printable: control and bidi characters shown as escapes."""
    return printable(str(value))


def text(value: object, style: str = "") -> Text:
    """A literal Text (never parsed as markup)."""
    return Text(safe(value), style=style)


def cut(value: str, width: int) -> Text:
    """A literal Text at most `width` cells wide, ending in … when cut."""
    shown = Text(value)
    shown.truncate(width, overflow="ellipsis")
    return shown


def shorten_path(name: str, width: int) -> str:
    """`name` in at most `width` cells: leading folders dropped first (`…/legacy-billing`),
    then the start of the last part (`…-billing`)."""
    if cell_len(name) <= width:
        return name
    parts = name.split("/")
    for start in range(1, len(parts)):
        tail = "…/" + "/".join(parts[start:])
        if cell_len(tail) <= width:
            return tail
    backwards = Text(parts[-1][::-1])
    backwards.truncate(max(0, width - 1))
    return "…" + backwards.plain[::-1]


class ShortPaths:
    """`shorten_path` for one table's names, where names that would look alike once
    shortened keep the folders that tell them apart: `services/payments/docs/adr:1` and
    `services/shipping/docs/adr:1` both came out as `…/docs/adr:1`, and now show as
    `…/payments/…/adr:1` and `…/shipping/…/adr:1` (cut to the width if need be). Worked out
    once per width: the tables draw every row again on a resize."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names = sorted(set(names))
        self._by_width: dict[int, dict[str, str]] = {}

    def __call__(self, name: str, width: int) -> str:
        shown = self._by_width.get(width)
        if shown is None:
            shown = self._by_width[width] = _shortened_apart(self._names, width)
        return shown.get(name) or shorten_path(name, width)


def _shortened_apart(names: Sequence[str], width: int) -> dict[str, str]:
    shown = {name: shorten_path(name, width) for name in names}
    alike: dict[str, list[str]] = {}
    for name, short in shown.items():
        alike.setdefault(short, []).append(name)
    for group in alike.values():
        if len(group) > 1:
            shown.update(_told_apart(group, width))
    return shown


def _told_apart(group: Sequence[str], width: int) -> dict[str, str]:
    """Each of `group` (alike once shortened) with the folders the others do not share, the
    shared ones before and after as `…`, its last part kept. A folder too long for the
    width keeps its start, or its end where the starts are alike (`payments-api`,
    `payments-worker`)."""
    split = {name: name.split("/") for name in group}
    shortest = min(len(parts) for parts in split.values())
    before = 0  # leading parts every member shares
    while before < shortest - 1 and len({parts[before] for parts in split.values()}) == 1:
        before += 1
    after = 0  # trailing parts every member shares
    while after < shortest - before and len({parts[-1 - after] for parts in split.values()}) == 1:
        after += 1
    pieces = {}
    for name, parts in split.items():
        middle = "/".join(parts[before : len(parts) - after])
        lead = "…/" if before else ""
        if not middle:
            gap = "" if lead or after < 2 else "…/"
        else:
            gap = ("/…/" if after > 1 else "/") if after else ""
        pieces[name] = (lead, middle, gap, parts[-1] if after else "")
    first: dict[str, str] = {}
    for cut in (_cut_end, _cut_start):
        forms = {name: _fitted(name, *piece, width, cut) for name, piece in pieces.items()}
        if len(set(forms.values())) == len(forms):
            return forms
        first = first or forms
    return first


def _fitted(
    name: str,
    lead: str,
    middle: str,
    gap: str,
    last: str,
    width: int,
    cut: Callable[[str, int], str],
) -> str:
    """`lead + middle + gap + last` in `width` cells: the middle cut first, then, when too
    little of it would be left, the start of the last part too."""
    frame = cell_len(lead + gap)
    if frame + cell_len(middle) + cell_len(last) <= width:
        return lead + middle + gap + last
    room = width - frame - cell_len(last)
    if middle and room >= min(4, cell_len(middle)):
        return lead + cut(middle, room) + gap + last
    share = min(cell_len(middle), max(2, (width - frame) // 2))
    rest = width - frame - share
    if not middle or rest < 2:
        return shorten_path(name, width)
    return lead + cut(middle, share) + gap + _cut_start(last, rest)


def _cut_end(value: str, width: int) -> str:
    """`value` in at most `width` cells, its end given up for `…` (no padding after a wide
    character that did not fit, as Rich's `truncate` leaves)."""
    if cell_len(value) <= width:
        return value
    kept, used = [], 1
    for char in value:
        used += cell_len(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _cut_start(value: str, width: int) -> str:
    """`value` in at most `width` cells, its start given up for `…`."""
    return _cut_end(value[::-1], width)[::-1]


def fit_names(names: Sequence[str], total: int, width: int) -> str:
    """As many of `names` as fit in `width` cells, then `+N` for the rest of `total` people:
    `Mei Tanaka, Omar Haddad +1`. The first name is always shown, cut with `…` if need be."""
    shown: list[str] = []
    for index, name in enumerate(names):
        rest = total - index - 1
        candidate = listed([*shown, name]) + (f" +{rest}" if rest else "")
        if shown and cell_len(candidate) > width:
            break
        shown.append(name)
    rest = total - len(shown)
    more = f" +{rest}" if rest else ""
    line = Text(listed(shown))
    line.truncate(max(1, width - cell_len(more)), overflow="ellipsis")
    return line.plain + more


def risk_of(component: Mapping[str, Any]) -> str:
    """HIGH at bus factor 1 or less or when most files are lost, MED at 2, else OK."""
    bus_factor = int(component["bus_factor"])
    if bus_factor <= 1 or int(component.get("files_lost", 0)) * 2 > int(component["files"]):
        return "HIGH"
    return "MED" if bus_factor == 2 else "OK"


def risk_rank(component: Mapping[str, Any]) -> tuple[int, int, int]:
    """Riskiest first: HIGH, MED, OK, then the lower bus factor, then the bigger component."""
    return RISK_ORDER[risk_of(component)], int(component["bus_factor"]), -int(component["files"])


def names_of(report: ScanReport, person_ids: Sequence[str]) -> list[str]:
    """Display names for person ids (the id when the person is unknown)."""
    names = []
    for person in person_ids:
        try:
            names.append(safe(report.person(person)["name"] or person))
        except KeyError:
            names.append(safe(person))
    return names


def is_active(report: ScanReport, person: str) -> bool:
    """Whether someone still commits (an unknown id is not said to have left)."""
    try:
        return bool(report.person(person)["active"])
    except KeyError:
        return True


def findings_by_component(report: ScanReport) -> Counter[str]:
    """How many findings name each component."""
    return Counter(f["component"] for f in report.findings() if f.get("component"))


def severity_counts(report: ScanReport) -> Counter[str]:
    """Findings per severity."""
    return Counter(str(f["severity"]) for f in report.findings())


def unique_knowledge(report: ScanReport) -> dict[str, tuple[list[str], int]]:
    """Per person: the components they hold alone (bus factor 1, named by it: what the
    reports' single-owner findings say) and the files where they are the only author.
    Counting only components with no other author at all showed 0 for flask's maintainer,
    whom the reports name as the single owner of three components."""
    components: dict[str, list[str]] = {}
    files: Counter[str] = Counter()
    for component in report.components():
        holders = component.get("bus_factor_authors", [])
        if component["bus_factor"] == 1 and len(holders) == 1:
            components.setdefault(holders[0], []).append(component["name"])
    for node in report.files():
        if len(node["authors"]) == 1:
            files[node["authors"][0]] += 1
    people = {p["id"] for p in report.people()}
    return {p: (components.get(p, []), files[p]) for p in people}


def bar(share: float, width: int = 20) -> str:
    """A text bar for a share between 0 and 1."""
    filled = round(max(0.0, min(1.0, share)) * width)
    return "█" * filled + "░" * (width - filled)


def changed_components(whatif: Mapping[str, Any] | None) -> dict[str, tuple[int, int, int]]:
    """Component -> (bus factor today, after, files left without an author) for the
    components the what-if changes."""
    if not whatif:
        return {}
    return {
        c["name"]: (
            int(c["bus_factor_before"]),
            int(c["bus_factor_after"]),
            len(c["orphaned_files"]),
        )
        for c in whatif["components"]
        if c["bus_factor_before"] != c["bus_factor_after"] or c["orphaned_files"]
    }
