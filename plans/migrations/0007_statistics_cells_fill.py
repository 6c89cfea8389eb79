from django.db import migrations


def fill(apps, schema_editor):
    """The statistics' cells of the plans and visits already there, by ``plans.statistics.cells_rebuild`` (the
    one definition of a cell: the code of this migration's time). A database without plans (a new install,
    the tests) has nothing to fill, so a later change to the plans' tables never reaches this code."""
    if not apps.get_model("plans", "Plan").objects.exists():
        return
    from plans.statistics import cells_rebuild

    cells_rebuild(batch_days=31)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_statistics_cells"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
