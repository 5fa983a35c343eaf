"""`busfactor whatif` and `leaving`: hand-computed departures on a real repository."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.cli import main

ADR = "# 1. Keep it simple\n\n## Status\n\nAccepted\n"


@pytest.fixture
def shop(builder: RepoBuilder) -> Path:
    """Ada wrote core/a and core/b and the ADR, Bob web/c (twice), Cy web/d."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit(
        "ada",
        write={"core/a.py": "a\n", "core/b.py": "b\n", "docs/adr/0001-simple.md": ADR},
        when=when,
    )
    builder.commit("bob", write={"web/c.py": "c\n"}, when=when + timedelta(1))
    builder.commit("bob", write={"web/c.py": "c2\n"}, when=when + timedelta(2))
    builder.commit("cy", write={"web/d.py": "d\n"}, when=when + timedelta(3))
    return builder.path


def _whatif(repo: Path, capsys: pytest.CaptureFixture[str], *people: str) -> dict[str, object]:
    args = ["whatif", str(repo), "--format", "json"]
    for person in people:
        args += ["--without", person]
    assert main(args) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def test_ada_leaving(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """5 files; Ada authors 3: without her, 2 of 5 keep an author, so the truck factor is 0."""
    result = _whatif(shop, capsys, "Ada")
    assert result["without"] == ["ada@example.test"]
    assert result["truck_factor"] == {"before": 1, "after": 0}
    assert result["orphaned_files"] == ["core/a.py", "core/b.py", "docs/adr/0001-simple.md"]
    assert result["decisions_orphaned"] == ["1"]
    components = {c["name"]: c for c in result["components"]}  # type: ignore[attr-defined]
    assert components["core"]["bus_factor_before"] == 1
    assert components["core"]["bus_factor_after"] == 0
    assert components["web"]["bus_factor_after"] == components["web"]["bus_factor_before"] == 2


def test_matching_by_email_and_case(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An email in any case names the same person as their name."""
    assert _whatif(shop, capsys, "BOB@example.test")["without"] == ["bob@example.test"]


def test_an_unknown_person_is_a_one_line_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo exits 2 and lists close matches."""
    assert main(["whatif", str(shop), "--without", "ada@example.tset"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "busfactor: error: --without ada@example.tset: matches nobody in the history (closest: "
    )
    assert "ada@example.test" in err


def test_leaving_in_config_shows_both_figures(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`leaving` adds today's and after-departure figures to every scan report."""
    (shop / ".busfactor.toml").write_text('leaving = ["bob@example.test"]\n', encoding="utf-8")
    assert main(["scan", str(shop), "--format", "json"]) == 0
    leaving = json.loads(capsys.readouterr().out)["leaving"]
    assert leaving["without"] == ["bob@example.test"]
    assert leaving["truck_factor"]["before"] == 1
    assert main(["scan", str(shop)]) == 0
    assert "Announced departures" in capsys.readouterr().out
    assert main(["scan", str(shop), "--format", "markdown"]) == 0
    assert "**Announced departures** (Bob)" in capsys.readouterr().out


@pytest.mark.parametrize("flag", ["--anonymize", "--redact-emails"])
def test_leaving_names_the_same_people_under_pseudonyms(
    shop: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    """The configured departures matched nobody once emails were pseudonyms: the report said
    the truck factor stays as it is."""
    (shop / ".busfactor.toml").write_text('leaving = ["bob@example.test", "Ada"]\n', "utf-8")
    assert main(["scan", str(shop), "--format", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)["leaving"]
    assert main(["scan", str(shop), "--format", "json", flag]) == 0
    out, err = capsys.readouterr()
    hidden = json.loads(out)["leaving"]
    assert len(hidden["without"]) == len(plain["without"]) == 2
    assert hidden["truck_factor"] == plain["truck_factor"]
    assert "bob@example.test" not in out
    assert "matches nobody" not in err


def test_leaving_someone_unknown_is_warned_about(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt departure was dropped without a word, and the report said nobody leaves."""
    (shop / ".busfactor.toml").write_text('leaving = ["bob@example.tset"]\n', "utf-8")
    assert main(["scan", str(shop), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert (
        "warning: leaving: bob@example.tset matches nobody in the history "
        "(closest: bob@example.test" in err
    )
    assert json.loads(out)["warnings"][-1].startswith("leaving: bob@example.tset matches nobody")


def test_a_configured_component_that_matches_nothing_is_warned_about(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A glob that matches no file left its component out of the report without a word
    (the README's own example does on flask)."""
    (shop / ".busfactor.toml").write_text(
        '[components]\npayments = ["services/payments/**"]\n', "utf-8"
    )
    assert main(["scan", str(shop), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "component payments: its globs match no analysed file" in err
    assert "payments" not in {c["name"] for c in json.loads(out)["components"]}


def test_the_text_agrees_in_number(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One file loses its last author; two files lose theirs."""
    assert main(["whatif", str(shop), "--without", "Ada"]) == 0
    text = capsys.readouterr().out
    assert "core: bus factor 1 -> 0, 2 files lose their last author" in text
    assert main(["whatif", str(shop), "--without", "Ada", "--without", "Bob"]) == 0
    text = capsys.readouterr().out
    assert "web: bus factor 2 -> 1, 1 file loses its last author" in text


def test_a_component_that_keeps_its_bus_factor_but_loses_files_is_listed(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ada alone holds most of lib; Bob's file goes with him, and lib's bus factor stays 1.
    The text listed only components whose bus factor changed, so Bob's lost file appeared
    nowhere (on git.git, 8 files the terminal app showed)."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    lib = {f"lib/x{n}.py": f"{n}\n" for n in range(3)}
    builder.commit("ada", write=lib, when=when)
    builder.commit("bob", write={"lib/y.py": "y\n"}, when=when + timedelta(1))
    builder.commit("cy", write={"lib/z.py": "z\n"}, when=when + timedelta(2))
    assert main(["whatif", str(builder.path), "--without", "Bob"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "If Bob left: truck factor 1 -> 1",
        "  1 file loses its last author",
        "  lib: bus factor stays 1, 1 file loses its last author",
    ]


def test_a_what_if_stops_when_asked(shop: Path) -> None:
    """The app stops a what-if a newer mark made stale (each ran to its end, one after
    another); asked to stop, it stops, and one never asked gives the whole report."""
    from busfactor.core.whatif import simulate
    from busfactor.errors import Cancelled
    from busfactor.pipeline import scan

    graph = scan(shop).graph
    asked: list[int] = []

    def stop_at_the_second_question() -> bool:
        asked.append(1)
        return len(asked) >= 2

    with pytest.raises(Cancelled):
        simulate(graph, ["ada@example.test"], stop_at_the_second_question)
    assert len(asked) == 2
    whole = simulate(graph, ["ada@example.test"])
    assert whole == simulate(graph, ["ada@example.test"], lambda: False)
    assert whole["components"]
