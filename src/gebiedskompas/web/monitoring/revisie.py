"""Data revision for the page cache: any save, delete or many-to-many change of monitoring data
raises one counter in the database, so every server process sees the change at once."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import models as m


def huidige() -> int:
    rij = m.Revisie.objects.filter(pk=1).values_list("teller", flat=True).first()
    return int(rij or 0)


def verhoog(**_: Any) -> None:
    if not m.Revisie.objects.filter(pk=1).update(teller=F("teller") + 1):
        m.Revisie.objects.get_or_create(pk=1, defaults={"teller": 1})


def koppel() -> None:
    for model in m.GEAUDIT:
        post_save.connect(verhoog, sender=model, dispatch_uid=f"revisie-save-{model.__name__}")
        post_delete.connect(verhoog, sender=model, dispatch_uid=f"revisie-delete-{model.__name__}")
    for veld in (
        m.Gebiedsaanpak.doelen,
        m.Gebiedsaanpak.interventies,
        m.Gebiedsaanpak.coordinatoren,
        m.Product.doelen,
    ):
        m2m_changed.connect(verhoog, sender=veld.through, dispatch_uid=f"revisie-m2m-{veld.through.__name__}")
