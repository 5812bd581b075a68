"""Benchmark 2: ingest of 100k and 1M items: wall time, items/s, peak RSS.

The inputs are the four shared corpora repeated with shifted dates and ids (see
``scaled_corpus.py``), written to a temporary directory. Each ingest runs in its own
process (``python -m dashboard ingest``) so its peak RSS is its own. The baseline, measured
in the same run on the same files, is the I/O floor: reading the files into typed item
chunks and writing them as Parquet, with no extraction.

    .venv/bin/python benchmarks/ingest_scale.py                  # 100k and 1M, local engine
    .venv/bin/python benchmarks/ingest_scale.py 100000 --engine dask
    .venv/bin/python benchmarks/ingest_scale.py 1000000 --keep /tmp/store-1m   # for query_latency
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scaled_corpus import write_scaled_corpus  # noqa: E402

# Targets from the issue, on the 2-core, 24 GiB machine.
TARGET_SECONDS = 600
TARGET_RSS_GIB = 4.0
BASELINE = """
import sys, pyarrow as pa, pyarrow.parquet as pq
from dashboard.items import iter_item_chunks
from dashboard.schema import to_arrow
n = 0
for i, chunk in enumerate(iter_item_chunks([sys.argv[1]])):
    pq.write_table(to_arrow(chunk.items, "items"), f"{sys.argv[2]}/{i:05d}.parquet")
    n += len(chunk.items)
print(n)
"""


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    libs = ", ".join(f"{p} {version(p)}" for p in ("pandas", "pyarrow", "duckdb", "dask"))
    return (
        f"machine: {os.cpu_count()} cores, {mem:.1f} GiB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}; {libs}"
    )


def tree_rss(pid: int) -> int:
    """Resident memory (KiB) of ``pid`` and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return total


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; return wall seconds, peak RSS (GiB) and its stdout.

    Peak RSS is the larger of the child's own peak (wait4) and the peak of its whole
    process tree sampled every 0.2 s (Dask workers are separate processes).
    """
    started = time.perf_counter()
    peak = [0]
    with tempfile.TemporaryFile("w+") as out_fh, tempfile.TemporaryFile("w+") as err_fh:
        proc = subprocess.Popen(cmd, stdout=out_fh, stderr=err_fh, text=True)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4 reaps the child and gives its own rusage (ru_maxrss in KiB on Linux).
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        seconds = time.perf_counter() - started
        out_fh.seek(0)
        err_fh.seek(0)
        out, err = out_fh.read(), err_fh.read()
    if os.waitstatus_to_exitcode(status) not in (0, 2):  # 2: some records rejected
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{err[-3000:]}")
    return seconds, max(usage.ru_maxrss, peak[0]) / 2**20, out


def bench(n: int, engine: str, keep: Path | None, scheduler: str | None) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"ingest-{n}-"))
    try:
        t0 = time.perf_counter()
        corpus = write_scaled_corpus(n, work / "corpus")
        print(f"\n== {n:,} items: {corpus.describe()} (written in {time.perf_counter() - t0:.0f}s)")
        store = keep if keep else work / "store"
        if store.exists():
            shutil.rmtree(store)
        cmd = [sys.executable, "-m", "dashboard", "ingest", str(corpus.root), "--store", str(store)]
        cmd += ["--quiet", "--engine", engine]
        if scheduler:
            cmd += ["--scheduler", scheduler]
        seconds, rss, out = run(cmd)
        manifest = json.loads((store / "manifest.json").read_text())
        # the ingest's own batch: one that compacted the store may follow it
        batch = next(b for b in reversed(manifest["batches"]) if "new" in b)
        items = batch["new"]
        size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 2**30
        base_dir = work / "baseline"
        base_dir.mkdir()
        b_seconds, b_rss, b_out = run(
            [sys.executable, "-c", BASELINE, str(corpus.root), str(base_dir)]
        )
        result = {
            "n": n,
            "engine": engine,
            "items": items,
            "seconds": seconds,
            "items_per_s": items / seconds,
            "peak_rss_gib": rss,
            "store_gib": size,
            "baseline_seconds": b_seconds,
            "baseline_rss_gib": b_rss,
        }
        ok_t = "OK" if seconds < TARGET_SECONDS else "MISSED"
        ok_m = "OK" if rss < TARGET_RSS_GIB else "MISSED"
        print(f"ingest ({engine}): {out.strip()}")
        print(
            f"  wall {seconds:.1f}s ({ok_t}: target < {TARGET_SECONDS}s), {items / seconds:,.0f} "
            f"items/s, peak RSS {rss:.2f} GiB ({ok_m}: target < {TARGET_RSS_GIB} GiB)"
            + (" [driver + scheduler + workers, summed]" if engine == "dask" else "")
        )
        print(f"  store on disk {size:.2f} GiB (Parquet parts + search index)")
        print(
            f"  baseline (read + write Parquet, no extraction): {b_seconds:.1f}s, "
            f"{int(b_out.strip()):,} items, peak RSS {b_rss:.2f} GiB -> extraction and indexing "
            f"are {seconds - b_seconds:.0f}s of the {seconds:.0f}s"
        )
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster)")
    parser.add_argument("--keep", type=Path, help="keep the store of the last size here")
    args = parser.parse_args()
    print(machine())
    print(
        "inputs: the 4 shared corpora repeated with shifted dates and ids (not distinct real "
        "items); each ingest in its own process into an empty store"
    )
    for i, n in enumerate(args.sizes):
        keep = args.keep if i == len(args.sizes) - 1 else None
        bench(n, args.engine, keep, args.scheduler)


if __name__ == "__main__":
    main()
