import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from . import mfa


class StaffLanguageMiddleware:
    """Staff pages speak the signed-in person's preferred language; public pages keep the
    language of their URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and translation.get_language_from_path(request.path_info) is None
            and user.is_authenticated
            and user.preferred_language in dict(settings.LANGUAGES)
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """Sign staff out after STAFF_IDLE_MINUTES without a request (a keep-alive counts)."""

    KEY = "staff_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(self.KEY, now)
            if now - last > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)s minute without activity.",
                        "You were signed out after %(minutes)s minutes without activity.",
                        settings.STAFF_IDLE_MINUTES,
                    )
                    % {"minutes": settings.STAFF_IDLE_MINUTES},
                )
                return redirect_to_login(request.get_full_path())
            # Write at most once a minute: the session row is not rewritten on every click.
            if now - last > 60 or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)


class PartnerFenceMiddleware:
    """City partners read aggregates only: the admin answers them 404, as it would a page
    that does not exist (workspace views decide for themselves, organizations.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path.startswith("/admin/") and user is not None and user.is_authenticated:
            if user.is_partner:
                raise Http404
        return self.get_response(request)


class TwoStepMiddleware:
    """Staff pages need the second step: a code from the person's authenticator app once they
    have one, and setting one up first for those who must (organizations.mfa.is_required).

    Public pages are left alone; so are the pages of the second step itself and signing out.
    """

    GUARDED = ("/staff/", "/admin/", "/accounts/")
    OPEN = ("mfa_verify", "mfa_setup", "logout", "set_language_preference")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and request.path.startswith(self.GUARDED)
            and user.is_authenticated
            and not user.is_verified()
            and request.path not in {reverse(name) for name in self.OPEN}
        ):
            step = mfa.state(request)
            if step == mfa.VERIFY:
                return redirect_to_login(request.get_full_path(), reverse("mfa_verify"))
            if step == mfa.ENROL:
                return redirect_to_login(request.get_full_path(), reverse("mfa_setup"))
        return self.get_response(request)
