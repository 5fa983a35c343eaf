"""The Overview tab: the truck factor as a big figure and the repository's risks at a glance."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Digits, Static

from busfactor.core.wording import agreeing, counted
from busfactor.ui.labelled import Labelled
from busfactor.ui.theme import Tones, tones_of
from busfactor.ui.view import (
    is_active,
    names_of,
    risk_of,
    risk_rank,
    safe,
    severity_counts,
    text,
)

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport

WORST = 5
NOTES = 4
"""Scan warnings shown on the Overview; the rest are counted (the CLI prints them all)."""


class Overview(VerticalScroll):
    """Truck factor, the people it names, activity, coverage, worst components, findings."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="headline"):
            with Vertical(id="truck-box"):
                yield Static("Truck factor", classes="label")
                yield Digits("-", id="truck-digits")
                yield Static("", id="truck-change")
            yield Static("", id="truck-people")
        yield Static("", id="overview-facts")
        yield Vertical(id="overview-notes")
        yield Static("", id="overview-worst")
        yield Static("", id="overview-whatif")

    def show(self, report: ScanReport, whatif: Mapping[str, Any] | None) -> None:
        """Fill every block from the report and the current what-if (None: nobody leaving)."""
        truck = report.meta["truck_factor"]
        # Today's figure, as the CLI prints it; the line under it gives the what-if's.
        self.query_one("#truck-digits", Digits).update(str(truck["value"]))
        change = self.query_one("#truck-change", Static)
        if whatif is None:
            change.update(Text("today"))
        else:
            before, after = whatif["truck_factor"]["before"], whatif["truck_factor"]["after"]
            change.update(Text(f"today {before} → after leaving {after}", style="bold"))
        people = Text()
        people.append("Named by the truck factor:", style="bold")
        for person, name in zip(truck["authors"], names_of(report, truck["authors"]), strict=True):
            people.append(f"\n  • {name}", style="")
            if not is_active(report, person):  # counted as everyone is, though gone
                people.append(" (inactive)", style=tones_of(self.app).muted)
        if not truck["authors"]:
            threshold = report.meta["thresholds"]["coverage"]
            people.append(
                f"\n  nobody: only {truck['coverage']:.0%} of files have an author before "
                f"anyone leaves, below the {threshold:.0%} the count starts from (a shallow "
                "clone, history cut by --since, or most of it by bots or in excluded files)"
            )
        self.query_one("#truck-people", Static).update(people)
        tones = tones_of(self.app)
        self.query_one("#overview-facts", Static).update(self._facts(report, tones))
        self._show_notes(report.meta["warnings"], tones)
        self.query_one("#overview-worst", Static).update(self._worst(report, tones))
        self.query_one("#overview-whatif", Static).update(self._whatif(report, whatif, tones))

    @staticmethod
    def _facts(report: ScanReport, tones: Tones) -> Labelled:
        meta, people = report.meta, report.people()
        active = sum(1 for p in people if p["active"])
        coverage = meta["truck_factor"]["coverage"]
        counts = severity_counts(report)
        facts = Labelled("")
        facts.row("Repository  ", safe(PurePath(meta["repository"]).name))
        facts.row("Commits     ", f"{meta['commits']:,}   Files {meta['files']:,}")
        facts.row("People      ", f"{active:,} active, {len(people) - active:,} inactive")
        facts.row("Coverage    ", f"{coverage:.0%} of files keep an author if those people leave")
        found = facts.row("Findings    ")
        found.append(counted(counts.get("error", 0), "error"), style=tones.error)
        found.append(", ")
        found.append(counted(counts.get("warning", 0), "warning"), style=tones.warning)
        found.append(f", {counts.get('info', 0)} info")
        return facts

    def _show_notes(self, warnings: list[str], tones: Tones) -> None:
        """What the scan warned about (a shallow or partial clone, an unreadable record): it
        qualifies every figure above, so it sits right under them. One row per warning, its
        wrapped lines indented past the mark."""
        box = self.query_one("#overview-notes", Vertical)
        box.display = bool(warnings)
        box.remove_children()
        if not warnings:
            return
        rows: list[Widget] = [
            Static(Text("Read with care", style=tones.warning + Style(bold=True)))
        ]
        for warning in warnings[:NOTES]:
            mark = Static(Text("  !", style=tones.warning), classes="note-mark")
            message = Static(text(warning), classes="note-text")  # never read as markup
            rows.append(Horizontal(mark, message, classes="note"))
        if len(warnings) > NOTES:
            more = counted(len(warnings) - NOTES, "more warning")
            rest = Text(f"and {more} (busfactor scan prints them all)", style=tones.muted)
            rows.append(Static(rest, classes="note-more"))
        box.mount_all(rows)

    @staticmethod
    def _worst(report: ScanReport, tones: Tones) -> Text:
        """The riskiest components, in the Components table's risk order (a bus factor of 2
        with most files lost is HIGH, above a plain 2)."""
        worst = Text()
        worst.append("Worst components\n", style="bold")
        ranked = sorted(report.components(), key=lambda c: (*risk_rank(c), c["name"]))
        if not ranked:  # a heading over nothing: no file was analysed
            worst.append(
                "  none: no file was analysed (see the scan's warnings)\n", style=tones.muted
            )
        for component in ranked[:WORST]:
            risk = risk_of(component)
            worst.append(f"  {risk:<4} ", style=tones.risk(risk))
            worst.append(f"{safe(component['name'])}  bus factor {component['bus_factor']}")
            worst.append(f", {component['files_lost']} of {component['files']} files lost\n")
        return worst

    @staticmethod
    def _whatif(report: ScanReport, whatif: Mapping[str, Any] | None, tones: Tones) -> Text:
        if whatif is None:
            return Text(
                "Nobody is marked as leaving (People tab: space toggles).", style=tones.muted
            )
        leavers = names_of(report, whatif["without"])
        verb = "leaves" if len(leavers) == 1 else "leave"
        block = Text()
        block.append(f"If {', '.join(leavers)} {verb}:\n", style="bold")
        orphaned = len(whatif["orphaned_files"])
        block.append(f"  {counted(orphaned, 'file')} {agreeing(orphaned, 'loses', 'lose')}")
        block.append(" every author\n")
        dropped = [
            c for c in whatif["components"] if c["bus_factor_after"] < c["bus_factor_before"]
        ]
        lose = agreeing(len(dropped), "loses", "lose")
        block.append(f"  {counted(len(dropped), 'component')} {lose} bus factor\n")
        block.append(f"  {counted(len(whatif['decisions_orphaned']), 'decision')} and ")
        block.append(f"{counted(len(whatif['runbooks_orphaned']), 'runbook')} lose all authors\n")
        return block
