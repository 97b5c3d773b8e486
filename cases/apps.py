from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case records"

    def ready(self) -> None:
        from cases import receivers  # noqa: F401  (connects the sign-in receivers)
