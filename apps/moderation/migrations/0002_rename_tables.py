# Runs once media and curation let go of the models: the content types follow (so the
# curators' permissions and every report's and decision's item stay as they were), then
# the tables take their moderation_ names.

from django.db import migrations

from apps.core.contenttypes import move_content_types

forward, backward = move_content_types(
    [("report", "media", "moderation"), ("moderationaction", "curation", "moderation")]
)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0001_initial"),
        ("media", "0005_reports_moved_to_moderation"),
        ("curation", "0004_moderation_log_moved_to_moderation"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterModelTable(name="report", table=None),
        migrations.AlterModelTable(name="moderationaction", table=None),
    ]
