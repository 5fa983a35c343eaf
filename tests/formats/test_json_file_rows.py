"""`render_json` writes the file rows itself: the text must be json.dumps's, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.formats.test_formats import NON_UTF8_PATH, report_of

from busfactor.core.report import ScanReport
from busfactor.demo import make_demo
from busfactor.formats.indented_json import Verbatim, dumps_indented
from busfactor.formats.json import FileRow, file_rows_text, render_json
from busfactor.formats.text_safety import json_safe
from busfactor.pipeline import scan

# Keys of every kind json escapes; DOA values include the zeros, NaN and the infinities.
keys = st.text(max_size=6)
rows = st.lists(
    st.tuples(
        st.text(max_size=10),
        st.integers(min_value=0, max_value=10**6),
        st.lists(keys, max_size=3),
        st.dictionaries(
            keys,
            st.floats() | st.sampled_from([0.0, -0.0, 2.4368, -2.4368]),
            max_size=5,
        ),
    ),
    max_size=5,
)


def as_table(generated: list[tuple[str, int, list[str], dict[str, float]]]) -> list[FileRow]:
    """The rows as `ScanReport.file_table` yields them: person node names, in node order."""
    return [
        (path, commits, authors, sorted((f"person:{k}", v) for k, v in doa.items()))
        for path, commits, authors, doa in generated
    ]


def as_dicts(generated: list[tuple[str, int, list[str], dict[str, float]]]) -> list[Any]:
    return [
        {"path": p, "commits": c, "authors": a, "doa": dict(sorted(d.items()))}
        for p, c, a, d in generated
    ]


@given(rows, st.integers(min_value=0, max_value=3))
def test_file_rows_text_equals_json_dumps_at_any_depth(
    generated: list[tuple[str, int, list[str], dict[str, float]]], depth: int
) -> None:
    table = as_table(generated)
    fast: Any = {"before": 1, "files": Verbatim(lambda nl: file_rows_text(table, nl)), "x": []}
    plain: Any = {"before": 1, "files": as_dicts(generated), "x": []}
    for _ in range(depth):
        fast, plain = {"level": fast}, {"level": plain}
    assert dumps_indented(fast) == json.dumps(plain, indent=2, ensure_ascii=False)


def test_a_verbatim_value_outside_a_dict_is_refused() -> None:
    """Only a dict value can be laid out verbatim; anywhere else json.dumps refuses it."""
    try:
        dumps_indented([Verbatim(lambda nl: "[]")])
    except TypeError:
        return
    raise AssertionError("a Verbatim list item was written")


def test_a_real_scan_renders_as_json_dumps_of_its_dict(tmp_path: Path) -> None:
    """The demo repository (people, components, decisions, runbooks, findings)."""
    report = scan(make_demo(tmp_path / "repo"))
    data = report.to_dict()
    assert len(data["files"]) > 10
    assert render_json(report) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_undecodable_paths_take_the_general_way() -> None:
    """A non-UTF-8 path cannot be written as UTF-8: the whole dict is made safe instead."""
    report = report_of([NON_UTF8_PATH, "ok.py"], [("Ada", "ada@example.test")])
    expected = json.dumps(json_safe(report.to_dict()), indent=2, ensure_ascii=False) + "\n"
    assert render_json(report) == expected
    assert "caf\\\\xe9/menu.txt" in render_json(report)


def test_a_plain_report_never_builds_the_row_dicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast way is the one taken: a fall back to the general writer would still give the
    same text, only slower, so it is checked here."""
    report = report_of(["a.py", "b/c.py"], [("Ada", "ada@example.test")])
    expected = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def refuse(self: ScanReport) -> list[dict[str, Any]]:
        raise AssertionError("the file rows were built as dicts")

    monkeypatch.setattr(ScanReport, "_file_rows", refuse)
    assert render_json(report) == expected
