from django.urls import path

from . import views

app_name = "safeguarding"

urlpatterns = [
    path("concerns/new/", views.log_concern, name="log_concern"),
    # The header's "Log a concern" button (templates/base.html) uses this name.
    path("log/", views.log_concern, name="log"),
    path("concerns/mine/", views.mine, name="mine"),
    path("concerns/draft/", views.save_draft, name="save_draft"),
    path("concerns/<int:concern_id>/files/", views.add_attachment, name="add_attachment"),
    path("files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="concern"),
    path("concerns/<int:concern_id>/amend/", views.amend, name="amend"),
    path("concerns/<int:concern_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("concerns/<int:concern_id>/triage/", views.triage, name="triage"),
    path(
        "concerns/<int:concern_id>/decisions/<int:decision_id>/response/",
        views.record_response,
        name="record_response",
    ),
    path("concerns/<int:concern_id>/actions/", views.add_action, name="add_action"),
    path("concerns/<int:concern_id>/close/", views.close, name="close"),
    path("actions/<int:action_id>/complete/", views.complete_action, name="complete_action"),
    path("queue/", views.queue, name="queue"),
    path("pupils/<int:pupil_id>/", views.pupil_file, name="pupil"),
    path("pupils/<int:pupil_id>/statuses/", views.add_status, name="add_status"),
    path("statuses/<int:status_id>/end/", views.end_status, name="end_status"),
    path("transfers/", views.transfers, name="transfers"),
    path("staff-concerns/new/", views.report_allegation, name="report_allegation"),
    path("staff-concerns/", views.allegations, name="allegations"),
    path("staff-concerns/<int:allegation_id>/", views.allegation, name="allegation"),
    path("staff-concerns/<int:allegation_id>/lado/", views.allegation_lado, name="allegation_lado"),
    path("staff-concerns/<int:allegation_id>/close/", views.allegation_close, name="allegation_close"),
    path("transfers/receipt/", views.confirm_receipt, name="confirm_receipt"),
    path("transfers/<int:transfer_id>/pack.json", views.transfer_pack, name="transfer_pack"),
    path("transfers/<int:transfer_id>/pack.pdf", views.transfer_pdf, name="transfer_pdf"),
    path("pupils/<int:pupil_id>/transfer/", views.prepare_transfer, name="prepare_transfer"),
    path("pupils/<int:pupil_id>/import/", views.import_pack, name="import_pack"),
]
