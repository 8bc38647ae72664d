"""REST API, read only: support plans (with the current version's targets and the reviews) and
interventions with their groups. The same selectors and permissions as the pages: plans as the plan
pages (safeguarding kinds only for the DSL team and the keyworker), interventions for the pastoral
team. Every read is audited."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import PASTORAL_TEAM
from apps.audit import services as audit
from apps.audit.models import Verb

from . import selectors
from .models import GroupMember, Intervention, PlanReview, PlanTarget, SupportPlan

#: A page of the list endpoints.
LIST_LIMIT = 200


class IsSupportStaff(permissions.BasePermission):
    """The pastoral team of the current school; a refusal is audited."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False
        allowed = set(getattr(view, "allowed_roles", PASTORAL_TEAM))
        if getattr(request, "school", None) is not None and request.roles & allowed:
            return True
        audit.record(request.user, Verb.DENIED, ("url", request.path[:64]), school=request.school, reason="support.api")
        return False


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanTarget
        fields = ["id", "order", "description", "success_measure", "due_on"]


class ReviewSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    attendance_pct = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True)

    class Meta:
        model = PlanReview
        fields = [
            "id",
            "held_on",
            "period_start",
            "period_end",
            "decision",
            "next_review_on",
            "possible_sessions",
            "attended_sessions",
            "unauthorised_sessions",
            "attendance_pct",
            "behaviour",
            "attainment",
            "progress",
        ]

    def get_progress(self, review: PlanReview) -> list[dict[str, Any]]:
        return [{"target_id": p.target_id, "rating": p.rating, "note": p.note} for p in review.progress.all()]


class PlanSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="type_name")
    pupil_id = serializers.IntegerField()
    keyworker = serializers.CharField(source="keyworker.display_name")

    class Meta:
        model = SupportPlan
        fields = [
            "id",
            "pupil_id",
            "kind",
            "type",
            "title",
            "status",
            "keyworker",
            "started_on",
            "closed_on",
            "next_review_on",
            "current_version",
            "psp_id",
        ]


class PlanDetailSerializer(PlanSerializer):
    targets = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "targets", "reviews"]

    def get_targets(self, plan: SupportPlan) -> Any:
        return TargetSerializer(selectors.current_version(plan).targets.all(), many=True).data

    def get_reviews(self, plan: SupportPlan) -> Any:
        return ReviewSerializer(selectors.plan_reviews(plan), many=True).data


_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        operation_id="support_plans_list",
        parameters=[OpenApiParameter("pupil", OpenApiTypes.INT, description="Only this pupil's plans")],
        responses=PlanSerializer(many=True),
    ),
    retrieve=extend_schema(operation_id="support_plans_retrieve", parameters=[_ID], responses=PlanDetailSerializer),
)
class PlanViewSet(viewsets.ViewSet):
    """`GET /api/v1/support/plans/[?pupil=<id>]`: the plans the viewer may see; `GET .../<id>/`: one
    plan with its current targets and its reviews."""

    # The pastoral team only (a keyworker outside it uses the pages); within it, the plans the
    # pages would show (`selectors.visible_plans`).
    permission_classes = [IsSupportStaff]
    serializer_class = PlanSerializer

    def list(self, request: Request) -> Response:
        school = request.school  # type: ignore[attr-defined]
        qs = selectors.visible_plans(school, request.user).order_by("-started_on", "-id")
        raw = request.query_params.get("pupil", "")
        if raw.isdigit():
            qs = qs.filter(pupil_id=int(raw))
        rows = list(qs[:LIST_LIMIT])
        audit.record(request.user, Verb.VIEW, ("support.supportplan", "list"), school=school, reason=f"api:{len(rows)}")
        return Response({"results": PlanSerializer(rows, many=True).data})

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        school = request.school  # type: ignore[attr-defined]
        plan = selectors.get_plan(school, request.user, int(pk or 0))  # 404 (audited) when not visible
        return Response(PlanDetailSerializer(plan).data)


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    runner = serializers.CharField(source="runner.display_name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    members = serializers.SerializerMethodField()

    def get_members(self, group: Any) -> list[dict[str, Any]]:
        seen: set[int] = self.context["visible_pupils"]
        members: list[GroupMember] = list(group.members.all())
        return [
            {"pupil_id": m.pupil_id, "need": m.need, "joined_on": m.joined_on, "left_on": m.left_on}
            for m in members
            if m.pupil_id in seen
        ]


class InterventionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Intervention
        fields = ["id", "name", "category", "provider", "when_where", "capacity", "cost_per_pupil", "is_active"]


@extend_schema_view(
    list=extend_schema(operation_id="support_interventions_list", responses=InterventionSerializer(many=True)),
    retrieve=extend_schema(
        operation_id="support_interventions_retrieve", parameters=[_ID], responses=InterventionSerializer
    ),
)
class InterventionViewSet(viewsets.ViewSet):
    """`GET /api/v1/support/interventions/`: the catalogue; `GET .../<id>/`: one intervention with
    its groups and their members (only pupils the viewer sees)."""

    permission_classes = [IsSupportStaff]
    serializer_class = InterventionSerializer

    def list(self, request: Request) -> Response:
        school = request.school  # type: ignore[attr-defined]
        rows = list(selectors.interventions(school)[:LIST_LIMIT])
        audit.record(request.user, Verb.VIEW, ("support.intervention", "list"), school=school, reason="api")
        return Response({"results": InterventionSerializer(rows, many=True).data})

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        from apps.people.selectors import visible_pupils

        school = request.school  # type: ignore[attr-defined]
        found = selectors.get_intervention(school, request.user, int(pk or 0))
        groups = list(found.groups.select_related("runner").prefetch_related("members"))
        seen = set(visible_pupils(school, request.user).values_list("pk", flat=True))
        audit.record(request.user, Verb.VIEW, found, school=school, reason="support.api")
        data = dict(InterventionSerializer(found).data)
        data["groups"] = GroupSerializer(groups, many=True, context={"visible_pupils": seen}).data
        return Response(data)


def register(router: Any) -> None:
    router.register("support/plans", PlanViewSet, basename="support-plan")
    router.register("support/interventions", InterventionViewSet, basename="support-intervention")
