"""The store under concurrent and killed writers: one writer at a time, nothing lost or
corrupted, readers unharmed, no orphaned workers, literal paths, no empty versions.

Writers run as real processes (``WRITER``, a script in ``tmp_path``) on small JSONL files
written here; every check reads the real Parquet store afterwards.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import SEED, SEED_AS_OF

from dashboard import search_index
from dashboard.ingest import ingest
from dashboard.store import COPIES, LOCK_FILE, LOCK_TIMEOUT_ENV, MANIFEST, Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
# One writer process: ingest or compact, optionally slowed down at a phase so that a test
# can meet it there (another writer, a reader, a kill -9). Needs the __main__ guard: the
# extraction pool spawns processes that import this script.
WRITER = """
import importlib, json, os, sys, time
from pathlib import Path

from dashboard.store import Store

ingest_module = importlib.import_module("dashboard.ingest")  # not the function of that name

OPTS = json.loads(sys.argv[1])
real_extract, real_finish = ingest_module.extract_with_bands, ingest_module.IngestRun.finish


def slow_extract(*args):  # runs in the pool's workers
    Path(OPTS["marks"], f"worker-{os.getpid()}").touch()
    time.sleep(OPTS["slow_extract"])
    return real_extract(*args)


def slow_finish(*args, **kwargs):  # holds the writer lock, parts written, not committed
    Path(OPTS["marks"], "finish").touch()
    deadline = time.monotonic() + OPTS["slow_finish"]
    while time.monotonic() < deadline and not Path(OPTS["marks"], "release").exists():
        time.sleep(0.05)
    return real_finish(*args, **kwargs)


if __name__ == "__main__":
    if OPTS.get("slow_extract"):
        ingest_module.extract_with_bands = slow_extract
    if OPTS.get("slow_finish"):
        ingest_module.IngestRun.finish = slow_finish
    if OPTS["action"] == "compact":
        print("version", Store(OPTS["store"]).compact())
    else:
        summary = ingest_module.ingest(
            OPTS["paths"],
            store=OPTS["store"],
            chunk_size=OPTS.get("chunk_size", 1000),
            workers=OPTS.get("workers", 1),
            discover=OPTS.get("discover", False),
        )
        print(summary.line())
"""


def write_items(path: Path, prefix: str, n: int) -> Path:
    """A JSONL file of ``n`` distinct items whose texts start with ``prefix``."""
    rows = (
        {"text": f"{prefix} report {i}: Russian shelling of Kharkiv killed {i + 2} civilians."}
        for i in range(n)
    )
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def start(tmp_path: Path, action: str = "ingest", **opts) -> subprocess.Popen:
    """Start one writer process on ``opts`` (absolute paths); its stderr goes to a file
    named by ``proc.err`` (a test may read it while the process runs)."""
    script = tmp_path / "writer.py"
    if not script.exists():
        script.write_text(WRITER)
    marks = tmp_path / "marks"
    marks.mkdir(exist_ok=True)
    opts = {"action": action, "marks": str(marks), **opts}
    err = tmp_path / f"stderr-{len(list(tmp_path.glob('stderr-*')))}.txt"
    with err.open("w") as fh:
        proc = subprocess.Popen(
            [sys.executable, str(script), json.dumps(opts, default=str)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=fh,
        )
    proc.err = err
    return proc


def finished(proc: subprocess.Popen) -> str:
    """The stderr of ``proc`` once it has exited successfully."""
    proc.wait(timeout=120)
    err = proc.err.read_text()
    assert proc.returncode == 0, err
    return err


def wait_for(condition, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until ``condition()`` while ``proc`` runs."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, proc.err.read_text()
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def count(store: Store, table: str = "items") -> int:
    return store.connect().execute(f"select count(*) from {table}").fetchone()[0]


def texts(store: Store) -> set[str]:
    return set(store.frame("items")["text"])


def stored_files(store: Store) -> list[str]:
    return sorted(
        str(p.relative_to(store.root))
        for p in store.root.rglob("*")
        if p.is_file() and p.name != LOCK_FILE
    )


def assert_lock_free(store: Store) -> None:
    batch = Store(store.root, lock_timeout=0).begin()  # raises StoreError when held
    Store(store.root).abort(batch)


def alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def kill_and_check_children(proc: subprocess.Popen) -> None:
    """kill -9 ``proc``; every process it started must end on its own within seconds."""
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [c for c in children if alive(c)]
    assert not survivors, f"children outlived the killed ingest: {survivors}"


# -- one writer at a time -------------------------------------------------------------------
def test_two_ingests_at_once_both_land(tmp_path):
    """The second ingest waits for the first (saying so), then adds its items too."""
    store = Store(tmp_path / "store")
    a = write_items(tmp_path / "a.jsonl", "Alpha", 30)
    b = write_items(tmp_path / "b.jsonl", "Bravo", 30)
    first = start(tmp_path, paths=[a], store=store.root, slow_finish=60, discover=True)
    wait_for((tmp_path / "marks" / "finish").exists, first)  # holds the lock, uncommitted
    second = start(tmp_path, paths=[b], store=store.root, discover=True)
    wait_for(lambda: "waiting for another ingest or compact" in second.err.read_text(), second)
    (tmp_path / "marks" / "release").touch()  # let the first commit
    finished(first)
    finished(second)
    assert store.version == 2
    assert count(store) == 60
    assert {t.split()[0] for t in texts(store)} == {"Alpha", "Bravo"}
    assert count(store, "topics") > 0  # every view reads: no file named twice or lost
    assert_lock_free(store)


def test_a_second_writer_fails_cleanly_after_the_timeout(tmp_path, monkeypatch, capsys):
    store = Store(tmp_path / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    before = store.manifest()
    held = store.begin()
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0.3")
    more = write_items(tmp_path / "more.jsonl", "Charlie", 5)
    with pytest.raises(StoreError, match="another ingest or compact holds the store"):
        ingest([more], store=store.root, discover=False)
    with pytest.raises(StoreError, match=f"{LOCK_FILE}.*within 0.2 s"):
        Store(store.root, lock_timeout=0.2).compact()
    assert (
        "waiting for another ingest or compact to finish (up to 0.3 s)" in capsys.readouterr().err
    )
    store.abort(held)
    assert store.manifest() == before and count(store) == 10
    assert ingest([more], store=store.root, discover=False).new == 5  # free again once released


def test_an_aborted_batch_deletes_only_its_own_files(tmp_path):
    """Two batches for the same next version never share a file name."""
    store = Store(tmp_path / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    copies = pa.table({"item_id": ["x"], "source": ["s"], "file": ["f"], "record": [1]}, COPIES)
    first = store.begin()
    store.append(first, "copies", copies)
    store.abort(first)
    second = store.begin()
    store.append(second, "copies", copies)
    assert first.number == second.number and first.parts != second.parts
    store.abort(second)
    assert not (store.root / first.parts["copies"][0]).exists()
    assert count(store) == 10 and count(store, "casualties") > 0


def test_a_failing_commit_releases_the_lock_and_removes_its_files(tmp_path, monkeypatch):
    store = Store(tmp_path / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    before, files = store.manifest(), stored_files(store)

    def disk_full(self, manifest):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "_replace_manifest", disk_full)
    with pytest.raises(OSError, match="No space left"):
        ingest([write_items(tmp_path / "more.jsonl", "Delta", 5)], store=store, discover=False)
    assert store.manifest() == before and stored_files(store) == files
    assert_lock_free(store)


# -- readers during writes ------------------------------------------------------------------
def test_ingest_compact_and_a_reader_at_once(tmp_path):
    store = Store(tmp_path / "store")
    ingest(
        [write_items(tmp_path / "a.jsonl", "Alpha", 30)], store=store, chunk_size=10, discover=False
    )
    reader = store.connect()  # version 1, three items parts
    b = write_items(tmp_path / "b.jsonl", "Bravo", 30)
    writers = [
        start(tmp_path, paths=[b], store=store.root, slow_finish=1),
        start(tmp_path, "compact", store=store.root),
    ]
    while any(w.poll() is None for w in writers):
        assert reader.execute("select count(*) from items").fetchone()[0] == 30
        assert reader.execute("select count(*) from casualties").fetchone()[0] > 0
        assert count(Store(store.root)) in (30, 60)  # a new reader sees one whole version
        time.sleep(0.2)
    for writer in writers:
        finished(writer)
    assert store.version == 3
    assert count(store) == 60 and len({t.split()[0] for t in texts(store)}) == 2
    assert reader.execute("select count(*) from items").fetchone()[0] == 30


def test_replaced_files_outlive_the_versions_that_may_read_them(tmp_path):
    """A connection opened before a compact reads after it; the compacted parts are
    deleted once two newer versions exist (KEEP_VERSIONS)."""
    store = Store(tmp_path / "store")
    ingest(
        [write_items(tmp_path / "a.jsonl", "Alpha", 30)], store=store, chunk_size=10, discover=False
    )
    reader = store.connect()
    old_parts = store.manifest()["tables"]["items"]
    assert len(old_parts) == 3
    assert store.compact() == 2
    assert len(store.manifest()["tables"]["items"]) == 1
    garbage = {g["path"]: g["dropped"] for g in store.manifest()["garbage"]}
    assert all(garbage[rel] == 2 for rel in old_parts)
    assert reader.execute("select count(*) from items").fetchone()[0] == 30
    ingest(
        [write_items(tmp_path / "b.jsonl", "Bravo", 5)], store=store, discover=False
    )  # version 3
    assert reader.execute("select count(*) from items").fetchone()[0] == 30
    ingest(
        [write_items(tmp_path / "c.jsonl", "Charlie", 5)], store=store, discover=False
    )  # version 4
    assert not any((store.root / rel).exists() for rel in old_parts)
    assert not set(old_parts) & {g["path"] for g in store.manifest()["garbage"]}
    assert count(store) == 40


# -- kill -9 ---------------------------------------------------------------------------------
@pytest.fixture
def base_store(tmp_path) -> Store:
    store = Store(tmp_path / "store")
    ingest([write_items(tmp_path / "a.jsonl", "Alpha", 20)], store=store, discover=False)
    return store


def check_intact_after_kill(store: Store, before: dict) -> None:
    """The store is at its previous version and whole; the lock is free; ``compact``
    deletes the killed ingest's files."""
    assert store.manifest() == before
    assert count(store) == 20 and count(store, "casualties") > 0
    assert_lock_free(store)
    store.compact()
    named = {rel for rels in store.manifest()["tables"].values() for rel in rels}
    named |= {g["path"] for g in store.manifest()["garbage"]}
    on_disk = {f for f in stored_files(store) if "/" in f}
    assert on_disk == named  # nothing of the killed ingest is left behind
    assert count(store) == 20


def test_kill_during_pool_extraction(tmp_path, base_store):
    before = base_store.manifest()
    big = write_items(tmp_path / "big.jsonl", "Echo", 200)
    proc = start(
        tmp_path, paths=[big], store=base_store.root, chunk_size=10, workers=2, slow_extract=0.5
    )
    marks = tmp_path / "marks"

    def two_workers() -> bool:
        """Both pool workers extracting: the writer marks too (it runs the first chunk
        itself), and two workers may mark between two polls."""
        workers = [m for m in marks.glob("worker-*") if m.name != f"worker-{proc.pid}"]
        return len(workers) >= 2

    wait_for(two_workers, proc)
    kill_and_check_children(proc)
    check_intact_after_kill(base_store, before)


def test_kill_before_the_commit(tmp_path, base_store):
    """Killed after every part is written, before the manifest names them."""
    before = base_store.manifest()
    more = write_items(tmp_path / "more.jsonl", "Foxtrot", 40)
    proc = start(
        tmp_path, paths=[more], store=base_store.root, chunk_size=10, workers=2, slow_finish=30
    )
    wait_for((tmp_path / "marks" / "finish").exists, proc)
    assert any(p.name.endswith(".parquet") for p in (base_store.root / "items").iterdir())
    kill_and_check_children(proc)
    check_intact_after_kill(base_store, before)


# -- paths and versions -----------------------------------------------------------------------
def test_store_paths_are_never_patterns(tmp_path):
    """As globs, ``st[x]?*`` would also match the decoy copy ``stx!!`` (doubling every
    row) and ``back\\slash[x]?*`` would match nothing; both are read literally."""
    store = Store(tmp_path / "st[x]?*")
    ingest([SEED], store=store, as_of=SEED_AS_OF, chunk_size=4, discover=False)
    assert store.compact() == 2  # writing works there too
    decoy = Store(shutil.copytree(store.root, tmp_path / "stx!!"))
    for part in decoy.parts("items"):  # its items twice: a glob that reached it would show
        pq.write_table(pa.concat_tables([pq.read_table(part)] * 2), part)
    shutil.copytree(store.root, tmp_path / "back\\slash[x]?*")  # a store can move
    for root in (store.root, tmp_path / "back\\slash[x]?*"):
        con = Store(root).connect()
        assert con.execute("select count(*) from items").fetchone()[0] == 10
        assert con.execute("select count(*) from casualties").fetchone()[0] > 0
        text = con.execute("select text from items limit 1").fetchone()[0]
        index = search_index.for_connection(con)
        assert index is not None and len(index) == 10 and len(index.item_ids(text[:12])) >= 1
    # Nothing created beside the stores (an unquoted SQLite URI would open "st[x]").
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["st[x]?*", "stx!!", "back\\slash[x]?*"]
    )


def test_a_noop_ingest_makes_no_version(tmp_path):
    store = Store(tmp_path / "store")
    ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    before, files = store.manifest(), stored_files(store)
    again = ingest([SEED], store=store, as_of=SEED_AS_OF, discover=False)
    assert (again.new, again.version) == (0, 1)
    assert store.manifest() == before and stored_files(store) == files
    assert store.commit(store.begin()) == 1  # an empty batch, straight through the API
    assert_lock_free(store)
    assert (store.root / MANIFEST).read_text() == json.dumps(before, indent=1)
