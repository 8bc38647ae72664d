from django.urls import path

from . import views

app_name = "chronology"

urlpatterns = [
    path("pupil/<int:pupil_id>/", views.pupil_chronology, name="pupil"),
    path("pupil/<int:pupil_id>/pdf/", views.pupil_chronology_pdf, name="pupil_pdf"),
    path("pupil/<int:pupil_id>/note/", views.add_note, name="add_note"),
    path("pupil/<int:pupil_id>/subject-access/", views.subject_access, name="subject_access"),
]
