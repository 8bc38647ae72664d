"""One audit chain per school.

Every event written before this migration, and the single chain head (pk=1), become the closed
`legacy` chain: their hashes are untouched (the legacy payload has no chain name), so they verify
exactly as before and no existing row is rewritten. New events join their school's chain.

The old code created the head row with an explicit pk=1, so on PostgreSQL the head table's id
sequence never moved: it is reset here, or the first new chain head would collide with pk 1.
"""

from typing import Any

from django.core.management.color import no_style
from django.db import migrations, models


def reset_head_sequence(apps: Any, schema_editor: Any) -> None:
    head = apps.get_model("audit", "AuditChainHead")
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [head]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(default="legacy", max_length=32),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(max_length=32, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="legacy", max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(reset_head_sequence, migrations.RunPython.noop),
    ]
