"""The help screen (`?` or F1): the screens, the keys, and what the figures mean."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

HELP = """\
## Screens

Press the letter from anywhere; **Enter** opens the row under the cursor, **Esc** goes back.

| Key | Screen | What it shows |
|---|---|---|
| `o` | Overview | the truck factor, the people it names, the worst components |
| `c` | Components | risk, bus factor and top authors; Enter opens the files and their DOA |
| `p` | People | who alone knows what; **space** marks someone as leaving (what-if) |
| `f` | Findings | what the scan found; `1` `2` `3` errors, warnings, info, `0` all |
| `d` | Decisions | the decision records; `s` / `S` follow "superseded by" / "supersedes" |
| `l` | Plan | who should learn which component from whom |

## Keys

| Key | Does |
|---|---|
| `tab` / `shift+tab` | move between the tab bar, a filter and a table |
| `/` | filter components by name or author (Enter goes to the table) |
| `a` / `n` | write a new ADR / runbook skeleton for the selected component |
| `ctrl+p` | palette: jump to any component, person, file or decision; export |
| `t` | change the colour theme |
| `r` / `q` | scan again / quit |

## Figures

* **DOA** (degree of authorship): how well someone knows a file, from having created it,
  their own changes and the changes others made since. The file's **authors** have a DOA
  of at least 3.293 (or created it) and at least 75% of the file's best.
* **Bus factor** of a component: how many of its authors must leave before fewer than half
  of its files still have an author. 1 means one person holds most of it.
* **Truck factor**: the same for the whole repository; it names the people who would be
  removed, most files first.
* **Files lost** (knowledge lost): files whose every author is no longer active (no commit
  in the last 180 days).
* **Risk**: HIGH at bus factor 1 or when most files are lost, MED at 2, otherwise OK.
* **What-if**: people marked as leaving are removed and every figure is computed again;
  the Overview and the Components tab show what changes.
"""


class HelpScreen(ModalScreen[None]):
    """Screens, keys and figures; escape (or ? / F1 again) closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static("busfactor help  ·  esc closes", classes="title")
            with VerticalScroll(id="help-body"):
                yield Markdown(HELP, id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
