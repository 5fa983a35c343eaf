"""The command palette: jump to a component or a person, export the report as Markdown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from busfactor.ui.view import safe

if TYPE_CHECKING:
    from busfactor.ui.app import BusfactorApp

EXPORT = "Export report as Markdown"


class BusfactorCommands(Provider):
    """`Component: <name>`, `Person: <name>` and `Export report as Markdown`."""

    def entries(self) -> list[tuple[str, Callable[[], object], str]]:
        """Every command as (literal text, callback, help)."""
        app: BusfactorApp = self.app  # type: ignore[assignment]
        report = app.report
        if report is None:
            return []
        found: list[tuple[str, Callable[[], object], str]] = [
            (EXPORT, app.action_export_markdown, "write busfactor-report.md here")
        ]
        for component in report.components():
            name = str(component["name"])
            found.append(
                (
                    f"Component: {safe(name)}",
                    partial(app.show_component, name),
                    f"bus factor {component['bus_factor']}, {component['files']} files",
                )
            )
        for person in report.people():
            shown = safe(person["name"] or person["id"])
            found.append(
                (
                    f"Person: {shown}",
                    partial(app.show_person, str(person["id"])),
                    safe(person["id"]),
                )
            )
        return found

    async def discover(self) -> Hits:
        for command, callback, help_text in self.entries():
            yield DiscoveryHit(Content(command), callback, text=command, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for command, callback, help_text in self.entries():
            score = matcher.match(command)
            if score > 0:
                # Content(...) not matcher.highlight: names are never parsed as markup.
                yield Hit(score, Content(command), callback, text=command, help=help_text)
