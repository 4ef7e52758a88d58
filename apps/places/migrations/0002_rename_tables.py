# Runs once every app points at places: the content types follow the models (so the
# curators' permissions on areas and genres stay granted), then the tables take their names.

from django.db import migrations

from apps.core.contenttypes import move_content_types

forward, backward = move_content_types([("genre", "performances", "places"), ("area", "performances", "places")])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("places", "0001_initial"),
        ("performances", "0008_area_and_genre_moved_to_places"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterModelTable(name="genre", table=None),
        migrations.AlterModelTable(name="area", table=None),
    ]
