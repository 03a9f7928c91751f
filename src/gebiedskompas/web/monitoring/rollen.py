"""Roles and what each may change.

- beheerder: everything, including users and roles;
- analist: edits everything except users;
- gebiedscoordinator: edits only their own area programme (phases, partners, interventions,
  its data) and the lessons of that programme; who coordinates a programme is decided by an
  analist or beheerder, and so is what is published on the open site (``publiceren``);
- lezer: reads only.
Every write goes through ``eis``; views and services both call it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

ROLLEN = ["beheerder", "analist", "gebiedscoordinator", "lezer"]

SCHRIJFACTIES = [
    "doel_aanmaken",
    "indicator_aanmaken",
    "meting_invoeren",
    "status_overschrijven",
    "opslag_vullen",
    "begrotingsregel_toevoegen",
    "rapportage_vastleggen",
    "aanpak_aanmaken",
    "aanpak_bewerken",
    "coordinatoren_toewijzen",
    "publiceren",
    "fase_toevoegen",
    "partner_toevoegen",
    "interventie_koppelen",
    "aanvraag_indienen",
    "aanvraag_status",
    "deal_aanmaken",
    "les_toevoegen",
    "excel_importeren",
    "rol_toekennen",
]
AANPAKACTIES = {
    "aanpak_bewerken",
    "fase_toevoegen",
    "partner_toevoegen",
    "interventie_koppelen",
    "les_toevoegen",
}
ALLEEN_BEHEERDER = {"rol_toekennen"}


def rol_van(gebruiker: Any) -> str | None:
    if gebruiker is None or not gebruiker.is_authenticated:
        return None
    if gebruiker.is_superuser:
        return "beheerder"
    groepen = set(gebruiker.groups.values_list("name", flat=True))
    return next((r for r in ROLLEN if r in groepen), None)


def mag(gebruiker: Any, actie: str, aanpak: Any = None) -> bool:
    rol = rol_van(gebruiker)
    if rol == "beheerder":
        return True
    if rol == "analist":
        return actie not in ALLEEN_BEHEERDER
    if rol == "gebiedscoordinator":
        return (
            actie in AANPAKACTIES
            and aanpak is not None
            and aanpak.coordinatoren.filter(pk=gebruiker.pk).exists()
        )
    return False


def rechten(gebruiker: Any, *acties: str, aanpak: Any = None) -> dict[str, bool]:
    """``mag`` for several actions at once, with one look-up of the role (a page shows many forms)."""
    rol = rol_van(gebruiker)
    if rol in ("beheerder", "analist"):
        return {a: rol == "beheerder" or a not in ALLEEN_BEHEERDER for a in acties}
    eigen = (
        rol == "gebiedscoordinator"
        and aanpak is not None
        and any(a in AANPAKACTIES for a in acties)
        and aanpak.coordinatoren.filter(pk=gebruiker.pk).exists()
    )
    return {a: eigen and a in AANPAKACTIES for a in acties}


def eis(gebruiker: Any, actie: str, aanpak: Any = None) -> None:
    if actie not in SCHRIJFACTIES:
        raise ValueError(f"onbekende actie {actie}")
    if not mag(gebruiker, actie, aanpak):
        rol = rol_van(gebruiker) or "geen rol"
        waar = f" voor '{aanpak}'" if aanpak is not None else ""
        raise PermissionDenied(f"uw rol ({rol}) mag '{actie.replace('_', ' ')}'{waar} niet uitvoeren")
