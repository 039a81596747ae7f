from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engagement import ratelimit

from .forms import EmailAuthenticationForm, ThrottledPasswordResetForm


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """The reset form sends at most a few mails per address and hour (the cache counts)."""

    form_class = ThrottledPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        wait = ratelimit.retry_after(
            self.request,
            f"password-reset:{email}",
            settings.PASSWORD_RESET_LIMIT,
            3600,
        ) or ratelimit.retry_after(self.request, "password-reset", 20, 3600)
        if wait:
            # Say the same as a success: the page must not tell which addresses exist.
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the mailed link also lifts a sign-in lockout."""

    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        from axes.utils import reset

        reset(username=form.user.email)
        return response


class WelcomeView(auth_views.PasswordResetConfirmView):
    """An invited person chooses a first password through the mailed link, then is signed in.

    The link is a password-reset token (valid PASSWORD_RESET_TIMEOUT, void once a password is
    set or the invitation is sent again); it opens only for an active account still waiting
    for its first password.
    """

    template_name = "organizations/welcome.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("workspace:home")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.has_usable_password():
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Welcome! Your password is set and you are signed in."))
        return response


@require_POST
def set_language_preference(request):
    """Staff choose their interface language; it is kept on their account."""
    language = request.POST.get("language")
    following = request.POST.get("next") or "/"
    # Only a path of this site. (redirect() would take "V" or "12:00" for a URL name.)
    if not following.startswith("/") or not url_has_allowed_host_and_scheme(
        following, {request.get_host()}, require_https=request.is_secure()
    ):
        following = "/"
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return HttpResponseRedirect(following)


@login_required
@require_POST
def keepalive(request):
    """Typing is not a request: pages with unsaved text call this while someone types."""
    return HttpResponse(status=204)


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' answer while an email address is locked out from this client address."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        status=429,
    )
