"""Benchmark: the need analysis on all Dutch buurten with >= 20 indicators.

Prints, in one run:
- the time of one full deterministic analysis (select from the store, and the numerical steps
  impute -> treat -> normalise -> weight -> aggregate -> classify -> rank alone);
- the time per Monte Carlo replication at that size;
- the same two through a straightforward pandas implementation, and the ratios.
Targets: <= 0.5 s for the full analysis, <= 5 ms per replication.
Run: python bench/analyse.py [DATA_MAP]   (loads the data into a temporary store first)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gebiedskompas.analyse.methode import ontleed_methode
from gebiedskompas.analyse.pijplijn import bereken, richtingen
from gebiedskompas.analyse.robuustheid import bereid_voor, monte_carlo
from gebiedskompas.analyse.selecteer import selecteer
from gebiedskompas.analyse.weeg import gewichten
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag

GEZONDHEID = [
    "ervaren_gezondheid_goed",
    "langdurig_ziek_en_beperkt",
    "risico_angst_depressie",
    "ernstig_overgewicht",
    "voldoet_beweegrichtlijn",
    "roker",
    "zware_drinker",
    "beperking_bewegen",
    "veel_stress",
]
BESTAAN = [
    "gezondheid.moeite_met_rondkomen.18plus",
    "kwb.bijstand_per_1000",
    "kwb.arbeidsongeschiktheid_per_1000",
]
SOCIAAL = [
    "eenzaam",
    "ernstig_eenzaam",
    "emotioneel_eenzaam",
    "sociaal_eenzaam",
    "vrijwilligerswerk",
    "regie_eigen_leven",
    "geluidhinder_buren",
]


def methode_tekst() -> str:
    def blok(ids: list[str]) -> str:
        return "".join(f'[[thema.indicator]]\nid = "{i}"\n' for i in ids)

    return f"""
naam = "bench"
titel = "Alle buurten van Nederland"
[scope]
niveau = "buurt"
periode = "2020"
min_inwoners = 50
[benchmark]
soort = "nl_zelfde_stedelijkheid"
[[thema]]
id = "bestaanszekerheid"
label = "Bestaanszekerheid"
{blok(BESTAAN)}
[[thema]]
id = "gezondheid"
label = "Gezondheid"
{blok([f"gezondheid.{i}.18plus" for i in GEZONDHEID])}
[[thema]]
id = "sociaal"
label = "Sociaal"
{blok([f"gezondheid.{i}.18plus" for i in SOCIAAL])}
[[thema]]
id = "voorzieningen"
label = "Voorzieningen"
{blok(["kwb.afstand_supermarkt", "kwb.afstand_kinderdagverblijf"])}
"""


def pandas_analyse(
    lang: pd.DataFrame, klasse: pd.Series, richting: pd.Series, thema: pd.Series, gewicht_thema: pd.Series
) -> pd.Series:
    """The straightforward way: groupby z-scores, per-theme means, weighted composite, rank."""
    breed = lang.pivot(index="regio", columns="indicator", values="waarde")
    groep = klasse.reindex(breed.index)
    z = (breed - breed.groupby(groep).transform("mean")) / breed.groupby(groep).transform("std")
    z = z * richting.reindex(z.columns)
    themas = z.T.groupby(thema.reindex(z.columns)).mean().T
    composiet = (themas * gewicht_thema.reindex(themas.columns)).sum(axis=1, min_count=len(themas.columns))
    return composiet.rank(ascending=False, method="min")


def pandas_replicatie(z: pd.DataFrame, thema: pd.Series, rng: np.random.Generator) -> pd.Series:
    gewicht = pd.Series(rng.uniform(0.75, 1.25, len(z.columns)), index=z.columns)
    gewogen = (z * gewicht).T.groupby(thema).sum().T
    noemer = (z.notna() * gewicht).T.groupby(thema).sum().T
    themas = gewogen / noemer
    return themas.mean(axis=1).rank(ascending=False, method="min")


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    methode = ontleed_methode(methode_tekst())
    with tempfile.TemporaryDirectory() as tmp:
        opslag = Opslag(Path(tmp) / "opslag")
        laad([data], opslag)
        toestand = opslag.lees()
    k = len(methode.indicator_ids())

    start = time.perf_counter()
    gegevens = selecteer(methode, toestand)
    t_select = time.perf_counter() - start
    tijden = []
    for _ in range(5):
        start = time.perf_counter()
        kern = bereken(methode, gegevens)
        tijden.append(time.perf_counter() - start)
    t_kern = min(tijden)
    n = int(gegevens.in_scope.sum())

    prep = bereid_voor(kern.x, kern.groepen, kern.richting, gegevens.in_scope, methode, gewichten(methode))
    replicaties = 500
    start = time.perf_counter()
    monte_carlo(prep, methode, replicaties, seed=1)
    t_mc = (time.perf_counter() - start) / replicaties

    w = toestand.waarnemingen
    lang = w[
        (w["periode"] == "2020")
        & w["indicator"].isin(methode.indicator_ids())
        & w["regio"].isin(gegevens.codes)
    ]
    klasse = pd.Series(gegevens.stedelijkheid, index=gegevens.codes)
    ids = methode.indicator_ids()
    richting = pd.Series(richtingen(methode), index=ids)
    thema = pd.Series([t.id for t in methode.thema for _ in t.indicator], index=ids)
    gewicht_thema = pd.Series(1 / len(methode.thema), index=[t.id for t in methode.thema])
    start = time.perf_counter()
    pandas_analyse(lang, klasse, richting, thema, gewicht_thema)
    t_pd = time.perf_counter() - start
    breed = lang.pivot(index="regio", columns="indicator", values="waarde")
    groep = klasse.reindex(breed.index)
    z = (breed - breed.groupby(groep).transform("mean")) / breed.groupby(groep).transform("std")
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    for _ in range(50):
        pandas_replicatie(z, thema.reindex(z.columns), rng)
    t_pd_mc = (time.perf_counter() - start) / 50

    print(f"gebieden: {n:,} buurten, {k} indicatoren, {len(methode.thema)} thema's")
    print(f"selectie uit de opslag          : {t_select:7.3f} s")
    print(
        f"analyse (stappen 2-8)           : {t_kern:7.3f} s   (doel <= 0,5 s inclusief selectie: "
        f"{t_select + t_kern:.3f} s)"
    )
    print(f"Monte-Carlo per replicatie      : {t_mc * 1000:7.2f} ms  (doel <= 5 ms)")
    print(
        f"pandas, analyse                 : {t_pd:7.3f} s   verhouding pandas/gebiedskompas: "
        f"{t_pd / t_kern:5.1f}x"
    )
    print(f"pandas, per replicatie          : {t_pd_mc * 1000:7.2f} ms  verhouding: {t_pd_mc / t_mc:5.1f}x")


if __name__ == "__main__":
    main()
