"""The P&C progress paragraph for one product and reporting moment: status table (kwaliteit,
tijd, geld), goals with indicator status, budget with mutations and totals. Every number comes
from the data; the text around it is fixed.

A paragraph shows what was known at its moment: measurements dated after the moment's reference
date (``peildatum``) and mutations of later moments are left out. Derived figures (totals, the
adjusted budget, progress ratios) say they are computed; figures from another document say
which (the budget line's own ``reden`` names its source)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from ...opmaak import datum, geld, getal_auto
from . import models as m

MOMENTVOLGORDE = {"voorjaarsnota": 0, "najaarsnota": 1, "jaarstukken": 2}
MOMENTNAAM = dict(m.MOMENTEN)

# Reference date (peildatum) of each P&C moment as (month, day) of the report's year: the last day
# whose facts a report of that moment can hold. Source: the P&C rhythm of the concept framework
# SLB (seed 002, ch. 10: Voorjaarsnota to plan and adjust, Najaarsnota and Jaarstukken to report)
# and the Najaarsnota 2025 paragraph 2.2.1 (seed 001), which reports events up to July 2025.
# Limburg sends the Voorjaarsnota to the Staten in spring (facts up to the end of the first
# quarter) and the Najaarsnota in autumn (facts up to the end of August); the Jaarstukken
# account for the whole year. A province with another calendar changes only these dates.
PEILDATA: dict[str, tuple[int, int]] = {
    "voorjaarsnota": (3, 31),
    "najaarsnota": (8, 31),
    "jaarstukken": (12, 31),
}


def peildatum(moment: str, jaar: int) -> date:
    """The reference date of a P&C moment in a year: measurements after it are not yet known."""
    maand, dag = PEILDATA[moment]
    return date(jaar, maand, dag)


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
    begrotingsbron: str = ""

    @property
    def peildatum(self) -> date:
        return peildatum(self.moment, self.jaar)

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
            "peildatum": self.peildatum.isoformat(),
            "status": None
            if r is None
            else {
                "kwaliteit": {"kleur": r.kwaliteit, "toelichting": r.kwaliteit_toelichting},
                "tijd": {"kleur": r.tijd, "toelichting": r.tijd_toelichting},
                "geld": {"kleur": r.geld, "toelichting": r.geld_toelichting},
            },
            "doelen": self.doelen,
            "begroting": str(self.begroting),
            "begrotingsbron": self.begrotingsbron,
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
    basis = indicator["basis"]
    basistekst = "nog vast te stellen" if basis is None else getal_auto(basis, 1)
    return f"{gemeten}; basis {basistekst}, streef {_streeftekst(indicator)}"


def _streeftekst(indicator: dict[str, Any]) -> str:
    """'5', '+5% t.o.v. de basis', 'hoger dan de basis'."""
    soort, streef = indicator.get("streefsoort", "niveau"), indicator["streef"]
    if soort == "richting" or streef is None:
        return (
            "hoger dan de basis" if indicator.get("richting") != "hoger_is_slechter" else "lager dan de basis"
        )
    if soort == "relatief":
        teken = "+" if streef > 0 else "\u2212"
        return f"{teken}{getal_auto(abs(streef), 1)}% t.o.v. de basis"
    return getal_auto(streef, 1)


def _indicatordelen(i: dict[str, Any]) -> tuple[str, str, str]:
    """(state, status label, reason) of one indicator; a progress ratio is marked as computed."""
    reden = i["reden"] + ("; berekend uit de metingen" if i["verhouding"] is not None else "")
    return f"{i['naam']}: {_stand(i)} in {i['streefdatum'][:4]}", i["label"], reden


def _geldregels(p: Paragraaf) -> list[tuple[str, str, str]]:
    """(post, amount, explanation) of the budget table."""
    regels = [(f"Begroting {p.jaar}", euro_mln(p.begroting), p.begrotingsbron or "geen begrotingsregel")]
    regels += [
        (f"{r.get_soort_display()} ({MOMENTNAAM[r.moment]})", euro_mln(r.bedrag), r.reden) for r in p.mutaties
    ]
    regels += [
        (
            "Totaal mutaties",
            euro_mln(p.totaal_mutaties),
            f"berekend: som van de {len(p.mutaties)} mutaties hierboven",
        ),
        (
            "Bijgestelde begroting",
            euro_mln(p.bijgestelde_begroting),
            f"berekend: begroting {p.jaar} plus totaal mutaties",
        ),
    ]
    if p.realisatie is not None:
        regels.append(("Realisatie", euro_mln(p.realisatie), "som van de realisatieregels"))
    return regels


def _peiltekst(p: Paragraaf) -> str:
    return (
        f"Stand op {datum(p.peildatum)}, de peildatum van de {MOMENTNAAM[p.moment]} {p.jaar}: metingen "
        "van na deze datum en mutaties van latere momenten zijn niet meegenomen."
    )


def als_html(p: Paragraaf) -> str:
    delen = [f'<section lang="nl"><h2>{escape(p.titel())}</h2>', f"<p>{escape(_peiltekst(p))}</p>"]
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
            for stand, label, reden in map(_indicatordelen, d["indicatoren"]):
                delen.append(f"<li>{escape(stand)} — <strong>{escape(label)}</strong> ({escape(reden)})</li>")
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
    regels = [p.titel(), _peiltekst(p), ""]
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
        regels += [f"- {a}: {b} ({c})" for a, b, c in map(_indicatordelen, d["indicatoren"])]
    regels += ["", "Geld", "Post\tBedrag\tToelichting"]
    regels += ["\t".join(regel) for regel in _geldregels(p)]
    return "\n".join(regels) + "\n"
