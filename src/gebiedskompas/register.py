"""Region register: every area with code, name, level, parent chain and, per year, urbanity
class, omgevingsadressendichtheid and population; plus gemeente changes between years.

Built from the register rows that KWB and "Gebieden in Nederland" tables put in the store.
Herindelingen are derived from the data: gemeente codes that disappear between consecutive
Gebieden tables, with successors from the address-weighted change matrices when loaded, or else
from the new or changed gemeenten (KWB ``IndelingswijzigingGemeenteWijkBuurt``) of the same COROP
area and provincie.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from .codes import NEDERLAND, gemeente_van, niveau_van, ouder_van

STEDELIJKHEID_LABELS = {
    1: "zeer sterk stedelijk",
    2: "sterk stedelijk",
    3: "matig stedelijk",
    4: "weinig stedelijk",
    5: "niet stedelijk",
}

# Gebieden in Nederland is the authority for gemeenten; KWB for wijken and buurten.
_PRIORITEIT = {"gebieden": 0, "kwb": 1}


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
        rang = self._ruw["bron"].map(lambda b: _PRIORITEIT.get(soort.get(b, ""), 9))
        geordend = self._ruw.assign(_rang=rang).sort_values(["code", "jaar", "_rang"])
        samengevoegd = (
            geordend.drop(columns=["_rang", "bron"])
            .groupby(["code", "jaar"], sort=True)
            .first()
            .reset_index()
        )
        samengevoegd["jaar"] = samengevoegd["jaar"].astype(int)
        return samengevoegd

    def jaren(self, code: str) -> pd.DataFrame:
        return self.tabel[self.tabel["code"] == code].sort_values("jaar")

    def bestaat(self, code: str) -> bool:
        return bool((self.tabel["code"] == code).any()) if not self.tabel.empty else False

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

    def provincie(self, gemeente: str, jaar: int) -> str | None:
        rijen = self.jaren(gemeente).dropna(subset=["provincie"])
        if rijen.empty:
            return None
        rijen = rijen.assign(afstand=(rijen["jaar"] - jaar).abs()).sort_values(["afstand", "jaar"])
        return str(rijen.iloc[0]["provincie"])

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
        geordend = t.dropna(subset=["naam"]).assign(afstand=(t["jaar"] - jaar).abs())
        geordend = geordend.sort_values(["afstand", "jaar"], ascending=[False, True])
        achtervoegsel = {"provincie": " (PV)", "ggd": " (GG)", "landsdeel": " (LD)"}
        kaart: dict[str, str] = {}
        for rij in geordend.itertuples():
            naam = str(rij.naam)
            if rij.niveau == "gemeente":
                kaart[naam] = str(rij.code)
                kaart[f"{naam} (GM)"] = str(rij.code)
            elif rij.niveau in achtervoegsel:
                kaart[naam + str(achtervoegsel[str(rij.niveau)])] = str(rij.code)
        kaart["Nederland"] = NEDERLAND
        return kaart

    def herindelingen(self) -> list[Herindeling]:
        jaren = self.gemeentejaren()
        uit: list[Herindeling] = []
        for van, naar in itertools.pairwise(jaren):
            if naar != van + 1:
                continue
            oud = self.gemeenten(van).set_index("code")
            nieuw = self.gemeenten(naar).set_index("code")
            verdwenen = sorted(set(oud.index) - set(nieuw.index))
            for code in verdwenen:
                uit.extend(self._opvolgers(code, van, naar, oud, nieuw))
        return uit

    def _opvolgers(
        self, code: str, van: int, naar: int, oud: pd.DataFrame, nieuw: pd.DataFrame
    ) -> list[Herindeling]:
        oude_naam = str(oud.at[code, "naam"])
        via_adressen = self._opvolgers_uit_matrix(code, van, naar, set(oud.index), set(nieuw.index))
        if via_adressen:
            totaal = sum(via_adressen.values())
            return [
                Herindeling(
                    naar,
                    code,
                    oude_naam,
                    c,
                    str(nieuw.at[c, "naam"]),
                    a / totaal,
                    "adressen (grenswijzigingsmatrix)",
                )
                for c, a in sorted(via_adressen.items())
            ]
        kandidaten = self._heuristische_opvolgers(code, oud, nieuw)
        return [
            Herindeling(
                naar,
                code,
                oude_naam,
                c,
                str(nieuw.at[c, "naam"]),
                1 / len(kandidaten),
                "afgeleid uit Gebieden in Nederland (zelfde COROP-gebied)",
            )
            for c in kandidaten
        ]

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

    @staticmethod
    def _heuristische_opvolgers(code: str, oud: pd.DataFrame, nieuw: pd.DataFrame) -> list[str]:
        gebied = oud.at[code, "corop"]
        buren = nieuw[nieuw["corop"] == gebied] if gebied is not None else nieuw.iloc[0:0]
        nieuwe = [c for c in buren.index if c not in oud.index]
        if nieuwe:
            return sorted(nieuwe)
        gewijzigd = buren[buren["indelingswijziging"].fillna("").astype(str).str.strip().isin(["2", "3"])]
        if len(gewijzigd):
            return sorted(gewijzigd.index)
        groei = (nieuw["inwoners"] - oud["inwoners"].reindex(nieuw.index)).reindex(buren.index)
        return [str(groei.idxmax())] if groei.notna().any() else []

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
            "per_jaar": [_jaarprofiel(r) for r in rijen.itertuples()],
        }


def _jaarprofiel(rij: Any) -> dict[str, Any]:
    klasse = None if pd.isna(rij.stedelijkheid) else int(rij.stedelijkheid)
    return {
        "jaar": int(rij.jaar),
        "naam": rij.naam,
        "stedelijkheid": klasse,
        "stedelijkheid_label": STEDELIJKHEID_LABELS.get(klasse) if klasse else None,
        "omgevingsadressendichtheid": None if pd.isna(rij.oad) else float(rij.oad),
        "inwoners": None if pd.isna(rij.inwoners) else int(rij.inwoners),
        "provincie": rij.provincie,
    }
