"""Label and value lines: a long value wraps under itself, not under the labels."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from busfactor.ui.labelled import Labelled


def rendered(summary: Labelled, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(summary)
    return [line.rstrip() for line in console.export_text().splitlines()]


def sample() -> Labelled:
    summary = Labelled("dim")
    summary.head.append("HIGH git-gui  bus factor 2")
    summary.row("Authors    ", "Shawn O. Pearce, Alexander Gavrilov, Christian Stimming")
    summary.row("Findings   ", "ERROR   one")
    summary.row("", Text("WARNING two"))
    summary.line("  a/whole/line.py")
    summary.row("If gone    ", "short")
    return summary


def test_a_wrapped_value_continues_under_its_own_column() -> None:
    """At 40 columns the authors take two lines, both starting at column 11; in one `Text`
    the second started at the left edge, under "Authors"."""
    assert rendered(sample(), 40) == [
        "HIGH git-gui  bus factor 2",
        "Authors    Shawn O. Pearce, Alexander",
        "           Gavrilov, Christian Stimming",
        "Findings   ERROR   one",
        "           WARNING two",
        "  a/whole/line.py",
        "If gone    short",
    ]


def test_the_plain_text_is_what_a_wide_terminal_shows() -> None:
    wide = rendered(sample(), 200)
    assert sample().plain.splitlines() == wide == str(sample()).splitlines()
