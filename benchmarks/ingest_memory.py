"""Peak memory of `dashboard ingest` on big files, whatever their shape (issue 14, item 5).

    .venv/bin/python benchmarks/ingest_memory.py              # 1 GB files: takes minutes
    .venv/bin/python benchmarks/ingest_memory.py --size-mb 200

Generates, in a temporary folder (``--tmp``, default /tmp), CSV files of ``--size-mb``:

- ``rows``: ordinary rows (id, text, date). Their texts repeat ``--distinct`` sentences, so
  the ingest's time goes to reading, normalising and storing, not to extraction (each
  distinct text is extracted once; the rest count as copies);
- ``line``: one row whose text field is the whole file (a single line, no quotes): past
  ``readers.base.MAX_RECORD_CHARS``, so it must be rejected without being held;
- ``quote``: ordinary rows after one whose quote is never closed.

and runs ``dashboard ingest`` on each in a subprocess, printing its peak RSS next to a
baseline: the file's size, and the peak RSS of ``cat FILE > /dev/null``. Two peaks are
shown: the largest single process (``getrusage(RUSAGE_CHILDREN).ru_maxrss``, measured in a
fresh wrapper process per command), and the whole process tree (ingest and its extraction
workers, sampled every 0.2 s). The target is under 2 GiB for a 1 GB file of any shape.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
MB = 1024**2
TARGET = 2 * 1024**3
WRITE_BLOCK = 8 * MB
# Measures one command's peak RSS in a fresh process (RUSAGE_CHILDREN keeps the maximum of
# every child ever waited for, so each command needs its own parent).
WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({
    "maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    "seconds": time.perf_counter() - started,
    "code": done.returncode,
    "stdout": done.stdout[-2000:],
    "stderr": done.stderr[-2000:],
}))
"""
SENTENCES = (
    "Russian shelling of {place} killed {n} civilians and wounded {m}, the regional governor said.",
    "Ukrainian forces repelled {n} attacks near {place} over the past day, the General Staff reported.",
    "A drone strike on {place} damaged energy infrastructure; {m} people were injured.",
    "Air defence shot down {n} of {m} drones launched overnight towards {place}.",
)
PLACES = ("Kharkiv", "Kherson", "Odesa", "Zaporizhzhia", "Sumy", "Dnipro", "Pokrovsk", "Kupiansk")


def sentences(distinct: int) -> list[str]:
    return [
        SENTENCES[i % len(SENTENCES)].format(place=PLACES[i % len(PLACES)], n=i % 97 + 1, m=i)
        + f" (report {i})"
        for i in range(distinct)
    ]


def write_rows(path: Path, size: int, distinct: int, *, open_quote: bool = False) -> None:
    texts = sentences(distinct)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("id,text,date\n")
        if open_quote:
            fh.write('0,"this quote is never closed,2024-01-01\n')
        written, i = 0, 1
        while written < size:
            block = "".join(
                f'{n},"{texts[n % distinct]}",2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n'
                for n in range(i, i + 20_000)
            )
            i += 20_000
            fh.write(block)
            written += len(block)


def write_line(path: Path, size: int) -> None:
    """One field as long as the file: a header, then one row written block by block."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,text\n1,")
        chunk = "word " * (WRITE_BLOCK // 5)
        for _ in range(size // len(chunk) + 1):
            fh.write(chunk)
        fh.write("\n2,a short row after the long one\n")


def measure(command: list[str]) -> dict:
    """Run ``command`` in a wrapper; return its peak RSS (largest process and whole tree)."""
    wrapper = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *command], stdout=subprocess.PIPE, text=True
    )
    tree_peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal tree_peak
        parent = psutil.Process(wrapper.pid)
        while not stop.is_set():
            try:
                procs = parent.children(recursive=True)
                total = sum(p.memory_info().rss for p in procs)
            except psutil.Error:
                total = 0
            tree_peak = max(tree_peak, total)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = wrapper.communicate()
    stop.set()
    sampler.join()
    result = json.loads(out)
    result["tree"] = tree_peak
    return result


def ingest_command(path: Path, store: Path) -> list[str]:
    return [
        str(ROOT / ".venv" / "bin" / "python"),
        "-m",
        "dashboard",
        "ingest",
        str(path),
        "--store",
        str(store),
        "--quiet",
        "--no-discover",
        "--as-of",
        "2024-11-15",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of each file (1024)")
    parser.add_argument("--shapes", default="rows,line,quote", help="which files (all three)")
    parser.add_argument("--distinct", type=int, default=2000, help="distinct texts in rows")
    parser.add_argument("--tmp", type=Path, default=Path("/tmp"), help="where to write files")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args(argv)
    size = args.size_mb * MB
    work = Path(tempfile.mkdtemp(prefix="ingest_memory_", dir=args.tmp))
    print(f"files of {args.size_mb} MB in {work} (1 GB takes several minutes per file)")
    print(
        f"{'file':<10}{'size':>10}{'cat RSS':>10}{'ingest RSS':>12}{'tree RSS':>10}"
        f"{'seconds':>9}{'exit':>6}  summary"
    )
    failed = False
    try:
        for shape in args.shapes.split(","):
            path = work / f"{shape}.csv"
            if shape == "rows":
                write_rows(path, size, args.distinct)
            elif shape == "quote":
                write_rows(path, size, args.distinct, open_quote=True)
            else:
                write_line(path, size)
            cat = measure(["sh", "-c", f"cat '{path}' > /dev/null"])
            run = measure(ingest_command(path, work / f"store_{shape}"))
            summary = (run["stdout"].strip().splitlines() or [""])[-1]
            if run["code"] not in (0, 2):
                summary = f"FAILED: {run['stderr'].strip().splitlines()[-1:]}"
            print(
                f"{shape:<10}{path.stat().st_size / MB:>8.0f}MB{cat['maxrss'] / MB:>8.0f}MB"
                f"{run['maxrss'] / MB:>10.0f}MB{run['tree'] / MB:>8.0f}MB"
                f"{run['seconds']:>9.1f}{run['code']:>6}  {summary}",
                flush=True,
            )
            failed |= run["code"] not in (0, 2) or max(run["maxrss"], run["tree"]) > TARGET
            if not args.keep:
                path.unlink()
                shutil.rmtree(work / f"store_{shape}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"target: under {TARGET / 1024**3:.0f} GiB " + ("MISSED" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
