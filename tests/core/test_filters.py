"""Tests for busfactor.core.filters: which files at the revision are left out, and why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from busfactor.core import filters
from busfactor.core.components import assign_components
from busfactor.core.filters import (
    LFS,
    REASONS,
    AttributeRule,
    FileFacts,
    attribute_value,
    binary_content,
    binary_extension,
    classify,
    code_file,
    generated_content,
    lock_file,
    minified_content,
    minified_name,
    needs_content,
    parse_gitattributes,
    vendored_path,
    wildmatch,
)

VENDORED = "linguist-vendored"
GENERATED = "linguist-generated"


def rules_of(*files: tuple[str, str]) -> list[AttributeRule]:
    """Rules of several .gitattributes files given as (base, text), shallowest first."""
    return [rule for base, text in files for rule in parse_gitattributes(text, base)]


def run(
    files: dict[str, bytes | None],
    rules: list[AttributeRule] | None = None,
    *,
    default_excludes: bool = True,
    scope: str = "all",
    exclude: tuple[str, ...] = (),
) -> dict[str, str]:
    """classify() over {path: head} with the usual defaults."""
    facts = [FileFacts(path, head) for path, head in files.items()]
    return classify(
        facts, rules or [], default_excludes=default_excludes, scope=scope, exclude=exclude
    )


# --- .gitattributes parsing ---------------------------------------------------------------


def test_parse_skips_blank_lines_and_comments() -> None:
    """Blank lines, whitespace-only lines and '#' comments produce no rules."""
    text = "\n   \n# *.js linguist-vendored\n\t# indented comment\n*.js linguist-generated\n"
    assert parse_gitattributes(text, "") == [AttributeRule("", "*.js", {GENERATED: True})]


def test_parse_set_unset_unspecified_and_values() -> None:
    """'attr' and 'attr=true' set, '-attr' and 'attr=false' unset, '!attr' is unspecified."""
    text = (
        "a linguist-vendored\n"
        "b -linguist-vendored\n"
        "c !linguist-vendored\n"
        "d linguist-vendored=true\n"
        "e linguist-vendored=false\n"
        "f linguist-generated=yes linguist-documentation\n"
    )
    values = {rule.pattern: rule.attributes for rule in parse_gitattributes(text, "")}
    assert values == {
        "a": {VENDORED: True},
        "b": {VENDORED: False},
        "c": {VENDORED: None},
        "d": {VENDORED: True},
        "e": {VENDORED: False},
        "f": {GENERATED: True, "linguist-documentation": True},
    }


def test_parse_binary_macro() -> None:
    """The built-in 'binary' macro is recorded as binary=True, '-binary' as False."""
    rules = parse_gitattributes("*.dat binary\n*.txt -binary\n", "")
    assert [rule.attributes for rule in rules] == [{"binary": True}, {"binary": False}]


def test_parse_keeps_only_known_attributes() -> None:
    """Attributes busfactor never reads are dropped, and a line left with none gives no rule."""
    rules = parse_gitattributes("*.sh text eol=lf\n*.js text linguist-vendored -diff\n", "")
    assert rules == [AttributeRule("", "*.js", {VENDORED: True})]


def test_parse_last_occurrence_on_a_line_wins() -> None:
    """An attribute repeated on one line takes its last value, as git does."""
    rules = parse_gitattributes("x linguist-vendored -linguist-vendored\n", "")
    assert rules[0].attributes == {VENDORED: False}


def test_parse_quoted_pattern_with_c_escapes() -> None:
    """A double-quoted pattern may hold spaces, C escapes and octal UTF-8 bytes."""
    text = '"my dir/a\\tb \\"q\\".js" linguist-generated\n"caf\\303\\251.js" -linguist-vendored\n'
    rules = parse_gitattributes(text, "")
    assert [rule.pattern for rule in rules] == ['my dir/a\tb "q".js', "café.js"]
    assert rules[1].attributes == {VENDORED: False}


def test_parse_broken_quoting_falls_back_to_raw_text() -> None:
    """Like git, an unterminated quote makes the raw word (quote included) the pattern."""
    rules = parse_gitattributes('"x.js linguist-vendored\n', "")
    assert rules == [AttributeRule("", '"x.js', {VENDORED: True})]


def test_parse_skips_macro_definitions_and_negative_patterns() -> None:
    """'[attr]' macro definitions and '!pattern' lines (refused by git) give no rules."""
    text = "[attr]gen linguist-generated\n!*.js linguist-vendored\n\\!x.js linguist-vendored\n"
    assert parse_gitattributes(text, "") == [AttributeRule("", "\\!x.js", {VENDORED: True})]


def test_parse_rejects_line_with_invalid_attribute_name() -> None:
    """git ignores the whole line when one attribute name is invalid."""
    assert parse_gitattributes("*.js linguist-vendored bad$name\n", "") == []


def test_parse_records_base_without_trailing_slash() -> None:
    """Every rule carries the directory of its file, normalised without a trailing slash."""
    rules = parse_gitattributes("*.js linguist-vendored\r\n", "web/static/")
    assert rules == [AttributeRule("web/static", "*.js", {VENDORED: True})]


# --- attribute precedence ------------------------------------------------------------------


def test_later_line_overrides_earlier() -> None:
    """Within one file the last matching line that mentions the attribute wins."""
    rules = rules_of(("", "*.js linguist-generated\nsrc/*.js -linguist-generated\n"))
    assert attribute_value("src/a.js", rules, GENERATED) is False
    assert attribute_value("lib/a.js", rules, GENERATED) is True


def test_deeper_file_overrides_root() -> None:
    """A deeper .gitattributes beats the root one for files below it, and only for them."""
    rules = rules_of(("", "*.js linguist-vendored\n"), ("web", "*.js -linguist-vendored\n"))
    assert attribute_value("web/app/a.js", rules, VENDORED) is False
    assert attribute_value("api/a.js", rules, VENDORED) is True


def test_rules_for_other_attributes_do_not_shadow() -> None:
    """A later matching rule that does not mention the attribute leaves the earlier value."""
    rules = rules_of(("", "*.js linguist-vendored\n*.js linguist-generated\n"))
    assert attribute_value("a.js", rules, VENDORED) is True


def test_unspecified_resets_to_none() -> None:
    """'!attr' on a later line makes the attribute unspecified again."""
    rules = rules_of(("", "*.js linguist-vendored\nx.js !linguist-vendored\n"))
    assert attribute_value("x.js", rules, VENDORED) is None
    assert attribute_value("y.js", rules, VENDORED) is True


def test_no_rule_means_none() -> None:
    """An attribute no rule mentions is unspecified."""
    assert attribute_value("a.js", rules_of(("", "*.py linguist-vendored\n")), VENDORED) is None


# --- pattern semantics ----------------------------------------------------------------------


def test_pattern_without_slash_matches_basename_below_base() -> None:
    """'*.js' in web/.gitattributes matches at any depth below web/, and nowhere else."""
    rules = rules_of(("web", "*.js linguist-generated\n"))
    assert attribute_value("web/a.js", rules, GENERATED) is True
    assert attribute_value("web/deep/er/a.js", rules, GENERATED) is True
    assert attribute_value("api/a.js", rules, GENERATED) is None
    assert attribute_value("website/a.js", rules, GENERATED) is None


def test_pattern_with_slash_is_anchored_to_base() -> None:
    """A pattern containing '/' (or a leading '/') is relative to its file's directory."""
    rules = rules_of(("web", "gen/*.js linguist-generated\n/top.js linguist-vendored\n"))
    assert attribute_value("web/gen/a.js", rules, GENERATED) is True
    assert attribute_value("web/x/gen/a.js", rules, GENERATED) is None
    assert attribute_value("web/top.js", rules, VENDORED) is True
    assert attribute_value("web/x/top.js", rules, VENDORED) is None


def test_trailing_slash_never_matches_a_file() -> None:
    """A directory pattern ('gen/') never matches files, as in gitattributes(5)."""
    rules = rules_of(("", "gen/ linguist-generated\n"))
    assert attribute_value("gen/a.py", rules, GENERATED) is None
    assert attribute_value("gen", rules, GENERATED) is None
    assert not wildmatch("gen/", "gen/a.py")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.py", "a/b/c.py", True),
        ("a/*.py", "a/c.py", True),
        ("a/*.py", "a/b/c.py", False),
        ("?.py", "ab.py", False),
        ("a?b", "a/b", False),
        ("**", "any/depth/file", True),
        ("**/c.py", "c.py", True),
        ("**/c.py", "a/b/c.py", True),
        ("a/**/c.py", "a/c.py", True),
        ("a/**/c.py", "a/x/y/c.py", True),
        ("a/**/c.py", "b/a/c.py", False),
        ("a/**", "a/x/y", True),
        ("a/**", "a", False),
        ("a**b", "axyb", True),
        ("a**b", "a/b", False),
        ("docs/*.md", "docs/x/y.md", False),
        ("/a.py", "a.py", True),
        ("/a.py", "x/a.py", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
    ],
)
def test_wildmatch_globs(pattern: str, path: str, expected: bool) -> None:
    """'*' and '?' stay within a segment, '**' crosses them, '/' anchors."""
    assert wildmatch(pattern, path) is expected


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("[abc].py", "b.py", True),
        ("[abc].py", "d.py", False),
        ("[!abc].py", "d.py", True),
        ("[^abc].py", "a.py", False),
        ("[a-c]x", "bx", True),
        ("[a-c]x", "dx", False),
        ("[]]x", "]x", True),
        ("[a-]x", "-x", True),
        ("[[:digit:]]x", "7x", True),
        ("[[:upper:]]x", "ax", False),
        ("a[/]b", "a/b", False),
        ("a[!x]b", "a/b", False),
    ],
)
def test_wildmatch_character_classes(pattern: str, path: str, expected: bool) -> None:
    """Bracket expressions follow git: '!'/'^' negate, ranges, POSIX classes, never '/'."""
    assert wildmatch(pattern, path) is expected


@pytest.mark.parametrize("pattern", ["[abc", "x[]", "[!]", "[[:nope:]]", "x\\", ""])
def test_malformed_patterns_match_nothing(pattern: str) -> None:
    """Patterns git rejects (open bracket, unknown class, trailing backslash) never match."""
    assert not wildmatch(pattern, pattern)
    assert not wildmatch(pattern, "x")


# --- path and content heuristics -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("node_modules/left-pad/index.js", True),
        ("web/node_modules/x.js", True),
        ("vendor/lib.go", True),
        ("a/vendors/x.php", True),
        ("third_party/x.c", True),
        ("src/third-party/x.c", True),
        ("thirdparty/x.c", True),
        ("bower_components/x.js", True),
        (".yarn/releases/yarn-4.js", True),
        (".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs", True),
        (".yarn/sdks/typescript/lib/tsserver.js", True),
        (".yarnrc.yml", False),
        ("Godeps/_workspace/src/x.go", True),
        ("dist/app.js", True),
        ("packages/web/dist/index.js", True),
        ("extern/zlib/inflate.c", True),
        ("src/external/x.h", True),
        ("lib/Externals/y.c", True),
        ("pkg/parse/testdata/case1.json", True),
        ("src/__snapshots__/App.test.js.snap", True),
        ("deps/jemalloc/src/arena.c", True),
        ("Dependencies/x.c", True),
        ("src/deps/x.c", False),  # linguist: deps/ and dependencies/ only at the top
        ("lib/dependencies/x.py", False),
        ("distribution/x.py", False),
        ("src/dist.py", False),
        ("src/vendor.go", False),
        ("myvendor/x.go", False),
        ("vendor", False),
        ("docs/vendors.md", False),
    ],
)
def test_vendored_path(path: str, expected: bool) -> None:
    """Third-party directories count at any depth, but only as whole directory names."""
    assert vendored_path(path) is expected


@pytest.mark.parametrize(
    "path",
    ["package-lock.json", "web/yarn.lock", "Cargo.lock", "go.sum", "a/b/poetry.lock", "uv.lock"],
)
def test_lock_file(path: str) -> None:
    """Lock files are matched by basename at any depth."""
    assert lock_file(path)


@pytest.mark.parametrize(
    "path", ["package.json", "Cargo.toml", "go.mod", "lock.py", "yarn.lock.md"]
)
def test_not_lock_file(path: str) -> None:
    """Manifests and look-alikes are not lock files."""
    assert not lock_file(path)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("dist/app.min.js", True),
        ("a.min.css", True),
        ("a.min.mjs", True),
        ("jquery-min.js", True),
        ("app.js.map", True),
        ("app.js", False),
        ("admin.js", False),
    ],
)
def test_minified_name(path: str, expected: bool) -> None:
    """Minified bundles and source maps are recognised by name."""
    assert minified_name(path) is expected


def test_minified_content_long_lines() -> None:
    """A .js/.css head whose average line exceeds 110 characters is minified."""
    bundle = b"var a=1;" * 40 + b"\n" + b"function f(){return 2}" * 10
    assert minified_content("app.js", bundle)
    assert minified_content("s.css", b"a{color:red}" * 20)
    assert not minified_content("app.py", bundle)
    assert not minified_content("app.js", b"const a = 1;\nconst b = 2;\n")
    assert not minified_content("app.js", b"")


def test_minified_content_source_map_comment() -> None:
    """A sourceMappingURL or sourceURL comment in the last two lines marks generated output."""
    body = b"const a = 1;\n" * 5
    assert minified_content("a.js", body + b"//# sourceMappingURL=a.js.map\n")
    assert minified_content("a.mjs", body + b"//@ sourceURL=a.mjs\n\n")
    assert minified_content("a.css", body + b"/*# sourceMappingURL=a.css.map */")
    assert not minified_content("a.js", b"//# sourceMappingURL=a.js.map\n" + body)


@pytest.mark.parametrize(
    "header",
    [
        b"// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n",
        b"# Code generated by sqlc. DO NOT EDIT.\n",
        b"# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n",
        b"/**\n * @generated SignedSource<<abc>>\n */\n",
        b"\n" * 39 + b"// Code generated by x. DO NOT EDIT.\n",
    ],
)
def test_generated_content(header: bytes) -> None:
    """Generator headers in a comment within the first 40 lines are recognised."""
    assert generated_content(header)


@pytest.mark.parametrize(
    "head",
    [
        b"\n" * 40 + b"// Code generated by x. DO NOT EDIT.\n",
        b'MARKER = "DO NOT EDIT!"\n',
        b"x = 1  # mentions user@generated.example\n",
        b"print('hello')\n",
    ],
)
def test_not_generated_content(head: bytes) -> None:
    """Markers after line 40, outside comments, or inside words are not generator headers."""
    assert not generated_content(head)


@pytest.mark.parametrize(
    "head",
    [
        b"-----BEGIN PGP SIGNATURE-----\n\niQIzBAABCAAdFiEE\n-----END PGP SIGNATURE-----\n",
        b"\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n",
        b"-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n",
    ],
)
def test_signatures_and_keys_are_generated(head: bytes) -> None:
    """What gpg and ssh-keygen write (a release's `.asc` files) is no one's knowledge."""
    assert generated_content(head)


def test_a_clear_signed_message_is_not_generated() -> None:
    """Its text is someone's; only the signature under it is gpg's."""
    head = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nRelease notes\n"
    assert not generated_content(head)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("sig/v1.7/sha256sum.txt", True),
        ("SHA256SUMS", True),
        ("release/jq-1.7.tar.gz.sha256", True),
        ("dist-info/x.md5", True),
        ("checksums.txt", True),
        ("docs/checksums.md", False),
        ("src/sha256.c", False),
        ("notes.txt", False),
    ],
)
def test_checksum_lists_are_generated(path: str, expected: bool) -> None:
    """Checksum lists are a tool's output; by their names, since a .txt head is not read."""
    assert (run({path: b"abc  x\n"}).get(path) == "generated") is expected
    assert not needs_content(path) or not expected


def test_this_module_is_not_generated() -> None:
    """The filters module names the markers in its own code without looking generated."""
    head = Path(filters.__file__).read_bytes()[:8000]
    assert not generated_content(head)


def test_binary_content_uses_first_8000_bytes() -> None:
    """A NUL byte in the first 8000 bytes means binary, as git decides."""
    assert binary_content(b"PK\x03\x04\x00\x00")
    assert not binary_content(b"plain text\n")
    assert not binary_content(b"a" * 8000 + b"\x00")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("logo.PNG", True),
        ("a/b.jar", True),
        ("lib.so", True),
        ("font.woff2", True),
        ("src/a.py", False),
        ("README.md", False),
        ("conf.yaml", False),
        ("Makefile", False),
        ("LICENSE", False),
        (".gitignore", False),
        ("data.bin", None),
        ("blob.db", None),
        ("noextension", None),
    ],
)
def test_binary_extension(path: str, expected: bool | None) -> None:
    """Known binary types are True, known text False, anything else is left to content."""
    assert binary_extension(path) is expected


@pytest.mark.parametrize(
    "path",
    [
        "a.py",
        "b.ts",
        "c.go",
        "d.rs",
        "analysis.R",
        "x.r",
        "Main.java",
        "Makefile",
        "Dockerfile",
        "Dockerfile.prod",
        "CMakeLists.txt",
        "cmake/x.cmake",
        "Jenkinsfile",
        "Rakefile",
        "infra/main.tf",
        "q.sql",
        "run.sh",
    ],
)
def test_code_file(path: str) -> None:
    """Programming-language files are code, by extension or well-known name."""
    assert code_file(path)


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        "notes.txt",
        "doc.rst",
        "d.json",
        "c.yaml",
        "p.toml",
        "s.ini",
        "x.xml",
        "Gemfile",
    ],
)
def test_not_code_file(path: str) -> None:
    """Documentation, data and configuration are not code."""
    assert not code_file(path)


# --- needs_content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("src/app.py", True),
        ("web/app.js", True),
        ("web/site.css", True),
        ("blob.unknown", True),
        ("README.md", False),
        ("conf/settings.yaml", False),
        ("logo.png", False),
        ("node_modules/x/index.js", False),
        ("package-lock.json", False),
        ("dist/app.min.js", False),
    ],
)
def test_needs_content(path: str, expected: bool) -> None:
    """Content is read only for code (generated header), .js/.css (minified) and unknown types."""
    assert needs_content(path) is expected


def test_needs_content_follows_attributes() -> None:
    """Attributes decide too: an overridden vendor file needs content, a generated one does not."""
    rules = rules_of(("", "vendor/keep/** -linguist-vendored\ngen/** linguist-generated\n"))
    assert needs_content("vendor/keep/a.py", rules)
    assert not needs_content("vendor/other/a.py", rules)
    assert not needs_content("gen/a.py", rules)


# --- classify ------------------------------------------------------------------------------


def test_classify_every_reason() -> None:
    """Each default rule produces its documented reason; ordinary files stay included."""
    files: dict[str, bytes | None] = {
        "src/main.py": b"print('hi')\n",
        "README.md": None,
        "secret/x.py": b"",
        "vendor/lib.py": b"",
        "yarn.lock": None,
        "static/app.min.js": None,
        "static/bundle.js": b"x" * 500,
        "api/pb.go": b"// Code generated by protoc-gen-go. DO NOT EDIT.\n",
        "img/logo.png": None,
        "blob.unknown": b"\x00\x01\x02",
    }
    assert run(files, exclude=("secret/**",)) == {
        "secret/x.py": "excluded by config",
        "vendor/lib.py": "vendored",
        "yarn.lock": "lock file",
        "static/app.min.js": "minified",
        "static/bundle.js": "minified",
        "api/pb.go": "generated",
        "img/logo.png": "binary",
        "blob.unknown": "binary",
    }


def test_classify_attributes() -> None:
    """linguist-vendored / linguist-generated / binary attributes exclude files they set."""
    rules = rules_of(("", "lib/** linguist-vendored\nschema.py linguist-generated\n*.dat binary\n"))
    files: dict[str, bytes | None] = {"lib/a.py": b"", "schema.py": b"", "x.dat": None}
    assert run(files, rules) == {
        "lib/a.py": "vendored",
        "schema.py": "generated",
        "x.dat": "binary",
    }


def test_explicit_false_keeps_a_file_inside_vendor() -> None:
    """'-linguist-vendored' keeps a vendor/ file; 'linguist-generated=false' keeps a lock file."""
    rules = rules_of(
        ("", "vendor/ours/** -linguist-vendored\nyarn.lock linguist-generated=false\n")
    )
    files: dict[str, bytes | None] = {
        "vendor/ours/a.py": b"",
        "vendor/theirs/b.py": b"",
        "yarn.lock": None,
    }
    assert run(files, rules) == {"vendor/theirs/b.py": "vendored"}


def test_explicit_false_vendored_still_checks_other_rules() -> None:
    """Un-vendoring a file does not shield it from the generated and binary checks."""
    rules = rules_of(("vendor", "** -linguist-vendored\n"))
    files: dict[str, bytes | None] = {"vendor/a.png": None, "vendor/a.min.js": None}
    assert run(files, rules) == {"vendor/a.png": "binary", "vendor/a.min.js": "minified"}


def test_generated_attribute_beats_vendored_path() -> None:
    """An explicit linguist-generated is checked before the vendored path heuristic."""
    rules = rules_of(("", "*.pb.go linguist-generated\n"))
    assert run({"vendor/x.pb.go": b""}, rules) == {"vendor/x.pb.go": "generated"}


def test_binary_attribute_false_keeps_a_binary_extension() -> None:
    """'-binary' overrides the extension and content checks, like the linguist overrides."""
    rules = rules_of(("", "*.png -binary\n"))
    assert run({"diagram.png": None, "other.bin": b"\x00"}, rules) == {"other.bin": "binary"}


def test_git_lfs_files_are_the_binaries_they_point_to() -> None:
    """`filter=lfs` files are text pointers to large files kept elsewhere: judged binary,
    without reading the pointer. `-binary` still keeps one; another filter, or one removed
    deeper down, does not exclude."""
    rules = rules_of(
        ("", "*.pt filter=lfs diff=lfs merge=lfs -text\n*.psd filter=lfs -binary\n"),
        ("", "*.py filter=black\n"),
        ("keep", "*.pt !filter\n"),
    )
    assert [r.attributes for r in parse_gitattributes("*.pt filter=lfs -text\n", "")] == [
        {LFS: True}
    ]
    files: dict[str, bytes | None] = {
        "models/weights.pt": b"version https://git-lfs.github.com/spec/v1\n",
        "art/cover.psd": None,
        "src/a.py": b"x = 1\n",
        "keep/small.pt": b"text\n",
    }
    assert run(files, rules) == {"models/weights.pt": "binary"}
    assert not needs_content("models/weights.pt", rules)
    assert needs_content("keep/small.pt", rules)


def test_documentation_attribute_does_not_exclude() -> None:
    """linguist-documentation files keep their owners, so they stay in the analysis."""
    rules = rules_of(("", "docs/** linguist-documentation\n"))
    assert run({"docs/guide.md": None}, rules) == {}


def test_user_globs_come_first() -> None:
    """A user exclude glob wins over every default reason."""
    result = run({"vendor/a.py": b"", "b.png": None}, exclude=("vendor/**", "*.png"))
    assert result == {"vendor/a.py": "excluded by config", "b.png": "excluded by config"}


def test_default_excludes_off_keeps_vendored_and_binary() -> None:
    """With default_excludes False only user globs and the scope exclude files."""
    files: dict[str, bytes | None] = {
        "vendor/lib.py": b"",
        "logo.png": None,
        "yarn.lock": None,
        "tmp/x.py": b"",
    }
    rules = rules_of(("", "*.py linguist-generated\n"))
    assert run(files, rules, default_excludes=False, exclude=("tmp/**",)) == {
        "tmp/x.py": "excluded by config"
    }


def test_scope_code_excludes_non_code() -> None:
    """scope 'code' leaves out docs, data and config, with or without default excludes."""
    files: dict[str, bytes | None] = {"a.py": b"", "README.md": None, "c.yaml": None}
    expected = {"README.md": "not code", "c.yaml": "not code"}
    assert run(files, scope="code") == expected
    assert run(files, scope="code", default_excludes=False) == expected


def test_default_reason_comes_before_scope() -> None:
    """A file both binary and not code is reported with its default reason."""
    assert run({"logo.png": None}, scope="code") == {"logo.png": "binary"}


def test_unread_content_keeps_the_file() -> None:
    """Without a head, content rules cannot fire and the file stays in."""
    assert run({"blob.unknown": None, "app.js": None, "x.go": None}) == {}


def test_unknown_scope_is_rejected() -> None:
    """A scope other than 'all' or 'code' is a programming error."""
    with pytest.raises(ValueError, match="scope"):
        run({"a.py": b""}, scope="docs")


# --- properties -----------------------------------------------------------------------------

segments = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=8
)
paths = st.lists(segments, min_size=1, max_size=5).map("/".join)
plain_paths = st.lists(
    st.text(alphabet="abcXYZ019._- ", min_size=1, max_size=8), min_size=1, max_size=5
).map("/".join)
known_paths = st.builds(
    "/".join,
    st.lists(st.sampled_from(["src", "vendor", "node_modules", "gen", "x", "a b"]), max_size=3),
).flatmap(
    lambda parent: st.sampled_from(
        ["a.py", "a.js", "a.css", "a.min.js", "yarn.lock", "a.png", "a.md", "a.bin", "LICENSE"]
    ).map(lambda name: f"{parent}/{name}" if parent else name)
)
telling_heads = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [b"\x00\x01", b"x" * 500, b"// Code generated by x. DO NOT EDIT.\n", b"plain text\n"]
    ),
)
heads = st.one_of(st.none(), telling_heads)
attribute_text = st.lists(
    st.tuples(
        st.sampled_from(["*", "*.py", "*.js", "vendor/**", "**/gen/*", "a*", "[!a]*", "x/"]),
        st.sampled_from(["", "-", "!"]),
        st.sampled_from([VENDORED, GENERATED, "binary", "linguist-documentation"]),
    ),
    max_size=4,
).map(lambda lines: "".join(f"{p} {sign}{name}\n" for p, sign, name in lines))


@given(paths)
def test_double_star_matches_every_path(path: str) -> None:
    """'**' matches any relative path."""
    assert wildmatch("**", path)


@given(plain_paths)
def test_pattern_equal_to_path_matches(path: str) -> None:
    """A pattern without special characters matches the identical path."""
    assert wildmatch(path, path)


@given(paths)
def test_escaped_path_matches_itself(path: str) -> None:
    """Escaping the glob characters of any path gives a pattern that matches exactly it."""
    pattern = re.sub(r"([*?\[\\])", r"\\\1", path)
    assert wildmatch(pattern, path)
    assert not wildmatch(pattern, path + "x")


@given(paths)
def test_single_star_never_crosses_a_slash(path: str) -> None:
    """An anchored '/*' matches exactly the paths of one segment."""
    assert wildmatch("/*", path) is ("/" not in path)


@given(
    st.dictionaries(st.one_of(paths, known_paths), heads, max_size=6),
    attribute_text,
    st.booleans(),
    st.sampled_from(["all", "code"]),
    st.lists(st.sampled_from(["*.md", "docs/**", "**/x*", "[a-c]*"]), max_size=2),
)
def test_classify_reasons_are_documented(
    files: dict[str, bytes | None],
    text: str,
    default_excludes: bool,
    scope: str,
    exclude: list[str],
) -> None:
    """classify only returns documented reasons, for paths it was given."""
    result = run(
        files,
        parse_gitattributes(text, ""),
        default_excludes=default_excludes,
        scope=scope,
        exclude=tuple(exclude),
    )
    assert set(result) <= set(files)
    assert set(result.values()) <= REASONS


@given(
    st.one_of(paths, known_paths),
    telling_heads,
    attribute_text,
    st.sampled_from(["all", "code"]),
)
def test_head_only_matters_when_content_is_needed(
    path: str, head: bytes, text: str, scope: str
) -> None:
    """When needs_content is False, classify decides the same with or without the head."""
    rules = parse_gitattributes(text, "")
    if not needs_content(path, rules):
        assert run({path: head}, rules, scope=scope) == run({path: None}, rules, scope=scope)


# --- globs that would make the regex engine backtrack without end ---------------------------

_GLOB_PIECES = st.lists(
    st.sampled_from(["a", "b", "/", "*", "?", "**/", "[ab]"]), min_size=1, max_size=8
)


def _plain_regex(pattern: str) -> re.Pattern[str] | None:
    """The regex before `glob_regex`: the pieces joined as they are (it backtracks)."""
    pieces = filters._pieces(pattern)
    return re.compile("".join(pieces), re.DOTALL) if pieces is not None else None


@settings(max_examples=500)
@given(_GLOB_PIECES, st.text(alphabet="ab/", max_size=12))
@example(["**/", "a", "*", "b", "*"], "a/a/ab")  # `**/` before `*`: the first fit is wrong
@example(["*", "a", "*", "b"], "aab")
def test_the_atomic_groups_match_what_the_plain_regex_matches(pieces: list[str], path: str) -> None:
    """Taking the first place for a `*` or `**/` between two wildcards changes no answer."""
    pattern = "".join(pieces)
    plain, safe = _plain_regex(pattern), filters._compile(pattern)
    if plain is None or safe is None:
        return  # git rejects it, or it holds more backtracking globstars than allowed
    assert (safe.fullmatch(path) is not None) == (plain.fullmatch(path) is not None)


def test_a_glob_of_many_stars_is_answered_at_once() -> None:
    """`*a*a…*b` on a long name backtracked for hours; `**/a/**/a/…` on a deep path too."""
    assert not wildmatch("*a" * 12 + "*b", "a" * 200)
    assert wildmatch("*a" * 12 + "*b", "a" * 200 + "b")
    assert not wildmatch("**/a/" * 6 + "**/b", "a/" * 300 + "c")
    assert wildmatch("**/a/" * 2 + "**/b", "x/a/y/a/z/b")


# --- the attribute index answers as the rules read one by one -------------------------------

_INDEX_SHAPES = st.sampled_from(
    # the shapes the index looks up: literal names and paths, `*` + text, `dir/**` ...
    [
        *("a", "a.py", "/a", "/x/a", "x/a", "*.py", "*a", "*y/a.py", "x/**", "/x/**", "x/y/**"),
        # ... and shapes near them that it must leave to the regex (or that match nothing)
        *("a/", "/", "*", "**", "**.py", "/*.py", "*x/a", "x/*", "x/**/a", "\\a"),
    ]
)
_INDEX_PATTERNS = st.one_of(
    _INDEX_SHAPES,
    st.lists(st.sampled_from(["a", "x", ".py", "/", "*", "?", "**/", "[ax]"]), min_size=1).map(
        "".join
    ),
)
_INDEX_PATHS = st.lists(st.sampled_from(["a", "x", "y", "a.py", "xa"]), min_size=1, max_size=4).map(
    "/".join
)


@settings(max_examples=1000)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "", "x", "x/y"]),
            _INDEX_PATTERNS,
            st.sampled_from([VENDORED, GENERATED]),
            st.sampled_from([True, False, None]),
        ),
        max_size=6,
    ),
    st.lists(_INDEX_PATHS, min_size=1, max_size=5),
)
@example([("x", "a", VENDORED, True), ("", "/x/a", VENDORED, False)], ["x/a", "x/y/a"])
@example([("", "/*.py", VENDORED, True), ("x", "*.py", GENERATED, True)], ["x/a.py", "y/a.py"])
@example([("", "/x/a", VENDORED, True), ("", "x/a", VENDORED, False)], ["x/a"])
@example([("", "*.py", VENDORED, True), ("x", "a.py", VENDORED, False)], ["x/a.py", "a.py"])
def test_the_attribute_index_answers_as_the_rules_in_order(
    lines: list[tuple[str, str, str, bool | None]], queries: list[str]
) -> None:
    """Looked up by pattern shape, the newest matching rule still wins, base by base."""
    rules = [AttributeRule(base, pattern, {name: value}) for base, pattern, name, value in lines]
    index = filters.AttributeIndex(rules)
    every = filters._NameIndex()  # all matches, as the glob index asks (bases included)
    for position, rule in enumerate(rules):
        every.add(position, rule)
    for path in queries:
        for name in (VENDORED, GENERATED):
            assert index.value(path, name) == attribute_value(path, rules, name), (path, name)
        expected = [
            n
            for n, rule in enumerate(rules)
            if path.startswith(prefix := rule.base + "/" if rule.base else "")
            and wildmatch(rule.pattern, path[len(prefix) :])
        ]
        assert sorted(set(every.all_matches(path))) == expected, path


def test_thousands_of_generated_attribute_lines_classify_at_once() -> None:
    """A generated `.gitattributes` naming 30,000 files one per line stalled a scan for
    minutes: every rule was compiled again and matched on every path."""
    lines = []
    for n in range(30_000):
        shape = (f"gen{n}.py", f"/src/f{n}.py", f"*.ext{n}", f"out{n}/**")[n % 4]
        lines.append(f"{shape} linguist-{'generated' if n % 2 else 'vendored'}")
    rules = parse_gitattributes("\n".join(lines), "")
    files = {f"src/f{n}.py": None for n in range(4_000)}
    files |= {f"a/gen{n}.py": None for n in range(0, 4_000, 4)}
    files |= {"out7/deep/x.c": None, "x.ext2": None, "x.ext3": None}
    result = run(files, rules)
    assert result["src/f1.py"] == "generated"
    assert "src/f2.py" not in result
    assert result["a/gen0.py"] == "vendored"
    assert result["out7/deep/x.c"] == "generated"
    assert result["x.ext2"] == "vendored"
    assert "x.ext3" not in result
    assert len(result) == 1_000 + 1_000 + 2


@settings(max_examples=500)
@given(st.lists(_INDEX_PATTERNS, max_size=8), st.lists(_INDEX_PATHS, min_size=1, max_size=5))
@example(["x/**", "*.py", "a", "/x/a", "x/a"], ["x/a", "x/y/a.py"])
def test_the_glob_index_finds_every_glob_that_matches(globs: list[str], paths: list[str]) -> None:
    """Excludes and components: every glob `wildmatch` says matches, and no other."""
    index = filters.GlobIndex(globs)
    for path in paths:
        expected = [n for n, glob in enumerate(globs) if wildmatch(glob, path)]
        assert sorted(set(index.matching(path))) == expected, path
        assert index.any(path) is bool(expected)


def test_hundreds_of_components_are_assigned_at_once() -> None:
    """300 configured `dir/**` components on 10,000 files took 4 s, each glob matched on
    each file; files in two components' folders belong to both."""
    paths = [f"d{n % 500}/sub{n % 3}/f{n}.py" for n in range(10_000)]
    configured = [(f"c{n}", [f"d{n}/**"]) for n in range(300)]
    configured.append(("tests", ["**/sub1/*.py", "d7/sub0/f507.py"]))
    members = assign_components(paths, configured)
    assert members["c7"] == sorted(p for p in paths if p.startswith("d7/"))
    in_sub1 = [p for p in paths if "/sub1/" in p]
    assert members["tests"] == sorted([*in_sub1, "d7/sub0/f507.py"])
    # a file no other component claims falls to its folder's default component
    unclaimed = [p for p in paths if p.startswith("d400/") and p not in in_sub1]
    assert members["d400"] == sorted(unclaimed)
