"""Topics of items: tagged from a human-editable taxonomy, and discovered from the corpus.

``load_taxonomy()`` reads ``data/taxonomy.toml`` (or ``$DASHBOARD_TAXONOMY``, or a path
given): per topic a name, a description, plain terms and optional regex patterns. Editing
the file and re-running changes the tags; no code holds topic words.

``tag_topics(items, taxonomy)`` compiles every term of every topic into one alternation
(a character trie, so the regex engine never tries hundreds of branches at a position),
runs it once over each text and maps each match back to its topic(s). Scoring:

- ``hits`` = number of term and pattern matches of the topic in the item;
- long texts mention everything once, so hits are scaled to a short news item:
  ``effective = hits / sqrt(max(1, n_words / 150))`` (a 600-word article needs 2 hits for
  what a 150-word item gets from 1);
- the item gets the topic when ``effective >= min_hits`` (default 1), with
  ``score = 1 - exp(-effective / 2)``: 0.39 for one hit, 0.63 for two, 0.78 for three.

``discover_topics(items)`` finds topics in the corpus itself: TF-IDF (English stop words
plus news boilerplate, unigrams and bigrams) and NMF with a fixed ``random_state``, fitted
on at most ``max_items`` items (a deterministic hash sample) and applied to all. Each
component gets its top terms and a label of its three leading distinct terms
("drones · air defence · kyiv"). An item belongs to a discovered topic when that topic
carries at least ``ASSIGN_SHARE`` (25%) of the item's total topic weight; the share is its
score. Tiny corpora get fewer topics, or empty frames, never an exception.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.schema import DISCOVERED_TOPICS, TOPICS, validate

DEFAULT_TAXONOMY = Path(__file__).resolve().parents[2] / "data" / "taxonomy.toml"
TAXONOMY_ENV = "DASHBOARD_TAXONOMY"

# Word count of a typical short news item (the seed digest's items are 60-130 words):
# longer texts have their hits scaled down by sqrt(n_words / SHORT_ITEM_WORDS).
SHORT_ITEM_WORDS = 150

# Separators inside a multi-word term: "air defence" also matches "air-defence", "air  defence".
_SEP = r"[\s\-‐‑–]+"
_SEP_RE = re.compile(_SEP)


@dataclass(frozen=True)
class Topic:
    """One taxonomy topic as written in the TOML file."""

    name: str
    description: str = ""
    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    min_hits: float = 1.0


@dataclass(frozen=True)
class Taxonomy:
    """Topics plus their compiled matchers (built once, when the taxonomy is made)."""

    topics: tuple[Topic, ...]
    source: str = ""
    _terms_re: re.Pattern | None = field(default=None, repr=False, compare=False)
    _exact: dict = field(default_factory=dict, repr=False, compare=False)
    _stems: dict = field(default_factory=dict, repr=False, compare=False)
    _patterns: tuple = field(default=(), repr=False, compare=False)

    def __post_init__(self):
        names = [t.name for t in self.topics]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(
                f"{self.source or 'taxonomy'}: duplicate topic name(s) {sorted(dupes)}"
            )
        exact: dict[str, set[int]] = {}
        stems: dict[str, set[int]] = {}
        patterns = []
        for i, topic in enumerate(self.topics):
            for term in topic.terms:
                key, stem = _term_key(term)
                if key:
                    (stems if stem else exact).setdefault(key, set()).add(i)
            for pattern in topic.patterns:
                try:
                    patterns.append((i, re.compile(pattern)))
                except re.error as exc:
                    raise ValueError(
                        f"{self.source or 'taxonomy'}: topic {topic.name!r}: bad pattern "
                        f"{pattern!r}: {exc}"
                    ) from None
        object.__setattr__(self, "_exact", {k: tuple(sorted(v)) for k, v in exact.items()})
        object.__setattr__(self, "_stems", {k: tuple(sorted(v)) for k, v in stems.items()})
        object.__setattr__(self, "_patterns", tuple(patterns))
        object.__setattr__(self, "_terms_re", _compile_terms(exact, stems))

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.topics]

    def topics_of(self, match_text: str) -> tuple[int, ...]:
        """Indexes of the topics whose terms the matched words belong to."""
        key = _SEP_RE.sub(" ", match_text.lower())
        found = set(self._exact.get(key, ()))
        for stem, idx in self._stems.items():
            if key.startswith(stem) and " " not in key[len(stem) :]:
                found.update(idx)
        return tuple(sorted(found))


def _term_key(term: str) -> tuple[str, bool]:
    """'Air-Defence' -> ('air defence', False); 'drone*' -> ('drone', True)."""
    term = term.strip().lower()
    stem = term.endswith("*")
    term = _SEP_RE.sub(" ", term.rstrip("*").strip())
    return term, stem


def _compile_terms(exact: dict, stems: dict) -> re.Pattern | None:
    """One regex for all terms: a character trie, longest continuation tried first."""
    trie: dict = {}
    for key in [*exact, *stems]:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node.setdefault("", set()).add("stem" if key in stems else "exact")
    if not trie:
        return None

    def emit(node: dict) -> str:
        ends = node.get("", set())
        alts = [
            (_SEP if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted((c, n) for c, n in node.items() if c)
        ]
        if "stem" in ends:
            alts.append(r"\w*")
        if ends:
            alts.append("")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    first = "".join(sorted({re.escape(c) for c in trie}))
    # \b and the first-character test let the engine skip most positions cheaply.
    return re.compile(rf"\b(?=[{first}])" + emit(trie) + r"(?!\w)", re.IGNORECASE)


def load_taxonomy(path: str | os.PathLike | None = None) -> Taxonomy:
    """Read the taxonomy TOML: ``path``, else ``$DASHBOARD_TAXONOMY``, else ``data/taxonomy.toml``.

    Raises ``ValueError`` naming the file and topic when the file is malformed.
    """
    path = Path(path or os.environ.get(TAXONOMY_ENV) or DEFAULT_TAXONOMY)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("topic")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: no [[topic]] entries")
    topics = []
    for n, entry in enumerate(entries):
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{path}: topic #{n + 1} has no name")
        terms, patterns = entry.get("terms", []), entry.get("patterns", [])
        if not all(isinstance(t, str) for t in [*terms, *patterns]):
            raise ValueError(f"{path}: topic {name!r}: terms and patterns must be strings")
        if not terms and not patterns:
            raise ValueError(f"{path}: topic {name!r} has neither terms nor patterns")
        topics.append(
            Topic(
                name=name.strip(),
                description=str(entry.get("description", "")),
                terms=tuple(terms),
                patterns=tuple(patterns),
                min_hits=float(entry.get("min_hits", 1)),
            )
        )
    return Taxonomy(tuple(topics), source=str(path))


def tag_topics(items: pd.DataFrame, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """``schema.TOPICS`` rows (origin ``"taxonomy"``) for every item and topic it matches.

    Examples
    --------
    >>> items = pd.DataFrame({"item_id": ["a"], "text": ["Drones hit Kyiv; air defence shot down two."]})
    >>> tag_topics(items)[["topic", "score"]].round(2).values.tolist()
    [['drone & missile strikes', 0.39], ['air defence', 0.63]]
    """
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    if len(items) == 0 or taxonomy._terms_re is None and not taxonomy._patterns:
        return TOPICS.empty()
    names = taxonomy.names
    min_hits = [t.min_hits for t in taxonomy.topics]
    memo: dict[str, tuple[int, ...]] = {}
    rows: list[tuple] = []
    for item_id, text in zip(items["item_id"].tolist(), items["text"].tolist(), strict=True):
        if not isinstance(text, str) or not text:
            continue
        hits: dict[int, int] = {}
        if taxonomy._terms_re is not None:
            for m in taxonomy._terms_re.finditer(text):
                word = m.group(0)
                idx = memo.get(word)
                if idx is None:
                    idx = memo[word] = taxonomy.topics_of(word)
                for i in idx:
                    hits[i] = hits.get(i, 0) + 1
        for i, pattern in taxonomy._patterns:
            n = sum(1 for _ in pattern.finditer(text))
            if n:
                hits[i] = hits.get(i, 0) + n
        if not hits:
            continue
        scale = math.sqrt(max(1.0, len(text.split()) / SHORT_ITEM_WORDS))
        for i in sorted(hits):
            effective = hits[i] / scale
            if effective >= min_hits[i]:
                rows.append((item_id, names[i], 1.0 - math.exp(-effective / 2), "taxonomy"))
    if not rows:
        return TOPICS.empty()
    return validate(pd.DataFrame(rows, columns=TOPICS.names), TOPICS)


# --- discovered topics -------------------------------------------------------------------

# Words that carry no topic in news text: reporting verbs, outlet names and page furniture
# (newsletter and privacy footers, ad slots) seen in the shared corpora (GDELT articles,
# headline feeds), calendar words.
NEWS_BOILERPLATE = frozenset(
    """
    said says say saying told tells according reported reports report reporting reporter
    reuters ap afp bbc cnn guardian ukrinform belta tass interfax ria novosti news agency
    statement spokesperson spokesman spokeswoman added asked noted stated claimed claims
    emphasized emphasised stressed underlined learned informed quoted press service
    read continue reading image images photo photos picture pictures getty caption copyright
    video watch live updates update subscribe subscription newsletter newsletters click share
    twitter facebook instagram telegram channel https http www com html email inbox sign
    sent privacy policy ads ad advertisement advertising funded outside parties charities
    online content contain contains excerpt excerpts opinions worldview weekday rest cookies
    author editor ru pl ua mr mrs ms dr also just like including year years week weeks day days
    month months time times today yesterday tomorrow monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september
    october november december ago new make made way want going know think told according
    """.split()
)
# A discovered topic whose leading terms are all among this many commonest terms is generic.
COMMONEST_TERMS = 25
ASSIGN_SHARE = 0.25  # an item belongs to a discovered topic carrying >= 25% of its weight
LABEL_TERMS = 3
TOP_TERMS = 10
# Latin-letter words of 2+ letters, hyphenated ones kept whole; no numbers, and the "s" of
# "russia’s" falls away (one letter). Other scripts (the odd Ukrainian or Russian text)
# give no terms, so they do not make a topic of their function words.
_TOKEN_PATTERN = r"(?<![\w’'])[A-Za-z][A-Za-z]*(?:-[A-Za-z]+)*[A-Za-z](?![\w-])"


def discover_topics(
    items: pd.DataFrame, n_topics: int = 8, seed: int = 0, max_items: int = 50_000
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Topics found in the corpus: (``schema.TOPICS`` rows, ``schema.DISCOVERED_TOPICS``).

    Reproducible: the same items, ``n_topics`` and ``seed`` give the same frames.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    empty = TOPICS.empty(), DISCOVERED_TOPICS.empty()
    texts = items["text"].fillna("").astype(str).reset_index(drop=True)
    ids = items["item_id"].reset_index(drop=True)
    usable = texts.str.len() > 0
    if usable.sum() < 3 or n_topics < 1:
        return empty
    fit_index = _sample(ids[usable], texts[usable], max_items, seed)
    n_fit = len(fit_index)
    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | NEWS_BOILERPLATE),
        token_pattern=_TOKEN_PATTERN,
        lowercase=True,
        ngram_range=(1, 2),
        # Terms in 2+ items only (and in at most half of them, so "ukraine" in a war
        # corpus does not make every topic); a tiny corpus keeps everything.
        min_df=2 if n_fit >= 20 else 1,
        max_df=0.5 if n_fit >= 20 else 1.0,
        max_features=20_000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        fit_matrix = vectorizer.fit_transform(texts[fit_index])
    except ValueError:  # empty vocabulary: nothing but stop words
        return empty
    n_terms = fit_matrix.shape[1]
    k = min(n_topics, n_fit // 3, n_terms - 1)
    if k < 1:
        return empty
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    with warnings.catch_warnings():
        # Tiny corpora may stop at max_iter; the factorisation is still usable.
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf.fit(fit_matrix)
    terms = vectorizer.get_feature_names_out()
    components = nmf.components_
    top = [
        [str(terms[j]) for j in np.argsort(-row)[:TOP_TERMS] if row[j] > 0] for row in components
    ]
    labels = _labels(top)
    generic = _generic(top, fit_matrix, terms)

    if n_fit == int(usable.sum()):  # every text was fitted: reuse its matrix, not re-tokenise
        weights = np.zeros((len(texts), k), dtype=components.dtype)
        weights[fit_index.to_numpy()] = nmf.transform(fit_matrix)
    else:
        weights = nmf.transform(vectorizer.transform(texts.where(usable, "")))
    totals = weights.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, weights / totals, 0.0)
    item_pos, topic_pos = np.nonzero(share >= ASSIGN_SHARE)
    topics = pd.DataFrame(
        {
            "item_id": ids.to_numpy()[item_pos],
            "topic": np.asarray(labels, dtype=object)[topic_pos],
            "score": share[item_pos, topic_pos].astype(float),
            "origin": "discovered",
        }
    )
    counts = np.bincount(topic_pos, minlength=k)
    discovered = pd.DataFrame(
        {"topic": labels, "rank": range(k), "top_terms": top, "n_items": counts.astype(int)}
    )
    # A topic made of the corpus's commonest words ("ukraine · russia · war") says nothing
    # about any item: dropped, with the items it would have carried.
    keep = [label for label, g in zip(labels, generic, strict=True) if not g]
    topics = topics[topics["topic"].isin(keep)]
    discovered = discovered[discovered["topic"].isin(keep)].assign(rank=lambda d: range(len(d)))
    return validate(topics, TOPICS), validate(discovered, DISCOVERED_TOPICS)


def _generic(top: list[list[str]], matrix, terms) -> list[bool]:
    """Per topic: are its leading terms all among the corpus's commonest terms (those in
    the most items)?"""
    df = np.asarray((matrix > 0).sum(axis=0)).ravel()
    commonest = {str(terms[j]) for j in np.argsort(-df)[:COMMONEST_TERMS]}
    return [bool(t) and set(t[:LABEL_TERMS]) <= commonest for t in top]


def _sample(ids: pd.Series, texts: pd.Series, max_items: int, seed: int) -> pd.Index:
    """At most ``max_items`` positions, chosen by a hash of (item_id, seed): deterministic and
    independent of row order."""
    if len(ids) <= max_items:
        return ids.index
    keys = pd.util.hash_pandas_object(ids.astype(str) + f"\x00{seed}", index=False)
    return keys.sort_values(kind="stable").index[:max_items].sort_values()


def _labels(top: list[list[str]]) -> list[str]:
    """'drones · air defence · kyiv': leading terms, skipping ones that repeat a word already
    in the label; made unique by adding terms (or a number) when two labels collide."""
    labels: list[str] = []
    for terms in top:
        picked: list[str] = []
        words: set[str] = set()
        for term in terms:
            parts = set(term.split())
            if parts & words:
                continue
            picked.append(term)
            words |= parts
        label = " · ".join(picked[:LABEL_TERMS]) or "(no terms)"
        extra = LABEL_TERMS
        while label in labels and extra < len(picked):
            extra += 1
            label = " · ".join(picked[:extra])
        if label in labels:
            label = f"{label} ({len(labels)})"
        labels.append(label)
    return labels
