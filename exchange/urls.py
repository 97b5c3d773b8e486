"""The data pages: bulk import and the NDTMS extract and the monthly submission (mounted under /data/ by config.urls)."""

from django.urls import path

from exchange import submission_views, views

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("import/<uuid:job_id>/status.json", views.import_job_status, name="import_job_status"),
    path("templates/<str:kind>.csv", views.import_template, name="import_template"),
    path("ndtms/", views.ndtms_page, name="ndtms_extract"),
    path("ndtms/extract.csv", views.ndtms_download, name="ndtms_download"),
    path("ndtms/submissions/", submission_views.submission_list, name="ndtms_submissions"),
    path("ndtms/quality/", submission_views.data_quality_page, name="ndtms_quality"),
    path(
        "ndtms/submissions/<uuid:submission_id>/",
        submission_views.submission_detail,
        name="ndtms_submission",
    ),
    path(
        "ndtms/submissions/<uuid:submission_id>/file.csv",
        submission_views.submission_download,
        name="ndtms_submission_download",
    ),
    path(
        "ndtms/submissions/<uuid:submission_id>/submitted/",
        submission_views.submission_record,
        name="ndtms_submission_record",
    ),
]
