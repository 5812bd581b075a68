"""Issue 14: one bad record never costs the others; bad CSV rows, odd encodings, long
prologues and huge lines are handled record by record, in bounded memory."""

from __future__ import annotations

import codecs
import gzip
import json
import tracemalloc

import pandas as pd
import pytest

import dashboard.items
import dashboard.normalise
import dashboard.readers
import dashboard.readers.feeds
from dashboard import InputError, read_items
from dashboard.cli import main
from dashboard.items import ReadReport, iter_item_chunks
from dashboard.normalise import parse_datetimes
from dashboard.readers import base, iter_records
from dashboard.readers.base import Record
from dashboard.store import Store


def _read(paths, **options):
    """(items, rejects) of every chunk of ``paths``, and the read report."""
    report = ReadReport()
    chunks = list(iter_item_chunks(paths, report=report, **options))
    items = pd.concat([c.items for c in chunks], ignore_index=True)
    rejects = pd.concat([c.rejects for c in chunks], ignore_index=True)
    return items, rejects, report


def _jsonl(path, *objects):
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    return path


# -- error boundaries: dates --------------------------------------------------------------


def test_a_dated_record_then_an_undated_one(tmp_path):
    # Was: TypeError "expected string or bytes-like object, got 'float'" for the whole ingest.
    path = _jsonl(tmp_path / "a.jsonl", {"text": "one", "date": "2024-01-02"}, {"text": "two"})
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["one", "two"] and rejects.empty
    assert items["published"].iloc[0] == pd.Timestamp("2024-01-02", tz="UTC")
    assert items["published"].iloc[1] is pd.NaT


def test_rss_with_an_undated_entry(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>Dated</title><pubDate>Tue, 12 Nov 2024 08:00:00 +0200</pubDate></item>
        <item><title>Garbled date</title><pubDate>sometime last week</pubDate></item>
        <item><title>Undated</title></item></channel></rss>"""
    )
    items, rejects, _ = _read(path)
    assert items["title"].tolist() == ["Dated", "Garbled date", "Undated"] and rejects.empty
    assert items["published"].notna().tolist() == [True, False, False]


HUGE_AND_MALFORMED_DATES = [
    10**400,  # OverflowError in float() before
    -(10**400),
    1e308,
    float("inf"),
    -1,
    True,
    "99999999999999999999999999",
    "2024-13-45",
    "0000-00-00",
    "Tue, 99 Foo 2024",
    "1" * 5000,
    [2024, 1, 2],
    {"year": 2024},
    "",
    None,
]


def test_huge_and_malformed_dates_become_missing(tmp_path):
    records = [
        {"text": f"item {i}", "published": d} for i, d in enumerate(HUGE_AND_MALFORMED_DATES)
    ]
    records.append({"text": "good", "published": "2024-11-01T10:00:00Z"})
    path = tmp_path / "dates.json"
    path.write_text(json.dumps(records))
    items, rejects, _ = _read(path)
    assert rejects.empty
    assert len(items) == len(records)
    assert items["published"].iloc[:-1].isna().all()
    assert items["published"].iloc[-1] == pd.Timestamp("2024-11-01 10:00", tz="UTC")
    # the same values one by one, and mixed with every other kind
    for value in HUGE_AND_MALFORMED_DATES:
        assert parse_datetimes([value]).isna().all(), value
    mixed = parse_datetimes([None, "2024-01-02", 1_700_000_000, float("nan"), pd.NaT, 10**400])
    assert mixed.notna().tolist() == [False, True, True, False, False, False]


def test_huge_coordinates_are_missing(tmp_path):
    path = _jsonl(tmp_path / "c.jsonl", {"text": "x", "lat": 10**400, "lon": [1]})
    items, rejects, _ = _read(path)
    assert rejects.empty and items["lat"].isna().all() and items["lon"].isna().all()


# -- error boundaries: text -----------------------------------------------------------------


def test_lone_surrogate_is_rejected_and_the_rest_stored(tmp_path):
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text('{"text": "bad \\ud800 here"}\n{"text": "good one"}\n')
    as_json = tmp_path / "s.json"
    as_json.write_text('[{"text": "good two"}, {"title": "x", "text": "\\udfff"}]')
    items, rejects, report = _read([jsonl, as_json])
    assert items["text"].tolist() == ["good one", "good two"]
    assert rejects["record"].tolist() == [0, 1]
    assert rejects["reason"].str.contains("surrogate").all()
    assert report.read == 2 and report.rejected == 2 and not report.failed_files


def test_text_fields_that_are_not_strings(tmp_path):
    path = _jsonl(
        tmp_path / "t.jsonl",
        {"text": 123},
        {"text": 4.5, "title": 1917, "id": 77},
        {"text": ["a", "b"]},
        {"text": {"k": 1}},
        {"text": True},
        {"text": "ok", "url": ["u"]},
        {"text": "newsapi", "source": {"id": None, "name": "BBC News"}},
        {"text": "ok", "source": {"id": 1}},
    )
    items, rejects, _ = _read(path)
    # Numbers are kept as their JSON text (documented in readers/tabular.py).
    assert items["text"].tolist() == ["123", "4.5", "newsapi"]
    assert items["title"].iloc[1] == "1917" and items["source_id"].iloc[1] == "77"
    assert items["source_raw"].iloc[2] == "BBC News"  # NewsAPI's source object: its name
    reasons = dict(zip(rejects["record"], rejects["reason"], strict=True))
    assert sorted(reasons) == [2, 3, 4, 5, 7]
    assert "text" in reasons[2] and "list" in reasons[2]
    assert "object" in reasons[3] and "true/false" in reasons[4]
    assert reasons[5].startswith("url") and reasons[7].startswith("source")


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_deep_nesting_is_rejected_and_the_rest_read(tmp_path, suffix):
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / f"deep{suffix}"
    if suffix == ".json":
        path.write_text(f'[{{"text": "before"}}, {{"a": {deep}}}, {deep}, {{"text": "after"}}]')
    else:
        path.write_text(f'{{"text": "before"}}\n{{"a": {deep}}}\n{deep}\n{{"text": "after"}}\n')
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["before", "after"]
    assert rejects["record"].tolist() == [1, 2]
    assert rejects["reason"].str.contains("nested").all()


def test_a_malformed_json_element_costs_only_itself(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(
        '[{"text": "one"}, {"text": "two" "x": 1}, {"text": "three"}}, 42, {"text": "four"},'
        ' {"text": "five", "n": [1, {"a": "]},"}]}]'
    )
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["one", "four", "five"]
    assert rejects["record"].tolist() == [1, 2, 3]
    assert "invalid JSON" in rejects["reason"].iloc[0]
    assert "expected a JSON object" in rejects["reason"].iloc[2]


def test_json_wrapper_object_is_streamed(tmp_path):
    path = tmp_path / "api.json"
    path.write_text(
        json.dumps(
            {
                "status": "ok",
                "tags": ["x", "y"],
                "articles": [{"title": "A", "description": "a"}, {"title": "B"}],
                "total": 2,
            }
        )
    )
    items, rejects, _ = _read(path)
    assert items["title"].tolist() == ["A", "B"] and rejects.empty
    # One object on one line is one record, its lists are fields.
    single = tmp_path / "one.jsonl"
    single.write_text('{"text": "only", "tags": ["a", "b"]}\n')
    assert read_items(single)["text"].tolist() == ["only"]


def test_a_reader_that_fails_mid_file_costs_only_that_file(tmp_path, monkeypatch):
    good = _jsonl(tmp_path / "a.jsonl", {"text": "kept"})
    bad = _jsonl(tmp_path / "b.jsonl", {"text": "first"}, {"text": "boom"}, {"text": "never"})
    real = dashboard.items.iter_records

    def failing(path, **options):
        for rec in real(path, **options):
            if isinstance(rec, Record) and rec.text == "boom":
                raise RuntimeError("a bug in a reader")
            yield rec

    monkeypatch.setattr(dashboard.items, "iter_records", failing)
    items, rejects, report = _read([good, bad])
    assert items["text"].tolist() == ["kept", "first"]
    assert "RuntimeError: a bug in a reader" in rejects["reason"].iloc[0]
    # The file is incomplete: it must not count as ingested (ingest.py checks failed_files).
    assert report.failed_files == [str(bad)]
    # One file, partly read: its records are returned, not an InputError.
    assert read_items(bad)["text"].tolist() == ["first"]


def test_normalising_one_record_fails_only_that_record(tmp_path, monkeypatch):
    path = _jsonl(
        tmp_path / "n.jsonl",
        {"text": "a", "source": "fine"},
        {"text": "b", "source": "cursed"},
        {"text": "c", "source": "fine"},
    )
    real = dashboard.normalise.canonical_sources

    def fragile(raw, url=None):
        if raw == "cursed":
            raise ValueError("cannot name this outlet")
        return real(raw, url)

    monkeypatch.setattr(dashboard.normalise, "canonical_sources", fragile)
    items, rejects, report = _read(path)
    assert items["text"].tolist() == ["a", "c"]
    assert rejects["record"].tolist() == [1]
    assert "ValueError: cannot name this outlet" in rejects["reason"].iloc[0]
    assert report.read == 2 and report.rejected == 1


def test_cli_rejects_bad_records_and_stores_the_rest_with_status_2(tmp_path, capsys):
    files = [
        _jsonl(tmp_path / "dates.jsonl", {"text": "Shelling in Kherson", "date": "2024-01-02"}, {"text": "Drones over Kyiv"}),
        tmp_path / "surrogate.jsonl",
        tmp_path / "deep.json",
        _jsonl(tmp_path / "huge.jsonl", {"text": "A strike on Odesa", "published": 10**400}),
        tmp_path / "cut.csv",
    ]  # fmt: skip
    files[1].write_text('{"text": "bad \\ud800"}\n{"text": "Sirens in Lviv"}\n')
    files[2].write_text(
        '[{"text": "Fighting near Bakhmut"}, ' + "[" * 100_000 + "]" * 100_000 + "]"
    )
    files[4].write_text('id,text\n1,"Power cut in Sumy\n2,Train to Kharkiv resumes\n')
    store = tmp_path / "store"
    code = main(["ingest", *map(str, files), "--store", str(store), "--quiet", "--no-discover",
                 "--as-of", "2024-11-15"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 2
    assert "read 6, new 6, duplicate 0, rejected 3 from 5 file(s)" in out
    assert "surrogate.jsonl: record 0:" in err and "deep.json: record 1:" in err
    assert "cut.csv: record 0:" in err
    texts = set(Store(store).frame("items")["text"])
    assert texts == {
        "Shelling in Kherson",
        "Drones over Kyiv",
        "Sirens in Lviv",
        "Fighting near Bakhmut",
        "A strike on Odesa",
        "Train to Kharkiv resumes",
    }


# -- CSV ------------------------------------------------------------------------------------

SEVEN_ROWS = (
    "id,text\n"
    '1,"Row one"\n'
    '2,"Row two has an unbalanced quote\n'
    "3,Row three\n"
    '4,"Row four, quoted"\n'
    '5,"Row five\nover two lines"\n'
    "6,Row six\n"
    "7,Row seven\n"
)


def test_unbalanced_quote_rejects_one_row_and_reading_resumes(tmp_path):
    # Was: 7 rows in, 1 stored, and no word about the other 6.
    path = tmp_path / "seven.csv"
    path.write_text(SEVEN_ROWS)
    items, rejects, report = _read(path)
    assert items["text"].tolist() == [
        "Row one",
        "Row three",
        "Row four, quoted",
        "Row five\nover two lines",
        "Row six",
        "Row seven",
    ]
    assert rejects["record"].tolist() == [1]
    assert "malformed CSV" in rejects["reason"].iloc[0] and "line 3" in rejects["reason"].iloc[0]
    assert report.read == 6 and report.rejected == 1


def test_a_long_field_is_read_and_one_past_the_cap_is_rejected(tmp_path, monkeypatch):
    long_text = "word " * 40_000  # 200 KB: past the csv module's default field_size_limit
    path = tmp_path / "long.csv"
    path.write_text(f'id,text\n1,"{long_text}"\n2,short\n')
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == [long_text.strip(), "short"] and rejects.empty
    monkeypatch.setattr(base, "MAX_RECORD_CHARS", 100_000)
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["short"]
    assert rejects["record"].tolist() == [0]
    assert "more than the 100,000" in rejects["reason"].iloc[0]


def test_a_quoted_field_running_past_the_cap_is_rejected(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "MAX_RECORD_CHARS", 1000)
    path = tmp_path / "open.csv"
    rows = "".join(f"{i},row {i}\n" for i in range(2, 200))
    path.write_text(f'id,text\n1,"never closed\n{rows}')
    items, rejects, _ = _read(path)
    assert rejects["record"].tolist() == [0]
    assert items["text"].tolist() == [f"row {i}" for i in range(2, 200)]


# -- bounded memory -------------------------------------------------------------------------


def _peak_while(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("compressed", [False, True])
def test_a_huge_line_is_rejected_without_being_held(tmp_path, monkeypatch, compressed):
    monkeypatch.setattr(base, "MAX_RECORD_CHARS", 1_000_000)
    body = b"id,text\n1,before\n2," + b"x" * 30_000_000 + b"\n3,after\n"
    path = tmp_path / ("huge.csv.gz" if compressed else "huge.csv")
    path.write_bytes(gzip.compress(body, 1) if compressed else body)
    del body
    out: list = []
    peak = _peak_while(lambda: out.extend(iter_records(path)))
    assert [getattr(r, "text", None) for r in out] == ["before", None, "after"]
    assert "more than the 1,000,000" in out[1].reason
    assert peak < 12_000_000, peak  # the 30 MB line never in memory


def test_many_rows_are_streamed(tmp_path):
    path = tmp_path / "rows.csv"
    filler = "shelling was reported near the village " * 12
    with path.open("w") as fh:
        fh.write("id,text,date\n")
        for i in range(20_000):
            fh.write(f"{i},{filler}number {i},2024-01-02\n")
    assert path.stat().st_size > 9_000_000
    count = 0

    def consume():
        nonlocal count
        for _ in iter_records(path):
            count += 1

    peak = _peak_while(consume)
    assert count == 20_000
    assert peak < 4_000_000, peak  # blocks of 1 MB, never the file


# -- encodings ------------------------------------------------------------------------------


def test_one_cp1251_row_in_a_utf8_csv(tmp_path):
    # Was: the whole file rejected "as binary".
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "id,text\n1,Обстріл Харкова\n2,Café in Kraków\n".encode()
        + "3,Вибухи в Одесі\n".encode("cp1251")
        + "4,Київ: тривога\n5,plain\n".encode()
    )
    items, rejects, report = _read(path)
    assert items["text"].tolist() == ["Обстріл Харкова", "Café in Kraków", "Київ: тривога", "plain"]
    assert rejects["record"].tolist() == [2]
    assert "not valid utf-8" in rejects["reason"].iloc[0].lower()
    assert "line 4" in rejects["reason"].iloc[0]
    assert "\ufffd" in rejects["raw"].iloc[0]  # shown with replacement characters
    assert not report.failed_files


def test_one_legacy_row_in_an_ascii_file_is_decoded(tmp_path):
    # Only the legacy row has non-ASCII bytes: the file is read in that code page.
    path = tmp_path / "legacy.csv"
    path.write_bytes(
        b"id,text\n1,plain one\n" + "2,Обстріл Харкова: загинули двоє людей\n".encode("cp1251")
    )
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["plain one", "Обстріл Харкова: загинули двоє людей"]
    assert rejects.empty


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32"])
@pytest.mark.parametrize("language", ["en", "uk"])
def test_utf16_and_utf32_without_a_bom(tmp_path, encoding, language):
    # Was: stored as "R\x00u\x00...".
    text = {"en": "Russian strike on Kharkiv", "uk": "Обстріл Харкова: загинули двоє"}[language]
    path = tmp_path / "wide.csv"
    path.write_bytes(f"id,text\n1,{text}\n2,second row\n".encode(encoding))
    items = read_items(path)
    assert items["text"].tolist() == [text, "second row"]


def test_utf16_digest_without_a_bom(tmp_path):
    path = tmp_path / "digest.txt"
    path.write_bytes("First item.\nRead More\nSecond item.\n".encode("utf-16-le"))
    assert read_items(path)["text"].tolist() == ["First item.", "Second item."]


def test_a_bad_line_in_a_utf16_file(tmp_path):
    good = "id,text\n1,first\n".encode("utf-16-le")
    broken = "2,".encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")  # lone surrogate
    rest = "3,third\n".encode("utf-16-le")
    path = tmp_path / "broken16.csv"
    path.write_bytes(good + broken + rest)
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["first", "third"]
    assert rejects["record"].tolist() == [1] and "utf-16" in rejects["reason"].iloc[0].lower()


FEED_ITEMS = """<item><title>Strike on Odesa</title><link>https://x.test/1</link>
<description>Two people were killed.</description></item>
<item><title>Kyiv</title><description>Drones over Kyiv.</description></item>"""


@pytest.mark.parametrize("padding", [5_000, 200_000])
def test_feeds_with_a_long_prologue(tmp_path, padding):
    filler = "x" * padding
    doctype = tmp_path / "doctype.xml"
    doctype.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY note "{filler}">]>\n'
        f"<rss version='2.0'><channel><title>Wire</title>{FEED_ITEMS}</channel></rss>"
    )
    header = tmp_path / "header.dat"
    header.write_text(
        '<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="rss.xsl"?>\n'
        f"<!-- {filler} -->\n<rss version='2.0'><channel><title>Wire</title>"
        f"<description>{filler}</description>{FEED_ITEMS}</channel></rss>"
    )
    for path in (doctype, header):
        items = read_items(path)
        assert items["title"].tolist() == ["Strike on Odesa", "Kyiv"], path.name
        assert items["source"].tolist() == ["Wire", "Wire"]


@pytest.mark.parametrize(
    ("bom", "encoding", "declared"),
    [
        (b"", "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (b"", "windows-1251", "windows-1251"),
    ],
)
def test_feeds_in_other_encodings(tmp_path, bom, encoding, declared):
    feed = (
        f"<?xml version='1.0' encoding='{declared}'?><rss version='2.0'><channel>"
        f"<title>Укрінформ</title>{FEED_ITEMS}</channel></rss>"
    )
    path = tmp_path / "feed.xml"
    path.write_bytes(bom + feed.encode(encoding))
    items = read_items(path)
    assert items["title"].tolist() == ["Strike on Odesa", "Kyiv"]
    assert items["source_raw"].iloc[0] == "Укрінформ"


def test_decode_error_reasons_name_the_encoding(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        '{"text": "Обстріл"}\n{"text": "Харків"}\n'.encode()
        + b'{"text": "\xff\xfe broken"}\n'
        + '{"text": "Суми"}\n'.encode()
    )
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["Обстріл", "Харків", "Суми"]
    assert rejects["record"].tolist() == [2] and "utf-8" in rejects["reason"].iloc[0].lower()


def test_a_wholly_unreadable_file_is_an_input_error(tmp_path):
    path = tmp_path / "noise.bin"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(InputError, match="noise.bin"):
        read_items(path)


def test_rejects_never_carry_surrogates_to_the_store(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        '{"text": "ok ok"}\n{"text": "Обстріл"}\n'.encode() + b'{"text": "\xed\xa0\x80"}\n'
    )
    _, rejects, _ = _read(path)
    assert len(rejects) == 1
    for column in ("reason", "raw"):
        rejects[column].str.encode("utf-8")  # raises on a lone surrogate


# -- caps in every format, and feeds in batches ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("x.jsonl", '{{"text": "before"}}\n{{"text": "{long}"}}\n{{"text": "after"}}\n'),
        ("x.json", '[{{"text": "before"}}, {{"text": "{long}"}}, {{"text": "after"}}]'),
        ("x.json", '[{{"text": "before"}}, {{"text": ["{long}", "{long}"]}}, {{"text": "after"}}]'),
        ("x.txt", "before\n\n{long}\n{long}\n\nafter\n"),
        ("x.txt", "before\nRead More\n{long}\nRead More\nafter\n"),
        ("x.xml", "<rss><channel><item><title>before</title></item><item><title>{long}"
                  "</title></item><item><title>after</title></item></channel></rss>"),
    ],
)  # fmt: skip
def test_a_record_past_the_cap_in_any_format(tmp_path, monkeypatch, name, body):
    monkeypatch.setattr(base, "MAX_RECORD_CHARS", 5_000)
    path = tmp_path / name
    path.write_text(body.format(long="y" * 6_000))
    items, rejects, _ = _read(path)
    assert items["text"].tolist() == ["before", "after"]
    assert rejects["record"].tolist() == [1]
    assert "5,000" in rejects["reason"].iloc[0]


def test_a_feed_is_parsed_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(dashboard.readers.feeds, "FEED_BATCH_BYTES", 300)
    entries = "".join(
        f"<entry><title>Report {i}</title><updated>2024-11-{i + 1:02d}T10:00:00Z</updated>"
        f"<summary>Shelling near Kupiansk, day {i}.</summary></entry>"
        for i in range(12)
    )
    path = tmp_path / "atom.xml"
    path.write_text(
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Front</title>{entries}</feed>'
    )
    items, rejects, _ = _read(path)
    assert rejects.empty
    assert items["title"].tolist() == [f"Report {i}" for i in range(12)]
    assert items["record"].tolist() == list(range(12))
    assert (items["source"] == "Front").all()
    assert items["published"].iloc[11] == pd.Timestamp("2024-11-12 10:00", tz="UTC")


def test_a_malformed_feed_is_read_whole_up_to_its_cap(tmp_path, monkeypatch):
    path = tmp_path / "loose.xml"
    path.write_text(
        "<rss><channel><title>Wire&nbsp;&amp; more</title><item><title>One & two</title></item>"
        "<item><title>Three</title></item></channel></rss>"
    )
    assert read_items(path)["title"].tolist() == ["One & two", "Three"]
    monkeypatch.setattr(dashboard.readers, "MAX_FEED_BYTES", 100)
    with pytest.raises(InputError, match="not well-formed XML and larger than"):
        read_items(path)
