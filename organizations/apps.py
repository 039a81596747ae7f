from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations and accounts")

    def ready(self):
        # Connects the sign-in signal receivers (two-step sign-in and the lockout count).
        from . import mfa  # noqa: F401
