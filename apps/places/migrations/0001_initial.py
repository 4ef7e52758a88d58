# Areas and genres move here from performances with their rows: the tables stay as they
# are in this step (state only), and 0002 renames them.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("performances", "0007_indexes_by_time"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Genre",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=50, unique=True)),
                        ("slug", models.SlugField(unique=True)),
                    ],
                    options={"ordering": ["name"], "db_table": "performances_genre"},
                ),
                migrations.CreateModel(
                    name="Area",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100)),
                        ("slug", models.SlugField(max_length=100, unique=True)),
                        ("city", models.CharField(db_index=True, max_length=100)),
                        ("boundary", models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, longitude first.")),
                    ],
                    options={
                        "ordering": ["city", "name"],
                        "constraints": [models.UniqueConstraint(fields=("city", "name"), name="area_unique_name")],
                        "db_table": "performances_area",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
