"""PDF reports with WeasyPrint: tagged (PDF/UA-1), language nl, numbers straight from the run.

Also what the analysis page and its report share (``analyseinhoud``): the method's choices in Dutch,
its explanation without command-line hints (those belong in the command line's own output), the
coherence and sensitivity tables with labels instead of ids, and the sources, taken from the input
tables in the run record so that every report cites every table it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from ...analyse.opgeslagen import Run
from ...opmaak import ONTBREEKT, datum, getal_auto, ontbreekt
from ...presentatie import indicatorlabel
from ...profiel import Trendreeks, bron_van, indicatorinfo

BENCHMARKEN = {
    "nl": "alle Nederlandse gebieden op hetzelfde niveau",
    "nl_zelfde_stedelijkheid": "Nederlandse gebieden van dezelfde stedelijkheidsklasse",
    "groep": "een eigen groep gebieden",
}
NORMALISATIES = {
    "zscore": "z-score tegen de benchmark",
    "minmax": "min-maxschaal (0 tot 1)",
    "prank": "percentielrang",
    "dist2ref": "procentuele afstand tot de benchmark",
}
AGGREGATIES = {"rekenkundig": "rekenkundig gemiddelde", "meetkundig": "meetkundig gemiddelde"}
IMPUTATIES = {
    "geen": "geen (ontbrekende waarden blijven ontbreken)",
    "benchmarkgemiddelde": "gemiddelde van de benchmark",
}
STEDELIJKHEID_VAN = {
    "gebied": "van het gebied zelf",
    "gemeente": "van de gemeente",
    "een van beide": "van het gebied of van de gemeente",
}

# A command-line hint: an option ("--niveau buurt"), a quoted indicator id ('ses.totaalscore'), a
# command ("gebiedskompas analyseer"), or a setting of the method file ("stedelijkheid_van = ...").
_HINT = re.compile(r"--[a-z]|'[a-z0-9_]+(?:\.[a-z0-9_]+)+'|\bgebiedskompas [a-z]|\b[a-z]+_[a-z_]+\s*=")
_HAAKJES_MET_HINT = re.compile(r"\s*\([^()]*(?:--[a-z]|\b[a-z]+_[a-z_]+\s*=)[^()]*\)")
_ZINSEINDE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_PYTHONLIJST = re.compile(r"\[(\d+(?:\.\d+)?(?:, \d+(?:\.\d+)?)*)\]")


def opsomming(delen: list[str]) -> str:
    """A Dutch enumeration: "1, 2 en 4"."""
    return ", ".join(delen[:-1]) + " en " + delen[-1] if len(delen) > 1 else "".join(delen)


def zonder_hints(tekst: str) -> str:
    """Text for a reader of the page or the report: parentheses and clauses with a command-line hint
    left out, a sentence that is nothing but a hint dropped."""
    tekst = _HAAKJES_MET_HINT.sub("", tekst)
    zinnen = []
    for zin in _ZINSEINDE.split(tekst.strip()):
        delen = zin.split("; ")
        gehouden = [d for d in delen if not _HINT.search(d)]
        if not gehouden:
            continue
        nieuw = "; ".join(gehouden).rstrip()
        if _HINT.search(delen[-1]):  # the sentence's end went: end it anew
            nieuw = nieuw.rstrip(".,:;") + "."
        zinnen.append(nieuw)
    return " ".join(zinnen)


def zonder_pythonlijsten(tekst: str) -> str:
    """Python lists of numbers written out: "[1, 2, 4, 5]" becomes "1, 2, 4 en 5"."""
    return _PYTHONLIJST.sub(lambda m: opsomming(m.group(1).split(", ")), tekst)


def methodetekst(toelichting: str) -> dict[str, list[str]]:
    """A method's explanation as an introduction and a list of points (the lines starting with "- "
    in the method file), without command-line hints."""
    inleiding: list[str] = []
    punten: list[str] = []
    for regel in toelichting.strip().splitlines():
        regel = regel.strip()
        if regel.startswith("- "):
            punten.append(regel[2:])
        elif regel and punten:
            punten[-1] += " " + regel
        elif regel:
            inleiding.append(regel)
    schoon = [zonder_hints(p) for p in punten]
    return {"inleiding": [" ".join(inleiding)] if inleiding else [], "punten": [p for p in schoon if p]}


def _datum(waarde: Any) -> str:
    """A version or moment from the run record as "26 maart 2021"; text that is no date as it is."""
    if not waarde:
        return ONTBREEKT
    try:
        return datum(str(waarde))
    except ValueError:
        return str(waarde)


def tijdstip(waarde: str) -> str:
    """The moment of a run, in Dutch time: "28 november 2026, 22:49"."""
    try:
        moment = datetime.fromisoformat(waarde)
    except ValueError:
        return waarde
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{datum(moment)}, {moment:%H:%M}"


def gegevens(run: Run) -> list[dict[str, str]]:
    """The input tables of the run record, one row per file, with the version as a date."""
    return [
        {
            "bron": str(g["bronvermelding"]),
            "versie": _datum(g.get("versie")),
            "bestand": str(g["bestand"]),
            "sha256": str(g["sha256"]),
        }
        for g in run.resultaat["runrecord"]["gegevens"]
    ]


def citaties(run: Run) -> list[str]:
    """One citation per source in the run record (a table read from several files is cited once),
    with its version and the files with the start of their hash."""
    per_bron: dict[str, dict[str, list[str]]] = {}
    for g in gegevens(run):
        bron = per_bron.setdefault(g["bron"], {"versies": [], "bestanden": []})
        if g["versie"] != ONTBREEKT and g["versie"] not in bron["versies"]:
            bron["versies"].append(g["versie"])
        bron["bestanden"].append(f"{g['bestand']} (sha256 {g['sha256'][:12]}…)")
    return [
        naam
        + (f"; versie {opsomming(b['versies'])}" if b["versies"] else "")
        + f"; {'bestanden' if len(b['bestanden']) > 1 else 'bestand'} {opsomming(b['bestanden'])}"
        for naam, b in per_bron.items()
    ]


def _themalabels(run: Run) -> dict[str, str]:
    return {str(t["id"]): str(t["label"]) for t in run.methode["thema"]}


def _keuze(keuze: str, themas: dict[str, str]) -> str:
    """A choice of the sensitivity analysis in words: "gewicht thema <label>"."""
    voor, _, thema = keuze.rpartition(" ")
    return f"{voor} {themas[thema]}" if voor and thema in themas else keuze


def analyseinhoud(run: Run) -> dict[str, Any]:
    """What the analysis page and the analysis report show of a run, in Dutch."""
    methode = run.methode
    scope = methode["scope"]
    record = run.resultaat["runrecord"]
    themas = _themalabels(run)
    benchmark = BENCHMARKEN.get(methode["benchmark"]["soort"], methode["benchmark"]["soort"])
    if methode["benchmark"].get("naam"):
        benchmark += f" ({methode['benchmark']['naam']})"
    samenhang = run.resultaat["samenhang"]
    wal = run.resultaat.get("tussen_wal_en_schip")
    return {
        "run": run,
        "methode": methode,
        "record": record,
        "keuzes": [
            ("Niveau en periode", f"{scope['niveau']}, {scope['periode']}"),
            (
                "Stedelijkheid in de scope",
                f"klasse {opsomming([str(k) for k in scope['stedelijkheid']])}, "
                + STEDELIJKHEID_VAN.get(str(scope.get("stedelijkheid_van", "gebied")), ""),
            ),
            ("Benchmark", benchmark),
            ("Normalisatie", NORMALISATIES.get(methode["normalisatie"], methode["normalisatie"])),
            ("Aggregatie", AGGREGATIES.get(methode["aggregatie"], methode["aggregatie"])),
            ("Ontbrekende waarden", IMPUTATIES.get(methode["imputatie"], methode["imputatie"])),
            ("Drempel voor slechter of beter", getal_auto(methode["classificatie"]["drempel"], 2)),
        ],
        "toelichting": methodetekst(str(methode.get("toelichting") or "")),
        "alfa": [(themas.get(t, t), a) for t, a in samenhang.get("cronbach_alfa", {}).items()],
        "correlaties": [
            {
                "a": indicatorlabel(p["indicator_a"]),
                "b": indicatorlabel(p["indicator_b"]),
                "r": p["r"],
                "soort": p["soort"],
            }
            for p in samenhang.get("hoge_correlaties", [])
        ],
        "negatief": [indicatorlabel(p["indicator"]) for p in samenhang.get("negatief_met_eigen_thema", [])],
        "gevoeligheid": [
            {**s, "keuze": _keuze(str(s["keuze"]), themas)} for s in run.resultaat["gevoeligheid"]
        ],
        "wal": {**wal, "toelichting": zonder_pythonlijsten(str(wal.get("toelichting", "")))} if wal else None,
        "tijdstip": tijdstip(str(record.get("tijdstip", ""))),
        "gegevens": gegevens(run),
        "citaties": citaties(run),
    }


def _pdf(sjabloon: str, context: dict[str, Any]) -> bytes:
    """Numbers in the templates go through the ``opmaak`` template filters."""
    html = render_to_string(sjabloon, context)
    result: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return result


def pdf_gebied(run: Run, code: str, trends: Sequence[Trendreeks] = ()) -> bytes:
    """The area profile of a run as a PDF: outcome, themes, the indicators against the benchmark (the
    page's chart with its text and table), the series against the reference group (``trends``, the
    page's charts) and the sources."""
    from ... import grafieken

    rij = run.gebieden[run.gebieden["code"] == code].iloc[0].to_dict()
    rij["uitleg"] = ONTBREEKT if ontbreekt(rij.get("uitleg")) else str(rij["uitleg"])
    ind = run.indicatoren[run.indicatoren["code"] == code].to_dict("records")
    periode = str(run.methode["scope"]["periode"])
    for i in ind:
        info = indicatorinfo(str(i["indicator"]))
        i |= {"label": info.label, "eenheid": info.eenheid, "definitie": info.definitie}
        i["bron"] = bron_van(str(i["indicator"]), periode)
    themalabels = _themalabels(run)
    themas = run.themas[run.themas["code"] == code].to_dict("records")
    for t in themas:
        t["label"] = themalabels.get(str(t["thema"]), str(t["thema"]))
    return _pdf(
        "site/pdf_gebied.html",
        {
            "run": run,
            "g": rij,
            "indicatoren": ind,
            "themas": themas,
            "niveau": f"{run.methode['scope']['niveau']}, periode {run.methode['scope']['periode']}",
            "citaties": citaties(run),
            "grafiek": grafieken.profielgrafiek(run, code),
            "trendgrafieken": grafieken.trendgrafieken(trends),
        },
    )


def pdf_analyse(run: Run) -> bytes:
    labels = {i["id"]: indicatorlabel(i["id"]) for t in run.methode["thema"] for i in t["indicator"]}
    return _pdf(
        "site/pdf_analyse.html",
        {
            **analyseinhoud(run),
            "gebieden": run.gebieden.to_dict("records"),
            "indicatorrijen": [
                {"thema": t["label"], "indicator": labels[i["id"]], "gewicht": i["gewicht"]}
                for t in run.methode["thema"]
                for i in t["indicator"]
            ],
        },
    )


def pdf_effect(context: dict[str, Any]) -> bytes:
    """The effect of a programme as a PDF chapter: the same verdict, numbers, tables and charts (the same
    SVGs) as the effect page. ``context``: ``a`` (the Gebiedsaanpak) and ``inhoud`` (the page content)."""
    return _pdf("site/pdf_effect.html", context)
