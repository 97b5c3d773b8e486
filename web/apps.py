from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages that bring the layers together: caseload, person record, navigation,
    sign-in and the second factor, the access report, the admin site."""

    name = "web"
    verbose_name = "Pages"

    def ready(self) -> None:
        from web import signin  # noqa: F401  (starts each session's clock at sign-in)
