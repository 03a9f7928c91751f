"""Small hand-written inputs in the official formats, for known-answer and bad-input tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GEBIEDSKOMPAS = str(Path(sys.executable).with_name("gebiedskompas"))


def draai_cli(*args: str, opslag: Path) -> subprocess.CompletedProcess[str]:
    """The installed ``gebiedskompas`` in its own process (as a user runs it), on the embedded
    database of ``opslag`` whatever database the test run itself uses."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEBIEDSKOMPAS_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [GEBIEDSKOMPAS, *args, "--opslag", str(opslag)],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "200"},
        timeout=300,
    )


KWB_KOP = (
    "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;"
    "k_65JaarOfOuder_12;MateVanStedelijkheid_115;Omgevingsadressendichtheid_116"
)
KWB_RIJEN = [
    "0;Nederland;Nederland;Land;NL00      ;17407585;3392555;2;2012",
    "1;Vaals;Vaals;Gemeente;GM0981    ;10105;3000;3;1056",
    "2;Wijk 00 Vaals;Vaals;Wijk;WK098100  ;4000;.;3;1200",
    "3;Vaals-Centrum;Vaals;Buurt;BU09810001;1200;       ;2;1600",
]


def schrijf(pad: Path, regels: list[str], *, bom: bool = True) -> Path:
    pad.parent.mkdir(parents=True, exist_ok=True)
    pad.write_bytes(("\ufeff" if bom else "").encode() + ("\n".join(regels) + "\n").encode("utf-8"))
    return pad


def kwb_2020(map: Path, rijen: list[str] | None = None, kop: str = KWB_KOP) -> Path:
    return schrijf(map / "84799NED.csv", [kop, *(KWB_RIJEN if rijen is None else rijen)])


def rivm_csv(map: Path) -> Path:
    """RIVM Gezondheidsmonitor per wijk/buurt as CSV, key style, decimal comma, with margins."""
    return schrijf(
        map / "50090NED_download.csv",
        [
            "ID;Leeftijd;Marges;WijkenEnBuurten;Perioden;Eenzaam_28;Mantelzorger_32",
            '0;20300;MW00000;GM0981    ;2020JJ00;"50,5";"14,0"',
            '1;20300;MOG0095;GM0981    ;2020JJ00;"47,0";"12,1"',
            '2;20300;MBG0095;GM0981    ;2020JJ00;"54,0";"16,2"',
            '3;80200;MW00000;GM0981    ;2020JJ00;"55,1";.',
            '4;20300;MW00000;BU09810001;2020JJ00;x;"13,0"',
        ],
    )
