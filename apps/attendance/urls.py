from django.urls import path

from . import views, views_governor, views_lessons, views_reports

app_name = "attendance"

urlpatterns = [
    path("registers/", views.registers, name="registers"),
    path("registers/<int:form_id>/", views.register, name="register"),
    path("registers/completion/", views.completion, name="completion"),
    path("first-day/", views.first_day, name="first_day"),
    path("pupils/<int:pupil_id>/contact/", views.contact, name="contact"),
    path("persistent-absence/", views.persistent_absence, name="persistent_absence"),
    path("measures/", views.measures, name="measures"),
    path("penalties/", views.penalties, name="penalties"),
    path("leave/", views.leave, name="leave"),
    path("closures/", views.closure, name="closure"),
    path("part-time/", views.part_time, name="part_time"),
    path("part-time/<int:timetable_id>/review/", views.part_time_review, name="part_time_review"),
    path("pupils/<int:pupil_id>/part-time/", views.part_time_new, name="part_time_new"),
    path("leave/<int:leave_id>/decision/", views.leave_decide, name="leave_decide"),
    path("pupils/<int:pupil_id>/leave/", views.leave_new, name="leave_new"),
    path("long-absence/", views.long_absence, name="long_absence"),
    path("pupils/<int:pupil_id>/la-notified/", views.la_notify, name="la_notify"),
    path("pupils/<int:pupil_id>/ladder/", views.ladder, name="ladder"),
    path("pupils/<int:pupil_id>/penalty-decision/", views.penalty_decide, name="penalty_decide"),
    path("pupils/<int:pupil_id>/penalty-notice/", views.notice_add, name="notice_add"),
    path("pupils/<int:pupil_id>/letters/new/", views.letter_new, name="letter_new"),
    path("notices/<int:notice_id>/status/", views.notice_status, name="notice_status"),
    path("letters/<int:letter_id>.pdf", views.letter_pdf, name="letter_pdf"),
    path("pupils/<int:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<int:pupil_id>/amend/", views.amend, name="amend"),
    # Settings, lesson registers, post-registration truancy and calendar closures (issue 5; attreg).
    path("settings/", views_lessons.settings_page, name="settings"),
    path("lessons/", views_lessons.lessons, name="lessons"),
    path("lessons/<int:group_id>/<int:period_id>/", views_lessons.lesson_register, name="lesson_register"),
    path("truancy/", views_lessons.truancy, name="truancy"),
    path("truancy/<int:pupil_id>/follow-up/", views_lessons.truancy_follow_up, name="truancy_follow_up"),
    path("closures/calendar/", views_lessons.closures, name="closures"),
    path("closures/calendar/<int:closure_id>/apply/", views_lessons.closure_apply, name="closure_apply"),
    # Reports: charts, punctuality, CSV of every table, letter templates (issue 5) -----------------
    path("reports/persistent-absence-rates/", views_reports.rates, name="rates"),
    path("reports/heat-map/", views_reports.heatmap, name="heatmap"),
    path("reports/punctuality/", views_reports.punctuality, name="punctuality"),
    path("reports/export/<slug:table>.csv", views_reports.export, name="export"),
    path("pupils/<int:pupil_id>/weekly/", views_reports.pupil_weekly, name="pupil_weekly"),
    path("letter-templates/", views_reports.letter_templates, name="letter_templates"),
    path("letter-templates/<slug:stage>/", views_reports.letter_template_edit, name="letter_template_edit"),
    # The attendance report for the headteacher and governors (issue 5; attfin) --------------------
    path("reports/governors/", views_governor.governor_reports, name="governor_reports"),
    path("reports/governors/produce/", views_governor.governor_report_produce, name="governor_report_produce"),
    path("reports/governors/<int:report_id>/", views_governor.governor_report, name="governor_report"),
    path("reports/governors/<int:report_id>.pdf", views_governor.governor_report_pdf, name="governor_report_pdf"),
]
