"""Every finding has its enterprise and matter (filled by 0004), and is on a record or on a remote check."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0004_finding_sources"),
    ]

    operations = [
        migrations.AlterField(
            model_name="finding",
            name="enterprise",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="findings", to="enterprises.enterprise",
                                    verbose_name="enterprise"),
        ),
        migrations.AlterField(
            model_name="finding",
            name="matter",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="catalogue.matter", verbose_name="matter"),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(fields=["enterprise", "deadline", "id"], name="finding_enterprise"),
        ),
        migrations.AddConstraint(
            model_name="finding",
            constraint=models.CheckConstraint(
                condition=models.Q(("item__isnull", False), ("record__isnull", False), ("remote_check__isnull", True))
                | models.Q(("item__isnull", True), ("record__isnull", True), ("remote_check__isnull", False)),
                name="finding_on_a_record_or_a_remote_check",
            ),
        ),
    ]
