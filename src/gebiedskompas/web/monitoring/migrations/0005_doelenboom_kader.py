# Written by hand: baselines that may still be open ("nog vast te stellen") with their source,
# the kind of target (level, relative change, direction) and programme areas that are part of a
# larger area.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_openbaar"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="basiswaarde",
            field=models.FloatField(blank=True, help_text="Leeg: nog vast te stellen.", null=True),
        ),
        migrations.AddField(
            model_name="indicator",
            name="basisbron",
            field=models.CharField(
                blank=True, help_text="Waar de basiswaarde vandaan komt (bron, golf).", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="streefsoort",
            field=models.CharField(
                choices=[
                    ("niveau", "Niveau (absolute waarde)"),
                    ("relatief", "Relatieve verandering ten opzichte van de basis (%)"),
                    ("richting", "Beter dan de basis (zonder getal)"),
                ],
                default="niveau",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="streefwaarde",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="gebiedsaanpak",
            name="deel_van",
            field=models.CharField(
                blank=True,
                help_text="Regiocode van het grotere gebied waarvan het programmagebied maar een deel is; "
                "leeg als de regiocodes het gebied precies beslaan.",
                max_length=10,
            ),
        ),
    ]
