# Areas and genres now live in places; their tables and the foreign keys to them are
# unchanged by this step, so it only changes the migration state.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_areas_and_genres_in_places'),
        ('curation', '0003_areas_and_genres_in_places'),
        ('media', '0004_areas_and_genres_in_places'),
        ('performances', '0007_indexes_by_time'),
        ('places', '0001_initial'),
        ('venues', '0005_areas_and_genres_in_places'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='stop',
                    name='area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='stops', to='places.area'),
                ),
                migrations.AlterField(
                    model_name='performance',
                    name='genre',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='performances', to='places.genre'),
                ),
                migrations.DeleteModel(
                    name='Area',
                ),
                migrations.DeleteModel(
                    name='Genre',
                ),
            ],
            database_operations=[],
        ),
    ]
