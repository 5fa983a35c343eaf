"""busfactor: find single-person knowledge dependencies in a git repository.

Importing the package loads only the standard library: front ends and adapters import
their heavy dependencies themselves, so a headless run never loads Textual.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
