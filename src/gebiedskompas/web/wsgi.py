import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gebiedskompas.web.settings")
application = get_wsgi_application()


def _warm() -> None:
    """Read the store and build the register before serving (shared by forked workers with --preload)."""
    from .monitoring.diensten import register

    register()


_warm()
