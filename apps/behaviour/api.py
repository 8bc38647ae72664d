"""REST API: a pupil's behaviour (their own part of each event) and logging an incident or reward.
Same permissions and services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.audit import services as audit
from apps.audit.models import Verb
from apps.people.selectors import get_pupil, visible_pupils

from . import selectors, services
from .models import BehaviourType, IncidentPupil, Location
from .rules import STAFF_ROLES


class IsSchoolStaff(permissions.BasePermission):
    """A member of staff of the current school; a refusal is audited."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False
        if getattr(request, "school", None) is not None and request.roles & STAFF_ROLES:
            return True
        audit.record(
            request.user, Verb.DENIED, ("url", request.path[:64]), school=request.school, reason="behaviour.api"
        )
        return False


class PupilEventSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="incident.behaviour_type.name")
    polarity = serializers.CharField(source="incident.polarity")
    occurred_at = serializers.DateTimeField(source="incident.occurred_at")
    location = serializers.CharField(source="incident.location.name", default="")
    action_taken = serializers.CharField(source="incident.action_taken")

    class Meta:
        model = IncidentPupil
        fields = [
            "id",
            "incident_id",
            "pupil_id",
            "type",
            "polarity",
            "occurred_at",
            "role",
            "points",
            "note",
            "location",
            "action_taken",
        ]


class LogIncidentSerializer(serializers.Serializer):
    behaviour_type = serializers.IntegerField()
    pupils = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    occurred_at = serializers.DateTimeField()
    roles = serializers.DictField(child=serializers.CharField(), required=False)
    period = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    action_taken = serializers.CharField(required=False, allow_blank=True, default="")


class BehaviourEventViewSet(viewsets.ViewSet):
    """`GET ?pupil=<id>`: the pupil's own part of each incident and reward. `POST`: log one."""

    permission_classes = [IsSchoolStaff]
    serializer_class = PupilEventSerializer

    def list(self, request: Request) -> Response:
        school = request.school  # type: ignore[attr-defined]
        raw = request.query_params.get("pupil", "")
        if not raw.isdigit():
            raise ApiValidationError({"pupil": "Give the pupil's id: ?pupil=<id>."})
        pupil = get_pupil(school, request.user, int(raw))  # 404 for a pupil the viewer may not see
        rows = selectors.pupil_history(school, request.user, pupil)
        return Response({"results": PupilEventSerializer(rows, many=True).data})

    def create(self, request: Request) -> Response:
        school = request.school  # type: ignore[attr-defined]
        payload = LogIncidentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        pupils = list(visible_pupils(school, request.user).filter(pk__in=data["pupils"]))
        if len(pupils) != len(set(data["pupils"])):
            audit.record(
                request.user, Verb.DENIED, ("people.pupil", data["pupils"][0]), school=school, reason="behaviour.api"
            )
            raise PermissionDenied("You cannot log behaviour for a pupil you do not teach.")
        btype = BehaviourType.objects.filter(school=school, pk=data["behaviour_type"]).first()
        if btype is None:
            raise ApiValidationError({"behaviour_type": "Not one of this school's behaviour types."})
        location = Location.objects.filter(school=school, pk=data["location"]).first() if data.get("location") else None
        try:
            incident = services.log_incident(
                request.user,
                school=school,
                behaviour_type=btype,
                pupils=pupils,
                occurred_at=data["occurred_at"],
                roles={int(k): v for k, v in data.get("roles", {}).items() if str(k).isdigit()},
                period=data.get("period"),
                location=location,
                description=data["description"],
                action_taken=data["action_taken"],
            )
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        return Response({"id": incident.pk}, status=201)


def register(router: Any) -> None:
    router.register("behaviour/events", BehaviourEventViewSet, basename="behaviour-event")
