"""Story clusters: the same story rewritten or syndicated by many outlets gets one ``story_id``.

Exact copies already collapse into one item (``normalise``); this finds *near* copies: items
whose headline and lede share most of their word pairs. Each item's MinHash signature
(datasketch, over word ``SHINGLE``-grams of its title and first ``LEDE_WORDS`` words) is cut
into ``BANDS`` bands (locality-sensitive hashing); two items are one story when at least
``MIN_SHARED_BANDS`` of their band keys are equal, which for these settings happens mostly
above a Jaccard similarity of about 0.4. The numbers of the lede are part of every key, so
reports that differ only in their numbers (a daily "one KIA, one WIA amid six attacks", an
event log's "28/04/2022 Damage to building") are different stories, while a rewrite that
keeps the story's numbers ("Record 88% of Japanese ...", "... : survey") is the same. The
band keys are stored (table ``story_keys``), so a later ingest joins new items to the
stories already there without re-reading old items.

Measured on 126 hand-labelled pairs of GDELT articles and general headlines (the settings
were chosen on them, so the figures are optimistic): precision 0.97, recall 0.79.

A story's id is the id of its first item (in ingest order); an item without a near copy is
its own story.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import numpy as np
import pandas as pd

from .numbers import TENS, UNITS

SHINGLE = 2  # words per shingle: headlines are short, and rewrites change a word in three
LEDE_WORDS = 60  # a rewrite keeps the headline and the lede; bodies diverge
NUM_PERM = 63
BANDS = 21  # of NUM_PERM // BANDS rows each: candidates above Jaccard ~(1/21)^(1/3) = 0.36
MIN_SHARED_BANDS = 2  # one shared band is often chance; two rarely are
# Too short to tell a story from a phrase every outlet uses ("Russia-Ukraine war live") or
# an event log repeats for different days ("Damage to building").
MIN_SHINGLES = 6
# A band key shared by more items than this is boilerplate, not a story: left out.
MAX_BUCKET = 500
WORD = re.compile(r"\w+")
ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december".split()
)
SEED = 1


def lede_words(title: str | None, text: str) -> list[str]:
    """The title and the first words of the text, lower-cased; once when one holds the
    other (a headline feed's text repeats its title, an event log's title is a date and
    its text)."""
    title, low = (title or "").lower(), text.lower()
    body = low if title in low else title if low in title else f"{title} {low}"
    return WORD.findall(body)[:LEDE_WORDS]


def _number(word: str) -> str | None:
    """A number as digits ("3", "three" and "3rd" alike), or a day or month name: the
    words that tell one day's report from the next; else None."""
    if word.isdigit():
        return str(int(word))
    if word in CALENDAR:
        return word[:3]
    ordinal = ORDINAL.fullmatch(word)
    if ordinal:
        return str(int(ordinal.group(1)))
    value = UNITS.get(word, TENS.get(word))
    return None if value is None else str(value)


def lede_shingles(words: list[str]) -> set[bytes]:
    """Word pairs of the lede, numbers left out (they are compared whole: ``_numbers_key``)."""
    words = [w for w in words if _number(w) is None]
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def _numbers_key(words: list[str]) -> int:
    """One 63-bit hash of the set of numbers in the lede (0 without numbers)."""
    numbers = sorted({n for n in map(_number, words) if n is not None})
    digest = hashlib.blake2b(" ".join(numbers).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1 if numbers else 0


def band_keys(items: pd.DataFrame) -> pd.DataFrame:
    """(item_id, band, key) of every item with enough words: its signature's bands, hashed."""
    words = [
        lede_words(t, x)
        for t, x in zip(items["title"].tolist(), items["text"].tolist(), strict=True)
    ]
    shingles = [lede_shingles(w) for w in words]
    keep = [i for i, s in enumerate(shingles) if len(s) >= MIN_SHINGLES]
    if not keep:
        return pd.DataFrame({"item_id": [], "band": [], "key": []}).astype(
            {"item_id": "string", "band": "int64", "key": "int64"}
        )
    from datasketch import MinHash  # 0.4 s to import: only when items are clustered

    hashes = MinHash.bulk((shingles[i] for i in keep), num_perm=NUM_PERM, seed=SEED)
    values = np.stack([h.hashvalues for h in hashes]).astype(np.uint64)
    rows = NUM_PERM // BANDS
    bands = values.reshape(len(keep), BANDS, rows)
    # one 63-bit key per band: a polynomial hash of its rows, with the band number mixed in
    keys = np.zeros((len(keep), BANDS), dtype=np.uint64)
    for r in range(rows):
        keys = keys * np.uint64(1_000_003) + bands[:, :, r]
    numbers = np.array([_numbers_key(words[i]) for i in keep], dtype=np.uint64)[:, None]
    keys = keys * np.uint64(1_000_003) + numbers  # other numbers, other story
    keys = (keys ^ (np.arange(BANDS, dtype=np.uint64) << np.uint64(56))) >> np.uint64(1)
    ids = items["item_id"].to_numpy()[keep]
    return pd.DataFrame(
        {
            "item_id": np.repeat(ids, BANDS),
            "band": np.tile(np.arange(BANDS), len(keep)),
            "key": keys.reshape(-1).astype(np.int64),
        }
    ).astype({"item_id": "string"})


def assign_stories(new_keys: pd.DataFrame, new_ids: list[str], known: pd.DataFrame) -> pd.Series:
    """Each new item's story id (index: ``new_ids``, in ingest order).

    ``known``: (item_id, story_id, shared) for new items that share at least
    ``MIN_SHARED_BANDS`` band keys with a stored story (``shared``: how many). New items
    join the stored story they share most with; new items that share enough with each other
    form one story, which keeps a stored story's id when any of them joined one.
    """
    order = {item: n for n, item in enumerate(new_ids)}
    parent = {item: item for item in new_ids}

    def root(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in _similar_pairs(new_keys):
        ra, rb = root(a), root(b)
        if ra != rb:  # the earlier item is the root: a story is named by its first item
            first, second = sorted((ra, rb), key=order.__getitem__)
            parent[second] = first
    stored = (
        known.sort_values(["shared", "story_id"], ascending=[False, True])
        .drop_duplicates("item_id")
        .set_index("item_id")["story_id"]
    )
    story_of_root: dict[str, str] = {}
    for item in new_ids:  # a stored story wins over a new one; the first item's, if several
        if item in stored.index:
            story_of_root.setdefault(root(item), stored[item])
    return pd.Series([story_of_root.get(root(item), root(item)) for item in new_ids], index=new_ids)


def _similar_pairs(keys: pd.DataFrame) -> list[tuple[str, str]]:
    """Pairs of items sharing at least ``MIN_SHARED_BANDS`` band keys."""
    shared: dict[tuple[str, str], int] = defaultdict(int)
    keys = keys[keys.duplicated(["band", "key"], keep=False)]
    for members in keys.groupby(["band", "key"])["item_id"]:
        ids = sorted(set(members[1]))
        if len(ids) < 2 or len(ids) > MAX_BUCKET:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                shared[(a, b)] += 1
    return [pair for pair, n in shared.items() if n >= MIN_SHARED_BANDS]
