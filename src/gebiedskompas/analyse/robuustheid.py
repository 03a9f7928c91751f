"""Uncertainty and sensitivity analysis (JRC step 8), replaying the pipeline with varied choices.

Monte Carlo: each replication perturbs indicator and theme weights uniformly within
±``gewichtsvariatie`` (then renormalises), picks a normalisation and an aggregation from the
alternatives, and, when ``weglaten`` is on, leaves out one indicator (or none). Leaving out the
only indicator of a theme leaves out that theme, and the other themes' weights are renormalised, so
no replication loses every composite. Per area: nominal rank, median rank, 5th-95th percentile rank
and the probability of being in the top N, the last three over the replications in which the area
has a composite, so that they agree (the percentiles are empirical quantiles, ``inverted_cdf``: the
95th percentile is at most N exactly when the probability is at least 0.95).
Global sensitivity: Sobol indices (Saltelli/Jansen via SALib) of the mean absolute rank shift
with respect to each choice. Everything is reproducible from the seed.

Normalised values per alternative are computed once; a replication is then two matrix products
and a sort, which is what makes thousands of replications at 14,000 areas cheap. With the method's
weights and no indicator left out, a replication computes the composite of the main pipeline
(``aggregeer.themascores`` and ``aggregeer.samengesteld``, the same code).

Scale (issue 15). Replications run in chunks through an executor (``uitvoerder``: this process,
local processes, or a Dask cluster), grouped by alternative, so only one alternative's normalised
values are in memory at a time. Each chunk is ranked at once; the ranks go into a ``Rangopslag``,
in memory while they fit ``GEHEUGENBUDGET`` and otherwise in a temporary file on disk, from which the
median and the percentiles are computed exactly, a block of areas at a time. The replications'
choices are drawn up front in the same order as before, so a seed gives the same numbers as the
one-array implementation (tests/oude_robuustheid.py), in any executor. Memory that grows with the
areas is bounded by the chunk size and the budget, not by the number of replications (the choices
themselves are k + t + 3 numbers per replication, and Sobol keeps one number per sample). BLAS
runs single-threaded inside a chunk: the matrices are small, and threads only contend.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from SALib.analyze import sobol
from SALib.sample import sobol as sobol_steekproef

from ..errors import InvoerFout
from ..opmaak import getal
from .aggregeer import gevuld, herschaal, samengesteld, themascores_gevuld
from .benchmark import Groepen
from .blokken import blokken, een_blasdraad
from .methode import Aggregatie, Methode, Normalisatie
from .normaliseer import normaliseer
from .rangschik import rangen_snel
from .uitvoerder import InDitProces, Uitvoerder
from .weeg import Gewichten, normaliseer_binnen

# Ranks (4 bytes per area and replication) are kept in memory up to this many bytes, beyond it in a
# temporary file.
GEHEUGENBUDGET = 256 * 2**20
# The summary reads the ranks in blocks of areas of about this many bytes.
BLOKBYTES = 16 * 2**20
# A chunk holds about this many bytes of composites (8 per area and replication).
CHUNKBYTES = 16 * 2**20
MAX_CHUNK = 256


@dataclass
class Voorbereid:
    """Per alternative, the scope areas as ``aggregeer.gevuld`` gives them: need-oriented values
    (logs for geometric aggregation) with 0 where missing, and the 0/1 mask of present values."""

    waarden: dict[tuple[Normalisatie, Aggregatie], np.ndarray]
    aanwezig: dict[tuple[Normalisatie, Aggregatie], np.ndarray]
    basis: Gewichten
    min_dekking: float


@dataclass
class Keuze:
    normalisatie: int
    aggregatie: int
    weglaten: int  # -1: none
    indicatorfactor: np.ndarray
    themafactor: np.ndarray


Sleutel = tuple[Normalisatie, Aggregatie]
# Called after each chunk with (replications done, replications in all); the sensitivity samples
# count in proportion, so the last call is (all, all).
Voortgang = Callable[[int, int], None]
# One alternative at a time: its key, need-oriented values (0 where missing) and 0/1 mask.
Alternatieven = Callable[[], Iterator[tuple[Sleutel, np.ndarray, np.ndarray]]]


def alternatieven(
    x: np.ndarray, groepen: Groepen, richting: np.ndarray, in_scope: np.ndarray, methode: Methode
) -> Alternatieven:
    """The alternatives of ``methode.robuustheid``, computed one normalisation at a time."""

    def per_stuk() -> Iterator[tuple[Sleutel, np.ndarray, np.ndarray]]:
        for norm in methode.robuustheid.normalisaties:
            for agg in methode.robuustheid.aggregaties:
                # nothing of an alternative stays here once it is handed out: a caller that has
                # written it to a file for its workers can let go of it while they compute
                yield ((norm, agg), *_alternatief(x, groepen, richting, in_scope, norm, agg))

    return per_stuk


def _alternatief(
    x: np.ndarray,
    groepen: Groepen,
    richting: np.ndarray,
    in_scope: np.ndarray,
    norm: Normalisatie,
    agg: Aggregatie,
) -> tuple[np.ndarray, np.ndarray]:
    """One alternative as ``aggregeer.gevuld`` gives it for the scope's areas. The normalisation is
    made anew for each aggregation (a fraction of a second at a million areas, where keeping it
    would hold another array of the areas the whole time the alternative is computed)."""
    v, bench = normaliseer(x, groepen, richting, norm)
    # As in the pipeline: a value that normalises to NaN (e.g. a constant indicator in a benchmark
    # group) counts as missing, and its weight goes to the theme's other indicators.
    w = herschaal(v, bench)[0] if agg == "meetkundig" else v
    del v
    return gevuld(w if in_scope.all() else w[in_scope], agg, overschrijf=True)


def bereid_voor(
    x: np.ndarray,
    groepen: Groepen,
    richting: np.ndarray,
    in_scope: np.ndarray,
    methode: Methode,
    basis: Gewichten,
) -> Voorbereid:
    """Every alternative at once (small analyses, tests and the workbench's preview)."""
    waarden: dict[Sleutel, np.ndarray] = {}
    aanwezig: dict[Sleutel, np.ndarray] = {}
    for sleutel, w, a in alternatieven(x, groepen, richting, in_scope, methode)():
        waarden[sleutel], aanwezig[sleutel] = w, a
    return Voorbereid(waarden, aanwezig, basis, methode.scope.min_dekking)


def uit_voorbereid(prep: Voorbereid) -> Alternatieven:
    def per_stuk() -> Iterator[tuple[Sleutel, np.ndarray, np.ndarray]]:
        for sleutel, w in prep.waarden.items():
            yield sleutel, w, prep.aanwezig[sleutel]

    return per_stuk


def gewichten_voor(basis: Gewichten, keuze: Keuze) -> Gewichten:
    """The weights of one replication. Leaving out the only indicator of a theme leaves out the
    theme (weight 0) and renormalises the other themes' weights; with a single indicator in the
    whole method nothing is left out."""
    w_ind = basis.indicator * keuze.indicatorfactor
    if keuze.weglaten >= 0 and len(w_ind) > 1:
        w_ind[keuze.weglaten] = 0.0
    aantal = len(basis.thema)
    over = np.bincount(basis.thema_van, weights=w_ind, minlength=aantal) > 0
    w_thema = np.where(over, basis.thema * keuze.themafactor, 0.0)
    return Gewichten(
        normaliseer_binnen(w_ind, basis.thema_van, aantal), w_thema / w_thema.sum(), basis.thema_van
    )


@dataclass
class Alternatief:
    """What a chunk needs: one alternative's values and mask, the weights, the coverage rule, and
    for the sensitivity analysis the nominal ranks (NaN: no rank)."""

    waarden: np.ndarray
    aanwezig: np.ndarray
    basis: Gewichten
    min_dekking: float
    aggregatie: Aggregatie
    nominaal: np.ndarray | None = None


def composiet(alt: Alternatief, keuze: Keuze) -> np.ndarray:
    """The composite of the scope areas for one replication, on the scale of the pipeline's, a
    block of areas at a time (``blokken``)."""
    w = gewichten_voor(alt.basis, keuze)
    wmat, thema = w.matrix(), w.thema
    over = thema > 0  # themes left out: their scores are 0/0 and must not enter the composite
    uit = np.empty(len(alt.waarden))
    for blok in blokken(len(uit)):
        scores = themascores_gevuld(
            alt.waarden[blok], alt.aanwezig[blok], wmat, alt.min_dekking, alt.aggregatie
        )
        uit[blok] = (
            samengesteld(scores[:, over], thema[over], alt.aggregatie)
            if not over.all()
            else samengesteld(scores, thema, alt.aggregatie)
        )
    return uit


def _sleutel(methode: Methode, keuze: Keuze) -> Sleutel:
    r = methode.robuustheid
    return r.normalisaties[keuze.normalisatie], r.aggregaties[keuze.aggregatie]


def samengesteld_voor(prep: Voorbereid, methode: Methode, keuze: Keuze) -> np.ndarray:
    sleutel = _sleutel(methode, keuze)
    alt = Alternatief(prep.waarden[sleutel], prep.aanwezig[sleutel], prep.basis, prep.min_dekking, sleutel[1])
    return composiet(alt, keuze)


def _willekeurige_keuze(rng: np.random.Generator, methode: Methode, k: int, t: int) -> Keuze:
    r = methode.robuustheid
    weglaten = int(rng.integers(-1, k)) if r.weglaten else -1
    return Keuze(
        normalisatie=int(rng.integers(len(r.normalisaties))),
        aggregatie=int(rng.integers(len(r.aggregaties))),
        weglaten=weglaten,
        indicatorfactor=rng.uniform(1 - r.gewichtsvariatie, 1 + r.gewichtsvariatie, k),
        themafactor=rng.uniform(1 - r.gewichtsvariatie, 1 + r.gewichtsvariatie, t),
    )


# --- chunks -------------------------------------------------------------------------------------


@dataclass
class Deel:
    """A chunk: Monte Carlo replications (``rangen``) or Sobol samples (``sobol``) of one alternative,
    with their positions in the run."""

    soort: str
    posities: np.ndarray
    keuzes: list[Keuze]


def reken_deel(alt: Alternatief, deel: Deel) -> np.ndarray:
    """A chunk's ranks (int32, 0 where an area has no composite) or, for Sobol samples, each
    sample's mean absolute rank shift against the nominal ranks."""
    with een_blasdraad():
        scores = np.vstack([composiet(alt, keuze) for keuze in deel.keuzes])
    rangen = rangen_snel(scores)
    if deel.soort == "sobol":
        assert alt.nominaal is not None
        bekend = ~np.isnan(alt.nominaal)
        nominaal = alt.nominaal[bekend]
        return np.array([np.mean(np.abs(rij[bekend] - nominaal)) for rij in rangen])
    rangen[np.isnan(scores)] = 0
    return rangen


def chunkgrootte(gebieden: int) -> int:
    return int(min(MAX_CHUNK, max(1, CHUNKBYTES // (8 * max(gebieden, 1)))))


def _delen(soort: str, posities: np.ndarray, keuzes: Sequence[Keuze], grootte: int) -> list[Deel]:
    return [
        Deel(soort, posities[i : i + grootte], [keuzes[p] for p in posities[i : i + grootte]])
        for i in range(0, len(posities), grootte)
    ]


# --- ranks and their summary --------------------------------------------------------------------


class Rangopslag:
    """The ranks of every replication (int32, 0 = no composite): an array in memory while it fits
    ``budget`` bytes, else a temporary file on disk that is opened for each write and each block
    read (so its pages never stay in this process's memory)."""

    def __init__(
        self, replicaties: int, gebieden: int, budget: int = GEHEUGENBUDGET, blokbytes: int | None = None
    ) -> None:
        self.vorm = (replicaties, gebieden)
        self.blokbytes = blokbytes or BLOKBYTES
        nodig = 4 * replicaties * gebieden
        self._map: Path | None = None
        self._geheugen: np.ndarray | None = None
        if nodig <= budget:
            self._geheugen = np.zeros(self.vorm, dtype=np.int32)
            return
        map = Path(tempfile.mkdtemp(prefix="gebiedskompas-rangen-"))
        vrij = shutil.disk_usage(map).free
        if vrij < nodig * 1.05:
            shutil.rmtree(map, ignore_errors=True)
            raise InvoerFout(
                f"voor de rangen van {getal(replicaties, 0)} replicaties × {getal(gebieden, 0)} gebieden "
                f"is {getal(nodig / 2**30, 1)} GB tijdelijke schijfruimte nodig in {map.parent}; er is "
                f"{getal(vrij / 2**30, 1)} GB vrij. Kies minder replicaties of zet TMPDIR op een schijf "
                "met meer ruimte."
            )
        self._map = map
        np.memmap(self._pad, dtype=np.int32, mode="w+", shape=self.vorm).flush()

    @property
    def _pad(self) -> Path:
        assert self._map is not None
        return self._map / "rangen.int32"

    @property
    def op_schijf(self) -> bool:
        return self._map is not None

    def zet(self, posities: np.ndarray, rangen: np.ndarray) -> None:
        if self._geheugen is not None:
            self._geheugen[posities] = rangen
            return
        bestand = np.memmap(self._pad, dtype=np.int32, mode="r+", shape=self.vorm)
        bestand[posities] = rangen
        bestand.flush()
        del bestand

    def blokken(self) -> Iterator[tuple[slice, np.ndarray]]:
        """(areas, replications) blocks of about ``blokbytes`` (the summary makes a few copies of a
        block: sorted, and as floats), areas in order."""
        replicaties, gebieden = self.vorm
        breedte = max(1, min(gebieden, self.blokbytes // (4 * max(replicaties, 1))))
        for begin in range(0, gebieden, breedte):
            deel = slice(begin, min(begin + breedte, gebieden))
            if self._geheugen is not None:
                yield deel, self._geheugen[:, deel].T.copy()
                continue
            bestand = np.memmap(self._pad, dtype=np.int32, mode="r", shape=self.vorm)
            blok = np.array(bestand[:, deel].T)
            del bestand
            yield deel, blok

    def als_matrix(self) -> np.ndarray | None:
        """All ranks (int32, 0 = no composite), when they are in memory."""
        return self._geheugen

    def sluit(self) -> None:
        if self._map is not None:
            shutil.rmtree(self._map, ignore_errors=True)


@dataclass
class Onzekerheid:
    alle_rangen: np.ndarray | None  # (replications, scope areas) int32, 0 = none; when in memory
    mediaan: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    kans_top: np.ndarray
    op_schijf: bool = False

    @property
    def rangen(self) -> np.ndarray | None:
        """Every replication's ranks as floats, NaN where an area had no composite."""
        if self.alle_rangen is None:
            return None
        uit = self.alle_rangen.astype(float)
        uit[self.alle_rangen == 0] = np.nan
        return uit


def vat_samen(opslag: Rangopslag, selectie: int) -> Onzekerheid:
    """Median, 5th and 95th percentile rank (exact: numpy's median and ``inverted_cdf`` percentile
    of the replications in which the area has a composite) and the probability of being in the top
    ``selectie`` over those same replications, a block of areas at a time. Each block is sorted
    once; the statistics are then read off at the positions numpy's own definitions give for the
    number of values (``_ordeposities``)."""
    gebieden = opslag.vorm[1]
    mediaan, p05, p95 = (np.full(gebieden, np.nan) for _ in range(3))
    kans = np.zeros(gebieden)
    for deel, blok in opslag.blokken():
        gesorteerd = np.sort(blok, axis=1)  # 0 (no composite) first
        aantal = (gesorteerd > 0).sum(axis=1)
        for m in np.unique(aantal[aantal > 0]):
            rijen = np.flatnonzero(aantal == m)
            begin = gesorteerd.shape[1] - int(m)  # the m values follow the zeros
            midden_a, midden_b, laag, hoog = (begin + i for i in _ordeposities(int(m)))
            a, b, lo, hi = gesorteerd[np.ix_(rijen, [midden_a, midden_b, laag, hoog])].astype(float).T
            mediaan[deel.start + rijen] = (a + b) / 2
            p05[deel.start + rijen], p95[deel.start + rijen] = lo, hi
        geselecteerd = ((blok > 0) & (blok <= selectie)).sum(axis=1)
        kans[deel] = np.divide(geselecteerd, aantal, out=np.zeros(len(aantal)), where=aantal > 0)
    return Onzekerheid(opslag.als_matrix(), mediaan, p05, p95, kans, opslag.op_schijf)


@lru_cache(maxsize=1024)
def _ordeposities(m: int) -> tuple[int, int, int, int]:
    """For m sorted values: the two middle positions (equal when m is odd; the median is their
    mean, as ``np.median``) and the positions ``np.percentile(..., [5, 95], method="inverted_cdf")``
    picks, asked of numpy itself on the positions 0..m-1."""
    laag, hoog = np.percentile(np.arange(m), [5, 95], method="inverted_cdf")
    return (m - 1) // 2, m // 2, int(laag), int(hoog)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Sobolopzet:
    probleem: dict[str, object]
    namen: list[str]
    keuzes: list[Keuze] = field(default_factory=list)


def sobolopzet(methode: Methode, k: int, t: int, n: int, seed: int) -> Sobolopzet | None:
    """The Sobol design (Saltelli sampling via SALib) for ``n`` replications; None when no choice
    varies."""
    r = methode.robuustheid
    namen = [f"gewicht thema {th.id}" for th in methode.thema]
    grenzen = [[1 - r.gewichtsvariatie, 1 + r.gewichtsvariatie]] * t
    namen += ["normalisatie", "aggregatie"]
    grenzen += [[0, len(r.normalisaties) - 1e-9], [0, len(r.aggregaties) - 1e-9]]
    if r.weglaten:
        namen.append("indicator weglaten")
        grenzen.append([-1, k - 1e-9])
    if all(hi - lo < 1e-6 for lo, hi in grenzen):
        return None
    probleem: dict[str, object] = {"num_vars": len(namen), "names": namen, "bounds": grenzen}
    basis_n = int(2 ** max(5, int(np.ceil(np.log2(max(n, 32) / (len(namen) + 2))))))
    monsters = sobol_steekproef.sample(probleem, basis_n, calc_second_order=False, seed=seed)
    keuzes = [
        Keuze(int(m[t]), int(m[t + 1]), int(np.floor(m[t + 2])) if r.weglaten else -1, np.ones(k), m[:t])
        for m in monsters
    ]
    return Sobolopzet(probleem, namen, keuzes)


def sobolindices(opzet: Sobolopzet, uitkomst: np.ndarray, seed: int) -> list[dict[str, object]]:
    if np.ptp(uitkomst) == 0:
        return [{"keuze": nm, "S1": 0.0, "ST": 0.0} for nm in opzet.namen]
    analyse = sobol.analyze(opzet.probleem, uitkomst, calc_second_order=False, seed=seed)
    return [
        {"keuze": nm, "S1": float(s1), "ST": float(st)}
        for nm, s1, st in zip(opzet.namen, analyse["S1"], analyse["ST"], strict=True)
    ]


@dataclass
class Robuustheid:
    onzekerheid: Onzekerheid | None
    sobol: list[dict[str, object]]


def voer_uit(
    bron: Alternatieven,
    basis: Gewichten,
    methode: Methode,
    n: int,
    seed: int,
    *,
    nominaal: np.ndarray | None = None,
    uitvoerder: Uitvoerder | None = None,
    voortgang: Voortgang | None = None,
    budget: int = GEHEUGENBUDGET,
) -> Robuustheid:
    """Monte Carlo (``n`` replications) and, when ``nominaal`` is given, the Sobol analysis, one
    alternative at a time, in chunks through ``uitvoerder`` (default: this process)."""
    uitvoerder = uitvoerder or InDitProces()
    k, t = len(basis.indicator), len(basis.thema)
    rng = np.random.default_rng(seed)
    mc = [_willekeurige_keuze(rng, methode, k, t) for _ in range(n)]
    opzet = sobolopzet(methode, k, t, n, seed) if nominaal is not None else None
    sb = opzet.keuzes if opzet else []
    uitkomst = np.empty(len(sb))
    opslag: Rangopslag | None = None
    gedaan, totaal = 0, n + len(sb)
    try:
        for sleutel, waarden, aanwezig in bron():
            if opslag is None:
                opslag = Rangopslag(n, len(waarden), budget)
            grootte = chunkgrootte(len(waarden))
            delen = _delen("rangen", _posities(methode, mc, sleutel), mc, grootte)
            delen += _delen("sobol", _posities(methode, sb, sleutel), sb, grootte)
            alt = Alternatief(waarden, aanwezig, basis, methode.scope.min_dekking, sleutel[1], nominaal)
            del waarden, aanwezig  # so that only one alternative is in memory when the next is made
            resultaten = uitvoerder.kaart(reken_deel, alt, delen) if delen else iter(())
            del alt  # the executor keeps what it needs (in other processes: its own mapped copy)
            for deel, resultaat in zip(delen, resultaten, strict=True):
                if deel.soort == "sobol":
                    uitkomst[deel.posities] = resultaat
                else:
                    opslag.zet(deel.posities, resultaat)
                gedaan += len(deel.posities)
                if voortgang is not None and gedaan < totaal:
                    voortgang(round(n * gedaan / totaal), n)
        onzekerheid = vat_samen(opslag, methode.scope.selectie) if opslag is not None and n else None
    finally:
        if opslag is not None:
            opslag.sluit()
    if voortgang is not None:
        voortgang(n, n)
    return Robuustheid(onzekerheid, sobolindices(opzet, uitkomst, seed) if opzet else [])


def _posities(methode: Methode, keuzes: Sequence[Keuze], sleutel: Sleutel) -> np.ndarray:
    return np.array([i for i, keuze in enumerate(keuzes) if _sleutel(methode, keuze) == sleutel], dtype=int)


def monte_carlo(
    prep: Voorbereid,
    methode: Methode,
    n: int,
    seed: int,
    voortgang: Voortgang | None = None,
    *,
    uitvoerder: Uitvoerder | None = None,
    budget: int = GEHEUGENBUDGET,
) -> Onzekerheid:
    uitkomst = voer_uit(
        uit_voorbereid(prep),
        prep.basis,
        methode,
        n,
        seed,
        uitvoerder=uitvoerder,
        voortgang=voortgang,
        budget=budget,
    )
    assert uitkomst.onzekerheid is not None
    return uitkomst.onzekerheid


def sobol_gevoeligheid(
    prep: Voorbereid, methode: Methode, nominaal: np.ndarray, n: int, seed: int
) -> list[dict[str, object]]:
    """First-order and total Sobol indices of the mean absolute rank shift."""
    return voer_uit(uit_voorbereid(prep), prep.basis, methode, 0, seed, nominaal=nominaal).sobol
