from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo population, and the commands demo, demo_code and seed_demo."""

    name = "demo"
    verbose_name = "Demo population"
