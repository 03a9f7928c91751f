"""Own surveys (issue 13, point 5): a province's own panel as a source like any other.

The template round-trips: written, filled for three real Limburg gemeenten (codes from the register)
in two waves, loaded with ``gebiedskompas laad MAP``, and then used by an analysis (rank order by
hand), ``reeks`` (both waves, margins from n by hand), ``trend`` and the effect measurement (the
difference in differences by hand). A bad row is refused with sheet, row and column, and leaves the
store byte-identical. The CSV variant, the CLI command and the web page (download, upload, roles,
axe-core and a 390 px phone) are checked too.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from gebiedskompas.analyse.methode import ontleed_methode
from gebiedskompas.analyse.pijplijn import analyseer
from gebiedskompas.cli import app
from gebiedskompas.effect.pijplijn import meet_effect
from gebiedskompas.effect.trend import trend
from gebiedskompas.enquete import laad_enquete, schrijf_sjabloon, sjabloon_csv
from gebiedskompas.errors import InvoerFout
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag
from gebiedskompas.readers.eigen_enquete import EnqueteFout, lees_enquete, marge_uit_n
from gebiedskompas.reeks import reeks
from gebiedskompas.register import Register

from .conftest import SHARED_DATA, maphash

ID = "eigen.welbevinden_onvoldoende"
BEESEL, HEERLEN, MAASTRICHT = "GM0889", "GM0917", "GM0935"
DEFINITIE = [
    "welbevinden_onvoldoende",
    "Geeft welbevinden een onvoldoende",
    "%",
    "hoger_is_slechter",
    "Aandeel inwoners (18+) dat het eigen welbevinden een 5 of lager geeft.",
    "Provincie Limburg, inwonerspanel",
    "CC BY 4.0",
]
# regiocode, jaar, indicator, waarde, ondergrens, bovengrens, n
WAARDEN: list[list[Any]] = [
    [BEESEL, 2021, "welbevinden_onvoldoende", 12.5, None, None, 400],
    [BEESEL, 2023, "welbevinden_onvoldoende", 11.0, 8.5, 13.5, 380],
    [HEERLEN, 2021, "welbevinden_onvoldoende", 15.0, None, None, 500],
    [HEERLEN, 2023, "welbevinden_onvoldoende", 14.0, None, None, None],
    [MAASTRICHT, 2021, "welbevinden_onvoldoende", 9.0, None, None, 300],
    [MAASTRICHT, 2023, "welbevinden_onvoldoende", 8.0, None, None, 250],
]
METHODE = f"""
naam = "welbevinden"
titel = "Welbevinden uit het eigen panel"
[scope]
provincies = ["PV31"]
niveau = "gemeente"
periode = "2023"
[benchmark]
soort = "groep"
groep = ["{BEESEL}", "{HEERLEN}", "{MAASTRICHT}"]
[[thema]]
id = "welbevinden"
label = "Welbevinden"
[[thema.indicator]]
id = "{ID}"
"""


@pytest.fixture(scope="module")
def registeropslag(tmp_path_factory: pytest.TempPathFactory) -> Opslag:
    """A store with only the region register (Gebieden in Nederland 2019-2025): fast and real."""
    opslag = Opslag(tmp_path_factory.mktemp("enquete") / "opslag")
    assert not laad([SHARED_DATA / "cbs_gebieden_in_nederland"], opslag).mislukt
    return opslag


@pytest.fixture
def opslag(registeropslag: Opslag, tmp_path: Path) -> Opslag:
    """A copy of the register store each test may change."""
    kopie = Opslag(tmp_path / "opslag")
    shutil.copytree(registeropslag.map, kopie.map)
    return kopie


def _register(opslag: Opslag) -> Register:
    return Register(opslag.lees().regios)


def gevuld_xlsx(
    pad: Path,
    register: Register,
    waarden: list[list[Any]] = WAARDEN,
    bewerk: Callable[[openpyxl.Workbook], None] | None = None,
) -> Path:
    """Write the template, replace its example rows by ours (as an analyst would), save."""
    schrijf_sjabloon(pad, "xlsx", register)
    boek = openpyxl.load_workbook(pad)
    for naam, rijen in (("indicatoren", [DEFINITIE]), ("waarden", waarden)):
        blad = boek[naam]
        blad.delete_rows(2, blad.max_row)
        for rij in rijen:
            blad.append(rij)
    if bewerk:
        bewerk(boek)
    boek.save(pad)
    return pad


# --- the margin formula -----------------------------------------------------------------------------


def test_margin_from_n_by_hand() -> None:
    # 12.5% of 400: sqrt(12.5 * 87.5 / 400) = sqrt(2.734375) = 1.653595; * 1.96 = 3.241046
    onder, boven = marge_uit_n(12.5, 400)
    assert onder == pytest.approx(9.258954, abs=1e-6)
    assert boven == pytest.approx(15.741046, abs=1e-6)
    # 1% of 10: half width 1.96 * sqrt(9.9) = 1.96 * 3.146427 = 6.166996; the lower bound is clipped to 0
    assert marge_uit_n(1.0, 10) == pytest.approx((0.0, 7.166996), abs=1e-6)


# --- the template ------------------------------------------------------------------------------------


def test_template_has_instructions_lists_and_marked_examples(opslag: Opslag, tmp_path: Path) -> None:
    pad = schrijf_sjabloon(tmp_path / "sjabloon.xlsx", "xlsx", _register(opslag))
    boek = openpyxl.load_workbook(pad)
    assert boek.sheetnames == ["toelichting", "indicatoren", "waarden", "gebieden"]
    assert "1,96" in " ".join(str(c.value) for c in boek["toelichting"]["A"])
    lijsten = {
        str(v.sqref).split(":")[0]: v.formula1 for v in boek["waarden"].data_validations.dataValidation
    }
    assert lijsten["C2"] == "indicatoren!$A$2:$A$1000"  # the indicator column lists the defined keys
    assert '"hoger_is_beter,hoger_is_slechter"' in [
        v.formula1 for v in boek["indicatoren"].data_validations.dataValidation
    ]
    gebieden = {r[0]: r[1] for r in boek["gebieden"].iter_rows(min_row=2, values_only=True)}
    assert gebieden[BEESEL] == "Beesel" and gebieden[HEERLEN] == "Heerlen"
    # the example rows are grey and refused when loaded, so they never reach the store
    assert boek["waarden"]["A2"].font.i and boek["waarden"]["A2"].fill.fgColor.rgb.endswith("EDEDED")
    with pytest.raises(EnqueteFout) as fout:
        lees_enquete(pad, _register(opslag))
    assert "blad 'indicatoren', rij 2, kolom 'sleutel': voorbeeldregel" in str(fout.value)


# --- round trip -------------------------------------------------------------------------------------


@pytest.fixture
def geladen(opslag: Opslag, tmp_path: Path) -> Opslag:
    """The filled template in a folder, loaded as the README loads data: ``gebiedskompas laad MAP``."""
    register = _register(opslag)
    assert [register.naam(c) for c in (BEESEL, HEERLEN, MAASTRICHT)] == ["Beesel", "Heerlen", "Maastricht"]
    assert {register.provincie(c, 2023) for c in (BEESEL, HEERLEN, MAASTRICHT)} == {"PV31"}
    map = tmp_path / "panel"
    gevuld_xlsx(map / "welbevinden-panel.xlsx", register)
    uit = CliRunner().invoke(app, ["laad", str(map), "--opslag", str(opslag.map)])
    assert uit.exit_code == 0, uit.output
    lading = opslag.lees().ladingen[-1]
    assert (lading["bestand"], lading["tabel"], lading["waarden"]) == (
        "welbevinden-panel.xlsx",
        "eigen:welbevinden-panel.xlsx",
        6,
    )
    return opslag


def test_definitions_survive_a_reload(geladen: Opslag) -> None:
    """A fresh process knows nothing of the survey until it reads the store; then the catalogue has it."""
    script = (
        "import json, sys; from pathlib import Path; from gebiedskompas.catalogus import catalogus; "
        "from gebiedskompas.opslag import Opslag; id = sys.argv[2]; voor = catalogus().get(id); "
        "Opslag(Path(sys.argv[1])).lees(); i = catalogus().get(id); "
        "print(json.dumps([voor is None, i.label, i.eenheid, i.richting, i.niveaus, catalogus().citatie(id), "
        "catalogus().get('kwb.inwoners') is not None]))"
    )
    uit = subprocess.run(
        [sys.executable, "-c", script, str(geladen.map), ID], capture_output=True, text=True, check=True
    )
    assert json.loads(uit.stdout) == [
        True,
        "Geeft welbevinden een onvoldoende",
        "%",
        "hoger_is_slechter",
        ["gemeente"],
        "Provincie Limburg, inwonerspanel (CC BY 4.0)",
        True,
    ]
    assert [i.id for i in geladen.lees().indicatoren] == [ID]


def test_series_shows_both_waves_with_margins_from_n(geladen: Opslag) -> None:
    waarden = reeks(geladen.lees(), BEESEL, [ID]).waarden
    assert list(waarden["periode"]) == ["2021", "2023"]
    eerste, tweede = waarden.iloc[0], waarden.iloc[1]
    halve = 1.96 * math.sqrt(12.5 * 87.5 / 400)  # n only: computed
    assert (eerste["onder"], eerste["boven"]) == pytest.approx((12.5 - halve, 12.5 + halve))
    assert (tweede["waarde"], tweede["onder"], tweede["boven"]) == (11.0, 8.5, 13.5)  # own bounds kept
    heerlen = reeks(geladen.lees(), HEERLEN, [ID]).waarden
    assert math.isnan(heerlen.iloc[1]["onder"])  # neither bounds nor n: no margin invented
    uit = CliRunner().invoke(app, ["reeks", BEESEL, "--indicator", ID, "--opslag", str(geladen.map)])
    assert uit.exit_code == 0, uit.output
    assert "2021" in uit.output and "2023" in uit.output and "9,26 – 15,74" in uit.output


def test_analysis_ranks_by_the_own_indicator(geladen: Opslag) -> None:
    resultaat = analyseer(ontleed_methode(METHODE), geladen.lees())
    gerangschikt = resultaat.gebieden.dropna(subset=["rang"])
    # 2023: Heerlen 14 %, Beesel 11 %, Maastricht 8 %; higher is worse, so Heerlen has the most need
    assert list(gerangschikt["code"]) == [HEERLEN, BEESEL, MAASTRICHT]
    assert list(gerangschikt["rang"]) == [1, 2, 3]


def test_trend_and_effect_use_the_own_indicator(geladen: Opslag) -> None:
    toestand = geladen.lees()
    t = trend(toestand, ID, [BEESEL], ("nl",))
    assert t.label == "Geeft welbevinden een onvoldoende" and t.bronvermelding.startswith("Provincie Limburg")
    effect = meet_effect(toestand, ID, [BEESEL], 2022)
    # Beesel 12.5 -> 11 (-1.5); Heerlen and Maastricht each -1: difference in differences -0.5
    assert effect.schatting is not None
    assert effect.schatting.effect == pytest.approx(-0.5)
    assert effect.label == "Geeft welbevinden een onvoldoende"


# --- refused files ---------------------------------------------------------------------------------


def _rij(nummer: int, **wijziging: Any) -> Callable[[openpyxl.Workbook], None]:
    kolommen = ["regiocode", "jaar", "indicator", "waarde", "ondergrens", "bovengrens", "n"]

    def bewerk(boek: openpyxl.Workbook) -> None:
        for kolom, waarde in wijziging.items():
            boek["waarden"].cell(nummer, kolommen.index(kolom) + 1, waarde)

    return bewerk


def _zonder_kolom(blad: str, kolom: int) -> Callable[[openpyxl.Workbook], None]:
    return lambda boek: boek[blad].delete_cols(kolom)


FOUTEN = [
    (_rij(4, waarde="veel"), "blad 'waarden', rij 4, kolom 'waarde': 'veel' is geen getal"),
    (_rij(3, regiocode="GM9999"), "blad 'waarden', rij 3, kolom 'regiocode': onbekende regiocode GM9999"),
    (
        _rij(5, regiocode="Heerlen"),
        "blad 'waarden', rij 5, kolom 'regiocode': regiocode 'Heerlen' past op geen",
    ),
    (
        _rij(2, waarde=120),
        "blad 'waarden', rij 2, kolom 'waarde': 120 ligt buiten 0-100, maar de eenheid is %",
    ),
    (_rij(3, ondergrens=11.5), "blad 'waarden', rij 3, kolom 'ondergrens': ondergrens 11.5 is groter dan"),
    (_rij(7, jaar=2021), "blad 'waarden', rij 7, kolom 'regiocode': dubbele regel: GM0935, jaar 2021"),
    (_rij(6, indicator="geluk"), "blad 'waarden', rij 6, kolom 'indicator': onbekende indicator 'geluk'"),
    (_rij(2, n=0), "blad 'waarden', rij 2, kolom 'n': n = 0 is geen aantal respondenten"),
    (_zonder_kolom("waarden", 4), "blad 'waarden', rij 1, kolom 'waarde': verplichte kolom ontbreekt"),
    (
        _zonder_kolom("indicatoren", 4),
        "blad 'indicatoren', rij 1, kolom 'richting': verplichte kolom ontbreekt",
    ),
]


@pytest.mark.parametrize(("bewerk", "melding"), FOUTEN, ids=[m.split(": ", 1)[1][:30] for _, m in FOUTEN])
def test_bad_file_names_sheet_row_and_column(
    opslag: Opslag, tmp_path: Path, bewerk: Callable[[openpyxl.Workbook], None], melding: str
) -> None:
    pad = gevuld_xlsx(tmp_path / "fout.xlsx", _register(opslag), bewerk=bewerk)
    with pytest.raises(EnqueteFout) as fout:
        lees_enquete(pad, _register(opslag))
    assert melding in str(fout.value)


def test_bad_row_leaves_the_store_unchanged(opslag: Opslag, tmp_path: Path) -> None:
    goed = gevuld_xlsx(tmp_path / "goed" / "panel.xlsx", _register(opslag))
    slecht = gevuld_xlsx(tmp_path / "slecht" / "panel.xlsx", _register(opslag), bewerk=_rij(4, waarde="veel"))
    versie, inhoud = opslag.huidige_versie(), maphash(opslag.map)
    resultaat = laad([slecht], opslag)
    assert resultaat.versie is None and len(resultaat.mislukt) == 1
    assert "blad 'waarden', rij 4, kolom 'waarde': 'veel' is geen getal" in resultaat.mislukt[0][1]
    assert (opslag.huidige_versie(), maphash(opslag.map)) == (versie, inhoud)
    # a bad file fails alone: the good one next to it is loaded
    samen = laad([goed.parent, slecht.parent], opslag)
    assert [p.parent.name for p, _ in samen.mislukt] == ["slecht"]
    assert len(opslag.lees().waarnemingen.query("indicator == @ID")) == 6


# --- CSV -----------------------------------------------------------------------------------------------


CSV_KOP = (
    "regiocode;jaar;indicator;waarde;ondergrens;bovengrens;n;label;eenheid;richting;definitie;bron;licentie"
)


def _csv(*regels: str) -> str:
    return "\r\n".join([CSV_KOP, *regels]) + "\r\n"


def test_csv_template_and_round_trip(opslag: Opslag, tmp_path: Path) -> None:
    assert sjabloon_csv().decode("utf-8-sig").splitlines()[0] == CSV_KOP
    pad = tmp_path / "panel.csv"
    definitie = (
        "Geeft welbevinden een onvoldoende;%;hoger_is_slechter;;Provincie Limburg, inwonerspanel;CC BY 4.0"
    )
    pad.write_text(
        _csv(
            f"{BEESEL};2021;welbevinden_onvoldoende;12,5;;;400;{definitie}",
            f"{BEESEL};2023;welbevinden_onvoldoende;11;8,5;13,5;;;;;;;",
        ),
        encoding="utf-8-sig",
    )
    resultaat = laad_enquete(pad, opslag)
    assert resultaat.fouten == [] and resultaat.indicatoren == {
        f"Geeft welbevinden een onvoldoende ({ID})": 2
    }
    waarden = reeks(opslag.lees(), BEESEL, [ID]).waarden
    assert list(waarden["waarde"]) == [12.5, 11.0]
    assert waarden.iloc[0]["onder"] == pytest.approx(marge_uit_n(12.5, 400)[0])


def test_csv_bad_row_names_row_and_column(opslag: Opslag, tmp_path: Path) -> None:
    pad = tmp_path / "panel.csv"
    pad.write_text(
        _csv(
            f"{BEESEL};2021;welbevinden_onvoldoende;12,5;;;400;Welbevinden;%;hoger_is_slechter;;Panel;",
            f"{BEESEL};2023;welbevinden_onvoldoende;11;;;;;;omhoog;;;",
        )
    )
    versie = opslag.huidige_versie()
    resultaat = laad_enquete(pad, opslag)
    assert resultaat.fouten == [
        "rij 3, kolom 'richting': 'omhoog' verschilt van rij 2 ('hoger_is_slechter') "
        "voor indicator 'welbevinden_onvoldoende'; laat de kolom leeg of geef dezelfde waarde"
    ]
    assert opslag.huidige_versie() == versie


def test_cli_writes_both_templates(opslag: Opslag, tmp_path: Path) -> None:
    runner = CliRunner()
    xlsx = runner.invoke(app, ["sjabloon", "--uit", str(tmp_path / "s.xlsx"), "--opslag", str(opslag.map)])
    assert xlsx.exit_code == 0 and openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames[-1] == "gebieden"
    csv = runner.invoke(app, ["sjabloon", "--formaat", "csv", "--uit", str(tmp_path / "s.csv")])
    assert csv.exit_code == 0 and (tmp_path / "s.csv").read_bytes() == sjabloon_csv()
    fout = runner.invoke(app, ["sjabloon", "--formaat", "pdf"])
    assert fout.exit_code == 2 and "kies xlsx of csv" in fout.output


def test_errors_are_dutch_input_errors(opslag: Opslag, tmp_path: Path) -> None:
    pad = gevuld_xlsx(tmp_path / "x.xlsx", _register(opslag), bewerk=_rij(2, jaar="twintig"))
    with pytest.raises(InvoerFout, match=r"rij 2, kolom 'jaar': 'twintig' is geen jaartal"):
        lees_enquete(pad, _register(opslag))


# --- web ---------------------------------------------------------------------------------------------------


@pytest.fixture
def web(settings: Any, opslag: Opslag) -> Iterator[tuple[dict[str, Any], Opslag]]:
    from .webhulp import gebruikers_en_voorbeeld

    settings.OPSLAG = opslag.map
    yield gebruikers_en_voorbeeld(), opslag


def _client(gebruikers: dict[str, Any], rol: str) -> Any:
    from django.test import Client

    c = Client()
    c.force_login(gebruikers[rol])
    return c


def _upload(pad: Path) -> io.BytesIO:
    bestand = io.BytesIO(pad.read_bytes())
    bestand.name = pad.name
    return bestand


@pytest.mark.django_db
def test_web_download_and_upload(web: tuple[dict[str, Any], Opslag], tmp_path: Path) -> None:
    gebruikers, opslag = web
    c = _client(gebruikers, "analist")
    xlsx = c.get("/bronnen/enquete/sjabloon.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('eigen-enquete-sjabloon.xlsx"')
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames[1:3] == ["indicatoren", "waarden"]
    assert c.get("/bronnen/enquete/sjabloon.csv").content == sjabloon_csv()
    versie = opslag.huidige_versie()
    slecht = gevuld_xlsx(tmp_path / "slecht.xlsx", _register(opslag), bewerk=_rij(4, waarde="veel"))
    fout = c.post("/bronnen/enquete/", {"bestand": _upload(slecht)})
    html = unescape(fout.content.decode())
    assert fout.status_code == 422 and opslag.huidige_versie() == versie
    assert "Niets geladen: het bestand heeft 1 fout" in html
    assert "<li class=\"fout\">blad 'waarden', rij 4, kolom 'waarde': 'veel' is geen getal" in html
    goed = c.post(
        "/bronnen/enquete/", {"bestand": _upload(gevuld_xlsx(tmp_path / "panel.xlsx", _register(opslag)))}
    )
    html = unescape(goed.content.decode())
    assert goed.status_code == 200 and opslag.huidige_versie() != versie
    assert "6 waarden geladen van 1 indicator:" in html
    assert f"Geeft welbevinden een onvoldoende ({ID}): 6 waarden" in html
    assert f"<code>{ID}</code>" in html  # listed among the store's own indicators
    nog_eens = c.post("/bronnen/enquete/", {"bestand": _upload(tmp_path / "panel.xlsx")})
    assert "Dit bestand staat al in de opslag" in unescape(nog_eens.content.decode())


@pytest.mark.django_db
def test_web_only_analist_and_beheerder_load(web: tuple[dict[str, Any], Opslag], tmp_path: Path) -> None:
    gebruikers, opslag = web
    lezer = _client(gebruikers, "lezer")
    pagina = unescape(lezer.get("/bronnen/enquete/").content.decode())
    assert "Sjabloon downloaden (Excel)" in pagina and 'id="enquete-formulier"' not in pagina
    assert "Alleen een analist of beheerder kan een bestand laden" in pagina
    pad = gevuld_xlsx(tmp_path / "panel.xlsx", _register(opslag))
    assert lezer.post("/bronnen/enquete/", {"bestand": _upload(pad)}).status_code == 403
    assert opslag.lees().indicatoren == []
    index = unescape(_client(gebruikers, "beheerder").get("/").content.decode())
    assert 'href="/bronnen/enquete/"' in index


# --- browser: axe-core and a phone --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_browser_page_is_accessible_and_fits_a_phone(
    live_server: Any, web: tuple[dict[str, Any], Opslag], tmp_path: Path
) -> None:
    from .browserhulp import axe as _axe
    from .browserhulp import chromium
    from .browserhulp import log_in as _login

    _, opslag = web
    slecht = gevuld_xlsx(tmp_path / "slecht.xlsx", _register(opslag), bewerk=_rij(4, waarde="veel"))
    goed = gevuld_xlsx(tmp_path / "panel.xlsx", _register(opslag))
    basis = live_server.url
    schermen = Path(os.environ.get("GK_SCHERMAFDRUKKEN", tmp_path))
    with chromium(basis, viewport={"width": 390, "height": 844}) as (context, extern):
        page = context.new_page()
        _login(page, basis, "analist")
        page.goto(f"{basis}/bronnen/enquete/")
        for bestand, naam in ((slecht, "fout"), (goed, "geladen")):
            page.set_input_files("#enquete-bestand", str(bestand))
            page.click("#enquete-formulier button[type=submit]")
            page.wait_for_selector("#enquete-uitkomst")
            assert _axe(page) == [], naam
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, naam
            page.screenshot(path=str(schermen / f"enquete-{naam}-390.png"), full_page=True)
        assert "6 waarden geladen" in page.inner_text("#enquete-uitkomst")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(schermen / "enquete-geladen-1280.png"), full_page=True)
    assert extern == []
