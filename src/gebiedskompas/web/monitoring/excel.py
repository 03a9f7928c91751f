"""Excel import and export of a doelenboom with its indicators and measurements (Dutch template).

Import is all or nothing: the first problem raises a Dutch error naming the sheet, row and
column, and the transaction leaves the database as it was.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...excelveilig import tekstcellen
from ...presentatie import excelopmaak
from . import models as m
from .diensten import controleer_regiocodes, wijziging

KOLOMMEN = {
    "Doelen": ["Code", "Niveau", "Titel", "Bovenliggend doel", "Omschrijving"],
    "Indicatoren": [
        "Doelcode",
        "Indicator",
        "Eenheid",
        "Richting",
        "Basiswaarde",
        "Basisdatum",
        "Streefwaarde",
        "Streefdatum",
        "Bron",
        "Opslagindicator",
        "Regiocodes",
        "Maat",
        "Referentie",
        "Startjaar",
    ],
    "Metingen": ["Doelcode", "Indicator", "Datum", "Waarde", "Opmerking"],
}
UITLEG = [
    (
        "Doelen",
        "Niveau: impact, outcome, output of activiteit. Bovenliggend doel: de code van het doel erboven.",
    ),
    (
        "Indicatoren",
        "Richting: hoger_is_beter of hoger_is_slechter. Bron: handmatig of opslag. Datums als "
        "datum of JJJJ-MM-DD. Regiocodes (bij bron opslag): gescheiden door komma's, bv. GM0917,WK091712. "
        "Maat (bij bron opslag): waarde, verschil (met Referentie nl of stedelijkheid, bv. Limburg PV31 "
        "min Nederland) of effect (met het Startjaar van de aanpak); leeg is waarde.",
    ),
    ("Metingen", "Eén regel per meting; Doelcode en Indicator verwijzen naar het blad Indicatoren."),
]


class ExcelFout(ValidationError):
    def __init__(self, blad: str, rij: int | None, kolom: str | None, bericht: str) -> None:
        plaats = f"blad '{blad}'" + (f", rij {rij}" if rij else "") + (f", kolom '{kolom}'" if kolom else "")
        super().__init__(f"{plaats}: {bericht}")


def _werkboek(kader: m.Beleidskader | None) -> Workbook:
    boek = Workbook()
    for leeg in list(boek.worksheets):
        boek.remove(leeg)
    for blad, kolommen in KOLOMMEN.items():
        ws = boek.create_sheet(blad)
        ws.append(kolommen)
        ws.freeze_panes = "A2"
    uitleg = boek.create_sheet("Uitleg")
    uitleg.append(["Blad", "Uitleg"])
    for regel in UITLEG:
        uitleg.append(list(regel))
    if kader is not None:
        _vul(boek, kader)
        _getalopmaak(boek)
    for werkblad in boek.worksheets:
        tekstcellen(werkblad)  # a title such as "=HYPERLINK(...)" stays text, never a formula
    return boek


# Columns with measured or target values: numbers stay numbers, shown in an ``opmaak.EXCEL_GETAL`` format.
GETALKOLOMMEN = {"Indicatoren": ("Basiswaarde", "Streefwaarde"), "Metingen": ("Waarde",)}


def _getalopmaak(boek: Workbook) -> None:
    for blad, kolommen in GETALKOLOMMEN.items():
        ws = boek[blad]
        for kolom in kolommen:
            letter = get_column_letter(KOLOMMEN[blad].index(kolom) + 1)
            cellen = ws[letter][1:]
            opmaak = excelopmaak(c.value for c in cellen)
            if opmaak is None:
                continue
            for cel in cellen:
                cel.number_format = opmaak


def _vul(boek: Workbook, kader: m.Beleidskader) -> None:
    for d in kader.doelen.order_by("code"):
        boek["Doelen"].append([d.code, d.niveau, d.titel, d.ouder.code if d.ouder else "", d.omschrijving])
        for i in d.indicatoren.order_by("id"):
            boek["Indicatoren"].append(
                [
                    d.code,
                    i.naam,
                    i.eenheid,
                    i.richting,
                    i.basiswaarde,
                    i.basisdatum,
                    i.streefwaarde,
                    i.streefdatum,
                    i.bron,
                    i.opslag_indicator,
                    ",".join(i.regiocodes),
                    i.maat,
                    i.referentie,
                    i.startjaar,
                ]
            )
            for meting in i.metingen.order_by("datum"):
                boek["Metingen"].append([d.code, i.naam, meting.datum, meting.waarde, meting.opmerking])


def als_bytes(kader: m.Beleidskader | None = None) -> bytes:
    uit = io.BytesIO()
    _werkboek(kader).save(uit)
    return uit.getvalue()


def _rijen(boek: Any, blad: str) -> list[tuple[int, dict[str, Any]]]:
    if blad not in boek.sheetnames:
        raise ExcelFout(blad, None, None, f"het blad ontbreekt (verwacht: {', '.join(KOLOMMEN)})")
    ws: Worksheet = boek[blad]
    rijen = list(ws.iter_rows(values_only=True))
    kop = [str(k).strip() if k is not None else "" for k in (rijen[0] if rijen else [])]
    verwacht = KOLOMMEN[blad]
    if kop[: len(verwacht)] != verwacht:
        raise ExcelFout(
            blad,
            1,
            None,
            f"onverwachte kolommen {kop}; verwacht: {', '.join(verwacht)} (download het sjabloon)",
        )
    uit = []
    for nummer, rij in enumerate(rijen[1:], start=2):
        if all(v in (None, "") for v in rij):
            continue
        uit.append((nummer, dict(zip(verwacht, rij, strict=False))))
    return uit


def _datum(blad: str, nummer: int, kolom: str, waarde: Any) -> date:
    if isinstance(waarde, datetime):
        return waarde.date()
    if isinstance(waarde, date):
        return waarde
    try:
        return date.fromisoformat(str(waarde).strip())
    except ValueError as e:
        raise ExcelFout(blad, nummer, kolom, f"'{waarde}' is geen datum (verwacht JJJJ-MM-DD)") from e


def _getal(blad: str, nummer: int, kolom: str, waarde: Any) -> float:
    try:
        getal = float(str(waarde).replace(",", ".")) if not isinstance(waarde, int | float) else float(waarde)
    except ValueError as e:
        raise ExcelFout(blad, nummer, kolom, f"'{waarde}' is geen getal") from e
    if not math.isfinite(getal):  # "inf", "nan" and 1e309 are no measurement
        raise ExcelFout(blad, nummer, kolom, f"'{waarde}' is geen eindig getal")
    return getal


def _tekst(blad: str, nummer: int, kolom: str, waarde: Any, verplicht: bool = True) -> str:
    tekst = "" if waarde is None else str(waarde).strip()
    if verplicht and not tekst:
        raise ExcelFout(blad, nummer, kolom, "is leeg")
    return tekst


def importeer(gebruiker: Any, kader: m.Beleidskader, inhoud: bytes) -> dict[str, int]:
    try:
        boek = load_workbook(io.BytesIO(inhoud), data_only=True, read_only=True)
    except Exception as e:  # openpyxl raises several types for files that are not xlsx
        raise ValidationError(
            "het bestand is geen leesbaar Excel-bestand (.xlsx): sla het in Excel op als "
            "Excel-werkmap en probeer het opnieuw"
        ) from e
    aantallen = {"doelen": 0, "indicatoren": 0, "metingen": 0}
    with wijziging(gebruiker, "excel_importeren"):
        doelen = _importeer_doelen(kader, _rijen(boek, "Doelen"), aantallen)
        indicatoren = _importeer_indicatoren(doelen, kader, _rijen(boek, "Indicatoren"), aantallen)
        _importeer_metingen(indicatoren, _rijen(boek, "Metingen"), aantallen)
    return aantallen


def _valideer(obj: Any, blad: str, nummer: int) -> None:
    try:
        obj.full_clean()
    except ValidationError as e:
        veld, berichten = next(iter(e.message_dict.items()))
        raise ExcelFout(blad, nummer, veld, "; ".join(berichten)) from e


def _importeer_doelen(
    kader: m.Beleidskader, rijen: list[tuple[int, dict[str, Any]]], aantallen: dict[str, int]
) -> dict[str, m.Doel]:
    doelen = {d.code: d for d in kader.doelen.all()}
    for nummer, rij in rijen:
        code = _tekst("Doelen", nummer, "Code", rij["Code"])
        niveau = _tekst("Doelen", nummer, "Niveau", rij["Niveau"]).lower()
        if niveau not in m.NIVEAU_VOLGORDE:
            raise ExcelFout(
                "Doelen", nummer, "Niveau", f"'{niveau}'; kies uit {', '.join(m.NIVEAU_VOLGORDE)}"
            )
        oudercode = _tekst("Doelen", nummer, "Bovenliggend doel", rij["Bovenliggend doel"], verplicht=False)
        if oudercode and oudercode not in doelen:
            raise ExcelFout(
                "Doelen", nummer, "Bovenliggend doel", f"onbekend doel '{oudercode}' (zet het erboven)"
            )
        doel = doelen.get(code) or m.Doel(kader=kader, code=code)
        doel.niveau, doel.titel = niveau, _tekst("Doelen", nummer, "Titel", rij["Titel"])
        doel.omschrijving = _tekst("Doelen", nummer, "Omschrijving", rij["Omschrijving"], verplicht=False)
        doel.ouder = doelen.get(oudercode) if oudercode else None
        _valideer(doel, "Doelen", nummer)
        doel.save()
        doelen[code] = doel
        aantallen["doelen"] += 1
    return doelen


def _importeer_indicatoren(
    doelen: dict[str, m.Doel],
    kader: m.Beleidskader,
    rijen: list[tuple[int, dict[str, Any]]],
    aantallen: dict[str, int],
) -> dict[tuple[str, str], m.Indicator]:
    bekend = {
        (i.doel.code, i.naam): i for i in m.Indicator.objects.filter(doel__kader=kader).select_related("doel")
    }
    b = "Indicatoren"
    for nummer, rij in rijen:
        doelcode = _tekst(b, nummer, "Doelcode", rij["Doelcode"])
        if doelcode not in doelen:
            raise ExcelFout(b, nummer, "Doelcode", f"onbekend doel '{doelcode}'")
        naam = _tekst(b, nummer, "Indicator", rij["Indicator"])
        ind = bekend.get((doelcode, naam)) or m.Indicator(doel=doelen[doelcode], naam=naam)
        ind.eenheid = _tekst(b, nummer, "Eenheid", rij["Eenheid"])
        ind.richting = _tekst(b, nummer, "Richting", rij["Richting"], verplicht=False) or "hoger_is_beter"
        ind.basiswaarde = (  # empty: baseline still to be set / direction-only target
            None if rij["Basiswaarde"] in (None, "") else _getal(b, nummer, "Basiswaarde", rij["Basiswaarde"])
        )
        ind.basisdatum = _datum(b, nummer, "Basisdatum", rij["Basisdatum"])
        ind.streefwaarde = (  # empty: baseline still to be set / direction-only target
            None
            if rij["Streefwaarde"] in (None, "")
            else _getal(b, nummer, "Streefwaarde", rij["Streefwaarde"])
        )
        ind.streefdatum = _datum(b, nummer, "Streefdatum", rij["Streefdatum"])
        ind.bron = _tekst(b, nummer, "Bron", rij["Bron"], verplicht=False) or "handmatig"
        ind.opslag_indicator = _tekst(b, nummer, "Opslagindicator", rij["Opslagindicator"], verplicht=False)
        codes = [
            c
            for c in _tekst(b, nummer, "Regiocodes", rij["Regiocodes"], verplicht=False).split(",")
            if c.strip()
        ]
        try:
            ind.regiocodes = controleer_regiocodes(codes)
        except ValidationError as e:
            raise ExcelFout(b, nummer, "Regiocodes", "; ".join(e.message_dict["regiocodes"])) from e
        ind.maat = _tekst(b, nummer, "Maat", rij["Maat"], verplicht=False) or "waarde"
        ind.referentie = _tekst(b, nummer, "Referentie", rij["Referentie"], verplicht=False) or "nl"
        start = _tekst(b, nummer, "Startjaar", rij["Startjaar"], verplicht=False)
        ind.startjaar = int(_getal(b, nummer, "Startjaar", start)) if start else None
        _valideer(ind, b, nummer)
        ind.save()
        bekend[(doelcode, naam)] = ind
        aantallen["indicatoren"] += 1
    return bekend


def _importeer_metingen(
    indicatoren: dict[tuple[str, str], m.Indicator],
    rijen: list[tuple[int, dict[str, Any]]],
    aantallen: dict[str, int],
) -> None:
    b = "Metingen"
    for nummer, rij in rijen:
        sleutel = (
            _tekst(b, nummer, "Doelcode", rij["Doelcode"]),
            _tekst(b, nummer, "Indicator", rij["Indicator"]),
        )
        if sleutel not in indicatoren:
            raise ExcelFout(
                b, nummer, "Indicator", f"onbekende indicator '{sleutel[1]}' bij doel '{sleutel[0]}'"
            )
        m.Meting.objects.update_or_create(
            indicator=indicatoren[sleutel],
            datum=_datum(b, nummer, "Datum", rij["Datum"]),
            defaults={
                "waarde": _getal(b, nummer, "Waarde", rij["Waarde"]),
                "opmerking": _tekst(b, nummer, "Opmerking", rij["Opmerking"], verplicht=False),
                "bron": "handmatig",
            },
        )
        aantallen["metingen"] += 1
