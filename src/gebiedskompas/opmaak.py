"""The one way gebiedskompas writes numbers, money, percentages, p-values and dates for Dutch readers.

Used by the CLI, the web pages (template filters), the PDF reports and the Excel exports, so a
figure looks the same everywhere: decimal comma, thousands dot, a real minus sign (U+2212),
"€ −0,67 mln", "12,3%", "30 juni 2025", and "–" for a missing value. Formatting goes through
Babel's CLDR data for ``nl_NL``; display only — files meant for machines (CSV, JSON, Parquet) keep
plain numbers.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

TAAL = "nl_NL"
ONTBREEKT = "–"
MIN = "\u2212"
# Excel number formats: Excel shows them with the reader's own separators (a Dutch Excel shows
# 1.234,5), so the codes use its neutral notation.
EXCEL_GETAL = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00", 3: "#,##0.000", 4: "#,##0.0000"}

Getal = float | int | Decimal | None


def ontbreekt(x: Any) -> bool:
    """True for None, NaN, pandas' NA/NaT and other missing markers: the one missing-value test."""
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN, NaT and pd.NA are not equal to themselves
    except (TypeError, ValueError):  # pd.NA raises on bool()
        return True


def als_json(x: Any) -> Any:
    """A structure safe for JSON: NaN/None/NA become None (JSON has no NaN), numpy scalars
    become Python numbers, recursively through dicts, lists and tuples."""
    if isinstance(x, dict):
        return {str(k): als_json(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [als_json(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, str | bytes):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if not isinstance(x, str | int | float | bool | dict | list) and ontbreekt(x):
        return None
    return x


def getal(x: Getal, decimalen: int = 2, *, teken: bool = False, vast: bool = True) -> str:
    """1.234,57 — with a real minus sign; ``teken`` adds "+" to positive numbers; ``vast=False``
    drops trailing zeros (2,5 rather than 2,50)."""
    if ontbreekt(x) or (isinstance(x, float) and math.isinf(x)):
        return ONTBREEKT
    waarde = float(x)  # type: ignore[arg-type]
    cijfer = "0" if vast else "#"
    patroon = "#,##0" + ("." + cijfer * decimalen if decimalen > 0 else "")
    tekst = format_decimal(abs(waarde), format=patroon, locale=TAAL)
    if waarde < 0 and tekst.strip("0,.") != "":
        return MIN + tekst
    return ("+" + tekst) if teken and waarde > 0 else tekst


def getal_auto(x: Getal, decimalen: int = 2) -> str:
    """Whole numbers without decimals (inhabitants, classes), others with ``decimalen``."""
    if ontbreekt(x):
        return ONTBREEKT
    return getal(x, 0 if float(x).is_integer() else decimalen)  # type: ignore[arg-type]


def procent(x: Getal, decimalen: int = 1) -> str:
    """A value already in percent (12.3) as "12,3%"."""
    return ONTBREEKT if ontbreekt(x) else getal(x, decimalen) + "%"


def geld(x: Getal, *, mln: bool = False, decimalen: int | None = None) -> str:
    """Money: "€ 1.234,56", or with ``mln`` an amount in millions as "€ −0,67 mln"."""
    if ontbreekt(x):
        return ONTBREEKT
    tekst = getal(x, 2 if decimalen is None else decimalen)
    return f"€ {tekst} mln" if mln else f"€ {tekst}"


def p_waarde(p: float) -> str:
    """A p-value: three decimals, "< 0,001" rather than a misleading "0,000", "–" when none."""
    if ontbreekt(p) or not math.isfinite(p):
        return ONTBREEKT
    return "< 0,001" if p < 0.001 else getal(p, 3)


def p_tekst(p: float) -> str:
    """'p = 0,056' or 'p < 0,001'."""
    tekst = p_waarde(p)
    return f"p {tekst}" if tekst.startswith("<") else f"p = {tekst}"


def datum(d: date | datetime | str | None) -> str:
    """ "30 juni 2025" (ISO strings accepted)."""
    if d is None or d == "":
        return ONTBREEKT
    if isinstance(d, str):
        d = datetime.fromisoformat(d)
    if isinstance(d, datetime):
        d = d.date()
    return format_date(d, format="long", locale=TAAL)
