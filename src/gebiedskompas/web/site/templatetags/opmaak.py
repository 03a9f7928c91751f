"""Template filters that format through ``gebiedskompas.opmaak``, so a page and a PDF write a number,
an amount, a percentage or a date as the command line and the exports do.

``{% load opmaak %}``, then ``{{ x|getal }}`` (two decimals), ``{{ x|getal:0 }}``, ``{{ x|procent }}``
(a value already in percent), ``{{ bedrag|geld }}`` ("€ 1.234,56"), ``{{ bedrag|geld:"mln" }}`` (an
amount in euros shown in millions: "€ −0,67 mln") and ``{{ d|datum }}`` ("30 juni 2025"). A missing
value shows as "–".
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template

from .... import opmaak
from ...monitoring.paragraaf import euro_mln

register = template.Library()


def _als_getal(x: Any) -> float | Decimal | None:
    """A number from what a template holds (numbers, numeric strings); None when it is none."""
    if opmaak.ontbreekt(x) or isinstance(x, bool) or x == "":
        return None
    if isinstance(x, Decimal | int | float):
        return x
    try:
        return float(str(x).replace(",", "."))
    except ValueError:
        return None


@register.filter
def getal(x: Any, decimalen: int | str = 2) -> str:
    return opmaak.getal(_als_getal(x), int(decimalen))


@register.filter
def procent(x: Any, decimalen: int | str = 1) -> str:
    return opmaak.procent(_als_getal(x), int(decimalen))


@register.filter
def geld(x: Any, soort: str = "") -> str:
    bedrag = _als_getal(x)
    if bedrag is None:
        return opmaak.ONTBREEKT
    return euro_mln(bedrag) if soort == "mln" else opmaak.geld(bedrag)


@register.filter
def datum(d: date | datetime | str | None) -> str:
    return opmaak.datum(d)
