"""Scopes across levels: 'tussen wal en schip' on the real data, and the urbanity test by area,
gemeente or either (``scope.stedelijkheid_van``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gebiedskompas.analyse.methode import Methode, Scope, lees_methode, ontleed_methode
from gebiedskompas.analyse.pijplijn import analyseer
from gebiedskompas.analyse.selecteer import klasse_in_scope, selecteer
from gebiedskompas.analyse.walenschip import overlappen
from gebiedskompas.cli import app
from gebiedskompas.model import REGIO_KOLOMMEN
from gebiedskompas.opslag import Opslag, Toestand, lege_grenswijzigingen
from gebiedskompas.register import Register

VAALS = "GM0981"
LIMBURG = "PV31"


@pytest.fixture(scope="module")
def toestand(echte_opslag: Opslag) -> Toestand:
    """The real data (../shared/data, loaded once per session), read once for this module."""
    return echte_opslag.lees()


@pytest.fixture(scope="module")
def register(toestand: Toestand) -> Register:
    return Register(toestand.regios, toestand.grenswijzigingen)


def _dorpen_naast_wijken(opslag: Opslag, uit: Path, *extra: str) -> str:
    args = [
        "analyseer",
        "dorpen",
        "--naast",
        "wijken",
        *extra,
        "--opslag",
        str(opslag.map),
        "--uit",
        str(uit),
    ]
    resultaat = CliRunner().invoke(app, args)
    assert resultaat.exit_code == 0, resultaat.output
    return resultaat.stdout


@pytest.fixture(scope="module")
def uitvoer(echte_opslag: Opslag, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of one run of 'analyseer dorpen --naast wijken --json' on the real data."""
    uit = tmp_path_factory.mktemp("wal")
    (uit / "stdout.json").write_text(_dorpen_naast_wijken(echte_opslag, uit, "--json"), encoding="utf-8")
    return uit


@pytest.fixture(scope="module")
def wal(uitvoer: Path) -> dict[str, Any]:
    inhoud: dict[str, Any] = json.loads((uitvoer / "stdout.json").read_text(encoding="utf-8"))
    wal: dict[str, Any] = inhoud["tussen_wal_en_schip"]
    return wal


def _limburg_2020(register: Register, niveau: str) -> pd.DataFrame:
    t = register.tabel
    t = t[(t["jaar"] == 2020) & (t["niveau"] == niveau)]
    if niveau == "gemeente":
        return t[t["provincie"] == LIMBURG]
    gemeenten = set(_limburg_2020(register, "gemeente")["code"])
    return t[t["code"].map(lambda c: "GM" + c[2:6]).isin(gemeenten)]


# --- tussen wal en schip ---------------------------------------------------------------------------


def test_only_vaals_falls_between_the_scopes(wal: dict[str, Any]) -> None:
    assert [g["code"] for g in wal["gebieden"]] == [VAALS]
    assert wal["gebieden"][0]["rang_zonder_scope"] == 1  # the highest need of Limburg without scope


def test_the_data_agree_no_other_matig_stedelijke_gemeente_lacks_an_urban_wijk(register: Register) -> None:
    """Known answer from the register alone: the Limburg gemeenten of class 3 are in neither the
    dorpen scope (4-5) nor, as a gemeente, the wijken scope (1-2); all but Vaals have a wijk of
    class 1 or 2, so the wijken method covers them."""
    gemeenten = _limburg_2020(register, "gemeente")
    matig = set(gemeenten.loc[gemeenten["stedelijkheid"] == 3, "code"])
    wijken = _limburg_2020(register, "wijk")
    stedelijk = wijken[wijken["stedelijkheid"].isin([1, 2])]
    zonder_stedelijke_wijk = matig - {"GM" + c[2:6] for c in stedelijk["code"]}
    assert len(matig) == 5
    assert zonder_stedelijke_wijk == {VAALS}
    vaals = wijken[wijken["code"].str.startswith("WK0981")]
    assert sorted(vaals["stedelijkheid"]) == [3, 5]


def test_each_method_says_at_which_level_and_why_it_did_not_cover_vaals(wal: dict[str, Any]) -> None:
    vaals = wal["gebieden"][0]
    assert [(c["methode"], c["niveau"]) for c in vaals["controles"]] == [
        ("dorpen", "gemeente"),
        ("wijken", "wijk"),
    ]
    dorpen, wijken = (c["reden"] for c in vaals["controles"])
    assert dorpen == "Vaals is stedelijkheidsklasse 3, niet 4 of 5"
    assert wijken == (
        "geen van de 2 wijken is stedelijkheidsklasse 1 of 2 (wel 3 en 5), en de gemeente (klasse 3) ook niet"
    )
    assert "wijken (niveau wijk): geen van de 2 wijken" in vaals["waarom_buiten_scope"]
    assert [(m["methode"], m["niveau"], m["stedelijkheid_van"]) for m in wal["gecontroleerd"]] == [
        ("dorpen", "gemeente", "gemeente"),
        ("wijken", "wijk", "een van beide"),
    ]


def test_the_cli_text_names_the_reasons(echte_opslag: Opslag, tmp_path: Path) -> None:
    tekst = " ".join(_dorpen_naast_wijken(echte_opslag, tmp_path).split())  # undo the line wrapping
    assert "Tussen wal en schip: Vaals (GM0981)." in tekst
    assert "- dorpen (niveau gemeente): Vaals is stedelijkheidsklasse 3, niet 4 of 5" in tekst
    assert "- wijken (niveau wijk): geen van de 2 wijken is stedelijkheidsklasse 1 of 2" in tekst


def test_excel_sheet_has_the_reasons(uitvoer: Path) -> None:
    blad = pd.read_excel(uitvoer / "resultaat.xlsx", "Tussen wal en schip", engine="calamine")
    assert blad["Code"].tolist() == [VAALS]
    assert "dorpen (niveau gemeente)" in blad["Waarom geen methode het gebied dekt"].iloc[0]


def test_codes_nest_by_their_digits() -> None:
    assert overlappen("GM0981", "WK098101") and overlappen("BU09810007", "GM0981")
    assert overlappen("WK098100", "BU09810007") and overlappen("GM0981", "GM0981")
    assert not overlappen("WK098101", "BU09810007") and not overlappen("GM0981", "WK098201")


# --- the shipped wijken method keeps city wijken and buurten of low density --------------------------


@pytest.mark.parametrize(
    ("niveau", "laag", "code", "eigen_klasse"),
    [
        ("wijk", "WK095706", "WK188305", 5),  # Asenray (Roermond); Geleen (Sittard-Geleen, class 3)
        ("buurt", "BU09350403", "BU09174103", 3),  # Nazareth (Maastricht); Imstenrade (Heerlen, 5)
    ],
)
def test_wijken_includes_low_density_areas_of_urban_gemeenten(
    toestand: Toestand, register: Register, niveau: str, laag: str, code: str, eigen_klasse: int
) -> None:
    methode = lees_methode("wijken")
    methode.scope.niveau = niveau  # type: ignore[assignment]
    gebieden = analyseer(methode, toestand).gebieden.set_index("code")
    gemeenteklasse = _limburg_2020(register, "gemeente").set_index("code")["stedelijkheid"]
    klasse_gemeente = gebieden["gemeente"].map(gemeenteklasse)
    assert laag in gebieden.index and gebieden.loc[laag, "stedelijkheid"] == eigen_klasse
    assert klasse_gemeente[laag] == 2
    assert code in gebieden.index
    # every area is urban itself or lies in an urban gemeente, and both kinds occur
    eigen_stedelijk = gebieden["stedelijkheid"].isin([1, 2])
    assert (eigen_stedelijk | klasse_gemeente.isin([1, 2])).all()
    assert (~eigen_stedelijk).sum() > 0 and (~klasse_gemeente.isin([1, 2])).sum() > 0
    assert set(gebieden["stedelijkheid"]) >= {1, 2, 3, 4, 5} - ({4} if niveau == "wijk" else set())


# --- the three options on a hand-made case ----------------------------------------------------------

# Two gemeenten: a city (class 1) with a wijk of low density (class 4), and a village gemeente
# (class 4) with an urban core (class 2). The gemeenten are in the register for 2019 only, so their
# class comes from the nearest year.
_GEMEENTEN = [("GM0001", "Stad", 1), ("GM0002", "Dorp", 4)]
_WIJKEN = [
    ("WK000101", "Centrum", 1),
    ("WK000102", "Buitenwijk", 4),
    ("WK000201", "Kern", 2),
    ("WK000202", "Buitengebied", 5),
]
_METHODE = """
naam = "klein"
titel = "Klein"
[scope]
niveau = "wijk"
periode = "2020"
stedelijkheid = [1, 2]
{van}
[[thema]]
id = "bestaanszekerheid"
label = "Bestaanszekerheid"
[[thema.indicator]]
id = "kwb.bijstand_per_1000"
"""


def _regio(code: str, jaar: int, naam: str, niveau: str, klasse: int) -> dict[str, Any]:
    rij: dict[str, Any] = dict.fromkeys(REGIO_KOLOMMEN)
    provincie = "PV99" if niveau == "gemeente" else None
    inwoners = 1000.0
    bron = "84799NED:hand.csv"
    rij.update(code=code, jaar=jaar, naam=naam, niveau=niveau, provincie=provincie, bron=bron)
    rij.update(stedelijkheid=float(klasse), inwoners=inwoners)
    return rij


@pytest.fixture(scope="module")
def klein() -> Toestand:
    regios = [_regio(c, 2019, n, "gemeente", k) for c, n, k in _GEMEENTEN]
    regios += [_regio(c, 2020, n, "wijk", k) for c, n, k in _WIJKEN]
    waarnemingen = pd.DataFrame(
        {
            "regio": [c for c, _, _ in _WIJKEN],
            "periode": "2020",
            "indicator": "kwb.bijstand_per_1000",
            "waarde": [10.0, 20.0, 30.0, 40.0],
            "onder": np.nan,
            "boven": np.nan,
            "bron": "84799NED",
            "indeling": 2020,
        }
    )
    return Toestand(
        waarnemingen=waarnemingen, regios=pd.DataFrame(regios), grenswijzigingen=lege_grenswijzigingen()
    )


def _methode(van: str | None) -> Methode:
    return ontleed_methode(_METHODE.format(van="" if van is None else f'stedelijkheid_van = "{van}"'))


@pytest.mark.parametrize(
    ("van", "verwacht"),
    [
        (None, {"WK000101", "WK000201"}),  # default = the area's own class, as before
        ("gebied", {"WK000101", "WK000201"}),
        ("gemeente", {"WK000101", "WK000102"}),
        ("een van beide", {"WK000101", "WK000102", "WK000201"}),
    ],
)
def test_stedelijkheid_van_on_a_hand_made_case(klein: Toestand, van: str | None, verwacht: set[str]) -> None:
    gegevens = selecteer(_methode(van), klein)
    assert set(gegevens.codes[gegevens.in_scope]) == verwacht
    assert set(gegevens.codes) == {c for c, _, _ in _WIJKEN}  # out of scope stays as benchmark


def test_the_urbanity_test_itself() -> None:
    eigen = np.array([1.0, 3.0, 2.0, np.nan, 5.0])
    gemeente = np.array([3.0, 1.0, 2.0, 1.0, np.nan])

    def test(van: Any) -> list[bool]:
        scope = Scope(niveau="wijk", periode="2020", stedelijkheid=[1, 2], stedelijkheid_van=van)
        return [bool(x) for x in klasse_in_scope(eigen, gemeente, scope)]

    assert test("gebied") == [True, False, True, False, False]
    assert test("gemeente") == [False, True, True, True, False]
    assert test("een van beide") == [True, True, True, True, False]  # unknown (NaN) never counts


def test_unknown_option_is_refused_in_dutch() -> None:
    from gebiedskompas.errors import InvoerFout

    with pytest.raises(InvoerFout, match=r"scope\.stedelijkheid_van"):
        _methode("stad")
