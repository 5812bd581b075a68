"""Seconds for one `dashboard watch --once` poll of N sources that have nothing new.

Run: ``.venv/bin/python benchmarks/watch_poll.py [--sources 50]``

A local HTTP server (loopback) serves N small RSS feeds with an ETag and answers 304 to a
request that sends it back. The first poll ingests every feed (not timed beyond a print);
the second is the one timed: every source is asked conditionally and answers 304, so no
ingest runs. The baseline in the same run is N plain GETs of the same feeds with one httpx
client (what the polling itself cannot beat). Target: under 2 s for 50 sources.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from dashboard.store import Store  # noqa: E402
from dashboard.watch import Source, watch  # noqa: E402


def feed(n: int) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
        f"<item><title>Report {n}</title><description>Report {n}: shelling near Kherson."
        "</description><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        n = int(self.path.strip("/"))
        etag = f'"{n}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = feed(n)
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=50)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    sources = [Source(f"feed{n}", f"{url}/{n}") for n in range(args.sources)]
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "store")
        started = time.perf_counter()
        watch(sources, store, once=True, as_of="2024-11-15", echo=lambda line: None)
        first = time.perf_counter() - started
        started = time.perf_counter()
        states = watch(sources, store, once=True, as_of="2024-11-15", echo=lambda line: None)
        second = time.perf_counter() - started
        unchanged = sum(s.last_status == 304 for s in states.values())
    with httpx.Client() as client:
        started = time.perf_counter()
        for source in sources:
            client.get(source.url).raise_for_status()
        baseline = time.perf_counter() - started
    server.shutdown()
    print(f"sources: {args.sources}")
    print(f"first poll (every feed new, each ingested)   {first:7.2f} s")
    print(f"second poll (nothing new: {unchanged} answered 304)   {second:7.2f} s")
    print(f"baseline: {args.sources} plain GETs, one client        {baseline:7.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
