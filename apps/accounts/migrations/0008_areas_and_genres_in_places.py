# Areas and genres now live in places; their tables and the foreign keys to them are
# unchanged by this step, so it only changes the migration state.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_indexes_by_time'),
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='artistprofile',
                    name='genres',
                    field=models.ManyToManyField(blank=True, related_name='artists', to='places.genre'),
                ),
                migrations.AlterField(
                    model_name='artistprofile',
                    name='home_area',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='artists', to='places.area'),
                ),
                migrations.AlterField(
                    model_name='user',
                    name='preferred_genres',
                    field=models.ManyToManyField(blank=True, related_name='+', to='places.genre', verbose_name='favourite genres'),
                ),
            ],
            database_operations=[],
        ),
    ]
