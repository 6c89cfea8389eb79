"""A finding on a record (on site) or on a remote check (非现场检查), with its enterprise and matter copied at
creation. Two steps, so that PostgreSQL's deferred foreign-key checks of the backfill are done before the
columns become NOT NULL in the next migration: here the new columns, nullable, and their values for the
findings there are (one UPDATE, from the record's visit and the checklist item)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Finding = apps.get_model("inspections", "Finding")
    RecordItem = apps.get_model("inspections", "RecordItem")
    InspectionRecord = apps.get_model("inspections", "InspectionRecord")
    Finding.objects.filter(record__isnull=False).update(
        matter_id=Subquery(RecordItem.objects.filter(pk=OuterRef("item_id")).values("matter_id")[:1]),
        enterprise_id=Subquery(
            InspectionRecord.objects.filter(pk=OuterRef("record_id")).values("task__enterprise_id")[:1]
        ),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0003_matter_remote_checkable"),
        ("enterprises", "0006_division_id_index"),
        ("inspections", "0003_objections"),
        ("plans", "0021_remote_check_withdrawal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="finding",
            name="record",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="findings", to="inspections.inspectionrecord",
                                    verbose_name="record"),
        ),
        migrations.AlterField(
            model_name="finding",
            name="item",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="findings", to="inspections.recorditem",
                                    verbose_name="checklist item"),
        ),
        migrations.AddField(
            model_name="finding",
            name="remote_check",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="findings", to="plans.remotecheck", verbose_name="remote check"),
        ),
        migrations.AddField(
            model_name="finding",
            name="enterprise",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="findings", to="enterprises.enterprise",
                                    verbose_name="enterprise"),
        ),
        migrations.AddField(
            model_name="finding",
            name="matter",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="catalogue.matter", verbose_name="matter"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
