"""axe-core on every page of the running app, at desktop and phone sizes, light and dark.

    .venv/bin/python scripts/accessibility.py [--pages overview,explorer] [--sizes desktop,phone]
        [--themes light,dark] [--json screenshots/axe.json] [--details]

Starts the app on a free port (bundled snapshot), opens each page in Debian's chromium, waits
until it has drawn, runs axe-core (bundled by the PyPI package axe-playwright-python) and prints
the number of serious and critical violations (rule, impact, elements) per page, size and theme.
The browser tests (tests/browser/test_accessibility.py) use the same functions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from benchmarks.harness import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app
from dashboard.app.registry import PAGE_NAMES

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
SERIOUS = ("serious", "critical")
# WCAG 2.1 A and AA rules plus axe's best practices (landmarks, headings, ...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('h1')) return false;
  if (document.querySelector(
    '[data-testid=stSkeleton], [data-testid=stSkeletonElement], [data-testid=stAppSkeleton], '
    + '[data-stale=true], [data-testid=stSpinner]')) return false;
  if (document.querySelector('.st-key-wsis-rest-later')) return false;  // rest still to come
  const charts = document.querySelectorAll('[data-testid=stPlotlyChart]').length;
  return document.querySelectorAll('.js-plotly-plot').length >= charts;
}"""


def settle(page: Any, *, timeout: float = 120.0) -> None:
    """Wait until the script run is over, nothing is loading or stale and every chart is drawn
    (checked twice, because the state reads 'notRunning' for a moment before the first run)."""
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(SETTLED, timeout=timeout * 1000)
    page.wait_for_timeout(500)


@dataclass
class PageAudit:
    """The serious and critical axe violations of one page at one size and theme."""

    page: str
    size: str
    theme: str
    violations: list[dict[str, Any]] = field(default_factory=list)
    engine: str = ""  # the axe-core version that ran

    @property
    def count(self) -> int:
        """Elements with a serious or critical violation (one element counts once per rule)."""
        return sum(int(v["elements"]) for v in self.violations)

    def summary(self) -> str:
        rules = ", ".join(f"{v['id']} ({v['impact']}) x{v['elements']}" for v in self.violations)
        return f"{self.page:<13} {self.size:<8} {self.theme:<6} {self.count:>4}  {rules}"


def audit(page: Any, *, name: str, size: str, theme: str) -> PageAudit:
    """Run axe-core on the page as it is now; keep serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    found = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "elements": len(v["nodes"]),
            "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]][:20],
            "snippets": [n.get("html", "")[:160] for n in v["nodes"]][:5],
        }
        for v in result.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    engine = str(result.response.get("testEngine", {}).get("version", ""))
    return PageAudit(page=name, size=size, theme=theme, violations=found, engine=engine)


def open_page(context: Any, url: str) -> Any:
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    settle(page)
    return page


def run_audits(
    base_url: str,
    browser: Any,
    *,
    pages: list[str],
    sizes: list[str],
    themes: list[str],
    path_of: Any = None,
) -> list[PageAudit]:
    """Every page at every size and theme; `path_of(name)` gives a page's path (default: name)."""
    out: list[PageAudit] = []
    for size in sizes:
        for theme in themes:
            context = browser.new_context(viewport=SIZES[size], color_scheme=theme)
            try:
                for name in pages:
                    path = path_of(name) if path_of else name
                    page = open_page(context, f"{base_url}/{path}")
                    out.append(audit(page, name=name, size=size, theme=theme))
                    page.close()
            finally:
                context.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGE_NAMES))
    parser.add_argument("--sizes", default="desktop,phone")
    parser.add_argument("--themes", default="light,dark")
    parser.add_argument("--json", type=Path, help="write every violation found to this file")
    parser.add_argument("--details", action="store_true", help="print the elements too")
    parser.add_argument(
        "--root-overview",
        action="store_true",
        help="open the overview at / (the app's first page before each page had its own path)",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    proc, url = start_app()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            results = run_audits(
                url,
                browser,
                pages=args.pages.split(","),
                sizes=args.sizes.split(","),
                themes=args.themes.split(","),
                path_of=(lambda n: "" if n == "overview" else n) if args.root_overview else None,
            )
            browser.close()
    finally:
        stop_app(proc)
    print(f"{'page':<13} {'size':<8} {'theme':<6} {'n':>4}  serious/critical rules (elements)")
    for r in results:
        print(r.summary())
        if args.details:
            for v in r.violations:
                for target, snippet in zip(v["targets"], v["snippets"], strict=False):
                    print(f"      {v['id']}: {target}  {snippet}")
    total = sum(r.count for r in results)
    print(f"total serious or critical elements: {total} ({time.monotonic() - started:.0f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
