"""Generate ``data/datasets/ucdp_ged_ukraine.csv.gz``, the bundled UCDP GED extract.

Source: the UCDP Georeferenced Event Dataset (GED) events in Ukraine, as kept in
``../shared/corpus/ucdp_ukraine_events.csv`` (cp1252, 49 columns). The extract keeps the
columns the readers use (headline, outlet, dates, place, coordinates, id) and the casualty
columns, in the source's column order, rows in the source's order, values unchanged; it is
written as UTF-8 and gzip-compressed with a zero timestamp and no file name in the header,
so the same source gives the same bytes (with the same zlib).

Run (build time only; the output is committed with ``UCDP-LICENSE.md``)::

    .venv/bin/python scripts/build_ucdp_extract.py                 # the default source
    .venv/bin/python scripts/build_ucdp_extract.py PATH [--out OUT]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Importable when run as a script, without installing the package.
sys.path.insert(0, str(ROOT))

from dashboard.readers.base import decode  # noqa: E402

SOURCE = ROOT.parent / "shared" / "corpus" / "ucdp_ukraine_events.csv"
OUT = ROOT / "data" / "datasets" / "ucdp_ged_ukraine.csv.gz"
COLUMNS = (
    "id",
    "source_headline",
    "source_office",
    "source_date",
    "date_start",
    "date_end",
    "date_prec",
    "where_description",
    "adm_1",
    "country",
    "latitude",
    "longitude",
    "conflict_name",
    "type_of_violence",
    "side_a",
    "side_b",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "low",
    "high",
)


def extract(source: Path) -> bytes:
    """The kept columns of ``source`` as UTF-8 CSV bytes ("\\n" line ends, minimal quoting)."""
    # UCDP's CSV is cp1252, not UTF-8: decode it as the readers do.
    reader = csv.reader(io.StringIO(decode(source, source.read_bytes()), newline=""), strict=True)
    header = next(reader)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SystemExit(f"{source}: missing column(s) {', '.join(missing)}")
    keep = [i for i, name in enumerate(header) if name in COLUMNS]  # the source's order
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header[i] for i in keep])
    for n, row in enumerate(reader, start=1):
        if len(row) != len(header):
            raise SystemExit(f"{source}: row {n} has {len(row)} fields, header {len(header)}")
        writer.writerow([row[i] for i in keep])
    return out.getvalue().encode("utf-8")


def build(source: Path = SOURCE, out: Path = OUT) -> Path:
    """Write the gzip-compressed extract of ``source`` to ``out``, deterministically."""
    buffer = io.BytesIO()
    # filename="" and mtime=0: the header carries neither the output path nor the time.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(extract(source))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE, help="UCDP GED CSV")
    parser.add_argument("--out", type=Path, default=OUT, help="extract to write")
    args = parser.parse_args(argv)
    out = build(args.source, args.out)
    print(f"{out}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
