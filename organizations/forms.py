from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from . import mfa
from .models import Membership, User

# The longest address an email field (and User.email) holds.
EMAIL_MAX_LENGTH = 254


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with the email address (the form field keeps Django's name, `username`)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct email address and password."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "email"
        # Django sets the field's max_length for the browser only; check it too, so a longer
        # name is a form error before authenticate() runs: django-axes records the attempted
        # name in a 255-character column.
        self.fields["username"].max_length = EMAIL_MAX_LENGTH
        self.fields["username"].widget.attrs["maxlength"] = EMAIL_MAX_LENGTH
        self.fields["username"].validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))

    def clean_username(self):
        # One spelling per address, so django-axes counts "Ana@X.org" and "ana@x.org" together
        # (it reads the credentials this form passes to authenticate()).
        return self.cleaned_data["username"].strip().lower()


class ThrottledPasswordResetForm(PasswordResetForm):
    """The view throttles; the mail speaks the person's own language."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


EMAIL_TAKEN = _(
    "This email address already has an account. A person belongs to one organization only; "
    "ask the facilitator if they should move to yours."
)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.STAFF
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        # City partners only in a partner organization, staff and managers only elsewhere.
        self.fields["role"].choices = Membership.roles_for(organization)
        self.fields["role"].initial = self.fields["role"].choices[0][0]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_TAKEN, code="exists")
        return email


def other_active_managers(membership):
    return Membership.objects.filter(
        organization_id=membership.organization_id,
        role=Membership.Role.MANAGER,
        user__is_active=True,
    ).exclude(pk=membership.pk)


LAST_MANAGER = _(
    "%(name)s is the last active manager of %(organization)s. Make someone else a manager first."
)


def last_manager_error(membership):
    return forms.ValidationError(
        LAST_MANAGER,
        code="last_manager",
        params={"name": membership.user, "organization": membership.organization},
    )


class RoleForm(forms.ModelForm):
    """Change a member's role; an organization always keeps one active manager.

    The view holds a lock on the organization while this validates and saves, so two managers
    demoting each other at the same moment cannot both succeed.
    """

    class Meta:
        model = Membership
        fields = ["role"]
        labels = {"role": _("Role")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Membership.roles_for(self.instance.organization)

    def clean_role(self):
        role = self.cleaned_data["role"]
        demoted = (
            self.initial.get("role") == Membership.Role.MANAGER and role != Membership.Role.MANAGER
        )
        if (
            demoted
            and self.instance.user.is_active
            and not other_active_managers(self.instance).exists()
        ):
            raise last_manager_error(self.instance)
        return role


class DeactivateForm(forms.Form):
    """Nothing to fill in; the checks that decide whether a member may be deactivated."""

    def __init__(self, *args, membership, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.actor = actor

    def clean(self):
        membership = self.membership
        if (
            membership.role == Membership.Role.MANAGER
            and not other_active_managers(membership).exists()
        ):
            raise last_manager_error(membership)
        if membership.user_id == self.actor.pk:
            raise forms.ValidationError(_("You cannot deactivate your own account."), code="self")
        return super().clean()


class TwoStepCodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, when verifying, a recovery code).

    With a `device`, only that device's codes count (setting up an app); without one, any of
    the person's devices (signing in). `device` is then the one that matched.
    """

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        if device is not None:
            self.fields["code"].help_text = _("The six digits your app shows now.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        else:
            self.fields["code"].help_text = _(
                "The six digits your authenticator app shows now, or one of your recovery codes."
            )

    def clean_code(self):
        code = mfa.normalize(self.cleaned_data["code"])
        if self.device is not None:
            matched = self.device if self.device.verify_token(code) else None
        else:
            matched = match_token(self.user, code)
        if matched is None:
            raise forms.ValidationError(
                _("That code is not right. Check the time on your phone and try the newest code."),
                code="wrong_code",
            )
        self.device = matched
        return code
