"""REST API (read-only) for attendance (issue 5): a pupil's marks in a date range, and the
attendance summary for a pupil or per group over a date range. Same rules as the pages: a pupil's
marks and summary for staff who see the pupil (the pupil's attendance page), group figures for the
roles that see the measures page, with the small-number rule. Scoped to the current school; every
read is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.audit import services as audit
from apps.audit.models import Verb
from apps.people.selectors import get_pupil

from . import selectors, statutory
from .rules import AGGREGATE_ROLES, STAFF_ROLES

#: The roles that open a pupil's attendance page.
#: Longest range one request may ask for (a school year and a bit).
MAX_RANGE_DAYS = 400


def _deny(request: Any, reason: str) -> None:
    audit.record(request.user, Verb.DENIED, ("url", request.path[:64]), school=request.school, reason=reason)


class HoldsAttendanceRole(permissions.BasePermission):
    """Signed in with one of the viewset's `roles` in the current school; a refusal is audited."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False
        if getattr(request, "school", None) is not None and request.roles & view.roles:
            return True
        _deny(request, "attendance.api")
        return False


def _date(raw: str | None, default: dt.date, name: str) -> dt.date:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiValidationError({name: "Give the date as YYYY-MM-DD."}) from None


def _range(request: Request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    start = _date(request.query_params.get("from"), selectors.year_start(today), "from")
    end = _date(request.query_params.get("to"), today, "to")
    if end < start:
        raise ApiValidationError({"to": "The end date is before the start date."})
    if (end - start).days > MAX_RANGE_DAYS:
        raise ApiValidationError({"to": f"Ask for at most {MAX_RANGE_DAYS} days at a time."})
    return start, end


def _pupil(request: Request) -> Any:
    raw = request.query_params.get("pupil", "")
    if not raw.isdigit():
        raise ApiValidationError({"pupil": "Give the pupil's id: ?pupil=<id>."})
    return get_pupil(request.school, request.user, int(raw), audit_view=True)  # type: ignore[attr-defined]


class MarkSerializer(serializers.Serializer):
    date = serializers.DateField()
    session = serializers.CharField()
    code = serializers.CharField()
    meaning = serializers.CharField()
    minutes_late = serializers.IntegerField(allow_null=True)


class SummarySerializer(serializers.Serializer):
    group = serializers.CharField()
    pupils = serializers.IntegerField(allow_null=True)
    withheld = serializers.BooleanField()
    possible_sessions = serializers.IntegerField(allow_null=True)
    attended = serializers.IntegerField(allow_null=True)
    authorised_absence = serializers.IntegerField(allow_null=True)
    unauthorised_absence = serializers.IntegerField(allow_null=True)
    attendance_pct = serializers.CharField(allow_null=True)
    persistent_absentees = serializers.IntegerField(allow_null=True)
    severe_absentees = serializers.IntegerField(allow_null=True)


RANGE_PARAMS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: 1 September this school year)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)"),
]


class AttendanceMarkViewSet(viewsets.ViewSet):
    """`GET ?pupil=<id>&from=&to=`: the pupil's marks, oldest first."""

    permission_classes = [HoldsAttendanceRole]
    roles = STAFF_ROLES
    serializer_class = MarkSerializer

    @extend_schema(
        parameters=[OpenApiParameter("pupil", OpenApiTypes.INT, required=True), *RANGE_PARAMS],
        responses=MarkSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        start, end = _range(request)
        pupil = _pupil(request)
        marks = (
            selectors.on_roll_marks(request.school, start, end)  # type: ignore[attr-defined]
            .filter(pupil=pupil)
            .order_by("date", "session")
            .values("date", "session", "code", "minutes_late")
        )
        rows = [
            {**m, "meaning": statutory.CODES[m["code"]].meaning if m["code"] in statutory.CODES else ""} for m in marks
        ]
        return Response({"pupil": pupil.pk, "from": start, "to": end, "results": MarkSerializer(rows, many=True).data})


def _summary_row(
    label: str, pupils: int | None, s: statutory.AttendanceSummary, pa: int | None, sa: int | None
) -> dict[str, Any]:
    return {
        "group": label,
        "pupils": pupils,
        "withheld": False,
        "possible_sessions": s.possible_sessions,
        "attended": s.present,
        "authorised_absence": s.authorised_absence,
        "unauthorised_absence": s.unauthorised_absence,
        "attendance_pct": statutory.display_pct(s.attendance_pct, 2) if s.possible_sessions else None,
        "persistent_absentees": pa,
        "severe_absentees": sa,
    }


def _withheld(label: str) -> dict[str, Any]:
    return {
        "group": label,
        "pupils": None,
        "withheld": True,
        **dict.fromkeys(
            (
                "possible_sessions",
                "attended",
                "authorised_absence",
                "unauthorised_absence",
                "attendance_pct",
                "persistent_absentees",
                "severe_absentees",
            )
        ),
    }


class AttendanceSummaryViewSet(viewsets.ViewSet):
    """`GET ?pupil=<id>`: one pupil's summary (staff who see the pupil). `GET ?by=<group>`:
    per group and for the whole school (the measures page's roles; groups of 1 or 2 withheld)."""

    permission_classes = [HoldsAttendanceRole]
    roles = STAFF_ROLES | AGGREGATE_ROLES
    serializer_class = SummarySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("pupil", OpenApiTypes.INT, description="A pupil's id (or give `by`)"),
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(selectors.BREAKDOWNS), description="A grouping"),
            *RANGE_PARAMS,
        ],
        responses=SummarySerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        school = request.school  # type: ignore[attr-defined]
        start, end = _range(request)
        if "pupil" in request.query_params:
            if not request.roles & STAFF_ROLES:  # type: ignore[attr-defined]
                _deny(request, "attendance.api.summary")
                raise PermissionDenied("Governors and trust officers see group figures only.")
            pupil = _pupil(request)
            s = selectors.attendance_summaries(school, [pupil.pk], start, end)[pupil.pk]
            row = _summary_row(pupil.full_name, 1, s, int(s.persistent_absentee), int(s.severe_absentee))
            return Response({"pupil": pupil.pk, "from": start, "to": end, "results": [row]})
        if not request.roles & AGGREGATE_ROLES:  # type: ignore[attr-defined]
            _deny(request, "attendance.api.summary")
            raise PermissionDenied("Group figures are for the roles that see the attendance measures.")
        by = request.query_params.get("by", "year")
        if by not in selectors.BREAKDOWNS:
            raise ApiValidationError({"by": f"One of: {', '.join(selectors.BREAKDOWNS)}."})
        groups, total = selectors.group_breakdown(school, start, end, by)
        rows = [
            _withheld(g.label) if g.suppressed else _summary_row(g.label, g.pupils, g.summary, g.persistent, g.severe)
            for g in [*groups, total]
        ]
        audit.record(request.user, Verb.VIEW, ("attendance.summary", by), school=school, reason="attendance.api")
        return Response({"by": by, "from": start, "to": end, "results": rows})


def register(router: Any) -> None:
    router.register("attendance/marks", AttendanceMarkViewSet, basename="attendance-mark")
    router.register("attendance/summary", AttendanceSummaryViewSet, basename="attendance-summary")
