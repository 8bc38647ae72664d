"""Demo: the trust, the school and its calendar (two years of history and the current year)."""

from __future__ import annotations

from apps.demo.context import DemoContext

from .calendar import SchoolCalendar, academic_year_start, typical_half_terms
from .models import Closure, School, Trust
from .services import add_closure, create_academic_year


def seed(ctx: DemoContext) -> None:
    spec = ctx.school_spec
    trust = ctx.extra.get("trust") or Trust.objects.create(name="Riverbend Learning Trust")
    ctx.extra["trust"] = trust
    ctx.trust = trust
    ctx.school = School.objects.create(
        trust=trust,
        name=spec["name"],
        urn=spec["urn"],
        la_code=spec["la_code"],
        establishment_number=spec["establishment_number"],
        phase=School.Phase.SECONDARY,
        is_academy=True,
        address=f"1 School Lane, Riverbend RB{ctx.rng.randint(1, 9)} {ctx.rng.randint(1, 9)}AA",
        telephone="01632 960000",
        email="office@example.org",
    )
    current = academic_year_start(ctx.today).year
    ctx.first_year_start = current - ctx.years
    for start_year in range(ctx.first_year_start, current + 2):
        create_academic_year(None, school=ctx.school, start_year=start_year)
        # Two INSET days each year: the first day of the autumn and of the spring term.
        terms = typical_half_terms(start_year)
        for day in (terms[0][2], terms[2][2]):
            add_closure(
                None, school=ctx.school, start_date=day, end_date=day, kind=Closure.Kind.INSET, reason="Staff training"
            )
    ctx.calendar = SchoolCalendar.for_school(ctx.school)
