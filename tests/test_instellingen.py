"""Typed settings: every GEBIEDSKOMPAS_* variable validated, errors naming the variable in Dutch."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from gebiedskompas.instellingen import InstellingFout, entropie, instellingen


def test_defaults_and_parsing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GEBIEDSKOMPAS_OPSLAG", str(tmp_path))
    monkeypatch.setenv("GEBIEDSKOMPAS_HOSTS", "kompas.voorbeeld.nl, 127.0.0.1")
    monkeypatch.setenv("GEBIEDSKOMPAS_HTTPS", "1")
    i = instellingen()
    assert i.opslag == tmp_path and i.https is True
    assert i.hostnamen == ["kompas.voorbeeld.nl", "127.0.0.1"]
    assert i.cbs_url == "https://opendata.cbs.nl/ODataFeed/odata"


@pytest.mark.parametrize(
    ("variabele", "waarde", "melding"),
    [
        ("GEBIEDSKOMPAS_DATABASE_URL", "mysql://x@y/z", "postgres://"),
        ("GEBIEDSKOMPAS_HTTPS", "ja graag", "verwacht 0 of 1"),
        ("GEBIEDSKOMPAS_CBS_URL", "opendata.cbs.nl", "http://"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variabele: str, waarde: str, melding: str
) -> None:
    monkeypatch.setenv(variabele, waarde)
    with pytest.raises(InstellingFout, match=variabele) as fout:
        instellingen()
    assert melding in str(fout.value)


def test_secret_key_needs_length_and_entropy(monkeypatch: pytest.MonkeyPatch) -> None:
    assert entropie("a" * 32) == 0.0
    assert entropie("abcd") == 2.0  # four equally frequent characters: log2(4) bits each
    for zwak in ("changeme", "a" * 32, "ab" * 20):
        monkeypatch.setenv("GEBIEDSKOMPAS_SECRET_KEY", zwak)
        with pytest.raises(InstellingFout, match="te kort of te voorspelbaar"):
            instellingen().controleer_sleutel()
    monkeypatch.setenv("GEBIEDSKOMPAS_SECRET_KEY", secrets.token_urlsafe(50))
    instellingen().controleer_sleutel()
