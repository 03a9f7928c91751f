"""PDF reports with WeasyPrint: tagged (PDF/UA-1), language nl, numbers straight from the run."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from ...analyse.opgeslagen import Run
from ...presentatie import indicatorlabel


def _pdf(sjabloon: str, context: dict[str, Any]) -> bytes:
    """Numbers in the templates go through the ``opmaak`` template filters."""
    html = render_to_string(sjabloon, context)
    result: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return result


def _citaties(run: Run) -> list[str]:
    return [
        f"{g['bronvermelding']}"
        + (f", versie {g['versie']}" if g.get("versie") else "")
        + f" (sha256 {g['sha256'][:12]}…)"
        for g in run.resultaat["runrecord"]["gegevens"]
    ]


def pdf_gebied(run: Run, code: str) -> bytes:
    rij = run.gebieden[run.gebieden["code"] == code].iloc[0].to_dict()
    ind = run.indicatoren[run.indicatoren["code"] == code].to_dict("records")
    for i in ind:
        i["label"] = indicatorlabel(i["indicator"])
    return _pdf(
        "site/pdf_gebied.html",
        {
            "run": run,
            "g": rij,
            "indicatoren": ind,
            "themas": run.themas[run.themas["code"] == code].to_dict("records"),
            "citaties": _citaties(run),
        },
    )


def pdf_analyse(run: Run) -> bytes:
    labels = {i["id"]: indicatorlabel(i["id"]) for t in run.methode["thema"] for i in t["indicator"]}
    return _pdf(
        "site/pdf_analyse.html",
        {
            "run": run,
            "methode": run.methode,
            "gebieden": run.gebieden.to_dict("records"),
            "labels": labels,
            "record": run.resultaat["runrecord"],
            "gevoeligheid": run.resultaat["gevoeligheid"],
            "samenhang": run.resultaat["samenhang"],
            "citaties": _citaties(run),
        },
    )


def pdf_effect(context: dict[str, Any]) -> bytes:
    """The effect of a programme as a PDF chapter: the same verdict, numbers, tables and charts (the same
    SVGs) as the effect page. ``context``: ``a`` (the Gebiedsaanpak) and ``inhoud`` (the page content)."""
    return _pdf("site/pdf_effect.html", context)
