"""``Licence.expiry_warned_for``: the expiry date the warning job last warned about, its claim.

Backfilled from the warnings already sent (the enterprise's notification, keyed
``licence-expiry:<licence id>:<valid_to>:enterprise``), so the first run after the migration neither warns
nor audits a licence twice. Only a key whose date is still the licence's ``valid_to`` counts: a licence
renewed since is due again, as before. The partial index ``licence_expiry_due`` holds the licences not yet
warned about for their expiry date, so the job's selection reads today's work only.
"""

import datetime as dt
from collections import defaultdict

from django.db import migrations, models

PREFIX, SUFFIX = "licence-expiry:", ":enterprise"


def backfill(apps, schema_editor):
    Licence = apps.get_model("enterprises", "Licence")
    Notification = apps.get_model("notifications", "Notification")
    keys = (
        Notification.objects.filter(dedupe_key__startswith=PREFIX, dedupe_key__endswith=SUFFIX)
        .values_list("dedupe_key", flat=True)
        .iterator(chunk_size=10_000)
    )
    by_date = defaultdict(list)
    for key in keys:
        pk, _sep, day = key[len(PREFIX) : -len(SUFFIX)].partition(":")
        by_date[dt.date.fromisoformat(day)].append(int(pk))
    for day, pks in by_date.items():
        for start in range(0, len(pks), 5_000):
            Licence.objects.filter(pk__in=pks[start : start + 5_000], valid_to=day).update(expiry_warned_for=day)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_name_bigram_index"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="licence",
            name="expiry_warned_for",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="expiry warned about"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="licence",
            index=models.Index(
                condition=models.Q(("expiry_warned_for", models.F("valid_to")), _negated=True),
                fields=["valid_to"],
                name="licence_expiry_due",
            ),
        ),
    ]
