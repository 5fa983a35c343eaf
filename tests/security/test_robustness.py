"""Bad input: one `busfactor: error:` line and exit 2, or a correct result; no traceback."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from builders import RepoBuilder

SRC = Path(__file__).resolve().parents[2] / "src"


def busfactor(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("BUSFACTOR_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "busfactor", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
    )


def assert_error(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr, done.stderr
    assert done.stdout == ""
    first = done.stderr.splitlines()[0]
    assert first.startswith("busfactor: error:"), done.stderr
    for needle in needles:
        assert needle in done.stderr, done.stderr
    return done.stderr


def scan_json(*args: str | Path, cwd: Path | None = None) -> dict[str, Any]:
    done = busfactor("scan", *args, "--format", "json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def git(repo: Path, *args: str, **env: str) -> str:
    full = dict(os.environ, GIT_AUTHOR_NAME="Ada", GIT_AUTHOR_EMAIL="ada@example.test")
    full.update(GIT_COMMITTER_NAME="Ada", GIT_COMMITTER_EMAIL="ada@example.test", **env)
    return subprocess.run(
        ["git", "-C", str(repo), *args], env=full, capture_output=True, check=True
    ).stdout.decode("utf-8", "replace")


@pytest.fixture
def small(builder: RepoBuilder) -> RepoBuilder:
    builder.commit("ada", write={"src/a.py": "a\n", "src/b.py": "b\n"})
    builder.commit("bob", write={"src/b.py": "b\nc\n", "lib/c.py": "c\n"})
    builder.commit("ada", write={"src/a.py": "a\nd\n"})
    return builder


# -- repositories ---------------------------------------------------------------------------


def test_not_a_repository(tmp_path: Path) -> None:
    assert_error(busfactor("scan", tmp_path), "not a git repository")


def test_missing_path(tmp_path: Path) -> None:
    assert_error(busfactor("scan", tmp_path / "nope"), "no such directory")


def test_empty_repository(builder: RepoBuilder) -> None:
    assert_error(busfactor("scan", builder.path), "no commits")


def test_head_on_a_branch_without_commits_names_the_branches_that_have_some(
    small: RepoBuilder,
) -> None:
    """A mirror whose default branch was renamed: HEAD names a branch that does not exist."""
    small.branch("release")
    git(small.path, "symbolic-ref", "HEAD", "refs/heads/trunk")
    stderr = assert_error(busfactor("scan", small.path), "branch trunk has no commits yet")
    assert stderr.splitlines()[1] == "busfactor: hint: pass --rev with one that has: main, release"
    assert scan_json(small.path, "--rev", "release")["repository"]["commits"] == 3


def test_the_git_directory_of_a_work_tree_reads_as_the_work_tree(
    small: RepoBuilder, tmp_path: Path
) -> None:
    """`busfactor scan repo/.git` (or a folder in it) is the work tree's scan, its .mailmap
    included; git alone would read no work tree from there."""
    (small.path / ".mailmap").write_text("Ada Lovelace <ada@example.test>\n")
    expected = scan_json(small.path, "--no-cache")
    for where in (small.path / ".git", small.path / ".git" / "refs"):
        data = scan_json(where, "--no-cache")
        assert data["people"] == expected["people"]
        assert data["files"] == expected["files"]
        assert data["repository"]["path"] == str(small.path)
    assert "Ada Lovelace" in {p["name"] for p in expected["people"]}
    store, work = tmp_path / "store.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--separate-git-dir", str(store), str(work)], check=True)
    assert_error(busfactor("scan", store), "the git directory of a work tree kept elsewhere")


def test_bare_repositories_named_explicitly_are_read(small: RepoBuilder, tmp_path: Path) -> None:
    """With `safe.bareRepository = explicit`, git reads a bare repository only when told
    which: busfactor names the one it was given."""
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(small.path), str(bare)], check=True)
    git(small.path, "config", "--global", "safe.bareRepository", "explicit")
    assert scan_json(bare, "--no-cache")["repository"]["commits"] == 3
    assert_error(busfactor("scan", bare / "refs"), "safe.bareRepository is 'explicit'")


def test_bare_clone(small: RepoBuilder, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(small.path), str(bare)], check=True)
    data = scan_json(bare)
    assert {f["path"] for f in data["files"]} == {"src/a.py", "src/b.py", "lib/c.py"}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".busfactor.toml", "[policy]\nmin_truck_factor = 5\n"),
        (
            "pyproject.toml",
            "[project]\nname = 'x'\n[tool.busfactor.policy]\nmin_truck_factor = 5\n",
        ),
    ],
)
def test_a_bare_repository_reads_its_committed_configuration(
    small: RepoBuilder, tmp_path: Path, name: str, text: str
) -> None:
    """A bare clone has no work tree: its committed policy was silently not applied, and
    `check` passed where the work tree's failed. It is read from the revision scanned."""
    small.commit("ada", write={name: text})
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(small.path), str(bare)], check=True)
    for repository in (small.path, bare):
        done = busfactor("check", repository, "--format", "json")
        assert done.returncode == 1, done.stderr
        assert "min-truck-factor" in done.stdout
    before = busfactor("check", bare, "--rev", "HEAD~1", "--format", "json")  # no policy yet
    assert "min-truck-factor" not in before.stdout


def test_a_bare_repository_refuses_a_committed_configuration_link(
    small: RepoBuilder, tmp_path: Path
) -> None:
    (small.path / ".busfactor.toml").symlink_to("/etc/passwd")
    git(small.path, "add", ".busfactor.toml")
    git(small.path, "commit", "-q", "-m", "link")
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(small.path), str(bare)], check=True)
    assert_error(busfactor("scan", bare), "HEAD:.busfactor.toml: not a readable file")


def test_linked_worktree(small: RepoBuilder, tmp_path: Path) -> None:
    tree = tmp_path / "linked"
    git(small.path, "worktree", "add", "-q", str(tree), "-b", "other")
    data = scan_json(tree)
    assert data["repository"]["path"] == str(tree.resolve())
    assert len(data["files"]) == 3
    assert scan_json(cwd=tree / "src")["repository"]["revision"] == small.head


def test_a_repository_directory_whose_name_is_not_utf8(tmp_path: Path) -> None:
    """git's answer was decoded with replacement: the root read `caf\ufffd`, so `adr new`
    refused ("git's work tree for it is …, outside it") and the report's path lost the byte
    its contract writes as `\\xe9`."""
    with RepoBuilder(tmp_path / os.fsdecode(b"caf\xe9")) as odd:
        odd.commit("ada", write={"a.py": "a\n"})
        done = busfactor("adr", "new", "Use Go", odd.path)
        assert done.returncode == 0, done.stderr
        assert (odd.path / "docs" / "adr" / "0002-use-go.md").is_file()
        data = scan_json(odd.path)
        assert data["repository"]["path"] == str(tmp_path.resolve()) + "/caf\\xe9"


def test_a_repository_directory_with_a_newline_in_its_name(tmp_path: Path) -> None:
    """git prints the repository's paths after its yes/no answers in one process; a newline
    in a directory name must not split them, so the cache still lands in its git dir."""
    with RepoBuilder(tmp_path / "odd\nname x") as odd:
        odd.commit("ada", write={"a.py": "a\n"})
        data = scan_json(odd.path)
        assert data["repository"]["path"] == str(odd.path.resolve())
        assert data["repository"]["shallow"] is False
        assert (odd.path / ".git" / "busfactor" / "cache.sqlite").is_file()
        # A linked worktree's common dir is printed as an absolute path, newline and all.
        linked = tmp_path / "linked"
        git(odd.path, "worktree", "add", "-q", str(linked), "-b", "other")
        shutil.rmtree(odd.path / ".git" / "busfactor")
        assert scan_json(linked)["repository"]["path"] == str(linked.resolve())
        assert (odd.path / ".git" / "busfactor" / "cache.sqlite").is_file()


def test_submodule_is_not_a_file(small: RepoBuilder, tmp_path: Path) -> None:
    with RepoBuilder(tmp_path / "sub") as sub:
        sub.commit("bob", write={"inner.py": "i\n"})
        git(
            small.path,
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            str(sub.path),
            "vendor/sub",
        )
        git(small.path, "commit", "-q", "-m", "submodule")
    data = scan_json(small.path)
    paths = {f["path"] for f in data["files"]}
    assert "vendor/sub" not in paths
    assert "vendor/sub/inner.py" not in paths
    assert {"src/a.py", "src/b.py", "lib/c.py"} <= paths


def test_detached_head(small: RepoBuilder) -> None:
    first = git(small.path, "rev-list", "--max-parents=0", "HEAD").strip()
    git(small.path, "checkout", "-q", "--detach", first)
    data = scan_json(small.path)
    assert data["repository"]["revision"] == first
    assert {f["path"] for f in data["files"]} == {"src/a.py", "src/b.py"}


def test_single_commit(builder: RepoBuilder) -> None:
    builder.commit("ada", write={"only.py": "x\n"})
    data = scan_json(builder.path)
    assert data["truck_factor"]["value"] == 1
    assert data["people"][0]["id"] == "ada@example.test"


def test_shallow_clone_warns_and_check_refuses(small: RepoBuilder, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    url = small.path.as_uri()
    subprocess.run(["git", "clone", "-q", "--depth", "1", url, str(shallow)], check=True)
    assert scan_json(shallow)["repository"]["shallow"] is True
    assert_error(busfactor("check", shallow), "shallow")


@pytest.mark.parametrize("rev", ["nosuchbranch", "HEAD~99", "--output=x"])
def test_unknown_revision(small: RepoBuilder, rev: str) -> None:
    assert_error(busfactor("scan", small.path, f"--rev={rev}"), "unknown revision")


@pytest.mark.parametrize("rev", ["a..b", "HEAD~2..main", "main...HEAD", "main^!", "HEAD^-"])
def test_a_range_is_not_a_revision(small: RepoBuilder, rev: str) -> None:
    """`--rev HEAD~2..main` scanned main without a word: git log read it as a range and the
    scan took the range's first commit."""
    assert_error(busfactor("scan", small.path, f"--rev={rev}"), f"{rev} is a range")


# -- names, encodings, dates ----------------------------------------------------------------


def test_hostile_file_names(builder: RepoBuilder) -> None:
    builder.commit(
        "ada",
        write={
            "new\nline.py": "a\n",
            "quo\"te's.py": "b\n",
            b"latin-\xe9.py": "c\n",
            "tab\there.py": "d\n",
            "\x1b[31mred.py": "e\n",
        },
    )
    data = scan_json(builder.path)
    paths = {f["path"] for f in data["files"]}
    assert {"new\nline.py", "quo\"te's.py", "latin-\\xe9.py", "tab\there.py"} <= paths
    assert len(paths) == 5
    text = busfactor("scan", builder.path)
    assert text.returncode == 0
    assert "Traceback" not in text.stderr
    assert "\x1b" not in text.stdout


def test_latin1_author_names(builder: RepoBuilder) -> None:
    builder.commit("ada", write={"a.py": "a\n"})
    (builder.path / "b.py").write_text("b\n")
    git(builder.path, "add", "b.py")
    name = "Jos\xe9 M\xfcller"
    subprocess.run(
        [
            "git",
            "-C",
            str(builder.path),
            "-c",
            "i18n.commitEncoding=ISO-8859-1",
            "commit",
            "-q",
            "-m",
            "caf\xe9".encode("latin-1"),
        ],
        env=dict(
            os.environ,
            GIT_AUTHOR_NAME=name.encode("latin-1"),
            GIT_AUTHOR_EMAIL="jose@example.test",
            GIT_COMMITTER_NAME="x",
            GIT_COMMITTER_EMAIL="x@example.test",
        ),  # type: ignore[arg-type]
        check=True,
    )
    data = scan_json(builder.path)
    people = {p["id"]: p["name"] for p in data["people"]}
    assert people["jose@example.test"] == name


def test_author_name_with_control_characters(builder: RepoBuilder) -> None:
    builder.commit(("Evil\x1b[2J\x07\x01 Name", "evil@example.test"), write={"a.py": "a\n"})
    data = scan_json(builder.path)
    assert data["people"][0]["id"] == "evil@example.test"
    text = busfactor("scan", builder.path)
    assert text.returncode == 0
    assert "\x1b" not in text.stdout
    assert "\x07" not in text.stdout


def test_an_author_starting_with_x01_keeps_their_commit(builder: RepoBuilder) -> None:
    """git commit strips it, but `hash-object` writes it and `fsck --strict` accepts it: a
    name starting with \\x01 made the commit vanish and its files go to the author of the
    commit before it."""
    builder.commit("ada", write={"core/a.py": "a\n"})
    builder.commit("mal", write={"web/m.js": "m\n"})
    builder.commit("bob", write={"web/b.js": "b\n"})

    def git(*args: str, given: bytes | None = None) -> bytes:
        return subprocess.run(
            ["git", "-C", str(builder.path), *args], input=given, capture_output=True, check=True
        ).stdout

    forged = git("cat-file", "commit", "HEAD~1").replace(b"author Mal", b"author \x01Mal", 1)
    mal = git("hash-object", "-w", "-t", "commit", "--stdin", given=forged).strip()
    top = git("cat-file", "commit", "HEAD").split(b"\n")
    top = [b"parent " + mal if line.startswith(b"parent ") else line for line in top]
    head = git("hash-object", "-w", "-t", "commit", "--stdin", given=b"\n".join(top)).strip()
    git("update-ref", "HEAD", head.decode())
    git("fsck", "--strict")
    for history in ("dag", "linear"):
        data = scan_json(builder.path, "--history", history)
        assert data["repository"]["commits"] == 3, history
        authors = {f["path"]: f["authors"] for f in data["files"]}
        assert authors["web/m.js"] == ["mal@example.test"], history
        assert authors["core/a.py"] == ["ada@example.test"], history


@pytest.mark.parametrize(
    "when",
    [datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC), datetime(2099, 12, 31, tzinfo=UTC)],
    ids=["1970", "2099"],
)
def test_extreme_commit_dates(builder: RepoBuilder, when: datetime) -> None:
    builder.commit("ada", write={"a.py": "a\n"})
    (builder.path / "b.py").write_text("b\n")
    git(builder.path, "add", "b.py")
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
    git(
        builder.path,
        "commit",
        "-q",
        "-m",
        "b",
        GIT_AUTHOR_NAME="Bob",
        GIT_AUTHOR_EMAIL="bob@example.test",
        GIT_AUTHOR_DATE=stamp,
        GIT_COMMITTER_DATE=stamp,
    )
    builder.commit("ada", write={"a.py": "a\nb\n"})
    data = scan_json(builder.path)
    dates = {p["id"]: p["last_commit"] for p in data["people"]}
    assert dates["bob@example.test"].startswith(str(when.year))


@pytest.mark.parametrize("seconds", [253_402_300_800, 99_999_999_999_999, 2**64 - 1])
def test_a_commit_dated_past_the_calendar(builder: RepoBuilder, seconds: int) -> None:
    """git takes any author date (`hash-object --literally`, or year 10000 from git commit
    itself): scan and check stopped with "internal error: year 10000 is out of range", and
    past 2^63 the cache could not store it. Dates stop at 9999-12-31, with the wrong clock
    named; a rescan from the cache says the same."""
    builder.commit("ada", write={"a.py": "a\n"})
    tree = git(builder.path, "write-tree").strip()
    parent = git(builder.path, "rev-parse", "HEAD").strip()
    raw = (
        f"tree {tree}\nparent {parent}\nauthor Vandal <v@example.test> {seconds} +0000\n"
        "committer Ada <ada@example.test> 1700000000 +0000\n\nx\n"
    )
    made = subprocess.run(
        [
            "git",
            "-C",
            str(builder.path),
            "hash-object",
            "-t",
            "commit",
            "-w",
            "--stdin",
            "--literally",
        ],
        input=raw.encode(),
        capture_output=True,
        check=True,
    )
    git(builder.path, "update-ref", "HEAD", made.stdout.decode().strip())
    for _ in range(2):  # cold, then from the cache
        data = scan_json(builder.path)
        dates = {p["id"]: p["last_commit"] for p in data["people"]}
        assert dates["v@example.test"] == "9999-12-31T23:59:59Z"
        assert any("Vandal (9999-12-31)" in w for w in data["warnings"]), data["warnings"]
    done = busfactor("check", builder.path)
    assert done.returncode in (0, 1), done.stderr
    assert "error" not in done.stderr


def test_malformed_mailmap(small: RepoBuilder) -> None:
    small.commit(
        "ada",
        write={".mailmap": "garbage\n<<>>\n< > <\nAda <ada@example.test> <\n\xff\xfe\x00junk\n"},
    )
    data = scan_json(small.path)
    assert {"ada@example.test", "bob@example.test"} <= {p["id"] for p in data["people"]}


# -- configuration --------------------------------------------------------------------------


def test_malformed_config_names_key_and_line(small: RepoBuilder) -> None:
    (small.path / ".busfactor.toml").write_text('# config\n\nactivity_days = "x"\n')
    err = assert_error(busfactor("scan", small.path))
    assert ":3:" in err
    assert "activity_days" in err


def test_config_that_is_not_toml(small: RepoBuilder) -> None:
    (small.path / ".busfactor.toml").write_text("[[[\n")
    assert_error(busfactor("scan", small.path), ".busfactor.toml")


def test_config_that_is_binary(small: RepoBuilder, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe\x00\x00garbage")
    assert_error(busfactor("scan", small.path, "--config", bad), "bad.toml")


def test_config_nested_too_deeply_is_one_line(small: RepoBuilder, tmp_path: Path) -> None:
    """tomllib recurses into nested arrays: 100,000 of them was an internal RecursionError."""
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    stderr = assert_error(busfactor("scan", small.path, "--config", deep))
    assert stderr == f"busfactor: error: {deep}: invalid TOML: nested too deeply\n"


# -- decision records -----------------------------------------------------------------------


BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
    for i in range(9)
)
FRONT_MATTERS = {
    "invalid": "---\nstatus: [unclosed\n: : :\n---\n# 1. Invalid\n",
    "not-a-mapping": "---\n- just\n- a list\n---\n# 1. List\n",
    "bomb": f"---\n{BOMB}status: accepted\n---\n# 1. Bomb\n",
    "python-tag": "---\nstatus: !!python/object/apply:os.system ['touch MARKER']\n---\n# 1. Tag\n",
    "huge": "---\nstatus: accepted\nfiller: " + "x" * (1 << 20) + "\n---\n# 1. Huge\n",
}


@pytest.mark.parametrize("kind", list(FRONT_MATTERS))
def test_hostile_adr_front_matter(small: RepoBuilder, tmp_path: Path, kind: str) -> None:
    marker = tmp_path / "marker"
    content = FRONT_MATTERS[kind].replace("MARKER", str(marker))
    small.commit("ada", write={"docs/adr/0001-record.md": content})
    done = busfactor("scan", small.path, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    assert not marker.exists()
    assert len(data["decisions"]) <= 1
    if kind not in ("huge", "bomb"):  # aliases are shared, not expanded: the bomb is inert
        assert data["warnings"] or data["decisions"][0]["status"] == "unknown"


# -- writing the report ---------------------------------------------------------------------


def test_output_below_a_regular_file(small: RepoBuilder, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep\n")
    assert_error(busfactor("scan", small.path, "--output", blocker / "sub" / "r.json"))
    assert blocker.read_text() == "keep\n"


def test_output_onto_a_directory(small: RepoBuilder, tmp_path: Path) -> None:
    assert_error(busfactor("scan", small.path, "--output", tmp_path), "is a directory")


def test_output_onto_a_file_mounted_on_its_own_says_what_to_mount(
    small: RepoBuilder, tmp_path: Path
) -> None:
    """`docker run -v $PWD/out.json:/w/out.json`: the rename over a mount point fails (EBUSY),
    and the error now says why a report cannot be written there and what to mount instead."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare for a private mount namespace")
    source, target = tmp_path / "mounted.json", tmp_path / "out" / "report.json"
    source.write_text("{}\n", encoding="utf-8")
    target.parent.mkdir()
    target.touch()
    command = [sys.executable, "-m", "busfactor", "scan", str(small.path), "--output", str(target)]
    done = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            'mount --bind "$1" "$2" && shift 2 && exec "$@"',
            "sh",
            str(source),
            str(target),
            *command,
        ],
        env=dict(os.environ, PYTHONPATH=str(SRC)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "mount" in done.stderr and "busfactor" not in done.stderr:
        pytest.skip(f"no bind mounts here: {done.stderr.strip()}")
    stderr = assert_error(done, f"{target}: cannot write (Device or resource busy)")
    assert "mount its folder instead" in stderr.splitlines()[1]
    assert source.read_text(encoding="utf-8") == "{}\n"


def test_failed_write_keeps_the_old_report(small: RepoBuilder, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text("old report\n")
    target.parent.chmod(0o555)
    try:
        probe = target.parent / "probe"
        try:
            probe.write_text("")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("running as root: a read-only directory is still writable")
        assert_error(busfactor("scan", small.path, "--output", target), "cannot write")
        assert target.read_text() == "old report\n"
    finally:
        target.parent.chmod(0o755)


def test_failed_write_on_a_full_disk_keeps_the_old_report(
    small: RepoBuilder, tmp_path: Path
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    # A write that fails mid-way (ENOSPC) is simulated in-process by a stream whose write fails.
    from busfactor.cli.output import write_atomically
    from busfactor.errors import UsageError

    target = tmp_path / "report.json"
    target.write_text("old report\n")
    real_fdopen = os.fdopen

    def full_disk(fd: int, *args: Any, **kwargs: Any) -> Any:
        stream = real_fdopen(fd, *args, **kwargs)

        def write(data: bytes) -> int:
            raise OSError(28, "No space left on device")

        stream.write = write  # type: ignore[method-assign]
        return stream

    mp = pytest.MonkeyPatch()
    mp.setattr(os, "fdopen", full_disk)
    try:
        with pytest.raises(UsageError, match="No space left"):
            write_atomically(target, b"new report\n")
    finally:
        mp.undo()
    assert target.read_text() == "old report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_a_report_in_pieces_is_written_whole_or_not_at_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report written piece by piece (a graph export) replaces the file only once every
    piece is written: a piece that fails to come, or Ctrl-C between two, leaves the old file
    and no temporary one."""
    from busfactor.cli.output import write_report

    target = tmp_path / "graph.graphml"
    target.write_text("old graph\n")

    def pieces(stop: BaseException) -> Iterator[str]:
        yield "<graphml>"
        raise stop

    for stop in (RuntimeError("broken"), KeyboardInterrupt()):
        with pytest.raises(type(stop)):
            write_report(pieces(stop), target)
        assert target.read_text() == "old graph\n"
        assert [p.name for p in tmp_path.iterdir()] == ["graph.graphml"]
    write_report(iter(["<graphml>", "\n</graphml>\n"]), target)
    assert target.read_text() == "<graphml>\n</graphml>\n"
    write_report(iter(["a", "b\n"]), None)
    assert capsys.readouterr().out == "ab\n"


def test_huge_and_binary_files(builder: RepoBuilder) -> None:
    """A 5 MB text file is analysed and a NUL-laden blob of unknown type is left out as binary."""
    builder.commit(
        "ada",
        write={"big.txt": "x" * (5 * 1024 * 1024), "blob.dat": b"\0\1\2" * 4000, "a.py": "a\n"},
    )
    from busfactor.core.settings import Settings
    from busfactor.pipeline import scan

    data = scan(builder.path, settings=Settings()).to_dict()
    assert {f["path"] for f in data["files"]} == {"a.py", "big.txt"}
    assert data["repository"]["excluded"] == {"binary": 1}


def test_a_git_too_old_for_the_history_options_is_named(small: RepoBuilder, tmp_path: Path) -> None:
    """git before 2.31 has no `--diff-merges`: say which git and which is needed."""
    real = shutil.which("git")
    assert real is not None
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "git").write_text(
        "#!/bin/sh\n"
        'case " $* " in *" version "*) echo "git version 2.30.2"; exit 0;; esac\n'
        'for a in "$@"; do case "$a" in --diff-merges*)\n'
        '  echo "fatal: unrecognized argument: $a" >&2; exit 128;; esac; done\n'
        f'exec "{real}" "$@"\n'
    )
    (fake / "git").chmod(0o755)
    env = dict(os.environ, PYTHONPATH=str(SRC), PATH=f"{fake}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(
        [sys.executable, "-m", "busfactor", "scan", str(small.path), "--no-cache"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    stderr = assert_error(done, "git 2.30.2 is too old: busfactor needs git 2.31 or later")
    assert len(stderr.splitlines()) == 2  # the error and its hint


def test_an_object_missing_from_history_is_named_with_what_to_do(builder: RepoBuilder) -> None:
    """A copy that left a blob out (no promisor to fetch it from): git's rename detection
    cannot read it, and the error says the clone is incomplete rather than only git's words."""
    builder.commit("ada", write={"a.txt": "".join(f"{n}\n" for n in range(50))})
    builder.commit("ada", write={"b.txt": "".join(f"{n}\n" for n in range(51))}, delete=["a.txt"])
    blob = git(builder.path, "rev-parse", "HEAD~1:a.txt").strip()
    (builder.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    stderr = assert_error(
        busfactor("scan", builder.path, "--no-cache"),
        f"the repository lacks an object git needs (unable to read {blob})",
    )
    assert stderr.splitlines()[1].startswith("busfactor: hint: the clone is damaged or incomplete")


def test_a_tree_missing_at_the_revision_is_named_with_what_to_do(builder: RepoBuilder) -> None:
    """git's own words for it are only "not a tree object"."""
    builder.commit("ada", write={"a.txt": "a\n"})
    tree = git(builder.path, "rev-parse", "HEAD^{tree}").strip()
    (builder.path / ".git" / "objects" / tree[:2] / tree[2:]).unlink()
    stderr = assert_error(
        busfactor("scan", builder.path, "--no-cache"),
        "the repository lacks an object git needs (the revision's file tree: not a tree object)",
    )
    assert stderr.splitlines()[1].startswith("busfactor: hint: the clone is damaged or incomplete")


@pytest.mark.parametrize(
    ("target", "command"),
    [
        (".busfactor.toml", "scan"),  # the configuration discovery found and read
        ("pyproject.toml", "scan"),  # looked at by discovery, the project's own file
        ("docs/runbooks/api.md", "plan"),  # a runbook the scan read
        ("docs/adr/0001-use-x.md", "scan"),  # a decision record
        ("CODEOWNERS", "graph"),
        (".mailmap", "scan"),
        ("src/../.busfactor.toml", "check"),  # another spelling of the same file
    ],
)
def test_a_report_is_never_written_over_a_file_the_scan_read(
    builder: RepoBuilder, target: str, command: str
) -> None:
    """Only files named on the command line were guarded: `--output .busfactor.toml` replaced
    the configuration the scan had just read, and the next scan failed on a report."""
    files = {
        ".busfactor.toml": "activity_days = 400\n",
        "pyproject.toml": "[project]\nname = 'x'\n",
        "docs/runbooks/api.md": "# API runbook\n",
        "docs/adr/0001-use-x.md": "# 1. Use X\n\n## Status\n\nAccepted\n",
        "CODEOWNERS": "* @ada\n",
        ".mailmap": "Ada <ada@example.test>\n",
        "src/api/a.py": "a\n",
    }
    builder.commit("ada", write=files)
    before = {path: (builder.path / path).read_bytes() for path in files}
    flag = "--write-baseline" if command == "check" else "--output"
    done = busfactor(command, builder.path, flag, builder.path / target)
    assert_error(done, f"{flag} {builder.path / target} would replace a file this scan read")
    assert {path: (builder.path / path).read_bytes() for path in files} == before
    assert busfactor("scan", builder.path, "--output", builder.path / "report.txt").returncode == 0


def closed(fd: int, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """busfactor run by a shell that closed descriptor `fd` (`>&-`, `2>&-`) first."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("BUSFACTOR_DEBUG", None)
    command = " ".join(
        [shlex.quote(sys.executable), "-m", "busfactor", *map(shlex.quote, map(str, args))]
    )
    return subprocess.run(
        ["bash", "-c", f"exec {command} {fd}>&-"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_closed_stdout_is_one_error_line(small: RepoBuilder, tmp_path: Path) -> None:
    """Python leaves sys.stdout None: the report's write was an AttributeError traceback."""
    done = closed(1, "scan", small.path)
    assert done.returncode == 2
    assert done.stderr == "busfactor: error: standard output is closed: give --output FILE\n"
    done = closed(1, "scan", small.path, "--format", "json", "--output", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["repository"]


def test_a_closed_stderr_still_gives_the_report_and_the_exit_code(small: RepoBuilder) -> None:
    """The warnings had nowhere to go and the run failed with exit 1, report lost; the cache
    opened next would also have taken descriptor 2."""
    done = closed(2, "scan", small.path, "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["repository"]["commits"] == 3
    assert closed(2, "check", small.path, "--exit-zero").returncode == 0
    assert closed(2, "scan", small.path, "--rev", "nosuch").returncode == 2


def test_a_file_whose_content_is_missing_is_warned_about(builder: RepoBuilder) -> None:
    """A damaged repository lacking a blob of the revision was scanned without a word, its
    file's content checks skipped; a partial clone already said so."""
    builder.commit("ada", write={"app.js": "".join(f"f{n}();\n" for n in range(50)), "b.py": "b\n"})
    blob = git(builder.path, "rev-parse", "HEAD:app.js").strip()
    (builder.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    warning = (
        "the content of 1 file at the revision could not be read: the repository lacks those "
        "objects, so the binary, generated and minified checks skipped them (git fsck lists "
        "what is missing)"
    )
    for _ in range(2):  # and again from the cache, which kept no verdict made without it
        data = scan_json(builder.path)
        assert warning in data["warnings"]
        assert {f["path"] for f in data["files"]} == {"app.js", "b.py"}


def test_merge_never_replaces_a_report_it_reads(small: RepoBuilder, tmp_path: Path) -> None:
    report = tmp_path / "a.json"
    report.write_text(busfactor("scan", small.path, "--format", "json").stdout, encoding="utf-8")
    before = report.read_bytes()
    assert_error(busfactor("merge", report, "--output", report), "would replace")
    assert report.read_bytes() == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_one_error_line(small: RepoBuilder) -> None:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "busfactor", "scan", str(small.path), "--no-cache"],
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["busfactor: error: No space left on device"]


@pytest.mark.parametrize("where", ["stdout", "--output"])
def test_a_report_the_disk_cannot_hold_whole_is_an_error_not_half_a_file(
    builder: RepoBuilder, tmp_path: Path, where: str
) -> None:
    """A file-size limit (a disk filling mid-write does the same) takes the first part of
    the report and then refuses: a buffered write says so by writing less, not by raising.
    The report was cut at 12 KiB with exit code 0."""
    import resource

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (12288, 12288))

    # More than the 8 KiB a buffered writer keeps: written straight through, cut short.
    builder.commit("ada", write={f"src/module_{n:03}.py": f"{n}\n" for n in range(120)})
    target = tmp_path / "report.json"
    command = [sys.executable, "-m", "busfactor", "scan", str(builder.path), "--format", "json"]
    env = dict(os.environ, PYTHONPATH=str(SRC))
    full = subprocess.run([*command, "--no-cache"], env=env, capture_output=True, timeout=60)
    assert len(full.stdout) > 16384  # more than the limit and a buffered writer's 8 KiB
    with open(target, "wb") as out:
        done = subprocess.run(
            [*command, "--no-cache", *(["--output", str(target)] if where != "stdout" else [])],
            env=env,
            stdout=out if where == "stdout" else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            preexec_fn=limited,
        )
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("busfactor: error: ")
    assert line.endswith(("File too large", "cannot write (File too large)"))
    if where == "--output":
        assert not target.exists() or target.read_bytes() == b""  # never half a report


def test_codeowners_suggest_never_replaces_a_codeowners_file(
    small: RepoBuilder, tmp_path: Path
) -> None:
    owners = small.path / "CODEOWNERS"
    owners.write_text("* @team\n", encoding="utf-8")
    done = busfactor("codeowners", "suggest", small.path, "--output", owners)
    assert done.returncode == 1
    assert "already exists; a CODEOWNERS file is never replaced" in done.stderr
    assert owners.read_text(encoding="utf-8") == "* @team\n"
    fresh = tmp_path / "suggested"
    assert busfactor("codeowners", "suggest", small.path, "--output", fresh).returncode == 0
    assert fresh.read_text(encoding="utf-8").strip()
