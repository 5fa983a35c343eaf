"""Which emails and names a `.mailmap` folds into each proper email.

git applies the mailmap before busfactor sees an author, so the addresses it replaced never
appear in the history read. They are still this person's: an organisation report matches
people across repositories by every email and name they are known by (`aliases`), and a
repository without the mailmap shows the old address.
"""

from __future__ import annotations

import re

_ENTRY = re.compile(r"^[^<]*<(?P<pmail>[^>]*)>(?P<cname>[^<]*)<(?P<cmail>[^>]*)>")
"""`[Proper Name] <proper@email> [Commit Name] <commit@email>`: what follows is ignored."""


def mailmap_aliases(text: str) -> dict[str, tuple[str, ...]]:
    """Proper email (lower-cased) -> the other emails, and the commit names a line requires,
    that the mailmap maps onto it. Lines that only fix a name (`Proper Name <email>`) add
    nothing: the email is the same. Malformed lines are skipped, as git skips them."""
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if match is None:
            continue
        proper = match.group("pmail").strip().lower()
        commit = match.group("cmail").strip().lower()
        if not proper or not commit:
            continue
        others = found.setdefault(proper, set())
        if commit != proper:
            others.add(commit)
        name = match.group("cname").strip()
        if name and name.lower() != proper:
            others.add(name)
    return {proper: tuple(sorted(others)) for proper, others in sorted(found.items()) if others}
