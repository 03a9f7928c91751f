"""The online OData client, offline: a local server replays recorded real CBS responses."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gebiedskompas.cli import app
from gebiedskompas.errors import OnlineFout
from gebiedskompas.online import ODataClient
from gebiedskompas.opslag import Opslag

from .conftest import FIXTURES, SHARED_DATA
from .replay import Replay, replay_server

OPNAMES = SHARED_DATA / "cbs_odata_fixtures" / "CBSOData3.jl"
FEED = "/ODataFeed/odata"
ROUTES = {
    f"{FEED}/80137ned?$format=json": OPNAMES / "meta_1.json",
    f"{FEED}/80137ned/TableInfos?$format=json": OPNAMES / "meta_2.json",
    f"{FEED}/80137ned/CategoryGroups?$format=json": OPNAMES / "meta_3.json",
    f"{FEED}/80137ned/Persoonskenmerken?$format=json": OPNAMES / "meta_4.json",
    f"{FEED}/80137ned/BedrijfstakkenSBI93?$format=json": OPNAMES / "meta_5.json",
    f"{FEED}/80137ned/Perioden?$format=json": OPNAMES / "meta_6.json",
    f"{FEED}/80137ned/DataProperties?$format=json": OPNAMES / "meta_7.json",
    f"{FEED}/80137ned/TypedDataSet/?$format=json": OPNAMES / "meta_8.json",
    f"{FEED}/83599NED/UntypedDataSet/?$format=json": OPNAMES / "tables_2.json",
    f"{FEED}/83599NED/UntypedDataSet/?$format=json&$skip=10000": OPNAMES / "tables_3.json",
}
KWB = FIXTURES / "odata_84799NED"
KWB_ROUTES = {
    f"{FEED}/84799NED?$format=json": KWB / "service.json",
    f"{FEED}/84799NED/TableInfos?$format=json": KWB / "TableInfos.json",
    f"{FEED}/84799NED/DataProperties?$format=json": KWB / "DataProperties.json",
    f"{FEED}/84799NED/WijkenEnBuurten?$format=json": KWB / "WijkenEnBuurten.json",
    f"{FEED}/84799NED/TypedDataSet?$format=json": KWB / "TypedDataSet.json",
    f"{FEED}/84799NED/TypedDataSet?$format=json&$skip=2": KWB / "TypedDataSet_skip2.json",
}


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


@pytest.fixture
def server() -> Iterator[Replay]:
    with replay_server({**ROUTES, **KWB_ROUTES}) as replay:
        yield replay


def _client(server: Replay, cache: Path) -> ODataClient:
    return ODataClient(cache, basis={"CBS": server.url + FEED, "RIVM": server.url + "/rivm"})


def test_paging_follows_next_link(server: Replay, tmp_path: Path) -> None:
    rijen = _client(server, tmp_path).haal_entiteit("83599NED", "UntypedDataSet")
    assert len(rijen) == 10000 + 5504
    assert [r["ID"] for r in rijen] == list(range(15504))
    assert len(server.verzoeken) == 2
    assert server.verzoeken[1].endswith("$skip=10000")


def test_whole_table_with_dimensions_is_cached(server: Replay, tmp_path: Path) -> None:
    client = _client(server, tmp_path)
    map = client.haal_tabel("80137ned", dataset="TypedDataSet")
    namen = sorted(p.name for p in map.iterdir())
    assert namen == [
        "BedrijfstakkenSBI93.json",
        "DataProperties.json",
        "Perioden.json",
        "Persoonskenmerken.json",
        "TableInfos.json",
        "TypedDataSet.json",
    ]
    rijen = json.loads((map / "TypedDataSet.json").read_text(encoding="utf-8"))["value"]
    assert len(rijen) == 675
    assert rijen[0]["Totaal_1"] == 8811.0
    aantal = len(server.verzoeken)
    client.haal_tabel("80137ned", dataset="TypedDataSet")
    assert len(server.verzoeken) == aantal  # served from the cache


def test_unknown_table_is_a_dutch_error(server: Replay, tmp_path: Path) -> None:
    with pytest.raises(OnlineFout, match="tabel 99999NED niet gevonden"):
        _client(server, tmp_path).haal_tabel("99999NED")
    assert not (tmp_path / "CBS" / "99999NED").exists()


def test_next_link_to_other_host_is_refused(tmp_path: Path) -> None:
    vreemd = tmp_path / "vreemd.json"
    vreemd.write_text(json.dumps({"value": [{"ID": 0}], "odata.nextLink": "https://example.org/x"}))
    with replay_server({f"{FEED}/11111NED/TypedDataSet?$format=json": vreemd}) as replay:
        client = ODataClient(tmp_path, basis={"CBS": replay.url + FEED})
        with pytest.raises(OnlineFout, match="andere server geweigerd"):
            client.haal_entiteit("11111NED", "TypedDataSet")


def test_server_down_is_a_dutch_error(tmp_path: Path) -> None:
    client = ODataClient(tmp_path, basis={"CBS": "http://127.0.0.1:9/ODataFeed/odata"})
    with pytest.raises(OnlineFout, match="niet bereikbaar"):
        client.haal_tabel("84799NED")


def test_cli_laad_cbs_online_then_from_cache(
    server: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEBIEDSKOMPAS_CBS_URL", server.url + FEED)
    runner = CliRunner()
    opslag = tmp_path / "opslag"
    resultaat = runner.invoke(app, ["laad", "--cbs", "84799NED", "--opslag", str(opslag)])
    assert resultaat.exit_code == 0, resultaat.output
    toestand = Opslag(opslag).lees()
    w = toestand.waarnemingen
    vaals = w[(w["regio"] == "GM0981") & (w["indicator"] == "kwb.inwoners")]
    assert vaals["waarde"].tolist() == [10105.0]
    assert w[(w["regio"] == "WK098100") & (w["indicator"] == "kwb.inwoners_65plus")]["waarde"].isna().all()
    assert toestand.ladingen[0]["versie"] == "2021-03-26T02:00:00"
    aantal = len(server.verzoeken)
    resultaat = runner.invoke(app, ["laad", "--cbs", "84799NED", "--opslag", str(opslag)])
    assert resultaat.exit_code == 0
    assert len(server.verzoeken) == aantal
    assert "ongewijzigd" in resultaat.output


def test_cli_unknown_table_fails_before_any_request(
    server: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEBIEDSKOMPAS_CBS_URL", server.url + FEED)
    resultaat = CliRunner().invoke(app, ["laad", "--cbs", "80137ned", "--opslag", str(tmp_path / "o")])
    assert resultaat.exit_code == 1
    assert "staat niet in het bronregister" in resultaat.output
    assert server.verzoeken == []
