"""Cross-training plan: who should learn each at-risk component, from whom, and what to study.

Targets: bus factor below the target, or more than half the files without an active author;
worst first. Each gets one mentor (the active author of most of its files, ties by summed DOA)
and one learner, an active person authoring none of its files, ranked (algorithms.md §8) by

    score = 3·partial_files + 2·coupled_files + 2·decisions

(files where they have DOA but are no author; files they author that are `coupled` to its
files; its decisions they wrote or decided). Activity only breaks ties, as every learner is
active: summed partial DOA, coupling degree, commits, last commit, id. Nobody is in more than
`max_per_person` suggestions (greedy, worst target first). The bus factor after assumes the
learner authors every listed file reachable within `COMMITS_CAP` commits, and counts the
authors those commits push out (adr/0024); below the target, the list grows until that raises
it (adr/0022). A file whose study would push an active author out is not listed (adr/0025).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from busfactor.core.authorship import doa
from busfactor.core.gc_pause import paused_gc
from busfactor.core.graph import COMPONENT, FILE, PERSON, node_id, node_key
from busfactor.core.markdown_text import markdown_text
from busfactor.core.settings import Thresholds
from busfactor.core.text_safety import printable
from busfactor.core.truckfactor import truck_factor
from busfactor.core.wording import counted, listed

SCHEMA = "busfactor.plan/1"
COMMITS_CAP = 200
"""`commits_needed` gives up (None) beyond this many additional commits."""
STUDY_SHOWN = 10
"""Files to study the text and Markdown plans name per suggestion; JSON lists them all (a
large component can need dozens before its bus factor rises)."""
PARTIAL_WEIGHT, COUPLED_WEIGHT, DECISION_WEIGHT = 3, 2, 2
_DAY = 86400
People = dict[str, dict[str, Any]]
"""Person id -> person node attributes."""


class UnknownComponent(LookupError):
    """A component name that matches none; `suggestions` are the closest names."""

    def __init__(self, wanted: str, suggestions: list[str]) -> None:
        super().__init__(wanted)
        self.wanted = wanted
        self.suggestions = suggestions


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible learner for a component, with the evidence behind the rank."""

    person: str
    partial_files: int
    partial_doa: float
    coupled_files: int
    coupled_degree: float
    wrote: tuple[str, ...]
    decided: tuple[str, ...]
    commits: int
    last_commit: int

    @property
    def score(self) -> int:
        """3·partial_files + 2·coupled_files + 2·decisions (written or decided)."""
        decisions = len(set(self.wrote) | set(self.decided))
        return (
            PARTIAL_WEIGHT * self.partial_files
            + COUPLED_WEIGHT * self.coupled_files
            + DECISION_WEIGHT * decisions
        )

    def rank(self) -> tuple[int, float, float, int, int, str]:
        """Best first when sorted ascending."""
        return (
            -self.score,
            -self.partial_doa,
            -self.coupled_degree,
            -self.commits,
            -self.last_commit,
            self.person,
        )

    def reasons(self, revision_time: int | None) -> list[str]:
        """The evidence as sentences with figures, each saying it is the learner's: after
        the mentor's line, "active: 2344 commits" read as the mentor's."""
        found = []
        if self.partial_files:
            doa_sum, files = f"{self.partial_doa:.1f}", self.partial_files
            found.append(
                f"learner's partial knowledge: DOA {doa_sum} summed over {files} of its files"
            )
        if self.coupled_files:
            found.append(
                f"learner authors {counted(self.coupled_files, 'file')} coupled with it "
                f"(up to {self.coupled_degree:.0f}% co-change)"
            )
        for verb, ids in (("wrote", self.wrote), ("decided", self.decided)):
            if ids:
                found.append(f"learner {verb} {_plural(len(ids), 'decision')} {', '.join(ids)}")
        active = f"learner active: {counted(self.commits, 'commit')}"
        if revision_time is not None:
            days = max(0, (revision_time - self.last_commit) // _DAY)
            active += f", last {counted(days, 'day')} before the revision"
        return [*found, active]


def _plural(number: int, noun: str) -> str:
    return noun if number == 1 else noun + "s"


def _thresholds(graph: nx.DiGraph[str]) -> Thresholds:
    values = graph.graph.get("thresholds")
    return Thresholds(**values) if values else Thresholds()


def _people(graph: nx.DiGraph[str]) -> People:
    return {d["id"]: d for _, d in graph.nodes(data=True) if d.get("kind") == PERSON}


def person_name(graph: nx.DiGraph[str], person: str) -> str:
    """A person's name in the graph (the id when the graph does not know them)."""
    node = node_id(PERSON, person)
    return str(graph.nodes[node].get("name") or person) if node in graph else person


def _files_of(graph: nx.DiGraph[str], component: str) -> list[str]:
    node = node_id(COMPONENT, component)
    edges = graph.out_edges(node, data=True)
    return sorted(graph.nodes[f]["path"] for _, f, d in edges if d.get("kind") == "contains")


def _shares(graph: nx.DiGraph[str], path: str) -> dict[str, dict[str, Any]]:
    """Person id -> authorship edge data on one file."""
    # The adjacency itself, not in_edges(): the plan asks this for every file of a component.
    return {
        node_key(p): data
        for p, data in graph.pred[node_id(FILE, path)].items()
        if data.get("kind") == "authorship"
    }


def _coupled(graph: nx.DiGraph[str], path: str) -> dict[str, float]:
    """Paths changing together with `path` (edges in either direction) -> highest degree."""
    node = node_id(FILE, path)
    found: dict[str, float] = {}
    edges = [*graph.succ[node].items(), *graph.pred[node].items()]
    for other, data in edges:
        if data.get("kind") == "coupled" and other != node:
            other_path = graph.nodes[other]["path"]
            found[other_path] = max(found.get(other_path, 0.0), float(data.get("degree", 0)))
    return found


def _decisions(graph: nx.DiGraph[str], component: str) -> list[str]:
    """The component's decision ids, accepted first, otherwise as listed."""
    node = node_id(COMPONENT, component)
    ids = list(graph.nodes[node].get("decisions", []))
    for source, _, edge in graph.in_edges(node, data=True):
        data = graph.nodes[source]
        if edge.get("kind") == "mentions" and data.get("kind") == "decision":
            ids += [] if data["id"] in ids else [data["id"]]
    return sorted(ids, key=lambda d: _decision(graph, d).get("status") != "accepted")


def _decision(graph: nx.DiGraph[str], decision: str) -> Mapping[str, Any]:
    return graph.nodes.get(node_id("decision", decision), {})


def commits_needed(learner: str, path: str, graph: nx.DiGraph[str]) -> int | None:
    """Fewest more commits on `path` that make `learner` a DOA author (0: already; None: >cap).

    Each commit is a delivery for the learner and an acceptance for everyone else; a learner
    who never touched the file needs at least one commit to count at all.
    """
    return _fewest(*_qualifies(learner, path, graph))


def can_author(learner: str, path: str, graph: nx.DiGraph[str]) -> bool:
    """Whether `commits_needed` finds a count within the cap: one test of the DOA rule at the
    cap, not a bisection (the plan asks this of every file a long study list might hold)."""
    return _within_cap(*_qualifies(learner, path, graph))


_Rule = tuple[Callable[[int], bool], int, bool]
"""`_qualifies`' answer: the DOA rule's verdict after so many more commits, the fewest that
can count, and whether the verdict, once true, stays true."""


def _fewest(enough: Callable[[int], bool], low: int, monotone: bool) -> int | None:
    high = COMMITS_CAP
    if not monotone:
        return next((extra for extra in range(low, high + 1) if enough(extra)), None)
    # Each commit raises the learner's DOA and lowers everyone else's, so once enough, always
    # enough: the fewest is found by bisection.
    if not enough(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _within_cap(enough: Callable[[int], bool], low: int, monotone: bool) -> bool:
    return enough(COMMITS_CAP) if monotone else _fewest(enough, low, monotone) is not None


_Share = tuple[int, int, int]
"""(first author 0/1, deliveries, acceptances) of one person on one file."""


def _learner_and_others(
    learner: str, path: str, graph: nx.DiGraph[str]
) -> tuple[_Share, bool, dict[str, _Share]]:
    """The learner's share of `path` (a newcomer's: no deliveries, every change accepted),
    whether they contributed to it at all, and everyone else's share."""
    shares = {
        person: (int(bool(e.get("first_author"))), int(e["deliveries"]), int(e["acceptances"]))
        for person, e in _shares(graph, path).items()
    }
    total = sum(deliveries for _, deliveries, _ in shares.values())
    own = shares.pop(learner, None)
    return (own if own is not None else (0, 0, total)), own is not None, shares


def authors_after(learner: str, path: str, graph: nx.DiGraph[str], extra: int) -> set[str]:
    """The file's DOA authors once `learner` made `extra` more commits on it. Each is a
    delivery for the learner and an acceptance for everyone else, so an author whose DOA
    falls to the normalised threshold of the new best stops being one (the rule of
    `core.authorship.file_authorship`)."""
    thresholds = _thresholds(graph)
    (first, deliveries, acceptances), _, others = _learner_and_others(learner, path, graph)
    scores = {learner: (doa(first, deliveries + extra, acceptances), first)}
    for person, (their_first, their_deliveries, their_acceptances) in others.items():
        scores[person] = (
            doa(their_first, their_deliveries, their_acceptances + extra),
            their_first,
        )
    best = max(score for score, _ in scores.values())
    return {
        person
        for person, (score, created) in scores.items()
        if best > 0
        and score / best > thresholds.doa_normalized
        and (score >= thresholds.doa_absolute or created == 1)
    }


def _qualifies(learner: str, path: str, graph: nx.DiGraph[str]) -> _Rule:
    """The DOA rule for `learner` on `path` (see `_Rule`)."""
    thresholds = _thresholds(graph)
    (first, deliveries, acceptances), contributed, shares = _learner_and_others(
        learner, path, graph
    )
    others = list(shares.values())

    def enough(extra: int) -> bool:
        mine = doa(first, deliveries + extra, acceptances)
        best = max([mine, *(doa(f, d, a + extra) for f, d, a in others)])
        absolute = mine >= thresholds.doa_absolute or first == 1
        return best > 0 and mine / best > thresholds.doa_normalized and absolute

    # The verdict is monotone only for a normalised threshold of at least 0.
    return enough, 0 if contributed else 1, thresholds.doa_normalized >= 0


def rank_learners(graph: nx.DiGraph[str], component: str) -> list[Candidate]:
    """Active people who author none of the component's files, best learner first."""
    if node_id(COMPONENT, component) not in graph:
        raise UnknownComponent(component, [])
    return _rank(graph, _people(graph), component)


def _rank(graph: nx.DiGraph[str], people: People, component: str) -> list[Candidate]:
    files = _files_of(graph, component)
    authors = {p for path in files for p in graph.nodes[node_id(FILE, path)]["authors"]}
    partial: dict[str, list[float]] = {}
    for path in files:
        for person, edge in _shares(graph, path).items():
            if not edge.get("author"):
                partial.setdefault(person, []).append(float(edge["doa"]))
    coupled: dict[str, dict[str, float]] = {}
    for path in files:
        for other, degree in _coupled(graph, path).items():
            for person in graph.nodes[node_id(FILE, other)]["authors"]:
                mine = coupled.setdefault(person, {})
                mine[other] = max(mine.get(other, 0.0), degree)
    roles: dict[tuple[str, str], list[str]] = {}
    for decision in _decisions(graph, component):
        node = node_id("decision", decision)
        if node in graph:
            for source, _, edge in graph.in_edges(node, data=True):
                key = (str(graph.nodes[source].get("id")), str(edge.get("kind")))
                roles.setdefault(key, []).append(decision)
    candidates = [
        Candidate(
            person=person,
            partial_files=len(partial.get(person, [])),
            partial_doa=sum(partial.get(person, [])),
            coupled_files=len(coupled.get(person, {})),
            coupled_degree=max(coupled.get(person, {}).values(), default=0.0),
            wrote=tuple(roles.get((person, "authored"), [])),
            decided=tuple(roles.get((person, "decided"), [])),
            commits=int(data.get("commits", 0)),
            last_commit=int(data.get("last_commit", 0)),
        )
        for person, data in people.items()
        if data.get("active") and person not in authors
    ]
    return sorted(candidates, key=Candidate.rank)


def _mentors(graph: nx.DiGraph[str], people: People, files: Sequence[str]) -> list[str]:
    """Active authors of the files: most files authored first, then summed DOA, then id."""
    counts: dict[str, int] = {}
    summed: dict[str, float] = {}
    for path in files:
        for person, edge in _shares(graph, path).items():
            summed[person] = summed.get(person, 0.0) + float(edge["doa"])
            if edge.get("author"):
                counts[person] = counts.get(person, 0) + 1
    active = [p for p in counts if people.get(p, {}).get("active")]
    return sorted(active, key=lambda p: (-counts[p], -summed[p], p))


def _study(
    graph: nx.DiGraph[str], people: People, files: Sequence[str], mentor: str | None
) -> list[str]:
    """Files only the mentor knows among active people (else the mentor's files with the fewest
    other active authors), most co-changed, then most changed; no mentor: most changed."""
    active = {p for p, d in people.items() if d.get("active")}
    commits = {p: int(graph.nodes[node_id(FILE, p)].get("commits", 0)) for p in files}
    if mentor is None:
        return sorted(files, key=lambda p: (-commits[p], p))
    others = {
        path: len(active.intersection(authors) - {mentor})
        for path in files
        if mentor in (authors := graph.nodes[node_id(FILE, path)]["authors"])
    }
    pool = [p for p, count in others.items() if count == 0] or list(others)
    return sorted(pool, key=lambda p: (others[p], -len(_coupled(graph, p)), -commits[p], p))


_PLACEHOLDERS = frozenset({".gitkeep", ".keep"})


def _placeholder(path: str) -> bool:
    """An empty file that keeps a folder in git: nothing to study (prettier's plan listed
    `changelog_unreleased/angular/.gitkeep` with four more)."""
    return path.rpartition("/")[2] in _PLACEHOLDERS


def _lost_files(graph: nx.DiGraph[str], people: People, files: Sequence[str]) -> list[str]:
    """Files whose every author is inactive (the component's `files_lost`), most co-changed,
    then most changed: what a component whose knowledge is mostly lost needs relearned."""
    active = {p for p, d in people.items() if d.get("active")}
    lost = []
    for path in files:
        data = graph.nodes[node_id(FILE, path)]
        if data["authors"] and active.isdisjoint(data["authors"]):
            lost.append((-len(_coupled(graph, path)), -int(data.get("commits", 0)), path))
    return [path for *_, path in sorted(lost)]


def _no_mentor_reason(graph: nx.DiGraph[str], component: dict[str, Any]) -> str:
    """Say that nobody active knows the component, and what is left to learn from."""
    former = ", ".join(person_name(graph, p) for p in component.get("authors", []))
    said = f"{former} knew it" if former else "no file has one"
    ids = _decisions(graph, component["name"])
    decisions = f"{_plural(len(ids), 'decision')} {', '.join(ids)}" if ids else "no decisions"
    runbook = component.get("runbook")
    book = f"runbook {runbook} ({component.get('runbook_status')})" if runbook else "no runbook"
    return (
        f"no active author: {said}; what remains: {decisions}; {book}; "
        "start with its most-changed files"
    )


def _mostly_lost(component: Mapping[str, Any]) -> bool:
    return int(component.get("files_lost", 0)) * 2 > int(component["files"])


def _at_risk(component: Mapping[str, Any], target_bus_factor: int) -> bool:
    return int(component["bus_factor"]) <= target_bus_factor - 1 or _mostly_lost(component)


@paused_gc()
def make_plan(
    graph: nx.DiGraph[str],
    *,
    target_bus_factor: int = 2,
    max_per_person: int = 2,
    component: str | None = None,
    files_per_suggestion: int = 5,
    leaving: Collection[str] = (),
) -> dict[str, Any]:
    """The `busfactor.plan/1` cross-training plan (JSON-ready, deterministic order).
    `leaving`: person ids announced as leaving (the `leaving` setting). They learn nothing
    (the knowledge would leave with them); one who is a mentor is said to be leaving."""
    nodes = [d for _, d in graph.nodes(data=True) if d.get("kind") == COMPONENT]
    nodes.sort(key=lambda c: (c["bus_factor"], -c["files"], c["name"]))
    uncovered: list[dict[str, Any]] = []
    if component is not None:
        names = [c["name"] for c in nodes]
        nodes = [c for c in nodes if c["name"] == component]
        if not nodes:
            raise UnknownComponent(component, difflib.get_close_matches(component, names, n=3))
        if not _at_risk(nodes[0], target_bus_factor):
            reason = f"bus factor {nodes[0]['bus_factor']} already meets the target of "
            uncovered.append({"component": component, "reason": reason + str(target_bus_factor)})
    load: dict[str, int] = {}
    people = _people(graph)
    suggestions = []
    for target in (c for c in nodes if _at_risk(c, target_bus_factor)):
        limits = (max_per_person, files_per_suggestion, target_bus_factor)
        made = _suggest(graph, people, target, load, limits, frozenset(leaving))
        if isinstance(made, str):
            uncovered.append({"component": target["name"], "reason": made})
            continue
        for person in (made["mentor"], made["learner"]):
            if person is not None:
                load[person] = load.get(person, 0) + 1
        suggestions.append(made)
    return {"schema": SCHEMA, "suggestions": suggestions, "uncovered": uncovered}


def _suggest(
    graph: nx.DiGraph[str],
    people: People,
    target: dict[str, Any],
    load: Mapping[str, int],
    limits: tuple[int, int, int],
    leaving: frozenset[str] = frozenset(),
) -> dict[str, Any] | str:
    """One suggestion for a target, or the reason there is none."""
    max_per_person, files_per_suggestion, target_bus_factor = limits
    name = target["name"]
    files = _files_of(graph, name)
    mentors = _mentors(graph, people, files)
    free = [p for p in mentors if load.get(p, 0) < max_per_person]
    cap = counted(max_per_person, "suggestion")
    if mentors and not free:
        names = ", ".join(person_name(graph, p) for p in mentors)
        return f"load limit: its active authors ({names}) already have {cap}"
    mentor = free[0] if free else None
    ranked = _rank(graph, people, name)
    candidates = [c for c in ranked if c.person not in leaving]
    if not candidates:
        if ranked:
            return "nobody active is left who is not already an author of its files or leaving"
        return "nobody active is left who is not already an author of its files"
    available = [c for c in candidates if load.get(c.person, 0) < max_per_person]
    if not available:
        return f"load limit: all {counted(len(candidates), 'possible learner')} already have {cap}"
    lost = _lost_files(graph, people, files)
    # Mostly lost: relearning those files comes first, the mentor's own files after.
    first = lost if _mostly_lost(target) else []
    order = list(dict.fromkeys([*first, *_study(graph, people, files, mentor)]))
    order = [path for path in order if not _placeholder(path)] or order
    learner = available[0]
    gain = _Gain(graph, people, files, learner.person, order)
    count = gain.enough(files_per_suggestion, extend=gain.before < target_bus_factor)
    revision_time = graph.graph.get("revision_time")
    reasons = learner.reasons(None if revision_time is None else int(revision_time))
    if mentor is None:
        reasons.insert(0, _no_mentor_reason(graph, target))
    else:
        authored = sum(1 for p in files if mentor in graph.nodes[node_id(FILE, p)]["authors"])
        said = f"mentor: authors {authored} of {counted(len(files), 'file')}"
        if mentor in leaving:
            said += " and is leaving: learn from them first"
        reasons.insert(0, said)
    before = gain.before
    paths = gain.order[:count]
    after = gain.after(count)
    if after <= before < target_bus_factor:
        busy = {p for p in gain.resting_on if load.get(p, 0) >= max_per_person}
        reasons.append(_unraised(graph, before, gain.resting_on, busy, cap))
    displaced = gain.displaced(count)
    if displaced:  # the bus factor after counts it: say why it is lower than it might be
        reasons.append(_displacing(graph, people, displaced))
    needed = [gain.needed(path) for path in paths]
    relearned = len(set(lost).intersection(gain.reachable(count)))
    return {
        "component": name,
        "mentor": mentor,
        "learner": learner.person,
        "reasons": reasons,
        "files": [{"path": p, "commits_needed": n} for p, n in zip(paths, needed, strict=True)],
        "decisions": _decisions(graph, name),
        "bus_factor_before": before,
        "bus_factor_after": after,
        "files_lost_before": len(lost),
        "files_lost_after": len(lost) - relearned,
    }


class _Gain:
    """What a learner gains a component by studying the first files of `order`: the cost
    (commits needed per file) and the bus factor once they author the reachable ones."""

    def __init__(
        self,
        graph: nx.DiGraph[str],
        people: People,
        files: Sequence[str],
        learner: str,
        order: list[str],
    ) -> None:
        self._graph, self._files, self._learner = graph, files, learner
        self.order = list(order)
        self._planned = order
        self._active = {p for p, d in people.items() if d.get("active")}
        self._checked = 0  # order[:_checked] push no active author out (`_settle`)
        self._authors = {p: tuple(graph.nodes[node_id(FILE, p)]["authors"]) for p in files}
        self._commits = {p: int(d.get("commits", 0)) for p, d in people.items()}
        self._coverage = _thresholds(graph).coverage
        self._rules: dict[str, _Rule] = {}  # each file's edges read once, for both questions
        self._needed: dict[str, int | None] = {}
        self._can: dict[str, bool] = {}
        now = truck_factor(files, self._authors, self._commits, self._coverage)
        self.before = now.value
        self.resting_on = list(now.removed)
        self._after: dict[int, int] = {}
        self._changed: dict[str, tuple[str, ...]] = {}

    def _rule(self, path: str) -> _Rule:
        if path not in self._rules:
            self._rules[path] = _qualifies(self._learner, path, self._graph)
        return self._rules[path]

    def needed(self, path: str) -> int | None:
        if path not in self._needed:
            self._needed[path] = _fewest(*self._rule(path))
        return self._needed[path]

    def reachable(self, count: int) -> list[str]:
        """The first `count` files of the order the learner can come to author."""
        return [path for path in self.order[:count] if self._reachable(path)]

    def _reachable(self, path: str) -> bool:
        if path not in self._can:
            self._can[path] = _within_cap(*self._rule(path))
        return self._can[path]

    def after(self, count: int) -> int:
        """The bus factor once the learner made the commits needed on the reachable files
        among the first `count`: they author those files, and an author the learner's
        commits push under the normalised threshold no longer does. Counting the learner
        as one more author and no one less promised express's .github a rise from 3 to 4,
        where doing what the plan said lowered it to 2."""
        if count not in self._after:
            authors = dict(self._authors)
            commits = dict(self._commits)
            for path in self.reachable(count):
                authors[path] = self._authors_after(path)
                commits[self._learner] = commits.get(self._learner, 0) + self._extra(path)
            result = truck_factor(self._files, authors, commits, self._coverage)
            self._after[count] = result.value
        return self._after[count]

    def _settle(self, wanted: int) -> None:
        """Leave out of the first `wanted` files of the order any whose commits would take
        an active author below the threshold: that file trades one active author for
        another, and the trade can lower the bus factor (the mentor's own file did so on
        express's .github, 3 -> 2; adr/0025). Authors who left may be pushed out: that is
        relearning what they knew. Checked from the front, as far as the list is read (each
        check is a bisection of the commits needed). When every file would push someone
        out, the order stays whole and the reasons say whom."""
        kept = self.order[: self._checked]
        unchanged: int | None = None  # how many files lead the order as they did
        at = self._checked
        while len(kept) < wanted and at < len(self.order):
            path = self.order[at]
            at += 1
            if not self._pushes_out_someone_active(path):
                kept.append(path)
            elif unchanged is None:
                unchanged = len(kept)
        if unchanged is None:
            self._checked = len(kept)
            return
        if not kept and at == len(self.order):
            self.order, self._checked = list(self._planned), len(self._planned)
            unchanged = 0
        else:
            self.order, self._checked = kept + self.order[at:], len(kept)
        # A figure counts only the first so many files of the order.
        self._after = {n: value for n, value in self._after.items() if n <= unchanged}

    def _pushes_out_someone_active(self, path: str) -> bool:
        if not self._reachable(path):
            return False  # the learner never authors it: nobody's standing changes
        after = self._authors_after(path)
        return any(p in self._active and p not in after for p in self._authors[path])

    def displaced(self, count: int) -> dict[str, list[str]]:
        """Authors who stop authoring a file among the first `count` once the learner made
        the commits it needs, with those files, in the order of the study."""
        lost: dict[str, list[str]] = {}
        for path in self.reachable(count):
            after = self._authors_after(path)
            for person in self._authors[path]:
                if person not in after:
                    lost.setdefault(person, []).append(path)
        return lost

    def _extra(self, path: str) -> int:
        """The commits a reachable file needs (one within the cap, by `_reachable`)."""
        extra = self.needed(path)
        assert extra is not None
        return extra

    def _authors_after(self, path: str) -> tuple[str, ...]:
        """A reachable file's authors once the learner made the commits it needs."""
        if path not in self._changed:
            after = authors_after(self._learner, path, self._graph, self._extra(path))
            # The file's own order of authors, the learner last, as the scan lists them.
            kept = [p for p in self._authors[path] if p in after]
            self._changed[path] = (*kept, *sorted(after.difference(kept)))
        return self._changed[path]

    def enough(self, at_least: int, *, extend: bool) -> int:
        """How many files to list: the first `at_least`, or, with `extend`, more when those
        leave the bus factor where it is and the whole order would raise it. A suggestion
        that changes nothing is no plan. The order holds only the files the study rule
        picks, so a component the mentor does not hold is never studied whole."""
        self._settle(at_least)
        floor = min(at_least, len(self.order))
        if not extend or self.after(floor) > self.before:
            return floor
        self._settle(len(self.order))
        if self.after(len(self.order)) <= self.before:
            return floor
        # Bisection, keeping a count that raises the bus factor: each step is one truck
        # factor of the files. More authored files mostly raise coverage, but the greedy
        # removal order can shift, so this is the fewest only where the rise is monotone.
        low, high = floor, len(self.order)
        while high - low > 1:
            middle = (low + high) // 2
            if self.after(middle) > self.before:
                high = middle
            else:
                low = middle
        return high


def _displacing(
    graph: nx.DiGraph[str], people: People, displaced: Mapping[str, Collection[str]]
) -> str:
    """Who the learner's commits push out, and where. When all of them have left, their
    knowledge is lost already: the bus factor, which counts them until then, can fall while
    nothing is lost ("internal/fs: bus factor 3 -> 2, files lost 2 -> 0" read as a loss)."""
    files_left = sorted({f for files in displaced.values() for f in files})
    said = (
        f"the learner's commits would take {listed(person_name(graph, p) for p in displaced)}"
        f" below the authorship threshold on {counted(len(files_left), 'file')} "
        f"({listed(files_left)})"
    )
    if not any(people.get(p, {}).get("active") for p in displaced):
        said += (
            "; no longer active, so no knowledge is lost, but the bus factor stops counting them"
        )
    return said


def _unraised(
    graph: nx.DiGraph[str], before: int, resting_on: Sequence[str], busy: set[str], cap: str
) -> str:
    """Why a suggestion leaves the bus factor where it is: whose files it rests on, and
    which of them the load limit kept from mentoring it."""
    names = [
        person_name(graph, p) + (f" (already in {cap})" if p in busy else "") for p in resting_on
    ]
    why = f"it rests on {', '.join(names)}" if names else "most of its files have no author"
    return f"these files leave the bus factor at {before}: {why}"


def _safe(value: object) -> str:
    return printable(str(value))


def _cell(value: object) -> str:
    """Markdown text: markup escaped, controls made visible."""
    return markdown_text(_safe(value))


def _decision_label(graph: nx.DiGraph[str], decision: str) -> str:
    data = _decision(graph, decision)
    return f'{decision} "{data.get("title")}" ({data.get("status")})' if data else decision


def _needed(value: int | None) -> str:
    return f"over {COMMITS_CAP}" if value is None else str(value)


def _more_files(rest: Sequence[Mapping[str, Any]]) -> str:
    """'and 8 more files, 350 commits' for the files a rendering leaves out."""
    counts = [f["commits_needed"] for f in rest]
    known = sum(n for n in counts if n is not None)
    over = sum(1 for n in counts if n is None)
    capped = f", and {counted(over, 'file')} over {COMMITS_CAP} each" if over else ""
    return f"and {counted(len(rest), 'more file')}, {counted(known, 'commit')}{capped}"


def _summary(plan: Mapping[str, Any]) -> str:
    made, left = len(plan["suggestions"]), len(plan["uncovered"])
    if not made and not left:
        return "no component needs cross-training"
    uncovered = f", {counted(left, 'component')} not covered" if left else ""
    return counted(made, "suggestion") + uncovered


def _lost_change(item: Mapping[str, Any]) -> str:
    """', files lost 173 -> 168', when the component has lost any."""
    before, after = item.get("files_lost_before", 0), item.get("files_lost_after", 0)
    return f", files lost {before} -> {after}" if before else ""


def render_plan_text(plan: Mapping[str, Any], graph: nx.DiGraph[str]) -> str:
    """The plan for a terminal: one block per suggestion, then what is not covered."""
    lines = [f"Cross-training plan: {_summary(plan)}."]
    for number, item in enumerate(plan["suggestions"], 1):
        learner = person_name(graph, item["learner"])
        mentor = item["mentor"]
        lines += [
            "",
            f"{number}. {_safe(item['component'])}: bus factor "
            f"{item['bus_factor_before']} -> {item['bus_factor_after']}{_lost_change(item)}",
            f"   {_safe(person_name(graph, mentor))} mentors {_safe(learner)}."
            if mentor
            else f"   Nobody active knows it: {_safe(learner)} learns from what remains.",
        ]
        lines += [f"   - {_safe(reason)}" for reason in item["reasons"]]
        if item["files"]:
            shown, rest = item["files"][:STUDY_SHOWN], item["files"][STUDY_SHOWN:]
            lines.append("   Study (commits still needed to become an author):")
            lines += [f"     {_safe(f['path'])}: {_needed(f['commits_needed'])}" for f in shown]
            if rest:
                lines.append(f"     {_more_files(rest)} (the JSON plan lists them)")
        if item["decisions"]:
            labels = ", ".join(_decision_label(graph, d) for d in item["decisions"])
            lines.append(f"   Read decisions: {_safe(labels)}")
    if plan["uncovered"]:
        lines += ["", "Not covered:"]
        lines += [f"  {_safe(u['component'])}: {_safe(u['reason'])}" for u in plan["uncovered"]]
    return "\n".join(lines) + "\n"


def render_plan_markdown(plan: Mapping[str, Any], graph: nx.DiGraph[str]) -> str:
    """The plan as a section a manager can paste into a team document."""
    lines = ["## Cross-training plan", "", f"{_summary(plan).capitalize()}."]
    # A column for files lost only when a suggestion has any: most plans have none.
    lost = any(item.get("files_lost_before") for item in plan["suggestions"])
    if plan["suggestions"]:
        lines[-1] += (
            " Each learner studies the listed files with the mentor; *commits* is how many more"
            " commits on a file make the learner one of its authors (Degree-of-Authorship model)."
        )
        lines += [
            "",
            "| Component | Mentor | Learner | Bus factor |"
            + (" Files lost |" if lost else "")
            + " Why |",
            "|---|---|---|---|" + ("---|" if lost else "") + "---|",
        ]
    for item in plan["suggestions"]:
        mentor = _cell(person_name(graph, item["mentor"])) if item["mentor"] else "nobody active"
        learner = _cell(person_name(graph, item["learner"]))
        files_lost = f"{item['files_lost_before']} → {item['files_lost_after']} | "
        lines.append(
            f"| {_cell(item['component'])} | {mentor} | {learner} "
            f"| {item['bus_factor_before']} → {item['bus_factor_after']} | "
            + (files_lost if lost else "")
            + f"{'; '.join(_cell(r) for r in item['reasons'])} |"
        )
    for item in plan["suggestions"]:
        learner = _cell(person_name(graph, item["learner"]))
        mentor = _cell(person_name(graph, item["mentor"])) if item["mentor"] else "what remains"
        lines += ["", f"### {_cell(item['component'])}: {mentor} → {learner}"]
        if item["files"]:
            lines += ["", "| File to study | Commits |", "|---|---:|"]
            shown, rest = item["files"][:STUDY_SHOWN], item["files"][STUDY_SHOWN:]
            lines += [f"| {_cell(f['path'])} | {_needed(f['commits_needed'])} |" for f in shown]
            if rest:
                more = _more_files(rest)
                lines += [
                    "",
                    f"{more[0].upper()}{more[1:]}: `busfactor plan --format json` lists them.",
                ]
        if item["decisions"]:
            labels = ", ".join(_cell(_decision_label(graph, d)) for d in item["decisions"])
            lines += ["", f"Decisions to read: {labels}."]
    if plan["uncovered"]:
        lines += ["", "### Not covered", "", "| Component | Why |", "|---|---|"]
        lines += [f"| {_cell(u['component'])} | {_cell(u['reason'])} |" for u in plan["uncovered"]]
    return "\n".join(lines) + "\n"
