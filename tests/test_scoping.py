"""One scoping rule: `visible_to(user)` decides what each person sees."""

import pytest
from django.contrib.auth.models import AnonymousUser

from organizations.models import Membership, Organization
from surveys.models import CollectionLink, Response

from .factories import CollectionLinkFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(org_a, org_b, survey):
    links = {
        org: CollectionLinkFactory(organization=org, instrument=survey) for org in (org_a, org_b)
    }
    for org, link in links.items():
        Response.objects.create(
            instrument=survey, organization=org, link=link, channel="web", language="en"
        )
    return links


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("staff_a", {"Org A"}),
        ("manager_a", {"Org A"}),
        ("staff_b", {"Org B"}),
        ("facilitator", {"Org A", "Org B", "Facilitator"}),
    ],
)
def test_visible_to_each_persona(request, data, persona, expected):
    user = request.getfixturevalue(persona)
    assert set(Organization.objects.visible_to(user).values_list("name", flat=True)) == expected
    assert set(
        Response.objects.visible_to(user).values_list("organization__name", flat=True)
    ) == expected - {"Facilitator"}
    assert set(
        CollectionLink.objects.visible_to(user).values_list("organization__name", flat=True)
    ) == expected - {"Facilitator"}
    assert (
        set(Membership.objects.visible_to(user).values_list("organization__name", flat=True))
        <= expected
    )


def test_anonymous_and_inactive_users_see_nothing(data, staff_a):
    staff_a.is_active = False
    staff_a.save()
    for user in (AnonymousUser(), staff_a):
        assert not Organization.objects.visible_to(user).exists()
        assert not Response.objects.visible_to(user).exists()
        assert not CollectionLink.objects.visible_to(user).exists()


def test_staff_of_a_do_not_see_members_of_b(data, staff_a, staff_b):
    emails = set(Membership.objects.visible_to(staff_a).values_list("user__email", flat=True))
    assert staff_b.email not in emails
    assert staff_a.email in emails


def test_admin_response_list_is_scoped_for_a_cbo_admin_user(client, data, org_a):
    # Even a CBO member given admin access sees only their organization there.
    user = MembershipFactory(organization=org_a).user
    user.is_staff = True
    user.save()
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_response"))
    client.force_login(user)
    page = client.get("/admin/surveys/response/")
    assert page.status_code == 200
    assert [r.organization.name for r in page.context["cl"].result_list] == ["Org A"]


def test_area_and_organization_names_fall_back_to_english_marked_as_such(client, link, areas):
    from django.core.management import call_command

    from organizations.models import Area

    armour = areas.get(number=34)
    assert (armour.name_en, armour.name_zh_hans) == ("Armour Square", None)
    Area.objects.filter(pk=armour.pk).update(name_zh_hans="阿默广场（华埠）")
    link.organization.name_zh_hans = "示范机构"
    link.organization.save()
    from django.urls import reverse
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = client.get(reverse("surveys:start", args=[link.token])).content.decode()
        assert "示范机构" in chinese
        step = client.post(reverse("surveys:consent", args=[link.token]), {"decision": "agree"})
        page = client.get(step["Location"]).content.decode()
    assert "阿默广场（华埠）" in page and "Lower West Side" in page
    with translation.override("es"):
        spanish = client.get(reverse("surveys:start", args=[link.token])).content.decode()
    assert f'<span lang="en">{link.organization.name_en}</span>' in spanish
    # Loading the areas again keeps the translations and the English names.
    call_command("load_areas", verbosity=0)
    armour.refresh_from_db()
    assert (armour.name_en, armour.name_zh_hans) == ("Armour Square", "阿默广场（华埠）")
