"""JSON API over the service layer. Reading needs a login; writing needs the right role (checked
in the service layer, so the API and every other caller share one rule)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from . import diensten as d
from . import excel
from . import models as m
from .paragraaf import als_html, als_tekst, maak_paragraaf
from .rollen import rol_van

View = Callable[..., HttpResponse]


def _fout(status: int, bericht: Any) -> JsonResponse:
    return JsonResponse({"fout": bericht}, status=status)


def api(view: View) -> View:
    @wraps(view)
    def omhulsel(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _fout(401, "log eerst in")
        if rol_van(request.user) is None:
            return _fout(403, "uw account heeft geen rol; vraag de beheerder om er een toe te kennen")
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as e:
            return _fout(403, str(e))
        except ValidationError as e:
            return _fout(400, e.message_dict if hasattr(e, "error_dict") else " ".join(e.messages))
        except (KeyError, ValueError, InvalidOperation) as e:
            return _fout(400, f"ongeldige invoer: {e}")

    return omhulsel


def _gegevens(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        inhoud: dict[str, Any] = json.loads(request.body or b"{}")
        return inhoud
    return {k: v for k, v in request.POST.items()}


def _datum(waarde: Any) -> date:
    return date.fromisoformat(str(waarde))


def _bedrag(waarde: Any) -> Decimal:
    return Decimal(str(waarde).replace(",", "."))


def _ok(obj: Any, **extra: Any) -> JsonResponse:
    return JsonResponse({"id": getattr(obj, "pk", None), **extra}, status=201)


# --- reading ---------------------------------------------------------------------------------


def _doel_json(doel: m.Doel) -> dict[str, Any]:
    return {
        "id": doel.pk,
        "code": doel.code,
        "niveau": doel.niveau,
        "titel": doel.titel,
        "indicatoren": [
            {
                "id": i.pk,
                "naam": i.naam,
                "eenheid": i.eenheid,
                "maat": i.maat,
                "basis": i.basiswaarde,
                "streef": i.streefwaarde,
                **d.indicatorstatus(i),
            }
            for i in doel.indicatoren.all()
        ],
        "kinderen": [_doel_json(k) for k in doel.kinderen.all().order_by("code")],
    }


@require_GET
@api
def doelenboom(request: HttpRequest, kader: str) -> HttpResponse:
    k = get_object_or_404(m.Beleidskader, afkorting=kader)
    wortels = k.doelen.filter(ouder__isnull=True).order_by("code")
    return JsonResponse({"kader": k.naam, "doelen": [_doel_json(w) for w in wortels]})


@require_GET
@api
def paragraaf(request: HttpRequest, product: int) -> HttpResponse:
    p = maak_paragraaf(
        get_object_or_404(m.Product, pk=product), request.GET["moment"], int(request.GET["jaar"])
    )
    formaat = request.GET.get("formaat", "json")
    if formaat == "html":
        return HttpResponse(als_html(p), content_type="text/html; charset=utf-8")
    if formaat == "tekst":
        return HttpResponse(als_tekst(p), content_type="text/plain; charset=utf-8")
    return JsonResponse(p.als_dict())


@require_GET
@api
def aanpak(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(m.Gebiedsaanpak, pk=pk)
    return JsonResponse(
        {
            "naam": a.naam,
            "gemeente": a.gemeente,
            "regiocodes": a.regiocodes,
            "huidige_fase": a.huidige_fase(),
            "fasen": [
                {"fase": f.fase, "datum": f.datum.isoformat(), "document": f.document} for f in a.fasen.all()
            ],
            "partners": [{"naam": p.naam, "rol": p.rol} for p in a.partners.all()],
            "interventies": [i.naam for i in a.interventies.all()],
            "doelen": [g.code for g in a.doelen.all()],
        }
    )


@require_GET
@api
def lessen(request: HttpRequest) -> HttpResponse:
    gevonden = d.lessen_zoeken(
        request.GET.get("q", ""),
        aanpak_id=request.GET.get("aanpak"),
        soort=request.GET.get("soort"),
        thema=request.GET.get("thema"),
    )
    return JsonResponse(
        {
            "lessen": [
                {
                    "id": x.pk,
                    "soort": x.soort,
                    "titel": x.titel,
                    "tekst": x.tekst,
                    "auteur": x.auteur.get_username(),
                    "datum": x.datum.isoformat(),
                    "aanpak": x.aanpak.naam if x.aanpak else None,
                }
                for x in gevonden
            ]
        }
    )


@require_GET
@api
def audit(request: HttpRequest) -> HttpResponse:
    regels = LogEntry.objects.all().order_by("-timestamp")[:200]
    return JsonResponse(
        {
            "wijzigingen": [
                {
                    "wie": r.actor.get_username() if r.actor else None,
                    "wanneer": r.timestamp.isoformat(),
                    "object": f"{r.content_type.model} {r.object_pk}",
                    "actie": r.get_action_display(),
                    "wijzigingen": r.changes_dict,
                }
                for r in regels
            ]
        }
    )


@require_GET
@api
def excel_sjabloon(request: HttpRequest) -> HttpResponse:
    return _xlsx(excel.als_bytes(None), "doelenboom-sjabloon.xlsx")


@require_GET
@api
def excel_export(request: HttpRequest, kader: str) -> HttpResponse:
    return _xlsx(
        excel.als_bytes(get_object_or_404(m.Beleidskader, afkorting=kader)), f"doelenboom-{kader}.xlsx"
    )


def _xlsx(inhoud: bytes, naam: str) -> HttpResponse:
    antwoord = HttpResponse(
        inhoud, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    antwoord["Content-Disposition"] = f'attachment; filename="{naam}"'
    return antwoord


# --- writing ---------------------------------------------------------------------------------


@require_POST
@api
def doel_maken(request: HttpRequest) -> HttpResponse:
    g = _gegevens(request)
    kader = get_object_or_404(m.Beleidskader, afkorting=g["kader"])
    ouder = kader.doelen.get(code=g["ouder"]) if g.get("ouder") else None
    return _ok(
        d.doel_aanmaken(
            request.user, kader=kader, ouder=ouder, niveau=g["niveau"], code=g["code"], titel=g["titel"]
        )
    )


@require_POST
@api
def indicator_maken(request: HttpRequest) -> HttpResponse:
    g = _gegevens(request)
    codes = g.get("regiocodes") or []
    return _ok(
        d.indicator_aanmaken(
            request.user,
            doel=get_object_or_404(m.Doel, pk=g["doel"]),
            naam=g["naam"],
            eenheid=g["eenheid"],
            richting=g.get("richting", "hoger_is_beter"),
            basiswaarde=float(g["basiswaarde"]),
            basisdatum=_datum(g["basisdatum"]),
            streefwaarde=float(g["streefwaarde"]),
            streefdatum=_datum(g["streefdatum"]),
            bron=g.get("bron", "handmatig"),
            opslag_indicator=g.get("opslag_indicator", ""),
            regiocodes=codes.split(",") if isinstance(codes, str) else codes,
            maat=g.get("maat", "waarde"),
            referentie=g.get("referentie", "nl"),
            startjaar=int(g["startjaar"]) if g.get("startjaar") not in (None, "") else None,
        )
    )


@require_POST
@api
def meting_maken(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    ind = get_object_or_404(m.Indicator, pk=pk)
    return _ok(
        d.meting_invoeren(request.user, ind, _datum(g["datum"]), float(g["waarde"]), g.get("opmerking", "")),
        status=d.indicatorstatus(ind),
    )


@require_POST
@api
def status_maken(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    ind = get_object_or_404(m.Indicator, pk=pk)
    return _ok(d.status_overschrijven(request.user, ind, g["status"], g.get("motivatie", "")))


@require_POST
@api
def opslag_vullen(request: HttpRequest, pk: int) -> HttpResponse:
    metingen = d.vul_uit_opslag(request.user, get_object_or_404(m.Indicator, pk=pk))
    return JsonResponse({"metingen": len(metingen)}, status=201)


@require_POST
@api
def begroting_maken(request: HttpRequest, product: int) -> HttpResponse:
    g = _gegevens(request)
    return _ok(
        d.begrotingsregel_toevoegen(
            request.user,
            get_object_or_404(m.Product, pk=product),
            jaar=int(g["jaar"]),
            soort=g["soort"],
            moment=g.get("moment", ""),
            bedrag=_bedrag(g["bedrag"]),
            reden=g["reden"],
        )
    )


@require_POST
@api
def rapportage_maken(request: HttpRequest, product: int) -> HttpResponse:
    g = _gegevens(request)
    velden = {
        k: g[k]
        for k in (
            "kwaliteit",
            "tijd",
            "geld",
            "kwaliteit_toelichting",
            "tijd_toelichting",
            "geld_toelichting",
        )
        if k in g
    }
    return _ok(
        d.rapportage_vastleggen(
            request.user, get_object_or_404(m.Product, pk=product), g["moment"], int(g["jaar"]), **velden
        )
    )


@require_POST
@api
def aanpak_wijzigen(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    velden = {k: g[k] for k in ("naam", "regiocodes") if k in g}
    if "budget" in g:
        velden["budget"] = _bedrag(g["budget"])
    return _ok(d.aanpak_bewerken(request.user, get_object_or_404(m.Gebiedsaanpak, pk=pk), **velden))


@require_POST
@api
def fase_maken(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    return _ok(
        d.fase_toevoegen(
            request.user,
            get_object_or_404(m.Gebiedsaanpak, pk=pk),
            fase=g["fase"],
            datum=_datum(g["datum"]),
            document=g.get("document", ""),
        )
    )


@require_POST
@api
def partner_maken(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    return _ok(
        d.partner_toevoegen(request.user, get_object_or_404(m.Gebiedsaanpak, pk=pk), g["naam"], g["rol"])
    )


@require_POST
@api
def interventie_koppelen(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    aanpak_obj = get_object_or_404(m.Gebiedsaanpak, pk=pk)
    d.interventie_koppelen(request.user, aanpak_obj, get_object_or_404(m.Interventie, naam=g["interventie"]))
    return _ok(aanpak_obj)


@require_POST
@api
def aanvraag_maken(request: HttpRequest) -> HttpResponse:
    g = _gegevens(request)
    return _ok(
        d.aanvraag_indienen(
            request.user,
            regeling=get_object_or_404(m.Regeling, pk=g["regeling"]),
            aanvrager=g["aanvrager"],
            gebied=g["gebied"],
            omschrijving=g.get("omschrijving", ""),
            gevraagd=_bedrag(g["gevraagd"]),
            datum=_datum(g.get("datum") or date.today().isoformat()),
        )
    )


@require_POST
@api
def aanvraag_status(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    verleend = _bedrag(g["verleend"]) if g.get("verleend") not in (None, "") else None
    a = d.aanvraag_status(
        request.user,
        get_object_or_404(m.Aanvraag, pk=pk),
        g["status"],
        verleend,
        _datum(g["datum"]) if g.get("datum") else None,
    )
    return _ok(a, status=a.status, cofinanciering=str(a.cofinanciering))


@require_POST
@api
def deal_maken(request: HttpRequest) -> HttpResponse:
    g = _gegevens(request)
    return _ok(
        d.deal_aanmaken(
            request.user,
            g.get("ondertekenaars") or [],
            naam=g["naam"],
            soort=g.get("soort", "vraaggestuurd"),
            omschrijving=g.get("omschrijving", ""),
            datum=_datum(g.get("datum") or date.today().isoformat()),
        )
    )


@require_POST
@api
def les_maken(request: HttpRequest) -> HttpResponse:
    g = _gegevens(request)
    aanpak_obj = get_object_or_404(m.Gebiedsaanpak, pk=g["aanpak"]) if g.get("aanpak") else None
    return _ok(
        d.les_toevoegen(
            request.user,
            aanpak_obj,
            soort=g["soort"],
            titel=g["titel"],
            tekst=g["tekst"],
            thema=g.get("thema", ""),
        )
    )


@require_POST
@api
def excel_import(request: HttpRequest, kader: str) -> HttpResponse:
    bestand = request.FILES["bestand"]
    aantallen = excel.importeer(
        request.user, get_object_or_404(m.Beleidskader, afkorting=kader), bestand.read()
    )
    return JsonResponse(aantallen, status=201)


@require_POST
@api
def rol_zetten(request: HttpRequest, pk: int) -> HttpResponse:
    g = _gegevens(request)
    wie = get_object_or_404(get_user_model(), pk=pk)
    d.rol_toekennen(request.user, wie, g["rol"])
    return _ok(wie, rol=g["rol"])
