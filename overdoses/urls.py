"""The overdose pathway's pages, mounted under /overdoses/. People not yet known and
follow-ups are reached by their external id."""

from django.urls import path

from overdoses.views import capture, follow_ups, naloxone

someone = "not-yet-known/<uuid:external_id>/"
follow_up = "follow-ups/<uuid:external_id>/"

urlpatterns = [
    path("record/", capture.overdose_record, name="overdose_record"),
    path("not-yet-known/", capture.unidentified_list, name="unidentified_list"),
    path(someone, capture.unidentified_detail, name="unidentified_detail"),
    path(someone + "new-record/", capture.unidentified_add_record, name="unidentified_add_record"),
    path("naloxone/non-clients/", naloxone.naloxone_non_client, name="naloxone_non_client"),
    path("naloxone/to-renew/", naloxone.naloxone_renewals, name="naloxone_renewals"),
    path("follow-ups/overdue/", follow_ups.follow_ups_overdue, name="follow_ups_overdue"),
    path(follow_up, follow_ups.follow_up_detail, name="follow_up_detail"),
    path(follow_up + "attempts/", follow_ups.follow_up_attempt, name="follow_up_attempt"),
    path(follow_up + "close/", follow_ups.follow_up_close, name="follow_up_close"),
]
