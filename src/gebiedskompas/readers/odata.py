"""CBS OData v3: TypedDataSet with DataProperties, TableInfos and dimension tables, as JSON
pages (one file per entity set, ``odata.nextLink`` pages already followed and concatenated) and
as the parquet files common tools export (``cbs.v3.<ID>_TypedDataSet.parquet``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InvoerFout
from .core import RuweTabel


def lees_json(pad: Path) -> Any:
    """A JSON document: UTF-8 (RFC 8259; a BOM is allowed), or UTF-16/32 with its BOM."""
    ruw = pad.read_bytes()
    if not ruw.strip():
        raise InvoerFout("het bestand is leeg", bestand=pad)
    if ruw.startswith(b"\xef\xbb\xbf"):
        ruw = ruw[3:]
    try:
        return json.loads(ruw)
    except UnicodeDecodeError as e:
        raise InvoerFout(
            f"het bestand is geen UTF-8 (ongeldig teken op byte {e.start}); JSON moet UTF-8 zijn: "
            "sla het op als UTF-8 (is het Latin-1 of Windows-1252?)",
            bestand=pad,
        ) from e
    except RecursionError as e:
        raise InvoerFout("de JSON is te diep genest om te lezen", bestand=pad) from e
    except json.JSONDecodeError as e:
        raise InvoerFout(
            f"ongeldige JSON op regel {e.lineno}, positie {e.colno}: het bestand is afgekapt of beschadigd",
            bestand=pad,
        ) from e


def waarden(document: Any, pad: Path) -> list[dict[str, Any]]:
    """The rows of an OData response (``{"value": [...]}``) or of a cbsodata list."""
    rijen = document.get("value") if isinstance(document, dict) else document
    if not isinstance(rijen, list):
        raise InvoerFout("geen OData-antwoord: de sleutel 'value' met een lijst ontbreekt", bestand=pad)
    return rijen


def als_tekstframe(rijen: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rijen)
    return frame.astype(object).where(frame.notna(), None)


def versie_uit_tableinfos(info: Any) -> str | None:
    if isinstance(info, dict) and "value" in info:
        info = info["value"]
    if isinstance(info, list):
        info = info[0] if info else {}
    if not isinstance(info, dict):
        return None
    waarde = info.get("Modified") or info.get("Updated") or info.get("MetaDataModified")
    return str(waarde) if waarde else None


def zoek_versie(pad: Path, tabel_id: str) -> str | None:
    """Table version (``Modified``) from sidecar metadata next to a data file."""
    kandidaten = [
        pad.parent / f"cbs.v3.{tabel_id}_Metadata.json",
        pad.parent / f"{tabel_id}_metadata" / "TableInfos.json",
        pad.parent / "TableInfos.json",
    ]
    for k in kandidaten:
        if k.is_file():
            return versie_uit_tableinfos(lees_json(k))
    return None


def lees_typeddataset_json(pad: Path, tabel_id: str) -> RuweTabel:
    rijen = waarden(lees_json(pad), pad)
    if not rijen:
        raise InvoerFout("de TypedDataSet bevat geen rijen", bestand=pad)
    data = als_tekstframe(rijen)
    ruw = RuweTabel(bestand=pad, data=data, stijl="sleutel", tabel_id=tabel_id)
    ruw.versie = zoek_versie(pad, tabel_id)
    for dimensie in ("WijkenEnBuurten", "RegioS"):
        dim_pad = pad.parent / f"{dimensie}.json"
        if dim_pad.is_file():
            ruw.dimensies[dimensie] = pd.DataFrame.from_records(waarden(lees_json(dim_pad), dim_pad))
    return ruw


_PARQUET = re.compile(r"cbs\.v3\.(?P<id>\w+?)_TypedDataSet\.parquet$", re.IGNORECASE)


def parquet_tabel_id(pad: Path) -> str | None:
    m = _PARQUET.search(pad.name)
    return m.group("id") if m else None


def lees_typeddataset_parquet(pad: Path, tabel_id: str) -> RuweTabel:
    try:
        data = pd.read_parquet(pad)
    except Exception as e:  # pyarrow raises several types for damaged files
        raise InvoerFout(f"het Parquet-bestand kan niet worden gelezen ({e})", bestand=pad) from e
    if data.empty:
        raise InvoerFout("het Parquet-bestand bevat geen rijen", bestand=pad)
    ruw = RuweTabel(bestand=pad, data=data, stijl="sleutel", tabel_id=tabel_id)
    ruw.versie = zoek_versie(pad, tabel_id)
    dim = pad.parent / f"cbs.v3.{tabel_id}_WijkenEnBuurten.parquet"
    if dim.is_file():
        ruw.dimensies["WijkenEnBuurten"] = pd.read_parquet(dim)
    return ruw
