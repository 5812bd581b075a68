"""Readers on the seed, on every shared corpus, and on bad input."""

from __future__ import annotations

import codecs
import json

import pandas as pd
import pytest
from conftest import SEED, SEED_AS_OF

from dashboard import InputError, read_items
from dashboard.items import iter_item_chunks
from dashboard.readers import detect_format, iter_records
from dashboard.readers.base import Reject


def test_seed_digest_has_ten_items_in_order():
    items = read_items(SEED, as_of=SEED_AS_OF)
    assert len(items) == 10
    assert items["record"].tolist() == list(range(10))
    assert items["text"].iloc[0].startswith("Russia has suffered")
    # "… Continue reading" ends item 8 and is cut off; item 8 spans two paragraphs.
    assert "Continue reading" not in items["text"].iloc[8]
    assert "\n" in items["text"].iloc[8]
    assert items["text"].iloc[9].startswith("Arseny Turbin")
    assert not items["text"].str.contains("Read More").any()
    assert items["published"].isna().all()
    assert (items["as_of"] == pd.Timestamp(SEED_AS_OF, tz="UTC")).all()
    assert items["title"].str.len().le(121).all() and items["title"].notna().all()
    assert items["item_id"].is_unique


def test_ids_are_stable_across_reads_and_formats(tmp_path):
    first = read_items(SEED, as_of=SEED_AS_OF)
    again = read_items(SEED, as_of="2020-01-01")
    assert first["item_id"].tolist() == again["item_id"].tolist()
    # The same text in a JSONL file, differently spaced and cased, gets the same id.
    path = tmp_path / "same.jsonl"
    text = first["text"].iloc[2].upper().replace(" ", "  ")
    path.write_text(json.dumps({"text": text}) + "\n")
    assert read_items(path)["item_id"].iloc[0] == first["item_id"].iloc[2]


def test_ucdp_csv(corpus):
    path = corpus("ucdp_ukraine_events.csv")  # cp1252, not UTF-8
    rows = pd.read_csv(path, encoding="cp1252", dtype=str)
    items = read_items(path)
    # Several events share the same headline list: those collapse, every copy is counted.
    assert items["n_copies"].sum() == len(rows) == 3883
    assert len(items) == rows["source_headline"].nunique()
    assert set(items["text"]) == set(rows["source_headline"].str.strip())
    # date_start comes as ISO, "9/30/2022 12:00:00 AM" and "01/01/2015 00:00": all parse.
    assert items["published"].notna().all()
    assert items["published"].dt.year.between(2014, 2023).all()
    first = items.iloc[0]
    assert first["published"] == pd.Timestamp("2014-01-22", tz="UTC")
    # the outlet, once; the record's own words kept beside it
    assert first["source"] == "AFP"
    assert (
        first["source_raw"]
        == "Agence France Presse;Agence France Presse;Agence France Presse;Agence France Presse;Agence France Presse"
    )
    assert items["lat"].between(44, 53).all() and items["lon"].between(22, 41).all()
    # Straight quotes from cp1252 curly ones survive decoding.
    assert items["text"].str.contains("’").any()


def test_cir_events_csv(corpus):
    path = corpus("cir_events.csv")
    rows = pd.read_csv(path, dtype=str)
    items = read_items(path)
    assert items["n_copies"].sum() == len(rows) == 6650
    # Many events share a description under different dated titles: they stay apart.
    key = (
        (rows["title"] + "\n" + rows["brief description"]).str.casefold().str.split().str.join(" ")
    )
    assert len(items) == key.nunique()
    assert items["title"].iloc[0] == "01/01/2022 Russian military equipment moving in Belarus"
    assert items["text"].iloc[0] == "Russian military equipment moving in Belarus"
    assert items["source_id"].iloc[0] == "UW0067"
    assert items["lat"].notna().mean() > 0.99
    assert items["published"].notna().sum() == len(items) - rows["date"].isna().sum()


def test_gdelt_jsonl(corpus):
    path = corpus("gdelt_articles.jsonl")
    rows = pd.read_json(path, lines=True)
    items = read_items(path)
    assert len(rows) == 558 and len(items) == rows["text"].str.strip().nunique() == 487
    assert items["n_copies"].sum() == 558
    assert items["published"].iloc[0] == pd.Timestamp("2022-01-25 09:00", tz="UTC")
    assert items["source_id"].iloc[0] == rows["id"].iloc[0]
    assert (items["n_words"] > 5).all()


def test_headlines_json_epoch_and_text_dates(corpus, tmp_path):
    path = corpus("news_headlines_2022.json")
    rows = pd.read_json(path)
    items = read_items(path)
    assert items["n_copies"].sum() == len(rows) == 10037
    assert len(items) == rows["title"].str.strip().str.casefold().nunique()
    assert items["published"].iloc[0] == pd.Timestamp(1657513103, unit="s", tz="UTC")
    assert items["source"].iloc[0] == "techcrunch.com"
    # Without the epoch field, the "July 11, 2022 12:18 AM" strings parse too.
    raw = json.loads(path.read_text())[:50]
    for row in raw:
        row.pop("timestamp")
    (tmp_path / "h.json").write_text(json.dumps(raw))
    local = read_items(tmp_path / "h.json")
    assert local["published"].notna().all()
    assert local["published"].iloc[0] == pd.Timestamp("2022-07-11 00:18", tz="UTC")


def test_rss_and_atom(tmp_path):
    rss = tmp_path / "feed.dat"  # no telling extension: detected from content
    rss.write_text(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>Strike on Odesa</title><link>https://x.test/1</link><guid>a1</guid>
        <description>&lt;p&gt;Two people were &lt;b&gt;killed&lt;/b&gt; in Odesa.&lt;/p&gt;</description>
        <pubDate>Tue, 12 Nov 2024 08:00:00 +0200</pubDate></item>
        <item><title>Only a title</title></item></channel></rss>"""
    )
    atom = tmp_path / "feed.atom"
    atom.write_text(
        """<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
        <entry><title>Kyiv</title><id>urn:1</id><updated>2024-11-10T10:00:00Z</updated>
        <summary>Drones over Kyiv.</summary></entry></feed>"""
    )
    items = read_items([rss, atom])
    assert items["title"].tolist() == ["Strike on Odesa", "Only a title", "Kyiv"]
    assert items["text"].iloc[0] == "Two people were killed in Odesa."
    assert items["published"].iloc[0] == pd.Timestamp("2024-11-12 06:00", tz="UTC")
    assert items["source"].iloc[0] == "Wire" and items["source_id"].iloc[0] == "a1"
    assert items["text"].iloc[1] == "Only a title"
    assert items["published"].iloc[2] == pd.Timestamp("2024-11-10 10:00", tz="UTC")


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (b'[{"text": "a"}]', "x.txt", "json"),
        (b'{"text": "a"}\n{"text": "b"}\n', "x.json", "jsonl"),
        (b'{\n "items": [{"text": "a"}]\n}', "x.jsonl", "json"),
        (b"<?xml version='1.0'?>\n<rss>", "x.txt", "feed"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "x", "feed"),
        (b"title,text,date\nA,b,2024-01-01\n", "x.dat", "csv"),
        (b"Some news.\nRead More\n", "x.csv.txt", "digest"),
    ],
)
def test_detect_format_from_content(tmp_path, head, name, expected):
    assert detect_format(tmp_path / name, head) == expected


def test_csv_column_mapping(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("body;when;outlet;headline\nShelling in Kherson;2024-11-01;Ukrinform;H1\n")
    auto = read_items(path)
    assert auto["title"].iloc[0] == "H1"  # headline recognised, ; delimiter detected
    mapped = read_items(path, columns={"text": "body", "published": "when", "source": "outlet"})
    assert mapped["text"].iloc[0] == "Shelling in Kherson"
    assert mapped["published"].iloc[0] == pd.Timestamp("2024-11-01", tz="UTC")
    assert mapped["source"].iloc[0] == "Ukrinform"
    with pytest.raises(InputError, match="mapped column 'nope'"):
        read_items(path, columns={"text": "nope"})


# -- bad input ------------------------------------------------------------------------------


def test_missing_file_names_it(tmp_path):
    with pytest.raises(InputError, match=r"nope\.csv: no such file"):
        read_items(tmp_path / "nope.csv")


def test_empty_file(tmp_path):
    (tmp_path / "empty.json").write_text("  \n")
    with pytest.raises(InputError, match=r"empty\.json: file is empty"):
        read_items(tmp_path / "empty.json")


def test_unknown_format(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(InputError, match="unknown format 'pdf'"):
        read_items(tmp_path / "a.txt", format="pdf")


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("cp1251", b""), ("latin-1", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16", b"")],
)
def test_encodings(tmp_path, encoding, prefix):
    text = {
        "cp1251": "Обстріл Харкова: загинули двоє людей, ще п'ятеро поранені",
        "latin-1": "Café owner in Kraków: naïve façade, señor",
    }.get(encoding, "Kharkiv: two killed")
    path = tmp_path / "t.csv"
    path.write_bytes(prefix + f'title,text\nT,"{text}"\n'.encode(encoding))
    items = read_items(path)
    assert items["text"].iloc[0] == text
    assert items["title"].iloc[0] == "T"  # a BOM does not leak into the first column name


def test_truncated_json_keeps_complete_records(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[{"title": "one"}, {"title": "two"}, {"title": "thr')
    chunks = list(iter_item_chunks(path))
    assert chunks[0].items["title"].tolist() == ["one", "two"]
    reasons = chunks[0].rejects["reason"].tolist()
    assert len(reasons) == 1 and "record" not in reasons[0] and "JSON" in reasons[0]
    assert chunks[0].rejects["record"].iloc[0] == 2


def test_truncated_csv_and_bad_rows(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text('id,text\n1,"first"\n2\n3,"second"\n4,"unclosed quote\n')
    chunk = next(iter_item_chunks(path))
    assert chunk.items["text"].tolist() == ["first", "second"]
    reasons = dict(zip(chunk.rejects["record"], chunk.rejects["reason"], strict=True))
    assert "has 1 fields" in reasons[1]
    assert "malformed CSV" in reasons[3]


def test_record_without_text_is_set_aside(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "ok item"}\n{"text": "   ", "url": "u"}\nnot json\n[1]\n')
    records = list(iter_records(path))
    assert [type(r).__name__ for r in records] == ["Record", "Reject", "Reject", "Reject"]
    assert records[1].reason == "record has no text"
    assert "invalid JSON" in records[2].reason
    assert isinstance(records[3], Reject) and "expected a JSON object" in records[3].reason


def test_no_text_column(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no text column found"):
        read_items(path)


def test_directory_reads_every_file(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "one"}\n')
    (tmp_path / "b.json").write_text('[{"text": "two"}, {"text": "one"}]')
    items = read_items(tmp_path)
    assert sorted(items["text"]) == ["one", "two"]
    one = items.set_index("text").loc["one"]
    assert one["n_copies"] == 2 and sorted(one["sources"]) == ["a", "b"]
