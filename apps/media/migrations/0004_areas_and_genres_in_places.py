# Areas and genres now live in places; their tables and the foreign keys to them are
# unchanged by this step, so it only changes the migration state.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('media', '0003_reports_on_performances_and_profiles'),
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='track',
                    name='area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tracks', to='places.area'),
                ),
                migrations.AlterField(
                    model_name='track',
                    name='genre',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tracks', to='places.genre'),
                ),
            ],
            database_operations=[],
        ),
    ]
