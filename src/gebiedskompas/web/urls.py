from functools import partial

from django.contrib import admin
from django.urls import include, path
from django.views import defaults

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("gebiedskompas.web.monitoring.urls")),
    path("", include("gebiedskompas.web.site.urls")),
]

# Error pages in Dutch and in the site's layout (Django's own are English). A 500 page is rendered
# without the request, so it shows no menu and needs nothing that can fail.
handler400 = partial(defaults.bad_request, template_name="site/400.html")
handler403 = partial(defaults.permission_denied, template_name="site/403.html")
handler404 = partial(defaults.page_not_found, template_name="site/404.html")
handler500 = partial(defaults.server_error, template_name="site/500.html")
