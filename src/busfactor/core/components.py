"""Components: the named groups of files a manager reasons about.

Configured components (name -> globs) come first and a file may belong to several; every file
no configured component claims falls into a default one: its top-level directory, or for
`src/`-style layouts the directory one level below; files at the root form `(root)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from busfactor.core.filters import GlobIndex

ROOT_COMPONENT = "(root)"
CONTAINER_DIRS = frozenset(
    {
        "src",
        "packages",
        "libs",
        "apps",
        "services",
        "crates",
        "modules",
        "plugins",
        "components",
        "cmd",
        "pkg",
        "internal",
    }
)


def default_component(path: str) -> str:
    """The default component of one path."""
    parts = path.split("/")
    if len(parts) == 1:
        return ROOT_COMPONENT
    if parts[0] in CONTAINER_DIRS and len(parts) > 2:
        return f"{parts[0]}/{parts[1]}"
    return parts[0]


def assign_components(
    paths: Iterable[str], configured: Sequence[tuple[str, Sequence[str]]]
) -> dict[str, list[str]]:
    """Component name -> its files (sorted); configured components first, in config order."""
    members: dict[str, list[str]] = {name: [] for name, _ in configured}
    defaults: dict[str, list[str]] = {}
    owner = [name for name, globs in configured for _ in globs]  # glob position -> component
    claims = GlobIndex([glob for _, globs in configured for glob in globs])
    for path in sorted(paths):
        claimed = {owner[position] for position in claims.matching(path)}
        for name in claimed:
            members[name].append(path)
        if not claimed:
            defaults.setdefault(default_component(path), []).append(path)
    for name in sorted(defaults):
        members.setdefault(name, []).extend(defaults[name])
    return {name: sorted(set(paths)) for name, paths in members.items()}
