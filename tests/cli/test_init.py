"""`busfactor init`: writes what the scan detects once, and never touches an existing file."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from builders import RepoBuilder
from busfactor.adapters.config import load_settings
from busfactor.cli import main
from busfactor.core.settings import Settings
from busfactor.pipeline import scan


@pytest.fixture
def project(builder: RepoBuilder) -> Path:
    """Two services, a root file, an ADR folder and a bot."""
    when = datetime(2025, 6, 1, tzinfo=UTC)
    builder.commit(
        "ada",
        write={
            "services/api/a.py": "a\n",
            "services/web/w.py": "w\n",
            "README.md": "r\n",
            "docs/adr/0001-start.md": "# 1. Start\n\n## Status\n\nAccepted\n",
        },
        when=when,
    )
    builder.commit(("dependabot[bot]", "bot@example.test"), write={"services/api/a.py": "b\n"})
    return builder.path


def test_init_writes_a_config_that_reproduces_the_scan(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The written components, ADR folder and bots load back and give the same components.
    The path printed is relative to the current folder, as the other scaffolds print it."""
    monkeypatch.chdir(project)
    assert main(["init", str(project)]) == 0
    assert capsys.readouterr().out == ".busfactor.toml\n"
    settings = load_settings(project)
    assert dict(settings.components) == {
        "docs": ("docs/**",),
        "services/api": ("services/api/**",),
        "services/web": ("services/web/**",),
    }
    assert settings.adr.dirs == ("docs/adr",)
    assert settings.identity.bots == ("dependabot[bot]",)
    default = {
        c["name"]: c["files"] for c in scan(project, settings=Settings()).to_dict()["components"]
    }
    configured = {c["name"]: c["files"] for c in scan(project).to_dict()["components"]}
    assert configured == default


def test_a_container_folder_with_files_of_its_own_keeps_only_those(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """`services/x.py` is the component services, `services/api/a.py` services/api: init
    wrote `services = ["services/**"]`, which claimed services/api's files as well."""
    builder.commit(
        "ada", write={"services/x.py": "x\n", "services/api/a.py": "a\n", "lib/l.py": "l\n"}
    )
    builder.commit("bob", write={"services/web/w.py": "w\n", "services/api/a.py": "b\n"})
    assert main(["init", str(builder.path)]) == 0
    capsys.readouterr()
    assert dict(load_settings(builder.path).components) == {
        "lib": ("lib/**",),
        "services": ("services/*",),
        "services/api": ("services/api/**",),
        "services/web": ("services/web/**",),
    }
    default = scan(builder.path, settings=Settings()).to_dict()["components"]
    configured = scan(builder.path).to_dict()["components"]
    assert {c["name"]: (c["files"], c["bus_factor"]) for c in configured} == {
        c["name"]: (c["files"], c["bus_factor"]) for c in default
    }


def test_init_escapes_component_names_that_read_as_globs(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named `src/[ab]` written as the glob `src/[ab]/**` also took in `src/a` and
    `src/b`: the configuration written changed the components it was made from."""
    for who, path in (("ada", "src/[ab]/q.py"), ("bob", "src/a/x.py"), ("cy", "src/b/y.py")):
        builder.commit(who, write={path: f"{who}\n"})
    default = {c["name"]: c["files"] for c in scan(builder.path).to_dict()["components"]}
    assert main(["init", str(builder.path)]) == 0, capsys.readouterr().err
    configured = {c["name"]: c["files"] for c in scan(builder.path).to_dict()["components"]}
    assert configured == default == {"src/[ab]": 1, "src/a": 1, "src/b": 1}


def test_init_never_overwrites(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second init, or any existing configuration, exits 1 and leaves the file alone."""
    (project / "pyproject.toml").write_text('[tool.busfactor]\nhistory = "linear"\n')
    assert main(["init", str(project)]) == 1
    assert "pyproject.toml: a configuration already exists" in capsys.readouterr().err
    assert (project / "pyproject.toml").read_text() == '[tool.busfactor]\nhistory = "linear"\n'
    assert not (project / ".busfactor.toml").exists()


def test_init_dry_run_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--dry-run prints the TOML and creates no file."""
    assert main(["init", str(project), "--dry-run"]) == 0
    assert "[components]" in capsys.readouterr().out
    assert not (project / ".busfactor.toml").exists()


def test_init_writes_nothing_into_a_bare_repository(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bare repository has no work tree: a file there could never be committed."""
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(project), str(bare)], check=True)
    assert main(["init", str(bare)]) == 2
    assert "a bare repository has no work tree to write into" in capsys.readouterr().err
    assert not (bare / ".busfactor.toml").exists()
    assert main(["init", str(bare), "--dry-run"]) == 0
    assert "[components]" in capsys.readouterr().out


def test_a_folder_name_that_is_not_utf8_is_left_out_with_a_warning(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bad\\xffdir/` crashed init half-way, leaving an empty `.busfactor.toml` that the next
    init refused to replace and every scan used. TOML cannot hold the name: the component is
    left out, said so, and found again by the scan's default rule."""
    builder.commit(
        "ada",
        write={b"bad\xffdir/f.py": "x\n", "ok/g.py": "y\n", b"x\xff/adr/0001-a.md": "# 1. A\n"},
    )
    default = {c["name"]: c["files"] for c in scan(builder.path).to_dict()["components"]}
    monkeypatch.chdir(builder.path)
    assert main(["init", str(builder.path), "--dry-run"]) == 0
    out, err = capsys.readouterr()
    out.encode("utf-8")  # valid UTF-8, no raw 0xff byte
    assert "component bad\\xffdir left out of .busfactor.toml: its name is not UTF-8" in err
    assert "[adr] dirs left out" in err
    assert main(["init", str(builder.path)]) == 0
    out, err = capsys.readouterr()
    assert out == ".busfactor.toml\n"
    assert "component bad\\xffdir left out" in err
    assert "internal error" not in err
    settings = load_settings(builder.path)
    assert dict(settings.components) == {"ok": ("ok/**",)}
    configured = {c["name"]: c["files"] for c in scan(builder.path).to_dict()["components"]}
    assert configured == default
    assert "bad\udcffdir" in configured


def test_init_leaves_no_file_when_it_cannot_write_one(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half-way leaves no `.busfactor.toml` behind (a retry would refuse)."""
    import os

    real = os.fdopen

    def failing(descriptor: int, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode.startswith("w"):  # the file's content, whichever way it is written
            raise OSError(28, "No space left on device")
        return real(descriptor, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "fdopen", failing)
    assert main(["init", str(project)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    monkeypatch.undo()
    assert [p.name for p in project.iterdir() if "busfactor" in p.name] == []
