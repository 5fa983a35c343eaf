"""The command line's contract: stdout is the report, stderr one-line errors, exit codes are API.

Repositories are written here with plain `git` and fixed identities and dates, so these tests
depend on nothing but git itself.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import networkx as nx
import pytest

import busfactor
from busfactor.cli import main

START = 1_704_067_200
"""2024-01-01T00:00:00Z."""

ADA = ("Ada", "ada@example.test")
BOB = ("Bob", "bob@example.test")
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def git_env(home: Path) -> dict[str, str]:
    """An environment where no personal or system git configuration applies."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_TERMINAL_PROMPT="0",
    )
    return env


class Repo:
    """A repository written with the git command line, one commit per simulated day."""

    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.env = git_env(home)
        self.day = 0
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run git in the repository; returns stdout."""
        return subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=env or self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def commit(
        self, who: tuple[str, str], write: dict[str, str], delete: tuple[str, ...] = ()
    ) -> str:
        """Write files, delete some, and commit everything as `who` on the next day."""
        for path, text in write.items():
            target = self.path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for path in delete:
            (self.path / path).unlink()
        self.git("add", "-A")
        stamp = f"{START + self.day * 86400} +0000"
        self.day += 1
        name, email = who
        env = {
            **self.env,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": stamp,
        }
        self.git("commit", "-q", "--no-verify", "-m", f"day {self.day}", env=env)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture(autouse=True)
def _no_personal_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In-process scans see no personal or system git configuration either."""
    for key, value in git_env(tmp_path / "home").items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        if key not in ("GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_TERMINAL_PROMPT"):
            monkeypatch.delenv(key)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ada writes the shop; Bob edits the payment API three times and adds lib/util.py;
    dependabot touches the README. Ada authors 4 of 5 files, Bob 2: truck factor 1."""
    base = tmp_path_factory.mktemp("shop")
    repo = Repo(base / "shop", base / "home")
    repo.commit(
        ADA,
        {
            "README.md": "# shop\n",
            "docs/guide.md": "guide\n",
            "src/pay/api.py": "def pay(): ...\n",
            "src/pay/db.py": "DB = 1\n",
        },
    )
    for day in range(3):
        write = {"src/pay/api.py": f"def pay(): return {day}\n"}
        if day == 2:
            write["lib/util.py"] = "def util(): ...\n"
        repo.commit(BOB, write)
    repo.commit(BOT, {"README.md": "# shop\n\nbadge\n"})
    return repo.path


@pytest.fixture
def tiny(tmp_path: Path) -> Repo:
    """A one-commit repository by Łukasz (a name latin-1 cannot encode)."""
    repo = Repo(tmp_path / "tiny", tmp_path / "home")
    repo.commit(("Łukasz Ńowak", "lukasz@example.test"), {"a.py": "x = 1\n"})
    return repo


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """busfactor.cli.main in this process: exit code, stdout, stderr."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_module(args: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    """`python -m busfactor ARGS` in a fresh interpreter, output kept as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "busfactor", *args],
        capture_output=True,
        env={**os.environ, **env},
        check=False,
        timeout=120,
    )


def assert_one_line_error(code: int, out: str, err: str) -> str:
    """Exit 2, nothing on stdout, one `busfactor: error:` line and at most one hint line."""
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert 1 <= len(lines) <= 2, err
    assert lines[0].startswith("busfactor: error: ")
    if len(lines) == 2:
        assert lines[1].startswith("busfactor: hint: ")
    assert err.endswith("\n")
    return lines[0]


# -- scan --format json ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shop_json(shop: Path) -> dict[str, object]:
    """The shop's JSON report, from a fresh interpreter (so no state leaks between runs)."""
    result = run_module(["scan", str(shop), "--format", "json"])
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    data: dict[str, object] = json.loads(result.stdout.decode("utf-8"))
    return data


def test_json_report_has_the_documented_schema(shop_json: dict[str, object]) -> None:
    """The JSON report names schema busfactor.scan/1 and has every documented key."""
    data = shop_json
    assert data["schema"] == "busfactor.scan/1"
    assert set(data) >= {
        "schema",
        "repository",
        "model",
        "truck_factor",
        "people",
        "bots",
        "components",
        "files",
        "warnings",
    }
    assert isinstance(data["repository"], dict)
    assert set(data["repository"]) >= {"path", "revision", "commits", "files"}
    assert isinstance(data["truck_factor"], dict)
    assert set(data["truck_factor"]) >= {"value", "authors", "coverage"}
    person_keys = {
        "id",
        "name",
        "email",
        "aliases",
        "commits",
        "first_commit",
        "last_commit",
        "active",
        "files_authored",
    }
    assert isinstance(data["people"], list)
    assert all(set(person) >= person_keys for person in data["people"])
    component_keys = {"name", "files", "bus_factor", "authors", "files_lost"}
    assert isinstance(data["components"], list)
    assert all(set(component) >= component_keys for component in data["components"])
    assert isinstance(data["files"], list)
    assert all(set(entry) >= {"path", "commits", "authors", "doa"} for entry in data["files"])


def test_json_report_values_for_the_shop(shop: Path, shop_json: dict[str, object]) -> None:
    """The shop's report has the hand-computed truck factor, people, bots and components."""
    data: dict[str, object] = shop_json
    repository = data["repository"]
    assert isinstance(repository, dict)
    assert os.path.realpath(repository["path"]) == os.path.realpath(shop)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=shop, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert repository["revision"] == head
    assert repository["commits"] == 5
    assert repository["files"] == 5
    assert data["truck_factor"] == {
        "value": 1,
        "authors": ["ada@example.test"],
        "coverage": 0.4,
    }
    people = data["people"]
    assert isinstance(people, list)
    assert [(p["id"], p["files_authored"], p["commits"]) for p in people] == [
        ("ada@example.test", 4, 1),
        ("bob@example.test", 2, 3),
    ]
    assert people[0]["first_commit"] == people[0]["last_commit"] == "2024-01-01T00:00:00Z"
    assert people[0]["name"] == "Ada"
    assert all(person["active"] for person in people)
    assert data["bots"] == [{"name": BOT[0], "email": BOT[1], "commits": 1}]
    components = data["components"]
    assert isinstance(components, list)
    by_name = {c["name"]: c for c in components}
    assert set(by_name) == {"(root)", "docs", "lib", "src/pay"}
    assert by_name["src/pay"]["files"] == 2
    assert by_name["src/pay"]["bus_factor"] == 2
    assert by_name["src/pay"]["authors"] == ["ada@example.test", "bob@example.test"]
    assert by_name["lib"]["authors"] == ["bob@example.test"]
    files = data["files"]
    assert isinstance(files, list)
    assert [f["path"] for f in files] == sorted(f["path"] for f in files)
    api = next(f for f in files if f["path"] == "src/pay/api.py")
    assert api["commits"] == 4
    assert api["authors"] == ["ada@example.test", "bob@example.test"]
    assert api["doa"] == {"ada@example.test": 3.946, "bob@example.test": 3.785}


def test_in_process_json_equals_the_subprocess_json(
    shop: Path, shop_json: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    """main() with capsys prints the same report as a fresh interpreter, and nothing on stderr."""
    code, out, err = run_main(["scan", str(shop), "--format", "json"], capsys)
    assert code == 0
    assert err == ""
    assert json.loads(out) == shop_json


def test_reports_are_deterministic(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two scans of the same repository print byte-identical reports."""
    first = run_main(["scan", str(shop), "--format", "json"], capsys)
    second = run_main(["scan", str(shop), "--format", "json"], capsys)
    assert first == second


@pytest.mark.parametrize(
    ("fmt", "headline"),
    [("text", r"Truck factor: 1\b"), ("markdown", r"\*\*Truck factor 1\*\*")],
)
def test_text_and_markdown_state_the_truck_factor(
    shop: Path, capsys: pytest.CaptureFixture[str], fmt: str, headline: str
) -> None:
    """Text and Markdown reports state the truck factor and who it names; stderr stays empty."""
    code, out, err = run_main(["scan", str(shop), "--format", fmt], capsys)
    assert code == 0
    assert err == ""
    assert re.search(headline, out)
    assert "Ada" in out
    assert out.endswith("\n")


def test_reports_count_one_in_the_singular(tiny: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """One file, one commit, one person: no report says "1 files"."""
    code, markdown, _ = run_main(["scan", str(tiny.path), "--format", "markdown"], capsys)
    assert code == 0
    assert re.search(r"Revision `[0-9a-f]{12}`: 1 file, 1 commit, 1 person\. Model:", markdown)
    code, text, _ = run_main(["scan", str(tiny.path)], capsys)
    assert code == 0
    assert "\nFindings: 1 error, 1 warning\n" in text


def test_default_format_is_text(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --format, scan prints the text report."""
    assert run_main(["scan", str(shop)], capsys) == run_main(
        ["scan", str(shop), "--format", "text"], capsys
    )


def test_scan_defaults_to_the_current_directory(
    shop: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`busfactor scan` without a path scans the working directory's repository."""
    monkeypatch.chdir(shop / "src" / "pay")
    code, out, _ = run_main(["scan", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["repository"]["files"] == 5


def test_linear_history_model_is_selectable(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--history linear is reported in the model and gives the same result on linear history."""
    code, out, _ = run_main(["scan", str(shop), "--format", "json", "--history", "linear"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["model"]["history"] == "linear"
    assert data["truck_factor"]["value"] == 1


# -- graph ------------------------------------------------------------------------------


def test_graph_json_is_node_link_data(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`graph --format json` loads with networkx.node_link_graph(data, edges="edges")."""
    code, out, err = run_main(["graph", str(shop), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    graph = nx.node_link_graph(json.loads(out), edges="edges")
    assert graph.is_directed()
    assert graph.graph["schema"] == "busfactor.scan/1"
    assert {"person:ada@example.test", "file:src/pay/api.py", "component:src/pay"} <= set(graph)
    edge = graph.edges["person:bob@example.test", "file:src/pay/api.py"]
    assert edge["kind"] == "authorship"
    assert edge["author"] is True


def test_graph_defaults_to_json(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`busfactor graph` without --format prints node-link JSON."""
    default = run_main(["graph", str(shop)], capsys)
    explicit = run_main(["graph", str(shop), "--format", "json"], capsys)
    assert default == explicit


def test_graph_graphml_loads_with_networkx(
    shop: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`graph --format graphml` is GraphML networkx reads back, on stdout and via --output."""
    code, out, err = run_main(["graph", str(shop), "--format", "graphml"], capsys)
    assert (code, err) == (0, "")
    from_stdout = nx.read_graphml(io.BytesIO(out.encode("utf-8")))
    target = tmp_path / "graph.graphml"
    code, out, _ = run_main(["graph", str(shop), "--format", "graphml", "-o", str(target)], capsys)
    assert (code, out) == (0, "")
    from_file = nx.read_graphml(target)
    assert set(from_stdout) == set(from_file)
    assert from_file.nodes["file:src/pay/api.py"]["kind"] == "file"
    assert json.loads(from_file.nodes["file:src/pay/api.py"]["authors"]) == [
        "ada@example.test",
        "bob@example.test",
    ]


# -- errors -----------------------------------------------------------------------------


def test_git_missing_from_path_is_one_line_error(shop: Path, tmp_path: Path) -> None:
    """Without git on PATH a scan says so in one line and exits 2 (no traceback)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_module(["scan", str(shop)], PATH=str(empty))
    line = assert_one_line_error(result.returncode, result.stdout.decode(), result.stderr.decode())
    assert line == "busfactor: error: git is not installed or not on PATH"


def test_a_directory_that_is_not_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scanning a plain directory exits 2 with one error line and an empty stdout."""
    plain = tmp_path / "plain"
    plain.mkdir()
    line = assert_one_line_error(*run_main(["scan", str(plain)], capsys))
    assert "not a git repository" in line


def test_a_path_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Scanning a missing path exits 2 with one error line naming it."""
    missing = tmp_path / "missing"
    line = assert_one_line_error(*run_main(["scan", str(missing)], capsys))
    assert "missing" in line


def test_a_file_instead_of_a_directory(
    tiny: Repo, shop: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scanning a regular file exits 2 with one error line, wherever the command runs from."""
    monkeypatch.chdir(shop)
    assert_one_line_error(*run_main(["scan", str(tiny.path / "a.py")], capsys))


def test_an_empty_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A repository without commits exits 2 with one error line (and possibly a hint)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["git", "init", "-q", str(empty)], check=True, env=git_env(tmp_path / "home"))
    line = assert_one_line_error(*run_main(["scan", str(empty)], capsys))
    assert "no commits" in line


@pytest.mark.parametrize("rev", ["nope", "HEAD~5", "--output=x", "HEAD:a.py"])
def test_an_unknown_revision(tiny: Repo, capsys: pytest.CaptureFixture[str], rev: str) -> None:
    """--rev naming no commit exits 2 with one error line naming the revision."""
    line = assert_one_line_error(*run_main(["scan", str(tiny.path), f"--rev={rev}"], capsys))
    assert rev in line


@pytest.mark.parametrize(("rev", "kind"), [("HEAD:a.py", "blob"), ("HEAD^{tree}", "tree")])
def test_a_revision_naming_a_tree_or_a_blob_says_so(
    tiny: Repo, capsys: pytest.CaptureFixture[str], rev: str, kind: str
) -> None:
    """It exists, so "unknown revision" misled; a tag pointing at one reads the same."""
    tiny.git("tag", "pointer", tiny.git("rev-parse", rev).strip())
    for given in (rev, "pointer"):
        args = ["scan", str(tiny.path), f"--rev={given}"]
        line = assert_one_line_error(*run_main(args, capsys))
        assert line == f"busfactor: error: {given} is a {kind}, not a commit: " + (
            "a scan reads a commit and its history"
        )


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ('histroy = "dag"\n', "histroy"),
        ('history = "tree"\n', "history"),
        ("history = \n", ".busfactor.toml"),
        ("[thresholds]\ncoverage = 2.5\n", "coverage"),
    ],
    ids=["misspelt-key", "bad-value", "bad-toml", "out-of-range"],
)
def test_a_bad_configuration_file(
    tiny: Repo, capsys: pytest.CaptureFixture[str], config: str, needle: str
) -> None:
    """A .busfactor.toml busfactor cannot use exits 2 with one error line naming the problem."""
    (tiny.path / ".busfactor.toml").write_text(config, encoding="utf-8")
    for command in ("scan", "graph"):
        line = assert_one_line_error(*run_main([command, str(tiny.path)], capsys))
        assert needle in line


def test_a_missing_config_file(tiny: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """--config naming a missing file exits 2 with one error line."""
    missing = tiny.path / "absent.toml"
    line = assert_one_line_error(
        *run_main(["scan", str(tiny.path), "--config", str(missing)], capsys)
    )
    assert "absent.toml" in line


@pytest.mark.parametrize(
    ("since", "needle"),
    [
        ("garbage", "reads it as now"),
        ("tomorrow", "reads it as now"),
        ("2090-06-01", "future"),
        ("9999-12-31", "future"),  # git reads it as 2012-12-31 and read history from there
        ("1960-01-01", "before 1970"),  # git reads it as now
        ("100 years ago", "before 1970"),  # git's reading wraps round to 2**64 - something
        ("2024-02-30", "not a calendar date"),  # git reads it as 2024-03-01
    ],
)
def test_a_since_git_reads_as_now_or_later(
    tiny: Repo, capsys: pytest.CaptureFixture[str], since: str, needle: str
) -> None:
    """git skips words it does not know in a date: such a --since would read no history and
    report nobody, so it exits 2 naming the value, as `since =` in the config file does."""
    line = assert_one_line_error(*run_main(["scan", str(tiny.path), "--since", since], capsys))
    assert repr(since) in line
    assert needle in line
    (tiny.path / ".busfactor.toml").write_text(f'since = "{since}"\n', encoding="utf-8")
    line = assert_one_line_error(*run_main(["scan", str(tiny.path)], capsys))
    assert repr(since) in line


def test_an_empty_since_is_an_error(tiny: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`--since ""` read all history while the report said since "", as if it had applied."""
    line = assert_one_line_error(*run_main(["scan", str(tiny.path), "--since", " "], capsys))
    assert (
        line == "busfactor: error: since is empty: give a date, or leave it out to read all history"
    )


def test_a_since_after_every_commit_warns_with_gits_reading(
    tiny: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt unit ("yaers") still reads as some date: the warning says which one, so the
    empty report can be traced to the typo."""
    code, out, err = run_main(["scan", str(tiny.path), "--since", "2 yaers ago"], capsys)
    assert code == 0
    assert "0 commits" in out
    assert re.search(r"no commits since '2 yaers ago' \(git reads it as \d{4}-\d\d-\d\d ", err)


def test_errors_in_a_fresh_interpreter_print_no_traceback(tmp_path: Path) -> None:
    """`python -m busfactor scan <not a repository>` exits 2 with exactly one stderr line."""
    plain = tmp_path / "plain"
    plain.mkdir()
    result = run_module(["scan", str(plain), "--format", "json"])
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("busfactor: error: ")
    assert result.stderr.count(b"\n") == 1


_CTRL_C_WHILE_LOADING = {
    "its imports": (
        "import builtins\n"
        "real = builtins.__import__\n"
        "def importing(name, *args, **kwargs):\n"
        "    if name == 'busfactor.cli':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = importing\n"
        "from busfactor.console import run\n"
        "run()\n"
    ),
    "its parser": (
        "import busfactor.cli as cli\n"
        "def building(*args):\n"
        "    raise KeyboardInterrupt\n"
        "cli.build_parser = building\n"
        "cli.run()\n"
    ),
}


@pytest.mark.parametrize("moment", list(_CTRL_C_WHILE_LOADING))
def test_ctrl_c_while_the_command_line_loads_is_one_line(moment: str) -> None:
    """A Ctrl-C in the first hundredths of a second, while the command line's modules load or
    its parser is built, printed a traceback and exited -2 (found by QA at 20 ms)."""
    result = subprocess.run(
        [sys.executable, "-c", _CTRL_C_WHILE_LOADING[moment]],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (130, b"")
    assert result.stderr == b"busfactor: error: interrupted\n"


def test_empty_repository_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """`python -m busfactor scan <empty repository>` exits 2 with no traceback."""
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["git", "init", "-q", str(empty)], check=True, env=git_env(tmp_path / "home"))
    result = run_module(["scan", str(empty)])
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(b"busfactor: error: ")


def test_json_is_utf8_whatever_the_stdout_encoding(tiny: Repo) -> None:
    """The JSON report is UTF-8 bytes even when Python's stdout encoding is latin-1."""
    result = run_module(["scan", str(tiny.path), "--format", "json"], PYTHONIOENCODING="latin-1")
    assert b"Traceback" not in result.stderr
    assert result.returncode == 0
    assert json.loads(result.stdout.decode("utf-8"))["people"][0]["name"] == "Łukasz Ńowak"


# -- --output ---------------------------------------------------------------------------


def test_output_writes_the_report_to_a_file(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output writes exactly the stdout report to the file, prints nothing, leaves no temp."""
    _, expected, _ = run_main(["scan", str(shop), "--format", "json"], capsys)
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    code, out, err = run_main(["scan", str(shop), "--format", "json", "-o", str(target)], capsys)
    assert (code, out, err) == (0, "", "")
    assert target.read_text(encoding="utf-8") == expected
    assert os.listdir(target.parent) == ["report.json"]


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_output_never_replaces_edits_git_does_not_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], object_format: str
) -> None:
    """`-o README.md` in a work tree whose README has uncommitted edits: refused, the edits
    kept (it replaced them, exit 0). The same file committed, staged, or untracked is
    replaced: git can give the first two back, and regenerating a report is the usual case."""
    repo = Repo(tmp_path / "repo", tmp_path / "home")
    if object_format == "sha256":
        (tmp_path / "repo").rename(tmp_path / "old")
        repo.path.mkdir()
        repo.git("init", "-q", "-b", "main", "--object-format=sha256")
    repo.commit(ADA, {"README.md": "# shop\n", "pay.py": "x = 1\n"})
    readme = repo.path / "README.md"
    readme.write_text("# shop\n\nmy notes\n", encoding="utf-8")
    args = ["scan", str(repo.path), "--no-cache", "-o", str(readme)]
    line = assert_one_line_error(*run_main(args, capsys))
    assert "README.md" in line
    assert "changes git does not have" in line
    assert readme.read_text(encoding="utf-8") == "# shop\n\nmy notes\n"
    repo.git("add", "README.md")  # staged: in git's index, so it can be had back
    assert run_main(args, capsys)[0] == 0
    assert "Truck factor" in readme.read_text(encoding="utf-8")
    repo.git("reset", "-q", "--hard")  # committed and unchanged
    assert run_main(args, capsys)[0] == 0
    notes = repo.path / "notes.md"
    notes.write_text("untracked\n", encoding="utf-8")
    assert run_main([*args[:-1], str(notes)], capsys)[0] == 0
    assert "Truck factor" in notes.read_text(encoding="utf-8")


def test_output_dash_means_stdout(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--output - prints the report on stdout."""
    code, out, _ = run_main(["scan", str(shop), "--output", "-"], capsys)
    assert code == 0
    assert "Truck factor" in out


def test_output_under_a_regular_file_fails_cleanly(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --output whose parent is a regular file exits 2 with one line and leaves no files."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory\n", encoding="utf-8")
    before = sorted(os.listdir(tmp_path))
    line = assert_one_line_error(
        *run_main(["scan", str(shop), "-o", str(blocker / "report.json")], capsys)
    )
    assert "report.json" in line
    assert sorted(os.listdir(tmp_path)) == before
    assert blocker.read_text(encoding="utf-8") == "not a directory\n"


def test_output_into_a_missing_directory_fails_cleanly(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --output in a directory that does not exist exits 2 and creates nothing."""
    target = tmp_path / "nowhere" / "report.json"
    assert_one_line_error(*run_main(["scan", str(shop), "-o", str(target)], capsys))
    assert not (tmp_path / "nowhere").exists()


def test_output_onto_a_directory_fails_cleanly(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --output naming a directory exits 2 and leaves no temporary file in or beside it."""
    target = tmp_path / "taken"
    target.mkdir()
    before = sorted(os.listdir(tmp_path))
    assert_one_line_error(*run_main(["scan", str(shop), "-o", str(target)], capsys))
    assert sorted(os.listdir(tmp_path)) == before
    assert os.listdir(target) == []


def test_failed_scan_leaves_an_existing_output_untouched(
    tiny: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the scan fails, an existing --output file keeps its old content."""
    target = tmp_path / "report.txt"
    target.write_text("previous report\n", encoding="utf-8")
    assert_one_line_error(
        *run_main(["scan", str(tiny.path), "--rev", "nope", "-o", str(target)], capsys)
    )
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert os.listdir(tmp_path).count("report.txt") == 1
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".report.txt")]


def test_output_replaces_an_existing_file_keeping_its_mode(
    tiny: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Overwriting an existing --output file replaces its content and keeps its permissions."""
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    code, _, _ = run_main(["scan", str(tiny.path), "--format", "json", "-o", str(target)], capsys)
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "busfactor.scan/1"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".report.json")]


def test_output_through_a_symbolic_link_keeps_the_link(
    tiny: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`latest.json` -> this week's report: the report is replaced, the link stays."""
    weekly = tmp_path / "week-48.json"
    weekly.write_text("old\n", encoding="utf-8")
    latest = tmp_path / "latest.json"
    latest.symlink_to(weekly.name)
    code, _, _ = run_main(["scan", str(tiny.path), "--format", "json", "-o", str(latest)], capsys)
    assert code == 0
    assert latest.is_symlink()
    assert json.loads(weekly.read_text(encoding="utf-8"))["schema"] == "busfactor.scan/1"


def test_output_through_a_link_to_a_report_not_written_yet_keeps_the_link(
    tiny: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`latest.json` -> next week's report, not there yet: the link was replaced by a file;
    the report is written where it points, as `>` in a shell does."""
    latest = tmp_path / "latest.json"
    latest.symlink_to("week-49.json")
    code, _, _ = run_main(["scan", str(tiny.path), "--format", "json", "-o", str(latest)], capsys)
    assert code == 0
    assert latest.is_symlink()
    written = (tmp_path / "week-49.json").read_text(encoding="utf-8")
    assert json.loads(written)["schema"] == "busfactor.scan/1"


def test_output_to_dev_stdout_on_a_pipe(tiny: Repo) -> None:
    """`--output /dev/stdout | jq`: the link names `pipe:[N]`, which has no path, and the
    report failed with 'cannot write (No such file or directory)'."""
    command = [sys.executable, "-m", "busfactor", "scan", str(tiny.path), "--format", "json"]
    done = subprocess.run(
        [*command, "--output", "/dev/stdout"],
        capture_output=True,
        check=False,
        env=dict(os.environ, PYTHONPATH=str(Path(busfactor.__file__).parents[1])),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == "busfactor.scan/1"


def test_output_into_a_fifo_writes_through_it_and_keeps_it(
    tiny: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO (like /dev/null or a shell's process substitution) receives the report and stays
    a FIFO: renaming a temporary file over it would have replaced it with a regular file."""
    (tmp_path / "out").mkdir()
    fifo = tmp_path / "out" / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, _ = run_main(["scan", str(tiny.path), "--format", "json", "-o", str(fifo)], capsys)
    reader.join(timeout=60)
    assert code == 0
    assert json.loads(received[0].decode("utf-8"))["schema"] == "busfactor.scan/1"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert os.listdir(fifo.parent) == ["pipe"]


# -- misc -------------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints `busfactor <version>` on stdout and exits 0."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"busfactor {busfactor.__version__}\n"


def test_every_option_says_what_it_does() -> None:
    """`--help` of every command explains each of its options."""
    import argparse

    from busfactor.cli import build_parser

    silent = []

    def walk(parser: argparse.ArgumentParser, command: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{command} {name}")
            elif not action.help:
                silent.append(f"{command} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "busfactor")
    assert silent == []


def test_a_command_line_builds_the_same_parser_for_its_command() -> None:
    """Given the command line, the parser leaves other commands' options out (start-up
    time); the command named, its subcommands and the list of commands read as in full."""
    import argparse

    from busfactor.cli import build_parser

    def helps(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[str, str]:
        found = {" ".join(path): parser.format_help()}
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.update(helps(sub, (*path, name)))
        return found

    full = helps(build_parser())
    commands = sorted({key.split(" ")[0] for key in full if key})
    assert len(commands) == 12
    for command in commands:
        lazy = helps(build_parser([command, "."]))
        mine = {key: text for key, text in lazy.items() if key.split(" ")[0] in ("", command)}
        assert mine == {k: v for k, v in full.items() if k.split(" ")[0] in ("", command)}
        others = [key for key in lazy if key and key.split(" ")[0] != command]
        assert all("--rev" not in lazy[key] for key in others), command


def test_usage_errors_exit_2(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown option value is a usage error: exit 2, nothing on stdout."""
    with pytest.raises(SystemExit) as exit_info:
        main(["scan", str(shop), "--format", "yaml"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--format" in captured.err


@pytest.mark.parametrize("command", ["scan", "check", "plan", "graph"])
def test_no_cache_with_a_cache_dir_is_a_usage_error(
    shop: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--no-cache --cache-dir DIR` scanned without a cache and said nothing: one of the two
    was a mistake. Exit 2, nothing written to DIR."""
    cache = shop.parent / "caches"
    with pytest.raises(SystemExit) as exit_info:
        main([command, str(shop), "--no-cache", "--cache-dir", str(cache)])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--cache-dir: not allowed with argument --no-cache" in captured.err
    assert not cache.exists()


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """A terminal on stdin and stdout; the app is not started, where it would open is kept."""
    import busfactor.cli

    opened: list[Path] = []
    monkeypatch.setattr(busfactor.cli, "_interactive", lambda: True)
    monkeypatch.setattr(
        busfactor.cli, "_open_tui", lambda path, overrides: opened.append(path) or 0
    )
    return opened


def test_no_command_outside_a_repository_suggests_the_demo(
    tmp_path: Path,
    terminal: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main([], capsys)
    assert (code, out, terminal) == (2, "", [])
    assert err == (
        "busfactor: error: not inside a git repository\n"
        "busfactor: hint: try the demo: busfactor demo\n"
    )


def test_no_command_opens_the_app_in_a_work_tree_or_a_bare_repository(
    tiny: Repo,
    tmp_path: Path,
    terminal: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Anywhere `busfactor scan` works without a path: a work tree, a folder in it, its git
    directory, and a bare clone (a mirror)."""
    (tiny.path / "docs").mkdir()
    bare = tmp_path / "mirror.git"
    tiny.git("clone", "-q", "--bare", str(tiny.path), str(bare))
    places = [tiny.path, tiny.path / "docs", tiny.path / ".git", bare, bare / "refs"]
    for place in places:
        monkeypatch.chdir(place)
        assert run_main([], capsys) == (0, "", "")
    assert terminal == places


def test_no_progress_on_stderr_when_it_is_not_a_terminal(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A successful scan writes nothing at all to a non-terminal stderr."""
    for command in (["scan", str(shop)], ["graph", str(shop)]):
        code, _, err = run_main(command, capsys)
        assert code == 0
        assert err == ""


# -- the console entry point ends the process itself ----------------------------------


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 files in one commit: a JSON report many times the size of a pipe's buffer."""
    base = tmp_path_factory.mktemp("wide")
    repo = Repo(base / "wide", base / "home")
    repo.commit(ADA, {f"pkg{n % 30}/module_{n}.py": f"x = {n}\n" for n in range(3000)})
    return repo.path


def test_the_entry_point_flushes_the_whole_report_before_it_ends(
    wide: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run` ends the process without the interpreter's teardown: stdout must still carry
    every byte, the same bytes the command writes in this process."""
    result = run_module(["scan", str(wide), "--format", "json"])
    assert result.returncode == 0, result.stderr
    code, expected, _ = run_main(["scan", str(wide), "--format", "json"], capsys)
    assert code == 0
    assert len(result.stdout) > 256 * 1024
    assert result.stdout.decode("utf-8") == expected
    assert len(json.loads(result.stdout)["files"]) == 3000


def test_the_entry_point_keeps_its_exit_code_and_error_line(tmp_path: Path) -> None:
    """An error still leaves with its documented code and one line on stderr."""
    result = run_module(["scan", str(tmp_path / "missing")])
    assert result.returncode == 2
    assert_one_line_error(result.returncode, result.stdout.decode(), result.stderr.decode())


def test_a_reader_that_stops_early_ends_the_scan_quietly(wide: Path) -> None:
    """`busfactor scan | head -c 10`: the report stops at a closed pipe with exit code 0 and
    nothing on stderr, neither a traceback nor Python's 'Exception ignored' at shutdown."""
    assert read_ten_bytes_and_close(["scan", str(wide), "--format", "json"]) == (0, b"")


def read_ten_bytes_and_close(args: list[str]) -> tuple[int, bytes]:
    """`busfactor ARGS | head -c 10` (the report is JSON): the exit code and stderr."""
    with subprocess.Popen(
        [sys.executable, "-m", "busfactor", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.read(10) == b'{\n  "schem'
        process.stdout.close()
        stderr = process.stderr.read()
        return process.wait(timeout=120), stderr


@pytest.mark.parametrize("baseline", [False, True])
def test_a_check_whose_reader_stops_early_keeps_its_verdict(
    wide: Path, tmp_path: Path, baseline: bool
) -> None:
    """`busfactor check | head`: the closed pipe is the reader's choice. The exit code is
    still the verdict (1: one author holds every file), so `set -o pipefail` sees the
    failure, and the baseline asked for is still written."""
    written = tmp_path / "baseline.json"
    extra = ["--write-baseline", str(written)] if baseline else []
    args = ["check", str(wide), "--format", "json", *extra]
    assert read_ten_bytes_and_close(args) == (1, b"")
    if baseline:
        assert len(json.loads(written.read_text("utf-8"))["files"]) == 3000


def test_a_profiled_run_still_writes_its_profile(tiny: Repo, tmp_path: Path) -> None:
    """Under `python -m cProfile -o FILE`, the process exits the usual way, so the profiler
    writes its file (the fast exit would end the process before it could)."""
    profile = tmp_path / "scan.prof"
    profiler = [sys.executable, "-m", "cProfile", "-o", str(profile)]
    result = subprocess.run(
        [*profiler, "-m", "busfactor", "scan", str(tiny.path), "--format", "json"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["schema"] == "busfactor.scan/1"
    assert profile.stat().st_size > 0


def at_fast_exit(setup: str, line: str) -> str:
    """A script that runs the console entry after `setup` and, when it takes the fast exit
    (`os._exit`), first writes the f-string `line` (with `code` in scope) to stderr."""
    return f"""
import gc, os, sys, threading
import busfactor.cli
{setup}
leave = os._exit
def report(code):
    sys.stderr.write(f"\\n{line}\\n")
    sys.stderr.flush()
    leave(code)
os._exit = report
sys.argv = ["busfactor", *sys.argv[1:]]
busfactor.cli.run()
"""


COUNT_COLLECTIONS = at_fast_exit(
    """runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))""",
    "collections={len(runs)} enabled={gc.isenabled()}",
)


def test_a_headless_command_runs_no_garbage_collection(tiny: Repo) -> None:
    """The console entry leaves the cyclic collector off for a headless command: after the
    scan's own pause it would sweep the whole report's objects for nothing."""
    result = subprocess.run(
        [sys.executable, "-c", COUNT_COLLECTIONS, "scan", str(tiny.path), "--format", "json"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["schema"] == "busfactor.scan/1"
    assert result.stderr.decode().splitlines()[-1] == "collections=0 enabled=False"


def test_the_terminal_apps_run_with_the_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app lives for hours: both ways into one turn the collector back on."""
    import gc

    import busfactor.orgscan
    import busfactor.ui.app
    import busfactor.ui.org
    from busfactor.cli import _open_tui
    from busfactor.cli.org import open_report_tui

    seen: list[bool] = []
    monkeypatch.setattr(busfactor.ui.app, "run_tui", lambda *args: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(
        busfactor.ui.org, "run_org_tui", lambda *args, **kw: seen.append(gc.isenabled()) or 0
    )
    monkeypatch.setattr(busfactor.orgscan, "read_org_report", lambda path: {})
    monkeypatch.setattr("busfactor.cli.diagnostics.require_terminal", lambda: None)
    was = gc.isenabled()
    try:
        gc.disable()
        assert _open_tui(tmp_path, {}) == 0
        gc.disable()
        assert open_report_tui(tmp_path / "org.json") == 0
    finally:
        if was:
            gc.enable()
    assert seen == [True, True]


FAST_EXIT = at_fast_exit(
    "",
    "fast exit {code} imports-alive="
    "{any(t.name == 'imports' and t.is_alive() for t in threading.enumerate())}",
)


def test_a_scan_that_fails_early_still_exits_at_once(tiny: Repo) -> None:
    """A scan that stops before its analysis (an unknown revision) leaves the thread that
    imports networkx still running; it is a daemon, so the fast exit does not wait for it."""
    result = subprocess.run(
        [sys.executable, "-c", FAST_EXIT, "scan", str(tiny.path), "--rev", "no-such-revision"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    last = result.stderr.decode().splitlines()[-1]
    assert last.startswith("fast exit 2 imports-alive=")


def test_a_path_given_as_the_command_hints_at_the_app(
    tiny: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`busfactor ~/src/app` was only "invalid choice"; a folder or a report names `tui`."""
    report = tmp_path / "org.json"
    report.write_text("{}", encoding="utf-8")
    for target in (str(tiny.path), str(report)):
        with pytest.raises(SystemExit) as stopped:
            main([target])
        assert stopped.value.code == 2
        err = capsys.readouterr().err.splitlines()
        assert err[1] == f"busfactor: hint: to open the app on it: busfactor tui {target}"
    with pytest.raises(SystemExit):
        main(["sacn"])
    assert capsys.readouterr().err.splitlines()[1] == "busfactor: hint: see: busfactor --help"


def test_the_progress_line_counts_merges_as_history(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the line said "merges' combined diffs" with no count, frozen for seconds
    on git.git while the walk waited for them; it now reads as the app's does."""
    import io

    from busfactor.cli.diagnostics import ProgressLine
    from busfactor.core.model import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    line = ProgressLine()
    line(Progress("history", 12000))
    line(Progress("merges' combined diffs", 8704))
    line.clear()
    assert terminal.getvalue() == (
        "\r\x1b[Kbusfactor: history: 12,000 commits read"
        "\r\x1b[Kbusfactor: history: 8,704 merges read"
        "\r\x1b[K"
    )
