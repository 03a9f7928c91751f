"""Django settings, from the typed settings (``gebiedskompas.instellingen``) checked at start-up.

- ``GEBIEDSKOMPAS_DATABASE_URL``: e.g. ``postgres://user:pw@host/db``; default SQLite in the store folder.
- ``GEBIEDSKOMPAS_SECRET_KEY``: required when ``GEBIEDSKOMPAS_DEBUG`` is off and the app serves the web;
  for single-user use a random key is generated once and kept in the store folder.
- ``GEBIEDSKOMPAS_OPSLAG``: the indicator store (default ./opslag).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ..errors import GebiedskompasFout
from ..instellingen import instellingen

try:
    _INSTELLINGEN = instellingen()
    _INSTELLINGEN.controleer_sleutel()
except GebiedskompasFout as _fout:
    raise ImproperlyConfigured(str(_fout)) from _fout

OPSLAG = _INSTELLINGEN.opslag.resolve()
DEBUG = _INSTELLINGEN.debug


def _geheime_sleutel() -> str:
    """The configured key, or for single-user use a random key kept in the store folder."""
    if _INSTELLINGEN.secret_key:
        return _INSTELLINGEN.secret_key
    bestand = OPSLAG / "geheime_sleutel"
    if not bestand.exists():
        OPSLAG.mkdir(parents=True, exist_ok=True)
        bestand.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        bestand.chmod(0o600)
    return bestand.read_text(encoding="utf-8").strip()


SECRET_KEY = _geheime_sleutel()
ALLOWED_HOSTS = _INSTELLINGEN.hostnamen

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "auditlog",
    "gebiedskompas.web.monitoring",
    "gebiedskompas.web.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "gebiedskompas.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "gebiedskompas.web.wsgi.application"

if _INSTELLINGEN.database_url:
    DATABASES = {"default": dj_database_url.parse(_INSTELLINGEN.database_url, conn_max_age=60)}
else:
    OPSLAG.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(OPSLAG / "monitoring.sqlite3")}
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = OPSLAG / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end packages from npm (frontend/package.json), self-hosted: no CDN, no external fonts or tiles.
_NPM = _INSTELLINGEN.npm or Path(__file__).resolve().parents[3] / "frontend" / "node_modules"
STATICFILES_DIRS = [
    (prefix, str(_NPM / pad))
    for prefix, pad in (
        ("utrecht", "@utrecht/component-library-css/dist"),
        ("maplibre", "maplibre-gl/dist"),
        ("htmx", "htmx.org/dist"),
    )
    if (_NPM / pad).is_dir()
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and _INSTELLINGEN.https
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
LOGIN_URL = "/inloggen/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/inloggen/"

AUDITLOG_INCLUDE_ALL_MODELS = False
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}
}
