from django.apps import AppConfig


class LanternConfig(AppConfig):
    """The top layer as an app, so its management commands are found."""

    name = "config"
    label = "lantern"
    verbose_name = "Lantern"
