"""Shared core of the readers: the raw wide table, column lookup, numbers and region codes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..codes import niveau_van, normaliseer
from ..errors import InvoerFout

# Markers for "no number" as publishers write them: StatLine's unknown / secret / nil, R's and
# pandas' NA (the Leefbaarometer downloads), and empty cells. Never read as 0.
ONTBREKEND = frozenset(
    {"", ".", "x", "X", "-", "?", "NA", "N/A", "n.v.t.", "nan", "NaN", "None", "null", "NULL"}
)

# Two-letter prefixes of CBS regional aggregates that are not areas of the register
# (centrumgemeenten, COROP, arbeidsmarktregio, politie, veiligheidsregio, ...).
AGGREGAAT_PREFIXEN = frozenset(
    {
        "CG",
        "CR",
        "CS",
        "CP",
        "AM",
        "AR",
        "RE",
        "PD",
        "BT",
        "VR",
        "JZ",
        "KK",
        "ES",
        "MC",
        "LB",
        "LG",
        "WG",
        "ZO",
        "RM",
        "ZK",
        "TR",
        "RG",
        "RO",
        "GR",
        "PB",
        "HB",
        "LS",
    }
)

Stijl = Literal["sleutel", "titel"]


@dataclass
class RuweTabel:
    """A wide table as read from one file, every cell as text.

    ``stijl`` says whether the headers are OData keys (``AantalInwoners_5``) or StatLine
    web-export titles (``"Bevolking/Aantal inwoners (aantal)"``).
    """

    bestand: Path
    data: pd.DataFrame
    stijl: Stijl = "sleutel"
    eerste_rij: int = 2  # file row number of data row 0 (header is row 1)
    versie: str | None = None
    tabel_id: str | None = None
    indeling: int | None = None  # area classification year, when the file says (else the table's)
    dimensies: dict[str, pd.DataFrame] = field(default_factory=dict)

    def rijnummer(self, positie: int) -> int:
        return self.eerste_rij + positie


_UTF16_BOM = (b"\xff\xfe", b"\xfe\xff")


def decodeer(ruw: bytes, pad: Path, *, volledig: bool = True) -> str:
    """Text of a file: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 (older
    StatLine exports). UTF-16 without a BOM (NUL bytes) is named, not read as garbage. With
    ``volledig=False`` (the first bytes only) a character cut in half is replaced, not an error."""
    fouten = "strict" if volledig else "replace"
    if ruw.startswith(_UTF16_BOM):
        try:
            return ruw.decode("utf-16", errors=fouten)
        except UnicodeDecodeError as e:
            raise InvoerFout(
                "het bestand begint als UTF-16 maar is beschadigd of afgekapt; sla het op als UTF-8",
                bestand=pad,
            ) from e
    if b"\x00" in ruw[:4096]:
        raise InvoerFout(
            "het bestand bevat NUL-tekens: het is UTF-16 zonder BOM of geen tekstbestand; "
            "sla het op als UTF-8",
            bestand=pad,
        )
    try:
        return ruw.decode("utf-8-sig", errors=fouten)
    except UnicodeDecodeError:
        return ruw.decode("cp1252", errors="replace")


def kopstijl(kolommen: list[str]) -> Stijl:
    """Web exports have title paths with units as headers; OData downloads have keys."""
    return "titel" if any("/" in k or k.endswith(")") for k in kolommen) else "sleutel"


def sha256_van(pad: Path) -> str:
    h = hashlib.sha256()
    with pad.open("rb") as f:
        for blok in iter(lambda: f.read(1 << 20), b""):
            h.update(blok)
    return h.hexdigest()


_EENHEID = re.compile(r"\s*\([^()]*\)\s*$")


def titel_zonder_eenheid(kop: str) -> str:
    return _EENHEID.sub("", kop).strip()


def zoek_kolom(ruw: RuweTabel, kolom: str | None, titel: str | None = None) -> str | None:
    """Find a column by stable key stem (``AantalInwoners`` matches ``AantalInwoners_5``),
    by exact key, or for web exports by title path. ``|`` separates alternatives."""
    if ruw.stijl == "titel":
        return _zoek_titel(ruw, titel) if titel else None
    if kolom is None:
        return None
    for alternatief in kolom.split("|"):
        gevonden = _zoek_sleutel(ruw, alternatief)
        if gevonden:
            return gevonden
    return None


def _zoek_sleutel(ruw: RuweTabel, sleutel: str) -> str | None:
    lager = {c.lower(): c for c in ruw.data.columns}
    if sleutel.lower() in lager:
        return lager[sleutel.lower()]
    patroon = re.compile(rf"{re.escape(sleutel)}_\d+", re.IGNORECASE)
    kandidaten = [c for c in ruw.data.columns if patroon.fullmatch(c)]
    if len(kandidaten) > 1:
        raise InvoerFout(
            f"kolomsleutel '{sleutel}' is niet eenduidig: past op {', '.join(kandidaten)}; "
            "geef de volledige sleutel in het bronregister of de catalogus",
            bestand=ruw.bestand,
        )
    return kandidaten[0] if kandidaten else None


def _zoek_titel(ruw: RuweTabel, titel: str) -> str | None:
    doel = titel.lower()
    for c in ruw.data.columns:
        kop = titel_zonder_eenheid(c).lower()
        if kop == doel or kop.endswith("/" + doel):
            return c
    return None


def eerste(masker: pd.Series) -> int:
    """Position of the first True in a boolean series (the first bad row to report)."""
    return int(np.flatnonzero(masker.to_numpy())[0])


def als_getal(ruw: RuweTabel, kolom: str) -> pd.Series:
    """Parse a text column to float. StatLine markers become NaN (never 0); any other
    text raises an error naming file, row and column."""
    ruwe = ruw.data[kolom]
    if pd.api.types.is_numeric_dtype(ruwe.dtype):
        return ruwe.astype("float64")
    tekst = ruwe.astype("string").str.strip()
    ontbreekt = tekst.isna() | tekst.isin(ONTBREKEND)
    schoon = tekst.mask(ontbreekt)
    if not schoon.dropna().str.contains(".", regex=False).any():
        schoon = schoon.str.replace(",", ".", regex=False)
    getallen = pd.to_numeric(schoon, errors="coerce").astype("float64")
    fout = getallen.isna() & ~ontbreekt
    if fout.any():
        positie = eerste(fout)
        raise InvoerFout(
            f"'{tekst.iloc[positie]}' is geen getal (verwacht: een getal of een StatLine-teken "
            "zoals '.', 'x' of '-')",
            bestand=ruw.bestand,
            rij=ruw.rijnummer(positie),
            kolom=kolom,
        )
    return getallen


@dataclass
class Regiocodes:
    """Normalised region codes of a table, with rows that are non-area aggregates marked."""

    codes: pd.Series
    bruikbaar: pd.Series  # bool
    aggregaten: int


def als_regiocodes(ruw: RuweTabel, kolom: str) -> Regiocodes:
    codes = ruw.data[kolom].astype("string").fillna("").map(normaliseer)
    niveaus = codes.map(niveau_van)
    geldig = niveaus.notna()
    aggregaat = ~geldig & codes.str.match(r"^[A-Z]{2}\d+$") & codes.str[:2].isin(AGGREGAAT_PREFIXEN)
    fout = ~geldig & ~aggregaat
    if fout.any():
        positie = eerste(fout)
        raise InvoerFout(
            f"regiocode '{codes.iloc[positie]}' past op geen bekend patroon "
            "(verwacht bijvoorbeeld NL00, PV31, GM0917, WK091712 of BU09173300)",
            bestand=ruw.bestand,
            rij=ruw.rijnummer(positie),
            kolom=kolom,
        )
    return Regiocodes(codes=codes.astype(object), bruikbaar=geldig, aggregaten=int(aggregaat.sum()))


def controleer_bereik(
    ruw: RuweTabel, kolom: str, waarden: pd.Series, bereik: tuple[float, float], wat: str
) -> None:
    """Reject non-finite numbers (``1e309``, ``inf``) and values outside the valid range of the
    indicator, naming file, row and column. Missing values (NaN) are fine."""
    getallen = waarden.to_numpy(dtype="float64")
    laag, hoog = bereik
    oneindig = np.isinf(getallen)
    buiten = ~oneindig & ((getallen < laag) | (getallen > hoog))
    for masker, reden in (
        (oneindig, "is geen eindig getal"),
        (buiten, f"ligt buiten {_bereiktekst(bereik)}"),
    ):
        if masker.any():
            label = waarden.index[int(np.flatnonzero(masker)[0])]
            positie = int(ruw.data.index.get_indexer(pd.Index([label]))[0])
            raise InvoerFout(
                f"waarde '{str(ruw.data[kolom].iloc[positie]).strip()}' {reden} voor {wat}",
                bestand=ruw.bestand,
                rij=ruw.rijnummer(positie),
                kolom=kolom,
            )


def _bereiktekst(bereik: tuple[float, float]) -> str:
    laag, hoog = bereik
    if np.isinf(hoog):
        return f"het geldige bereik (minimaal {laag:g})"
    if np.isinf(laag):
        return f"het geldige bereik (maximaal {hoog:g})"
    return f"het geldige bereik {laag:g} tot en met {hoog:g}"


def periode_van(waarde: str) -> str:
    """'2020JJ00' -> '2020'; '2020' -> '2020'; other StatLine period keys kept as they are."""
    w = str(waarde).strip()
    m = re.fullmatch(r"(\d{4})JJ00", w)
    return m.group(1) if m else w
