from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from engagement import ratelimit

from . import mfa
from .forms import EmailAuthenticationForm, ThrottledPasswordResetForm, TwoStepCodeForm


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


# --- Two-step sign-in --------------------------------------------------------------------------


def _next_url(request):
    """Where to go after the second step: a path of this site, else the workspace."""
    following = request.POST.get("next") or request.GET.get("next") or ""
    if following.startswith("/") and url_has_allowed_host_and_scheme(
        following, {request.get_host()}, require_https=request.is_secure()
    ):
        return following
    return reverse("workspace:home")


@login_required
def mfa_account(request):
    """The Account page's two-step section: turn it on, new recovery codes, turn it off."""
    device = mfa.authenticator(request.user)
    return render(
        request,
        "registration/mfa_account.html",
        {
            "device": device,
            "required": mfa.is_required(request.user),
            "codes_left": mfa.recovery_codes_left(request.user) if device else 0,
        },
    )


@login_required
def mfa_setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code."""
    if not request.user.is_verified() and mfa.state(request) == mfa.VERIFY:
        # Whoever has only the password must not replace the app that guards the account.
        return redirect_to_login(request.get_full_path(), reverse("mfa_verify"))
    if mfa.authenticator(request.user) is not None:
        return redirect("mfa_account")
    device = mfa.pending_authenticator(request.user)
    form = TwoStepCodeForm(request.POST or None, user=request.user, device=device)
    if form.is_valid():
        codes = mfa.confirm(request.user, device)
        otp_login(request, device)
        mfa.clear_failures(request, request.user)
        request.session[mfa.CODES_KEY] = {"codes": codes, "next": _next_url(request)}
        return redirect("mfa_recovery_codes")
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr_svg": mfa.qr_svg(device),
            "secret": mfa.secret(device),
            "required": mfa.is_required(request.user),
            "next": _next_url(request),
        },
    )


@login_required
def mfa_verify(request):
    """The second step of signing in. Wrong codes count toward the same lockout as passwords."""
    if request.user.is_verified() or mfa.state(request, recheck=True) != mfa.VERIFY:
        return redirect(_next_url(request))
    if request.method == "POST" and mfa.is_locked_out(request, request.user):
        logout(request)
        return locked_out(request)
    form = TwoStepCodeForm(request.POST or None, user=request.user)
    if form.is_valid():
        otp_login(request, form.device)
        mfa.clear_failures(request, request.user)
        if isinstance(form.device, StaticDevice):
            left = mfa.recovery_codes_left(request.user)
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code. %(count)s recovery code is left.",
                    "You signed in with a recovery code. %(count)s recovery codes are left.",
                    left,
                )
                % {"count": left},
            )
        return redirect(_next_url(request))
    if form.is_bound and mfa.count_wrong_code(request, request.user):
        logout(request)
        return locked_out(request)
    return render(
        request, "registration/mfa_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def mfa_recovery_codes(request):
    """New recovery codes, shown once: a reload (or the back button) shows them no more."""
    shown = request.session.pop(mfa.CODES_KEY, None)
    if not shown:
        return redirect("mfa_account")
    return render(request, "registration/mfa_recovery_codes.html", shown)


@login_required
@require_POST
def mfa_new_recovery_codes(request):
    if mfa.authenticator(request.user) is None:
        return redirect("mfa_account")
    codes = mfa.new_recovery_codes(request.user)
    request.session[mfa.CODES_KEY] = {"codes": codes, "next": reverse("mfa_account")}
    return redirect("mfa_recovery_codes")


@login_required
@require_POST
def mfa_turn_off(request):
    if mfa.is_required(request.user):
        raise PermissionDenied
    mfa.turn_off(request.user)
    request.session[mfa.STATE_KEY] = mfa.NONE
    messages.success(request, _("Two-step sign-in is off."))
    return redirect("mfa_account")
