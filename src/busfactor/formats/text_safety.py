"""Strings from a repository made safe to print (`core.text_safety`), and JSON made valid."""

from __future__ import annotations

from typing import Any

from busfactor.core.text_safety import printable, valid_text

__all__ = ["json_safe", "printable", "valid_text"]


def json_safe(data: Any) -> Any:
    """Every string in a JSON-ready structure made valid UTF-8."""
    if isinstance(data, str):
        return valid_text(data)
    if isinstance(data, dict):
        return {json_safe(key): json_safe(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [json_safe(item) for item in data]
    return data
