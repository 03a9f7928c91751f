"""The P&C progress paragraph for one product and reporting moment: status table (kwaliteit,
tijd, geld), goals with indicator status, budget with mutations and totals. Every number comes
from the data; the text around it is fixed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

from . import models as m
from .diensten import indicatorstatus

MOMENTVOLGORDE = {"voorjaarsnota": 0, "najaarsnota": 1, "jaarstukken": 2}
MOMENTNAAM = dict(m.MOMENTEN)


def euro_mln(bedrag: Decimal) -> str:
    """€ 0,83 mln; negative amounts with a minus sign."""
    mln = (bedrag / Decimal(1_000_000)).quantize(Decimal("0.01"))
    teken = "-" if mln < 0 else ""
    return f"{teken}€ {abs(mln):,.2f} mln".replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass
class Paragraaf:
    product: m.Product
    moment: str
    jaar: int
    rapportage: m.Rapportage | None
    doelen: list[dict[str, Any]] = field(default_factory=list)
    begroting: Decimal = Decimal("0")
    mutaties: list[m.Begrotingsregel] = field(default_factory=list)
    realisatie: Decimal | None = None

    @property
    def totaal_mutaties(self) -> Decimal:
        return sum((r.bedrag for r in self.mutaties), Decimal("0"))

    @property
    def bijgestelde_begroting(self) -> Decimal:
        return self.begroting + self.totaal_mutaties

    def titel(self) -> str:
        return f"{self.product.code} {self.product.naam} — {MOMENTNAAM[self.moment]} {self.jaar}"

    def als_dict(self) -> dict[str, Any]:
        r = self.rapportage
        return {
            "titel": self.titel(),
            "status": None
            if r is None
            else {
                "kwaliteit": {"kleur": r.kwaliteit, "toelichting": r.kwaliteit_toelichting},
                "tijd": {"kleur": r.tijd, "toelichting": r.tijd_toelichting},
                "geld": {"kleur": r.geld, "toelichting": r.geld_toelichting},
            },
            "doelen": self.doelen,
            "begroting": str(self.begroting),
            "mutaties": [
                {"soort": x.soort, "bedrag": str(x.bedrag), "reden": x.reden, "moment": x.moment}
                for x in self.mutaties
            ],
            "totaal_mutaties": str(self.totaal_mutaties),
            "bijgestelde_begroting": str(self.bijgestelde_begroting),
            "realisatie": None if self.realisatie is None else str(self.realisatie),
        }


def maak_paragraaf(product: m.Product, moment: str, jaar: int) -> Paragraaf:
    rapportage = m.Rapportage.objects.filter(product=product, moment=moment, jaar=jaar).first()
    regels = list(product.regels.filter(jaar=jaar))
    tot = MOMENTVOLGORDE[moment]
    mutaties = [r for r in regels if r.soort in m.MUTATIES and MOMENTVOLGORDE.get(r.moment, 9) <= tot]
    realisaties = [r.bedrag for r in regels if r.soort == "realisatie"]
    p = Paragraaf(
        product=product,
        moment=moment,
        jaar=jaar,
        rapportage=rapportage,
        begroting=sum((r.bedrag for r in regels if r.soort == "begroting"), Decimal("0")),
        mutaties=mutaties,
        realisatie=sum(realisaties, Decimal("0")) if realisaties and moment == "jaarstukken" else None,
    )
    for doel in product.doelen.all().order_by("code"):
        indicatoren = []
        for ind in doel.indicatoren.all().order_by("id"):
            st = indicatorstatus(ind)
            indicatoren.append(
                {
                    "naam": ind.naam,
                    "eenheid": ind.eenheid,
                    "basis": ind.basiswaarde,
                    "streef": ind.streefwaarde,
                    "streefdatum": ind.streefdatum.isoformat(),
                    **st,
                }
            )
        p.doelen.append(
            {"code": doel.code, "titel": doel.titel, "niveau": doel.niveau, "indicatoren": indicatoren}
        )
    return p


def _getal(x: float | None) -> str:
    if x is None:
        return "-"
    tekst = f"{x:,.1f}".rstrip("0").rstrip(".") if not float(x).is_integer() else f"{x:,.0f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def _gemeten(indicator: dict[str, Any]) -> str:
    laatste = indicator["laatste_meting"]
    return f"{_getal(laatste['waarde'])} ({laatste['datum']})" if laatste else "nog niet gemeten"


def als_html(p: Paragraaf) -> str:
    delen = [f'<section lang="nl"><h2>{escape(p.titel())}</h2>']
    if p.rapportage is not None:
        r = p.rapportage
        delen.append(
            '<table><caption>Status</caption><thead><tr><th scope="col">Aspect</th>'
            '<th scope="col">Status</th><th scope="col">Toelichting</th></tr></thead><tbody>'
        )
        for aspect, kleur, tekst in (
            ("Kwaliteit", r.kwaliteit, r.kwaliteit_toelichting),
            ("Tijd", r.tijd, r.tijd_toelichting),
            ("Geld", r.geld, r.geld_toelichting),
        ):
            delen.append(
                f'<tr><th scope="row">{aspect}</th><td>{escape(kleur.capitalize())}</td>'
                f"<td>{escape(tekst)}</td></tr>"
            )
        delen.append("</tbody></table>")
    else:
        delen.append("<p>Voor dit moment is nog geen status vastgelegd.</p>")
    if p.doelen:
        delen.append("<h3>Doelen en indicatoren</h3><ul>")
        for d in p.doelen:
            delen.append(f"<li>{escape(d['code'])} {escape(d['titel'])}<ul>")
            for i in d["indicatoren"]:
                nu = _gemeten(i)
                delen.append(
                    f"<li>{escape(i['naam'])}: {nu}; basis {_getal(i['basis'])}, streef "
                    f"{_getal(i['streef'])} in {i['streefdatum'][:4]} — <strong>{escape(i['label'])}"
                    f"</strong> ({escape(i['reden'])})</li>"
                )
            delen.append("</ul></li>")
        delen.append("</ul>")
    delen.append(
        "<h3>Geld</h3><table><caption>Begroting en mutaties</caption><thead><tr>"
        '<th scope="col">Post</th><th scope="col">Bedrag</th><th scope="col">Toelichting</th>'
        "</tr></thead><tbody>"
    )
    delen.append(f'<tr><th scope="row">Begroting {p.jaar}</th><td>{euro_mln(p.begroting)}</td><td></td></tr>')
    for r in p.mutaties:
        delen.append(
            f'<tr><th scope="row">{escape(r.get_soort_display())} ({escape(MOMENTNAAM[r.moment])})</th>'
            f"<td>{euro_mln(r.bedrag)}</td><td>{escape(r.reden)}</td></tr>"
        )
    delen.append(
        f'<tr><th scope="row">Totaal mutaties</th><td>{euro_mln(p.totaal_mutaties)}</td><td></td></tr>'
    )
    delen.append(
        f'<tr><th scope="row">Bijgestelde begroting</th><td>{euro_mln(p.bijgestelde_begroting)}</td>'
        "<td></td></tr>"
    )
    if p.realisatie is not None:
        delen.append(f'<tr><th scope="row">Realisatie</th><td>{euro_mln(p.realisatie)}</td><td></td></tr>')
    delen.append("</tbody></table></section>")
    return "\n".join(delen)


def als_tekst(p: Paragraaf) -> str:
    """Word-friendly plain text: headings, tab-separated tables, no markup."""
    regels = [p.titel(), ""]
    if p.rapportage is not None:
        r = p.rapportage
        regels += ["Status", "Aspect\tStatus\tToelichting"]
        regels += [
            f"Kwaliteit\t{r.kwaliteit.capitalize()}\t{r.kwaliteit_toelichting}",
            f"Tijd\t{r.tijd.capitalize()}\t{r.tijd_toelichting}",
            f"Geld\t{r.geld.capitalize()}\t{r.geld_toelichting}",
            "",
        ]
    for d in p.doelen:
        regels.append(f"{d['code']} {d['titel']}")
        for i in d["indicatoren"]:
            nu = _gemeten(i)
            regels.append(
                f"- {i['naam']}: {nu}; basis {_getal(i['basis'])}, streef {_getal(i['streef'])}: "
                f"{i['label']} ({i['reden']})"
            )
    regels += ["", "Geld", "Post\tBedrag\tToelichting", f"Begroting {p.jaar}\t{euro_mln(p.begroting)}\t"]
    regels += [
        f"{r.get_soort_display()} ({MOMENTNAAM[r.moment]})\t{euro_mln(r.bedrag)}\t{r.reden}"
        for r in p.mutaties
    ]
    regels += [
        f"Totaal mutaties\t{euro_mln(p.totaal_mutaties)}\t",
        f"Bijgestelde begroting\t{euro_mln(p.bijgestelde_begroting)}\t",
    ]
    if p.realisatie is not None:
        regels.append(f"Realisatie\t{euro_mln(p.realisatie)}\t")
    return "\n".join(regels) + "\n"
