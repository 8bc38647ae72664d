from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("registers/", views.registers, name="registers"),
    path("registers/<int:form_id>/", views.register, name="register"),
    path("registers/completion/", views.completion, name="completion"),
    path("first-day/", views.first_day, name="first_day"),
    path("pupils/<int:pupil_id>/contact/", views.contact, name="contact"),
    path("persistent-absence/", views.persistent_absence, name="persistent_absence"),
    path("measures/", views.measures, name="measures"),
    path("pupils/<int:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<int:pupil_id>/amend/", views.amend, name="amend"),
]
