from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from surveys import ratelimit


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with the email address (the form field keeps Django's name, `username`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("Email address")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class ThrottledPasswordResetForm(PasswordResetForm):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    """The reset form sends at most a few mails per address and hour (the cache counts)."""

    form_class = ThrottledPasswordResetForm

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


@require_POST
def set_language_preference(request):
    """Staff choose their interface language; it is kept on their account."""
    language = request.POST.get("language")
    following = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(following, {request.get_host()}):
        following = "/"
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return redirect(following)


@login_required
@require_POST
def keepalive(request):
    """Typing is not a request: pages with unsaved text call this while someone types."""
    return HttpResponse(status=204)


def locked_out(request, credentials=None, *args, **kwargs):
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": int(settings.AXES_COOLOFF_TIME * 60)},
        status=429,
    )
