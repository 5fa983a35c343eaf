"""From raw (email, name) pairs to people: email keys, name merging, config aliases, bots.

Union-find over identities sharing an email key or (unless disabled) a normalised name.
A person's id is the lower-cased email they used most (ties: alphabetical), so it is stable
and readable; every other email and name they used is kept as an alias.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from busfactor.core.model import IdentityActivity, RawIdentity
from busfactor.core.settings import IdentitySettings

_NOREPLY = re.compile(r"^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$")
_GITLAB_TOKEN_BOT = re.compile(r"^(?:project|group)_?\d+_bot")


ANONYMOUS = "(no name or email)"
"""The id and name of commits whose author line has neither (git accepts `  <>`)."""


def email_key(email: str) -> str:
    """Trimmed, lower-cased email; GitHub noreply addresses become one key per login."""
    key = email.strip().lower()
    match = _NOREPLY.match(key)
    if match:
        return f"github:{match.group(1)}"
    return key


def name_key(name: str) -> str:
    """Accents stripped, case-folded, white space collapsed."""
    if name.isascii():  # no accents to strip, and NFKD leaves ASCII as it is
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


def is_bot(identity: RawIdentity, extra: Sequence[str] = ()) -> bool:
    """A `[bot]` name or email, a GitLab token user, or a name or email from the configuration."""
    return bot_test(extra)(identity)


def bot_test(extra: Sequence[str] = ()) -> Callable[[RawIdentity], bool]:
    """`is_bot` with the configured names read once, for asking of every identity (a
    configuration can list thousands)."""
    listed = frozenset(item.strip().lower() for item in extra)

    def test(identity: RawIdentity) -> bool:
        name = identity.name.strip().lower()
        email = identity.email.strip().lower()
        if name.endswith("[bot]") or "[bot]@" in email:
            return True
        if _GITLAB_TOKEN_BOT.match(name) or _GITLAB_TOKEN_BOT.match(email):
            return True
        return name in listed or email in listed

    return test


@dataclass(frozen=True, slots=True)
class Person:
    """One human after identity merging, with their activity in the history read."""

    id: str
    name: str
    email: str
    aliases: tuple[str, ...]
    commits: int
    first_commit: int
    last_commit: int


@dataclass(frozen=True, slots=True)
class Bot:
    """An automated committer, left out of every analysis."""

    name: str
    email: str
    commits: int


@dataclass(frozen=True, slots=True)
class Identities:
    """The outcome of merging: each raw identity's person id (None for bots)."""

    person_of: tuple[str | None, ...]
    people: dict[str, Person]
    bots: tuple[Bot, ...]


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, left: int, right: int) -> None:
        left, right = self.find(left), self.find(right)
        if left != right:
            self.parent[max(left, right)] = min(left, right)


def merge_identities(
    raw: Sequence[RawIdentity],
    activity: Sequence[IdentityActivity],
    settings: IdentitySettings,
    mailmap: Mapping[str, tuple[str, ...]] | None = None,
) -> Identities:
    """Group raw identities into people; bots are split off first. `mailmap`: what the
    repository's mailmap folded into each email, added to the people's aliases."""
    bot = bot_test(settings.bots)
    humans = [i for i, ident in enumerate(raw) if not bot(ident)]
    groups = _UnionFind(len(raw))
    first_seen: dict[str, int] = {}

    def join(key: str, index: int) -> None:
        seen = first_seen.setdefault(key, index)
        if seen != index:
            groups.union(seen, index)

    for index in humans:
        ident = raw[index]
        key = email_key(ident.email)
        join("e:" + (key or "name:" + name_key(ident.name)), index)
        if settings.merge_by_name and name_key(ident.name):
            join("n:" + name_key(ident.name), index)
    known: dict[str, list[int]] = {}  # lower-cased email or name -> the humans it names
    for index in humans:
        email, name = raw[index].email.strip().lower(), raw[index].name.strip().lower()
        known.setdefault(email, []).append(index)
        if name != email:
            known.setdefault(name, []).append(index)
    for group in settings.aliases:  # looked up, not searched: a config may hold thousands
        wanted = {item.strip().lower() for item in group}
        members = sorted({i for item in wanted for i in known.get(item, ())})
        for member in members[1:]:
            groups.union(members[0], member)

    members_of: dict[int, list[int]] = {}
    for index in humans:
        members_of.setdefault(groups.find(index), []).append(index)
    person_of: list[str | None] = [None] * len(raw)
    people: dict[str, Person] = {}
    for members in members_of.values():
        person = _person(raw, activity, members, mailmap or {})
        people[person.id] = person
        for index in members:
            person_of[index] = person.id
    return Identities(tuple(person_of), people, _bots(raw, activity, settings))


def _most_used(values: dict[str, int]) -> str:
    return min(values, key=lambda value: (-values[value], value))


def _person(
    raw: Sequence[RawIdentity],
    activity: Sequence[IdentityActivity],
    members: list[int],
    mailmap: Mapping[str, tuple[str, ...]],
) -> Person:
    emails: dict[str, int] = {}
    names: dict[str, int] = {}
    active = [activity[i] for i in members if activity[i].commits]
    for index in members:
        email = raw[index].email.strip().lower()
        emails[email] = emails.get(email, 0) + activity[index].commits
        names[raw[index].name] = names.get(raw[index].name, 0) + activity[index].commits
    # An empty email is no id: a person who also has a real one is known by it.
    email = _most_used({e: n for e, n in emails.items() if e} or emails)
    name = _most_used(names)
    folded = {alias for each in emails for alias in mailmap.get(each, ())}  # its .mailmap
    known = set(emails) | set(names) | folded
    aliases = sorted(known - {email, name, ""})
    return Person(
        id=email or name_key(name) or ANONYMOUS,
        name=name if name.strip() else email or ANONYMOUS,
        email=email,
        aliases=tuple(aliases),
        commits=sum(item.commits for item in active),
        first_commit=min((item.first for item in active), default=0),
        last_commit=max((item.last for item in active), default=0),
    )


def _bots(
    raw: Sequence[RawIdentity], activity: Sequence[IdentityActivity], settings: IdentitySettings
) -> tuple[Bot, ...]:
    merged: dict[str, Bot] = {}
    bot = bot_test(settings.bots)
    for index, ident in enumerate(raw):
        if not bot(ident):
            continue
        key = email_key(ident.email) or ident.name
        known = merged.get(key)
        commits = activity[index].commits + (known.commits if known else 0)
        merged[key] = Bot(ident.name, ident.email.strip().lower(), commits)
    return tuple(sorted(merged.values(), key=lambda bot: (-bot.commits, bot.email, bot.name)))
