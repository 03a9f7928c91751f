"""Benchmark: effect measurement on the Leefbaarometer 3.0 per wijk (all Dutch wijken x 8 waves).

Prints, in one run:
- the whole effect report for eight Limburg programme wijken (start 2016) as the CLI makes it:
  read the store, ``pijplijn.meet_effect`` with ``did`` and with ``synthetisch`` (panel, comparison
  areas, estimate, placebo checks in time and space, verdict) and ``uitvoer.schrijf``; target < 10 s;
- the difference-in-differences (``did.schat_did``: pyfixest, area and wave fixed effects, event
  study, pre-trend test) with all untreated wijken as comparison, and its overall regression alone
  against statsmodels WLS with area and wave dummies (same rows, weights, clustered errors), ratio;
- the synthetic controls of the eight wijken with their placebo runs (``synthetisch.schat``) against
  plain pysyncon (a ``Dataprep`` and ``PenalizedSynth.fit`` per unit, as many fits), ratio.
Run: python bench/effect.py [DATA_MAP]   (loads the data into a temporary store first)
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from gebiedskompas.effect import synthetisch
from gebiedskompas.effect import uitvoer as effectuitvoer
from gebiedskompas.effect.did import CLUSTER, lang_formaat, schat_did
from gebiedskompas.effect.paneel import Paneel
from gebiedskompas.effect.pijplijn import Effectresultaat, meet_effect
from gebiedskompas.effect.vergelijking import KOLOMMEN, Vergelijking, kies_vergelijking
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag

LBM = "leefbaarometer.lbm"
START = 2016
# Wijken of the Limburg programmes (Heerlen, Kerkrade, Maastricht, Roermond, Vaals, Venlo, Beesel).
WIJKEN = ["WK091711", "WK092801", "WK093502", "WK095704", "WK098101", "WK098322", "WK088900", "WK091721"]

T = TypeVar("T")


def klok(functie: Callable[..., T], *args: Any) -> tuple[T, float]:
    start = time.perf_counter()
    uitkomst = functie(*args)
    return uitkomst, time.perf_counter() - start


def hele_rapport(opslag: Opslag, uit: Path) -> tuple[list[Effectresultaat], dict[str, float]]:
    """What ``gebiedskompas effect`` does for one indicator and both methods, step by step."""
    tijden: dict[str, float] = {}
    toestand, tijden["opslag lezen"] = klok(opslag.lees)
    did, tijden["meet_effect did"] = klok(meet_effect, toestand, LBM, WIJKEN, START, "did", 1)
    sc, tijden["meet_effect synthetisch"] = klok(meet_effect, toestand, LBM, WIJKEN, START, "synthetisch", 1)
    _, tijden["uitvoer schrijven"] = klok(effectuitvoer.schrijf, [did, sc], uit)
    return [did, sc], tijden


def alle_wijken(paneel: Paneel) -> Vergelijking:
    """Every untreated wijk as comparison area, weight 1."""
    codes = paneel.gebieden[~paneel.behandeld]
    eerste = str(paneel.gebieden[paneel.behandeld][0])
    tabel = pd.DataFrame({"behandeld": eerste, "gebied": codes, "gewicht": 1.0}).reindex(columns=KOLOMMEN)
    tabel["gewicht"] = 1.0
    return Vergelijking(len(codes), tabel, pd.DataFrame(), [], [])


def pyfixest_did(data: pd.DataFrame) -> Any:
    """The overall regression of ``did.schat_did`` alone."""
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.feols("y ~ behandeld_na | gebied + periode", data=data, vcov=CLUSTER, weights="gewicht")


def statsmodels_did(data: pd.DataFrame) -> tuple[float, float, float]:
    """The straightforward way: WLS with a dummy per area and per wave, errors clustered by area."""
    import statsmodels.formula.api as smf

    model = smf.wls("y ~ behandeld_na + C(gebied) + C(periode)", data=data, weights=data["gewicht"])
    fit = model.fit(method="qr", cov_type="cluster", cov_kwds={"groups": pd.factorize(data["gebied"])[0]})
    onder, boven = fit.conf_int().loc["behandeld_na"]
    return float(fit.params["behandeld_na"]), float(onder), float(boven)


def pysyncon_fit(lang: pd.DataFrame, code: str, donoren: list[str], paneel: Paneel) -> np.ndarray:
    """Plain pysyncon: a Dataprep with the outcome of every pre-start wave as predictor, PenalizedSynth."""
    from pysyncon import Dataprep, PenalizedSynth

    voor = [int(j) for j in paneel.perioden[~paneel.na]]
    prep = Dataprep(
        foo=lang,
        predictors=[],
        predictors_op="mean",
        dependent="y",
        unit_variable="gebied",
        time_variable="periode",
        treatment_identifier=code,
        controls_identifier=donoren,
        time_predictors_prior=voor,
        time_optimize_ssr=voor,
        special_predictors=[("y", [j], "mean") for j in voor],
    )
    model = PenalizedSynth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(dataprep=prep, lambda_=synthetisch.LAMBDA)
    z0, z1 = prep.make_outcome_mats(time_period=[int(j) for j in paneel.perioden])
    return np.asarray(z1 - z0 @ model.W, dtype=float)


def pysyncon_gewoon(paneel: Paneel, r: synthetisch.Synthetischresultaat) -> tuple[float, int]:
    """Each treated wijk from its donors and each donor from the others: mean effect, number of fits."""
    lang = pd.DataFrame(
        {
            "gebied": np.repeat(paneel.gebieden.astype(str), len(paneel.perioden)),
            "periode": np.tile(paneel.perioden.astype(int), len(paneel.gebieden)),
            "y": paneel.y.ravel(),
        }
    ).dropna()
    effecten, fits = [], 0
    for g in r.gebieden:
        effecten.append(float(pysyncon_fit(lang, g.gebied, g.donoren, paneel)[paneel.na].mean()))
        for j in g.placebo_gebieden:
            pysyncon_fit(lang, j, [d for d in g.donoren if d != j], paneel)
        fits += 1 + len(g.placebo_gebieden)
    return float(np.mean(effecten)), fits


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    with tempfile.TemporaryDirectory() as tmp:
        opslag = Opslag(Path(tmp) / "opslag")
        laad([data], opslag)
        resultaten, tijden = hele_rapport(opslag, Path(tmp) / "effecten")
    sc = resultaten[1]
    paneel = sc.paneel
    assert isinstance(sc.schatting, synthetisch.Synthetischresultaat)
    missend = sorted(set(WIJKEN) - set(paneel.gebieden[paneel.behandeld]))
    totaal = sum(tijden.values())

    print(
        "gebruikt: effect.pijplijn.meet_effect, effect.did.schat_did (pyfixest) en effect.synthetisch.schat"
    )
    print(
        f"paneel: {len(paneel.gebieden):,} wijken x {len(paneel.perioden)} metingen "
        f"({paneel.perioden[0]}-{paneel.perioden[-1]}), {int(paneel.behandeld.sum())} behandeld, "
        f"start {START}"
        + (f"; ontbrekend: {', '.join(missend)}" if missend else "; alle acht wijken gevonden")
    )
    print("hele effectrapport (één indicator, did + synthetisch, eerste aanroep, koud):")
    for stap, t in tijden.items():
        print(f"  {stap:<30}: {t:7.3f} s")
    print(f"  {'totaal':<30}: {totaal:7.3f} s   (doel < 10 s)")
    for e in resultaten:
        effect = e.schatting.effect if e.schatting else float("nan")
        print(f"  {e.methode:<12} effect {effect:+.4f}, placebo_p {e.placebo_p:.3f}: {e.oordeel.tekst}")

    # --- difference-in-differences, all wijken
    alle = alle_wijken(paneel)
    s, t_did = klok(schat_did, paneel, alle)
    gegevens = lang_formaat(paneel, alle)
    kern, t_kern = klok(pyfixest_did, gegevens)
    (sm_effect, sm_onder, sm_boven), t_sm = klok(statsmodels_did, gegevens)
    rij = kern.tidy().loc["behandeld_na"]
    print(f"verschil-in-verschillen, alle {s.vergelijking:,} onbehandelde wijken ({len(gegevens):,} rijen):")
    print(f"  schat_did (totaal, gebeurtenisstudie, pre-trendtoets): {t_did:7.3f} s   effect {s.effect:+.4f}")
    print(
        f"  pyfixest feols, alleen het totaaleffect            : {t_kern:7.3f} s   "
        f"{rij['Estimate']:+.4f} ({rij['2.5%']:+.4f} tot {rij['97.5%']:+.4f})"
    )
    print(
        f"  statsmodels WLS met dummies (qr)                   : {t_sm:7.3f} s   "
        f"{sm_effect:+.4f} ({sm_onder:+.4f} tot {sm_boven:+.4f})   verhouding statsmodels/pyfixest: "
        f"{t_sm / t_kern:,.0f}x"
    )

    # --- synthetic controls of the eight wijken with their placebos
    v = kies_vergelijking(paneel)
    synthetisch._GEHEUGEN.clear()
    r, t_sc = klok(synthetisch.schat, paneel, v, 1)
    fits = len(r.gebieden) + sum(len(g.placebo_gebieden) for g in r.gebieden)
    with synthetisch._een_blasdraad():  # same OpenBLAS setting for the plain run: a fair comparison
        (gewoon_effect, gewoon_fits), t_gewoon = klok(pysyncon_gewoon, paneel, r)
    print(f"synthetische controle, {len(r.gebieden)} wijken, {v.k} donoren elk, met placeboruns:")
    print(
        f"  synthetisch.schat                                  : {t_sc:7.3f} s   {fits} fits, effect "
        f"{r.effect:+.4f} ({r.onder:+.4f} tot {r.boven:+.4f}), placebo_p {r.placebo_p:.4f}"
    )
    print(
        f"  pysyncon Dataprep + PenalizedSynth per eenheid     : {t_gewoon:7.3f} s   {gewoon_fits} fits, "
        f"effect {gewoon_effect:+.4f}   verhouding: {t_gewoon / t_sc:5.1f}x"
    )
    print("  (pysyncon-placebo's: elke donor uit de overige donoren van hetzelfde gebied; evenveel fits)")


if __name__ == "__main__":
    main()
