"""`busfactor tui` takes the scan's options: the app scans what `busfactor scan` would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.builders import RepoBuilder
from textual.app import App

import busfactor.ui.app as app_module
from busfactor.cli import main
from busfactor.core.settings import Settings

_CSS = str(Path(app_module.__file__).with_name("app.tcss"))  # a subclass looks beside itself


class _Quitting(app_module.BusfactorApp):
    """The app as the command builds it, leaving before its first scan."""

    CSS_PATH = _CSS

    def on_mount(self) -> None:
        self.exit()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    """The settings each app was made with; the app runs headless and quits at once."""
    seen: list[Settings] = []
    original = App.run

    def run(self: App[Any], **options: Any) -> Any:
        return original(self, **{**options, "headless": True})

    def make(root: Path, settings: Settings) -> _Quitting:
        seen.append(settings)
        return _Quitting(root, settings)

    monkeypatch.setattr(App, "run", run)
    monkeypatch.setattr(app_module, "make_app", make)
    monkeypatch.setattr("busfactor.cli.diagnostics.require_terminal", lambda: None)
    return seen


def test_the_app_scans_with_the_options_given(
    builder: RepoBuilder,
    tmp_path: Path,
    opened: list[Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builder.commit("ada", write={"a.py": "x = 1\n"})
    repo = builder
    config = tmp_path / "elsewhere.toml"
    config.write_text('scope = "code"\nactivity_days = 30\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["--rev", "HEAD", "--history", "linear", "--cache-dir", "caches", "--anonymize"]
    assert main(["tui", str(repo.path), *args, "--config", str(config)]) == 0
    [settings] = opened
    assert (settings.rev, settings.history, settings.anonymize) == ("HEAD", "linear", True)
    assert settings.cache_dir == str(tmp_path / "caches")  # relative to where it ran
    assert (settings.scope, settings.activity_days) == ("code", 30)  # from --config

    assert main(["tui", str(repo.path), "--no-cache"]) == 0
    assert opened[1].cache is False
    assert opened[1].scope == "all"  # no --config: the repository has no file


def test_both_cache_options_are_a_usage_error(
    tmp_path: Path, opened: list[Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["tui", str(tmp_path), "--no-cache", "--cache-dir", "x"])
    assert stop.value.code == 2
    assert "--cache-dir: not allowed with argument --no-cache" in capsys.readouterr().err
    assert opened == []


@pytest.mark.parametrize(
    "option", [["--rev", "v1"], ["--no-cache"], ["--no-default-excludes"], ["--config", "x"]]
)
def test_scan_options_on_a_report_are_a_usage_error(
    tmp_path: Path, opened: list[Settings], capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    """An org report was scanned already: `--rev` there would be silently ignored. The
    error names the option as it was given."""
    report = tmp_path / "org.json"
    report.write_text("{}", "utf-8")
    assert main(["tui", str(report), *option]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"busfactor: error: {option[0]} is for a repository's scan, not a report ({report})\n"
    )
    assert opened == []


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--rev", "nonexistent"], "busfactor: error: unknown revision: nonexistent\n"),
        (["--since", "garbage"], "busfactor: error: since 'garbage'"),
    ],
)
def test_a_revision_or_date_the_scan_refuses_is_refused_before_the_app_opens(
    builder: RepoBuilder,
    opened: list[Settings],
    capsys: pytest.CaptureFixture[str],
    option: list[str],
    message: str,
) -> None:
    """`busfactor scan` exits 2 on these; the app opened, showed the error in a dialog and
    exited 0 when quit."""
    builder.commit("ada", write={"a.py": "x = 1\n"})
    assert main(["tui", str(builder.path), *option]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert opened == []
