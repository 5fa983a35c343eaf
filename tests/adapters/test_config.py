"""Tests for reading `.busfactor.toml`, `busfactor.toml` and `[tool.busfactor]` into Settings."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from busfactor.adapters.config import (
    MAX_CONFIG_BYTES,
    find_config,
    load_settings,
    settings_from_mapping,
)
from busfactor.core.settings import IdentitySettings, Settings, Thresholds
from busfactor.errors import ConfigError


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(root: Path, name: str, text: str) -> str:
    """Write `text` as `name` in `root`, load it and return the ConfigError's message."""
    write(root, name, text)
    with pytest.raises(ConfigError) as info:
        load_settings(root)
    return info.value.message


# --- discovery ------------------------------------------------------------------------------------


def test_dot_file_wins_over_the_others(tmp_path: Path) -> None:
    """`.busfactor.toml` is picked before `busfactor.toml` and `pyproject.toml`."""
    write(tmp_path, ".busfactor.toml", 'history = "linear"\n')
    write(tmp_path, "busfactor.toml", 'scope = "code"\n')
    write(tmp_path, "pyproject.toml", "[tool.busfactor]\nactivity_days = 9\n")
    assert find_config(tmp_path) == tmp_path / ".busfactor.toml"


def test_plain_file_wins_over_pyproject(tmp_path: Path) -> None:
    """`busfactor.toml` is picked before a `pyproject.toml` with a `[tool.busfactor]` table."""
    write(tmp_path, "busfactor.toml", 'scope = "code"\n')
    write(tmp_path, "pyproject.toml", "[tool.busfactor]\nactivity_days = 9\n")
    assert find_config(tmp_path) == tmp_path / "busfactor.toml"


def test_pyproject_with_table_is_found(tmp_path: Path) -> None:
    """A `pyproject.toml` with a `[tool.busfactor]` table is used, read from that table."""
    write(
        tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.busfactor]\nactivity_days = 9\n'
    )
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"
    assert load_settings(tmp_path) == Settings(activity_days=9)


def test_pyproject_with_dotted_tool_key_is_found(tmp_path: Path) -> None:
    """A `tool.busfactor.key = ...` dotted key also makes the `[tool.busfactor]` table."""
    write(tmp_path, "pyproject.toml", 'tool.busfactor.scope = "code"\n')
    assert load_settings(tmp_path) == Settings(scope="code")


def test_pyproject_without_table_is_ignored(tmp_path: Path) -> None:
    """A `pyproject.toml` without `[tool.busfactor]` is not a configuration file."""
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nline-length = 99\n')
    assert find_config(tmp_path) is None
    assert load_settings(tmp_path) == Settings()


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    """Without any configuration file the defaults are used."""
    assert find_config(tmp_path) is None
    assert load_settings(tmp_path) == Settings()


def test_directory_named_like_a_config_is_an_error(tmp_path: Path) -> None:
    """A directory called `.busfactor.toml` is not skipped for the next file: a policy a CI job
    believes in would silently not apply."""
    (tmp_path / ".busfactor.toml").mkdir()
    write(tmp_path, "busfactor.toml", 'scope = "code"\n')
    with pytest.raises(ConfigError, match="not a readable file"):
        find_config(tmp_path)


def test_files_are_not_merged(tmp_path: Path) -> None:
    """Only the first file found is read: keys of later files do not leak in."""
    write(tmp_path, ".busfactor.toml", 'history = "linear"\n')
    write(tmp_path, "busfactor.toml", 'scope = "code"\n')
    write(tmp_path, "pyproject.toml", "[tool.busfactor]\nactivity_days = 9\n")
    assert load_settings(tmp_path) == Settings(history="linear")


def test_broken_pyproject_not_about_busfactor_is_ignored(tmp_path: Path) -> None:
    """An invalid `pyproject.toml` that never mentions busfactor does not stop a scan."""
    write(tmp_path, "pyproject.toml", "[project\nname = 'x'\n")
    assert find_config(tmp_path) is None


def test_broken_pyproject_about_busfactor_is_an_error(tmp_path: Path) -> None:
    """An invalid `pyproject.toml` that mentions busfactor reports its TOML error."""
    write(tmp_path, "pyproject.toml", "[tool.busfactor]\nscope = \n")
    with pytest.raises(ConfigError) as info:
        find_config(tmp_path)
    assert info.value.message == "pyproject.toml:2: invalid TOML: Invalid value"


def test_config_option_wins(tmp_path: Path) -> None:
    """`--config FILE` is read instead of any discovered file."""
    write(tmp_path, ".busfactor.toml", 'history = "linear"\n')
    chosen = write(tmp_path, "ci.toml", 'scope = "code"\n')
    assert load_settings(tmp_path, chosen) == Settings(scope="code")


def test_config_option_pyproject_reads_tool_table(tmp_path: Path) -> None:
    """A `--config` file named `pyproject.toml` is read from its `[tool.busfactor]` table."""
    sub = tmp_path / "sub"
    sub.mkdir()
    chosen = write(sub, "pyproject.toml", '[tool.busfactor]\nhistory = "linear"\n')
    assert load_settings(tmp_path, chosen) == Settings(history="linear")


def test_config_option_pyproject_without_table_is_an_error(tmp_path: Path) -> None:
    """A `--config pyproject.toml` without `[tool.busfactor]` cannot be honoured."""
    chosen = write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, chosen)
    assert info.value.message == f"{chosen}: no [tool.busfactor] table"


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    """An empty `.busfactor.toml` is valid and means the defaults."""
    write(tmp_path, ".busfactor.toml", "")
    assert load_settings(tmp_path) == Settings()


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte order mark, as some Windows editors write, is skipped."""
    (tmp_path / ".busfactor.toml").write_bytes(b'\xef\xbb\xbfscope = "code"\n')
    assert load_settings(tmp_path) == Settings(scope="code")


# --- conversion -----------------------------------------------------------------------------------

FULL = """\
rev = "main"
since = "2023-01-01"
history = "linear"
scope = "code"
default_excludes = false
exclude = ["docs/**", "*.snap"]
activity_days = 90

[identity]
merge_by_name = false
bots = ["ci@example.com", "Release Bot"]
aliases = [["ada@example.com", "ada@home.example"], ["Bob", "bob@example.com", "rob"]]

[thresholds]
doa_normalized = 0.5
doa_absolute = 2
coverage = 0.75

[components]
web = "apps/web/**"
api = ["services/api/**", "libs/api-*/**"]
"""

FULL_SETTINGS = Settings(
    rev="main",
    since="2023-01-01",
    history="linear",
    scope="code",
    default_excludes=False,
    exclude=("docs/**", "*.snap"),
    activity_days=90,
    components=(("web", ("apps/web/**",)), ("api", ("services/api/**", "libs/api-*/**"))),
    identity=IdentitySettings(
        merge_by_name=False,
        bots=("ci@example.com", "Release Bot"),
        aliases=(("ada@example.com", "ada@home.example"), ("Bob", "bob@example.com", "rob")),
    ),
    thresholds=Thresholds(doa_normalized=0.5, doa_absolute=2.0, coverage=0.75),
)


def test_every_key_is_converted(tmp_path: Path) -> None:
    """A file setting every key gives exactly the matching Settings."""
    write(tmp_path, ".busfactor.toml", FULL)
    loaded = load_settings(tmp_path)
    assert loaded == FULL_SETTINGS
    assert isinstance(loaded.thresholds.doa_absolute, float)


def test_every_key_is_converted_from_pyproject(tmp_path: Path) -> None:
    """The same keys under `[tool.busfactor]` give the same Settings."""
    nested = FULL.replace("[identity]", "[tool.busfactor.identity]")
    nested = nested.replace("[thresholds]", "[tool.busfactor.thresholds]")
    nested = nested.replace("[components]", "[tool.busfactor.components]")
    write(tmp_path, "pyproject.toml", "[tool.busfactor]\n" + nested)
    assert load_settings(tmp_path) == FULL_SETTINGS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('history = "dag"', Settings(history="dag")),
        ('history = "linear"', Settings(history="linear")),
        ('scope = "all"', Settings(scope="all")),
        ('scope = "code"', Settings(scope="code")),
        ("default_excludes = false", Settings(default_excludes=False)),
        ("exclude = []", Settings(exclude=())),
        ('exclude = ["a/**"]', Settings(exclude=("a/**",))),
        ("activity_days = 1", Settings(activity_days=1)),
        ('since = "2 weeks ago"', Settings(since="2 weeks ago")),
        ("since = 2024-01-31", Settings(since="2024-01-31")),
        ("since = 2024-01-31T10:00:00Z", Settings(since="2024-01-31T10:00:00+00:00")),
        ('rev = "v1.2^{commit}"', Settings(rev="v1.2^{commit}")),
        (
            "identity.merge_by_name = false",
            Settings(identity=IdentitySettings(merge_by_name=False)),
        ),
        ('identity.bots = ["x"]', Settings(identity=IdentitySettings(bots=("x",)))),
        (
            'identity.aliases = [["a", "b"]]',
            Settings(identity=IdentitySettings(aliases=(("a", "b"),))),
        ),
        ("thresholds.doa_normalized = 0.99", Settings(thresholds=Thresholds(doa_normalized=0.99))),
        ("thresholds.doa_absolute = -1.5", Settings(thresholds=Thresholds(doa_absolute=-1.5))),
        ("thresholds.doa_absolute = 0", Settings(thresholds=Thresholds(doa_absolute=0.0))),
        ("thresholds.coverage = 0.01", Settings(thresholds=Thresholds(coverage=0.01))),
        ('components.web = "web/**"', Settings(components=(("web", ("web/**",)),))),
        ("components = {}", Settings()),
        ("[identity]\n[thresholds]\n[components]", Settings()),
        ("cache.enabled = false", Settings(cache=False)),
        ('cache.dir = ".cache/bf"', Settings(cache_dir=".cache/bf")),
        ("[cache]", Settings()),
    ],
)
def test_single_key_is_converted(tmp_path: Path, text: str, expected: Settings) -> None:
    """Each key on its own converts to the matching Settings field, the others keep defaults."""
    write(tmp_path, ".busfactor.toml", text + "\n")
    assert load_settings(tmp_path) == expected


def test_components_keep_file_order(tmp_path: Path) -> None:
    """Components come out in the order the file lists them, not sorted."""
    write(
        tmp_path,
        ".busfactor.toml",
        """\
        [components]
        zeta = "z/**"
        alpha = ["a/**", "b/**"]
        "mid dle" = "m/**"
        beta = "b/**"
        """,
    )
    assert load_settings(tmp_path).components == (
        ("zeta", ("z/**",)),
        ("alpha", ("a/**", "b/**")),
        ("mid dle", ("m/**",)),
        ("beta", ("b/**",)),
    )


def test_settings_from_mapping_accepts_a_plain_mapping() -> None:
    """`settings_from_mapping` converts an already parsed table, tuples included."""
    data: dict[str, object] = {"exclude": ("x",), "thresholds": {"coverage": 1}}
    assert settings_from_mapping(data, source="x.toml") == Settings(
        exclude=("x",), thresholds=Thresholds(coverage=1.0)
    )


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('history = "tree"', 'history: expected "dag" or "linear", got "tree"'),
        ('scope = "docs"', 'scope: expected "all" or "code", got "docs"'),
        ('default_excludes = "no"', 'default_excludes: expected true or false, got "no"'),
        ('exclude = "vendor/**"', 'exclude: expected an array of glob strings, got "vendor/**"'),
        ('exclude = ["a", 3]', "exclude[1]: expected a glob string, got 3"),
        ('exclude = ["a", ""]', "exclude[1]: expected a glob string, got an empty string"),
        ("activity_days = 0", "activity_days: expected a positive integer, got 0"),
        ("activity_days = -3", "activity_days: expected a positive integer, got -3"),
        ("activity_days = 1.5", "activity_days: expected a positive integer, got 1.5"),
        ('activity_days = "30"', 'activity_days: expected a positive integer, got "30"'),
        ("since = 3", "since: expected a string, got 3"),
        ("since = 10:00:00", "since: expected a string, got the time 10:00:00"),
        ('since = "a\\u0000b"', 'since: control characters are not allowed, got "a\\u0000b"'),
        ('rev = ""', "rev: expected a string, got an empty string"),
        ('rev = "--output=x"', 'rev: a revision cannot start with "-", got "--output=x"'),
        ("rev = [1]", "rev: expected a string, got an array"),
        ("identity = 1", "identity: expected a table, got 1"),
        ("identity.bots = [[]]", "identity.bots[0]: expected a string, got an empty array"),
        ("identity.aliases = []", None),
        (
            'identity.aliases = ["a", "b"]',
            'identity.aliases[0]: expected an array of strings, got "a"',
        ),
        (
            'identity.aliases = [["a"]]',
            "identity.aliases[0]: expected at least 2 names in an alias group, got 1",
        ),
        (
            "thresholds.doa_normalized = 0",
            "thresholds.doa_normalized: expected a number greater than 0 and less than 1, got 0",
        ),
        (
            "thresholds.doa_normalized = 1",
            "thresholds.doa_normalized: expected a number greater than 0 and less than 1, got 1",
        ),
        (
            "thresholds.coverage = 1.5",
            "thresholds.coverage: expected a number greater than 0 and at most 1, got 1.5",
        ),
        (
            "thresholds.coverage = nan",
            "thresholds.coverage: expected a number greater than 0 and at most 1, got nan",
        ),
        (
            "thresholds.doa_absolute = inf",
            "thresholds.doa_absolute: expected a finite number, got inf",
        ),
        (
            'thresholds.doa_absolute = "3"',
            'thresholds.doa_absolute: expected a finite number, got "3"',
        ),
        ('components = ["a/**"]', "components: expected a table of component globs, got an array"),
        ("components.web = []", "components.web: expected at least one glob, got an empty array"),
        ("components.web = 1", "components.web: expected a glob or an array of globs, got 1"),
        ('components."" = "x"', "components.'': a component needs a non-empty name"),
        ('components.web = ["a", 2]', "components.web[1]: expected a glob string, got 2"),
    ],
)
def test_value_errors(tmp_path: Path, text: str, message: str | None) -> None:
    """A bad value names the file, the line and the dotted key, and says what was expected."""
    write(tmp_path, ".busfactor.toml", "# busfactor\n" + text + "\n")
    if message is None:
        load_settings(tmp_path)
        return
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert info.value.message == f".busfactor.toml:2: {message}"


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("activity_days = true", "activity_days", "expected a positive integer, got true"),
        (
            "thresholds.doa_absolute = true",
            "thresholds.doa_absolute",
            "expected a finite number, got true",
        ),
        (
            "thresholds.coverage = true",
            "thresholds.coverage",
            "expected a number greater than 0 and at most 1, got true",
        ),
        (
            "thresholds.doa_normalized = false",
            "thresholds.doa_normalized",
            "expected a number greater than 0 and less than 1, got false",
        ),
        ("identity.merge_by_name = 1", "identity.merge_by_name", "expected true or false, got 1"),
        ("default_excludes = 0", "default_excludes", "expected true or false, got 0"),
    ],
)
def test_booleans_and_numbers_do_not_mix(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    """TOML `true` is never taken for the number 1, nor a number for a boolean."""
    message = error_of(tmp_path, ".busfactor.toml", text + "\n")
    assert message == f".busfactor.toml:1: {key}: {expected}"


def test_merge_by_name_message_matches_the_reference_example(tmp_path: Path) -> None:
    """The message for a string boolean is exactly the one documented in the brief."""
    text = 'history = "dag"\n\n# who is who\n\n[identity]\nbots = []\nmerge_by_name = "yes"\n'
    message = error_of(tmp_path, ".busfactor.toml", text)
    assert message == '.busfactor.toml:7: identity.merge_by_name: expected true or false, got "yes"'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('histroy = "dag"', 3, 'unknown key "histroy" (did you mean "history"?)'),
        ("[identity]\nbot = []", 4, 'unknown key "identity.bot" (did you mean "identity.bots"?)'),
        (
            "[thresholds]\ncoverge = 0.5",
            4,
            'unknown key "thresholds.coverge" (did you mean "thresholds.coverage"?)',
        ),
        ("coverage = 0.5", 3, 'unknown key "coverage" (did you mean "thresholds.coverage"?)'),
        ('bots = ["x"]', 3, 'unknown key "bots" (did you mean "identity.bots"?)'),
        ("[ownerz]\nx = 1", 3, 'unknown key "ownerz" (did you mean "owners"?)'),
        ('[adr]\nfolder = "docs/adr"', 4, 'unknown key "adr.folder"'),
        ('"my key" = 1', 3, "unknown key \"'my key'\""),
    ],
)
def test_unknown_keys(tmp_path: Path, text: str, line: int, message: str) -> None:
    """Unknown keys (later issues' tables too) are errors, with a suggestion when one is close."""
    got = error_of(tmp_path, ".busfactor.toml", "\n\n" + text + "\n")
    assert got == f".busfactor.toml:{line}: {message}"


def test_reference_unknown_key_example(tmp_path: Path) -> None:
    """The misspelt key example of the brief gives exactly the documented message."""
    message = error_of(tmp_path, ".busfactor.toml", 'rev = "HEAD"\n\nhistroy = "dag"\n')
    assert message == '.busfactor.toml:3: unknown key "histroy" (did you mean "history"?)'


def test_pyproject_errors_name_the_full_key(tmp_path: Path) -> None:
    """In `pyproject.toml` keys are named from `tool.busfactor` and lines count the whole file."""
    text = '[project]\nname = "x"\n\n[tool.busfactor]\nhistroy = "dag"\n'
    message = error_of(tmp_path, "pyproject.toml", text)
    expected = 'unknown key "tool.busfactor.histroy" (did you mean "tool.busfactor.history"?)'
    assert message == f"pyproject.toml:5: {expected}"


def test_pyproject_value_error_line(tmp_path: Path) -> None:
    """A bad value in a `pyproject.toml` subtable reports that subtable's line."""
    text = "[tool.ruff]\nline-length = 1\n[tool.busfactor]\n"
    text += "[tool.busfactor.thresholds]\ncoverage = 2\n"
    message = error_of(tmp_path, "pyproject.toml", text)
    assert message == (
        "pyproject.toml:5: tool.busfactor.thresholds.coverage: "
        "expected a number greater than 0 and at most 1, got 2"
    )


def test_pyproject_tool_busfactor_not_a_table(tmp_path: Path) -> None:
    """`tool.busfactor = 1` is reported rather than silently ignored."""
    message = error_of(tmp_path, "pyproject.toml", "[tool]\nruff = {}\nbusfactor = 1\n")
    assert message == "pyproject.toml:3: tool.busfactor: expected a table, got 1"


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ('exclude = [\n  "a",\n  # note\n  5,\n]', 4, "exclude[1]"),
        ('identity = { bots = [], merge_by_name = "yes" }', 1, "identity.merge_by_name"),
        ('[identity]\naliases = [\n  ["a", "b"],\n  ["c"],\n]', 4, "identity.aliases[1]"),
        ('s = """\nhistory = 1\n"""', 1, None),
        ("[components]\nweb = 'w/**'\n'api' = 3", 3, "components.api"),
    ],
)
def test_line_numbers(tmp_path: Path, text: str, line: int, key: str | None) -> None:
    """The reported line is where the offending key or array item is written."""
    message = error_of(tmp_path, ".busfactor.toml", text + "\n")
    assert message.startswith(f".busfactor.toml:{line}: ")
    if key is not None:
        assert message.startswith(f".busfactor.toml:{line}: {key}: ")


def test_without_text_there_is_no_line_number() -> None:
    """`settings_from_mapping` without the file's text names the file and key only."""
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"scope": "docs"}, source="cfg.toml")
    assert info.value.message == 'cfg.toml: scope: expected "all" or "code", got "docs"'


def test_settings_from_mapping_uses_text_for_lines() -> None:
    """`settings_from_mapping` finds the line of the bad key in the given text."""
    text = "# c\n\nactivity_days = 0\n"
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"activity_days": 0}, source="cfg.toml", text=text)
    assert info.value.message == "cfg.toml:3: activity_days: expected a positive integer, got 0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('history = "dag"\nscope = \n', ".busfactor.toml:2: invalid TOML: Invalid value"),
        ("a = 1\na = 2\n", ".busfactor.toml:2: invalid TOML: Cannot overwrite a value"),
        (
            "[identity\n",
            ".busfactor.toml:1: invalid TOML: Expected ']' at the end of a table declaration",
        ),
        ("x = [1,", ".busfactor.toml:1: invalid TOML: Invalid value"),
    ],
)
def test_toml_syntax_errors(tmp_path: Path, text: str, message: str) -> None:
    """A TOML syntax error gives its line and tomllib's message without the position suffix."""
    (tmp_path / ".busfactor.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert info.value.message == message


def test_missing_config_option_file(tmp_path: Path) -> None:
    """A `--config` file that does not exist is a one-line ConfigError."""
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, missing)
    assert info.value.message == f"{missing}: cannot read: No such file or directory"


def test_config_option_directory(tmp_path: Path) -> None:
    """A `--config` that names a directory is a one-line ConfigError."""
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, tmp_path)
    assert info.value.message == f"{tmp_path}: cannot read: Is a directory"


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything"
)
def test_unreadable_file(tmp_path: Path) -> None:
    """A configuration file without read permission is a one-line ConfigError."""
    path = write(tmp_path, ".busfactor.toml", 'scope = "code"\n')
    path.chmod(0)
    try:
        with pytest.raises(ConfigError) as info:
            load_settings(tmp_path)
    finally:
        path.chmod(0o644)
    assert info.value.message == ".busfactor.toml: cannot read: Permission denied"


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError while opening the file (here EACCES, even for root) is a one-line ConfigError."""
    path = write(tmp_path, "busfactor.toml", 'scope = "code"\n')

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, path)
    assert info.value.message == f"{path}: cannot read: Permission denied"


def test_crlf_line_numbers(tmp_path: Path) -> None:
    """Files with Windows line endings get the same line numbers."""
    (tmp_path / ".busfactor.toml").write_bytes(b'rev = "x"\r\n\r\n[identity]\r\nbots = 1\r\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert info.value.message == (
        ".busfactor.toml:4: identity.bots: expected an array of strings, got 1"
    )


def test_not_utf8(tmp_path: Path) -> None:
    """A file that is not UTF-8 is a ConfigError naming the line of the bad byte."""
    (tmp_path / ".busfactor.toml").write_bytes(b'scope = "code"\nrev = "caf\xe9"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert info.value.message == ".busfactor.toml:2: not valid UTF-8 (byte offset 25)"


def test_too_large(tmp_path: Path) -> None:
    """A file over 1 MiB is refused without being parsed."""
    (tmp_path / ".busfactor.toml").write_text("#" * MAX_CONFIG_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert info.value.message == ".busfactor.toml: too large (over 1 MiB)"


def test_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    """A file of exactly 1 MiB is still accepted."""
    (tmp_path / ".busfactor.toml").write_text("#" * (MAX_CONFIG_BYTES - 1) + "\n", encoding="utf-8")
    assert load_settings(tmp_path) == Settings()


def test_messages_are_one_printable_line(tmp_path: Path) -> None:
    """Control and line-breaking characters from the file are escaped in messages."""
    text = 'scope = "a\\nb\\u2028c\\u001b[31m"\n'
    message = error_of(tmp_path, ".busfactor.toml", text)
    assert message.isprintable()
    assert (
        message
        == '.busfactor.toml:1: scope: expected "all" or "code", got "a\\nb\\u2028c\\u001b[31m"'
    )


def test_long_values_are_shortened(tmp_path: Path) -> None:
    """A long string is cut in messages so they stay short."""
    message = error_of(tmp_path, ".busfactor.toml", f'history = "{"x" * 500}"\n')
    assert len(message) < 150
    assert message.endswith('…"')


@given(st.text(max_size=300))
def test_line_lookup_never_fails_on_any_text(text: str) -> None:
    """Whatever text is passed for line lookup, the error is still a ConfigError."""
    with pytest.raises(ConfigError) as info:
        settings_from_mapping({"identity": {"bot": 1}}, source="f.toml", text=text)
    assert 'unknown key "identity.bot"' in info.value.message


# --- round trip -----------------------------------------------------------------------------------

_names = st.text(min_size=1, max_size=20)
_shares = st.floats(min_value=0, max_value=1, exclude_min=True)
_below_one = st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True)
_reals = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**63), 2**63 - 1)
_git_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20
).filter(lambda s: not s.startswith("-"))

_identity = st.fixed_dictionaries(
    {},
    optional={
        "merge_by_name": st.booleans(),
        "bots": st.lists(_names, max_size=4),
        "aliases": st.lists(st.lists(_names, min_size=2, max_size=4), max_size=3),
    },
)
_thresholds = st.fixed_dictionaries(
    {},
    optional={"doa_normalized": _below_one, "doa_absolute": _reals, "coverage": _shares},
)
_components = st.dictionaries(_names, _names | st.lists(_names, min_size=1, max_size=3), max_size=5)
_config = st.fixed_dictionaries(
    {},
    optional={
        "rev": _git_text,
        "since": _git_text,
        "history": st.sampled_from(["dag", "linear"]),
        "scope": st.sampled_from(["all", "code"]),
        "default_excludes": st.booleans(),
        "exclude": st.lists(_names, max_size=4),
        "activity_days": st.integers(1, 10**6),
        "identity": _identity,
        "thresholds": _thresholds,
        "components": _components,
    },
)


def expected_settings(data: dict[str, Any]) -> Settings:
    """Build the Settings a valid configuration dict should give, independently of the loader."""
    identity = data.get("identity", {})
    thresholds = data.get("thresholds", {})
    default = Settings()
    return Settings(
        rev=data.get("rev", default.rev),
        since=data.get("since", default.since),
        history=data.get("history", default.history),
        scope=data.get("scope", default.scope),
        default_excludes=data.get("default_excludes", default.default_excludes),
        exclude=tuple(data.get("exclude", ())),
        activity_days=data.get("activity_days", default.activity_days),
        components=tuple(
            (name, (globs,) if isinstance(globs, str) else tuple(globs))
            for name, globs in data.get("components", {}).items()
        ),
        identity=IdentitySettings(
            merge_by_name=identity.get("merge_by_name", True),
            bots=tuple(identity.get("bots", ())),
            aliases=tuple(tuple(group) for group in identity.get("aliases", ())),
        ),
        thresholds=Thresholds(
            doa_normalized=float(thresholds.get("doa_normalized", 0.75)),
            doa_absolute=float(thresholds.get("doa_absolute", 3.293)),
            coverage=float(thresholds.get("coverage", 0.5)),
        ),
    )


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=_config, in_pyproject=st.booleans())
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any], in_pyproject: bool
) -> None:
    """Any valid configuration written with tomli_w loads back as the Settings it describes."""
    root = tmp_path_factory.mktemp("round-trip")
    if in_pyproject:
        document = {"project": {"name": "x"}, "tool": {"busfactor": data}}
        (root / "pyproject.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
    else:
        (root / ".busfactor.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    assert load_settings(root) == expected_settings(data)


def test_documented_examples_load(tmp_path: Path) -> None:
    """Every TOML example in docs/configuration.md is accepted by the loader."""
    doc = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
    blocks = doc.read_text(encoding="utf-8").split("```toml\n")[1:]
    assert len(blocks) >= 3
    for block in blocks:
        text = block.split("```", 1)[0]
        name = "pyproject.toml" if "[tool.busfactor]" in text else ".busfactor.toml"
        path = write(tmp_path, name, text)
        assert load_settings(tmp_path, path) != Settings()


def test_adr_and_runbook_tables(tmp_path: Path) -> None:
    """[adr] dir/dirs and [runbooks] max_age_days plus component links become settings."""
    (tmp_path / ".busfactor.toml").write_text(
        'hotspot_min_commits = 5\n[adr]\ndir = "docs/adr"\ndirs = ["svc/adr"]\n'
        '[runbooks]\nmax_age_days = 90\nbilling = "docs/ops/billing.md"\n'
        '"src/search" = "https://wiki.example.test/search"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    assert settings.hotspot_min_commits == 5
    assert settings.adr.dirs == ("docs/adr", "svc/adr")
    assert settings.runbooks.max_age_days == 90
    assert settings.runbooks.links == (
        ("billing", "docs/ops/billing.md"),
        ("src/search", "https://wiki.example.test/search"),
    )


def test_a_config_symlink_leaving_the_repository_is_not_followed(tmp_path: Path) -> None:
    """A discovered .busfactor.toml that links outside the repository is refused, not read."""
    outside = tmp_path / "outside.toml"
    outside.write_text('history = "linear"\n', encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".busfactor.toml").symlink_to(outside)
    with pytest.raises(ConfigError, match="symlink pointing outside the repository") as refused:
        load_settings(repo)
    assert refused.value.hint == "if you trust the file it points to, pass it with --config"
    assert load_settings(repo, outside).history == "linear"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cache.enabled = 1", "expected true or false"),
        ('cache.dir = ""', "empty string"),
        ('cache.path = "x"', 'unknown key "cache.path"'),
        # The file usually comes with the repository: it may not send the cache elsewhere.
        ('cache.dir = "/var/cache/bf"', "'/var/cache/bf' leads out of the repository"),
        ('cache.dir = "~/bf"', "leads out of the repository"),
        ('cache.dir = "../bf"', "leads out of the repository"),
        ('cache.dir = "a/../../bf"', "or --cache-dir for a folder elsewhere"),
    ],
)
def test_bad_cache_table_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    assert message in error_of(tmp_path, ".busfactor.toml", text + "\n")


def test_policy_ignore_names_known_rules_only(tmp_path: Path) -> None:
    """A misspelt rule would ignore nothing while the team believes it does."""
    message = error_of(tmp_path, ".busfactor.toml", '[policy]\nignore = ["missing-runbok"]\n')
    assert message.startswith(".busfactor.toml:2: policy.ignore[0]: unknown rule 'missing-runbok'")
    message = error_of(
        tmp_path,
        ".busfactor.toml",
        '[[policy.overrides]]\npaths = ["x/**"]\nignore = ["single-owner", "nope"]\n',
    )
    assert "unknown rule 'nope'" in message
    write(tmp_path, ".busfactor.toml", '[policy]\nignore = ["require-runbook", "single-owner"]\n')
    assert load_settings(tmp_path).policy.ignore == ("require-runbook", "single-owner")
