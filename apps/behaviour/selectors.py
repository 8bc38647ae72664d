"""Reads of behaviour records, scoped to the school and to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from apps.accounts.models import User
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.core.disclosure import too_small
from apps.core.models import School
from apps.people.models import Pupil
from apps.people.selectors import visible_pupils

from .models import (
    BehaviourType,
    Detention,
    Exclusion,
    Incident,
    IncidentPupil,
    InclusionBooking,
    Location,
    PastoralSupportProgramme,
    Polarity,
    PupilMove,
    ReportCard,
)


@dataclass(frozen=True)
class BehaviourTotals:
    """One pupil's behaviour figures over a period (the support module measures an
    intervention's impact with these)."""

    positive_points: int = 0
    negative_points: int = 0  # a positive number: the size of the negative points
    incidents: int = 0  # negative incidents the pupil was part of
    rewards: int = 0  # positive events
    detentions: int = 0  # detentions set (not cancelled)
    suspension_days: Decimal = Decimal("0")  # FIXD + LNCH days starting in the period, not cancelled
    suspensions: int = 0
    permanent_exclusions: int = 0
    internal_exclusions: int = 0  # inclusion-unit bookings (not cancelled)

    @property
    def net_points(self) -> int:
        return self.positive_points - self.negative_points


def behaviour_totals(
    *, school: School, pupil_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, BehaviourTotals]:
    """{pupil id: BehaviourTotals} for every id in `pupil_ids`, from `start` to `end` inclusive.

    Five grouped queries whatever the number of pupils. A pupil with nothing recorded gets zeros.
    No viewer filter: the caller (a service or selector of another module) has already decided
    the viewer may see these pupils. Suspension days count suspensions that start in the period.
    """
    ids = list(dict.fromkeys(int(i) for i in pupil_ids))
    if not ids:
        return {}
    acc: dict[int, dict[str, object]] = {pid: {} for pid in ids}
    links = (
        IncidentPupil.objects.filter(school=school, pupil_id__in=ids, date__gte=start, date__lte=end)
        .values("pupil_id")
        .annotate(
            pos=Sum("points", filter=Q(incident__polarity=Polarity.POSITIVE)),
            neg=Sum("points", filter=Q(incident__polarity=Polarity.NEGATIVE)),
            n_neg=Count("id", filter=Q(incident__polarity=Polarity.NEGATIVE)),
            n_pos=Count("id", filter=Q(incident__polarity=Polarity.POSITIVE)),
        )
    )
    for link in links:
        acc[link["pupil_id"]].update(
            positive_points=int(link["pos"] or 0),
            negative_points=abs(int(link["neg"] or 0)),
            incidents=link["n_neg"],
            rewards=link["n_pos"],
        )
    for det in (
        Detention.objects.filter(school=school, pupil_id__in=ids, date__gte=start, date__lte=end)
        .exclude(status=Detention.Status.CANCELLED)
        .values("pupil_id")
        .annotate(n=Count("id"))
    ):
        acc[det["pupil_id"]]["detentions"] = det["n"]
    for exc in (
        Exclusion.objects.filter(
            school=school, pupil_id__in=ids, start_date__gte=start, start_date__lte=end, cancelled_at__isnull=True
        )
        .values("pupil_id")
        .annotate(
            sessions=Sum("sessions", filter=~Q(kind=Exclusion.Kind.PERMANENT)),
            n_susp=Count("id", filter=~Q(kind=Exclusion.Kind.PERMANENT)),
            n_perm=Count("id", filter=Q(kind=Exclusion.Kind.PERMANENT)),
        )
    ):
        acc[exc["pupil_id"]].update(
            suspension_days=Decimal(int(exc["sessions"] or 0)) / 2,
            suspensions=exc["n_susp"],
            permanent_exclusions=exc["n_perm"],
        )
    for inc in (
        InclusionBooking.objects.filter(school=school, pupil_id__in=ids, date__gte=start, date__lte=end)
        .exclude(status=InclusionBooking.Status.CANCELLED)
        .values("pupil_id")
        .annotate(n=Count("id"))
    ):
        acc[inc["pupil_id"]]["internal_exclusions"] = inc["n"]
    return {pid: BehaviourTotals(**values) for pid, values in acc.items()}  # type: ignore[arg-type]


# Pages ------------------------------------------------------------------------------------------


def _visible_ids(school: School, viewer: Any) -> Any:
    return visible_pupils(school, viewer).values("pk")


def behaviour_types(school: School) -> QuerySet[BehaviourType]:
    return BehaviourType.objects.filter(school=school, is_active=True).order_by("polarity", "name")


def locations(school: School) -> QuerySet[Location]:
    return Location.objects.filter(school=school)


def pupil_history(school: School, viewer: Any, pupil: Pupil, *, limit: int = 200) -> list[IncidentPupil]:
    """The pupil's own part in each incident and reward, newest first. Other pupils involved are
    never included (each pupil's record shows only their part)."""
    return list(
        IncidentPupil.objects.filter(school=school, pupil=pupil)
        .select_related("incident__behaviour_type", "incident__location", "incident__reported_by")
        .order_by("-date", "-incident__occurred_at")[:limit]
    )


def get_incident(school: School, viewer: Any, incident_id: int) -> tuple[Incident, list[IncidentPupil], int]:
    """The incident, the pupil links the viewer may see, and how many others are hidden. 404 when
    the viewer sees none of its pupils (and for another school's incident)."""
    incident = (
        Incident.objects.filter(school=school, pk=incident_id)
        .select_related("behaviour_type", "location", "reported_by")
        .first()
    )
    links: list[IncidentPupil] = []
    total = 0
    if incident is not None:
        all_links = list(incident.pupil_links.select_related("pupil__year_group", "pupil__form"))
        total = len(all_links)
        seen = set(
            visible_pupils(school, viewer)
            .filter(pk__in=[link.pupil_id for link in all_links])
            .values_list("pk", flat=True)
        )
        links = [link for link in all_links if link.pupil_id in seen]
    if incident is None or (not links and incident.reported_by_id != getattr(viewer, "pk", None)):
        audit.record(
            viewer, Verb.DENIED, ("behaviour.incident", incident_id), school=school, reason="behaviour.view_incident"
        )
        raise Http404("No such incident.")
    return incident, links, total - len(links)


def recent_incidents_by(school: School, viewer: Any, *, limit: int = 10) -> list[Incident]:
    return list(
        Incident.objects.filter(school=school, reported_by=viewer)
        .select_related("behaviour_type")
        .order_by("-occurred_at")[:limit]
    )


def detentions_on(school: School, viewer: Any, day: dt.date) -> list[Detention]:
    return list(
        Detention.objects.filter(school=school, date=day, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil__form", "set_by", "incident__behaviour_type")
        .order_by("start_time", "pupil__legal_surname")
    )


def pupil_detentions(school: School, pupil: Pupil, *, limit: int = 20) -> list[Detention]:
    return list(Detention.objects.filter(school=school, pupil=pupil).order_by("-date")[:limit])


def get_detention(school: School, viewer: Any, detention_id: int) -> Detention:
    found = (
        Detention.objects.filter(school=school, pk=detention_id, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil__year_group")
        .first()
    )
    if found is None:
        audit.record(
            viewer, Verb.DENIED, ("behaviour.detention", detention_id), school=school, reason="behaviour.detention"
        )
        raise Http404("No such detention.")
    return found


def inclusion_roster(school: School, viewer: Any, day: dt.date) -> list[InclusionBooking]:
    """Who is in the inclusion unit on `day`, why, who placed them, work and planned return."""
    return list(
        InclusionBooking.objects.filter(school=school, date=day, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil__form", "pupil__year_group", "placed_by")
        .order_by("pupil__legal_surname", "pupil__legal_forename")
    )


def get_booking(school: School, viewer: Any, booking_id: int) -> InclusionBooking:
    found = (
        InclusionBooking.objects.filter(school=school, pk=booking_id, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil")
        .first()
    )
    if found is None:
        audit.record(
            viewer, Verb.DENIED, ("behaviour.inclusionbooking", booking_id), school=school, reason="behaviour.booking"
        )
        raise Http404("No such booking.")
    return found


def pupil_inclusion(school: School, pupil: Pupil, *, limit: int = 20) -> list[InclusionBooking]:
    return list(InclusionBooking.objects.filter(school=school, pupil=pupil).order_by("-date")[:limit])


def exclusions(school: School, viewer: Any, *, start: dt.date, end: dt.date) -> list[Exclusion]:
    return list(
        Exclusion.objects.filter(
            school=school, start_date__gte=start, start_date__lte=end, pupil__in=_visible_ids(school, viewer)
        )
        .select_related("pupil__year_group", "pupil__form", "decided_by")
        .order_by("-start_date", "-id")
    )


def pupil_exclusions(school: School, pupil: Pupil) -> list[Exclusion]:
    return list(Exclusion.objects.filter(school=school, pupil=pupil).order_by("-start_date"))


def get_exclusion(school: School, viewer: Any, exclusion_id: int) -> Exclusion:
    found = (
        Exclusion.objects.filter(school=school, pk=exclusion_id, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil__year_group", "pupil__form", "decided_by", "cancelled_by")
        .first()
    )
    if found is None:
        audit.record(
            viewer, Verb.DENIED, ("behaviour.exclusion", exclusion_id), school=school, reason="behaviour.exclusion"
        )
        raise Http404("No such exclusion.")
    audit.record(viewer, Verb.VIEW, found, pupil=found.pupil)
    return found


def psps(school: School, viewer: Any, *, active_only: bool = True) -> list[PastoralSupportProgramme]:
    qs = PastoralSupportProgramme.objects.filter(school=school, pupil__in=_visible_ids(school, viewer))
    if active_only:
        qs = qs.filter(status=PastoralSupportProgramme.Status.ACTIVE)
    return list(qs.select_related("pupil__form", "coordinator").order_by("end_date"))


def get_psp(school: School, viewer: Any, psp_id: int) -> PastoralSupportProgramme:
    found = (
        PastoralSupportProgramme.objects.filter(school=school, pk=psp_id, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil__form", "coordinator")
        .first()
    )
    if found is None:
        audit.record(viewer, Verb.DENIED, ("behaviour.psp", psp_id), school=school, reason="behaviour.psp")
        raise Http404("No such PSP.")
    audit.record(viewer, Verb.VIEW, found, pupil=found.pupil)
    return found


def psp_candidates(school: School, viewer: Any, *, term_start: dt.date, term_end: dt.date, trigger: int) -> list[Pupil]:
    """Pupils with at least `trigger` suspensions this term and no active PSP (§2.9 triggers)."""
    counted = (
        Exclusion.objects.filter(
            school=school,
            start_date__gte=term_start,
            start_date__lte=term_end,
            cancelled_at__isnull=True,
            pupil__in=_visible_ids(school, viewer),
        )
        .exclude(kind=Exclusion.Kind.PERMANENT)
        .values("pupil_id")
        .annotate(n=Count("id"))
        .filter(n__gte=trigger)
    )
    ids = [row["pupil_id"] for row in counted]
    with_psp = PastoralSupportProgramme.objects.filter(
        school=school, pupil_id__in=ids, status=PastoralSupportProgramme.Status.ACTIVE
    ).values_list("pupil_id", flat=True)
    return list(Pupil.objects.filter(pk__in=set(ids) - set(with_psp)).select_related("form"))


# Overview and analysis ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilRow:
    pupil: Pupil
    totals: BehaviourTotals
    recent_negative: int
    previous_negative: int

    @property
    def rising(self) -> bool:
        return self.recent_negative > self.previous_negative


def year_overview(
    school: School, viewer: Any, *, year_number: int | None, start: dt.date, end: dt.date, at_risk_points: int
) -> tuple[list[PupilRow], list[PupilRow]]:
    """Every visible pupil of the year with their totals for the period, sorted by negative points,
    and those at risk: negative points in the last 4 weeks at or above the school's threshold and
    higher than in the 4 weeks before (rising)."""
    pupils = visible_pupils(school, viewer, on_roll_on=end)
    if year_number is not None:
        pupils = pupils.filter(year_group__number=year_number)
    pupil_list = list(pupils.order_by("legal_surname", "legal_forename"))
    ids = [p.pk for p in pupil_list]
    totals = behaviour_totals(school=school, pupil_ids=ids, start=start, end=end)
    recent = behaviour_totals(school=school, pupil_ids=ids, start=end - dt.timedelta(days=27), end=end)
    previous = behaviour_totals(
        school=school, pupil_ids=ids, start=end - dt.timedelta(days=55), end=end - dt.timedelta(days=28)
    )
    rows = [PupilRow(p, totals[p.pk], recent[p.pk].negative_points, previous[p.pk].negative_points) for p in pupil_list]
    rows.sort(key=lambda r: (-r.totals.negative_points, r.pupil.legal_surname))
    at_risk = [r for r in rows if r.recent_negative >= at_risk_points and r.rising]
    return rows, at_risk


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def analysis(
    school: School,
    viewer: Any,
    *,
    start: dt.date,
    end: dt.date,
    year_number: int | None = None,
    pupil_id: int | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """Negative incidents (pupil involvements) counted by type, weekday, lesson period and
    location, for the pupils the viewer may see; for one pupil (`pupil_id`) also by the member of
    staff who reported them, the hot spots a pastoral lead looks for."""
    links = IncidentPupil.objects.filter(
        school=school,
        date__gte=start,
        date__lte=end,
        incident__polarity=Polarity.NEGATIVE,
        pupil__in=_visible_ids(school, viewer),
    )
    if year_number is not None:
        links = links.filter(pupil__year_group__number=year_number)
    if pupil_id is not None:
        links = links.filter(pupil_id=pupil_id)
    by_type = [
        (row["incident__behaviour_type__name"], row["n"])
        for row in links.values("incident__behaviour_type__name").annotate(n=Count("id")).order_by("-n")
    ]
    day_counts: dict[int, int] = {}
    for day, n in links.values_list("date").annotate(n=Count("id")).values_list("date", "n"):
        day_counts[day.weekday()] = day_counts.get(day.weekday(), 0) + n
    by_day = [(WEEKDAYS[i], day_counts.get(i, 0)) for i in range(5)]
    by_period = [
        (f"Period {row['incident__period']}" if row["incident__period"] is not None else "Outside lessons", row["n"])
        for row in links.values("incident__period").annotate(n=Count("id")).order_by("incident__period")
    ]
    by_location = [
        (row["incident__location__name"] or "Not recorded", row["n"])
        for row in links.values("incident__location__name").annotate(n=Count("id")).order_by("-n")
    ]
    result = {"type": by_type, "day": by_day, "period": by_period, "location": by_location}
    if pupil_id is not None:
        names = {
            u.pk: u.display_name
            for u in User.objects.filter(pk__in=links.values("incident__reported_by")).only(
                "title", "first_name", "last_name", "username"
            )
        }
        result["staff"] = [
            (names.get(row["incident__reported_by"], "Not recorded"), row["n"])
            for row in links.values("incident__reported_by").annotate(n=Count("id")).order_by("-n")
        ]
    return result


# Census -----------------------------------------------------------------------------------------

CENSUS_COLUMNS = [
    "upn",
    "surname",
    "forename",
    "date_of_birth",
    "nc_year",
    "category",
    "start_date",
    "sessions",
    "reason_1",
    "reason_2",
    "reason_3",
    "academic_year",
    "term",
]


def census_rows(school: School, *, start: dt.date, end: dt.date, calendar: Any) -> list[dict[str, str]]:
    """The exclusions (not cancelled) starting in the period, with the NPD fields (§2.7)."""
    from apps.core.calendar import academic_year_label

    rows = []
    for e in (
        Exclusion.objects.filter(school=school, start_date__gte=start, start_date__lte=end, cancelled_at__isnull=True)
        .select_related("pupil")
        .order_by("start_date", "pupil__legal_surname")
    ):
        term = calendar.term_containing(e.start_date)
        rows.append(
            {
                "upn": e.pupil.upn,
                "surname": e.pupil.legal_surname,
                "forename": e.pupil.legal_forename,
                "date_of_birth": e.pupil.date_of_birth.isoformat(),
                "nc_year": str(e.nc_year),
                "category": e.kind,
                "start_date": e.start_date.isoformat(),
                "sessions": str(e.sessions),
                "reason_1": e.reason_1,
                "reason_2": e.reason_2,
                "reason_3": e.reason_3,
                "academic_year": academic_year_label(e.start_date),
                "term": term.get_season_display() if term else "",
            }
        )
    return rows


# Disproportionality -----------------------------------------------------------------------------

ETHNIC_GROUPS = {
    "W": "White",
    "M": "Mixed",
    "A": "Asian or Asian British",
    "B": "Black or Black British",
    "C": "Chinese",
    "O": "Any other ethnic group",
}


@dataclass(frozen=True)
class GroupRow:
    group: str
    value: str
    pupils: int
    suspended_pupils: int
    suspensions: int
    permanent: int

    @property
    def suppressed(self) -> bool:
        return too_small(self.suspended_pupils) or too_small(self.permanent)

    @property
    def rate(self) -> str:
        """Suspensions per 100 pupils in the group."""
        return f"{100 * self.suspensions / self.pupils:.1f}" if self.pupils else "—"


def suspensions_by_group(school: School, *, start: dt.date, end: dt.date) -> list[GroupRow]:
    """Suspensions and permanent exclusions (not cancelled) in the period by sex, FSM, SEN,
    ethnicity and looked-after status, against the pupils on roll at the end of the period. No
    names; small numbers are suppressed in the page."""
    pupils = list(
        Pupil.objects.filter(school=school, admission_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
        .values("pk", "sex", "fsm", "sen_status", "ethnicity", "looked_after")
    )
    events = list(
        Exclusion.objects.filter(
            school=school, start_date__gte=start, start_date__lte=end, cancelled_at__isnull=True
        ).values_list("pupil_id", "kind")
    )
    sen = dict(Pupil.SenStatus.choices)
    groupers: list[tuple[str, Any]] = [
        ("Sex", lambda p: "Female" if p["sex"] == "F" else "Male"),
        ("Free school meals", lambda p: "FSM" if p["fsm"] else "Not FSM"),
        ("SEN", lambda p: sen.get(p["sen_status"], p["sen_status"])),
        ("Ethnicity", lambda p: ETHNIC_GROUPS.get((p["ethnicity"] or "?")[:1], "Not recorded")),
        ("Looked after", lambda p: "Looked after" if p["looked_after"] else "Not looked after"),
    ]
    by_pupil = {p["pk"]: p for p in pupils}
    rows: list[GroupRow] = []
    for label, key in groupers:
        values = sorted({key(p) for p in pupils})
        for value in values:
            members = {pk for pk, p in by_pupil.items() if key(p) == value}
            mine = [(pid, kind) for pid, kind in events if pid in members]
            rows.append(
                GroupRow(
                    group=label,
                    value=value,
                    pupils=len(members),
                    suspended_pupils=len({pid for pid, kind in mine if kind != Exclusion.Kind.PERMANENT}),
                    suspensions=sum(1 for _pid, kind in mine if kind != Exclusion.Kind.PERMANENT),
                    permanent=sum(1 for _pid, kind in mine if kind == Exclusion.Kind.PERMANENT),
                )
            )
    return rows


# The pupil against their peers ------------------------------------------------------------------


@dataclass(frozen=True)
class PeerComparison:
    peers: int
    negative_percentile: int  # share of the year group with fewer negative points than the pupil
    positive_percentile: int
    weeks: list[tuple[dt.date, int, float]]  # (Monday, pupil's negative points, year-group median)


def _percentile_below(value: int, values: list[int]) -> int:
    return round(100 * sum(1 for v in values if v < value) / len(values)) if values else 0


def peer_comparison(school: School, pupil: Pupil, *, start: dt.date, end: dt.date, weeks: int = 8) -> PeerComparison:
    """The pupil's points against their year group's distribution (percentiles) for the period,
    and their negative points per week for the last `weeks` weeks beside the year's median."""
    import statistics

    peer_ids = list(
        Pupil.objects.filter(school=school, year_group_id=pupil.year_group_id, admission_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=end))
        .values_list("pk", flat=True)
    )
    if pupil.pk not in peer_ids:
        peer_ids.append(pupil.pk)
    totals = behaviour_totals(school=school, pupil_ids=peer_ids, start=start, end=end)
    mine = totals[pupil.pk]
    negatives = [t.negative_points for t in totals.values()]
    positives = [t.positive_points for t in totals.values()]
    first_monday = end - dt.timedelta(days=end.weekday()) - dt.timedelta(weeks=weeks - 1)
    per_week: dict[tuple[int, dt.date], int] = {}
    for pid, day, points in IncidentPupil.objects.filter(
        school=school, pupil_id__in=peer_ids, date__gte=first_monday, date__lte=end, points__lt=0
    ).values_list("pupil_id", "date", "points"):
        monday = day - dt.timedelta(days=day.weekday())
        per_week[(pid, monday)] = per_week.get((pid, monday), 0) - points
    rows = []
    for i in range(weeks):
        monday = first_monday + dt.timedelta(weeks=i)
        values = [per_week.get((pid, monday), 0) for pid in peer_ids]
        rows.append((monday, per_week.get((pupil.pk, monday), 0), float(statistics.median(values)) if values else 0.0))
    return PeerComparison(
        peers=len(peer_ids),
        negative_percentile=_percentile_below(mine.negative_points, negatives),
        positive_percentile=_percentile_below(mine.positive_points, positives),
        weeks=rows,
    )


def get_report_card(school: School, viewer: Any, card_id: int) -> ReportCard:
    found = (
        ReportCard.objects.filter(school=school, pk=card_id, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil__form", "set_by")
        .first()
    )
    if found is None:
        audit.record(
            viewer, Verb.DENIED, ("behaviour.reportcard", card_id), school=school, reason="behaviour.report_card"
        )
        raise Http404("No such report card.")
    return found


def pupil_report_cards(school: School, pupil: Pupil) -> list[ReportCard]:
    return list(ReportCard.objects.filter(school=school, pupil=pupil).order_by("-start_date"))


# Off-site directions and managed moves (§2.8) --------------------------------------------------


def pupil_moves(school: School, viewer: Any, *, active_only: bool = True) -> list[PupilMove]:
    qs = PupilMove.objects.filter(school=school, pupil__in=_visible_ids(school, viewer))
    if active_only:
        qs = qs.filter(status=PupilMove.Status.ACTIVE)
    return list(qs.select_related("pupil__form", "recorded_by").order_by("start_date", "id"))


def get_pupil_move(school: School, viewer: Any, move_id: int) -> PupilMove:
    found = (
        PupilMove.objects.filter(school=school, pk=move_id, pupil__in=_visible_ids(school, viewer))
        .select_related("pupil__form", "recorded_by", "outcome_by")
        .first()
    )
    if found is None:
        audit.record(viewer, Verb.DENIED, ("behaviour.pupilmove", move_id), school=school, reason="behaviour.move")
        raise Http404("No such off-site direction or managed move.")
    audit.record(viewer, Verb.VIEW, found, pupil=found.pupil)
    return found
