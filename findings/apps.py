from django.apps import AppConfig


class FindingsConfig(AppConfig):
    """The read side: results, downloads and, later, themes, reports and the partner view."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "findings"

    def ready(self):
        from . import history, signals  # noqa: F401  (history after modeltranslation)

        signals.connect()
