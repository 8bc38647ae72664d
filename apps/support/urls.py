from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("team/", views.team, name="team"),
    path("team/reassign/", views.reassign, name="reassign"),
    path("pupils/<int:pupil_id>/plans/new/", views.plan_new, name="plan_new"),
    path("pupils/<int:pupil_id>/reintegration/new/", views.reintegration_new, name="reintegration_new"),
    path("pupils/<int:pupil_id>/placements/new/", views.placement_new, name="placement_new"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/versions/<int:number>/", views.plan_version, name="plan_version"),
    path("plans/<int:plan_id>/amend/", views.plan_amend, name="plan_amend"),
    path("plans/<int:plan_id>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:plan_id>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:plan_id>/psp/", views.plan_link_psp, name="plan_link_psp"),
    path("phases/<int:phase_id>/part-time/", views.phase_part_time, name="phase_part_time"),
    path("plan-types/", views.plan_types, name="plan_types"),
    path("plan-types/<int:type_id>/", views.plan_type, name="plan_type"),
    path("pupils/<int:pupil_id>/attainment/", views.pupil_attainment, name="pupil_attainment"),
    path("attainment/import/", views.attainment_import, name="attainment_import"),
    path("actions/<int:action_id>/done/", views.action_done, name="action_done"),
    path("interventions/", views.interventions, name="interventions"),
    path("interventions/<int:intervention_id>/", views.intervention, name="intervention"),
    path("groups/<int:group_id>/", views.group, name="group"),
    path("groups/<int:group_id>/register/", views.group_register, name="group_register"),
    path("provision-map/", views.provision_map, name="provision_map"),
    path("placements/", views.placements, name="placements"),
    path("placements/<int:placement_id>/", views.placement, name="placement"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<int:questionnaire_id>/", views.questionnaire, name="questionnaire"),
    path("q/<str:token>/", views.answer, name="answer"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/<int:appointment_id>/", views.appointment, name="appointment"),
]
