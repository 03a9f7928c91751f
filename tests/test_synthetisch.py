"""Synthetic control (effect.synthetisch): a hand-made panel with a known answer, and the real
Leefbaarometer 3.0 series per wijk with an injected effect (recovered, interval covering it) and
without one (random pseudo-treated sets rarely get a small placebo_p)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gebiedskompas.effect import synthetisch
from gebiedskompas.effect.oordeel import Schatting
from gebiedskompas.effect.paneel import Paneel, bouw_paneel
from gebiedskompas.effect.pijplijn import meet_effect
from gebiedskompas.effect.synthetisch import Synthetischresultaat, placebo_in_ruimte, schat
from gebiedskompas.effect.vergelijking import kies_vergelijking
from gebiedskompas.errors import InvoerFout
from gebiedskompas.opslag import Opslag, Toestand

LBM = "leefbaarometer.lbm"
# Limburg programme wijken: Mariarade, Kerkrade-Oost, Buitenwijk West, Donderberg, Vaals
LIMBURG = ["WK091711", "WK092801", "WK093502", "WK095704", "WK098101"]


# --- a hand-made panel with a known answer ---------------------------------------------------------


def hand_paneel(effect: float = 0.2, start: int = 2008) -> Paneel:
    """Yearly waves 2000-2011; treated T = exactly (A + B) / 2, plus ``effect`` from ``start`` on. A and
    B lie either side of T; four other donors are far away, each with its own wiggle."""
    perioden = np.arange(2000, 2012)
    t = np.arange(len(perioden), dtype=float)
    rng = np.random.default_rng(5)
    a = 4.05 + 0.010 * t + 0.02 * np.sin(t)
    b = 3.95 + 0.006 * t - 0.02 * np.sin(t)
    verre = [niveau + 0.004 * t + rng.normal(0, 0.02, len(t)) for niveau in (4.6, 4.5, 3.4, 3.5)]
    behandeld = (a + b) / 2 + np.where(perioden >= start, effect, 0.0)
    y = np.vstack([behandeld, a, b, *verre])
    n = len(y)
    return Paneel(
        indicator="test.score",
        niveau="wijk",
        indeling=2022,
        gebieden=np.array(["WKT", "WKA", "WKB", "WK1", "WK2", "WK3", "WK4"], dtype=object),
        namen=np.array(["Behandeld", "A", "B", "Ver 1", "Ver 2", "Ver 3", "Ver 4"], dtype=object),
        perioden=perioden,
        y=y,
        onder=np.full_like(y, np.nan),
        boven=np.full_like(y, np.nan),
        stedelijkheid=np.full(n, 2.0),
        inwoners=np.full(n, 1000.0),
        behandeld=np.array([True] + [False] * (n - 1)),
        start=start,
    )


def test_known_answer_weights_half_half_and_effect_recovered() -> None:
    r = schat(hand_paneel(0.2), None, seed=1)
    assert isinstance(r, Synthetischresultaat) and isinstance(r, Schatting)
    gewichten = r.gewichten["WKT"]
    assert set(gewichten) == {"WKA", "WKB"}
    assert gewichten["WKA"] == pytest.approx(0.5, abs=0.01)
    assert gewichten["WKB"] == pytest.approx(0.5, abs=0.01)
    assert r.effect == pytest.approx(0.2, abs=0.005)
    gebied = r.gebieden[0]
    assert np.abs(gebied.verschil[:8]).max() < 0.005 and gebied.rmspe_voor < 0.005
    assert gebied.verschil[8:] == pytest.approx([0.2] * 4, abs=0.005)
    # exact before, 0.2 after: no placebo comes near the ratio -> the smallest possible rank p
    assert len(gebied.placebo_gebieden) == 6 and r.placebo_p == pytest.approx(1 / 7)
    assert r.p == r.placebo_p and r.ondergrens == r.onder and r.ondergrens > 0
    assert r.pretrend_p == pytest.approx(1.0)  # fitted better before the start than every placebo


def test_no_effect_on_the_hand_panel() -> None:
    r = schat(hand_paneel(0.0), ["WKA", "WKB", "WK1", "WK2", "WK3", "WK4"], seed=1)
    assert abs(r.effect) < 0.005 and r.onder <= 0 <= r.boven
    assert r.placebo_p > 0.2


def test_per_wave_and_chart_series() -> None:
    p = hand_paneel(0.2)
    r = schat(p, None, seed=1)
    assert r.per_golf["periode"].tolist() == p.perioden.tolist()
    assert r.per_golf["na"].tolist() == (p.perioden >= 2008).tolist()
    assert r.per_golf.loc[r.per_golf["referentie"], "periode"].tolist() == [2007]
    assert r.per_golf["coef"].iloc[-1] == pytest.approx(0.2, abs=0.005)
    reeks = r.reeksen
    behandeld = reeks[reeks["rol"] == "behandeld"]
    assert len(behandeld) == 12 and set(reeks["rol"]) == {"behandeld", "placebo"}
    assert len(reeks) == 12 * 7
    assert np.allclose(behandeld["waargenomen"] - behandeld["synthetisch"], behandeld["verschil"])
    assert r.per_gebied is not None and r.per_gebied["gebied"].tolist() == ["WKT"]


def test_fixed_donor_list_drops_unknown_and_treated_codes() -> None:
    r = schat(hand_paneel(0.2), ["WKA", "WKB", "WKT", "WK9"], seed=1)
    assert r.gebieden[0].donoren == ["WKA", "WKB"]
    assert any("WK9" in o for o in r.opmerkingen) and any("WKT" in o for o in r.opmerkingen)


def test_no_wave_after_the_start_is_a_dutch_error() -> None:
    with pytest.raises(InvoerFout, match="geen synthetische controle mogelijk"):
        schat(hand_paneel(0.0, start=2020), None, seed=1)
    with pytest.raises(InvoerFout, match="vóór de start"):
        schat(hand_paneel(0.0, start=1990), None, seed=1)


def test_placebo_in_space_for_the_pipeline() -> None:
    p = hand_paneel(0.2)
    placebo = placebo_in_ruimte(p, None, 1)
    assert placebo.soort == "ruimte" and placebo.p == pytest.approx(1 / 7)
    assert placebo.onder <= placebo.effect <= placebo.boven


# --- real Leefbaarometer series per wijk ----------------------------------------------------------


@pytest.fixture(scope="module")
def toestand(echte_opslag: Opslag) -> Toestand:
    return echte_opslag.lees()


@pytest.fixture(scope="module")
def limburg(toestand: Toestand) -> Paneel:
    return bouw_paneel(toestand, LBM, LIMBURG, 2016)


def test_injected_effect_recovered_on_real_series(limburg: Paneel) -> None:
    """+0.10 from 2016 on in five Limburg wijken (scores around 3.9; a wave-to-wave change is a few
    hundredths): recovered within 0.03, the interval covers it and the placebos single it out."""
    nep = limburg.met_effect(0.10)
    r = schat(nep, kies_vergelijking(nep), seed=1)
    assert r.behandeld == 5
    assert r.effect == pytest.approx(0.10, abs=0.03)
    assert r.onder <= 0.10 <= r.boven and r.onder > 0
    assert r.placebo_p < 0.05
    for gebied in r.gebieden:
        assert sum(gebied.gewichten.values()) == pytest.approx(1.0, abs=1e-6)
        assert gebied.effect == pytest.approx(0.10, abs=0.08)


def test_no_injection_no_effect_on_real_series(limburg: Paneel) -> None:
    r = schat(limburg, kies_vergelijking(limburg), seed=1)
    assert abs(r.effect) < 0.03 and r.onder <= 0 <= r.boven
    assert r.placebo_p > 0.1


def test_random_pseudo_treated_sets_rarely_get_a_small_placebo_p(limburg: Paneel) -> None:
    """No effect anywhere: 30 random sets of three wijken (fixed seed). Under the null placebo_p is
    about uniform, so p < 0.05 should be rare (measured 7 of 100 with another seed)."""
    rng = np.random.default_rng(2024)
    volledig = np.flatnonzero(~np.isnan(limburg.y).any(axis=1) & np.isfinite(limburg.stedelijkheid))
    ps = []
    for _ in range(30):
        behandeld = np.zeros(len(limburg.gebieden), dtype=bool)
        behandeld[rng.choice(volledig, 3, replace=False)] = True
        p = dataclasses.replace(limburg, behandeld=behandeld)
        ps.append(schat(p, kies_vergelijking(p), seed=1).placebo_p)
    assert np.all(np.isfinite(ps))
    assert np.mean(np.array(ps) < 0.05) <= 0.2, sorted(ps)


def test_seed_fixes_the_draws(limburg: Paneel) -> None:
    """Five treated areas with ten donors each: 10^5 combinations, so TREKKINGEN seeded draws."""
    v = kies_vergelijking(limburg)
    een, twee = schat(limburg, v, seed=3), schat(limburg, v, seed=3)
    assert een.placebo_p == twee.placebo_p and een.onder == twee.onder
    assert een.placebo_aantal == synthetisch.TREKKINGEN
    ander = schat(limburg, v, seed=4)
    assert ander.effect == een.effect


def test_pipeline_runs_the_synthetic_control(toestand: Toestand) -> None:
    r = meet_effect(toestand, LBM, LIMBURG, 2016, methode="synthetisch", seed=1)
    assert isinstance(r.schatting, Synthetischresultaat)
    assert r.placebos[0].soort == "ruimte" and math.isfinite(r.placebo_p)
    assert r.placebo_p == pytest.approx(r.schatting.placebo_p)
