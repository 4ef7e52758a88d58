from django.contrib.auth.management import create_permissions
from django.db import migrations

# Curators build collections and place features; the moderation log is written by the
# moderation services, so curators only read it, as they read the area insights. Areas and genres were granted in accounts 0002.
GRANTS = [
    "add_collection",
    "change_collection",
    "delete_collection",
    "view_collection",
    "add_collectionitem",
    "change_collectionitem",
    "delete_collectionitem",
    "view_collectionitem",
    "add_feature",
    "change_feature",
    "delete_feature",
    "view_feature",
    "view_moderationaction",
    # The admin's area insights: engagement per area, never amounts of money.
    "view_artistday",
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
        *Permission.objects.filter(content_type__app_label="curation", codename__in=GRANTS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators = Group.objects.filter(name="curators").first()
    if curators is not None:
        curators.permissions.remove(
            *Permission.objects.filter(content_type__app_label="curation", codename__in=GRANTS)
        )


class Migration(migrations.Migration):
    dependencies = [("curation", "0001_initial"), ("accounts", "0002_groups")]

    operations = [migrations.RunPython(grant, revoke)]
