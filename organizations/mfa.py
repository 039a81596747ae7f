"""Two-step sign-in: who must use it, where a signed-in session stands, and codes in the lockout.

django-otp keeps the devices (one authenticator app per person, a TOTP device, and one static
device holding the recovery codes) and marks a session as verified. What this module adds:

- Who must use it: the facilitator's staff, anyone with admin access and city partners
  (MFA_REQUIRED). CBO managers and staff may turn it on.
- Where a session stands after the password: "verify" (has a device), "enrol" (must set one up)
  or "none". It is worked out once per sign-in and kept in the session, so staff pages cost no
  device query on every request.
- Wrong codes count toward django-axes' lockout exactly like wrong passwords (the same limit,
  the same cool-off, keyed on the account and the address), and the count is cleared only when
  sign-in is complete: a right password alone no longer clears it.
"""

import io
from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
STATE_KEY = "two_step"
VERIFY, ENROL, NONE = "verify", "enrol", "none"
# Recovery codes shown once: kept in the session between the POST and the page that shows them.
CODES_KEY = "two_step_new_codes"


def is_required(user):
    return (
        settings.MFA_REQUIRED
        and user.is_active
        and (user.is_facilitator or user.is_staff or user.is_partner)
    )


def state(request, recheck=False):
    """What this signed-in, not yet verified person still has to do.

    `recheck` looks at the devices again: the code page does, so that someone whose app the
    facilitator removed in the admin while they were signed in is not asked for codes forever.
    """
    value = request.session.get(STATE_KEY)
    if recheck or value not in (VERIFY, ENROL, NONE):
        # A session from before two-step sign-in existed; new ones get it when signing in.
        value = request.session[STATE_KEY] = _state_for(request.user)
    return value


def _state_for(user):
    if user_has_device(user):
        return VERIFY
    return ENROL if is_required(user) else NONE


def authenticator(user):
    """The person's confirmed authenticator app, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user):
    """The device being set up: its secret stays the same while the page is reloaded."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret(device):
    """The key as people type it into an app: base32 in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device):
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, omitsize=False
    )
    return buffer.getvalue().decode()


def confirm(user, device):
    """The first right code: the app is in use, with a fresh set of recovery codes."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return new_recovery_codes(user)


def new_recovery_codes(user):
    """Replace the person's recovery codes (each works once); returns them to show once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def turn_off(user):
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def normalize(code):
    """People type codes with spaces or dashes, recovery codes in capitals."""
    return "".join(code.split()).replace("-", "").lower()


# --- The lockout -----------------------------------------------------------------------------


def _credentials(user):
    # What the sign-in form passes to authenticate(): django-axes keys its count on it.
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username().lower()}


def is_locked_out(request, user):
    return AxesProxyHandler.is_locked(request, _credentials(user))


def count_wrong_code(request, user):
    """Record a wrong code as a failed sign-in; True when it reaches the lockout."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def clear_failures(request, user):
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(request, _credentials(user))


@receiver(user_logged_in)
def _password_accepted(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[STATE_KEY] = _state_for(user)
    if user.is_partner:
        # A city partner's sign-ins are in the audit log, as the issue of the role asks.
        from .models import AuditEvent

        AuditEvent.objects.create(
            organization_id=user.membership.organization_id,
            actor=user,
            subject=user,
            action=AuditEvent.Action.SIGNED_IN,
        )
    if request.session[STATE_KEY] != VERIFY:
        # Sign-in is complete with the password alone (AXES_RESET_ON_SUCCESS is off).
        clear_failures(request, user)
