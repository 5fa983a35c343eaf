"""The terminal apps' exit codes: 1 when Textual stops an app on an error, 0 on a quit.

Textual catches an error inside the app, prints it and ends `App.run` normally; only
`return_code` tells. A CI step or a shell script that opened the app must see the failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App

import busfactor.ui.app as app_module
import busfactor.ui.org as org_module
from busfactor.core.org import merge_reports
from busfactor.orgscan import scan_repositories


@pytest.fixture(autouse=True)
def headless(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `App.run` without a terminal: the code under test calls it as a user's run."""
    original = App.run

    def run(self: App[Any], **options: Any) -> Any:
        return original(self, **{**options, "headless": True})

    monkeypatch.setattr(App, "run", run)


_CSS = str(Path(app_module.__file__).with_name("app.tcss"))  # a subclass looks beside itself


class _Crashing(app_module.BusfactorApp):
    CSS_PATH = _CSS

    def on_mount(self) -> None:
        raise RuntimeError("the app broke")


class _Quitting(app_module.BusfactorApp):
    CSS_PATH = _CSS

    def on_mount(self) -> None:
        self.exit()


@pytest.mark.parametrize(("app_class", "code"), [(_Crashing, 1), (_Quitting, 0)])
def test_repository_app_exit_code(
    small_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    app_class: type[app_module.BusfactorApp],
    code: int,
) -> None:
    monkeypatch.setattr(app_module, "make_app", lambda root, settings: app_class(root, settings))
    assert app_module.run_tui(small_repo) == code
    if code:
        assert "the app broke" in capsys.readouterr().err


class _CrashingOrg(org_module.OrgApp):
    def on_mount(self) -> None:
        raise RuntimeError("the org app broke")


class _QuittingOrg(org_module.OrgApp):
    def on_mount(self) -> None:
        self.exit(0)


@pytest.mark.parametrize(("app_class", "code"), [(_CrashingOrg, 1), (_QuittingOrg, 0)])
def test_organisation_app_exit_code(
    small_repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    app_class: type[org_module.OrgApp],
    code: int,
) -> None:
    report = merge_reports(scan_repositories([small_repo], jobs=1)).report
    monkeypatch.setattr(org_module, "OrgApp", app_class)
    assert org_module.run_org_tui(report) == code
