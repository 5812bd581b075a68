"""Casualty figures: the seed digest, the hand-labelled dev set, phrasing, bad input."""

from __future__ import annotations

import importlib.util
import json
from datetime import date

import pandas as pd
import pytest
from conftest import ROOT, SEED, SEED_AS_OF

from dashboard import read_items
from dashboard.extractors.casualties import extract_casualties, find_casualties
from dashboard.extractors.numbers import MAX_VALUE
from dashboard.schema import CASUALTIES, CASUALTY_KINDS, GROUPS, PERS, validate

_spec = importlib.util.spec_from_file_location(
    "casualty_quality", ROOT / "benchmarks" / "casualty_quality.py"
)
quality = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(quality)


def figures(text, ref=None):
    return [(f["value"], f["kind"]) for f in find_casualties(text, ref)]


@pytest.fixture(scope="module")
def seed_frame():
    items = read_items(SEED, as_of=SEED_AS_OF)
    return items, extract_casualties(items)


def test_seed_required_figures(seed_frame, eval_dir):
    items, frame = seed_frame
    record_of = dict(zip(items["item_id"], items["record"], strict=True))
    found = {
        (record_of[r.item_id], r.value, r.kind, r.side, r.group, r.per) for r in frame.itertuples()
    }
    gold = [
        json.loads(line) for line in (eval_dir / "seed_casualties.jsonl").open(encoding="utf-8")
    ]
    for g in gold:
        if g["required"]:
            assert (g["item"], g["value"], g["kind"], g["side"], g["group"], g["per"]) in found, g


def test_seed_non_figures_absent(seed_frame):
    _, frame = seed_frame
    assert not set(frame["value"].dropna()) & {40, 5, 46, 2014, 15, 24}
    assert not frame["quote"].str.contains("two soldiers|sentenced", regex=True).any()


def test_seed_attributes(seed_frame):
    _, frame = seed_frame
    daily = frame[frame["value"] == 1500].iloc[0]
    # "daily in October" with the digest's date 2024-11-15
    assert (daily["period_start"], daily["period_end"]) == (
        pd.Timestamp("2024-10-01"),
        pd.Timestamp("2024-10-31"),
    )
    assert daily["approximate"] and "Radakin" in daily["claimant_raw"]
    # the UK Chief of Defence Staff speaks for the UK's defence establishment (data/claimants.toml)
    assert daily["claimant"] == "UK Ministry of Defence"
    general = frame[frame["quote"].str.contains("Klimenko")].iloc[0]
    assert general["period_start"] == pd.Timestamp("2024-11-07")


def test_frame_schema_and_offsets(seed_frame):
    items, frame = seed_frame
    assert list(frame.columns) == CASUALTIES.names
    validate(frame, CASUALTIES)
    texts = dict(zip(items["item_id"], items["text"], strict=True))
    for r in frame.itertuples():
        assert texts[r.item_id][r.start : r.end] == r.quote
        assert r.quote in r.sentence
        assert r.kind in CASUALTY_KINDS and r.group in GROUPS and r.per in PERS


def test_devset_quality_gate():
    """Pinned floors on the hand-labelled set; raise them when the extractor improves."""
    rows = quality.devset_rows()
    found = quality.extract_rows(rows)
    headlines = quality.score(quality.devset_cases(rows, "dev", "headlines", found))
    paragraphs = quality.score(quality.devset_cases(rows, "dev", "paragraphs", found))
    holdout = quality.score(quality.devset_cases(rows, "holdout", found=found))
    # 0.90: rows d1077-d1126 and d1568-d2113 added 596 general-news titles (suicides,
    # celebrities' deaths, US crime) that the rules read worse than the war's headlines
    assert headlines["f1"] >= 0.90, headlines["errors"]
    assert paragraphs["f1"] >= 0.90, paragraphs["errors"]
    # the held-back split grew by 93 rows of text harder than before (general news titles)
    assert holdout["f1"] >= 0.89, "held-back F1 fell"  # its errors are not to be read
    assert headlines["accuracy"]["side"][0] >= 0.84
    assert paragraphs["accuracy"]["side"][0] >= 0.80
    # the dev split grew by 230 fresh rows (stop 23), many CIR descriptions naming no
    # people noun, whose group a reader infers ("2 fatalities" in an ambulance)
    # 0.88 since the general-news titles: a reader calls "teen", "suspect" or "officer"
    # civilian, military or unknown by what the story says of them
    assert headlines["accuracy"]["group"][0] >= 0.88
    assert paragraphs["accuracy"]["per"][0] >= 0.90
    assert paragraphs["accuracy"]["scope"][0] >= 0.95


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shelling in Kharkiv: 1,500 killed", [(1500, "killed")]),
        ("Losses reached 700 000 people", [(700000, "killed_or_injured")]),
        ("nine civilians were killed", [(9, "killed")]),
        ("twenty-three soldiers died", [(23, "killed")]),
        ("a dozen residents were injured", [(12, "injured")]),
        ("Russia has lost 1.5 million soldiers", [(1500000, "killed_or_injured")]),
        ("about 2,5 thousand invaders were eliminated", [(2500, "killed")]),
        ("Five were killed and 18 wounded", [(5, "killed"), (18, "injured")]),
        ("Shelling kills one, wounds four - mayor's office", [(1, "killed"), (4, "injured")]),
        ("A man was killed in the attack", [(1, "killed")]),
        (
            "One dead and three wounded in shelling in Kharkiv region - OVA",
            [(1, "killed"), (3, "injured")],
        ),
        ("Soldiers murdered a family of nine", [(9, "killed")]),
        ("WRAP: Death toll in Kiev clashes rises to 35", [(35, "killed")]),
        ("The number of victims increased to 16", [(16, "killed_or_injured")]),
        ("Losses of the brigade amounted to 40 people - Basurin", [(40, "killed_or_injured")]),
        ("Two brigades lost 140 servicemen", [(140, "killed_or_injured")]),
        ("over 475,000 Russian casualties", [(475000, "killed_or_injured")]),
        ("The RF Armed Forces destroyed more than 90 soldiers and 3 tanks", [(90, "killed")]),
        ("Ukraine eliminated 1260 Russian military in a day", [(1260, "killed")]),
        ("They took 30 Russian soldiers prisoner", [(30, "captured")]),
        ("Ukrainian forces captured 12 Russian soldiers", [(12, "captured")]),
        ("Three sailors are missing after the strike", [(3, "missing")]),
        (
            "the death of four Russian generals, 58 colonels and 176 lieutenant colonels",
            [(4, "killed"), (58, "killed"), (176, "killed")],
        ),
        (
            "Five civilians including two children die in east Ukraine",
            [(5, "killed"), (2, "killed")],
        ),
        ("between 20 and 30 people were killed", [(20, "killed")]),
        # ages are not figures: the count is of the people
        ("Two men aged 50 and 48 were killed", [(2, "killed")]),
        ("A woman, aged 67, was injured in Kharkiv", [(1, "injured")]),
        ("Three children aged 5, 8 and 12 were wounded", [(3, "injured")]),
        ("Three people remain missing after the strike", [(3, "missing")]),
    ],
)
def test_phrasings(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A 15-year-old was sentenced to five years; 24 days were taken off.",
        "The 46th brigade was hit in 2014 and 40% of the budget went to defence.",
        "A court sentenced two soldiers to life in prison.",
        "Russia fired 60 shells and 12 missiles at 13 regions; 4 tanks destroyed.",
        "Police arrested 20 protesters and detained 5 journalists.",
        "Russia captured five villages in the Kharkiv region.",
        "Two prisoner swaps took place; 90 prisoners were exchanged.",
        "No one was killed and nobody was injured.",
        "The Kremlin has led people into a dead end.",
        "Hundreds of civilians were killed.",
    ],
)
def test_non_figures(text):
    assert figures(text) == []


def test_range_and_hedges():
    (fig,) = find_casualties("At least 20 to 30 soldiers were killed")
    assert (fig["value"], fig["value_max"], fig["approximate"]) == (20, 30, True)
    (fig,) = find_casualties("Ten soldiers were killed")
    assert fig["approximate"] is False


def test_side_group_claimant_per_on_headlines():
    (k, w) = find_casualties(
        "Three Ukrainian servicemen killed, 17 wounded in past 24 hours in east - Ukrainian military"
    )
    assert (k["side"], k["group"], k["per"], k["claimant"], k["claimant_raw"]) == (
        "ukraine",
        "military",
        "day",
        "Ministry of Defence of Ukraine",
        "Ukrainian military",
    )
    assert (w["side"], w["group"], w["kind"]) == ("ukraine", "military", "injured")
    (f,) = find_casualties(
        "A woman died in the Budyonnovsky district of Donetsk during shelling by Ukrainian troops"
    )
    assert (f["side"], f["group"]) == ("russia", "civilian")
    (f,) = find_casualties(
        "APU lost up to 45 people in battles with the LPR in a day - People's Militia"
    )
    assert (f["side"], f["per"], f["approximate"]) == ("ukraine", "day", True)
    (f,) = find_casualties(
        "North Korean troops: 30 soldiers were killed, according to the U.S. Defense Department."
    )
    assert f["claimant"] == "US Department of Defense"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1,2,3,4 killed, 5,6,7 wounded",
        "10^100 people were killed",
        "99999999999999999999 soldiers killed and 20000000 wounded",
        "<p>5 <b>killed</b></p>&nbsp;3&nbsp;wounded <script>x</script>",
        "Загинули 5 людей, 10 поранені. Погибли 3 человека.",
        "killed " * 20000 + "5 " * 20000,
    ],
)
def test_bad_input(text):
    for f in find_casualties(text, date(2024, 11, 15)):
        assert 1 <= f["value"] <= MAX_VALUE
        assert text[f["start"] : f["end"]].split() == f["quote"].split() or "<" in text


def test_megabyte_text():
    text = "Shelling killed 3 civilians and wounded 12 in Kharkiv, officials said. " * 15000
    assert len(text) > 1_000_000
    found = find_casualties(text)
    assert len(found) == 2 * 15000


def test_extract_handles_missing_and_empty():
    frame = extract_casualties(CASUALTIES.empty().iloc[:0].assign(text=[], published=[], as_of=[]))
    assert frame.empty and list(frame.columns) == CASUALTIES.names
    items = pd.DataFrame(
        {
            "item_id": ["a", "b", "c"],
            "text": [None, "", "Two soldiers killed"],
            "published": pd.to_datetime([None, None, "2024-01-02"], utc=True),
            "as_of": pd.to_datetime(["2024-11-15"] * 3, utc=True),
        }
    )
    frame = extract_casualties(items)
    assert frame["item_id"].tolist() == ["c"] and frame["value"].tolist() == [2]


def test_ucdp_headlines_sane(corpus):
    ucdp = pd.read_csv(
        corpus("ucdp_ukraine_events.csv"), encoding="cp1252", usecols=["id", "source_headline"]
    )
    ucdp = ucdp.dropna().head(800)
    items = pd.DataFrame(
        {
            "item_id": ucdp["id"].astype(str),
            "text": ucdp["source_headline"],
            "published": pd.NaT,
            "as_of": pd.Timestamp("2024-11-15", tz="UTC"),
        }
    )
    frame = extract_casualties(items)
    assert len(frame) > 200  # most UCDP headlines report deaths
    texts = dict(zip(items["item_id"], items["text"], strict=True))
    assert all(texts[r.item_id][r.start : r.end] == r.quote for r in frame.itertuples())
    assert frame["value"].max() <= MAX_VALUE
    assert (frame["side"] != "unknown").mean() > 0.5


def test_large_unmarked_figures_are_totals():
    (big,) = find_casualties("Russia has suffered over 475,000 casualties, officials said.")
    assert (big["value"], big["per"], big["approximate"]) == (475000, "total", True)
    (small,) = find_casualties("A missile strike killed 12 people in Dnipro.")
    assert small["per"] == "event"


def test_a_dateline_is_not_a_claimant():
    kyiv = find_casualties("Kyiv: one person killed, four injured in drone attack")
    assert [f["claimant"] for f in kyiv] == [None, None]
    (basurin,) = find_casualties("Basurin: 40 Ukrainian soldiers killed")
    assert (basurin["claimant"], basurin["claimant_raw"]) == ("DPR headquarters", "Basurin")


# --- the issue "Casualty figures you can trust on real text": recall, side, per ------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russian losses in the past day exceeded 1,000 personnel", [(1000, "killed_or_injured")]),
        ("The army lost 15 tanks and destroyed 21 aircraft.", []),
        ("The death toll rose to three.", [(3, "killed")]),
        ("Global alarm over Ukraine fighting as death toll hits 19", [(19, "killed")]),
        ("Russia military deaths pass 36k as Putin's gains exact heavy toll", [(36000, "killed")]),
        ("They killed half a hundred soldiers in a battle.", [(50, "killed")]),
        # "N and a half" of a scale, in words or hyphenated (it read 500)
        ("One and a half thousand soldiers were killed", [(1500, "killed")]),
        ("two-and-a-half thousand invaders were eliminated", [(2500, "killed")]),
        ("Ukrainian military captures three militiamen", [(3, "captured")]),
        ("Two Canadians die in shooting at a resort", [(2, "killed")]),
        # a wounded person who dies later in the clause is one dead, not one wounded
        ("Female civilian wounded in Ukrainian shelling attack dies", [(1, "killed")]),
        ("A soldier was wounded and a civilian died.", [(1, "injured"), (1, "killed")]),
        (
            "Military doctor wounded in enemy attack on Ukrainian medical vehicle near Vodiane "
            "in Donbas dies - JFO",
            [(1, "killed")],
        ),
        ("A Russian missile killed a civilian in Kharkiv.", [(1, "killed")]),
        (
            "The shelling killed two residents and injured 14 more.",
            [(2, "killed"), (14, "injured")],
        ),
        ("Between 150,000-190,000 Russian soldiers have been killed.", [(150000, "killed")]),
        ("Russia has lost 21,000 to 23,500 troops.", [(21000, "killed_or_injured")]),
        ("Russia has about 70 to 80,000 losses so far.", [(70000, "killed_or_injured")]),
        ("A quarter of a million troops were killed or wounded.", [(250000, "killed_or_injured")]),
        ("Some 28 thousand soldiers have been killed.", [(28000, "killed")]),
        ("Over 300 soldiers have died or been wounded.", [(300, "killed_or_injured")]),
        ("Twelve Ukrainian soldiers were taken captive.", [(12, "captured")]),
        ("40 Russian soldiers were taken prisoner.", [(40, "captured")]),
        ("200 Russian troops surrendered.", [(200, "captured")]),
        ("Two fishermen went missing.", [(2, "missing")]),
        (
            "The enemy destroyed more than 70 vehicles, 240 troops and up to 80 tanks.",
            [(240, "killed")],
        ),
        ("One official said the talks failed.", []),
        ("At least 12 bodies were found in the yard.", [(12, "killed")]),
        ("Two soldiers were fatally wounded.", [(2, "killed")]),
        ("An invasion would kill 50,000 civilians, officials warned.", []),
        ("More than 46,000 people have lost $1 billion to scams.", []),
        ("300 soldiers lost their lives.", [(300, "killed")]),
        ("Two wounded Ukrainian soldiers die in hospital.", [(2, "killed")]),
        ("0:53 Injured Russian soldiers taken to a helicopter", []),
        ("Five troops, 19 civilians, killed in east Ukraine", [(5, "killed"), (19, "killed")]),
        ("Three militants, civilian killed in Donbass", [(3, "killed"), (1, "killed")]),
        ("School where 19 pupils and two teachers were shot dead", [(19, "killed"), (2, "killed")]),
        ("Three people are known to have died.", [(3, "killed")]),
        (
            "It claimed the lives of 14,000 people, injured at least 30,000.",
            [(14000, "killed"), (30000, "injured")],
        ),
        ("Soldier, wounded during shelling on July 15, dies in hospital", [(1, "killed")]),
        ("Larry Storch dead at 99", []),
        ("Valeriy Herovkin killed by an enemy sniper near Novotroyitske", [(1, "killed")]),
        ("Donald Trump killed the deal.", []),
        ("Israel killed 15 Palestinian kids", [(15, "killed")]),
        ("The attack killed 12 senior Russian officers", [(12, "killed")]),
        ("A Russian shell killed a 70-year-old woman in Kherson", [(1, "killed")]),
        ("With 30k+ soldiers killed, the offensive stalled", [(30000, "killed")]),
        ("The column moved 5km and 3 soldiers were killed", [(3, "killed")]),
        # a capital M is millions; a small m metres, and money is no count of people
        ("Excess Deaths Hit 1M", [(1_000_000, "killed")]),
        ("1.5M people wounded, the ministry estimates", [(1_500_000, "injured")]),
        ("A $5M fund for the families of 3 soldiers killed", [(3, "killed")]),
        ("The convoy moved 5m before 2 soldiers were killed", [(2, "killed")]),
        ("Twelve of Putin's officers are killed", [(12, "killed")]),
        ("Eight people in Donetsk republic killed by shelling", [(8, "killed")]),
        ("Two Ukrainian security service colonels killed", [(2, "killed")]),
        ("Kira Oves was one of the journalists injured in the attack.", [(1, "injured")]),
        ("His son was among the dead.", [(1, "killed")]),
        ("2 dead civilians after the shelling", [(2, "killed")]),
        ("Russian losses include the destruction of 579 tanks", []),
        (
            "Shelling kills two people, leaves eight wounded in course of one week",
            [(2, "killed"), (8, "injured")],
        ),
        ("The death toll of 12 was confirmed", [(12, "killed")]),
        ("Russian troops destroyed more than 50 military units of the Armed Forces of Ukraine", []),
        (
            "The Russians killed two residents of Donetsk region and wounded seven more.",
            [(2, "killed"), (7, "injured")],
        ),
    ],
)
def test_issue_phrasings(text, expected):
    assert figures(text) == expected


def test_a_range_with_a_shared_scale_and_fractions():
    (fig,) = find_casualties("Russia has lost 70 to 80,000 troops.")
    assert (fig["value"], fig["value_max"]) == (70000, 80000)
    (fig,) = find_casualties("Between 150,000-190,000 Russian soldiers have been killed.")
    assert (fig["value"], fig["value_max"]) == (150000, 190000)


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # noun phrase
        ("Russia has lost nearly 24,000 soldiers, Ukraine's military claims.", "russia"),
        ("Two DPR militiamen were killed.", "russia"),
        # possessor of an aggregate noun
        ("Russian losses in the past day exceeded 1,000 personnel.", "russia"),
        # attacker -> victim
        ("A Russian strike on Kharkiv killed 3 civilians.", "ukraine"),
        # the attacker in another clause
        ("Kiev's military are shelling Gorlovka, one civilian killed - mayor", "russia"),
        ("Russian Lieutenant Colonel Roman Igolkin was killed in Melitopol", "russia"),
        ("Kiev forces open fire at LPR, one civilian killed", "russia"),
        ("Ukraine rebels say one killed in Donetsk despite truce", "russia"),
        ("In Kharkov, the number of victims of shelling increased to six", "ukraine"),
        ("One civilian killed when the APU hit a bus stop in Donetsk", "russia"),
        ("Russian troops destroyed more than 240 military APU in a day", "ukraine"),
        ("Separatists down army helicopter, killing 14 troops", "ukraine"),
        ("Ukraine fighting kills 45", "unknown"),
        ("Two civilians killed in DPR shelling by Ukrainian military", "russia"),
        ("One killed in shelling from Ukraine", "russia"),
        ("Civilian died in Gorlovka during shelling by the Armed Forces of Ukraine", "russia"),
        ("Civilian car fired on by Russian BMP-2, two killed", "ukraine"),
        # the attacker follows the last "by", not the target before it
        ("20 civilians killed in shelling of LPR cities by Ukrainian army", "russia"),
        # the owner of "lost", several words before it, owns the figure lost
        ("APU in the Nikolaev-Kryvyi Rih direction lost more than 300 people killed", "ukraine"),
        # the Foreign Legion is Ukraine's, whatever its men are called
        ("Russian forces destroyed up to 80 militants of the Foreign Legion", "ukraine"),
        ("Ukrainian Armed Forces serviceman killed in Donbas", "ukraine"),
        # a side word before two titles and a name
        ("Russian Major General Roman Kutuzov killed in eastern Ukraine", "russia"),
        # the target of an attack
        ("A missile strike on a Ukrainian mall left 18 dead.", "ukraine"),
        ("Shelling of Russian positions killed 12 soldiers.", "russia"),
        # "others" point back to the figure before
        ("One Ukrainian officer killed, 5 others wounded.", "ukraine"),
        # place of a civilian event
        ("Two civilians were killed in Belgorod.", "russia"),
        ("Three people were killed in Kherson on Monday.", "ukraine"),
        # a place that starts a side's name
        ("Two civilians were killed in the Donetsk People's Republic.", "russia"),
        # the claimant's convention: "the enemy" in a Russian report is Ukraine
        ("The enemy lost 300 servicemen, the Russian Defence Ministry said.", "ukraine"),
        ("The enemy lost 500 servicemen, the General Staff of Ukraine reported.", "russia"),
        # a party reports the enemy's losses; its own it names, and "lost their lives" is
        # no loss of the enemy
        (
            "More than 135 servicemen lost in one direction per day - Russian Defense Ministry",
            "ukraine",
        ),
        ("Ukraine lost 40 soldiers in the past day - General Staff", "ukraine"),
        ("40 Ukrainian soldiers lost their lives, the General Staff said.", "ukraine"),
        # "fire" is an attack like shelling: its side's victims are the other side's
        ("Ukrainian military fire on bus at checkpoint, killing one - command", "russia"),
        # a figure naming nobody counts the people named just before it in its sentence
        (
            "Our fighters counterattacked - the invaders fled from the positions, 12 were killed",
            "russia",
        ),
    ],
)
def test_side_rules(text, side):
    assert [f["side"] for f in find_casualties(text)] == [side] * len(find_casualties(text))


def test_an_aside_does_not_hide_the_owner_nor_the_speaker():
    (fig,) = find_casualties("Russia, Kahl said, has had approximately 70,000-80,000 casualties.")
    assert (fig["side"], fig["claimant"], fig["value_max"]) == ("russia", "Kahl", 80000)


def test_headline_tails_name_the_claimant():
    (fig,) = find_casualties("Six Ukrainian soldiers killed in past 24 hours: Kiev military")
    assert fig["claimant"] == "Ministry of Defence of Ukraine"
    (fig,) = find_casualties("Two soldiers killed in past 24 hours- Ukrainian military")
    assert fig["claimant_raw"] == "Ukrainian military"


def test_killed_or_wounded_in_action_are_soldiers_and_owners_give_the_group():
    kia, wia = find_casualties("Two KIA, nine WIA in Donbas - JFO HQ;-")
    assert (kia["group"], wia["group"], kia["claimant"]) == (
        "military",
        "military",
        "Joint Forces Operation HQ",
    )
    (fig,) = find_casualties(
        "Losses of the Armed Forces of Ukraine amounted to 55 people - Basurin"
    )
    assert (fig["side"], fig["group"]) == ("ukraine", "military")
    (fig,) = find_casualties("DPR militiaman killed by sniper, says operational command")
    assert fig["claimant"] == "DPR headquarters"


def test_every_country_of_the_gazetteer_is_a_side_the_filter_and_labels_know():
    from dashboard.labels import label, side_colours
    from dashboard.query import Filters
    from dashboard.sides import side_codes, side_countries

    assert {"mexico", "south_africa", "russia", "ukraine"} <= set(side_codes())
    assert side_countries()["south_africa"] == "South Africa"
    assert label("side", "south_africa") == "South Africa"
    assert side_colours()["Russia"] != side_colours()["Ukraine"]
    filters, problems = Filters.parse("side=mexico")
    assert filters.sides == ("mexico",) and problems == []


def test_an_acronym_is_no_side_word():
    from dashboard.sides import side_codes, side_words

    assert "us" not in side_words() and "uae" not in side_words()
    # GeoNames' "The Netherlands" is the alias table's "Netherlands"
    assert "netherlands" in side_codes() and "the_netherlands" not in side_codes()


def test_place_says_nothing_of_a_toll_of_fighting_or_of_soldiers():
    (fig,) = find_casualties("Five killed in fighting near Donetsk.")
    assert fig["side"] == "unknown"
    soldiers, wounded = find_casualties("Three soldiers killed, 15 wounded in east Ukraine")
    assert soldiers["side"] == wounded["side"] == "unknown"
    (fig,) = find_casualties("Five killed in eastern Ukraine conflict")
    assert fig["side"] == "unknown"


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # held by Russia's side since 2014: the place alone says nothing
        ("Child killed by shell in Donetsk", "unknown"),
        ("Two civilians were killed in Sevastopol.", "unknown"),
        ("Two civilians were killed in Horlivka.", "unknown"),
        # the region around the town is not held; nor is a town taken after 2022
        ("Two civilians were killed in Donetsk region.", "ukraine"),
        ("Two civilians were killed in Mariupol.", "ukraine"),
        # an attacker still gives the side
        ("Two civilians were killed in Ukrainian shelling of Donetsk.", "russia"),
        # a town abroad counts only after a locative ("Paradise" is a US town)
        ("A strike killed three people at a cafe called Paradise in Donetsk.", "unknown"),
        ("Two civilians were killed in Warsaw.", "poland"),
        # any country the gazetteer knows is a side, named by its place
        ("19 dead in Mexico pilgrimage bus crash", "mexico"),
        ("More than 200 killed in Ethiopia in alleged ethnic attack", "ethiopia"),
    ],
)
def test_place_held_since_2014_gives_no_side(text, side):
    assert [f["side"] for f in find_casualties(text)] == [side]


@pytest.mark.parametrize(
    ("text", "per"),
    [
        ("Ukrainian forces are killing 1,000 Russian troops every day.", "day"),
        ("They eliminated 5,000 troops in a single battle.", "event"),
        ("In March, 1,200 civilians were killed.", "month"),
        ("So far, 10,000 civilians have been killed.", "total"),
        ("Three civilians were killed in Kharkiv.", "event"),
        ("The average daily number of victims, which in April amounted to 899, may rise.", "day"),
    ],
)
def test_per_rules(text, per):
    assert find_casualties(text)[-1]["per"] == per


@pytest.mark.parametrize(
    "text",
    [
        "One Ukrainian soldier killed, another three wounded in Donbas on July 15 - JFO HQ",
        "At least 20 Kiev forces killed, over 30 wounded on Sunday - media",
    ],
)
def test_figures_of_one_list_share_its_day(text):
    figures = find_casualties(text, ref_date=date(2021, 11, 30))
    assert [f["per"] for f in figures] == ["day", "day"]
    assert figures[0]["period_start"] == figures[1]["period_start"] is not None


def test_a_list_shares_its_date_and_a_governor_speaks_for_the_region_administration():
    figs = find_casualties(
        "One Ukrainian soldier killed, nine wounded in Donbas on July 10 - JFO HQ",
        date(2021, 7, 12),
    )
    assert [(f["per"], f["period_start"]) for f in figs] == [("day", date(2021, 7, 10))] * 2
    (fig,) = find_casualties("Two civilians killed in Kharkiv, Syniehubov says")
    assert (fig["claimant"], fig["side"]) == ("Kharkiv Regional Military Administration", "ukraine")
    assert fig["claimant_raw"] == "Syniehubov"
    (fig,) = find_casualties("Two civilians killed, the Kharkiv regional governor said")
    assert fig["claimant"] == "Kharkiv Regional Military Administration"
    # "Governor of Donetsk Republic" is the DPR's, not the Donetsk region's administration
    (fig,) = find_casualties("Governor of Donetsk Republic says 35 people killed")
    assert fig["claimant"] == "DPR headquarters"
    # a named Russian-installed head keeps his name; a city's administration is not the region's
    (fig,) = find_casualties(
        "Three civilians were killed, the head of the Kherson region Vladimir Saldo said."
    )
    assert (fig["claimant"], fig["side"]) == ("Vladimir Saldo", "russia")
    (fig,) = find_casualties(
        "Two people were killed, the head of the Kharkiv city military administration said."
    )
    assert fig["claimant"] == "Ukrainian local authorities"
    (fig,) = find_casualties("Russian troops destroyed about 180 Ukrainian soldiers - MO")
    assert fig["claimant"] == "Ministry of Defence of Russia"


def test_a_pronoun_claims_for_the_speaker_of_the_sentence_before():
    text = (
        "Governor Oleh Syniehubov said Russian forces shelled Kharkiv overnight. "
        "Three people were killed and five injured, he added."
    )
    figs = find_casualties(text)
    assert [f["claimant"] for f in figs] == ["Kharkiv Regional Military Administration"] * 2
    # no pronoun claiming: the figures are the outlet's own
    (fig,) = find_casualties("The governor said the city was shelled. Three people were killed.")
    assert fig["claimant"] is None


def test_civilians_take_a_place_named_two_sentences_back_in_their_paragraph():
    text = (
        "A hospital in Kharkiv was hit during a rocket attack. The windows and roof were "
        "damaged. A 53-year-old woman was wounded."
    )
    assert [f["side"] for f in find_casualties(text)] == ["ukraine"]
    # not across a paragraph, nor for a toll that names no civilians
    text = "A hospital in Kharkiv was hit.\n\nThe roof was damaged. A woman was wounded."
    assert [f["side"] for f in find_casualties(text)] == ["unknown"]
    text = "A hospital in Kharkiv was hit. The roof was damaged.\nA woman was wounded."
    assert [f["side"] for f in find_casualties(text)] == ["unknown"]
    text = "A hospital in Kharkiv was hit. The roof was damaged. Three people were wounded."
    assert [f["side"] for f in find_casualties(text)] == ["unknown"]


def test_period_is_the_date_the_timeline_reads():
    """A day without a year resolves as extractors.dates does (a week ahead is this year)."""
    (fig,) = find_casualties(
        "On November 20, three people were killed in Kherson.", date(2024, 11, 15)
    )
    assert fig["period_start"] == fig["period_end"] == date(2024, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the manner of a killing
        ("A 14-year-old girl was shot and killed by her brother", [(1, "killed")]),
        ("4 children, woman found shot to death in a home", [(4, "killed"), (1, "killed")]),
        # one person named by age, or as a verb's object after a possessive or an age
        ("1-year-old injured in drive-by shooting", [(1, "injured")]),
        ("Mother kills 6-year-old son with deer rifle", [(1, "killed")]),
        ("He killed his wife.", [(1, "killed")]),
        ("Donetsk militia member killed in shelling", [(1, "killed")]),
        # a bare number object ends at a preposition ("despite", "following")
        ("Clashes kill 12 despite truce", [(12, "killed")]),
        ("Frigate kills 4 pirates in the Gulf of Guinea", [(4, "killed")]),
        # no person
        ("Gunman kills his way through", []),
    ],
)
def test_general_shapes_of_one_person_and_of_a_killing(text, expected):
    assert [(f["value"], f["kind"]) for f in find_casualties(text)] == expected


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("More than 200 killed in alleged ethnic attack, witnesses say", "witnesses"),
        (
            "Putin's war has killed 343 children, prosecutor general says",
            "Prosecutor General of Ukraine",
        ),
        # not a closing speaker: words follow it
        ("Two killed as shelling continues, residents say more will die", None),
        ("Militia member killed in shelling, militias say", "militias"),
        ("A girl was shot and killed by her brother, Georgia sheriff says", "Georgia sheriff"),
        # an account's handle, words run together, with the flag it adds to its name
        ("WarMonitor🇺🇦 says the strike killed 12 Russian officers", "WarMonitor"),
        ("Five killed in Donetsk, DeepState reports", "DeepState"),
        # an apposition before the verb; where it was said is not who said it
        (
            "Two people were killed, Oleh Syniehubov, the governor of Kharkiv region, said on "
            "Telegram.",
            "Kharkiv Regional Military Administration",
        ),
        (
            "The head of the administration, Ivan Fedorov, said five people were injured.",
            "Ivan Fedorov",
        ),
        # "HQ" alone names no body; with its owner it does
        ("Two soldiers killed in shelling - HQ", None),
        ("Two soldiers killed in shelling - DPR HQ", "DPR headquarters"),
        # an adverb the speaker's verb carries is no part of the speaker
        (
            "The authors of the letter also said that four journalists had been killed",
            "authors of the letter",
        ),
        # a country closing a headline speaks as its government, by its usual name
        ("Over 100,000 Russian soldiers killed or wounded, US says", "United States"),
        # "claimed the lives" is a toll, not a claim
        ("Shelling claimed the lives of two civilians", None),
        # who revises a toll states it
        ("Ukraine raises death toll from rebel attacks in east to 17", "Government of Ukraine"),
        ("UPDATE 2-Russia revises toll of the attack to 137 dead", "Government of Russia"),
    ],
)
def test_a_lower_case_speaker_closing_a_headline_is_the_claimant(text, claimant):
    assert find_casualties(text)[0]["claimant"] == claimant


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        # a hyphenated adjective of a word shape ("anti-", "pro-", "non-") is a modifier
        ("10 anti-coup protesters shot dead in the capital, say medics", (10, "killed", "medics")),
        ("Three pro-democracy activists were injured", (3, "injured", None)),
        # everyday people, one or many; a body "found" is no finding of a claimant
        ("Massachusetts hiker dies near Mt. Washington", (1, "killed", None)),
        ("Executive found shot dead", (1, "killed", None)),
        ("Two shopkeepers were wounded in the blast", (2, "injured", None)),
    ],
)
def test_general_news_people_and_their_speakers(text, figure):
    assert [(f["value"], f["kind"], f["claimant"]) for f in find_casualties(text)] == [figure]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("A volunteer medic from Kharkiv died of her wounds on Tuesday.", 1, "killed"),
        ("A soldier in Bakhmut was killed on Monday.", 1, "killed"),
        ("Three soldiers from Lviv were killed.", 3, "killed"),
        ("Two civilians from Kherson region were wounded", 2, "injured"),
        # ... or what they are "of": a place, a unit, an office
        ("A resident of Kherson was killed in the shelling.", 1, "killed"),
        ("The commander of the battalion died of his wounds.", 1, "killed"),
        ("The driver of the administration died as a result of a blow", 1, "killed"),
    ],
)
def test_people_named_with_the_place_they_are_from_or_in(text, value, kind):
    assert [(f["value"], f["kind"]) for f in find_casualties(text)] == [(value, kind)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a part of the people named: "one of the", "two of our"
        ("One of the medics was killed in Kherson.", [(1, "killed", "civilian")]),
        ("Two of our soldiers were wounded in the attack", [(2, "injured", "military")]),
        # "the wounded", "the dead" are people, not the casualty word: not read this way
        ("One of the wounded later died.", []),
        # an active verb with people as its object: the subject did the killing
        ("Two Russian soldiers killed three civilians", [(3, "killed", "civilian")]),
        ("One of the Russian soldiers killed three civilians", [(3, "killed", "civilian")]),
        ("5 soldiers killed 3 injured", [(5, "killed", "military"), (3, "injured", "military")]),
        # "the death of a/an <person>": one killed; not of a thing or a person of no kind
        ("Police investigate the death of an Asian woman", [(1, "killed", "civilian")]),
        ("Russia confirmed the death of a general in Kherson.", [(1, "killed", "military")]),
        ("He faked the death of a friend", []),
        # an ordinal before it counts deaths told of already
        ("It marks the eighth confirmed death of a Russian general", []),
        ("It marks the 8th death of a Russian general", []),
        # a word ending in "th" is no ordinal
        ("Russia confirmed with regret the death of a general", [(1, "killed", "military")]),
        # a nationality before equipment is the equipment's
        ("SBU special forces destroyed six Russian tanks overnight", []),
        # the verbs of the defence ministries count fighters
        ("Ukrainian forces eliminated 50 Russians in Bakhmut", [(50, "killed", "military")]),
        # "bodies" that are organisations
        ("Three Russian bodies linked to the weapons programme were sanctioned", []),
        ("DPR hands over 2 Ukraine’s military bodies to Kiev", [(2, "killed", "military")]),
        # a casualty verb with its own count does not join the kind before it
        (
            "The shelling left two people dead and injured three more",
            [(2, "killed", "unknown"), (3, "injured", "unknown")],
        ),
        ("Two killed and wounded 3", [(2, "killed", "unknown"), (3, "injured", "unknown")]),
        (
            "Russian shelling killed and wounded 30 civilians",
            [(30, "killed_or_injured", "civilian")],
        ),
        # a bracketed aside between the people and their casualty word
        (
            "Lt Col Roman Igolkin [Cargo ID #285] was killed in Melitopol",
            [(1, "killed", "military")],
        ),
        ("Three civilians (including a child) were wounded", [(3, "injured", "civilian")]),
        # "N <people> were among the dead"
        ("Two policemen were among the dead", [(2, "killed", "unknown")]),
        ("Three children were among those injured", [(3, "injured", "civilian")]),
    ],
)
def test_partitives_and_active_verbs(text, expected):
    assert [(f["value"], f["kind"], f["group"]) for f in find_casualties(text)] == expected


def test_a_report_of_one_sides_losses_in_the_other_sides_words():
    """The owner is the side named nearest "had lost", not the speaker's possessive; the
    running total in its own clause is a total, not the day's."""
    daily, total = find_casualties(
        "Ukraine's General Staff said Russia had lost 420 servicemen over the past 24 hours, "
        "bringing its total losses to 612,000."
    )
    assert [(f["side"], f["per"]) for f in (daily, total)] == [
        ("russia", "day"),
        ("russia", "total"),
    ]


def test_government_troops_are_the_forces_of_the_country_they_are_placed_in():
    (fig,) = find_casualties("3 government troops killed in fighting in eastern Ukraine")
    assert (fig["side"], fig["group"]) == ("ukraine", "military")


def test_the_day_a_claim_was_made_does_not_date_the_figure():
    (fig,) = find_casualties(
        "Russian troops executed more than 70 civilians, the UN said on Tuesday."
    )
    assert (fig["per"], fig["period_start"]) == ("event", None)


def test_people_from_a_place_are_its_sides_soldiers_too_but_not_people_in_it():
    (fig,) = find_casualties("Three soldiers from Lviv were killed.")
    assert (fig["side"], fig["group"]) == ("ukraine", "military")
    (fig,) = find_casualties("A soldier in Bakhmut was killed on Monday.")
    assert fig["side"] == "unknown"  # where a soldier died says nothing of whose he was


def test_a_place_named_with_a_possessive_or_a_soft_sign_apostrophe_gives_its_side():
    (fig,) = find_casualties(
        "Sievierodonetsk's hospital was shelled, and nine civilians were wounded"
    )
    assert fig["side"] == "ukraine"
    (fig,) = find_casualties("Three people were killed in Novhorod-Sivers'kyi overnight.")
    assert fig["side"] == "ukraine"
    (fig,) = find_casualties("One convict killed as shells hit east Ukraine jail")
    assert fig["side"] == "ukraine"


@pytest.mark.parametrize(
    ("text", "per"),
    [
        # the opening of the sentence of one figure says how long it covers
        (
            "As a result of the armed aggression of Russia in Ukraine, 418 children were killed",
            "total",
        ),
        ("Putin's war has killed 343 children in Ukraine", "total"),
    ],
)
def test_per_of_a_sentence_with_one_figure(text, per):
    assert [f["per"] for f in find_casualties(text)] == [per]


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # a raw claimant of a party speaks for it
        ("WRAP: Death toll in Kiev clashes rises to 35 - Ukraine Health Ministry", "ukraine"),
        # the press does not; nor does a third country's government
        ("Death toll in clashes rises to 35 - Ukrainian TV channel", "unknown"),
        ("Death toll in clashes rises to 35 - US officials", "unknown"),
    ],
)
def test_a_raw_claimant_speaks_for_the_party_its_words_name(text, side):
    assert [f["side"] for f in find_casualties(text)] == [side]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two people joined by "and" are two figures of one
        ("Soldier and civilian killed in clashes", [(1, "military"), (1, "civilian")]),
        ("A Ukrainian officer and his driver were killed", [(1, "military"), (1, "civilian")]),
        ("Two soldiers and a civilian were killed", [(2, "military"), (1, "civilian")]),
        # an adjective of one person
        ("the Russians are shelling the village, there is a dead person", [(1, "unknown")]),
        ("a dead soldier's mother spoke", []),
        # a headline opening with the adjective
        ("Wounded man removed from damaged maternity ward", [(1, "civilian")]),
        # any person noun of the vocabulary, plural or singular
        ("Reportedly one pedestrian died.", [(1, "civilian")]),
        ("A teacher was killed in the strike.", [(1, "civilian")]),
        ("Russian soldier taken prisoner", [(1, "military")]),
        # a republic before its residents does not make them soldiers
        ("Two DPR residents die in shelling", [(2, "civilian")]),
        # the adjective's person noun after the side words: one soldier, not "soldiers"
        ("Wounded russian soldier brought to hospital", [(1, "military")]),
        ("Captured Russian soldiers in Krasnopillya", []),
        # "deceased" is "dead"
        ("Two deceased civilians on the street", [(2, "civilian")]),
        # one person's body
        ("Crushed car with a driver's body inside in Bucha.", [(1, "civilian")]),
        ("The body of a woman was found in the river.", [(1, "civilian")]),
        ("A soldier's body armour stopped the bullet.", []),
    ],
)
def test_one_person_joined_or_named_by_an_adjective(text, expected):
    assert [(f["value"], f["group"]) for f in find_casualties(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a noun of several words is one
        ("One prisoner of war was killed, 4 were wounded", [(1, "killed"), (4, "injured")]),
        ("53 Ukrainian prisoners of war were killed in Olenivka", [(53, "killed")]),
        # "an estimated" is one hedge; "possibly" stands between the people and the verb
        ("The famine killed an estimated five million people", [(5_000_000, "killed")]),
        ("Thirty Ukrainian troops possibly killed in missile attack", [(30, "killed")]),
    ],
)
def test_compound_nouns_and_hedges(text, expected):
    assert [(f["value"], f["kind"]) for f in find_casualties(text)] == expected


def test_yesterday_is_a_day_and_a_presidency_speaks():
    figures = find_casualties("Yesterday, the Russians killed six civilians and injured 13")
    assert [f["per"] for f in figures] == ["day", "day"]
    (fig,) = find_casualties("Ukraine's presidency said one woman was killed")
    assert fig["claimant"] == "Ukraine's presidency"


@pytest.mark.parametrize(
    ("text", "group"),
    [
        # a side's people named by nationality, dead in fighting, are its soldiers
        ("13 Ukrainians killed in clash with separatists", "military"),
        # not in a strike, which kills anyone
        ("Five Ukrainians killed in a missile strike on Kharkiv", "unknown"),
    ],
)
def test_nationals_killed_in_fighting_are_soldiers(text, group):
    assert [f["group"] for f in find_casualties(text)] == [group]


@pytest.mark.parametrize(
    ("text", "group"),
    [
        # the people words of an aggregate noun give its group
        ("The civilian death toll rose to 50.", "civilian"),
        ("Russia military deaths pass 36k", "military"),
        ("Number of Donetsk residents killed in shelling rises to seven - mayor", "civilian"),
        # plural abbreviations of in action
        ("Ukraine reports 52 enemy attacks, 5 WIAs in last day", "military"),
    ],
)
def test_the_people_of_a_toll_and_in_action_plurals(text, group):
    assert [f["group"] for f in find_casualties(text)] == [group]


def test_a_phrase_read_as_one_word_is_quoted_whole():
    (fig,) = find_casualties("Hours later his father took his own life")
    assert fig["quote"] == "his father took his own life"


def test_spelling_keys_join_transliterations_not_other_words():
    from dashboard.extractors.gazetteer import place_variants, spelling_key

    assert spelling_key("Sergiyivka") == spelling_key("Serhiivka")
    assert spelling_key("Pervomaisky") == spelling_key("Pervomaiskyi")
    assert place_variants()[spelling_key("Sieverodonetsk")].name == "Sievierodonetsk"
    for word in ("Ministry", "Saturday", "Strikes", "Officials"):
        assert spelling_key(word) not in place_variants()


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        # every form of a casualty verb lets its sentence be read
        ("Russia loses 900 soldiers a day", (900, "killed_or_injured")),
        ("Ukrainian forces neutralized 50 invaders near Bakhmut", (50, "killed")),
    ],
)
def test_every_verb_form_is_a_keyword(text, figure):
    (fig,) = find_casualties(text)
    assert (fig["value"], fig["kind"]) == figure


def test_every_casualty_word_of_the_shapes_is_a_keyword():
    """A sentence is read only when it has a keyword: a kind word without one is dead."""
    from dashboard.extractors.casualties import vocabulary as v

    tables = (v.FORWARD_KIND, v.BACKWARD_KIND, v.BACKWARD_PEOPLE, v.OF_KIND, v.TOLL_KIND)
    kind_words = set().union(*tables, v.SINGULAR_KIND, v.DEATH_OF)
    assert [w for w in sorted(kind_words) if not v.has_keyword(w)] == []


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # an "of" phrase closing the people names their side; a list names its people once
        (
            "Over 50 killed, over 120 wounded soldiers of the 127th and 14th brigades of the "
            "Armed Forces of Ukraine near Kharkov - RF Ministry of Defense",
            [(50, "killed", "ukraine", "military"), (120, "injured", "ukraine", "military")],
        ),
        # a list member with its own kind word keeps it
        (
            "2 killed, 5 wounded civilians in Kharkiv",
            [(2, "killed", "ukraine", "civilian"), (5, "injured", "ukraine", "civilian")],
        ),
        # a country after a locative is where, not the attacker
        (
            "Rebel shelling in east Ukraine kills three civilians",
            [(3, "killed", "ukraine", "civilian")],
        ),
        # "nationalist" is a modifier of the people noun
        (
            "Twelve Ukrainian nationalist fighters killed in separatist ambush",
            [(12, "killed", "ukraine", "military")],
        ),
    ],
)
def test_lists_of_phrases_and_places_give_the_right_people(text, figures):
    found = [(f["value"], f["kind"], f["side"], f["group"]) for f in find_casualties(text)]
    assert found == figures


def test_a_spelling_key_never_makes_a_village_russian():
    # the Russian Novomikhaylovka is in the gazetteer, the Ukrainian village is not
    (fig,) = find_casualties("Artem Mazur killed by sniper bullet at Novomykhailovka")
    assert fig["side"] == "unknown"


def test_an_including_part_between_number_and_kind_word():
    found = [(f["value"], f["kind"]) for f in find_casualties("13 including two children, killed")]
    assert found == [(13, "killed"), (2, "killed")]


@pytest.mark.parametrize("tail", ["Звіт місії ООН", "????? ?????"])
def test_a_headline_list_splits_before_cyrillic_or_its_lost_question_marks(tail):
    text = f"Ukrainian soldier wounded in Donbas in past 24 hours - JFO HQ;{tail}"
    assert find_casualties(text)[0]["claimant"] == "Joint Forces Operation HQ"


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # a country's demonyms in the alias table name its people
        ("Two Canadians die in shooting at Mexican Caribbean resort", "side", "canada"),
        ("15 Armenians killed as Azerbaijan launches an offensive", "side", "armenia"),
        ("Three Dutch soldiers wounded in training accident", "side", "netherlands"),
        # the subject of the claim verb starts after the last subordinating word
        (
            "Prosecutors are heading to Izium after authorities there said they had found "
            "a mass grave containing more than 440 bodies",
            "claimant",
            "authorities",
        ),
        # the first phrase that names a speaker, not an inanimate subject before it
        ("Brian Laundrie autopsy shows he died by suicide, attorney says", "claimant", "attorney"),
        # a head word in either number names a speaker: "doctor" as "doctors"
        ("Russian reporter dies of wounds in east Ukraine: doctor", "claimant", "doctor"),
        # a wire service's slug is not part of the speaker
        (
            "WRAPUP 1-Ukraine says rebels shoot down airliner, 295 dead",
            "claimant",
            "Government of Ukraine",
        ),
        ("REFILE-Russia says 12 soldiers killed in attack", "claimant", "Government of Russia"),
        # a Ukrainian town in a spelling the gazetteer lacks, after a preposition
        ("Three civilians killed in Lysichansk", "side", "ukraine"),
        ("Two civilians died after shelling of Sieverodonetsk", "side", "ukraine"),
        # ... not a capitalised word that only looks like one, nor a name without a preposition
        ("Three civilians killed, Ministry says", "side", "unknown"),
        # a US state after a locative is a place of the United States
        ("3 men missing in California after jumping into water", "side", "united_states"),
        # a region abroad, or a country abroad by its name, needs no locative ...
        ("8-year-old Florida boy accidentally shoots and kills baby", "side", "united_states"),
        ("Afghanistan bus crash kills 12 people", "side", "afghanistan"),
        # "Ukraine's Donetsk": the town is the place (held since 2014: no side)
        ("Five civilians dead as fresh battles rock east Ukraine's Donetsk", "side", "unknown"),
        ("Five civilians killed in east Ukraine's Kharkiv", "side", "ukraine"),
        ("Russia's Covid death toll hits 578,000 after deadliest month", "side", "russia"),
        # a claim verb before its speaker; an article before the speaker is no part of it
        ("Five people were killed, added the regional governor.", "claimant", "regional governor"),
        (
            "Some 50,000 Russian soldiers have died, a BBC Russian count shows.",
            "claimant",
            "BBC Russian count",
        ),
        # an apposition's words describe the person named before it
        ("Shinzo Abe, former Japanese prime minister, dies after being shot", "side", "japan"),
        (
            "Shinzo Abe, former Japanese prime minister, dies, state broadcaster says",
            "claimant",
            "state broadcaster",
        ),
        # the casualty verb's own "by" names the attacker; a place after it does not
        ("A man was tortured and killed by Russian soldiers", "side", "ukraine"),
        ("Her husband was murdered by orcs", "side", "ukraine"),
        ("Three schoolboys killed by mine in east Ukraine", "side", "ukraine"),
        # a town abroad before plain words and an incident's noun; a dotted acronym
        ("Woman killed in shooting at Phoenix strip mall", "side", "united_states"),
        (
            "More than 220 shot and killed in U.S. gun violence over the weekend",
            "side",
            "united_states",
        ),
        # a side word before plain words that say what kind of person it is; not the
        # killers' or the speakers'
        ("Russian TV reporter killed in east Ukraine fighting", "side", "russia"),
        ("Former Israeli soccer coach dies fighting for Ukrainian army", "side", "israel"),
        ("Luhansk militants say teenager killed by blast", "side", "unknown"),
        # a side's name before "-installed", "-backed": whose side the person is on
        ("Car Bomb Kills Russia-Installed Official in Occupied Ukraine", "side", "russia"),
        # a demonym of two words, or of a country outside the sides table
        ("Mob tortures Sri Lankan factory worker to death in Sialkot", "side", "sri_lanka"),
        ("Nearly 15,000 Yemeni Huthi fighters have been killed near Marib", "side", "yemen"),
        # a town abroad before the noun of an incident or of people: where it happened ...
        ("Phoenix shooting leaves a woman dead", "side", "united_states"),
        ("Eight-year-old girl shot dead by Chicago gunman", "side", "united_states"),
        # ... not before a verb: "Washington says" is who speaks
        ("Washington says two civilians were killed", "side", "unknown"),
        # abroad, the place says whose officers or soldiers they are; in Ukraine it does not
        ("2 officers killed when man opens fire on police in Kentucky", "side", "united_states"),
        ("Two soldiers killed in Kharkiv", "side", "unknown"),
        ("Navy kills four pirates in firefight in Gulf of Guinea", "side", "unknown"),
        # a big city whose name is frequent in English because of the city
        ("Atlanta Subway employee shot dead by customer", "side", "united_states"),
        ("Three people killed in Boston", "side", "united_states"),
        # ... a demonym does: "Iranian" is who shot
        ("Iranian man shoots 2 dead at a bar in Oslo, Norway", "side", "norway"),
        # the month a total began is not the figure's month
        (
            "The total number of Russian victims from the beginning of the invasion in "
            "February 2022 currently exceeds 465,000",
            "per",
            "total",
        ),
        ("Since the start of the war in February 2022, 500 children were killed", "per", "total"),
        # a month of its own still is
        ("In March, 1,200 civilians were killed in the region", "per", "month"),
        # a headline's "X:" opening speaks when X is a known speaker or an acronym ...
        ("Basurin: two soldiers killed in shelling", "claimant", "DPR headquarters"),
        ("Zelensky: 31,000 Ukrainian soldiers killed", "claimant", "Volodymyr Zelensky"),
        ("JCCC: two civilians wounded", "claimant", "JCCC"),
        # ... not a clause with a casualty verb, whatever it names ("rebel")
        ("Four Ukrainian soldiers die in rebel fire: govt", "claimant", "govt"),
        # an acronym closing a headline, even one spelled like a pronoun
        (
            "Europe will see 2 million Covid deaths by end of winter says WHO",
            "claimant",
            "United Nations",
        ),
        # of two claim words the last is the verb; a lower-case subject ending in a speaker
        (
            "Woman slain in park had letters carved onto chest, autopsy report says",
            "claimant",
            "autopsy report",
        ),
        (
            "The death toll has risen to 13, disaster officials said Sunday, as rescuers searched",
            "claimant",
            "disaster officials",
        ),
        # ... not a name the claimant table does not know: the story's subject
        ("Jean-Jacques Savin: French adventurer dies crossing Atlantic Ocean", "claimant", None),
        # ... not a lone capitalised word that could be anything
        ("Escalation: one soldier killed in Donbas", "claimant", None),
        ("South: AFU eliminated almost 140 invaders", "claimant", None),
        ("Two people were killed in attacks on Nova Kakhovka in two days", "per", "total"),
        ("Two attacks since Monday midnight, one Ukraine soldier WIA", "per", "day"),
        # the weapon between the attacker and the attack
        ("Four border guards killed in Russian helicopter attack - military", "side", "ukraine"),
        # one disaster or attack as the subject is one event, however large
        ("aid to respond to earthquake that killed 1,000 people", "per", "event"),
        ("Afghanistan quake kills 1,000 people, deadliest in decades", "per", "event"),
        # the people after a second verb's number are the first number's too
        ("Shelling killed 3 and wounded 12 civilians in Kharkiv", "group", "civilian"),
        # "the day before" dates an event, it is no day's count
        ("Gunman shoots 2 dead at a bar in Oslo the day before the parade", "per", "event"),
        # "the republic" points back to the republic the sentence names ...
        (
            "Losses of the Armed Forces of Ukraine in battles with the forces of the LPR per "
            "day amounted to 55 people, the republic reported",
            "claimant",
            "LPR people's militia",
        ),
        (
            "Ukrainian shelling killed two servicemen of the DPR militia, the republic said",
            "claimant",
            "DPR headquarters",
        ),
        # ... and to nobody when it names none
        ("Two soldiers were killed in the fighting, the republic reported", "claimant", None),
        # a headline in capitals is no speaker's name
        ("CRASH ON STRETCHING: A LOCAL RESIDENT WAS KILLED", "claimant", None),
        # a republic's body named without its republic
        (
            "Shelling kills one LPR militiaman - militia spokesman",
            "claimant",
            "LPR people's militia",
        ),
        ("Kiev forces shell DPR, five killed - Defence Ministry", "claimant", "DPR headquarters"),
        (
            "Russian forces shell Kharkiv, five killed - Defence Ministry",
            "claimant",
            "Defence Ministry",
        ),
        ("U.S. concludes Israeli fire killed a journalist", "claimant", "United States"),
        # the words naming a possessor are its noun phrase
        ("Moscow blames Ukraine for Russian journalist's death", "side", "russia"),
        # a qualifier is not part of the name
        ("Self-proclaimed DPR says 2 militiamen killed", "claimant", "DPR headquarters"),
        (
            "Three soldiers die on a landmine - LPR defense ministry",
            "claimant",
            "LPR people's militia",
        ),
        ("School shelled in Donetsk, 4 killed - eyewitnesses", "claimant", "eyewitnesses"),
    ],
)
def test_the_first_figure_reads(text, field, expected):
    """One attribute of a sentence's first figure (side, claimant, per), by general rules."""
    assert find_casualties(text)[0][field] == expected


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # an active manner verb with its victim before "to death"
        ("Soldiers beat a guard to death in the camp", [(1, "killed")]),
        ("Militants burned 12 villagers to death", [(12, "killed")]),
        ("Gunmen stabbed a shopkeeper to death", [(1, "killed")]),
        # a headline drops the article before the one person killed
        ("8-year-old boy accidentally shoots and kills baby", [(1, "killed")]),
        ("Car bomb kills Moscow-backed official in occupied Kherson", [(1, "killed")]),
        # ... but a singular modifying a plural noun is no person
        ("Strike killed civilian protesters near the square", []),
        # a suicide is a death
        ("A toddler died in a car and later his father took his own life", [(1, "killed")] * 2),
        ("A Russian soldier killed himself after refusing to fight", [(1, "killed")]),
        # a two-word toll noun
        ("Death count in San Antonio migrant tragedy climbs to 50", [(50, "killed")]),
        ("The body count rose to 12 on Sunday", [(12, "killed")]),
        # manner verbs with "to death" / "to his death"
        ("Woman, 31, clubbed to death with a pipe", [(1, "killed")]),
        ("A climber fell to his death on Everest", [(1, "killed")]),
        # "the killing of a ..." is one death, as "the death of a ..."
        ("Israel investigates the killing of a Palestinian journalist", [(1, "killed")]),
        # a relative clause between the person and the verb
        ("Election official who refused to certify result dies of Covid", [(1, "killed")]),
        # a toll noun far before its verb
        (
            "Losses of the Ukrainian military in battles with the forces of the Russian "
            "Federation and the DPR for the day amounted to about 20 - Basurin",
            [(20, "killed_or_injured")],
        ),
        # two single people joined by a comma, as by "and"
        ("Child, man killed in Gorlovka shelling", [(1, "killed"), (1, "killed")]),
        # a list member without people takes those of the figure before it
        ("15 Armenians killed, 12 captured", [(15, "killed"), (12, "captured")]),
        # ... but "4 captured" alone is still too vague
        ("4 captured near the border", []),
        # an "of" phrase of six words after one person
        ("Member of emergencies service's bomb disposal squad killed", [(1, "killed")]),
        # a side word before a plural noun is that noun's adjective, not one person
        ("Captured Russian tanks were shown in Kyiv", []),
        ("Captured Russian says he was forced to fight", [(1, "captured")]),
        # a reduced relative clause between the person and the verb ...
        ("Morocco boy trapped in well for four days dies", [(1, "killed")]),
        ("Man arrested for stealing sausage rolls killed himself", [(1, "killed")]),
        # ... but not an adjective, a pronoun's verb, or past a clause opener
        ("Russian Armed Forces killed up to 60 servicemen", [(60, "killed")]),
        ("He blamed Biden after dozens of migrants were found dead", []),
        ("Man rescued while trying to retrace steps of family who died", []),
        # a prisoner exchange captures no one
        ("Ukrainian medic released in prisoner exchange", []),
        # a death still to come is no figure
        ("A man who smuggled films into the country is to be executed", []),
        ("The prisoner will be killed, his lawyer fears", []),
        # one person listed after a figure's people, closing the clause
        ("Rebel shelling kills three civilians, soldier - army", [(3, "killed"), (1, "killed")]),
        ("Shelling killed two soldiers and a civilian", [(2, "killed"), (1, "killed")]),
        ("Strike killed 3 civilians, official says", [(3, "killed")]),
        (
            "The attack killed two diners and a restaurant worker and wounded nine",
            [(2, "killed"), (1, "killed"), (9, "injured")],
        ),
        # a Ukrainian first name and a surname are one person
        ("51y.o. Heorhiy Khalikov was killed in enemy shelling", [(1, "killed")]),
        # a bare first number shares the people named after the second verb's number
        (
            "Russian forces destroyed up to 20 and wounded more than 50 Ukrainian soldiers",
            [(20, "killed"), (50, "injured")],
        ),
        ("Russian forces destroyed 20 and damaged 5 tanks", []),
        # "the death of a ..." without the article, as headlines write it
        ("DPR reports death of civilian in shelling", [(1, "killed")]),
        ("Ex-boyfriend arrested in killing of mother pushing baby in stroller", [(1, "killed")]),
        ("the death of Stalin in 1953", []),
        # ... with the person's age between: "the death of a 5-year-old boy"
        ("Officers charged in shooting death of 8-year-old girl", [(1, "killed")]),
        ("Police investigate the killing of an eight-year-old girl", [(1, "killed")]),
        ("Man arrested in murder of 25-year-old pregnant Houston woman", [(1, "killed")]),
        ("Boy charged with the murder of 12-year-old Ava White.", [(1, "killed")]),
        ("LPR reports death of militia fighter in shelling", [(1, "killed")]),
        # a present verb after a comma is a verb, never an adjective
        ("Man released without bond, kills woman with hammer", [(1, "killed")]),
        ("Houston police officers hit, kill pedestrian during pursuit", [(1, "killed")]),
        ("Wounded man removed from rubble", [(1, "injured")]),
        ("A 75-year-old French adventurer has died attempting solo row", [(1, "killed")]),
        # one more person after a figure's people, closing the sentence or before a place
        ("The strike killed two children and a pregnant woman.", [(2, "killed"), (1, "killed")]),
        (
            "The shelling wounded a 12-year-old boy and his mother.",
            [(1, "injured"), (1, "injured")],
        ),
        ("Russian strike kills a man and his son in Kherson", [(1, "killed"), (1, "killed")]),
        ("A man was killed and his wife said so", [(1, "killed")]),
        # "took N <people> prisoner": captured; one person taken prisoner stays one
        ("Ukrainian forces took 20 Russian soldiers prisoner near Bakhmut.", [(20, "captured")]),
        ("Russian soldiers take their commander prisoner", [(1, "captured")]),
        ("It took 20 soldiers to carry the prisoner", []),
        # a verb taking wounds is a wound; a fatal one a death
        ("A 67-year-old man suffered shrapnel wounds, the governor said.", [(1, "injured")]),
        ("Five people suffered shrapnel wounds.", [(5, "injured")]),
        ("A soldier suffered fatal injuries", [(1, "killed")]),
        (
            "Soldier dies in Donbas, two get combat injuries over past day",
            [(1, "killed"), (2, "injured")],
        ),
        ("Russia suffered heavy losses", []),
        # a role noun before a name makes it a person; a headline's capitalised noun
        # before one word does not
        ("Rapper Young Dolph shot and killed in Memphis", [(1, "killed")]),
        ("Nick Cannon's 5-month-old son Zen dies of brain tumor", [(1, "killed")]),
        ("Baby Elephant Dies After Losing Her Trunk", []),
        ("Russian Armed Forces killed up to 60 servicemen", [(60, "killed")]),
        # an age between commas, two present verbs, an apposition that names a role
        ("UPS driver, 24, collapses and dies while delivering packages", [(1, "killed")]),
        ("Shinzo Abe, former Japanese prime minister, dies after being shot", [(1, "killed")]),
        ("Russia, the aggressor, killed 5", [(5, "killed")]),
        # participles listed before the casualty word
        ("Prominent Afghan doctor kidnapped, killed in northern city", [(1, "killed")]),
        ("Journalist abducted and murdered in Mexico", [(1, "killed")]),
        # plain words before the people or the deaths say what kind they are; not an
        # animal's, nor a date's day
        ("Pressley read the names of 46 trans people murdered this year", [(46, "killed")]),
        ("At least 28 assisted deaths in first three months", [(28, "killed")]),
        ("Florida tops 1,000 manatee deaths in record", []),
        ("Imagery dated March 19 shows bodies on the street in Bucha", []),
        # a casualty adjective after a preposition, as after an article
        ("Email attributed to missing Chinese athlete", [(1, "missing")]),
        ("Police received hundreds of missing person reports.", []),
        # a list of figures before one more person listed (it raised a TypeError)
        (
            "Five killed, a woman and three children wounded.",
            [(5, "killed"), (1, "injured"), (3, "injured")],
        ),
        # a pronoun's verb before a name is active: the pronoun's person killed, not died
        ("He murdered Jews.", []),
        ("He died Monday", [(1, "killed")]),
        # a plural people's name is no person's; the year rule keeps a count of people
        ("Soldiers killed Kurds in the village.", []),
        ("The deaths of 1900 civilians were confirmed.", [(1900, "killed")]),
        ("Astronomers observed the death of a star.", []),
        ("Aid to wounded soldiers", []),
        # more people nouns: roles and relations
        ("Florida man stabbed co-worker to death", [(1, "killed")]),
        ("Philippine government attorney shot and killed", [(1, "killed")]),
        # a toll over a number followed by "for", "again", "annually"; its owner three words back
        ("U.S. diabetes deaths top 100,000 for second straight year", [(100000, "killed")]),
        # a name as a killing's object, in running text; not in a title's capitals
        ("Attorney for man accused of killing Arbery decried as racist", [(1, "killed")]),
        ("Taxpayers take stake in firm Killing Kittens", []),
        ("Mexican Photojournalist Shot Dead in Front of His Home", [(1, "killed")]),
        ("Drone strike killed Hamas commander", [(1, "killed")]),
        # a year after a preposition is a year; a casualty adjective after a colon
        ("His 3 children were killed by a drunk driver in 2015 dies hard", [(3, "killed")]),
        ("Document: Slain Colorado teen worried about coworker", [(1, "killed")]),
        # "another" as a verb's object is one more; "put to death", "pushed to her death"
        (
            "Booby trap kills one civilian, wounds another near Maryinka",
            [(1, "killed"), (1, "injured")],
        ),
        ("Two men were put to death on Monday", [(2, "killed")]),
        ("Asian woman pushed to her death in front of oncoming train", [(1, "killed")]),
        # a couple is two people; "a couple of" a vague few
        ("Elderly couple killed in Russian strike on Kharkiv", [(2, "killed")]),
        ("Russian shelling killed an elderly couple in Kherson", [(2, "killed")]),
        ("A couple of soldiers were killed", []),
        # one person listed before a figure's number is one more of its kind
        ("Grandfather, 4 grandchildren killed by escaped inmate", [(1, "killed"), (4, "killed")]),
        ("A woman and three children were killed", [(1, "killed"), (3, "killed")]),
        ("Strike kills a man and two boys", [(1, "killed"), (2, "killed")]),
        # ... not a speaker, nor a person the number rules read
        ("The governor, 3 people were killed", [(3, "killed")]),
        ("One civilian, one militiaman killed", [(1, "killed"), (1, "killed")]),
        ("Legislator dies using medical suicide law he helped pass", [(1, "killed")]),
        ("Two teens dead, two other children hurt after shooting", [(2, "killed"), (2, "injured")]),
        ("Israeli stabbed in Jerusalem, Palestinian assailant shot dead", [(1, "killed")]),
        # a relative clause's own active verb kills its object, not the person before "who"
        ("Suspect who allegedly killed retired judge had hit list", [(1, "killed")]),
        ("Soldier who died in Bakhmut buried", [(1, "killed")]),
        ("The senator who killed the bill was re-elected", []),
        ("Newsom pardons woman who killed sex trafficker", [(1, "killed")]),
        ("A man who was killed in the strike was buried", [(1, "killed")]),
        # one person's death named by its possessor, a person noun
        ("Family stunned by man’s death in confrontation", [(1, "killed")]),
        ("Moscow blames Ukraine for Russian journalist's death", [(1, "killed")]),
        ("Dissidents broadcast call for Khamenei's death", []),
        ("She doesn't remember expressing support for Nancy Pelosi's murder", []),
        ("However, even after Peter's death, Russia continued to search for soldiers", []),
        ("A woman's brutal killing shocks the Arab world", [(1, "killed")]),
        ("The journalist's death toll rose", []),
        # ... or a named person's killing, not a wish, a trial or a body's act
        ("Ex-cop to get federal sentence for Floyd's killing", [(1, "killed")]),
        ("Russia's killing of civilians went on", []),
        ("Chauvin's murder trial begins", []),
        ("Video depicting AOC's murder removed", []),
        # "1 in 8": a share, not a count
        ("About 1 in 8 US deaths were from COVID-19", []),
        ("Shelling killed 3 in 2 villages", [(3, "killed")]),
        # a side's noun is a person; its adjective is not
        ("Ukrainian military's attack kills militiaman - DPR command", [(1, "killed")]),
        ("Shelling kills Russian tank crew", []),
        # a bare number before "ahead", a weekday, "into": still the people killed
        ("Ukraine fighting kills 45 ahead of Minsk peace summit", [(45, "killed")]),
        ("Three schoolboys killed by mine in east Ukraine", [(3, "killed")]),
        # plain words before the one person say what kind of person it is
        ("Gunman kills convenience store clerk", [(1, "killed")]),
        ("Mob lynches Sri Lankan factory worker to death", [(1, "killed")]),
        # ... but not a function word or a number
        ("The blast killed and wounded many", []),
        ("Scientist dies after being taken from his hospital bed", [(1, "killed")]),
        ("12 scientists killed in the strike on the institute", [(12, "killed")]),
    ],
)
def test_the_figures_read(text, figures):
    """Every figure of a sentence, as (value, kind), by general rules."""
    assert [(f["value"], f["kind"]) for f in find_casualties(text)] == figures


def test_an_article_is_no_speaker():
    text = "The report added that 500 soldiers were treated, and that one had died."
    (fig,) = find_casualties(text)
    assert fig["claimant"] is None and fig["claimant_raw"] is None


def test_the_administration_table_makes_one_claimant_per_region_and_names_a_bad_table(tmp_path):
    from dashboard.extractors.claimants import load_claimants

    table = load_claimants()
    names = [c.name for c in table.claimants]
    kharkiv = names.index("Kharkiv Regional Military Administration")
    assert (
        names.index("Russian local authorities")
        < kharkiv
        < names.index("Ukrainian local authorities")
    )
    assert table.match("head of the Kharkov OVA").name == names[kharkiv]
    bad = tmp_path / "claimants.toml"
    bad.write_text(
        '[[claimant]]\nname = "X"\nside = "none"\n[speaker]\nheads = ""\nfragments = ""\n'
        'not_speakers = ""\npress = ""\n[administration]\nname = "{Region} RMA"\n'
        'before = "Nobody"\npatterns = []\nregions = []\n'
    )
    with pytest.raises(ValueError, match=r"claimants\.toml: \[administration\]"):
        load_claimants(str(bad))
