"""The effect page of a programme: verdict, estimate, placebo checks, charts with text alternatives and
tables, comparison areas on a map and in a table; Dutch messages for bad parameters; the PDF chapter."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from pypdf import PdfReader

from gebiedskompas import grafieken
from gebiedskompas.effect.oordeel import decimalen
from gebiedskompas.effect.pijplijn import Effectresultaat, meet_effect
from gebiedskompas.opmaak import getal
from gebiedskompas.opslag import Opslag
from gebiedskompas.web.monitoring import models as m
from gebiedskompas.web.monitoring.voorbeeld import laad_voorbeeld

pytestmark = pytest.mark.django_db

LBM = "leefbaarometer.lbm"
HEERLEN_NOORD = ["WK091711", "WK091712", "WK091713", "WK091720", "WK091721", "WK091722"]


@pytest.fixture
def lezer(settings: Any, echte_opslag: Opslag) -> Client:
    settings.OPSLAG = echte_opslag.map
    laad_voorbeeld()
    u = User.objects.create_user("lezer-effect", "", "x")
    u.groups.add(Group.objects.get(name="lezer"))
    c = Client()
    c.force_login(u)
    return c


@pytest.fixture
def heerlen(lezer: Client) -> m.Gebiedsaanpak:
    return m.Gebiedsaanpak.objects.get(naam="Heerlen-Noord")


def _url(aanpak: m.Gebiedsaanpak, pdf: bool = False) -> str:
    return f"/monitoring/aanpakken/{aanpak.pk}/effect{'.pdf' if pdf else '/'}"


def _tekst(html: str) -> str:
    """Visible text, whitespace collapsed (Django escapes quotes in templates)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _resultaat(echte_opslag: Opslag, aanpak: m.Gebiedsaanpak) -> Effectresultaat:
    return meet_effect(echte_opslag.lees(), LBM, aanpak.regiocodes, 2016, "did", aanpak=aanpak.naam)


def test_effect_page_shows_verdict_estimate_comparison_and_accessible_charts(
    lezer: Client, heerlen: m.Gebiedsaanpak, echte_opslag: Opslag
) -> None:
    antwoord = lezer.get(_url(heerlen), {"indicator": LBM, "start": "2016", "methode": "did"})
    assert antwoord.status_code == 200
    html = antwoord.content.decode()
    tekst = _tekst(html)
    r = _resultaat(echte_opslag, heerlen)
    assert r.schatting is not None and r.vergelijking is not None
    # the verdict in words, with its warnings
    assert r.oordeel.tekst in tekst
    for w in r.oordeel.waarschuwingen:
        assert w in tekst
    # the estimate and its interval in Dutch number format (decimal comma)
    d = decimalen(r.schatting.effect, r.schatting.onder, r.schatting.boven)
    assert f"{getal(r.schatting.effect, d, teken=True)} score" in tekst
    assert f"{getal(r.schatting.onder, d)} tot {getal(r.schatting.boven, d)} score" in tekst
    assert "," in getal(r.schatting.effect, d) and "." not in getal(r.schatting.effect, d)
    # placebo check in time, with its fake start
    assert f"In de tijd (nepstart {r.placebos[0].nep_start})" in tekst
    # every comparison area in the table of comparison areas, with its weight
    assert "Vergelijkingsgebieden (" in tekst
    tabel = html[html.index('id="vergelijking-bijschrift"') :]
    tabel = tabel[: tabel.index("</table>")]
    for code, gewicht in r.vergelijking.gewichten().items():
        assert f">{code}</a>" in tabel, code
        assert getal(gewicht, 2) in tabel
    # each chart: an image with a Dutch text alternative, and a table with its numbers
    sleutels = re.findall(r'<svg role="img" aria-labelledby="([\w-]+)-titel \1-beschrijving"', html)
    assert {"lijnen", "verschillen", "gebeurtenisstudie", "kaart-nl", "kaart-uitsnede"} <= set(sleutels)
    for sleutel in set(sleutels):
        beschrijving = re.search(rf'id="{sleutel}-beschrijving">([^<]+)<', html)
        assert beschrijving and len(beschrijving.group(1)) > 80, sleutel
        assert re.search(rf'id="{sleutel}-titel">[^<]+<', html), sleutel
        if not sleutel.startswith("kaart"):
            assert (
                f'<table class="utrecht-table gegevens grafiektabel" aria-labelledby="{sleutel}-tabel">'
                in html
            )
    assert "Lijngrafiek van Leefbaarometer" in tekst and "Puntgrafiek met 95%-intervallen" in tekst
    # the event-study table holds every wave's coefficient
    studie = html[html.index('id="gebeurtenisstudie-tabel"') :]
    for rij in r.schatting.per_golf.itertuples():
        assert f"{int(rij.periode)}</th>" in studie
    # the page links to its PDF with the same parameters
    assert f"{_url(heerlen, pdf=True)}?indicator={LBM}&amp;start=2016&amp;methode=did" in html


def test_lines_and_event_study_tell_one_story(echte_opslag: Opslag) -> None:
    """Treated minus weighted comparison per wave, minus the same in the reference wave, is the
    event-study coefficient (a balanced panel)."""
    r = meet_effect(echte_opslag.lees(), LBM, HEERLEN_NOORD, 2016)
    assert r.schatting is not None
    behandeld, vergelijking = grafieken.groepsreeksen(r)
    assert vergelijking is not None
    gat = behandeld.waarden - vergelijking.waarden
    jaren = [int(p) for p in r.paneel.perioden]
    ref = jaren.index(int(r.schatting.per_golf.loc[r.schatting.per_golf["referentie"], "periode"].iloc[0]))
    coef = r.schatting.per_golf.set_index("periode")["coef"].reindex(jaren).to_numpy()
    assert np.allclose(gat - gat[ref], coef, atol=1e-9)


def test_effect_is_computed_once_per_parameters(
    lezer: Client, heerlen: m.Gebiedsaanpak, monkeypatch: pytest.MonkeyPatch
) -> None:
    vraag = {"indicator": LBM, "start": "2016", "methode": "did"}
    assert lezer.get(_url(heerlen), vraag).status_code == 200

    def nooit(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("opnieuw berekend")

    monkeypatch.setattr("gebiedskompas.effect.pijplijn.meet_effect", nooit)
    assert lezer.get(_url(heerlen, pdf=True), vraag).status_code == 200  # the PDF reuses the page's result
    with pytest.raises(AssertionError, match="opnieuw berekend"):
        lezer.get(_url(heerlen), {**vraag, "start": "2014"})


@pytest.mark.parametrize(
    ("vraag", "melding"),
    [
        ({"indicator": "abc"}, "Onbekende indicator 'abc'"),
        ({"indicator": "kwb.inwoners"}, "Onbekende indicator 'kwb.inwoners'"),  # a count: not offered
        ({"start": "abc"}, "Het startjaar moet een jaartal"),
        ({"start": "-5"}, "Het startjaar moet een jaartal"),
        ({"start": "20160"}, "Het startjaar moet een jaartal"),
        ({"methode": "xyz"}, "Onbekende methode 'xyz'"),
    ],
)
def test_bad_parameters_give_a_dutch_400(
    lezer: Client, heerlen: m.Gebiedsaanpak, vraag: dict[str, str], melding: str
) -> None:
    for pdf in (False, True):
        antwoord = lezer.get(_url(heerlen, pdf), {"indicator": LBM, "start": "2016", **vraag})
        assert antwoord.status_code == 400, (vraag, pdf)
        tekst = _tekst(antwoord.content.decode())
        assert melding in tekst and 'role="alert"' in antwoord.content.decode()
        assert 'name="indicator"' in antwoord.content.decode()  # the form to choose again


def test_unknown_programme_gives_a_dutch_404(lezer: Client) -> None:
    for url in ("/monitoring/aanpakken/987654/effect/", "/monitoring/aanpakken/987654/effect.pdf"):
        antwoord = lezer.get(url, {"indicator": LBM})
        assert antwoord.status_code == 404
        assert "Gebiedsaanpak 987654 bestaat niet" in antwoord.content.decode()


def test_programme_page_links_to_the_effect_page(lezer: Client, heerlen: m.Gebiedsaanpak) -> None:
    html = lezer.get(f"/monitoring/aanpakken/{heerlen.pk}/").content.decode()
    assert f'href="{_url(heerlen)}"' in html
    keuze = lezer.get(_url(heerlen)).content.decode()  # default parameters: the form offers the series
    assert f'<option value="{LBM}"' in keuze and 'value="kwb.inwoners"' not in keuze


def test_effect_pdf_is_tagged_and_carries_verdict_and_comparison_areas(
    lezer: Client, heerlen: m.Gebiedsaanpak, echte_opslag: Opslag
) -> None:
    antwoord = lezer.get(_url(heerlen, pdf=True), {"indicator": LBM, "start": "2016", "methode": "did"})
    assert antwoord.status_code == 200 and antwoord["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(antwoord.content))
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "nl" and "/StructTreeRoot" in root
    tekst = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    r = _resultaat(echte_opslag, heerlen)
    assert re.sub(r"\s+", " ", r.oordeel.tekst) in tekst
    assert "Vergelijkingsgebieden" in tekst
    assert r.vergelijking is not None and r.vergelijking.codes()[0] in tekst
