"""Recognise what a file is and which reader turns it into an ``Inlezing``.

Every format is one entry of ``LEZERS``: a recogniser that looks at the file name, its first and
last bytes or its CSV header, and a reader. Adding a format or a publisher's variant is one small
reader module plus one entry here (and, for a table, one entry in the source registry). The
entries are tried in order, specific before generic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .bronnen import Tabel, bronregister
from .errors import GebiedskompasFout, InvoerFout
from .model import Inlezing
from .readers import grenswijziging
from .readers.core import RuweTabel, decodeer, sha256_van
from .readers.eigen_enquete import is_sjabloon_csv, is_sjabloon_xlsx, lees_eigen_enquete
from .readers.excel import lees_xlsx
from .readers.grenswijziging import lees_grenswijziging
from .readers.grenzen import lees_grenzen
from .readers.leefbaarometer import is_lbm2_klassen, is_lbm2_pc4, is_lbm3, lees_lbm2_pc4, lees_lbm3
from .readers.odata import (
    lees_json,
    lees_typeddataset_json,
    lees_typeddataset_parquet,
    parquet_tabel_id,
    zoek_versie,
)
from .readers.statline_csv import kies_scheidingsteken, lees_csv
from .readers.tabel import naar_inlezing
from .register import Register

_GEEN_DATA = {".md", ".txt", ".pdf", ".r", ".py", ".html", ".docx", ".zip", ".log"}
_JSON = (".json", ".geojson", ".topojson")


@dataclass
class Bestand:
    """What a recogniser may look at; each part is read at most once."""

    pad: Path

    @cached_property
    def ext(self) -> str:
        return self.pad.suffix.lower()

    @cached_property
    def kop(self) -> str:
        with self.pad.open("rb") as f:
            return decodeer(f.read(4096), self.pad, volledig=False)

    @cached_property
    def staart(self) -> str:
        with self.pad.open("rb") as f:
            begin = f.read(2)
            f.seek(max(0, self.pad.stat().st_size - 4096))
            staart = f.read()
        if begin in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: decode the tail with the head's BOM
            return decodeer(begin + staart, self.pad, volledig=False)
        return staart.decode("utf-8", errors="replace")

    @cached_property
    def kolommen(self) -> list[str]:
        regel = self.kop.splitlines()[0] if self.kop.strip() else ""
        return [k.strip().strip('"') for k in regel.split(kies_scheidingsteken(regel))] if regel else []

    @cached_property
    def tabel(self) -> Tabel | None:
        return bronregister().bij_bestandsnaam(self.pad.name)


@dataclass(frozen=True)
class Treffer:
    """A recogniser's answer: this file is mine (for this table), or mine to skip, with a reason."""

    tabel: Tabel | None = None
    reden: str | None = None


@dataclass(frozen=True)
class Lezer:
    formaat: str
    herken: Callable[[Bestand], Treffer | None]
    lees: Callable[[Herkenning, Register], Inlezing]


@dataclass
class Herkenning:
    pad: Path
    lezer: Lezer | None = None
    tabel: Tabel | None = None
    reden: str | None = None  # why the file is skipped

    @property
    def formaat(self) -> str | None:
        return self.lezer.formaat if self.lezer else None

    @property
    def overslaan(self) -> bool:
        return self.lezer is None


def herken(pad: Path) -> Herkenning:
    """Which reader (and table) a file is for, or why it is skipped. A file that cannot even be
    looked at (unreadable, binary, wrong encoding) is skipped with the reason, never a traceback."""
    bestand = Bestand(pad)
    if bestand.ext in _GEEN_DATA or pad.name.startswith("."):
        return Herkenning(pad, reden="geen databestand")
    if not pad.is_file():
        return Herkenning(pad, reden="is geen gewoon bestand (bijvoorbeeld een named pipe of apparaat)")
    try:
        return _herken(pad, bestand)
    except InvoerFout as e:
        return Herkenning(pad, reden=e.bericht)
    except (OSError, UnicodeError, RecursionError) as e:
        return Herkenning(pad, reden=f"het bestand kan niet worden gelezen ({type(e).__name__}: {e})")


def _herken(pad: Path, bestand: Bestand) -> Herkenning:
    for lezer in LEZERS:
        treffer = lezer.herken(bestand)
        if treffer is not None:
            if treffer.reden is not None:
                return Herkenning(pad, reden=treffer.reden)
            return Herkenning(pad, lezer, treffer.tabel)
    m = re.search(r"(\d{5}(?:NED|ned))", pad.name)
    if m:
        return Herkenning(pad, reden=f"tabel {m.group(1)} staat niet in het bronregister")
    if bestand.ext in (".csv", ".xlsx", ".parquet"):
        return Herkenning(
            pad, reden="tabel niet herkend: geen tabelnummer in de bestandsnaam en geen bekende kolomindeling"
        )
    return Herkenning(pad, reden=f"onbekend bestandstype '{bestand.ext or pad.name}'")


def _tabel_treffer(tabel_id: str) -> Treffer:
    if bronregister().bekend(tabel_id):
        return Treffer(bronregister().zoek(tabel_id))
    return Treffer(reden=f"tabel {tabel_id} staat niet in het bronregister")


# --- recognisers -------------------------------------------------------------------------------


def _is_grenswijziging(b: Bestand) -> Treffer | None:
    if b.ext != ".rda":
        return None
    if grenswijziging.herken(b.pad):
        return Treffer()
    return Treffer(reden="R-bestand dat geen grenswijzigingsmatrix is")


def _is_parquet(b: Bestand) -> Treffer | None:
    if b.ext != ".parquet":
        return None
    tabel_id = parquet_tabel_id(b.pad)
    if tabel_id is None:
        return Treffer(reden="metadata- of dimensiebestand (wordt gelezen bij de tabel zelf)")
    return _tabel_treffer(tabel_id)


def _is_odata_json(b: Bestand) -> Treffer | None:
    if b.pad.name.lower() != "typeddataset.json":
        return None
    return _tabel_treffer(b.pad.parent.name)


def _is_grenzen(b: Bestand) -> Treffer | None:
    if b.ext not in _JSON:
        return None
    soort = re.compile(r'"type"\s*:\s*"(FeatureCollection|Topology)"')
    return Treffer() if soort.search(b.kop) or soort.search(b.staart) else None


def _is_overige_json(b: Bestand) -> Treffer | None:
    if b.ext not in _JSON:
        return None
    try:
        document = lees_json(b.pad)
    except InvoerFout as e:
        return Treffer(reden=f"JSON-bestand dat niet te lezen is: {e.bericht}")
    return Treffer(reden=_json_reden(document))


def _json_reden(document: object) -> str:
    if isinstance(document, dict) and "odata.metadata" in document:
        url = str(document["odata.metadata"])
        m_tabel = re.search(r"/OData/(\w+)/\$metadata", url, re.IGNORECASE)
        m_entiteit = re.search(r"#(?:[\w.]*\.)?(\w+)$", url)
        if m_tabel is None:
            return "OData-catalogus (lijst van tabellen) zonder waarnemingen"
        tabel = m_tabel.group(1)
        entiteit = m_entiteit.group(1) if m_entiteit else "servicedocument"
        if not bronregister().bekend(tabel):
            return f"OData-antwoord ({entiteit}) van tabel {tabel}: staat niet in het bronregister"
        return (
            f"los OData-antwoord ({entiteit}) van tabel {tabel}; gebruik 'laad --cbs {tabel}' of "
            "de cache-indeling <TABEL>/TypedDataSet.json"
        )
    if isinstance(document, dict) and ("@odata.context" in document or "Identifier" in document):
        return "tabelmetadata (TableInfos of OData v4) zonder waarnemingen"
    return "metadata (TableInfos/DataProperties/kolombeschrijvingen) zonder waarnemingen"


def _is_lbm2_pc4(b: Bestand) -> Treffer | None:
    if b.ext != ".csv":
        return None
    if b.tabel is not None and b.tabel.soort == "lbm2_pc4":
        return Treffer(b.tabel)
    if is_lbm2_pc4(b.kolommen):
        return Treffer(bronregister().zoek("LBM2-PC4"))
    if is_lbm2_klassen(b.kolommen):
        return Treffer(
            reden="Leefbaarometer 2.0-klassenbestand (alleen klassen 1-9; "
            "de scores komen uit PC4DIMENSIE.csv)"
        )
    return None


def _is_lbm3(b: Bestand) -> Treffer | None:
    van_lbm3 = b.tabel is not None and b.tabel.soort == "lbm3"
    if b.ext == ".csv" and (van_lbm3 or is_lbm3(b.kolommen)):
        return Treffer(bronregister().zoek("LBM3"))
    return None


def _is_eigen_enquete(b: Bestand) -> Treffer | None:
    """The filled own-survey template: the workbook with sheets indicatoren and waarden, or a CSV
    with the columns regiocode and indicator."""
    if b.ext == ".xlsx" and is_sjabloon_xlsx(b.pad):
        return Treffer()
    if b.ext == ".csv" and b.tabel is None and is_sjabloon_csv(b.kolommen):
        return Treffer()
    return None


def _is_tabel(ext: str) -> Callable[[Bestand], Treffer | None]:
    def herken_tabel(b: Bestand) -> Treffer | None:
        return Treffer(b.tabel) if b.ext == ext and b.tabel is not None else None

    return herken_tabel


# --- readers -----------------------------------------------------------------------------------


def _als_tabel(lees_ruw: Callable[[Path, Tabel], RuweTabel]) -> Callable[[Herkenning, Register], Inlezing]:
    """A tabular reader: raw wide table, then the one mapping step onto the catalogue."""

    def lees(herkenning: Herkenning, register: Register) -> Inlezing:
        tabel = herkenning.tabel
        assert tabel is not None
        ruw = lees_ruw(herkenning.pad, tabel)
        if ruw.versie is None:
            ruw.versie = zoek_versie(herkenning.pad, tabel.id)
        return naar_inlezing(ruw, tabel, register)

    return lees


def _lees_grenswijziging(herkenning: Herkenning, _register: Register) -> Inlezing:
    pad = herkenning.pad
    return Inlezing(
        bestand=pad,
        sha256=sha256_van(pad),
        tabel_id="grenswijziging",
        titel="Grenswijzigingsmatrix (adressen)",
        versie=None,
        licentie="CC BY-NC-SA 4.0 (grenswijzigen, VNG Realisatie)",
        grenswijzigingen=lees_grenswijziging(pad),
    )


def _lees_grenzen(herkenning: Herkenning, _register: Register) -> Inlezing:
    pad = herkenning.pad
    grenzen = lees_grenzen(pad, lees_json(pad))
    benaderd = any(g.benaderd for g in grenzen)
    notities = list(dict.fromkeys(n for g in grenzen for n in g.notities))
    return Inlezing(
        bestand=pad,
        sha256=sha256_van(pad),
        tabel_id="grenzen",
        titel="Gebiedsgrenzen" + (" (geometrie benaderd)" if benaderd else ""),
        versie=None,
        licentie="CC BY 4.0 (CBS/Kadaster)"
        + ("; bewerkt, geometrie benaderd" if benaderd else "")
        + ("; bewerkt, geometrie gerepareerd" if notities else ""),
        grenzen=grenzen,
        notities=notities,
    )


def _zonder_traceback(
    lees: Callable[[Herkenning, Register], Inlezing],
) -> Callable[[Herkenning, Register], Inlezing]:
    """Safety net: an error a reader did not foresee still becomes a Dutch message naming the file."""

    def veilig(herkenning: Herkenning, register: Register) -> Inlezing:
        try:
            return lees(herkenning, register)
        except GebiedskompasFout:
            raise
        except MemoryError as e:
            raise InvoerFout(
                "het bestand is te groot om in het geheugen te lezen", bestand=herkenning.pad
            ) from e
        except Exception as e:  # any unforeseen variant must not end in a traceback
            raise InvoerFout(
                f"het bestand kan niet worden gelezen ({type(e).__name__}: {e})", bestand=herkenning.pad
            ) from e

    return veilig


_LEZERS: list[Lezer] = [
    Lezer("grenswijziging", _is_grenswijziging, _lees_grenswijziging),
    Lezer("parquet", _is_parquet, _als_tabel(lambda p, t: lees_typeddataset_parquet(p, t.id))),
    Lezer("odata_json", _is_odata_json, _als_tabel(lambda p, t: lees_typeddataset_json(p, t.id))),
    Lezer("grenzen", _is_grenzen, _lees_grenzen),
    Lezer("json", _is_overige_json, _lees_grenzen),  # only ever answers with a reason to skip
    Lezer("eigen_enquete", _is_eigen_enquete, lambda h, register: lees_eigen_enquete(h.pad, register)),
    Lezer("lbm2_pc4", _is_lbm2_pc4, _als_tabel(lambda p, _t: lees_lbm2_pc4(p))),
    Lezer("lbm3", _is_lbm3, _als_tabel(lambda p, _t: lees_lbm3(p))),
    Lezer("csv", _is_tabel(".csv"), _als_tabel(lambda p, _t: lees_csv(p))),
    Lezer("xlsx", _is_tabel(".xlsx"), _als_tabel(lambda p, _t: lees_xlsx(p))),
]
LEZERS: list[Lezer] = [Lezer(lz.formaat, lz.herken, _zonder_traceback(lz.lees)) for lz in _LEZERS]
