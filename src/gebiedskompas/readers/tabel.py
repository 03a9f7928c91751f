"""From a raw wide table and its registry entry to long observations and register rows.

This is the one place where catalogue indicators are mapped onto a table's columns, so every
format reader above stays small.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..bronnen import Tabel
from ..catalogus import Bronkolom, catalogus
from ..codes import niveau_van, normaliseer
from ..errors import InvoerFout
from ..model import REGIO_KOLOMMEN, Inlezing, lege_regios
from .core import RuweTabel, als_getal, als_regiocodes, periode_van, sha256_van, zoek_kolom

NaamNaarCode = Callable[[str], str | None]


def naar_inlezing(ruw: RuweTabel, tabel: Tabel, naam_naar_code: NaamNaarCode) -> Inlezing:
    inlezing = Inlezing(
        bestand=ruw.bestand,
        sha256=sha256_van(ruw.bestand),
        tabel_id=tabel.id,
        titel=tabel.titel,
        versie=ruw.versie,
        licentie=tabel.licentie,
    )
    basis = _basis(ruw, tabel, naam_naar_code, inlezing.notities)
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


def _basis(ruw: RuweTabel, tabel: Tabel, naam_naar_code: NaamNaarCode, notities: list[str]) -> pd.DataFrame:
    """Per row: region code, period and margin role, plus whether the row is usable."""
    kolom = zoek_kolom(ruw, tabel.regio.kolom, tabel.regio.titel)
    if kolom is None:
        raise InvoerFout(_ontbrekende_kolom(ruw, tabel.regio.titel or tabel.regio.kolom), bestand=ruw.bestand)
    if tabel.regio.op_naam:
        # cbsodata and StatLine exports show names; the OData API itself gives codes.
        codes = ruw.data[kolom].astype("string").str.strip().map(lambda w: _code_of_naam(w, naam_naar_code))
        bruikbaar = codes.notna()
        if (~bruikbaar).any():
            notities.append(
                f"{int((~bruikbaar).sum())} rijen met regio's die geen gemeente, "
                "provincie, GGD-regio of landsdeel zijn overgeslagen"
            )
    else:
        regiocodes = als_regiocodes(ruw, kolom)
        codes, bruikbaar = regiocodes.codes, regiocodes.bruikbaar
        if regiocodes.aggregaten:
            notities.append(
                f"{regiocodes.aggregaten} rijen met regio-aggregaten "
                "(geen gemeente, wijk of buurt) overgeslagen"
            )
    basis = pd.DataFrame({"regio": codes.astype(object), "bruikbaar": bruikbaar.to_numpy()})
    basis["periode"] = _perioden(ruw, tabel)
    basis["rol"] = _rollen(ruw, tabel)
    return basis


def _code_of_naam(waarde: str, naam_naar_code: NaamNaarCode) -> str | None:
    code = normaliseer(waarde)
    return code if niveau_van(code) is not None else naam_naar_code(waarde)


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
    deel = basis.loc[masker, ["regio", "periode", "rol"]].assign(v=waarden)
    lang = _per_rol(deel, ruw, ind_id)
    for grens, kolomnaam in (("onder", bron.onder), ("boven", bron.boven)):
        if kolomnaam:
            gevonden = zoek_kolom(ruw, kolomnaam)
            if gevonden is None:
                notities.append(f"{ind_id}: grenskolom '{kolomnaam}' ontbreekt")
                continue
            lang[grens] = als_getal(ruw, gevonden)[masker].to_numpy()
    lang["indicator"] = ind_id
    lang["bron"] = tabel.id
    lang["indeling"] = ruw.indeling or tabel.jaar
    return lang


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
        rijen[veld] = als_getal(ruw, kolom)[rijen.index] if kolom else np.nan
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
