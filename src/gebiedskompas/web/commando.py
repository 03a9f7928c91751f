"""The command-line commands that need the monitoring database (Django): ``voorbeeld``,
``paragraaf``, ``web`` and ``rapport``, and the look-up of a programme's areas for
``effect --aanpak``. Registered on the core CLI through the entry point
``gebiedskompas.uitbreidingen`` (see pyproject.toml), so the core CLI imports nothing from here.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import opmaak
from ..cli import OpslagOptie, _opslag, _voer_uit, console, fouten
from ..errors import InvoerFout
from ..opslag import Opslag, standaard_map


def registreer(app: typer.Typer, haakjes: dict[str, Callable[..., Any]]) -> None:
    app.command("voorbeeld")(voorbeeld_commando)
    app.command("paragraaf")(paragraaf_commando)
    app.command("web")(web_commando)
    app.command("rapport")(rapport_commando)
    haakjes["aanpakcodes"] = aanpakcodes


def start_monitoring(opslag_map: Path | None) -> None:
    """Set up Django on the store folder and bring the monitoring database up to date."""
    os.environ["GEBIEDSKOMPAS_OPSLAG"] = str((opslag_map or standaard_map()).resolve())
    from django.core.management import call_command

    from . import start_django

    start_django()
    call_command("migrate", verbosity=0, interactive=False)


def aanpakcodes(aanpak: str, opslag_map: Path | None) -> list[str]:
    """The region codes of a programme in the monitoring database, by name."""
    start_monitoring(opslag_map)
    from .monitoring import models as m

    gevonden = m.Gebiedsaanpak.objects.filter(naam__iexact=aanpak).first()
    if gevonden is None:
        bekend = ", ".join(m.Gebiedsaanpak.objects.order_by("naam").values_list("naam", flat=True))
        bekend = bekend or "geen (laad ze met: gebiedskompas voorbeeld)"
        raise InvoerFout(f"onbekende gebiedsaanpak '{aanpak}'; bekend: {bekend}")
    return [str(c) for c in gevonden.regiocodes]


def voorbeeld_commando(opslag_map: OpslagOptie = None) -> None:
    """Laad voorbeeldgegevens: de SLB-doelenboom, product 2.2.1 en de acht Limburgse gebiedsaanpakken."""
    start_monitoring(opslag_map)
    from django.contrib.auth.models import User

    from .monitoring.voorbeeld import laad_voorbeeld, laad_voorbeeldaanvragen

    resultaat = _voer_uit(laad_voorbeeld)
    aanvragen = _voer_uit(laad_voorbeeldaanvragen)
    if resultaat["al_geladen"] and not aanvragen:
        console.print("De voorbeeldgegevens waren al geladen; er is niets veranderd.")
    elif not resultaat["al_geladen"]:
        niveaus = resultaat["niveaus"]
        console.print(
            f"Geladen: {resultaat['doelen']} doelen in de doelenboom ({niveaus['impact']} impact, "
            f"{niveaus['outcome']} outcome, {niveaus['output']} output, {niveaus['activiteit']} "
            f"activiteiten), {resultaat['uitkomstindicatoren']} outcome-indicatoren uit de open data, "
            f"{resultaat['aanpakken']} gebiedsaanpakken, product 2.2.1 met de Najaarsnota 2025."
        )
    if aanvragen:
        console.print(
            f"Voorbeeldaanvragen (verzonnen): {aanvragen} aanvragen bij de leefbaarheidsaanpak, "
            "waarvan 26 verleend (de 'ruim 25 projectsubsidies' van de Najaarsnota 2025)."
        )
    if not User.objects.filter(is_superuser=True).exists():
        wachtwoord = secrets.token_urlsafe(12)
        User.objects.create_superuser("beheerder", "", wachtwoord)
        console.print(
            f"Beheerder aangemaakt: gebruikersnaam 'beheerder', wachtwoord '{wachtwoord}' (noteer het nu)."
        )
    console.print(
        "Bekijk de voortgangsparagraaf met: gebiedskompas paragraaf 2.2.1 --moment najaarsnota --jaar 2025"
    )


def paragraaf_commando(
    product: Annotated[str, typer.Argument(help="Productcode, bijvoorbeeld 2.2.1.")],
    moment: Annotated[
        str,
        typer.Option("--moment", metavar="voorjaarsnota|najaarsnota|jaarstukken", help="Rapportagemoment."),
    ] = "najaarsnota",
    jaar: Annotated[int, typer.Option("--jaar", help="Jaar van de rapportage.")] = 2025,
    html: Annotated[
        bool, typer.Option("--html", help="Als HTML in plaats van Word-vriendelijke tekst.")
    ] = False,
    opslag_map: OpslagOptie = None,
) -> None:
    """Schrijf de voortgangsparagraaf (P&C) van een product voor een rapportagemoment."""
    start_monitoring(opslag_map)
    from .monitoring import models as m
    from .monitoring.paragraaf import als_html, als_tekst, maak_paragraaf

    if moment not in dict(m.MOMENTEN):
        fouten.print(
            f"[bold red]Fout:[/] onbekend moment '{moment}'; kies uit voorjaarsnota, najaarsnota, jaarstukken"
        )
        raise typer.Exit(code=2)
    gevonden = m.Product.objects.filter(code=product).first()
    if gevonden is None:
        fouten.print(
            f"[bold red]Fout:[/] product '{product}' bestaat niet; laad eerst gegevens "
            "(gebiedskompas voorbeeld)"
        )
        raise typer.Exit(code=1)
    p = maak_paragraaf(gevonden, moment, jaar)
    sys.stdout.write(als_html(p) if html else als_tekst(p))


def web_commando(
    poort: Annotated[int, typer.Option("--poort", help="Poort op deze computer.")] = 8000,
    opslag_map: OpslagOptie = None,
) -> None:
    """Start de webapp voor één gebruiker op deze computer (http://127.0.0.1:POORT)."""
    start_monitoring(opslag_map)
    from django.core.management import call_command

    console.print(f"gebiedskompas draait op http://127.0.0.1:{poort}/ — stop met Ctrl+C.")
    call_command("runserver", f"127.0.0.1:{poort}", "--noreload", "--insecure")


def rapport_commando(
    analyse: Annotated[
        str, typer.Argument(help="Naam van een opgeslagen analyse, bijvoorbeeld dorpen-2020-gemeente.")
    ],
    gebied: Annotated[
        str | None, typer.Option("--gebied", help="Regiocode voor een gebiedsprofiel.", show_default=False)
    ] = None,
    formaat: Annotated[
        str, typer.Option("--formaat", metavar="pdf|xlsx|geojson", help="Uitvoerformaat.")
    ] = "pdf",
    uit: Annotated[
        Path | None, typer.Option("--uit", metavar="PAD", help="Bestand om te schrijven.", show_default=False)
    ] = None,
    opslag_map: OpslagOptie = None,
) -> None:
    """Maak een rapport van een opgeslagen analyse: PDF (analyse of gebiedsprofiel), Excel of GeoJSON."""
    from ..analyse import opgeslagen

    if formaat not in ("pdf", "xlsx", "geojson"):
        fouten.print(f"[bold red]Fout:[/] onbekend formaat '{formaat}'; kies pdf, xlsx of geojson")
        raise typer.Exit(code=2)
    opslag = _opslag(opslag_map)
    run = _voer_uit(lambda: opgeslagen.laad(opgeslagen.analysemap(opslag.map), analyse))
    if gebied is not None and gebied not in set(run.gebieden["code"]):
        fouten.print(f"[bold red]Fout:[/] gebied {gebied} komt niet voor in analyse {analyse}")
        raise typer.Exit(code=1)
    if formaat == "xlsx":
        inhoud = (run.map / "resultaat.xlsx").read_bytes()
    elif formaat == "geojson":
        inhoud = _voer_uit(lambda: _kaart_geojson(run, opslag, opslag_map))
    else:
        start_monitoring(opslag_map)
        from .site.pdf import pdf_analyse, pdf_gebied

        inhoud = pdf_gebied(run, gebied) if gebied else pdf_analyse(run)
    doel = uit or Path(f"{analyse}{'-' + gebied if gebied else ''}.{formaat}")
    doel.write_bytes(inhoud)
    console.print(f"Geschreven: {doel}")


def _kaart_geojson(run: Any, opslag: Opslag, opslag_map: Path | None) -> bytes:
    """The map of a saved analysis (``presentatie.kaart_geojson``), with the programme areas of the
    monitoring database."""
    from ..presentatie import kaart_geojson, programmagrenzen

    start_monitoring(opslag_map)
    from .monitoring import models as m

    programma = programmagrenzen(m.Gebiedsaanpak.objects.all())
    geo = kaart_geojson(run, opslag=opslag, toestand=opslag.lees(lui=True), programma=programma)
    return json.dumps(opmaak.als_json(geo), ensure_ascii=False).encode()
