"""Everything under /api/: the ninja API (api.py), its documentation files, and a JSON 404 for
unknown addresses."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, re_path

from . import views as v
from .api import api


def _uniforme_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps ninja's csrf_exempt mark: the API's session auth does the CSRF check
    def omhulsel(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        antwoord = view(request, *args, **kwargs)
        return v.als_json_405(antwoord) if isinstance(antwoord, HttpResponseNotAllowed) else antwoord

    return omhulsel


def _api_patronen() -> list[URLPattern | URLResolver]:
    patronen, _, _ = api.urls
    for patroon in patronen:
        if isinstance(patroon, URLPattern):
            patroon.callback = _uniforme_405(patroon.callback)
    return patronen


urlpatterns = [
    path("docs/bestanden/<str:naam>", v.docs_bestand, name="api-docs-bestand"),
    path("", (_api_patronen(), "ninja", "api")),
    re_path(r"^(?P<pad>.*/)$", v.niet_gevonden),
]
