"""The commissioner dashboard's URLs, mounted at /figures/ by `config.urls`."""

from django.urls import path

from commissioning.dashboard import views

urlpatterns = [
    path("", views.commissioner_dashboard, name="commissioner_dashboard"),
    path("download.csv", views.commissioner_dashboard_csv, name="commissioner_dashboard_csv"),
]
