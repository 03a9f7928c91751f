"""The P&C progress paragraph for one product and reporting moment: status table (kwaliteit,
tijd, geld), goals with indicator status, budget with mutations and totals. Every number comes
from the data; the text around it is fixed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from typing import Any

from ...opmaak import datum, geld, getal_auto
from . import models as m

MOMENTVOLGORDE = {"voorjaarsnota": 0, "najaarsnota": 1, "jaarstukken": 2}
MOMENTNAAM = dict(m.MOMENTEN)


def euro_mln(bedrag: Decimal | float) -> str:
    """An amount in euros in millions: "€ 0,83 mln", "€ −0,67 mln" (``opmaak.geld``)."""
    return geld(Decimal(str(bedrag)) / Decimal(1_000_000), mln=True)


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
    """The paragraph of a product at a P&C moment, built by the read service (the same goal tree as
    the doelenboom page, in a constant number of queries)."""
    from .lezen import paragraaf

    return paragraaf(product, moment, jaar)


def _stand(indicator: dict[str, Any]) -> str:
    """'3 (30 juni 2025); basis 1, streef 5' (the latest measurement, baseline and target)."""
    laatste = indicator["laatste_meting"]
    gemeten = (
        f"{getal_auto(laatste['waarde'], 1)} ({datum(laatste['datum'])})" if laatste else "nog niet gemeten"
    )
    return (
        f"{gemeten}; basis {getal_auto(indicator['basis'], 1)}, streef {getal_auto(indicator['streef'], 1)}"
    )


def _geldregels(p: Paragraaf) -> list[tuple[str, str, str]]:
    """(post, amount, explanation) of the budget table."""
    regels = [(f"Begroting {p.jaar}", euro_mln(p.begroting), "")]
    regels += [
        (f"{r.get_soort_display()} ({MOMENTNAAM[r.moment]})", euro_mln(r.bedrag), r.reden) for r in p.mutaties
    ]
    regels += [
        ("Totaal mutaties", euro_mln(p.totaal_mutaties), ""),
        ("Bijgestelde begroting", euro_mln(p.bijgestelde_begroting), ""),
    ]
    if p.realisatie is not None:
        regels.append(("Realisatie", euro_mln(p.realisatie), ""))
    return regels


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
                delen.append(
                    f"<li>{escape(i['naam'])}: {escape(_stand(i))} in {i['streefdatum'][:4]} — "
                    f"<strong>{escape(i['label'])}</strong> ({escape(i['reden'])})</li>"
                )
            delen.append("</ul></li>")
        delen.append("</ul>")
    delen.append(
        "<h3>Geld</h3><table><caption>Begroting en mutaties</caption><thead><tr>"
        '<th scope="col">Post</th><th scope="col">Bedrag</th><th scope="col">Toelichting</th>'
        "</tr></thead><tbody>"
    )
    delen += [
        f'<tr><th scope="row">{escape(post)}</th><td>{escape(bedrag)}</td><td>{escape(toelichting)}</td></tr>'
        for post, bedrag, toelichting in _geldregels(p)
    ]
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
        regels += [f"- {i['naam']}: {_stand(i)}: {i['label']} ({i['reden']})" for i in d["indicatoren"]]
    regels += ["", "Geld", "Post\tBedrag\tToelichting"]
    regels += ["\t".join(regel) for regel in _geldregels(p)]
    return "\n".join(regels) + "\n"
