from django.contrib import admin

from . import models as m

for model in m.GEAUDIT:
    admin.site.register(model)
