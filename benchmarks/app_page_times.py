"""Benchmark 5: every page of the app as a user feels it, in a real browser.

Starts ``streamlit run dashboard/app/main.py`` on a store and, in headless Chromium (Debian's,
through Playwright), times for each page:

- **open**: from navigating to the page's URL until the page is *fully* drawn (the
  overview's first page load warms the server up first; each page is opened twice, its
  first visit and again);
- **filter change**: from a click on the sidebar's "Only items about this war" toggle until
  the page is fully drawn again (off and on, twice: four redraws per page).

"Fully drawn" means: Streamlit's "Running" indicator gone, no element left stale from the
previous run, at least one chart or table shown, and every visible Vega-Lite, Plotly and
deck.gl chart has drawn its canvas or SVG. The filter change is known to have started when
the page's URL changes (the app writes the filters into it). Targets from the issue: a page
opened in < 3 s on a warm server, fully redrawn < 1 s after a filter change. The baseline,
measured in the same run, is the same app on the 10-item seed sample store.

    .venv/bin/python benchmarks/app_page_times.py --store /tmp/sC
    .venv/bin/python benchmarks/app_page_times.py --store /tmp/bench/store-1m
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from app_first_chart import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402
from app_first_chart import PAGES as FOLLOWING_PAGES  # noqa: E402
from ingest_scale import machine  # noqa: E402

TARGET_OPEN_S = 3.0
TARGET_REDRAW_S = 1.0
# url path of each page ("" is the overview, the default page)
PAGES = ("", *FOLLOWING_PAGES)  # the overview at the app's own URL, then every other page
TOGGLE = "Only items about this war"
READY = (
    '[data-testid="stVegaLiteChart"], [data-testid="stPlotlyChart"], '
    '[data-testid="stDeckGlJsonChart"], [data-testid="stDataFrame"], '
    '[data-testid="stDownloadButton"]'
)
DRAWN = """ready => {
  const shown = e => e.offsetParent !== null && e.getBoundingClientRect().height > 0;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (![...document.querySelectorAll(ready)].some(shown)) return false;
  const charts = [
    ['[data-testid="stVegaLiteChart"]', 'canvas, svg.marks'],
    ['[data-testid="stPlotlyChart"]', '.main-svg'],
    ['[data-testid="stDeckGlJsonChart"]', 'canvas'],
  ];
  for (const [chart, drawn] of charts)
    for (const c of document.querySelectorAll(chart))
      if (shown(c) && !c.querySelector(drawn)) return false;
  return true;
}"""
TIMEOUT_MS = 120_000


@contextmanager
def app_server(store: Path):
    """``streamlit run`` on ``store``; yields its URL, stops it afterwards."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app" / "main.py"),
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "DASHBOARD_STORE": str(store)}
    log = tempfile.TemporaryFile("w+")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def open_page(page, url: str) -> float:
    """Seconds from navigating to ``url`` until it is fully drawn."""
    t0 = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_function(DRAWN, arg=READY, timeout=TIMEOUT_MS, polling=50)
    return time.perf_counter() - t0


def change_filter(page) -> float:
    """Seconds from a click on the on-topic toggle until the page is fully drawn again."""
    before = page.url
    t0 = time.perf_counter()
    page.get_by_text(TOGGLE, exact=True).click()
    page.wait_for_function("u => window.location.href !== u", arg=before, timeout=TIMEOUT_MS)
    page.wait_for_function(DRAWN, arg=READY, timeout=TIMEOUT_MS, polling=50)
    return time.perf_counter() - t0


def wait_listening(page, url: str) -> None:
    deadline = time.perf_counter() + 60
    while True:
        try:
            page.goto(url, timeout=2000)
            return
        except Exception:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.2)


def measure(store: Path) -> dict[str, dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, list[float]]] = {}
    with app_server(store) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        wait_listening(page, url)
        page.wait_for_function(DRAWN, arg=READY, timeout=TIMEOUT_MS, polling=50)  # warm-up
        for name in PAGES:
            times = out[name or "overview"] = {"first": [], "again": [], "redraw": []}
            times["first"].append(open_page(page, url + name))
            times["again"].append(open_page(page, url + name))
            times["redraw"] += [change_filter(page) for _ in range(4)]
        browser.close()
    return out


def report(label: str, results: dict[str, dict[str, list[float]]]) -> list[str]:
    """Print one line per page; return the targets missed."""
    print(f"\n{label}:")
    missed = []
    for name, t in results.items():
        opened = max(t["first"] + t["again"])
        redraw = max(t["redraw"])
        print(
            f"  {name:<11} open {t['first'][0]:5.2f}s first visit, {t['again'][0]:5.2f}s again;"
            f"  filter change: median {statistics.median(t['redraw']):5.2f}s,"
            f" worst {redraw:5.2f}s"
        )
        if opened >= TARGET_OPEN_S:
            missed.append(f"{label}: {name} opened in {opened:.2f}s")
        if redraw >= TARGET_REDRAW_S:
            missed.append(f"{label}: {name} redrawn in {redraw:.2f}s")
    return missed


def seed_store() -> Path:
    store = Path(tempfile.mkdtemp(prefix="seed-store-"))
    subprocess.run(
        [sys.executable, "-m", "dashboard", "ingest", str(ROOT / "data" / "samples"),
         "--as-of", "2024-11-15", "--store", str(store), "--quiet"],
        check=True, capture_output=True,
    )  # fmt: skip
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    from dashboard.store import Store

    n = Store(args.store).connect().execute("SELECT count(*) FROM items").fetchone()[0]
    print(machine())
    print(
        f"targets: every page opened < {TARGET_OPEN_S:.0f}s on a warm server and fully "
        f"redrawn < {TARGET_REDRAW_S:.0f}s after a filter change"
    )
    report("baseline: seed sample (10 items)", measure(seed_store()))
    missed = report(f"{args.store} ({n:,} items)", measure(args.store))
    print("\n" + ("MISSED:\n  " + "\n  ".join(missed) if missed else "all targets met"))
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
