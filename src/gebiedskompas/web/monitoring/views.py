"""Plain Django views next to the ninja API (api.py): the API documentation page with Swagger UI
served from the files django-ninja ships, so the page works offline (no CDN)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, json_script
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

SWAGGER_MAP = Path(ninja.__file__).parent / "static" / "ninja"
SWAGGER_BESTANDEN = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.svg", "favicon.png"}
)
PAGINA = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{titel}</title>
<link rel="stylesheet" href="{css}">
<link rel="icon" href="{icoon}" type="image/svg+xml">
</head>
<body data-csrf-token="{token}" data-api-csrf="true">
{instellingen}
<div id="swagger-ui"></div>
<script src="{bundel}"></script>
<script src="{start}"></script>
</body>
</html>
"""


def _bestand_url(naam: str) -> str:
    return reverse("api-docs-bestand", kwargs={"naam": naam})


class LokaleSwagger(DocsBase):
    """Swagger UI from django-ninja's bundled files; the online validator badge is switched off."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        instellingen = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,
        }
        return HttpResponse(
            format_html(
                PAGINA,
                titel=api.title,
                css=_bestand_url("swagger-ui.css"),
                icoon=_bestand_url("favicon.svg"),
                token=get_token(request),
                instellingen=json_script(instellingen, "swagger-settings"),
                bundel=_bestand_url("swagger-ui-bundle.js"),
                start=_bestand_url("swagger-ui-init.js"),
            )
        )


def docs_bestand(request: HttpRequest, naam: str) -> FileResponse:
    """One of Swagger UI's own files (a fixed list: no other path can be asked for)."""
    if naam not in SWAGGER_BESTANDEN:
        raise Http404(naam)
    antwoord = FileResponse((SWAGGER_MAP / naam).open("rb"))
    antwoord["Cache-Control"] = "public, max-age=86400"
    return antwoord


def niet_gevonden(request: HttpRequest, pad: str = "") -> JsonResponse:
    """Unknown addresses under /api/ answer in the API's own error shape."""
    melding = f"het adres {request.path} bestaat niet in de API; zie /api/docs"
    fout = {"veld": None, "waarde": None, "verwacht": None, "melding": melding}
    return JsonResponse({"fouten": [fout]}, status=404)


def als_json_405(antwoord: HttpResponse) -> HttpResponse:
    """ninja's plain-text 405 in the API's error shape, keeping the Allow header."""
    melding = f"deze methode is hier niet toegestaan; wel: {antwoord['Allow']}"
    fout = {"veld": None, "waarde": None, "verwacht": antwoord["Allow"], "melding": melding}
    nieuw = HttpResponse(json.dumps({"fouten": [fout]}), status=405, content_type="application/json")
    nieuw["Allow"] = antwoord["Allow"]
    return nieuw
