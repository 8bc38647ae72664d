"""Demo: year groups 7 to 11, forms, teaching groups, pupils with realistic flags, carers and
siblings. Every name and identifier is made up; UPNs carry valid check letters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from apps.accounts.models import Role
from apps.demo.context import DemoContext
from apps.demo.names import FORENAMES_F, FORENAMES_M, NICKNAMES, STREETS, SURNAMES, TOWN

from .identifiers import make_upn, uln_check_digit
from .models import Carer, Form, Pupil, PupilCarer, TeachingGroup, YearGroup

YEARS = [7, 8, 9, 10, 11]
FORM_LETTERS = "ABCDEFGH"
SUBJECTS = [("Ma", "Mathematics"), ("En", "English"), ("Sc", "Science"), ("Hu", "Humanities")]
ETHNICITIES = [
    ("WBRI", 66),
    ("WOTH", 6),
    ("AIND", 4),
    ("APKN", 7),
    ("ABAN", 3),
    ("BAFR", 4),
    ("BCRB", 2),
    ("MWBC", 3),
    ("MOTH", 2),
    ("CHNE", 1),
    ("OOTH", 2),
]
LANGUAGES = ["Urdu", "Polish", "Bengali", "Punjabi", "Romanian", "Arabic", "Portuguese", "Somali"]
SEN_NEEDS = ["SEMH", "SLCN", "ASD", "SpLD", "MLD", "VI", "HI", "PD"]


def _preferred(rng: Any, forename: str) -> str:
    """About a third of pupils whose name has a usual short form go by it; nobody else has a
    preferred forename. One draw from `rng` whatever the name, so the rest of the seed is stable."""
    draw = rng.random()
    options = NICKNAMES.get(forename)
    if not options or draw >= 0.35:
        return ""
    return options[int(draw / 0.35 * len(options))]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    school = ctx.school
    current_start = ctx.first_year_start + ctx.years
    per_year = max(2, ctx.pupils_wanted // len(YEARS))
    forms_per_year = max(1, min(len(FORM_LETTERS), round(per_year / 25)))
    teachers = list(ctx.staff[Role.TEACHER])
    named_teacher = next(u for u in teachers if u.username.startswith("teacher"))
    named_tutor = ctx.staff[Role.FORM_TUTOR][0]
    tutor_pool = [u for u in teachers if u.username.startswith("staff")]

    year_groups = {n: YearGroup.objects.create(school=school, number=n) for n in YEARS}
    year_groups[9].heads.add(ctx.staff[Role.HEAD_OF_YEAR][0])
    for n in YEARS:
        if n != 9 and tutor_pool:
            year_groups[n].heads.add(tutor_pool[n % len(tutor_pool)])
    forms: dict[int, list[Form]] = {}
    for n in YEARS:
        forms[n] = []
        for i in range(forms_per_year):
            form = Form.objects.create(
                school=school,
                year_group=year_groups[n],
                name=f"{n}{FORM_LETTERS[i]}",
                room=f"{'ABCDE'[n - 7]}{i + 1:02d}",
            )
            tutor = named_tutor if (n, i) == (9, 0) else tutor_pool[(n * 8 + i) % len(tutor_pool)]
            form.tutors.add(tutor)
            forms[n].append(form)

    pupils: list[Pupil] = []
    serials: dict[int, int] = {}
    for n in YEARS:
        cohort_start = current_start - (n - 7)  # the September this year group started Year 7
        for i in range(per_year):
            female = rng.random() < 0.49
            born = dt.date(current_start - n - 5, 9, 1) + dt.timedelta(days=rng.randrange(365))
            in_year = rng.random() < 0.06
            admitted = dt.date(cohort_start, 9, 2)
            if in_year:  # joined part-way through, on a school day before today
                candidate = admitted + dt.timedelta(days=rng.randrange(60, 700))
                if ctx.history_start < candidate < ctx.today:
                    admitted = ctx.calendar.next_school_day(candidate)
            serial_year = admitted.year if admitted.month >= 9 else admitted.year - 1
            serials[serial_year] = serials.get(serial_year, 0) + 1
            upn = make_upn(school.la_code, school.establishment_number, serial_year, serials[serial_year])
            fsm = rng.random() < 0.22
            sen = rng.choices(["N", "K", "E"], weights=[85.5, 12, 2.5])[0]
            eal = rng.random() < 0.15
            ethnicity = rng.choices([e for e, _ in ETHNICITIES], weights=[w for _, w in ETHNICITIES])[0]
            looked_after = rng.random() < 0.008
            forename = rng.choice(FORENAMES_F if female else FORENAMES_M)
            pupils.append(
                Pupil(
                    school=school,
                    legal_forename=forename,
                    legal_middle_names=rng.choice(["", "", "", rng.choice(FORENAMES_F if female else FORENAMES_M)]),
                    legal_surname=rng.choice(SURNAMES),
                    preferred_forename=_preferred(rng, forename),
                    date_of_birth=born,
                    sex=Pupil.Sex.FEMALE if female else Pupil.Sex.MALE,
                    upn=upn,
                    uln=_uln(rng) if n >= 10 else "",
                    admission_date=admitted,
                    year_group=year_groups[n],
                    form=forms[n][i % forms_per_year],
                    ethnicity=ethnicity,
                    first_language=rng.choice(LANGUAGES) if eal else "English",
                    fsm=fsm,
                    fsm_ever6=fsm or rng.random() < 0.06,
                    pupil_premium=fsm or looked_after or rng.random() < 0.06,
                    sen_status=sen,
                    sen_need=rng.choice(SEN_NEEDS) if sen != "N" else "",
                    eal=eal,
                    looked_after=looked_after,
                    previously_looked_after=not looked_after and rng.random() < 0.006,
                    young_carer=rng.random() < 0.02,
                    service_child=rng.random() < 0.01,
                    medical_notes=rng.choice(
                        [
                            "Asthma: inhaler in bag.",
                            "Type 1 diabetes: care plan with the office.",
                            "Severe nut allergy: adrenaline pen in the office.",
                            "Epilepsy: care plan.",
                        ]
                    )
                    if rng.random() < 0.06
                    else "",
                )
            )
    # A few pupils have left during the history (moved away); they keep their records.
    for pupil in rng.sample(pupils, k=max(1, len(pupils) // 40)):
        span = (ctx.today - max(pupil.admission_date, ctx.history_start)).days
        if span > 60:
            pupil.leaving_date = ctx.calendar.next_school_day(
                max(pupil.admission_date, ctx.history_start) + dt.timedelta(days=rng.randrange(30, span - 14))
            ) - dt.timedelta(days=1)
    Pupil.objects.bulk_create(pupils, batch_size=500)
    ctx.pupils = list(Pupil.objects.filter(school=school).select_related("year_group", "form").order_by("id"))

    _teaching_groups(ctx, year_groups, teachers, named_teacher)
    _carers(ctx)
    ctx.say(f"{len(ctx.pupils)} pupils in {sum(len(f) for f in forms.values())} forms")


def _uln(rng: object) -> str:
    import random

    assert isinstance(rng, random.Random)
    while True:
        first_nine = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        check = uln_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


def _teaching_groups(
    ctx: DemoContext, year_groups: dict[int, YearGroup], teachers: list[Any], named_teacher: Any
) -> None:
    rng = ctx.rng
    through = TeachingGroup.pupils.through
    links: list[Any] = []
    by_year: dict[int, list[Pupil]] = {}
    for pupil in ctx.pupils:
        by_year.setdefault(pupil.year_group.number, []).append(pupil)
    pool = [t for t in teachers if t != named_teacher]
    for n, cohort in by_year.items():
        sets = max(1, round(len(cohort) / 25))
        for code, subject in SUBJECTS:
            ordered = sorted(cohort, key=lambda _p: rng.random())
            for s in range(sets):
                group = TeachingGroup.objects.create(school=ctx.school, name=f"{n}X/{code}{s + 1}", subject=subject)
                teacher = (
                    named_teacher
                    if code == "Ma" and (n, s) in {(9, 0), (9, 1), (10, 0), (11, 2), (7, 3)}
                    else pool[(n * 31 + s * 7 + len(code) + ord(code[0])) % len(pool)]
                )
                group.teachers.add(teacher)
                links.extend(through(teachinggroup_id=group.pk, pupil_id=p.pk) for p in ordered[s::sets])
    through.objects.bulk_create(links, batch_size=2000)


def _carers(ctx: DemoContext) -> None:
    rng = ctx.rng
    carers: list[Carer] = []
    plans: list[tuple[list[Pupil], list[tuple[Carer, str]]]] = []
    pupils = list(ctx.pupils)
    rng.shuffle(pupils)
    families: list[list[Pupil]] = []
    i = 0
    while i < len(pupils):
        size = 2 if rng.random() < 0.16 and i + 1 < len(pupils) else 1
        families.append(pupils[i : i + size])
        i += size
    links: list[PupilCarer] = []
    for family in families:
        surname = family[0].legal_surname
        for member in family[1:]:
            member.legal_surname = surname
        address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {TOWN}"
        adults: list[tuple[Carer, str]] = []
        mother = Carer(
            school=ctx.school,
            title=rng.choice(["Mrs", "Ms", "Miss"]),
            forename=rng.choice(FORENAMES_F),
            surname=surname,
            mobile=f"07700 9{rng.randrange(100000):05d}",
            address=address,
            email=f"parent{rng.randrange(10**6)}@example.net",
        )
        adults.append((mother, PupilCarer.Relationship.MOTHER))
        if rng.random() < 0.7:
            father = Carer(
                school=ctx.school,
                title="Mr",
                forename=rng.choice(FORENAMES_M),
                surname=surname if rng.random() < 0.8 else rng.choice(SURNAMES),
                mobile=f"07700 9{rng.randrange(100000):05d}",
                work_phone=f"01632 9{rng.randrange(10000, 99999)}",
                address=address if rng.random() < 0.75 else f"{rng.randint(1, 90)} {rng.choice(STREETS)}, {TOWN}",
            )
            adults.append((father, PupilCarer.Relationship.FATHER))
        carers.extend(a for a, _ in adults)
        plans.append((family, adults))
    Carer.objects.bulk_create(carers, batch_size=1000)
    for family, adults in plans:
        restricted = rng.random() < 0.025 and len(adults) > 1
        for pupil in family:
            for priority, (adult, relationship) in enumerate(adults, start=1):
                is_restricted = restricted and priority == 2
                links.append(
                    PupilCarer(
                        pupil=pupil,
                        carer=adult,
                        relationship=relationship,
                        contact_priority=priority,
                        parental_responsibility=True,
                        lives_with_pupil=priority == 1 or not is_restricted,
                        restriction=rng.choice(
                            [PupilCarer.Restriction.NO_CONTACT, PupilCarer.Restriction.NOT_TO_COLLECT]
                        )
                        if is_restricted
                        else "",
                        restriction_detail="Court order held by the DSL" if is_restricted else "",
                    )
                )
    PupilCarer.objects.bulk_create(links, batch_size=2000)
    Pupil.objects.bulk_update([p for f in families if len(f) > 1 for p in f], ["legal_surname"], batch_size=500)
