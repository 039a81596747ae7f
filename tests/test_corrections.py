"""Review of responses: a paper entry's answers corrected through the paper validator with a
history of every change, and exclusions that stay in the history when undone."""

import re

import pytest
from django.urls import reverse

from organizations.models import Area
from surveys.models import Response, ResponseEvent

from .factories import make_response

pytestmark = pytest.mark.django_db


def entry_token(page):
    return re.search(r'name="entry" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def paper_response(client, staff_a, survey):
    """A paper questionnaire typed in through the paper entry page."""
    client.force_login(staff_a)
    url = reverse("workspace:paper_entry", args=[survey.code])
    posted = client.post(
        url,
        {
            "entry": entry_token(client.get(url)),
            "paper_serial": "17",
            "paper_batch": "Fair",
            "paper_language": "en",
            "q-home_area": str(Area.objects.get(number=31, kind="community_area").pk),
            "q-contact": "no",
            "q-trust": "agree",
            "q-worries": ["traffic", "other"],
            "q-worries-other": "Dogs",
            "q-who_crisis": "police",
            "q-household": "",
            "q-household-mark": "unreadable",
            "q-idea": "More lihgts",
        },
    )
    assert posted.status_code == 302
    return Response.objects.get()


def stored(response):
    return sorted(
        (code, choice or "", text, special, str(number) if number is not None else "")
        for code, choice, text, special, number in response.answers.values_list(
            "question__code", "choice__code", "text", "special", "number"
        )
    )


def correction(response, **changes):
    """The correction form as the page shows it (the stored answers), with changes."""
    data = {
        "q-home_area": str(response.area_id),
        "q-contact": "no",
        "q-trust": "agree",
        "q-worries": ["traffic", "other"],
        "q-worries-other": "Dogs",
        "q-who_crisis": "police",
        "q-household-mark": "unreadable",
        "q-idea": "More lihgts",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_correction_page_shows_the_stored_answers(client, paper_response):
    page = client.get(reverse("workspace:response_correct", args=[paper_response.pk]))
    form = page.context["form"]
    assert page.status_code == 200
    assert {name: form[name].value() for name in form.initial} == {
        "q-home_area": str(paper_response.area_id),
        "q-contact": "no",
        "q-trust": "agree",
        "q-worries": ["traffic", "other"],
        "q-worries-other": "Dogs",
        "q-who_crisis": "police",
        "q-household-mark": "unreadable",
        "q-idea": "More lihgts",
    }


def test_correction_replaces_answers_and_keeps_before_and_after(client, staff_a, paper_response):
    url = reverse("workspace:response_correct", args=[paper_response.pk])
    lake_view = Area.objects.get(number=6, kind="community_area")

    posted = client.post(
        url,
        correction(
            paper_response,
            **{
                "q-idea": "More lights",
                "q-worries": ["traffic"],
                "q-worries-other": "",
                "q-home_area": str(lake_view.pk),
                "q-household-mark": "",
                "q-household": "3",
            },
        ),
    )

    assert posted.status_code == 302
    paper_response.refresh_from_db()
    assert paper_response.area == lake_view
    assert stored(paper_response) == [
        ("contact", "no", "", "", ""),
        ("home_area", "", "", "", ""),
        ("household", "", "", "", "3.0000"),
        ("idea", "", "More lights", "", ""),
        ("trust", "agree", "", "", ""),
        ("who_crisis", "police", "", "", ""),
        ("worries", "traffic", "", "", ""),
    ]
    event = ResponseEvent.objects.get()
    assert (event.kind, event.by, event.response_id) == ("corrected", staff_a, paper_response.pk)
    assert event.changes == [
        ["home_area", "Lower West Side", "Lake View"],
        ["worries", "traffic, other: Dogs", "traffic"],
        ["household", "unreadable", "3"],
        ["idea", "More lihgts", "More lights"],
    ]
    detail = client.get(reverse("workspace:response", args=[paper_response.pk])).content.decode()
    assert "More lihgts → More lights" in detail
    assert "Answers corrected" in detail


def test_correction_with_an_error_keeps_the_answers_and_what_was_typed(client, paper_response):
    url = reverse("workspace:response_correct", args=[paper_response.pk])
    before = stored(paper_response)

    page = client.post(
        url, correction(paper_response, **{"q-household": "300", "q-idea": "Kept text"})
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="#id_q-household"' in html
    assert "Ensure this value is less than or equal to 30." in html
    assert "Kept text" in html
    assert stored(paper_response) == before
    assert ResponseEvent.objects.count() == 0


def test_correction_without_a_change_records_nothing(client, paper_response):
    url = reverse("workspace:response_correct", args=[paper_response.pk])

    posted = client.post(url, correction(paper_response))

    assert posted.status_code == 302
    assert ResponseEvent.objects.count() == 0


def test_correction_twice_keeps_both_in_order(client, manager_a, paper_response):
    url = reverse("workspace:response_correct", args=[paper_response.pk])
    client.post(url, correction(paper_response, **{"q-idea": "More lights"}))
    client.force_login(manager_a)
    client.post(url, correction(paper_response, **{"q-idea": "More street lights"}))

    assert [(e.by, e.changes) for e in ResponseEvent.objects.all()] == [
        (paper_response.entered_by, [["idea", "More lihgts", "More lights"]]),
        (manager_a, [["idea", "More lights", "More street lights"]]),
    ]


def test_correction_of_a_web_response_is_not_found(client, staff_a, links):
    response = make_response(links["a"])
    client.force_login(staff_a)

    assert client.get(reverse("workspace:response_correct", args=[response.pk])).status_code == 404


def test_correction_with_a_forged_choice_is_refused(client, paper_response):
    url = reverse("workspace:response_correct", args=[paper_response.pk])

    posted = client.post(url, correction(paper_response, **{"q-trust": "forged"}))

    assert posted.status_code == 400
    assert ResponseEvent.objects.count() == 0


def test_including_again_keeps_the_exclusion_in_the_history(client, staff_a, manager_a, links):
    response = make_response(links["a"])
    client.force_login(staff_a)
    client.post(
        reverse("workspace:response_exclude", args=[response.pk]),
        {"reason": "duplicate", "note": "Same person twice"},
    )
    client.force_login(manager_a)
    client.post(reverse("workspace:response_include", args=[response.pk]))

    response.refresh_from_db()
    assert response.status == "included"
    assert [(e.kind, e.by, e.reason, e.note) for e in response.events.all()] == [
        ("excluded", staff_a, "duplicate", "Same person twice"),
        ("included", manager_a, "", ""),
    ]
    page = client.get(reverse("workspace:response", args=[response.pk])).content.decode()
    assert "Duplicate: Same person twice" in page
    assert "Included again" in page


def test_response_page_query_count_does_not_grow_with_history(
    client, staff_a, paper_response, django_assert_max_num_queries
):
    url = reverse("workspace:response", args=[paper_response.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(5):
        Response.objects.filter(pk=paper_response.pk).mark_excluded(by=staff_a, reason="test")
        Response.objects.filter(pk=paper_response.pk).mark_included(by=staff_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
