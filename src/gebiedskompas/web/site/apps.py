from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "gebiedskompas.web.site"
    label = "site_pages"
    verbose_name = "Webpagina's"
