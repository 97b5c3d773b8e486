"""The overdose pathway's pages, mounted under /overdoses/. People not yet known are reached
by their external id."""

from django.urls import path

from overdoses.views import capture, naloxone

someone = "not-yet-known/<uuid:external_id>/"

urlpatterns = [
    path("record/", capture.overdose_record, name="overdose_record"),
    path("not-yet-known/", capture.unidentified_list, name="unidentified_list"),
    path(someone, capture.unidentified_detail, name="unidentified_detail"),
    path(someone + "new-record/", capture.unidentified_add_record, name="unidentified_add_record"),
    path("naloxone/non-clients/", naloxone.naloxone_non_client, name="naloxone_non_client"),
    path("naloxone/to-renew/", naloxone.naloxone_renewals, name="naloxone_renewals"),
]
