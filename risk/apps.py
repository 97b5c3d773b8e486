from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk flags"

    def ready(self) -> None:
        from risk import receivers  # noqa: F401  (connects the signal receivers)
