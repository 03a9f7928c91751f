"""Django settings, from the typed settings (``gebiedskompas.instellingen``) checked at start-up.

- ``GEBIEDSKOMPAS_DATABASE_URL``: e.g. ``postgres://user:pw@host/db``; default SQLite in the store folder.
- ``GEBIEDSKOMPAS_SECRET_KEY``: required when ``GEBIEDSKOMPAS_DEBUG`` is off and the app serves the web;
  for single-user use a random key is generated once and kept in the store folder.
- ``GEBIEDSKOMPAS_OPSLAG``: the indicator store (default ./opslag).
- ``GEBIEDSKOMPAS_HTTPS=1``: behind a TLS proxy: secure cookies and HSTS (one year, subdomains). Django
  knows a request came in over TLS from the proxy's ``X-Forwarded-Proto`` header, so nginx must set it
  (``proxy_set_header X-Forwarded-Proto $scheme;``) and overwrite whatever the client sent.
  ``GEBIEDSKOMPAS_HTTPS_DOORSTUREN=1`` also redirects http to https (when the proxy does not).
- ``GEBIEDSKOMPAS_INLOGPOGINGEN`` / ``GEBIEDSKOMPAS_BLOKKEERMINUTEN``: after this many wrong passwords
  for one username from one address, logging in is blocked for that many minutes (django-axes).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
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
    "axes",
    "csp",
    "gebiedskompas.web.monitoring",
    "gebiedskompas.web.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
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
SECURE_REFERRER_POLICY = "same-origin"
if _INSTELLINGEN.https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = _INSTELLINGEN.https_doorsturen

# Content-Security-Policy (django-csp 4): everything from this site only. Scripts only from files (no
# inline script, no eval); MapLibre draws in a worker made from a blob: URL and makes blob:/data:
# images; Swagger UI and the site icon use data: images. Styles allow 'unsafe-inline' on purpose: the
# map legend's colour swatches, the server-rendered Vega SVG charts and htmx's indicator styles use
# style attributes or elements; inline styles cannot run code, the script policy stays strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "child-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes): wrong passwords are counted per username and address; a correct
# login resets the count. Behind a proxy the address is the proxy's, so the count is per username.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _INSTELLINGEN.inlogpogingen
AXES_COOLOFF_TIME = timedelta(minutes=_INSTELLINGEN.blokkeerminuten)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "site/geblokkeerd.html"
AXES_VERBOSE = False

LOGIN_URL = "/inloggen/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/inloggen/"

AUDITLOG_INCLUDE_ALL_MODELS = False
# Per process; bounded in entries (a page is at most views.MAX_CACHEGROOTTE bytes, most are ~50 kB),
# and only canonical addresses are cached (views.canoniek_adres), so junk query strings add nothing.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 300, "CULL_FREQUENCY": 3},
    }
}

# Every unexpected error (a 500) with its traceback: to stderr and to a rotating file in the store
# folder. The Dutch 500 page stays (urls.handler500).
(OPSLAG / "logboek").mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"tijd": {"format": "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "tijd", "level": "ERROR"},
        "bestand": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(OPSLAG / "logboek" / "web.log"),
            "maxBytes": 5 * 1024 * 1024,
            "backupCount": 5,
            "encoding": "utf-8",
            "formatter": "tijd",
            "level": "ERROR",
        },
    },
    "loggers": {
        "django.request": {"handlers": ["stderr", "bestand"], "level": "ERROR", "propagate": True},
        "gebiedskompas": {"handlers": ["stderr", "bestand"], "level": "ERROR", "propagate": True},
    },
}
