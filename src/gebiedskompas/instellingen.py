"""Typed settings from the environment (``GEBIEDSKOMPAS_*``), validated once at start-up.

One place for every setting the tool reads: the store folder, the web server's database, secret
key, host names and HTTPS, and the CBS/RIVM base URLs. A wrong value stops the start with a Dutch
message naming the variable and what was expected.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import GebiedskompasFout

_DATABASE_SCHEMA = ("postgres://", "postgresql://", "sqlite://")
_MIN_SLEUTEL = 32
_MIN_ENTROPIE = 3.5  # bits per character: 32 x 'a' has 0, a random token about 5-6


class InstellingFout(GebiedskompasFout):
    """An environment variable with a value the tool cannot use."""


class Instellingen(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GEBIEDSKOMPAS_", extra="ignore")

    opslag: Path = Field(default=Path("opslag"), description="map van de indicatorenopslag")
    debug: bool = Field(default=False, description="ontwikkelmodus (nooit op een server)")
    secret_key: str = Field(default="", description="geheime sleutel van de webapp")
    database_url: str = Field(default="", description="postgres://… voor een server; leeg = SQLite")
    hosts: str = Field(default="localhost,127.0.0.1,testserver", description="hostnamen, met komma's")
    https: bool = Field(default=False, description="achter TLS: veilige cookies en HSTS")
    https_doorsturen: bool = Field(
        default=False, description="met https: stuur http door naar https (als de proxy dat niet doet)"
    )
    inlogpogingen: int = Field(default=5, ge=1, le=100, description="foute wachtwoorden voor een blokkade")
    blokkeerminuten: int = Field(default=15, ge=1, le=24 * 60, description="duur van een inlogblokkade")
    npm: Path | None = Field(default=None, description="map met frontend/node_modules")
    cbs_url: str = Field(default="https://opendata.cbs.nl/ODataFeed/odata")
    rivm_url: str = Field(default="https://dataderden.cbs.nl/ODataFeed/odata")

    @field_validator("database_url")
    @classmethod
    def _database(cls, waarde: str) -> str:
        if waarde and not waarde.startswith(_DATABASE_SCHEMA):
            raise ValueError(f"verwacht een adres dat begint met {' of '.join(_DATABASE_SCHEMA)}")
        return waarde

    @field_validator("cbs_url", "rivm_url")
    @classmethod
    def _url(cls, waarde: str) -> str:
        if not waarde.startswith(("http://", "https://")):
            raise ValueError("verwacht een adres dat begint met http:// of https://")
        return waarde.rstrip("/")

    @property
    def hostnamen(self) -> list[str]:
        return [h.strip() for h in self.hosts.split(",") if h.strip()]

    def controleer_sleutel(self) -> None:
        """A web server refuses a default, short or low-entropy secret key (unless in debug)."""
        if not self.secret_key or self.debug:
            return
        if len(self.secret_key) < _MIN_SLEUTEL or entropie(self.secret_key) < _MIN_ENTROPIE:
            raise InstellingFout(
                "GEBIEDSKOMPAS_SECRET_KEY is te kort of te voorspelbaar; kies minstens "
                f"{_MIN_SLEUTEL} willekeurige tekens (bijvoorbeeld: python -c "
                "'import secrets; print(secrets.token_urlsafe(50))')"
            )


def entropie(tekst: str) -> float:
    """Shannon entropy in bits per character of the character frequencies."""
    aantallen = Counter(tekst)
    return -sum(n / len(tekst) * math.log2(n / len(tekst)) for n in aantallen.values())


def instellingen() -> Instellingen:
    """The settings as the environment gives them now (the web server reads them once, at start)."""
    try:
        return Instellingen()
    except ValidationError as e:
        raise InstellingFout("; ".join(_melding(f) for f in e.errors())) from e


def _melding(fout: object) -> str:
    assert isinstance(fout, dict)
    veld = str(fout["loc"][0]) if fout.get("loc") else "?"
    bericht = str(fout.get("msg", "")).removeprefix("Value error, ")
    grenzen = fout.get("ctx") or {}
    bericht = {
        "bool_parsing": "verwacht 0 of 1",
        "int_parsing": "verwacht een geheel getal",
        "greater_than_equal": f"verwacht minstens {grenzen.get('ge')}",
        "less_than_equal": f"verwacht hoogstens {grenzen.get('le')}",
    }.get(str(fout.get("type")), bericht)
    return f"GEBIEDSKOMPAS_{veld.upper()}={fout.get('input')!r}: {bericht}"
