"""Formats never let repository text act on the reader: escaping in text, Markdown, JSON, graphs.

Reports are built in memory from a `MiningResult`, so names and paths can hold anything git
can store: control characters, newlines, pipes, bytes that are not UTF-8.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from markdown_it import MarkdownIt

from busfactor.cli import main
from busfactor.core.analysis import build_ownership_graph
from busfactor.core.model import FileHistory, IdentityActivity, MiningResult, RawIdentity
from busfactor.core.report import ScanReport
from busfactor.core.settings import Settings
from busfactor.formats import graph_export
from busfactor.formats.graph_export import render_graphml, render_node_link
from busfactor.formats.indented_json import dumps_indented
from busfactor.formats.json import render_json
from busfactor.formats.markdown import cell, render_markdown
from busfactor.formats.text import render_text
from busfactor.formats.text_safety import json_safe, printable, valid_text

DAY = 86400
NOW = 1_735_689_600
"""2025-01-01T00:00:00Z, the analysed revision's time."""

Renderer = Callable[[ScanReport], str]

RED_NAME = "Mallory \x1b[31mred\x1b[0m"
CSI_NAME = "Csi \x9b2J"
PIPE_NAME = "Ada | Bob `x`"
NEWLINE_PATH = "evil\ndir/run.py"
NON_UTF8_PATH = os.fsdecode(b"caf\xe9/menu.txt")
PIPE_PATH = "a|b/c.py"


def report_of(
    paths: list[str],
    people: list[tuple[str, str]],
    *,
    repository: str = "/repo",
    old: frozenset[int] = frozenset(),
) -> ScanReport:
    """File i is created by identity i mod len(people); identities in `old` last committed long
    before the revision (inactive)."""
    files = []
    for index in range(len(paths)):
        raw = index % len(people)
        files.append(FileHistory({raw: 1}, {}, {raw}, {raw: NOW - DAY}))
    activity = []
    for raw in range(len(people)):
        when = NOW - 400 * DAY if raw in old else NOW - DAY
        activity.append(IdentityActivity(1, when, when))
    mining = MiningResult(
        revision="f" * 40,
        revision_time=NOW,
        commits_read=len(people),
        paths=paths,
        files=files,
        identities=[RawIdentity(email, name) for name, email in people],
        activity=activity,
    )
    return ScanReport(build_ownership_graph(mining, {}, Settings(), repository=repository))


@pytest.fixture
def hostile() -> ScanReport:
    """Names with terminal escapes and pipes, paths with a newline, a pipe and a non-UTF-8 byte."""
    return report_of(
        [NEWLINE_PATH, NON_UTF8_PATH, PIPE_PATH, "ok/x.py"],
        [
            (RED_NAME, "mallory@example.test"),
            (CSI_NAME, "csi@example.test"),
            (PIPE_NAME, "ada@example.test"),
            ("Old \x07Timer", "old\x1b]0;title\x07@example.test"),
        ],
        repository="/srv/repo\x1b]0;pwned\x07",
        old=frozenset({3}),
    )


def control_characters(text: str) -> list[str]:
    """C0 and C1 control characters other than the line feed."""
    return re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)


def shown(render: Renderer, report: ScanReport) -> str:
    """What a reader sees: the text as printed, Markdown as GitHub-like rendering shows it."""
    out = render(report)
    if render is not render_markdown:
        return out
    rendered = MarkdownIt("gfm-like").render(out)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_control_characters_are_shown_not_obeyed(render: Renderer, hostile: ScanReport) -> None:
    """Terminal escapes in names, emails and the repository path appear as visible escapes."""
    out = render(hostile)
    assert control_characters(out) == []
    assert "\\x1b[31mred\\x1b[0m" in shown(render, hostile)
    assert "\\x9b2J" in shown(render, hostile)
    out.encode("utf-8")


@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_a_newline_in_a_path_cannot_start_a_line(render: Renderer, hostile: ScanReport) -> None:
    """A component named after a directory with a newline stays on one line, escaped."""
    out = render(hostile)
    assert "evil\\ndir" in shown(render, hostile)
    assert not any(line.startswith("dir") for line in out.splitlines())


@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_non_utf8_bytes_show_as_hex_escapes(render: Renderer, hostile: ScanReport) -> None:
    """A path byte that is not UTF-8 is printed as \\xNN and the output is valid UTF-8."""
    out = render(hostile)
    assert "caf\\xe9" in shown(render, hostile)
    out.encode("utf-8")


def test_text_escapes_inactive_people_emails(hostile: ScanReport) -> None:
    """The inactive-people list escapes names and emails."""
    out = render_text(hostile)
    assert "Inactive people" in out
    assert "Old \\x07Timer <old\\x1b]0;title\\x07@example.test>" in out


def table_rows(markdown: str) -> list[str]:
    """The component table's body rows."""
    lines = markdown.splitlines()
    start = lines.index("|---|---:|---:|---|---:|")
    rows = []
    for line in lines[start + 1 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_markdown_cells_escape_pipes_and_backticks(hostile: ScanReport) -> None:
    """Pipes and backticks in names and component names cannot break the table or open code."""
    out = render_markdown(hostile)
    rows = table_rows(out)
    assert len(rows) == 4
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row
    assert "a\\|b" in out
    assert "Ada \\| Bob \\`x\\`" in out


def test_markdown_truck_factor_line_escapes_names() -> None:
    """The headline naming the truck-factor people escapes pipes and control characters."""
    report = report_of(["a.py", "b.py"], [(PIPE_NAME, "ada@example.test")])
    headline = next(line for line in render_markdown(report).splitlines() if "Truck factor" in line)
    assert "Ada \\| Bob \\`x\\`" in headline


@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_a_name_with_a_comma_is_quoted_in_lists_of_people(render: Renderer) -> None:
    """`Smith, Jo, Ada` read as three people; the name holding the comma is quoted."""
    report = report_of(
        ["a.py", "b.py", "c.py", "d.py"],
        [("Smith, Jo", "jo@example.test"), ("Ada", "ada@example.test")],
    )
    text = render(report)
    headline = next(line for line in text.splitlines() if "ruck factor" in line)
    assert '"Smith, Jo", Ada' in headline or 'Ada, "Smith, Jo"' in headline
    assert "Smith, Jo, " not in text
    assert ", Smith, Jo" not in text


def test_markdown_does_not_pass_html_through() -> None:
    """A name holding an HTML tag is not emitted as a raw tag in the Markdown report."""
    report = report_of(["a.py"], [('<img src="https://evil.test/p.png">', "eve@example.test")])
    assert "<img" not in render_markdown(report)


def test_cell_escapes_line_breaks() -> None:
    """A Markdown cell never contains a raw carriage return or line feed."""
    assert cell("a\r\nb|c") == "a\\\\r\\\\nb\\|c"  # shown as a\\r\\nb|c


def test_json_is_valid_utf8_with_hex_escaped_paths(hostile: ScanReport) -> None:
    """Non-UTF-8 path bytes become literal \\xNN text; the JSON is valid UTF-8 and parses."""
    out = render_json(hostile)
    data = json.loads(out.encode("utf-8").decode("utf-8"))
    paths = [entry["path"] for entry in data["files"]]
    assert "caf\\xe9/menu.txt" in paths
    assert NEWLINE_PATH in paths
    assert "caf\\xe9" in {component["name"] for component in data["components"]}


def test_json_keeps_control_characters_as_data(hostile: ScanReport) -> None:
    """JSON escapes C0 control characters itself, so names round-trip exactly."""
    out = render_json(hostile)
    assert re.findall(r"[\x00-\x1f]", out.replace("\n", "")) == []
    names = {person["name"] for person in json.loads(out)["people"]}
    assert {RED_NAME, CSI_NAME, PIPE_NAME} <= names


def test_graph_node_link_json_is_valid_utf8(hostile: ScanReport) -> None:
    """The node-link graph is valid UTF-8 JSON networkx loads, non-UTF-8 bytes as \\xNN."""
    out = render_node_link(hostile.graph)
    graph = nx.node_link_graph(json.loads(out.encode("utf-8")), edges="edges")
    assert "file:caf\\xe9/menu.txt" in graph


def test_node_link_json_is_what_networkx_gives_laid_out_whole(hostile: ScanReport) -> None:
    """Written item by item, the node-link JSON stays the text of networkx's node-link data
    made safe and laid out in one piece, non-UTF-8 paths and control characters included."""
    for graph in (hostile.graph, nx.DiGraph(), nx.DiGraph(note="x")):
        whole = dumps_indented(json_safe(nx.node_link_data(graph, edges="edges"))) + "\n"
        assert render_node_link(graph) == whole


def test_graphml_keeps_non_utf8_paths_loadable() -> None:
    """GraphML with a non-UTF-8 path (and a newline in another) loads back with networkx."""
    report = report_of([NON_UTF8_PATH, NEWLINE_PATH], [("Ada", "ada@example.test")])
    graph = nx.read_graphml(io.BytesIO(render_graphml(report.graph).encode("utf-8")))
    assert {"file:caf\\xe9/menu.txt", f"file:{NEWLINE_PATH}"} <= set(graph)


def _graphml_by_networkx(graph: nx.DiGraph[str]) -> str:
    """What `render_graphml` wrote before it wrote text itself: networkx's own writer on a
    copy of the graph whose values are scalars."""
    flat: nx.DiGraph[str] = nx.DiGraph()
    flat.graph.update({key: graph_export._scalar(value) for key, value in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        values = {key: graph_export._scalar(value) for key, value in data.items()}
        flat.add_node(graph_export.xml_text(node), **values)
    for source, target, data in graph.edges(data=True):
        values = {key: graph_export._scalar(value) for key, value in data.items()}
        flat.add_edge(graph_export.xml_text(source), graph_export.xml_text(target), **values)
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def test_graphml_is_the_document_networkx_writes(hostile: ScanReport) -> None:
    """Written as text, GraphML stays byte for byte what `nx.write_graphml` gives, with
    quotes, ampersands, tabs and carriage returns in names and paths, and empty values;
    except that a carriage return in text is a reference, which networkx writes raw."""
    odd = report_of(
        ['q"uote&<a>\tb\rc.py', "plain.py", NON_UTF8_PATH],
        [('Tab\t"Quote" & <Co>\r', "t@example.test"), ("Ada", "ada@example.test")],
    )
    for report in (hostile, odd):
        ours = render_graphml(report.graph)
        theirs = _graphml_by_networkx(report.graph)
        assert ours == theirs.replace("\r", "&#13;")
    loaded = nx.read_graphml(io.StringIO(render_graphml(odd.graph)))
    names = {data.get("name") for _, data in loaded.nodes(data=True)}
    assert 'Tab\t"Quote" & <Co>\r' in names  # networkx's own document reads "...\n"


def test_graphml_keeps_nodes_apart_whose_escaped_names_read_alike() -> None:
    """A file named `a` plus byte 0x01 and one named `a\\x01` read alike once escaped for
    XML: the second node gets its own id (networkx merged the two, and writing both under
    one id is not GraphML), and each edge keeps its end."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    for name, owner in (("file:a\x01", "person:x"), ("file:a\\x01", "person:y")):
        graph.add_node(name, kind="file")
        graph.add_node(owner, kind="person")
        graph.add_edge(owner, name, kind="authorship")
    loaded = nx.read_graphml(io.StringIO(render_graphml(graph)))
    assert sorted(loaded) == ["file:a\\x01", "file:a\\x01~2", "person:x", "person:y"]
    assert set(loaded.edges) == {("person:x", "file:a\\x01"), ("person:y", "file:a\\x01~2")}


def test_node_link_keeps_nodes_apart_whose_escaped_names_read_alike() -> None:
    """A path with byte 0xff (not UTF-8) and one literally named `a\\xff` both read
    `a\\xff` in JSON: networkx loaded the two as one node; the second now gets `~2`."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    for name, owner in (("file:a\udcff", "person:x"), ("file:a\\xff", "person:y")):
        graph.add_node(name, kind="file")
        graph.add_node(owner, kind="person")
        graph.add_edge(owner, name, kind="authorship")
    data = json.loads(render_node_link(graph))
    loaded = nx.node_link_graph(data, edges="edges")
    assert sorted(loaded) == ["file:a\\xff", "file:a\\xff~2", "person:x", "person:y"]
    assert set(loaded.edges) == {("person:x", "file:a\\xff"), ("person:y", "file:a\\xff~2")}


def test_graphml_stays_well_formed_with_control_characters(hostile: ScanReport) -> None:
    """GraphML of a graph whose names hold terminal escapes is well-formed XML."""
    nx.read_graphml(io.BytesIO(render_graphml(hostile.graph).encode("utf-8")))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("tab\there", "tab\\there"),
        ("\x1b[2J", "\\x1b[2J"),
        ("del\x7f", "del\\x7f"),
        ("c1\x85", "c1\\x85"),
        ("naïve ✓", "naïve ✓"),
        (os.fsdecode(b"\xff\xfe"), "\\xff\\xfe"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    """printable() escapes C0, DEL, C1 and undecodable bytes, and keeps other Unicode."""
    assert printable(raw) == shown


def test_valid_text_and_json_safe() -> None:
    """valid_text() turns surrogate escapes into \\xNN; json_safe() applies it everywhere."""
    bad = os.fsdecode(b"x\x80")
    assert valid_text(bad) == "x\\x80"
    assert json_safe({bad: [bad, (bad, 1)], "n": None}) == {
        "x\\x80": ["x\\x80", ["x\\x80", 1]],
        "n": None,
    }


def isolated_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, str]]:
    """An empty folder for a repository, and an environment (also set for the scan in this
    process) where no personal or system git configuration applies."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(HOME=str(tmp_path), GIT_CONFIG_NOSYSTEM="1")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return repo, env


def test_non_utf8_path_in_a_real_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file whose name is not UTF-8, committed with git, appears as \\xNN in every report."""
    repo, env = isolated_repository(tmp_path, monkeypatch)
    commit_env = {
        **env,
        "GIT_AUTHOR_NAME": "Ada \x1b[1mBold",
        "GIT_AUTHOR_EMAIL": "ada@example.test",
        "GIT_COMMITTER_NAME": "Ada",
        "GIT_COMMITTER_EMAIL": "ada@example.test",
        "GIT_AUTHOR_DATE": "1704067200 +0000",
        "GIT_COMMITTER_DATE": "1704067200 +0000",
    }
    (repo / os.fsdecode(b"caf\xe9.txt")).write_text("menu\n", encoding="utf-8")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "menu"]):
        subprocess.run(["git", *command], cwd=repo, env=commit_env, check=True, capture_output=True)
    for fmt in ("json", "text", "markdown"):
        assert main(["scan", str(repo), "--format", fmt]) == 0
        out = capsys.readouterr().out
        out.encode("utf-8")
        assert control_characters(out) == []
        if fmt == "json":
            data = json.loads(out)
            assert [entry["path"] for entry in data["files"]] == ["caf\\xe9.txt"]
            assert data["people"][0]["name"] == "Ada \x1b[1mBold"
        elif fmt == "text":
            assert "Ada \\x1b[1mBold" in out
        else:
            assert "Ada \\\\x1b\\[1mBold" in out  # shown as Ada \\x1b[1mBold


def raw_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, authors: list[bytes]) -> Path:
    """A repository of one commit per author line, each adding a file, written as objects:
    `git commit` would convert a name that is not UTF-8, and refuses a malformed line."""
    repo, env = isolated_repository(tmp_path, monkeypatch)

    def git(*args: str, stdin: bytes = b"") -> str:
        done = subprocess.run(
            ["git", *args], cwd=repo, env=env, input=stdin, check=True, capture_output=True
        )
        return done.stdout.decode().strip()

    git("init", "-q", "-b", "main")
    parent = b""
    for day, author in enumerate(authors):
        (repo / f"f{day}.txt").write_text("x\n" * (day + 1), encoding="utf-8")
        git("add", "-A")
        stamp = str(1704067200 + day * 86400).encode() + b" +0000"
        body = b"tree " + git("write-tree").encode() + b"\n" + parent
        body += b"author " + author + b"\n"
        body += b"committer CI <ci@example.test> " + stamp + b"\n\nchange\n"
        sha = git("hash-object", "-t", "commit", "-w", "--literally", "--stdin", stdin=body)
        parent = b"parent " + sha.encode() + b"\n"
        git("update-ref", "refs/heads/main", sha)
    return repo


def test_authors_whose_names_are_not_utf8_stay_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two people whose Latin-1 names differ only in bytes that are not UTF-8 are two people,
    each named with `\\xNN`: decoded with U+FFFD both read `J\ufffdr`, and the identity merge
    made them one (which changed the truck factor)."""
    authors = [b"J\xe9r <j1@x.org> 1704067200 +0000", b"J\xe8r <j2@x.org> 1704153600 +0000"]
    repo = raw_commits(tmp_path, monkeypatch, authors)
    assert main(["scan", str(repo), "--format", "json"]) == 0
    people = {p["name"]: p["email"] for p in json.loads(capsys.readouterr().out)["people"]}
    assert people == {"J\\xe9r": "j1@x.org", "J\\xe8r": "j2@x.org"}


@pytest.mark.parametrize("history", ["dag", "linear"])
def test_an_author_line_git_cannot_read_names_nobody(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    history: str,
) -> None:
    """`author Broken Ident 1735905600 +0000` (no email): git prints its `%aN` and `%aE`
    placeholders as they are, and the report named a person `%aN <%aE>`. git log shows no
    author for such a commit; the report names nobody, as for `  <>`."""
    authors = [b"Ada <ada@x.org> 1704067200 +0000", b"Broken Ident 1704153600 +0000"]
    repo = raw_commits(tmp_path, monkeypatch, authors)
    assert main(["scan", str(repo), "--format", "json", "--history", history]) == 0
    people = json.loads(capsys.readouterr().out)["people"]
    assert sorted((p["name"], p["email"]) for p in people) == [
        ("(no name or email)", ""),
        ("Ada", "ada@x.org"),
    ]


def test_text_lists_cut_at_ten_say_how_many_more() -> None:
    """Twelve components and twelve inactive authors: each list shows ten and says two more
    (the inactive list stopped at ten without a word; prettier has 810 such people)."""
    people = [(f"Person {n:02}", f"p{n}@example.test") for n in range(12)]
    report = report_of([f"c{n:02}/x.py" for n in range(12)], people, old=frozenset(range(12)))
    text = render_text(report)
    components = text.split("Components, riskiest first (12 in all):\n", 1)[1]
    assert components.split("\n\n", 1)[0].splitlines()[-1] == (
        "  ... 2 more (--format json lists them all)"
    )
    inactive = text.split("Inactive people who still author files (12 in all):\n", 1)[1]
    rows = inactive.split("\n\n", 1)[0].splitlines()
    assert len(rows) == 11
    assert rows[-1] == "  ... 2 more (--format json lists them all)"


@pytest.mark.parametrize(
    ("people", "said"),
    [
        ([("Ada", "ada@x.test"), ("Bob", "bob@x.test")], "(Ada, Bob; 1 of them no longer active"),
        ([("Ada", "ada@x.test")], "(Ada; no longer active"),
    ],
)
@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_the_headline_says_who_the_truck_factor_names_has_left(
    render: Renderer, people: list[tuple[str, str]], said: str
) -> None:
    """The truck factor counts people who left as it counts everyone: cobra's 5 named 4 gone
    for years, and the headline did not say so."""
    report = report_of([f"f{n}.py" for n in range(4)], people, old=frozenset({0}))
    assert report.to_dict()["truck_factor"]["value"] == len(people)
    assert said in render(report)
    everyone_here = report_of([f"f{n}.py" for n in range(4)], people)
    assert "no longer active" not in render(everyone_here).split("\n\n", 2)[1]
