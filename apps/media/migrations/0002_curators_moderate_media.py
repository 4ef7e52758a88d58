from django.contrib.auth.management import create_permissions
from django.db import migrations

# Curators review uploads in the back office: see them and their reports, hide or restore
# them (a change), and dismiss reports. Deleting stays with the artists.
GRANTS = [
    "view_clip",
    "change_clip",
    "view_story",
    "change_story",
    "view_track",
    "change_track",
    "view_report",
    "change_report",
    "view_play",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="curators")
    curators.permissions.add(
        *Permission.objects.filter(content_type__app_label="media", codename__in=GRANTS)
    )


class Migration(migrations.Migration):
    dependencies = [("media", "0001_initial"), ("accounts", "0002_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
