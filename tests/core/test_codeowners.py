"""Tests for busfactor.core.codeowners: finding, parsing and matching CODEOWNERS, and drift."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from busfactor.core.codeowners import (
    CODEOWNERS_LOCATIONS,
    CodeOwners,
    DriftFinding,
    OwnerRule,
    PersonInfo,
    detect_flavour,
    drift_findings,
    find_codeowners,
    match_pattern,
    owners_of,
    parse_codeowners,
    resolve_owner,
    suggest_codeowners,
)


def parse(text: str, flavour: str = "github", path: str = "CODEOWNERS") -> CodeOwners:
    """parse_codeowners with a default path."""
    return parse_codeowners(text, path=path, flavour=flavour)


def owners(codeowners: CodeOwners, path: str) -> tuple[str, ...]:
    """The owners `path` gets."""
    return owners_of(codeowners, path)[1]


def line_of(codeowners: CodeOwners, path: str) -> int | None:
    """The line of the rule that decides `path`."""
    rule = owners_of(codeowners, path)[0]
    return None if rule is None else rule.line


def person(
    person_id: str,
    *,
    active: bool = True,
    commits: int = 5,
    name: str = "",
    aliases: tuple[str, ...] = (),
) -> PersonInfo:
    """A PersonInfo whose email is its id."""
    return PersonInfo(
        person_id, name or person_id.partition("@")[0], person_id, aliases, active, commits
    )


def people_of(*infos: PersonInfo) -> dict[str, PersonInfo]:
    """People by id."""
    return {info.id: info for info in infos}


# --- where the file lives -------------------------------------------------------------------


def test_locations_table_lists_each_platform_in_its_search_order() -> None:
    """The location table gives GitHub's, GitLab's and Bitbucket's candidates in their order."""
    assert CODEOWNERS_LOCATIONS["github"] == (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
    assert CODEOWNERS_LOCATIONS["gitlab"] == ("CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
    assert CODEOWNERS_LOCATIONS["bitbucket"] == (".bitbucket/CODEOWNERS",)


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ({"CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"}, (".github/CODEOWNERS", "github")),
        (["docs/CODEOWNERS", "CODEOWNERS"], ("CODEOWNERS", "github")),
        (["docs/CODEOWNERS", ".gitlab/CODEOWNERS"], ("docs/CODEOWNERS", "github")),
        ([".gitlab/CODEOWNERS", ".bitbucket/CODEOWNERS"], (".gitlab/CODEOWNERS", "gitlab")),
        ([".bitbucket/CODEOWNERS", "src/CODEOWNERS"], (".bitbucket/CODEOWNERS", "bitbucket")),
        (["src/CODEOWNERS", "codeowners", "README.md"], None),
    ],
)
def test_find_codeowners_takes_the_first_present_location(
    paths: list[str], expected: tuple[str, str] | None
) -> None:
    """The first of .github/, root, docs/, .gitlab/, .bitbucket/ wins, with its place's flavour."""
    assert find_codeowners(paths) == expected


@pytest.mark.parametrize(
    ("path", "text", "flavour"),
    [
        ("CODEOWNERS", "* @a\n", "github"),
        ("CODEOWNERS", "* @a\n\n[Docs] @docs\ndocs/\n", "gitlab"),
        ("docs/CODEOWNERS", "^[Optional]\n*.md @a\n", "gitlab"),
        ("CODEOWNERS", "[Section][2]\n", "gitlab"),
        (".gitlab/CODEOWNERS", "* @a\n", "gitlab"),
        (".bitbucket/CODEOWNERS", "[Docs]\n* @a\n", "bitbucket"),
        ("CODEOWNERS", "[abc].txt @a\n[] @b\n", "github"),
    ],
)
def test_detect_flavour_from_place_and_section_headers(path: str, text: str, flavour: str) -> None:
    """A .gitlab/ place or a "[Section]" header means GitLab, .bitbucket/ means Bitbucket."""
    assert detect_flavour(path, text) == flavour


def test_parse_turns_github_into_gitlab_when_the_file_has_sections() -> None:
    """parse_codeowners decides GitLab for a root file with a section header."""
    assert parse("[Docs] @docs\ndocs/\n").flavour == "gitlab"
    assert parse("* @a\n").flavour == "github"


def test_parse_rejects_an_unknown_flavour() -> None:
    """An unknown flavour is a programming error."""
    with pytest.raises(ValueError, match="flavour"):
        parse("* @a\n", flavour="gitea")


# --- pattern semantics (GitHub's documented examples) -----------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*", "README.md", True),
        ("*", "deeply/nested/file.py", True),
        ("*.js", "app.js", True),
        ("*.js", "src/web/app.js", True),
        ("*.js", "app.jsx", False),
        ("*.go", "cmd/main.go", True),
        ("docs/*", "docs/getting-started.md", True),
        ("docs/*", "docs/build-app/troubleshooting.md", False),
        ("docs/*", "guide/docs/getting-started.md", False),
        ("apps/", "apps/web/index.js", True),
        ("apps/", "services/apps/api/main.go", True),
        ("apps/", "apps", False),
        ("apps/", "myapps/x.js", False),
        ("/docs/", "docs/index.md", True),
        ("/docs/", "docs/deep/er/page.md", True),
        ("/docs/", "src/docs/index.md", False),
        ("/build/logs/", "build/logs/today.log", True),
        ("/build/logs/", "build/logs/old/2020.log", True),
        ("/build/logs/", "src/build/logs/x.log", False),
        ("/scripts/", "scripts/release.sh", True),
        ("**/logs", "build/logs/a.log", True),
        ("**/logs", "scripts/logs/a.log", True),
        ("**/logs", "deeply/nested/logs/a.log", True),
        ("**/logs", "logs/a.log", True),
        ("**/logs", "catalogs/a.log", False),
        ("/apps/github", "apps/github/main.rb", True),
        ("/apps/github", "apps/githubber/main.rb", False),
        ("apps/github", "x/apps/github/main.rb", False),
        ("README.md", "README.md", True),
        ("README.md", "docs/README.md", True),
        ("README.md", "readme.md", False),
        ("Docs/", "docs/index.md", False),
        ("lib", "lib/a.py", True),
        ("lib", "src/lib/a.py", True),
        ("lib", "library.py", False),
        ("/*", "setup.py", True),
        ("/*", "src/setup.py", False),
        ("docs/**", "docs/a/b/c.md", True),
        ("docs/**", "docs", False),
        ("docs/**/*.md", "docs/a.md", True),
        ("docs/**/*.md", "docs/a/b/c.md", True),
        ("docs/**/*.md", "docs/a/b/c.txt", False),
        ("src/*/test", "src/pkg/test/t.py", True),
        ("src/*/test", "src/a/b/test/t.py", False),
        ("f?o.txt", "foo.txt", True),
        ("f?o.txt", "fooo.txt", False),
        ("f\\*o", "f*o", True),
        ("f\\*o", "foo", False),
        ("path with spaces/", "path with spaces/a.txt", True),
        ("", "a.txt", False),
        ("/", "a.txt", False),
    ],
)
def test_match_pattern(pattern: str, path: str, matches: bool) -> None:
    """Patterns follow GitHub's gitignore-like semantics, case-sensitively."""
    assert match_pattern(pattern, path) is matches


GITHUB_EXAMPLE = """\
# Lines starting with '#' are comments.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
"""


@pytest.mark.parametrize(
    ("path", "line", "expected"),
    [
        ("LICENSE", 2, ("@global-owner1", "@global-owner2")),
        ("web/app.js", 3, ("@js-owner",)),
        ("cmd/main.go", 4, ("docs@example.com",)),
        ("notes.txt", 5, ("@octo-org/octocats",)),
        ("build/logs/a.js", 10, ("@octocat",)),
        ("docs/index.js", 7, ("docs@example.com",)),
        ("docs/deep/index.js", 3, ("@js-owner",)),
        ("scripts/deploy.sh", 9, ("@doctocat", "@octocat")),
        ("apps/web/main.rb", 11, ("@octocat",)),
        ("apps/github/main.rb", 12, ()),
    ],
)
def test_last_matching_line_wins_on_github(path: str, line: int, expected: tuple[str, ...]) -> None:
    """The last matching rule decides alone; owners are not merged, and no owners means unowned."""
    codeowners = parse(GITHUB_EXAMPLE)
    assert codeowners.errors == ()
    assert (line_of(codeowners, path), owners(codeowners, path)) == (line, expected)


def test_no_matching_rule_gives_no_rule_and_no_owner() -> None:
    """A path no rule matches has neither rule nor owners."""
    assert owners_of(parse("/docs/ @a\n"), "src/a.py") == (None, ())


# --- parsing ---------------------------------------------------------------------------------


def test_parse_skips_comments_and_blank_lines_and_counts_lines() -> None:
    """Comments, indented comments and blank lines give no rule; rule lines are 1-based."""
    codeowners = parse("# header\n\n   \n  # indented\n*.py @a\r\n\t/docs/\t@b  @c\n")
    assert codeowners.rules == (
        OwnerRule(5, "*.py", ("@a",), None, False),
        OwnerRule(6, "/docs/", ("@b", "@c"), None, False),
    )


def test_inline_comment_ends_a_github_line() -> None:
    """On GitHub a word starting with "#" starts a comment; a "#" inside a word does not."""
    codeowners = parse("*.js @a # @b is not an owner\nissue#1.md @c#d\n")
    assert codeowners.rules[0].owners == ("@a",)
    assert codeowners.errors == ((2, "not an owner: @c#d"),)


def test_escaped_spaces_belong_to_the_pattern() -> None:
    """ "\\ " keeps a space inside the pattern, which is stored unescaped."""
    codeowners = parse("my\\ docs/read\\ me.md @a\n")
    assert codeowners.rules[0].pattern == "my docs/read me.md"
    assert owners(codeowners, "my docs/read me.md") == ("@a",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("!docs/ @a\n", "GitHub does not support negation ('!')"),
        ("\\#notes.md @a\n", "GitHub does not support escaping '#'"),
        ("*.[ch] @a\n", "GitHub does not support character ranges ('[ ]')"),
        ("docs/ octocat\n", "not an owner: octocat"),
        ("docs/ @@maintainer\n", "not an owner: @@maintainer"),
        ("docs/ @a @ @b\n", "not an owner: @"),
    ],
)
def test_invalid_github_lines_are_errors_and_skipped(text: str, message: str) -> None:
    """A line GitHub would reject is reported with its line number and left out of the rules."""
    codeowners = parse("* @all\n" + text)
    assert codeowners.errors == ((2, message),)
    assert [rule.line for rule in codeowners.rules] == [1]


def test_owner_forms_are_kept_as_written() -> None:
    """Users, teams and emails are kept verbatim, each once."""
    codeowners = parse("* @Octo-Cat @org/team-a dev.ops+x@example.co.uk @Octo-Cat\n")
    assert codeowners.rules[0].owners == ("@Octo-Cat", "@org/team-a", "dev.ops+x@example.co.uk")


# --- GitLab ----------------------------------------------------------------------------------

GITLAB_EXAMPLE = """\
* @default
*.md @writer

[Docs] @docs-team @docs-lead
docs/
*.md @tech-writer

^[Ruby][2] @ruby-team
*.rb
lib/legacy/ @old-guard

[Config]
!/config/secrets.yml
/config/ @ops

[docs]
api/ @api-docs
"""


def test_gitlab_sections_default_owners_and_flags() -> None:
    """Rules inherit their section's default owners and record its name and optional flag."""
    codeowners = parse(GITLAB_EXAMPLE, flavour="gitlab")
    assert codeowners.errors == ()
    assert codeowners.rules == (
        OwnerRule(1, "*", ("@default",), None, False),
        OwnerRule(2, "*.md", ("@writer",), None, False),
        OwnerRule(5, "docs/", ("@docs-team", "@docs-lead"), "Docs", False),
        OwnerRule(6, "*.md", ("@tech-writer",), "Docs", False),
        OwnerRule(9, "*.rb", ("@ruby-team",), "Ruby", True),
        OwnerRule(10, "lib/legacy/", ("@old-guard",), "Ruby", True),
        OwnerRule(13, "!/config/secrets.yml", (), "Config", False),
        OwnerRule(14, "/config/", ("@ops",), "Config", False),
        OwnerRule(17, "api/", ("@api-docs",), "docs", False),
    )


@pytest.mark.parametrize(
    ("path", "line", "expected"),
    [
        ("src/main.c", 1, ("@default",)),
        ("README.md", 6, ("@writer", "@tech-writer")),
        ("docs/guide.txt", 5, ("@default", "@docs-team", "@docs-lead")),
        ("docs/guide.md", 6, ("@writer", "@tech-writer")),
        ("lib/a.rb", 9, ("@default", "@ruby-team")),
        ("lib/legacy/a.rb", 10, ("@default", "@old-guard")),
        ("config/app.yml", 14, ("@default", "@ops")),
        ("config/secrets.yml", 14, ("@default",)),
        ("api/v1.txt", 17, ("@default", "@api-docs")),
    ],
)
def test_gitlab_owners_are_the_union_over_sections(
    path: str, line: int, expected: tuple[str, ...]
) -> None:
    """Each section's last match applies; sections with one name, any case, are one section."""
    codeowners = parse(GITLAB_EXAMPLE, flavour="gitlab")
    assert (line_of(codeowners, path), owners(codeowners, path)) == (line, expected)


def test_gitlab_exclusion_is_final_within_its_section_only() -> None:
    """A matching "!path" removes its section's ownership wherever it stands, not others'."""
    text = "* @all\n[Build]\n!*.lock\n* @build\n[Deps]\n*.lock @deps\n"
    codeowners = parse(text, flavour="gitlab")
    assert owners(codeowners, "poetry.lock") == ("@all", "@deps")
    assert owners(codeowners, "Makefile") == ("@all", "@build")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[]\n* @a\n", (1, "missing section name")),
        ("[Docs][x] @a\ndocs/\n", (1, "approval count 'x' is not a number")),
        ("[Docs]\ndocs/\n", (2, "no owners, and the section has no default owners")),
        ("[Docs] @a\n!docs/old/ @b\n", (2, "an exclusion takes no owners")),
    ],
)
def test_gitlab_syntax_errors(text: str, error: tuple[int, str]) -> None:
    """Empty section names, bad approval counts, ownerless rules and owned exclusions are errors."""
    assert parse(text, flavour="gitlab").errors == (error,)


def test_gitlab_has_no_inline_comments() -> None:
    """On GitLab, owners after a "#" still count, and the non-owner words are reported."""
    codeowners = parse("[Docs]\nREADME.md @a # ask @b\n", flavour="gitlab")
    assert codeowners.rules[0].owners == ("@a", "@b")
    message = "not an owner: # ask (GitLab has no inline comments: owners after '#' still count)"
    assert codeowners.errors == ((2, message),)


def test_gitlab_roles_nested_groups_and_escaped_hash() -> None:
    """GitLab reads "@@role" owners, nested groups and "\\#" patterns."""
    codeowners = parse("\\#notes.md @@maintainer @group/sub/team\n", flavour="gitlab")
    assert codeowners.errors == ()
    assert owners(codeowners, "#notes.md") == ("@@maintainer", "@group/sub/team")


# --- Bitbucket -------------------------------------------------------------------------------


def test_bitbucket_last_match_exclusions_and_directives() -> None:
    """Bitbucket: last match wins, a last-matching "!path" unowns, directives are not rules."""
    text = (
        "@@@Devs @ann @bob\n"
        "OverallCheck(2)\n"
        "Check(@@Devs >= 1)\n"
        "CODEOWNERS.toplevel.assignment_routing random 2\n"
        "* @@Devs\n"
        "frontend/ @ws/web:random(2)\n"
        "!frontend/tests/\n"
        '"a path/with spaces/*" @"Ann Smith"\n'
    )
    codeowners = parse(text, flavour="bitbucket", path=".bitbucket/CODEOWNERS")
    assert codeowners.errors == ()
    assert [rule.line for rule in codeowners.rules] == [5, 6, 7, 8]
    assert owners(codeowners, "frontend/app.ts") == ("@ws/web:random(2)",)
    assert owners_of(codeowners, "frontend/tests/a.ts") == (codeowners.rules[2], ())
    assert owners(codeowners, "a path/with spaces/x.md") == ('@"Ann Smith"',)


# --- owner resolution ------------------------------------------------------------------------

PEOPLE = people_of(
    person("ada@example.com", aliases=("ada@old.example.com", "Ada L")),
    person("bob@example.com", aliases=("123+bobby@users.noreply.github.com",)),
    person("cy@users.noreply.github.com"),
)


@pytest.mark.parametrize(
    ("owner", "aliases", "expected"),
    [
        ("@ada", {"@ada": ["ada@example.com"]}, ["ada@example.com"]),
        ("@ADA", {"ada": ["ADA@example.com"]}, ["ada@example.com"]),
        ("@org/core", {"@org/core": ["ada@example.com", "bob@example.com"]}, None),
        (
            "@org/core",
            {"@org/core": ["@ada", "nobody@example.com"], "@ada": ["ada@old.example.com"]},
            ["ada@example.com"],
        ),
        ("Ada@Example.com", {}, ["ada@example.com"]),
        ("ada@old.example.com", {}, ["ada@example.com"]),
        ("list@example.com", {"list@example.com": ["bob@example.com"]}, ["bob@example.com"]),
        ("stranger@example.com", {}, []),
        ("@bobby", {}, ["bob@example.com"]),
        ("@Cy", {}, ["cy@users.noreply.github.com"]),
        ("@ws/web:random(2)", {"@ws/web": ["bob@example.com"]}, ["bob@example.com"]),
        ("@org/bobby", {}, []),
        ("@unknown", {}, []),
        ("@loop", {"@loop": ["@loop"]}, []),
    ],
)
def test_resolve_owner(
    owner: str, aliases: dict[str, list[str]], expected: list[str] | None
) -> None:
    """Owners resolve through the [owners] table, known emails and GitHub noreply logins."""
    wanted = expected if expected is not None else ["ada@example.com", "bob@example.com"]
    assert resolve_owner(owner, aliases, PEOPLE) == wanted


def test_unmapped_login_is_guessed_only_when_unambiguous() -> None:
    """An unmapped "@login" matches the one person whose email user or squashed name it is."""
    people = people_of(
        person("oscar@example.com", name="Oscar Benjamin"),
        person("ada@example.com"),
        person("ada@example.org"),
    )
    assert resolve_owner("@OscarBenjamin", {}, people) == ["oscar@example.com"]
    assert resolve_owner("@oscar", {}, people) == ["oscar@example.com"]
    assert resolve_owner("@ada", {}, people) == []
    assert resolve_owner("@ada", {"@ada": ["ada@example.org"]}, people) == ["ada@example.org"]


# --- drift -----------------------------------------------------------------------------------


def drift(
    text: str,
    *,
    files: dict[str, list[str]] | None = None,
    components: dict[str, tuple[list[str], int]] | None = None,
    people: dict[str, PersonInfo] | None = None,
    aliases: dict[str, list[str]] | None = None,
    flavour: str = "github",
    runbook_bus_factor: int = 1,
) -> list[DriftFinding]:
    """drift_findings over a CODEOWNERS text with empty defaults."""
    return drift_findings(
        parse(text, flavour=flavour),
        files=files or {},
        components=components or {},
        people=people or {},
        aliases=aliases or {},
        runbook_bus_factor=runbook_bus_factor,
    )


def test_inactive_owner_points_at_each_line_it_is_declared_on() -> None:
    """An owner whose people are all inactive gives one finding per (line, owner)."""
    people = people_of(person("ada@example.com", active=False), person("bob@example.com"))
    aliases = {"@ada": ["ada@example.com"], "@bob": ["bob@example.com"]}
    findings = drift("* @bob\n\n/docs/ @ada @bob\n/api/ @ada\n", people=people, aliases=aliases)
    assert findings == [
        DriftFinding(
            "codeowners-inactive",
            "warning",
            "@ada owns /docs/ but is inactive (ada)",
            "CODEOWNERS",
            3,
            person="ada@example.com",
            owner="@ada",
            pattern="/docs/",
        ),
        DriftFinding(
            "codeowners-inactive",
            "warning",
            "@ada owns /api/ but is inactive (ada)",
            "CODEOWNERS",
            4,
            person="ada@example.com",
            owner="@ada",
            pattern="/api/",
        ),
    ]


def test_team_with_one_active_member_is_not_inactive() -> None:
    """A team is inactive only when every person it maps to is."""
    people = people_of(person("ada@example.com", active=False), person("bob@example.com"))
    aliases = {"@org/core": ["ada@example.com", "bob@example.com"]}
    assert drift("* @org/core\n", people=people, aliases=aliases) == []


def test_unknown_and_never_committed_owners_are_inactive() -> None:
    """An unmapped owner, or one whose people never committed, is reported as never committed."""
    people = people_of(person("cy@example.com", active=False, commits=0))
    findings = drift("* @org/team cy@example.com\n", people=people)
    assert [(f.line, f.owner, f.person, f.message) for f in findings] == [
        (
            1,
            "@org/team",
            None,
            "@org/team owns * but never committed here (map it to emails in [owners])",
        ),
        (1, "cy@example.com", "cy@example.com", "cy@example.com owns * but never committed here"),
    ]


def test_gitlab_roles_are_not_people() -> None:
    """An unmapped GitLab "@@role" owner gives no inactive finding."""
    assert drift("[Ops]\n/deploy/ @@maintainer\n", flavour="gitlab") == []


def test_mismatch_names_the_actual_authors_at_the_rule_line() -> None:
    """A rule whose owners author none of its files while others do points at its line."""
    people = people_of(
        person("ada@example.com", name="Ada"),
        person("bob@example.com", name="Bob"),
        person("cy@example.com", name="Cy"),
    )
    files = {
        "api/a.py": ["bob@example.com"],
        "api/b.py": ["bob@example.com", "cy@example.com"],
        "api/c.py": [],
        "web/x.js": ["ada@example.com", "bob@example.com"],
    }
    text = "* @ada\n/api/ @ada\n"
    findings = drift(text, files=files, people=people, aliases={"ada": ["ada@example.com"]})
    message = (
        "/api/: its owners (@ada) author none of its 3 files; top authors by files: Bob (2), Cy (1)"
    )
    assert findings == [
        DriftFinding("codeowners-mismatch", "warning", message, "CODEOWNERS", 2, pattern="/api/")
    ]


def test_no_mismatch_when_owners_are_unresolvable_or_files_have_no_authors() -> None:
    """Unmapped owners and author-less files give no mismatch."""
    people = people_of(person("bob@example.com"))
    files = {"api/a.py": ["bob@example.com"], "web/x.js": []}
    findings = drift("/api/ @org/api\n/web/ bob@example.com\n", files=files, people=people)
    assert [finding.rule for finding in findings] == ["codeowners-inactive"]


@pytest.mark.parametrize(
    ("text", "bus_factor", "threshold", "severity"),
    [
        ("/docs/ @a\n", 1, 1, "error"),
        ("/docs/ @a\n/billing/\n", 0, 1, "error"),
        ("/docs/ @a\n", 2, 2, "warning"),
        ("/docs/ @a\n", 2, 1, None),
        ("/docs/ @a\n/billing/ @a\n", 1, 1, None),
        ("* @a\n/billing/internal/\n", 1, 1, None),
    ],
)
def test_uncovered_component(
    text: str, bus_factor: int, threshold: int, severity: str | None
) -> None:
    """A component at or below the threshold none of whose files has an owner is uncovered."""
    components = {"billing": (["billing/a.py", "billing/internal/b.py"], bus_factor)}
    people = people_of(person("a@example.com"))
    findings = drift(
        text,
        components=components,
        people=people,
        aliases={"a": ["a@example.com"]},
        runbook_bus_factor=threshold,
    )
    uncovered = [f for f in findings if f.rule == "codeowners-uncovered"]
    if severity is None:
        assert uncovered == []
    else:
        message = f"billing: bus factor {bus_factor}, and no CODEOWNERS rule gives it an owner"
        expected = DriftFinding(
            "codeowners-uncovered", severity, message, "CODEOWNERS", 1, component="billing"
        )
        assert uncovered == [expected]


# --- suggest ---------------------------------------------------------------------------------


def test_suggest_codeowners_exact_text() -> None:
    """The draft has a fixed header, root files one by one, and each component's top authors."""
    people = people_of(
        person("ada@example.com"),
        person("bob@example.com"),
        person("42+cyd@users.noreply.github.com"),
        person("dee@example.com"),
        person("eve@example.com", active=False),
    )
    components = {
        "src/api": ["src/api/a.py", "src/api/b.py", "src/api/v1/c.py"],
        "(root)": ["README.md", "setup cfg.py"],
        "legacy": ["legacy/old.c"],
        "docs": ["docs/index.md"],
    }
    authors = {
        "src/api/a.py": ["bob@example.com", "42+cyd@users.noreply.github.com", "ada@example.com"],
        "src/api/b.py": ["bob@example.com", "dee@example.com"],
        "src/api/v1/c.py": ["42+cyd@users.noreply.github.com", "eve@example.com"],
        "README.md": ["ada@example.com"],
        "legacy/old.c": ["eve@example.com"],
    }
    text = suggest_codeowners(components, authors, people, handles={"ada@example.com": "ada-l"})
    assert text == (
        "# CODEOWNERS draft generated from git history by busfactor.\n"
        "# Owners are each component's top active authors: review it before committing it.\n"
        "\n"
        "/README.md @ada-l\n"
        "# /docs/ no active author\n"
        "# /legacy/ no active author: eve@example.com\n"
        "# /setup\\ cfg.py no active author\n"
        "/src/api/ @cyd bob@example.com @ada-l\n"
    )
    parsed = parse(text)
    assert parsed.errors == ()
    assert owners(parsed, "src/api/v1/c.py") == ("@cyd", "bob@example.com", "@ada-l")


def test_suggest_is_deterministic_and_skips_components_without_a_directory() -> None:
    """The same input gives the same text; a configured component spread over the root is noted."""
    people = people_of(person("ada@example.com"))
    components = {"build": ["Makefile", "tools/x.mk"], "(root)": []}
    authors = {"Makefile": ["ada@example.com"]}
    first = suggest_codeowners(components, authors, people)
    assert first == suggest_codeowners(dict(reversed(components.items())), authors, people)
    assert first.endswith("\n# build: its files share no directory, left out\n")


def test_suggest_names_but_never_owns_a_path_no_codeowners_line_can_hold() -> None:
    """A line break in a directory's name would add a rule owning another directory; an
    escape sequence would reach the terminal; undecodable bytes cannot be written at all."""
    people = people_of(person("ann@example.com"))
    components = {
        "nl\ndir": ["nl\ndir/a.py"],
        "\x1b[31mred": ["\x1b[31mred/b.py"],
        "bad": ["\udcff\udcfe/c.py"],
        "ok": ["ok/d.py"],
        "(root)": ["tab\there.md"],
    }
    authors = {path: ["ann@example.com"] for paths in components.values() for path in paths}
    text = suggest_codeowners(components, authors, people)
    assert text.splitlines()[3:] == [
        "/ok/ ann@example.com",
        "# /nl\\ndir/: CODEOWNERS cannot name this path, left out",
        "# /\\x1b[31mred/: CODEOWNERS cannot name this path, left out",
        "# /\\xff\\xfe/: CODEOWNERS cannot name this path, left out",
        "# /tab\\there.md: CODEOWNERS cannot name this path, left out",
    ]
    text.encode("utf-8")  # printable as it is


def test_suggest_names_no_owner_a_codeowners_line_would_misread() -> None:
    """git takes any bytes as an email: one holding a space added an owner of its choosing,
    and an escape sequence reached the terminal."""
    people = people_of(
        person("mal@example.com @org/admins"),
        person("esc\x1b[31m@example.com"),
        person("hash#x@example.com"),
        person("ann@example.com"),
    )
    components = {"svc": ["svc/a.py"], "ops": ["ops/b.py"], "web": ["web/c.py"]}
    authors = {
        "svc/a.py": ["mal@example.com @org/admins", "ann@example.com"],
        "ops/b.py": ["esc\x1b[31m@example.com"],
        "web/c.py": ["hash#x@example.com"],
    }
    text = suggest_codeowners(components, authors, people)
    assert text.splitlines()[3:] == [
        "# /ops/ no author CODEOWNERS can name: esc\\x1b[31m@example.com",
        "/svc/ ann@example.com",
        "# /web/ no author CODEOWNERS can name: hash#x@example.com",
    ]
    assert owners(parse(text), "svc/a.py") == ("ann@example.com",)


# --- robustness ------------------------------------------------------------------------------

FLAVOURS = st.sampled_from(sorted(CODEOWNERS_LOCATIONS))
CODEOWNERS_TEXT = st.text(
    alphabet=st.sampled_from("ab/*?[]!^#@\\ \t\n\r.-{}\"'"), max_size=80
) | st.text(max_size=80)


@given(text=CODEOWNERS_TEXT, flavour=FLAVOURS)
def test_parse_never_raises(text: str, flavour: str) -> None:
    """parse_codeowners accepts any text, and every error points at a line of it."""
    codeowners = parse(text, flavour=flavour)
    lines = text.count("\n") + 1
    assert all(1 <= line <= lines for line, _ in codeowners.errors)
    assert all(1 <= rule.line <= lines for rule in codeowners.rules)


@given(text=CODEOWNERS_TEXT, flavour=FLAVOURS, path=st.text(max_size=30))
def test_owners_of_never_raises(text: str, flavour: str, path: str) -> None:
    """owners_of answers for any parsed file and any path, with owners from the rules."""
    codeowners = parse(text, flavour=flavour)
    rule, found = owners_of(codeowners, path)
    assert rule is None or rule in codeowners.rules
    assert set(found) <= {owner for rule in codeowners.rules for owner in rule.owners}


def test_a_pattern_of_many_stars_is_answered_at_once() -> None:
    """`*a*a…*b @x` in CODEOWNERS backtracked without end on a long file name (a scan hung)."""
    assert not match_pattern("*a" * 12 + "*b", "a" * 200)
    assert match_pattern("*a" * 12 + "*b", "dir/" + "a" * 200 + "b")
    assert not match_pattern("/**/a" * 6 + "/**/b", "a/" * 300 + "c")


# --- the rule index answers as the rules matched one by one ---------------------------------

_SHAPES = st.sampled_from(
    [
        # the shapes the index looks up ...
        *("a", "a.py", "a/", "/a", "/a/", "/x/a", "x/a/", "*.py", "*a", "/x/**", "x/a/*"),
        # ... and shapes near them that it must leave to the regex (or that match nothing)
        *("/", "*", "**", "/**", "/*", "x/**/", "x/*/", "**/a", "*.py/", "a*", "\\a", "//a"),
    ]
)
_PATTERNS = st.one_of(
    _SHAPES,
    st.lists(st.sampled_from(["a", "x", ".py", "/", "*", "?", "**/", "[ax]"]), min_size=1).map(
        "".join
    ),
).flatmap(lambda pattern: st.sampled_from([pattern, "!" + pattern]))
_PATHS = st.lists(st.sampled_from(["a", "x", "y", "a.py", "xa"]), min_size=1, max_size=4).map(
    "/".join
)


@settings(max_examples=1000)
@given(st.lists(_PATTERNS, max_size=6), st.lists(_PATHS, min_size=1, max_size=5))
@example(["a/", "x/a/*"], ["x/a", "x/a/b.py", "x/a/y/b.py", "a"])
@example(["/x/**", "*.py/"], ["x", "x/a.py", "a.py/b"])
def test_the_rule_index_answers_as_the_rules_in_order(
    patterns: list[str], paths: list[str]
) -> None:
    """Looked up by pattern shape, each path gets exactly the rules `match_pattern` gives it."""
    rules = tuple(OwnerRule(n + 1, p, ("@o",), None, False) for n, p in enumerate(patterns))
    index = CodeOwners("CODEOWNERS", "gitlab", rules, ()).index
    for path in (*paths, *("/" + path for path in paths)):
        expected = [n for n, p in enumerate(patterns) if match_pattern(p.removeprefix("!"), path)]
        assert index.matching(path) == expected, path
        assert index.last(path) == (expected[-1] if expected else -1), path


@pytest.mark.parametrize("flavour", ["github", "gitlab"])
def test_thousands_of_plain_lines_decide_at_once(flavour: str) -> None:
    """A 5,000-line CODEOWNERS on 10,000 files took minutes: every line's regex was compiled
    again and matched on every file."""
    lines = []
    for n in range(5_000):
        shape = (f"/src/d{n}/", f"src/d{n}/f{n}.py", f"*.ext{n}", f"/docs/p{n}/**")[n % 4]
        lines.append(f"{shape} @team{n}")
    codeowners = parse("\n".join(lines) + "\n", flavour=flavour)
    decided = {
        f"src/d{n % 3000}/f{n}.py": line_of(codeowners, f"src/d{n % 3000}/f{n}.py")
        for n in range(10_000)
    }
    assert decided["src/d0/f0.py"] == 1
    assert decided["src/d1/f1.py"] == 2
    assert decided["src/d1/f3001.py"] is None
    assert sum(line is not None for line in decided.values()) == 3250
    assert line_of(codeowners, "x/a.ext2") == 3
    assert line_of(codeowners, "docs/p3/deep/x.md") == 4


def test_findings_about_two_lines_of_one_owner_have_two_fingerprints() -> None:
    """A fingerprint held rule, path and person: @ada's two lines were one finding to a
    baseline, which then hid the second. The pattern tells them apart."""
    from busfactor.core.findings import Finding

    people = people_of(person("ada@example.com", active=False))
    findings = drift("* @ada\n/docs/ @ada\n", people=people, aliases={"@ada": ["ada@example.com"]})
    shown = [
        Finding(f.rule, f.severity, f.message, path=f.path, person=f.person, pattern=f.pattern)
        for f in findings
    ]
    assert [f.as_dict()["pattern"] for f in shown] == ["*", "/docs/"]
    assert len({f.fingerprint for f in shown}) == 2
