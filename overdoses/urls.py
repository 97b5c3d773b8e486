"""The overdose pathway's pages, mounted under /overdoses/. Follow-ups are reached by their
external id."""

from django.urls import path

from overdoses.views import follow_ups

follow_up = "follow-ups/<uuid:external_id>/"

urlpatterns = [
    path("follow-ups/overdue/", follow_ups.follow_ups_overdue, name="follow_ups_overdue"),
    path(follow_up, follow_ups.follow_up_detail, name="follow_up_detail"),
    path(follow_up + "attempts/", follow_ups.follow_up_attempt, name="follow_up_attempt"),
    path(follow_up + "close/", follow_ups.follow_up_close, name="follow_up_close"),
]
