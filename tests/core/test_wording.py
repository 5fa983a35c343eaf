"""Counts in sentences: '1 file', never '1 files'."""

from __future__ import annotations

import pytest

from busfactor.core.wording import counted, listed


@pytest.mark.parametrize(
    ("number", "noun", "plural", "expected"),
    [
        (1, "file", None, "1 file"),
        (0, "file", None, "0 files"),
        (2, "error", None, "2 errors"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
        (1, "repository", "repositories", "1 repository"),
        (0, "repository", "repositories", "0 repositories"),
    ],
)
def test_counted(number: int, noun: str, plural: str | None, expected: str) -> None:
    assert counted(number, noun, plural) == expected


def test_a_list_of_names_reads_one_way() -> None:
    """A name holding a comma is quoted, and quotes inside it doubled, as CSV does."""
    assert listed(["Ada", "Bob"]) == "Ada, Bob"
    assert listed(["Smith, Jo", "Ada"]) == '"Smith, Jo", Ada'
    assert listed(['Smith, "Jo"', 'Al "Bo"']) == '"Smith, ""Jo""", Al "Bo"'
    assert listed([]) == ""
