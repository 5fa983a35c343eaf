"""Save an SVG screenshot of every tab: `python -m busfactor.ui.screenshots REPO OUTDIR`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from busfactor.pipeline import scan
from busfactor.ui.app import make_app

TABS = ("overview", "components", "people", "findings", "decisions", "plan")


async def save_all(repo: Path, directory: Path, size: tuple[int, int] = (120, 40)) -> list[Path]:
    """One `<tab>.svg` per tab, on a report scanned before the app starts."""
    app = make_app(repo, report=scan(repo))
    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for tab in TABS:
            app.query_one("#tabs").active = f"tab-{tab}"  # type: ignore[attr-defined]
            await pilot.pause()
            saved.append(Path(app.save_screenshot(f"{tab}.svg", str(directory))))
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
