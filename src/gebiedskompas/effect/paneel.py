"""A panel of one indicator: areas x waves, on one area classification, with the treated areas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..codes import Niveau, niveau_van, normaliseer, ouder_van
from ..errors import InvoerFout
from ..opslag import Toestand
from ..register import Register, dichtstbijzijnd


@dataclass
class Paneel:
    """Outcome per area (rows) and wave (columns). NaN = no value.

    ``onder``/``boven`` hold published 95% bounds where present (else NaN). ``behandeld`` marks
    the treated areas (after mapping the programme's codes to the indicator's level), ``start``
    is the first year of the programme: waves >= start are "after".
    """

    indicator: str
    niveau: str
    indeling: int
    gebieden: np.ndarray  # (n,) object: region codes
    namen: np.ndarray  # (n,) object
    perioden: np.ndarray  # (t,) int: wave years, ascending
    y: np.ndarray  # (n, t) float
    onder: np.ndarray  # (n, t) float
    boven: np.ndarray  # (n, t) float
    stedelijkheid: np.ndarray  # (n,) float, NaN unknown
    inwoners: np.ndarray  # (n,) float, NaN unknown
    behandeld: np.ndarray  # (n,) bool
    start: int
    opmerkingen: list[str] = field(default_factory=list)

    @property
    def na(self) -> np.ndarray:
        """(t,) bool: waves at or after the start."""
        return self.perioden >= self.start

    def met_effect(self, effect: float, vanaf: int | None = None) -> Paneel:
        """A copy with ``effect`` added to the treated areas from wave ``vanaf`` (default: start)
        on: the known-answer tests inject a known effect into real series this way."""
        y = self.y.copy()
        kolommen = self.perioden >= (self.start if vanaf is None else vanaf)
        y[np.ix_(self.behandeld, kolommen)] += effect
        return Paneel(**{**self.__dict__, "y": y, "opmerkingen": list(self.opmerkingen)})


_FIJN_NAAR_GROF: tuple[Niveau, ...] = ("buurt", "wijk", "gemeente")


def bouw_paneel(
    toestand: Toestand,
    indicator: str,
    behandeld_codes: Sequence[str],
    start: int,
    *,
    register: Register | None = None,
) -> Paneel:
    """The panel of ``indicator`` for all areas of one level, with the programme's areas marked.

    The level is the finest of buurt, wijk and gemeente that the indicator has values for and that
    every treated code reaches through its parent chain: a buurt code is measured by its wijk when
    the indicator has no buurt values (BU09350203 -> WK093502), with a note. Values come straight
    from the store when the indicator has one area classification on that level, else from
    ``reeks.harmoniseer`` on the newest classification in the data. An unknown code, or a treated
    area without values, raises ``InvoerFout`` naming it."""
    register = register or Register(toestand.regios, toestand.grenswijzigingen)
    w = toestand.waarnemingen
    w = w[w["indicator"] == indicator]
    if w.empty:
        raise InvoerFout(
            f"indicator '{indicator}' staat niet in de opslag; laad eerst de tabel met die indicator"
        )
    codes = _controleer_codes(behandeld_codes, register, set(w["regio"].astype(str)))
    niveau = _niveau(codes, _niveaus_in(w), indicator)
    opmerkingen: list[str] = []
    behandeld = _naar_niveau(codes, niveau, register, indicator, opmerkingen)
    lang, indeling = _waarden(toestand, w, niveau, register, opmerkingen)
    gebieden = np.array(sorted(lang["regio"].unique()), dtype=object)
    perioden = np.array(sorted(lang["periode"].unique()), dtype=int)
    _controleer_aanwezig(behandeld, set(gebieden), indicator, niveau, indeling)
    y, onder, boven = (_matrix(lang, kolom, gebieden, perioden) for kolom in ("waarde", "onder", "boven"))
    kenmerken = _kenmerken(register, niveau, gebieden, start)
    return Paneel(
        indicator=indicator,
        niveau=niveau,
        indeling=indeling,
        gebieden=gebieden,
        namen=kenmerken["naam"].to_numpy(dtype=object),
        perioden=perioden,
        y=y,
        onder=onder,
        boven=boven,
        stedelijkheid=kenmerken["stedelijkheid"].to_numpy(dtype=float),
        inwoners=kenmerken["inwoners"].to_numpy(dtype=float),
        behandeld=np.isin(gebieden, sorted(behandeld)),
        start=int(start),
        opmerkingen=opmerkingen,
    )


def _controleer_codes(codes: Sequence[str], register: Register, in_data: set[str]) -> list[str]:
    uit: list[str] = []
    for ruw in codes:
        code = normaliseer(str(ruw))
        if niveau_van(code) is None:
            raise InvoerFout(
                f"'{ruw}' is geen regiocode (verwacht bijvoorbeeld GM0917, WK091711 of BU09350203)"
            )
        if not register.bestaat(code) and code not in in_data:
            raise InvoerFout(
                f"onbekende regiocode '{code}': niet in het gebiedsregister en niet in de gegevens"
            )
        if code not in uit:
            uit.append(code)
    if not uit:
        raise InvoerFout("geen behandelde gebieden opgegeven")
    return uit


def _niveaus_in(w: pd.DataFrame) -> set[str]:
    voorvoegsels = set(w["regio"].astype(str).str[:2].unique())
    return {n for n, v in (("buurt", "BU"), ("wijk", "WK"), ("gemeente", "GM")) if v in voorvoegsels}


def _niveau(codes: list[str], beschikbaar: set[str], indicator: str) -> Niveau:
    for niveau in _FIJN_NAAR_GROF:
        if niveau in beschikbaar and all(_op_niveau(c, niveau) is not None for c in codes):
            return niveau
    grof = [c for c in codes if not any(_op_niveau(c, n) for n in beschikbaar)]
    niveaus = ", ".join(n for n in _FIJN_NAAR_GROF if n in beschikbaar) or "geen buurt, wijk of gemeente"
    raise InvoerFout(
        f"indicator '{indicator}' heeft waarden per {niveaus}; "
        f"{', '.join(grof) or ', '.join(codes)} ligt daar niet binnen (een effect wordt gemeten op het "
        "niveau van de gebieden of hoger, niet lager)"
    )


def _op_niveau(code: str, niveau: str) -> str | None:
    """The code, or its parent, on ``niveau`` (None when the code is coarser)."""
    huidig: str | None = code
    while huidig is not None and niveau_van(huidig) != niveau:
        huidig = ouder_van(huidig)
    return huidig


def _naar_niveau(
    codes: list[str], niveau: str, register: Register, indicator: str, opmerkingen: list[str]
) -> list[str]:
    uit: list[str] = []
    for code in codes:
        doel = _op_niveau(code, niveau)
        assert doel is not None  # _niveau checked every code
        if doel != code:
            opmerkingen.append(
                f"{code} ({register.naam(code) or 'onbekende naam'}) valt in {niveau} {doel} "
                f"({register.naam(doel) or 'onbekende naam'}): gemeten als {doel}, want {indicator} "
                f"heeft geen waarden per {niveau_van(code)}"
            )
        if doel not in uit:
            uit.append(doel)
    return uit


def _waarden(
    toestand: Toestand, w: pd.DataFrame, niveau: str, register: Register, opmerkingen: list[str]
) -> tuple[pd.DataFrame, int]:
    """Long (regio, periode, waarde, onder, boven) for all areas of the level, on one classification."""
    deel = w[w["regio"].astype(str).map(niveau_van) == niveau]
    indelingen = sorted(int(i) for i in deel["indeling"].unique())
    if len(indelingen) == 1:
        lang, doel = deel[["regio", "periode", "waarde", "onder", "boven"]], indelingen[0]
    else:
        lang, doel = _geharmoniseerd(toestand, str(w["indicator"].iloc[0]), niveau, register)
        opmerkingen.append(_harmonisatienotitie(lang, niveau, indelingen, doel))
    lang = lang.assign(regio=lang["regio"].astype(str), periode=lang["periode"].astype(str).astype(int))
    lang = lang.dropna(subset=["waarde"]).drop_duplicates(["regio", "periode"], keep="last")
    return lang.reset_index(drop=True), doel


def _geharmoniseerd(
    toestand: Toestand, indicator: str, niveau: str, register: Register
) -> tuple[pd.DataFrame, int]:
    """All areas on the target classification of ``reeks`` (the newest the register knows for the
    level), via ``reeks.harmoniseer``; looked up at run time."""
    from .. import reeks

    harmoniseer: Any = getattr(reeks, "harmoniseer", None)
    doelindeling: Any = getattr(reeks, "doelindeling", None)
    if harmoniseer is None or doelindeling is None:
        raise InvoerFout(
            f"indicator '{indicator}' staat in meer dan één {niveau}indeling en het omzetten naar één "
            "indeling (reeks.harmoniseer) is in deze versie nog niet beschikbaar"
        )
    doel = int(doelindeling(toestand, niveau, None, register))
    frame: pd.DataFrame = harmoniseer(toestand, indicator, indeling=doel, niveau=niveau, register=register)
    return frame, doel


def _harmonisatienotitie(lang: pd.DataFrame, niveau: str, indelingen: list[int], doel: int) -> str:
    jaren = ", ".join(str(i) for i in indelingen)
    omgezet = int(lang["geharmoniseerd"].astype(bool).sum()) if "geharmoniseerd" in lang else 0
    ontbrekend = int(lang["waarde"].isna().sum())
    return (
        f"de waarden staan in verschillende {niveau}indelingen ({jaren}); alle zijn omgezet naar de "
        f"indeling van {doel} ({omgezet} waarden samengevoegd uit voorgangers, {ontbrekend} niet om te "
        "zetten en weggelaten)"
    )


def _controleer_aanwezig(
    behandeld: list[str], gebieden: set[str], indicator: str, niveau: str, indeling: int
) -> None:
    ontbrekend = [c for c in behandeld if c not in gebieden]
    if ontbrekend:
        raise InvoerFout(
            f"geen waarden van '{indicator}' voor {', '.join(ontbrekend)} in de {niveau}indeling van "
            f"{indeling} (bestaat de code in die indeling?)"
        )


def _matrix(lang: pd.DataFrame, kolom: str, gebieden: np.ndarray, perioden: np.ndarray) -> np.ndarray:
    breed = lang.pivot(index="regio", columns="periode", values=kolom)
    return breed.reindex(index=gebieden, columns=perioden).to_numpy(dtype=float)


def _kenmerken(register: Register, niveau: str, gebieden: np.ndarray, start: int) -> pd.DataFrame:
    """Name, urbanity class and inhabitants per area: the register year nearest to the last
    pre-start year (the earlier on a tie)."""
    t = register.tabel
    uit = pd.DataFrame(index=pd.Index(gebieden, name="code"))
    if t.empty:
        return uit.assign(naam=uit.index.to_numpy(), stedelijkheid=np.nan, inwoners=np.nan)
    t = t[t["niveau"] == niveau]
    for kolom in ("naam", "stedelijkheid", "inwoners"):
        dichtst = dichtstbijzijnd(t.dropna(subset=[kolom]), start - 1)
        uit[kolom] = dichtst.set_index("code")[kolom].reindex(uit.index)
    uit["naam"] = uit["naam"].fillna(pd.Series(uit.index, index=uit.index))
    return uit
