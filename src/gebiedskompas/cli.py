"""Command line: ``gebiedskompas`` (Typer + Rich). All user-facing text is Dutch."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__, opmaak
from .bronnen import bronregister
from .catalogus import catalogus
from .errors import GebiedskompasFout
from .geheugen import stel_allocator_in
from .laden import Laadresultaat, laad
from .online import ODataClient
from .opmaak import getal, getal_auto, procent
from .opslag import OMGEVINGSVARIABELE, STANDAARD_WACHTTIJD, Opslag, standaard_map, wachttijd
from .overzicht import gebied, overzicht
from .reeks import reeks

app = typer.Typer(
    help="gebiedskompas: gebiedsanalyse en monitoring op open data van CBS, RIVM en BZK.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console()
fouten = Console(stderr=True, soft_wrap=True)
T = TypeVar("T")

OpslagOptie = Annotated[
    Path | None,
    typer.Option(
        "--opslag",
        metavar="MAP",
        help=f"Map van de indicatorenopslag (standaard: ${OMGEVINGSVARIABELE} of ./opslag).",
        show_default=False,
    ),
]
JsonOptie = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON (voor scripts).")]


def _opslag(map: Path | None) -> Opslag:
    return Opslag(map or standaard_map())


def _voer_uit(actie: Callable[[], T]) -> T:
    try:
        return actie()
    except GebiedskompasFout as e:
        fouten.print(f"[bold red]Fout:[/] {e}", highlight=False)
        raise typer.Exit(code=1) from e


def _toon_json(inhoud: Any) -> None:
    """JSON has no NaN: missing numbers are written as null (``opmaak.als_json``)."""
    tekst = json.dumps(opmaak.als_json(inhoud), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    sys.stdout.write(tekst + "\n")


@app.callback(invoke_without_command=True)
def _hoofd(
    versie: Annotated[bool, typer.Option("--versie", help="Toon de versie en stop.")] = False,
) -> None:
    stel_allocator_in()  # block temporaries reused, not mapped fresh (see geheugen.py)
    if versie:
        console.print(f"gebiedskompas {__version__}")
        raise typer.Exit()


@app.command("laad")
def laad_commando(
    paden: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Bestanden of mappen met officiële downloads (CSV, Excel, Parquet, JSON, GeoJSON, "
            "TopoJSON, .rda).",
            show_default=False,
            metavar="PAD",
        ),
    ] = None,
    cbs: Annotated[
        list[str] | None,
        typer.Option(
            "--cbs",
            help="Haal deze tabel online op bij het CBS (herhaalbaar), bijvoorbeeld 84799NED.",
            show_default=False,
            metavar="TABELID",
        ),
    ] = None,
    standaard: Annotated[
        bool,
        typer.Option(
            "--standaard",
            help="Haal de standaardset tabellen online op (KWB, Gebieden in Nederland, "
            "Gezondheidsmonitor, SES-WOA, Veiligheidsmonitor).",
        ),
    ] = False,
    catalogus_naam: Annotated[
        str | None,
        typer.Option(
            "--catalogus",
            help="Catalogus voor --cbs: CBS of RIVM (standaard: volgens het bronregister).",
            show_default=False,
            metavar="CBS|RIVM",
        ),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="Map voor de cache van online opgehaalde tabellen (standaard: <opslag>/cache).",
            show_default=False,
            metavar="MAP",
        ),
    ] = None,
    wacht: Annotated[
        float,
        typer.Option(
            "--wacht",
            min=0,
            help="Wacht zo lang op een andere lading van dezelfde opslag; daarna stopt het laden "
            "met een foutmelding.",
            metavar="SECONDEN",
        ),
    ] = STANDAARD_WACHTTIJD,
    opslag_map: OpslagOptie = None,
) -> None:
    """Laad tabellen in de indicatorenopslag: uit bestanden en mappen, of online van het CBS."""
    opslag = _opslag(opslag_map)
    tabellen = list(cbs or [])
    if standaard:
        tabellen += [t.id for t in bronregister().tabel if t.catalogus in ("CBS", "RIVM")]
    if not paden and not tabellen:
        fouten.print("[bold red]Fout:[/] geef een pad, --cbs TABELID of --standaard op.")
        raise typer.Exit(code=2)
    alle_paden = list(paden or [])
    if tabellen:
        alle_paden += _voer_uit(lambda: _haal_online(tabellen, catalogus_naam, cache or opslag.map / "cache"))
    resultaat = _voer_uit(lambda: _laad_met_voortgang(alle_paden, opslag, wacht))
    _toon_laadresultaat(resultaat, opslag)
    if resultaat.mislukt:
        rest = "de andere bestanden staan in de opslag." if resultaat.geladen else "de opslag is ongewijzigd."
        aantal = len(resultaat.mislukt)
        fouten.print(f"{aantal} bestand(en) niet geladen (zie hierboven); {rest}", highlight=False)
        raise typer.Exit(code=1)


def _haal_online(tabellen: list[str], catalogus_naam: str | None, cache: Path) -> list[Path]:
    mappen = []
    with Progress(
        TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as voortgang:
        taak = voortgang.add_task("ophalen")
        client = ODataClient(
            cache,
            voortgang=lambda naam, pagina: voortgang.update(
                taak, description=f"ophalen {naam} (pagina {pagina})"
            ),
            # retries of transient failures show in the progress line instead of as log lines
            herhaalmelding=lambda tekst: voortgang.update(taak, description=tekst),
        )
        for tabel_id in tabellen:
            tabel = bronregister().zoek(tabel_id)
            voortgang.update(taak, description=f"controleren {tabel.id}")
            resultaat = client.haal_tabel(tabel.id, catalogus_naam or tabel.catalogus)
            voortgang.console.print(resultaat.samenvatting(), highlight=False)
            if resultaat.melding:
                fouten.print(f"[bold yellow]Waarschuwing:[/] {resultaat.melding}", highlight=False)
            mappen.append(resultaat.map)
    return [m / "TypedDataSet.json" for m in mappen]


def _laad_met_voortgang(paden: list[Path], opslag: Opslag, wacht: float) -> Laadresultaat:
    with Progress(
        TextColumn("[bold]laden[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as voortgang:
        taak = voortgang.add_task("", total=None)

        def stap(naam: str, nummer: int, totaal: int) -> None:
            voortgang.update(taak, description=naam, completed=nummer - 1, total=totaal)

        def wachten() -> None:
            melding = f"Wacht op een andere lading van deze opslag… (hooguit {wachttijd(wacht)})"
            voortgang.console.print(melding, highlight=False)

        return laad(paden, opslag, voortgang=stap, wacht=wacht, bij_wachten=wachten)


def _toon_laadresultaat(resultaat: Laadresultaat, opslag: Opslag) -> None:
    if resultaat.geladen:
        tabel = Table(title=f"Geladen in {opslag.map}", title_justify="left")
        for kolom in ("bestand", "tabel", "inhoud", "opmerkingen"):
            tabel.add_column(kolom)
        for i in resultaat.geladen:
            tabel.add_row(i.bestand.name, i.tabel_id, i.samenvatting(), "; ".join(i.notities))
        console.print(tabel)
    else:
        console.print("Niets nieuws geladen: de opslag is ongewijzigd.")
    if resultaat.ongewijzigd:
        console.print(
            f"{len(resultaat.ongewijzigd)} bestanden al eerder geladen (zelfde inhoud, overgeslagen)."
        )
    if resultaat.overgeslagen:
        tabel = Table(title="Overgeslagen", title_justify="left")
        tabel.add_column("bestand", overflow="fold")
        tabel.add_column("reden", overflow="fold")
        for pad, reden in resultaat.overgeslagen:
            tabel.add_row(str(pad), reden)
        console.print(tabel)
    for _pad, melding in resultaat.mislukt:
        fouten.print(f"[bold red]Fout:[/] {melding}", highlight=False)


@app.command("overzicht")
def overzicht_commando(als_json: JsonOptie = False, opslag_map: OpslagOptie = None) -> None:
    """Toon wat er in de opslag staat: tabellen met herkomst en indicatoren per periode en niveau."""
    inhoud = _voer_uit(lambda: overzicht(_opslag(opslag_map).lees()))
    if als_json:
        _toon_json(inhoud)
        return
    tabellen = Table(title="Tabellen", title_justify="left")
    for kolom in ("tabel", "titel", "versie", "bestand", "geladen op", "waarden"):
        tabellen.add_column(kolom)
    for t in inhoud["tabellen"]:
        tabellen.add_row(
            t["tabel"], t["titel"], t["versie"] or "-", t["bestand"], t["geladen_op"], str(t["waarden"])
        )
    console.print(tabellen)
    indicatoren = Table(title="Indicatoren", title_justify="left")
    for kolom in ("indicator", "periode", "niveau", "regio's", "ontbrekend"):
        indicatoren.add_column(kolom)
    for r in inhoud["indicatoren"]:
        indicatoren.add_row(r["indicator"], r["periode"], r["niveau"], str(r["regios"]), str(r["ontbrekend"]))
    console.print(indicatoren)
    console.print(
        f"Herindelingen bekend: {len(inhoud['herindelingen'])}; "
        f"grenzen: {', '.join(inhoud['grenzen']) or 'geen'}"
    )


@app.command("gebied")
def gebied_commando(
    code: Annotated[str, typer.Argument(help="Regiocode, bijvoorbeeld GM0981, WK098100 of BU09810000.")],
    als_json: JsonOptie = False,
    opslag_map: OpslagOptie = None,
) -> None:
    """Toon één gebied: naam, niveau, bovenliggende gebieden, stedelijkheid per jaar en alle waarden."""
    profiel = _voer_uit(lambda: gebied(_opslag(opslag_map).lees(), code))
    if als_json:
        _toon_json(profiel)
        return
    console.print(f"[bold]{profiel['naam'] or profiel['code']}[/] ({profiel['code']}, {profiel['niveau']})")
    if profiel["ouders"]:
        console.print(
            "Ligt in: " + " → ".join(f"{o['naam'] or o['code']} ({o['code']})" for o in profiel["ouders"])
        )
    jaren = Table(title="Per jaar", title_justify="left")
    for kolom in ("jaar", "stedelijkheid", "omgevingsadressendichtheid", "inwoners"):
        jaren.add_column(kolom)
    for j in profiel["per_jaar"]:
        klasse = f"{j['stedelijkheid']} ({j['stedelijkheid_label']})" if j["stedelijkheid"] else "-"
        dichtheid = getal_auto(j["omgevingsadressendichtheid"])
        jaren.add_row(str(j["jaar"]), klasse, dichtheid, getal_auto(j["inwoners"]))
    console.print(jaren)
    waarden = Table(title="Indicatoren", title_justify="left")
    for kolom in ("indicator", "periode", "waarde", "95%-interval", "bron"):
        waarden.add_column(kolom)
    for w in profiel["waarden"]:
        interval = f"{getal_auto(w['onder'])} – {getal_auto(w['boven'])}" if w["onder"] is not None else ""
        waarde = getal_auto(w["waarde"])
        waarden.add_row(w["label"] or w["indicator"], w["periode"], waarde, interval, w["bron"])
    console.print(waarden)


@app.command("reeks")
def reeks_commando(
    code: Annotated[str, typer.Argument(help="Regiocode, bijvoorbeeld GM1979 of WK091721.")],
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator",
            metavar="ID",
            help="Alleen deze indicator (herhaalbaar); standaard alle indicatoren met waarden.",
            show_default=False,
        ),
    ] = None,
    indeling: Annotated[
        int | None,
        typer.Option(
            "--indeling",
            metavar="JAAR",
            help="Gebiedsindeling (jaar) waarop de reeks komt; standaard de nieuwste die het register "
            "voor dit niveau kent.",
            show_default=False,
        ),
    ] = None,
    als_json: JsonOptie = False,
    opslag_map: OpslagOptie = None,
) -> None:
    """Toon de tijdreeks van één gebied over alle geladen jaargangen, op één gebiedsindeling. Waarden van
    heringedeelde gemeenten (en gewijzigde wijken) worden samengevoegd en gemarkeerd."""
    resultaat = _voer_uit(lambda: reeks(_opslag(opslag_map).lees(), code, indicator, indeling))
    if als_json:
        _toon_json(resultaat.als_dict())
        return
    console.print(
        f"[bold]{resultaat.naam or resultaat.code}[/] ({resultaat.code}, {resultaat.niveau}), "
        f"gebiedsindeling {resultaat.indeling}"
    )
    if resultaat.waarden.empty:
        console.print("Geen waarden voor dit gebied in de opslag.")
        return
    voetnoten: dict[str, int] = {}
    for _, rijen in resultaat.waarden.groupby("indicator", sort=False):
        console.print(_reekstabel(rijen, voetnoten))
    for tekst, nummer in voetnoten.items():
        console.print(f"{_superscript(nummer)} {tekst}", markup=False, highlight=False)


def _reekstabel(rijen: Any, voetnoten: dict[str, int]) -> Table:
    eerste = rijen.iloc[0]
    tabel = Table(title=f"{eerste['label']} ({eerste['eenheid']})", title_justify="left")
    for kolom in ("periode", "waarde", "95%-interval", "bron", "opmerking"):
        tabel.add_column(kolom)
    for w in rijen.itertuples():
        heeft_interval = not (opmaak.ontbreekt(w.onder) or opmaak.ontbreekt(w.boven))
        interval = f"{getal_auto(w.onder)} – {getal_auto(w.boven)}" if heeft_interval else ""
        markering = _reeksmarkering(w, voetnoten)
        tabel.add_row(str(w.periode), getal_auto(w.waarde), interval, str(w.bron), markering)
    return tabel


def _reeksmarkering(w: Any, voetnoten: dict[str, int]) -> str:
    """'geharmoniseerd¹', 'ontbreekt²' or 'indeling 2020³', with the method or reason as footnote."""
    if not w.methode:
        return ""
    nummer = voetnoten.setdefault(str(w.methode), len(voetnoten) + 1)
    if w.geharmoniseerd:
        soort = "geharmoniseerd"
    elif opmaak.ontbreekt(w.waarde):
        soort = "ontbreekt"
    else:
        soort = f"indeling {w.indeling_bron}"
    return soort + _superscript(nummer)


def _superscript(nummer: int) -> str:
    return str(nummer).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


@app.command("trend")
def trend_commando(
    indicator: Annotated[
        str, typer.Option("--indicator", metavar="ID", help="De indicator (zie 'gebiedskompas indicatoren').")
    ],
    gebied: Annotated[
        list[str] | None,
        typer.Option(
            "--gebied",
            metavar="CODES",
            help="Het gebied: één code (PV31, GM0917) of een groep codes van één niveau, met komma's of "
            "herhaald (GM0917,GM0928); een groep wordt naar inwonertal gewogen samengevoegd.",
            show_default=False,
        ),
    ] = None,
    referentie: Annotated[
        str,
        typer.Option(
            "--referentie",
            metavar="nl|stedelijkheid|beide",
            help="Vergelijk met Nederland, met gebieden van dezelfde stedelijkheid, of met beide.",
        ),
    ] = "beide",
    van: Annotated[
        str | None,
        typer.Option(
            "--van",
            metavar="JAAR",
            help="Eerste meting voor de toets (standaard de eerste).",
            show_default=False,
        ),
    ] = None,
    tot: Annotated[
        str | None,
        typer.Option(
            "--tot",
            metavar="JAAR",
            help="Tweede meting voor de toets (standaard de laatste).",
            show_default=False,
        ),
    ] = None,
    als_json: JsonOptie = False,
    opslag_map: OpslagOptie = None,
) -> None:
    """Trend en verschil (trendbreuk): een gebied of groep tegen Nederland en tegen de eigen
    stedelijkheidsklasse, per meting met het verschil en zijn 95%-interval, en een toets of het verschil
    tussen twee metingen veranderd is."""
    from .effect.trend import REFERENTIES, trend

    referenties = REFERENTIES if referentie == "beide" else (referentie,)
    resultaat = _voer_uit(
        lambda: trend(_opslag(opslag_map).lees(), indicator, gebied or [], referenties, van, tot)
    )
    if als_json:
        _toon_json(resultaat.als_dict())
        return
    console.print(
        f"[bold]{resultaat.label}[/] ({resultaat.eenheid}): {resultaat.naam} ({', '.join(resultaat.codes)}); "
        f"niveau {resultaat.niveau}, gebiedsindeling {resultaat.indeling}",
        highlight=False,
    )
    for referentienaam, rijen in resultaat.tabellen().items():
        tabel = Table(title=f"{resultaat.naam} tegen {referentienaam}", title_justify="left")
        for kolom in ("meting", "gebied", "95%", "referentie", "95%", "verschil", "95%"):
            tabel.add_column(kolom, justify="right" if kolom != "meting" else "left")
        for rij in rijen:
            tabel.add_row(*rij[:-1])
        console.print(tabel)
        # The verdict is a sentence: one line per wave under the table, readable in any width.
        for rij in rijen:
            console.print(f"  {rij[0]}: {rij[-1]}", markup=False, highlight=False)
    for regel in [*resultaat.veranderingsregels(), *(f"- {o}" for o in resultaat.opmerkingen)]:
        console.print(regel, markup=False, highlight=False)
    console.print(f"Bron: {resultaat.bronvermelding}", markup=False, highlight=False)


@app.command("sjabloon")
def sjabloon_commando(
    formaat: Annotated[
        str,
        typer.Option("--formaat", metavar="xlsx|csv", help="Excel-werkmap (xlsx) of één CSV-bestand (csv)."),
    ] = "xlsx",
    uit: Annotated[
        Path | None,
        typer.Option(
            "--uit",
            metavar="PAD",
            help="Waar het sjabloon komt (standaard: ./eigen-enquete-sjabloon.<formaat>).",
            show_default=False,
        ),
    ] = None,
    opslag_map: OpslagOptie = None,
) -> None:
    """Schrijf het sjabloon voor een eigen enquête of panel: eigen indicatoren per gebied en jaar, met
    marges of het aantal respondenten. Vul het in en laad het met 'gebiedskompas laad BESTAND'."""
    from .enquete import BESTANDSNAAM, FORMATEN, schrijf_sjabloon
    from .register import Register

    if formaat not in FORMATEN:
        fouten.print(f"[bold red]Fout:[/] onbekend formaat '{formaat}'; kies xlsx of csv", highlight=False)
        raise typer.Exit(code=2)
    pad = uit or Path(f"{BESTANDSNAAM}.{formaat}")
    regios = _voer_uit(lambda: _opslag(opslag_map).lees(lui=True).regios)
    register = Register(regios) if len(regios) else None
    _voer_uit(lambda: schrijf_sjabloon(pad, formaat, register))
    console.print(f"Sjabloon geschreven: {pad}", highlight=False)


@app.command("indicatoren")
def indicatoren_commando(als_json: JsonOptie = False) -> None:
    """Toon de indicatorencatalogus: id, label, eenheid, thema, richting en bron."""
    cat = catalogus()
    if als_json:
        _toon_json([{**i.model_dump(), "bronvermelding": cat.citatie(i.id)} for i in cat.indicator])
        return
    tabel = Table(title="Indicatorencatalogus", title_justify="left")
    for kolom in ("id", "label", "eenheid", "thema", "richting", "tabellen"):
        tabel.add_column(kolom)
    for i in cat.indicator:
        bron = ", ".join(i.tabellen()) or (f"berekend uit {i.afgeleid.teller}" if i.afgeleid else "")
        tabel.add_row(i.id, i.label, i.eenheid, i.thema, i.richting.replace("_", " "), bron)
    console.print(tabel)


methode_app = typer.Typer(
    help="Meegeleverde analysemethoden bekijken om van te kopiëren.", no_args_is_help=True
)
app.add_typer(methode_app, name="methode")


@methode_app.command("lijst")
def methode_lijst() -> None:
    """Toon de meegeleverde methoden."""
    from .analyse.methode import gebundelde_methoden, lees_methode

    for naam in gebundelde_methoden():
        console.print(f"{naam}: {lees_methode(naam).titel}")


@methode_app.command("toon")
def methode_toon(
    naam: Annotated[str, typer.Argument(help="Naam van een meegeleverde methode, bijvoorbeeld dorpen.")],
) -> None:
    """Druk een meegeleverde methode af (TOML), als begin van een eigen methode."""
    from .analyse.methode import methode_tekst

    tekst, _ = _voer_uit(lambda: methode_tekst(naam))
    sys.stdout.write(tekst)


@app.command("analyseer")
def analyseer_commando(
    methode_naam: Annotated[
        str,
        typer.Argument(
            metavar="METHODE",
            help="Meegeleverde methode (dorpen, wijken), pad naar een TOML-bestand, of een "
            "runrecord.json om een eerdere analyse exact te herhalen.",
        ),
    ],
    jaar: Annotated[
        str | None,
        typer.Option(
            "--jaar",
            metavar="JAAR",
            help="Periode (jaar) in plaats van die uit de methode.",
            show_default=False,
        ),
    ] = None,
    niveau: Annotated[
        str | None,
        typer.Option(
            "--niveau",
            metavar="gemeente|wijk|buurt",
            help="Niveau in plaats van dat uit de methode.",
            show_default=False,
        ),
    ] = None,
    robuustheid: Annotated[
        str | None,
        typer.Option(
            "--robuustheid",
            metavar="N",
            help="Aantal Monte-Carlo-replicaties, 0 tot en met 100.000 (0 = geen; standaard 0, of het "
            "aantal uit het runrecord).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        str | None,
        typer.Option(
            "--seed",
            metavar="GETAL",
            help="Startwaarde van de toevalsgenerator, 0 tot en met 4.294.967.295 (standaard 20231, of die "
            "uit het runrecord).",
            show_default=False,
        ),
    ] = None,
    naast: Annotated[
        list[str] | None,
        typer.Option(
            "--naast",
            metavar="METHODE",
            help="Andere methode(n) met een eigen stedelijkheidsscope: "
            "rapporteer gebieden 'tussen wal en schip' (standaard: die uit het runrecord).",
            show_default=False,
        ),
    ] = None,
    andere_gegevens: Annotated[
        bool,
        typer.Option(
            "--andere-gegevens",
            help="Herhaal een runrecord ook als de tabellen in de opslag niet dezelfde zijn (andere "
            "sha256); de uitvoer vermeldt dat.",
        ),
    ] = False,
    uit: Annotated[
        Path | None,
        typer.Option(
            "--uit",
            metavar="MAP",
            help="Map voor de uitvoer (standaard: <opslag>/analyses/<methode>-<periode>-<niveau>).",
            show_default=False,
        ),
    ] = None,
    processen: Annotated[
        str | None,
        typer.Option(
            "--processen",
            metavar="N",
            help="Aantal processen voor de robuustheid (standaard: één per processor als het werk "
            "groot genoeg is; 1 = alles in dit proces). De uitkomst is dezelfde.",
            show_default=False,
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADRES",
            help="Reken de robuustheid op een Dask-cluster (adres van de scheduler, zoals "
            "tcp://rekenserver:8786). De uitkomst is dezelfde als lokaal.",
            show_default=False,
        ),
    ] = None,
    als_json: JsonOptie = False,
    opslag_map: OpslagOptie = None,
) -> None:
    """Voer een behoefteanalyse uit: thema's, samengestelde score, benchmark per stedelijkheid, groepen,
    rangorde en (optioneel) robuustheid. Schrijft Parquet, Excel en JSON."""
    from .analyse import uitvoer
    from .analyse.herhaal import bereid_voor

    opties = _analyseopties(jaar, niveau, robuustheid, seed, uit)
    run = _voer_uit(
        lambda: bereid_voor(
            methode_naam,
            jaar=opties["--jaar"],
            niveau=niveau,
            robuustheid=opties["--robuustheid"],
            seed=opties["--seed"],
            naast=naast,
        )
    )
    _voer_uit(lambda: _controleer_run(run))
    methode = run.methode
    naam = f"{methode.naam}-{methode.scope.periode}-{methode.scope.niveau}"
    map = uit or _opslag(opslag_map).map / "analyses" / naam
    _optiefout("--uit" if uit else "--opslag", uitvoer.uitvoermapfout(map))
    # lui: only the observations the method selects are read (Toestand.waarnemingen_voor)
    toestand = _voer_uit(lambda: _opslag(opslag_map).lees(lui=True))
    verschillen = _voer_uit(lambda: _controleer_gegevens(run, toestand, andere_gegevens))

    aantal_processen = _geheel_getal("--processen", processen)
    if aantal_processen is not None and aantal_processen < 1:
        _stop("--processen", f"moet 1 of meer zijn, niet {getal(aantal_processen, 0)}")

    def voer_uit() -> tuple[Any, Any]:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from .analyse.pijplijn import Uitvoering, analyseer
        from .analyse.walenschip import tussen_wal_en_schip

        kolommen = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*kolommen, console=fouten, transient=True, disable=als_json) as balk:
            taak = balk.add_task("analyseren", total=run.robuustheid or None)

            def voortgang(klaar: int, totaal: int) -> None:
                balk.update(taak, description="robuustheid (replicaties)", completed=klaar, total=totaal)

            resultaat = analyseer(
                methode,
                toestand,
                robuustheid=run.robuustheid,
                seed=run.seed,
                naast=run.naast,
                recordvelden=run.recordvelden(verschillen),
                voortgang=voortgang,
                uitvoering=Uitvoering(aantal_processen, dask),
            )
            wal = tussen_wal_en_schip([methode, *run.naast], toestand) if run.naast else None
        return resultaat, wal

    resultaat, wal = _voer_uit(voer_uit)
    paden = _voer_uit(lambda: uitvoer.bewaar(resultaat, map, wal))
    if als_json:
        _toon_json({**uitvoer.als_json(resultaat, wal), "bestanden": [str(p) for p in paden]})
        return
    _toon_analyse(resultaat, wal, paden)


def _optiefout(optie: str, fout: str | None) -> None:
    """A bad option value stops the command as Typer's own usage errors do (exit code 2)."""
    if fout:
        _stop(optie, fout)


def _stop(optie: str, fout: str) -> NoReturn:
    from rich.markup import escape

    fouten.print(f"[bold red]Fout:[/] {optie}: {escape(fout)}", highlight=False)
    raise typer.Exit(code=2)


def _geheel_getal(optie: str, waarde: str | None) -> int | None:
    if waarde is None:
        return None
    try:
        return int(waarde.strip())
    except ValueError:
        _stop(optie, f"'{waarde}' is geen geheel getal")


def _analyseopties(
    jaar: str | None, niveau: str | None, robuustheid: str | None, seed: str | None, uit: Path | None
) -> dict[str, int | None]:
    """The integer options of ``analyseer``, checked before any work; Dutch errors name the option."""
    import typing

    from .analyse.methode import Niveau, jaarfout, replicatiefout, seedfout
    from .analyse.uitvoer import uitvoermapfout

    opties = {
        o: _geheel_getal(o, w)
        for o, w in (("--jaar", jaar), ("--robuustheid", robuustheid), ("--seed", seed))
    }
    for optie, controle in (("--jaar", jaarfout), ("--robuustheid", replicatiefout), ("--seed", seedfout)):
        waarde = opties[optie]
        _optiefout(optie, None if waarde is None else controle(waarde))
    if niveau is not None and niveau not in typing.get_args(Niveau):
        _optiefout("--niveau", f"ongeldig niveau '{niveau}'; kies uit: {', '.join(typing.get_args(Niveau))}")
    _optiefout("--uit", None if uit is None else uitvoermapfout(uit))
    return opties


def _controleer_run(run: Any) -> None:
    """Replications and seed of a replayed run record are bounded like the options."""
    from .analyse.methode import replicatiefout, seedfout
    from .errors import InvoerFout

    for sleutel, fout in (("robuustheid", replicatiefout(run.robuustheid)), ("seed", seedfout(run.seed))):
        if fout:
            raise InvoerFout(f"sleutel '{sleutel}': {fout}", bestand=run.recordpad)


def _controleer_gegevens(run: Any, toestand: Any, andere_gegevens: bool) -> list[Any]:
    """A replay needs the tables of its run record (same sha256); --andere-gegevens overrides that,
    with a warning here and a mark in the outputs."""
    from rich.markup import escape

    from .analyse.herhaal import weiger

    verschillen: list[Any] = run.verschillen(toestand)
    if verschillen and not andere_gegevens:
        raise weiger(verschillen, run.recordpad)
    if verschillen:
        fouten.print(
            "[bold yellow]Waarschuwing:[/] --andere-gegevens: de opslag bevat andere gegevens dan het "
            "runrecord; dit is geen exacte herhaling (de uitvoer vermeldt dat).",
            highlight=False,
        )
        for v in verschillen:
            fouten.print(f"  - {escape(v.tekst())}", highlight=False)
    return verschillen


def _toon_analyse(resultaat: Any, wal: Any, paden: list[Path]) -> None:
    m = resultaat.methode
    tabel = Table(title=f"{m.titel} — {m.scope.niveau}, {m.scope.periode}", title_justify="left")
    for kolom in (
        "rang",
        "code",
        "naam",
        "stedelijkheid",
        "score",
        "groep",
        "rang 5–95%",
        "kans op selectie",
    ):
        tabel.add_column(kolom)
    heeft_mc = "rang_p05" in resultaat.gebieden
    for r in resultaat.gebieden.head(15).itertuples():
        interval = f"{getal(r.rang_p05, 0)}–{getal(r.rang_p95, 0)}" if heeft_mc else opmaak.ONTBREEKT
        kans = procent(100 * r.kans_op_selectie, 0) if heeft_mc else opmaak.ONTBREEKT
        tabel.add_row(
            getal_auto(r.rang),
            r.code,
            str(r.naam),
            getal_auto(r.stedelijkheid),
            getal(r.composiet, 2),
            str(r.groep),
            interval,
            kans,
        )
    console.print(tabel)
    telling = resultaat.gebieden["groep"].value_counts()
    console.print("Groepen: " + "; ".join(f"{g}: {n}" for g, n in telling.items()))
    from .analyse.uitvoer import margeregel

    console.print(margeregel(resultaat.themas))
    for stap in resultaat.runrecord.get("stappen", []):
        for opmerking in stap.get("opmerkingen", []) if stap.get("stap") == "selecteren" else []:
            console.print(f"Let op: {opmerking}.", markup=False, highlight=False)
    if wal is not None:
        namen = ", ".join(f"{r.naam} ({r.code})" for r in wal.gebieden.itertuples()) or "geen"
        console.print(f"Tussen wal en schip: {namen}. {wal.toelichting}", markup=False, highlight=False)
        for r in wal.gebieden.itertuples():
            console.print(
                f"  {r.naam} ({r.code}), stedelijkheid {getal_auto(r.stedelijkheid)}, score zonder "
                f"scope {getal_auto(r.composiet_zonder_scope)} (rang {getal_auto(r.rang_zonder_scope)}); "
                "gecontroleerd:",
                markup=False,
                highlight=False,
            )
            for controle in wal.controles.get(r.code, []):
                console.print(f"    - {controle.tekst()}", markup=False, highlight=False)
    console.print("Geschreven: " + ", ".join(str(p) for p in paden))
    from .analyse.uitvoer import excelregel

    if regel := excelregel(resultaat, wal):
        console.print(regel, markup=False, highlight=False)


@app.command("effect")
def effect_commando(
    indicator: Annotated[
        str | None,
        typer.Option(
            "--indicator", metavar="ID", help="Indicator(en), met komma's gescheiden.", show_default=False
        ),
    ] = None,
    start: Annotated[
        int | None,
        typer.Option("--start", metavar="JAAR", help="Eerste jaar van de aanpak.", show_default=False),
    ] = None,
    herhaal: Annotated[
        Path | None,
        typer.Option(
            "--herhaal",
            metavar="RUNRECORD",
            help="Herhaal een eerdere meting exact uit haar runrecord_<indicator>.json.",
            show_default=False,
        ),
    ] = None,
    andere_gegevens: Annotated[
        bool,
        typer.Option(
            "--andere-gegevens",
            help="Herhaal ook als de gegevens in de opslag sinds het runrecord veranderd zijn.",
        ),
    ] = False,
    gebieden: Annotated[
        str | None,
        typer.Option(
            "--gebieden",
            metavar="CODE,CODE",
            help="Regiocodes van de aanpak (wijk of buurt).",
            show_default=False,
        ),
    ] = None,
    aanpak: Annotated[
        str | None,
        typer.Option(
            "--aanpak",
            metavar="NAAM",
            help="Gebiedsaanpak uit de monitoring (bijv. Heerlen-Noord).",
            show_default=False,
        ),
    ] = None,
    methode: Annotated[str, typer.Option("--methode", metavar="did|synthetisch", help="Schatter.")] = "did",
    vergelijking: Annotated[
        int, typer.Option("--vergelijking", metavar="K", help="Vergelijkingsgebieden per behandeld gebied.")
    ] = 10,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Startwaarde van de toevalsgenerator.")
    ] = 20231,
    uit: Annotated[
        Path | None,
        typer.Option(
            "--uit",
            metavar="MAP",
            help="Map voor de uitvoer (standaard: <opslag>/effecten/<aanpak>-<start>-<methode>).",
            show_default=False,
        ),
    ] = None,
    als_json: JsonOptie = False,
    opslag_map: OpslagOptie = None,
) -> None:
    """Meet het effect van een gebiedsaanpak: behandelde gebieden tegen vergelijkbare onbehandelde
    gebieden (verschil-in-verschillen met gebeurtenisstudie), met placebotoets en oordeel."""
    from .effect import uitvoer as effectuitvoer
    from .effect.pijplijn import herhaal as herhaal_effect
    from .effect.pijplijn import meet_effect
    from .errors import InvoerFout

    def meet() -> list[Any]:
        toestand = _opslag(opslag_map).lees()
        if herhaal is not None:
            with console.status("meting herhalen…"):
                return [herhaal_effect(_lees_runrecord(herhaal), toestand, andere_gegevens=andere_gegevens)]
        if indicator is None or start is None:
            raise InvoerFout("geef --indicator en --start (of --herhaal met een runrecord)")
        regiocodes = _aanpakcodes(gebieden, aanpak, opslag_map)
        ids = [i.strip() for i in indicator.split(",") if i.strip()]
        with console.status("effect meten…"):
            return [
                meet_effect(toestand, i, regiocodes, start, methode, seed, k=vergelijking, aanpak=aanpak)
                for i in ids
            ]

    resultaten = _voer_uit(meet)
    parameters = resultaten[0].runrecord["parameters"]
    if resultaten[0].runrecord.get("herhaalt", {}).get("andere_gegevens"):
        fouten.print("Let op: herhaald op andere gegevens dan in het runrecord (--andere-gegevens).")
    naam = effectuitvoer.standaardnaam(
        parameters.get("aanpak"), parameters["gebieden"], parameters["start"], parameters["methode"]
    )
    paden = effectuitvoer.schrijf(resultaten, uit or _opslag(opslag_map).map / "effecten" / naam)
    if als_json:
        _toon_json({**effectuitvoer.als_json(resultaten), "bestanden": [str(p) for p in paden]})
        return
    for r in resultaten:
        for regel in effectuitvoer.tekst(r):
            console.print(regel, markup=False, highlight=False)
    console.print("Geschreven: " + ", ".join(str(p) for p in paden), markup=False, highlight=False)


def _aanpakcodes(gebieden: str | None, aanpak: str | None, opslag_map: Path | None) -> list[str]:
    """The treated areas: codes given, or a programme's codes (from the monitoring extension)."""
    from .errors import InvoerFout

    if (gebieden is None) == (aanpak is None):
        raise InvoerFout("geef precies één van --gebieden en --aanpak")
    if gebieden is not None:
        return [c.strip() for c in gebieden.split(",") if c.strip()]
    zoeker = HAAKJES.get("aanpakcodes")
    if zoeker is None:
        raise InvoerFout("--aanpak heeft de monitoringmodule nodig; geef de regiocodes met --gebieden")
    assert aanpak is not None
    codes: list[str] = zoeker(aanpak, opslag_map)
    return codes


def _lees_runrecord(pad: Path) -> dict[str, Any]:
    from .errors import InvoerFout

    try:
        record = json.loads(pad.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InvoerFout(f"het runrecord is niet te lezen ({e})", bestand=pad) from e
    if not isinstance(record, dict):
        raise InvoerFout("geen runrecord: verwacht een JSON-object", bestand=pad)
    return record


@app.command("publiceer")
def publiceer_commando(
    analyse: Annotated[str, typer.Argument(help="Naam van een opgeslagen analyse.")],
    intrekken: Annotated[
        bool, typer.Option("--intrekken", help="Maak de analyse weer intern (niet openbaar).")
    ] = False,
    opslag_map: OpslagOptie = None,
) -> None:
    """Maak een opgeslagen analyse openbaar (onder /open/ en in de open-data-export), of trek dat in."""
    import getpass

    from . import opendata
    from .analyse.opgeslagen import analysemap

    analyses = analysemap(_opslag(opslag_map).map)
    if intrekken:
        was = _voer_uit(lambda: opendata.trek_in(analyses, analyse))
        console.print(f"Analyse {analyse} is {'niet meer' if was else 'al niet'} openbaar.")
        return
    _voer_uit(lambda: opendata.publiceer(analyses, analyse, door=getpass.getuser()))
    console.print(
        f"Analyse {analyse} is openbaar: /open/analyse/{analyse}/ en /open/data/analyse/{analyse}.csv"
    )


@app.command("exporteer-open")
def exporteer_open_commando(
    uit: Annotated[
        Path, typer.Option("--uit", metavar="MAP", help="Map om de bestanden in te schrijven.")
    ] = Path("open-data"),
    adres: Annotated[
        str,
        typer.Option(
            "--adres",
            metavar="URL",
            help="Adres waarop de bestanden gepubliceerd worden (voor de catalogus).",
        ),
    ] = "http://127.0.0.1:8000/open/data/",
    opslag_map: OpslagOptie = None,
) -> None:
    """Schrijf de open data van alle openbare analyses: CSV met CSVW-metadata per analyse en per
    gebruikte indicatorreeks, en een DCAT-AP-NL-catalogus (catalogus.jsonld)."""
    from . import opendata
    from .analyse.opgeslagen import analysemap

    opslag = _opslag(opslag_map)
    analyses = analysemap(opslag.map)
    toestand = _voer_uit(opslag.lees)

    def exporteer() -> list[Path]:
        bestanden = opendata.exporteer(analyses, toestand, adres, opendata.uitgever(analyses, toestand))
        return opendata.schrijf(bestanden, uit)

    paden = _voer_uit(exporteer)
    openbaar = opendata.openbare_namen(analyses)
    console.print(
        f"Geschreven: {len(paden)} bestanden in {uit} ({len(openbaar)} openbare "
        f"{'analyse' if len(openbaar) == 1 else 'analyses'}; catalogus: {uit / 'catalogus.jsonld'})"
    )


# Commands and look-ups that need the monitoring database (Django) are registered by the web
# package through the entry-point group "gebiedskompas.uitbreidingen", the way any extension
# would add commands; this module imports nothing from ``web``.
HAAKJES: dict[str, Callable[..., Any]] = {}


def _laad_uitbreidingen() -> None:
    from importlib.metadata import entry_points

    for uitbreiding in entry_points(group="gebiedskompas.uitbreidingen"):
        uitbreiding.load()(app, HAAKJES)


_laad_uitbreidingen()
