"""Save SVG screenshots of the apps: `python -m busfactor.ui.screenshots REPO OUTDIR`.

The repository app on REPO (one picture per tab, a component's detail, the help), then the
organisation app as `org.svg`: on the report given with `--org ORG.json`, or else on one
built from two demo repositories (`acme-shop` and `acme-shop-eu`, seeds 7 and 8) made in a
temporary directory. Same inputs, same pictures.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from busfactor.core.org import merge_reports
from busfactor.demo import make_demo
from busfactor.errors import UsageError
from busfactor.orgscan import read_org_report, scan_repositories
from busfactor.pipeline import scan
from busfactor.ui.app import make_app
from busfactor.ui.messages import PersonChosen
from busfactor.ui.org import OrgApp
from busfactor.ui.view import unique_knowledge

TABS = ("overview", "components", "people", "findings", "decisions", "plan")
"""One screenshot per tab, then `component.svg` (the riskiest component), `person.svg` (the
person who holds most alone) and `help.svg`."""
ORG_DEMOS = (("acme-shop", 7), ("acme-shop-eu", 8))
"""The demo repositories (folder name, seed) of the organisation screenshot's report: the
same people in both, so the people who alone hold a component in each are flagged."""
ORG_TITLE = "org.json"
"""The organisation app's subtitle when its report is built here (a file's name otherwise)."""


async def settle(app: App[Any], pilot: Pilot[Any]) -> None:
    """Workers done (the plan is computed in a thread), animations over (the tab underline
    slides), the screen redrawn: the picture no longer depends on timing."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_animation()
    await pilot.pause()


async def save_all(repo: Path, directory: Path, size: tuple[int, int] = (120, 40)) -> list[Path]:
    """One `<tab>.svg` per tab, the riskiest component's detail, the first person's detail
    and the help, on a report scanned before the app starts."""
    report = scan(repo)
    app = make_app(repo, report=report)
    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for tab in TABS:
            app.action_show_tab(f"tab-{tab}")
            await settle(app, pilot)
            saved.append(Path(app.save_screenshot(f"{tab}.svg", str(directory))))
        components = report.components()
        if components:
            app.show_component(str(components[0]["name"]))
            await settle(app, pilot)
            saved.append(Path(app.save_screenshot("component.svg", str(directory))))
            app.return_to_tabs()
        held = unique_knowledge(report)  # the person who holds the most alone
        if held:
            person = min(held, key=lambda p: (-len(held[p][0]), -held[p][1], p))
            app.post_message(PersonChosen(person))
            await settle(app, pilot)
            saved.append(Path(app.save_screenshot("person.svg", str(directory))))
            app.return_to_tabs()
        app.action_help()
        await settle(app, pilot)
        saved.append(Path(app.save_screenshot("help.svg", str(directory))))
    return saved


def demo_org_report(workdir: Path) -> dict[str, Any]:
    """A `busfactor.org/1` report over the demo repositories of `ORG_DEMOS`, made in `workdir`
    (scanned one after the other, as `busfactor scan A B` would in parallel)."""
    paths = [make_demo(workdir / name, seed=seed) for name, seed in ORG_DEMOS]
    return merge_reports(scan_repositories(paths, jobs=1)).report


async def save_org(
    report: Mapping[str, Any],
    directory: Path,
    size: tuple[int, int] = (120, 40),
    title: str = ORG_TITLE,
) -> Path:
    """`org.svg`: the organisation app on `report`."""
    app = OrgApp(report, title=title)
    directory.mkdir(parents=True, exist_ok=True)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        return Path(app.save_screenshot("org.svg", str(directory)))


def main(argv: list[str] | None = None) -> int:
    """Parse `REPO OUTDIR [--org ORG.json]`, write the screenshots, print their paths."""
    parser = argparse.ArgumentParser(description="Save SVG screenshots of the busfactor TUI.")
    parser.add_argument("repo", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", default="120x40", help="terminal size, WIDTHxHEIGHT")
    parser.add_argument(
        "--org",
        type=Path,
        metavar="ORG.json",
        help="organisation report for org.svg (default: one built from two demo repositories)",
    )
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.split("x"))
    size = (width, height)
    try:  # a bad report fails before any picture is taken
        given = read_org_report(args.org) if args.org is not None else None
    except UsageError as error:
        parser.error(error.message)
    for path in asyncio.run(save_all(args.repo, args.outdir, size)):
        print(path)
    if given is not None:
        print(asyncio.run(save_org(given, args.outdir, size, title=args.org.name)))
    else:
        with tempfile.TemporaryDirectory(prefix="busfactor-org-") as workdir:
            report = demo_org_report(Path(workdir))
        print(asyncio.run(save_org(report, args.outdir, size)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
