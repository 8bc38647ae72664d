"""Pure rules about pupil records."""

from __future__ import annotations

import datetime as dt

# Domain file §4.4 [C]: a secondary school (the pupil's last school) keeps the pupil's educational
# record, and child protection information, until the pupil's date of birth + 25 years, then
# reviews it. Sources: IRMS Information Management Toolkit for Schools (via North Yorkshire CC,
# Blackpool, Somerset; dataprotection.education for CP information).
PUPIL_RECORD_RETENTION_YEARS = 25


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_review_date(date_of_birth: dt.date) -> dt.date:
    """The day a secondary pupil's record (and child protection file) falls due for review:
    date of birth + 25 years (domain file §4.4). Review, never automatic deletion: a CP file may be
    under a legal hold (the IICSA instruction, §4.4 [S])."""
    return add_years(date_of_birth, PUPIL_RECORD_RETENTION_YEARS)


def subject_access_deadline(received: dt.date, *, extended: bool = False) -> dt.date:
    """A subject access request is answered within one calendar month of receipt, extendable by
    two further months for complex or numerous requests (domain file §4.2 [C], DfE "Data
    protection in schools: SARs"). The clock runs through school holidays. A month from 31 January
    ends on the last day of February (the corresponding day, or the month's last day)."""
    months = 3 if extended else 1
    month_index = received.month - 1 + months
    year, month = received.year + month_index // 12, month_index % 12 + 1
    import calendar

    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(received.day, last))
