"""Own surveys: the template a province fills with its own indicators, and loading a filled one.

The template (Excel with XlsxWriter, or one CSV) has an instructions sheet in Dutch, the sheets
``indicatoren`` and ``waarden`` with drop-down lists and grey example rows (keys starting with
``voorbeeld``, refused when loaded so they never end up in the store), and optionally a sheet
``gebieden`` with the codes and names of the register. Reading and checking is the reader
``readers/eigen_enquete.py``; loading goes through the ordinary loader.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import xlsxwriter  # type: ignore[import-untyped]

from .errors import GebiedskompasFout
from .laden import laad
from .opslag import Opslag
from .readers.eigen_enquete import (
    BLAD_INDICATOREN,
    BLAD_WAARDEN,
    CSV_KOLOMMEN,
    INDICATORKOLOMMEN,
    RICHTINGEN,
    WAARDEKOLOMMEN,
    fouten_van,
    lees_enquete,
)
from .register import Register

Formaat = Literal["xlsx", "csv"]
FORMATEN: tuple[Formaat, ...] = ("xlsx", "csv")
BESTANDSNAAM = "eigen-enquete-sjabloon"

_VOORBEELD_INDICATOREN = [
    {
        "sleutel": "voorbeeld_welbevinden_onvoldoende",
        "label": "VOORBEELD – Geeft welbevinden een onvoldoende",
        "eenheid": "%",
        "richting": "hoger_is_slechter",
        "definitie": "Aandeel inwoners van 18 jaar en ouder dat het eigen welbevinden een 5 of lager geeft.",
        "bron": "Provincie Gelderland, Monitor Gelders Welbevinden",
        "licentie": "CC BY 4.0",
    },
    {
        "sleutel": "voorbeeld_rapportcijfer_leefbaarheid",
        "label": "VOORBEELD – Rapportcijfer leefbaarheid van de buurt",
        "eenheid": "rapportcijfer",
        "richting": "hoger_is_beter",
        "definitie": "Gemiddeld rapportcijfer (1-10) voor de leefbaarheid van de eigen buurt.",
        "bron": "Provinciaal inwonerspanel",
        "licentie": "intern",
    },
]
# One row with only n (margins computed), one with its own margins, one with neither.
_VOORBEELD_WAARDEN: list[dict[str, Any]] = [
    {
        "regiocode": "GM0889",
        "jaar": 2021,
        "indicator": "voorbeeld_welbevinden_onvoldoende",
        "waarde": 12.5,
        "n": 400,
    },
    {
        "regiocode": "GM0889",
        "jaar": 2023,
        "indicator": "voorbeeld_welbevinden_onvoldoende",
        "waarde": 11.2,
        "ondergrens": 8.9,
        "bovengrens": 13.5,
    },
    {"regiocode": "GM0889", "jaar": 2023, "indicator": "voorbeeld_rapportcijfer_leefbaarheid", "waarde": 7.4},
]

_TOELICHTING_KOLOMMEN = {
    "sleutel": "Korte naam zonder spaties (kleine letters, cijfers, _ en .). "
    "Wordt eigen.<sleutel> in de catalogus.",
    "label": "Naam zoals die in tabellen en grafieken staat.",
    "eenheid": "% (dan geldt 0-100 en kan de marge uit n worden berekend), rapportcijfer, score, "
    "gemiddelde, ...",
    "richting": "hoger_is_beter of hoger_is_slechter.",
    "definitie": "Wat er precies gemeten is: vraag, doelgroep, leeftijd.",
    "bron": "Uitgever en naam van het onderzoek; staat bij elke uitkomst.",
    "licentie": "Bijvoorbeeld CC BY 4.0 of intern.",
    "regiocode": "CBS-code van het gebied: GM0889, WK088900, BU08890000, PV31 of NL00.",
    "jaar": "Jaar van de meting (de golf), bijvoorbeeld 2023.",
    "indicator": "Sleutel van een indicator van het blad indicatoren.",
    "waarde": "De uitkomst. Decimaal met komma of punt. Leeg = onbekend (nooit 0).",
    "ondergrens": "Ondergrens van het 95%-betrouwbaarheidsinterval (optioneel).",
    "bovengrens": "Bovengrens van het 95%-betrouwbaarheidsinterval (optioneel).",
    "n": "Aantal respondenten (optioneel). Bij % zonder grenzen berekent gebiedskompas de marge.",
}

TOELICHTING = [
    "Sjabloon voor een eigen enquête of panel (bijvoorbeeld de Monitor Gelders Welbevinden)",
    "",
    "1. Zet op het blad 'indicatoren' één regel per eigen indicator: sleutel, label, eenheid, richting, "
    "definitie, bron en licentie.",
    "2. Zet op het blad 'waarden' één regel per gebied, jaar en indicator: regiocode, jaar, indicator en "
    "waarde, en waar bekend de 95%-grenzen (ondergrens, bovengrens) of het aantal respondenten (n).",
    "3. Verwijder of vervang de grijze voorbeeldregels (sleutels die met 'voorbeeld' beginnen): een "
    "bestand waarin ze nog staan, wordt geweigerd.",
    "4. Laad het bestand met 'gebiedskompas laad BESTAND' of op de pagina Eigen enquête. Bij één fout wordt "
    "niets geladen; elke melding noemt blad, rij en kolom.",
    "",
    "Marge uit n: voor een percentage p met n respondenten is het 95%-interval "
    "p ± 1,96 × √(p × (100 − p) / n), begrensd op 0 en 100 (Wald-interval). Voor andere eenheden geeft u "
    "de grenzen zelf, of er is geen marge.",
    "Regiocodes moeten in het regioregister staan (blad 'gebieden', als dat er is). Hetzelfde gebied, "
    "jaar en indicator mag maar één keer voorkomen.",
    "In de catalogus heet een eigen indicator eigen.<sleutel>; gebruik die naam in een methode, bij "
    "'reeks', 'trend' en 'effect'. Opnieuw laden met nieuwe waarden vervangt de oude waarden van "
    "hetzelfde gebied en jaar.",
    "",
    "Kolommen:",
    *(f"- {kolom}: {uitleg}" for kolom, uitleg in _TOELICHTING_KOLOMMEN.items()),
]


def schrijf_sjabloon(pad: Path, formaat: Formaat = "xlsx", register: Register | None = None) -> Path:
    """Write the empty template (with example rows) to ``pad``; the register, when given, adds a
    sheet ``gebieden`` with the gemeente and wijk codes of its latest year (Excel only)."""
    pad.parent.mkdir(parents=True, exist_ok=True)
    if formaat == "csv":
        pad.write_bytes(sjabloon_csv())
    else:
        pad.write_bytes(sjabloon_xlsx(register))
    return pad


def sjabloon_csv() -> bytes:
    """One table: the value columns and the definition columns, with a semicolon and decimal comma
    (what Dutch Excel opens), UTF-8 with BOM."""
    uit = io.StringIO()
    schrijver = csv.writer(uit, delimiter=";", lineterminator="\r\n")
    schrijver.writerow(CSV_KOLOMMEN)
    definities = {d["sleutel"]: d for d in _VOORBEELD_INDICATOREN}
    gehad: set[str] = set()
    for rij in _VOORBEELD_WAARDEN:
        definitie = {} if rij["indicator"] in gehad else definities[rij["indicator"]]
        gehad.add(rij["indicator"])
        schrijver.writerow([_csvcel({**definitie, **rij}.get(k)) for k in CSV_KOLOMMEN])
    return ("\ufeff" + uit.getvalue()).encode("utf-8")


def _csvcel(waarde: object) -> str:
    if waarde is None:
        return ""
    if isinstance(waarde, float):
        return f"{waarde:g}".replace(".", ",")
    return str(waarde)


def sjabloon_xlsx(register: Register | None = None) -> bytes:
    uit = io.BytesIO()
    boek = xlsxwriter.Workbook(uit, {"in_memory": True})
    opmaak = _Opmaak(boek)
    _toelichting(boek.add_worksheet("toelichting"), opmaak)
    _indicatorblad(boek.add_worksheet(BLAD_INDICATOREN), opmaak)
    gebieden = _gebiedsrijen(register)
    _waardenblad(boek.add_worksheet(BLAD_WAARDEN), opmaak, len(gebieden))
    if gebieden:
        _gebiedenblad(boek.add_worksheet("gebieden"), opmaak, gebieden)
    boek.get_worksheet_by_name(BLAD_INDICATOREN).activate()
    boek.close()
    return uit.getvalue()


@dataclass
class _Opmaak:
    boek: Any
    kop: Any = field(init=False)
    voorbeeld: Any = field(init=False)
    titel: Any = field(init=False)
    tekst: Any = field(init=False)

    def __post_init__(self) -> None:
        self.kop = self.boek.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.voorbeeld = self.boek.add_format(
            {"italic": True, "font_color": "#595959", "bg_color": "#EDEDED"}
        )
        self.titel = self.boek.add_format({"bold": True, "font_size": 14})
        self.tekst = self.boek.add_format({"text_wrap": True, "valign": "top"})


_MAX_RIJEN = 100_000


def _toelichting(blad: Any, opmaak: _Opmaak) -> None:
    blad.set_column(0, 0, 120, opmaak.tekst)
    for nummer, regel in enumerate(TOELICHTING):
        blad.write_string(nummer, 0, regel, opmaak.titel if nummer == 0 else opmaak.tekst)


def _kopregel(blad: Any, opmaak: _Opmaak, kolommen: list[str]) -> None:
    for i, kolom in enumerate(kolommen):
        blad.write_string(0, i, kolom, opmaak.kop)
        blad.write_comment(0, i, _TOELICHTING_KOLOMMEN[kolom], {"x_scale": 2})
    blad.freeze_panes(1, 0)


def _indicatorblad(blad: Any, opmaak: _Opmaak) -> None:
    kolommen = list(INDICATORKOLOMMEN)
    _kopregel(blad, opmaak, kolommen)
    for rij, definitie in enumerate(_VOORBEELD_INDICATOREN, start=1):
        for i, kolom in enumerate(kolommen):
            blad.write_string(rij, i, definitie[kolom], opmaak.voorbeeld)
    blad.set_column(0, 0, 34)
    blad.set_column(1, 1, 44)
    blad.set_column(2, 3, 18)
    blad.set_column(4, 6, 40)
    blad.data_validation(
        1,
        kolommen.index("richting"),
        _MAX_RIJEN,
        kolommen.index("richting"),
        {
            "validate": "list",
            "source": list(RICHTINGEN),
            "error_title": "Richting",
            "error_message": "Kies hoger_is_beter of hoger_is_slechter.",
        },
    )


def _waardenblad(blad: Any, opmaak: _Opmaak, gebieden: int) -> None:
    kolommen = list(WAARDEKOLOMMEN)
    _kopregel(blad, opmaak, kolommen)
    for rij, waarden in enumerate(_VOORBEELD_WAARDEN, start=1):
        for i, kolom in enumerate(kolommen):
            waarde = waarden.get(kolom)
            if isinstance(waarde, int | float):
                blad.write_number(rij, i, waarde, opmaak.voorbeeld)
            else:
                blad.write_string(rij, i, "" if waarde is None else str(waarde), opmaak.voorbeeld)
    blad.set_column(0, 1, 14)
    blad.set_column(2, 2, 38)
    blad.set_column(3, 6, 13)
    regels: list[tuple[str, dict[str, Any]]] = [
        (
            "indicator",
            {
                "validate": "list",
                "source": f"={BLAD_INDICATOREN}!$A$2:$A$1000",
                "error_message": "Kies een sleutel van het blad indicatoren.",
            },
        ),
        (
            "jaar",
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 1900,
                "maximum": 2100,
                "error_message": "Een jaartal, bijvoorbeeld 2023.",
            },
        ),
        (
            "n",
            {
                "validate": "integer",
                "criteria": ">=",
                "value": 1,
                "error_message": "Het aantal respondenten: een heel getal, minstens 1.",
            },
        ),
        *(
            (
                k,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": -1e12,
                    "maximum": 1e12,
                    "error_message": "Een getal (decimaal met komma of punt).",
                },
            )
            for k in ("waarde", "ondergrens", "bovengrens")
        ),
    ]
    if gebieden:
        regels.append(
            (
                "regiocode",
                {
                    "validate": "list",
                    "source": f"=gebieden!$A$2:$A${gebieden + 1}",
                    "error_type": "warning",
                    "error_message": "Deze code staat niet op het blad gebieden (buurtcodes mogen wel).",
                },
            )
        )
    for naam, regel in regels:
        i = kolommen.index(naam)
        blad.data_validation(1, i, _MAX_RIJEN, i, {"error_title": naam, **regel})


def _gebiedsrijen(register: Register | None) -> list[tuple[str, str, str]]:
    if register is None or register.tabel.empty:
        return []
    t = register.tabel
    jaar = int(t["jaar"].max())
    laatste = t[(t["jaar"] == jaar) & t["niveau"].isin(["gemeente", "wijk"])].sort_values("code")
    return [
        (str(c), str(n), str(v))
        for c, n, v in zip(laatste["code"], laatste["naam"], laatste["niveau"], strict=True)
    ]


def _gebiedenblad(blad: Any, opmaak: _Opmaak, rijen: list[tuple[str, str, str]]) -> None:
    for i, kop in enumerate(("regiocode", "naam", "niveau")):
        blad.write_string(0, i, kop, opmaak.kop)
    for nummer, rij in enumerate(rijen, start=1):
        blad.write_row(nummer, 0, rij)
    blad.set_column(0, 0, 14)
    blad.set_column(1, 1, 40)
    blad.freeze_panes(1, 0)


# --- loading a filled template ---------------------------------------------------------------------


@dataclass
class Enqueteresultaat:
    """What loading one filled template did: its problems, or what it added to the store."""

    fouten: list[str] = field(default_factory=list)
    indicatoren: dict[str, int] = field(default_factory=dict)  # label (id) -> number of values
    notities: list[str] = field(default_factory=list)
    al_geladen: bool = False
    versie: str | None = None

    @property
    def waarden(self) -> int:
        return sum(self.indicatoren.values())


def laad_enquete(pad: Path, opslag: Opslag) -> Enqueteresultaat:
    """Check the file (every problem with sheet, row and column), then load it with the ordinary
    loader; a file with an error leaves the store unchanged."""
    try:
        lees_enquete(pad, Register(opslag.lees(lui=True).regios))
    except GebiedskompasFout as e:
        return Enqueteresultaat(fouten=list(fouten_van(e)))
    resultaat = laad([pad], opslag)
    if resultaat.mislukt:
        return Enqueteresultaat(fouten=[melding for _, melding in resultaat.mislukt])
    if not resultaat.geladen:
        return Enqueteresultaat(al_geladen=True)
    inlezing = resultaat.geladen[0]
    tellingen = inlezing.waarnemingen["indicator"].value_counts()
    labels = {i.id: i.label for i in inlezing.indicatoren}
    return Enqueteresultaat(
        indicatoren={f"{labels[i]} ({i})": int(tellingen[i]) for i in sorted(tellingen.index)},
        notities=inlezing.notities,
        versie=resultaat.versie,
    )
