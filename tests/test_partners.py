"""City partners: invited and deactivated by the facilitator, in partner organizations only,
signed in with two steps, their sign-ins and report readings in the audit log."""

import pytest
from django.urls import reverse
from django.utils import translation

from findings.models import Report
from findings.reports import publish
from organizations import mfa
from organizations.models import AuditEvent, Membership, Organization, User

from .factories import MembershipFactory, OrganizationFactory
from .test_reports import make_report, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return OrganizationFactory(name="Mayor's Office", slug="mayor", kind=Organization.Kind.PARTNER)


@pytest.fixture
def partner(office):
    return MembershipFactory(organization=office, role=Membership.Role.PARTNER).user


def test_the_facilitator_invites_and_deactivates_a_partner(client, facilitator, office):
    client.force_login(facilitator)
    page = client.get("/staff/team/invite/?org=mayor")
    assert [value for value, _label in page.context["form"].fields["role"].choices] == ["partner"]
    client.post(
        "/staff/team/invite/?org=mayor",
        {"email": "deputy@city.example.org", "full_name": "Deputy", "role": "partner"},
    )
    membership = Membership.objects.get(user__email="deputy@city.example.org")
    assert (membership.organization, membership.role) == (office, Membership.Role.PARTNER)
    client.post(reverse("team:deactivate", args=[membership.public_id]) + "?org=mayor")
    assert not User.objects.get(pk=membership.user_id).is_active
    assert list(
        AuditEvent.objects.filter(organization=office)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["invited", "deactivated"]


def test_a_cbo_has_no_partners_and_a_partner_office_no_staff(client, manager_a, facilitator):
    client.force_login(manager_a)
    refused = client.post(
        "/staff/team/invite/",
        {"email": "x@example.org", "full_name": "X", "role": "partner"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["role"]
    assert not User.objects.filter(email="x@example.org").exists()


def test_partners_must_use_two_step_sign_in(partner, settings):
    settings.MFA_REQUIRED = True
    assert mfa.is_required(partner)


def test_a_partners_sign_in_and_report_reading_are_in_the_audit_log(
    client, partner, office, survey, facilitator
):
    report = make_report(survey, audience=Report.Audience.PARTNERS)
    make_section(report)
    publish(report, facilitator, "First")
    client.post(reverse("login"), {"username": partner.email, "password": "a-long-test-password"})
    with translation.override("zh-hans"):
        address = reverse("report", args=[report.token])
    assert client.get(address).status_code == 200
    events = list(
        AuditEvent.objects.filter(organization=office)
        .order_by("pk")
        .values_list("action", "actor", "detail")
    )
    assert events == [
        ("signed_in", partner.pk, ""),
        ("report_viewed", partner.pk, f"{report.token[:8]} v1 zh-hans"),
    ]


def test_a_partner_sees_only_reports_for_partners(client, partner, survey, facilitator):
    public = make_report(survey, audience=Report.Audience.PUBLIC)
    shared = make_report(survey, audience=Report.Audience.PARTNERS, kind=Report.Kind.DETAILED)
    unpublished = make_report(survey, audience=Report.Audience.PARTNERS)
    for report in (public, shared, unpublished):
        make_section(report)
    publish(public, facilitator, "First")
    publish(shared, facilitator, "First")
    client.force_login(partner)
    page = client.get(reverse("findings:reports"))
    assert list(page.context["reports"]) == [shared]
    assert client.get(reverse("findings:report_edit", args=[shared.token])).status_code == 404


def test_a_partner_without_the_second_step_is_asked_for_it_before_a_report(
    client, partner, survey, facilitator, settings
):
    settings.MFA_REQUIRED = True
    report = make_report(survey, audience=Report.Audience.PARTNERS)
    make_section(report)
    publish(report, facilitator, "First")
    client.post(reverse("login"), {"username": partner.email, "password": "a-long-test-password"})
    with translation.override("es"):
        address = reverse("report", args=[report.token])
    answer = client.get(address)
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("mfa_setup"))
    assert not AuditEvent.objects.filter(action="report_viewed").exists()
