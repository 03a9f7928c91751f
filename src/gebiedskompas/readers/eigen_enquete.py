"""Own surveys: a province's panel or monitor (e.g. Gelderland's Monitor Gelders Welbevinden).

The filled template (``enquete.py`` writes it) is an Excel workbook with the sheets
``indicatoren`` (one definition per own indicator) and ``waarden`` (one value per area, year and
indicator, with optional 95% bounds or sample size ``n``), or one CSV file that holds both: the
value columns plus the definition columns, filled at least on the first row of each indicator.

Every problem is collected and reported with sheet, row and column, in Dutch; a file with any
error contributes nothing. Keys become ``eigen.<sleutel>`` so own indicators never collide with
the bundled catalogue.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd
from python_calamine import CalamineWorkbook

from ..catalogus import Indicator
from ..codes import NIVEAUS, niveau_van, normaliseer
from ..errors import InvoerFout
from ..model import WAARNEMING_KOLOMMEN, Inlezing
from ..register import Register, dichtstbijzijnd_jaar
from .core import ONTBREKEND, sha256_van
from .statline_csv import kies_scheidingsteken, lees_tekst

VOORVOEGSEL: Final = "eigen."
BLAD_INDICATOREN: Final = "indicatoren"
BLAD_WAARDEN: Final = "waarden"
RICHTINGEN: Final = ("hoger_is_beter", "hoger_is_slechter")
PROCENT: Final = "%"
Z_95: Final = 1.96
VOORBEELD: Final = "voorbeeld"  # keys of the template's example rows start with this word

# Column name -> required. The CSV variant has both sets in one table (``sleutel`` is then
# the value column ``indicator``).
INDICATORKOLOMMEN: Final = {
    "sleutel": True,
    "label": True,
    "eenheid": True,
    "richting": True,
    "definitie": False,
    "bron": True,
    "licentie": False,
}
WAARDEKOLOMMEN: Final = {
    "regiocode": True,
    "jaar": True,
    "indicator": True,
    "waarde": True,
    "ondergrens": False,
    "bovengrens": False,
    "n": False,
}
CSV_KOLOMMEN: Final = [*WAARDEKOLOMMEN, *(k for k in INDICATORKOLOMMEN if k != "sleutel")]
_SLEUTEL = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
_MAX_FOUTEN = 25
_ZONDER_LICENTIE = "licentie niet opgegeven"

Cel = object  # a cell as calamine or the csv module gives it: str, int, float, date, None


# --- errors ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fout:
    """One problem in the file, at a sheet (None for CSV), row and column."""

    blad: str | None
    rij: int | None
    kolom: str | None
    bericht: str

    def tekst(self) -> str:
        plaats = [f"blad '{self.blad}'"] if self.blad else []
        if self.rij is not None:
            plaats.append(f"rij {self.rij}")
        if self.kolom:
            plaats.append(f"kolom '{self.kolom}'")
        return f"{', '.join(plaats)}: {self.bericht}" if plaats else self.bericht


class EnqueteFout(InvoerFout):
    """Every problem of one survey file; nothing of the file is loaded."""

    def __init__(self, fouten: list[Fout], bestand: Path) -> None:
        self.fouten = fouten
        regels = [f.tekst() for f in fouten[:_MAX_FOUTEN]]
        if len(fouten) > _MAX_FOUTEN:
            regels.append(f"en nog {len(fouten) - _MAX_FOUTEN} fouten")
        woord = "fout" if len(fouten) == 1 else "fouten"
        super().__init__(
            f"{len(fouten)} {woord} in het enquêtesjabloon:\n- " + "\n- ".join(regels), bestand=bestand
        )


# --- the file as sheets of cells -----------------------------------------------------------------------


@dataclass
class Blad:
    """A sheet: its name (None for CSV), its header (lower case) and its rows with file row numbers."""

    naam: str | None
    kop: list[str]
    rijen: list[tuple[int, list[Cel]]]

    def cel(self, rij: list[Cel], kolom: str) -> Cel:
        i = self.kop.index(kolom) if kolom in self.kop else -1
        return rij[i] if 0 <= i < len(rij) else None


def bladnamen_xlsx(pad: Path) -> list[str]:
    """Sheet names from the workbook's index, without reading any cell."""
    try:
        with zipfile.ZipFile(pad) as z:
            index = z.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return []
    return re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]+)"', index)


def is_sjabloon_xlsx(pad: Path) -> bool:
    namen = {n.strip().lower() for n in bladnamen_xlsx(pad)}
    return {BLAD_INDICATOREN, BLAD_WAARDEN} <= namen


def is_sjabloon_csv(kolommen: list[str]) -> bool:
    kop = {k.strip().lower() for k in kolommen}
    return {"regiocode", "indicator"} <= kop


def _lees_xlsx(pad: Path) -> tuple[Blad, Blad]:
    try:
        boek = CalamineWorkbook.from_path(str(pad))
        namen = {n.strip().lower(): n for n in boek.sheet_names}
        bladen = [
            _blad(naam, boek.get_sheet_by_name(namen[naam]).to_python())
            for naam in (BLAD_INDICATOREN, BLAD_WAARDEN)
        ]
    except Exception as e:  # calamine raises its own error types for damaged workbooks
        raise InvoerFout(f"het Excel-bestand kan niet worden gelezen ({e})", bestand=pad) from e
    return bladen[0], bladen[1]


def _lees_csv(pad: Path) -> Blad:
    tekst = lees_tekst(pad)
    eerste = tekst.splitlines()[0] if tekst.strip() else ""
    try:
        regels = list(csv.reader(io.StringIO(tekst), delimiter=kies_scheidingsteken(eerste)))
    except csv.Error as e:
        raise InvoerFout(f"het bestand is geen geldige CSV ({e})", bestand=pad) from e
    return _blad(None, regels)


def _blad(naam: str | None, regels: Sequence[Sequence[Cel]]) -> Blad:
    if not regels:
        return Blad(naam, [], [])
    kop = [str(k or "").strip().lower() for k in regels[0]]
    rijen = [
        (nummer, list(rij)) for nummer, rij in enumerate(regels[1:], start=2) if any(_tekst(c) for c in rij)
    ]
    return Blad(naam, kop, rijen)


# --- cells --------------------------------------------------------------------------------------------


def _tekst(cel: Cel) -> str:
    if cel is None:
        return ""
    if isinstance(cel, float) and cel.is_integer():
        return str(int(cel))
    return str(cel).strip()


def _getal(cel: Cel) -> float | None:
    """A number from a cell; None for an empty cell or a 'no value' marker; ValueError otherwise.
    Text may use a decimal comma (7,4) and a trailing % sign."""
    if isinstance(cel, bool):
        raise ValueError
    if isinstance(cel, int | float):
        return None if math.isnan(cel) else float(cel)
    tekst = _tekst(cel).removesuffix("%").strip()
    if tekst in ONTBREKEND:
        return None
    if "," in tekst:
        tekst = tekst.replace(".", "").replace(",", ".")
    getal = float(tekst)
    if not math.isfinite(getal):
        raise ValueError
    return getal


def eigen_id(sleutel: str) -> str:
    """The catalogue id of an own key: ``welbevinden`` -> ``eigen.welbevinden``."""
    kaal = sleutel.strip().lower().removeprefix(VOORVOEGSEL)
    return VOORVOEGSEL + kaal


def marge_uit_n(p: float, n: float) -> tuple[float, float]:
    """95% Wald interval of a percentage ``p`` from ``n`` respondents, clipped to 0-100:
    p ± 1.96·sqrt(p·(100−p)/n). At p = 0 or 100 the interval has width 0 (a known weakness of
    the Wald interval for small n)."""
    halve = Z_95 * math.sqrt(p * (100.0 - p) / n)
    return max(0.0, p - halve), min(100.0, p + halve)


# --- validation --------------------------------------------------------------------------------------


@dataclass
class Enquete:
    """A validated survey: own indicator definitions and long observations, plus notes."""

    indicatoren: list[Indicator]
    waarnemingen: pd.DataFrame
    notities: list[str] = field(default_factory=list)


@dataclass
class _Controle:
    register: Register
    fouten: list[Fout] = field(default_factory=list)
    notities: list[str] = field(default_factory=list)

    def fout(self, blad: Blad, rij: int | None, kolom: str | None, bericht: str) -> None:
        self.fouten.append(Fout(blad.naam, rij, kolom, bericht))


def lees_enquete(pad: Path, register: Register) -> Enquete:
    """Read and check a filled template (.xlsx or .csv); ``EnqueteFout`` lists every problem."""
    controle = _Controle(register)
    if pad.suffix.lower() == ".csv":
        waarden = _lees_csv(pad)
        definities = _definities_uit_csv(waarden, controle)
    else:
        blad_ind, waarden = _lees_xlsx(pad)
        definities = _definities(blad_ind, controle)
    rijen = _waarden(waarden, definities, controle) if definities is not None else []
    if not controle.fouten and not rijen:
        controle.fout(
            waarden, None, None, "er staan geen waarden in; vul per gebied, jaar en indicator een waarde in"
        )
    if controle.fouten:
        raise EnqueteFout(controle.fouten, pad)
    assert definities is not None
    return _als_enquete(definities, rijen, controle.notities, pad)


def _ontbrekende_kolommen(blad: Blad, kolommen: dict[str, bool], controle: _Controle) -> bool:
    if not blad.kop:
        controle.fout(blad, None, None, "het blad is leeg; gebruik het sjabloon ('gebiedskompas sjabloon')")
        return True
    ontbreekt = [k for k, verplicht in kolommen.items() if verplicht and k not in blad.kop]
    for kolom in ontbreekt:
        controle.fout(
            blad, 1, kolom, f"verplichte kolom ontbreekt (verwacht de kolommen {', '.join(kolommen)})"
        )
    return bool(ontbreekt)


@dataclass
class _Definitie:
    sleutel: str
    label: str
    eenheid: str
    richting: str
    definitie: str
    bron: str
    licentie: str
    rij: int
    niveaus: set[str] = field(default_factory=set)


def _definities(blad: Blad, controle: _Controle) -> dict[str, _Definitie] | None:
    if _ontbrekende_kolommen(blad, INDICATORKOLOMMEN, controle):
        return None
    uit: dict[str, _Definitie] = {}
    for nummer, rij in blad.rijen:
        definitie = _definitie(blad, nummer, rij, _tekst(blad.cel(rij, "sleutel")), controle)
        if definitie is None:
            continue
        if definitie.sleutel in uit:
            controle.fout(
                blad,
                nummer,
                "sleutel",
                f"sleutel '{definitie.sleutel}' staat ook in rij {uit[definitie.sleutel].rij}; "
                "elke indicator één keer",
            )
            continue
        uit[definitie.sleutel] = definitie
    if not uit and not controle.fouten:
        controle.fout(blad, None, None, "er staat geen enkele indicator op dit blad")
    return uit


def _definitie(
    blad: Blad, nummer: int, rij: list[Cel], ruwe_sleutel: str, controle: _Controle
) -> _Definitie | None:
    kolom_sleutel = "sleutel" if blad.naam else "indicator"
    sleutel = ruwe_sleutel.lower().removeprefix(VOORVOEGSEL)
    aantal = len(controle.fouten)
    if not sleutel:
        controle.fout(
            blad, nummer, kolom_sleutel, "sleutel ontbreekt (bijvoorbeeld welbevinden_rapportcijfer)"
        )
    elif sleutel.startswith(VOORBEELD):
        controle.fout(
            blad,
            nummer,
            kolom_sleutel,
            f"voorbeeldregel '{ruwe_sleutel}' staat er nog; verwijder of vervang de grijze voorbeeldregels",
        )
    elif not _SLEUTEL.fullmatch(sleutel):
        controle.fout(
            blad,
            nummer,
            kolom_sleutel,
            f"sleutel '{ruwe_sleutel}' mag alleen kleine letters, cijfers, _ en . bevatten en begint met een "
            "letter (bijvoorbeeld welbevinden_rapportcijfer)",
        )
    velden = {k: _tekst(blad.cel(rij, k)) for k in INDICATORKOLOMMEN if k != "sleutel"}
    for kolom in ("label", "eenheid", "bron"):
        if not velden[kolom]:
            controle.fout(blad, nummer, kolom, f"{kolom} ontbreekt")
    if velden["richting"] not in RICHTINGEN:
        controle.fout(
            blad,
            nummer,
            "richting",
            f"richting '{velden['richting']}' onbekend; kies {' of '.join(RICHTINGEN)}",
        )
    if len(controle.fouten) > aantal:
        return None
    return _Definitie(
        sleutel=sleutel,
        label=velden["label"],
        eenheid=velden["eenheid"],
        richting=velden["richting"],
        definitie=velden["definitie"],
        bron=velden["bron"],
        licentie=velden["licentie"] or _ZONDER_LICENTIE,
        rij=nummer,
    )


def _definities_uit_csv(blad: Blad, controle: _Controle) -> dict[str, _Definitie] | None:
    """CSV: the definition columns on (at least) the first row of each indicator; later rows may
    leave them empty or repeat them, never contradict them."""
    verplicht = {**WAARDEKOLOMMEN, **{k: v for k, v in INDICATORKOLOMMEN.items() if k != "sleutel"}}
    if _ontbrekende_kolommen(blad, verplicht, controle):
        return None
    uit: dict[str, _Definitie] = {}
    for nummer, rij in blad.rijen:
        sleutel = _tekst(blad.cel(rij, "indicator")).lower().removeprefix(VOORVOEGSEL)
        if sleutel in uit:
            _vergelijk_definitie(blad, nummer, rij, uit[sleutel], controle)
            continue
        definitie = _definitie(blad, nummer, rij, _tekst(blad.cel(rij, "indicator")), controle)
        if definitie is not None:
            uit[definitie.sleutel] = definitie
    return uit


def _vergelijk_definitie(
    blad: Blad, nummer: int, rij: list[Cel], eerder: _Definitie, controle: _Controle
) -> None:
    for kolom in INDICATORKOLOMMEN:
        if kolom == "sleutel":
            continue
        waarde = _tekst(blad.cel(rij, kolom))
        bekend = getattr(eerder, kolom)
        if waarde and waarde != bekend and not (kolom == "licentie" and bekend == _ZONDER_LICENTIE):
            controle.fout(
                blad,
                nummer,
                kolom,
                f"'{waarde}' verschilt van rij {eerder.rij} ('{bekend}') voor indicator '{eerder.sleutel}'; "
                "laat de kolom leeg of geef dezelfde waarde",
            )


@dataclass
class _Rij:
    code: str
    jaar: int
    sleutel: str
    waarde: float
    onder: float
    boven: float
    indeling: int


def _waarden(blad: Blad, definities: dict[str, _Definitie], controle: _Controle) -> list[_Rij]:
    if blad.naam and _ontbrekende_kolommen(blad, WAARDEKOLOMMEN, controle):
        return []
    uit: list[_Rij] = []
    gezien: dict[tuple[str, int, str], int] = {}
    leeg = 0
    for nummer, rij in blad.rijen:
        gelezen = _waarderij(blad, nummer, rij, definities, controle)
        if gelezen is None:
            continue
        if math.isnan(gelezen.waarde):
            leeg += 1
            continue
        sleutel = (gelezen.code, gelezen.jaar, gelezen.sleutel)
        if sleutel in gezien:
            controle.fout(
                blad,
                nummer,
                "regiocode",
                f"dubbele regel: {gelezen.code}, jaar {gelezen.jaar}, indicator '{gelezen.sleutel}' "
                f"staat ook in rij {gezien[sleutel]}",
            )
            continue
        gezien[sleutel] = nummer
        definities[gelezen.sleutel].niveaus.add(str(niveau_van(gelezen.code)))
        uit.append(gelezen)
    if leeg:
        controle.notities.append(
            f"{leeg} regels zonder waarde overgeslagen (ontbrekend, nooit als 0 gelezen)"
        )
    return uit


def _waarderij(
    blad: Blad, nummer: int, rij: list[Cel], definities: dict[str, _Definitie], controle: _Controle
) -> _Rij | None:
    aantal = len(controle.fouten)
    code = _regiocode(blad, nummer, rij, controle)
    jaar = _jaar(blad, nummer, rij, controle)
    definitie = _indicator(blad, nummer, rij, definities, controle)
    getallen = {
        k: _getalcel(blad, nummer, rij, k, controle) for k in ("waarde", "ondergrens", "bovengrens", "n")
    }
    if len(controle.fouten) > aantal or code is None or jaar is None or definitie is None:
        return None
    waarde = getallen["waarde"]
    if waarde is None:
        return _Rij(code, jaar, definitie.sleutel, math.nan, math.nan, math.nan, 0)
    onder, boven = _grenzen(blad, nummer, definitie, waarde, getallen, controle)
    if len(controle.fouten) > aantal:
        return None
    return _Rij(code, jaar, definitie.sleutel, waarde, onder, boven, _indeling(code, jaar, controle.register))


def _regiocode(blad: Blad, nummer: int, rij: list[Cel], controle: _Controle) -> str | None:
    ruw = _tekst(blad.cel(rij, "regiocode"))
    code = normaliseer(ruw)
    niveau = niveau_van(code)
    if niveau is None or niveau in ("pc4", "ggd", "landsdeel"):
        controle.fout(
            blad,
            nummer,
            "regiocode",
            f"regiocode '{ruw}' past op geen bekend patroon (verwacht bijvoorbeeld GM0917, WK091712, "
            "BU09173300, PV31 of NL00)",
        )
        return None
    if (
        niveau in ("gemeente", "wijk", "buurt")
        and not controle.register.tabel.empty
        and not controle.register.bestaat(code)
    ):
        controle.fout(
            blad, nummer, "regiocode", f"onbekende regiocode {code}: komt niet voor in het regioregister"
        )
        return None
    return code


def _jaar(blad: Blad, nummer: int, rij: list[Cel], controle: _Controle) -> int | None:
    ruw = blad.cel(rij, "jaar")
    try:
        getal = _getal(ruw)
    except ValueError:
        getal = None
    if getal is None or not getal.is_integer() or not 1900 <= getal <= 2100:
        controle.fout(blad, nummer, "jaar", f"'{_tekst(ruw)}' is geen jaartal (verwacht bijvoorbeeld 2023)")
        return None
    return int(getal)


def _indicator(
    blad: Blad, nummer: int, rij: list[Cel], definities: dict[str, _Definitie], controle: _Controle
) -> _Definitie | None:
    ruw = _tekst(blad.cel(rij, "indicator"))
    definitie = definities.get(ruw.lower().removeprefix(VOORVOEGSEL))
    if definitie is None and blad.naam:  # in a CSV the row's own definition error is reported already
        bekend = ", ".join(sorted(definities)) or "geen"
        if ruw.lower().startswith(VOORBEELD):
            controle.fout(
                blad, nummer, "indicator", "voorbeeldregel staat er nog; verwijder of vervang deze regel"
            )
            return None
        controle.fout(
            blad,
            nummer,
            "indicator",
            f"onbekende indicator '{ruw}'; gedefinieerd op blad '{BLAD_INDICATOREN}': {bekend}",
        )
    return definitie


def _getalcel(blad: Blad, nummer: int, rij: list[Cel], kolom: str, controle: _Controle) -> float | None:
    ruw = blad.cel(rij, kolom)
    try:
        getal = _getal(ruw)
    except ValueError:
        controle.fout(blad, nummer, kolom, f"'{_tekst(ruw)}' is geen getal (gebruik bijvoorbeeld 7,4 of 7.4)")
        return None
    if kolom == "n" and getal is not None and (not getal.is_integer() or getal < 1):
        controle.fout(
            blad, nummer, kolom, f"n = {_tekst(ruw)} is geen aantal respondenten (een heel getal, minstens 1)"
        )
        return None
    return getal


def _grenzen(
    blad: Blad,
    nummer: int,
    definitie: _Definitie,
    waarde: float,
    getallen: dict[str, float | None],
    controle: _Controle,
) -> tuple[float, float]:
    onder, boven, n = getallen["ondergrens"], getallen["bovengrens"], getallen["n"]
    if definitie.eenheid == PROCENT:
        for kolom, getal in (("waarde", waarde), ("ondergrens", onder), ("bovengrens", boven)):
            if getal is not None and not 0 <= getal <= 100:
                controle.fout(blad, nummer, kolom, f"{getal:g} ligt buiten 0-100, maar de eenheid is %")
    if (onder is None) != (boven is None):
        leeg = "bovengrens" if boven is None else "ondergrens"
        controle.fout(blad, nummer, leeg, "geef beide grenzen van het 95%-interval, of geen van beide")
    elif onder is not None and boven is not None:
        if onder > waarde:
            controle.fout(
                blad, nummer, "ondergrens", f"ondergrens {onder:g} is groter dan de waarde {waarde:g}"
            )
        if boven < waarde:
            controle.fout(
                blad, nummer, "bovengrens", f"bovengrens {boven:g} is kleiner dan de waarde {waarde:g}"
            )
        return onder, boven
    elif n is not None and definitie.eenheid == PROCENT and 0 <= waarde <= 100:
        return marge_uit_n(waarde, n)
    elif n is not None:
        controle.notities.append(
            f"'{definitie.sleutel}' ({definitie.eenheid}): uit n alleen is geen marge te berekenen; geef "
            "ondergrens en bovengrens"
        )
    return math.nan, math.nan


def _indeling(code: str, jaar: int, register: Register) -> int:
    """The classification year of a code: the survey year when the register knows the code then,
    else the nearest year it knows the code in."""
    jaren = [int(j) for j in register.jaren(code)["jaar"]] if not register.tabel.empty else []
    return dichtstbijzijnd_jaar(jaren, jaar) if jaren else jaar


# --- result --------------------------------------------------------------------------------------------


def _als_enquete(
    definities: dict[str, _Definitie], rijen: list[_Rij], notities: list[str], pad: Path
) -> Enquete:
    bron = f"eigen:{pad.name}"
    waarnemingen = pd.DataFrame(
        {
            "regio": [r.code for r in rijen],
            "periode": [str(r.jaar) for r in rijen],
            "indicator": [eigen_id(r.sleutel) for r in rijen],
            "waarde": [r.waarde for r in rijen],
            "onder": [r.onder for r in rijen],
            "boven": [r.boven for r in rijen],
            "bron": bron,
            "indeling": [r.indeling for r in rijen],
        },
        columns=WAARNEMING_KOLOMMEN,
    ).astype({"waarde": "float64", "onder": "float64", "boven": "float64", "indeling": "int64"})
    gebruikt = {r.sleutel for r in rijen}
    ongebruikt = sorted(set(definities) - gebruikt)
    if ongebruikt:
        notities.append(
            f"indicatoren zonder waarden (niet in de catalogus opgenomen): {', '.join(ongebruikt)}"
        )
    indicatoren = [_als_indicator(d) for d in definities.values() if d.sleutel in gebruikt]
    return Enquete(indicatoren, waarnemingen, notities)


def _als_indicator(d: _Definitie) -> Indicator:
    return Indicator(
        id=eigen_id(d.sleutel),
        label=d.label,
        eenheid=d.eenheid,
        thema="eigen",
        richting=d.richting,  # type: ignore[arg-type]  # checked against RICHTINGEN
        niveaus=[n for n in NIVEAUS if n in d.niveaus],
        definitie=d.definitie or d.label,
        bronvermelding=f"{d.bron} ({d.licentie})",
        licentie=d.licentie,
    )


def lees_eigen_enquete(pad: Path, register: Register) -> Inlezing:
    """The loader's reader: the survey as an ``Inlezing`` with its own indicator definitions."""
    enquete = lees_enquete(pad, register)
    bronnen = sorted({i.bronvermelding or "" for i in enquete.indicatoren})
    return Inlezing(
        bestand=pad,
        sha256=sha256_van(pad),
        tabel_id=f"eigen:{pad.name}",
        titel="Eigen enquête: " + "; ".join(bronnen),
        versie=None,
        licentie="; ".join(sorted({i.licentie or "" for i in enquete.indicatoren})),
        waarnemingen=enquete.waarnemingen,
        notities=enquete.notities,
        indicatoren=enquete.indicatoren,
    )


def fouten_van(fout: Exception) -> Iterator[str]:
    """The Dutch lines of an error: one per problem for a survey error."""
    if isinstance(fout, EnqueteFout):
        yield from (f.tekst() for f in fout.fouten)
    else:
        yield str(fout)
