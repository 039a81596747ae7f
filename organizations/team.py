"""Managers manage their organization's staff accounts; every change is recorded.

The facilitator manages any organization's members through `?org=<slug>`, which the team
pages keep in their links and redirects.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import workspace_view
from .forms import EMAIL_TAKEN, DeactivateForm, InviteForm, RoleForm
from .models import AuditEvent, Membership, Organization, User


def org_query(request, organization):
    """`?org=<slug>` for the facilitator, who may be looking at any organization."""
    if request.user.is_facilitator and organization is not None:
        return "?" + urlencode({"org": organization.slug})
    return ""


def members_url(request, organization):
    return reverse("team:members") + org_query(request, organization)


def member_or_404(request, public_id):
    memberships = Membership.objects.visible_to(request.user).select_related("user", "organization")
    if request.organization is not None:
        memberships = memberships.filter(organization=request.organization)
    return get_object_or_404(memberships, public_id=public_id)


def lock_organization(membership):
    """Serialize changes to one organization's members (the last-manager rule needs it)."""
    Organization.objects.select_for_update().filter(pk=membership.organization_id).first()


def record(request, membership, action, detail=""):
    AuditEvent.objects.create(
        organization_id=membership.organization_id,
        actor=request.user,
        subject=membership.user,
        action=action,
        detail=detail,
    )


def reactivation_locked(request, membership):
    """The facilitator's deactivation wins: only the facilitator may undo it (as with
    response exclusions). Who deactivated is the latest such event in the audit log."""
    if request.user.is_facilitator or membership.user.is_active:
        return False
    last = (
        AuditEvent.objects.filter(
            organization_id=membership.organization_id,
            subject=membership.user,
            action=AuditEvent.Action.DEACTIVATED,
        )
        .select_related("actor")
        .first()
    )
    return last is not None and last.actor is not None and last.actor.is_facilitator


def send_invitation(request, membership):
    """Mail a link to choose a password; the mail holds no password, only that link."""
    user = membership.user
    link = request.build_absolute_uri(
        reverse(
            "welcome",
            args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user),
            ],
        )
    )
    context = {
        "user": user,
        "organization": membership.organization,
        "inviter": request.user,
        "link": link,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    with translation.override(user.preferred_language):
        subject = render_to_string("organizations/invitation_subject.txt", context)
        body = render_to_string("organizations/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def mail_invitation(request, membership):
    """Send, and say how it went: the account exists either way, and can be sent again."""
    email = membership.user.email
    try:
        send_invitation(request, membership)
    except OSError:  # SMTP errors included
        messages.error(
            request,
            _(
                "The account for %(email)s is ready, but the email could not be sent. "
                "Open their page and send the invitation again."
            )
            % {"email": email},
        )
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})


@workspace_view(manager=True)
def members(request):
    organization = request.organization
    if organization is None:
        # The facilitator first picks an organization.
        organizations = Organization.objects.visible_to(request.user).order_by("name")
        return render(request, "organizations/members.html", {"organizations": organizations})
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(organization=organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    events = (
        AuditEvent.objects.visible_to(request.user)
        .filter(organization=organization)
        .select_related("actor", "subject")[:20]
    )
    return render(
        request,
        "organizations/members.html",
        {
            "memberships": memberships,
            "events": events,
            "org_query": org_query(request, organization),
        },
    )


@workspace_view(manager=True)
def invite(request):
    organization = request.organization
    if organization is None:
        return redirect("team:members")
    form = InviteForm(request.POST or None, organization=organization)
    if form.is_valid():
        data = form.cleaned_data
        language = translation.get_language()
        try:
            with transaction.atomic():
                # No password until the person chooses one through the mailed link.
                user = User(
                    email=data["email"],
                    full_name=data["full_name"],
                    preferred_language=language if language in dict(settings.LANGUAGES) else "en",
                )
                user.set_unusable_password()
                user.save()
                membership = Membership.objects.create(
                    user=user, organization=organization, role=data["role"]
                )
                record(request, membership, AuditEvent.Action.INVITED, data["role"])
        except IntegrityError:  # the same address invited a moment ago, elsewhere
            form.add_error("email", EMAIL_TAKEN)
        else:
            mail_invitation(request, membership)
            return redirect(members_url(request, organization))
    return render(
        request,
        "organizations/invite.html",
        {
            "form": form,
            "org_query": org_query(request, organization),
            "invitation_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


def render_member(request, membership, role_form=None, deactivate_form=None):
    history = AuditEvent.objects.filter(
        organization_id=membership.organization_id, subject=membership.user
    ).select_related("actor")[:20]
    return render(
        request,
        "organizations/member.html",
        {
            "membership": membership,
            "member": membership.user,
            "role_form": role_form or RoleForm(instance=membership),
            "deactivate_form": deactivate_form,
            "reactivation_locked": reactivation_locked(request, membership),
            "history": history,
            "org_query": org_query(request, membership.organization),
        },
    )


@workspace_view(manager=True)
def member(request, public_id):
    """A member's page: their role (a form), status actions, and their recorded history."""
    membership = member_or_404(request, public_id)
    if request.method != "POST":
        return render_member(request, membership)
    form = RoleForm(request.POST, instance=membership)
    with transaction.atomic():
        lock_organization(membership)
        valid = form.is_valid()
        if valid and form.has_changed():
            before = form.initial["role"]
            form.save()
            record(
                request, membership, AuditEvent.Action.ROLE_CHANGED, f"{before} → {membership.role}"
            )
    if not valid:
        return render_member(request, membership, role_form=form)
    messages.success(
        request,
        _("%(name)s is now: %(role)s.")
        % {"name": membership.user, "role": membership.get_role_display()},
    )
    if membership.user_id == request.user.pk and not (
        membership.can_manage_members or request.user.is_facilitator
    ):
        return redirect("workspace:home")  # no longer a manager: the team page is closed to them
    return redirect(members_url(request, membership.organization))


@workspace_view(manager=True)
@require_POST
def deactivate(request, public_id):
    """The person is signed out on their next request (Django refuses inactive users)."""
    membership = member_or_404(request, public_id)
    user = membership.user
    form = DeactivateForm(request.POST, membership=membership, actor=request.user)
    with transaction.atomic():
        lock_organization(membership)
        valid = form.is_valid()
        if valid and user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            record(request, membership, AuditEvent.Action.DEACTIVATED)
    if not valid:
        return render_member(request, membership, deactivate_form=form)
    messages.success(
        request, _("%(name)s is deactivated and can no longer sign in.") % {"name": user}
    )
    return redirect(members_url(request, membership.organization))


@workspace_view(manager=True)
@require_POST
def reactivate(request, public_id):
    membership = member_or_404(request, public_id)
    user = membership.user
    if reactivation_locked(request, membership):
        raise PermissionDenied
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(request, membership, AuditEvent.Action.REACTIVATED)
    messages.success(request, _("%(name)s can sign in again.") % {"name": user})
    return redirect(members_url(request, membership.organization))


@workspace_view(manager=True)
@require_POST
def resend(request, public_id):
    """A new link; a new unusable password voids the link mailed before."""
    membership = member_or_404(request, public_id)
    user = membership.user
    if not user.is_active or user.has_usable_password():
        messages.error(
            request,
            _(
                "%(name)s is not waiting for an invitation: only an active member who has not chosen a password yet can get one."
            )
            % {"name": user},
        )
        return redirect(members_url(request, membership.organization))
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record(request, membership, AuditEvent.Action.INVITATION_RESENT)
    mail_invitation(request, membership)
    return redirect(members_url(request, membership.organization))
