"""Managers invite, change and deactivate their organization's members; it is all recorded."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from organizations.models import AuditEvent, Membership, User

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Staff pages activate the user's language in this thread; later tests expect English."""
    yield
    translation.activate("en")


PASSWORD = "a-long-test-password"
NEW_PASSWORD = "chosen-by-the-invitee-7"


def welcome_path(message):
    return re.search(r"http://testserver(/accounts/welcome/\S+/)", message.body).group(1)


def invite(client, email="new.person@example.org", role="staff", query="", follow=False):
    return client.post(
        f"/staff/team/invite/{query}",
        {"email": email, "full_name": "New Person", "role": role},
        follow=follow,
    )


def events(organization):
    return list(
        AuditEvent.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("action", "actor__email", "subject__email", "detail")
    )


def member_of(user):
    return Membership.objects.get(user=user)


# --- The team page -----------------------------------------------------------------------


def test_team_page_lists_only_own_members_with_accessible_table(
    client, manager_a, staff_a, staff_b
):
    client.force_login(manager_a)
    response = client.get("/staff/team/")
    assert response.status_code == 200
    assert sorted(m.user.email for m in response.context["memberships"]) == sorted(
        [manager_a.email, staff_a.email]
    )
    html = response.content.decode()
    assert "<caption>Members of Org A</caption>" in html
    assert '<th scope="col">Role</th>' in html
    assert staff_b.email not in html
    assert '<h1 tabindex="-1" class="page-heading">Team</h1>' in html


@pytest.mark.parametrize("count", [1, 20])
def test_team_page_queries_do_not_grow_with_members(
    client, manager_a, org_a, count, django_assert_max_num_queries
):
    for _ in range(count):
        member = MembershipFactory(organization=org_a).user
        AuditEvent.objects.create(
            organization=org_a, actor=manager_a, subject=member, action=AuditEvent.Action.INVITED
        )
    client.force_login(manager_a)
    with django_assert_max_num_queries(8):
        response = client.get("/staff/team/")
    assert len(response.context["memberships"]) == count + 1
    assert len(response.context["events"]) == count


def test_team_page_shows_the_latest_20_events(client, manager_a, staff_a, org_a):
    for _ in range(25):
        AuditEvent.objects.create(
            organization=org_a,
            actor=manager_a,
            subject=staff_a,
            action=AuditEvent.Action.ROLE_CHANGED,
            detail="staff → manager",
        )
    client.force_login(manager_a)
    response = client.get("/staff/team/")
    assert len(response.context["events"]) == 20
    html = response.content.decode()
    assert "<td>Staff → Manager</td>" in html
    assert html.count('<th scope="row">Role changed</th>') == 20


# --- Who may manage members ------------------------------------------------------------


def team_urls(membership):
    pk = membership.public_id
    return [
        "/staff/team/",
        "/staff/team/invite/",
        f"/staff/team/{pk}/",
        f"/staff/team/{pk}/deactivate/",
        f"/staff/team/{pk}/reactivate/",
        f"/staff/team/{pk}/resend/",
    ]


def test_staff_get_403_on_every_team_url(client, staff_a, manager_a):
    client.force_login(staff_a)
    for url in team_urls(member_of(manager_a)):
        assert (url, client.get(url).status_code) == (url, 403)
        assert (url, client.post(url, {"role": "staff"}).status_code) == (url, 403)
    assert member_of(manager_a).role == Membership.Role.MANAGER
    assert User.objects.get(pk=manager_a.pk).is_active


def test_anonymous_are_sent_to_sign_in_on_every_team_url(client, staff_a):
    for url in team_urls(member_of(staff_a)):
        assert client.get(url)["Location"] == f"/accounts/login/?next={url}"


def test_manager_of_another_organization_gets_404(client, staff_a, org_b):
    manager_b = MembershipFactory(organization=org_b, role=Membership.Role.MANAGER).user
    client.force_login(manager_b)
    membership = member_of(staff_a)
    for url in team_urls(membership)[2:]:
        assert (url, client.post(url, {"role": "manager"}).status_code) == (url, 404)
    assert client.get(f"/staff/team/{membership.public_id}/").status_code == 404
    assert member_of(staff_a).role == Membership.Role.STAFF
    assert User.objects.get(pk=staff_a.pk).is_active
    assert AuditEvent.objects.count() == 0


def test_manager_cannot_reach_another_org_with_the_org_parameter(client, manager_a, staff_b):
    client.force_login(manager_a)
    response = client.get(f"/staff/team/{member_of(staff_b).public_id}/?org=org-b")
    assert response.status_code == 404
    page = client.get("/staff/team/?org=org-b")
    assert [m.user for m in page.context["memberships"]] == [manager_a]


def test_facilitator_picks_an_organization_then_manages_it(client, facilitator, staff_a, org_b):
    client.force_login(facilitator)
    picker = client.get("/staff/team/")
    assert picker.status_code == 200
    assert '<a href="/staff/team/?org=org-a">Org A</a>' in picker.content.decode()
    page = client.get("/staff/team/?org=org-a")
    assert [m.user for m in page.context["memberships"]] == [staff_a]
    membership = member_of(staff_a)
    assert f'href="/staff/team/{membership.public_id}/?org=org-a"' in page.content.decode()
    response = client.post(f"/staff/team/{membership.public_id}/?org=org-a", {"role": "manager"})
    assert response["Location"] == "/staff/team/?org=org-a"
    assert member_of(staff_a).role == Membership.Role.MANAGER
    assert events(membership.organization) == [
        ("role_changed", facilitator.email, staff_a.email, "staff → manager")
    ]


def test_facilitator_invites_into_the_chosen_organization(client, facilitator, org_a):
    client.force_login(facilitator)
    response = invite(client, query="?org=org-a")
    assert response["Location"] == "/staff/team/?org=org-a"
    assert member_of(User.objects.get(email="new.person@example.org")).organization == org_a


def test_facilitator_unknown_org_is_404(client, facilitator):
    client.force_login(facilitator)
    assert client.get("/staff/team/?org=nowhere").status_code == 404


# --- Invitations -----------------------------------------------------------------------


def test_invite_creates_a_member_without_password_and_mails_a_welcome_link(
    client, manager_a, org_a
):
    client.force_login(manager_a)
    response = invite(client, email="New.Person@Example.org", role="manager")
    assert response.status_code == 302
    assert response["Location"] == "/staff/team/"
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "New Person"
    assert user.is_active
    assert not user.has_usable_password()
    membership = member_of(user)
    assert (membership.organization, membership.role) == (org_a, Membership.Role.MANAGER)
    assert events(org_a) == [("invited", manager_a.email, user.email, "manager")]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert message.subject == "Your account for Org A's community engagement workspace"
    assert welcome_path(message).startswith(
        f"/accounts/welcome/{urlsafe_base64_encode(force_bytes(user.pk))}/"
    )
    assert "The link works for 3 days." in message.body
    assert "&#x27;" not in message.subject + message.body
    assert PASSWORD not in message.body


def test_invite_when_mail_fails_keeps_the_account_and_says_so(client, manager_a, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("organizations.team.send_mail", refuse)
    client.force_login(manager_a)
    response = invite(client, follow=True)
    assert response.redirect_chain == [("/staff/team/", 302)]
    assert (
        "The account for new.person@example.org is ready, but the email could not be sent."
        in response.content.decode()
    )
    assert User.objects.filter(email="new.person@example.org", is_active=True).exists()


def test_invitation_link_sets_the_password_and_signs_in(client, manager_a):
    client.force_login(manager_a)
    invite(client)
    invitee = Client()
    opened = invitee.get(welcome_path(mail.outbox[0]))
    assert opened.status_code == 302
    assert opened["Location"].endswith("/set-password/")
    page = invitee.get(opened["Location"])
    assert (
        '<h1 tabindex="-1" class="page-heading">Choose your password</h1>' in page.content.decode()
    )
    saved = invitee.post(
        opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert saved["Location"] == "/staff/"
    user = User.objects.get(email="new.person@example.org")
    assert invitee.session["_auth_user_id"] == str(user.pk)
    # The link is spent; the password works at the real sign-in form.
    assert (
        "expired or was already used" in Client().get(welcome_path(mail.outbox[0])).content.decode()
    )
    signed_in = Client().post(
        "/accounts/login/", {"username": user.email, "password": NEW_PASSWORD}
    )
    assert signed_in["Location"] == "/staff/"


def test_invitation_link_errors_are_summarised(client, manager_a):
    client.force_login(manager_a)
    invite(client)
    invitee = Client()
    opened = invitee.get(welcome_path(mail.outbox[0]))
    response = invitee.post(opened["Location"], {"new_password1": "abc", "new_password2": "abd"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_new_password2">' in html
    assert "<title>Error: Choose your password – Workspace</title>" in html


def test_invitation_link_expires_after_three_days(client, manager_a, monkeypatch):
    client.force_login(manager_a)
    invite(client)
    path = welcome_path(mail.outbox[0])
    sent = datetime.datetime.now()
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: sent + datetime.timedelta(days=3, minutes=-5)
    )
    assert Client().get(path).status_code == 302
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: sent + datetime.timedelta(days=3, minutes=5)
    )
    response = Client().get(path)
    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert "This invitation link has expired or was already used." in response.content.decode()


def test_invitation_link_made_long_ago_is_refused(manager_a, org_a, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    user = MembershipFactory(organization=org_a).user
    user.set_unusable_password()
    user.save()
    generator = default_token_generator
    old = generator._num_seconds(generator._now()) - 7200
    token = generator._make_token_with_timestamp(user, old, generator.secret)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    assert Client().get(f"/accounts/welcome/{uid}/{token}/").context["validlink"] is False


def test_welcome_link_does_not_open_for_an_account_with_a_password(staff_a):
    uid = urlsafe_base64_encode(force_bytes(staff_a.pk))
    token = default_token_generator.make_token(staff_a)
    response = Client().get(f"/accounts/welcome/{uid}/{token}/")
    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_invite_refuses_an_email_that_has_an_account(client, manager_a, staff_b):
    client.force_login(manager_a)
    response = invite(client, email=staff_b.email.upper())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert (
        '<a href="#id_email">Email address</a> – This email address already has an account.' in html
    )
    assert member_of(staff_b).organization.slug == "org-b"
    assert mail.outbox == []
    assert AuditEvent.objects.count() == 0


def test_resend_mails_a_new_link_and_voids_the_old_one(client, manager_a, org_a):
    client.force_login(manager_a)
    invite(client)
    user = User.objects.get(email="new.person@example.org")
    response = client.post(f"/staff/team/{member_of(user).public_id}/resend/")
    assert response["Location"] == "/staff/team/"
    assert len(mail.outbox) == 2
    old, new = welcome_path(mail.outbox[0]), welcome_path(mail.outbox[1])
    assert old != new
    assert Client().get(old).context["validlink"] is False
    assert Client().get(new).status_code == 302
    assert [event[0] for event in events(org_a)] == ["invited", "invitation_resent"]
    assert events(org_a)[1] == ("invitation_resent", manager_a.email, user.email, "")


def test_resend_is_refused_once_a_password_is_chosen(client, manager_a, staff_a, org_a):
    client.force_login(manager_a)
    response = client.post(f"/staff/team/{member_of(staff_a).public_id}/resend/", follow=True)
    assert "is not waiting for an invitation" in response.content.decode()
    assert mail.outbox == []
    assert events(org_a) == []


# --- Roles, deactivation ---------------------------------------------------------------


def test_manager_changes_a_members_role(client, manager_a, staff_a, org_a):
    client.force_login(manager_a)
    membership = member_of(staff_a)
    page = client.get(f"/staff/team/{membership.public_id}/")
    assert page.status_code == 200
    response = client.post(f"/staff/team/{membership.public_id}/", {"role": "manager"})
    assert response["Location"] == "/staff/team/"
    assert member_of(staff_a).role == Membership.Role.MANAGER
    assert events(org_a) == [("role_changed", manager_a.email, staff_a.email, "staff → manager")]


def test_saving_the_same_role_records_nothing(client, manager_a, staff_a, org_a):
    client.force_login(manager_a)
    client.post(f"/staff/team/{member_of(staff_a).public_id}/", {"role": "staff"})
    assert events(org_a) == []


def test_deactivated_member_is_refused_on_the_next_request(client, manager_a, staff_a, org_a):
    staff_client = Client()
    staff_client.force_login(staff_a)
    assert staff_client.get("/staff/").status_code == 200
    client.force_login(manager_a)
    response = client.post(f"/staff/team/{member_of(staff_a).public_id}/deactivate/")
    assert response["Location"] == "/staff/team/"
    assert staff_client.get("/staff/")["Location"] == "/accounts/login/?next=/staff/"
    refused = Client().post("/accounts/login/", {"username": staff_a.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert events(org_a) == [("deactivated", manager_a.email, staff_a.email, "")]


def test_reactivated_member_can_sign_in_again(client, manager_a, staff_a, org_a):
    client.force_login(manager_a)
    url = f"/staff/team/{member_of(staff_a).public_id}/"
    client.post(url + "deactivate/")
    response = client.post(url + "reactivate/")
    assert response["Location"] == "/staff/team/"
    signed_in = Client().post("/accounts/login/", {"username": staff_a.email, "password": PASSWORD})
    assert signed_in["Location"] == "/staff/"
    assert [event[0] for event in events(org_a)] == ["deactivated", "reactivated"]


def test_deactivated_invitee_cannot_use_the_welcome_link(client, manager_a):
    client.force_login(manager_a)
    invite(client)
    user = User.objects.get(email="new.person@example.org")
    client.post(f"/staff/team/{member_of(user).public_id}/deactivate/")
    assert Client().get(welcome_path(mail.outbox[0])).context["validlink"] is False


def test_last_active_manager_cannot_be_demoted(client, facilitator, manager_a, org_a):
    client.force_login(facilitator)
    membership = member_of(manager_a)
    response = client.post(f"/staff/team/{membership.public_id}/?org=org-a", {"role": "staff"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert (
        f"{manager_a.full_name} is the last active manager of Org A. "
        "Make someone else a manager first."
    ) in html
    assert member_of(manager_a).role == Membership.Role.MANAGER
    assert events(org_a) == []


def test_last_active_manager_cannot_be_deactivated(client, facilitator, manager_a, org_a):
    client.force_login(facilitator)
    membership = member_of(manager_a)
    response = client.post(f"/staff/team/{membership.public_id}/deactivate/?org=org-a")
    assert response.status_code == 200
    assert "is the last active manager of Org A" in response.content.decode()
    assert User.objects.get(pk=manager_a.pk).is_active
    assert events(org_a) == []


def test_an_inactive_manager_does_not_count_as_another_manager(
    client, facilitator, manager_a, org_a
):
    other = MembershipFactory(organization=org_a, role=Membership.Role.MANAGER).user
    other.is_active = False
    other.save()
    client.force_login(facilitator)
    response = client.post(
        f"/staff/team/{member_of(manager_a).public_id}/?org=org-a", {"role": "staff"}
    )
    assert response.status_code == 200
    assert member_of(manager_a).role == Membership.Role.MANAGER


def test_a_manager_may_step_down_when_another_manager_remains(client, manager_a, org_a):
    other = MembershipFactory(organization=org_a, role=Membership.Role.MANAGER).user
    client.force_login(manager_a)
    response = client.post(f"/staff/team/{member_of(manager_a).public_id}/", {"role": "staff"})
    assert response["Location"] == "/staff/"
    assert member_of(manager_a).role == Membership.Role.STAFF
    # Now the other one is the last: they cannot step down.
    client.force_login(other)
    refused = client.post(f"/staff/team/{member_of(other).public_id}/", {"role": "staff"})
    assert refused.status_code == 200
    assert member_of(other).role == Membership.Role.MANAGER


def test_the_only_manager_cannot_step_down(client, manager_a):
    client.force_login(manager_a)
    response = client.post(f"/staff/team/{member_of(manager_a).public_id}/", {"role": "staff"})
    assert response.status_code == 200
    assert "is the last active manager of Org A" in response.content.decode()


def test_a_manager_cannot_deactivate_themselves(client, manager_a, org_a):
    MembershipFactory(organization=org_a, role=Membership.Role.MANAGER)
    client.force_login(manager_a)
    response = client.post(f"/staff/team/{member_of(manager_a).public_id}/deactivate/")
    assert response.status_code == 200
    assert "You cannot deactivate your own account." in response.content.decode()
    assert User.objects.get(pk=manager_a.pk).is_active


def test_member_page_shows_their_history(client, manager_a, staff_a):
    client.force_login(manager_a)
    url = f"/staff/team/{member_of(staff_a).public_id}/"
    client.post(url, {"role": "manager"})
    page = client.get(url)
    assert [event.action for event in page.context["history"]] == ["role_changed"]
    assert "<caption>Changes to this account</caption>" in page.content.decode()


# --- Admin -------------------------------------------------------------------------------


def test_audit_events_are_read_only_in_the_admin(admin_client, manager_a, staff_a, org_a):
    event = AuditEvent.objects.create(
        organization=org_a, actor=manager_a, subject=staff_a, action=AuditEvent.Action.INVITED
    )
    assert admin_client.get("/admin/organizations/auditevent/").status_code == 200
    assert admin_client.get("/admin/organizations/auditevent/add/").status_code == 403
    assert (
        admin_client.get(f"/admin/organizations/auditevent/{event.pk}/change/").status_code == 200
    )
    assert (
        admin_client.post(f"/admin/organizations/auditevent/{event.pk}/delete/").status_code == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_invite_refuses_an_overlong_email_as_a_form_error(client, manager_a):
    client.force_login(manager_a)
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert 255 <= len(email) <= 320
    response = invite(client, email=email)
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()
    assert not User.objects.filter(email=email).exists()


def test_manager_cannot_reactivate_whom_the_facilitator_deactivated(
    client, facilitator, manager_a, staff_a, org_a
):
    url = f"/staff/team/{member_of(staff_a).public_id}/"
    client.force_login(facilitator)
    client.post(url + "deactivate/?org=org-a")
    manager = Client()
    manager.force_login(manager_a)
    page = manager.get(url)
    assert "Only the facilitator can reactivate it." in page.content.decode()
    assert f'action="{url}reactivate/"' not in page.content.decode()
    refused = manager.post(url + "reactivate/")
    assert refused.status_code == 403
    staff_a.refresh_from_db()
    assert staff_a.is_active is False
    # The facilitator's decision can be undone by the facilitator.
    assert client.post(url + "reactivate/?org=org-a").status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.is_active is True
    assert [event[:2] for event in events(org_a)] == [
        ("deactivated", facilitator.email),
        ("reactivated", facilitator.email),
    ]


def test_manager_may_reactivate_again_after_their_own_deactivation(
    client, facilitator, manager_a, staff_a
):
    url = f"/staff/team/{member_of(staff_a).public_id}/"
    facilitator_client = Client()
    facilitator_client.force_login(facilitator)
    facilitator_client.post(url + "deactivate/?org=org-a")
    facilitator_client.post(url + "reactivate/?org=org-a")
    client.force_login(manager_a)
    client.post(url + "deactivate/")
    assert client.post(url + "reactivate/").status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.is_active is True
