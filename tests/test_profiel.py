"""The area profile's series against a reference group (``profiel``), with known answers computed here
independently from the CSV files in ../shared/data with pandas, and its charts (``grafieken``)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from gebiedskompas import grafieken, profiel
from gebiedskompas.errors import InvoerFout
from gebiedskompas.opslag import Opslag, Toestand
from gebiedskompas.register import Register

from .conftest import SHARED_DATA

ERVAREN = "gezondheid_gemeente.ervaren_gezondheid_goed.18plus"
KOLOM = "ErvarenGezondheidGoedZeerGoed_1"
Z = 1.96


@pytest.fixture(scope="module")
def toestand(reeksopslag: Opslag) -> Toestand:
    return reeksopslag.lees()


@pytest.fixture(scope="module")
def register(toestand: Toestand) -> Register:
    return Register(toestand.regios, toestand.grenswijzigingen)


def _csv(pad: str) -> pd.DataFrame:
    frame = pd.read_csv(SHARED_DATA / pad, sep=";", encoding="utf-8-sig", dtype=str)
    schoon: pd.DataFrame = frame.apply(lambda k: k.str.strip())
    return schoon


def _gezondheid_2022() -> pd.DataFrame:
    """85563NED, age 18+ ('Totaal'): value, lower and upper bound per region name."""
    g = _csv("cbs_gezondheidsmonitor_regio/85563NED.csv")
    g = g[g["Leeftijd"] == "Totaal"]
    return g.pivot(index="RegioS", columns="Marges", values=KOLOM).astype(float)


def _punt(t: profiel.Trendreeks, periode: str, referentie: bool = True) -> profiel.Punt:
    return next(p for p in (t.referentie if referentie else t.gebied) if p.periode == periode)


def _een(toestand: Toestand, register: Register, code: str, indicator: str, ref: str) -> profiel.Trendreeks:
    trends = profiel.profieltrends(toestand, code, [indicator], ref, register)
    assert [t.indicator for t in trends] == [indicator]
    return trends[0]


# --- known answers ----------------------------------------------------------------------------------


def test_weighted_mean_and_its_interval_by_hand() -> None:
    # 10 (se 1) with weight 1 and 20 (se 2) with weight 3: mean 17.5, se = sqrt(0.25² + (0.75·2)²)
    a = profiel.Punt("2022", 10.0, 10.0 - Z * 1, 10.0 + Z * 1)
    b = profiel.Punt("2022", 20.0, 20.0 - Z * 2, 20.0 + Z * 2)
    m = profiel.gewogen_gemiddelde([(a, 1.0), (b, 3.0)], "2022")
    se = math.sqrt(0.25**2 + 1.5**2)
    assert m.waarde == pytest.approx(17.5)
    assert m.onder == pytest.approx(17.5 - Z * se) and m.boven == pytest.approx(17.5 + Z * se)
    # one term without margins: the mean has none; a term without weight does not count
    zonder = profiel.gewogen_gemiddelde([(a, 1.0), (profiel.Punt("2022", 30.0), 1.0)], "2022")
    assert zonder.waarde == pytest.approx(20.0) and not zonder.heeft_interval
    assert profiel.gewogen_gemiddelde([(a, 1.0), (b, 0.0)], "2022").waarde == pytest.approx(10.0)


def test_nl_and_provincie_are_the_published_values(toestand: Toestand, register: Register) -> None:
    csv = _gezondheid_2022()
    nl = _punt(_een(toestand, register, "GM0889", ERVAREN, "nl"), "2022")
    verwacht = csv.loc["Nederland"]
    assert (nl.waarde, nl.onder, nl.boven) == (
        verwacht["Waarde"],
        verwacht["Ondergrens 95%-interval"],
        verwacht["Bovengrens 95%-interval"],
    )
    assert nl.waarde == 70.0 and nl.bron == "85563NED"
    pv = _een(toestand, register, "GM0889", ERVAREN, "provincie")
    assert pv.referentienaam == "provincie Limburg"
    assert _punt(pv, "2022").waarde == csv.loc["Limburg (PV)", "Waarde"] == 66.7
    # the area itself, as published by the same table
    beesel = _punt(pv, "2022", referentie=False)
    assert (beesel.waarde, beesel.onder, beesel.boven) == tuple(
        csv.loc["Beesel", ["Waarde", "Ondergrens 95%-interval", "Bovengrens 95%-interval"]]
    )


def test_named_group_is_the_inhabitant_weighted_mean_of_its_gemeenten(
    toestand: Toestand, register: Register
) -> None:
    """Parkstad Limburg in 2022: 85563NED values, weighted by the inhabitants of Gebieden in Nederland
    2022 (85067NED); none of the seven gemeenten changed between 2022 and 2025."""
    groep = profiel.referentiegroepen()["parkstad"]
    gin = _csv("cbs_gebieden_in_nederland/85067NED.csv").set_index("Code_1")
    inwoners = gin.loc[groep.gemeenten, "Inwonertal_54"].astype(float)
    namen = gin.loc[groep.gemeenten, "RegioS"]
    csv = _gezondheid_2022().loc[list(namen)]
    c = inwoners.to_numpy() / inwoners.sum()
    waarde = float((c * csv["Waarde"].to_numpy()).sum())
    se = ((csv["Bovengrens 95%-interval"] - csv["Ondergrens 95%-interval"]) / (2 * Z)).to_numpy()
    marge = Z * math.sqrt(float((c**2 * se**2).sum()))

    t = _een(toestand, register, "GM0889", ERVAREN, "parkstad")
    p = _punt(t, "2022")
    assert t.referentienaam == "Parkstad Limburg"
    assert p.waarde == pytest.approx(waarde, abs=1e-9)
    assert p.onder == pytest.approx(waarde - marge) and p.boven == pytest.approx(waarde + marge)
    assert 55 < waarde < 70  # a share in percent, between Heerlen (57,3) and the rest


def test_urbanity_class_mean_of_wijken_from_kwb_2024(toestand: Toestand, register: Register) -> None:
    """Wijk 33 Heerlen-Centrum is very strongly urban (class 1). The class mean of the share 65+ in
    2024, each wijk weighted by its inhabitants, is sum(65+) / sum(inhabitants) over the class-1
    wijken of KWB 2024 that publish both numbers."""
    kwb = _csv("cbs_kwb/85984NED.csv")
    wijken = kwb[kwb["SoortRegio_2"] == "Wijk"]
    klasse = wijken[pd.to_numeric(wijken["MateVanStedelijkheid_127"], errors="coerce") == 1]
    inw = pd.to_numeric(klasse["AantalInwoners_5"], errors="coerce")
    oud = pd.to_numeric(klasse["k_65JaarOfOuder_12"], errors="coerce")
    beide = inw.notna() & oud.notna() & (inw > 0)
    verwacht = 100 * oud[beide].sum() / inw[beide].sum()

    t = _een(toestand, register, "WK091733", "kwb.aandeel_65plus", "stedelijkheid")
    assert t.referentienaam == "wijken die zeer sterk stedelijk zijn"
    assert _punt(t, "2024").waarde == pytest.approx(verwacht, rel=1e-9)
    assert str(int(beide.sum())) in t.uitleg  # says how many wijken weigh in
    eigen = wijken[wijken["Codering_3"] == "WK091733"].iloc[0]
    assert _punt(t, "2024", referentie=False).waarde == pytest.approx(
        100 * float(eigen["k_65JaarOfOuder_12"]) / float(eigen["AantalInwoners_5"])
    )


def test_reference_choice_is_checked() -> None:
    assert profiel.kies_referentie(None) == profiel.kies_referentie("") == "nl"
    assert profiel.kies_referentie("parkstad") == "parkstad"
    with pytest.raises(InvoerFout, match="Onbekende referentiegroep 'xyz'; kies uit: nl \\(Nederland\\)"):
        profiel.kies_referentie("xyz")


def test_named_groups_hold_existing_gemeenten(register: Register) -> None:
    t = register.tabel
    laatste = t[(t["niveau"] == "gemeente") & (t["jaar"] == t["jaar"].max())]
    namen = dict(zip(laatste["code"], laatste["naam"], strict=True))
    parkstad = profiel.referentiegroepen()["parkstad"]
    assert sorted(namen[c] for c in parkstad.gemeenten) == [
        "Beekdaelen",
        "Brunssum",
        "Heerlen",
        "Kerkrade",
        "Landgraaf",
        "Simpelveld",
        "Voerendaal",
    ]
    for groep in profiel.referentiegroepen().values():
        assert set(groep.gemeenten) <= set(namen), groep.id


def test_hierarchy_up_and_down(register: Register) -> None:
    pad = profiel.kruimelpad(register, "BU09173300")
    assert [(g.code, g.naam) for g in pad] == [
        ("PV31", "Limburg"),
        ("GM0917", "Heerlen"),
        ("WK091733", "Wijk 33 Heerlen-Centrum"),
    ]
    buurten = profiel.onderliggende(register, "WK091733")
    assert {g.code for g in buurten} == {"BU09173300", "BU09173301", "BU09173302", "BU09173303"}
    assert all(g.niveau == "buurt" for g in buurten)
    assert "GM0889" in {g.code for g in profiel.onderliggende(register, "PV31")}
    assert profiel.onderliggende(register, "BU09173300") == []


def test_sources_name_publisher_table_and_period() -> None:
    assert profiel.bron_van(ERVAREN, "2022") == "CBS, RIVM en GGD'en, tabel 85563NED, 2022"
    # a derived indicator is cited with the table of its numerator
    assert profiel.bron_van("kwb.bijstand_per_1000", "2020") == "CBS, tabel 84799NED, 2020"


# --- charts -----------------------------------------------------------------------------------------


def test_trend_chart_is_an_accessible_image_with_text_and_table(
    toestand: Toestand, register: Register
) -> None:
    t = _een(toestand, register, "GM0889", ERVAREN, "nl")
    g = grafieken.trendgrafiek(t, "trend-1")
    kop = g.svg[: g.svg.index(">")]
    assert 'role="img"' in kop and 'aria-labelledby="trend-1-titel trend-1-beschrijving"' in kop
    assert "<title>" in g.svg and len(re.findall(r'\bid="(?!trend-1-)', g.svg)) == 0
    # "Van 2020 tot 2022 … in Beesel gedaald van 73,9% naar 65,5%; Nederland: van …% naar 70,0%."
    assert "Van 2020 tot 2022 is ervaren gezondheid goed of zeer goed" in g.beschrijving
    assert "in Beesel gedaald van 73,9% naar 65,5%; Nederland: van" in g.beschrijving
    assert "naar 70,0%." in g.beschrijving and "95%-intervallen" in g.beschrijving
    assert g.tabel is not None
    assert g.tabel.kolommen == ("Meting", "Beesel", "95%-interval", "Nederland", "95%-interval", "Verschil")
    assert [r[0] for r in g.tabel.rijen] == ["2020", "2022"]
    assert g.tabel.rijen[1][1:4] == ("65,5%", "61,3 tot 69,6", "70,0%")
