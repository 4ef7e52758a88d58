from django.contrib.auth.management import create_permissions
from django.db import migrations

# Venue staff run their own venues' events from the back office (every query there is
# scoped to the venues they staff); they see their venues but do not create or delete them.
GRANTS = [
    "view_venue",
    "add_event",
    "change_event",
    "view_event",
    "view_queueentry",
    "change_queueentry",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff, _ = Group.objects.get_or_create(name="venue staff")
    staff.permissions.add(*Permission.objects.filter(content_type__app_label="venues", codename__in=GRANTS))
    # Choosing a pool means browsing the catalog.
    staff.permissions.add(*Permission.objects.filter(content_type__app_label="media", codename="view_track"))


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_initial"), ("media", "0002_curators_moderate_media"), ("accounts", "0002_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
