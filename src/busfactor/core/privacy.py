"""Pseudonyms for people in reports: `--anonymize` and `--redact-emails`.

Pure and standard library only. A person's pseudonym comes from an HMAC-SHA256 of their id
keyed with a salt (from the configuration), so repeated runs with the same salt agree and
nobody without the salt can map a pseudonym back by hashing guessed emails.

`anonymize_report` takes any busfactor JSON report (`busfactor.scan/1` with or without the
`check` additions, `busfactor.whatif/1`, `busfactor.plan/1`) and returns a copy in which every
person's name and email is replaced, in structured fields and inside free-text messages.
Bots are left as they are: they are not people.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from busfactor.core.identity import email_key, name_key
from busfactor.core.model import RawIdentity

DOMAIN = "anonymized.invalid"
"""Pseudonym emails use a reserved top-level domain, so they can never reach anyone."""

_DIGITS = 8
"""Hex digits of the HMAC kept: 32 bits, so collisions stay unlikely in large organisations."""

_ID_LISTS = frozenset({"authors", "bus_factor_authors", "without"})
"""Keys whose value is a list of person ids, wherever they appear."""
_ID_VALUES = frozenset({"person", "mentor", "learner"})
"""Keys whose value is one person id (or, for `person`, a CODEOWNERS owner)."""
_TEXT_KEYS = frozenset({"message", "reason", "reasons", "warnings", "problems", "hint"})
"""Keys holding free text that may quote names or emails."""


def pseudonym(person_id: str, salt: str) -> tuple[str, str]:
    """A stable (name, email) pseudonym for `person_id`, e.g. ("Person 7f3a2c01", ...)."""
    digest = hmac.new(salt.encode("utf-8"), person_id.encode("utf-8"), hashlib.sha256)
    tag = digest.hexdigest()[:_DIGITS]
    return f"Person {tag}", f"{tag}@{DOMAIN}"


class _Table:
    """Every known name and email, mapped to its replacement."""

    def __init__(self, salt: str, redact_emails_only: bool) -> None:
        self.salt = salt
        self.names_kept = redact_emails_only
        self.emails: dict[str, str] = {}
        """lower-cased email or id -> pseudonym email."""
        self.names: dict[str, str] = {}
        """name as written -> pseudonym name (empty when names are kept)."""
        self._pattern: re.Pattern[str] | None = None

    def add_person(self, person_id: str, names: Iterable[str], emails: Iterable[str]) -> None:
        name, email = pseudonym(person_id, self.salt)
        for address in (person_id, *emails):
            if address:
                self.emails.setdefault(address.lower(), email)
        if not self.names_kept:
            for written in names:
                if written.strip():
                    self.names.setdefault(written, name)

    def add_loose(self, value: str) -> None:
        """A person-like string not listed among the people (a decider, a code owner)."""
        if not value or value.lower() in self.emails or value in self.names:
            return
        if "@" in value.strip("@") and " " not in value.strip():
            self.add_person(value.lower(), (), (value,))
        elif not self.names_kept:
            self.names.setdefault(value, pseudonym(value, self.salt)[0])

    def person(self, value: str) -> str:
        """Replacement for a field that holds exactly one person (id, email or name)."""
        found = self.emails.get(value.lower())
        if found is not None:
            return found
        found = self.names.get(value)
        if found is not None:
            return found
        return self.text(value)

    def text(self, value: str) -> str:
        """Free text with every known name and email replaced."""
        pattern = self._compiled()
        if pattern is None:
            return value

        def swap(match: re.Match[str]) -> str:
            word = match.group(0)
            return self.emails.get(word.lower()) or self.names.get(word, word)

        return pattern.sub(swap, value)

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None:
            emails = sorted(self.emails, key=len, reverse=True)
            names = sorted(self.names, key=len, reverse=True)
            if not emails and not names:
                return None
            parts = [f"(?i:{re.escape(email)})" for email in emails]
            # Names match as whole words, so "Al" does not eat into "Alice" or a path.
            parts += [rf"(?<![\w@.]){re.escape(name)}(?![\w@])" for name in names]
            self._pattern = re.compile("|".join(parts))
        return self._pattern


def anonymize_report(
    data: dict[str, Any],
    salt: str,
    *,
    redact_emails_only: bool = False,
    people: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A copy of the JSON report `data` with every person's name and email pseudonymised.

    With `redact_emails_only`, ids and emails become the pseudonym email and names stay.
    `people` lends the scan's `people[]` to reports that do not carry it (plan, what-if),
    so names quoted in their messages are found too. The input is not modified.
    """
    table = _Table(salt, redact_emails_only)
    listed = [*(people or ()), *_people_of(data)]
    for person in listed:
        aliases = [str(a) for a in person.get("aliases") or ()]
        table.add_person(
            str(person.get("id") or person.get("email") or ""),
            [str(person.get("name") or ""), *(a for a in aliases if "@" not in a)],
            [str(person.get("email") or ""), *(a for a in aliases if "@" in a)],
        )
    _collect(data, table)
    result = copy.deepcopy(data)
    return _rewrite(result, table)  # type: ignore[no-any-return]


def _people_of(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    people = data.get("people")
    if not isinstance(people, list):
        return []
    return [p for p in people if isinstance(p, Mapping)]


def _collect(node: Any, table: _Table) -> None:
    """Register person strings found in person fields that `people[]` does not list."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "bots":
                continue
            if key in _ID_LISTS and isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        table.add_loose(item)
            elif key in _ID_VALUES and isinstance(value, str):
                table.add_loose(value)
            elif key == "deciders" and isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        table.add_loose(item)
            elif key == "doa" and isinstance(value, Mapping):
                for person in value:
                    if isinstance(person, str):
                        table.add_loose(person)
            else:
                _collect(value, table)
    elif isinstance(node, list):
        for item in node:
            _collect(item, table)


def _rewrite(node: Any, table: _Table, key: str | None = None) -> Any:
    if isinstance(node, dict):
        for name in list(node):
            value = node[name]
            if name == "bots":
                continue
            if name == "people" and isinstance(value, list):
                node[name] = [_person(p, table) if isinstance(p, dict) else p for p in value]
            elif name == "doa" and isinstance(value, dict):
                node[name] = {
                    table.person(k) if isinstance(k, str) else k: v for k, v in value.items()
                }
            else:
                node[name] = _rewrite(value, table, name)
        return node
    if isinstance(node, list):
        return [_rewrite(item, table, key) for item in node]
    if isinstance(node, str):
        return _string(node, key, table)
    return node


def _string(value: str, key: str | None, table: _Table) -> str:
    replace: Callable[[str], str]
    if key in _ID_LISTS or key in _ID_VALUES or key == "deciders":
        replace = table.person
    elif key in _TEXT_KEYS:
        replace = table.text
    else:
        return value
    return replace(value)


def _person(person: dict[str, Any], table: _Table) -> dict[str, Any]:
    out = dict(person)
    ident = str(person.get("id") or person.get("email") or "")
    fake_name, fake_email = pseudonym(ident, table.salt)
    if "id" in out:
        out["id"] = fake_email
    if "email" in out:
        out["email"] = fake_email
    if "name" in out and not table.names_kept:
        out["name"] = fake_name
    if "aliases" in out:
        kept = (
            [str(a) for a in person["aliases"] or () if "@" not in str(a)]
            if table.names_kept
            else []
        )
        out["aliases"] = sorted(set(kept) - {str(out.get("name"))})
    return _rewrite_rest(out, table)


def _rewrite_rest(person: dict[str, Any], table: _Table) -> dict[str, Any]:
    for key, value in person.items():
        if key not in ("id", "email", "name", "aliases"):
            person[key] = _rewrite(value, table, key)
    return person


def _digest(value: str, salt: str) -> str:
    mac = hmac.new(salt.encode("utf-8"), value.encode("utf-8", "surrogateescape"), "sha256")
    return mac.hexdigest()[:_DIGITS]


def pseudonymize_identities(
    identities: Sequence[RawIdentity],
    salt: str,
    *,
    emails_only: bool = False,
    keep: Callable[[RawIdentity], bool] = lambda identity: False,
) -> list[RawIdentity]:
    """Raw identities with stable pseudonyms, before any analysis sees them.

    The email pseudonym comes from the email key (GitHub noreply forms of one login agree) and
    the name pseudonym from the normalised name, so identity merging works exactly as it would
    on the real values. Identities `keep` selects (bots) stay as they are.
    """
    result = []
    for identity in identities:
        if keep(identity):
            result.append(identity)
            continue
        email = pseudonymize_email(identity.email, salt)
        name = identity.name
        if not emails_only and name:
            name = f"Person {_digest(name_key(name), salt)}"
        result.append(RawIdentity(email, name))
    return result


def pseudonymize_email(email: str, salt: str) -> str:
    """An email as the pseudonym the same person's commits get (its key decides: GitHub's
    noreply forms of one login agree)."""
    return f"{_digest(email_key(email), salt)}@{DOMAIN}" if email else ""


_EMAIL_IN_TEXT = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")


def pseudonymize_emails_in(text: str, salt: str) -> str:
    """Every email address in free text (an ADR title, a decider, a CODEOWNERS owner) as its
    pseudonym."""
    return _EMAIL_IN_TEXT.sub(lambda match: pseudonymize_email(match.group(), salt), text)


def pseudonymize_name(name: str, salt: str) -> str:
    """A free-text name (an ADR decider) as the pseudonym the same person's commits get."""
    return f"Person {_digest(name_key(name), salt)}" if name.strip() else name


def pseudonymize_handle(handle: str, salt: str) -> str:
    """A CODEOWNERS handle (`@login`, `@org/team`) as `@owner-<digest>`, the same wherever it
    is shown: in findings and in a suggested CODEOWNERS."""
    owner = "@" + handle.lstrip("@")
    return "@" + pseudonymize_name(owner, salt).replace("Person ", "owner-")
