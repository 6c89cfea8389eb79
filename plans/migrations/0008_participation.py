# The participation table (agency, visit, visit date): filled from the plans in one INSERT … SELECT, then
# its unique constraint and its list index are built over the filled table (faster than row by row).

import django.db.models.deletion
from django.db import migrations, models

FILL = """
INSERT INTO plans_participation (agency_id, joint_task_id, visit_date)
SELECT DISTINCT p.agency_id, p.joint_task_id, t.visit_date
FROM plans_plan p JOIN plans_jointtask t ON t.id = p.joint_task_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("plans", "0007_statistics_cells_fill"),
    ]

    operations = [
        migrations.CreateModel(
            name="Participation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("visit_date", models.DateField(verbose_name="visit date")),
                (
                    "agency",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.agency",
                        verbose_name="agency",
                    ),
                ),
                (
                    "joint_task",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="plans.jointtask",
                        verbose_name="joint inspection task",
                    ),
                ),
            ],
            options={
                "verbose_name": "participation",
                "verbose_name_plural": "participations",
            },
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop, elidable=True),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.UniqueConstraint(fields=("joint_task", "agency"), name="participation_task_agency"),
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(fields=["agency", "visit_date", "joint_task"], name="participation_agency_date"),
        ),
    ]
