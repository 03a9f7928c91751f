"""Online client for the CBS OData v3 API (CBS catalogue and the RIVM 'dataderden' catalogue),
with an on-disk cache that is revalidated, ``odata.nextLink`` paging and retries.

A fetched table is written to ``<cache>/<catalogus>/<TABEL>/`` as one JSON file per entity set
(``TableInfos.json``, ``DataProperties.json``, dimensions, ``TypedDataSet.json``) in the same
``{"value": [...]}`` shape the API returns, so the offline readers load it unchanged. Next to them
``.cache.json`` keeps the table's ``Modified`` date (TableInfos) and the ETag/Last-Modified headers
of the TableInfos answer. A later fetch revalidates with one small request for TableInfos
(conditional when the server gave validators) and downloads the table again only when it changed;
when the API stays unreachable after the retries, the cached copy is used.

Transient failures (connection errors, timeouts, HTTP 429 and 5xx) are retried with exponential
backoff and jitter by ``stamina``, honouring ``Retry-After``; other errors fail at once.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import stamina
from stamina.instrumentation import RetryDetails, get_on_retry_hooks, set_on_retry_hooks

from .errors import OnlineFout

_VASTE_ENTITEITEN = {"TableInfos", "UntypedDataSet", "TypedDataSet", "DataProperties", "CategoryGroups"}
_MAX_PAGINAS = 1000
CACHEBESTAND = ".cache.json"

Paginavoortgang = Callable[[str, int], None]
Status = Literal["opgehaald", "ongewijzigd", "vernieuwd", "offline"]


def basis_uit_omgeving() -> dict[str, str]:
    """Base URLs, overridable per catalogue (``GEBIEDSKOMPAS_CBS_URL``, ``GEBIEDSKOMPAS_RIVM_URL``)."""
    from .instellingen import instellingen

    i = instellingen()
    return {"CBS": i.cbs_url, "RIVM": i.rivm_url}


class CbsOnbereikbaar(OnlineFout):
    """The API stayed unreachable (connection error, timeout, 429 or 5xx) through all retries."""


@dataclass(frozen=True)
class Herhaalbeleid:
    """How often and how patiently a request is retried after a transient failure."""

    pogingen: int = 5  # attempts per request, the first one included
    wacht_begin: float = 1.0  # first backoff in seconds; doubles per retry (plus up to as much jitter)
    wacht_max: float = 30.0  # longest backoff between two attempts
    tijdslimiet: float = 300.0  # stop retrying a request after this many seconds in total
    retry_after_max: float = 120.0  # a server's Retry-After is honoured up to this many seconds

    def aanroeper(self) -> stamina.RetryingCaller:
        return stamina.RetryingCaller(
            attempts=self.pogingen,
            timeout=self.tijdslimiet,
            wait_initial=self.wacht_begin,
            wait_max=self.wacht_max,
            wait_jitter=self.wacht_begin,
        )


class _TijdelijkeFout(Exception):
    """A failure worth retrying; ``wacht`` is the server's Retry-After in seconds, if it sent one."""

    def __init__(self, reden: str, wacht: float | None = None) -> None:
        super().__init__(reden)
        self.wacht = wacht


def _opnieuw_proberen(fout: Exception) -> bool | float:
    """stamina backoff hook: retry transient failures, after Retry-After when the server asked."""
    if not isinstance(fout, _TijdelijkeFout):
        return False
    return True if fout.wacht is None else fout.wacht


def _wachttijd(antwoord: httpx.Response, maximum: float) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date), clamped to [0, maximum]."""
    waarde = antwoord.headers.get("Retry-After", "").strip()
    if not waarde:
        return None
    if waarde.isdigit():
        seconden = float(waarde)
    else:
        try:
            moment = parsedate_to_datetime(waarde)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconden = (moment - datetime.now(UTC)).total_seconds()
    return min(max(seconden, 0.0), maximum)


@contextmanager
def herhaalmeldingen(melding: Callable[[str], None]) -> Iterator[None]:
    """Report each scheduled retry as a Dutch sentence (instead of stamina's log line) while active."""
    vorige = get_on_retry_hooks()

    def bij_herhaling(details: RetryDetails) -> None:
        melding(
            f"{details.caused_by}; opnieuw proberen over {details.wait_for:.0f} s "
            f"(poging {details.retry_num + 1})"
        )

    set_on_retry_hooks([bij_herhaling])
    try:
        yield
    finally:
        set_on_retry_hooks(vorige)


def _nu() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _datum(modified: str | None) -> str:
    if not modified:
        return "onbekende datum"
    try:
        return f"{datetime.fromisoformat(modified):%d-%m-%Y}"
    except ValueError:
        return modified


@dataclass(frozen=True)
class Cachegegevens:
    """What ``.cache.json`` keeps about a cached table, for revalidation."""

    modified: str | None = None  # TableInfos 'Modified' of the cached copy
    etag: str | None = None  # validators of the TableInfos answer, sent back on revalidation
    last_modified: str | None = None
    opgehaald: str | None = None  # when the cached copy was downloaded (UTC)
    gecontroleerd: str | None = None  # when it was last revalidated (UTC)

    def voorwaarden(self) -> dict[str, str]:
        """Conditional request headers, when the server gave validators."""
        kop = {}
        if self.etag:
            kop["If-None-Match"] = self.etag
        if self.last_modified:
            kop["If-Modified-Since"] = self.last_modified
        return kop


def lees_cachegegevens(map: Path) -> Cachegegevens:
    """The cache record of a table folder; for a copy cached without one, Modified from its TableInfos."""
    try:
        opgeslagen = json.loads((map / CACHEBESTAND).read_text(encoding="utf-8"))
        return Cachegegevens(**{k: opgeslagen.get(k) for k in Cachegegevens.__dataclass_fields__})
    except (OSError, ValueError, AttributeError):
        pass
    try:
        rijen = json.loads((map / "TableInfos.json").read_text(encoding="utf-8"))["value"]
        return Cachegegevens(modified=_modified(rijen))
    except (OSError, ValueError, KeyError, TypeError):
        return Cachegegevens()


def _schrijf_cachegegevens(map: Path, gegevens: Cachegegevens) -> None:
    (map / CACHEBESTAND).write_text(json.dumps(asdict(gegevens), indent=1), encoding="utf-8")


def _modified(rijen: list[dict[str, Any]]) -> str | None:
    waarde = rijen[0].get("Modified") if rijen and isinstance(rijen[0], dict) else None
    return str(waarde) if waarde else None


@dataclass(frozen=True)
class _Tabelinfo:
    rijen: list[dict[str, Any]]
    etag: str | None
    last_modified: str | None

    @property
    def modified(self) -> str | None:
        return _modified(self.rijen)


@dataclass(frozen=True)
class Ophaalresultaat:
    """One fetched table: its cache folder and what happened (for the progress report)."""

    tabel_id: str
    map: Path
    status: Status
    gewijzigd: str | None  # TableInfos 'Modified' of the copy now in the cache
    melding: str | None = None  # why the cached copy was used without revalidation

    def samenvatting(self) -> str:
        datum = _datum(self.gewijzigd)
        teksten: dict[Status, str] = {
            "opgehaald": f"opgehaald (gewijzigd op {datum})",
            "ongewijzigd": f"ongewijzigd (cache; gewijzigd op {datum})",
            "vernieuwd": f"vernieuwd: gewijzigd op {datum}",
            "offline": f"offline: cache gebruikt (gewijzigd op {datum})",
        }
        return f"{self.tabel_id}: {teksten[self.status]}"


class ODataClient:
    def __init__(
        self,
        cache: Path,
        basis: dict[str, str] | None = None,
        http: httpx.Client | None = None,
        voortgang: Paginavoortgang | None = None,
        herhaal: Herhaalbeleid | None = None,
        herhaalmelding: Callable[[str], None] | None = None,
    ) -> None:
        self.cache = cache
        self.basis = basis or basis_uit_omgeving()
        self.http = http or httpx.Client(timeout=httpx.Timeout(120.0, connect=15.0), follow_redirects=False)
        self.voortgang = voortgang
        self.herhaal = herhaal or Herhaalbeleid()
        self.herhaalmelding = herhaalmelding

    def tabelmap(self, tabel_id: str, catalogus: str) -> Path:
        return self.cache / catalogus.upper() / tabel_id.upper()

    def haal_tabel(
        self, tabel_id: str, catalogus: str = "CBS", dataset: str = "TypedDataSet"
    ) -> Ophaalresultaat:
        """Fetch a whole table into the cache, or revalidate the cached copy and reuse it when the
        table is unchanged (or the API unreachable)."""
        doel = self.tabelmap(tabel_id, catalogus)
        if not (doel / f"{dataset}.json").is_file():
            gegevens = self._download(tabel_id, catalogus, dataset, None)
            return Ophaalresultaat(tabel_id, doel, "opgehaald", gegevens.modified)
        bekend = lees_cachegegevens(doel)
        try:
            return self._ververs(tabel_id, catalogus, dataset, bekend)
        except CbsOnbereikbaar as e:
            return Ophaalresultaat(tabel_id, doel, "offline", bekend.modified, melding=str(e))

    def _ververs(self, tabel_id: str, catalogus: str, dataset: str, bekend: Cachegegevens) -> Ophaalresultaat:
        doel = self.tabelmap(tabel_id, catalogus)
        info = self._haal_tabelinfo(tabel_id, catalogus, bekend.voorwaarden())
        if info is None or (bekend.modified is not None and info.modified == bekend.modified):
            if info is not None:
                bekend = replace(bekend, etag=info.etag, last_modified=info.last_modified)
            _schrijf_cachegegevens(doel, replace(bekend, gecontroleerd=_nu()))
            return Ophaalresultaat(tabel_id, doel, "ongewijzigd", bekend.modified)
        gegevens = self._download(tabel_id, catalogus, dataset, info)
        return Ophaalresultaat(tabel_id, doel, "vernieuwd", gegevens.modified)

    def _download(
        self, tabel_id: str, catalogus: str, dataset: str, info: _Tabelinfo | None
    ) -> Cachegegevens:
        """Download every entity set into a temporary folder, then swap it in for the cached copy."""
        doel = self.tabelmap(tabel_id, catalogus)
        tijdelijk = doel.with_name(f".{doel.name}.{os.getpid()}.tmp")
        shutil.rmtree(tijdelijk, ignore_errors=True)
        tijdelijk.mkdir(parents=True)
        try:
            entiteiten = self._entiteiten(tabel_id, catalogus, dataset)
            info = info or self._haal_tabelinfo(tabel_id, catalogus)
            assert info is not None  # an unconditional request never answers 304
            for entiteit in entiteiten:
                rijen = (
                    info.rijen
                    if entiteit == "TableInfos"
                    else self.haal_entiteit(tabel_id, entiteit, catalogus)
                )
                (tijdelijk / f"{entiteit}.json").write_text(
                    json.dumps({"value": rijen}, ensure_ascii=False), encoding="utf-8"
                )
            nu = _nu()
            gegevens = Cachegegevens(
                info.modified, info.etag, info.last_modified, opgehaald=nu, gecontroleerd=nu
            )
            _schrijf_cachegegevens(tijdelijk, gegevens)
            shutil.rmtree(doel, ignore_errors=True)
            os.replace(tijdelijk, doel)
        finally:
            shutil.rmtree(tijdelijk, ignore_errors=True)
        return gegevens

    def _entiteiten(self, tabel_id: str, catalogus: str, dataset: str) -> list[str]:
        dienst = self._haal_json(f"{self._tabel_url(tabel_id, catalogus)}?$format=json", tabel_id)
        namen = [str(e["name"]) for e in dienst.get("value", [])]
        if dataset not in namen:
            raise OnlineFout(f"tabel {tabel_id} heeft geen '{dataset}' (wel: {', '.join(namen)})")
        dimensies = [n for n in namen if n not in _VASTE_ENTITEITEN]
        return ["TableInfos", "DataProperties", *dimensies, dataset]

    def _haal_tabelinfo(
        self, tabel_id: str, catalogus: str, voorwaarden: dict[str, str] | None = None
    ) -> _Tabelinfo | None:
        """TableInfos with the answer's validators; None when a conditional request says 'not modified'."""
        url = f"{self._tabel_url(tabel_id, catalogus)}/TableInfos?$format=json"
        antwoord = self._verzoek(url, tabel_id, voorwaarden or {})
        if antwoord.status_code == 304:
            return None
        rijen = self._json_van(antwoord, url).get("value", [])
        kop = antwoord.headers
        return _Tabelinfo(rijen, kop.get("ETag"), kop.get("Last-Modified"))

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
        return self._json_van(self._verzoek(url, tabel_id, {}), url)

    @staticmethod
    def _json_van(antwoord: httpx.Response, url: str) -> dict[str, Any]:
        try:
            document = antwoord.json()
        except ValueError as e:
            raise OnlineFout(f"onleesbaar antwoord (geen JSON) van {url}") from e
        if not isinstance(document, dict):
            raise OnlineFout(f"onverwacht antwoord (geen JSON-object) van {url}")
        return document

    def _verzoek(self, url: str, tabel_id: str, kop: dict[str, str]) -> httpx.Response:
        """GET with retries of transient failures; a 200 (or 304 on a conditional request)."""
        pogingen = 0

        def probeer() -> httpx.Response:
            nonlocal pogingen
            pogingen += 1
            return self._probeer(url, tabel_id, kop)

        try:
            if self.herhaalmelding is None:
                return self.herhaal.aanroeper()(_opnieuw_proberen, probeer)
            with herhaalmeldingen(self.herhaalmelding):
                return self.herhaal.aanroeper()(_opnieuw_proberen, probeer)
        except _TijdelijkeFout as e:
            raise CbsOnbereikbaar(
                f"{e} (na {pogingen} poging{'en' if pogingen != 1 else ''}; {url}); probeer het later "
                "opnieuw of laad een map met downloads"
            ) from e

    def _probeer(self, url: str, tabel_id: str, kop: dict[str, str]) -> httpx.Response:
        try:
            antwoord = self.http.get(url, headers=kop)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as e:
            raise _TijdelijkeFout(
                f"tabel {tabel_id}: de CBS-API is niet bereikbaar ({type(e).__name__}: {e})"
            ) from e
        except httpx.HTTPError as e:
            raise OnlineFout(f"tabel {tabel_id}: verzoek naar {url} mislukt ({type(e).__name__}: {e})") from e
        status = antwoord.status_code
        if status == 429 or status >= 500:
            raise _TijdelijkeFout(
                f"tabel {tabel_id}: de CBS-API antwoordde met status {status}",
                _wachttijd(antwoord, self.herhaal.retry_after_max),
            )
        if status == 404:
            raise OnlineFout(f"tabel {tabel_id} niet gevonden ({url})")
        if status != 200 and not (status == 304 and kop):
            raise OnlineFout(f"tabel {tabel_id}: de CBS-API antwoordde met status {status} op {url}")
        return antwoord
