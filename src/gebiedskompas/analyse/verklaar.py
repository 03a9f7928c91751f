"""Step 9, explain: which indicators push an area's composite above its benchmark.

The contribution of indicator j is its effective weight (theme weight × weight within the theme,
renormalised over the area's available indicators) times the distance of its normalised value to
the benchmark's normalised value; these add up to the composite's distance to the benchmark
under arithmetic aggregation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..opmaak import getal
from .blokken import blokken

GEEN_UITLEG = "Geen indicator duwt de score boven de benchmark."


def bijdragen(v: np.ndarray, bench_v: np.ndarray, wmat: np.ndarray, themagewicht: np.ndarray) -> np.ndarray:
    aanwezig = ~np.isnan(v)
    per_thema = aanwezig.astype(float) @ wmat
    w_ind = wmat.sum(axis=1)
    thema_van = wmat.argmax(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        effectief = w_ind[None, :] / per_thema[:, thema_van] * themagewicht[thema_van][None, :]
    return np.where(aanwezig, effectief * (v - bench_v), np.nan)


def grootste_bijdragen(
    v: np.ndarray,
    bench_v: np.ndarray,
    index: np.ndarray,
    wmat: np.ndarray,
    themagewicht: np.ndarray,
    aantal: int = 3,
) -> tuple[np.ndarray, np.ndarray]:
    """``grootste(bijdragen(v, bench_v[index], ...))`` with ``bench_v`` per group and ``index``
    each area's group, a block of areas at a time (``blokken``): no (areas × indicators) array
    of contributions is ever made."""
    breed = min(aantal, v.shape[1])
    volgorde = np.empty((len(v), breed), dtype=np.intp)
    positief = np.empty((len(v), breed), dtype=bool)
    for blok in blokken(len(v)):
        bijdrage = bijdragen(v[blok], bench_v[index[blok]], wmat, themagewicht)
        volgorde[blok], positief[blok] = grootste(bijdrage, aantal)
    return volgorde, positief


def grootste(bijdrage: np.ndarray, aantal: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Per area (row), the indices of the largest contributions, largest first (areas, ``aantal``
    or fewer columns), and whether each is positive: the positive ones come first in a row, so a
    row's explanation is its leading run of True."""
    # the key -bijdrage with NaN last, made in one pass (the same keys as -nan_to_num(b, nan=-inf))
    volgorde = np.argsort(np.where(np.isnan(bijdrage), np.inf, -bijdrage), axis=1)[:, :aantal]
    positief = np.take_along_axis(bijdrage, volgorde, axis=1) > 0
    return volgorde, positief


def getalteksten(x: np.ndarray, decimalen: int = 1) -> np.ndarray:
    """``opmaak.getal(w, decimalen)`` of every value, as an object array of the same shape."""
    codes, teksten = getalcodes(x, decimalen)
    uit: np.ndarray = np.array(teksten, dtype=object)[codes].reshape(np.shape(x))
    return uit


def getalcodes(x: np.ndarray, decimalen: int = 1) -> tuple[np.ndarray, list[str]]:
    """``opmaak.getal(w, decimalen)`` of every value (flattened) as (codes, texts): value i reads
    ``texts[codes[i]]``; each distinct rounded value is formatted once. ``getal`` rounds the value's
    decimal notation half to even, so a value (nearly) halfway between two roundings, one that is not
    finite and one too large to round exactly here are formatted one by one (once per distinct
    value)."""
    plat = np.asarray(x, dtype=float).ravel()
    schaal = plat * 10.0**decimalen
    with np.errstate(invalid="ignore"):
        afstand = np.abs(np.abs(schaal - np.trunc(schaal)) - 0.5)
        zeker = (np.abs(schaal) < 2.0**50) & (afstand > 1e-12 * np.maximum(1.0, np.abs(schaal)))
    # far from halfway, every rounding gives the same whole number; the sign only shows when that
    # number is not 0 (getal writes -0.04 as "0,0")
    sleutel = np.where(zeker, np.rint(schaal) / 10.0**decimalen + 0.0, plat)
    codes, uniek = pd.factorize(sleutel)  # NaN gets code -1: the last text
    teksten = [*_snel_getal(np.asarray(uniek, dtype=float), decimalen), getal(np.nan, decimalen)]
    return np.where(codes < 0, len(teksten) - 1, codes), teksten


_NEDERLANDS = str.maketrans({",": ".", ".": ",", "-": "\N{MINUS SIGN}"})


def _snel_getal(waarden: np.ndarray, decimalen: int) -> list[str]:
    """``getal(w, decimalen)`` of each value. A value that already has at most ``decimalen``
    decimals (a rounded key of ``getalcodes``) is written by Python's formatting with the Dutch
    separators swapped in (the same text, ten times faster than Babel; checked in the tests), any
    other value by ``getal`` itself."""
    schaal = waarden * 10.0**decimalen
    with np.errstate(invalid="ignore"):
        rond = np.isfinite(schaal) & (np.abs(schaal) < 2.0**50) & (schaal == np.rint(schaal))
    return [
        f"{w:,.{decimalen}f}".translate(_NEDERLANDS) if r and w != 0 else getal(w, decimalen)
        for w, r in zip(waarden.tolist(), rond.tolist(), strict=True)
    ]


def uitlegteksten(
    bijdrage: np.ndarray, waarde: np.ndarray, referentie: np.ndarray, labels: list[str], aantal: int = 3
) -> list[str]:
    """``uitlegkolom`` as a list of Python strings."""
    uit: list[str] = uitlegkolom(bijdrage, waarde, referentie, labels, aantal).to_pylist()
    return uit


def uitlegkolom(
    bijdrage: np.ndarray, waarde: np.ndarray, referentie: np.ndarray, labels: list[str], aantal: int = 3
) -> pa.Array:
    """Per area (row) its explanation: the (at most ``aantal``) largest positive contributions as
    "label: waarde tegen referentie", joined by "; ", numbers with one decimal (``opmaak.getal``);
    "Geen indicator duwt de score boven de benchmark." when none is positive."""
    volgorde, positief = grootste(bijdrage, aantal)
    return uitlegtekst(
        volgorde,
        positief,
        np.take_along_axis(waarde, volgorde, axis=1),
        np.take_along_axis(referentie, volgorde, axis=1),
        labels,
    )


def uitlegtekst(
    volgorde: np.ndarray, positief: np.ndarray, waarde: np.ndarray, referentie: np.ndarray, labels: list[str]
) -> pa.Array:
    """``uitlegkolom`` from the largest contributions (``grootste``): per area the indicators
    (``volgorde``), whether each is positive, and their values and benchmark values."""
    if volgorde.shape[1] == 0:
        return pa.array([GEEN_UITLEG] * len(volgorde), type=pa.string())
    w = _tekstkolommen(waarde)
    r = _tekstkolommen(referentie)
    label = pa.array([f"{lab}: " for lab in labels], type=pa.string())
    # per place j (largest first) the contiguous columns that pyarrow takes; a place that is not
    # positive gets no label (null), which makes its whole part null
    plaats, pos = np.ascontiguousarray(volgorde.T), np.ascontiguousarray(positief.T)
    delen = [
        pc.binary_join_element_wise(
            label.take(pa.array(plaats[j], mask=~pos[j])), w[j], pa.scalar(" tegen "), r[j], pa.scalar("")
        )
        for j in range(len(plaats))
    ]
    # the positive ones lead a row: a row whose first part is null has none
    delen[0] = delen[0].fill_null(GEEN_UITLEG)
    tekst: pa.Array = (
        pc.binary_join_element_wise(*delen, pa.scalar("; "), null_handling="skip")
        if len(delen) > 1
        else delen[0]
    )
    return tekst


def _tekstkolommen(x: np.ndarray) -> list[pa.Array]:
    """Per column of ``x`` (areas, j) its values as Dutch numbers (``getalcodes``), a pyarrow array."""
    codes, teksten = getalcodes(x)
    tabel = pa.array(teksten, type=pa.string())
    per_kolom = np.ascontiguousarray(codes.reshape(x.shape).T)
    return [tabel.take(c) for c in per_kolom]
