"""Support pages: caseloads, plans and reviews, interventions and groups, reintegration and
off-site placements. Thin: guard, bind a form, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.models import AGGREGATE_ONLY_ROLES, PASTORAL_TEAM, Role
from apps.accounts.types import HearthRequest
from apps.audit import services as audit
from apps.audit.models import Verb
from apps.people import selectors as people_selectors

from . import exports, forms, selectors, services, statutory
from .models import PlanKind, PlanStatus, ReviewDecision
from .rules import ATTAINMENT_IMPORT_ROLES, LEAD_ROLES, PLAN_TYPE_ROLES, may_import_attainment

STAFF_ROLES = set(Role.values) - AGGREGATE_ONLY_ROLES
T = TypeVar("T")


def _attempt(form: Any, call: Callable[[], T]) -> T | None:
    """Run a service; its ValidationError becomes the form's errors so nothing typed is lost."""
    try:
        return call()
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None


def _today() -> dt.date:
    return timezone.localdate()


# Caseloads ------------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_TEAM)
def caseload(request: HearthRequest) -> HttpResponse:
    data = selectors.caseload(request.school, request.user, _today())
    return render(
        request,
        "support/caseload.html",
        {"caseload": data, "today": _today(), "is_lead": bool(request.roles & LEAD_ROLES)},
    )


@login_required
@role_required(LEAD_ROLES)
def team(request: HearthRequest) -> HttpResponse:
    staff = selectors.support_staff(request.school)
    chosen = request.GET.get("keyworker", "")
    keyworker_caseload = None
    if chosen.isdigit():
        member = staff.filter(pk=int(chosen)).first()
        if member is not None:
            keyworker_caseload = selectors.caseload(request.school, member, _today())
    form = forms.ReassignForm(
        staff=staff,
        plans=selectors.active_plans_of(request.school, int(chosen) if chosen.isdigit() else 0),
        initial={"from_keyworker": int(chosen)} if chosen.isdigit() else None,
    )
    return render(
        request,
        "support/team.html",
        {
            "rows": selectors.team_caseloads(request.school, _today()),
            "form": form,
            "chosen": keyworker_caseload,
            "today": _today(),
        },
    )


@login_required
@role_required(LEAD_ROLES)
@require_POST
def reassign(request: HearthRequest) -> HttpResponse:
    staff = selectors.support_staff(request.school)
    from_id = request.POST.get("from_keyworker", "")
    plans = selectors.active_plans_of(request.school, int(from_id) if from_id.isdigit() else 0)
    form = forms.ReassignForm(request.POST, staff=staff, plans=plans)
    if form.is_valid():
        chosen = list(form.cleaned_data["plans"]) or list(plans)
        moved = _attempt(
            form,
            lambda: services.reassign_plans(
                request.user,
                plans=chosen,
                keyworker=form.cleaned_data["to_keyworker"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if moved is not None:
            messages.success(request, f"{moved} plan{'s' if moved != 1 else ''} reassigned.")
            return redirect("support:team")
    return render(
        request,
        "support/team.html",
        {"rows": selectors.team_caseloads(request.school, _today()), "form": form, "today": _today()},
        status=200,
    )


# Plans ------------------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_TEAM)
def plan_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    staff = selectors.school_staff(request.school)
    services.ensure_plan_types(request.school)
    types = selectors.plan_types(request.school, active_only=True)
    psps = selectors.pupil_psps(request.school, request.user, pupil)
    initial: dict[str, Any] = {"keyworker": request.user.pk, "started_on": _today(), "review_interval_weeks": 6}
    chosen_psp = request.GET.get("psp", "")
    if chosen_psp.isdigit() and any(p.pk == int(chosen_psp) for p in psps):
        initial["psp"] = int(chosen_psp)
        psp_type = types.filter(base=PlanKind.PSP).first()
        if psp_type is not None:
            initial |= {"plan_type": psp_type.pk, "title": "Pastoral Support Programme"}
    from apps.behaviour.models import PastoralSupportProgramme

    form = forms.NewPlanForm(
        request.POST or None,
        staff=staff,
        keyworkers=selectors.support_staff(request.school),
        plan_types=types,
        psps=PastoralSupportProgramme.objects.filter(pk__in=[p.pk for p in psps]),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        plan = _attempt(
            form,
            lambda: services.create_plan(
                request.user,
                pupil=pupil,
                plan_type=d["plan_type"],
                psp=d.get("psp"),
                title=d["title"],
                keyworker=d["keyworker"],
                started_on=d["started_on"],
                review_interval_weeks=d["review_interval_weeks"],
                content=form.content(),
            ),
        )
        if plan is not None:
            messages.success(request, "Plan opened.")
            return redirect("support:plan", plan_id=plan.pk)
    return render(request, "support/plan_form.html", {"form": form, "pupil": pupil, "heading": "New plan"})


def _plan_context(request: HearthRequest, plan: Any, number: int | None = None) -> dict[str, Any]:
    version = selectors.get_version(plan, number or plan.current_version)
    ratings = selectors.latest_ratings(plan)
    return {
        "plan": plan,
        "version": version,
        "is_current": version.number == plan.current_version,
        "versions": selectors.plan_versions(plan),
        "reviews": selectors.plan_reviews(plan),
        "ratings": ratings,
        "today": _today(),
        "overdue": plan.is_active and statutory.review_is_overdue(plan.next_review_on, _today()),
        "phases": selectors.phase_attendance(plan, _today()),
        "reintegration": getattr(plan, "reintegration", None),
        "psp": selectors.linked_psp(plan, request.user),
    }


def _plan_page(request: HearthRequest, plan: Any, **forms_given: Any) -> HttpResponse:
    context = _plan_context(request, plan)
    if plan.kind == PlanKind.PSP and plan.psp_id is None and plan.is_active:
        from apps.behaviour.models import PastoralSupportProgramme

        psps = selectors.pupil_psps(request.school, request.user, plan.pupil)
        context["psp_form"] = forms_given.get("psp_form") or (
            forms.LinkPSPForm(psps=PastoralSupportProgramme.objects.filter(pk__in=[p.pk for p in psps]))
            if psps
            else None
        )
    timetables = None
    phase_forms = []
    for phase, _summary in context["phases"]:
        if phase.part_time_id is None:
            if timetables is None:
                timetables = selectors.pupil_part_time_timetable_qs(request.school, plan.pupil)
            given = forms_given.get("phase_form")
            phase_forms.append(
                (
                    phase,
                    given
                    if given is not None and given.prefix == f"phase{phase.pk}"
                    else forms.PhasePartTimeForm(
                        timetables=timetables,
                        prefix=f"phase{phase.pk}",
                        initial={"next_review": phase.ends_on},
                    ),
                )
            )
    context["phase_forms"] = phase_forms
    return render(request, "support/plan.html", context)


@login_required
@role_required(STAFF_ROLES)
def plan(request: HearthRequest, plan_id: int) -> HttpResponse:
    found = selectors.get_plan(request.school, request.user, plan_id)
    return _plan_page(request, found)


@login_required
@role_required(PASTORAL_TEAM)
@require_POST
def plan_link_psp(request: HearthRequest, plan_id: int) -> HttpResponse:
    from apps.behaviour.models import PastoralSupportProgramme

    found = selectors.get_plan(request.school, request.user, plan_id, audit_view=False)
    psps = selectors.pupil_psps(request.school, request.user, found.pupil)
    form = forms.LinkPSPForm(request.POST, psps=PastoralSupportProgramme.objects.filter(pk__in=[p.pk for p in psps]))
    linked = None
    if form.is_valid():
        linked = _attempt(form, lambda: services.link_psp(request.user, plan=found, psp=form.cleaned_data["psp"]))
    if linked is not None:
        messages.success(request, "The plan is linked to the PSP.")
        return redirect("support:plan", plan_id=found.pk)
    return _plan_page(request, found, psp_form=form)


@login_required
@role_required(PASTORAL_TEAM)
@require_POST
def phase_part_time(request: HearthRequest, phase_id: int) -> HttpResponse:
    phase = selectors.get_phase(request.school, request.user, phase_id)
    plan = phase.reintegration.plan
    form = forms.PhasePartTimeForm(
        request.POST,
        timetables=selectors.pupil_part_time_timetable_qs(request.school, plan.pupil),
        prefix=f"phase{phase.pk}",
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            done = _attempt(
                form,
                lambda: services.link_phase_part_time(
                    request.user,
                    phase=phase,
                    timetable=d.get("existing"),
                    attended_sessions=d.get("attended_sessions") or [],
                    parent_agreed_on=d.get("parent_agreed_on"),
                    next_review=d.get("next_review"),
                    la_notified_on=d.get("la_notified_on"),
                    not_to_manage_behaviour=d.get("not_to_manage_behaviour", False),
                ),
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
            done = None
        if done is not None:
            messages.success(request, "The phase is linked to its part-time timetable.")
            return redirect("support:plan", plan_id=plan.pk)
    return _plan_page(request, plan, phase_form=form)


@login_required
@role_required(STAFF_ROLES)
def plan_version(request: HearthRequest, plan_id: int, number: int) -> HttpResponse:
    found = selectors.get_plan(request.school, request.user, plan_id)
    context = _plan_context(request, found, number)
    compare_to = request.GET.get("compare", "")
    if compare_to.isdigit():
        context["other"] = selectors.get_version(found, int(compare_to))
    return render(request, "support/plan_version.html", context)


@login_required
@role_required(PASTORAL_TEAM)
def plan_amend(request: HearthRequest, plan_id: int) -> HttpResponse:
    found = selectors.get_plan(request.school, request.user, plan_id, audit_view=False)
    if found.status != PlanStatus.ACTIVE:
        messages.error(request, "This plan is closed: open a new plan instead.")
        return redirect("support:plan", plan_id=found.pk)
    current = selectors.current_version(found)
    form = forms.AmendPlanForm(
        request.POST or None,
        staff=selectors.school_staff(request.school),
        initial=forms.PlanContentForm.initial_from(current),
        target_rows=max(forms.TARGET_ROWS, current.targets.count() + 2),
        action_rows=max(forms.ACTION_ROWS, current.actions.count() + 2),
    )
    if request.method == "POST" and form.is_valid():
        version = _attempt(
            form,
            lambda: services.amend_plan(
                request.user, plan=found, content=form.content(), reason=form.cleaned_data["reason"]
            ),
        )
        if version is not None:
            messages.success(request, f"Version {version.number} saved. Earlier versions are kept.")
            return redirect("support:plan", plan_id=found.pk)
    return render(
        request,
        "support/plan_form.html",
        {
            "form": form,
            "pupil": found.pupil,
            "plan": found,
            "heading": f"Amend plan (version {found.current_version + 1})",
        },
    )


@login_required
@role_required(PASTORAL_TEAM)
def plan_review(request: HearthRequest, plan_id: int) -> HttpResponse:
    found = selectors.get_plan(request.school, request.user, plan_id)
    if found.status != PlanStatus.ACTIVE:
        messages.error(request, "This plan is closed and cannot be reviewed.")
        return redirect("support:plan", plan_id=found.pk)
    version = selectors.current_version(found)
    targets = list(version.targets.all())
    start = selectors.review_period_start(found)
    form = forms.ReviewForm(request.POST or None, targets=targets, initial={"held_on": _today()})
    period_end = _today()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        review = _attempt(
            form,
            lambda: services.record_review(
                request.user,
                plan=found,
                held_on=d["held_on"],
                decision=d["decision"],
                progress=form.progress(),
                summary=d.get("summary", ""),
                attendees=d.get("attendees", ""),
                next_review_on=d.get("next_review_on"),
            ),
        )
        if review is not None:
            messages.success(request, "Review recorded.")
            if review.decision == ReviewDecision.AMEND:
                return redirect("support:plan_amend", plan_id=found.pk)
            return redirect("support:plan", plan_id=found.pk)
    figures = selectors.period_figures(request.school, found.pupil, start, max(start, period_end))
    return render(
        request,
        "support/plan_review.html",
        {
            "plan": found,
            "version": version,
            "form": form,
            "figures": figures,
            "ratings": selectors.latest_ratings(found),
        },
    )


@login_required
@role_required(PASTORAL_TEAM)
def plan_pdf(request: HearthRequest, plan_id: int) -> HttpResponse:
    from weasyprint import HTML

    found = selectors.get_plan(request.school, request.user, plan_id, audit_view=False)
    context = _plan_context(request, found)
    context |= {"school": request.school, "printed_by": request.user, "printed_at": timezone.localtime()}
    html = render_to_string("support/plan_pdf.html", context)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit.record(request.user, Verb.PRINT, found, pupil=found.pupil)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-{found.pk}-v{found.current_version}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@role_required(PASTORAL_TEAM)
@require_POST
def action_done(request: HearthRequest, action_id: int) -> HttpResponse:
    action = selectors.get_action(request.school, request.user, action_id)
    try:
        services.complete_action(request.user, action=action)
        messages.success(request, "Action marked done.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    target = request.POST.get("next", "")
    if target == "caseload":
        return redirect("support:caseload")
    return redirect("support:plan", plan_id=action.version.plan_id)


# Interventions and groups -----------------------------------------------------------------------


@login_required
@role_required(PASTORAL_TEAM)
def interventions(request: HearthRequest) -> HttpResponse:
    staff = selectors.school_staff(request.school)
    form = forms.InterventionForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        made = _attempt(
            form, lambda: services.create_intervention(request.user, school=request.school, **form.cleaned_data)
        )
        if made is not None:
            messages.success(request, "Intervention added to the catalogue.")
            return redirect("support:intervention", intervention_id=made.pk)
    return render(
        request,
        "support/interventions.html",
        {"interventions": selectors.interventions(request.school), "form": form},
    )


@login_required
@role_required(PASTORAL_TEAM)
def intervention(request: HearthRequest, intervention_id: int) -> HttpResponse:
    found = selectors.get_intervention(request.school, request.user, intervention_id)
    form = forms.GroupForm(
        request.POST or None, staff=selectors.school_staff(request.school), initial={"starts_on": _today()}
    )
    if request.method == "POST" and form.is_valid():
        group = _attempt(form, lambda: services.create_group(request.user, intervention=found, **form.cleaned_data))
        if group is not None:
            messages.success(request, "Group started.")
            return redirect("support:group", group_id=group.pk)
    impact = selectors.intervention_impact(found, _today())
    # The totals cover every member; a pupil the viewer may not see (a head of year, another year)
    # is counted in them but never given a row: group, dates and figures would identify them.
    seen = selectors.visible_pupil_ids(request.school, request.user)
    rows = [r for r in impact.rows if seen is None or r.member.pupil_id in seen]
    unseen = len(impact.rows) - len(rows)
    if exports.wants_csv(request):
        return exports.csv_response(
            request,
            f"impact-{found.name}",
            IMPACT_HEADER,
            [
                [
                    r.member.pupil.full_name,
                    r.member.group.name,
                    r.member.joined_on,
                    r.member.left_on,
                    r.before_attendance,
                    r.during_attendance,
                    r.before_negative,
                    r.during_negative,
                    r.member.entry_score,
                    r.member.exit_score,
                    r.member.entry_rating,
                    r.member.exit_rating,
                    r.sessions_attended,
                    r.helped,
                ]
                for r in rows
            ],
        )
    return render(
        request,
        "support/intervention.html",
        {
            "intervention": found,
            "groups": found.groups.select_related("runner"),
            "form": form,
            "impact": impact,
            "rows": rows,
            "unseen": unseen,
        },
    )


IMPACT_HEADER = [
    "Pupil",
    "Group",
    "Joined",
    "Left",
    "Attendance before (%)",
    "Attendance during (%)",
    "Negative points before",
    "Negative points during",
    "Questionnaire score at entry",
    "Questionnaire score at exit",
    "Own rating at entry",
    "Own rating at exit",
    "Sessions attended",
    "Improved",
]


def _group_for(request: HearthRequest, group_id: int) -> Any:
    group = selectors.get_group(request.school, request.user, group_id)
    if not (request.roles & PASTORAL_TEAM or group.runner_id == request.user.pk):
        audit.record(request.user, Verb.DENIED, group, reason="support.group")
        raise Http404("No such group.")
    return group


def _group_candidates(request: HearthRequest, group: Any) -> tuple[str, list[Any], bool, dict[str, Any]]:
    """(how they were found, the pupils, whether they start ticked, the forms) from the query."""
    today = _today()
    search = forms.PupilSearchForm(request.GET or None)
    filter_form = forms.MemberFilterForm(
        request.GET if request.GET.get("filter") else None,
        forms_qs=people_selectors.forms(request.school),
    )
    early = forms.EarlyWarningForm(request.GET if request.GET.get("early") else None)
    found: tuple[str, list[Any], bool] = ("", [], False)
    if request.GET.get("early") and early.is_valid():
        d = early.cleaned_data
        if d["early"] == "pa":
            found = (
                "Persistent absentees this school year",
                selectors.persistent_absentee_candidates(group, request.user, today),
                True,
            )
        else:
            points, weeks = d.get("points") or 10, d.get("weeks") or 6
            found = (
                f"{points} or more negative behaviour points in the last {weeks} weeks",
                selectors.behaviour_candidates(group, request.user, today, points=points, weeks=weeks),
                True,
            )
    elif request.GET.get("filter") and filter_form.is_valid():
        found = (
            "Pupils matching the filter",
            selectors.filter_candidates(group, request.user, filter_form.criteria(), today),
            True,
        )
    elif request.GET.get("q") is not None and search.is_valid():
        query = search.cleaned_data.get("q", "")
        found = (f"Pupils matching “{query}”", selectors.search_candidates(group, request.user, query, today), False)
    return found[0], found[1], found[2], {"search": search, "filter_form": filter_form, "early_form": early}


@login_required
@role_required(PASTORAL_TEAM)
def group(request: HearthRequest, group_id: int) -> HttpResponse:
    found = _group_for(request, group_id)
    pupils = people_selectors.visible_pupils(request.school, request.user, on_roll_on=_today())
    form = forms.AddMemberForm(request.POST or None, pupils=pupils, initial={"joined_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data["pupils"] = list(data["pupils"])
        added = _attempt(form, lambda: services.add_members(request.user, group=found, **data))
        if added is not None:
            messages.success(request, f"{len(added)} pupil{'s' if len(added) != 1 else ''} added to the group.")
            return redirect("support:group", group_id=found.pk)
    source, candidates, ticked, choosers = _group_candidates(request, found)
    if request.method == "POST":
        # Show again the pupils that were chosen, so nothing is lost.
        chosen = {int(v) for v in request.POST.getlist("pupils") if v.isdigit()}
        candidates = list(pupils.filter(pk__in=chosen).order_by("legal_surname", "legal_forename"))
        source, ticked = "The pupils you chose", True
    context = {
        "group": found,
        "form": form,
        "source": source,
        "candidates": candidates,
        "ticked": ticked,
        "searched": request.GET.get("q") is not None,
        "places_left": max(
            found.intervention.capacity - sum(1 for m in selectors.group_members(found) if m.left_on is None), 0
        ),
        **choosers,
    }
    if request.htmx and request.method == "GET":
        return render(request, "support/_candidates.html", context)
    context |= {"members": selectors.group_members(found), "sessions": selectors.group_sessions(found)}
    return render(request, "support/group.html", context)


@login_required
@role_required(STAFF_ROLES)
def group_register(request: HearthRequest, group_id: int) -> HttpResponse:
    found = _group_for(request, group_id)
    day = _today()
    if request.method == "POST":
        try:
            day = dt.date.fromisoformat(request.POST.get("held_on", ""))
        except ValueError:
            day = _today()
    elif request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            day = _today()
    members = selectors.members_on(found, day)
    existing = selectors.session_on(found, day)
    present = {a.pupil_id for a in existing.attendance.all() if a.present} if existing else None
    form = forms.RegisterForm(
        request.POST or None,
        members=members,
        present=present,
        initial={"held_on": day, "notes": existing.notes if existing else ""},
    )
    if request.method == "POST" and form.is_valid():
        session = _attempt(
            form,
            lambda: services.record_group_session(
                request.user,
                group=found,
                held_on=form.cleaned_data["held_on"],
                present_ids=form.present_ids(),
                notes=form.cleaned_data.get("notes", ""),
            ),
        )
        if session is not None:
            messages.success(request, f"Register saved for {session.held_on:%d/%m/%Y}.")
            return redirect("support:group", group_id=found.pk)
    return render(request, "support/group_register.html", {"group": found, "form": form, "day": day})


@login_required
@role_required(PASTORAL_TEAM)
def provision_map(request: HearthRequest) -> HttpResponse:
    from apps.core.calendar import academic_year_bounds

    start, end = academic_year_bounds(_today())
    data = selectors.provision_map(request.school, request.user, start, end)
    if exports.wants_csv(request):
        table = request.GET.get("table", "pupils")
        if table == "years":
            return exports.csv_response(
                request,
                "provision-by-year",
                ["Year", "Pupils in interventions", "Cost (£)"],
                [[y, n, c] for y, n, c in data.by_year],
            )
        if table == "needs":
            return exports.csv_response(
                request, "provision-by-need", ["Need", "Pupils in interventions", "Cost (£)"], data.by_need
            )
        return exports.csv_response(
            request,
            "provision-map",
            ["Pupil", "UPN", "Year", "Need", "Intervention", "Group", "From", "To", "Cost (£)"],
            [
                [
                    m.pupil.full_name,
                    m.pupil.upn,
                    m.pupil.year_group.number,
                    m.get_need_display(),
                    m.group.intervention.name,
                    m.group.name,
                    m.joined_on,
                    m.left_on,
                    m.group.intervention.cost_per_pupil,
                ]
                for m in data.rows
            ],
        )
    return render(request, "support/provision_map.html", {"map": data, "start": start, "end": end})


# Reintegration and placements -------------------------------------------------------------------


@login_required
@role_required(PASTORAL_TEAM)
def reintegration_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = forms.ReintegrationForm(
        request.POST or None,
        staff=selectors.school_staff(request.school),
        keyworkers=selectors.support_staff(request.school),
        initial={"keyworker": request.user.pk, "started_on": _today()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = _attempt(
                form,
                lambda: services.create_reintegration(
                    request.user,
                    pupil=pupil,
                    keyworker=d["keyworker"],
                    reason=d["reason"],
                    started_on=d["started_on"],
                    content=form.content(),
                    phases=form.phases(),
                    meeting_on=d.get("meeting_on"),
                    meeting_attendees=d.get("meeting_attendees", ""),
                    parent_attended=d.get("parent_attended", False),
                    check_in_with=d.get("check_in_with", ""),
                    reasonable_adjustments=d.get("reasonable_adjustments", ""),
                    part_time=form.part_time(),
                ),
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
            plan = None
        if plan is not None:
            reduced = sum(1 for p in form.phases() if p.reduces_hours)
            messages.success(
                request,
                "Reintegration plan opened"
                + (
                    f", with {reduced} part-time timetable{'s' if reduced != 1 else ''} recorded in attendance."
                    if reduced
                    else "."
                ),
            )
            return redirect("support:plan", plan_id=plan.pk)
    return render(request, "support/reintegration_form.html", {"form": form, "pupil": pupil})


@login_required
@role_required(PASTORAL_TEAM)
def placements(request: HearthRequest) -> HttpResponse:
    form = forms.ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = _attempt(
            form, lambda: services.create_provider(request.user, school=request.school, **form.cleaned_data)
        )
        if made is not None:
            messages.success(request, f"{made.name} added.")
            return redirect("support:placements")
    today = _today()
    rows = selectors.visible_placements(request.school, request.user)
    return render(
        request,
        "support/placements.html",
        {"placements": rows, "providers": selectors.providers(request.school), "form": form, "today": today},
    )


@login_required
@role_required(PASTORAL_TEAM)
def placement_new(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = forms.PlacementForm(
        request.POST or None,
        providers=selectors.providers(request.school),
        keyworkers=selectors.support_staff(request.school),
        initial={"keyworker": request.user.pk, "starts_on": _today(), "sessions": ["AM", "PM"]},
    )
    if request.method == "POST" and form.is_valid():
        made = _attempt(form, lambda: services.create_placement(request.user, pupil=pupil, **form.cleaned_data))
        if made is not None:
            messages.success(request, "Placement recorded.")
            return redirect("support:placement", placement_id=made.pk)
    return render(request, "support/placement_form.html", {"form": form, "pupil": pupil})


@login_required
@role_required(PASTORAL_TEAM)
def placement(request: HearthRequest, placement_id: int) -> HttpResponse:
    found = selectors.get_placement(request.school, request.user, placement_id)
    action = request.POST.get("form", "")
    attendance_form = forms.PlacementAttendanceForm(
        request.POST if action == "attendance" else None, prefix="att", initial={"day": _today()}
    )
    contact_form = forms.PlacementContactForm(
        request.POST if action == "contact" else None, prefix="contact", initial={"contacted_on": _today()}
    )
    confirm_form = forms.SafeguardingConfirmationForm(request.POST if action == "confirm" else None, prefix="sg")
    review_form = forms.PlacementReviewForm(
        request.POST if action == "review" else None, prefix="review", initial={"held_on": _today()}
    )
    import_form = forms.CSVUploadForm(
        request.POST if action == "import" else None, request.FILES if action == "import" else None, prefix="csv"
    )
    import_errors: list[str] = []
    done: Any = None
    if action == "attendance" and attendance_form.is_valid():
        attended, missed = attendance_form.sessions()
        done = _attempt(
            attendance_form,
            lambda: services.record_placement_attendance(
                request.user, placement=found, attended=attended, missed=missed
            ),
        )
    elif action == "contact" and contact_form.is_valid():
        done = _attempt(
            contact_form,
            lambda: services.add_placement_contact(request.user, placement=found, **contact_form.cleaned_data),
        )
    elif action == "import" and import_form.is_valid():
        from apps.attendance.csv_io import ImportRejected

        from .csv_import import import_provider_attendance

        try:
            result = import_provider_attendance(
                found, import_form.lines(), actor=request.user, dry_run=import_form.cleaned_data["dry_run"]
            )
        except ImportRejected as rejected:
            import_errors = [*rejected.errors]
            if rejected.error_count > len(rejected.errors):
                import_errors.append(f"… and {rejected.error_count - len(rejected.errors)} more.")
            import_form.add_error(None, f"{rejected.error_count} row(s) are wrong: nothing was imported.")
        except ValidationError as error:
            for message in error.messages:
                import_form.add_error(None, message)
        else:
            messages.success(request, result.summary())
            return redirect("support:placement", placement_id=found.pk)
    elif action == "confirm" and confirm_form.is_valid():
        done = _attempt(
            confirm_form,
            lambda: services.confirm_placement_safeguarding(
                request.user,
                placement=found,
                confirmed_on=confirm_form.cleaned_data["confirmed_on"],
                reference=confirm_form.cleaned_data.get("reference", ""),
            ),
        )
    elif action == "review" and review_form.is_valid():
        done = _attempt(
            review_form, lambda: services.review_placement(request.user, placement=found, **review_form.cleaned_data)
        )
    if done is not None:
        messages.success(request, "Saved.")
        for line in getattr(done, "kept_lines", list)():
            messages.info(request, line)
        return redirect("support:placement", placement_id=found.pk)
    return render(
        request,
        "support/placement.html",
        {
            "placement": found,
            "code": statutory.placement_code(found.provider.kind),
            "summary": selectors.placement_attendance(found, _today()),
            "contacts": found.contacts.select_related("recorded_by"),
            "attendance_form": attendance_form,
            "contact_form": contact_form,
            "confirm_form": confirm_form,
            "review_form": review_form,
            "today": _today(),
            "import_form": import_form,
            "import_errors": import_errors,
            "needs_confirmation": statutory.placement_needs_safeguarding_confirmation(found.safeguarding_confirmed_on),
        },
    )


# Attainment --------------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_TEAM)
def pupil_attainment(request: HearthRequest, pupil_id: int) -> HttpResponse:
    pupil = people_selectors.get_pupil(request.school, request.user, pupil_id)
    form = forms.AttainmentForm(request.POST or None, initial={"assessed_on": _today(), "measure": "Working-at grade"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = _attempt(form, lambda: services.record_attainment(request.user, pupil=pupil, **d))
        if made is not None:
            messages.success(request, f"{made.subject}: {made.value} recorded.")
            return redirect("support:pupil_attainment", pupil_id=pupil.pk)
    return render(
        request,
        "support/attainment.html",
        {
            "pupil": pupil,
            "form": form,
            "records": selectors.pupil_attainment(request.school, pupil),
            "may_import": may_import_attainment(request.user, request.school),
        },
    )


@login_required
@role_required(ATTAINMENT_IMPORT_ROLES)
def attainment_import(request: HearthRequest) -> HttpResponse:
    """A school-level attainment file, checked first ("Check the file") or imported, all or nothing."""
    from apps.attendance.csv_io import ImportRejected

    form = forms.AttainmentImportForm(request.POST or None, request.FILES or None)
    row_errors: list[str] = []
    rejected_count = 0
    checked: Any = None
    if request.method == "POST" and form.is_valid():
        dry_run = "check" in request.POST
        try:
            result = services.import_attainment_file(
                request.user,
                school=request.school,
                lines=form.lines(),
                measure=form.cleaned_data["measure"],
                source_name=f"File {form.cleaned_data['file'].name}"[:120],
                dry_run=dry_run,
            )
        except ImportRejected as rejected:
            row_errors, rejected_count = [*rejected.errors], rejected.error_count
            if rejected.error_count > len(rejected.errors):
                row_errors.append(f"… and {rejected.error_count - len(rejected.errors)} more.")
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if not dry_run:
                messages.success(request, result.summary())
                return redirect("support:attainment_import")
            checked = result
    return render(
        request,
        "support/attainment_import.html",
        {"form": form, "row_errors": row_errors, "rejected_count": rejected_count, "checked": checked},
    )


# Plan types ------------------------------------------------------------------------------------------


@login_required
@role_required(PLAN_TYPE_ROLES)
def plan_types(request: HearthRequest) -> HttpResponse:
    services.ensure_plan_types(request.school)
    form = forms.PlanTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = _attempt(form, lambda: services.save_plan_type(request.user, school=request.school, **form.cleaned_data))
        if made is not None:
            messages.success(request, f"“{made.name}” added.")
            return redirect("support:plan_types")
    return render(request, "support/plan_types.html", {"types": selectors.plan_types(request.school), "form": form})


@login_required
@role_required(PLAN_TYPE_ROLES)
def plan_type(request: HearthRequest, type_id: int) -> HttpResponse:
    found = selectors.get_plan_type(request.school, request.user, type_id)
    form = forms.PlanTypeForm(
        request.POST or None,
        initial={
            "name": found.name,
            "description": found.description,
            "base": found.base,
            "is_active": found.is_active,
            "order": found.order,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = _attempt(
            form,
            lambda: services.save_plan_type(request.user, school=request.school, plan_type=found, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, f"“{saved.name}” saved.")
            return redirect("support:plan_types")
    return render(request, "support/plan_type.html", {"plan_type": found, "form": form})


# Questionnaires ---------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_TEAM)
def questionnaires(request: HearthRequest) -> HttpResponse:
    form = forms.QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = _attempt(
            form,
            lambda: services.create_questionnaire(
                request.user,
                school=request.school,
                title=d["title"],
                introduction=d.get("introduction", ""),
                anonymous=d.get("anonymous", False),
                questions=form.question_list(),
            ),
        )
        if made is not None:
            messages.success(request, "Questionnaire saved.")
            return redirect("support:questionnaire", questionnaire_id=made.pk)
    return render(
        request,
        "support/questionnaires.html",
        {"questionnaires": selectors.questionnaires(request.school), "form": form},
    )


@login_required
@role_required(PASTORAL_TEAM)
def questionnaire(request: HearthRequest, questionnaire_id: int) -> HttpResponse:
    found = selectors.get_questionnaire(request.school, request.user, questionnaire_id)
    pupils = people_selectors.visible_pupils(request.school, request.user, on_roll_on=_today()).order_by(
        "legal_surname", "legal_forename"
    )
    form = forms.InviteForm(request.POST or None, pupils=pupils)
    links: list[tuple[Any, str]] = []
    if request.method == "POST" and form.is_valid():
        made = _attempt(
            form, lambda: services.invite_pupils(request.user, questionnaire=found, pupils=form.cleaned_data["pupils"])
        )
        links = [(pupil, request.build_absolute_uri(f"/support/q/{token}/")) for pupil, token in made or []]
    summaries, named = selectors.questionnaire_results(found, request.user)
    return render(
        request,
        "support/questionnaire.html",
        {
            "questionnaire": found,
            "form": form,
            "links": links,
            "summaries": summaries,
            "named": named,
            "by_year": selectors.questionnaire_by_year(found),
            "rating_questions": [s.question for s in summaries if s.question.kind == "rating"],
            "min_group": statutory.MIN_GROUP_SHOWN,
        },
    )


def answer(request: Any, token: str) -> HttpResponse:
    """The pupil's page: no staff sign-in, one questionnaire, nothing else reachable from it."""
    invite = selectors.get_invite(token)
    problem = selectors.invite_problem(invite)
    if problem or invite is None:
        audit.record(None, Verb.DENIED, ("support.questionnaireinvite", "link"), reason="support.questionnaire_link")
        status = 404 if invite is None else 410
        return render(request, "support/answer_closed.html", {"problem": problem}, status=status)
    questions = list(invite.questionnaire.questions.all())
    form = forms.AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_response(token=token, answers=form.answers())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except PermissionDenied as error:
            return render(request, "support/answer_closed.html", {"problem": str(error)}, status=410)
        else:
            return render(
                request, "support/answer_closed.html", {"problem": "Thank you: your answers have been saved."}
            )
    response = render(request, "support/answer.html", {"questionnaire": invite.questionnaire, "form": form})
    response["Cache-Control"] = "no-store"
    # Same-origin: the token never leaks to another site, and the form post keeps its Origin.
    response["Referrer-Policy"] = "same-origin"
    return response


# Careers appointments ------------------------------------------------------------------------------


@login_required
@role_required(PASTORAL_TEAM)
def appointments(request: HearthRequest) -> HttpResponse:
    form = forms.SlotsForm(request.POST or None, initial={"day": _today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        first_at = timezone.make_aware(dt.datetime.combine(d["day"], d["first_time"]))
        made = _attempt(
            form,
            lambda: services.add_appointment_slots(
                request.user,
                school=request.school,
                adviser=d["adviser"],
                kind=d["kind"],
                first_at=first_at,
                count=d["count"],
                minutes=d["minutes"],
                location=d.get("location", ""),
            ),
        )
        if made is not None:
            messages.success(request, f"{len(made)} slots added.")
            return redirect("support:appointments")
    return render(
        request,
        "support/appointments.html",
        {
            "slots": selectors.appointments(request.school, request.user, _today() - dt.timedelta(days=14)),
            "without": selectors.pupils_without_careers_appointment(request.school, request.user, _today()),
            "form": form,
        },
    )


@login_required
@role_required(PASTORAL_TEAM)
def appointment(request: HearthRequest, appointment_id: int) -> HttpResponse:
    found = selectors.get_appointment(request.school, request.user, appointment_id)
    pupils = people_selectors.visible_pupils(request.school, request.user, on_roll_on=_today()).order_by(
        "year_group__number", "legal_surname"
    )
    action = request.POST.get("form", "")
    book_form = forms.BookForm(request.POST if action == "book" else None, pupils=pupils, prefix="book")
    outcome_form = forms.OutcomeForm(request.POST if action == "outcome" else None, prefix="outcome")
    done: Any = None
    if action == "book" and book_form.is_valid():
        done = _attempt(
            book_form, lambda: services.book_appointment(request.user, appointment=found, **book_form.cleaned_data)
        )
    elif action == "outcome" and outcome_form.is_valid():
        done = _attempt(
            outcome_form,
            lambda: services.record_appointment_outcome(request.user, appointment=found, **outcome_form.cleaned_data),
        )
    if done is not None:
        messages.success(request, "Saved.")
        return redirect("support:appointment", appointment_id=found.pk)
    return render(
        request, "support/appointment.html", {"slot": found, "book_form": book_form, "outcome_form": outcome_form}
    )
