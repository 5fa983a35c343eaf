"""Parsing a .mailmap into the aliases it folds into each proper email (core/mailmap.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.mailmap import mailmap_aliases


def test_every_form_of_line() -> None:
    """git's four forms; only lines with two emails fold anything in; `#` starts a comment
    only at the start of a line; what follows the second email is ignored."""
    text = (
        "# Alice's old work address\n"
        "Alice Smith <alice@corp.com> <asmith@corp.com>\n"
        "<bob@x.org> <Bob@Old.org> trailing words\n"
        "Carol <carol@x.org> Caz <caz@old.org>\n"
        "Dan Fixed <dan@x.org>\n"
        "bad line\n"
        "<frank@x.org> <frank@x.org>\n"
        "Gus <gus@x.org> Gus Old <gus@x.org>\n"
        "  # not a comment <h@x.org> <h@old.org>\n"
    )
    assert mailmap_aliases(text) == {
        "alice@corp.com": ("asmith@corp.com",),
        "bob@x.org": ("bob@old.org",),
        "carol@x.org": ("Caz", "caz@old.org"),
        "gus@x.org": ("Gus Old",),
        "h@x.org": ("h@old.org",),
    }


@given(st.text())
def test_any_text_parses(text: str) -> None:
    """A mailmap is repository content: nothing in it raises."""
    for proper, folded in mailmap_aliases(text).items():
        assert proper == proper.lower()
        assert proper not in folded


def test_a_commit_name_equal_to_the_proper_email_adds_nothing() -> None:
    assert mailmap_aliases("<a@x> A@X <b@x>\n") == {"a@x": ("b@x",)}
