"""Decision records are read from the working tree, never from outside the repository."""

from __future__ import annotations

from pathlib import Path

from busfactor.ui.documents import read_record
from busfactor.ui.screenshots import main


def test_a_record_inside_the_repository_is_read(tmp_path: Path) -> None:
    """A relative path inside the root returns the file's text."""
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc" / "0001-x.md").write_text("# Use X\n", encoding="utf-8")
    assert read_record(str(tmp_path), "doc/0001-x.md") == "# Use X\n"


def test_a_path_escaping_the_repository_is_refused(tmp_path: Path) -> None:
    """`../` and absolute paths are not opened."""
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    repo = tmp_path / "repo"
    repo.mkdir()
    assert "outside the repository" in read_record(str(repo), "../secret.md")
    assert "outside the repository" in read_record(str(repo), str(tmp_path / "secret.md"))


def test_screenshots_are_saved_for_every_tab(tmp_path: Path, small_repo: Path) -> None:
    """The screenshot script writes one SVG per tab."""
    assert main([str(small_repo), str(tmp_path / "shots")]) == 0
    assert len(list((tmp_path / "shots").glob("*.svg"))) == 6
