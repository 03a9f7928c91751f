# Written by hand: the "openbaar" (public) flag for programme pages and lessons.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_indicator_maat"),
    ]

    operations = [
        migrations.AddField(
            model_name="gebiedsaanpak",
            name="openbaar",
            field=models.BooleanField(
                default=False,
                help_text="Openbaar: de programmapagina staat voor iedereen leesbaar onder /open/.",
            ),
        ),
        migrations.AddField(
            model_name="les",
            name="openbaar",
            field=models.BooleanField(
                default=False,
                help_text="Openbaar: de les staat (zonder auteur) voor iedereen leesbaar onder /open/.",
            ),
        ),
    ]
