"""Step 1, select: the areas (benchmark population and scope) and the indicator matrix.

The benchmark population is every area of the method's level and period in the Netherlands that
passes the minimum population and data coverage; the scope is the subset the method asks for.
Excluded areas are kept with their reason.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalogus import catalogus
from ..codes import _PATTERNS, Niveau, normaliseer
from ..errors import InvoerFout, OpslagFout
from ..opmaak import getal, procent
from ..opslag import Toestand
from ..register import Register, dichtstbijzijnd
from .methode import Methode, Scope

_PREFIX = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}
# scope.stedelijkheid_van in words, for messages
KLASSE_VAN = {
    "gebied": "van het gebied",
    "gemeente": "van de gemeente",
    "een van beide": "van gebied of gemeente",
}


@dataclass
class Gegevens:
    codes: np.ndarray
    namen: np.ndarray
    gemeenten: np.ndarray
    provincies: np.ndarray
    stedelijkheid: np.ndarray  # float, NaN where unknown
    inwoners: np.ndarray
    in_scope: np.ndarray  # bool
    indicatoren: list[str]
    x: np.ndarray  # (areas, indicators) raw values, NaN = missing
    onder: np.ndarray
    boven: np.ndarray
    uitgesloten: list[dict[str, str]] = field(default_factory=list)
    tabellen: list[str] = field(default_factory=list)
    opmerkingen: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.codes)


def selecteer(methode: Methode, toestand: Toestand) -> Gegevens:
    scope = methode.scope
    controleer_indicatoren(methode)
    w = toestand.waarnemingen_voor(scope.periode, methode.indicator_ids(), [_PREFIX[scope.niveau]])
    overgenomen, opmerkingen = _van_bovenliggend(methode, w, toestand)
    w = pd.concat([w, overgenomen], ignore_index=True) if len(overgenomen) else w
    _controleer_beschikbaar(methode, w)
    register = Register(toestand.regios, toestand.grenswijzigingen)
    ids = methode.indicator_ids()
    codes, matrices = breed(w, ids)
    jaar = int(scope.periode[:4])
    kenmerken = _kenmerken(codes, jaar, register)
    gegevens = Gegevens(
        codes=codes,
        namen=kenmerken["naam"],
        gemeenten=kenmerken["gemeente"],
        provincies=kenmerken["provincie"],
        stedelijkheid=kenmerken["stedelijkheid"],
        inwoners=kenmerken["inwoners"],
        in_scope=np.zeros(len(codes), dtype=bool),
        indicatoren=ids,
        x=matrices["waarde"],
        onder=matrices["onder"],
        boven=matrices["boven"],
        tabellen=sorted(str(b) for b in w["bron"].unique()),
        opmerkingen=opmerkingen,
    )
    return _filter(gegevens, methode, register)


def breed(w: pd.DataFrame, ids: list[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The long observations as (regions x ``ids``) matrices of waarde, onder and boven: one
    reshape for all three. Regions sorted by code (as ``DataFrame.pivot`` sorts text codes), NaN where
    a region has no value; rows of an indicator not in ``ids`` only add their region."""
    rij, codes = _factoren(w["regio"])
    indicator, uniek = _factoren(w["indicator"])
    kolom = pd.Index(ids).get_indexer(pd.Index(uniek))[indicator]
    gekozen = kolom >= 0
    plek = rij[gekozen] * len(ids) + kolom[gekozen]
    _controleer_uniek(plek, codes, ids)
    matrices = {}
    for k in ("waarde", "onder", "boven"):
        matrix = np.full(len(codes) * len(ids), np.nan)
        matrix[plek] = w[k].to_numpy(dtype="float64")[gekozen]
        matrices[k] = matrix.reshape(len(codes), len(ids))
    return np.asarray(codes, dtype=object), matrices


def _factoren(kolom: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the distinct values (as str, sorted) of a text or categorical column;
    factorised before the conversion to str, so only the distinct values are converted."""
    codes, uniek = pd.factorize(kolom, use_na_sentinel=False)
    tekst = np.asarray(pd.Index(uniek).astype(str), dtype=object)  # distinct values only
    volgorde = np.argsort(tekst, kind="stable")
    rang = np.empty(len(volgorde), dtype=np.intp)
    rang[volgorde] = np.arange(len(volgorde))
    return rang[codes], tekst[volgorde]


def _controleer_uniek(plek: np.ndarray, codes: np.ndarray, ids: list[str]) -> None:
    """Two observations for one (region, indicator) cannot be reshaped: the store is inconsistent."""
    uniek, aantal = np.unique(plek, return_counts=True)
    dubbel = uniek[aantal > 1]
    if len(dubbel):
        voorbeeld = f"{codes[dubbel[0] // len(ids)]} {ids[dubbel[0] % len(ids)]}"
        raise OpslagFout(
            f"de opslag bevat {getal(len(dubbel), 0)} gebied-indicatorparen met meer dan één waarde in "
            f"dezelfde periode (bijvoorbeeld {voorbeeld}); laad de tabellen opnieuw in een nieuwe opslag"
        )


def _van_bovenliggend(
    methode: Methode, w: pd.DataFrame, toestand: Toestand
) -> tuple[pd.DataFrame, list[str]]:
    """Rows for indicators marked ``bovenliggend``: each area of the analysis level without a value
    of its own gets the value of the area it lies in (buurt -> wijk, wijk -> gemeente)."""
    ouder_prefix = {"buurt": "WK", "wijk": "GM"}.get(methode.scope.niveau)
    gekozen = [i.id for t in methode.thema for i in t.indicator if i.bovenliggend]
    if ouder_prefix is None or not gekozen:
        return w.iloc[0:0], []
    alle = toestand.waarnemingen_voor(methode.scope.periode, gekozen, [ouder_prefix])
    gebieden = pd.Series(np.asarray(w["regio"].astype(str).unique(), dtype=object), dtype=object)
    ouders = pd.Series(ouders_van(gebieden.to_numpy()), dtype=object)
    delen, opmerkingen = [], []
    for ind in gekozen:
        eigen = pd.Index(w.loc[w["indicator"] == ind, "regio"].astype(str), dtype=object)
        bron = alle[alle["indicator"] == ind]
        bron = bron.assign(regio=bron["regio"].astype(str)).set_index("regio")
        zonder = ~gebieden.isin(eigen) & ouders.isin(pd.Index(bron.index, dtype=object))
        if not zonder.any():
            continue
        deel = bron.loc[ouders[zonder]].reset_index(drop=True)
        deel["regio"] = gebieden[zonder].to_numpy()
        delen.append(deel)
        niveau = {"WK": "wijk", "GM": "gemeente"}[ouder_prefix]
        aantal = getal(int(zonder.sum()), 0)
        opmerkingen.append(
            f"{ind}: {aantal} gebieden (in heel Nederland) hebben de waarde van de {niveau} waarin ze "
            f"liggen (de bron publiceert niet per {methode.scope.niveau})"
        )
    return (pd.concat(delen, ignore_index=True) if delen else w.iloc[0:0]), opmerkingen


def controleer_indicatoren(methode: Methode) -> None:
    cat = catalogus()
    alle = [i.id for i in cat.indicator]
    for t_nr, thema in enumerate(methode.thema, start=1):
        for i_nr, keuze in enumerate(thema.indicator, start=1):
            ind = cat.get(keuze.id)
            sleutel = f"thema[{t_nr}].indicator[{i_nr}].id"
            if ind is None:
                lijkt = difflib.get_close_matches(keuze.id, alle, n=3)
                tip = f"; bedoelde u {', '.join(lijkt)}?" if lijkt else ""
                raise InvoerFout(
                    f"sleutel '{sleutel}': onbekende indicator '{keuze.id}'{tip} "
                    "(zie 'gebiedskompas indicatoren')"
                )
            if ind.richting == "neutraal" and keuze.richting is None:
                raise InvoerFout(
                    f"sleutel 'thema[{t_nr}].indicator[{i_nr}].richting' ontbreekt: "
                    f"'{keuze.id}' heeft geen vaste richting; kies hoger_is_beter of "
                    "hoger_is_slechter en geef een reden"
                )


def _controleer_beschikbaar(methode: Methode, w: pd.DataFrame) -> None:
    scope = methode.scope
    if w.empty:
        raise InvoerFout(
            f"sleutel 'scope.niveau': de opslag heeft geen waarden op niveau {scope.niveau} "
            f"in periode {scope.periode} voor de indicatoren van deze methode; laad eerst de "
            "tabellen of kies een ander niveau of een andere periode"
        )
    aanwezig = set(w["indicator"].unique())
    for t_nr, thema in enumerate(methode.thema, start=1):
        for i_nr, keuze in enumerate(thema.indicator, start=1):
            if keuze.id not in aanwezig:
                raise InvoerFout(
                    f"sleutel 'thema[{t_nr}].indicator[{i_nr}].id': '{keuze.id}' heeft geen "
                    f"waarden op niveau {scope.niveau} in periode {scope.periode} in de opslag"
                )


def _kenmerken(codes: np.ndarray, jaar: int, register: Register) -> dict[str, np.ndarray]:
    """Name, gemeente, provincie, urbanity and population from the register, nearest year first."""
    reg = register.tabel
    gevraagd = pd.Index(np.asarray(codes, dtype=object), dtype=object)
    deel = reg[gevraagd.get_indexer(reg["code"].to_numpy(dtype=object)) >= 0]
    dichtst = dichtstbijzijnd(deel, jaar).set_index("code").reindex(codes)
    gemeenten = gemeenten_van(codes)
    provincie_per_gemeente = pd.Series(register.provincies(jaar), dtype=object)
    provincies = provincie_per_gemeente.reindex(gemeenten).to_numpy(dtype=object)
    naam = dichtst["naam"].to_numpy(dtype=object)
    return {
        "naam": np.where(pd.isna(naam), codes, naam),
        "gemeente": gemeenten,
        "provincie": np.where(pd.isna(provincies), _GEEN, provincies),
        "stedelijkheid": dichtst["stedelijkheid"].to_numpy(dtype="float64"),
        "inwoners": dichtst["inwoners"].to_numpy(dtype="float64"),
    }


_PATROON = dict(_PATTERNS)
_GEEN = np.array(None, dtype=object)  # None as an array, for np.where


def _past(codes: pd.Series, niveau: Niveau) -> np.ndarray:
    return np.asarray(codes.str.fullmatch(_PATROON[niveau].pattern), dtype=bool)


def gemeenten_van(codes: np.ndarray) -> np.ndarray:
    """``codes.gemeente_van`` for an array of codes (None where there is none)."""
    tekst = pd.Series(np.asarray(codes, dtype=object), dtype="string[pyarrow]")
    gemeente = ("GM" + tekst.str[2:6]).to_numpy(dtype=object)
    onder = _past(tekst, "wijk") | _past(tekst, "buurt")
    return np.where(onder, gemeente, np.where(_past(tekst, "gemeente"), tekst.to_numpy(dtype=object), _GEEN))


def ouders_van(codes: np.ndarray) -> np.ndarray:
    """``codes.ouder_van`` for an array of codes (None where there is none)."""
    tekst = pd.Series(np.asarray(codes, dtype=object), dtype="string[pyarrow]")
    wijk = ("WK" + tekst.str[2:8]).to_numpy(dtype=object)
    gemeente = ("GM" + tekst.str[2:6]).to_numpy(dtype=object)
    return np.where(_past(tekst, "buurt"), wijk, np.where(_past(tekst, "wijk"), gemeente, _GEEN))


def _filter(g: Gegevens, methode: Methode, register: Register) -> Gegevens:
    scope = methode.scope
    in_gebied = in_regio(g.provincies, g.gemeenten, scope, register)
    klasse_ok = klasse_in_scope(g.stedelijkheid, _klasse_van_gemeente(g, scope, register), scope)
    te_klein = np.nan_to_num(g.inwoners, nan=0.0) < scope.min_inwoners
    dekking = np.mean(~np.isnan(g.x), axis=1)
    te_weinig = dekking < scope.min_dekking
    houd = ~te_klein & ~te_weinig & ~np.isnan(g.stedelijkheid)
    redenen = np.select(
        [np.isnan(g.stedelijkheid), te_klein, te_weinig],
        [
            "stedelijkheid onbekend",
            f"minder dan {scope.min_inwoners} inwoners",
            f"minder dan {procent(100 * scope.min_dekking, 0)} van de indicatoren beschikbaar",
        ],
        default="",
    )
    for i in np.flatnonzero(in_gebied & klasse_ok & ~houd):
        g.uitgesloten.append({"code": str(g.codes[i]), "naam": str(g.namen[i]), "reden": str(redenen[i])})
    in_scope = in_gebied & klasse_ok & houd
    if not in_scope.any():
        provincies = sorted(_provinciecode(p, register) for p in scope.provincies)
        raise InvoerFout(
            f"sleutel 'scope': geen enkel gebied voldoet (niveau {scope.niveau}, periode "
            f"{scope.periode}, provincies {provincies or 'alle'}, stedelijkheid {scope.stedelijkheid} "
            f"{KLASSE_VAN[scope.stedelijkheid_van]}, minimaal {scope.min_inwoners} inwoners)"
        )
    keep = houd
    return Gegevens(
        codes=g.codes[keep],
        namen=g.namen[keep],
        gemeenten=g.gemeenten[keep],
        provincies=g.provincies[keep],
        stedelijkheid=g.stedelijkheid[keep],
        inwoners=g.inwoners[keep],
        in_scope=in_scope[keep],
        indicatoren=g.indicatoren,
        x=g.x[keep],
        onder=g.onder[keep],
        boven=g.boven[keep],
        uitgesloten=g.uitgesloten,
        tabellen=g.tabellen,
        opmerkingen=g.opmerkingen,
    )


def in_regio(provincies: np.ndarray, gemeenten: np.ndarray, scope: Scope, register: Register) -> np.ndarray:
    """Whether each area (by its provincie and gemeente code) lies in the scope's provincies or
    gemeenten; every area does when the scope names neither."""
    pv = {_provinciecode(p, register) for p in scope.provincies}
    gm = {normaliseer(c) for c in scope.gemeenten}
    if not pv and not gm:
        return np.ones(len(gemeenten), dtype=bool)
    return np.isin(provincies, list(pv)) | np.isin(gemeenten, list(gm))


def klasse_in_scope(eigen: np.ndarray, van_gemeente: np.ndarray, scope: Scope) -> np.ndarray:
    """The urbanity test of a scope: the area's own class, its gemeente's class, or either of the
    two must be one of ``scope.stedelijkheid`` (unknown = NaN never is)."""
    eigen_ok = np.isin(eigen, scope.stedelijkheid)
    gemeente_ok = np.isin(van_gemeente, scope.stedelijkheid)
    keuze = {"gebied": eigen_ok, "gemeente": gemeente_ok, "een van beide": eigen_ok | gemeente_ok}
    return keuze[scope.stedelijkheid_van]


def klassen_van_gemeenten(gemeenten: np.ndarray, jaar: int, register: Register) -> np.ndarray:
    """The urbanity class of each gemeente code, from the register year nearest to ``jaar``."""
    terug, uniek = _factoren(pd.Series(np.asarray(gemeenten, dtype=object)).astype(str))
    return np.asarray(_kenmerken(uniek, jaar, register)["stedelijkheid"][terug], dtype="float64")


def _klasse_van_gemeente(g: Gegevens, scope: Scope, register: Register) -> np.ndarray:
    if scope.stedelijkheid_van == "gebied":  # not needed: skip the register look-up
        return np.full(g.n, np.nan)
    return klassen_van_gemeenten(g.gemeenten, int(scope.periode[:4]), register)


def _provinciecode(p: str, register: Register) -> str:
    code = normaliseer(p)
    if code.startswith("PV"):
        return code
    kaart = register.naam_naar_code(9999)
    gevonden = kaart.get(f"{p} (PV)")
    if gevonden is None:
        raise InvoerFout(
            f"sleutel 'scope.provincies': onbekende provincie '{p}' (gebruik een code als PV31 "
            "of de naam, bijvoorbeeld Limburg)"
        )
    return gevonden
