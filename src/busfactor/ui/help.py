"""The help screen (`?` or F1): the screens, the keys, and what the figures mean."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from busfactor.ui.theme import tones_of

SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Screens (press the letter from any tab or detail screen)",
        [
            ("o  Overview", "the truck factor, the people it names, the worst components"),
            ("c  Components", "risk, bus factor, top authors; Enter opens its files and DOA"),
            ("p  People", "who alone knows what (Enter: their files); space marks them leaving"),
            ("f  Findings", "what the scan found; 1 2 3 errors, warnings, info; u a rule; 0 all"),
            (
                "d  Decisions",
                "the decision records; Enter reads one (esc: back); s / S follow superseded "
                "by / supersedes",
            ),
            ("l  Plan", "who should learn which component from whom; e exports it"),
        ],
    ),
    (
        "Keys",
        [
            ("enter / esc", "open the row under the cursor / go back"),
            ("tab  shift+tab", "move between the tab bar, a filter and a table"),
            (
                "/",
                "filter components by name or author (Enter goes to the table, keeping the "
                "filter; Esc clears it and goes back to the table)",
            ),
            (".  ,", "sort a table by the next column / the other way round (▲ ▼)"),
            ("home / end", "the first / the last row of a table"),
            ("a / n", "write a new ADR / runbook skeleton for the selected component"),
            ("ctrl+p", "jump to any component, person, file or decision; export"),
            ("t", "change the colour theme"),
            ("r / q", "scan again / quit"),
            ("esc / ctrl+c", "cancel a running scan (ctrl+c quits when none runs)"),
            ("ctrl+z", "suspend to the shell (fg comes back)"),
        ],
    ),
    (
        "Figures",
        [
            (
                "DOA",
                "degree of authorship: how well someone knows a file, from having created "
                "it, their own changes and the changes others made since. A file's authors "
                "have a DOA of at least 3.293 (or created it) and more than 75% of its "
                "best (thresholds in .busfactor.toml change both).",
            ),
            (
                "Bus factor",
                "of a component: how many of its authors must leave before fewer than half "
                "of its files still have an author. 1 means one person holds most of it.",
            ),
            (
                "Truck factor",
                "the same for the whole repository; it names the people who would be "
                "removed, most files first.",
            ),
            (
                "Files lost",
                "knowledge lost: files whose every author is no longer active (no commit "
                "in the last 180 days, or activity_days).",
            ),
            ("Risk", "HIGH at bus factor 1 or when most files are lost, MED at 2, else OK."),
            (
                "What-if",
                "people marked as leaving are removed and every figure is computed again; "
                "Overview and Components show what changes.",
            ),
        ],
    ),
]


ORG_SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Tables",
        [
            (
                "Repositories",
                "each repository's truck factor, its people, components at bus "
                "factor 1, or why it could not be scanned",
            ),
            (
                "People",
                "who alone holds knowledge, and where; FLAGGED: in two or more "
                "repositories at once",
            ),
        ],
    ),
    (
        "Keys",
        [
            ("up / down", "move the cursor; the row under it is shown in full below"),
            ("tab  shift+tab", "move between the tables"),
            ("ctrl+p", "jump to a repository or a person"),
            ("? / F1", "this help (esc closes it)"),
            ("q / ctrl+c", "quit"),
            ("ctrl+z", "suspend to the shell (fg comes back)"),
        ],
    ),
    ("Figures", [row for row in SECTIONS[-1][1] if row[0] in ("Bus factor", "Truck factor")]),
]
"""The organisation app's help: its tables, its keys, and the same figures."""


def help_text(sections: list[tuple[str, list[tuple[str, str]]]] = SECTIONS) -> str:
    """The help as plain text (for tests and for searching)."""
    lines = []
    for title, rows in sections:
        lines.append(title)
        lines += [f"  {key}  {text}" for key, text in rows]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Screens, keys and figures; escape (or ? / F1 again) closes it. Its styles are its
    own: the organisation app shows it too."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }

    #help-dialog {
        width: 100;
        max-width: 96%;
        height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }

    #help-dialog .title {
        text-style: bold;
        color: $text-primary;
    }

    #help-body {
        height: 1fr;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close"),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]] = SECTIONS) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static("busfactor help  ·  esc closes", classes="title")
            with VerticalScroll(id="help-body"):
                yield Static(id="help-text")

    def on_mount(self) -> None:
        tones = tones_of(self.app)
        parts: list[Table | Text] = []
        for title, rows in self.sections:
            parts.append(Text(title, style=tones.strong))
            table = Table.grid(padding=(0, 2), expand=True)
            width = max(len(key) for _, rows in self.sections for key, _ in rows)
            table.add_column(no_wrap=True, style=tones.info, min_width=width)
            table.add_column(ratio=1)
            for key, text in rows:
                table.add_row(key, text)
            parts += [table, Text("")]
        self.query_one("#help-text", Static).update(Group(*parts[:-1]))
        self.query_one("#help-body").focus()
