"""The monitoring JSON API (django-ninja) over the service layer.

Reading needs a login and a role; writing needs the right role, which the service layer checks, so
the API and every other caller share one rule (and one audit trail). Every 4xx answer has one shape,
``{"fouten": [{"veld", "waarde", "verwacht", "melding"}]}``, in Dutch. Documentation: /api/docs.
"""

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import File, NinjaAPI, Query, Router, Status, UploadedFile
from ninja.errors import HttpError, ValidationError, ValidationErrorContext
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth

from ...opmaak import als_json
from . import diensten as d
from . import excel, lezen
from . import models as m
from . import schemas as s
from .paragraaf import als_html, als_tekst, maak_paragraaf
from .rollen import rol_van
from .views import LokaleSwagger

M = TypeVar("M", bound=Model)
E = TypeVar("E", bound=Exception)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FOUTCODES = frozenset({400, 401, 403, 404})

# --- request parsing and login -------------------------------------------------------------------


class JsonOfFormulier(Parser):
    """JSON bodies as usual; form posts (the htmx forms of the site) as their fields."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return {k: w[0] if len(w) == 1 else w for k, w in request.POST.lists()}
        gegevens: dict[str, Any] = json.loads(request.body)
        return gegevens


class StrikteJSON(JSONRenderer):
    """JSON has no NaN or Infinity: a non-finite number (a stored value, or a rejected input echoed in
    an error body) is written as null, and anything else non-finite fails here rather than in a client."""

    json_dumps_params = {"allow_nan": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return super().render(request, als_json(data), response_status=response_status)


class SessieMetRol(SessionAuth):
    """Django's session login, with Django's CSRF check on writes, for an account with a role."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        gebruiker = super().authenticate(request, key)
        if gebruiker is not None and rol_van(gebruiker) is None:
            raise PermissionDenied("uw account heeft geen rol; vraag de beheerder om er een toe te kennen")
        return gebruiker


class GebiedskompasAPI(NinjaAPI):
    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        """As ninja's own, but keeping the submitted value, which the Dutch error body shows."""
        fouten = []
        for context in error_contexts:
            model = context.model
            omzetting = getattr(model, "__ninja_flatten_map_reverse__", {})
            for fout in context.pydantic_validation_error.errors(include_url=False):
                plaats = (model.__ninja_param_source__, *omzetting.get(fout["loc"], fout["loc"]))
                fouten.append({**fout, "loc": plaats})
        return ValidationError(fouten)


api = GebiedskompasAPI(
    title="Gebiedskompas monitoring-API",
    version="1",
    description=(
        "Doelenboom, indicatoren en metingen, P&C, gebiedsaanpakken, subsidies en het lerend netwerk. "
        "Lezen vraagt een login met een rol; schrijven vraagt een rol die de actie mag uitvoeren "
        "(beheerder, analist of gebiedscoördinator van de eigen aanpak). Elke wijziging komt in het "
        "auditlog. Schrijven vraagt het CSRF-token (kopregel X-CSRFToken). Getallen mogen een "
        "decimale komma hebben (3,5). Fouten hebben steeds de vorm "
        '{"fouten": [{"veld", "waarde", "verwacht", "melding"}]}.'
    ),
    urls_namespace="api",
    auth=SessieMetRol(),
    parser=JsonOfFormulier(),
    renderer=StrikteJSON(),
    docs=LokaleSwagger(),
)
router = Router(tags=["monitoring"])

# --- errors: one Dutch shape for every 4xx -------------------------------------------------------

GETAL = "een getal, bijvoorbeeld 3,5"
GEHEEL = "een geheel getal, bijvoorbeeld 2026"
DATUM = "een datum als JJJJ-MM-DD, bijvoorbeeld 2025-12-31"
VERWACHT = {
    "missing": "een waarde: dit veld is verplicht",
    "float_parsing": GETAL,
    "float_type": GETAL,
    "decimal_parsing": GETAL,
    "decimal_type": GETAL,
    "finite_number": GETAL,
    "int_parsing": GEHEEL,
    "int_type": GEHEEL,
    "int_from_float": GEHEEL,
    "date_parsing": DATUM,
    "date_type": DATUM,
    "date_from_datetime_parsing": DATUM,
    "date_from_datetime_inexact": DATUM,
    "string_type": "tekst",
    "list_type": "een lijst",
    "dict_type": "een object met velden",
    "model_type": "een object met velden",
    "model_attributes_type": "een object met velden",
    "bool_type": "ja of nee (true of false)",
    "bool_parsing": "ja of nee (true of false)",
    "json_invalid": "geldige JSON",
}
NINJA_MELDINGEN = {
    "Unauthorized": "log eerst in",
    "CSRF check Failed": "de CSRF-controle is mislukt: laad de pagina opnieuw en probeer het nog eens",
    "Cannot parse request body": "de gegevens zijn geen geldige JSON",
}


class NietGevonden(Http404):
    def __init__(self, melding: str, veld: str | None = None, waarde: Any = None) -> None:
        super().__init__(melding)
        self.melding, self.veld, self.waarde = melding, veld, waarde


def _fouten(request: HttpRequest, status: int, fouten: Iterable[s.Fout]) -> HttpResponse:
    return api.create_response(request, s.Fouten(fouten=list(fouten)).model_dump(), status=status)


def _fout(melding: str, veld: str | None = None, waarde: Any = None, verwacht: str | None = None) -> s.Fout:
    return s.Fout(veld=veld, waarde=waarde, verwacht=verwacht, melding=melding)


def _json_veilig(waarde: Any) -> Any:
    if waarde is None or isinstance(waarde, str | int | float | bool):
        return waarde
    if isinstance(waarde, list | tuple):
        return [_json_veilig(w) for w in waarde]
    if isinstance(waarde, dict):
        return {str(k): _json_veilig(w) for k, w in waarde.items()}
    return str(waarde)


def _veldnaam(plaats: tuple[Any, ...]) -> str | None:
    """('body', 'gegevens', 'basiswaarde') → 'basiswaarde'; ('query', 'jaar') → 'jaar'."""
    bron, *rest = plaats
    if bron == "body":
        rest = rest[1:]
    return ".".join(str(p) for p in rest) or None


def _verwacht(fout: dict[str, Any]) -> str:
    ctx = fout.get("ctx") or {}
    if fout["type"] == "literal_error":
        return "een van: " + str(ctx.get("expected", "")).replace("'", "").replace(" or ", " of ")
    if fout["type"] == "value_error":
        return str(ctx.get("error", "een geldige waarde"))
    return VERWACHT.get(fout["type"], "een geldige waarde")


def _vertaal(fout: dict[str, Any]) -> s.Fout:
    veld, verwacht = _veldnaam(tuple(fout["loc"])), _verwacht(fout)
    if fout["type"] == "missing":
        melding = f"'{veld}' ontbreekt; dit veld is verplicht" if veld else "de gegevens ontbreken"
        return _fout(melding, veld, None, verwacht)
    waarde = _json_veilig(fout.get("input"))
    getoond = json.dumps(waarde, ensure_ascii=False)
    return _fout(f"{veld}: {getoond} is ongeldig; verwacht {verwacht}", veld, waarde, verwacht)


def _ingezonden(request: HttpRequest, veld: str) -> Any:
    """The value the client sent for ``veld``, to show next to a service-layer error."""
    gegevens: Any
    try:
        gegevens = api.parser.parse_body(request) if request.body else {}
    except (ValueError, RawPostDataException):  # an upload already read, or no JSON
        gegevens = request.POST.dict()
    return _json_veilig(gegevens.get(veld)) if isinstance(gegevens, dict) else None


def bij_validatiefout(request: HttpRequest, e: ValidationError) -> HttpResponse:
    return _fouten(request, 400, (_vertaal(f) for f in e.errors))


def bij_dienstfout(request: HttpRequest, e: DjangoValidationError) -> HttpResponse:
    if not hasattr(e, "error_dict"):
        return _fouten(request, 400, (_fout(b, verwacht=b) for b in e.messages))
    fouten = []
    for veld, berichten in e.message_dict.items():
        naam = None if veld == NON_FIELD_ERRORS else veld
        waarde = _ingezonden(request, veld) if naam else None
        fouten += [_fout(f"{naam}: {b}" if naam else b, naam, waarde, b) for b in berichten]
    return _fouten(request, 400, fouten)


def bij_geen_toegang(request: HttpRequest, e: PermissionDenied) -> HttpResponse:
    return _fouten(request, 403, [_fout(str(e) or "u heeft geen toegang tot deze gegevens")])


def bij_niet_gevonden(request: HttpRequest, e: Http404) -> HttpResponse:
    if isinstance(e, NietGevonden):
        return _fouten(request, 404, [_fout(e.melding, e.veld, e.waarde)])
    return _fouten(request, 404, [_fout("niet gevonden")])


def bij_http_fout(request: HttpRequest, e: HttpError) -> HttpResponse:
    melding = next((nl for en, nl in NINJA_MELDINGEN.items() if e.message.startswith(en)), e.message)
    return _fouten(request, e.status_code, [_fout(melding)])


def _bij(soort: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja types a handler's argument as "exception or exception class"; it always passes the instance
    api.add_exception_handler(soort, cast(Any, handler))


_bij(ValidationError, bij_validatiefout)
_bij(DjangoValidationError, bij_dienstfout)
_bij(PermissionDenied, bij_geen_toegang)
_bij(Http404, bij_niet_gevonden)
_bij(HttpError, bij_http_fout)

# --- helpers -------------------------------------------------------------------------------------


def _haal(bron: type[M] | QuerySet[M], wat: str, veld: str | None = None, **zoek: Any) -> M:
    """One object, or a Dutch 404 such as "het doel met id 999 bestaat niet"."""
    rijen = bron if isinstance(bron, QuerySet) else bron._default_manager.all()
    try:
        return rijen.get(**zoek)
    except ObjectDoesNotExist:
        sleutel, waarde = next(iter(zoek.items()))
        getoond = f"'{waarde}'" if isinstance(waarde, str) else str(waarde)
        naam = {"pk": "id"}.get(sleutel, sleutel)
        raise NietGevonden(f"{wat} met {naam} {getoond} bestaat niet", veld, waarde) from None


def _antwoorden(schema: Any, status: int = 200) -> dict[Any, Any]:
    return {status: schema, FOUTCODES: s.Fouten}


def _aangemaakt(obj: Model | None) -> Status[s.Aangemaakt]:
    return Status(201, s.Aangemaakt(id=getattr(obj, "pk", None)))


def _download(inhoud: bytes, naam: str) -> HttpResponse:
    antwoord = HttpResponse(inhoud, content_type=XLSX)
    antwoord["Content-Disposition"] = f'attachment; filename="{naam}"'
    return antwoord


def _bestand(beschrijving: str, soort: str = XLSX) -> dict[str, Any]:
    """OpenAPI for an answer that is a file rather than JSON."""
    inhoud = {soort: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"description": beschrijving, "content": inhoud}}}


# --- reading -------------------------------------------------------------------------------------


@router.get(
    "/doelenboom/{kader}/",
    response=_antwoorden(s.Doelenboom),
    summary="Doelenboom van een beleidskader",
    description="Alle doelen van het kader als boom, met per indicator de berekende of handmatige status.",
)
def doelenboom(request: HttpRequest, kader: str) -> s.Doelenboom:
    _haal(m.Beleidskader, "het beleidskader", afkorting=kader)
    # The one builder of the tree (read service), in a constant number of queries.
    return s.Doelenboom.model_validate(lezen.doelenboom(kader).als_dict())


@router.get(
    "/producten/{int:product}/paragraaf/",
    response=_antwoorden(dict[str, Any]),
    summary="P&C-paragraaf van een product",
    description=(
        "De paragraaf voor een P&C-moment en jaar: status (kwaliteit, tijd, geld), doelen met "
        "indicatoren, begroting en mutaties. Met formaat=html of formaat=tekst als HTML of platte "
        "tekst (om in Word te plakken) in plaats van JSON."
    ),
)
def paragraaf(request: HttpRequest, product: int, vraag: Query[s.ParagraafVraag]) -> Any:
    p = maak_paragraaf(_haal(m.Product, "het product", pk=product), vraag.moment, vraag.jaar)
    if vraag.formaat == "html":
        return HttpResponse(als_html(p), content_type="text/html; charset=utf-8")
    if vraag.formaat == "tekst":
        return HttpResponse(als_tekst(p), content_type="text/plain; charset=utf-8")
    return p.als_dict()


@router.get(
    "/aanpakken/{int:pk}/",
    response=_antwoorden(s.AanpakUit),
    summary="Gebiedsaanpak",
    description="Gebieden, fasen, partners, interventies en doelen van één gebiedsaanpak.",
)
def aanpak(request: HttpRequest, pk: int) -> s.AanpakUit:
    return s.AanpakUit.van(_haal(m.Gebiedsaanpak, "de gebiedsaanpak", pk=pk))


@router.get(
    "/lessen/",
    response=_antwoorden(s.Lessen),
    summary="Lessen zoeken",
    description=(
        "Lessen, knelpunten en werkzame interventies uit het lerend netwerk; zoeken in de volledige tekst."
    ),
)
def lessen(request: HttpRequest, zoek: Query[s.LessenZoek]) -> s.Lessen:
    gevonden = d.lessen_zoeken(zoek.q, aanpak_id=zoek.aanpak, soort=zoek.soort, thema=zoek.thema)
    return s.Lessen(lessen=[s.LesUit.van(x) for x in gevonden])


@router.get(
    "/audit/",
    response=_antwoorden(s.Audit),
    summary="Auditlog",
    description="De laatste 200 wijzigingen: wie, wanneer, welk object, en de oude en nieuwe waarden.",
)
def audit(request: HttpRequest) -> s.Audit:
    regels = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:200]
    return s.Audit(
        wijzigingen=[
            s.WijzigingUit(
                wie=r.actor.get_username() if r.actor else None,
                wanneer=r.timestamp.isoformat(),
                object=f"{r.content_type.model} {r.object_pk}",
                actie=r.get_action_display(),
                wijzigingen=r.changes_dict,
            )
            for r in regels
        ]
    )


@router.get(
    "/excel/sjabloon/",
    summary="Leeg Excel-sjabloon",
    description="Een leeg werkboek met de bladen Doelen, Indicatoren, Metingen en Uitleg.",
    openapi_extra=_bestand("Excel-bestand (.xlsx)"),
)
def excel_sjabloon(request: HttpRequest) -> HttpResponse:
    return _download(excel.als_bytes(None), "doelenboom-sjabloon.xlsx")


@router.get(
    "/excel/{kader}/",
    summary="Doelenboom naar Excel",
    description="De doelen, indicatoren en metingen van een beleidskader als Excel-werkboek.",
    openapi_extra=_bestand("Excel-bestand (.xlsx)"),
)
def excel_export(request: HttpRequest, kader: str) -> HttpResponse:
    k = _haal(m.Beleidskader, "het beleidskader", afkorting=kader)
    return _download(excel.als_bytes(k), f"doelenboom-{kader}.xlsx")


# --- writing -------------------------------------------------------------------------------------


@router.post(
    "/doelen/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Doel toevoegen",
    description="Een doel in de doelenboom, onder het doel met code 'ouder' (een niveau hoger).",
)
def doel_maken(request: HttpRequest, gegevens: s.DoelIn) -> Status[s.Aangemaakt]:
    kader = _haal(m.Beleidskader, "het beleidskader", "kader", afkorting=gegevens.kader)
    ouder = (
        _haal(kader.doelen.all(), "het bovenliggende doel", "ouder", code=gegevens.ouder)
        if gegevens.ouder
        else None
    )
    velden = gegevens.model_dump(include={"niveau", "code", "titel"})
    return _aangemaakt(d.doel_aanmaken(request.user, kader=kader, ouder=ouder, **velden))


@router.post(
    "/indicatoren/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Indicator toevoegen",
    description=(
        "Een indicator bij een doel, met basis- en streefwaarde. Met bron=opslag vult hij zijn "
        "metingen meteen uit de indicatorenopslag (maat waarde, verschil of effect)."
    ),
)
def indicator_maken(request: HttpRequest, gegevens: s.IndicatorIn) -> Status[s.Aangemaakt]:
    doel = _haal(m.Doel, "het doel", "doel", pk=gegevens.doel)
    velden = gegevens.model_dump(exclude={"doel"})
    return _aangemaakt(d.indicator_aanmaken(request.user, doel=doel, **velden))


@router.post(
    "/indicatoren/{int:pk}/metingen/",
    response=_antwoorden(s.MetingAangemaakt, 201),
    summary="Meting invoeren",
    description="Een meting op een datum (een bestaande meting op die datum wordt overschreven).",
)
def meting_maken(request: HttpRequest, pk: int, gegevens: s.MetingIn) -> Status[s.MetingAangemaakt]:
    ind = _haal(m.Indicator, "de indicator", pk=pk)
    meting = d.meting_invoeren(request.user, ind, gegevens.datum, gegevens.waarde, gegevens.opmerking)
    return Status(201, s.MetingAangemaakt(id=meting.pk, status=s.IndicatorStatus.van(ind)))


@router.post(
    "/indicatoren/{int:pk}/status/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Status handmatig vaststellen",
    description="Overschrijft de berekende status, met een verplichte motivatie; de geschiedenis blijft.",
)
def status_maken(request: HttpRequest, pk: int, gegevens: s.StatusIn) -> Status[s.Aangemaakt]:
    ind = _haal(m.Indicator, "de indicator", pk=pk)
    return _aangemaakt(d.status_overschrijven(request.user, ind, gegevens.status, gegevens.motivatie))


@router.post(
    "/indicatoren/{int:pk}/vullen/",
    response=_antwoorden(s.Gevuld, 201),
    summary="Metingen uit de opslag halen",
    description="Vult de metingen van een indicator met bron=opslag opnieuw uit de indicatorenopslag.",
)
def opslag_vullen(request: HttpRequest, pk: int) -> Status[s.Gevuld]:
    metingen = d.vul_uit_opslag(request.user, _haal(m.Indicator, "de indicator", pk=pk))
    return Status(201, s.Gevuld(metingen=len(metingen)))


@router.post(
    "/producten/{int:product}/begroting/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Begrotingsregel toevoegen",
    description="Begroting, realisatie of een mutatie (overheveling, bijstelling) bij een P&C-moment.",
)
def begroting_maken(request: HttpRequest, product: int, gegevens: s.BegrotingIn) -> Status[s.Aangemaakt]:
    p = _haal(m.Product, "het product", pk=product)
    return _aangemaakt(d.begrotingsregel_toevoegen(request.user, p, **gegevens.model_dump()))


@router.post(
    "/producten/{int:product}/rapportage/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Rapportage vastleggen",
    description=(
        "Kwaliteit, tijd en geld (groen, oranje, rood) met toelichting; alleen de meegestuurde velden."
    ),
)
def rapportage_maken(request: HttpRequest, product: int, gegevens: s.RapportageIn) -> Status[s.Aangemaakt]:
    p = _haal(m.Product, "het product", pk=product)
    velden = gegevens.model_dump(exclude={"moment", "jaar"}, exclude_none=True)
    return _aangemaakt(d.rapportage_vastleggen(request.user, p, gegevens.moment, gegevens.jaar, **velden))


def _coordinatoren(ids: list[int]) -> list[Any]:
    return [_haal(get_user_model(), "de gebruiker", "coordinatoren", pk=i) for i in ids]


@router.post(
    "/aanpakken/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Gebiedsaanpak aanmaken",
    description="Een nieuwe aanpak in het nieuwste beleidskader, met gebieden, eerste fase en coördinatoren.",
)
def aanpak_maken(request: HttpRequest, gegevens: s.AanpakIn) -> Status[s.Aangemaakt]:
    kader = m.Beleidskader.objects.order_by("-einde", "id").first()
    if kader is None:
        raise NietGevonden("er is nog geen beleidskader om de aanpak onder te hangen")
    velden = gegevens.model_dump(exclude={"coordinatoren"})
    coordinatoren = _coordinatoren(gegevens.coordinatoren)
    return _aangemaakt(d.aanpak_aanmaken(request.user, kader, coordinatoren=coordinatoren, **velden))


@router.post(
    "/aanpakken/{int:pk}/wijzigen/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Gebiedsaanpak wijzigen",
    description=(
        "Naam, gebieden (regiocodes), budget of coördinatoren; lege of ontbrekende velden blijven "
        "ongewijzigd."
    ),
)
def aanpak_wijzigen(request: HttpRequest, pk: int, gegevens: s.AanpakWijzigingIn) -> Status[s.Aangemaakt]:
    a = _haal(m.Gebiedsaanpak, "de gebiedsaanpak", pk=pk)
    velden = gegevens.model_dump(exclude_none=True)
    if gegevens.coordinatoren is not None:
        velden["coordinatoren"] = _coordinatoren(gegevens.coordinatoren)
    return _aangemaakt(d.aanpak_bewerken(request.user, a, **velden))


@router.post(
    "/aanpakken/{int:pk}/fasen/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Fase toevoegen",
    description="Een nieuwe fase van de gebiedsaanpak, met datum en eventueel een documentverwijzing.",
)
def fase_maken(request: HttpRequest, pk: int, gegevens: s.FaseIn) -> Status[s.Aangemaakt]:
    a = _haal(m.Gebiedsaanpak, "de gebiedsaanpak", pk=pk)
    return _aangemaakt(d.fase_toevoegen(request.user, a, **gegevens.model_dump()))


@router.post(
    "/aanpakken/{int:pk}/partners/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Partner toevoegen",
    description="Een partner van de gebiedsaanpak met zijn rol.",
)
def partner_maken(request: HttpRequest, pk: int, gegevens: s.PartnerIn) -> Status[s.Aangemaakt]:
    a = _haal(m.Gebiedsaanpak, "de gebiedsaanpak", pk=pk)
    return _aangemaakt(d.partner_toevoegen(request.user, a, gegevens.naam, gegevens.rol))


@router.post(
    "/aanpakken/{int:pk}/interventies/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Interventie koppelen",
    description="Koppelt een bestaande interventie (op naam) aan de gebiedsaanpak; id is dat van de aanpak.",
)
def interventie_koppelen(request: HttpRequest, pk: int, gegevens: s.InterventieIn) -> Status[s.Aangemaakt]:
    a = _haal(m.Gebiedsaanpak, "de gebiedsaanpak", pk=pk)
    interventie = _haal(m.Interventie, "de interventie", "interventie", naam=gegevens.interventie)
    d.interventie_koppelen(request.user, a, interventie)
    return _aangemaakt(a)


@router.post(
    "/aanvragen/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Subsidieaanvraag indienen",
    description="Een aanvraag bij een regeling voor een gebied (regiocode); datum standaard vandaag.",
)
def aanvraag_maken(request: HttpRequest, gegevens: s.AanvraagIn) -> Status[s.Aangemaakt]:
    regeling = _haal(m.Regeling, "de regeling", "regeling", pk=gegevens.regeling)
    velden = gegevens.model_dump(exclude={"regeling"})
    return _aangemaakt(d.aanvraag_indienen(request.user, regeling=regeling, **velden))


@router.post(
    "/aanvragen/{int:pk}/status/",
    response=_antwoorden(s.AanvraagGewijzigd, 201),
    summary="Status van een aanvraag wijzigen",
    description=(
        "Van aangevraagd naar verleend of afgewezen, van verleend naar vastgesteld. Werkt de "
        "tellende outputindicatoren van de regeling bij."
    ),
)
def aanvraag_status(
    request: HttpRequest, pk: int, gegevens: s.AanvraagStatusIn
) -> Status[s.AanvraagGewijzigd]:
    a = _haal(m.Aanvraag, "de aanvraag", pk=pk)
    a = d.aanvraag_status(request.user, a, gegevens.status, gegevens.verleend, gegevens.datum)
    uit = s.AanvraagGewijzigd(id=a.pk, status=a.status, cofinanciering=str(a.cofinanciering))
    return Status(201, uit)


@router.post(
    "/deals/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Deal vastleggen",
    description="Een deal, ondertekend door ten minste een initiatief, een gemeente en de provincie.",
)
def deal_maken(request: HttpRequest, gegevens: s.DealIn) -> Status[s.Aangemaakt]:
    velden = gegevens.model_dump(exclude={"ondertekenaars"})
    ondertekenaars = [o.model_dump() for o in gegevens.ondertekenaars]
    return _aangemaakt(d.deal_aanmaken(request.user, ondertekenaars, **velden))


@router.post(
    "/lessen/nieuw/",
    response=_antwoorden(s.Aangemaakt, 201),
    summary="Les toevoegen",
    description="Een les, knelpunt of werkzame interventie, eventueel bij een gebiedsaanpak.",
)
def les_maken(request: HttpRequest, gegevens: s.LesIn) -> Status[s.Aangemaakt]:
    a = (
        _haal(m.Gebiedsaanpak, "de gebiedsaanpak", "aanpak", pk=gegevens.aanpak)
        if gegevens.aanpak is not None
        else None
    )
    return _aangemaakt(d.les_toevoegen(request.user, a, **gegevens.model_dump(exclude={"aanpak"})))


@router.post(
    "/excel/{kader}/import/",
    response=_antwoorden(s.Geimporteerd, 201),
    summary="Excel importeren",
    description=(
        "Leest doelen, indicatoren en metingen uit een Excel-werkboek (zoals het sjabloon). Eén fout "
        "en er wordt niets opgeslagen; de melding noemt blad, rij en kolom."
    ),
)
def excel_import(request: HttpRequest, kader: str, bestand: File[UploadedFile]) -> Status[s.Geimporteerd]:
    k = _haal(m.Beleidskader, "het beleidskader", afkorting=kader)
    return Status(201, s.Geimporteerd(**excel.importeer(request.user, k, bestand.read())))


@router.post(
    "/gebruikers/{int:pk}/rol/",
    response=_antwoorden(s.RolGezet, 201),
    summary="Rol toekennen",
    description="Geeft een gebruiker één rol: beheerder, analist, gebiedscoordinator of lezer.",
)
def rol_zetten(request: HttpRequest, pk: int, gegevens: s.RolIn) -> Status[s.RolGezet]:
    wie = _haal(get_user_model(), "de gebruiker", pk=pk)
    d.rol_toekennen(request.user, wie, gegevens.rol)
    return Status(201, s.RolGezet(id=wie.pk, rol=gegevens.rol))


api.add_router("/", router)
