"""Django project of gebiedskompas: monitoring (doelenboom, P&C, programmes, subsidies, lessons)."""


def start_django() -> None:
    """Configure and set up Django for use from the CLI or a notebook."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gebiedskompas.web.settings")
    django.setup()
