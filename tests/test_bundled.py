"""Gzip-compressed input, and the bundled UCDP GED extract that `make run` ingests."""

from __future__ import annotations

import gzip
import importlib.util

import pytest
from conftest import ROOT

import dashboard.readers
from dashboard.readers import InputError, Record, iter_records

BUNDLED = ROOT / "data" / "datasets" / "ucdp_ged_ukraine.csv.gz"
CSV = (
    "id,text,date,lat,lon\n"
    '1,"Shelling hit Kharkiv, officials said",2022-03-01,49.99,36.23\n'
    "2,Dnipro: two dead after a strike – “no warning”,2022-03-02,48.46,35.04\n"
)


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_ucdp", ROOT / "scripts/build_ucdp_extract.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gzip_csv_reads_like_the_plain_file(tmp_path):
    plain = tmp_path / "events.csv"
    plain.write_text(CSV, encoding="utf-8")
    packed = tmp_path / "events.csv.gz"
    packed.write_bytes(gzip.compress(CSV.encode("utf-8")))
    expected = list(iter_records(plain))
    assert len(expected) == 2 and all(isinstance(r, Record) for r in expected)
    assert list(iter_records(packed)) == expected
    # Several gzip members (`cat a.gz b.gz`) read as one file.
    data = CSV.encode("utf-8")
    multi = tmp_path / "multi.csv.gz"
    multi.write_bytes(gzip.compress(data[:50]) + gzip.compress(data[50:]))
    assert list(iter_records(multi)) == expected


def test_gzip_name_without_gz_breaks_format_ties(tmp_path):
    # One column is no CSV by content: only the ".csv" inside ".csv.gz" says so.
    path = tmp_path / "notes.csv.gz"
    path.write_bytes(gzip.compress(b"text\nfirst note\nsecond note\n"))
    assert [r.text for r in iter_records(path)] == ["first note", "second note"]
    as_text = tmp_path / "notes.txt.gz"
    as_text.write_bytes(path.read_bytes())
    assert [r.text for r in iter_records(as_text)] == ["text\nfirst note\nsecond note"]  # a digest


@pytest.mark.parametrize(
    "data",
    [
        b"\x1f\x8b" + b"not gzip at all" * 4,
        gzip.compress(CSV.encode())[:-30],  # truncated
        gzip.compress(CSV.encode()) + b"trailing junk",
    ],
    ids=["garbage", "truncated", "trailing-junk"],
)
def test_corrupt_gzip_names_the_file(tmp_path, data):
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(data)
    with pytest.raises(InputError, match="broken.csv.gz"):
        list(iter_records(path))


def test_decompression_stops_at_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(CSV.encode() * 1000))
    monkeypatch.setattr(dashboard.readers, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(InputError, match=r"bomb.csv.gz: .*more than 1000 bytes uncompressed"):
        list(iter_records(path))
    # A file exactly at the cap still reads.
    exact = tmp_path / "exact.csv.gz"
    exact.write_bytes(gzip.compress(CSV.encode()))
    monkeypatch.setattr(dashboard.readers, "MAX_UNCOMPRESSED", len(CSV.encode()))
    assert len(list(iter_records(exact))) == 2


def test_bundled_ucdp_extract():
    assert BUNDLED.stat().st_size < 1_000_000
    assert (BUNDLED.parent / "UCDP-LICENSE.md").exists()
    records = list(iter_records(BUNDLED))
    assert len(records) == 3883
    assert all(isinstance(r, Record) and r.text and r.text.strip() for r in records)
    for r in records:
        assert 44 < float(r.lat) < 53 and 22 < float(r.lon) < 41, r  # Ukraine and the border
    assert len({r.source_id for r in records}) == 3883
    assert records[0].source_id == "147997" and records[0].source.startswith("Agence France")


def test_bundled_extract_is_the_build_of_the_shared_csv(corpus, tmp_path):
    source = corpus("ucdp_ukraine_events.csv")
    out = _build_script().build(source, tmp_path / "ucdp_ged_ukraine.csv.gz")
    # Byte-identical: same zlib assumed (another zlib may compress the same text differently).
    assert out.read_bytes() == BUNDLED.read_bytes()
    assert list(iter_records(BUNDLED)) == list(iter_records(source))
