from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen as they were when this migration was written; later grants are later migrations.
CURATORS = "curators"
VENUE_STAFF = "venue staff"
CURATOR_PERMISSIONS = {
    ("performances", "genre"): ("add", "change", "delete", "view"),
    ("performances", "area"): ("add", "change", "delete", "view"),
    ("accounts", "artistprofile"): ("change", "view"),
}
VENUE_STAFF_PERMISSIONS = {("performances", "genre"): ("view",)}


def grant(apps, group_name, table):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for (app_label, model), actions in table.items():
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant(apps, CURATORS, CURATOR_PERMISSIONS)
    grant(apps, VENUE_STAFF, VENUE_STAFF_PERMISSIONS)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[CURATORS, VENUE_STAFF]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("performances", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
