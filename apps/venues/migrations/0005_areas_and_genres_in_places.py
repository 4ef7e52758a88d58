# Areas and genres now live in places; their tables and the foreign keys to them are
# unchanged by this step, so it only changes the migration state.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
        ('venues', '0004_indexes_by_time'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='event',
                    name='pool_areas',
                    field=models.ManyToManyField(blank=True, related_name='+', to='places.area'),
                ),
                migrations.AlterField(
                    model_name='event',
                    name='pool_genres',
                    field=models.ManyToManyField(blank=True, related_name='+', to='places.genre'),
                ),
                migrations.AlterField(
                    model_name='venue',
                    name='area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='venues', to='places.area'),
                ),
            ],
            database_operations=[],
        ),
    ]
