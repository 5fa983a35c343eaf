"""What a headless import really loads, checked in a fresh interpreter (house-style §4).

The TUI's libraries (textual, rich) must stay out of the CLI, the pipeline and a whole scan;
the pure core must not load git, the UI, or the YAML and Markdown parsers.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import busfactor.core
import busfactor.formats

UI_LIBRARIES = ("textual", "rich")
CORE_FORBIDDEN = ("git", "textual", "rich", "yaml", "markdown_it")


def loaded_after(code: str, watched: tuple[str, ...], cwd: Path | None = None) -> list[str]:
    """Run `code` in a fresh interpreter; the watched top-level packages it loaded."""
    probe = (
        f"{code}\n"
        "import sys, json\n"
        f"watched = {watched!r}\n"
        "hits = sorted({m.split('.')[0] for m in sys.modules} & set(watched))\n"
        "sys.__stdout__.write('\\n' + json.dumps(hits) + '\\n')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        timeout=120,
    )
    hits: list[str] = json.loads(result.stdout.splitlines()[-1])
    return hits


def submodules(package: ModuleType) -> list[str]:
    """Every module of a package, by dotted name."""
    prefix = package.__name__ + "."
    return sorted(info.name for info in pkgutil.walk_packages(package.__path__, prefix))


@pytest.mark.parametrize(
    "statement", ["import busfactor", "import busfactor.cli", "import busfactor.pipeline"]
)
def test_headless_imports_stay_free_of_the_tui(statement: str) -> None:
    """Importing the package, the CLI or the pipeline loads neither textual nor rich."""
    assert loaded_after(statement, UI_LIBRARIES) == []


def test_importing_the_package_loads_only_the_standard_library() -> None:
    """`import busfactor` loads none of the third-party dependencies."""
    third_party = ("textual", "rich", "git", "networkx", "yaml", "markdown_it", "tomli_w")
    assert loaded_after("import busfactor", third_party) == []


def test_a_whole_headless_scan_stays_free_of_the_tui_and_gitpython(tmp_path: Path) -> None:
    """Running `main(["scan", repo, "--format", "json"])` end to end loads neither textual nor
    rich, nor GitPython (0.2 s of start-up: git runs through subprocess, adr/0009), nor, in a
    repository with no decision record or runbook, the YAML and Markdown parsers (0.1 s)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        HOME=str(tmp_path),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Ada",
        GIT_AUTHOR_EMAIL="ada@example.test",
        GIT_COMMITTER_NAME="Ada",
        GIT_COMMITTER_EMAIL="ada@example.test",
        GIT_AUTHOR_DATE="1704067200 +0000",
        GIT_COMMITTER_DATE="1704067200 +0000",
    )
    (repo / "a.py").write_text("x = 1\n", encoding="utf-8")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "one"]):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True, capture_output=True)
    code = (
        "import contextlib, io, json\n"
        "from busfactor.cli import main\n"
        "buffer = io.StringIO()\n"
        "with contextlib.redirect_stdout(buffer):\n"
        f"    assert main(['scan', {str(repo)!r}, '--format', 'json']) == 0\n"
        "assert json.loads(buffer.getvalue())['schema'] == 'busfactor.scan/1'\n"
    )
    assert loaded_after(code, (*UI_LIBRARIES, "git", "yaml", "markdown_it")) == []


def test_all_core_and_format_modules_together_stay_pure() -> None:
    """Importing every core and format module loads neither git, textual, rich, yaml nor
    markdown_it, and none of busfactor's adapters, CLI, UI or pipeline."""
    modules = submodules(busfactor.core) + submodules(busfactor.formats)
    assert "busfactor.core.filters" in modules
    code = "\n".join(f"import {module}" for module in modules)
    assert loaded_after(code, CORE_FORBIDDEN) == []
    layers = (
        f"{code}\nimport sys\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('busfactor.adapters', "
        "'busfactor.cli', 'busfactor.ui', 'busfactor.pipeline')))\n"
        "assert not bad, bad\n"
    )
    loaded_after(layers, ())
