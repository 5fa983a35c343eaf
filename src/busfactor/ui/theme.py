"""Rich styles for table cells and text blocks, taken from the app's current Textual theme.

Cells are rich `Text`, which CSS does not reach, so their colours come from the theme's
`$text-error`, `$text-warning`, `$text-success` and `$text-primary` variables: those are
tinted to stay legible on the theme's own background, light or dark. The app redraws
everything when the theme changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True, slots=True)
class Tones:
    """The handful of semantic styles the app uses."""

    error: Style
    warning: Style
    success: Style
    info: Style
    muted: Style
    strong: Style

    def risk(self, risk: str) -> Style:
        """HIGH, MED, OK."""
        return {"HIGH": self.error, "MED": self.warning}.get(risk, self.success)

    def severity(self, severity: str) -> Style:
        """error, warning, info."""
        return {"error": self.error, "warning": self.warning, "info": self.info}.get(
            severity, Style()
        )


PLAIN = Tones(
    error=Style(bold=True),
    warning=Style(),
    success=Style(),
    info=Style(),
    muted=Style(dim=True),
    strong=Style(bold=True),
)
_cache: dict[tuple[str, ...], Tones] = {}


def _colour(variables: dict[str, str], name: str) -> str | None:
    value = variables.get(name, "")
    return value if value.startswith("#") else None


def tones_of(app: App[object] | None) -> Tones:
    """The styles for the app's current theme (plain styles before the app has one)."""
    if app is None:
        return PLAIN
    variables = app.theme_variables or app.get_css_variables()
    colours = tuple(
        _colour(variables, f"text-{name}") or ""
        for name in ("error", "warning", "success", "primary")
    )
    if not all(colours):
        return PLAIN
    if colours not in _cache:
        error, warning, success, primary = colours
        _cache[colours] = Tones(
            error=Style(color=error, bold=True),
            warning=Style(color=warning),
            success=Style(color=success),
            info=Style(color=primary),
            muted=Style(dim=True),
            strong=Style(bold=True),
        )
    return _cache[colours]
