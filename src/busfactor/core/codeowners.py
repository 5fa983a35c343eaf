"""CODEOWNERS: where it lives, what it declares, and how that drifts from who wrote the code.

GitHub and Bitbucket: the last matching line decides. GitLab: every section applies (the union
of each section's last match), rules inherit the default owners written after their section
header, and a matching `!path` takes a file out of its section. Patterns follow GitHub's
documented, gitignore-like semantics (`match_pattern`). Pure functions over plain data: callers
pass the repository's paths, the file's text and the analysed authorship (conventions.md §3-§4).
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from busfactor.core.components import ROOT_COMPONENT
from busfactor.core.filters import GLOBSTAR, STAR, glob_regex, literal_glob
from busfactor.core.identity import email_key, name_key
from busfactor.core.text_safety import printable

CODEOWNERS_LOCATIONS: dict[str, tuple[str, ...]] = {
    "github": (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"),
    "gitlab": ("CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"),
    "bitbucket": (".bitbucket/CODEOWNERS",),
}
SEARCH_ORDER = tuple(dict.fromkeys(p for paths in CODEOWNERS_LOCATIONS.values() for p in paths))
""".github/, root, docs/, .gitlab/, .bitbucket/: the first one present is the one read."""

_SECTION = re.compile(
    r"\^?\[(?P<name>[^\]]*)\](?:\[(?P<approvals>[^\]]*)\])?(?=\s|\Z)(?P<owners>.*)", re.DOTALL
)
_TOKEN = re.compile(r"(?:\\[\s\S]?|[^\s\\])+")
_QUOTED_TOKEN = re.compile(r'(?:"[^"]*"|\\[\s\S]?|[^\s\\])+')  # Bitbucket quotes names, globs
_OWNER = re.compile(
    r'@@?(?:"[^"]+"|[\w.-]+(?:/[\w.-]+)*)(?::\w+\(\d*\))?|[\w.+-]+@[\w-]+(?:\.[\w-]+)+'
)
_SELECTOR = re.compile(r":\w+\(\d*\)\Z")  # Bitbucket Cloud's `:random(2)`, `:least_busy(1)`
_BITBUCKET_DIRECTIVE = re.compile(r"@@@|(?:Overall)?Check\(|CODEOWNERS\.")
_ESCAPED = re.compile(r"\\([\s\S])")
_UNESCAPED_BRACKET = re.compile(r"(?<!\\)[\[\]]")
_GLOB_TOKEN = re.compile(
    r"(?P<globstar>(?:^|(?<=/))\*\*+(?:/|\Z))|(?P<star>\*+)|(?P<any>\?)"
    r"|(?P<class>\[[!^]?\]?[^\]]*\])|\\(?P<escape>[\s\S])|(?P<literal>[\s\S])"
)
_GLOB_SPECIAL = re.compile(r"([\\\s*?\[\]])")
_NO_HANDLES: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class OwnerRule:
    """One pattern line of a CODEOWNERS file."""

    line: int  # 1-based
    pattern: str  # as written, "\\ " unescaped; GitLab and Bitbucket exclusions keep their "!"
    owners: tuple[str, ...]  # "@user", "@org/team", "@@role", "a@example.com"; () = unowned
    section: str | None  # GitLab section name
    optional: bool  # GitLab ^[Section]


@dataclass(frozen=True, slots=True)
class CodeOwners:
    """A parsed CODEOWNERS file."""

    path: str
    flavour: str
    rules: tuple[OwnerRule, ...]
    errors: tuple[tuple[int, str], ...]  # (line, message): rejected or misleading lines
    index: _RuleIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", _RuleIndex(self.rules))


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """What drift checks need to know about one person of the analysis."""

    id: str
    name: str
    email: str
    aliases: tuple[str, ...]
    active: bool
    commits: int


@dataclass(frozen=True, slots=True)
class DriftFinding:
    """A disagreement between CODEOWNERS and the history, pointing at a CODEOWNERS line."""

    rule: str
    severity: str
    message: str
    path: str
    line: int
    component: str | None = None
    person: str | None = None
    owner: str | None = None
    pattern: str | None = None


class _RuleIndex:
    """Which rules match a path, without matching every rule's regex on every path.

    Enterprise CODEOWNERS files run to thousands of lines, most of them plain paths: 5,000
    lines on 10,000 files took minutes, every regex compiled again and matched on every file.
    Patterns of the common shapes (`/src/app/`, `docs`, `/a/b.py`, `*.go`, `/src/**`,
    `/src/*`) are looked up by the path's directories and names; the others are matched as
    before. The answers are `match_pattern`'s.
    """

    def __init__(self, rules: Sequence[OwnerRule]) -> None:
        # (rule, whether the path's own name may match); "below" rules match directories only
        self.anchored: dict[str, list[tuple[int, bool]]] = {}  # a path from the root
        self.anywhere: dict[str, list[tuple[int, bool]]] = {}  # a name at any depth
        self.suffix: dict[str, list[tuple[int, bool]]] = {}  # `*` + text at any depth
        self.suffix_lengths: set[int] = set()
        self.children: dict[str, list[int]] = {}  # `dir/*`: the files directly in dir
        self.others: list[tuple[int, str]] = []  # (rule, pattern) of any other shape
        for position, rule in enumerate(rules):
            self._add(position, rule.pattern.removeprefix("!"))

    def _add(self, position: int, pattern: str) -> None:
        """File the rule under its shape, as `_regex` reads the pattern."""
        directory_only = pattern.endswith("/")
        glob = pattern[:-1] if directory_only else pattern
        if not glob.strip("/"):
            return  # matches nothing
        files_too = not directory_only
        if "/" not in glob:
            if literal_glob(glob):
                self.anywhere.setdefault(glob, []).append((position, files_too))
                return
            if glob[0] == "*" and literal_glob(glob[1:]):
                self.suffix.setdefault(glob[1:], []).append((position, files_too))
                self.suffix_lengths.add(len(glob) - 1)
                return
        else:
            rooted = glob.removeprefix("/")
            if literal_glob(rooted):
                self.anchored.setdefault(rooted, []).append((position, files_too))
                return
            if files_too and rooted.endswith("/**") and literal_glob(rooted[:-3]):
                self.anchored.setdefault(rooted[:-3], []).append((position, False))
                return
            if files_too and rooted.endswith("/*") and literal_glob(rooted[:-2]):
                self.children.setdefault(rooted[:-2], []).append(position)
                return
        self.others.append((position, pattern))

    def matching(self, path: str) -> list[int]:
        """Every rule matching `path`, in file order."""
        found = self._shaped(path)
        found.extend(position for position, pattern in self.others if match_pattern(pattern, path))
        return sorted(set(found))

    def last(self, path: str) -> int:
        """The last rule matching `path`, or -1."""
        best = max(self._shaped(path), default=-1)
        for position, pattern in reversed(self.others):
            if position <= best:
                break
            if match_pattern(pattern, path):
                return position
        return best

    def _shaped(self, path: str) -> list[int]:
        """The rules filed by shape that match `path` (a file, or below a directory)."""
        path = path.lstrip("/")
        names = path.split("/")
        found: list[int] = []
        end = -1
        for depth, name in enumerate(names):
            end += len(name) + 1
            directory = depth < len(names) - 1  # every name but the file's own
            found += (
                p for p, files_too in self.anchored.get(path[:end], ()) if directory or files_too
            )
            found += (p for p, files_too in self.anywhere.get(name, ()) if directory or files_too)
            for length in self.suffix_lengths:
                if length <= len(name):
                    hits = self.suffix.get(name[len(name) - length :], ())
                    found += (p for p, files_too in hits if directory or files_too)
        if len(names) > 1:
            found += self.children.get(path[: len(path) - len(names[-1]) - 1], ())
        return found


def find_codeowners(paths: Collection[str]) -> tuple[str, str] | None:
    """The CODEOWNERS file a platform would read and its flavour as its place tells it."""
    found = next((path for path in SEARCH_ORDER if path in paths), None)
    return None if found is None else (found, detect_flavour(found, ""))


def detect_flavour(path: str, text: str) -> str:
    """bitbucket for .bitbucket/, gitlab for .gitlab/ or a `[Section]` header, else github."""
    if path.startswith(".bitbucket/"):
        return "bitbucket"
    headers = (_SECTION.match(line.strip()) for line in text.split("\n"))
    sections = any(header and header["name"].strip() for header in headers)
    return "gitlab" if path.startswith(".gitlab/") or sections else "github"


def parse_codeowners(text: str, *, path: str, flavour: str) -> CodeOwners:
    """Rules and syntax errors of one file; "github" becomes "gitlab" when it has sections."""
    if flavour not in CODEOWNERS_LOCATIONS:
        raise ValueError(f"unknown CODEOWNERS flavour {flavour!r}")
    if flavour == "github" and detect_flavour("", text) == "gitlab":
        flavour = "gitlab"
    parser = _Parser(flavour)
    for number, line in enumerate(text.split("\n"), 1):
        parser.read(number, line.rstrip("\r"))
    return CodeOwners(path, flavour, tuple(parser.rules), tuple(parser.errors))


class _Parser:
    """Line-by-line state: the current GitLab section, its flags and default owners."""

    def __init__(self, flavour: str) -> None:
        self.flavour = flavour
        self.rules: list[OwnerRule] = []
        self.errors: list[tuple[int, str]] = []
        self.section: str | None = None
        self.optional = False
        self.defaults: tuple[str, ...] = ()

    def read(self, number: int, line: str) -> None:
        line = line.lstrip()
        if not line.strip() or line.startswith("#"):
            return
        if self.flavour == "gitlab" and _SECTION.match(line):
            self.header(number, line)
        elif self.flavour != "bitbucket" or not _BITBUCKET_DIRECTIVE.match(line):
            self.rule(number, line)

    def header(self, number: int, line: str) -> None:
        header = _SECTION.match(line)
        assert header is not None
        name, approvals = header["name"].strip(), header["approvals"]
        if not name:
            self.errors.append((number, "missing section name"))
            return
        if approvals is not None and not approvals.strip().isdigit():
            self.errors.append((number, f"approval count {approvals!r} is not a number"))
        self.section, self.optional = name, line.startswith("^")
        self.defaults = self.owners(number, header["owners"].split())

    def owners(self, number: int, words: Sequence[str]) -> tuple[str, ...]:
        """The owner words; the others become one error."""
        valid = [word for word in words if _is_owner(word, self.flavour)]
        bad = [word for word in words if not _is_owner(word, self.flavour)]
        if bad:
            hint = ""
            if self.flavour == "gitlab" and any(word.startswith("#") for word in bad):
                hint = " (GitLab has no inline comments: owners after '#' still count)"
            self.errors.append((number, f"not an owner: {' '.join(bad)}{hint}"))
        return tuple(dict.fromkeys(valid))

    def rule(self, number: int, line: str) -> None:
        tokens = (_QUOTED_TOKEN if self.flavour == "bitbucket" else _TOKEN).findall(line)
        if self.flavour != "gitlab":  # GitHub and Bitbucket end a line at an inline comment
            cut = next((i for i, word in enumerate(tokens) if word.startswith("#")), len(tokens))
            tokens = tokens[:cut]
        pattern = _ESCAPED.sub(lambda m: m[1] if m[1].isspace() else m[0], tokens[0])
        if self.flavour == "bitbucket" and len(pattern) > 1 and pattern[0] == pattern[-1] == '"':
            pattern = pattern[1:-1]
        if self.flavour == "github":
            bad = [word for word in tokens[1:] if not _is_owner(word, "github")]
            problem = _github_problem(pattern) or (
                f"not an owner: {' '.join(bad)}" if bad else None
            )
            if problem:
                self.errors.append((number, problem))
                return  # GitHub skips an invalid line
        owners = self.owners(number, tokens[1:])
        if pattern.startswith("!"):
            if owners:
                self.errors.append((number, "an exclusion takes no owners"))
            owners = ()
        elif not owners and self.flavour == "gitlab":
            owners = self.defaults
            if not owners:
                self.errors.append((number, "no owners, and the section has no default owners"))
        self.rules.append(OwnerRule(number, pattern, owners, self.section, self.optional))


def _github_problem(pattern: str) -> str | None:
    """Why GitHub would reject a pattern (gitignore syntax it does not support)."""
    if pattern.startswith("!"):
        return "GitHub does not support negation ('!')"
    if pattern.startswith("\\#"):
        return "GitHub does not support escaping '#'"
    if _UNESCAPED_BRACKET.search(pattern):
        return "GitHub does not support character ranges ('[ ]')"
    return None


def _is_owner(word: str, flavour: str) -> bool:
    if not _OWNER.fullmatch(word):
        return False
    return flavour != "github" or not (word.startswith("@@") or '"' in word or ":" in word)


def match_pattern(pattern: str, path: str) -> bool:
    """Whether a CODEOWNERS pattern covers a file path, as GitHub documents the semantics.

    gitignore-like: a pattern matches the path or a directory above it; without a slash (a
    trailing one aside) it matches at any depth, otherwise from the root; a trailing "/" matches
    only directories, and a trailing lone "*" only the files directly in its directory.
    Case-sensitive; "*", "?", "**", "[...]" and "\\" escapes as `filters.wildmatch` reads them.
    """
    regex = _regex(pattern)
    return regex is not None and regex.fullmatch(path.lstrip("/")) is not None


@lru_cache(maxsize=4096)
def _regex(pattern: str) -> re.Pattern[str] | None:
    """The pattern as one regex over whole paths; None when it can match nothing."""
    directory_only = pattern.endswith("/")
    glob = pattern[:-1] if directory_only else pattern
    if not glob.strip("/"):
        return None
    lead = [] if "/" in glob else [GLOBSTAR]  # without a slash: at any depth
    if directory_only:
        tail = "/.*"
    elif "/" in glob and glob.rpartition("/")[2] == "*":
        tail = ""  # "docs/*": direct children only
    else:
        tail = "(?:/.*)?"  # a file, or a directory and everything below it
    body = lead
    for token in _GLOB_TOKEN.finditer(glob.removeprefix("/")):
        kind, text = token.lastgroup, token.group()
        if kind == "globstar":
            body.append(GLOBSTAR if text.endswith("/") else ".*")
        elif kind == "class":
            negated = text[1] in "!^"
            members = re.escape(text[2 if negated else 1 : -1]).replace("\\-", "-")
            body.append(f"[^/{members}]" if negated else f"(?!/)[{members}]")
        else:
            body.append({"star": STAR, "any": "[^/]"}.get(kind or "", re.escape(text[-1])))
    joined = glob_regex(body)  # backtracks within bounds (a hostile line hung the scan)
    if joined is None:
        return None
    try:
        return re.compile(joined + tail, re.DOTALL)
    except re.error:  # a reversed range such as "[z-a]"
        return None


def owners_of(codeowners: CodeOwners, path: str) -> tuple[OwnerRule | None, tuple[str, ...]]:
    """The rule that decides `path` (GitLab: the last matching one) and the owners it gets."""
    if codeowners.flavour != "gitlab":
        position = codeowners.index.last(path)
        if position < 0:
            return None, ()
        rule = codeowners.rules[position]
        return rule, rule.owners
    last: OwnerRule | None = None
    decided: dict[str | None, OwnerRule] = {}
    excluded: set[str | None] = set()
    for position in codeowners.index.matching(path):
        rule = last = codeowners.rules[position]
        key = None if rule.section is None else rule.section.casefold()
        if rule.pattern.startswith("!"):
            excluded.add(key)  # final within the section, wherever it stands
        else:
            decided[key] = rule
    owners = (o for key, rule in decided.items() if key not in excluded for o in rule.owners)
    return last, tuple(dict.fromkeys(owners))


class _Resolver:
    """Owners to person ids through the `[owners]` table, emails and GitHub noreply logins."""

    def __init__(
        self, aliases: Mapping[str, Sequence[str]], people: Mapping[str, PersonInfo]
    ) -> None:
        self.table = {
            _owner_key(key): [value] if isinstance(value, str) else list(value)
            for key, value in aliases.items()
        }
        self.by_email: dict[str, set[str]] = {}
        self.by_login: dict[str, set[str]] = {}
        for person_id, info in people.items():
            for value in (person_id, info.email, *info.aliases):
                if "@" in value:
                    self.by_email.setdefault(email_key(value), set()).add(person_id)
                    local = value.split("@", 1)[0].lower()
                    self.by_login.setdefault(local, set()).add(person_id)
                else:
                    squashed = "".join(name_key(value).split())
                    self.by_login.setdefault(squashed, set()).add(person_id)
            squashed = "".join(name_key(info.name).split())
            self.by_login.setdefault(squashed, set()).add(person_id)
        self.cache: dict[str, list[str]] = {}

    def __call__(self, owner: str) -> list[str]:
        if owner not in self.cache:
            self.cache[owner] = sorted(self.resolve(owner, frozenset()))
        return self.cache[owner]

    def resolve(self, owner: str, seen: frozenset[str]) -> set[str]:
        key = _owner_key(_SELECTOR.sub("", owner.strip()))
        found: set[str] = set()
        if key in self.table and key not in seen:
            for value in self.table[key]:
                found |= self.resolve(value, seen | {key})
        if not key.startswith("@"):
            found |= self.by_email.get(email_key(key), set())
        elif "/" not in key and not key.startswith("@@"):
            found |= self.by_email.get("github:" + key[1:], set())
            if not found:
                # A guess, taken only when unambiguous: the login is someone's email user
                # name or their name without spaces ("@oscarbenjamin" -> "Oscar Benjamin").
                guesses = self.by_login.get(key[1:], set())
                if len(guesses) == 1:
                    found |= guesses
        return found


def _owner_key(owner: str) -> str:
    """Lower-cased; a bare handle gets its "@" (config keys may be written without it)."""
    key = owner.strip().lower()
    return key if "@" in key else "@" + key


def resolve_owner(
    owner: str, aliases: Mapping[str, Sequence[str]], people: Mapping[str, PersonInfo]
) -> list[str]:
    """The person ids an owner stands for (sorted); [] when it maps to nobody known."""
    return _Resolver(aliases, people)(owner)


def drift_findings(
    codeowners: CodeOwners,
    *,
    files: Mapping[str, Sequence[str]],
    components: Mapping[str, tuple[Sequence[str], int]],
    people: Mapping[str, PersonInfo],
    aliases: Mapping[str, Sequence[str]],
    runbook_bus_factor: int = 1,
) -> list[DriftFinding]:
    """Inactive or unknown owners, owners who wrote none of their files, uncovered components."""
    resolve = _Resolver(aliases, people)
    at_risk = {name: paths for name, (paths, bf) in components.items() if bf <= runbook_bus_factor}
    every = {*files, *(path for paths in at_risk.values() for path in paths)}
    decided = {path: owners_of(codeowners, path) for path in every}
    findings = _inactive(codeowners, people, resolve)
    findings += _mismatches(codeowners, decided, files, people, resolve)
    for name, paths in at_risk.items():
        bus_factor = components[name][1]
        if paths and not any(decided[path][1] for path in paths):
            message = f"{name}: bus factor {bus_factor}, and no CODEOWNERS rule gives it an owner"
            severity = "error" if bus_factor <= 1 else "warning"
            where = (codeowners.path, 1, name)
            findings.append(DriftFinding("codeowners-uncovered", severity, message, *where))
    return findings


def _inactive(
    codeowners: CodeOwners, people: Mapping[str, PersonInfo], resolve: _Resolver
) -> list[DriftFinding]:
    """One finding per (line, owner) whose people are all inactive or never committed."""
    findings: list[DriftFinding] = []
    for rule in codeowners.rules:
        for owner in rule.owners:
            ids = resolve(owner)
            if not ids and owner.startswith("@@") and codeowners.flavour == "gitlab":
                continue  # a GitLab role names a permission level, not people
            known = [people[i] for i in ids]
            if any(info.active for info in known):
                continue
            if not any(info.commits for info in known):
                hint = "" if ids else " (map it to emails in [owners])"
                message = f"{owner} owns {rule.pattern} but never committed here{hint}"
            else:
                names = ", ".join(_name(info.id, people) for info in known if info.commits)
                message = f"{owner} owns {rule.pattern} but is inactive ({names})"
            person = next((info.id for info in known if info.commits), ids[0] if ids else None)
            where = (codeowners.path, rule.line, None, person, owner, rule.pattern)
            findings.append(DriftFinding("codeowners-inactive", "warning", message, *where))
    return findings


def _mismatches(
    codeowners: CodeOwners,
    decided: Mapping[str, tuple[OwnerRule | None, tuple[str, ...]]],
    files: Mapping[str, Sequence[str]],
    people: Mapping[str, PersonInfo],
    resolve: _Resolver,
) -> list[DriftFinding]:
    """One finding per rule whose owners author none of the files it decides, others do."""
    by_line: dict[int, tuple[OwnerRule, list[str], dict[str, None]]] = {}
    for path in files:
        decider, owners = decided[path]
        if decider is not None and owners:
            entry = by_line.setdefault(decider.line, (decider, [], {}))
            entry[1].append(path)
            entry[2].update(dict.fromkeys(owners))
    findings: list[DriftFinding] = []
    for line in sorted(by_line):
        rule, paths, written = by_line[line]
        declared = {person for owner in written for person in resolve(owner)}
        authored = Counter(a for path in paths for a in dict.fromkeys(files[path]))
        if not declared or not authored or declared & authored.keys():
            continue  # unresolvable owners are the inactive rule's business
        top = sorted(authored, key=lambda a: (-authored[a], a))[:3]
        names = ", ".join(f"{_name(a, people)} ({authored[a]})" for a in top)
        message = (
            f"{rule.pattern}: its owners ({' '.join(written)}) author none of its "
            f"{len(paths)} files; top authors by files: {names}"
        )
        where = (codeowners.path, line, None, None, None, rule.pattern)
        findings.append(DriftFinding("codeowners-mismatch", "warning", message, *where))
    return findings


def _name(person_id: str, people: Mapping[str, PersonInfo]) -> str:
    info = people.get(person_id)
    return info.name if info is not None and info.name else person_id


def suggest_codeowners(
    components: Mapping[str, Sequence[str]],
    authors: Mapping[str, Sequence[str]],
    people: Mapping[str, PersonInfo],
    *,
    handles: Mapping[str, str] = _NO_HANDLES,
) -> str:
    """A CODEOWNERS draft naming each component's top active authors; the caller prints it.

    One "/dir/" line per component, root files one line each; parents sort before children.
    """

    def line(pattern: str, paths: Iterable[str]) -> str:
        authored = Counter(a for path in paths for a in dict.fromkeys(authors.get(path, ())))
        ranked = sorted(authored, key=lambda a: (-authored[a], a))
        active = [a for a in ranked if a in people and people[a].active][:3]
        owners = [h for a in active if _OWNER_TOKEN.fullmatch(h := _handle(a, people, handles))]
        if owners:
            return f"{pattern} {' '.join(owners)}"
        listed = ", ".join(printable(_handle(a, people, handles)) for a in (active or ranked[:3]))
        why = "no author CODEOWNERS can name" if active else "no active author"
        return f"# {pattern} {why}" + (f": {listed}" if listed else "")

    entries: list[tuple[str, Sequence[str]]] = []
    skipped: list[str] = []
    for name, paths in components.items():
        directory = "" if name == ROOT_COMPONENT else _common_directory(paths)
        owned = [(f"/{directory}/", paths)] if directory else []
        if name == ROOT_COMPONENT:
            owned = [(f"/{path}", [path]) for path in paths]
        elif not directory and paths:
            skipped.append(f"# {printable(name)}: its files share no directory, left out")
        for where, files in owned:
            # A line break would start a rule of its own, a control character would reach
            # the terminal, undecodable bytes cannot be written: named, not owned.
            if _UNNAMEABLE.search(where):
                skipped.append(f"# {printable(where)}: CODEOWNERS cannot name this path, left out")
            else:
                entries.append((_escape(where), files))
    header = [
        "# CODEOWNERS draft generated from git history by busfactor.",
        "# Owners are each component's top active authors: review it before committing it.",
        "",
    ]
    return "\n".join([*header, *(line(*entry) for entry in sorted(entries)), *skipped]) + "\n"


def _handle(person_id: str, people: Mapping[str, PersonInfo], handles: Mapping[str, str]) -> str:
    """ "@handle" from the table, else "@login" from a GitHub noreply email, else the email."""
    if person_id in handles:
        return "@" + handles[person_id].lstrip("@")
    info = people.get(person_id)
    emails = (person_id,) if info is None else (info.email, person_id, *info.aliases)
    for email in emails:
        key = email_key(email) if "@" in email else ""
        if key.startswith("github:"):
            return "@" + key.removeprefix("github:")
    return info.email if info is not None and info.email else person_id


def _common_directory(paths: Sequence[str]) -> str:
    """The deepest directory holding every path; "" when they share none."""
    directories = [path.strip("/").rpartition("/")[0] for path in paths]
    return posixpath.commonpath(directories) if directories else ""


def _escape(path: str) -> str:
    return _GLOB_SPECIAL.sub(r"\\\1", path)


_UNNAMEABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]")
"""What no CODEOWNERS line can hold: controls, line separators, undecodable bytes."""
_OWNER_TOKEN = re.compile(r"[^\s#\x00-\x1f\x7f-\x9f\u2028\u2029\udc80-\udcff]+")
"""What one owner on a CODEOWNERS line can be: owners are split at white space and a `#`
starts a comment, so an email holding either (git takes any bytes) would add owners."""
