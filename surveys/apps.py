from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys and responses")

    def ready(self):
        # History registration comes after modeltranslation's (which runs on import of
        # translation.py at app loading), as both patch the models.
        from . import history  # noqa: F401
