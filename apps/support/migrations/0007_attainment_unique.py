# One attainment figure per pupil, subject, date and measure (support review, issue 7 item 4).

from django.conf import settings
from django.db import migrations, models


def drop_identical_repeats(apps, schema_editor):
    """A file imported twice before this constraint left identical copies: keep the first of each
    (same pupil, subject, date, measure, value and target). Copies that disagree are left for the
    constraint to report, since choosing between two different figures is the school's decision."""
    record = apps.get_model("support", "AttainmentRecord")
    first: dict[tuple, int] = {}
    repeats: list[int] = []
    rows = record.objects.order_by("pk").values_list(
        "pk", "pupil_id", "subject", "assessed_on", "measure", "value", "target"
    )
    for pk, *key in rows.iterator():
        if tuple(key) in first:
            repeats.append(pk)
        else:
            first[tuple(key)] = pk
    for start in range(0, len(repeats), 500):
        record.objects.filter(pk__in=repeats[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("people", "0001_initial"),
        ("support", "0006_response_year_number"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_identical_repeats, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="attainmentrecord",
            constraint=models.UniqueConstraint(
                fields=("pupil", "subject", "assessed_on", "measure"), name="uniq_attainment_per_assessment"
            ),
        ),
    ]
