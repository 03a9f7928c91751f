"""The whole analysis: select → impute → treat → normalise → weight → aggregate → classify →
rank → explain, plus coherence and (optionally) robustness. Every step records its parameters."""

from __future__ import annotations

import platform
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from ..catalogus import catalogus
from ..opslag import Toestand
from . import classificeer as cl
from .aggregeer import herschaal, samengesteld, themascores
from .behandel import behandelgrenzen
from .benchmark import Grenzen, Groepen, maak_groepen
from .blokken import een_blasdraad
from .herhaal import STANDAARD_SEED, herkomst, invoertabellen
from .imputeer import imputeer
from .langtabel import arrowtekst, lange_tabel, tekstkolom
from .methode import Methode
from .normaliseer import normaliseer
from .rangschik import rangen
from .robuustheid import Robuustheid, Voortgang, alternatieven, voer_uit
from .samenhang import samenhang
from .selecteer import Gegevens, selecteer
from .uitvoerder import kies
from .verklaar import grootste_bijdragen, uitlegtekst
from .weeg import gewichten


@dataclass
class Kern:
    """The numerical result for all areas (benchmark population), before tables are made."""

    gegevens: Gegevens
    groepen: Groepen
    richting: np.ndarray
    # the values after imputation (the input itself without it), and per indicator the bounds the
    # treatment of outliers clips them to: the treated values are ``x``, made when asked for
    bron: np.ndarray
    grenzen: Grenzen
    geimputeerd: np.ndarray
    v: np.ndarray
    bench_v: np.ndarray
    scores: np.ndarray
    bench_scores: np.ndarray
    composiet: np.ndarray
    bench_composiet: np.ndarray
    oordeel: np.ndarray
    signif: np.ndarray
    referentie_groep: np.ndarray  # (groups, k) the benchmark value of each (treated) indicator
    rang: np.ndarray
    stappen: list[dict[str, Any]] = field(default_factory=list)
    # theme scores the judgement rests on: indicators whose 95% interval holds the benchmark count
    # at the benchmark's value (classificeer.getoetst)
    getoetst: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    # per area in scope and theme: indicators with a value, with margins, within them (margetelling)
    marges: tuple[np.ndarray, np.ndarray, np.ndarray] = field(default_factory=lambda: (np.empty((0, 0)),) * 3)

    @property
    def x(self) -> np.ndarray:
        """(areas, k) the treated values (read-only; a new array when a bound clips)."""
        onder, boven = self.grenzen
        uit = (
            self.bron.view()
            if np.isinf(onder).all() and np.isinf(boven).all()
            else np.clip(self.bron, onder, boven)
        )
        uit.flags.writeable = False
        return uit

    @property
    def referentie(self) -> np.ndarray:
        """(areas, k) the benchmark value of each indicator per area."""
        return self.groepen.per_gebied(self.referentie_groep)


def richtingen(methode: Methode) -> np.ndarray:
    cat = catalogus()
    uit = []
    for thema in methode.thema:
        for keuze in thema.indicator:
            richting = keuze.richting or cat.get(keuze.id).richting  # type: ignore[union-attr]
            uit.append(1.0 if richting == "hoger_is_slechter" else -1.0)
    return np.array(uit)


def bereken(methode: Methode, gegevens: Gegevens) -> Kern:
    """Steps 2-8 on a selected data set (pure numpy; this is what the benchmark times)."""
    stappen: list[dict[str, Any]] = []
    if gegevens.opmerkingen:
        stappen.append({"stap": "selecteren", "opmerkingen": list(gegevens.opmerkingen)})
    groepen = maak_groepen(gegevens, methode.benchmark)
    stappen.append(
        {
            "stap": "benchmark",
            "soort": methode.benchmark.soort,
            "groepen": groepen.labels,
            "leden": [int(m.sum()) for m in groepen.leden],
        }
    )
    richting = richtingen(methode)
    bron, geimputeerd = imputeer(gegevens.x, groepen, methode.imputatie)
    stappen.append({"stap": "imputeren", "methode": methode.imputatie, "aantal": int(geimputeerd.sum())})
    # the treated values are not stored: the steps below clip the values to these bounds as they go
    grenzen_lo, grenzen_hi, behandeling = behandelgrenzen(bron, gegevens.indicatoren, methode.uitschieters)
    grenzen = (grenzen_lo, grenzen_hi)
    stappen.append(
        {
            "stap": "uitschieters",
            **methode.uitschieters.model_dump(),
            "per_indicator": [vars(b) for b in behandeling if b.gewinsoriseerd or b.nog_scheef],
        }
    )
    # normalisation and the judgement share the group means; the statistics take their copy of
    # the values in the memory the normalised values are then written into
    werk = np.empty_like(bron)
    beschrijving = groepen.beschrijf(bron, werk, grenzen)
    v, bench_v = normaliseer(
        bron, groepen, richting, methode.normalisatie, beschrijving, uit=werk, grenzen=grenzen
    )
    stappen.append({"stap": "normaliseren", "methode": methode.normalisatie})
    w = gewichten(methode)
    stappen.append({"stap": "wegen", "indicator": w.indicator.tolist(), "thema": w.thema.tolist()})
    agg_v, agg_bench = herschaal(v, bench_v) if methode.aggregatie == "meetkundig" else (v, bench_v)
    scores = themascores(agg_v, w.matrix(), methode.scope.min_dekking, methode.aggregatie)
    bench_scores = themascores(agg_bench, w.matrix(), 0.0, methode.aggregatie)
    composiet = samengesteld(scores, w.thema, methode.aggregatie)
    bench_composiet = samengesteld(bench_scores, w.thema, methode.aggregatie)
    stappen.append(
        {"stap": "aggregeren", "methode": methode.aggregatie, "min_dekking": methode.scope.min_dekking}
    )
    signif = cl.significant_slechter(
        gegevens.onder, gegevens.boven, beschrijving.gem, richting, groepen.index
    )
    getoetst = cl.getoetste_scores(
        agg_v,
        agg_bench,
        groepen.index,
        signif,
        w.matrix(),
        methode.scope.min_dekking,
        methode.aggregatie,
    )
    oordeel = cl.oordeel_per_thema(
        getoetst, bench_scores, methode.classificatie.drempel, signif, w.thema_van, groepen.index
    )
    s = gegevens.in_scope
    marges = cl.margetelling(_rijen(gegevens.x, s), _rijen(signif, s), w.thema_van, len(methode.thema))
    stappen.append(_classificatiestap(methode, marges))
    rang = np.full(gegevens.n, np.nan)
    rang[gegevens.in_scope] = rangen(composiet[gegevens.in_scope])
    stappen.append({"stap": "rangschikken", "binnen": "scope", "gebieden": int(gegevens.in_scope.sum())})
    return Kern(
        gegevens,
        groepen,
        richting,
        bron,
        grenzen,
        geimputeerd,
        v,
        bench_v,
        scores,
        bench_scores,
        composiet,
        bench_composiet,
        oordeel,
        signif,
        beschrijving.gem,
        rang,
        stappen,
        getoetst,
        marges,
    )


def _rijen(a: np.ndarray, rijen: np.ndarray) -> np.ndarray:
    """``a[rijen]`` for a boolean ``rijen``, without a copy when it selects every row."""
    return a if rijen.all() else a[rijen]


def _classificatiestap(methode: Methode, marges: tuple[np.ndarray, np.ndarray, np.ndarray]) -> dict[str, Any]:
    """The classify step for the run record: threshold, groups, and per theme how many indicator
    values of the areas in scope had margins (``cl.margetelling``)."""
    waarden, met_marges, binnen = marges
    return {
        "stap": "classificeren",
        "drempel": methode.classificatie.drempel,
        "groepen": [g.naam for g in methode.classificatie.groep] or list(cl.GROEPEN),
        "overig": methode.classificatie.overig,
        "marges": {
            t.id: {
                "waarden": int(waarden[:, i].sum()),
                "met_marges": int(met_marges[:, i].sum()),
                "binnen_marge": int(binnen[:, i].sum()),
            }
            for i, t in enumerate(methode.thema)
        },
    }


@dataclass
class Resultaat:
    """An analysis' result. The long indicator table (a row per area and indicator: 20 million rows
    at a million areas) is built on first use, when it is written or shown, not by the analysis."""

    methode: Methode
    gebieden: pd.DataFrame
    indicatortabel: Callable[[], pd.DataFrame]
    themas: pd.DataFrame
    samenhang: dict[str, Any]
    sobol: list[dict[str, Any]]
    uitgesloten: pd.DataFrame
    runrecord: dict[str, Any]
    _indicatoren: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def indicatoren(self) -> pd.DataFrame:
        if self._indicatoren is None:
            self._indicatoren = self.indicatortabel()
        return self._indicatoren


@dataclass(frozen=True)
class Uitvoering:
    """Where the robustness step's chunks run: ``processen`` local processes (None: one per CPU when
    the work is large enough, else this process), or the Dask cluster at ``dask``."""

    processen: int | None = None
    dask: str | None = None


def _robuustheid(
    kern: Kern,
    methode: Methode,
    replicaties: int,
    seed: int,
    voortgang: Voortgang | None,
    uitvoering: Uitvoering | None,
) -> Robuustheid:
    s = kern.gegevens.in_scope
    uitvoering = uitvoering or Uitvoering()
    werk = int(s.sum()) * replicaties * 2  # Monte Carlo plus about as many Sobol samples
    uitvoerder = kies(werk, uitvoering.processen, uitvoering.dask)
    try:
        return voer_uit(
            alternatieven(kern.x, kern.groepen, kern.richting, s, methode),
            gewichten(methode),
            methode,
            replicaties,
            seed,
            nominaal=kern.rang[s],
            uitvoerder=uitvoerder,
            voortgang=voortgang,
        )
    finally:
        uitvoerder.sluit()


def analyseer(
    methode: Methode,
    toestand: Toestand,
    *,
    robuustheid: int = 0,
    seed: int = STANDAARD_SEED,
    naast: Sequence[Methode] = (),
    recordvelden: Mapping[str, Any] | None = None,
    voortgang: Voortgang | None = None,
    uitvoering: Uitvoering | None = None,
) -> Resultaat:
    """The whole analysis. ``naast`` (the methods of a 'tussen wal en schip' comparison) and
    ``recordvelden`` (how the run came about, see ``herhaal.Run``) only go into the run record;
    ``voortgang`` hears of the robustness step's progress and ``uitvoering`` says where its chunks
    run (this process, local processes or a Dask cluster); neither changes the result."""
    gegevens = selecteer(methode, toestand)

    def record(kern: Kern) -> dict[str, Any]:
        return _runrecord(methode, toestand, gegevens, kern, seed, robuustheid, naast, recordvelden or {})

    return analyseer_gegevens(
        methode,
        gegevens,
        robuustheid=robuustheid,
        seed=seed,
        voortgang=voortgang,
        uitvoering=uitvoering,
        runrecord=record,
    )


def analyseer_gegevens(
    methode: Methode,
    gegevens: Gegevens,
    *,
    robuustheid: int = 0,
    seed: int = STANDAARD_SEED,
    voortgang: Voortgang | None = None,
    uitvoering: Uitvoering | None = None,
    runrecord: Callable[[Kern], dict[str, Any]] | None = None,
) -> Resultaat:
    """Steps 2-9 on selected data (what ``bench/schaal.py`` times on synthetic areas); without
    ``runrecord`` the run record holds only the steps."""
    with een_blasdraad():  # small matrix products, and a second thread at work
        kern = bereken(methode, gegevens)
        s = gegevens.in_scope
        w = gewichten(methode)
        themas = [t.id for t in methode.thema]
        # The theme table, the coherence checks and the explanations' texts do not depend on the
        # rest: they run in two more threads (numpy, pandas and pyarrow release the GIL in their
        # loops) while this one makes the areas table.
        with ThreadPoolExecutor(2, thread_name_prefix="gebiedskompas-tabellen") as naast:
            thematabel = naast.submit(_thematabel, kern, methode)
            coherentie = naast.submit(
                samenhang,
                _rijen(kern.v, s),
                _rijen(kern.scores, s),
                gegevens.indicatoren,
                w.thema_van,
                themas,
            )
            uitleg = naast.submit(_uitlegtekst, *_grootste(kern, w.matrix(), w.thema))
            gebieden = _gebiedstabel(kern, methode, uitleg)
    sobol_uitkomst: list[dict[str, Any]] = []
    if robuustheid > 0:
        uitkomst = _robuustheid(kern, methode, robuustheid, seed, voortgang, uitvoering)
        assert uitkomst.onzekerheid is not None
        gebieden["mediane_rang"] = uitkomst.onzekerheid.mediaan
        gebieden["rang_p05"] = uitkomst.onzekerheid.p05
        gebieden["rang_p95"] = uitkomst.onzekerheid.p95
        gebieden["kans_op_selectie"] = uitkomst.onzekerheid.kans_top
        sobol_uitkomst = uitkomst.sobol
        kern.stappen.append(
            {
                "stap": "robuustheid",
                "replicaties": robuustheid,
                "seed": seed,
                **methode.robuustheid.model_dump(),
            }
        )
    return Resultaat(
        methode=methode,
        gebieden=gebieden,
        indicatortabel=lambda: _indicatortabel(kern, methode),
        themas=thematabel.result(),  # done: the executor has shut down
        samenhang=coherentie.result(),
        sobol=sobol_uitkomst,
        uitgesloten=pd.DataFrame(gegevens.uitgesloten, columns=["code", "naam", "reden"]),
        runrecord=runrecord(kern) if runrecord else {"seed": seed, "stappen": kern.stappen},
    )


def _rangorde(rang: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The order of the areas by rank (no rank last), then by code. Selection puts the codes in
    order, so then a stable sort by rank alone gives that order (without sorting a million codes
    as text)."""
    if pd.Index(codes, dtype=object).is_monotonic_increasing:
        orde: np.ndarray = np.argsort(rang, kind="stable")  # NaN last
        return orde
    frame = pd.DataFrame({"rang": rang, "code": codes})
    return frame.sort_values(["rang", "code"], na_position="last", kind="stable").index.to_numpy()


def _uitleg(kern: Kern, methode: Methode, wmat: np.ndarray, themagewicht: np.ndarray) -> Any:
    """Per area in scope what pushes its score above the benchmark (``verklaar.uitlegkolom``)."""
    return _uitlegtekst(*_grootste(kern, wmat, themagewicht))


def _grootste(
    kern: Kern, wmat: np.ndarray, themagewicht: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The explanations' numbers: per area in scope the largest contributions (indicator, whether
    positive), their values and benchmark values, and the indicators' labels."""
    cat = catalogus()
    s = kern.gegevens.in_scope
    index = kern.groepen.index[s]
    volgorde, positief = grootste_bijdragen(_rijen(kern.v, s), kern.bench_v, index, wmat, themagewicht)
    labels = [ind.label if (ind := cat.get(i)) else i for i in kern.gegevens.indicatoren]
    waarde = np.take_along_axis(_rijen(kern.gegevens.x, s), volgorde, axis=1)
    referentie = kern.referentie_groep[index[:, None], volgorde]
    return volgorde, positief, waarde, referentie, labels


def _uitlegtekst(
    volgorde: np.ndarray, positief: np.ndarray, waarde: np.ndarray, referentie: np.ndarray, labels: list[str]
) -> Any:
    """The explanations' texts as the column pandas would make of them."""
    return arrowtekst(uitlegtekst(volgorde, positief, waarde, referentie, labels))


def _gebiedstabel(kern: Kern, methode: Methode, uitleg: Any) -> pd.DataFrame:
    """A row per area in scope, by rank (``_rangorde``); ``uitleg``: the explanations of the
    areas in scope in their own order (or a future of them, asked for last). Every column is
    gathered in rank order once."""
    g = kern.gegevens
    binnen = np.flatnonzero(g.in_scope)
    orde = _rangorde(kern.rang[binnen], g.codes[binnen])
    r = binnen[orde]
    codes, namen = cl.groepcodes(kern.oordeel[r], methode.classificatie.groep, methode.classificatie.overig)
    index = kern.groepen.index[r]
    frame = pd.DataFrame(
        {
            "code": tekstkolom(g.codes, r),
            "naam": tekstkolom(g.namen, r),
            "gemeente": tekstkolom(g.gemeenten, r),
            "provincie": tekstkolom(g.provincies, r),
            "stedelijkheid": g.stedelijkheid[r],
            "inwoners": g.inwoners[r],
            "benchmark": tekstkolom(np.array(kern.groepen.labels, dtype=object), index),
            "composiet": kern.composiet[r],
            "benchmark_composiet": kern.bench_composiet[index],
            "rang": kern.rang[r],
            "groep": tekstkolom(np.array(namen, dtype=object), codes),
            "ontbrekend": np.isnan(_rijen(g.x, g.in_scope)).sum(axis=1)[orde],
            "geimputeerd": kern.geimputeerd[r].sum(axis=1),
            "uitleg": (uitleg.result() if isinstance(uitleg, Future) else uitleg).take(orde),
        }
    )
    scores = kern.scores[r]
    for t, thema in enumerate(methode.thema):
        frame[f"thema_{thema.id}"] = scores[:, t]
    return frame


def _indicatortabel(kern: Kern, methode: Methode) -> pd.DataFrame:
    """A row per area in scope and indicator (area by area, indicators in the method's order)."""
    g = kern.gegevens
    s = np.flatnonzero(g.in_scope)
    k = len(g.indicatoren)
    kol = np.tile(np.arange(k), len(s))
    thema_van = gewichten(methode).thema_van
    themas = np.array([t.id for t in methode.thema], dtype=object)
    return lange_tabel(
        {
            "code": tekstkolom(g.codes, np.repeat(s, k)),
            "indicator": tekstkolom(np.array(g.indicatoren, dtype=object), kol),
            "thema": tekstkolom(themas, thema_van[kol]),
        },
        {
            "waarde": (g.x, s),
            "onder": (g.onder, s),
            "boven": (g.boven, s),
            "behandeld": (kern.x, s),
            "benchmark": (kern.referentie_groep, kern.groepen.index[s]),
            "genormaliseerd": (kern.v, s),
            "benchmark_genormaliseerd": (kern.bench_v, kern.groepen.index[s]),
            "significant": (kern.signif, s),
        },
        {"geimputeerd": kern.geimputeerd[s].ravel()},
    )


def _thematabel(kern: Kern, methode: Methode) -> pd.DataFrame:
    """A row per area in scope and theme (area by area, themes in the method's order)."""
    g = kern.gegevens
    s = np.flatnonzero(g.in_scope)
    t_aantal = len(methode.thema)
    oordeel = kern.oordeel[s].ravel()
    waarden, met_marges, binnen = kern.marges
    frame = lange_tabel(
        {
            "code": tekstkolom(g.codes, np.repeat(s, t_aantal)),
            "thema": tekstkolom(
                np.array([t.id for t in methode.thema], dtype=object), np.tile(np.arange(t_aantal), len(s))
            ),
        },
        {
            "score": (kern.scores, s),
            "benchmark": (kern.bench_scores, kern.groepen.index[s]),
            "score_getoetst": (kern.getoetst, s),
        },
        {
            "indicatoren": waarden.astype(np.int64).ravel(),
            "met_marges": met_marges.astype(np.int64).ravel(),
            "binnen_marge": binnen.astype(np.int64).ravel(),
            "oordeel": tekstkolom(
                np.array(["slechter", "beter", "niet anders", "onbekend"], dtype=object),
                np.select([oordeel == 1, oordeel == -1, oordeel == 0], [0, 1, 2], default=3),
            ),
        },
    )
    frame.insert(4, "verschil", frame["score"].to_numpy() - frame["benchmark"].to_numpy())
    return frame


def _runrecord(
    methode: Methode,
    toestand: Toestand,
    gegevens: Gegevens,
    kern: Kern,
    seed: int,
    robuustheid: int,
    naast: Sequence[Methode],
    recordvelden: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything needed to replay the run (``gebiedskompas analyseer runrecord.json``): all its
    parameters, the full specs of the methods next to it, and every file of every table it read."""
    tabellen = invoertabellen(toestand, [methode, *naast], bronnen=gegevens.tabellen)
    return {
        "software": {
            "gebiedskompas": __version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "tijdstip": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "robuustheid": robuustheid,
        "methode": methode.model_dump(),
        "naast": [m.model_dump() for m in naast],
        "aanpassingen": {},
        "andere_gegevens": False,
        **recordvelden,
        "gegevens": herkomst(toestand, tabellen),
        "stappen": kern.stappen,
        "uitgesloten": len(gegevens.uitgesloten),
    }
