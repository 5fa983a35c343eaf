"""Read one ADR's text: front matter, metadata lines, the Status section, links and mentions.

Private to `busfactor.adapters.adr`. The reading order is conventions §1.4: YAML front matter,
then "Key: value" bullets under the H1, then "Key: value" lines, then the `## Status`
section's first line that is not a link line. Supersession comes from every place a format
writes it: front matter keys, status text ("superseded by [ADR-0005](0005-x.md)"), and lines
that start with the relation: adr-tools links ("Superceded by [2. X](0002-x.md)", either
spelling), log4brains `## Links` items, decree's "Supersedes: 0003" and "Is superseded by: 5".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from busfactor.core.decisions import link_mention, path_like_words

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def commonmark() -> MarkdownIt:
    """The Markdown parser, made on first use: markdown-it and YAML are a tenth of a second of
    every start-up, and most repositories have no decision record or runbook to parse."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


__all__ = ["PEOPLE", "ParsedAdr", "one_line", "parse_adr"]

PEOPLE = ("deciders", "consulted", "informed")

_KEYS = {
    "status": "status",
    "date": "date",
    "deciders": "deciders",
    "decider": "deciders",
    "decision makers": "deciders",
    "consulted": "consulted",
    "informed": "informed",
}
_KEY_LINE = re.compile(r"\s*([A-Za-z][A-Za-z _-]{0,30}?)\s*:\s*(.*)")
_RELATION = re.compile(
    r"\s*(?:is\s+)?(super[sc]edes|super[sc]eded\s+by)\b\s*:?\s*(.*)", re.IGNORECASE
)
_ADR_REFERENCE = re.compile(
    r"(?:adr[-_ ]?)?\d{1,18}|\d{8}-[\w.-]+|[\w./-]+\.(?:md|markdown)", re.IGNORECASE
)
_TITLE_NUMBER = re.compile(
    r"(?:adr[-_ ]?\d+\s*[.:\-\u2013\u2014]?|\d+\s*[.:\-\u2013\u2014)](?!\d))\s*", re.IGNORECASE
)
_MARKDOWN_LINK = re.compile(r"\]\(<?([^)\s>]+)>?(?:\s[^)]*)?\)")
_STATUS_HEADING = re.compile(r"status\s*[:\-\u2013\u2014]\s*(\S.*)", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_WORD_TRIM = "()[]{}<>\"'`,;!?*_"
_Status = tuple[str, list[str]]
"""A status as plain text, with the targets of the links written in it."""


@dataclass
class ParsedAdr:
    """What one ADR file says, before ids and links are resolved."""

    title: str | None = None
    status: str | None = None
    date: str | None = None
    people: dict[str, list[str]] = field(default_factory=dict)
    supersedes: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Line:
    """One line of an inline block as plain text, with where its links start."""

    text: str = ""
    links: list[tuple[int, str]] = field(default_factory=list)

    def value_after(self, start: int) -> _Status:
        """The text after `start`, stripped, and the hrefs of the links in it."""
        return self.text[start:].strip(), [href for at, href in self.links if at >= start]


@dataclass
class _Block:
    """The lines of one paragraph or list item, and the section it sits in (None: preamble)."""

    section: str | None
    in_list: bool
    lines: list[_Line]


@dataclass
class _Metadata:
    """Status, date and people from one source (front matter, bullets, lines)."""

    status: _Status | None = None
    date: object = None
    people: dict[str, list[str]] = field(default_factory=dict)


def one_line(text: str, limit: int = 160) -> str:
    """Text for a one-line warning: control characters escaped, long text shortened."""
    escaped = _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def parse_adr(text: str, path: str, folder: str) -> ParsedAdr:
    """Everything one ADR's text says about itself; problems are one-line notes."""
    parsed = ParsedAdr()
    front, body = _front_matter(text, parsed.problems)
    blocks = _walk(commonmark().parse(body), parsed, path, folder)
    sources = [_front_metadata(front), *_line_metadata(blocks)]
    status = next((s.status for s in sources if s.status and s.status[0]), None)
    status = status or _status_section_status(blocks)
    if parsed.title is None and isinstance(front.get("title"), str):
        parsed.title = front["title"].strip() or None
    parsed.date = next((d for s in sources if (d := _iso_date(s.date)) is not None), None)
    for key in PEOPLE:
        parsed.people[key] = next((s.people[key] for s in sources if key in s.people), [])
    for name in ("supersedes", "superseded-by", "superseded_by"):
        into = parsed.supersedes if name == "supersedes" else parsed.superseded_by
        into.extend(_scalars(front[name]) if name in front else [])
    if status is not None:
        parsed.status = status[0]
        _add_relation(parsed, status[0], status[1], anywhere=True)
    for block in blocks:
        for line in block.lines:
            _add_relation(parsed, line.text, [href for _, href in line.links], anywhere=False)
    parsed.mentions = list(dict.fromkeys(parsed.mentions))
    parsed.supersedes = list(dict.fromkeys(parsed.supersedes))
    parsed.superseded_by = list(dict.fromkeys(parsed.superseded_by))
    return parsed


def _front_matter(text: str, problems: list[str]) -> tuple[dict[str, Any], str]:
    """The front matter mapping (keys lower-cased) and the body after it."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, text
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        problems.append("invalid front matter (no closing ---)")
        return {}, text
    body = "\n".join(lines[end + 1 :])
    import yaml  # here, not at the top: most repositories have no front matter to read

    try:
        loaded = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problems.append(f"invalid front matter ({error.problem or error.context}{where})")
        return {}, body
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as error:
        reason = str(error).strip().split("\n")[0] or type(error).__name__
        problems.append(f"invalid front matter ({reason})")
        return {}, body
    if loaded is None:
        return {}, body
    if not isinstance(loaded, dict):
        problems.append(f"invalid front matter (a {type(loaded).__name__}, not a mapping)")
        return {}, body
    return {str(key).strip().lower(): value for key, value in loaded.items()}, body


def _front_metadata(front: dict[str, Any]) -> _Metadata:
    """Front matter's status, date and people (MADR 3 `deciders`, MADR 4 `decision-makers`)."""
    found = _Metadata()
    for key, value in front.items():
        canonical = _KEYS.get(_key(key))
        if canonical == "status" and isinstance(value, str | int | float):
            found.status = (str(value).strip(), [])
        elif canonical == "date":
            found.date = value
        elif canonical in PEOPLE and canonical not in found.people:
            # A YAML list names one person per item: "Lovelace, Ada" is one.
            found.people[canonical] = _people(_scalars(value), split=not isinstance(value, list))
    return found


def _scalars(value: object) -> list[str]:
    """A front matter value as strings: a scalar, or the scalars of a list (nothing nested)."""
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if isinstance(item, str | int | float | dt.date)]


def _walk(tokens: list[Token], parsed: ParsedAdr, path: str, folder: str) -> list[_Block]:
    """Paragraphs and list items with their section; sets the title and collects mentions."""
    blocks: list[_Block] = []
    section: str | None = None
    heading: str | None = None
    depth = 0
    for token in tokens:
        if token.type == "heading_open":
            heading = token.tag
        elif token.type == "heading_close":
            heading = None
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "inline":
            children = token.children or []
            _collect_mentions(children, parsed.mentions, path, folder)
            lines = _lines(children)
            text = " ".join(line.text.strip() for line in lines).strip()
            if heading == "h1" and parsed.title is None:
                parsed.title = _without_number(text, path) or None
            elif heading in ("h1", "h2"):
                section = text.lower().strip(" :")
                if inline_status := _STATUS_HEADING.fullmatch(text):
                    section = "status"
                    blocks.append(_Block(section, False, [_Line(inline_status[1])]))
            elif heading is None:
                blocks.append(_Block(section, depth > 0, lines))
    return blocks


def _without_number(title: str, path: str) -> str:
    """The H1 without the record's number: "ADR-7: X" and "7. X" are "X". A bare number
    is the record's only when the file name has none or the same: "2024: plans" in
    `0002-2024-plans.md` keeps its year."""
    number = _TITLE_NUMBER.match(title)
    if number is None:
        return title.strip()
    digits = re.match(r"\d+", number[0])
    own = re.match(r"\d+", path.rpartition("/")[2])
    if digits is not None and own is not None and int(digits[0]) != int(own[0]):
        return title.strip()
    return title[number.end() :].strip()


def _lines(children: list[Token]) -> list[_Line]:
    """Inline tokens as plain-text lines; autolinks keep their angle brackets."""
    lines = [_Line()]
    for child in children:
        line = lines[-1]
        if child.type in ("softbreak", "hardbreak"):
            lines.append(_Line())
        elif child.type in ("text", "code_inline", "image"):
            line.text += child.content
        elif child.type == "link_open":
            if child.markup == "autolink":
                line.text += "<"
            line.links.append((len(line.text), str(child.attrGet("href") or "")))
        elif child.type == "link_close" and child.markup == "autolink":
            line.text += ">"
    return lines


def _line_metadata(blocks: list[_Block]) -> list[_Metadata]:
    """ "Key: value" lines: bullets under the H1, other lines under it, Status lines anywhere."""
    bullets, lines = _Metadata(), _Metadata()
    for block in blocks:
        preamble = block.section is None
        into = bullets if preamble and block.in_list else lines
        for line in block.lines:
            match = _KEY_LINE.fullmatch(line.text)
            key = _KEYS.get(_key(match[1])) if match else None
            if match is None or key is None or not (preamble or key == "status"):
                continue
            value = line.value_after(match.start(2))
            if key == "status" and into.status is None:
                into.status = value
            elif key == "date" and into.date is None:
                into.date = value[0]
            elif key in PEOPLE and key not in into.people:
                into.people[key] = _people([value[0]])
    return [bullets, lines]


def _key(label: str) -> str:
    """A metadata label compared loosely: "Decision-Makers" is "decision makers"."""
    return " ".join(label.lower().replace("-", " ").replace("_", " ").split())


def _status_section_status(blocks: list[_Block]) -> _Status | None:
    """The `## Status` section's first non-empty line that is not a link line."""
    for block in blocks:
        if block.section == "status":
            for line in block.lines:
                if line.text.strip() and not _is_link_line(line):
                    return line.value_after(0)
    return None


def _is_link_line(line: _Line) -> bool:
    """adr-tools' `<label> [<N>. <title>](<file>)`, or a relation label before a link."""
    if not line.links or not line.text[: line.links[0][0]].strip():
        return False
    target = line.links[0][1].rpartition("/")[2]
    return target[:1].isdigit() or _RELATION.match(line.text) is not None


def _add_relation(parsed: ParsedAdr, text: str, hrefs: list[str], *, anywhere: bool) -> None:
    """Targets of a "supersedes" / "superseded by" phrase: at the line's start, or anywhere."""
    match = _RELATION.search(text) if anywhere else _RELATION.match(text)
    if match is None:
        return
    into = parsed.superseded_by if match[1].lower().endswith("by") else parsed.supersedes
    linked = [href for href in hrefs if not _SCHEME.match(href)]
    into.extend(linked or _references(match[2]))


def _references(text: str) -> list[str]:
    """ADR references in text: Markdown link targets, else "ADR-0005", "0005", a log4brains
    slug or a .md file name."""
    linked = [href for href in _MARKDOWN_LINK.findall(text) if not _SCHEME.match(href)]
    if linked:
        return linked
    words = (word.strip(_WORD_TRIM).rstrip(".:") for word in re.split(r"[\s,]+", text))
    return [word for word in words if _ADR_REFERENCE.fullmatch(word)]


_NOBODY = frozenset({"unknown", "tbd", "n/a", "none"})


def _people(values: list[str], *, split: bool = True) -> list[str]:
    """Names or e-mails as written; comma-separated strings split (unless `split` is off:
    items of a list), placeholders dropped."""
    people: list[str] = []
    for value in values:
        for name in value.replace(";", ",").split(",") if split else [value]:
            name = name.strip()
            # "[names]", "{list everyone involved}" (templates) and "unknown" (what `adr new`
            # writes when no one was named) name nobody.
            placeholder = name[:1] + name[-1:] in ("[]", "{}") or name.casefold() in _NOBODY
            if name and not placeholder and name not in people:
                people.append(name)
    return people


def _iso_date(value: object) -> str | None:
    """An ISO date from a YAML date or datetime, or the first YYYY-MM-DD in a string."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    match = _DATE.search(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def _collect_mentions(children: list[Token], mentions: list[str], path: str, folder: str) -> None:
    """Code spans, relative link targets and path-like words, in order."""
    for child in children:
        if child.type == "code_inline":
            span = child.content.strip()
            mentions.extend([span] if 0 < len(span) <= 300 else [])
            mentions.extend(path_like_words(span) if " " in span else [])
        elif child.type == "link_open" and child.markup != "autolink":
            target = link_mention(str(child.attrGet("href") or ""), path, folder)
            mentions.extend([target] if target is not None else [])
        elif child.type == "text":
            mentions.extend(path_like_words(child.content))
