# Report now lives in moderation; its table is kept (renamed there), so this step only
# changes the migration state.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('media', '0004_areas_and_genres_in_places'),
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Report")],
            database_operations=[],
        ),
    ]
