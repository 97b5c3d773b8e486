"""The outcome pages not about one person, mounted under /outcomes/."""

from django.urls import path

from outcomes import views

urlpatterns = [
    path("data-quality/", views.data_quality, name="data_quality"),
]
