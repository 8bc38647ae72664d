"""Reads of behaviour records, scoped to the school and to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from apps.core.models import School

from .models import Detention, Exclusion, IncidentPupil, InclusionBooking, Polarity


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
