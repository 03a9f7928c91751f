"""Forms of the web pages: every write (through the service layer, which checks the role and writes
the audit trail) and every choice in a page's address (ranking filters, paragraph moment, lesson
search, area profile). Errors are Dutch and belong to a field where they can; numbers people type
may use a decimal comma ("3,5", "1.234,5")."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pandas as pd
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet

from ...opmaak import datum as datumtekst
from ...opmaak import geld
from ..monitoring import diensten as d
from ..monitoring import lezen
from ..monitoring import models as m

if TYPE_CHECKING:  # django-stubs makes ModelForm generic; at run time it is not subscriptable
    FaseBasis = forms.ModelForm[m.Fase]
    PartnerBasis = forms.ModelForm[m.Partner]
    LesBasis = forms.ModelForm[m.Les]
else:
    FaseBasis = PartnerBasis = LesBasis = forms.ModelForm

TEKSTVAK = {"class": "utrecht-textbox"}
KEUZEVAK = {"class": "utrecht-select"}


def nl_getal(tekst: str) -> str:
    """'3,5' → '3.5' and '1.234,5' → '1234.5'; a real minus sign (U+2212) counts as '-'."""
    schoon = tekst.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if "," in schoon:
        schoon = schoon.replace(".", "").replace(",", ".")
    return schoon


class NlGetalVeld(forms.FloatField):
    """A number typed the Dutch way (decimal comma) or with a decimal point."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({**TEKSTVAK, "inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            getal = float(nl_getal(str(value)))
        except ValueError:
            getal = math.nan
        if not math.isfinite(getal):
            raise ValidationError(
                "'%(waarde)s' is geen getal: typ cijfers met een decimale komma, bijvoorbeeld 3,5.",
                code="invalid",
                params={"waarde": value},
            )
        return getal


class Datumveld(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages", {"invalid": "Vul een geldige datum in, bijvoorbeeld 1-3-2025 of 2025-03-01."}
        )
        widget = forms.DateInput(attrs={**TEKSTVAK, "type": "date"}, format="%Y-%m-%d")
        super().__init__(widget=widget, **kwargs)


# --- writes -----------------------------------------------------------------------------------------


class Schrijven(forms.BaseForm):
    """Mixin of a form whose ``opslaan`` writes through the service layer. ``verwerk`` validates, saves and
    turns the service's validation errors and a refused role into form errors; it gives the HTTP
    status of the answer (200 saved, 422 invalid, 403 not allowed) and, when saved, ``melding``."""

    melding = ""
    voorvoegsel = "formulier"  # of the field ids, so two forms on one page never share an id

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.voorvoegsel}-%s")
        super().__init__(*args, **kwargs)

    def opslaan(self, gebruiker: Any) -> str:
        raise NotImplementedError

    def verwerk(self, gebruiker: Any) -> int:
        if not self.is_valid():
            return 422
        try:
            self.melding = self.opslaan(gebruiker)
        except PermissionDenied as e:
            self.add_error(None, f"Niet opgeslagen: {e}.")
            return 403
        except ValidationError as e:
            self.neem_fouten_over(e)
            return 422
        return 200

    def neem_fouten_over(self, fout: ValidationError) -> None:
        """The service's (model's) errors on the form's field of the same name, others on top."""
        if not hasattr(fout, "error_dict"):
            self.add_error(None, fout.messages)
            return
        for veld, meldingen in fout.message_dict.items():
            doel = veld if veld in self.fields and veld != NON_FIELD_ERRORS else None
            for melding in meldingen:
                self.add_error(doel, _hoofdletter(melding))


def _hoofdletter(tekst: str) -> str:
    return tekst[:1].upper() + tekst[1:]


class MetingFormulier(Schrijven, forms.Form):
    """A new measurement of an indicator in the doelenboom."""

    voorvoegsel = "meting"

    waarde = NlGetalVeld(label="Nieuwe meting")
    datum = Datumveld(label="Datum")

    def __init__(self, *args: Any, indicator: m.Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def opslaan(self, gebruiker: Any) -> str:
        assert self.indicator is not None
        meting = d.meting_invoeren(
            gebruiker, self.indicator, self.cleaned_data["datum"], self.cleaned_data["waarde"]
        )
        nu = lezen.indicatorknoop(lezen.indicator(self.indicator.pk))
        return (
            f"Meting {lezen.meetwaarde(meting.waarde)} op {datumtekst(meting.datum)} opgeslagen; "
            f"status nu: {nu.label}."
        )


class FaseFormulier(Schrijven, FaseBasis):
    """A new phase of an area programme."""

    voorvoegsel = "fase"

    datum = Datumveld(label="Datum")

    class Meta:
        model = m.Fase
        fields = ["fase", "datum", "document"]
        labels = {"fase": "Nieuwe fase", "document": "Documentverwijzing"}
        widgets = {"fase": forms.Select(attrs=KEUZEVAK), "document": forms.TextInput(attrs=TEKSTVAK)}

    def __init__(self, *args: Any, aanpak: m.Gebiedsaanpak, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aanpak = aanpak

    def opslaan(self, gebruiker: Any) -> str:
        fase = d.fase_toevoegen(gebruiker, self.aanpak, **self.cleaned_data)
        return f"Fase '{fase.get_fase_display()}' op {datumtekst(fase.datum)} toegevoegd."


class PartnerFormulier(Schrijven, PartnerBasis):
    """A new partner of an area programme."""

    voorvoegsel = "partner"

    class Meta:
        model = m.Partner
        fields = ["naam", "rol"]
        labels = {"naam": "Naam van de partner", "rol": "Rol in de aanpak"}
        widgets = {"naam": forms.TextInput(attrs=TEKSTVAK), "rol": forms.TextInput(attrs=TEKSTVAK)}

    def __init__(self, *args: Any, aanpak: m.Gebiedsaanpak, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aanpak = aanpak

    def opslaan(self, gebruiker: Any) -> str:
        partner = d.partner_toevoegen(gebruiker, self.aanpak, **self.cleaned_data)
        return f"Partner {partner.naam} toegevoegd."


class InterventieFormulier(Schrijven, forms.Form):
    """Link a known intervention to an area programme."""

    voorvoegsel = "interventie"

    interventie = forms.ModelChoiceField(
        queryset=m.Interventie.objects.order_by("naam"),
        label="Interventie koppelen",
        widget=forms.Select(attrs=KEUZEVAK),
        error_messages={"invalid_choice": "Kies een interventie uit de lijst."},
    )

    def __init__(self, *args: Any, aanpak: m.Gebiedsaanpak, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aanpak = aanpak

    def opslaan(self, gebruiker: Any) -> str:
        interventie: m.Interventie = self.cleaned_data["interventie"]
        d.interventie_koppelen(gebruiker, self.aanpak, interventie)
        return f"Interventie {interventie.naam} gekoppeld."


class LesFormulier(Schrijven, LesBasis):
    """A lesson, bottleneck or working intervention for one of the user's own programmes."""

    voorvoegsel = "les"

    class Meta:
        model = m.Les
        fields = ["aanpak", "soort", "titel", "tekst", "thema"]
        labels = {"aanpak": "Gebiedsaanpak", "soort": "Soort", "titel": "Titel", "tekst": "Tekst"}
        widgets = {
            "aanpak": forms.Select(attrs=KEUZEVAK),
            "soort": forms.Select(attrs=KEUZEVAK),
            "titel": forms.TextInput(attrs=TEKSTVAK),
            "tekst": forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 4}),
            "thema": forms.TextInput(attrs=TEKSTVAK),
        }

    def __init__(
        self, *args: Any, aanpakken: QuerySet[m.Gebiedsaanpak], publiceren: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if publiceren:
            self.fields["openbaar"] = _openbaarveld("deze les")
        veld = self.fields["aanpak"]
        assert isinstance(veld, forms.ModelChoiceField)
        veld.queryset, veld.required, veld.empty_label = aanpakken, True, None
        veld.error_messages["invalid_choice"] = "Kies een van uw eigen gebiedsaanpakken."
        self.fields["thema"].label = "Thema"

    def opslaan(self, gebruiker: Any) -> str:
        velden = dict(self.cleaned_data)
        les = d.les_toevoegen(gebruiker, velden.pop("aanpak"), datum=date.today(), **velden)
        return f"{les.get_soort_display()} '{les.titel}' opgeslagen."


# --- programmes, subsidies, deals, Excel import ------------------------------------------------------


class NlBedragVeld(forms.DecimalField):
    """An amount in euros typed the Dutch way: "1.234,50", "€ 2500" or "2500.5"."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "error_messages",
            {
                "max_decimal_places": "Een bedrag heeft hoogstens twee cijfers achter de komma.",
                "max_digits": "Dit bedrag is te groot.",
                "max_whole_digits": "Dit bedrag is te groot.",
            },
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({**TEKSTVAK, "inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        tekst = nl_getal(str(value).replace("€", ""))
        try:
            bedrag = Decimal(tekst)
        except InvalidOperation:
            bedrag = Decimal("NaN")
        if not bedrag.is_finite():
            raise ValidationError(
                "'%(waarde)s' is geen bedrag: typ een bedrag in euro's, bijvoorbeeld 2.500 of 1.234,50.",
                code="invalid",
                params={"waarde": value},
            )
        return bedrag


class RegiocodesVeld(forms.CharField):
    """Region codes separated by commas or spaces ("WK091711, WK091712"); the service layer checks each
    against the region register and names the first unknown one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={**TEKSTVAK, "autocomplete": "off"}))
        kwargs.setdefault(
            "help_text", "CBS-codes gescheiden door komma's, bijvoorbeeld WK091711, BU08890000."
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        tekst = super().to_python(value) or ""
        return [deel for deel in tekst.replace(",", " ").split() if deel]

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value


def _openbaarveld(wat: str) -> forms.BooleanField:
    return forms.BooleanField(
        label=f"Openbaar: toon {wat} op de openbare site (/open/)",
        required=False,
        help_text="Alleen wat openbaar is, ziet iemand zonder account; interne gegevens (coördinatoren, "
        "audit, begroting) nooit.",
    )


def _coordinatorveld() -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(groups__name="gebiedscoordinator").order_by("username"),
        required=False,
        label="Gebiedscoördinatoren",
        help_text="Zij mogen fasen, partners, interventies en lessen van deze aanpak bijwerken.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Kies gebiedscoördinatoren uit de lijst."},
    )


class AanpakFormulier(Schrijven, forms.Form):
    """A new area programme with its first phase and coordinators."""

    voorvoegsel = "aanpak"

    naam = forms.CharField(label="Naam van de aanpak", max_length=200, widget=forms.TextInput(attrs=TEKSTVAK))
    gemeente = forms.CharField(
        label="Gemeente (CBS-code)",
        max_length=10,
        help_text="Bijvoorbeeld GM0889 voor Beesel.",
        widget=forms.TextInput(attrs={**TEKSTVAK, "autocomplete": "off"}),
    )
    soort = forms.ChoiceField(
        label="Soort",
        choices=[("wijk", "Wijkaanpak"), ("dorp", "Dorpenaanpak")],
        widget=forms.Select(attrs=KEUZEVAK),
    )
    regiocodes = RegiocodesVeld(label="Gebieden")
    fase = forms.ChoiceField(label="Fase", choices=m.FASEN, widget=forms.Select(attrs=KEUZEVAK))
    datum = Datumveld(label="Sinds (datum van de fase)")

    def __init__(self, *args: Any, kader: m.Beleidskader | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kader = kader
        self.fields["coordinatoren"] = _coordinatorveld()
        self.fields["openbaar"] = _openbaarveld("de programmapagina")

    def opslaan(self, gebruiker: Any) -> str:
        kader = self.kader or m.Beleidskader.objects.order_by("-einde", "id").first()
        if kader is None:
            raise ValidationError("Er is nog geen beleidskader om de aanpak onder te hangen.")
        aanpak = d.aanpak_aanmaken(gebruiker, kader, **self.cleaned_data)
        self.aanpak = aanpak
        return f"Gebiedsaanpak {aanpak.naam} aangemaakt ({len(aanpak.regiocodes)} gebieden)."


class AanpakWijzigen(Schrijven, forms.Form):
    """Name, areas and (for who may assign them) coordinators of an existing programme."""

    voorvoegsel = "gegevens"

    naam = forms.CharField(label="Naam van de aanpak", max_length=200, widget=forms.TextInput(attrs=TEKSTVAK))
    regiocodes = RegiocodesVeld(label="Gebieden")

    def __init__(
        self, *args: Any, aanpak: m.Gebiedsaanpak, coordinatoren: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"naam": aanpak.naam, "regiocodes": list(aanpak.regiocodes)})
        super().__init__(*args, **kwargs)
        self.aanpak = aanpak
        if coordinatoren:  # who may assign coordinators (analist, beheerder) may also publish
            self.fields["coordinatoren"] = _coordinatorveld()
            self.fields["openbaar"] = _openbaarveld("de programmapagina")
            if not self.is_bound:
                self.initial["coordinatoren"] = [u.pk for u in aanpak.coordinatoren.all()]
                self.initial["openbaar"] = aanpak.openbaar

    def opslaan(self, gebruiker: Any) -> str:
        aanpak = d.aanpak_bewerken(gebruiker, self.aanpak, **self.cleaned_data)
        return f"Gegevens van {aanpak.naam} opgeslagen."


class AanvraagFormulier(Schrijven, forms.Form):
    """A new subsidy application under a scheme."""

    voorvoegsel = "aanvraag"

    regeling = forms.TypedChoiceField(
        label="Regeling",
        coerce=int,
        widget=forms.Select(attrs=KEUZEVAK),
        error_messages={"invalid_choice": "Kies een regeling uit de lijst."},
    )
    aanvrager = forms.CharField(label="Aanvrager", max_length=200, widget=forms.TextInput(attrs=TEKSTVAK))
    gebied = forms.CharField(
        label="Gebied (CBS-code)",
        max_length=10,
        help_text="Bijvoorbeeld GM0889 of BU08890000.",
        widget=forms.TextInput(attrs={**TEKSTVAK, "autocomplete": "off"}),
    )
    omschrijving = forms.CharField(
        label="Omschrijving", max_length=400, required=False, widget=forms.TextInput(attrs=TEKSTVAK)
    )
    gevraagd = NlBedragVeld(label="Gevraagd bedrag (€)")
    datum = Datumveld(label="Datum van de aanvraag")

    def __init__(self, *args: Any, regelingen: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"datum": date.today()})
        super().__init__(*args, **kwargs)
        veld = self.fields["regeling"]
        assert isinstance(veld, forms.ChoiceField)
        veld.choices = regelingen

    def opslaan(self, gebruiker: Any) -> str:
        velden = dict(self.cleaned_data)
        regeling = m.Regeling.objects.filter(pk=velden.pop("regeling")).first()
        if regeling is None:
            raise ValidationError({"regeling": "Deze regeling bestaat niet (meer)."})
        aanvraag = d.aanvraag_indienen(gebruiker, regeling=regeling, **velden)
        return f"Aanvraag van {aanvraag.aanvrager} ({geld(aanvraag.gevraagd)}) ingediend."


class AanvraagStatusFormulier(Schrijven, forms.Form):
    """The next status of an application (granted, rejected, settled), with the granted amount."""

    status = forms.ChoiceField(
        label="Nieuwe status",
        widget=forms.Select(attrs=KEUZEVAK),
        error_messages={"invalid_choice": "Deze status kan nu niet: kies een status uit de lijst."},
    )
    verleend = NlBedragVeld(
        label="Verleend bedrag (€)", required=False, help_text="Leeg bij verlenen: het gevraagde bedrag."
    )

    def __init__(self, *args: Any, aanvraag: m.Aanvraag | lezen.Aanvraagregel, **kwargs: Any) -> None:
        kwargs.setdefault(
            "auto_id", f"aanvraag-{aanvraag.pk if isinstance(aanvraag, m.Aanvraag) else aanvraag.id}-%s"
        )
        super().__init__(*args, **kwargs)
        self.aanvraag = aanvraag
        sleutel = aanvraag.status if isinstance(aanvraag, m.Aanvraag) else aanvraag.status_sleutel
        veld = self.fields["status"]
        assert isinstance(veld, forms.ChoiceField)
        veld.choices = [(k, v) for k, v in m.AANVRAAGSTATUS if k in m.OVERGANGEN.get(sleutel, set())]

    def opslaan(self, gebruiker: Any) -> str:
        assert isinstance(self.aanvraag, m.Aanvraag)
        a = d.aanvraag_status(
            gebruiker, self.aanvraag, self.cleaned_data["status"], self.cleaned_data["verleend"]
        )
        bedrag = f" ({geld(a.verleend)} verleend)" if a.status == "verleend" else ""
        return f"Aanvraag van {a.aanvrager}: status nu {a.get_status_display().lower()}{bedrag}."


class DealFormulier(Schrijven, forms.Form):
    """A deal, signed by at least an initiative, the gemeente and the province."""

    voorvoegsel = "deal"

    naam = forms.CharField(label="Naam van de deal", max_length=200, widget=forms.TextInput(attrs=TEKSTVAK))
    soort = forms.ChoiceField(
        label="Soort",
        choices=[("vraaggestuurd", "Vraaggestuurd"), ("thematisch", "Thematisch")],
        widget=forms.Select(attrs=KEUZEVAK),
    )
    datum = Datumveld(label="Datum van ondertekening")
    initiatief = forms.CharField(
        label="Ondertekenaar: initiatief", max_length=200, widget=forms.TextInput(attrs=TEKSTVAK)
    )
    gemeente = forms.CharField(
        label="Ondertekenaar: gemeente", max_length=200, widget=forms.TextInput(attrs=TEKSTVAK)
    )
    provincie = forms.CharField(
        label="Ondertekenaar: provincie", max_length=200, widget=forms.TextInput(attrs=TEKSTVAK)
    )
    overige = forms.CharField(
        label="Overige ondertekenaars",
        required=False,
        help_text="Eén naam per regel.",
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 2}),
    )
    omschrijving = forms.CharField(
        label="Omschrijving",
        required=False,
        widget=forms.Textarea(attrs={"class": "utrecht-textarea", "rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"datum": date.today(), "provincie": "Provincie Limburg"})
        super().__init__(*args, **kwargs)

    def opslaan(self, gebruiker: Any) -> str:
        v = dict(self.cleaned_data)
        ondertekenaars = [
            {"naam": v.pop(soort), "soort": soort} for soort in ("initiatief", "gemeente", "provincie")
        ]
        ondertekenaars += [
            {"naam": r.strip(), "soort": "overig"} for r in v.pop("overige").splitlines() if r.strip()
        ]
        deal = d.deal_aanmaken(gebruiker, ondertekenaars, **v)
        return f"Deal {deal.naam} vastgelegd met {len(ondertekenaars)} ondertekenaars."


class ExcelImportFormulier(Schrijven, forms.Form):
    """An Excel workbook (the template's layout) for a goal tree: all or nothing."""

    voorvoegsel = "excel"

    bestand = forms.FileField(
        label="Excel-bestand (.xlsx)",
        help_text="Met de bladen Doelen, Indicatoren en Metingen, zoals het sjabloon.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": "Kies een Excel-bestand.", "empty": "Het bestand is leeg."},
    )

    def __init__(self, *args: Any, kader: m.Beleidskader | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kader = kader

    def opslaan(self, gebruiker: Any) -> str:
        from ..monitoring import excel

        assert self.kader is not None
        bestand = self.cleaned_data["bestand"]
        n = excel.importeer(gebruiker, self.kader, bestand.read())
        return (
            f"{bestand.name} geïmporteerd: {n['doelen']} doelen, {n['indicatoren']} indicatoren en "
            f"{n['metingen']} metingen opgeslagen."
        )

    def neem_fouten_over(self, fout: ValidationError) -> None:
        """Every import error belongs to the file (it names sheet, row and column itself)."""
        for melding in fout.messages:
            self.add_error("bestand", "Niets geïmporteerd: " + melding + ".")


# --- choices in a page's address ---------------------------------------------------------------------


class Keuzeformulier(forms.Form):
    """A GET form: an unknown or malformed value gives its Dutch message (and the page a 400)."""

    def fouttekst(self) -> str:
        return " ".join(str(f) for fouten in self.errors.values() for f in fouten)


def _keuze(label: str, fout: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        widget=forms.Select(attrs=KEUZEVAK),
        error_messages={"invalid_choice": fout},
        **kwargs,
    )


class RanglijstFilter(Keuzeformulier):
    """Filters and sorting of a ranking; ``toepassen`` gives the rows shown and downloaded."""

    stedelijkheid = _keuze(
        "Stedelijkheid", "Onbekende stedelijkheidsklasse '%(value)s': kies een klasse uit de lijst."
    )
    groep = _keuze("Groep", "Onbekende groep '%(value)s': kies een groep uit de lijst.")
    gemeente = _keuze("Gemeente", "Onbekende gemeente '%(value)s': kies een gemeente uit de lijst.")
    sorteer = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Onbekende sortering '%(value)s': sorteer met de kolomkoppen."},
    )
    formaat = forms.ChoiceField(
        required=False,
        choices=[("", "pagina"), ("csv", "CSV"), ("xlsx", "Excel")],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Onbekend formaat '%(value)s': kies csv of xlsx."},
    )

    def __init__(self, data: Any, gebieden: pd.DataFrame, kolommen: list[str]) -> None:
        super().__init__(data)
        alle = [("", "alle")]
        klassen = sorted({int(k) for k in gebieden["stedelijkheid"].dropna()})
        self._kies("stedelijkheid", alle + [(str(k), str(k)) for k in klassen])
        for kolom in ("groep", "gemeente"):
            self._kies(kolom, alle + [(str(w), str(w)) for w in sorted(gebieden[kolom].dropna().unique())])
        sorteerbaar = [k for k in kolommen if k in gebieden.columns]
        self._kies("sorteer", [("", "rang")] + [(r + k, k) for k in sorteerbaar for r in ("", "-")])

    def _kies(self, naam: str, keuzes: list[tuple[str, str]]) -> None:
        veld = self.fields[naam]
        assert isinstance(veld, forms.ChoiceField)
        veld.choices = keuzes

    @property
    def volgorde(self) -> str:
        return str(self.cleaned_data.get("sorteer") or "rang")

    def toepassen(self, gebieden: pd.DataFrame) -> pd.DataFrame:
        """The rows that pass the (valid) filters, in the chosen order."""
        g = gebieden
        filters = {k: self.cleaned_data.get(k) for k in ("groep", "gemeente")}
        if self.cleaned_data.get("stedelijkheid"):
            g = g[g["stedelijkheid"] == float(self.cleaned_data["stedelijkheid"])]
        for kolom, waarde in filters.items():
            if waarde:
                g = g[g[kolom].astype(str) == waarde]
        kolom = self.volgorde.lstrip("-")
        # stable: rows that tie keep their rank order, on screen and in the downloads alike
        return g.sort_values(
            kolom, ascending=not self.volgorde.startswith("-"), na_position="last", kind="stable"
        )

    def adres(self, **anders: str) -> str:
        """The query string of the current filters, with ``anders`` changed (empty values left out)."""
        from urllib.parse import urlencode

        velden = {k: self.data.get(k, "") for k in ("stedelijkheid", "groep", "gemeente", "sorteer")}
        velden |= anders
        return urlencode({k: v for k, v in velden.items() if v})


class ParagraafKeuze(Keuzeformulier):
    """Reporting moment and year of a progress paragraph."""

    STANDAARDJAAR = 2025

    moment = forms.ChoiceField(
        label="Moment",
        choices=m.MOMENTEN,
        widget=forms.Select(attrs=KEUZEVAK),
        error_messages={
            "invalid_choice": "Onbekend moment '%(value)s': kies voorjaarsnota, najaarsnota of jaarstukken."
        },
    )
    jaar = forms.IntegerField(
        label="Jaar",
        min_value=1900,
        max_value=2100,
        widget=forms.TextInput(attrs={**TEKSTVAK, "inputmode": "numeric"}),
        error_messages={
            "invalid": "Het jaar moet een jaartal zijn, bijvoorbeeld 2025.",
            "min_value": "Het jaar moet tussen 1900 en 2100 liggen.",
            "max_value": "Het jaar moet tussen 1900 en 2100 liggen.",
        },
    )

    def __init__(self, vraag: Any) -> None:
        super().__init__(
            {
                "moment": vraag.get("moment") or "najaarsnota",
                "jaar": vraag.get("jaar") or str(self.STANDAARDJAAR),
            }
        )


class LessenZoeken(Keuzeformulier):
    q = forms.CharField(
        label="Zoek in lessen, knelpunten en interventies",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**TEKSTVAK, "type": "search"}),
        error_messages={"max_length": "Zoek met hoogstens %(limit_value)d tekens."},
    )
    soort = _keuze(
        "Soort",
        "Onbekende soort '%(value)s': kies les, knelpunt of interventie.",
        choices=[("", "alle"), *m.LESSOORTEN],
    )


class GebiedKeuze(Keuzeformulier):
    """The analysis an area profile shows (by default the first that holds the area)."""

    run = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Onbekende analyse '%(value)s': kies een opgeslagen analyse."},
    )

    def __init__(self, data: Any, namen: list[str]) -> None:
        super().__init__(data)
        veld = self.fields["run"]
        assert isinstance(veld, forms.ChoiceField)
        veld.choices = [("", "eerste"), *[(n, n) for n in namen]]


class EffectKeuze(Keuzeformulier):
    """Indicator, start year and method of a programme's effect; unset values take the defaults."""

    indicator = forms.ChoiceField(
        error_messages={
            "invalid_choice": "Onbekende indicator '%(value)s' voor deze aanpak: kies een indicator uit de "
            "lijst (indicatoren met metingen in meer dan één jaar op het niveau van de gebieden)."
        }
    )
    start = forms.CharField()
    methode = forms.ChoiceField(
        error_messages={
            "invalid_choice": "Onbekende methode '%(value)s': kies 'did' (verschil-in-verschillen) of "
            "'synthetisch' (synthetische controle)."
        }
    )

    def __init__(
        self,
        vraag: Any,
        indicatoren: list[tuple[str, str]],
        methoden: dict[str, str],
        standaard: tuple[str, int],
    ) -> None:
        super().__init__(
            {
                "indicator": vraag.get("indicator") or standaard[0],
                "start": str(vraag.get("start") or standaard[1]).strip(),
                "methode": vraag.get("methode") or "did",
            }
        )
        for naam, keuzes in (("indicator", indicatoren), ("methode", list(methoden.items()))):
            veld = self.fields[naam]
            assert isinstance(veld, forms.ChoiceField)
            veld.choices = keuzes

    def clean_start(self) -> int:
        ruw = str(self.cleaned_data["start"])
        if not ruw.isdigit() or not 1900 <= int(ruw) <= 2100:
            raise ValidationError(
                "Het startjaar moet een jaartal tussen 1900 en 2100 zijn, bijvoorbeeld 2016 "
                "(niet '%(ruw)s').",
                params={"ruw": ruw},
            )
        return int(ruw)
