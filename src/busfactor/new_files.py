"""The permissions of files busfactor creates: what `open()` would give (0666 less the umask).

Atomic writes start from `tempfile.mkstemp`, which makes files 0600 whatever the umask, so an
ADR, a runbook or a report written that way was unreadable to the user's group.
"""

from __future__ import annotations

import os


def umask() -> int:
    """The process umask, read without changing it where Linux says it (changing it for a
    moment, as the portable way does, races with threads creating files meanwhile)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode `open(path, "w")` would give a new file."""
    return 0o666 & ~umask()
