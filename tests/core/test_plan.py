"""Tests for busfactor.core.plan: the cross-training plan (algorithms.md §2, §5, §8)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from busfactor.core.authorship import doa, file_authorship
from busfactor.core.graph import add_components, add_files
from busfactor.core.knowledge import prepare_components
from busfactor.core.model import FileHistory
from busfactor.core.plan import (
    COMMITS_CAP,
    UnknownComponent,
    authors_after,
    can_author,
    commits_needed,
    make_plan,
    rank_learners,
    render_plan_markdown,
    render_plan_text,
)
from busfactor.core.settings import Thresholds
from busfactor.core.truckfactor import truck_factor

DAY = 86400
REVISION_TIME = 1_700_000_000
ACTIVITY_DAYS = 180

Files = Mapping[str, Mapping[str, tuple[int, int]]]
"""Path -> person -> (created it: 0/1, deliveries)."""
People = Mapping[str, tuple[int, int]]
"""Person id -> (commits, days between their last commit and the revision)."""
Decision = tuple[str, str, str, Sequence[str], Sequence[str], Sequence[str]]
"""(id, title, status, authors, deciders, components)."""


def build(
    files: Files,
    people: People,
    components: Mapping[str, Sequence[str]],
    *,
    coupled: Iterable[tuple[str, str, int]] = (),
    decisions: Iterable[Decision] = (),
    runbooks: Mapping[str, tuple[str, str]] | None = None,
) -> nx.DiGraph[str]:
    """An ownership graph shaped like a scan's, with DOA computed by the real model."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    for person, (commits, days) in people.items():
        graph.add_node(
            f"person:{person}",
            kind="person",
            id=person,
            name=person.title() + " Doe",
            email=f"{person}@example.test",
            aliases=[],
            commits=commits,
            first_commit=0,
            last_commit=REVISION_TIME - days * DAY,
            active=days <= ACTIVITY_DAYS,
            files_authored=0,
        )
    ids = sorted(people)
    records = []
    for path, shares in files.items():
        history = FileHistory()
        for person, (created, deliveries) in shares.items():
            raw = ids.index(person)
            history.deliveries[raw] = deliveries
            history.touches[raw] = deliveries + created
            history.first_time[raw] = 0
            if created:
                history.adders.add(raw)
        records.append(file_authorship(path, history, list(ids), Thresholds()))
    add_files(graph, records)
    authors_of = {r.path: r.authors for r in records}
    commits_of = {p: c for p, (c, _) in people.items()}
    add_components(graph, {n: list(p) for n, p in components.items()}, authors_of, commits_of, 0.5)
    prepare_components(graph)
    for a, b, degree in coupled:
        graph.add_edge(f"file:{a}", f"file:{b}", kind="coupled", degree=degree, shared=5)
        graph.add_edge(f"file:{b}", f"file:{a}", kind="coupled", degree=degree, shared=5)
    for number, title, status, authors, deciders, linked in decisions:
        node = f"decision:{number}"
        graph.add_node(node, kind="decision", id=number, title=title, status=status)
        for person in authors:
            graph.add_edge(f"person:{person}", node, kind="authored")
        for person in deciders:
            graph.add_edge(f"person:{person}", node, kind="decided")
        for name in linked:
            graph.add_edge(node, f"component:{name}", kind="mentions")
            graph.nodes[f"component:{name}"]["decisions"].append(number)
    for name, (path, status) in (runbooks or {}).items():
        graph.nodes[f"component:{name}"].update(runbook=path, runbook_status=status)
    graph.graph.update(
        revision_time=REVISION_TIME,
        activity_days=ACTIVITY_DAYS,
        thresholds={"doa_normalized": 0.75, "doa_absolute": 3.293, "coverage": 0.5},
    )
    return graph


PAYMENTS = ["pay/api.py", "pay/core.py", "pay/db.py", "pay/util.py"]


def payments() -> nx.DiGraph[str]:
    """Ada alone knows payments; Bob edited two of its files; Cy authors a coupled ledger file."""
    files: dict[str, dict[str, tuple[int, int]]] = {p: {"ada": (1, 10)} for p in PAYMENTS}
    files["pay/api.py"]["bob"] = (0, 2)
    files["pay/core.py"]["bob"] = (0, 3)
    files["pay/core.py"]["ada"] = (1, 14)
    files["ledger/book.py"] = {"cy": (1, 6), "dee": (0, 6)}
    return build(
        files,
        {"ada": (120, 2), "bob": (41, 5), "cy": (30, 9), "dee": (12, 60), "eve": (90, 400)},
        {"payments": PAYMENTS, "ledger": ["ledger/book.py"]},
        coupled=[("pay/api.py", "ledger/book.py", 62), ("pay/db.py", "ledger/book.py", 45)],
        decisions=[("7", "Use Postgres", "accepted", ["cy"], [], ["payments"])],
    )


def test_partial_knowledge_ranks_before_coupled_files() -> None:
    """Bob (partial DOA on two files) outranks Cy (a coupled file and a decision), then Dee."""
    ranked = rank_learners(payments(), "payments")
    assert [c.person for c in ranked] == ["bob", "cy", "dee"]
    bob, cy, dee = ranked
    assert (bob.score, cy.score, dee.score) == (6, 4, 2)
    partial = doa(0, 2, 10) + doa(0, 3, 14)
    assert bob.reasons(REVISION_TIME) == [
        f"learner's partial knowledge: DOA {partial:.1f} summed over 2 of its files",
        "learner active: 41 commits, last 5 days before the revision",
    ]
    assert cy.reasons(REVISION_TIME) == [
        "learner authors 1 file coupled with it (up to 62% co-change)",
        "learner wrote decision 7",
        "learner active: 30 commits, last 9 days before the revision",
    ]


def test_inactive_people_and_authors_are_no_learners() -> None:
    """Eve (inactive) and Ada (an author of the files) never appear among the learners."""
    ranked = {c.person for c in rank_learners(payments(), "payments")}
    assert not ranked & {"ada", "eve"}


def test_plan_pairs_the_sole_author_with_the_best_learner() -> None:
    """Payments gets Ada as mentor and Bob as learner, with her files and decision 7 to read."""
    plan = make_plan(payments())
    assert plan["schema"] == "busfactor.plan/1"
    first = plan["suggestions"][0]
    assert (first["component"], first["mentor"], first["learner"]) == ("payments", "ada", "bob")
    assert first["reasons"][0] == "mentor: authors 4 of 4 files"
    assert first["reasons"][1].startswith("learner's partial knowledge: DOA ")
    assert first["decisions"] == ["7"]
    paths = [f["path"] for f in first["files"]]
    assert paths == ["pay/api.py", "pay/db.py", "pay/core.py", "pay/util.py"]


def test_people_announced_as_leaving_learn_nothing_and_are_said_to_be_leaving() -> None:
    """Bob is leaving: the knowledge would go with him, so Cy learns payments; Ada, its
    mentor, leaving too, is said to be (the demo's Priya learned legacy billing)."""
    first = make_plan(payments(), leaving=["bob", "ada"])["suggestions"][0]
    assert (first["component"], first["mentor"], first["learner"]) == ("payments", "ada", "cy")
    assert (
        first["reasons"][0] == "mentor: authors 4 of 4 files and is leaving: learn from them first"
    )
    graph = build({"x.py": {"ada": (1, 5)}}, {"ada": (5, 1), "bob": (4, 1)}, {"solo": ["x.py"]})
    assert make_plan(graph, leaving=["bob"])["uncovered"] == [
        {
            "component": "solo",
            "reason": "nobody active is left who is not already an author of its files or leaving",
        }
    ]


def test_study_files_come_with_the_commits_the_learner_needs() -> None:
    """Each listed file carries commits_needed for the learner, as the function computes it."""
    graph = payments()
    first = make_plan(graph)["suggestions"][0]
    for item in first["files"]:
        assert item["commits_needed"] == commits_needed("bob", item["path"], graph)
    assert all(isinstance(item["commits_needed"], int) for item in first["files"])


def test_bus_factor_rises_when_the_learner_takes_the_files() -> None:
    """Bob becoming an author of Ada's four files raises the payments bus factor from 1 to 2."""
    first = make_plan(payments())["suggestions"][0]
    assert first["bus_factor_before"] == 1
    assert first["bus_factor_after"] == 2


def test_the_study_list_grows_until_the_bus_factor_rises() -> None:
    """Asked for one file, the plan lists two: Bob authoring only the first leaves payments
    at bus factor 1 (checked here with the truck factor itself), a list that changes
    nothing is no plan, and the first two are the fewest that lift it to 2."""
    graph = payments()
    first = make_plan(graph, files_per_suggestion=1)["suggestions"][0]
    paths = [f["path"] for f in first["files"]]
    assert paths == ["pay/api.py", "pay/db.py"]
    assert first["bus_factor_before"] == 1
    assert first["bus_factor_after"] == 2
    authors = {p: list(graph.nodes[f"file:{p}"]["authors"]) for p in PAYMENTS}
    commits = {"ada": 120, "bob": 41}
    authors["pay/api.py"].append("bob")
    assert truck_factor(PAYMENTS, authors, commits).value == 1
    assert all(
        f["commits_needed"] == commits_needed("bob", f["path"], graph) for f in first["files"]
    )


def sole_owner(files: int) -> nx.DiGraph[str]:
    """Ada alone wrote every file of `core`, each changed more than the last; Bob, active,
    edited one."""
    shares = {f"core/{n:02}.py": {"ada": (1, 3 + n)} for n in range(files)}
    shares["core/00.py"]["bob"] = (0, 1)
    people = {"ada": (200, 2), "bob": (30, 4)}
    return build(shares, people, {"core": sorted(shares)})


def test_a_large_component_lists_every_file_its_bus_factor_needs() -> None:
    """Twelve files of Ada's: Bob must come to author six before losing Ada leaves half of
    them covered, so the default five grow to six, most changed first; JSON lists all six
    and the text names the first ten only, counting the rest."""
    graph = sole_owner(12)
    [item] = make_plan(graph)["suggestions"]
    assert [f["path"] for f in item["files"]] == [f"core/{n:02}.py" for n in range(11, 5, -1)]
    assert (item["bus_factor_before"], item["bus_factor_after"]) == (1, 2)
    big = sole_owner(30)
    plan = make_plan(big)
    [item] = plan["suggestions"]
    assert len(item["files"]) == 15
    assert item["bus_factor_after"] == 2
    text = render_plan_text(plan, big)
    assert "core/20.py" in text
    assert "core/19.py" not in text
    rest = sum(f["commits_needed"] for f in item["files"][10:])
    assert f"     and 5 more files, {rest} commits (the JSON plan lists them)\n" in text
    markdown = render_plan_markdown(plan, big)
    assert "| core/20.py |" in markdown
    assert "core/19.py" not in markdown
    assert f"And 5 more files, {rest} commits: `busfactor plan --format json`" in markdown


def test_a_bus_factor_resting_on_a_busy_mentor_is_explained() -> None:
    """Ada holds `alpha` and most of `core`; with one suggestion each she mentors alpha, so
    core gets Ben, who knows only one of its files. Learning that file leaves core at bus
    factor 1, and the plan says on whom it rests and why she was not asked."""
    files = {f"alpha/{n}.py": {"ada": (1, 10)} for n in range(8)}
    files |= {f"core/{n}.py": {"ada": (1, 10)} for n in range(5)}
    files["core/5.py"] = {"ben": (1, 10)}
    people = {"ada": (90, 1), "ben": (20, 2), "cy": (30, 3), "dee": (25, 4)}
    components = {"alpha": sorted(p for p in files if p[0] == "a")}
    components["core"] = sorted(p for p in files if p[0] == "c")
    graph = build(files, people, components)
    plan = make_plan(graph, max_per_person=1)
    alpha, core = plan["suggestions"]
    assert (alpha["component"], alpha["mentor"]) == ("alpha", "ada")
    assert (core["component"], core["mentor"]) == ("core", "ben")
    assert [f["path"] for f in core["files"]] == ["core/5.py"]
    assert core["bus_factor_before"] == core["bus_factor_after"] == 1
    assert core["reasons"][-1] == (
        "these files leave the bus factor at 1: it rests on Ada Doe (already in 1 suggestion)"
    )
    assert not any("leave the bus factor" in r for r in alpha["reasons"])


def spread() -> nx.DiGraph[str]:
    """Three single-owner components (4, 3, 2 files); Bob and Cy have partial DOA in each."""
    files: dict[str, dict[str, tuple[int, int]]] = {}
    owners = {"alpha": "ada", "beta": "fay", "gamma": "gus"}
    components: dict[str, list[str]] = {}
    for size, (name, owner) in zip((4, 3, 2), owners.items(), strict=True):
        components[name] = [f"{name}/{n}.py" for n in range(size)]
        for path in components[name]:
            files[path] = {owner: (1, 10), "bob": (0, 3), "cy": (0, 2)}
    people = {p: (50, 3) for p in ("ada", "fay", "gus", "bob", "cy")}
    return build(files, people, components)


def test_load_is_spread_across_targets() -> None:
    """Bob learns the two worst components; the third goes to Cy, the next best learner."""
    plan = make_plan(spread())
    pairs = [(s["component"], s["mentor"], s["learner"]) for s in plan["suggestions"]]
    assert pairs == [("alpha", "ada", "bob"), ("beta", "fay", "bob"), ("gamma", "gus", "cy")]
    assert plan["uncovered"] == []


def test_max_per_person_is_respected() -> None:
    """With one suggestion each, a mentor who is busy elsewhere leaves the target uncovered."""
    files = {f"a/{n}.py": {"ada": (1, 10), "bob": (0, 3)} for n in range(3)}
    files |= {f"b/{n}.py": {"ada": (1, 10), "cy": (0, 3)} for n in range(2)}
    components = {"a": sorted(p for p in files if p[0] == "a"), "b": ["b/0.py", "b/1.py"]}
    graph = build(files, {p: (20, 1) for p in ("ada", "bob", "cy")}, components)
    plan = make_plan(graph, max_per_person=1)
    assert [(s["component"], s["learner"]) for s in plan["suggestions"]] == [("a", "bob")]
    assert plan["uncovered"] == [
        {
            "component": "b",
            "reason": "load limit: its active authors (Ada Doe) already have 1 suggestion",
        }
    ]
    tight = make_plan(spread(), max_per_person=1)
    counts: dict[str, int] = {}
    for item in tight["suggestions"]:
        for person in (item["mentor"], item["learner"]):
            counts[person] = counts.get(person, 0) + 1
    assert max(counts.values()) == 1
    assert tight["uncovered"] == [
        {
            "component": "gamma",
            "reason": "load limit: all 4 possible learners already have 1 suggestion",
        }
    ]


def legacy() -> nx.DiGraph[str]:
    """Legacy was written by Ada and Eve, both gone; two decisions and a weak runbook remain."""
    files = {
        "old/a.py": {"ada": (1, 3)},
        "old/b.py": {"eve": (1, 9)},
        "old/c.py": {"ada": (1, 5)},
        "new/x.py": {"bob": (1, 4)},
    }
    return build(
        files,
        {"ada": (40, 500), "eve": (30, 300), "bob": (10, 3)},
        {"legacy": ["old/a.py", "old/b.py", "old/c.py"], "new": ["new/x.py"]},
        decisions=[
            ("3", "Drop XML", "superseded", ["ada"], [], ["legacy"]),
            ("4", "Use JSON", "accepted", ["eve"], [], ["legacy"]),
        ],
        runbooks={"legacy": ("docs/runbooks/legacy.md", "weak")},
    )


def test_lost_component_has_no_mentor_and_points_at_what_remains() -> None:
    """With every author inactive, mentor is None and the reason names decisions and runbook."""
    plan = make_plan(legacy(), target_bus_factor=1)
    assert [s["component"] for s in plan["suggestions"]] == ["legacy"]
    item = plan["suggestions"][0]
    assert item["mentor"] is None
    assert item["learner"] == "bob"
    assert item["reasons"][0] == (
        "no active author: Ada Doe, Eve Doe knew it; what remains: decisions 4, 3; "
        "runbook docs/runbooks/legacy.md (weak); start with its most-changed files"
    )
    assert [f["path"] for f in item["files"]] == ["old/b.py", "old/c.py", "old/a.py"]
    assert item["decisions"] == ["4", "3"]


def mostly_lost() -> nx.DiGraph[str]:
    """`tests`: Eve and Fay, both gone, wrote four of its six files; Ada, active, the other
    two. Bus factor 2 meets the target, so only the lost knowledge makes it a target. Bob has
    edited one of the lost files."""
    files = {
        "t/a.py": {"eve": (1, 9), "bob": (0, 2)},
        "t/b.py": {"eve": (1, 4)},
        "t/c.py": {"fay": (1, 7)},
        "t/d.py": {"fay": (1, 3)},
        "t/e.py": {"ada": (1, 5)},
        "t/f.py": {"ada": (1, 6)},
    }
    people = {"ada": (50, 3), "bob": (20, 10), "eve": (70, 500), "fay": (60, 800)}
    return build(files, people, {"tests": sorted(files)}, coupled=[("t/c.py", "t/e.py", 40)])


def test_mostly_lost_knowledge_is_relearned_first() -> None:
    """The lost files come first (coupled, then most changed), the mentor's own after, and
    the plan says how many files would no longer be lost."""
    graph = mostly_lost()
    assert graph.nodes["component:tests"]["bus_factor"] == 2
    assert graph.nodes["component:tests"]["files_lost"] == 4
    plan = make_plan(graph, target_bus_factor=2)
    [item] = plan["suggestions"]
    assert (item["component"], item["mentor"], item["learner"]) == ("tests", "ada", "bob")
    assert [f["path"] for f in item["files"]] == [
        "t/c.py", "t/a.py", "t/b.py", "t/d.py", "t/e.py"
    ]  # fmt: skip
    assert all(f["commits_needed"] is not None for f in item["files"])
    assert (item["files_lost_before"], item["files_lost_after"]) == (4, 0)
    assert (item["bus_factor_before"], item["bus_factor_after"]) == (2, 3)
    text = render_plan_text(plan, graph)
    assert "1. tests: bus factor 2 -> 3, files lost 4 -> 0\n" in text
    markdown = render_plan_markdown(plan, graph)
    assert "| Component | Mentor | Learner | Bus factor | Files lost | Why |\n" in markdown
    assert "| tests | Ada Doe | Bob Doe | 2 → 3 | 4 → 0 | " in markdown


def test_a_component_with_nothing_lost_reports_no_lost_files() -> None:
    """The usual target: its gain is the bus factor alone."""
    [item, *_] = make_plan(payments())["suggestions"]
    assert (item["files_lost_before"], item["files_lost_after"]) == (0, 0)
    assert ", files lost" not in render_plan_text(make_plan(payments()), payments())
    assert "Files lost" not in render_plan_markdown(make_plan(payments()), payments())


def test_nobody_left_to_learn_goes_uncovered() -> None:
    """When every active person already authors the target's files, it is uncovered."""
    graph = build({"x.py": {"ada": (1, 5)}}, {"ada": (5, 1)}, {"solo": ["x.py"]})
    plan = make_plan(graph)
    assert plan["suggestions"] == []
    assert plan["uncovered"] == [
        {
            "component": "solo",
            "reason": "nobody active is left who is not already an author of its files",
        }
    ]


def brute_force(learner: str, path: str, graph: nx.DiGraph[str], cap: int) -> int | None:
    """Replay the file through file_authorship with 0, 1, 2, ... more learner commits."""
    shares = {
        graph.nodes[p]["id"]: (int(e["first_author"]), int(e["deliveries"]))
        for p, _, e in graph.in_edges(f"file:{path}", data=True)
    }
    ids = sorted({*shares, learner})
    for extra in range(cap + 1):
        history = FileHistory()
        for person, (created, deliveries) in shares.items():
            history.deliveries[ids.index(person)] = deliveries
            if created:
                history.adders.add(ids.index(person))
        if extra:
            raw = ids.index(learner)
            history.deliveries[raw] = history.deliveries.get(raw, 0) + extra
        record = file_authorship(path, history, list(ids), Thresholds())
        if learner in record.authors:
            return extra
    return None


@pytest.mark.parametrize(
    ("shares", "learner"),
    [
        ({"ada": (1, 10), "bob": (0, 2)}, "bob"),
        ({"ada": (1, 10)}, "bob"),
        ({"ada": (1, 40), "cy": (0, 25), "bob": (0, 1)}, "bob"),
        ({"ada": (0, 3), "bob": (1, 0)}, "bob"),
        ({"ada": (1, 2), "bob": (0, 9)}, "bob"),
        ({}, "bob"),
    ],
)
def test_commits_needed_matches_the_doa_rule(
    shares: dict[str, tuple[int, int]], learner: str
) -> None:
    """commits_needed equals the first count at which the DOA model makes the learner an author."""
    graph = build({"f.py": shares}, {"ada": (9, 1), "bob": (9, 1), "cy": (9, 1)}, {})
    expected = brute_force(learner, "f.py", graph, COMMITS_CAP)
    assert expected is not None
    assert commits_needed(learner, "f.py", graph) == expected


def test_commits_needed_is_zero_for_an_author() -> None:
    """Someone who already authors the file needs no more commits."""
    graph = build({"f.py": {"ada": (1, 10)}}, {"ada": (9, 1)}, {})
    assert commits_needed("ada", "f.py", graph) == 0


def test_commits_needed_is_none_beyond_the_cap() -> None:
    """Against a creator with a thousand commits, 200 more commits are not enough."""
    graph = build({"f.py": {"ada": (1, 1000)}}, {"ada": (1000, 1), "bob": (9, 1)}, {})
    assert commits_needed("bob", "f.py", graph) is None
    assert brute_force("bob", "f.py", graph, COMMITS_CAP) is None
    assert brute_force("bob", "f.py", graph, 2000) is not None


def test_component_filter_plans_only_that_component() -> None:
    """--component narrows the plan; a healthy one is reported, an unknown one raises."""
    plan = make_plan(spread(), component="gamma")
    assert [s["component"] for s in plan["suggestions"]] == ["gamma"]
    assert plan["suggestions"][0]["learner"] == "bob"
    healthy = make_plan(payments(), component="ledger")
    assert healthy == {
        "schema": "busfactor.plan/1",
        "suggestions": [],
        "uncovered": [
            {"component": "ledger", "reason": "bus factor 2 already meets the target of 2"}
        ],
    }
    with pytest.raises(UnknownComponent) as error:
        make_plan(spread(), component="gama")
    assert error.value.suggestions[0] == "gamma"


def test_plan_is_deterministic_and_json_ready() -> None:
    """The same graph built in another node order gives the same JSON, byte for byte."""
    graph = spread()
    shuffled: nx.DiGraph[str] = nx.DiGraph()
    shuffled.graph.update(graph.graph)
    shuffled.add_nodes_from(reversed(list(graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(graph.edges(data=True))))
    first = json.dumps(make_plan(graph))
    assert json.dumps(make_plan(shuffled)) == first
    assert json.loads(first) == make_plan(graph)


def test_markdown_names_people_and_escapes_pipes() -> None:
    """The Markdown plan shows names rather than ids and escapes pipes in cells."""
    graph = payments()
    plan = make_plan(graph)
    plan["suggestions"][0]["component"] = "pay|ments"
    text = render_plan_markdown(plan, graph)
    assert text.startswith("## Cross-training plan\n")
    assert "| pay\\|ments | Ada Doe | Bob Doe | 1 → 2 |" in text
    assert "ada@" not in text
    assert "bob" not in text.replace("Bob", "")
    assert 'Decisions to read: 7 "Use Postgres" (accepted).' in text


def test_text_lists_each_suggestion_and_what_is_not_covered() -> None:
    """The terminal plan names mentor and learner, files with commits, and uncovered reasons."""
    graph = legacy()
    plan = make_plan(graph, target_bus_factor=1)
    plan["uncovered"].append({"component": "new", "reason": "example"})
    text = render_plan_text(plan, graph)
    assert text.startswith("Cross-training plan: 1 suggestion, 1 component not covered.")
    assert "Nobody active knows it: Bob Doe learns from what remains." in text
    assert "old/b.py: " in text
    assert "new: example" in text


def test_markdown_of_an_empty_plan_says_so() -> None:
    """With every component at the target, the Markdown plan is one short sentence."""
    graph = build(
        {"x.py": {"ada": (1, 5), "bob": (1, 5)}}, {"ada": (5, 1), "bob": (5, 1)}, {"a": ["x.py"]}
    )
    plan = make_plan(graph)
    assert plan == {"schema": "busfactor.plan/1", "suggestions": [], "uncovered": []}
    assert render_plan_markdown(plan, graph) == (
        "## Cross-training plan\n\nNo component needs cross-training.\n"
    )


@settings(max_examples=80)
@given(
    shares=st.dictionaries(
        st.sampled_from(["ada", "bob", "cy", "dee"]),
        st.tuples(st.integers(0, 1), st.integers(0, 300)),
        max_size=4,
    ),
    learner=st.sampled_from(["bob", "eve"]),
)
def test_bisection_finds_what_counting_up_finds(
    shares: dict[str, tuple[int, int]], learner: str
) -> None:
    """The fewest commits, found by bisection, are the first count the DOA model accepts;
    the quick test of the cap agrees on whether there is one."""
    people = {name: (9, 1) for name in ("ada", "bob", "cy", "dee", "eve")}
    graph = build({"f.py": shares}, people, {})
    needed = brute_force(learner, "f.py", graph, COMMITS_CAP)
    assert commits_needed(learner, "f.py", graph) == needed
    assert can_author(learner, "f.py", graph) == (needed is not None)


def _bus_factor_with(
    files: Files, people: People, studied: list[str], graph: nx.DiGraph[str], learner: str
) -> int:
    """The component's truck factor once `learner` made the commits needed on `studied`
    (those they can reach): the ownership is built again, by the real DOA model, from the
    shares with those commits added, so authors they push out are out."""
    shares = {path: dict(owned) for path, owned in files.items()}
    extra = 0
    for path in studied:
        needed = commits_needed(learner, path, graph)
        if needed is not None:
            created, deliveries = shares[path].get(learner, (0, 0))
            shares[path][learner] = (created, deliveries + needed)
            extra += needed
    commits, days = people[learner]
    after = build(shares, {**people, learner: (commits + extra, days)}, {"c": sorted(files)})
    return int(after.nodes["component:c"]["bus_factor"])


@settings(max_examples=80, deadline=None)
@given(
    owners=st.lists(
        st.tuples(
            st.sampled_from(["ada", "ada", "ada", "ben"]),
            st.integers(0, 30),
            st.dictionaries(st.sampled_from(["ben", "cy"]), st.integers(1, 40), max_size=2),
        ),
        min_size=1,
        max_size=20,
    ),
    at_least=st.integers(1, 6),
    gone=st.sets(st.sampled_from(["ada", "ben"])),
)
def test_a_grown_list_is_one_file_past_what_leaves_the_bus_factor(
    owners: list[tuple[str, int, dict[str, int]]], at_least: int, gone: set[str]
) -> None:
    """Whatever the ownership: the bus factor after is what the DOA model gives once the
    learner made the commits listed (authors they push out are out); a list longer than
    asked raises the bus factor and one file fewer would not; a list that raises nothing
    below the target says on whom it rests. `gone` owners left long ago: their files are
    lost, and the plan relearns them first."""
    files = {
        f"c/{n:02}.py": {owner: (1, size)} | {p: (0, d) for p, d in others.items() if p != owner}
        for n, (owner, size, others) in enumerate(owners)
    }
    people = {"ada": (50, 1), "ben": (40, 2), "cy": (30, 3), "dee": (20, 4)}
    people |= {person: (people[person][0], 900) for person in gone}
    graph = build(files, people, {"c": sorted(files)})
    for item in make_plan(graph, files_per_suggestion=at_least)["suggestions"]:
        paths = [f["path"] for f in item["files"]]
        before, after = item["bus_factor_before"], item["bus_factor_after"]
        assert _bus_factor_with(files, people, paths, graph, item["learner"]) == after
        if len(paths) > at_least:
            assert after > before
            assert _bus_factor_with(files, people, paths[:-1], graph, item["learner"]) <= before
        unraised = [r for r in item["reasons"] if r.startswith("these files leave")]
        assert bool(unraised) == (after <= before < 2)
        # A file whose study pushes an active author out is listed only when every one would.
        pushing = [p for p in paths if _pushes_out_someone_active(graph, item["learner"], p)]
        assert not pushing or pushing == paths


def _pushes_out_someone_active(graph: nx.DiGraph[str], learner: str, path: str) -> bool:
    needed = commits_needed(learner, path, graph)
    if needed is None:
        return False
    after = authors_after(learner, path, graph, needed)
    authors = graph.nodes[f"file:{path}"]["authors"]
    return any(graph.nodes[f"person:{p}"]["active"] and p not in after for p in authors)


def test_the_bus_factor_after_counts_the_authors_the_learner_pushes_out() -> None:
    """Ada created both files and Ben co-authored c/00; both left. Cy needs 4 commits on
    c/00 (DOA 3.432 ≥ 3.293) and 3 on c/01. Those 4 are acceptances for Ben: his DOA falls
    from 3.563 to 3.210, under 3.293, so he no longer authors c/00. Then Ada and Cy hold
    both files, and the bus factor stays 2. Counting Cy as one more author and no one less
    promised 3 (express's .github: promised 3 -> 4, applied 3 -> 2)."""
    files = {"c/00.py": {"ada": (1, 1), "ben": (0, 3)}, "c/01.py": {"ada": (1, 2)}}
    people = {"ada": (50, 900), "ben": (40, 900), "cy": (30, 3), "dee": (20, 4)}
    graph = build(files, people, {"c": sorted(files)})
    assert graph.nodes["file:c/00.py"]["authors"] == ["ada", "ben"]
    (item,) = make_plan(graph, files_per_suggestion=2)["suggestions"]
    assert item["learner"] == "cy"
    assert item["files"] == [
        {"path": "c/00.py", "commits_needed": 4},
        {"path": "c/01.py", "commits_needed": 3},
    ]
    assert (item["bus_factor_before"], item["bus_factor_after"]) == (2, 2)
    assert _bus_factor_with(files, people, ["c/00.py", "c/01.py"], graph, "cy") == 2
    assert authors_after("cy", "c/00.py", graph, 4) == {"ada", "cy"}
    assert authors_after("cy", "c/00.py", graph, 2) == {"ada", "ben"}  # 3.340 ≥ 3.293
    assert item["reasons"][-1] == (
        "the learner's commits would take Ben Doe below the authorship threshold on 1 file "
        "(c/00.py); no longer active, so no knowledge is lost, but the bus factor stops "
        "counting them"
    )


def test_a_file_whose_study_pushes_out_an_active_author_is_left_out() -> None:
    """Ada mentors both files; Ben co-authors c/00 and Dee c/01, all active (bus factor 3).
    Cy's 4 commits on c/00 would take Ben below 3.293 there: one active author traded for
    another, and with it listed the bus factor stayed 3 ("these files leave the bus factor
    at 3"). Left out, c/01 alone takes it to 4 (express's .github: the mentor's own file
    pushed the mentor out, 3 -> 2)."""
    files = {
        "c/00.py": {"ada": (1, 1), "ben": (0, 3)},
        "c/01.py": {"ada": (1, 2), "dee": (0, 10)},
    }
    people = {"ada": (50, 3), "ben": (40, 3), "cy": (30, 3), "dee": (20, 4)}
    graph = build(files, people, {"c": sorted(files)})
    assert graph.nodes["component:c"]["bus_factor"] == 3
    assert authors_after("cy", "c/00.py", graph, 4) == {"ada", "cy"}
    assert _bus_factor_with(files, people, ["c/01.py", "c/00.py"], graph, "cy") == 3
    (item,) = make_plan(graph, target_bus_factor=4, files_per_suggestion=2)["suggestions"]
    assert (item["learner"], item["files"]) == ("cy", [{"path": "c/01.py", "commits_needed": 6}])
    assert (item["bus_factor_before"], item["bus_factor_after"]) == (3, 4)
    assert _bus_factor_with(files, people, ["c/01.py"], graph, "cy") == 4
    assert not [r for r in item["reasons"] if "authorship threshold" in r]


def test_when_every_file_would_push_an_author_out_the_list_stays_and_says_so() -> None:
    """c/00 is the mentor's only file and Cy's commits there would push Ben (active) out.
    Leaving it out would leave nothing to study: it stays, and the reasons name Ben."""
    files = {"c/00.py": {"ada": (1, 1), "ben": (0, 3)}}
    people = {"ada": (50, 3), "ben": (40, 3), "cy": (30, 3), "dee": (20, 4)}
    graph = build(files, people, {"c": sorted(files)})
    (item,) = make_plan(graph, target_bus_factor=3)["suggestions"]
    assert item["files"] == [{"path": "c/00.py", "commits_needed": 4}]
    assert (item["bus_factor_before"], item["bus_factor_after"]) == (2, 2)
    assert item["reasons"][-1] == (
        "the learner's commits would take Ben Doe below the authorship threshold on 1 file "
        "(c/00.py)"
    )


@settings(max_examples=60, deadline=None)
@given(
    shares=st.lists(st.tuples(st.integers(0, 4), st.integers(1, 8)), min_size=2, max_size=12),
    at_least=st.integers(1, 4),
    target=st.integers(2, 4),
)
def test_files_left_out_keep_the_figures_true(
    shares: list[tuple[int, int]], at_least: int, target: int
) -> None:
    """Ada created every file and Ben, active too, co-authors each, so the mentor's files all
    have another active author and the study can push him out of some. Whatever is left
    out, the bus factor after is what the DOA model gives for the files listed, and a
    listed file pushes an active author out only when every listed file does."""
    files = {
        f"c/{n:02}.py": {"ada": (1, mine), "ben": (0, his)} for n, (mine, his) in enumerate(shares)
    }
    people = {"ada": (50, 1), "ben": (40, 2), "cy": (30, 3)}
    graph = build(files, people, {"c": sorted(files)})
    plan = make_plan(graph, files_per_suggestion=at_least, target_bus_factor=target)
    for item in plan["suggestions"]:
        paths = [f["path"] for f in item["files"]]
        after = _bus_factor_with(files, people, paths, graph, item["learner"])
        assert after == item["bus_factor_after"]
        pushing = [p for p in paths if _pushes_out_someone_active(graph, item["learner"], p)]
        assert not pushing or pushing == paths


def test_folder_placeholders_are_not_studied() -> None:
    """`.gitkeep` files keep empty folders in git: nothing to learn there (prettier's plan
    had five). The learner studies the code beside them."""
    files = {
        "c/00.py": {"ada": (1, 6)},
        "c/empty/.gitkeep": {"ada": (1, 0)},
        "c/more/.keep": {"ada": (1, 0)},
    }
    people = {"ada": (50, 1), "cy": (30, 3)}
    graph = build(files, people, {"c": sorted(files)})
    (item,) = make_plan(graph, files_per_suggestion=3)["suggestions"]
    assert [f["path"] for f in item["files"]] == ["c/00.py"]
