"""The online OData client, offline: pytest-httpserver serves recorded real CBS responses on localhost."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import stamina
from pytest_httpserver import HTTPServer
from stamina.instrumentation import get_on_retry_hooks, set_on_retry_hooks
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.errors import OnlineFout
from gebiedskompas.online import CbsOnbereikbaar, Herhaalbeleid, ODataClient, lees_cachegegevens
from gebiedskompas.opslag import Opslag

from .conftest import FIXTURES, SHARED_DATA

OPNAMES = SHARED_DATA / "cbs_odata_fixtures" / "CBSOData3.jl"
KWB = FIXTURES / "odata_84799NED"
CBS = "https://opendata.cbs.nl"  # recorded bodies name this host; the server rewrites it to itself
FEED = "/ODataFeed/odata"
OPGENOMEN = "/ODataFeed/OData"  # the spelling in the recorded odata.nextLink values
NIET_LUISTEREND = "http://127.0.0.1:9/ODataFeed/odata"  # nothing listens on the discard port

# (path, extra query parameters besides $format=json, recorded body)
ROUTES: list[tuple[str, dict[str, str], Path]] = [
    (f"{FEED}/80137ned", {}, OPNAMES / "meta_1.json"),
    (f"{FEED}/80137ned/TableInfos", {}, OPNAMES / "meta_2.json"),
    (f"{FEED}/80137ned/CategoryGroups", {}, OPNAMES / "meta_3.json"),
    (f"{FEED}/80137ned/Persoonskenmerken", {}, OPNAMES / "meta_4.json"),
    (f"{FEED}/80137ned/BedrijfstakkenSBI93", {}, OPNAMES / "meta_5.json"),
    (f"{FEED}/80137ned/Perioden", {}, OPNAMES / "meta_6.json"),
    (f"{FEED}/80137ned/DataProperties", {}, OPNAMES / "meta_7.json"),
    (f"{FEED}/80137ned/TypedDataSet", {}, OPNAMES / "meta_8.json"),
    (f"{FEED}/83599NED/UntypedDataSet", {}, OPNAMES / "tables_2.json"),
    (f"{OPGENOMEN}/83599NED/UntypedDataSet/", {"$skip": "10000"}, OPNAMES / "tables_3.json"),
    (f"{FEED}/84799NED", {}, KWB / "service.json"),
    (f"{FEED}/84799NED/TableInfos", {}, KWB / "TableInfos.json"),
    (f"{FEED}/84799NED/DataProperties", {}, KWB / "DataProperties.json"),
    (f"{FEED}/84799NED/WijkenEnBuurten", {}, KWB / "WijkenEnBuurten.json"),
    (f"{FEED}/84799NED/TypedDataSet", {}, KWB / "TypedDataSet.json"),
    (f"{OPGENOMEN}/84799NED/TypedDataSet", {"$skip": "2"}, KWB / "TypedDataSet_skip2.json"),
]
KWB_INFO = f"{FEED}/84799NED/TableInfos"
KWB_VERZOEKEN = 6  # service document, TableInfos, DataProperties, WijkenEnBuurten, two TypedDataSet pages


@pytest.fixture(autouse=True)
def alleen_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proof that no request leaves the machine: any non-loopback connection fails the test."""
    echte = socket.socket.connect

    def connect(self: socket.socket, adres: object) -> None:
        host = adres[0] if isinstance(adres, tuple) else str(adres)
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"verbinding naar {host} buiten deze machine")
        echte(self, adres)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(autouse=True)
def zonder_wachten() -> Iterator[None]:
    """No backoff sleeps; each client's Herhaalbeleid still decides the number of attempts."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _body(server: HTTPServer, bestand: Path) -> str:
    return bestand.read_text(encoding="utf-8").replace(CBS, server.url_for("").rstrip("/"))


def _query(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"$format": "json", **(extra or {})}


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    httpserver.no_handler_status_code = 404  # like the CBS for an unknown table
    for pad, extra, bestand in ROUTES:
        httpserver.expect_request(pad, query_string=_query(extra)).respond_with_data(
            _body(httpserver, bestand), content_type="application/json"
        )
    return httpserver


def _client(
    server: HTTPServer | None,
    cache: Path,
    pogingen: int = 3,
    herhaalmelding: Callable[[str], None] | None = None,
) -> ODataClient:
    basis = server.url_for(FEED) if server else NIET_LUISTEREND
    beleid = Herhaalbeleid(pogingen=pogingen)
    return ODataClient(cache, basis={"CBS": basis}, herhaal=beleid, herhaalmelding=herhaalmelding)


def _paden(server: HTTPServer) -> list[str]:
    return [verzoek.path for verzoek, _ in server.log]


def _gewijzigde_tabelinfo(server: HTTPServer, modified: str) -> str:
    document = json.loads(_body(server, KWB / "TableInfos.json"))
    document["value"][0]["Modified"] = modified
    return json.dumps(document)


# --- paging and the cache ------------------------------------------------------------------------------


def test_paging_follows_the_recorded_next_link(server: HTTPServer, tmp_path: Path) -> None:
    rijen = _client(server, tmp_path).haal_entiteit("83599NED", "UntypedDataSet")
    assert len(rijen) == 10000 + 5504
    assert [r["ID"] for r in rijen] == list(range(15504))
    assert _paden(server) == [f"{FEED}/83599NED/UntypedDataSet", f"{OPGENOMEN}/83599NED/UntypedDataSet/"]
    assert server.log[1][0].args["$skip"] == "10000"


def test_whole_table_with_dimensions_is_cached(server: HTTPServer, tmp_path: Path) -> None:
    client = _client(server, tmp_path)
    resultaat = client.haal_tabel("80137ned", dataset="TypedDataSet")
    assert resultaat.status == "opgehaald"
    assert resultaat.samenvatting() == "80137ned: opgehaald (gewijzigd op 10-07-2009)"
    namen = sorted(p.name for p in resultaat.map.iterdir())
    assert namen == [
        ".cache.json",
        "BedrijfstakkenSBI93.json",
        "DataProperties.json",
        "Perioden.json",
        "Persoonskenmerken.json",
        "TableInfos.json",
        "TypedDataSet.json",
    ]
    rijen = json.loads((resultaat.map / "TypedDataSet.json").read_text(encoding="utf-8"))["value"]
    assert len(rijen) == 675
    assert rijen[0]["Totaal_1"] == 8811.0
    assert lees_cachegegevens(resultaat.map).modified == "2009-07-10T02:00:00"
    assert _paden(server).count(f"{FEED}/80137ned/TableInfos") == 1  # not fetched twice


# --- revalidation ---------------------------------------------------------------------------------------


def test_unchanged_table_is_revalidated_with_one_small_request(server: HTTPServer, tmp_path: Path) -> None:
    client = _client(server, tmp_path)
    client.haal_tabel("84799NED")
    assert len(server.log) == KWB_VERZOEKEN
    typed = client.tabelmap("84799NED", "CBS") / "TypedDataSet.json"
    moment = typed.stat().st_mtime_ns
    server.clear_log()
    resultaat = client.haal_tabel("84799NED")
    assert resultaat.status == "ongewijzigd"
    assert resultaat.samenvatting() == "84799NED: ongewijzigd (cache; gewijzigd op 26-03-2021)"
    assert _paden(server) == [KWB_INFO]
    assert typed.stat().st_mtime_ns == moment
    assert lees_cachegegevens(resultaat.map).gecontroleerd is not None


def test_changed_table_is_downloaded_again(server: HTTPServer, tmp_path: Path) -> None:
    client = _client(server, tmp_path)
    client.haal_tabel("84799NED")
    server.clear_log()
    server.expect_oneshot_request(KWB_INFO, query_string=_query()).respond_with_data(
        _gewijzigde_tabelinfo(server, "2022-01-31T02:00:00"), content_type="application/json"
    )
    resultaat = client.haal_tabel("84799NED")
    assert resultaat.status == "vernieuwd"
    assert resultaat.samenvatting() == "84799NED: vernieuwd: gewijzigd op 31-01-2022"
    # the revalidation's TableInfos is reused: the same requests as a first download
    assert len(server.log) == KWB_VERZOEKEN
    assert _paden(server).count(KWB_INFO) == 1
    info = json.loads((resultaat.map / "TableInfos.json").read_text(encoding="utf-8"))["value"]
    assert info[0]["Modified"] == "2022-01-31T02:00:00"
    assert lees_cachegegevens(resultaat.map).modified == "2022-01-31T02:00:00"
    assert not list(tmp_path.glob("CBS/.*.tmp"))


def test_validators_are_sent_back_and_304_means_unchanged(server: HTTPServer, tmp_path: Path) -> None:
    validators = {"ETag": '"tabel-v1"', "Last-Modified": "Fri, 26 Mar 2021 01:00:00 GMT"}
    server.expect_oneshot_request(KWB_INFO, query_string=_query()).respond_with_data(
        _body(server, KWB / "TableInfos.json"), content_type="application/json", headers=validators
    )
    client = _client(server, tmp_path)
    map = client.haal_tabel("84799NED").map
    gegevens = lees_cachegegevens(map)
    assert (gegevens.etag, gegevens.last_modified) == (validators["ETag"], validators["Last-Modified"])
    server.clear_log()
    voorwaarden = {"If-None-Match": validators["ETag"], "If-Modified-Since": validators["Last-Modified"]}
    server.expect_oneshot_request(KWB_INFO, query_string=_query(), headers=voorwaarden).respond_with_data(
        "", status=304
    )
    resultaat = client.haal_tabel("84799NED")
    assert resultaat.status == "ongewijzigd"
    assert resultaat.gewijzigd == "2021-03-26T02:00:00"
    assert len(server.log) == 1
    assert server.log[0][1].status_code == 304


def test_cache_without_record_is_revalidated_from_its_table_infos(server: HTTPServer, tmp_path: Path) -> None:
    """A copy cached before revalidation existed has no .cache.json: Modified comes from its TableInfos."""
    client = _client(server, tmp_path)
    map = client.haal_tabel("84799NED").map
    (map / ".cache.json").unlink()
    server.clear_log()
    assert client.haal_tabel("84799NED").status == "ongewijzigd"
    assert _paden(server) == [KWB_INFO]


# --- retries and errors ---------------------------------------------------------------------------------


def test_503_then_200_is_retried(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_oneshot_request(f"{FEED}/84799NED", query_string=_query()).respond_with_data(
        "Service Unavailable", status=503
    )
    meldingen: list[str] = []
    hooks = get_on_retry_hooks()
    resultaat = _client(server, tmp_path, herhaalmelding=meldingen.append).haal_tabel("84799NED")
    assert resultaat.status == "opgehaald"
    assert [a.status_code for _, a in server.log][:2] == [503, 200]
    assert len(server.log) == KWB_VERZOEKEN + 1
    assert meldingen == [
        "tabel 84799NED: de CBS-API antwoordde met status 503; opnieuw proberen over 0 s (poging 2)"
    ]
    assert get_on_retry_hooks() == hooks  # the Dutch retry report was only active during the request


def test_gives_up_after_the_configured_attempts(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request(f"{FEED}/11111NED", query_string=_query()).respond_with_data("", status=502)
    with pytest.raises(
        CbsOnbereikbaar, match=r"tabel 11111NED: .*status 502 \(na 4 pogingen; http://"
    ) as fout:
        _client(server, tmp_path, pogingen=4).haal_tabel("11111NED")
    assert "probeer het later opnieuw" in str(fout.value)
    assert len(server.log) == 4
    assert not (tmp_path / "CBS" / "11111NED").exists()
    assert not list(tmp_path.glob("CBS/.*.tmp"))


def test_retry_after_is_honoured(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_oneshot_request(f"{FEED}/83599NED/UntypedDataSet", query_string=_query()).respond_with_data(
        "Too Many Requests", status=429, headers={"Retry-After": "30"}
    )
    wachttijden: list[float] = []
    beleid = Herhaalbeleid(pogingen=2, wacht_begin=0.0, wacht_max=0.0, retry_after_max=0.05)
    client = ODataClient(tmp_path, basis={"CBS": server.url_for(FEED)}, herhaal=beleid)
    with stamina.set_testing(False):
        set_on_retry_hooks([lambda details: wachttijden.append(details.wait_for)])
        try:
            begin = time.monotonic()
            rijen = client.haal_entiteit("83599NED", "UntypedDataSet")
            duur = time.monotonic() - begin
        finally:
            set_on_retry_hooks(None)
    assert len(rijen) == 15504
    # without Retry-After the backoff would be 0 s; the server's 30 s are capped at retry_after_max
    assert wachttijden == [pytest.approx(0.05)]
    assert duur >= 0.05


def test_unknown_table_fails_at_once_with_a_dutch_error(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request(f"{FEED}/99999NED", query_string=_query()).respond_with_data("", status=404)
    with pytest.raises(
        OnlineFout, match=r"tabel 99999NED niet gevonden \(http://.*/99999NED\?\$format=json\)"
    ):
        _client(server, tmp_path).haal_tabel("99999NED")
    assert len(server.log) == 1  # no retries
    assert not (tmp_path / "CBS" / "99999NED").exists()


def test_other_client_errors_fail_at_once(server: HTTPServer, tmp_path: Path) -> None:
    server.expect_request(f"{FEED}/22222NED", query_string=_query()).respond_with_data("", status=403)
    with pytest.raises(OnlineFout, match="tabel 22222NED: de CBS-API antwoordde met status 403 op http://"):
        _client(server, tmp_path).haal_tabel("22222NED")
    assert len(server.log) == 1


def test_next_link_to_other_host_is_refused(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(f"{FEED}/11111NED/TypedDataSet").respond_with_json(
        {"value": [{"ID": 0}], "odata.nextLink": "https://example.org/x"}
    )
    with pytest.raises(OnlineFout, match="andere server geweigerd"):
        _client(httpserver, tmp_path).haal_entiteit("11111NED", "TypedDataSet")


# --- offline --------------------------------------------------------------------------------------------


def test_server_down_without_cache_is_a_dutch_error(tmp_path: Path) -> None:
    with pytest.raises(
        CbsOnbereikbaar, match=r"tabel 84799NED: de CBS-API is niet bereikbaar .*na 3 pogingen"
    ):
        _client(None, tmp_path).haal_tabel("84799NED")


def test_server_down_falls_back_to_the_cache(server: HTTPServer, tmp_path: Path) -> None:
    _client(server, tmp_path).haal_tabel("84799NED")
    resultaat = _client(None, tmp_path).haal_tabel("84799NED")
    assert resultaat.status == "offline"
    assert resultaat.samenvatting() == "84799NED: offline: cache gebruikt (gewijzigd op 26-03-2021)"
    assert resultaat.melding is not None and "niet bereikbaar" in resultaat.melding
    assert (resultaat.map / "TypedDataSet.json").is_file()


def test_server_failing_during_a_redownload_keeps_the_cache(server: HTTPServer, tmp_path: Path) -> None:
    client = _client(server, tmp_path)
    client.haal_tabel("84799NED")
    voor = (client.tabelmap("84799NED", "CBS") / "TypedDataSet.json").read_bytes()
    server.expect_oneshot_request(KWB_INFO, query_string=_query()).respond_with_data(
        _gewijzigde_tabelinfo(server, "2022-01-31T02:00:00"), content_type="application/json"
    )
    for _ in range(3):
        server.expect_oneshot_request(
            f"{FEED}/84799NED/WijkenEnBuurten", query_string=_query()
        ).respond_with_data("", status=503)
    resultaat = client.haal_tabel("84799NED")
    assert resultaat.status == "offline"
    assert resultaat.gewijzigd == "2021-03-26T02:00:00"
    assert resultaat.melding is not None and "status 503 (na 3 pogingen" in resultaat.melding
    assert (resultaat.map / "TypedDataSet.json").read_bytes() == voor
    assert not list(tmp_path.glob("CBS/.*.tmp"))


# --- command line ---------------------------------------------------------------------------------------


def test_cli_laad_cbs_online_then_revalidated_then_offline(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEBIEDSKOMPAS_CBS_URL", server.url_for(FEED))
    runner = CliRunner()
    opslag = tmp_path / "opslag"
    resultaat = runner.invoke(app, ["laad", "--cbs", "84799NED", "--opslag", str(opslag)])
    assert resultaat.exit_code == 0, resultaat.output
    assert "84799NED: opgehaald (gewijzigd op 26-03-2021)" in resultaat.output
    toestand = Opslag(opslag).lees()
    w = toestand.waarnemingen
    vaals = w[(w["regio"] == "GM0981") & (w["indicator"] == "kwb.inwoners")]
    assert vaals["waarde"].tolist() == [10105.0]
    assert w[(w["regio"] == "WK098100") & (w["indicator"] == "kwb.inwoners_65plus")]["waarde"].isna().all()
    assert toestand.ladingen[0]["versie"] == "2021-03-26T02:00:00"

    server.clear_log()
    resultaat = runner.invoke(app, ["laad", "--cbs", "84799NED", "--opslag", str(opslag)])
    assert resultaat.exit_code == 0, resultaat.output
    assert _paden(server) == [KWB_INFO]
    assert "84799NED: ongewijzigd (cache" in resultaat.output

    monkeypatch.setenv("GEBIEDSKOMPAS_CBS_URL", NIET_LUISTEREND)
    resultaat = runner.invoke(app, ["laad", "--cbs", "84799NED", "--opslag", str(opslag)])
    assert resultaat.exit_code == 0, resultaat.output
    assert "84799NED: offline: cache gebruikt (gewijzigd op 26-03-2021)" in resultaat.output
    assert "Waarschuwing:" in resultaat.output and "niet bereikbaar" in resultaat.output


def test_cli_unknown_table_fails_before_any_request(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEBIEDSKOMPAS_CBS_URL", server.url_for(FEED))
    resultaat = CliRunner().invoke(app, ["laad", "--cbs", "80137ned", "--opslag", str(tmp_path / "o")])
    assert resultaat.exit_code == 1
    assert "staat niet in het bronregister" in resultaat.output
    assert server.log == []
