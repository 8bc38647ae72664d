from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/years/add/", views.add_year, name="add_year"),
    path("calendar/terms/<int:term_id>/", views.edit_term, name="edit_term"),
    path("calendar/closures/add/", views.add_closure, name="add_closure"),
    path("calendar/closures/<int:closure_id>/remove/", views.remove_closure, name="remove_closure"),
]
