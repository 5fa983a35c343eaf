"""`busfactor adr new`: a new decision record in the style the ADR folder already uses.

Style (conventions §1.2, §1.3, §1.5) is read from the folder's latest record: Nygard / adr-tools
(`## Status` section), MADR 2 or log4brains (`* Status:` / `- Status:` bullets), MADR 3 (front
matter with `deciders`) or MADR 4 (front matter, `decision-makers`); file names `NNNN-slug.md`
(number width as used) or log4brains `YYYYMMDD-slug.md`. An empty folder gets the `--template`
flavour (MADR 4 by default) and a first record, "Record architecture decisions".
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from busfactor.adapters.adr import declared_adr_dirs, find_adr_dirs
from busfactor.adapters.adr_formats import parse_adr
from busfactor.core.decisions import log4brains_date, normalise_status
from busfactor.core.text_safety import valid_text
from busfactor.errors import RefusedError, UsageError
from busfactor.scaffold import (
    ComponentFacts,
    create_exclusive,
    inside,
    named,
    read_inside,
    replace_atomic,
    today,
    working_files,
    writable_inside,
)

__all__ = ["AdrStyle", "NewAdr", "Record", "detect_style", "plan_adr", "write_adr"]

DEFAULT_DIR = "docs/adr"
CONSULTED = 5
"""Authors named in a new record's context and as consulted."""
FLAVOURS = ("nygard", "madr4", "madr3", "madr2")
_FLAVOUR_NAMES = {"nygard": "Nygard", "madr4": "MADR 4", "madr3": "MADR 3", "madr2": "MADR 2"}
_NUMBER = re.compile(r"^(\d+)-")
_DATE_NAME = re.compile(r"^(\d{8})-(.+)$")
_BULLET_STATUS = re.compile(r"^([*-])\s+Status:", re.MULTILINE | re.IGNORECASE)
_NOT_RECORDS = ("template", "index", "readme", "backlog")
_TEMPLATES = ("templates/template.md", "adr-template.md", "template.md")
_MAX_ATTEMPTS = 1000
_SLUG_LENGTH = 80
"""Longest slug in a file name (file systems stop at 255 bytes)."""


@dataclass
class AdrStyle:
    """How the folder's records look."""

    flavour: str = "madr4"
    width: int = 4
    dated: bool = False
    """log4brains `YYYYMMDD-slug.md` names."""
    keep_case: bool = False
    """adr-tools-python: the slug keeps the title's case."""
    bullet: str = "*"
    superseded_word: str = "Superseded"
    """adr-tools writes "Superceded"; used only when the folder already does."""
    quoted_status: bool = True


@dataclass
class Record:
    """An existing record of the folder."""

    path: Path
    name: str
    number: int | None
    title: str
    text: str
    superseded_by: list[str] | None = None
    """What supersedes it, as its status names it ([] when it names none); None: in force."""

    def label(self) -> str:
        """How other records link to it: "ADR-0007", or the log4brains slug."""
        return self.name.rpartition(".")[0] if self.number is None else f"ADR-{self.number:04d}"


@dataclass
class NewAdr:
    """What `adr new` will write: new files (path, text) and changed files (path, bytes)."""

    folder: Path
    path: Path
    number: int | None
    title: str
    text: str
    creates: list[tuple[Path, str]] = field(default_factory=list)
    """Files written before the new record (the first record of a new folder)."""
    changes: list[tuple[Path, bytes]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the person should know about the folder chosen (an `.adr-dir` ignored)."""


def slugify(title: str, keep_case: bool = False) -> str:
    """adr-tools' slug: non-alphanumeric runs become "-", ends trimmed, lower case; accents
    dropped first ("Café" is "cafe", not "caf"). A title with no ASCII letter or digit at all
    (日本語) gets "decision"."""
    decomposed = unicodedata.normalize("NFKD", title)
    title = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")
    if len(slug) > _SLUG_LENGTH:  # file names have limits; the title stays whole inside
        cut = slug[:_SLUG_LENGTH]
        slug = (cut.rpartition("-")[0] or cut).strip("-")
    return (slug if keep_case else slug.lower()) or "decision"


def _records(root: Path, folder: Path) -> list[Record]:
    if not folder.is_dir():
        return []
    records = []
    for path in sorted(folder.iterdir()):
        stem = path.stem.lower()
        if not path.is_file() or path.suffix.lower() not in (".md", ".markdown"):
            continue
        if stem in _NOT_RECORDS or stem.startswith("adr-template"):
            continue
        data = read_inside(root, path)
        try:
            text = (data or b"").decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
        if data is None:
            continue
        parsed = parse_adr(text.replace("\r\n", "\n"), path.name, "")
        match = _NUMBER.match(path.name)
        dated = log4brains_date(path.stem) is not None
        number = int(match[1]) if match and not dated else None
        record = Record(path, path.name, number, parsed.title or path.stem, text)
        status = normalise_status(parsed.status) if parsed.status else None
        if parsed.superseded_by or status == "superseded":
            record.superseded_by = list(parsed.superseded_by)
        records.append(record)
    return records


def _numbers_taken(folder: Path) -> list[int]:
    """The number of every numbered Markdown file, records that cannot be read included
    (one that is not UTF-8 still holds its number)."""
    if not folder.is_dir():
        return []
    return [
        int(match[1])
        for path in folder.iterdir()
        if path.suffix.lower() in (".md", ".markdown")
        and (match := _NUMBER.match(path.name)) is not None
        and log4brains_date(path.stem) is None
    ]


def _flavour(text: str) -> str | None:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        front = text[: end if end > 0 else len(text)]
        if re.search(r"^deciders\s*:", front, re.MULTILINE):
            return "madr3"
        return "madr4"
    if _BULLET_STATUS.search(text):
        return "madr2"
    if re.search(r"^##\s+Status\s*$", text, re.MULTILINE):
        return "nygard"
    return None


def detect_style(records: list[Record], template: str) -> AdrStyle:
    """The style of the latest recognisable record; `template` when the folder is empty."""
    style = AdrStyle(flavour=template)
    if not records:
        return style
    numbered = [r for r in records if r.number is not None]
    # Dated names (log4brains), not any unnumbered note (a glossary, a FAQ), decide.
    dated = [r for r in records if log4brains_date(r.path.stem) is not None]
    style.dated = len(dated) > len(numbered)
    if numbered:
        latest = max(numbered, key=lambda r: r.number or 0)
        style.width = len(_NUMBER.match(latest.name)[1])  # type: ignore[index]
    slugs = [r.name.rpartition(".")[0].partition("-")[2] for r in records]
    style.keep_case = any(s != s.lower() for s in slugs)
    for record in sorted(records, key=lambda r: (r.number or 0, r.name), reverse=True):
        flavour = _flavour(record.text)
        if flavour is not None:
            style.flavour = flavour
            bullet = _BULLET_STATUS.search(record.text)
            style.bullet = bullet[1] if bullet else "*"
            status = re.search(r"^status:\s*(.*)$", record.text, re.MULTILINE)
            style.quoted_status = status is None or status[1].startswith(('"', "'"))
            break
    if any(re.search(r"\bSuperced", r.text) for r in records):
        style.superseded_word = "Superceded"
    return style


def find_folder(
    root: Path,
    directory: str | None,
    warnings: list[str] | None = None,
    start: Path | None = None,
) -> tuple[Path, bool]:
    """The ADR folder and whether it already has records: --dir; else, as adr-tools does,
    the one the nearest `.adr-dir` in `start` (the folder the command runs in; default the
    top) or above it declares, even while it is empty (after the first record, the scan
    finds it too); else the first one the scan finds; else docs/adr. `warnings` gets a line
    for each `.adr-dir` leading outside the repository, and one when the declared folder
    takes over from another the scan reads now.

    An `.adr-dir` elsewhere (a monorepo's package) holds for commands run there: from the
    top it took every record, the repository's own as well."""
    if directory is not None:
        folder = writable_inside(root, directory)
        return folder, _holds_records(root, folder)
    files = working_files(root)

    def read(path: str) -> bytes | None:
        return read_inside(root, path)

    found = find_adr_dirs(files, read)
    declared = _nearest_declared(root, files, read, start, warnings)
    if declared is not None:
        if found and declared not in found and warnings is not None:
            warnings.append(
                f"{declared or '.'} is declared (.adr-dir) but holds no record yet: once "
                f"this one is committed, scans read it instead of {found[0] or '.'}"
            )
        folder = writable_inside(root, declared or ".")
        return folder, _holds_records(root, folder)
    # Folders a package's own `.adr-dir` declares are that package's.
    theirs = set(declared_adr_dirs(files, read))
    found = [folder for folder in found if folder not in theirs] or found
    if found:
        return inside(root, found[0] or "."), True
    # `inside`: a committed `docs` may be a symbolic link leading out of the repository.
    return inside(root, DEFAULT_DIR), False


def _nearest_declared(
    root: Path,
    files: list[str],
    read: Callable[[str], bytes | None],
    start: Path | None,
    warnings: list[str] | None,
) -> str | None:
    """The folder the `.adr-dir` (or `.log4brains.yml`) nearest above `start` declares."""
    here = start.resolve() if start is not None else root.resolve()
    try:
        parts = here.relative_to(root.resolve()).parts
    except ValueError:
        parts = ()
    by_folder: dict[str, list[str]] = {}
    for path in files:
        by_folder.setdefault(path.rpartition("/")[0], []).append(path)
    for depth in range(len(parts), -1, -1):
        declared = declared_adr_dirs(by_folder.get("/".join(parts[:depth]), []), read, warnings)
        if declared:
            return declared[0]
    return None


def _holds_records(root: Path, folder: Path) -> bool:
    """Records it can read, or numbered ones it cannot (not UTF-8): either way not a new
    folder, which would get a first record and reuse number 1."""
    return bool(_records(root, folder)) or bool(_numbers_taken(folder))


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_people(deciders: str | Sequence[str]) -> str:
    """Decision-makers as a front matter value: one string, as MADR writes them, unless a
    name holds a comma ("Lovelace, Ada"), which scans split: then a list of names."""
    if isinstance(deciders, str):
        return _yaml(deciders)
    if any("," in name for name in deciders):
        return "[" + ", ".join(_yaml(name) for name in deciders) + "]"
    return _yaml(", ".join(deciders))


def _joined(deciders: str | Sequence[str]) -> str:
    return deciders if isinstance(deciders, str) else ", ".join(deciders)


def _status_text(style: AdrStyle, status: str) -> str:
    return status[:1].upper() + status[1:] if style.flavour == "nygard" else status.lower()


def render(
    style: AdrStyle,
    *,
    number: int | None,
    title: str,
    status: str,
    day: str,
    deciders: str | Sequence[str],
    consulted: list[str],
    context: str | None,
    relations: list[tuple[str, str]],
) -> str:
    """A record in the folder's flavour; relations are (label, markdown link)."""
    context_text = (context + "\n\n") if context else ""
    if style.flavour == "nygard":
        heading = f"# {number}. {title}" if number is not None else f"# {title}"
        lines = [heading, "", f"Date: {day}", "", "## Status", "", _status_text(style, status)]
        lines += [""] + [f"{label} {link}" for label, link in relations] if relations else []
        people = f"Decision-makers: {_joined(deciders)}."
        if consulted:
            people += f" Consulted: {', '.join(consulted)}."
        lines += [
            "",
            "## Context",
            "",
            context_text + people,
            "",
            "The issue motivating this decision, and any context that influences or constrains"
            " the decision.",
            "",
            "## Decision",
            "",
            "The change that we're proposing or have agreed to implement.",
            "",
            "## Consequences",
            "",
            "What becomes easier or more difficult to do and any risks introduced by the change"
            " that will need to be mitigated.",
        ]
        return "\n".join(lines) + "\n"
    if style.flavour == "madr2":
        b = style.bullet
        lines = [
            f"# {title}",
            "",
            f"{b} Status: {status.lower()}",
            f"{b} Deciders: {_joined(deciders)}",
        ]
        lines += [f"{b} Date: {day}", ""]
        if consulted:
            lines += [f"Consulted: {', '.join(consulted)}", ""]
    else:
        people_key = "deciders" if style.flavour == "madr3" else "decision-makers"
        plain = style.quoted_status is False and re.fullmatch(r"[A-Za-z][\w -]*", status)
        shown = status.lower() if plain else _yaml(status.lower())
        lines = [
            "---",
            f"status: {shown}",
            f"date: {day}",
            f"{people_key}: {_yaml_people(deciders)}",
        ]
        if consulted:
            lines.append(f"consulted: {_yaml(', '.join(consulted))}")
        lines += ["---", "", f"# {title}", ""]
    lines += [
        "## Context and Problem Statement",
        "",
        context_text + "{Describe the context and problem statement.}",
        "",
        "## Considered Options",
        "",
        f"{style.bullet} {{title of option 1}}",
        "",
        "## Decision Outcome",
        "",
        'Chosen option: "{title of option 1}", because {justification}.',
    ]
    if relations:
        section = "## Links" if style.flavour == "madr2" else "## More Information"
        lines += ["", section, ""] + [f"{style.bullet} {label} {link}" for label, link in relations]
    return "\n".join(lines) + "\n"


def _init_record(style: AdrStyle, number: int, day: str, deciders: str | Sequence[str]) -> str:
    """The folder's first record, adopting ADRs, by who writes the first real one (it said
    "unknown" beside a record naming them)."""
    text = render(
        style,
        number=number,
        title="Record architecture decisions",
        status="accepted",
        day=day,
        deciders=deciders,
        consulted=[],
        context="We need to record the architectural decisions made on this project.",
        relations=[],
    )
    decision = (
        "We will use Architecture Decision Records, as [described by Michael Nygard]"
        "(http://thinkrelevance.com/blog/2011/11/15/documenting-architecture-decisions)."
    )
    if style.flavour == "nygard":  # adr-tools' own first record, without the placeholders
        text = text.replace(
            "The change that we're proposing or have agreed to implement.", decision
        )
        text = text.replace(
            "\n\nThe issue motivating this decision, and any context that influences or "
            "constrains the decision.",
            "",
        )
        text = text.replace(
            "What becomes easier or more difficult to do and any risks introduced by the change"
            " that will need to be mitigated.",
            "See Michael Nygard's article, linked above.",
        )
    else:
        outcome = '"ADRs", because w' + decision[1:]
        text = text.replace('"{title of option 1}", because {justification}.', outcome)
        text = text.replace("{Describe the context and problem statement.}\n\n", "")
        text = text.replace(f"{style.bullet} {{title of option 1}}", f"{style.bullet} ADRs")
    if style.flavour == "nygard":  # adr-tools' own names nobody
        text = re.sub(r"Decision-makers: [^\n]*\n\n", "", text, count=1)
    return text


@dataclass(frozen=True)
class _Template:
    """A template's text and the name it goes by in messages."""

    text: str
    name: str


def _template(root: Path, folder: Path) -> _Template | None:
    """$ADR_TEMPLATE (the user's own, read wherever it is), else a template in the folder
    (the repository's, read only inside it)."""
    chosen = os.environ.get("ADR_TEMPLATE", "")
    if chosen and Path(chosen).is_file():
        try:
            return _Template(Path(chosen).read_text(encoding="utf-8"), "$ADR_TEMPLATE")
        except (OSError, UnicodeDecodeError):
            pass
    for name in _TEMPLATES:
        data = read_inside(root, folder / name)
        try:
            text = data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:
            continue
        if text is not None:
            return _Template(text, name)
    return None


@dataclass(frozen=True)
class _Values:
    """What a template is filled with."""

    number: int | None
    title: str
    day: str
    status: str
    deciders: str | Sequence[str]


_HTML_COMMENT = re.compile(r"<!--.*?-->")
"""As templates mark optional parts: `## Links <!-- optional -->`."""
_PLACEHOLDERS = re.compile(r"\b(NUMBER|TITLE|DATE|STATUS)\b")
_FRONT_KEY = re.compile(r"^([A-Za-z_-]+)\s*:\s*(.*?)\s*$")
_BULLET_KEY = re.compile(r"^([*-]\s+)(Status|Date|Deciders|Decision-makers)\s*:.*$", re.IGNORECASE)


def _from_template(
    template: _Template, values: _Values, name: str, relations: list[tuple[str, str]]
) -> str | None:
    """The template filled in, relations in their place; None when the scan would not read
    the result back with this title and status (a template of an unknown shape).

    adr-tools templates hold NUMBER, TITLE, DATE and STATUS. MADR and log4brains templates
    (`adr-template.md`, `template.md`) hold prose placeholders instead: their H1, their
    status, date and decision-makers (front matter or bullets) are set, and front matter
    keys still holding a `{placeholder}` are dropped (YAML reads one as a mapping).
    """
    text = template.text.replace("\r\n", "\n")
    if _PLACEHOLDERS.search(text):
        shown = {"NUMBER": "" if values.number is None else str(values.number)}
        shown |= {"TITLE": values.title, "DATE": values.day, "STATUS": values.status}
        text = _PLACEHOLDERS.sub(lambda m: shown[m[1]], text)
    else:
        text = _fill_madr(text, values)
    flavour = _flavour(text) or "madr4"
    bullet = _BULLET_STATUS.search(text)
    style = AdrStyle(flavour=flavour, bullet=bullet[1] if bullet else "*")
    for label, link in relations:
        text = add_link(
            Record(Path(name), name, values.number, values.title, text), text, style, label, link
        )
    parsed = parse_adr(text, name, "")
    status = normalise_status(parsed.status) if parsed.status else None
    if parsed.title != values.title or status != normalise_status(values.status):
        return None
    return text


def _fill_madr(text: str, values: _Values) -> str:
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            front = []
            for line in lines[1:end]:
                match = _FRONT_KEY.match(line)
                key = match[1].lower() if match else ""
                if key == "status":
                    line = f"status: {_yaml(values.status.lower())}"
                elif key == "date":
                    line = f"date: {values.day}"
                elif key in ("decision-makers", "deciders"):
                    line = f"{match[1]}: {_yaml_people(values.deciders)}"  # type: ignore[index]
                elif match and match[2].startswith("{"):
                    continue
                front.append(line)
            lines[1:end] = front
            start = len(front) + 2
    for index in range(start, len(lines)):
        line = lines[index]
        if line.startswith("# "):
            lines[index] = f"# {values.title}"
            break
    done: set[str] = set()
    for index in range(start, len(lines)):
        match = _BULLET_KEY.match(lines[index])
        if match and match[2].lower() not in done:
            key = match[2].lower()
            done.add(key)
            shown = {"status": values.status.lower(), "date": values.day}
            value = shown.get(key, _joined(values.deciders))
            lines[index] = f"{match[1]}{match[2]}: {value}"
    return "\n".join(lines)


def _resolve(records: list[Record], wanted: str) -> Record:
    for record in records:
        stem = record.name.rpartition(".")[0]
        digits = wanted.upper().removeprefix("ADR-").lstrip("0") or "0"
        if record.number is not None and digits.isdigit() and int(digits) == record.number:
            return record
        if wanted in (stem, record.name):
            return record
    raise UsageError(f"{wanted}: no such decision record in the ADR folder (or not UTF-8 text)")


def _distinct(records: list[Record], wanted: list[str]) -> list[Record]:
    """The records named, in order, each once however it is named (4, 0004, ADR-4, its
    file name): named twice, a record got two identical lines."""
    found: dict[Path, Record] = {}
    for name in wanted:
        record = _resolve(records, name)
        found.setdefault(record.path, record)
    return list(found.values())


def _refuse_superseded(records: list[Record], old: Record) -> None:
    """A record is superseded once: marking it again would leave its first successor
    claiming to replace a record that now names another (conventions §1.3)."""
    if old.superseded_by is None:
        return
    names = []
    for target in old.superseded_by:
        try:
            names.append(_resolve(records, target.rpartition("/")[2]).label())
        except UsageError:  # a successor outside the folder, or not a record
            names.append(target)
    by = f" by {', '.join(dict.fromkeys(names))}" if names else ""
    raise RefusedError(
        f"{old.name}: already superseded{by}; not superseding it again",
        hint=f"supersede {names[0]} instead" if names else None,
    )


def _link(style: AdrStyle, record_number: int | None, title: str, name: str) -> str:
    if style.flavour == "nygard":
        prefix = f"{record_number}. " if record_number is not None else ""
        return f"[{prefix}{title}]({name})"
    if record_number is None:
        return f"[{name.rpartition('.')[0]}]({name})"
    return f"[ADR-{record_number:04d}]({name})"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _ending(lines: list[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def _status_section(lines: list[str]) -> tuple[int, int] | None:
    """(first line after the `## Status` heading, end of the block) in a Nygard record."""
    for index, line in enumerate(lines):
        if re.match(r"^##\s+Status\s*$", line.rstrip("\r\n")):
            end = index + 1
            while end < len(lines) and not lines[end].startswith("#"):
                end += 1
            return index + 1, end
    return None


def _is_link_line(line: str) -> bool:
    return re.match(r"^(.+) \[.*\]\(.*\)\s*$", line) is not None


def mark_superseded(
    record: Record, source: str, style: AdrStyle, label_link: str, new_label: str, new_file: str
) -> str:
    """The old record's text with its status set to superseded, in its own format."""
    lines = _lines(source)
    eol = _ending(lines)
    word = style.superseded_word
    old_flavour = _flavour(record.text)
    if old_flavour is None:  # a plain `Status: Accepted` line, or no status at all
        for index, line in enumerate(lines):
            match = re.match(r"^(\s*Status\s*:\s*)\S", line, re.IGNORECASE)
            if match:
                lines[index] = f"{match[1]}{word} by {label_link}{eol}"
                return "".join(lines)
        raise UsageError(f"{record.name}: no status to mark superseded")
    if old_flavour == "nygard":
        block = _status_section(lines)
        if block is None:
            raise UsageError(f"{record.name}: no status to mark superseded")
        start, end = block
        new_line = f"{word} by {label_link}{eol}"
        for index in range(start, end):
            stripped = lines[index].strip()
            if stripped and not _is_link_line(stripped):
                lines[index] = new_line
                break
        else:
            lines.insert(start, eol)
            lines.insert(start + 1, new_line)
    elif old_flavour == "madr2":
        for index, line in enumerate(lines):
            match = re.match(r"^([*-]\s+Status:\s*)", line, re.IGNORECASE)
            if match:
                link = f"[{new_label}]({new_file})"
                lines[index] = f"{match[1]}superseded by {link}{eol}"
                break
    else:
        value = f"superseded by {new_label}"
        if old_flavour == "madr3":
            value = f"superseded by [{new_label}]({new_file})"
        closing = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") == "---"), None)
        if closing is None:
            raise UsageError(f"{record.name}: front matter is not closed")
        for index in range(1, closing):
            match = re.match(r"^status\s*:\s*(.*?)\s*$", lines[index].rstrip("\r\n"))
            if match:
                quoted = match[1].startswith(('"', "'")) or old_flavour == "madr4"
                shown = _yaml(value) if quoted else value
                lines[index] = f"status: {shown}{eol}"
                break
        else:
            lines.insert(1, f"status: {_yaml(value)}{eol}")
    return "".join(lines)


def add_link(record: Record, source: str, style: AdrStyle, label: str, link: str) -> str:
    """The old record's text with one relation line added (Status block or links section)."""
    flavour = _flavour(record.text) or style.flavour
    lines = _lines(source)
    eol = _ending(lines)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += eol
    if flavour == "nygard" and (block := _status_section(lines)) is not None:
        _, end = block
        while end > 0 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = [eol, f"{label} {link}{eol}"]
        return "".join(lines)
    bullet = style.bullet if flavour == "madr2" else "*"
    heading = "## Links" if flavour == "madr2" else "## More Information"
    for index, line in enumerate(lines):
        if _HTML_COMMENT.sub("", line).strip().lower() == heading.lower():
            end = index + 1
            while end < len(lines) and not lines[end].startswith("#"):
                end += 1
            while end > index + 1 and not lines[end - 1].strip():
                end -= 1
            lines[end:end] = [f"{bullet} {label} {link}{eol}"]
            return "".join(lines)
    lines += [eol, f"{heading}{eol}", eol, f"{bullet} {label} {link}{eol}"]
    return "".join(lines)


def plan_adr(
    root: Path,
    title: str,
    *,
    directory: str | None = None,
    template: str | None = None,
    status: str = "proposed",
    deciders: str | Sequence[str] = "unknown",
    facts: ComponentFacts | None = None,
    supersedes: list[str] | None = None,
    links: list[str] | None = None,
    attempt: int = 0,
    minimum: int = 0,
    start: Path | None = None,
) -> NewAdr:
    """Everything `adr new` would write: the next free number, at least `minimum` (retries
    after a lost race pass the number they lost); `attempt` numbers dated names' suffixes;
    `start`: the folder the command runs in (which `.adr-dir` holds)."""
    title = valid_text(" ".join(title.split()))  # bytes that are not UTF-8 as `\\xNN`
    if not title:
        raise UsageError("the title is empty")
    if not title.isprintable():  # an escape sequence would land in the file as it is
        raise UsageError("the title must be printable text (it holds a control character)")
    status = " ".join(status.split())  # one line: a line break would add front matter keys
    if not status or not status.isprintable():
        raise UsageError("the status must be printable text on one line")
    warnings: list[str] = []
    folder, has_records = find_folder(root, directory, warnings, start)
    records = _records(root, folder)
    style = detect_style(records, template or "madr4")
    if template is not None and records and style.flavour != template:
        warnings.append(
            f"--template {_FLAVOUR_NAMES[template]} is for an empty folder: the new record "
            f"follows {_FLAVOUR_NAMES[style.flavour]}, as the folder's latest does"
        )
    day = today()
    creates: list[tuple[Path, str]] = []
    numbers = [r.number for r in records if r.number is not None] + _numbers_taken(folder)
    if not has_records:
        numbers = [1]
        creates.append(
            (
                folder / "0001-record-architecture-decisions.md",
                _init_record(style, 1, day, deciders),
            )
        )
        style.width = 4
    number: int | None = max(max(numbers, default=0) + 1, minimum)
    slug = slugify(title, style.keep_case)
    if style.dated:
        number = None
        suffix = f"-{attempt + 1}" if attempt else ""
        name = f"{day.replace('-', '')}-{slug}{suffix}.md"
    else:
        name = f"{number:0{style.width}d}-{slug}.md"
    own_label = name.rpartition(".")[0] if number is None else f"ADR-{number:04d}"
    own_link = _link(style, number, title, name)
    relations: list[tuple[str, str]] = []
    edited: dict[Path, str] = {}
    superseded = _distinct(records, supersedes or [])
    for old in superseded:
        _refuse_superseded(records, old)
        word = "Supercedes" if style.superseded_word == "Superceded" else "Supersedes"
        relations.append((word, _link(style, old.number, old.title, old.name)))
        source = edited.get(old.path) or old.path.read_bytes().decode("utf-8")
        edited[old.path] = mark_superseded(old, source, style, own_link, own_label, name)
    for old in _distinct(records, links or []):
        if any(old.path == replaced.path for replaced in superseded):
            continue  # "Supersedes" says it already
        relations.append(("Links to", _link(style, old.number, old.title, old.name)))
        source = edited.get(old.path) or old.path.read_bytes().decode("utf-8")
        edited[old.path] = add_link(old, source, style, "Linked by", own_link)
    changes = [(path, text.encode("utf-8")) for path, text in edited.items()]
    context = None
    consulted: list[str] = []
    if facts is not None:
        # The experts still here, not everyone who ever wrote a line of it.
        consulted = [name for name in facts.authors if name not in facts.inactive][:CONSULTED]
        authors = named(facts.authors, CONSULTED) or "nobody"
        context = (
            f"Component `{valid_text(facts.name)}` has bus factor {facts.bus_factor} "
            f"(authors: {authors})."
        )
    custom = _template(root, folder)
    filled = None
    if custom is not None:
        values = _Values(number, title, day, status, deciders)
        filled = _from_template(custom, values, name, relations)
        if filled is None:
            warnings.append(
                f"the folder's template ({custom.name}) does not read back as this record "
                "(its title or status would be lost): written without it"
            )
    if filled is not None:
        text = filled
    else:
        text = render(
            style,
            number=number,
            title=title,
            status=status,
            day=day,
            deciders=deciders,
            consulted=consulted,
            context=context,
            relations=relations,
        )
    return NewAdr(folder, folder / name, number, title, text, creates, changes, warnings)


def write_adr(
    make: Callable[[int, int], NewAdr], *, dry_run: bool = False, lock: Path | None = None
) -> NewAdr:
    """Plan and write, retrying past numbers taken meanwhile; `make(attempt, minimum)` plans.

    `lock` (the repository's folder) is held exclusively from planning to the last write,
    so that two `adr new` at once neither take one number nor lose each other's "Superseded
    by" lines. Records updated are written after the new one; when one cannot be, the new
    record and the updates already made are undone.
    """
    with _locked(None if dry_run else lock):
        minimum = 0
        for attempt in range(_MAX_ATTEMPTS):
            plan: NewAdr = make(attempt, minimum)
            if dry_run:
                return plan
            if plan.folder.exists() and not plan.folder.is_dir():
                raise UsageError(f"{plan.folder}: not a directory")
            for path, _ in plan.changes:
                _written_through(path, plan.folder)  # refused before anything is written
            for path, text in plan.creates:
                with contextlib.suppress(FileExistsError):  # initialised concurrently
                    create_exclusive(path, text)
            try:
                create_exclusive(plan.path, plan.text)
            except FileExistsError:
                minimum = (plan.number or 0) + 1
                continue
            if plan.number is not None and _number_taken(plan):
                plan.path.unlink()  # written meanwhile by something that took no lock
                minimum = plan.number + 1
                continue
            _update(plan)
            return plan
    raise UsageError(f"no free record number after {_MAX_ATTEMPTS} attempts")


def _number_taken(plan: NewAdr) -> bool:
    """Another file of the folder has the new record's number."""
    return any(
        (match := _NUMBER.match(other.name)) is not None
        and int(match[1]) == plan.number
        and other.name != plan.path.name
        and other.suffix.lower() in (".md", ".markdown")
        for other in plan.folder.iterdir()
    )


def _update(plan: NewAdr) -> None:
    """The superseded and linked records, all or none (the new record goes too on failure)."""
    done: list[tuple[Path, bytes]] = []
    path = plan.path
    try:
        for link, data in plan.changes:
            path = _written_through(link, plan.folder)
            original = path.read_bytes()
            replace_atomic(path, data)
            done.append((path, original))
    except OSError as error:
        for updated, original in reversed(done):
            with contextlib.suppress(OSError):
                replace_atomic(updated, original)
        with contextlib.suppress(OSError):
            plan.path.unlink()
        raise UsageError(
            f"{path}: cannot update ({error.strerror or error}); nothing was written"
        ) from None


def _written_through(path: Path, folder: Path) -> Path:
    """The file to rewrite for a record: itself, or the record a symbolic link in the folder
    points to (replacing the link would turn it into a copy)."""
    if not path.is_symlink():
        return path
    target = path.resolve()
    if target.parent != folder.resolve():
        raise UsageError(f"{path.name}: a link to a file outside the ADR folder, not updated")
    return target


@contextlib.contextmanager
def _locked(folder: Path | None) -> Iterator[None]:
    """An exclusive lock on `folder` among busfactor processes (flock on the folder itself,
    so no lock file is left in the repository); none where the platform has no flock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None  # type: ignore[assignment]
    if folder is None or fcntl is None:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
