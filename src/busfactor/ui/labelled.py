"""Label and value lines whose values wrap under themselves, not under the label.

A `Text` wraps a long value ("Authors    Shawn O. Pearce, … Johannes / Schindelin") back
to the left edge, where the next label stands; only the renderer knows the width, so the
lines are kept apart and laid out as a grid when drawn.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Text


class Labelled:
    """A heading, then rows: `(label, value)` lines or whole-width `Text` lines."""

    def __init__(self, label_style: Style | str) -> None:
        self.label_style = label_style
        self.head = Text()
        self._rows: list[tuple[str, Text] | Text] = []

    def row(self, label: str, value: Text | str = "") -> Text:
        """A labelled line (label "" continues the one above); its value, to append to."""
        text = value if isinstance(value, Text) else Text(value)
        self._rows.append((label, text))
        return text

    def line(self, value: Text | str) -> None:
        """A line across the whole width (a list under a labelled line)."""
        self._rows.append(value if isinstance(value, Text) else Text(value))

    @property
    def _width(self) -> int:
        return max((len(item[0]) for item in self._rows if isinstance(item, tuple)), default=0)

    @property
    def plain(self) -> str:
        """The lines as text, labels padded to one width, as a terminal shows them when
        nothing wraps."""
        width = self._width
        lines = [self.head.plain] if self.head.plain else []
        for item in self._rows:
            if isinstance(item, tuple):
                lines.append(item[0].ljust(width) + item[1].plain)
            else:
                lines.append(item.plain)
        return "\n".join(lines).rstrip()

    def __str__(self) -> str:
        return self.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.head.plain:
            yield self.head
        yield from self._blocks()

    def _blocks(self) -> Iterator[Table | Text]:
        """Runs of labelled lines as grids of one label width; whole lines between them."""
        width = self._width
        grid: Table | None = None
        for item in self._rows:
            if isinstance(item, Text):
                if grid is not None:
                    yield grid
                    grid = None
                yield item
                continue
            if grid is None:
                grid = Table.grid()
                grid.add_column(width=width, no_wrap=True, style=self.label_style)
                grid.add_column(ratio=1)
            grid.add_row(item[0], item[1])
        if grid is not None:
            yield grid
