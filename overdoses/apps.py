from django.apps import AppConfig


class OverdosesConfig(AppConfig):
    name = "overdoses"
    verbose_name = "Overdose response"

    def ready(self) -> None:
        from overdoses import receivers  # noqa: F401  (connects the signal receivers)
