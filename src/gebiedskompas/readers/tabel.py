"""From a raw wide table and its registry entry to long observations and register rows.

This is the one place where catalogue indicators are mapped onto a table's columns, so every
format reader above stays small.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..bronnen import Tabel
from ..catalogus import Bronkolom, catalogus
from ..codes import gemeente_van, niveau_van, normaliseer
from ..errors import InvoerFout, waarschuwing
from ..model import REGIO_KOLOMMEN, Inlezing, lege_regios
from ..register import Register
from .core import (
    AGGREGAAT_PREFIXEN,
    RuweTabel,
    als_getal,
    als_regiocodes,
    controleer_bereik,
    periode_van,
    sha256_van,
    zoek_kolom,
)

NaamNaarCode = Callable[[str], str | None]

# Names of groups of gemeenten that StatLine shows without a suffix (Veiligheidsmonitor).
_AGGREGAATNAAM = re.compile(r"^(G\d+|Gemeenten\b.*)$")

# Register fields checked against the range of the indicator that carries the same number.
_REGISTERBEREIK = {
    "stedelijkheid": "kwb.stedelijkheid",
    "oad": "kwb.omgevingsadressendichtheid",
    "inwoners": "kwb.inwoners",
}


def naar_inlezing(ruw: RuweTabel, tabel: Tabel, register: Register) -> Inlezing:
    inlezing = Inlezing(
        bestand=ruw.bestand,
        sha256=sha256_van(ruw.bestand),
        tabel_id=tabel.id,
        titel=tabel.titel,
        versie=ruw.versie,
        licentie=tabel.licentie,
    )
    basis = _basis(ruw, tabel, register, inlezing.notities)
    delen = [
        deel
        for ind_id, bron in _bronnen(tabel)
        if (deel := _indicator(ruw, tabel, basis, ind_id, bron, inlezing.notities)) is not None
    ]
    if delen:
        inlezing.waarnemingen = pd.concat(delen, ignore_index=True)
    if tabel.soort in ("kwb", "gebieden"):
        inlezing.regios = _registerrijen(ruw, tabel, basis)
    if not delen and not len(inlezing.regios):
        raise InvoerFout(
            f"geen enkele bekende kolom van tabel {tabel.id} gevonden; gevonden kolommen: "
            f"{', '.join(map(str, ruw.data.columns[:8]))}",
            bestand=ruw.bestand,
        )
    return inlezing


def _bronnen(tabel: Tabel) -> list[tuple[str, Bronkolom]]:
    return [(ind.id, bron) for ind, bron in catalogus().voor_tabel(tabel.id)]


def _basis(ruw: RuweTabel, tabel: Tabel, register: Register, notities: list[str]) -> pd.DataFrame:
    """Per row: region code, period and margin role, plus whether the row is usable."""
    kolom = zoek_kolom(ruw, tabel.regio.kolom, tabel.regio.titel)
    if kolom is None:
        raise InvoerFout(_ontbrekende_kolom(ruw, tabel.regio.titel or tabel.regio.kolom), bestand=ruw.bestand)
    if tabel.regio.op_naam:
        # cbsodata and StatLine exports show names; the OData API itself gives codes.
        codes, bruikbaar = _codes_op_naam(ruw, tabel, kolom, register, notities)
    else:
        regiocodes = als_regiocodes(ruw, kolom)
        codes, bruikbaar = regiocodes.codes, regiocodes.bruikbaar
        if regiocodes.aggregaten:
            notities.append(
                f"{regiocodes.aggregaten} rijen met regio-aggregaten "
                "(geen gemeente, wijk of buurt) overgeslagen"
            )
        _controleer_bekend(ruw, tabel, kolom, codes[bruikbaar], register, notities)
    basis = pd.DataFrame({"regio": codes.astype(object), "bruikbaar": bruikbaar.to_numpy()})
    basis["periode"] = _perioden(ruw, tabel)
    basis["rol"] = _rollen(ruw, tabel)
    return basis


def _ggd_sleutel(naam: str) -> str:
    """'GGD Regio Twente', 'GGD Twente (GG)' -> 'twente': GGD names vary between years."""
    naam = re.sub(r"\s*\(GG\)$", "", naam)
    naam = re.split(r"GGD |Gez\. |Gezondheidsregio ", naam)[-1]
    return re.sub(r"^regio\s+", "", naam.strip().lower())


def _naamzoeker(register: Register, jaar: int) -> NaamNaarCode:
    """The register's label lookup, plus GGD regions by the name without 'GGD' and 'Regio'
    (Gebieden in Nederland 2020 says 'GGD Regio Twente', the Gezondheidsmonitor 'GGD Twente')."""
    zoek = register.naamzoeker(jaar)
    t = register.tabel
    ggd = (
        {
            _ggd_sleutel(str(n)): str(c)
            for n, c in t.loc[t["niveau"] == "ggd", ["naam", "code"]].dropna().to_numpy()
        }
        if not t.empty
        else {}
    )

    def zoek_ook_ggd(label: str) -> str | None:
        code = zoek(label)
        if code is None and label.endswith(" (GG)"):
            code = ggd.get(_ggd_sleutel(label))
        return code

    return zoek_ook_ggd


def _codes_op_naam(
    ruw: RuweTabel, tabel: Tabel, kolom: str, register: Register, notities: list[str]
) -> tuple[pd.Series, pd.Series]:
    """Codes for region names. Names of aggregates (``Sneek (BT)``, ``... (CG)``) are skipped
    with a note; a name of a gemeente, provincie, GGD region or landsdeel that the register
    cannot place is an error (it would otherwise silently lose that region's values)."""
    naam_naar_code = _naamzoeker(register, tabel.jaar)
    namen = ruw.data[kolom].astype("string").fillna("").str.strip()
    codes = namen.map(lambda w: _code_of_naam(w, naam_naar_code))
    aggregaat = codes.isna() & (
        namen.str.extract(r"\((\w\w)\)$")[0].isin(AGGREGAAT_PREFIXEN) | namen.str.match(_AGGREGAATNAAM)
    )
    onbekend = codes.isna() & ~aggregaat
    if onbekend.any():
        positie = int(np.flatnonzero(onbekend.to_numpy())[0])
        leeg = register.tabel.empty
        raise InvoerFout(
            f"regionaam '{namen.iloc[positie]}' staat niet in het gebiedsregister"
            + (
                " (het register is leeg: laad eerst een tabel 'Gebieden in Nederland' of de KWB)"
                if leeg
                else f"; controleer de naam, of laad 'Gebieden in Nederland' {tabel.jaar} mee "
                "(de gemeentenamen van dat jaar)"
            ),
            bestand=ruw.bestand,
            rij=ruw.rijnummer(positie),
            kolom=kolom,
        )
    if aggregaat.any():
        notities.append(
            f"{int(aggregaat.sum())} rijen met regio-aggregaten (zoals politiebasisteams of "
            "centrumgemeenten; geen gemeente, provincie, GGD-regio of landsdeel) overgeslagen"
        )
    return codes, codes.notna()


def _code_of_naam(waarde: str, naam_naar_code: NaamNaarCode) -> str | None:
    code = normaliseer(waarde)
    if niveau_van(code) is not None:
        return code
    gevonden = naam_naar_code(waarde)
    if gevonden is None and waarde.endswith(" (GM)"):
        # Gebieden in Nederland names gemeenten that share a name as 'Utrecht (gemeente)'.
        gevonden = naam_naar_code(waarde.removesuffix(" (GM)") + " (gemeente)")
    return gevonden


def _controleer_bekend(
    ruw: RuweTabel, tabel: Tabel, kolom: str, codes: pd.Series, register: Register, notities: list[str]
) -> None:
    """Region codes must exist in the area register: a code whose gemeente the register never
    knew (GM9999, BU99990101) is an error when the table's year lies within the register's years;
    an unknown wijk or buurt of a known gemeente (a classification year in between) is a warning."""
    t = register.tabel
    if t.empty or not (t["niveau"] == "gemeente").any():
        if tabel.soort in ("kwb", "gebieden"):
            return  # the register's own sources: nothing to check against yet
        notities.append(
            waarschuwing(
                "regiocodes niet gecontroleerd: er is nog geen gebiedsregister in de opslag "
                "(laad 'Gebieden in Nederland' of de KWB mee)",
                bestand=ruw.bestand,
                kolom=kolom,
            )
        )
        return
    bekend = set(t["code"].astype(str))
    gm_jaren = t.loc[t["niveau"] == "gemeente", "jaar"].astype(int)
    binnen = int(gm_jaren.min()) <= (ruw.indeling or tabel.jaar) <= int(gm_jaren.max())
    niveaus = codes.map(niveau_van)
    gemeente = codes.map(
        lambda c: gemeente_van(str(c)) if niveau_van(str(c)) in ("gemeente", "wijk", "buurt") else None
    )
    hoger = niveaus.isin(["provincie", "ggd", "landsdeel"]) & ~codes.isin(bekend)
    gm_onbekend = gemeente.notna() & ~gemeente.isin(bekend)
    fout = hoger | (gm_onbekend if binnen else False)
    if fout.any():
        label = codes.index[int(np.flatnonzero(fout.to_numpy())[0])]
        positie = int(ruw.data.index.get_indexer(pd.Index([label]))[0])
        raise InvoerFout(
            f"regiocode '{codes[label]}' staat niet in het gebiedsregister "
            f"(gemeenten {gm_jaren.min()}-{gm_jaren.max()}); controleer de code",
            bestand=ruw.bestand,
            rij=ruw.rijnummer(positie),
            kolom=kolom,
        )
    if tabel.soort in ("kwb", "gebieden"):
        return  # these tables are the register of wijken and buurten themselves
    wijk_onbekend = niveaus.isin(["wijk", "buurt"]) & ~gm_onbekend & ~codes.isin(bekend)
    twijfel = wijk_onbekend | (gm_onbekend if not binnen else False)
    if twijfel.any():
        label = codes.index[int(np.flatnonzero(twijfel.to_numpy())[0])]
        notities.append(
            waarschuwing(
                f"{codes[twijfel].nunique()} regiocodes ({int(twijfel.sum())} rijen) staan niet in het "
                f"gebiedsregister (bijvoorbeeld "
                f"'{codes[label]}'); hun waarden zijn opgeslagen, maar ze vallen buiten de indelingen "
                "die het register kent",
                bestand=ruw.bestand,
                rij=ruw.rijnummer(int(ruw.data.index.get_indexer(pd.Index([label]))[0])),
                kolom=kolom,
            )
        )


def _ontbrekende_kolom(ruw: RuweTabel, naam: str) -> str:
    gevonden = ", ".join(map(str, ruw.data.columns[:8]))
    tip = ""
    if len(ruw.data.columns) == 1:
        tip = " Het bestand heeft maar één kolom: is het scheidingsteken juist (verwacht ';')?"
    return f"kolom met regiocodes '{naam}' niet gevonden; gevonden kolommen: {gevonden}.{tip}"


def _perioden(ruw: RuweTabel, tabel: Tabel) -> pd.Series:
    kolom = zoek_kolom(ruw, tabel.perioden, tabel.perioden_titel) if tabel.perioden else None
    if kolom is None:
        return pd.Series(tabel.periode or str(tabel.jaar), index=ruw.data.index, dtype=object)
    return ruw.data[kolom].astype(str).map(periode_van).astype(object)


def _rollen(ruw: RuweTabel, tabel: Tabel) -> pd.Series:
    kolom = zoek_kolom(ruw, tabel.marges) if tabel.marges else None
    if kolom is None:
        return pd.Series("waarde", index=ruw.data.index, dtype=object)
    tekst = ruw.data[kolom].astype(str).str.strip().str.lower()
    rol = np.select(
        [
            tekst.str.startswith("mog") | tekst.str.contains("ondergrens"),
            tekst.str.startswith("mbg") | tekst.str.contains("bovengrens"),
            tekst.str.startswith("mw") | tekst.str.startswith("waarde"),
        ],
        ["onder", "boven", "waarde"],
        default="onbekend",
    )
    return pd.Series(rol, index=ruw.data.index, dtype=object)


def _filtermasker(ruw: RuweTabel, bron: Bronkolom) -> pd.Series | None:
    masker = pd.Series(True, index=ruw.data.index)
    for dimensie, toegestaan in bron.filter.items():
        kolom = zoek_kolom(ruw, dimensie)
        if kolom is None:
            return None
        masker &= ruw.data[kolom].astype(str).str.strip().isin(toegestaan)
    return masker


def _indicator(
    ruw: RuweTabel, tabel: Tabel, basis: pd.DataFrame, ind_id: str, bron: Bronkolom, notities: list[str]
) -> pd.DataFrame | None:
    kolom = zoek_kolom(ruw, bron.kolom, bron.titel)
    masker = _filtermasker(ruw, bron)
    if kolom is None or masker is None:
        return None
    masker &= basis["bruikbaar"]
    if not masker.any():
        return None
    waarden = als_getal(ruw, kolom)[masker]
    bereik, wat = _bereik(ind_id)
    controleer_bereik(ruw, kolom, waarden, bereik, wat)
    deel = basis.loc[masker, ["regio", "periode", "rol"]].assign(v=waarden)
    lang = _per_rol(deel, ruw, ind_id)
    for grens, kolomnaam in (("onder", bron.onder), ("boven", bron.boven)):
        if kolomnaam:
            gevonden = zoek_kolom(ruw, kolomnaam)
            if gevonden is None:
                notities.append(f"{ind_id}: grenskolom '{kolomnaam}' ontbreekt")
                continue
            grenswaarden = als_getal(ruw, gevonden)[masker]
            controleer_bereik(ruw, gevonden, grenswaarden, bereik, f"de {grens}grens van {wat}")
            lang[grens] = grenswaarden.to_numpy()
    lang["indicator"] = ind_id
    lang["bron"] = tabel.id
    lang["indeling"] = ruw.indeling or tabel.jaar
    return lang


def _bereik(ind_id: str) -> tuple[tuple[float, float], str]:
    ind = catalogus().get(ind_id)
    if ind is None:
        return (-math.inf, math.inf), f"indicator {ind_id}"
    return ind.bereik(), f"indicator {ind_id} ({ind.eenheid})"


def _per_rol(deel: pd.DataFrame, ruw: RuweTabel, ind_id: str) -> pd.DataFrame:
    sleutel = ["regio", "periode", "rol"]
    dubbel = deel.duplicated(sleutel)
    if dubbel.any():
        rij = deel.index[int(np.flatnonzero(dubbel.to_numpy())[0])]
        r = deel.loc[rij]
        raise InvoerFout(
            f"dubbele rij voor regio {r['regio']}, periode {r['periode']} bij indicator {ind_id}",
            bestand=ruw.bestand,
            rij=ruw.rijnummer(int(rij)),
        )
    breed = deel.set_index(sleutel)["v"].unstack("rol")
    for rol in ("waarde", "onder", "boven"):
        if rol not in breed.columns:
            breed[rol] = np.nan
    breed = breed.reset_index()
    return breed.loc[:, ["regio", "periode", "waarde", "onder", "boven"]].astype(
        {"waarde": "float64", "onder": "float64", "boven": "float64"}
    )


def _registerrijen(ruw: RuweTabel, tabel: Tabel, basis: pd.DataFrame) -> pd.DataFrame:
    velden = tabel.registervelden
    rijen = basis.loc[basis["bruikbaar"] & (basis["rol"] == "waarde"), ["regio"]].rename(
        columns={"regio": "code"}
    )
    rijen["jaar"] = float(tabel.jaar)
    rijen["niveau"] = rijen["code"].map(niveau_van)
    rijen["bron"] = f"{tabel.id}:{ruw.bestand.name}"
    rijen["naam"] = _namen(ruw, tabel, rijen.index)
    for veld in ("stedelijkheid", "oad", "inwoners"):
        kolom = zoek_kolom(ruw, velden.get(veld), velden.get(f"{veld}_titel"))
        if kolom is None:
            rijen[veld] = np.nan
            continue
        waarden = als_getal(ruw, kolom)[rijen.index]
        bereik, wat = _bereik(_REGISTERBEREIK[veld])
        controleer_bereik(ruw, kolom, waarden, bereik, wat)
        rijen[veld] = waarden
    for veld in ("provincie", "ggd", "landsdeel", "corop", "indelingswijziging"):
        kolom = zoek_kolom(ruw, velden.get(veld), velden.get(f"{veld}_titel"))
        rijen[veld] = (
            ruw.data.loc[rijen.index, kolom].astype(str).str.strip().replace(".", None) if kolom else None
        )
    extra = _regio_groepen(ruw, tabel) if tabel.soort == "gebieden" else lege_regios()
    samen = pd.concat([rijen[REGIO_KOLOMMEN], extra], ignore_index=True)
    return samen.drop_duplicates(["code", "jaar"])


def _namen(ruw: RuweTabel, tabel: Tabel, index: pd.Index) -> pd.Series:
    velden = tabel.registervelden
    kolom = zoek_kolom(ruw, velden.get("naam"), velden.get("naam_titel"))
    if kolom is None:
        return pd.Series(None, index=index, dtype=object)
    namen = ruw.data.loc[index, kolom].astype(str).str.strip()
    dimensie = ruw.dimensies.get(kolom)
    if dimensie is not None and namen.map(niveau_van).notna().all():
        titels = dict(zip(dimensie["Key"].str.strip(), dimensie["Title"].str.strip(), strict=True))
        namen = namen.map(titels)
    uit: pd.Series = namen.astype(object)
    return uit


def _regio_groepen(ruw: RuweTabel, tabel: Tabel) -> pd.DataFrame:
    """Provinces, GGD regions and landsdelen named in a Gebieden-in-Nederland table."""
    delen = []
    for veld, niveau in (("provincie", "provincie"), ("ggd", "ggd"), ("landsdeel", "landsdeel")):
        code_k, naam_k = tabel.registervelden.get(veld), tabel.registervelden.get(f"{veld}naam")
        if not code_k or not naam_k or code_k not in ruw.data or naam_k not in ruw.data:
            continue
        paren = pd.DataFrame(
            {"code": ruw.data[code_k].str.strip(), "naam": ruw.data[naam_k].str.strip()}
        ).drop_duplicates("code")
        paren = paren[paren["code"].map(niveau_van) == niveau]
        paren["niveau"] = niveau
        delen.append(paren)
    if not delen:
        return lege_regios()
    groepen = pd.concat(delen, ignore_index=True)
    groepen["jaar"] = float(tabel.jaar)
    groepen["bron"] = f"{tabel.id}:{ruw.bestand.name}"
    return groepen.reindex(columns=REGIO_KOLOMMEN)
