"""Region register: every area with code, name, level, parent chain and, per year, urbanity
class, omgevingsadressendichtheid and population; plus gemeente changes between years.

Built from the register rows that KWB and "Gebieden in Nederland" tables put in the store.
Herindelingen are derived from the data: gemeente codes that disappear between consecutive
Gebieden tables, with successors from the address-weighted change matrices when loaded, or else
estimated from the inhabitant counts of the same tables (``herindeling.py``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from .codes import NEDERLAND, gemeente_van, niveau_van, ouder_van
from .herindeling import onverklaarde_groei, wijs_toe

STEDELIJKHEID_LABELS = {
    1: "zeer sterk stedelijk",
    2: "sterk stedelijk",
    3: "matig stedelijk",
    4: "weinig stedelijk",
    5: "niet stedelijk",
}

# Gebieden in Nederland is the authority for gemeenten; KWB for wijken and buurten.
_PRIORITEIT = {"gebieden": 0, "kwb": 1}


def dichtstbijzijnd_jaar(jaren: Iterable[int], jaar: int) -> int:
    """The one rule for picking a vintage: of ``jaren`` the year nearest to ``jaar``, the earlier
    one on a tie."""
    return min((int(j) for j in jaren), key=lambda j: (abs(j - jaar), j))


def op_nabijheid(tabel: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """The rows of ``tabel`` (with a ``jaar`` column) in the order of ``dichtstbijzijnd_jaar``:
    the nearest year first, the earlier one on a tie."""
    afstand = (tabel["jaar"].astype(int) - jaar).abs()
    volgorde = tabel.assign(_afstand=afstand).sort_values(["_afstand", "jaar"], kind="stable")
    return volgorde.drop(columns="_afstand")


def dichtstbijzijnd(tabel: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Per code the row of the year nearest to ``jaar`` (the earlier one on a tie)."""
    return op_nabijheid(tabel, jaar).drop_duplicates("code")


@dataclass
class Herindeling:
    jaar: int
    oude_code: str
    oude_naam: str
    nieuwe_code: str
    nieuwe_naam: str
    aandeel: float
    methode: str


class Register:
    def __init__(self, regios: pd.DataFrame, grenswijzigingen: pd.DataFrame | None = None) -> None:
        self._ruw = regios
        self._grenswijzigingen = grenswijzigingen

    @cached_property
    def tabel(self) -> pd.DataFrame:
        """One row per (code, jaar): the first non-empty value of each field, by source priority."""
        if self._ruw.empty:
            return self._ruw.copy()
        from .bronnen import bronregister

        soort = {t.id: t.soort for t in bronregister().tabel}
        # ``bron`` is "<table id>:<file name>"; two files of one table complement each other.
        bron = self._ruw["bron"].astype(str)
        rang_van = {b: _PRIORITEIT.get(soort.get(b.split(":")[0], ""), 9) for b in bron.unique()}
        rang = bron.map(rang_van)  # one look-up per distinct source, not per row
        geordend = self._ruw.assign(_rang=rang).sort_values(["code", "jaar", "_rang"])
        samengevoegd = (
            geordend.drop(columns=["_rang", "bron"])
            .groupby(["code", "jaar"], sort=True)
            .first()
            .reset_index()
        )
        samengevoegd["jaar"] = samengevoegd["jaar"].astype(int)
        return samengevoegd

    @cached_property
    def _posities(self) -> dict[str, Any]:
        """Row positions per code (the table is sorted by code and year)."""
        return {str(c): p for c, p in self.tabel.groupby("code", sort=False).indices.items()}

    def jaren(self, code: str) -> pd.DataFrame:
        posities = self._posities.get(code)
        return self.tabel.iloc[posities] if posities is not None else self.tabel.iloc[0:0]

    def bestaat(self, code: str) -> bool:
        return code in self._posities

    def gemeenten(self, jaar: int) -> pd.DataFrame:
        t = self.tabel
        return t[(t["jaar"] == jaar) & (t["niveau"] == "gemeente")]

    def gemeentejaren(self) -> list[int]:
        t = self.tabel
        return sorted(int(j) for j in t.loc[t["niveau"] == "gemeente", "jaar"].astype(int).tolist())

    def stedelijkheid(self, code: str) -> dict[int, int]:
        rijen = self.jaren(code).dropna(subset=["stedelijkheid"])
        jaren = rijen["jaar"].astype(int).tolist()
        klassen = rijen["stedelijkheid"].astype(int).tolist()
        return dict(zip(jaren, klassen, strict=True))

    def provincies(self, jaar: int) -> dict[str, str]:
        """Gemeente code -> provincie code, from the register year nearest to ``jaar``."""
        t = self.tabel
        if t.empty:
            return {}
        dichtst = dichtstbijzijnd(t[(t["niveau"] == "gemeente") & t["provincie"].notna()], jaar)
        return dict(zip(dichtst["code"].astype(str), dichtst["provincie"].astype(str), strict=True))

    @cached_property
    def _provincie_per_jaar(self) -> dict[str, dict[int, str]]:
        t = self.tabel
        if t.empty:
            return {}
        t = t[(t["niveau"] == "gemeente") & t["provincie"].notna()]
        uit: dict[str, dict[int, str]] = {}
        for code, jaar, provincie in zip(t["code"], t["jaar"], t["provincie"], strict=True):
            uit.setdefault(str(code), {})[int(jaar)] = str(provincie)
        return uit

    def provincie(self, gemeente: str, jaar: int) -> str | None:
        """The gemeente's provincie in the register year nearest to ``jaar`` (earlier year on a tie)."""
        per_jaar = self._provincie_per_jaar.get(gemeente)
        return per_jaar[dichtstbijzijnd_jaar(per_jaar, jaar)] if per_jaar else None

    def ouders(self, code: str, jaar: int | None = None) -> list[str]:
        """Parent chain: buurt -> wijk -> gemeente -> provincie -> Nederland."""
        keten: list[str] = []
        huidig: str | None = code
        while huidig is not None:
            volgende = ouder_van(huidig)
            if volgende is None and niveau_van(huidig) == "gemeente":
                volgende = self.provincie(huidig, jaar or 9999)
            if volgende is None and niveau_van(huidig) in ("provincie", "gemeente", "wijk", "buurt"):
                volgende = NEDERLAND
            if volgende is not None:
                keten.append(volgende)
            huidig = volgende if volgende != NEDERLAND else None
        return keten

    def naam(self, code: str) -> str | None:
        namen = self.jaren(code)["naam"].dropna()
        return str(namen.iloc[-1]) if len(namen) else None

    def naam_naar_code(self, jaar: int) -> dict[str, str]:
        """Labels as StatLine shows them (``Limburg (PV)``, ``Beek (L.)``) -> codes, for
        tables that identify regions by name. Nearest year wins."""
        t = self.tabel
        if t.empty:
            return {"Nederland": NEDERLAND}
        achtervoegsel = {"provincie": " (PV)", "ggd": " (GG)", "landsdeel": " (LD)"}
        kaart: dict[str, str] = {}
        # nearest year first: the first code a label gets is the one it keeps
        for rij in op_nabijheid(t.dropna(subset=["naam"]), jaar).itertuples():
            naam = str(rij.naam)
            if rij.niveau == "gemeente":
                kaart.setdefault(naam, str(rij.code))
                kaart.setdefault(f"{naam} (GM)", str(rij.code))
            elif rij.niveau in achtervoegsel:
                kaart.setdefault(naam + str(achtervoegsel[str(rij.niveau)]), str(rij.code))
        kaart["Nederland"] = NEDERLAND
        return kaart

    def naamzoeker(self, jaar: int) -> Callable[[str], str | None]:
        """Label -> code, also for abbreviated GGD names ("Veiligh. en Gez. Gelderland-Midden (GG)"
        is "Veiligheids- en Gezondheidsregio Gelderland-Midden" in Gebieden in Nederland)."""
        kaart = self.naam_naar_code(jaar)
        ggd = {
            _ggd_sleutel(naam[: -len(" (GG)")]): code
            for naam, code in kaart.items()
            if naam.endswith(" (GG)")
        }

        def zoek(label: str) -> str | None:
            code = kaart.get(label)
            if code is None and label.endswith(" (GG)"):
                code = ggd.get(_ggd_sleutel(label[: -len(" (GG)")]))
            return code

        return zoek

    def herindelingen(self) -> list[Herindeling]:
        jaren = self.gemeentejaren()
        uit: list[Herindeling] = []
        for van, naar in itertools.pairwise(jaren):
            if naar == van + 1:
                uit.extend(self._herindelingen_tussen(van, naar))
        return uit

    def _herindelingen_tussen(self, van: int, naar: int) -> list[Herindeling]:
        oud = self.gemeenten(van).set_index("code")
        nieuw = self.gemeenten(naar).set_index("code")
        verdwenen = sorted(set(oud.index) - set(nieuw.index))
        uit: list[Herindeling] = []
        zonder_matrix = []
        for code in verdwenen:
            via_adressen = self._opvolgers_uit_matrix(code, van, naar, set(oud.index), set(nieuw.index))
            totaal = sum(via_adressen.values())
            uit.extend(
                Herindeling(
                    naar,
                    code,
                    str(oud.at[code, "naam"]),
                    c,
                    str(nieuw.at[c, "naam"]),
                    a / totaal,
                    "adressen (grenswijzigingsmatrix)",
                )
                for c, a in sorted(via_adressen.items())
            )
            if not via_adressen:
                zonder_matrix.append(code)
        return uit + self._geschatte_opvolgers(zonder_matrix, naar, oud, nieuw)

    def _geschatte_opvolgers(
        self, verdwenen: list[str], naar: int, oud: pd.DataFrame, nieuw: pd.DataFrame
    ) -> list[Herindeling]:
        uit: list[Herindeling] = []
        blijvend = oud.index.intersection(nieuw.index)
        groei = (nieuw.loc[blijvend, "inwoners"] / oud.loc[blijvend, "inwoners"] - 1).median()
        for provincie in sorted({str(oud.at[c, "provincie"]) for c in verdwenen}):
            hier = [c for c in verdwenen if str(oud.at[c, "provincie"]) == provincie]
            na = nieuw[nieuw["provincie"] == provincie]["inwoners"].dropna()
            voor = oud["inwoners"].dropna()
            onverklaard = onverklaarde_groei(_als_getallen(voor), _als_getallen(na), float(groei))
            nieuwe = set(na.index) - set(oud.index)
            onverklaard = _alleen_gewijzigd(onverklaard, nieuw, nieuwe)
            toewijzing = wijs_toe(_als_getallen(oud.loc[hier, "inwoners"]), onverklaard, nieuwe)
            uit.extend(
                Herindeling(
                    naar,
                    c,
                    str(oud.at[c, "naam"]),
                    d,
                    str(nieuw.at[d, "naam"]),
                    1.0,
                    "geschat uit inwonertallen (Gebieden in Nederland)",
                )
                for c, d in sorted(toewijzing.items())
            )
        return uit

    def _opvolgers_uit_matrix(
        self, code: str, van: int, naar: int, oude_codes: set[str], nieuwe_codes: set[str]
    ) -> dict[str, float]:
        gw = self._grenswijzigingen
        if gw is None or gw.empty:
            return {}
        deel = gw[(gw["niveau"] == "gemeente") & (gw["van_jaar"] == van) & (gw["naar_jaar"] == naar)]
        if deel.empty:
            return {}
        # The matrices' orientation is not documented; the axis whose codes all existed in the
        # from-year holds the old codes.
        oud_as, nieuw_as = ("kolom", "rij") if set(deel["kolom"]) <= oude_codes else ("rij", "kolom")
        rijen = deel[(deel[oud_as] == code) & deel[nieuw_as].isin(nieuwe_codes)]
        return {str(k): float(v) for k, v in rijen.groupby(nieuw_as)["adressen"].sum().items()}

    def _provincie_van(self, code: str, jaar: int) -> str | None:
        gemeente = gemeente_van(code)
        if gemeente is None:
            return None
        return self.provincie(gemeente, jaar)

    def profiel(self, code: str) -> dict[str, Any]:
        rijen = self.jaren(code)
        laatste = rijen.iloc[-1] if len(rijen) else None
        jaar = int(laatste["jaar"]) if laatste is not None else None
        return {
            "code": code,
            "naam": self.naam(code),
            "niveau": niveau_van(code),
            "gemeente": gemeente_van(code),
            "ouders": [
                {"code": c, "naam": self.naam(c), "niveau": niveau_van(c)} for c in self.ouders(code, jaar)
            ],
            "per_jaar": [
                {**profiel, "provincie": self._provincie_van(code, profiel["jaar"])}
                for profiel in (_jaarprofiel(r) for r in rijen.itertuples())
            ],
        }


def _alleen_gewijzigd(groei: dict[str, float], nieuw: pd.DataFrame, nieuwe: set[str]) -> dict[str, float]:
    """Where a KWB table of the to-year says which gemeenten kept their boundaries
    (IndelingswijzigingGemeenteWijkBuurt = 1), those are no successors."""
    vlag = nieuw["indelingswijziging"].dropna().astype(str).str.strip()
    ongewijzigd = set(vlag[vlag == "1"].index) - nieuwe
    return {c: g for c, g in groei.items() if c not in ongewijzigd}


def _ggd_sleutel(naam: str) -> str:
    return re.split(r"GGD |Gez\. |Gezondheidsregio ", naam)[-1].strip().lower()


def _als_getallen(reeks: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in zip(reeks.index, reeks.to_numpy(dtype="float64"), strict=True)}


def _jaarprofiel(rij: Any) -> dict[str, Any]:
    klasse = None if pd.isna(rij.stedelijkheid) else int(rij.stedelijkheid)
    return {
        "jaar": int(rij.jaar),
        "naam": rij.naam,
        "stedelijkheid": klasse,
        "stedelijkheid_label": STEDELIJKHEID_LABELS.get(klasse) if klasse else None,
        "omgevingsadressendichtheid": None if pd.isna(rij.oad) else float(rij.oad),
        "inwoners": None if pd.isna(rij.inwoners) else int(rij.inwoners),
    }
