"""Pseudonyms (`busfactor.core.privacy`): stable, salted, and nothing personal left behind."""

from __future__ import annotations

import json
from typing import Any

import pytest

from builders import RepoBuilder
from busfactor.core.plan import make_plan
from busfactor.core.privacy import anonymize_report, pseudonym
from busfactor.core.whatif import simulate
from busfactor.formats.json import render_json
from busfactor.formats.text_safety import json_safe
from busfactor.pipeline import scan

ZELDA = ("Zelda Quux", "zelda@corp.example")
ZELDA_OLD = ("Zelda Quux", "zq@old.example")
YURI = ("Yuri Vexley", "yuri@corp.example")
XAVI = ("Xavi Wobble", "xavi@corp.example")
SECRETS = (
    "Zelda Quux",
    "Zelda Q.",
    "zelda@corp.example",
    "zq@old.example",
    "Yuri Vexley",
    "yuri@corp.example",
    "Xavi Wobble",
    "xavi@corp.example",
    "corp.example",
    "old.example",
)
ADR = """---
status: accepted
deciders: Zelda Quux, Yuri Vexley, Walt Outsider
---
# 1. Use queues

Zelda Quux wrote this.
"""


def _realistic(builder: RepoBuilder) -> dict[str, Any]:
    builder.commit(ZELDA, write={"billing/app.py": "a\n", "billing/db.py": "b\n"})
    builder.commit(ZELDA_OLD, write={"billing/app.py": "a\nb\n", "billing/tax.py": "t\n"})
    builder.commit(YURI, write={"web/ui.py": "u\n", "web/api.py": "p\n"})
    builder.commit(XAVI, write={"web/ui.py": "u\nv\n", "ops/deploy.sh": "d\n"})
    builder.commit(
        ZELDA,
        write={
            "docs/adr/0001-use-queues.md": ADR,
            ".mailmap": ("Zelda Quux <zelda@corp.example> Zelda Q. <zq@old.example>\n"),
        },
    )
    builder.commit(
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        write={"requirements.txt": "x==1\n"},
    )
    builder.commit(YURI, write={"web/api.py": "p\nq\n"})
    report = scan(builder.path)
    data: dict[str, Any] = json.loads(render_json(report))
    data["whatif"] = json_safe(simulate(report.graph, ["zelda@corp.example"]))
    data["plan"] = json_safe(make_plan(report.graph, target_bus_factor=2, max_per_person=2))
    data["findings"].append(
        {
            "rule": "x",
            "severity": "info",
            "person": "zelda@corp.example",
            "message": "Zelda Quux <zelda@corp.example> (alias ZQ@OLD.EXAMPLE) owns it; "
            "ask Yuri Vexley",
        }
    )
    return data


@pytest.fixture
def report(builder: RepoBuilder) -> dict[str, Any]:
    return _realistic(builder)


def test_pseudonym_is_stable_and_salted() -> None:
    name, email = pseudonym("ada@example.test", "s1")
    assert (name, email) == pseudonym("ada@example.test", "s1")
    assert name.startswith("Person ")
    assert email.endswith("@anonymized.invalid")
    assert name.removeprefix("Person ") == email.partition("@")[0]
    assert pseudonym("ada@example.test", "s2") != (name, email)
    assert pseudonym("bob@example.test", "s1") != (name, email)


def test_the_report_really_names_these_people(report: dict[str, Any]) -> None:
    text = json.dumps(report, ensure_ascii=False)
    for secret in ("Zelda Quux", "zelda@corp.example", "zq@old.example", "Yuri Vexley"):
        assert secret in text
    ids = {p["id"] for p in report["people"]}
    assert ids == {"zelda@corp.example", "yuri@corp.example", "xavi@corp.example"}


def test_nothing_personal_is_left(report: dict[str, Any]) -> None:
    before = json.dumps(report, ensure_ascii=False)
    out = anonymize_report(report, "salt")
    text = json.dumps(out, ensure_ascii=False)
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret
    assert json.dumps(report, ensure_ascii=False) == before  # input untouched
    assert "dependabot[bot]" in text  # bots are not people


def test_the_mapping_is_consistent(report: dict[str, Any]) -> None:
    out = anonymize_report(report, "salt")
    zelda_name, zelda = pseudonym("zelda@corp.example", "salt")
    people = {p["id"]: p for p in out["people"]}
    assert set(people) == {
        pseudonym(i, "salt")[1]
        for i in ("zelda@corp.example", "yuri@corp.example", "xavi@corp.example")
    }
    assert people[zelda]["name"] == zelda_name
    assert people[zelda]["email"] == zelda
    assert people[zelda]["aliases"] == []
    every_id = set(out["truck_factor"]["authors"])
    for c in out["components"]:
        every_id |= set(c["authors"]) | set(c["bus_factor_authors"])
    for f in out["files"]:
        every_id |= set(f["authors"]) | set(f["doa"])
    for d in out["decisions"]:
        every_id |= set(d["authors"])
    assert every_id
    assert every_id <= set(people)
    assert out["whatif"]["without"] == [zelda]
    for s in out["plan"]["suggestions"]:
        assert {s["mentor"], s["learner"]} <= set(people)
    mine = out["findings"][-1]
    assert mine["person"] == zelda
    assert mine["message"] == (
        f"{zelda_name} <{zelda}> (alias {zelda}) owns it; ask "
        f"{pseudonym('yuri@corp.example', 'salt')[0]}"
    )
    deciders = out["decisions"][0]["deciders"]
    assert deciders[0] == zelda_name
    assert "Walt Outsider" not in deciders


def test_same_salt_same_output_other_salt_other_pseudonyms(report: dict[str, Any]) -> None:
    first = json.dumps(anonymize_report(report, "one"))
    assert first == json.dumps(anonymize_report(report, "one"))
    other = anonymize_report(report, "two")
    assert {p["id"] for p in other["people"]}.isdisjoint(
        {p["id"] for p in json.loads(first)["people"]}
    )


def test_redact_emails_keeps_names(report: dict[str, Any]) -> None:
    out = anonymize_report(report, "salt", redact_emails_only=True)
    text = json.dumps(out, ensure_ascii=False)
    for email in ("zelda@corp.example", "zq@old.example", "yuri@corp.example", "corp.example"):
        assert email not in text.lower()
    zelda = pseudonym("zelda@corp.example", "salt")[1]
    people = {p["id"]: p for p in out["people"]}
    assert people[zelda]["name"] == "Zelda Quux"
    assert people[zelda]["email"] == zelda
    assert people[zelda]["aliases"] == ["Zelda Q."]  # the mailmap's commit name: a name
    assert "Yuri Vexley" in text
    assert "Walt Outsider" in text
    assert out["findings"][-1]["message"].startswith(f"Zelda Quux <{zelda}>")


def test_plan_and_whatif_alone_borrow_the_people(report: dict[str, Any]) -> None:
    plan = dict(report["plan"], uncovered=[{"component": "x", "reason": "Yuri Vexley is busy"}])
    out = anonymize_report(plan, "salt", people=report["people"])
    text = json.dumps(out)
    assert "Yuri" not in text
    assert "corp.example" not in text
    whatif = anonymize_report(report["whatif"], "salt")
    assert "zelda" not in json.dumps(whatif)


def test_names_match_whole_words_only() -> None:
    data = {
        "people": [{"id": "al@x.test", "name": "Al", "email": "al@x.test", "aliases": []}],
        "findings": [{"message": "Alice and Al reviewed calendar/Al"}],
    }
    out = anonymize_report(data, "s")
    name = pseudonym("al@x.test", "s")[0]
    assert out["findings"][0]["message"] == f"Alice and {name} reviewed calendar/{name}"
