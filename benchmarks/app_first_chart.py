"""Benchmark 4: app start to first chart in the browser at 1M items, and the app's memory.

Starts ``streamlit run dashboard/app/main.py`` on a store, opens it in headless Chromium
(Debian's, through Playwright) and times from the server process start to the first chart
drawn (a Vega-Lite or Plotly chart element in the page), then to every chart of the
overview page. Then it visits each page once and reports the server's resident memory
(target < 0.5 GiB at 1M items: the app queries Parquet through DuckDB and never loads
every item into pandas). The baseline, measured in the same run, is the same app on the
10-item seed sample store.

    .venv/bin/python benchmarks/ingest_scale.py 1000000 --keep /tmp/bench/store-1m
    .venv/bin/python benchmarks/app_first_chart.py --store /tmp/bench/store-1m
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_scale import machine  # noqa: E402

TARGET_FIRST_CHART_S = 5.0
TARGET_RSS_GIB = 0.5  # the issue "Speed: every page under 100 ms at a million items"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Streamlit 1.67 marks charts with these test ids.
CHART = '[data-testid="stVegaLiteChart"], [data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"]'
# What a page without charts (items, data) shows once its query is done.
READY = CHART + ', [data-testid="stDataFrame"], [data-testid="stDownloadButton"]'
VISIBLE = (
    "sel => [...document.querySelectorAll(sel)].some(e => e.offsetParent !== null "
    "&& e.getBoundingClientRect().height > 0)"
)
# Every page of the app after the opening one (the overview), by its URL path: its file's name.
PAGES = tuple(
    sorted(p.stem for p in (ROOT / "dashboard/app/app_pages").glob("*.py") if p.stem != "overview")
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_gib(pid: int) -> float:
    """Resident memory of ``pid`` and its children (GiB), from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 2**20


def measure(store: Path, label: str, visit_pages: bool) -> dict:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "DASHBOARD_STORE": str(store)}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "app" / "main.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    log = tempfile.TemporaryFile("w+")
    started = time.perf_counter()
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    out: dict = {"label": label}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            url = f"http://127.0.0.1:{port}/"
            while True:  # the server takes a moment to listen
                try:
                    page.goto(url, timeout=2000)
                    break
                except Exception:
                    if time.perf_counter() - started > 60 or server.poll() is not None:
                        raise
                    time.sleep(0.1)
            page.wait_for_selector(CHART, state="visible", timeout=120_000)
            out["first_chart_s"] = time.perf_counter() - started
            # "Running" spinner gone: the overview page has drawn everything.
            page.wait_for_selector(
                '[data-testid="stStatusWidget"]', state="detached", timeout=120_000
            )
            out["page_done_s"] = time.perf_counter() - started
            out["charts"] = page.locator(CHART).count()
            out["rss_after_first_page"] = rss_gib(server.pid)
            if visit_pages:
                timings = {}
                for name in PAGES:
                    t0 = time.perf_counter()
                    page.goto(f"{url}{name}", timeout=60_000)
                    try:  # any one of the page's charts or tables shown (some are hidden)
                        page.wait_for_function(VISIBLE, arg=READY, timeout=60_000)
                        timings[name] = time.perf_counter() - t0
                    except Exception as exc:
                        timings[name] = float("nan")
                        print(f"  page {name}: nothing drawn in 60s ({type(exc).__name__})")
                out["pages"] = timings
            out["rss_gib"] = rss_gib(server.pid)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        tail = log.read()[-2000:]
        log.close()
    if "first_chart_s" not in out:
        print(tail)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/bench/store-1m"))
    parser.add_argument("--baseline-store", type=Path, help="default: ingest the seed sample")
    args = parser.parse_args()
    print(machine())
    from dashboard.store import Store

    n = Store(args.store).connect().execute("SELECT count(*) FROM items").fetchone()[0]
    print(
        f"store: {args.store}, {n:,} items (the shared corpora repeated with shifted dates and ids)"
    )
    base = args.baseline_store
    if base is None:
        base = Path(tempfile.mkdtemp(prefix="seed-store-"))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dashboard",
                "ingest",
                str(ROOT / "data" / "samples"),
                "--as-of",
                "2024-11-15",
                "--store",
                str(base),
                "--quiet",
            ],
            check=True,
            capture_output=True,
        )
    for label, store, pages in (
        ("baseline: seed sample (10 items)", base, False),
        (f"{n:,} items", args.store, True),
    ):
        r = measure(store, label, pages)
        print(f"\n{label}:")
        first = r.get("first_chart_s", float("nan"))
        ok = "OK" if first < TARGET_FIRST_CHART_S else "MISSED"
        print(
            f"  server start -> first chart {first:.2f}s ({ok}: target < {TARGET_FIRST_CHART_S}s)"
        )
        print(
            f"  overview page complete {r.get('page_done_s', float('nan')):.2f}s, {r.get('charts', 0)} charts"
        )
        for name, s in r.get("pages", {}).items():
            print(f"  page {name:<11} {s:.2f}s (cold: first visit)")
        ok = "OK" if r["rss_gib"] < TARGET_RSS_GIB else "MISSED"
        print(
            f"  app memory (server RSS) {r['rss_after_first_page']:.2f} GiB after the first page, "
            f"{r['rss_gib']:.2f} GiB after every page ({ok}: target < {TARGET_RSS_GIB} GiB)"
        )


if __name__ == "__main__":
    main()
