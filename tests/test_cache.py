"""The page cache and the PDF cache: keyed by everything that changes the page (the user where it
matters), bounded however many junk query strings arrive; a PDF of an unchanged analysis is made once,
also when two requests for it arrive at the same time; unexpected errors are logged with a traceback."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client

from gebiedskompas.web.monitoring import lezen
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.site import pdf, pdfcache
from gebiedskompas.web.site import views as v

from .webhulp import WACHTWOORD, gebruikers_en_voorbeeld

pytestmark = pytest.mark.django_db
DORPEN = "dorpen-2020-gemeente"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def gebruikers(
    settings: Any, web_opslag: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, User]:
    settings.OPSLAG = web_opslag
    monkeypatch.setattr(pdfcache, "pdfmap", lambda: tmp_path / "pdf")
    uit = gebruikers_en_voorbeeld()
    for naam, groep in (("coordinator2", "gebiedscoordinator"), ("analist2", "analist")):
        u = User.objects.create_user(naam, "", WACHTWOORD)
        u.groups.add(Group.objects.get(name=groep))
        uit[naam] = u
    m.Gebiedsaanpak.objects.get(naam="Heerlen-Noord").coordinatoren.add(uit["coordinator2"])
    return uit


def _client(gebruikers: dict[str, User], naam: str, **kwargs: Any) -> Client:
    c = Client(**kwargs)
    c.force_login(gebruikers[naam])
    return c


def _max_entries() -> int:
    opties = cast(dict[str, int], django_settings.CACHES["default"]["OPTIONS"])
    return opties["MAX_ENTRIES"]


def _entries() -> int:
    return len(cache._cache)  # type: ignore[attr-defined]


# --- per user --------------------------------------------------------------------------------------


def test_coordinator_ziet_alleen_de_formulieren_van_het_eigen_programma(gebruikers: dict[str, User]) -> None:
    reuver = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    heerlen = m.Gebiedsaanpak.objects.get(naam="Heerlen-Noord").pk
    een, twee = _client(gebruikers, "gebiedscoordinator"), _client(gebruikers, "coordinator2")
    for pk in (reuver, heerlen):  # each page is first cached by the one who may edit it, or not
        for c in (een, twee, een, twee):
            c.get(f"/monitoring/aanpakken/{pk}/")
    for c, eigen, ander in ((een, reuver, heerlen), (twee, heerlen, reuver)):
        assert (
            f'action="/monitoring/aanpakken/{eigen}/fase/"' in c.get(f"/monitoring/aanpakken/{eigen}/").text
        )
        assert "/fase/" not in c.get(f"/monitoring/aanpakken/{ander}/").text


def test_twee_analisten_krijgen_elk_hun_eigen_csrf_token(gebruikers: dict[str, User]) -> None:
    pk = m.Gebiedsaanpak.objects.get(naam="Reuver/Offenbeek").pk
    adres = f"/monitoring/aanpakken/{pk}/"
    tokens: dict[str, list[str]] = {}
    for naam in ("analist", "analist2", "analist", "analist2"):  # the second round comes from the cache
        c = _client(gebruikers, naam, enforce_csrf_checks=True)
        pagina = c.get(adres).text
        token = _TOKEN.search(pagina)
        assert token, naam
        tokens.setdefault(naam, []).append(token.group(1))
        # the token on the (cached) page is accepted for this session: a 422 with field errors, no 403
        antwoord = c.post(f"{adres}fase/", {"csrfmiddlewaretoken": token.group(1)})
        assert antwoord.status_code != 403, naam
    assert not set(tokens["analist"]) & set(tokens["analist2"])


# --- bounded ---------------------------------------------------------------------------------------


def test_2000_unieke_rommelvragen_laten_de_cache_begrensd(gebruikers: dict[str, User]) -> None:
    c = _client(gebruikers, "lezer")
    assert c.get("/monitoring/lessen/").status_code == 200
    voor = _entries()
    for i in range(2000):
        adres = ["/monitoring/lessen/", "/"][i % 2]
        assert c.get(adres, {f"rommel{i}": "x", "q": str(i)}).status_code == 200
    assert _entries() == voor  # nothing of the junk is cached
    assert _max_entries() <= 500


def test_canoniek_adres_sorteert_en_weigert_onbekende_of_herhaalde_parameters(rf: Any) -> None:
    assert v.canoniek_adres(rf.get("/x/", {"sorteer": "naam", "groep": "a"})) == "/x/?groep=a&sorteer=naam"
    assert v.canoniek_adres(rf.get("/x/?groep=a&groep=b")) is None
    assert v.canoniek_adres(rf.get("/x/", {"onbekend": "1"})) is None
    assert v.canoniek_adres(rf.get("/x/", {"q": "zoek"})) is None
    assert v.canoniek_adres(rf.get("/x/", {"groep": "x" * 101})) is None
    assert v.canoniek_adres(rf.get("/x/")) == "/x/"


# --- PDFs ------------------------------------------------------------------------------------------


def test_pdf_van_een_ongewijzigde_analyse_wordt_een_keer_gemaakt(
    gebruikers: dict[str, User], monkeypatch: pytest.MonkeyPatch, web_opslag: Path
) -> None:
    gemaakt: list[str] = []
    echt = pdf.pdf_analyse

    def tellend(run: Any) -> bytes:
        gemaakt.append(run.naam)
        return echt(run)

    monkeypatch.setattr(v, "pdf_analyse", tellend)
    adres = f"/analyse/{DORPEN}/rapport.pdf"
    eerste = _client(gebruikers, "lezer").get(adres)
    tweede = _client(gebruikers, "analist").get(adres)
    assert eerste.status_code == tweede.status_code == 200
    assert eerste.content == tweede.content and eerste.content.startswith(b"%PDF")
    assert gemaakt == [DORPEN]
    assert len(list(pdfcache.pdfmap().glob("*.pdf"))) == 1

    resultaat = web_opslag / "analyses" / DORPEN / "resultaat.json"
    oud = resultaat.stat()
    try:
        os.utime(resultaat, ns=(oud.st_atime_ns, oud.st_mtime_ns + 1_000_000_000))  # the run changed
        assert _client(gebruikers, "lezer").get(adres).status_code == 200
        assert gemaakt == [DORPEN, DORPEN]
    finally:
        os.utime(resultaat, ns=(oud.st_atime_ns, oud.st_mtime_ns))


def test_gelijktijdige_verzoeken_maken_een_pdf_een_keer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdfcache, "pdfmap", lambda: tmp_path)
    gemaakt: list[int] = []

    def traag() -> bytes:
        gemaakt.append(1)
        time.sleep(0.5)
        return b"%PDF-1.7 inhoud"

    uitkomsten: list[bytes] = []
    draden = [
        threading.Thread(target=lambda: uitkomsten.append(pdfcache.bewaard(("x", 1), traag)))
        for _ in range(4)
    ]
    for d in draden:
        d.start()
    for d in draden:
        d.join()
    assert gemaakt == [1]
    assert uitkomsten == [b"%PDF-1.7 inhoud"] * 4
    assert [p.name for p in tmp_path.glob("*.pdf")] == [f"{pdfcache.sleutel('x', 1)}.pdf"]


def test_de_pdfmap_houdt_hoogstens_max_bestanden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfcache, "pdfmap", lambda: tmp_path)
    monkeypatch.setattr(pdfcache, "MAX_BESTANDEN", 5)
    for i in range(12):
        pdfcache.bewaard(("rapport", i), lambda: b"%PDF")
    assert len(list(tmp_path.glob("*.pdf"))) == 5
    assert not list(tmp_path.glob(".*.tmp"))


# --- logged errors ---------------------------------------------------------------------------------


def test_een_onverwachte_fout_wordt_gelogd_met_traceback(
    gebruikers: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    def kapot() -> Any:
        raise RuntimeError("proefbreuk-voor-het-logboek")

    monkeypatch.setattr(lezen, "overzicht", kapot)
    bestanden = [
        Path(h.baseFilename)
        for h in logging.getLogger("django.request").handlers
        if isinstance(h, logging.FileHandler)
    ]
    assert [b.name for b in bestanden] == ["web.log"] and bestanden[0].parent.name == "logboek"
    c = Client(raise_request_exception=False)
    c.force_login(gebruikers["lezer"])
    antwoord = c.get("/")
    assert antwoord.status_code == 500
    assert "Er ging iets mis" in antwoord.text
    log = bestanden[0].read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: proefbreuk-voor-het-logboek" in log
