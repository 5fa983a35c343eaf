"""The fast indented writer gives exactly json.dumps(indent=2, ensure_ascii=False)."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busfactor.formats.indented_json import dumps_indented

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too: json writes them, and so must we
    | st.text()  # lone surrogates, controls, quotes, backslashes, non-ASCII
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


@given(values)
def test_equals_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


class Level(IntEnum):
    LOW = 1


@given(
    st.dictionaries(
        st.integers() | st.floats() | st.booleans() | st.none() | st.text(max_size=3),
        st.integers() | st.sampled_from([Level.LOW]),
        max_size=4,
    )
)
def test_what_it_does_not_render_itself_still_equals_json_dumps(value: dict[Any, Any]) -> None:
    """Non-str keys and int subclasses go to json.dumps itself."""
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_empty_and_nested_containers_keep_json_layout() -> None:
    value = {"a": [], "b": {}, "c": [[], {}, [1, [2.5, "x"]]], "d": ("t", None, True)}
    expected = json.dumps(value, indent=2, ensure_ascii=False)
    assert dumps_indented(value) == expected
    assert '"a": [],' in expected


def test_deep_or_cyclic_data_behaves_as_json_dumps() -> None:
    deep: list[Any] = []
    node = deep
    for _ in range(300):
        node.append([])
        node = node[0]
    assert dumps_indented(deep) == json.dumps(deep, indent=2, ensure_ascii=False)
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(ValueError, match="Circular reference"):
        json.dumps(cyclic, indent=2)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented(cyclic)
