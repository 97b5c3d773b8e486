from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operator runs to keep Lantern's data safe: backups and the restore check
    (`manage.py backup`, `manage.py restore_check`; docs/operations.md)."""

    name = "operations"
    verbose_name = "Operations"
