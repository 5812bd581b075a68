"""Command line: ``python -m dashboard ingest|compact|export|claims ...`` (also ``dashboard``).

Bad input never ends in a traceback: each problem is one line naming the file, the record
and what is wrong, and the exit status is 2 (the good records are stored all the same).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import pandas as pd

from .readers import FORMATS, InputError
from .readers.tabular import COUNT_FIELDS, ITEM_FIELDS
from .store import DEFAULT_STORE, Store, StoreError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
# How many reject lines to print before summarising the rest.
MAX_REJECT_LINES = 20


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dashboard", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    _add_export(sub)
    _add_claims(sub)
    ing = sub.add_parser("ingest", help="read files into the store")
    ing.add_argument("paths", nargs="+", type=Path, help="files or folders to read")
    ing.add_argument("--store", type=Path, default=DEFAULT_STORE, help="store directory")
    ing.add_argument("--as-of", help="reference date for undated items, e.g. 2024-11-15")
    ing.add_argument("--format", choices=FORMATS, help="skip format detection")
    ing.add_argument("--taxonomy", type=Path, help="taxonomy TOML (default data/taxonomy.toml)")
    ing.add_argument("--no-discover", action="store_true", help="skip corpus topic discovery")
    for field in ITEM_FIELDS:
        ing.add_argument(
            f"--{field.replace('_', '-')}-column",
            dest=f"col_{field}",
            metavar="NAME",
            help=f"column/field holding the item's {field} (CSV/JSON)",
        )
    for field in COUNT_FIELDS:  # stored as reference figures (dashboard/reference.py)
        ing.add_argument(
            f"--{field.replace('_', '-')}-column",
            dest=f"col_{field}",
            metavar="NAME",
            help=f"column/field holding the record's {field} (its own casualty counts: "
            "dashboard/data/reference.toml)",
        )
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: this process; dask: partitions on a Dask cluster (pip install '.[dask]')",
    )
    ing.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster here)",
    )
    wat = sub.add_parser("watch", help="poll the sources file's feeds and ingest what is new")
    wat.add_argument("--sources", type=Path, help="sources file (default data/sources.toml)")
    wat.add_argument("--store", type=Path, default=DEFAULT_STORE, help="store directory")
    wat.add_argument("--once", action="store_true", help="poll each source once and exit")
    wat.add_argument("--as-of", help="reference date for undated items, e.g. 2024-11-15")
    com = sub.add_parser("compact", help="rewrite each table's parts as one file (faster queries)")
    com.add_argument("--store", type=Path, default=DEFAULT_STORE, help="store directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(message)s")
    try:
        if args.command == "ingest":
            return _ingest(args)
        if args.command == "compact":
            store = Store(args.store)
            before = store.version
            print(f"{args.store}: version {before} -> {store.compact()}")
            return 0
        if args.command == "export":
            return _export(args)
        if args.command == "claims":
            return _claims(args)
        if args.command == "watch":
            return _watch(args)
    except (InputError, StoreError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug of ours: one line, the store untouched (ingest is atomic)
        if os.environ.get("DASHBOARD_DEBUG"):
            raise
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); nothing was stored. "
            "Set DASHBOARD_DEBUG=1 for the traceback.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    return 0


def _ingest(args) -> int:
    from .extractors.topics import load_taxonomy
    from .ingest import IngestOptions, ingest

    if args.engine == "dask":
        from functools import partial

        from .dask_engine import ingest_dask

        ingest = partial(ingest_dask, scheduler=args.scheduler)
    elif args.scheduler:
        raise ValueError("--scheduler needs --engine dask")
    columns = {k[4:]: v for k, v in vars(args).items() if k.startswith("col_") and v}
    options = IngestOptions(
        as_of=args.as_of,
        format=args.format,
        columns=columns or None,
        taxonomy=load_taxonomy(args.taxonomy) if args.taxonomy else None,
        discover=not args.no_discover,
        progress=not args.quiet,
    )
    store = Store(args.store)
    summary = ingest(args.paths, store=store, options=options)
    status = 0
    if summary.rejected:
        rejects = store.frame("rejects")
        latest = rejects.tail(summary.rejected)
        for row in latest.head(MAX_REJECT_LINES).itertuples():
            where = "file" if pd.isna(row.record) else f"record {row.record}"
            print(f"rejected: {row.file}: {where}: {row.reason}", file=sys.stderr)
        if summary.rejected > MAX_REJECT_LINES:
            print(
                f"... and {summary.rejected - MAX_REJECT_LINES} more (see the rejects table "
                f"in {args.store})",
                file=sys.stderr,
            )
        status = EXIT_BAD_INPUT
    print(summary.line())
    return status


def _store_and_filters(parser, filters_help: str) -> None:
    """The options every command reading the store takes: ``--store`` and ``--filters``."""
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE, help="store directory")
    parser.add_argument("--filters", default="", metavar="QUERY", help=filters_help)


def _add_export(sub) -> None:
    exp = sub.add_parser("export", help="write every chart, its CSV and a manifest")
    _store_and_filters(exp, "as in the app's URL; without from/to: the app's default date range")
    exp.add_argument("--out", type=Path, required=True, help="folder to write into")
    exp.add_argument("--format", default="png,svg,html", help="any of png,svg,html,pdf")
    exp.add_argument("--chart", action="append", metavar="NAME", help="only this chart")
    exp.add_argument("--zip", action="store_true", help="also write OUT.zip")


def _export(args) -> int:
    from .export import export_charts, with_default_dates

    result = export_charts(
        args.store,
        args.out,
        with_default_dates(args.filters, args.store),
        args.format,
        charts=args.chart,
        make_zip=args.zip,
    )
    print(result.line())
    return 0


def _add_claims(sub) -> None:
    cl = sub.add_parser(
        "claims", help="list what does not add up in the casualty claims (dashboard.claims)"
    )
    _store_and_filters(
        cl, "as in the app's URL, e.g. 'side=russia&kind=killed' (one side and kind)"
    )
    cl.add_argument("--json", action="store_true", help="JSON lines instead of a table")


def _watch(args) -> int:
    """Poll for ever (or ``--once``); exit 2 when a poll of ``--once`` failed."""
    from .watch import SOURCES_FILE, load_sources, watch

    sources = load_sources(args.sources or SOURCES_FILE)
    try:
        states = watch(sources, Store(args.store), once=args.once, as_of=args.as_of)
    except KeyboardInterrupt:
        return 0
    failed = [name for name, state in states.items() if state.last_error]
    return EXIT_BAD_INPUT if failed else 0


def _claims(args) -> int:
    """Print the flags of :func:`dashboard.claims.claim_flags` for the filtered figures."""
    from . import claims, views
    from .export import with_default_dates

    filters = with_default_dates(args.filters, args.store)
    store = Store(args.store)
    if not store.exists():
        raise StoreError(f"{args.store}: no store here (run `dashboard ingest` first)")
    figures = views.claimed_figures(store.connect(), filters)
    flags = claims.claim_flags(figures)
    if args.json:
        print(flags.to_json(orient="records", lines=True, date_format="iso"), end="")
    elif flags.empty:
        print(f"no flags for {filters.describe('figure')}")
    else:
        print(flags[["flag", "claimant", "date", "message"]].to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
