"""Screenshots of every page as a visitor sees it, for people to look at (not a test).

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--sizes desktop,phone]
        [--themes light,dark] [--pages overview,explorer] [--full]

Starts the app on a free port (bundled snapshot), opens each page in Debian's chromium and
writes <out>/<page>-<size>-<theme>.png once the page has drawn its charts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, ROOT, start_app, stop_app
from dashboard.app.registry import PAGE_NAMES
from scripts.accessibility import SIZES, settle  # settle: idle, nothing loading, charts drawn

FULL_HEIGHT = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  return Math.max(window.innerHeight, main ? main.scrollHeight : 0);
}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--sizes", default="desktop")
    parser.add_argument("--themes", default="light")
    parser.add_argument("--pages", default=",".join(PAGE_NAMES))
    parser.add_argument("--query", default="", help="query string added to every page's URL")
    parser.add_argument("--tab", default="", help="a tab to open on each page first")
    parser.add_argument("--suffix", default="", help="added to each file name")
    parser.add_argument("--full", action="store_true", help="the whole page, not the first screen")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    proc, url = start_app()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for size in args.sizes.split(","):
                for theme in args.themes.split(","):
                    context = browser.new_context(viewport=SIZES[size], color_scheme=theme)
                    page = context.new_page()
                    for name in args.pages.split(","):
                        target = f"{url}/{name}" + (f"?{args.query}" if args.query else "")
                        page.goto(target)
                        settle(page)
                        if args.tab:
                            page.get_by_role("tab", name=args.tab).click()
                            settle(page)
                        path = args.out / f"{name}{args.suffix}-{size}-{theme}.png"
                        if args.full:  # Streamlit scrolls inside its main block: grow the
                            # window to the page's length (same width, so the same layout)
                            tall = page.evaluate(FULL_HEIGHT)
                            page.set_viewport_size({**SIZES[size], "height": min(tall, 16000)})
                            page.wait_for_timeout(1500)
                        page.screenshot(path=str(path))
                        page.set_viewport_size(SIZES[size])
                        print(path, file=sys.stderr)
                    context.close()
            browser.close()
    finally:
        stop_app(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
