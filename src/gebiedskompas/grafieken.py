"""Charts of an effect measurement as SVG, drawn server-side with Altair (Vega-Lite) and vl-convert, so the
web page and the PDF show the same pictures. Pure: no Django, no network (vl-convert runs Vega in an
embedded JavaScript engine; every chart carries its data inline and external URLs are refused).

Every chart comes as a ``Grafiek``: the SVG (root ``role="img"``, named by the page's title and
description elements), a Dutch text alternative that states what the chart shows, and a ``Tabel``
with the same numbers in Dutch format, for readers who cannot see the chart and for exact values.

The lines compare the mean of the treated areas with the weighted mean of their comparison areas (the
weights of ``vergelijking``; for the synthetic control: the mean of the synthetic series). With those
weights, treated minus comparison in a wave minus the same in the reference wave is the event-study
coefficient of a balanced panel, so the three charts tell one story.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc
from shapely import geometry as sg
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .effect.oordeel import decimalen
from .effect.vergelijking import kenmerken_voor
from .opmaak import als_json, datum, getal, procent
from .profiel import richtingtekst
from .register import STEDELIJKHEID_LABELS

if TYPE_CHECKING:
    from .analyse.opgeslagen import Run
    from .effect.pijplijn import Effectresultaat
    from .profiel import Punt, Trendreeks

Z95 = 1.96
BEHANDELD = "#004f9f"  # the site's accent blue
VERGELIJKING = "#c2410c"  # dark orange: distinct from blue for all common colour-vision deficiencies
NEDERLAND_KLEUR = "#4a4a4a"
STEDELIJKHEID_KLEUR = "#7b3294"
OVERIG = "#f0f0f0"
BREEDTE, HOOGTE = 560, 260
SMAL = (290, 220)  # width, height of the phone variant
KAARTBREEDTE, KAARTHOOGTE = 340, 400
LETTER = "sans-serif"

BEHANDELD_GEBIED = "behandeld gebied"
VERGELIJKINGSGEBIED = "vergelijkingsgebied"
OVERIG_GEBIED = "ander gebied"


@dataclass(frozen=True)
class Tabel:
    """A table in Dutch number format; the first cell of a row heads that row."""

    bijschrift: str
    kolommen: tuple[str, ...]
    rijen: tuple[tuple[str, ...], ...]
    getalkolommen: tuple[int, ...] = ()  # columns of numbers (right-aligned); () lets the page choose


@dataclass(frozen=True)
class Grafiek:
    """One chart: ``svg`` is named by the elements ``{sleutel}-titel`` and ``{sleutel}-beschrijving``
    (the page puts ``titel`` and ``beschrijving`` there), and carries both as its ``<title>``."""

    sleutel: str
    titel: str
    beschrijving: str
    svg: str
    tabel: Tabel | None  # None for the maps: the table of comparison areas goes with them
    svg_smal: str = ""  # the same chart for narrow screens ("" for the maps: they scale well)


# --- formatting ------------------------------------------------------------------------------------------


def getal_of_streep(x: float | None, d: int, teken: bool = False) -> str:
    """``opmaak.getal`` under its old name, for callers not yet moved to it."""
    return getal(x, d, teken=teken)


def datum_tekst(jaar: int, maand: int, dag: int) -> str:
    """``opmaak.datum`` of a year, month and day, for callers not yet moved to it: '30 juni 2025'."""
    return datum(date(jaar, maand, dag))


def _interval_tekst(onder: float, boven: float, d: int) -> str:
    if not (math.isfinite(onder) and math.isfinite(boven)):
        return "–"
    return f"{getal(onder, d)} tot {getal(boven, d)}"


def _decimalen(r: Effectresultaat) -> int:
    """One number of decimals for all charts of a measurement: enough to show its differences."""
    waarden: list[float] = []
    if r.schatting is not None:
        waarden += [r.schatting.effect, r.schatting.onder, r.schatting.boven]
        waarden += [float(x) for x in r.schatting.per_golf["coef"]]
    if not any(math.isfinite(w) and w != 0 for w in waarden):
        y = r.paneel.y[np.isfinite(r.paneel.y)]
        waarden = [float(np.ptp(y)) / 10] if y.size else [1.0]
    return max(decimalen(*waarden), 1)


# --- SVG -------------------------------------------------------------------------------------------------

_CONFIG: dict[str, Any] = {
    "font": LETTER,
    "aria": False,  # the root <svg> gets one accessible name; the marks stay silent
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": "#1a1a1a", "titleColor": "#1a1a1a"},
    "legend": {"labelFontSize": 13, "titleFontSize": 13, "labelLimit": 400, "symbolSize": 120},
    "text": {"fontSize": 13},
}


def naar_svg(
    grafiek: alt.TopLevelMixin, sleutel: str, titel: str, beschrijving: str, smal: bool = False
) -> str:
    """Render with Dutch number formats; ids are prefixed with ``sleutel`` so several SVGs can share
    one page, and the root is an image named by the page's title and description elements. ``smal``:
    the narrow variant for phone screens (``SMAL`` wide, year labels slanted; a chart with a height per
    row keeps it)."""
    spec = grafiek.to_dict()
    spec["config"] = {**_CONFIG, **spec.get("config", {})}
    if smal:
        spec["width"] = SMAL[0]
        if not isinstance(spec.get("height"), dict):  # a height per row ({"step": n}) stays
            spec["height"] = SMAL[1]
        spec["config"]["axisX"] = {"labelAngle": -45, "labelOverlap": False}
    svg = vlc.vegalite_to_svg(spec, format_locale="nl-NL", time_format_locale="nl-NL", allowed_base_urls=[])
    # Vega marks some groups and marks as ARIA graphics without a name; the chart is one image.
    svg = re.sub(r' (?:role|aria-roledescription|aria-label)="[^"]*"', "", svg)
    voorvoegsel = f"{sleutel}-smal" if smal else sleutel
    for ident in sorted(set(re.findall(r'\bid="([^"]+)"', svg)), key=len, reverse=True):
        nieuw = f"{voorvoegsel}-{ident}"
        svg = svg.replace(f'id="{ident}"', f'id="{nieuw}"').replace(f"url(#{ident})", f"url(#{nieuw})")
        svg = svg.replace(f'href="#{ident}"', f'href="#{nieuw}"')
    kop = f'<svg role="img" aria-labelledby="{sleutel}-titel {sleutel}-beschrijving" focusable="false" '
    svg = svg.replace("<svg ", kop, 1)
    einde = svg.index(">") + 1
    return svg[:einde] + f"<title>{escape(titel)}. {escape(beschrijving)}</title>" + svg[einde:]


def _x_as(jaren: Sequence[int]) -> alt.X:
    return alt.X(
        "periode:Q",
        title="Meting (jaar)",
        axis=alt.Axis(format="d", values=list(jaren), grid=False),
        scale=alt.Scale(domain=[min(jaren) - 0.5, max(jaren) + 0.5], nice=False, zero=False),
    )


def _startregel(start: int, jaren: Sequence[int]) -> list[alt.Chart]:
    """Dashed vertical rule at the start year, labelled, when it falls inside the measured years."""
    if not jaren or not (min(jaren) - 0.5 <= start <= max(jaren) + 0.5):
        return []
    # Half a year before the start wave, so the rule does not hide that wave's point and interval.
    data = pd.DataFrame({"periode": [start - 0.5], "tekst": [f"start {start}"]})
    regel = (
        alt.Chart(data).mark_rule(color="#1a1a1a", strokeDash=[5, 4], strokeWidth=1.5).encode(x="periode:Q")
    )
    tekst = (
        alt.Chart(data)
        .mark_text(align="left", baseline="bottom", dx=3, dy=-3, color="#1a1a1a", fontSize=13)
        .encode(x="periode:Q", y=alt.value(0), text="tekst:N")
    )
    return [regel, tekst]


def _legenda(domein: list[str], kleuren: list[str], vormen: list[str]) -> dict[str, Any]:
    """Colour, shape and dash on the same field with the same (empty) title merge into one legend."""
    legenda = alt.Legend(orient="bottom", title=None, direction="vertical")
    return {
        "color": alt.Color("reeks:N", scale=alt.Scale(domain=domein, range=kleuren), legend=legenda),
        "shape": alt.Shape("reeks:N", scale=alt.Scale(domain=domein, range=vormen), legend=legenda),
    }


# --- series of the treated areas and their comparison --------------------------------------------------


@dataclass(frozen=True)
class Reeks:
    naam: str
    jaren: tuple[int, ...]
    waarden: np.ndarray  # (t,)
    onder: np.ndarray  # (t,) NaN without margins
    boven: np.ndarray


def _gewogen(
    y: np.ndarray, onder: np.ndarray, boven: np.ndarray, gewicht: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column the weighted mean over the rows with a value, and its 95% interval from the published
    margins (independent estimates: se = sqrt(sum c_i² se_i²)) when every such row has margins."""
    waarde = np.full(y.shape[1], np.nan)
    laag, hoog = waarde.copy(), waarde.copy()
    for j in range(y.shape[1]):
        bekend = np.isfinite(y[:, j])
        if not bekend.any():
            continue
        c = gewicht[bekend] / gewicht[bekend].sum()
        waarde[j] = float((c * y[bekend, j]).sum())
        se = (boven[bekend, j] - onder[bekend, j]) / (2 * Z95)
        if np.isfinite(se).all():
            marge = Z95 * math.sqrt(float((c**2 * se**2).sum()))
            laag[j], hoog[j] = waarde[j] - marge, waarde[j] + marge
    return waarde, laag, hoog


def groepsreeksen(r: Effectresultaat) -> tuple[Reeks, Reeks | None]:
    """The treated areas' mean and the comparison (weighted mean of the comparison areas, or the mean
    synthetic control) per wave of the panel; the comparison is None when none was chosen."""
    p = r.paneel
    jaren = tuple(int(x) for x in p.perioden)
    synthetisch = getattr(r.schatting, "gebieden", None)
    if synthetisch:
        waargenomen = np.array([g.waargenomen for g in synthetisch], dtype=float)
        nep = np.array([g.synthetisch for g in synthetisch], dtype=float)
        leeg = np.full_like(waargenomen, np.nan)
        een = np.ones(len(synthetisch))
        n = len(synthetisch)
        behandeld = Reeks(
            f"Behandelde gebieden (gemiddelde van {n})", jaren, *_gewogen(waargenomen, leeg, leeg, een)
        )
        nagebootst = Reeks(
            f"Synthetische controle (gemiddelde van {n})", jaren, *_gewogen(nep, leeg, leeg, een)
        )
        return behandeld, nagebootst
    rijen = p.behandeld
    n = int(rijen.sum())
    behandeld = Reeks(
        f"Behandelde gebieden (gemiddelde van {n})",
        jaren,
        *_gewogen(p.y[rijen], p.onder[rijen], p.boven[rijen], np.ones(n)),
    )
    if r.vergelijking is None:
        return behandeld, None
    gewichten = r.vergelijking.gewichten()
    masker = r.vergelijking.masker(p)
    gewicht = np.array([gewichten[str(c)] for c in p.gebieden[masker]], dtype=float)
    vergelijking = Reeks(
        f"Vergelijkingsgebieden (gewogen gemiddelde van {int(masker.sum())})",
        jaren,
        *_gewogen(p.y[masker], p.onder[masker], p.boven[masker], gewicht),
    )
    return behandeld, vergelijking


def _lang(jaren: Sequence[int], reeksen: Iterable[Reeks]) -> pd.DataFrame:
    rijen = [
        {
            "periode": jaar,
            "reeks": s.naam,
            "waarde": float(s.waarden[i]) if math.isfinite(s.waarden[i]) else None,
            "onder": float(s.onder[i]) if math.isfinite(s.onder[i]) else None,
            "boven": float(s.boven[i]) if math.isfinite(s.boven[i]) else None,
        }
        for s in reeksen
        for i, jaar in enumerate(jaren)
    ]
    return pd.DataFrame(rijen, columns=["periode", "reeks", "waarde", "onder", "boven"])


def _lijngrafiek(
    data: pd.DataFrame,
    jaren: Sequence[int],
    start: int,
    ytitel: str,
    kleuren: list[str],
    vormen: list[str],
    nullijn: bool = False,
) -> alt.TopLevelMixin:
    domein = list(dict.fromkeys(data["reeks"]))
    kleuren, vormen = kleuren[: len(domein)], vormen[: len(domein)]
    legenda = _legenda(domein, kleuren, vormen)
    kleur_zonder = legenda["color"]
    y = alt.Y("waarde:Q", title=ytitel, scale=alt.Scale(zero=False, nice=True))
    basis = alt.Chart(data)
    lagen: list[Any] = []
    if nullijn:
        lagen.append(alt.Chart(pd.DataFrame({"nul": [0.0]})).mark_rule(color="#1a1a1a").encode(y="nul:Q"))
    if data["onder"].notna().any():
        lagen.append(
            basis.transform_filter("isValid(datum.onder) && isValid(datum.boven)")
            .mark_area(opacity=0.15)
            .encode(x=_x_as(jaren), y="onder:Q", y2="boven:Q", color=kleur_zonder)
        )
    lagen.append(
        basis.transform_filter("isValid(datum.waarde)")
        .mark_line(strokeWidth=2.5)
        .encode(x=_x_as(jaren), y=y, color=kleur_zonder, detail="reeks:N")
    )
    lagen.append(
        basis.transform_filter("isValid(datum.waarde)")
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=_x_as(jaren), y=y, **legenda)
    )
    lagen += _startregel(start, jaren)
    return alt.layer(*lagen).properties(width=BREEDTE, height=HOOGTE)


def _na_tekst(start: int, jaren: Sequence[int]) -> str:
    na = [j for j in jaren if j >= start]
    return f"; de metingen vanaf {na[0]} liggen na de start ({start})" if na else ""


def _grafiek(
    sleutel: str, titel: str, beschrijving: str, grafiek: alt.TopLevelMixin, tabel: Tabel
) -> Grafiek:
    """Both SVG variants, and the table without interval columns that have no interval at all."""
    tabel = _zonder_lege_intervallen(tabel)
    return Grafiek(
        sleutel,
        titel,
        beschrijving,
        naar_svg(grafiek, sleutel, titel, beschrijving),
        tabel,
        naar_svg(grafiek, sleutel, titel, beschrijving, smal=True),
    )


def lijnen(r: Effectresultaat) -> Grafiek | None:
    """Treated against comparison per wave, with 95% bands where the source publishes margins."""
    behandeld, vergelijking = groepsreeksen(r)
    if vergelijking is None:
        return None
    jaren = [int(x) for x in r.paneel.perioden]
    d = _decimalen(r)
    eenheid = f" ({r.eenheid})" if r.eenheid else ""
    data = _lang(jaren, [behandeld, vergelijking])
    grafiek = _lijngrafiek(
        data, jaren, r.start, f"{r.label}{eenheid}", [BEHANDELD, VERGELIJKING], ["circle", "square"]
    )
    marges = bool(data["onder"].notna().any())
    titel = "Behandelde gebieden en hun vergelijking"
    beschrijving = (
        f"Lijngrafiek van {r.label} per meting, {jaren[0]} tot {jaren[-1]}: "
        f"{_kleine_letter(behandeld.naam)} tegen {_kleine_letter(vergelijking.naam)}. "
        + _verloop_tekst(jaren, r.start, behandeld, vergelijking, d)
        + (
            " De banden zijn 95%-intervallen uit de gepubliceerde marges."
            if marges
            else " De bron publiceert geen marges, dus er zijn geen intervalbanden."
        )
        + " De getallen staan in de tabel bij de grafiek."
    )
    kolommen = ("Meting", behandeld.naam, "95%-interval", vergelijking.naam, "95%-interval", "Verschil")
    rijen = tuple(
        (
            str(jaar),
            getal(behandeld.waarden[i], d),
            _interval_tekst(behandeld.onder[i], behandeld.boven[i], d),
            getal(vergelijking.waarden[i], d),
            _interval_tekst(vergelijking.onder[i], vergelijking.boven[i], d),
            getal(behandeld.waarden[i] - vergelijking.waarden[i], d, teken=True),
        )
        for i, jaar in enumerate(jaren)
    )
    tabel = Tabel(f"{titel}: {r.label} per meting{_na_tekst(r.start, jaren)}", kolommen, rijen)
    return _grafiek("lijnen", titel, beschrijving, grafiek, tabel)


def _verloop_tekst(jaren: Sequence[int], start: int, a: Reeks, b: Reeks, d: int) -> str:
    voor = [i for i, j in enumerate(jaren) if j < start and math.isfinite(a.waarden[i] - b.waarden[i])]
    na = [i for i, j in enumerate(jaren) if j >= start and math.isfinite(a.waarden[i] - b.waarden[i])]
    delen = []
    for soort, lijst in (("laatste meting vóór de start", voor), ("laatste meting", na)):
        if lijst:
            i = lijst[-1]
            delen.append(
                f"{soort} ({jaren[i]}): behandeld {getal(a.waarden[i], d)}, vergelijking "
                f"{getal(b.waarden[i], d)}"
            )
    return ("In de " + "; in de ".join(delen) + ".") if delen else ""


# --- gaps ------------------------------------------------------------------------------------------------


def verschillen(r: Effectresultaat, trend: Any | None = None) -> Grafiek | None:
    """Treated minus comparison per wave and, from ``trend`` (an ``effect.trend.Trend``), the gap of the
    treated group to the Netherlands and to its own urbanity class."""
    behandeld, vergelijking = groepsreeksen(r)
    jaren = [int(x) for x in r.paneel.perioden]
    reeksen: list[Reeks] = []
    if vergelijking is not None:
        se_a = (behandeld.boven - behandeld.onder) / (2 * Z95)
        se_b = (vergelijking.boven - vergelijking.onder) / (2 * Z95)
        marge = Z95 * np.sqrt(se_a**2 + se_b**2)
        gat = behandeld.waarden - vergelijking.waarden
        naam = (
            "Verschil met de synthetische controle"
            if "Synthetische" in vergelijking.naam
            else ("Verschil met de vergelijkingsgebieden")
        )
        reeksen.append(Reeks(naam, behandeld.jaren, gat, gat - marge, gat + marge))
    reeksen += _trendreeksen(trend)
    if not reeksen:
        return None
    alle_jaren = sorted({*jaren, *(j for s in reeksen for j in s.jaren)})
    reeksen = [_op_jaren(s, alle_jaren) for s in reeksen]
    d = _decimalen(r)
    eenheid = f" ({r.eenheid})" if r.eenheid else ""
    data = _lang(alle_jaren, reeksen)
    kleuren = [VERGELIJKING, NEDERLAND_KLEUR, STEDELIJKHEID_KLEUR]
    vormen = ["square", "triangle-up", "diamond"]
    if vergelijking is None:
        kleuren, vormen = kleuren[1:], vormen[1:]
    grafiek = _lijngrafiek(data, alle_jaren, r.start, f"Verschil{eenheid}", kleuren, vormen, nullijn=True)
    titel = "Verschil van de behandelde gebieden per meting"
    delen = []
    for s in reeksen:
        bekend = [i for i in range(len(alle_jaren)) if math.isfinite(s.waarden[i])]
        if bekend:
            eerste, laatste = bekend[0], bekend[-1]
            delen.append(
                f"{_kleine_letter(s.naam)}: {getal(s.waarden[eerste], d, teken=True)} in "
                f"{alle_jaren[eerste]}, "
                f"{getal(s.waarden[laatste], d, teken=True)} in {alle_jaren[laatste]}"
            )
    beschrijving = (
        f"Lijngrafiek van het verschil in {r.label} tussen de behandelde gebieden en "
        f"{_opsomming([s.naam.removeprefix('Verschil met ') for s in reeksen])}, per meting; onder de "
        "nullijn scoren de behandelde gebieden lager. " + _hoofdletter("; ".join(delen)) + "."
    )
    if trend is not None:
        beschrijving += (
            " Het verschil met Nederland en met de eigen stedelijkheid komt uit de trendvergelijking, waarin "
            "de behandelde gebieden naar inwonertal zijn gewogen."
        )
    kolommen = ("Meting", *(k for s in reeksen for k in (s.naam, "95%-interval")))
    rijen = tuple(
        (
            str(jaar),
            *(
                x
                for s in reeksen
                for x in (getal(s.waarden[i], d, teken=True), _interval_tekst(s.onder[i], s.boven[i], d))
            ),
        )
        for i, jaar in enumerate(alle_jaren)
    )
    tabel = Tabel(f"{titel} ({r.label}){_na_tekst(r.start, alle_jaren)}", kolommen, rijen)
    return _grafiek("verschillen", titel, beschrijving, grafiek, tabel)


def _trendreeksen(trend: Any | None) -> list[Reeks]:
    if trend is None:
        return []
    per_referentie: dict[str, dict[int, Any]] = {}
    for v in trend.vergelijkingen:
        naam = "Verschil met Nederland" if v.referentie == "nl" else f"Verschil met {v.referentienaam}"
        per_referentie.setdefault(naam, {})[int(str(v.periode)[:4])] = v.verschil
    uit = []
    for naam, waarden in per_referentie.items():
        trendjaren = sorted(waarden)
        uit.append(
            Reeks(
                naam,
                tuple(trendjaren),
                np.array([float(waarden[j].waarde) for j in trendjaren]),
                np.array([float(waarden[j].onder) for j in trendjaren]),
                np.array([float(waarden[j].boven) for j in trendjaren]),
            )
        )
    return uit


def _op_jaren(s: Reeks, alle: Sequence[int]) -> Reeks:
    """The series on the years ``alle`` (NaN where it has no value)."""
    positie = {j: i for i, j in enumerate(s.jaren)}

    def kolom(x: np.ndarray) -> np.ndarray:
        return np.array([x[positie[j]] if j in positie else np.nan for j in alle], dtype=float)

    return Reeks(s.naam, tuple(alle), kolom(s.waarden), kolom(s.onder), kolom(s.boven))


def _hoofdletter(tekst: str) -> str:
    return tekst[:1].upper() + tekst[1:]


def _kleine_letter(tekst: str) -> str:
    return tekst[:1].lower() + tekst[1:]


def _opsomming(delen: Sequence[str]) -> str:
    if len(delen) <= 1:
        return "".join(delen)
    return ", ".join(delen[:-1]) + " en " + delen[-1]


# --- event study -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Golf:
    """One row of ``Schatting.per_golf``."""

    periode: int
    coef: float
    onder: float
    boven: float
    na: bool
    referentie: bool


def golven(per_golf: pd.DataFrame) -> list[Golf]:
    return [
        Golf(
            int(rij["periode"]),
            float(rij["coef"]),
            float(rij["onder"]),
            float(rij["boven"]),
            bool(rij["na"]),
            bool(rij["referentie"]),
        )
        for rij in per_golf.sort_values("periode").to_dict("records")
    ]


def _fase(g: Golf, did: bool) -> str:
    if did and g.referentie:
        return "referentie (per definitie 0)"
    return "na de start" if g.na else "vóór de start"


def gebeurtenisstudie(r: Effectresultaat) -> Grafiek | None:
    """The coefficient per wave with its 95% interval; the reference wave at 0 (difference-in-differences)
    or the gap to the synthetic control per wave."""
    s = r.schatting
    if s is None or s.per_golf.empty:
        return None
    did = r.methode == "did"
    rijen_golf = golven(s.per_golf)
    jaren = [g.periode for g in rijen_golf]
    ref = next((g.periode for g in rijen_golf if g.referentie), None)
    d = _decimalen(r)
    data = pd.DataFrame(
        {
            "periode": jaren,
            "waarde": [als_json(g.coef) for g in rijen_golf],
            "onder": [als_json(g.onder) for g in rijen_golf],
            "boven": [als_json(g.boven) for g in rijen_golf],
            "reeks": [_fase(g, did) for g in rijen_golf],
        }
    )
    fasen = set(data["reeks"])
    domein = [
        f
        for f in ["vóór de start", *sorted(f for f in fasen if f.startswith("ref")), "na de start"]
        if f in fasen
    ]
    kleurtabel = {"vóór de start": NEDERLAND_KLEUR, "na de start": BEHANDELD}
    vormtabel = {"vóór de start": "circle", "na de start": "square"}
    legenda = _legenda(
        domein,
        [kleurtabel.get(f, VERGELIJKING) for f in domein],
        [vormtabel.get(f, "diamond") for f in domein],
    )
    kleur_zonder = legenda["color"]
    eenheid = f" ({r.eenheid})" if r.eenheid else ""
    ytitel = f"Verschil t.o.v. {ref}{eenheid}" if did else f"Verschil{eenheid}"
    y = alt.Y("waarde:Q", title=ytitel, scale=alt.Scale(zero=True, nice=True))
    basis = alt.Chart(data).transform_filter("isValid(datum.waarde)")
    lagen: list[Any] = [
        alt.Chart(pd.DataFrame({"nul": [0.0]})).mark_rule(color="#1a1a1a").encode(y="nul:Q"),
        basis.transform_filter("isValid(datum.onder) && datum.onder != datum.boven")
        .mark_rule(strokeWidth=2.5)
        .encode(x=_x_as(jaren), y="onder:Q", y2="boven:Q", color=kleur_zonder),
        basis.mark_point(filled=True, size=90, opacity=1).encode(x=_x_as(jaren), y=y, **legenda),
        *_startregel(r.start, jaren),
    ]
    grafiek = alt.layer(*lagen).properties(width=BREEDTE, height=HOOGTE)
    if did:
        titel = "Effect per meting (gebeurtenisstudie)"
        uitleg = (
            "Puntgrafiek met 95%-intervallen: per meting het verschil tussen de behandelde gebieden en de "
            f"vergelijkingsgebieden, ten opzichte van dat verschil in {ref} (de laatste meting vóór de "
            "start, per definitie 0)."
        )
    else:
        titel = "Verschil met de synthetische controle per meting"
        uitleg = (
            "Puntgrafiek: per meting het gemiddelde verschil tussen de behandelde gebieden en hun "
            "synthetische controle, met een 95%-band uit de placebogebieden."
        )
    na = [g for g in rijen_golf if g.na]
    voor = [g for g in rijen_golf if not g.na and not (did and g.referentie)]
    beschrijving = " ".join(
        deel
        for deel in (uitleg, _golftekst("Vóór de start", voor, d), _golftekst("Na de start", na, d))
        if deel
    )
    buiten = sum(1 for g in na if math.isfinite(g.onder) and (g.onder > 0 or g.boven < 0))
    if na:
        beschrijving += f" Na de start sluit het interval in {buiten} van de {len(na)} metingen 0 uit."
    kolommen = ("Meting", "Fase", f"Verschil t.o.v. {ref}" if did else "Verschil", "95%-interval")
    rijen = tuple(
        (
            str(g.periode),
            _fase(g, did),
            getal(g.coef, d, teken=True),
            "–" if did and g.referentie else _interval_tekst(g.onder, g.boven, d),
        )
        for g in rijen_golf
    )
    tabel = Tabel(f"{titel} ({r.label})", kolommen, rijen)
    return _grafiek("gebeurtenisstudie", titel, beschrijving, grafiek, tabel)


def _golftekst(kop: str, lijst: Sequence[Golf], d: int) -> str:
    if not lijst:
        return ""
    delen = [
        f"{g.periode} {getal(g.coef, d, teken=True)} ({_interval_tekst(g.onder, g.boven, d)})" for g in lijst
    ]
    return f"{kop}: " + "; ".join(delen) + "."


# --- comparison areas ------------------------------------------------------------------------------------


def _paren(r: Effectresultaat) -> list[tuple[str, str, float]]:
    """(treated, comparison area, weight): the donor weights of the synthetic control, else the chosen
    comparison areas with weight 1/k."""
    gewichten = getattr(r.schatting, "gewichten", None)
    if gewichten:
        return [(str(b), str(g), float(w)) for b, donoren in gewichten.items() for g, w in donoren.items()]
    if r.vergelijking is None:
        return []
    t = r.vergelijking.tabel
    return [
        (str(b), str(g), float(w)) for b, g, w in zip(t["behandeld"], t["gebied"], t["gewicht"], strict=True)
    ]


def vergelijkingscodes(r: Effectresultaat) -> list[str]:
    """The comparison areas that weigh in the estimate, heaviest first."""
    som: dict[str, float] = {}
    for _, g, w in _paren(r):
        som[g] = som.get(g, 0.0) + w
    return sorted(som, key=lambda c: (-som[c], c))


# The first columns of the tables of comparison and treated areas.
_GEBIEDSKOLOMMEN = (
    "Gebied",
    "Code",
    "Gemeente",
    "Stedelijkheid",
    "Niveau vóór de start",
    "Trend vóór de start (per jaar)",
)


def vergelijkingstabel(
    r: Effectresultaat, gemeentenaam: Callable[[str], str], niet_op_kaart: Iterable[str] = ()
) -> Tabel:
    """One row per comparison area: name, gemeente, urbanity, pre-start level and trend, the treated
    areas it is compared with, and its weight (summed over those treated areas)."""
    p = r.paneel
    namen = {str(c): str(n) for c, n in zip(p.gebieden, p.namen, strict=True)}
    klasse = {str(c): k for c, k in zip(p.gebieden, p.stedelijkheid, strict=True)}
    kenm = kenmerken_voor(p)
    niveau = _per_code(kenm["niveau_voor"])
    helling = _per_code(kenm["trend_voor"])
    d = _decimalen(r)
    paren = _paren(r)
    som: dict[str, float] = {}
    voor: dict[str, list[str]] = {}
    for b, g, w in paren:
        som[g] = som.get(g, 0.0) + w
        voor.setdefault(g, []).append(namen.get(b, b))
    weg = set(niet_op_kaart)
    rijen = tuple(
        (
            namen.get(g, g) + (" (niet op de kaart)" if g in weg else ""),
            g,
            gemeentenaam(g),
            _klasse(klasse.get(g, math.nan)),
            getal(niveau.get(g, math.nan), d),
            getal(helling.get(g, math.nan), d + 1, teken=True),
            ", ".join(voor[g]),
            getal(som[g], 2),
        )
        for g in vergelijkingscodes(r)
    )
    synthetisch = bool(getattr(r.schatting, "gewichten", None))
    uitleg = (
        "het gewicht in de synthetische controle van elk behandeld gebied, opgeteld"
        if synthetisch
        else f"1/{r.vergelijking.k if r.vergelijking else 1} per behandeld gebied waarvoor het gekozen is, "
        "opgeteld"
    )
    return Tabel(
        f"Vergelijkingsgebieden ({len(rijen)}), zwaarste eerst; gewicht: {uitleg}. De gewichten van elk "
        "behandeld gebied tellen op tot 1.",
        (*_GEBIEDSKOLOMMEN, "Vergeleken met", "Gewicht"),
        rijen,
    )


def _per_code(kolom: pd.Series) -> dict[str, float]:
    return {str(c): float(w) for c, w in zip(kolom.index, kolom.to_numpy(dtype=float), strict=True)}


def behandeldtabel(r: Effectresultaat, gemeentenaam: Callable[[str], str]) -> Tabel:
    p = r.paneel
    kenm = kenmerken_voor(p)
    d = _decimalen(r)
    rijen = tuple(
        (
            str(p.namen[i]),
            str(p.gebieden[i]),
            gemeentenaam(str(p.gebieden[i])),
            _klasse(float(p.stedelijkheid[i])),
            getal(float(kenm["niveau_voor"].iloc[i]), d),
            getal(float(kenm["trend_voor"].iloc[i]), d + 1, teken=True),
        )
        for i in np.flatnonzero(p.behandeld)
    )
    return Tabel(
        f"Behandelde gebieden ({len(rijen)}) met hun niveau en trend vóór de start",
        _GEBIEDSKOLOMMEN,
        rijen,
    )


def _klasse(k: float) -> str:
    if not math.isfinite(k):
        return "onbekend"
    return f"{int(k)} ({STEDELIJKHEID_LABELS.get(int(k), '?')})"


# --- map -------------------------------------------------------------------------------------------------


def _vorm(f: Mapping[str, Any]) -> BaseGeometry:
    return sg.shape(f["geometry"])


def _rechtsom(vorm: BaseGeometry) -> BaseGeometry:
    """Exterior rings clockwise, as d3-geo (Vega) wants them on the sphere; GeoJSON's counter-clockwise
    rings would be read as 'the whole globe except this area'."""
    if isinstance(vorm, sg.Polygon):
        return orient(vorm, sign=-1.0)
    if isinstance(vorm, sg.MultiPolygon | sg.GeometryCollection):
        delen = [_rechtsom(deel) for deel in vorm.geoms]
        return (
            sg.GeometryCollection(delen)
            if isinstance(vorm, sg.GeometryCollection)
            else sg.MultiPolygon(delen)
        )
    return vorm


def _feature(code: str, rol: str, vorm: BaseGeometry, tolerantie: float) -> dict[str, Any] | None:
    vorm = vorm.simplify(tolerantie, preserve_topology=True) if tolerantie else vorm
    if vorm.is_empty:
        return None
    vorm = _rechtsom(vorm)
    geo = sg.mapping(vorm)
    return {"type": "Feature", "properties": {"code": code, "rol": rol}, "geometry": _afgerond(geo)}


def _afgerond(geo: Any) -> Any:
    if isinstance(geo, Mapping):
        return {k: _afgerond(v) for k, v in geo.items()}
    if isinstance(geo, list | tuple):
        if len(geo) == 2 and all(isinstance(x, float | int) for x in geo):
            return [round(float(geo[0]), 5), round(float(geo[1]), 5)]
        return [_afgerond(x) for x in geo]
    return geo


def kaarten(
    r: Effectresultaat,
    gebiedsgrenzen: Sequence[Mapping[str, Any]],
    gemeentegrenzen: Sequence[Mapping[str, Any]],
    grensbron: str = "",
) -> tuple[list[Grafiek], list[str]]:
    """An overview of the Netherlands and a close-up around the treated areas, both with the treated
    and the comparison areas in their own colour and marker; and the codes without a boundary."""
    behandeld = [str(c) for c in r.paneel.gebieden[r.paneel.behandeld]]
    vergelijking = vergelijkingscodes(r)
    rollen = {**{c: VERGELIJKINGSGEBIED for c in vergelijking}, **{c: BEHANDELD_GEBIED for c in behandeld}}
    vormen = {
        str(f["properties"]["code"]): _vorm(f) for f in gebiedsgrenzen if f["properties"]["code"] in rollen
    }
    zonder = [c for c in [*behandeld, *vergelijking] if c not in vormen]
    if not vormen or not any(c in vormen for c in behandeld):
        return [], zonder
    gemeenten = [(str(f["properties"]["code"]), _vorm(f)) for f in gemeentegrenzen]
    bron = f" Grenzen: {grensbron}." if grensbron else ""
    overzicht = _overzicht(behandeld, vergelijking, vormen, gemeenten, bron, zonder)
    detail = _uitsnede(behandeld, vergelijking, vormen, gebiedsgrenzen, gemeenten, rollen, bron)
    return [overzicht, detail], zonder


def _punten(vormen: Mapping[str, BaseGeometry], rollen: Mapping[str, str]) -> pd.DataFrame:
    rijen = []
    for code, vorm in vormen.items():
        punt = vorm.representative_point()
        rijen.append({"code": code, "lon": punt.x, "lat": punt.y, "reeks": rollen[code]})
    return pd.DataFrame(rijen, columns=["code", "lon", "lat", "reeks"])


def _kaartlagen(
    achtergrond: list[dict[str, Any]],
    vlakken: list[dict[str, Any]],
    punten: pd.DataFrame,
    randen: list[dict[str, Any]] | None = None,
    puntgrootte: int = 60,
) -> alt.TopLevelMixin:
    domein = [BEHANDELD_GEBIED, VERGELIJKINGSGEBIED]
    legenda = _legenda(domein, [BEHANDELD, VERGELIJKING], ["square", "circle"])
    lagen: list[Any] = [
        alt.Chart(alt.InlineData(values=achtergrond)).mark_geoshape(
            fill="#e4e4e4", stroke="#ffffff", strokeWidth=0.6
        ),
    ]
    # One layer per role with a fixed fill: only the markers carry a colour scale, so the legend
    # shows colour and shape together.
    for rol, kleur in (
        (OVERIG_GEBIED, OVERIG),
        (VERGELIJKINGSGEBIED, VERGELIJKING),
        (BEHANDELD_GEBIED, BEHANDELD),
    ):
        deze = [v for v in vlakken if v["properties"]["rol"] == rol]
        if deze:
            lagen.append(
                alt.Chart(alt.InlineData(values=deze)).mark_geoshape(
                    fill=kleur, stroke="#1a1a1a" if rol != OVERIG_GEBIED else "#9a9a9a", strokeWidth=0.5
                )
            )
    if randen:
        lagen.append(
            alt.Chart(alt.InlineData(values=randen)).mark_geoshape(
                filled=False, stroke="#555555", strokeWidth=1.4
            )
        )
    lagen.append(
        alt.Chart(punten)
        .mark_point(filled=True, size=puntgrootte, opacity=1, stroke="#ffffff", strokeWidth=1)
        .encode(longitude="lon:Q", latitude="lat:Q", **legenda)
    )
    return alt.layer(*lagen).project(type="mercator").properties(width=KAARTBREEDTE, height=KAARTHOOGTE)


def _overzicht(
    behandeld: list[str],
    vergelijking: list[str],
    vormen: Mapping[str, BaseGeometry],
    gemeenten: list[tuple[str, BaseGeometry]],
    bron: str,
    zonder: list[str],
) -> Grafiek:
    rollen = {**{c: VERGELIJKINGSGEBIED for c in vergelijking}, **{c: BEHANDELD_GEBIED for c in behandeld}}
    achtergrond = [f for c, v in gemeenten if c.startswith("GM") and (f := _feature(c, "", v, 0.01))]
    vlakken = [f for c, v in vormen.items() if (f := _feature(c, rollen[c], v, 0.002))]
    grafiek = _kaartlagen(achtergrond, vlakken, _punten(vormen, rollen), puntgrootte=55)
    getekend_b = sum(1 for c in behandeld if c in vormen)
    getekend_v = sum(1 for c in vergelijking if c in vormen)
    gemeentecodes = sorted({"GM" + c[2:6] for c in vergelijking})
    titel = "Kaart: waar de vergelijkingsgebieden liggen"
    beschrijving = (
        "Kaart van Nederland met de gemeentegrenzen. Blauwe vierkanten: de "
        f"{getekend_b} behandelde gebieden; oranje cirkels: {getekend_v} vergelijkingsgebieden, verspreid "
        f"over {len(gemeentecodes)} gemeenten. "
        "Elk gebied staat met naam en gemeente in de tabel Vergelijkingsgebieden."
        + (
            f" {len(zonder)} gebieden hebben geen grens in deze indeling en staan niet op de kaart."
            if zonder
            else ""
        )
        + bron
    )
    tabel = None
    return Grafiek("kaart-nl", titel, beschrijving, naar_svg(grafiek, "kaart-nl", titel, beschrijving), tabel)


def _kader(vormen: Sequence[BaseGeometry]) -> tuple[float, float, float, float]:
    """A box around the treated areas with room around them, in the map's width/height ratio."""
    x0, y0, x1, y1 = sg.GeometryCollection(list(vormen)).bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    schaal = math.cos(math.radians(cy))
    hoogte = max((y1 - y0) * 1.6, (x1 - x0) * schaal * 1.6 * KAARTHOOGTE / KAARTBREEDTE, 0.05)
    breedte = hoogte * KAARTBREEDTE / KAARTHOOGTE / schaal
    return cx - breedte / 2, cy - hoogte / 2, cx + breedte / 2, cy + hoogte / 2


def _uitsnede(
    behandeld: list[str],
    vergelijking: list[str],
    vormen: Mapping[str, BaseGeometry],
    gebiedsgrenzen: Sequence[Mapping[str, Any]],
    gemeenten: list[tuple[str, BaseGeometry]],
    rollen: Mapping[str, str],
    bron: str,
) -> Grafiek:
    kader = _kader([vormen[c] for c in behandeld if c in vormen])
    rechthoek = sg.box(*kader)
    vlakken, binnen = [], {}
    for f in gebiedsgrenzen:
        code = str(f["properties"]["code"])
        vorm = vormen.get(code) or _vorm(f)
        if not vorm.intersects(rechthoek):
            continue
        geknipt = vorm.intersection(rechthoek)
        rol = rollen.get(code, OVERIG_GEBIED)
        if code in rollen:
            binnen[code] = geknipt
        if (kenmerk := _feature(code, rol, geknipt, 0.0003)) is not None:
            vlakken.append(kenmerk)
    randen = [
        rand
        for c, v in gemeenten
        if v.intersects(rechthoek) and (rand := _feature(c, "", v.intersection(rechthoek).boundary, 0.0003))
    ]
    achtergrond = [vlak for vlak in [_feature("kader", "", rechthoek, 0)] if vlak]
    grafiek = _kaartlagen(achtergrond, vlakken, _punten(binnen, rollen), randen, puntgrootte=70)
    hier_v = [c for c in vergelijking if c in binnen]
    titel = "Kaart: uitsnede rond de behandelde gebieden"
    beschrijving = (
        f"Uitsnede van ongeveer {_km(kader)} met de behandelde gebieden (blauw, vierkant) en de gebieden "
        "eromheen (grijs), gemeentegrenzen als donkere lijn. "
        + (
            f"{len(hier_v)} vergelijkingsgebieden liggen in deze uitsnede (oranje, cirkel)."
            if hier_v
            else "Er liggen geen vergelijkingsgebieden in deze uitsnede."
        )
        + bron
    )
    tabel = None
    return Grafiek(
        "kaart-uitsnede", titel, beschrijving, naar_svg(grafiek, "kaart-uitsnede", titel, beschrijving), tabel
    )


def _km(kader: tuple[float, float, float, float]) -> str:
    x0, y0, x1, y1 = kader
    breedte = (x1 - x0) * 111.32 * math.cos(math.radians((y0 + y1) / 2))
    hoogte = (y1 - y0) * 110.57
    return f"{getal(breedte, 0)} bij {getal(hoogte, 0)} km"


# --- area profile: indicators against the benchmark ---------------------------------------------------

SLECHTER = "#a50f15"  # the map's darkest class: more need than the benchmark
NIET_SLECHTER = BEHANDELD
SLECHTER_TEKST = "slechter dan de benchmark"
NIET_SLECHTER_TEKST = "niet slechter dan de benchmark"
STAAFHOOGTE = 14
REGELHOOGTE = 16
TEKENS_PER_REGEL = (84, 42)  # wide, narrow: what fits the chart's width at 13 px


def _profielrijen(run: Run, code: str) -> pd.DataFrame:
    """Per indicator of the area: label, value, benchmark, margins, direction, and the value and its
    interval as a percentage of the benchmark (NaN without a positive benchmark)."""
    from .presentatie import HOGER_IS_BETER, indicatorlabel, indicatorrichting
    from .profiel import bron_van, indicatorinfo

    periode = str(run.methode["scope"]["periode"])
    rijen = []
    for i in run.indicatoren[run.indicatoren["code"] == code].to_dict("records"):
        waarde, bench = float(i["waarde"]), float(i["benchmark"])
        onder, boven = float(i["onder"]), float(i["boven"])
        hoger_beter = indicatorrichting(run, str(i["indicator"])) == HOGER_IS_BETER
        deelbaar = math.isfinite(bench) and bench > 0
        rijen.append(
            {
                "label": indicatorlabel(str(i["indicator"])),
                "eenheid": indicatorinfo(str(i["indicator"])).eenheid,
                "bron": bron_van(str(i["indicator"]), periode),
                "waarde": waarde,
                "benchmark": bench,
                "onder": onder,
                "boven": boven,
                "hoger_beter": hoger_beter,
                "procent": 100 * waarde / bench if deelbaar else math.nan,
                "procent_onder": 100 * onder / bench if deelbaar else math.nan,
                "procent_boven": 100 * boven / bench if deelbaar else math.nan,
                "slechter": (waarde < bench if hoger_beter else waarde > bench)
                if math.isfinite(waarde) and math.isfinite(bench)
                else None,
            }
        )
    return pd.DataFrame(rijen)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records")  # type: ignore[return-value]


def _regels(tekst: str, breedte: int) -> list[str]:
    """``tekst`` wrapped at ``breedte`` characters (a no-break space keeps its neighbours together)."""
    return textwrap.wrap(tekst, breedte, break_long_words=False) or [tekst]


def _staafgrafiek(rijen: pd.DataFrame, breedte: int, tekens: int) -> alt.TopLevelMixin:
    """One band per indicator: its label and numbers on top, below it a bar from 0 to the value as a
    percentage of the benchmark, a thin line for the 95% interval and a black tick at 100 (the
    benchmark). Bar, interval and tick share one x scale."""
    teksten = [_regels(_staaftekst(r), tekens) for r in _records(rijen)]
    regels = max(len(t) for t in teksten)
    data = pd.DataFrame(
        {
            "nr": range(len(rijen)),
            "procent": rijen["procent"].to_numpy(),
            "onder": rijen["procent_onder"].to_numpy(),
            "boven": rijen["procent_boven"].to_numpy(),
            "bench": 100.0,
            "oordeel": [SLECHTER_TEKST if x else NIET_SLECHTER_TEKST for x in rijen["slechter"]],
            # the label's lines from the bottom up: line k of a row is drawn k lines above the bar
            **{f"regel{k}": [t[-1 - k] if k < len(t) else "" for t in teksten] for k in range(regels)},
        }
    )
    stap = REGELHOOGTE * regels + STAAFHOOGTE + 16
    # pixel offsets from the middle of a row's band: the label ends just above the bar
    staafmidden = stap / 2 - 6 - STAAFHOOGTE / 2
    tekstonder = staafmidden - STAAFHOOGTE / 2 - 4
    hoogste = float(np.nanmax([*data["procent"], *data["boven"], 100.0]))
    laagste = min(0.0, float(np.nanmin([*data["procent"], *data["onder"], 0.0])))
    x_as = alt.Axis(
        title=[
            "Waarde in % van de benchmark",
            "zwarte streep = benchmark (100)",
            "lijn met dwarsstreepjes = 95%-interval",
        ],
        labelAngle=0,
        tickCount=5,
        format="d",
        grid=True,
        gridColor="#d9d9d9",
    )
    schaal = alt.Scale(domain=[laagste, hoogste * 1.05], nice=False, zero=True)
    y = alt.Y("nr:O", axis=None, title=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    kleur = alt.Color(
        "oordeel:N",
        scale=alt.Scale(domain=[SLECHTER_TEKST, NIET_SLECHTER_TEKST], range=[SLECHTER, NIET_SLECHTER]),
        legend=alt.Legend(orient="bottom", title=None, direction="vertical"),
    )
    basis = alt.Chart(data)
    tekst = [
        basis.mark_text(
            align="left",
            baseline="bottom",
            fontSize=13,
            color="#1a1a1a",
            yOffset=tekstonder - k * REGELHOOGTE,
        ).encode(x=alt.value(0), y=y, text=f"regel{k}:N")
        for k in range(regels)
    ]
    met_staaf = basis.transform_filter("isValid(datum.procent) && isFinite(datum.procent)")
    staaf = (
        met_staaf.mark_bar(height=STAAFHOOGTE, yOffset=staafmidden)
        .encode(x=alt.X("procent:Q", title=None, scale=schaal, axis=x_as), y=y, color=kleur)
        .properties(name="staaf")
    )
    met_marge = basis.transform_filter(
        "isValid(datum.onder) && isValid(datum.boven) && isFinite(datum.onder)"
    ).encode(x=alt.X("onder:Q", scale=schaal), x2="boven:Q", y=y)
    # black on a white casing: visible on the bar and on the background
    rand = met_marge.mark_rule(color="#ffffff", strokeWidth=4, yOffset=staafmidden)
    marge = met_marge.mark_rule(color="#000000", strokeWidth=1.5, yOffset=staafmidden).properties(
        name="marge"
    )
    # caps at both ends make the interval read as an error bar
    kappen = [
        basis.transform_filter(f"isValid(datum.{rand_}) && isFinite(datum.{rand_})")
        .mark_tick(color="#000000", opacity=1, thickness=1.5, size=STAAFHOOGTE - 2, yOffset=staafmidden)
        .encode(x=alt.X(f"{rand_}:Q", scale=schaal), y=y)
        .properties(name=f"margekap_{rand_}")
        for rand_ in ("onder", "boven")
    ]
    streep = (
        met_staaf.mark_tick(
            color="#000000", opacity=1, thickness=3, size=STAAFHOOGTE + 6, yOffset=staafmidden
        )
        .encode(x=alt.X("bench:Q", scale=schaal), y=y)
        .properties(name="benchmarkstreep")
    )
    return alt.layer(*tekst, staaf, rand, marge, *kappen, streep).properties(
        width=breedte, height=alt.Step(stap)
    )


def waardetekst(x: float, eenheid: str, d: int = 1) -> str:
    """A value with its unit in Dutch: "73,9%", "0,7 km", "4,11" (scores and deviations bare)."""
    if eenheid == "%":
        return procent(x, d)
    if not math.isfinite(x) or eenheid in ("", "score", "afwijking", "klasse (1-5)"):
        return getal(x, d)
    return f"{getal(x, d)}\u00a0{eenheid}"


def _staaftekst(r: Mapping[str, Any]) -> str:
    """The label above a bar: indicator, value with unit, its 95% interval, the benchmark."""
    e = str(r.get("eenheid", ""))
    haakjes = [f"benchmark\u00a0{waardetekst(r['benchmark'], e)}"]
    if math.isfinite(r["onder"]) and math.isfinite(r["boven"]):
        haakjes.insert(0, f"95%: {getal(r['onder'], 1)}–{getal(r['boven'], 1)}")
    return f"{r['label']}: {waardetekst(r['waarde'], e)} ({'; '.join(haakjes)})"


def _marge_tekst(rijen: pd.DataFrame) -> str:
    """Which indicators have a drawn interval, in words."""
    met = [
        str(r["label"]) for r in _records(rijen) if math.isfinite(r["onder"]) and math.isfinite(r["boven"])
    ]
    if not met:
        return "geen van deze bronnen publiceert marges"
    if len(met) == len(rijen):
        return "bij elke indicator"
    return f"alleen bij {_opsomming(met)}; de bronnen van de andere publiceren geen marges"


def profielgrafiek(run: Run, code: str) -> Grafiek | None:
    """The indicators of an area profile against their benchmark as an accessible SVG (wide and narrow),
    with a text alternative and the table of the numbers; the same chart for the page and a PDF. Each
    indicator is shown as a percentage of its own benchmark, so indicators with different units share
    one scale and the benchmark is always at 100; the colour says whether the area is worse than the
    benchmark, in the indicator's own direction. None when the area has no indicators in the run."""
    rijen = _profielrijen(run, code)
    if rijen.empty:
        return None
    gebied = run.gebieden.loc[run.gebieden["code"] == code, "naam"]
    naam = str(gebied.iloc[0]) if len(gebied) else code
    benchmark = run.gebieden.loc[run.gebieden["code"] == code, "benchmark"]
    benchmarknaam = str(benchmark.iloc[0]) if len(benchmark) else "de benchmark"
    getekend = rijen[rijen["procent"].map(math.isfinite)]
    titel = "Indicatoren tegen de benchmark"
    slechter = [str(r["label"]) for r in _records(getekend) if r["slechter"]]
    hoger_beter = [str(r["label"]) for r in _records(rijen) if r["hoger_beter"]]
    zonder = [str(x) for x in rijen.loc[~rijen.index.isin(getekend.index), "label"]]
    beschrijving = (
        f"Staafdiagram van {len(getekend)} indicatoren van {naam}, elk als percentage van zijn benchmark "
        f"({benchmarknaam}): de zwarte streep bij 100 is de benchmark, een dunne lijn met dwarsstreepjes het "
        f"95%-interval ({_marge_tekst(getekend)}). {len(slechter)} van de {len(getekend)} indicatoren "
        + ("is" if len(slechter) == 1 else "zijn")
        + " slechter dan de benchmark (rood); welke staat in de tabel bij de grafiek. "
        + (
            f"Bij {_opsomming(hoger_beter)} is hoger beter; bij de andere is hoger slechter. "
            if hoger_beter
            else "Bij alle indicatoren is hoger slechter. "
        )
        + (f"Zonder staaf (geen benchmark boven nul): {_opsomming(zonder)}. " if zonder else "")
    )
    kolommen = (
        "Indicator",
        "Waarde",
        "95%-interval",
        "Benchmark",
        "% van de benchmark",
        "Tegen de benchmark",
        "Richting",
        "Bron",
    )
    tabelrijen = tuple(
        (
            str(r["label"]),
            waardetekst(r["waarde"], str(r["eenheid"])),
            _interval_tekst(r["onder"], r["boven"], 1),
            waardetekst(r["benchmark"], str(r["eenheid"])),
            procent(r["procent"], 1),
            "–" if r["slechter"] is None else ("slechter" if r["slechter"] else "niet slechter"),
            "hoger is beter" if r["hoger_beter"] else "hoger is slechter",
            str(r["bron"]),
        )
        for r in _records(rijen)
    )
    tabel = Tabel(
        f"Waarde, marges, benchmark en bron per indicator van {naam} (de grafiek toont hetzelfde)",
        kolommen,
        tabelrijen,
        getalkolommen=(1, 2, 3, 4),
    )
    sleutel = "profiel"
    breed = _staafgrafiek(getekend, BREEDTE, TEKENS_PER_REGEL[0]) if len(getekend) else None
    if breed is None:
        return Grafiek(sleutel, titel, beschrijving, "", tabel)
    smal = _staafgrafiek(getekend, SMAL[0], TEKENS_PER_REGEL[1])
    return Grafiek(
        sleutel,
        titel,
        beschrijving,
        naar_svg(breed, sleutel, titel, beschrijving),
        tabel,
        naar_svg(smal, sleutel, titel, beschrijving, smal=True),
    )


# --- area profile: series per wave against a reference group --------------------------------------

TRENDBREEDTE, TRENDHOOGTE = 280, 170
GEBIED_KLEUR = BEHANDELD
REFERENTIE_KLEUR = VERGELIJKING


def _profielreeksen(t: Trendreeks) -> tuple[list[int], list[Reeks]]:
    jaren = [p.jaar for p in t.gebied]

    def reeks_van(naam: str, punten: Sequence[Punt]) -> Reeks:
        return Reeks(
            naam,
            tuple(jaren),
            np.array([p.waarde for p in punten], dtype=float),
            np.array([p.onder for p in punten], dtype=float),
            np.array([p.boven for p in punten], dtype=float),
        )

    return jaren, [
        reeks_van(t.gebiedsnaam, t.gebied),
        reeks_van(_hoofdletter(t.referentienaam), t.referentie),
    ]


def _trendlagen(data: pd.DataFrame, jaren: Sequence[int], ytitel: str) -> alt.TopLevelMixin:
    """Band (95% interval) + line + points per series; the reference dashed, with another colour and
    marker, so the two are told apart without colour too."""
    domein = list(dict.fromkeys(data["reeks"]))
    kleuren = [GEBIED_KLEUR, REFERENTIE_KLEUR]
    legenda = _legenda(domein, kleuren, ["circle", "square"])
    x = alt.X(
        "periode:Q",
        title=None,
        axis=alt.Axis(
            format="d",
            values=list(jaren),
            grid=False,
            labelAngle=-45 if len(jaren) > 4 else 0,
            labelOverlap=False,
        ),
        scale=alt.Scale(domain=[min(jaren) - 0.5, max(jaren) + 0.5], nice=False, zero=False),
    )
    y = alt.Y("waarde:Q", title=ytitel, scale=alt.Scale(zero=False, nice=True), axis=alt.Axis(tickCount=5))
    basis = alt.Chart(data)
    lagen: list[Any] = []
    # one band per series with a fixed colour: only the points carry the colour scale and legend
    for i, (naam, kleur) in enumerate(zip(domein, kleuren, strict=False)):
        deel = data[(data["reeks"] == naam) & data["onder"].notna() & data["boven"].notna()]
        if len(deel):
            lagen.append(
                alt.Chart(deel)
                .mark_area(opacity=0.18, color=kleur)
                .encode(x=x, y=alt.Y("onder:Q", title=ytitel), y2="boven:Q")
                .properties(name=f"band{i}")
            )
    for naam, streep, kleur in zip(domein, ([1, 0], [6, 4]), kleuren, strict=False):
        lagen.append(
            basis.transform_filter(alt.FieldEqualPredicate(field="reeks", equal=naam))
            .transform_filter("isValid(datum.waarde)")
            .mark_line(strokeWidth=2.5, strokeDash=streep, color=kleur)
            .encode(x=x, y=y)
        )
    lagen.append(
        basis.transform_filter("isValid(datum.waarde)")
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=x, y=y, **legenda)
        .properties(name="punt")
    )
    return alt.layer(*lagen).properties(width=TRENDBREEDTE, height=TRENDHOOGTE)


def _ytitel(eenheid: str) -> str:
    return {"%": "Percentage", "": "Waarde", "afwijking": "Afwijking", "score": "Score"}.get(
        eenheid, eenheid[:1].upper() + eenheid[1:]
    )


def _trenddecimalen(t: Trendreeks) -> int:
    if t.info.eenheid == "%":
        return 1
    return decimalen(*(p.waarde for p in (*t.gebied, *t.referentie)))


def _beweging(van: float, tot: float, d: int) -> str:
    if round(tot, d) > round(van, d):
        return "gestegen"
    if round(tot, d) < round(van, d):
        return "gedaald"
    return "gelijk gebleven"


def trendtekst(t: Trendreeks) -> str:
    """The change in words: "Van 2020 tot 2022 is Geeft mantelzorg in Beesel gestegen van 19,0% naar
    19,2%; Nederland: van 13,5% naar 13,4%." plus where the last reference value lies."""
    d, e = _trenddecimalen(t), t.info.eenheid
    eerste, laatste = t.gebied[0], t.gebied[-1]
    r0, r1 = t.referentie[0], t.referentie[-1]
    zin = (
        f"Van {eerste.periode} tot {laatste.periode} is {_kleine_letter(t.info.label)} in {t.gebiedsnaam} "
        f"{_beweging(eerste.waarde, laatste.waarde, d)} van {waardetekst(eerste.waarde, e, d)} naar "
        f"{waardetekst(laatste.waarde, e, d)}"
    )
    if math.isfinite(r0.waarde) and math.isfinite(r1.waarde):
        zin += (
            f"; {t.referentienaam}: van {waardetekst(r0.waarde, e, d)} naar {waardetekst(r1.waarde, e, d)}."
        )
    else:
        zin += f"; voor {t.referentienaam} is niet elke meting bekend."
    if laatste.heeft_interval and math.isfinite(r1.waarde):
        binnen = laatste.onder <= r1.waarde <= laatste.boven
        zin += (
            f" In {laatste.periode} ligt de waarde van {t.referentienaam} "
            + ("binnen" if binnen else "buiten")
            + f" het 95%-interval van {t.gebiedsnaam} ({_interval_tekst(laatste.onder, laatste.boven, d)})"
            + (": het verschil is niet significant." if binnen else ".")
        )
    return zin


def trendgrafiek(t: Trendreeks, sleutel: str) -> Grafiek:
    """One small line chart of an indicator per wave: the area against the chosen reference group,
    with 95% bands where the source publishes margins; a text alternative and the table of the
    numbers. One SVG that fits a phone; the page scales it down when narrower."""
    jaren, reeksen = _profielreeksen(t)
    d, e = _trenddecimalen(t), t.info.eenheid
    data = _lang(jaren, reeksen)
    grafiek = _trendlagen(data, jaren, _ytitel(e))
    titel = t.info.label
    beschrijving = (
        f"Lijngrafiek van {_kleine_letter(t.info.label)} per meting, {jaren[0]} tot {jaren[-1]}: "
        f"{t.gebiedsnaam} (doorgetrokken lijn, cirkels) tegen {t.referentienaam} (gestippelde lijn, "
        f"vierkantjes), {richtingtekst(t.info.richting)}. "
        + trendtekst(t)
        + (
            " De banden zijn 95%-intervallen uit de gepubliceerde marges."
            if t.heeft_marges
            else " De bron publiceert geen marges, dus er zijn geen intervalbanden."
        )
    )
    kolommen = (
        "Meting",
        t.gebiedsnaam,
        "95%-interval",
        _hoofdletter(t.referentienaam),
        "95%-interval",
        "Verschil",
    )
    rijen = tuple(
        (
            a.periode,
            waardetekst(a.waarde, e, d),
            _interval_tekst(a.onder, a.boven, d),
            waardetekst(r.waarde, e, d),
            _interval_tekst(r.onder, r.boven, d),
            getal(a.waarde - r.waarde, d, teken=True),
        )
        for a, r in zip(t.gebied, t.referentie, strict=True)
    )
    tabel = _zonder_lege_intervallen(
        Tabel(f"{titel} per meting: {t.gebiedsnaam} en {t.referentienaam}", kolommen, rijen, (1, 2, 3, 4, 5))
    )
    return Grafiek(sleutel, titel, beschrijving, naar_svg(grafiek, sleutel, titel, beschrijving), tabel)


def _zonder_lege_intervallen(tabel: Tabel) -> Tabel:
    """The table without interval columns that hold no interval at all, saying why."""
    leeg = [
        i
        for i, kop in enumerate(tabel.kolommen)
        if kop == "95%-interval" and all(rij[i] == "–" for rij in tabel.rijen)
    ]
    if not leeg:
        return tabel
    houden = [i for i in range(len(tabel.kolommen)) if i not in leeg]
    return Tabel(
        tabel.bijschrift + " (geen 95%-intervallen: de bron publiceert geen marges)",
        tuple(tabel.kolommen[i] for i in houden),
        tuple(tuple(rij[i] for i in houden) for rij in tabel.rijen),
        tuple(houden.index(i) for i in tabel.getalkolommen if i in houden),
    )


def trendgrafieken(trends: Sequence[Trendreeks]) -> list[tuple[Trendreeks, Grafiek]]:
    """Each series with its chart, keyed ``trend-1``, ``trend-2``, … in order."""
    return [(t, trendgrafiek(t, f"trend-{i}")) for i, t in enumerate(trends, start=1)]
