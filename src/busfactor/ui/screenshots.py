"""Save SVG screenshots of the app: `python -m busfactor.ui.screenshots REPO OUTDIR`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from busfactor.pipeline import scan
from busfactor.ui.app import make_app

TABS = ("overview", "components", "people", "findings", "decisions", "plan")
"""One screenshot per tab, then `component.svg` (the riskiest component) and `help.svg`."""


async def save_all(repo: Path, directory: Path, size: tuple[int, int] = (120, 40)) -> list[Path]:
    """One `<tab>.svg` per tab, the riskiest component's detail and the help, on a report
    scanned before the app starts."""
    report = scan(repo)
    app = make_app(repo, report=report)
    directory.mkdir(parents=True, exist_ok=True)
    saved = []

    async def settle() -> None:
        await app.workers.wait_for_complete()  # the plan is computed in a thread
        await pilot.pause()
        await pilot.wait_for_animation()  # the tab underline slides: wait till it stops
        await pilot.pause()

    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for tab in TABS:
            app.action_show_tab(f"tab-{tab}")
            await settle()
            saved.append(Path(app.save_screenshot(f"{tab}.svg", str(directory))))
        components = report.components()
        if components:
            app.show_component(str(components[0]["name"]))
            await settle()
            saved.append(Path(app.save_screenshot("component.svg", str(directory))))
            app.return_to_tabs()
        app.action_help()
        await settle()
        saved.append(Path(app.save_screenshot("help.svg", str(directory))))
    return saved


def main(argv: list[str] | None = None) -> int:
    """Parse `REPO OUTDIR`, write the screenshots, print their paths."""
    parser = argparse.ArgumentParser(description="Save SVG screenshots of the busfactor TUI.")
    parser.add_argument("repo", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", default="120x40", help="terminal size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.split("x"))
    for path in asyncio.run(save_all(args.repo, args.outdir, (width, height))):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
