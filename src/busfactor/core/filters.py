"""Which files at the analysed revision are left out of the analysis, and why.

Pure rules (conventions.md section 5): `.gitattributes` overrides as github-linguist reads them,
then path and content heuristics for vendored, generated, lock, minified and binary files.
Content rules look only at a blob's head, and `needs_content` names the few files whose head
can change the verdict, so huge repositories never read every blob.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

VENDORED = "linguist-vendored"
GENERATED = "linguist-generated"
DOCUMENTATION = "linguist-documentation"
BINARY = "binary"
LFS = "filter=lfs"
"""Git LFS: the blob is a small text pointer to a large file stored elsewhere (a model, an
image, a data set), so it is judged as the binary file it stands for."""
KNOWN_ATTRIBUTES = frozenset({VENDORED, GENERATED, DOCUMENTATION, BINARY, LFS})

EXCLUDED_BY_CONFIG = "excluded by config"
REASONS = frozenset(
    {EXCLUDED_BY_CONFIG, "vendored", "generated", "lock file", "minified", "binary", "not code"}
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BLANK = " \t\r\n"
_ATTR_NAME = re.compile(r"[A-Za-z0-9_.][-A-Za-z0-9_.]*")
_QUOTED = re.compile(r'"((?:[^"\\]|\\(?:[abfnrtv\\"]|[0-3][0-7]{2}))*)"')  # git's C quoting
_POSIX_CLASSES = dict(  # git's [:class:] names, as regex set contents
    item.split("=", 1)
    for item in _words(
        r"""alnum=a-zA-Z0-9 alpha=a-zA-Z blank=\x20\t cntrl=\x00-\x1f\x7f digit=0-9
    graph=\x21-\x7e lower=a-z print=\x20-\x7e punct=\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e
    space=\t-\r\x20 upper=A-Z xdigit=0-9a-fA-F"""
    )
)

_GLOB_TOKEN = re.compile(  # as git's wildmatch.c, with WM_PATHNAME
    r"(?P<globstar>(?:^|(?<=/))\*\*+(?:/|\Z))|(?P<star>\*+)|(?P<any>\?)"
    r"|\[(?P<neg>[!^]?+)(?P<body>\]?+(?:\[:[^\]]*:\]|\\.|[^\]\\])*+)\]"
    r"|\\(?P<esc>.)|(?P<bad>[\[\\])|(?P<lit>.)",
    re.DOTALL,
)
_BRACKET_ITEM = re.compile(
    r"\[:(?P<posix>[^\]]*):\]|(?P<low>\\.|[^\\])-(?P<high>\\.|[^\\])|\\.|.", re.DOTALL
)
_VENDORED_DIR = re.compile(
    r"(?:^|/)(?:node_modules|[Bb]ower_components|[Vv]endors?|(?:3rd|[Tt]hird)[-_]?[Pp]arty"
    r"|\.yarn/(?:releases|plugins|sdks|versions|unplugged)|Godeps/_workspace|dist"
    r"|[Ee]xtern(?:als?)?|testdata|__snapshots__)/"
    r"|^(?:deps|[Dd]ependencies)/"
)
"""linguist's vendor.yml, as the design notes pick from it: third-party, bundled and fixture
folders at any depth; `deps/` and `dependencies/` only at the top (redis's `deps/` holds
jemalloc, Lua and hiredis: two fifths of its files, credited to who imported them)."""
_CHECKSUM_NAMES = _words(
    """sha1sums sha256sums sha512sums md5sums sha1sum.txt sha256sum.txt sha512sum.txt md5sum.txt
    sha1sums.txt sha256sums.txt sha512sums.txt md5sums.txt checksums.txt"""
)
_CHECKSUM_EXTENSIONS = _words("sha1 sha256 sha512 md5")
_ARMOURED = (
    b"-----BEGIN PGP SIGNATURE-----",
    b"-----BEGIN PGP MESSAGE-----",
    b"-----BEGIN PGP PUBLIC KEY BLOCK-----",
    b"-----BEGIN SSH SIGNATURE-----",
)
"""Heads of signatures and keys that gpg and ssh-keygen write (a release's `.asc` files:
jq keeps 213 in `sig/`, which made its release manager the truck factor). A clear-signed
message (`BEGIN PGP SIGNED MESSAGE`) holds text someone wrote, and is not here."""
_LOCK_FILES = _words(
    """package-lock.json npm-shrinkwrap.json pnpm-lock.yaml yarn.lock bun.lock bun.lockb poetry.lock
    pdm.lock uv.lock Pipfile.lock Cargo.lock composer.lock Gemfile.lock go.sum mix.lock flake.lock
    Package.resolved .terraform.lock.hcl packages.lock.json"""
)
_MINIFIED_SUFFIXES = (".min.js", ".min.css", ".min.mjs", "-min.js", ".map")
_MINIFIABLE = frozenset({"js", "mjs", "cjs", "css"})
_SOURCE_MAP = re.compile(r"^\s*(?://|/\*)\s*[#@]\s*source(?:Mapping)?URL\s*=")
_COMMENT_START = re.compile(r"\s*(?://|/\*|\*|#|--|;|%|<!--|\{-|\(\*|')")
_GO_GENERATED = re.compile(r"Code generated .*DO NOT EDIT")
_FB_GENERATED = re.compile(r"(?<![\w@])@generated\b")

_BINARY_EXTENSIONS = _words(
    """png jpg jpeg gif ico icns webp bmp tif tiff psd heic avif pdf zip gz tgz bz2 xz zst 7z rar
    jar war ear aar apk class so dll dylib exe o a lib obj pyc pyo pyd whl egg wasm woff woff2 ttf
    otf eot mp3 mp4 m4a mov avi mkv webm wav ogg flac sqlite sqlite3 lockb doc docx xls xlsx ppt
    pptx odt ods odp dmg iso deb rpm msi npy npz parquet"""
)
_CODE_EXTENSIONS = _words(
    """py pyi pyx js mjs cjs ts tsx jsx mts cts java kt kts scala sbt go rs c h cc cpp cxx hpp hh
    hxx cs fs fsx fsi rb rake php pl pm swift m mm r jl lua sh bash zsh fish ps1 psm1 bat cmd sql
    hs ml mli ex exs erl hrl clj cljs cljc dart vue svelte groovy gradle tf proto zig nim elm cr d
    f90 f95 f03 f for pas vb asm s cmake mk coffee el lisp scm rkt sol cu cuh"""
)
_CODE_NAMES = _words(
    "makefile gnumakefile dockerfile containerfile cmakelists.txt rakefile jenkinsfile"
)
_TEXT_EXTENSIONS = _words(
    """md markdown mdx rst txt adoc org tex json jsonc json5 jsonl ipynb yaml yml toml xml xsd xsl
    html htm xhtml css scss sass less csv tsv cfg ini conf properties env svg lock sum mod resolved
    log diff patch po pot graphql gql hcl tfvars bzl bazel nix j2 jinja tmpl tpl mustache hbs ejs
    erb in pem sln csproj vcxproj props iml pbxproj storyboard xib xaml resx gemspec dot puml"""
)
_TEXT_NAMES = _words(
    """readme license licence copying notice authors contributors changelog changes codeowners
    owners gemfile procfile brewfile pipfile podfile vagrantfile .gitignore .gitattributes
    .gitmodules .gitkeep .mailmap .git-blame-ignore-revs .editorconfig .dockerignore .npmignore
    .npmrc .nvmrc .prettierrc .eslintrc .babelrc .env .flake8 .pylintrc .coveragerc .bazelrc"""
)


@dataclass(frozen=True, slots=True)
class AttributeRule:
    """One line of a `.gitattributes` file, reduced to the attributes busfactor reads."""

    base: str
    """Directory of the `.gitattributes` file, "" for the root, no trailing slash."""
    pattern: str
    attributes: dict[str, bool | None]
    """True = set, False = unset or `=false`, None = unspecified (`!attr`)."""


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the adapter knows about one file at the revision."""

    path: str
    head: bytes | None
    """First bytes of the blob; None when not read (content rules then keep the file)."""
    content: ContentFacts | None = None
    """The content tests' verdicts, when known without the head (a cache); else from `head`."""


CONTENT_RULES = 2
"""Version of the content tests (`content_facts`) and of the head size they see: bump it when
either changes, so verdicts cached under the old tests are not reused."""
PATH_RULES = 4
"""Version of the rules `classify` and `needs_content` apply to a path (the vendored, lock,
minified, binary and code lists, the attribute reading): bump it when they change, so a
classification stored under the old rules is not reused (released versions differ anyway)."""


@dataclass(frozen=True, slots=True)
class ContentFacts:
    """What a blob's head says: each verdict depends on the bytes only, so it can be cached
    by blob id. `minified` is judged only for names that can be minified (None otherwise)."""

    binary: bool
    generated: bool
    minified: bool | None


def content_facts(path: str, head: bytes) -> ContentFacts:
    """The content tests on one head; the minified test (a decode) only where it applies."""
    minified = minified_content(path, head) if _extension(path) in _MINIFIABLE else None
    return ContentFacts(binary_content(head), generated_content(head), minified)


def content_judged(path: str, content: ContentFacts) -> bool:
    """Whether verdicts made for one path cover `path` (the same blob can sit at a .txt path
    and at a .js one: only the second needs the minified test)."""
    return content.minified is not None or _extension(path) not in _MINIFIABLE


def parse_gitattributes(text: str, base: str) -> list[AttributeRule]:
    """Rules of one `.gitattributes` file, in file order, as gitattributes(5) reads them."""
    base = base.strip("/")
    rules = (_parse_line(line, base) for line in text.split("\n"))
    return [rule for rule in rules if rule is not None]


def _parse_line(line: str, base: str) -> AttributeRule | None:
    """One rule, or None for blanks, comments, macros, negative patterns and invalid lines."""
    line = line.strip(_BLANK)
    if not line or line.startswith("#"):
        return None
    quoted = _unquote(line) if line.startswith('"') else None
    if quoted is None:  # git falls back to the raw text when the quoting is broken
        end = next((i for i, c in enumerate(line) if c in _BLANK), len(line))
        quoted = line[:end], line[end:]
    pattern, rest = quoted
    if pattern.startswith(("[attr]", "!")):  # macro definitions; negation is refused by git
        return None
    attributes = _parse_attributes(rest)
    if not attributes:
        return None
    return AttributeRule(base, pattern, attributes)


def _unquote(line: str) -> tuple[str, str] | None:
    """A C-quoted pattern and the text after it, or None when the quoting is malformed."""
    match = _QUOTED.match(line)
    if match is None:
        return None
    raw = match[1].encode("utf-8", "surrogatepass").decode("unicode_escape").encode("latin-1")
    return raw.decode("utf-8", "replace"), line[match.end() :]


def _parse_attributes(rest: str) -> dict[str, bool | None] | None:
    """The known attributes of a line; None when git would reject the whole line."""
    found: dict[str, bool | None] = {}
    for token in rest.split():
        value: bool | None
        if token[0] in "-!":
            name, value = token[1:].partition("=")[0], (False if token[0] == "-" else None)
        else:
            name, equals, raw = token.partition("=")
            value = not equals or raw != "false"
        if not _ATTR_NAME.fullmatch(name) or name.startswith("builtin_"):
            return None
        if name == "filter":  # only `filter=lfs` matters; any other filter unsets it
            found[LFS] = None if value is None else value and token.partition("=")[2] == "lfs"
        elif name in KNOWN_ATTRIBUTES:
            found[name] = value
    return found


def attribute_value(path: str, rules: Sequence[AttributeRule], name: str) -> bool | None:
    """The value git gives `name` on `path`: the last matching rule that mentions it wins.

    Each pattern is matched relative to the directory of its `.gitattributes` file.
    """
    for rule in reversed(rules):
        if name in rule.attributes and _matches(rule, path):
            return rule.attributes[name]
    return None


class AttributeIndex:
    """`attribute_value` for every path of a tree, without matching every rule on every path.

    Generated `.gitattributes` files list thousands of files one per line: 31,000 rules on
    2,000 files stalled a scan for minutes, each rule's regex compiled again and matched on
    every path. Literal patterns (`name`, `/dir/name`, `*.ext`, `dir/**`) are looked up in
    dicts; only the other wildcard patterns are matched, newest first, and only while they
    are newer than the best literal hit. The answers are `attribute_value`'s exactly.
    """

    def __init__(self, rules: Sequence[AttributeRule]) -> None:
        self.rules = list(rules)
        self._per_attribute: dict[str, _NameIndex] = {}
        for index, rule in enumerate(self.rules):
            for name in rule.attributes:
                self._per_attribute.setdefault(name, _NameIndex()).add(index, rule)

    def value(self, path: str, name: str) -> bool | None:
        """The value git gives `name` on `path` (see `attribute_value`)."""
        rules = self._per_attribute.get(name)
        index = rules.last_match(path) if rules is not None else -1
        return None if index < 0 else self.rules[index].attributes[name]


def attribute_index(rules: Sequence[AttributeRule] | AttributeIndex) -> AttributeIndex:
    """`rules` indexed, unless they already are."""
    return rules if isinstance(rules, AttributeIndex) else AttributeIndex(rules)


_WILD = frozenset("*?[\\")


def literal_glob(text: str) -> bool:
    """Whether a glob matches exactly its own text (no wildcard, no escape), in `wildmatch`
    and in CODEOWNERS alike: such patterns are looked up, not matched."""
    return bool(text) and _WILD.isdisjoint(text)


class _NameIndex:
    """The rules that mention one attribute, by the shape of their pattern."""

    def __init__(self) -> None:
        self.exact: dict[str, list[int]] = {}  # whole path -> rules
        self.basename: dict[str, list[tuple[int, str]]] = {}  # name -> (rule, base prefix)
        self.suffix: dict[str, list[tuple[int, str]]] = {}  # `*` + text: text -> ...
        self.suffix_lengths: set[int] = set()
        self.below: dict[str, list[tuple[int, str]]] = {}  # `dir/**`: base prefix + dir/ -> ...
        self.others: list[tuple[int, AttributeRule]] = []

    def add(self, index: int, rule: AttributeRule) -> None:
        pattern, prefix = rule.pattern, rule.base + "/" if rule.base else ""
        if not pattern or pattern.endswith("/"):
            return  # matches no file
        anchored = pattern.startswith("/")
        body = pattern[1:] if anchored else pattern
        if literal_glob(body):
            if anchored or "/" in body:
                self.exact.setdefault(prefix + body, []).append(index)
            else:
                self.basename.setdefault(body, []).append((index, prefix))
        elif not anchored and "/" not in body and body[0] == "*" and literal_glob(body[1:]):
            self.suffix.setdefault(body[1:], []).append((index, prefix))
            self.suffix_lengths.add(len(body) - 1)
        elif body.endswith("/**") and literal_glob(body[:-3]):
            self.below.setdefault(prefix + body[:-2], []).append((index, prefix))
        else:
            self.others.append((index, rule))

    def last_match(self, path: str) -> int:
        """The newest rule matching `path`, or -1."""
        best = max(self.exact.get(path, (-1,)))
        name = path.rpartition("/")[2]
        best = _newest_under(self.basename.get(name), path, best)
        for length in self.suffix_lengths:
            if length <= len(name):
                best = _newest_under(self.suffix.get(name[len(name) - length :]), path, best)
        for folder in _folders(path) if self.below else ():
            best = _newest_under(self.below.get(folder), path, best)
        for index, rule in reversed(self.others):
            if index <= best:
                break
            if _matches(rule, path):
                return index
        return best

    def all_matches(self, path: str) -> list[int]:
        """Every rule matching `path`, in no particular order."""
        found = list(self.exact.get(path, ()))
        name = path.rpartition("/")[2]
        shaped = [self.basename.get(name)]
        shaped += (
            self.suffix.get(name[len(name) - n :]) for n in self.suffix_lengths if n <= len(name)
        )
        shaped += (self.below.get(folder) for folder in _folders(path) if self.below)
        for candidates in shaped:
            found += (index for index, prefix in candidates or () if path.startswith(prefix))
        found += (index for index, rule in self.others if _matches(rule, path))
        return found


def _folders(path: str) -> Iterator[str]:
    """Every folder above `path`, as `a/`, `a/b/`, ..."""
    end = path.find("/")
    while end >= 0:
        yield path[: end + 1]
        end = path.find("/", end + 1)


def _matches(rule: AttributeRule, path: str) -> bool:
    """Whether the rule's pattern matches `path`, relative to its file's folder."""
    prefix = rule.base + "/" if rule.base else ""
    return path.startswith(prefix) and wildmatch(rule.pattern, path[len(prefix) :])


class GlobIndex:
    """Which of many globs match a path (`wildmatch`), without matching each of them: a
    configuration's excludes and components (a committed `.busfactor.toml` can hold
    thousands; 300 `dir/**` components took 4 s on 10,000 files)."""

    def __init__(self, globs: Sequence[str]) -> None:
        self._index = _NameIndex()
        for position, glob in enumerate(globs):
            self._index.add(position, AttributeRule("", glob, {}))
        self._none = not globs  # the usual configuration: asked of every path, answered at once

    def matching(self, path: str) -> list[int]:
        """The positions of the globs that match `path`, in no particular order."""
        return [] if self._none else self._index.all_matches(path)

    def any(self, path: str) -> bool:
        return not self._none and self._index.last_match(path) >= 0


def _newest_under(candidates: list[tuple[int, str]] | None, path: str, best: int) -> int:
    """The newest of `candidates` (rule, base prefix) newer than `best` whose base holds `path`."""
    for index, prefix in reversed(candidates or ()):
        if index <= best:
            break
        if path.startswith(prefix):
            return index
    return best


def wildmatch(pattern: str, path: str) -> bool:
    """gitignore-style glob on a file path (attributes, user excludes, component globs).

    A pattern without "/" matches the basename at any depth; otherwise it is anchored to the
    whole path (a leading "/" only anchors). A trailing "/" names a directory, so it never
    matches a file: write "dir/**" for everything below a directory.
    """
    if not pattern or pattern.endswith("/"):
        return False
    if pattern.startswith("/"):
        pattern = pattern[1:]
    elif "/" not in pattern:
        path = path.rpartition("/")[2]
    regex = _compile(pattern)
    return regex is not None and regex.fullmatch(path) is not None


def glob_escape(text: str) -> str:
    """`text` as a glob that matches exactly it: a directory named `src/[ab]` would match
    `src/a` and `src/b` as a pattern."""
    return _GLOB_SPECIAL.sub(r"\\\1", text)


_GLOB_SPECIAL = re.compile(r"([*?\[\\])")


STAR, GLOBSTAR = "[^/]*", "(?:.*/)?"
"""The regexes of `*` and of `**/`; `glob_regex` joins them with one-character pieces."""
MAX_BACKTRACKING_GLOBSTARS = 2


def glob_regex(pieces: Sequence[str]) -> str | None:
    """A glob's pieces (STAR, GLOBSTAR, `.*`, or a piece matching exactly one character) as
    one regex that cannot backtrack without end; None for a glob too costly to match.

    Python's regex engine backtracks: `*a*a*a…*b` on a long name took longer than any scan
    (a hostile `.gitattributes` or CODEOWNERS line hung it). A `*` followed by fixed
    characters and then another wildcard may take the first place those characters fit,
    since the wildcard after them can take up whatever a later place would have left out;
    so it becomes an atomic lazy group, as CPython's fnmatch does. The same holds for `**/`
    followed by fixed characters and another `**/` (those characters end with `/`). What
    is left to backtrack is the last wildcard and a `**/` before a `*`; more than two of
    those make the glob match nothing (no real repository writes them).
    """
    wildcards = (STAR, GLOBSTAR, ".*")  # `.*` (a final `**`) is always the last piece
    out: list[str] = []
    backtracking = 0
    index, count = 0, len(pieces)
    while index < count:
        piece = pieces[index]
        if piece in (STAR, GLOBSTAR):
            end = index + 1
            while end < count and pieces[end] not in wildcards:
                end += 1
            run, following = "".join(pieces[index + 1 : end]), pieces[end] if end < count else None
            if run and following is not None and (piece == STAR or following != STAR):
                lazy = "[^/]*?" if piece == STAR else "(?:.*?/)??"
                out.append(f"(?>{lazy}{run})")
                index = end
                continue
            backtracking += following is not None and piece == GLOBSTAR
        out.append(piece)
        index += 1
    return "".join(out) if backtracking <= MAX_BACKTRACKING_GLOBSTARS else None


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str] | None:
    """The pattern as a regex; None when git would reject it (it then matches nothing)."""
    pieces = _pieces(pattern)
    regex = glob_regex(pieces) if pieces is not None else None
    return re.compile(regex, re.DOTALL) if regex is not None else None


def _pieces(pattern: str) -> list[str] | None:
    """The pattern's pieces for `glob_regex`; None when git would reject it."""
    out: list[str] = []
    for token in _GLOB_TOKEN.finditer(pattern):
        kind, text = token.lastgroup, token.group()
        if kind == "bad":
            return None
        if kind == "globstar":
            out.append(GLOBSTAR if text.endswith("/") else ".*")
        elif kind in ("star", "any"):
            out.append(STAR if kind == "star" else "[^/]")
        elif kind == "body":
            bracket = _bracket(token["neg"], token["body"])
            if bracket is None:
                return None
            out.append(bracket)
        else:
            out.append(re.escape(text[-1]))
    return out


def _bracket(negation: str, body: str) -> str | None:
    """Regex for a bracket expression, which never matches "/"; None for an unknown [:class:]."""
    items: list[str] = []
    for item in _BRACKET_ITEM.finditer(body):
        posix, low, high = item["posix"], item["low"], item["high"]
        if posix is not None:
            if posix not in _POSIX_CLASSES:
                return None
            items.append(_POSIX_CLASSES[posix])
        elif low is not None and high is not None:
            if low[-1] <= high[-1]:
                items.append(f"{re.escape(low[-1])}-{re.escape(high[-1])}")
        else:
            items.append(re.escape(item.group()[-1]))
    body = "".join(items)
    if negation:
        return f"[^/{body}]"
    return f"(?!/)[{body}]" if body else "(?!)"


def _basename(path: str) -> str:
    return path.rpartition("/")[2]


@lru_cache(maxsize=1 << 16)
def _extension(path: str) -> str:
    """Lower-case extension of the basename; "" for none (dotfiles such as .gitignore have none)."""
    stem = _basename(path).lstrip(".")
    return stem.rpartition(".")[2].lower() if "." in stem else ""


@lru_cache(maxsize=1 << 16)
def vendored_path(path: str) -> bool:
    """Whether the file sits in a third-party directory (linguist vendor.yml) at any depth.
    Cached: `needs_content` and `classify` both ask it of every path of the tree."""
    return _VENDORED_DIR.search(path) is not None


def lock_file(path: str) -> bool:
    """Whether the basename is a package manager's lock file: written by tools, not people."""
    return _basename(path) in _LOCK_FILES


def minified_name(path: str) -> bool:
    """Whether the name says minified bundle or source map."""
    return _basename(path).lower().endswith(_MINIFIED_SUFFIXES)


def minified_content(path: str, head: bytes) -> bool:
    """Whether a .js/.css head looks minified: long lines or a trailing source-map comment."""
    if _extension(path) not in _MINIFIABLE or not head:
        return False
    text = head.decode("utf-8", "replace")
    lines = text.split("\n")
    if sum(len(line) for line in lines) / len(lines) > 110:
        return True
    return any(_SOURCE_MAP.match(line) for line in text.rstrip().split("\n")[-2:])


def checksum_file(path: str) -> bool:
    """Whether the name says a list of checksums (`SHA256SUMS`, `x.tar.gz.sha256`): a tool's
    output, released with the files it sums."""
    return _basename(path).lower() in _CHECKSUM_NAMES or _extension(path) in _CHECKSUM_EXTENSIONS


def generated_content(head: bytes) -> bool:
    """Whether a header comment in the first 40 lines says a tool wrote the file, or the file
    is a signature or key that gpg or ssh-keygen wrote."""
    if head.lstrip()[:40].startswith(_ARMOURED):
        return True
    if b"DO NOT EDIT" not in head and b"@generated" not in head:
        return False  # every marker below contains one of these: skip the decode
    for line in head.decode("utf-8", "replace").split("\n")[:40]:
        if _COMMENT_START.match(line) and (
            _GO_GENERATED.search(line) or "DO NOT EDIT!" in line or _FB_GENERATED.search(line)
        ):
            return True
    return False


def binary_content(head: bytes) -> bool:
    """git's own test: a NUL byte in the first 8000 bytes."""
    return b"\0" in head[:8000]


@lru_cache(maxsize=1 << 16)
def binary_extension(path: str) -> bool | None:
    """True for well-known binary formats, False for well-known text, None when content decides."""
    extension = _extension(path)
    if extension in _BINARY_EXTENSIONS:
        return True
    if extension in _TEXT_EXTENSIONS or code_file(path):
        return False
    return False if _basename(path).lower() in _TEXT_NAMES else None


@lru_cache(maxsize=1 << 16)
def code_file(path: str) -> bool:
    """Whether the file is written in a programming language (by extension or well-known name)."""
    name = _basename(path).lower()
    return (
        _extension(path) in _CODE_EXTENSIONS
        or name in _CODE_NAMES
        or name.startswith("dockerfile.")
        or name.endswith(".dockerfile")
    )


def _header_checked(path: str) -> bool:
    """Files whose head is searched for a generated-code header: code, or unknown types."""
    return code_file(path) or binary_extension(path) is None


def needs_content(path: str, rules: Sequence[AttributeRule] | AttributeIndex = ()) -> bool:
    """Whether `classify` could decide differently once it sees the blob's head.

    False for files a path rule already excludes and for known binary or text types; True for
    unknown types (binary check), .js/.mjs/.cjs/.css (minified check) and code files
    (generated-header check). Pass the attribute rules so overridden files are judged too;
    asked of every path of a tree, pass them indexed (`attribute_index`).
    """
    attributes = attribute_index(rules)
    vendored = attributes.value(path, VENDORED)
    generated = attributes.value(path, GENERATED)
    if True in (vendored, generated) or (vendored is None and vendored_path(path)):
        return False
    binary = attributes.value(path, BINARY)
    if binary is None and attributes.value(path, LFS):
        return False  # excluded as binary, whatever the pointer says
    if generated is None:
        if lock_file(path) or minified_name(path) or checksum_file(path):
            return False
        if _extension(path) in _MINIFIABLE or _header_checked(path):
            return True
    return binary is None and binary_extension(path) is None


def classify(
    files: Sequence[FileFacts],
    rules: Sequence[AttributeRule] | AttributeIndex,
    *,
    default_excludes: bool,
    scope: str,
    exclude: Sequence[str],
) -> dict[str, str]:
    """Path -> reason for every excluded file; included files are absent.

    User globs come first, then (with `default_excludes`) attributes and the vendored, lock,
    minified, generated and binary heuristics, then the `code` scope. A file whose head is None
    is judged on its path alone.
    """
    if scope not in ("all", "code"):
        raise ValueError(f"unknown scope {scope!r}: expected 'all' or 'code'")
    attributes = attribute_index(rules)
    excluded_by_config = GlobIndex(exclude)
    excluded: dict[str, str] = {}
    for facts in files:
        reason: str | None = None
        if excluded_by_config.any(facts.path):
            reason = EXCLUDED_BY_CONFIG
        elif default_excludes:
            reason = _default_reason(facts, attributes)
        if reason is None and scope == "code" and not code_file(facts.path):
            reason = "not code"
        if reason is not None:
            excluded[facts.path] = reason
    return excluded


def _default_reason(facts: FileFacts, attributes: AttributeIndex) -> str | None:
    """The default exclusion of one file; explicit attributes beat the heuristics they cover."""
    path, head = facts.path, facts.head
    content = facts.content
    if content is None and head is not None:
        content = content_facts(path, head)
    vendored = attributes.value(path, VENDORED)
    generated = attributes.value(path, GENERATED)
    if vendored is True:
        return "vendored"
    if generated is True:
        return "generated"
    if vendored is None and vendored_path(path):
        return "vendored"
    if generated is None:
        if lock_file(path):
            return "lock file"
        if checksum_file(path):
            return "generated"
        if minified_name(path) or (
            # A verdict made for the same blob at a .js path says nothing about a .txt one.
            content is not None and content.minified is True and _extension(path) in _MINIFIABLE
        ):
            return "minified"
        if content is not None and _header_checked(path) and content.generated:
            return "generated"
    binary = attributes.value(path, BINARY)
    if binary is None and attributes.value(path, LFS):
        binary = True
    if binary is None:
        binary = binary_extension(path)
    if binary is None:
        binary = content is not None and content.binary
    return "binary" if binary else None
