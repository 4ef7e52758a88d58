# Areas and genres now live in places; their tables and the foreign keys to them are
# unchanged by this step, so it only changes the migration state.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('curation', '0002_curators_curate'),
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='collection',
                    name='areas',
                    field=models.ManyToManyField(blank=True, related_name='collections', to='places.area'),
                ),
                migrations.AlterField(
                    model_name='collection',
                    name='genres',
                    field=models.ManyToManyField(blank=True, related_name='collections', to='places.genre'),
                ),
            ],
            database_operations=[],
        ),
    ]
