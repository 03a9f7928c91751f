import gc
import os

from django.core.wsgi import get_wsgi_application

from ..geheugen import stel_allocator_in

stel_allocator_in()  # analyses in this process reuse their block temporaries (see geheugen.py)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gebiedskompas.web.settings")
application = get_wsgi_application()


def _warm() -> None:
    """Read the store and build the register before serving, then freeze them for the garbage
    collector: a full collection over the large in-memory tables otherwise pauses a request for
    about a second. With ``gunicorn --preload`` the forked workers share this memory."""
    from .monitoring.diensten import register
    from .site import runs

    register()
    for naam in runs.namen():
        runs.laad(naam)
    gc.collect()
    gc.freeze()


_warm()
