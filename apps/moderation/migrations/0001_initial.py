# Reports (from media) and the moderation log (from curation) move here with their rows:
# the tables stay as they are in this step (state only), and 0002 renames them.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('media', '0004_areas_and_genres_in_places'),
        ('curation', '0003_areas_and_genres_in_places'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ModerationAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('verb', models.CharField(choices=[('hide', 'Hidden'), ('restore', 'Restored'), ('dismiss', 'Report dismissed'), ('warn', 'Owner warned')], max_length=12)),
                        ('reason', models.CharField(max_length=500)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'curation_moderationaction',
                        'indexes': [models.Index(fields=['content_type', 'object_id', '-created_at'], name='moderation_by_item')],
                    },
                ),
                migrations.CreateModel(
                    name='Report',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('reason', models.CharField(choices=[('spam', 'Spam or misleading'), ('offensive', 'Offensive or hateful'), ('copyright', 'Not theirs to post (copyright)'), ('privacy', 'Shows someone without consent'), ('other', 'Something else')], max_length=20)),
                        ('note', models.TextField(blank=True, max_length=500)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('hidden', 'Item hidden'), ('dismissed', 'Dismissed'), ('warned', 'Owner warned')], default='open', max_length=12)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('content_type', models.ForeignKey(limit_choices_to=models.Q(models.Q(('app_label', 'media'), ('model__in', ['clip', 'story', 'track'])), models.Q(('app_label', 'performances'), ('model', 'performance')), models.Q(('app_label', 'accounts'), ('model', 'artistprofile')), _connector='OR'), on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                        ('reporter', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to=settings.AUTH_USER_MODEL)),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                        'db_table': 'media_report',
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='report_item')],
                        'constraints': [models.UniqueConstraint(fields=('reporter', 'content_type', 'object_id'), name='report_once_per_item')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
