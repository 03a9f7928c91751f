"""``{% load openbaar %}{% publicatie run.naam %}``: on the analysis page, whether the analysis is
public (with its open address) and, for analist and beheerder, the button to publish or withdraw it."""

from __future__ import annotations

from typing import Any

from django import template

from .... import opendata
from ...monitoring.rollen import rol_van
from .. import runs
from ..openbaar import PUBLICEERDERS

register = template.Library()


@register.inclusion_tag("site/_open_publicatie.html", takes_context=True)
def publicatie(context: dict[str, Any], naam: str) -> dict[str, Any]:
    request = context["request"]
    return {
        "naam": naam,
        "publicatie": opendata.publicatie(runs.runmap(), naam),
        "mag": rol_van(request.user) in PUBLICEERDERS,
        "csrf_token": context.get("csrf_token"),
    }
