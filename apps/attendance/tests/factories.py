from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from apps.attendance import summaries
from apps.attendance.models import Mark, Source


def make_marks(pupil: Any, codes: dict[tuple[dt.date, str], str], *, source: str = Source.REGISTER) -> list[Mark]:
    """Marks for `pupil` straight into the table (test set-up only; services are tested apart),
    with the pupil's per-year summaries recounted, as every bulk writer of marks does."""
    now = timezone.now()
    made = Mark.objects.bulk_create(
        [
            Mark(
                school_id=pupil.school_id,
                pupil=pupil,
                date=day,
                session=session,
                code=code,
                recorded_at=now,
                source=source,
            )
            for (day, session), code in codes.items()
        ]
    )
    years = {summaries.school_year(day) for day, _session in codes}
    summaries.refresh(pupil.school, years=years, pupil_ids=[pupil.pk])
    return made
