"""Online client for the CBS OData v3 API (CBS catalogue and the RIVM 'dataderden' catalogue),
with an on-disk cache and ``odata.nextLink`` paging.

A fetched table is written to ``<cache>/<catalogus>/<TABEL>/`` as one JSON file per entity set
(``TableInfos.json``, ``DataProperties.json``, dimensions, ``TypedDataSet.json``) in the same
``{"value": [...]}`` shape the API returns, so the offline readers load it unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .errors import OnlineFout

STANDAARD_BASIS = {
    "CBS": "https://opendata.cbs.nl/ODataFeed/odata",
    "RIVM": "https://dataderden.cbs.nl/ODataFeed/odata",
}
_VASTE_ENTITEITEN = {"TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties", "CategoryGroups"}
_MAX_PAGINAS = 1000

Paginavoortgang = Callable[[str, int], None]


def basis_uit_omgeving() -> dict[str, str]:
    """Base URLs, overridable per catalogue (``GEBIEDSKOMPAS_CBS_URL``, ``GEBIEDSKOMPAS_RIVM_URL``)."""
    return {naam: os.environ.get(f"GEBIEDSKOMPAS_{naam}_URL", url) for naam, url in STANDAARD_BASIS.items()}


class ODataClient:
    def __init__(
        self,
        cache: Path,
        basis: dict[str, str] | None = None,
        http: httpx.Client | None = None,
        voortgang: Paginavoortgang | None = None,
    ) -> None:
        self.cache = cache
        self.basis = basis or basis_uit_omgeving()
        self.http = http or httpx.Client(timeout=httpx.Timeout(120.0, connect=15.0), follow_redirects=False)
        self.voortgang = voortgang

    def tabelmap(self, tabel_id: str, catalogus: str) -> Path:
        return self.cache / catalogus.upper() / tabel_id.upper()

    def haal_tabel(self, tabel_id: str, catalogus: str = "CBS", dataset: str = "TypedDataSet") -> Path:
        """Fetch a whole table into the cache (or reuse the cached copy); returns its folder."""
        doel = self.tabelmap(tabel_id, catalogus)
        if (doel / f"{dataset}.json").is_file():
            return doel
        tijdelijk = doel.with_name(f".{doel.name}.{os.getpid()}.tmp")
        shutil.rmtree(tijdelijk, ignore_errors=True)
        tijdelijk.mkdir(parents=True)
        try:
            for entiteit in self._entiteiten(tabel_id, catalogus, dataset):
                rijen = self.haal_entiteit(tabel_id, entiteit, catalogus)
                (tijdelijk / f"{entiteit}.json").write_text(
                    json.dumps({"value": rijen}, ensure_ascii=False), encoding="utf-8"
                )
            shutil.rmtree(doel, ignore_errors=True)
            os.replace(tijdelijk, doel)
        finally:
            shutil.rmtree(tijdelijk, ignore_errors=True)
        return doel

    def _entiteiten(self, tabel_id: str, catalogus: str, dataset: str) -> list[str]:
        dienst = self._haal_json(f"{self._tabel_url(tabel_id, catalogus)}?$format=json", tabel_id)
        namen = [str(e["name"]) for e in dienst.get("value", [])]
        if dataset not in namen:
            raise OnlineFout(f"tabel {tabel_id} heeft geen '{dataset}' (wel: {', '.join(namen)})")
        dimensies = [n for n in namen if n not in _VASTE_ENTITEITEN]
        return ["TableInfos", "DataProperties", *dimensies, dataset]

    def haal_entiteit(self, tabel_id: str, entiteit: str, catalogus: str = "CBS") -> list[dict[str, Any]]:
        url: str | None = f"{self._tabel_url(tabel_id, catalogus)}/{entiteit}?$format=json"
        rijen: list[dict[str, Any]] = []
        for pagina in range(1, _MAX_PAGINAS + 1):
            assert url is not None
            document = self._haal_json(url, tabel_id)
            rijen.extend(document.get("value", []))
            if self.voortgang:
                self.voortgang(f"{tabel_id}/{entiteit}", pagina)
            url = document.get("odata.nextLink")
            if url is None:
                return rijen
            self._controleer_host(url, catalogus)
        raise OnlineFout(f"{tabel_id}/{entiteit}: meer dan {_MAX_PAGINAS} pagina's; gestopt")

    def _tabel_url(self, tabel_id: str, catalogus: str) -> str:
        try:
            basis = self.basis[catalogus.upper()]
        except KeyError as e:
            raise OnlineFout(f"onbekende catalogus '{catalogus}' (kies uit: {', '.join(self.basis)})") from e
        return f"{basis.rstrip('/')}/{tabel_id}"

    def _controleer_host(self, url: str, catalogus: str) -> None:
        """Follow paging links only to the catalogue's own host."""
        if urlsplit(url).netloc != urlsplit(self.basis[catalogus.upper()]).netloc:
            raise OnlineFout(f"vervolglink naar een andere server geweigerd: {url}")

    def _haal_json(self, url: str, tabel_id: str) -> dict[str, Any]:
        try:
            antwoord = self.http.get(url)
        except httpx.HTTPError as e:
            raise OnlineFout(
                f"de CBS-API is niet bereikbaar ({type(e).__name__}: {e}); probeer "
                "het later opnieuw of laad een map met downloads"
            ) from e
        if antwoord.status_code == 404:
            raise OnlineFout(f"tabel {tabel_id} niet gevonden ({url})")
        if antwoord.status_code != 200:
            raise OnlineFout(f"de CBS-API antwoordde met status {antwoord.status_code} op {url}")
        try:
            document: dict[str, Any] = antwoord.json()
        except ValueError as e:
            raise OnlineFout(f"onleesbaar antwoord (geen JSON) van {url}") from e
        return document
