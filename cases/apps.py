from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case records"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from cases import receivers  # noqa: F401  (connects the sign-in receivers)
        from cases.history import install_statements_as_text

        connection_created.connect(install_statements_as_text, dispatch_uid="statements_as_text")
