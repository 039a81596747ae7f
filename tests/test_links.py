"""CBO-managed collection links: creating, figures, pausing and closing, ended flyers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import CollectionLink

from .factories import CollectionLinkFactory, make_response
from .resident import agree, flow_url, walk

pytestmark = pytest.mark.django_db


def test_link_new_by_staff_belongs_to_own_organization(client, staff_a, org_a, survey):
    client.force_login(staff_a)
    survey.status = "open"
    survey.save()
    response = client.post(
        reverse("workspace:link_new"),
        {"label": "Pilsen library, 12 May", "kind": "web", "instrument": survey.pk},
    )
    assert response.status_code == 302
    link = CollectionLink.objects.get(label="Pilsen library, 12 May")
    assert (link.organization, link.created_by, link.status) == (org_a, staff_a, "active")


def test_link_new_without_label_or_with_past_end_keeps_input(client, manager_a, survey):
    client.force_login(manager_a)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("workspace:link_new"),
        {"label": "", "kind": "kiosk", "instrument": survey.pk, "ends_on": yesterday},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#id_label"' in body and 'href="#id_ends_on"' in body
    assert "The last day cannot be in the past." in body
    assert f'value="{yesterday.isoformat()}"' in body
    assert not CollectionLink.objects.exists()


def test_link_new_refuses_a_survey_that_is_not_open(client, staff_a, survey):
    client.force_login(staff_a)
    survey.status = "draft"
    survey.save()
    response = client.post(
        reverse("workspace:link_new"), {"label": "x", "kind": "web", "instrument": survey.pk}
    )
    assert response.status_code == 200
    assert not CollectionLink.objects.exists()


def test_link_new_for_facilitator_needs_an_organization(client, facilitator, org_a):
    client.force_login(facilitator)
    assert client.get(reverse("workspace:link_new")).status_code == 404
    assert client.get(reverse("workspace:link_new"), {"org": org_a.slug}).status_code == 200


def test_link_figures_count_starts_consents_and_included_completions(client, link, areas):
    area = areas.first()
    walk(client, link, area)
    agree(client.__class__(), link)  # started and consented, never finished
    client.__class__().post(flow_url(link, "consent"), {"decision": "decline"})
    make_response(link, status="excluded", exclusion_reason="test")
    figures = CollectionLink.objects.with_figures().get(pk=link.pk)
    assert (figures.started, figures.consented, figures.completed) == (3, 2, 1)
    assert figures.completion_rate == 33


def test_link_second_agree_on_the_same_draft_counts_once(client, link):
    agree(client, link)
    agree(client, link)
    link.refresh_from_db()
    assert (link.started, link.consented) == (1, 1)


def test_link_preview_counts_nothing(client, facilitator, survey, link):
    client.force_login(facilitator)
    client.post(reverse("surveys:preview_consent", kwargs={"pk": survey.pk}), {"decision": "agree"})
    link.refresh_from_db()
    assert (link.started, link.consented) == (0, 0)


def test_links_page_shows_figures(client, staff_a, link, areas):
    walk(client, link, areas.first())
    client.force_login(staff_a)
    body = client.get(reverse("workspace:links")).content.decode()
    assert '<dd data-figure="started">1</dd>' in body
    assert '<dd data-figure="completed">1</dd>' in body
    assert '<dd data-figure="rate">100 %</dd>' in body


@pytest.mark.parametrize("count", [1, 12])
def test_links_page_query_count_does_not_grow(
    client, staff_a, survey, org_a, count, django_assert_max_num_queries
):
    for _ in range(count):
        link = CollectionLinkFactory(instrument=survey, organization=org_a)
        make_response(link)
        make_response(link, status="excluded", exclusion_reason="spam")
    client.force_login(staff_a)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("workspace:links")).status_code == 200


def test_link_pause_reopen_close_by_staff(client, staff_a, link):
    client.force_login(staff_a)
    url = reverse("workspace:link_status", args=[link.token])
    for action, status in (("pause", "paused"), ("reopen", "active"), ("close", "closed")):
        assert client.post(url, {"action": action}).status_code == 302
        link.refresh_from_db()
        assert link.status == status
    client.post(url, {"action": "reopen"})
    link.refresh_from_db()
    assert link.status == "active"


def test_link_status_unknown_action_is_a_bad_request(client, staff_a, link):
    client.force_login(staff_a)
    response = client.post(reverse("workspace:link_status", args=[link.token]), {"action": "x"})
    assert response.status_code == 400


def test_link_closed_by_facilitator_cannot_be_reopened_by_cbo(client, facilitator, manager_a, link):
    client.force_login(facilitator)
    url = reverse("workspace:link_status", args=[link.token])
    client.post(url, {"action": "close"})
    client.force_login(manager_a)
    assert client.post(url, {"action": "reopen"}).status_code == 403
    link.refresh_from_db()
    assert link.status == "closed"
    page = client.get(reverse("workspace:links")).content.decode()
    assert "only the facilitator can open it again" in page
    client.force_login(facilitator)
    client.post(url, {"action": "reopen"})
    link.refresh_from_db()
    assert (link.status, link.decided_by_facilitator) == ("active", False)


def test_closed_link_flyer_and_qr_say_the_survey_has_ended(client, staff_a, link):
    client.force_login(staff_a)
    flyer = reverse("surveys:flyer", args=[link.token])
    qr = reverse("surveys:qr", args=[link.token])
    assert "Scan the code" in client.get(flyer).content.decode()
    assert b"This survey has ended" not in client.get(qr).content
    client.post(reverse("workspace:link_status", args=[link.token]), {"action": "close"})
    body = client.get(flyer).content.decode()
    assert "This survey has ended." in body
    assert "Scan the code" not in body and reverse("surveys:qr", args=[link.token]) not in body
    assert b"This survey has ended." in client.get(qr).content
    assert client.get(qr, {"lang": "es"})["Content-Type"] == "image/svg+xml"


def test_link_past_its_last_day_has_ended(client, link):
    link.ends_on = timezone.localdate() - timedelta(days=1)
    link.save()
    response = client.get(flow_url(link, "start"))
    assert response.status_code == 410
    assert "This survey has ended." in response.content.decode()
    assert b"This survey has ended." in client.get(reverse("surveys:qr", args=[link.token])).content
