from django.urls import path

from . import views

app_name = "behaviour"

urlpatterns = [
    path("log/", views.log_incident, name="log"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/escalate/", views.escalate, name="escalate"),
    path("pupils/<int:pupil_id>/", views.pupil_behaviour, name="pupil"),
    path("detentions/", views.detentions, name="detentions"),
    path("detentions/<int:detention_id>/outcome/", views.detention_outcome, name="detention_outcome"),
    path("inclusion/", views.inclusion, name="inclusion"),
    path("inclusion/book/", views.inclusion_book, name="inclusion_book"),
    path("inclusion/<int:booking_id>/", views.inclusion_update, name="inclusion_update"),
    path("exclusions/", views.exclusion_list, name="exclusions"),
    path("exclusions/census.csv", views.census, name="census"),
    path("pupils/<int:pupil_id>/exclude/", views.exclusion_new, name="exclusion_new"),
    path("exclusions/<int:exclusion_id>/", views.exclusion_detail, name="exclusion"),
    path("exclusions/<int:exclusion_id>/step/", views.exclusion_step, name="exclusion_step"),
    path("exclusions/<int:exclusion_id>/cancel/", views.exclusion_cancel, name="exclusion_cancel"),
    path("exclusions/<int:exclusion_id>/letter.pdf", views.exclusion_letter, name="exclusion_letter"),
    path("exclusions/<int:exclusion_id>/reintegration/", views.reintegration, name="reintegration"),
    path("psp/", views.psp_list, name="psps"),
    path("pupils/<int:pupil_id>/psp/", views.psp_new, name="psp_new"),
    path("psp/<int:psp_id>/", views.psp_detail, name="psp"),
    path("psp/<int:psp_id>/action/", views.psp_action, name="psp_action"),
    path("psp/<int:psp_id>/review/", views.psp_review, name="psp_review"),
    path("moves/", views.move_list, name="moves"),
    path("pupils/<int:pupil_id>/off-site/", views.move_new, {"kind": "offsite"}, name="offsite_new"),
    path("pupils/<int:pupil_id>/managed-move/", views.move_new, {"kind": "managed"}, name="managed_move_new"),
    path("moves/<int:move_id>/", views.move_detail, name="move"),
    path("moves/<int:move_id>/review/", views.move_review, name="move_review"),
    path("moves/<int:move_id>/outcome/", views.move_outcome, name="move_outcome"),
    path("overview/", views.overview, name="overview"),
    path("types/", views.types, name="types"),
    path("groups/", views.groups, name="groups"),
    path("pupils/<int:pupil_id>/report-card/", views.report_card_new, name="report_card_new"),
    path("report-cards/<int:card_id>/", views.report_card, name="report_card"),
]
