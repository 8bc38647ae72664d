from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("pupil/<int:pupil_id>/", views.pupil_access, name="pupil_access"),
]
