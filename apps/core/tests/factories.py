from __future__ import annotations

import datetime as dt

import factory

from apps.core.calendar import typical_half_terms
from apps.core.models import AcademicYear, Closure, School, Term, Trust


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Northfield Learning Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("urn",)

    name = factory.Sequence(lambda n: f"Brookfield Academy {n}")
    urn = factory.Sequence(lambda n: f"{900000 + n:06d}")
    la_code = "999"
    establishment_number = factory.Sequence(lambda n: f"{4000 + n % 5000:04d}")
    phase = School.Phase.SECONDARY


def make_calendar(school: School, first_year: int, years: int = 1, *, insets: bool = True) -> list[AcademicYear]:
    """Academic years with six typical half-terms each and, optionally, an INSET day on the first
    day of each autumn term (so pupils start the day after)."""
    made = []
    for offset in range(years):
        start = first_year + offset
        year, _ = AcademicYear.objects.get_or_create(
            school=school, start_date=dt.date(start, 9, 1), defaults={"end_date": dt.date(start + 1, 8, 31)}
        )
        for season, half, begin, end in typical_half_terms(start):
            Term.objects.get_or_create(
                academic_year=year, season=season, half=half, defaults={"start_date": begin, "end_date": end}
            )
        if insets:
            first_day = typical_half_terms(start)[0][2]
            Closure.objects.get_or_create(
                school=school,
                start_date=first_day,
                end_date=first_day,
                defaults={"kind": Closure.Kind.INSET, "reason": "Staff training"},
            )
        made.append(year)
    return made
