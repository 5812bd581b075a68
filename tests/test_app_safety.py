"""The app, safe by default (issue 14, item 8): localhost only, uploads off unless enabled and
then capped, errors in one line, item text that cannot become a link, an icon, LaTeX or a
colour, no bidirectional reordering, no built-in table export, hostile URL values refused
with a message."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEED
from streamlit.testing.v1 import AppTest
from test_app import _app, _ok  # one way to run the app under AppTest

from dashboard.app import markup, uploads
from dashboard.ingest import ingest
from dashboard.query import LIST_LIMIT, TEXT_LIMIT, Filters
from dashboard.store import Store

ROOT = Path(__file__).resolve().parents[1]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
# Item text holding everything Streamlit's markdown would turn into something live.
TRAP_TEXT = (
    "See https://evil.example/x and www.evil.example or write to spy@evil.example; "
    ":material/home: :smile: :streamlit: $x^2$ :red[fake] <https://evil.example> "
    "3 civilians were killed in Kharkiv on Monday. \u202egnp.exe\u202c done."
)
TRAP_TITLE = "Report \u202eevil\u202c https://evil.example :material/home:"

# What Streamlit's markdown does to the *text* after parsing (its bundled
# StreamlitMarkdown.js): GFM bare-URL and e-mail autolinks, emoji/icon shortcodes (icons are
# ":material/x:" in the source, checked before parsing), the Streamlit logo.
AUTOLINK = re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE)
EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
SHORTCODE = re.compile(r":[\w+-][\w_+-]*:")
ICON_SOURCE = ":material/"
# Backslash escapes (CommonMark: any ASCII punctuation) and entities, as the parser resolves
# them into the text the transforms above see.
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _text_after_parse(markdown: str) -> str:
    return html.unescape(ESCAPED.sub(r"\1", markdown))


def _inert(markdown: str) -> None:
    """Nothing in ``markdown`` becomes a link, an icon, LaTeX or a colour, and it holds no
    bidirectional control."""
    text = _text_after_parse(markdown)
    assert not AUTOLINK.search(text), text
    assert not EMAIL.search(text), text
    assert not SHORTCODE.search(text), text
    assert ICON_SOURCE not in markdown
    assert not re.search(r"(?<!\\)\$", markdown), markdown  # every $ escaped: no LaTeX
    assert not re.search(r"(?<!\\):[a-z-]+(?<!\\)\[", markdown)  # no :red[ directive
    assert not re.search(r"(?<!\\)\[", markdown)  # no [link]( or <autolink>
    assert "<" not in markdown
    assert not set(BIDI) & set(markdown)


def _data_page(store: Store | Path, monkeypatch) -> AppTest:
    at = _ok(_app(store, monkeypatch))
    return _ok(at.switch_page("app_pages/data.py").run())


def _said(at: AppTest, kind: str = "warning") -> list[str]:
    """The page's messages of ``kind`` as they read (markdown escapes out)."""
    return [_text_after_parse(m.value).replace("\u2060", "") for m in getattr(at, kind)]


# -- the configuration -------------------------------------------------------------------------
def test_the_config_is_safe_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"
    assert config["server"]["maxUploadSize"] == uploads.DEFAULT_UPLOAD_MB
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["client"]["disableDataExport"] is True
    # make run listens on localhost unless ADDRESS says otherwise
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("\nrun:") : makefile.index("\n\n", makefile.index("\nrun:"))]
    assert "--server.address $(or $(ADDRESS),localhost)" in recipe


def test_an_uncaught_error_still_reaches_the_tests(seed_store, monkeypatch):
    """showErrorDetails hides details from readers; AppTest still reports the exception."""
    from dashboard.app import layout

    def broken():
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(layout, "require_data", broken)
    at = _app(seed_store, monkeypatch)
    assert at.exception


# -- uploads -------------------------------------------------------------------------------------
def test_uploads_are_off_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv(uploads.UPLOADS_ENV, raising=False)
    at = _data_page(tmp_path / "store", monkeypatch)
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.key == "ingest"]
    notice = " ".join(_said(at, "info"))
    assert "Uploading files is off" in notice and "DASHBOARD_UPLOADS=1" in notice
    for off in ("0", "false", "no", ""):
        monkeypatch.setenv(uploads.UPLOADS_ENV, off)
        assert not uploads.enabled()


def test_uploads_on_with_the_setting_and_capped(tmp_path, monkeypatch):
    monkeypatch.setenv(uploads.UPLOADS_ENV, "1")
    at = _data_page(tmp_path / "store", monkeypatch)
    picker = at.file_uploader(key="uploads")
    assert picker.proto.max_upload_size_mb == uploads.DEFAULT_UPLOAD_MB
    monkeypatch.setenv(uploads.UPLOAD_MB_ENV, "1")
    at = _data_page(tmp_path / "store", monkeypatch)
    assert at.file_uploader(key="uploads").proto.max_upload_size_mb == 1
    # our own check, whatever the browser sent: 1.5 MB is refused, in one line
    big = SEED.read_bytes() * (int(1.5 * uploads.MB) // len(SEED.read_bytes()) + 1)
    at.file_uploader(key="uploads").set_value(("big.txt", big, "text/plain")).run()
    at = _ok(at.button(key="ingest").click().run())
    errors = _said(at, "error")
    assert len(errors) == 1 and errors[0].startswith("big.txt: ") and "1 MB" in errors[0]
    assert not Store(tmp_path / "store").exists()


def test_upload_names_that_are_paths_do_not_crash_it(tmp_path, monkeypatch):
    """``..``, ``.`` and names with slashes are stored under a safe name of their own."""
    monkeypatch.setenv(uploads.UPLOADS_ENV, "1")
    store = Store(tmp_path / "store")
    at = _data_page(store, monkeypatch)
    seed = SEED.read_bytes()
    files = [
        ("..", seed, "text/plain"),
        (".", b"", "text/plain"),
        ("../../outside.txt", seed.replace(b"Kharkiv", b"Kherson"), "text/plain"),
    ]
    at.file_uploader(key="uploads").set_value(files).run()
    at = _ok(at.button(key="ingest").click().run())
    said = _said(at, "success") + _said(at, "error")
    assert any(s.startswith("upload: read 10, new 10") for s in _said(at, "success")), said
    assert any(s.startswith("outside.txt: ") for s in _said(at, "success")), said
    # the empty file: one line naming it and the problem, no server path or traceback
    [empty] = [s for s in _said(at, "error")]
    assert empty == "upload: not ingested: file is empty", empty
    assert (
        not (tmp_path / "outside.txt").exists() and not (tmp_path.parent / "outside.txt").exists()
    )
    assert len(store.frame("items")) >= 10
    assert all("/tmp" not in s and "Traceback" not in s and "\n" not in s for s in said)


def test_an_upload_that_fails_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv(uploads.UPLOADS_ENV, "1")
    store = Store(tmp_path / "store")
    at = _data_page(store, monkeypatch)

    def explode(paths, **kwargs):
        raise RuntimeError(f"boom in {paths[0]}\n  while reading {paths[0].parent}/")

    monkeypatch.setattr(uploads, "ingest", explode)
    at.file_uploader(key="uploads").set_value(("news.csv", b"text\nhello", "text/csv")).run()
    at = _ok(at.button(key="ingest").click().run())
    [line] = _said(at, "error")
    assert line.startswith("news.csv: not ingested: ") and "boom in news.csv" in line, line
    assert "/tmp" not in line and "upload-" not in line and "\n" not in line
    assert not at.exception


def test_an_unreadable_upload_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv(uploads.UPLOADS_ENV, "1")
    store = Store(tmp_path / "store")
    at = _data_page(store, monkeypatch)
    junk = bytes(range(256)) * 64
    at.file_uploader(key="uploads").set_value(("junk.bin", junk, "application/x")).run()
    at = _ok(at.button(key="ingest").click().run())
    [line] = _said(at, "error")
    assert line.startswith("junk.bin: not ingested: ") and "/tmp" not in line, line


@pytest.mark.parametrize(
    "raw, name",
    [
        ("..", "upload"),
        (".", "upload"),
        ("", "upload"),
        ("...", "upload"),
        ("../../etc/passwd", "passwd"),
        ("a\\b\\c.csv", "c.csv"),
        ("dir/", "upload"),
        ("x\x00y\u202e.csv", "xy.csv"),
        (".hidden.csv", ".hidden.csv"),
        ("n" * 400 + ".csv.gz", "n" * (uploads.NAME_BYTES - 7) + ".csv.gz"),
    ],
)
def test_safe_upload_names(raw, name):
    assert uploads.safe_name(raw) == name


def test_a_problem_is_one_line_without_server_paths():
    line = uploads.problem_line(
        "could not read /tmp/upload-abc/0/news.csv:\n  File /srv/app/x.py, line 3\nbad",
        {"/srv/store": "the store"},
    )
    assert line == "could not read news.csv: File x.py, line 3 bad"
    assert uploads.problem_line("see https://x.example/a/b") == "see https://x.example/a/b"
    assert len(uploads.problem_line("x" * 5000)) == uploads.LINE_LIMIT


# -- URL values ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, says",
    [
        ({"from": "0001-01-01"}, "0001-01-01 is not between 1900-01-01 and 2100-12-31"),
        ({"to": "9999-12-31"}, "9999-12-31 is not between"),
        ({"q": "ab\x00cd"}, "Text contains: the text holds a control character; ignored"),
        ({"place": ["Kyiv", "a\x00b"]}, "Places: a value with a control character ignored"),
        (
            {"source": [f"outlet {i}" for i in range(500)]},
            f"Sources: 500 values, more than the {LIST_LIMIT} a filter takes; ignored",
        ),
    ],
)
def test_hostile_url_values_are_refused_with_a_message(seed_store, monkeypatch, query, says):
    for page in ("overview", "items", "casualties"):
        at = _ok(_app(seed_store, monkeypatch, query))
        at = _ok(at.switch_page(f"app_pages/{page}.py").run())
        warnings = _said(at)
        assert any(says in w for w in warnings), warnings
        assert all("\n" not in w and "\x00" not in w for w in warnings)
    assert at.text_input(key="f_q").value == ""
    assert len(at.multiselect(key="f_source").value) == 0


def test_too_many_values_or_keys_are_refused_in_the_filters():
    sources = "&".join(f"source=s{i}" for i in range(2000))
    filters, problems = Filters.parse(sources + "&side=russia")
    assert filters.sources == () and filters.sides == ("russia",)
    assert problems == [
        f"Sources: 2,000 values, more than the {LIST_LIMIT} a filter takes; ignored"
    ]
    # exactly the cap is fine
    filters, problems = Filters.parse("&".join(f"source=s{i}" for i in range(LIST_LIMIT)))
    assert len(filters.sources) == LIST_LIMIT and not problems
    # a flood of unknown keys is named briefly, in one line
    _, problems = Filters.parse("&".join(f"k{i}=1" for i in range(900)))
    assert len(problems) == 1 and "(900 in all)" in problems[0] and len(problems[0]) < 300
    # a NUL never reaches the search
    filters, problems = Filters.parse("q=ab%00cd")
    assert filters.text == "" and problems
    filters, problems = Filters.parse({"q": "x" * (TEXT_LIMIT + 1), "claimant": "\ud800"})
    assert len(filters.text) == TEXT_LIMIT and filters.claimants == () and len(problems) == 2


def test_the_sidebar_takes_at_most_the_cap(seed_store, monkeypatch):
    at = _ok(_app(seed_store, monkeypatch))
    assert at.multiselect(key="f_source").max_selections == LIST_LIMIT


# -- item text -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/x",
        "HTTP://EVIL.EXAMPLE",
        "www.evil.example",
        "mail spy@evil.example now",
        "<https://evil.example>",
        "[click](https://evil.example)",
        ":material/home:",
        ":smile: and :+1:",
        ":streamlit:",
        "$x^2$ and $$y$$",
        ":red[x] :blue-background[y]",
        "a\u202eb\u202cc\u2066d\u2069\u200e\u200f",
        "javascript:alert(1)",
        TRAP_TEXT,
    ],
)
def test_escaped_text_cannot_become_a_link_icon_latex_or_colour(text):
    shown = markup.escape_markdown(text)
    _inert(shown)
    # it reads the same: only invisible word joiners added, bidi controls removed
    assert _text_after_parse(shown).replace("\u2060", "").replace("  \n", "\n") == "".join(
        c for c in text if c not in BIDI
    )


def test_highlighted_text_is_inert_but_its_marks_are_live():
    text = TRAP_TEXT
    at = text.index("3 civilians")
    marks = pd.DataFrame({"start": [at], "end": [at + 11], "mark": ["figure"]})
    shown = markup.highlight(text, marks)
    assert ":red-background[3 civilians]" in shown
    _inert(shown.replace(":red-background[3 civilians]", "3 civilians"))


def test_table_cells_lose_bidi_controls():
    cells = pd.Series(["abc\u202egnp.exe", None, "plain"])
    assert markup.plain_cells(cells).tolist()[::2] == ["abcgnp.exe", "plain"]
    assert markup.plain_cells(cells).isna().tolist() == [False, True, False]
    assert markup.plain("a\u202eb", reveal=True) == "a<U+202E>b"
    links = markup.web_links(pd.Series(["https://ok.example/a", "https://x\u202e.example"]))
    assert links.iloc[0] == "https://ok.example/a" and pd.isna(links.iloc[1])


@pytest.fixture(scope="module")
def trap_store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("trap")
    path = folder / "trap.csv"
    pd.DataFrame(
        {
            "title": [TRAP_TITLE, "Shelling in Kherson"],
            "text": [TRAP_TEXT, "Two people were injured by shelling in Kherson on Sunday."],
            "published": ["2024-11-12", "2024-11-10"],
            "source": ["evil\u202e.example", "example.net"],
        }
    ).to_csv(path, index=False)
    store = Store(folder / "store")
    ingest([path], store=store, as_of="2024-11-15", discover=False)
    return store


def test_item_text_on_the_pages_is_inert(trap_store, monkeypatch):
    at = _ok(_app(trap_store, monkeypatch, {"from": "2024-01-01", "to": "2024-12-31"}))
    # the source's option label in the sidebar: no bidi control
    assert all(not set(BIDI) & set(o) for o in at.multiselect(key="f_source").options)
    at = _ok(at.switch_page("app_pages/items.py").run())
    trap = trap_store.frame("items").set_index("title").loc[TRAP_TITLE, "item_id"]
    # the items table: no bidi control in any cell
    table = at.dataframe[0].value
    cells = [str(v) for c in table.columns if table[c].dtype != "float64" for v in table[c]]
    assert cells and not any(set(BIDI) & set(v) for v in cells)
    assert any("https://evil.example" in v for v in cells)  # shown, as text
    at = _ok(at.selectbox(key="item_pick").select(trap).run())
    bodies = [m.value for m in at.markdown if "evil" in m.value]
    assert bodies, "the item's text is shown"
    for body in bodies:
        _inert(re.sub(r":[a-z]+-background\[([^\]]*)\]", r"\1", body))
    for heading in at.subheader:
        _inert(heading.value)
    assert all(not set(BIDI) & set(c.value) for c in at.caption)
    # the raw text shows the bidi controls as code points, verbatim otherwise
    raw = [t.value for t in at.text if "evil.example" in t.value]
    assert raw and "<U+202E>gnp.exe<U+202C>" in raw[0]
    # a table of extracted spans, on another page the figures' sentences: no bidi either
    at = _ok(at.switch_page("app_pages/casualties.py").run())
    for frame in (d.value for d in at.dataframe):
        for column in frame.columns:
            if frame[column].dtype == object or str(frame[column].dtype) == "string":
                assert not any(set(BIDI) & set(str(v)) for v in frame[column])


def test_the_note_for_an_ignored_query_string_names_its_size_and_the_limit():
    from dashboard.app.dropped_query import why_dropped

    note = why_dropped("&".join(["source=x"] * 2_000))
    assert "2,000 parameters, more than the 1,000" in note
    note = why_dropped("q=" + "x" * 600_000)
    assert "600,002 characters, more than the 524,288" in note
