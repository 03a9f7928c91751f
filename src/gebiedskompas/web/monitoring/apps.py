from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "gebiedskompas.web.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in models.GEAUDIT:
            auditlog.register(model)
        from .revisie import koppel

        koppel()
