"""Decision records are read from the working tree, never from outside the repository."""

from __future__ import annotations

from pathlib import Path

from busfactor.core.report import ScanReport
from busfactor.ui.documents import read_record, without_front_matter
from busfactor.ui.screenshots import TABS, main


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
    """The screenshot script writes one SVG per tab, a component's detail, a person's, the
    help and the organisation app (on a report of two demo repositories)."""
    assert main([str(small_repo), str(tmp_path / "shots")]) == 0
    names = sorted(path.stem for path in (tmp_path / "shots").glob("*.svg"))
    assert names == sorted([*TABS, "component", "person", "help", "org"])
    assert "Holds&#160;alone" in (tmp_path / "shots" / "person.svg").read_text(encoding="utf-8")
    assert "acme-shop-eu" in (tmp_path / "shots" / "org.svg").read_text(encoding="utf-8")
    assert "Cross-training" in (tmp_path / "shots" / "plan.svg").read_text(encoding="utf-8")


def test_front_matter_is_left_out_of_the_rendered_record() -> None:
    """MADR's YAML header is shown in the pane's own header, not as a stray paragraph."""
    record = "---\nstatus: accepted\ndate: 2025-01-14\n---\n\n# Use X\n\nBody\n"
    assert without_front_matter(record) == "# Use X\n\nBody\n"
    assert without_front_matter("# Use X\n---\n") == "# Use X\n---\n"
    assert without_front_matter("---\nno end\n") == "---\nno end\n"


def test_decision_titles_are_cut_so_status_and_date_show(tmp_path: Path) -> None:
    """At 120 columns the demo's long titles pushed Status (shown as "acc") and Date out of
    the table's half of the screen; titles now end in … and the record shows them whole."""
    from busfactor.demo import make_demo
    from busfactor.pipeline import scan

    repo = make_demo(tmp_path / "repo")
    assert "accepted" in _decisions_column(repo, scan(repo), 2)


def _decisions_column(repo: Path, report: ScanReport, column: int) -> set[str]:
    """The cells of one column of the Decisions table at 120x40, which must fit its half
    of the screen without scrolling."""
    import asyncio

    from textual.widgets import DataTable

    from busfactor.ui.app import make_app

    app = make_app(repo, report=report)
    cells: set[str] = set()

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("d")
            await pilot.pause()
            table = app.query_one("#decisions-table", DataTable)
            assert table.virtual_size.width <= table.size.width
            cells.update(str(table.get_row_at(i)[column]) for i in range(table.row_count))

    asyncio.run(drive())
    return cells


def test_long_decision_ids_keep_their_end_so_status_and_date_show(tmp_path: Path) -> None:
    """Two folders numbering their records alike give ids with the folder in front
    (adr/0027): `services/payments/docs/adr:1` took the table's half of the screen. Ids
    are now shortened from the left, as component names are, and two that would then look
    alike (`…/docs/adr:1`) keep the folder that tells them apart. The titles get what the
    ids leave: at a fixed 26 cells, Date was pushed out of view."""
    from builders import RepoBuilder
    from busfactor.pipeline import scan

    record = "# {title}\n\n## Status\n\nAccepted\n\n## Context\n\nx\n"
    with RepoBuilder(tmp_path / "repo") as builder:
        builder.commit(
            "ada",
            write={
                f"services/{name}/docs/adr/0001-use-a-queue.md": record.format(
                    title=f"Use a queue for {name} events"
                )
                for name in ("payments-and-invoicing", "shipping-and-returns")
            },
        )
        repo = builder.path
    report = scan(repo)
    assert {d["id"] for d in report.decisions()} == {
        "services/payments-and-invoicing/docs/adr:1",
        "services/shipping-and-returns/docs/adr:1",
    }
    assert _decisions_column(repo, report, 0) == {"…/payme…/…/adr:1", "…/shipp…/…/adr:1"}


def test_decision_ids_show_each_folder_alike() -> None:
    """QA: three folders whose names start alike showed as one (`…/payme…/…/adr:1` three
    times), and the one record numbered 3 lost its folder (`…/docs/adr:3`) beside its
    folder's 1 and 2."""
    from busfactor.ui.documents import ShortIds

    folders = [f"services/payments-{x}/docs/adr" for x in ("and-invoicing", "api", "worker")]
    ids = [f"{folder}:{n}" for folder in folders for n in (1, 2)] + [f"{folders[0]}:3"]
    short = ShortIds([*ids, "docs/adr:1"])
    shown = {decision_id: short(decision_id, 16) for decision_id in ids}
    assert len(set(shown.values())) == len(ids)
    assert {shown[f"{folders[0]}:{n}"] for n in (1, 2, 3)} == {
        "…/…icing/…/adr:1",
        "…/…icing/…/adr:2",
        "…/…icing/…/adr:3",
    }
    assert short("docs/adr:1", 16) == "docs/adr:1"
    plain = ShortIds(["1", "0002-use-a-queue-for-every-event"])
    assert plain("1", 16) == "1"
    assert plain("0002-use-a-queue-for-every-event", 16) == "…for-every-event"
