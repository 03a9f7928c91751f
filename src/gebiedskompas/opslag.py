"""The indicator store: long-format observations, register rows, boundary changes, boundaries and
provenance, kept as Parquet/JSON files in one folder.

Every write builds a complete new snapshot folder and then switches the ``HUIDIG`` pointer with
one atomic rename, so an error or a kill mid-write leaves the previous state intact. Unchanged
state is never rewritten, so loading the same files twice leaves the folder byte-identical.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .catalogus import Indicator, registreer_eigen
from .errors import OpslagFout
from .model import GRENSWIJZIGING_KOLOMMEN, lege_regios, lege_waarnemingen

OMGEVINGSVARIABELE = "GEBIEDSKOMPAS_OPSLAG"
_WIJZER = "HUIDIG"
_BESTANDEN = {
    "waarnemingen": "waarnemingen.parquet",
    "regios": "regios.parquet",
    "grenswijzigingen": "grenswijzigingen.parquet",
}


def lege_grenswijzigingen() -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(dtype=object) for k in GRENSWIJZIGING_KOLOMMEN})
    return frame.astype({"van_jaar": "int64", "naar_jaar": "int64", "adressen": "float64"})


@dataclass
class Toestand:
    """The whole content of the store, in memory."""

    waarnemingen: pd.DataFrame = field(default_factory=lege_waarnemingen)
    regios: pd.DataFrame = field(default_factory=lege_regios)
    grenswijzigingen: pd.DataFrame = field(default_factory=lege_grenswijzigingen)
    ladingen: list[dict[str, Any]] = field(default_factory=list)
    grenzen: dict[str, str] = field(default_factory=dict)  # "niveau_jaar" -> object file name
    indicatoren: list[Indicator] = field(default_factory=list)  # own indicator definitions (eigen.*)

    def bekende_hashes(self) -> set[str]:
        return {str(lading["sha256"]) for lading in self.ladingen}


def standaard_map() -> Path:
    from .instellingen import instellingen

    return instellingen().opslag


class Opslag:
    def __init__(self, map: Path) -> None:
        self.map = map

    @property
    def objecten(self) -> Path:
        return self.map / "objecten"

    def huidige_versie(self) -> str | None:
        wijzer = self.map / _WIJZER
        return wijzer.read_text(encoding="utf-8").strip() if wijzer.is_file() else None

    def lees(self) -> Toestand:
        versie = self.huidige_versie()
        if versie is None:
            return Toestand()
        snapshot = self.map / versie
        try:
            meta = json.loads((snapshot / "herkomst.json").read_text(encoding="utf-8"))
            toestand = Toestand(
                waarnemingen=_met_indeling(pd.read_parquet(snapshot / _BESTANDEN["waarnemingen"])),
                regios=pd.read_parquet(snapshot / _BESTANDEN["regios"]),
                grenswijzigingen=pd.read_parquet(snapshot / _BESTANDEN["grenswijzigingen"]),
                ladingen=meta["ladingen"],
                grenzen=meta["grenzen"],
                indicatoren=[Indicator.model_validate(i) for i in meta.get("indicatoren", [])],
            )
        except (OSError, ValueError, KeyError) as e:
            raise OpslagFout(f"de opslag in {self.map} is onleesbaar ({e})") from e
        registreer_eigen(str(self.map.resolve()), toestand.indicatoren)
        return toestand

    def lees_grenzen(self, sleutel: str) -> dict[str, Any] | None:
        versie = self.huidige_versie()
        if versie is None:
            return None
        try:
            meta = json.loads((self.map / versie / "herkomst.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise OpslagFout(f"de opslag in {self.map} is onleesbaar ({e})") from e
        naam = meta.get("grenzen", {}).get(sleutel)
        if naam is None:
            return None
        inhoud: dict[str, Any] = json.loads((self.objecten / naam).read_text(encoding="utf-8"))
        return inhoud

    def bewaar_object(self, inhoud: bytes, naam: str) -> None:
        """Content-addressed, immutable files (boundaries): written once, then referenced."""
        self.objecten.mkdir(parents=True, exist_ok=True)
        doel = self.objecten / naam
        if doel.exists():
            return
        tijdelijk = self.objecten / f".{naam}.{os.getpid()}.tmp"
        _schrijf_bytes(tijdelijk, inhoud)
        os.replace(tijdelijk, doel)

    def schrijf(self, toestand: Toestand) -> str:
        self.map.mkdir(parents=True, exist_ok=True)
        self._ruim_op()
        vorige = self.huidige_versie()
        nummer = int(vorige[1:]) + 1 if vorige else 1
        versie = f"v{nummer:06d}"
        tijdelijk = self.map / f".tmp-{versie}-{os.getpid()}"
        tijdelijk.mkdir()
        for sleutel, naam in _BESTANDEN.items():
            frame: pd.DataFrame = getattr(toestand, sleutel)
            _als_categorie(frame).to_parquet(tijdelijk / naam, index=False)
            _fsync(tijdelijk / naam)
        meta: dict[str, Any] = {"versie": versie, "ladingen": toestand.ladingen, "grenzen": toestand.grenzen}
        if toestand.indicatoren:
            meta["indicatoren"] = [i.model_dump(exclude_defaults=True) for i in toestand.indicatoren]
        _schrijf_bytes(
            tijdelijk / "herkomst.json",
            json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True).encode(),
        )
        os.rename(tijdelijk, self.map / versie)
        wijzer_tmp = self.map / f".{_WIJZER}.{os.getpid()}.tmp"
        _schrijf_bytes(wijzer_tmp, versie.encode())
        os.replace(wijzer_tmp, self.map / _WIJZER)
        _fsync_map(self.map)
        if vorige:
            shutil.rmtree(self.map / vorige, ignore_errors=True)
        registreer_eigen(str(self.map.resolve()), toestand.indicatoren)
        return versie

    def _ruim_op(self) -> None:
        """Remove what an interrupted write left behind: temp folders and stray snapshots."""
        huidig = self.huidige_versie()
        for pad in self.map.iterdir():
            weg = pad.name.startswith((".tmp-", f".{_WIJZER}.")) or (
                pad.is_dir() and pad.name.startswith("v") and pad.name != huidig
            )
            if weg:
                if pad.is_dir():
                    shutil.rmtree(pad, ignore_errors=True)
                else:
                    pad.unlink(missing_ok=True)


def _met_indeling(waarnemingen: pd.DataFrame) -> pd.DataFrame:
    """Stores written before the ``indeling`` column: each table's classification year."""
    if "indeling" in waarnemingen.columns:
        return waarnemingen
    from .bronnen import bronregister

    jaren = {t.id: t.jaar for t in bronregister().tabel}
    periodejaar = pd.to_numeric(waarnemingen["periode"].astype(str).str[:4], errors="coerce")
    indeling = waarnemingen["bron"].astype(str).map(jaren).fillna(periodejaar).fillna(0)
    return waarnemingen.assign(indeling=indeling.astype("int64"))


def _als_categorie(frame: pd.DataFrame) -> pd.DataFrame:
    """Dictionary-encode the repetitive text columns: smaller files, and filtering millions of
    observations by indicator or period becomes an integer comparison."""
    kolommen = [k for k in ("regio", "periode", "indicator", "bron", "niveau") if k in frame.columns]
    return frame.astype({k: "category" for k in kolommen})


def _schrijf_bytes(pad: Path, inhoud: bytes) -> None:
    with pad.open("wb") as f:
        f.write(inhoud)
        f.flush()
        os.fsync(f.fileno())


def _fsync(pad: Path) -> None:
    with pad.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_map(map: Path) -> None:
    fd = os.open(map, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
