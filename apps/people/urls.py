from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.pupil_list, name="list"),
    path("search/", views.search, name="search"),
    path("<int:pupil_id>/", views.pupil_profile, name="profile"),
]
