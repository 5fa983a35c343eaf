"""A repository owned by someone else, and Ctrl-C during a scan: one line, documented codes."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

import busfactor.pipeline
from builders import RepoBuilder
from busfactor.cli import main


def test_dubious_ownership_is_explained_with_the_fix(
    builder: RepoBuilder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """git refuses a repository owned by another user; busfactor says so and how to allow it,
    with the absolute path git wants (the hint once repeated a relative `.`, which git
    does not accept as a safe directory)."""
    if os.geteuid() != 0 or shutil.which("chown") is None:
        pytest.skip("needs root to give the repository to another user")
    builder.commit("ada", write={"src/a.py": "a\n"}, when=datetime(2025, 6, 1, tzinfo=UTC))
    builder.close()
    subprocess.run(["chown", "-R", "65534:65534", str(builder.path)], check=True)
    assert main(["scan", str(builder.path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("busfactor: error: ")
    assert "owned by another user" in err[0]
    assert err[1] == (
        f"busfactor: hint: if you trust it: git config --global --add safe.directory "
        f"{builder.path.resolve()}"
    )
    monkeypatch.chdir(builder.path / "src")
    assert main(["scan", "."]) == 2
    assert capsys.readouterr().err.splitlines()[1] == err[1]


def test_ctrl_c_exits_130_with_one_line(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An interrupt in the middle of reading history exits 130, no traceback, nothing on stdout."""
    builder.commit("ada", write={"a.py": "a\n"}, when=datetime(2025, 6, 1, tzinfo=UTC))

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(busfactor.pipeline, "mine_history", interrupted)
    assert main(["scan", str(builder.path)]) == 130
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "busfactor: error: interrupted\n"


def test_two_scans_at_once_agree(builder: RepoBuilder) -> None:
    """Two scans of one repository running together both succeed with the same report."""
    from concurrent.futures import ThreadPoolExecutor

    from busfactor.core.settings import Settings

    for day in range(12):
        builder.commit(("ada", "bob")[day % 2], write={f"f{day % 5}.py": f"{day}\n"})
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(busfactor.pipeline.scan, builder.path, settings=Settings())]
        futures.append(pool.submit(busfactor.pipeline.scan, builder.path, settings=Settings()))
        first, second = (future.result().to_dict() for future in futures)
    assert first == second
