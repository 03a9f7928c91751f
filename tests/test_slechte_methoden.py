"""Bad method files and bad ``analyseer`` arguments: each gives a Dutch error naming the key or option,
never a traceback, and leaves the analyses folder byte-identical. A run whose writing fails halfway
leaves the previous analysis of that name as it was, and no temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from gebiedskompas.analyse import uitvoer
from gebiedskompas.analyse.methode import methode_tekst
from gebiedskompas.cli import app
from gebiedskompas.errors import InvoerFout
from gebiedskompas.laden import laad
from gebiedskompas.opslag import Opslag

from .conftest import SHARED_DATA, maphash

BESTANDEN = (
    "rivm_gezondheidsmonitor/RIVM_gezondheid2020_18+.xlsx",
    "cbs_kwb/84799NED",
    "cbs_gebieden_in_nederland/84721NED.csv",
    "cbs_gezondheidsmonitor_regio/85012NED.csv",
)

BASIS = methode_tekst("dorpen")[0]
THEMA = 'label = "Gezondheid"'  # the second theme
INDICATOR = 'id = "kwb.bijstand_per_1000"'  # the second indicator of the first theme
EERSTE_THEMA = BASIS.index("[[thema]]")


def _thema(extra: str) -> str:
    return BASIS.replace(THEMA, f"{THEMA}\n{extra}")


def _indicator(extra: str) -> str:
    return BASIS.replace(INDICATOR, f"{INDICATOR}\n{extra}")


def _bovenaan(extra: str) -> str:
    """A top-level key: before the first table."""
    return BASIS.replace("[scope]", f"{extra}\n[scope]", 1)


# (name, TOML text, fragments the one-line error must contain)
METHODEFOUTEN: list[tuple[str, str, tuple[str, ...]]] = [
    ("themagewicht-inf", _thema("gewicht = inf"), ("thema[2].gewicht", "inf is geen eindig getal")),
    ("themagewicht-nan", _thema("gewicht = nan"), ("thema[2].gewicht", "nan is geen eindig getal")),
    ("themagewicht-negatief", _thema("gewicht = -1"), ("thema[2].gewicht", "moet groter dan 0 zijn")),
    ("themagewicht-nul", _thema("gewicht = 0"), ("thema[2].gewicht", "moet groter dan 0 zijn")),
    ("themagewicht-tekst", _thema('gewicht = "1"'), ("thema[2].gewicht", "'1' is geen getal")),
    ("themagewicht-waar", _thema("gewicht = true"), ("thema[2].gewicht", "True is geen getal")),
    ("themagewicht-enorm", _thema("gewicht = 1e308"), ("thema[2].gewicht", "moet hoogstens 1.000 zijn")),
    (
        "indicatorgewicht-min-inf",
        _indicator("gewicht = -inf"),
        ("thema[1].indicator[2].gewicht", "geen eindig getal"),
    ),
    (
        "indicatorgewicht-nul",
        _indicator("gewicht = 0.0"),
        ("thema[1].indicator[2].gewicht", "moet groter dan 0 zijn"),
    ),
    (
        "gewichtensom-nul",
        BASIS[:EERSTE_THEMA] + '[[thema]]\nid = "a"\nlabel = "A"\ngewicht = 0\n[[thema.indicator]]\n'
        'id = "kwb.bijstand_per_1000"\ngewicht = 0\n',
        ("thema[1].gewicht", "thema[1].indicator[1].gewicht", "moet groter dan 0 zijn"),
    ),
    ("geen-themas", BASIS[:EERSTE_THEMA], ("sleutel 'thema' ontbreekt",)),
    (
        "lege-themalijst",
        _bovenaan("thema = []")[: EERSTE_THEMA + len("thema = []\n")],
        ("sleutel 'thema' is leeg",),
    ),
    (
        "thema-zonder-indicatoren",
        BASIS[:EERSTE_THEMA] + '[[thema]]\nid = "a"\nlabel = "A"\nindicator = []\n',
        ("sleutel 'thema[1].indicator' is leeg",),
    ),
    (
        "onbekende-indicator",
        BASIS.replace(INDICATOR, 'id = "kwb.bestaat_niet"'),
        ("thema[1].indicator[2].id", "onbekende indicator 'kwb.bestaat_niet'"),
    ),
    (
        "onbekende-normalisatie",
        _bovenaan('normalisatie = "log"'),
        ("sleutel 'normalisatie'", "'log'", "'zscore'"),
    ),
    (
        "toml-syntaxisfout",
        BASIS.replace('naam = "dorpen"', "naam = dorpen"),
        ("geen geldige TOML op regel 3",),
    ),
    ("toml-dubbele-sleutel", _bovenaan('naam = "nogmaals"'), ("geen geldige TOML", "staat er al eerder")),
    (
        "verkeerd-type-lijst",
        BASIS.replace("stedelijkheid = [4, 5]", 'stedelijkheid = "4, 5"'),
        ("sleutel 'scope.stedelijkheid'", "ongeldig type"),
    ),
    ("verkeerd-type-naam", BASIS.replace('naam = "dorpen"', "naam = 5"), ("sleutel 'naam'", "ongeldig type")),
    (
        "verkeerd-type-thema",
        _bovenaan('thema = "alles"')[: EERSTE_THEMA + len('thema = "alles"\n')],
        ("sleutel 'thema': ongeldig type ('alles')",),
    ),
    ("onbekende-sleutel", _bovenaan("gewichten = 1"), ("onbekende sleutel 'gewichten'",)),
    (
        "onbekende-sleutel-diep",
        _indicator("gewichtt = 2"),
        ("onbekende sleutel 'thema[1].indicator[2].gewichtt'",),
    ),
    ("sectie-ontbreekt", BASIS.replace("[scope]", "[scoop]"), ("sleutel 'scope' ontbreekt", "'scoop'")),
    (
        "dubbele-indicator",
        _indicator(f"[[thema.indicator]]\n{INDICATOR}"),
        ("thema.indicator.id", "komen meer dan eens voor: kwb.bijstand_per_1000"),
    ),
    (
        "dubbel-thema",
        BASIS.replace('id = "gezondheid"\n', 'id = "bestaanszekerheid"\n'),
        ("thema.id", "komen meer dan eens voor: bestaanszekerheid"),
    ),
    (
        "periode-geen-jaar",
        BASIS.replace('periode = "2020"', 'periode = "1850"'),
        ("sleutel 'scope.periode'", "'1850' is geen jaar van 1990"),
    ),
    (
        "naam-met-pad",
        BASIS.replace('naam = "dorpen"', 'naam = "../../buiten"'),
        ("sleutel 'naam'", "geen geldige naam"),
    ),
    (
        "gewichtsvariatie-te-groot",
        BASIS.replace("[[thema]]", "[robuustheid]\ngewichtsvariatie = 1.5\n[[thema]]", 1),
        ("sleutel 'robuustheid.gewichtsvariatie'", "moet kleiner dan 1 zijn"),
    ),
    (
        "drempel-inf",
        BASIS.replace("drempel = 0.2", "drempel = inf"),
        ("sleutel 'classificatie.drempel'", "geen eindig getal"),
    ),
    (
        "onbekende-robuustheidsnormalisatie",
        BASIS.replace("[[thema]]", '[robuustheid]\nnormalisaties = ["zscore", "log"]\n[[thema]]', 1),
        ("sleutel 'robuustheid.normalisaties[2]'", "'log'"),
    ),
]

# (name, arguments after the method; {map} is the test's folder, {vorige} the previous analysis)
ARGUMENTFOUTEN: list[tuple[str, list[str], tuple[str, ...]]] = [
    ("seed-negatief", ["--seed", "-1"], ("--seed:", "−1 kan niet", "4.294.967.295")),
    ("seed-te-groot", ["--seed", str(2**40)], ("--seed:", "1.099.511.627.776 kan niet")),
    ("seed-geen-getal", ["--seed", "abc"], ("--seed:", "'abc' is geen geheel getal")),
    ("replicaties-te-veel", ["--robuustheid", str(10**9)], ("--robuustheid:", "tot en met 100.000")),
    ("replicaties-negatief", ["--robuustheid", "-5"], ("--robuustheid:", "−5 replicaties kan niet")),
    ("jaar-onwaarschijnlijk", ["--jaar", "1850"], ("--jaar:", "1850 is geen jaar van 1990")),
    ("jaar-geen-getal", ["--jaar", "twintig"], ("--jaar:", "'twintig' is geen geheel getal")),
    ("niveau-onbekend", ["--niveau", "dorp"], ("--niveau:", "ongeldig niveau 'dorp'", "buurt")),
]


@pytest.fixture(scope="module")
def opslag(tmp_path_factory: pytest.TempPathFactory) -> Opslag:
    """A store with what ``analyseer dorpen`` reads (as in test_herhaal), loaded once."""
    opslag = Opslag(tmp_path_factory.mktemp("slechte-methoden") / "opslag")
    resultaat = laad([SHARED_DATA / b for b in BESTANDEN], opslag)
    assert not resultaat.mislukt, resultaat.mislukt
    return opslag


@pytest.fixture(scope="module")
def analyses(opslag: Opslag, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of analyses with one earlier analysis, ``vorige`` (dorpen without robustness)."""
    map = tmp_path_factory.mktemp("slecht") / "analyses"
    uit = _analyseer(opslag, ["dorpen", "--uit", str(map / "vorige")])
    assert uit.exit_code == 0, uit.output
    return map


def _analyseer(opslag: Opslag, args: list[str]) -> Result:
    return CliRunner().invoke(app, ["analyseer", *args, "--opslag", str(opslag.map)])


def _geweigerd(uit: Result, *verwacht: str) -> None:
    """A clean refusal: exit code not 0 from a handled error (SystemExit), a Dutch message with
    the expected fragments, no traceback."""
    tekst = " ".join(uit.output.split())
    assert uit.exit_code != 0, tekst
    assert isinstance(uit.exception, SystemExit), repr(uit.exception)
    assert "Traceback" not in uit.output
    assert tekst.startswith("Fout:"), tekst
    for v in verwacht:
        assert v in tekst, tekst


@pytest.mark.parametrize(
    ("tekst", "verwacht"), [c[1:] for c in METHODEFOUTEN], ids=[c[0] for c in METHODEFOUTEN]
)
def test_bad_method_file(
    opslag: Opslag, analyses: Path, tmp_path: Path, tekst: str, verwacht: tuple[str, ...]
) -> None:
    pad = tmp_path / "methode.toml"
    pad.write_text(tekst, encoding="utf-8")
    voor = maphash(analyses)
    uit = _analyseer(opslag, [str(pad), "--uit", str(analyses / "vorige")])
    # the catalogue check runs in the pipeline, which names the key but not the file
    _geweigerd(uit, *verwacht, *(() if "onbekende indicator" in verwacht[-1] else (f"bestand {pad}",)))
    assert uit.exit_code == 1
    assert maphash(analyses) == voor


def test_method_not_utf8(opslag: Opslag, analyses: Path, tmp_path: Path) -> None:
    pad = tmp_path / "methode.toml"
    pad.write_bytes(BASIS.encode("latin-1", errors="replace"))
    voor = maphash(analyses)
    _geweigerd(_analyseer(opslag, [str(pad), "--uit", str(analyses / "vorige")]), "geen UTF-8-tekst")
    assert maphash(analyses) == voor


@pytest.mark.parametrize(
    ("args", "verwacht"), [c[1:] for c in ARGUMENTFOUTEN], ids=[c[0] for c in ARGUMENTFOUTEN]
)
def test_bad_argument(opslag: Opslag, analyses: Path, args: list[str], verwacht: tuple[str, ...]) -> None:
    voor = maphash(analyses)
    uit = _analyseer(opslag, ["dorpen", *args, "--uit", str(analyses / "vorige")])
    _geweigerd(uit, *verwacht)
    assert uit.exit_code == 2  # as Typer's own usage errors
    assert maphash(analyses) == voor


@pytest.mark.parametrize(
    ("maak", "verwacht"),
    [
        (lambda m: m / "bestand.txt", "is een bestand, geen map"),
        (lambda m: m / "bestand.txt" / "onder", "bestand.txt is een bestand, geen map"),
        (lambda m: m, "bevat iets anders dan een eerdere analyse"),
    ],
    ids=["bestaand-bestand", "onder-een-bestand", "map-met-andere-bestanden"],
)
def test_output_must_be_a_folder(
    opslag: Opslag, tmp_path: Path, maak: Callable[[Path], Path], verwacht: str
) -> None:
    (tmp_path / "bestand.txt").write_text("van iemand anders", encoding="utf-8")
    voor = maphash(tmp_path)
    uit = _analyseer(opslag, ["dorpen", "--uit", str(maak(tmp_path))])
    _geweigerd(uit, "--uit:", verwacht)
    assert uit.exit_code == 2
    assert maphash(tmp_path) == voor


@pytest.mark.parametrize(
    ("veld", "waarde", "verwacht"),
    [("seed", -1, "sleutel 'seed': −1 kan niet"), ("robuustheid", 10**9, "sleutel 'robuustheid'")],
)
def test_run_record_with_bad_values(
    opslag: Opslag, analyses: Path, tmp_path: Path, veld: str, waarde: int, verwacht: str
) -> None:
    record: dict[str, Any] = json.loads((analyses / "vorige" / "runrecord.json").read_text(encoding="utf-8"))
    record[veld] = waarde
    pad = tmp_path / "runrecord.json"
    pad.write_text(json.dumps(record), encoding="utf-8")
    voor = maphash(analyses)
    uit = _analyseer(opslag, [str(pad), "--uit", str(analyses / "vorige")])
    _geweigerd(uit, f"bestand {pad}", verwacht)
    assert uit.exit_code == 1
    assert maphash(analyses) == voor


def test_unknown_method(opslag: Opslag, analyses: Path) -> None:
    _geweigerd(_analyseer(opslag, ["geen-methode.toml"]), "methode 'geen-methode.toml' bestaat niet")


def test_real_process_prints_no_traceback(opslag: Opslag, tmp_path: Path) -> None:
    """Outside the test runner too: the installed command with ``--seed -1`` and ``gewicht = inf``."""
    pad = tmp_path / "methode.toml"
    pad.write_text(_thema("gewicht = inf"), encoding="utf-8")
    cli = [str(Path(sys.executable).parent / "gebiedskompas")]
    omgeving = {**os.environ, "GEBIEDSKOMPAS_OPSLAG": str(opslag.map)}
    for args, code, verwacht in (
        (["dorpen", "--seed", "-1"], 2, "--seed"),
        ([str(pad)], 1, "thema[2].gewicht"),
    ):
        uit = subprocess.run(
            [*cli, "analyseer", *args, "--uit", str(tmp_path / "uit")],
            capture_output=True,
            text=True,
            env=omgeving,
            timeout=120,
            check=False,
        )
        assert uit.returncode == code, uit.stderr
        assert "Traceback" not in uit.stderr + uit.stdout
        assert verwacht in uit.stderr
    assert not (tmp_path / "uit").exists()


# --- atomic writing -------------------------------------------------------------------------------


def _stuk(*args: Any, **kwargs: Any) -> None:
    raise OSError(28, "Geen ruimte meer op het apparaat")


def test_failed_write_keeps_previous_analysis(
    opslag: Opslag, analyses: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Excel workbook fails after the Parquet and JSON files are written: the previous analysis
    stays byte-identical and no temporary folder is left."""
    geschreven: list[str] = []
    echte_json = Path.write_text

    def tel(self: Path, *args: Any, **kwargs: Any) -> int:
        geschreven.append(self.name)
        return echte_json(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", tel)
    monkeypatch.setattr(uitvoer, "_excel", _stuk)
    voor = maphash(analyses)
    inhoud = sorted(p.name for p in analyses.parent.iterdir())
    uit = _analyseer(opslag, ["dorpen", "--seed", "99", "--uit", str(analyses / "vorige")])
    _geweigerd(uit, "de uitvoer kan niet worden geschreven", "Geen ruimte meer op het apparaat")
    assert {"resultaat.json", "runrecord.json"} <= set(geschreven)  # it did fail halfway
    assert maphash(analyses) == voor
    assert sorted(p.name for p in analyses.iterdir()) == ["vorige"]
    assert sorted(p.name for p in analyses.parent.iterdir()) == inhoud


def test_unexpected_error_keeps_previous_analysis(
    opslag: Opslag, analyses: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fout(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("onverwacht")

    monkeypatch.setattr(uitvoer, "_excel", fout)
    voor = maphash(analyses)
    uit = _analyseer(opslag, ["dorpen", "--uit", str(analyses / "vorige")])
    assert isinstance(uit.exception, RuntimeError)
    assert maphash(analyses) == voor
    assert sorted(p.name for p in analyses.iterdir()) == ["vorige"]


def test_new_run_replaces_the_folder_as_a_whole(opslag: Opslag, tmp_path: Path) -> None:
    doel = tmp_path / "analyses" / "proef"
    assert _analyseer(opslag, ["dorpen", "--uit", str(doel)]).exit_code == 0
    (doel / "verouderd.pdf").write_bytes(b"rapport van de vorige run")
    eerste = maphash(doel)
    uit = _analyseer(opslag, ["dorpen", "--seed", "5", "--uit", str(doel)])
    assert uit.exit_code == 0, uit.output
    nu = maphash(doel)
    assert "verouderd.pdf" not in nu
    assert set(nu) == set(eerste) - {"verouderd.pdf"}
    assert json.loads((doel / "runrecord.json").read_text(encoding="utf-8"))["seed"] == 5
    assert sorted(p.name for p in doel.parent.iterdir()) == ["proef"]


def test_failed_swap_puts_previous_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the new folder cannot be renamed into place after the old one was moved aside, the old one
    is moved back."""
    doel = tmp_path / "analyse"
    doel.mkdir()
    (doel / "resultaat.json").write_text("oud", encoding="utf-8")
    echte_rename = os.rename
    aantal = 0

    def rename(a: Any, b: Any) -> None:
        nonlocal aantal
        aantal += 1
        if aantal == 2:  # the new folder into place
            raise OSError(5, "Invoer-/uitvoerfout")
        echte_rename(a, b)

    monkeypatch.setattr(os, "rename", rename)

    def schrijf(map: Path) -> None:
        (map / "resultaat.json").write_text("nieuw", encoding="utf-8")

    with pytest.raises(InvoerFout, match="Invoer-/uitvoerfout"):
        uitvoer.schrijf_atomair(doel, schrijf)
    assert (doel / "resultaat.json").read_text(encoding="utf-8") == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["analyse"]
