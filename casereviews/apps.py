from django.apps import AppConfig


class CaseReviewsConfig(AppConfig):
    name = "casereviews"
    verbose_name = "Case reviews"
