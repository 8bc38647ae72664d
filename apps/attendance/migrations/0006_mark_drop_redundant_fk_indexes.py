"""Drop the single-column indexes Django made for Mark.school, Mark.pupil and Mark.recorded_by.

The covering index `att_mark_school_date` leads with school and the unique constraint
`uniq_mark_per_session` leads with pupil; marks are never looked up by recorded_by. The indexes
are dropped by name (found by introspection) rather than by `AlterField`, which on SQLite would
rebuild the whole mark table three times."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMNS = ("school_id", "pupil_id", "recorded_by_id")


def _single_column_indexes(schema_editor, model, column):
    return schema_editor._constraint_names(model, [column], index=True, unique=False, primary_key=False)


def drop_indexes(apps, schema_editor):
    Mark = apps.get_model("attendance", "Mark")
    for column in COLUMNS:
        for name in _single_column_indexes(schema_editor, Mark, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_indexes(apps, schema_editor):
    Mark = apps.get_model("attendance", "Mark")
    table = Mark._meta.db_table
    for column in COLUMNS:
        if not _single_column_indexes(schema_editor, Mark, column):
            name = schema_editor._create_index_name(table, [column], suffix="")
            schema_editor.execute(
                f"CREATE INDEX {schema_editor.quote_name(name)} "
                f"ON {schema_editor.quote_name(table)} ({schema_editor.quote_name(column)})"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0005_part_time_timetables"),
        ("core", "0001_initial"),
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, restore_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="mark",
                    name="pupil",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance_marks",
                        to="people.pupil",
                    ),
                ),
                migrations.AlterField(
                    model_name="mark",
                    name="recorded_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="mark",
                    name="school",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.school",
                    ),
                ),
            ],
        ),
    ]
