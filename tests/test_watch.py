"""Watched sources (issue 15): polling a real local HTTP server (loopback only)."""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from dashboard.cli import main
from dashboard.store import Store
from dashboard.watch import (
    SOURCES_FILE,
    Source,
    SourceError,
    load_sources,
    load_state,
    watch,
)

ROOT = Path(__file__).resolve().parents[1]


def rss(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><description>{t}: two soldiers were killed near Bakhmut."
        f"</description><link>https://example.org/{n}</link>"
        f"<pubDate>Mon, 0{n + 1} Jan 2024 10:00:00 GMT</pubDate></item>"
        for n, t in enumerate(titles)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"{items}</channel></rss>"
    ).encode()


class Server:
    """Answers each path from a queue of (status, headers, body); records what it was asked."""

    def __init__(self):
        self.routes: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                queue = server.routes.get(self.path) or [(404, {}, b"")]
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                headers = dict(headers)
                time.sleep(float(headers.pop("X-Test-Delay", 0)))
                length = int(headers.pop("X-Test-Length", len(body)))  # > len(body): cut short
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def run(sources, store, **kwargs):
    lines, sleeps = [], []
    states = watch(
        sources, store, once=True, as_of="2024-11-15", echo=lines.append,
        sleep=sleeps.append, **kwargs,
    )  # fmt: skip
    return states, lines, sleeps


def n_items(store: Store) -> int:
    return store.connect().execute("SELECT count(*) FROM items").fetchall()[0][0]


def test_a_feed_is_ingested_then_asked_conditionally(server, tmp_path):
    server.routes["/feed.xml"] = [
        (200, {"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 10:00:00 GMT"}, rss("A", "B")),
        (304, {"ETag": '"v1"'}, b""),
    ]
    store = Store(tmp_path / "store")
    source = Source("wire", f"{server.url}/feed.xml")
    states, lines, _ = run([source], store)
    assert n_items(store) == 2 and states["wire"].items_added == 2
    assert "wire: 2 new item(s)" in lines[0]
    version = store.version
    states, lines, _ = run([source], store)
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert server.requests[-1][1]["If-Modified-Since"] == "Mon, 01 Jan 2024 10:00:00 GMT"
    assert "not modified" in lines[0] and store.version == version
    # the state lives in the store: a new process knows what it saw
    assert load_state(store)["wire"].etag == '"v1"'
    datasets = store.connect().execute("SELECT DISTINCT dataset FROM items").fetchall()
    assert datasets == [("wire",)]


def test_new_items_join_incrementally_and_old_ones_are_duplicates(server, tmp_path):
    server.routes["/feed"] = [(200, {}, rss("A")), (200, {}, rss("A", "B", "C"))]
    store = Store(tmp_path / "store")
    source = Source("wire", f"{server.url}/feed")
    run([source], store)
    states, lines, _ = run([source], store)
    assert n_items(store) == 3 and states["wire"].last_added == 2
    assert states["wire"].items_added == 3


def test_errors_and_429_are_retried_with_backoff_and_retry_after(server, tmp_path):
    server.routes["/feed"] = [
        (503, {}, b"busy"),
        (429, {"Retry-After": "7"}, b"slow down"),
        (200, {}, rss("A")),
    ]
    store = Store(tmp_path / "store")
    states, _, sleeps = run([Source("wire", f"{server.url}/feed")], store)
    assert n_items(store) == 1 and states["wire"].last_error is None
    assert 2.0 <= sleeps[0] <= 4.0  # backoff with jitter after the 503
    assert sleeps[1] == 7.0  # the server's Retry-After


def test_a_source_that_keeps_failing_is_reported_and_the_others_load(server, tmp_path):
    server.routes["/down"] = [(500, {}, b"")]
    server.routes["/ok"] = [(200, {}, rss("A"))]
    store = Store(tmp_path / "store")
    sources = [Source("down", f"{server.url}/down"), Source("ok", f"{server.url}/ok")]
    states, lines, sleeps = run(sources, store)
    assert len(sleeps) == 3  # three retries, then the next source
    assert "down: error: down: HTTP 500 (after 3 retries)" in lines[0]
    assert states["down"].last_error and states["ok"].last_added == 1
    assert n_items(store) == 1


def test_an_answer_over_the_cap_is_refused_and_nothing_is_stored(server, tmp_path):
    server.routes["/big"] = [(200, {}, rss(*[f"T{n}" for n in range(9)]))]
    store = Store(tmp_path / "store")
    states, lines, _ = run([Source("big", f"{server.url}/big", max_bytes=500)], store)
    assert "over the cap" in states["big"].last_error
    assert not store.exists() or n_items(store) == 0


def test_a_gzip_answer_is_read(server, tmp_path):
    server.routes["/gz"] = [(200, {"Content-Encoding": "gzip"}, gzip.compress(rss("A", "B")))]
    store = Store(tmp_path / "store")
    run([Source("gz", f"{server.url}/gz")], store)
    assert n_items(store) == 2


def test_a_slow_answer_past_the_timeout_is_an_error_of_that_source(server, tmp_path):
    server.routes["/slow"] = [(200, {"X-Test-Delay": "1.5"}, rss("A"))]
    client = httpx.Client(timeout=0.3)
    store = Store(tmp_path / "store")
    states, lines, sleeps = run([Source("slow", f"{server.url}/slow")], store, client=client)
    assert "ReadTimeout" in states["slow"].last_error and len(sleeps) == 3
    assert not store.exists()


def test_a_truncated_answer_is_retried_and_nothing_half_read_is_stored(server, tmp_path):
    body = rss("A", "B")
    server.routes["/cut"] = [(200, {"X-Test-Length": str(len(body) + 100)}, body[:-40])]
    store = Store(tmp_path / "store")
    states, _, _ = run([Source("cut", f"{server.url}/cut")], store)
    assert "RemoteProtocolError" in states["cut"].last_error
    assert not store.exists()


def test_a_50_mb_answer_is_refused_at_the_default_cap(server, tmp_path):
    server.routes["/huge"] = [(200, {}, b"x" * (50 * 1024 * 1024 + 1))]
    store = Store(tmp_path / "store")
    states, _, _ = run([Source("huge", f"{server.url}/huge")], store)
    assert "over the cap" in states["huge"].last_error and not store.exists()


def test_a_json_endpoint_with_its_column_mapping(server, tmp_path):
    records = [{"headline": "Strike on Odesa", "body": "Two people were injured in Odesa."}]
    server.routes["/api"] = [
        (200, {"Content-Type": "application/json"}, json.dumps(records).encode())
    ]
    store = Store(tmp_path / "store")
    source = Source("api", f"{server.url}/api", format="json", columns={"text": "body"})
    states, _, _ = run([source], store)
    assert states["api"].last_added == 1
    assert store.frame("items")["text"].tolist() == ["Two people were injured in Odesa."]


def test_a_watch_loop_polls_each_source_on_its_interval(server, tmp_path):
    """Not --once: the loop sleeps until the next source is due and ingests what changed."""
    server.routes["/feed"] = [(200, {}, rss("A")), (200, {}, rss("A", "B")), (304, {}, b"")]
    store = Store(tmp_path / "store")
    clock = [1_000.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds
        if len(slept) == 3:
            raise KeyboardInterrupt  # how a user ends `dashboard watch`

    with pytest.raises(KeyboardInterrupt):
        watch([Source("wire", f"{server.url}/feed", interval=60)], store, now=lambda: clock[0],
              sleep=sleep, echo=lambda line: None)  # fmt: skip
    assert slept == [60.0, 60.0, 60.0]  # one poll per interval, no busy loop
    assert n_items(store) == 2 and load_state(store)["wire"].items_added == 2


def test_sources_file_errors_name_the_source(tmp_path):
    path = tmp_path / "sources.toml"
    cases = {
        '[[source]]\nname = "a"\n': "needs a url",
        '[[source]]\nname = "a"\nurl = "x"\ninterval = 1\n': "interval",
        '[[source]]\nname = "a"\nurl = "x"\nformat = "pdf"\n': "format 'pdf'",
        '[[source]]\nname = "a"\nurl = "x"\n[[source]]\nname = "a"\nurl = "y"\n': "twice",
        "[[source]\n": "cannot read",
    }
    for text, problem in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(SourceError, match=problem):
            load_sources(path)


def test_the_bundled_sources_file_runs_offline(tmp_path, capsys):
    sources = load_sources(SOURCES_FILE)
    assert sources and all(not s.is_http for s in sources)
    code = main(["watch", "--once", "--store", str(tmp_path / "s"), "--as-of", "2024-11-15"])
    assert code == 0
    out = capsys.readouterr().out
    assert "seed_digest: 10 new item(s)" in out


def test_watch_cli_exits_2_when_a_source_failed(server, tmp_path):
    server.routes["/gone"] = [(404, {}, b"")]
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nname = "gone"\nurl = "{server.url}/gone"\n', "utf-8")
    code = main(["watch", "--once", "--sources", str(path), "--store", str(tmp_path / "s")])
    assert code == 2


def test_the_data_page_shows_each_sources_status(server, tmp_path, monkeypatch):
    from test_app import _app

    server.routes["/feed"] = [(200, {}, rss("A", "B"))]
    server.routes["/down"] = [(500, {}, b"")]
    store = Store(tmp_path / "store")
    run([Source("wire", f"{server.url}/feed"), Source("down", f"{server.url}/down")], store)
    at = _app(store, monkeypatch).switch_page("app_pages/data.py").run()
    assert not at.exception
    assert "Watched sources" in [s.value for s in at.subheader]
    table = at.dataframe[0].value.set_index("source")
    assert table.loc["wire", "new_items"] == 2 and table.loc["wire", "items_added"] == 2
    assert "HTTP 500" in table.loc["down", "error"]


def test_a_sources_file_without_sources_is_an_error_not_a_crash(tmp_path, capsys):
    path = tmp_path / "sources.toml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    code = main(["watch", "--once", "--sources", str(path), "--store", str(tmp_path / "s")])
    assert code == 2 and "no sources to watch" in capsys.readouterr().err
