"""The analysis workbench (issue 12, point 6): change a method with a live preview, run it with
robustness in the background, save it as the CLI would, and compare two saved analyses.

Known answers: with the method's own choices nothing moves; with the theme "voorzieningen" off, the
dorpen ranks are those of the mean of the other three theme scores of the saved analysis (equal theme
weights, arithmetic aggregation), computed here with pandas."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.test import Client

from gebiedskompas.analyse import opgeslagen, uitvoer
from gebiedskompas.analyse import werkbank as wb
from gebiedskompas.analyse.methode import lees_methode
from gebiedskompas.analyse.pijplijn import bereken
from gebiedskompas.analyse.robuustheid import bereid_voor, monte_carlo
from gebiedskompas.analyse.selecteer import selecteer
from gebiedskompas.analyse.weeg import gewichten
from gebiedskompas.opslag import Opslag
from gebiedskompas.web.site import werkbank as web

from .webhulp import gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
DORPEN = "dorpen-2020-gemeente"
DRIE_THEMAS = ["thema_bestaanszekerheid", "thema_gezondheid", "thema_sociale_cohesie"]


@pytest.fixture(scope="module")
def eigen_opslag(web_opslag: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the web store: the analyses saved here stay out of the other tests' store."""
    doel = tmp_path_factory.mktemp("werkbank") / "opslag"
    shutil.copytree(web_opslag, doel)
    return doel


@pytest.fixture
def gebruikers(settings: Any, eigen_opslag: Path) -> dict[str, User]:
    settings.OPSLAG = eigen_opslag
    return gebruikers_en_voorbeeld()


@pytest.fixture
def analist(gebruikers: dict[str, User]) -> Client:
    c = Client()
    c.force_login(gebruikers["analist"])
    return c


def _dorpen(eigen_opslag: Path) -> opgeslagen.Run:
    return opgeslagen.laad(opgeslagen.analysemap(eigen_opslag), DORPEN)


def _post(start: str, **anders: Any) -> dict[str, Any]:
    """The form as the browser sends it at first (the starting point's own choices), with changes.
    A checkbox that is off is left out, as a browser does."""
    formulier = web.WerkbankFormulier(start=web.uitgangspunt(start), perioden=())
    data = {**formulier.initial, **anders}
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False and v is not None}


def _rijen(inhoud: str) -> list[list[str]]:
    """Cell texts of the body rows of the (only) table in an HTML fragment."""
    romp = inhoud.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rijen = []
    for rij in re.findall(r"<tr[^>]*>(.*?)</tr>", romp, flags=re.S):
        cellen = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", rij, flags=re.S)
        rijen.append([" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cellen])
    return rijen


def _wacht(antwoord: Any) -> wb.Taak:
    taak_id = antwoord["HX-Push-Url"].rstrip("/").rsplit("/", 1)[1]
    taak = web.TAKEN.wacht(taak_id, web.takenmap())
    assert taak is not None and taak.afgerond
    return taak


# --- roles and links -------------------------------------------------------------------------------


def test_alleen_analist_en_beheerder(gebruikers: dict[str, User]) -> None:
    for rol in ("lezer", "gebiedscoordinator"):
        c = Client()
        c.force_login(gebruikers[rol])
        for adres in ("/analyse/nieuw/?start=methode:dorpen", f"/analyse/vergelijk/?a={DORPEN}&b={DORPEN}"):
            antwoord = c.get(adres)
            assert antwoord.status_code == 403, (rol, adres)
            assert "Geen toegang" in antwoord.content.decode()
        assert c.post("/analyse/nieuw/voorbeeld/", _post("methode:dorpen")).status_code == 403
        assert "Nieuwe analyse" not in c.get("/").content.decode()
    for rol in ("analist", "beheerder"):
        c = Client()
        c.force_login(gebruikers[rol])
        index = c.get("/").content.decode()
        assert 'href="/analyse/nieuw/"' in index and 'href="/analyse/vergelijk/"' in index
        pagina = c.get("/analyse/nieuw/?start=methode:dorpen")
        assert pagina.status_code == 200
        assert "Thema Bestaanszekerheid" in pagina.content.decode()


def test_onbekend_uitgangspunt_geeft_nederlandse_melding(analist: Client) -> None:
    antwoord = analist.get("/analyse/nieuw/?start=methode:bestaat-niet")
    assert antwoord.status_code == 400
    assert "Onbekend uitgangspunt" in antwoord.content.decode()


# --- the live preview ------------------------------------------------------------------------------


def test_voorbeeld_met_de_keuzes_van_de_methode_verschuift_niets(analist: Client, eigen_opslag: Path) -> None:
    antwoord = analist.post("/analyse/nieuw/voorbeeld/", _post("methode:dorpen"))
    assert antwoord.status_code == 200
    inhoud = antwoord.content.decode()
    rijen = _rijen(inhoud)
    assert len(rijen) == 10  # the top 10 (selection 8), nobody leaves the selection
    assert all(r[3] == "= gelijk" for r in rijen), rijen
    # the ranks are those of the saved CLI run of the same method
    opgeslagen_rangen = _dorpen(eigen_opslag).gebieden.set_index("naam")["rang"]
    assert all(int(r[0]) == int(opgeslagen_rangen[r[1]]) == int(r[2]) for r in rijen)
    assert "Van de 8 gebieden in de nieuwe selectie stonden er 8 ook in de selectie" in inhoud


def test_voorbeeld_zonder_thema_volgt_de_handberekening(analist: Client, eigen_opslag: Path) -> None:
    antwoord = analist.post("/analyse/nieuw/voorbeeld/", _post("methode:dorpen", thema_4=False))
    assert antwoord.status_code == 200
    inhoud = antwoord.content.decode()
    g = _dorpen(eigen_opslag).gebieden
    verwacht = g[DRIE_THEMAS].mean(axis=1).rank(ascending=False, method="min").astype(int)
    nieuw = dict(zip(g["naam"], verwacht, strict=True))
    oud = dict(zip(g["naam"], g["rang"].astype(int), strict=True))
    rijen = _rijen(inhoud)
    for r in rijen:
        naam = r[1].removesuffix(" (uit de selectie)").removesuffix(" (nieuw in de selectie)")
        assert (int(r[0]), int(r[2])) == (nieuw[naam], oud[naam]), r
    per_naam = {r[1]: r for r in rijen}
    # by hand from the table above: Beekdaelen 7 → 3, Bergen (L.) 4 → 11 (out of the top 8)
    assert per_naam["Beekdaelen"][3] == "▲ 4 plaatsen omhoog"
    assert per_naam["Valkenburg aan de Geul"][3] == "▼ 1 plaats omlaag"
    assert per_naam["Bergen (L.) (uit de selectie)"][3] == "▼ 7 plaatsen omlaag"
    assert per_naam["Roerdalen (nieuw in de selectie)"][0] == "7"
    # with three themes the dorpen groups (written for four) overlap: the default groups are used
    assert "de standaardgroepen worden gebruikt" in inhoud


def test_voorbeeld_met_fouten_noemt_de_velden(analist: Client) -> None:
    data = _post("methode:dorpen", thema_1_gewicht="abc", indicator_2_1_gewicht="0", selectie="")
    antwoord = analist.post("/analyse/nieuw/voorbeeld/", data)
    assert antwoord.status_code == 422
    inhoud = html.unescape(antwoord.content.decode())
    assert "'abc' is geen getal" in inhoud
    assert "Een gewicht moet groter zijn dan 0" in inhoud
    assert 'href="#wb-selectie"' in inhoud
    # a Dutch decimal comma is a weight like any other
    goed = analist.post("/analyse/nieuw/voorbeeld/", _post("methode:dorpen", thema_1_gewicht="1,5"))
    assert goed.status_code == 200


def test_voorbeeld_zonder_gegevens_geeft_nederlandse_melding(analist: Client) -> None:
    antwoord = analist.post("/analyse/nieuw/voorbeeld/", _post("methode:dorpen", periode="2022"))
    assert antwoord.status_code == 422
    assert "heeft geen waarden op niveau gemeente in periode 2022" in html.unescape(antwoord.content.decode())


def test_alle_themas_uit_is_een_fout(analist: Client) -> None:
    uit = {f"thema_{i}": False for i in range(1, 5)}
    antwoord = analist.post("/analyse/nieuw/voorbeeld/", _post("methode:dorpen", **uit))
    assert antwoord.status_code == 422
    assert "Er staat geen thema aan" in antwoord.content.decode()


# --- running and saving ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("naam", "fout"),
    [
        ("Mijn analyse!", "Gebruik alleen kleine letters"),
        (DORPEN, f"Er is al een analyse met de naam '{DORPEN}'"),
        ("vergelijk", "is gereserveerd"),
        ("", "Geef de analyse een naam."),
    ],
)
def test_foute_naam_geeft_veldfout(analist: Client, eigen_opslag: Path, naam: str, fout: str) -> None:
    voor = opgeslagen.namen(opgeslagen.analysemap(eigen_opslag))
    antwoord = analist.post("/analyse/nieuw/uitvoeren/", _post("methode:dorpen", naam=naam))
    assert antwoord.status_code == 422
    assert antwoord["HX-Retarget"] == "#werkbank"
    inhoud = html.unescape(antwoord.content.decode())
    veldfout = re.search(r'<p class="fout" id="wb-naam_fout">(.*?)</p>', inhoud)
    assert veldfout is not None and fout in veldfout.group(1)
    assert 'aria-describedby="wb-naam_uitleg wb-naam_fout"' in inhoud
    assert opgeslagen.namen(opgeslagen.analysemap(eigen_opslag)) == voor


def test_uitvoeren_slaat_op_zoals_de_cli(analist: Client, eigen_opslag: Path) -> None:
    """Unchanged, from the saved CLI run (dorpen, robustness 100, next to wijken): the same tables."""
    data = _post(f"analyse:{DORPEN}", naam="dorpen-uit-de-browser", robuustheid="100")
    antwoord = analist.post("/analyse/nieuw/uitvoeren/", data)
    assert antwoord.status_code == 200
    assert "<progress" in antwoord.content.decode()
    taak = _wacht(antwoord)
    assert taak.status == "klaar" and taak.klaar == 100, taak
    verder = analist.post(f"/analyse/nieuw/taak/{taak.id}/voortgang/")
    assert verder["HX-Redirect"] == "/analyse/dorpen-uit-de-browser/"
    map = opgeslagen.analysemap(eigen_opslag)
    cli, web_ = opgeslagen.laad(map, DORPEN), opgeslagen.laad(map, "dorpen-uit-de-browser")
    pd.testing.assert_frame_equal(cli.gebieden, web_.gebieden)
    pd.testing.assert_frame_equal(cli.themas, web_.themas)
    assert web_.resultaat["gevoeligheid"] == cli.resultaat["gevoeligheid"]
    wal_web, wal_cli = web_.resultaat["tussen_wal_en_schip"], cli.resultaat["tussen_wal_en_schip"]
    assert [(g["code"], g["rang_zonder_scope"]) for g in wal_web["gebieden"]] == [
        (g["code"], g["rang_zonder_scope"]) for g in wal_cli["gebieden"]
    ]
    # the method carries the new analysis's name; the method next to it is the CLI run's
    assert [m["methode"] for m in wal_web["gecontroleerd"]] == ["dorpen-uit-de-browser", "wijken"]
    assert {p.name for p in web_.map.iterdir()} == {p.name for p in cli.map.iterdir()}
    record = web_.resultaat["runrecord"]
    assert record["aanpassingen"] == {"uitgangspunt": f"opgeslagen analyse '{DORPEN}'"}
    assert record["robuustheid"] == 100 and record["seed"] == cli.resultaat["runrecord"]["seed"]
    assert not list(eigen_opslag.glob(".werkbank-*"))
    pagina = analist.get("/analyse/dorpen-uit-de-browser/").content.decode()
    assert 'href="ranglijst/"' in pagina and 'href="kaart/"' in pagina and 'href="rapport.pdf"' in pagina


def test_taakpagina_na_herladen(analist: Client) -> None:
    data = _post("methode:dorpen", naam="dorpen-herladen", robuustheid="20", thema_4=False)
    taak = _wacht(analist.post("/analyse/nieuw/uitvoeren/", data))
    pagina = analist.get(f"/analyse/nieuw/taak/{taak.id}/").content.decode()
    assert "20 van 20 replicaties" in pagina and "<progress" in pagina
    onbekend = analist.get("/analyse/nieuw/taak/bestaat-niet/").content.decode()
    assert "Deze berekening is niet (meer) bekend" in onbekend


def test_taak_van_een_verdwenen_proces_heet_onderbroken(tmp_path: Path) -> None:
    # a run written by a process that no longer exists (the server restarted mid-run): not "bezig"
    # forever, but the Dutch reason; a run of a living process (this one) stays as it is
    import subprocess
    import sys

    dood = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    weg = wb.Taak(id="a" * 32, naam="x", replicaties=10, status="bezig", pid=int(dood.stdout))
    hier = wb.Taak(id="b" * 32, naam="y", replicaties=10, status="bezig", pid=os.getpid())
    for t in (weg, hier):
        wb._schrijf_taak(tmp_path, t)
    taken = wb.Taken()
    onderbroken = taken.taak(weg.id, tmp_path)
    assert onderbroken is not None and onderbroken.status == "fout" and onderbroken.fout == wb.ONDERBROKEN
    assert taken.taak(hier.id, tmp_path) == hier


def test_fout_in_de_berekening_meldt_en_laat_niets_achter(
    analist: Client, eigen_opslag: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a run on data that is not there: the pipeline's own Dutch message
    taak = _wacht(
        analist.post("/analyse/nieuw/uitvoeren/", _post("methode:dorpen", naam="x-2022", periode="2022"))
    )
    assert taak.status == "fout"
    fragment = analist.post(f"/analyse/nieuw/taak/{taak.id}/voortgang/")
    assert fragment.status_code == 200
    assert "De berekening is mislukt: " in html.unescape(fragment.content.decode())
    assert "Er is niets opgeslagen." in fragment.content.decode()

    # a failure half-way through writing (after the tables, before the workbook): nothing is left
    def kapot(*args: Any) -> None:
        raise OSError("schijf vol")

    monkeypatch.setattr(uitvoer, "_excel", kapot)
    taak = _wacht(
        analist.post("/analyse/nieuw/uitvoeren/", _post("methode:dorpen", naam="half", robuustheid="0"))
    )
    assert taak.status == "fout" and "onverwacht mislukt (OSError)" in taak.fout
    map = opgeslagen.analysemap(eigen_opslag)
    assert not (map / "half").exists() and not (map / "x-2022").exists()
    assert not list(eigen_opslag.glob(".werkbank-*"))


# --- comparing ------------------------------------------------------------------------------------


def test_vergelijk_met_zichzelf_verschuift_niets(analist: Client) -> None:
    antwoord = analist.get(f"/analyse/vergelijk/?a={DORPEN}&b={DORPEN}")
    assert antwoord.status_code == 200
    inhoud = antwoord.content.decode()
    rijen = _rijen(inhoud)
    assert len(rijen) == 20 and all(r[3] == "= gelijk" for r in rijen)
    assert "In beide selecties: 8 gebieden." in inhoud
    assert "GM0" not in " ".join(r[0] for r in rijen)  # names, not codes
    csv = analist.get(f"/analyse/vergelijk/?a={DORPEN}&b={DORPEN}&formaat=csv")
    assert csv.content.startswith("\ufeff".encode())
    tabel = pd.read_csv(io.StringIO(csv.content.decode("utf-8-sig")), sep=";")
    assert len(tabel) == 20 and set(tabel["Verschuiving"]) == {"gelijk"}
    assert (tabel["Verschuiving (plaatsen omhoog)"] == 0).all()


def test_vergelijk_na_thema_uit_grootste_verschuiving_eerst(analist: Client, eigen_opslag: Path) -> None:
    data = _post("methode:dorpen", naam="dorpen-zonder-voorzieningen", robuustheid="0", thema_4=False)
    assert _wacht(analist.post("/analyse/nieuw/uitvoeren/", data)).status == "klaar"
    antwoord = analist.get(f"/analyse/vergelijk/?a={DORPEN}&b=dorpen-zonder-voorzieningen")
    rijen = _rijen(antwoord.content.decode())
    g = _dorpen(eigen_opslag).gebieden
    nieuw = g[DRIE_THEMAS].mean(axis=1).rank(ascending=False, method="min")
    verschil = (g["rang"] - nieuw).astype(int)
    afstanden = [int(re.sub(r"\D", "", r[3]) or 0) for r in rijen]
    assert afstanden[0] == int(verschil.abs().max())
    assert afstanden == sorted(afstanden, reverse=True)
    per_naam = {r[0]: r for r in rijen}
    assert per_naam["Beekdaelen"][1:4] == ["7", "3", "▲ 4 plaatsen omhoog"]
    assert per_naam["Bergen (L.)"][4] == "alleen in A"
    assert "In beide selecties: 7 gebieden." in antwoord.content.decode()


def test_vergelijk_met_onbekende_analyse(analist: Client) -> None:
    antwoord = analist.get(f"/analyse/vergelijk/?a={DORPEN}&b=bestaat-niet")
    assert antwoord.status_code == 400
    inhoud = html.unescape(antwoord.content.decode())
    assert re.search(r'id="vg-b_fout">Onbekende analyse \'bestaat-niet\'', inhoud)


# --- the core --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def voorbereid(echte_opslag: Opslag) -> Iterator[tuple[Any, Any]]:
    methode = lees_methode("dorpen")
    gegevens = selecteer(methode, echte_opslag.lees())
    kern = bereken(methode, gegevens)
    prep = bereid_voor(kern.x, kern.groepen, kern.richting, gegevens.in_scope, methode, gewichten(methode))
    yield prep, methode


def test_voortgang_verandert_de_uitkomst_niet(voorbereid: tuple[Any, Any]) -> None:
    prep, methode = voorbereid
    gehoord: list[tuple[int, int]] = []
    met = monte_carlo(prep, methode, 30, 7, lambda klaar, totaal: gehoord.append((klaar, totaal)))
    zonder = monte_carlo(prep, methode, 30, 7)
    np.testing.assert_array_equal(met.rangen, zonder.rangen)
    # Heard after every chunk: counts that only go up, always of 30, the last one all 30.
    assert gehoord and gehoord[-1] == (30, 30) and {t for _, t in gehoord} == {30}
    assert [k for k, _ in gehoord] == sorted(k for k, _ in gehoord)


def test_maak_methode_met_eigen_keuzes_is_de_methode() -> None:
    methode = lees_methode("wijken")
    nieuw, notities = wb.maak_methode(methode, wb.keuzes_van(methode))
    assert nieuw == methode and notities == []
    assert wb.aanpassingen(methode, nieuw, "x") == {"uitgangspunt": "x"}


def test_verschuivingstekst() -> None:
    assert wb.verschuivingstekst(5, 2) == "3 plaatsen omhoog"
    assert wb.verschuivingstekst(2, 3) == "1 plaats omlaag"
    assert wb.verschuivingstekst(4, 4) == "gelijk"
    assert wb.verschuivingstekst(None, 4) == "nieuw in de rangorde"
    assert wb.verschuivingstekst(4, None) == "niet meer in de rangorde"
