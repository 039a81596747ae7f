"""The response list: search in text answers and serial numbers, filters for community area
and paper batch, and excluding many responses at once with one reason."""

import pytest
from django.urls import reverse

from surveys.models import Answer, Response, ResponseEvent

from .factories import make_response

pytestmark = pytest.mark.django_db

URL = "/staff/responses/"


def with_text(link, text, **fields):
    response = make_response(link, **fields)
    question = link.instrument.questions.get(code="idea")
    Answer.objects.create(response=response, question=question, text=text)
    return response


def paper(link, batch, serial, **fields):
    return Response.objects.create(
        instrument=link.instrument,
        organization=link.organization,
        channel="paper",
        language="en",
        paper_batch=batch,
        paper_serial=serial,
        **fields,
    )


def listed(client, **params):
    return list(client.get(URL, params).context["page"])


def test_response_list_url_is_the_workspace_list():
    assert reverse("workspace:responses") == URL


def test_response_list_search_finds_text_answers_in_any_case(client, staff_a, links):
    lights = with_text(links["a"], "More street LIGHTS please")
    with_text(links["a"], "Fewer cars")
    with_text(links["b"], "street lights too")
    client.force_login(staff_a)

    assert listed(client, q="street lights") == [lights]


def test_response_list_search_finds_a_paper_serial(client, staff_a, links):
    wanted = paper(links["a"], "Fair", "0417")
    paper(links["a"], "Fair", "0418")
    paper(links["b"], "Fair", "0417")
    client.force_login(staff_a)

    assert listed(client, q="０４１７") == [wanted]


def test_response_list_filters_by_community_area_and_batch(client, staff_a, links, areas):
    pilsen = areas.get(number=31)
    in_pilsen = make_response(links["a"], area=pilsen)
    make_response(links["a"], area=areas.get(number=6))
    fair = paper(links["a"], "Fair", "1")
    paper(links["a"], "Library", "1")
    client.force_login(staff_a)

    assert listed(client, area=pilsen.pk) == [in_pilsen]
    assert listed(client, batch="Fair") == [fair]


def test_response_list_overlong_search_is_an_error_on_its_field(client, staff_a, links):
    make_response(links["a"])
    client.force_login(staff_a)

    page = client.get(URL, {"q": "x" * 201})

    assert page.context["form"].errors["q"] == [
        "Ensure this value has at most 200 characters (it has 201)."
    ]


def test_bulk_exclude_excludes_the_ticked_with_one_reason(client, staff_a, links):
    first, second, kept = (make_response(links["a"]) for _ in range(3))
    client.force_login(staff_a)

    posted = client.post(
        URL + "?channel=web",
        {"responses": [first.pk, second.pk], "reason": "test", "note": "Training day"},
    )

    assert posted.status_code == 302
    assert posted["Location"] == URL + "?channel=web"
    assert sorted(
        Response.objects.filter(status="excluded").values_list("pk", flat=True)
    ) == sorted([first.pk, second.pk])
    assert Response.objects.get(pk=kept.pk).status == "included"
    assert sorted(
        ResponseEvent.objects.values_list("response_id", "kind", "reason", "note", "by")
    ) == sorted(
        [
            (first.pk, "excluded", "test", "Training day", staff_a.pk),
            (second.pk, "excluded", "test", "Training day", staff_a.pk),
        ]
    )
    page = client.get(posted["Location"])
    assert "2 responses are excluded." in page.content.decode()


def test_bulk_exclude_without_a_reason_keeps_the_ticks_and_says_why(client, staff_a, links):
    ticked = make_response(links["a"])
    client.force_login(staff_a)

    page = client.post(URL, {"responses": [ticked.pk], "reason": "", "note": "Keep this note"})

    html = page.content.decode()
    assert page.status_code == 200
    assert '<a href="#id_reason">Reason</a> – Choose a reason.' in html
    assert f'value="{ticked.pk}" id="id_responses_0" checked' in html
    assert "Keep this note" in html
    assert Response.objects.get(pk=ticked.pk).status == "included"


def test_bulk_exclude_with_nothing_ticked_says_so(client, staff_a, links):
    make_response(links["a"])
    client.force_login(staff_a)

    page = client.post(URL, {"reason": "spam"})

    assert 'href="#id_responses_0">Responses</a> – Tick at least one response to exclude.' in (
        page.content.decode()
    )


def test_bulk_exclude_of_another_organizations_response_changes_nothing(client, staff_a, links):
    own = make_response(links["a"])
    theirs = make_response(links["b"])
    client.force_login(staff_a)

    page = client.post(URL, {"responses": [own.pk, theirs.pk], "reason": "spam"})

    assert page.status_code == 200
    assert "A ticked response is no longer in this list." in page.content.decode()
    assert set(Response.objects.values_list("status", flat=True)) == {"included"}


def test_bulk_exclude_keeps_the_facilitators_exclusion(client, staff_a, facilitator, links):
    theirs = make_response(
        links["a"], status="excluded", exclusion_reason="spam", excluded_by=facilitator
    )
    fresh = make_response(links["a"])
    client.force_login(staff_a)

    client.post(URL, {"responses": [theirs.pk, fresh.pk], "reason": "test"})

    theirs.refresh_from_db()
    assert (theirs.exclusion_reason, theirs.excluded_by) == ("spam", facilitator)
    assert list(ResponseEvent.objects.values_list("response_id", flat=True)) == [fresh.pk]


def test_response_list_query_count_does_not_grow_with_responses(
    client, facilitator, links, areas, django_assert_max_num_queries
):
    client.force_login(facilitator)
    pilsen = areas.get(number=31)
    with_text(links["a"], "lights", area=pilsen)
    params = {"q": "lights", "area": pilsen.pk}
    with django_assert_max_num_queries(20) as one:
        client.get(URL, params)
    for index in range(60):
        with_text(links["a" if index % 2 else "b"], f"lights {index}", area=pilsen)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(URL, params)
    assert len(page.context["page"]) == 50


def test_bulk_exclude_query_count_does_not_grow_with_ticks(
    client, staff_a, links, django_assert_max_num_queries
):
    client.force_login(staff_a)
    one = make_response(links["a"])
    with django_assert_max_num_queries(20) as few:
        client.post(URL, {"responses": [one.pk], "reason": "test"})
    many = [make_response(links["a"]).pk for _ in range(50)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(URL, {"responses": many, "reason": "test"})
    assert Response.objects.filter(status="excluded").count() == 51
