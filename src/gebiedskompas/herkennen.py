"""Recognise what a file is: which table of the source registry, in which official format."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .bronnen import Tabel, bronregister
from .readers import grenswijziging
from .readers.leefbaarometer import is_lbm2_pc4, is_lbm3
from .readers.odata import parquet_tabel_id
from .readers.statline_csv import kies_scheidingsteken

Formaat = Literal["csv", "xlsx", "parquet", "odata_json", "lbm2_pc4", "grenzen", "grenswijziging"]

_GEEN_DATA = {".md", ".txt", ".pdf", ".r", ".py", ".html", ".docx", ".zip", ".log"}


@dataclass
class Herkenning:
    pad: Path
    formaat: Formaat | None = None
    tabel: Tabel | None = None
    reden: str | None = None  # why the file is skipped

    @property
    def overslaan(self) -> bool:
        return self.formaat is None


def herken(pad: Path) -> Herkenning:
    ext = pad.suffix.lower()
    if ext in _GEEN_DATA or pad.name.startswith("."):
        return Herkenning(pad, reden="geen databestand")
    if ext == ".rda":
        if grenswijziging.herken(pad):
            return Herkenning(pad, "grenswijziging")
        return Herkenning(pad, reden="R-bestand dat geen grenswijzigingsmatrix is")
    if ext == ".parquet":
        return _herken_parquet(pad)
    if ext in (".json", ".geojson", ".topojson"):
        return _herken_json(pad)
    if ext in (".csv", ".xlsx"):
        return _herken_tabel(pad, "csv" if ext == ".csv" else "xlsx")
    return Herkenning(pad, reden=f"onbekend bestandstype '{ext or pad.name}'")


def _onbekend(pad: Path, tabel_id: str) -> Herkenning:
    return Herkenning(pad, reden=f"tabel {tabel_id} staat niet in het bronregister")


def _herken_parquet(pad: Path) -> Herkenning:
    tabel_id = parquet_tabel_id(pad)
    if tabel_id is None:
        return Herkenning(pad, reden="metadata- of dimensiebestand (wordt gelezen bij de tabel zelf)")
    if not bronregister().bekend(tabel_id):
        return _onbekend(pad, tabel_id)
    return Herkenning(pad, "parquet", bronregister().zoek(tabel_id))


def _kop(pad: Path, aantal: int = 4096) -> str:
    with pad.open("rb") as f:
        return f.read(aantal).decode("utf-8-sig", errors="replace")


def _herken_json(pad: Path) -> Herkenning:
    if pad.name.lower() == "typeddataset.json":
        tabel_id = pad.parent.name
        if bronregister().bekend(tabel_id):
            return Herkenning(pad, "odata_json", bronregister().zoek(tabel_id))
        return _onbekend(pad, tabel_id)
    try:
        document = json.loads(pad.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return Herkenning(pad, reden="JSON-bestand dat niet te lezen is (afgekapt of beschadigd?)")
    if isinstance(document, dict) and document.get("type") in ("Topology", "FeatureCollection"):
        return Herkenning(pad, "grenzen")
    return Herkenning(pad, reden=_json_reden(document))


def _json_reden(document: object) -> str:
    if isinstance(document, dict) and "odata.metadata" in document:
        url = str(document["odata.metadata"])
        m_tabel = re.search(r"/OData/(\w+)/\$metadata", url, re.IGNORECASE)
        m_entiteit = re.search(r"#(?:[\w.]*\.)?(\w+)$", url)
        if m_tabel is None:
            return "OData-catalogus (lijst van tabellen) zonder waarnemingen"
        tabel = m_tabel.group(1)
        entiteit = m_entiteit.group(1) if m_entiteit else "servicedocument"
        if not bronregister().bekend(tabel):
            return f"OData-antwoord ({entiteit}) van tabel {tabel}: staat niet in het bronregister"
        return (
            f"los OData-antwoord ({entiteit}) van tabel {tabel}; gebruik 'laad --cbs {tabel}' of "
            "de cache-indeling <TABEL>/TypedDataSet.json"
        )
    if isinstance(document, dict) and ("@odata.context" in document or "Identifier" in document):
        return "tabelmetadata (TableInfos of OData v4) zonder waarnemingen"
    return "metadata (TableInfos/DataProperties/kolombeschrijvingen) zonder waarnemingen"


def _herken_tabel(pad: Path, formaat: Literal["csv", "xlsx"]) -> Herkenning:
    tabel = bronregister().bij_bestandsnaam(pad.name)
    kop = _kop(pad).split("\n", 1)[0] if formaat == "csv" else ""
    kolommen = [k.strip().strip('"') for k in kop.split(kies_scheidingsteken(kop))] if kop else []
    if tabel is not None and tabel.soort == "lbm2_pc4":
        return Herkenning(pad, "lbm2_pc4", tabel)
    if tabel is not None:
        return Herkenning(pad, formaat, tabel)
    if is_lbm2_pc4(kolommen):
        return Herkenning(pad, "lbm2_pc4", bronregister().zoek("LBM2-PC4"))
    if is_lbm3(kolommen):
        return Herkenning(pad, formaat, bronregister().zoek("LBM3"))
    if "CODE" in kolommen and any(k.startswith("KL") for k in kolommen):
        return Herkenning(
            pad,
            reden="Leefbaarometer 2.0-klassenbestand (alleen klassen 1-9; de "
            "scores komen uit PC4DIMENSIE.csv)",
        )
    m = re.search(r"(\d{5}(?:NED|ned))", pad.name)
    if m:
        return _onbekend(pad, m.group(1))
    return Herkenning(
        pad, reden="tabel niet herkend: geen tabelnummer in de bestandsnaam en geen bekende kolomindeling"
    )
