from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="curators")
    curators.permissions.add(
        *Permission.objects.filter(content_type__app_label="performances", codename="view_performance")
    )


class Migration(migrations.Migration):
    dependencies = [("performances", "0002_performance_like_stop_view_and_more"), ("accounts", "0002_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
