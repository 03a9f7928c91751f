"""Monitoring data: doelenboom, products and P&C, area programmes, subsidies, lerend netwerk."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

NIVEAUS = [("impact", "Impact"), ("outcome", "Outcome"), ("output", "Output"), ("activiteit", "Activiteit")]
NIVEAU_VOLGORDE = [n for n, _ in NIVEAUS]
RICHTINGEN = [("hoger_is_beter", "Hoger is beter"), ("hoger_is_slechter", "Hoger is slechter")]
BRONNEN = [("handmatig", "Handmatig"), ("opslag", "Indicatorenopslag"), ("aanvragen", "Aanvragen (telling)")]
# What an indicator from the store measures: the value in its areas, the gap between its areas and
# a reference ("trendbreuk": Limburg minus Nederland), or the effect of a programme on its areas.
MATEN = [
    ("waarde", "Waarde in de gebieden"),
    ("verschil", "Verschil met een referentie (trendbreuk)"),
    ("effect", "Effect van de aanpak (tegen vergelijkbare gebieden)"),
]
REFERENTIES = [("nl", "Nederland"), ("stedelijkheid", "Eigen stedelijkheidsklasse")]
# The kind of target: a level to reach (30 projects), a relative change of the baseline in %
# ("5% more users": streefwaarde 5), or only a direction ("more than in 2023": no streefwaarde).
STREEFSOORTEN = [
    ("niveau", "Niveau (absolute waarde)"),
    ("relatief", "Relatieve verandering ten opzichte van de basis (%)"),
    ("richting", "Beter dan de basis (zonder getal)"),
]
MOMENTEN = [
    ("voorjaarsnota", "Voorjaarsnota"),
    ("najaarsnota", "Najaarsnota"),
    ("jaarstukken", "Jaarstukken"),
]
KLEUREN = [("groen", "Groen"), ("oranje", "Oranje"), ("rood", "Rood")]
REGELSOORTEN = [
    ("begroting", "Begroting"),
    ("realisatie", "Realisatie"),
    ("overheveling", "Overheveling"),
    ("bijstelling", "Bijstelling"),
]
MUTATIES = {"overheveling", "bijstelling"}
FASEN = [
    ("selectie", "Selectie"),
    ("intentieovereenkomst", "Intentieovereenkomst"),
    ("samenwerkingsplan", "Samenwerkings-/uitvoeringsplan"),
    ("governance", "Governance"),
    ("uitvoering", "Uitvoering"),
]
AANVRAAGSTATUS = [
    ("aangevraagd", "Aangevraagd"),
    ("verleend", "Verleend"),
    ("afgewezen", "Afgewezen"),
    ("vastgesteld", "Vastgesteld"),
]
OVERGANGEN = {"aangevraagd": {"verleend", "afgewezen"}, "verleend": {"vastgesteld"}}
TELT_MEE = {"verleend", "vastgesteld"}
ONDERTEKENAARS = [
    ("initiatief", "Initiatief"),
    ("gemeente", "Gemeente"),
    ("provincie", "Provincie"),
    ("overig", "Overig"),
]
LESSOORTEN = [("les", "Geleerde les"), ("knelpunt", "Knelpunt"), ("interventie", "Werkzame interventie")]


class Beleidskader(models.Model):
    naam = models.CharField(max_length=200)
    afkorting = models.CharField(max_length=20, unique=True)
    provincie = models.CharField(max_length=4, default="PV31")
    begin = models.PositiveIntegerField()
    einde = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "beleidskaders"

    def __str__(self) -> str:
        return self.naam


class Doel(models.Model):
    kader = models.ForeignKey(Beleidskader, on_delete=models.CASCADE, related_name="doelen")
    ouder = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="kinderen"
    )
    niveau = models.CharField(max_length=12, choices=NIVEAUS)
    code = models.CharField(max_length=20)
    titel = models.CharField(max_length=400)
    omschrijving = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        unique_together = [("kader", "code")]
        verbose_name_plural = "doelen"

    def __str__(self) -> str:
        return f"{self.code} {self.titel}"

    def clean(self) -> None:
        if self.niveau == "impact" and self.ouder is not None:
            raise ValidationError({"ouder": "een impactdoel heeft geen bovenliggend doel"})
        if self.niveau != "impact":
            if self.ouder is None:
                raise ValidationError({"ouder": f"een {self.niveau}-doel hoort onder een bovenliggend doel"})
            verwacht = NIVEAU_VOLGORDE[NIVEAU_VOLGORDE.index(self.niveau) - 1]
            if self.ouder.niveau != verwacht:
                raise ValidationError(
                    {
                        "ouder": f"een {self.niveau}-doel hoort onder een {verwacht}-doel, "
                        f"niet onder een {self.ouder.niveau}-doel"
                    }
                )


class Regeling(models.Model):
    naam = models.CharField(max_length=200)
    maximum = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cofinancieringsfactor = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Bijdrage van een fonds per euro subsidie (1 = het fonds verdubbelt)",
    )

    class Meta:
        verbose_name_plural = "regelingen"

    def __str__(self) -> str:
        return self.naam


class Indicator(models.Model):
    doel = models.ForeignKey(Doel, on_delete=models.CASCADE, related_name="indicatoren")
    naam = models.CharField(max_length=300)
    eenheid = models.CharField(max_length=50)
    richting = models.CharField(max_length=20, choices=RICHTINGEN, default="hoger_is_beter")
    basiswaarde = models.FloatField(null=True, blank=True, help_text="Leeg: nog vast te stellen.")
    basisdatum = models.DateField()
    basisbron = models.CharField(
        max_length=300, blank=True, help_text="Waar de basiswaarde vandaan komt (bron, golf)."
    )
    streefsoort = models.CharField(max_length=10, choices=STREEFSOORTEN, default="niveau")
    streefwaarde = models.FloatField(null=True, blank=True)
    streefdatum = models.DateField()
    bron = models.CharField(max_length=12, choices=BRONNEN, default="handmatig")
    opslag_indicator = models.CharField(max_length=120, blank=True)
    regiocodes = models.JSONField(default=list, blank=True)
    maat = models.CharField(max_length=12, choices=MATEN, default="waarde")
    referentie = models.CharField(max_length=16, choices=REFERENTIES, default="nl", blank=True)
    startjaar = models.PositiveIntegerField(null=True, blank=True)
    regeling = models.ForeignKey(
        Regeling, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicatoren"
    )
    toelichting = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "indicatoren"

    def __str__(self) -> str:
        return self.naam

    def clean(self) -> None:
        if self.streefdatum and self.basisdatum and self.streefdatum <= self.basisdatum:
            raise ValidationError(
                {
                    "streefdatum": f"de streefdatum ({self.streefdatum}) ligt niet na de basisdatum "
                    f"({self.basisdatum})"
                }
            )
        if self.bron == "opslag" and (not self.opslag_indicator or not self.regiocodes):
            raise ValidationError(
                {"bron": "een indicator uit de opslag heeft een indicator-id en regiocodes nodig"}
            )
        if self.maat != "waarde" and self.bron != "opslag":
            raise ValidationError(
                {"maat": "een verschil of effect wordt berekend uit de indicatorenopslag (bron)"}
            )
        if self.maat == "effect" and not self.startjaar:
            raise ValidationError({"startjaar": "een effect heeft het startjaar van de aanpak nodig"})
        if self.bron == "aanvragen" and self.regeling is None:
            raise ValidationError({"regeling": "een telling van aanvragen hoort bij een regeling"})
        if self.streefsoort != "richting" and self.streefwaarde is None:
            raise ValidationError(
                {"streefwaarde": f"een doel van soort '{self.streefsoort}' heeft een streefwaarde"}
            )


class Meting(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="metingen")
    datum = models.DateField()
    waarde = models.FloatField()
    bron = models.CharField(max_length=12, choices=BRONNEN, default="handmatig")
    opmerking = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["indicator", "datum"]
        unique_together = [("indicator", "datum")]
        verbose_name_plural = "metingen"


class StatusOverride(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="overrides")
    status = models.CharField(max_length=20)
    motivatie = models.TextField()
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    op = models.DateTimeField(auto_now_add=True)
    actief = models.BooleanField(default=True)

    class Meta:
        ordering = ["-op", "-id"]


class Product(models.Model):
    kader = models.ForeignKey(Beleidskader, on_delete=models.CASCADE, related_name="producten")
    code = models.CharField(max_length=20)
    naam = models.CharField(max_length=300)
    doelen = models.ManyToManyField(Doel, blank=True, related_name="producten")

    class Meta:
        unique_together = [("kader", "code")]
        verbose_name_plural = "producten"

    def __str__(self) -> str:
        return f"{self.code} {self.naam}"


class Begrotingsregel(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="regels")
    jaar = models.PositiveIntegerField()
    soort = models.CharField(max_length=14, choices=REGELSOORTEN)
    moment = models.CharField(max_length=14, choices=MOMENTEN, blank=True)
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    reden = models.CharField(max_length=400)

    class Meta:
        ordering = ["jaar", "id"]
        verbose_name_plural = "begrotingsregels"

    def clean(self) -> None:
        if self.soort not in MUTATIES and self.bedrag is not None and self.bedrag < 0:
            raise ValidationError(
                {
                    "bedrag": f"een {self.soort} kan niet negatief zijn ({self.bedrag}); alleen "
                    "mutaties (overheveling, bijstelling) mogen negatief zijn"
                }
            )
        if self.soort in MUTATIES and not self.moment:
            raise ValidationError({"moment": "een mutatie hoort bij een rapportagemoment"})


class Rapportage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="rapportages")
    moment = models.CharField(max_length=14, choices=MOMENTEN)
    jaar = models.PositiveIntegerField()
    kwaliteit = models.CharField(max_length=6, choices=KLEUREN)
    kwaliteit_toelichting = models.TextField(blank=True)
    tijd = models.CharField(max_length=6, choices=KLEUREN)
    tijd_toelichting = models.TextField(blank=True)
    geld = models.CharField(max_length=6, choices=KLEUREN)
    geld_toelichting = models.TextField(blank=True)

    class Meta:
        unique_together = [("product", "moment", "jaar")]
        verbose_name_plural = "rapportages"


class Interventie(models.Model):
    naam = models.CharField(max_length=200, unique=True)
    omschrijving = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "interventies"

    def __str__(self) -> str:
        return self.naam


class Gebiedsaanpak(models.Model):
    kader = models.ForeignKey(Beleidskader, on_delete=models.CASCADE, related_name="aanpakken")
    naam = models.CharField(max_length=200)
    gemeente = models.CharField(max_length=6)
    soort = models.CharField(max_length=10, choices=[("wijk", "Wijkaanpak"), ("dorp", "Dorpenaanpak")])
    regiocodes = models.JSONField(default=list)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    doelen = models.ManyToManyField(Doel, blank=True, related_name="aanpakken")
    interventies = models.ManyToManyField(Interventie, blank=True, related_name="aanpakken")
    coordinatoren = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="aanpakken")
    deel_van = models.CharField(
        max_length=10,
        blank=True,
        help_text="Regiocode van het grotere gebied waarvan het programmagebied maar een deel is; "
        "leeg als de regiocodes het gebied precies beslaan.",
    )
    openbaar = models.BooleanField(
        default=False,
        help_text="Openbaar: de programmapagina staat voor iedereen leesbaar onder /open/.",
    )

    class Meta:
        verbose_name_plural = "gebiedsaanpakken"

    def __str__(self) -> str:
        return self.naam

    def huidige_fase(self) -> str | None:
        laatste = self.fasen.order_by("-datum", "-id").first()
        return laatste.fase if laatste else None


class Fase(models.Model):
    aanpak = models.ForeignKey(Gebiedsaanpak, on_delete=models.CASCADE, related_name="fasen")
    fase = models.CharField(max_length=20, choices=FASEN)
    datum = models.DateField()
    document = models.CharField(max_length=300, blank=True)
    opmerking = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["aanpak", "datum", "id"]
        verbose_name_plural = "fasen"


class Partner(models.Model):
    aanpak = models.ForeignKey(Gebiedsaanpak, on_delete=models.CASCADE, related_name="partners")
    naam = models.CharField(max_length=200)
    rol = models.CharField(max_length=200)

    class Meta:
        verbose_name_plural = "partners"


class Aanvraag(models.Model):
    regeling = models.ForeignKey(Regeling, on_delete=models.PROTECT, related_name="aanvragen")
    aanvrager = models.CharField(max_length=200)
    gebied = models.CharField(max_length=10)
    omschrijving = models.CharField(max_length=400, blank=True)
    gevraagd = models.DecimalField(max_digits=14, decimal_places=2)
    verleend = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=12, choices=AANVRAAGSTATUS, default="aangevraagd")
    datum = models.DateField()

    class Meta:
        verbose_name_plural = "aanvragen"

    @property
    def cofinanciering(self) -> Decimal:
        return (self.verleend or Decimal("0")) * self.regeling.cofinancieringsfactor

    def clean(self) -> None:
        for veld in ("gevraagd", "verleend"):
            waarde = getattr(self, veld)
            if waarde is not None and waarde < 0:
                raise ValidationError({veld: f"bedrag kan niet negatief zijn ({waarde})"})
        maximum = self.regeling.maximum if self.regeling_id else None
        if maximum is not None and self.verleend is not None and self.verleend > maximum:
            raise ValidationError(
                {
                    "verleend": f"verleend bedrag {self.verleend} is hoger dan het maximum van de "
                    f"regeling ({maximum})"
                }
            )


class Deal(models.Model):
    naam = models.CharField(max_length=200)
    omschrijving = models.TextField(blank=True)
    soort = models.CharField(
        max_length=14, choices=[("thematisch", "Thematisch"), ("vraaggestuurd", "Vraaggestuurd")]
    )
    datum = models.DateField()

    class Meta:
        verbose_name_plural = "deals"


class Ondertekenaar(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="ondertekenaars")
    naam = models.CharField(max_length=200)
    soort = models.CharField(max_length=12, choices=ONDERTEKENAARS)

    class Meta:
        verbose_name_plural = "ondertekenaars"


class Les(models.Model):
    soort = models.CharField(max_length=12, choices=LESSOORTEN)
    titel = models.CharField(max_length=200)
    tekst = models.TextField()
    aanpak = models.ForeignKey(
        Gebiedsaanpak, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessen"
    )
    thema = models.CharField(max_length=100, blank=True)
    doel = models.ForeignKey(Doel, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessen")
    interventie = models.ForeignKey(
        Interventie, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessen"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lessen")
    datum = models.DateField()
    openbaar = models.BooleanField(
        default=False,
        help_text="Openbaar: de les staat (zonder auteur) voor iedereen leesbaar onder /open/.",
    )

    class Meta:
        ordering = ["-datum", "-id"]
        verbose_name_plural = "lessen"


GEAUDIT = [
    Beleidskader,
    Doel,
    Indicator,
    Meting,
    StatusOverride,
    Product,
    Begrotingsregel,
    Rapportage,
    Interventie,
    Gebiedsaanpak,
    Fase,
    Partner,
    Regeling,
    Aanvraag,
    Deal,
    Ondertekenaar,
    Les,
]


class Revisie(models.Model):
    """One counter, raised by every change to monitoring data; part of the page cache key."""

    teller = models.PositiveBigIntegerField(default=0)
