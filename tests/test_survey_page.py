import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from organizations.models import Area
from surveys.models import Answer, CollectionLink, Instrument, Response
from surveys.views import sign_response_id

from .factories import CollectionLinkFactory, small_survey

pytestmark = pytest.mark.django_db


def url(link, language="en"):
    with translation.override(language):
        return link.get_absolute_url()


def rid_from(page):
    return re.search(r'name="rid" value="([^"]+)"', page.content.decode()).group(1)


def answers(rid, area, **extra):
    data = {
        "rid": rid,
        "consent": "on",
        "q-home_area": str(area.pk),
        "q-contact": "yes",
        "q-trust": "agree",
        "q-treated": "fair",
        "q-worries": ["traffic", "other"],
        "q-worries-other": "Speeding cars",
        "q-who_crisis": "professional",
        "q-who_noise": "police",
        "q-household": "３",
        "q-zip": " 06080 ",
        "q-idea": "More street lights",
    }
    data.update(extra)
    return data


def stored_answers(response):
    """{code: value} of a stored response, multiple choices as sorted lists."""
    result = {}
    for answer in response.answers.select_related("question", "choice", "area"):
        code = answer.question.code
        if answer.choice_id:
            value = answer.choice.code
            if answer.question.type == "multiple":
                result.setdefault(code, []).append(value)
                result[code].sort()
                continue
        elif answer.area_id:
            value = answer.area.name
        elif answer.number is not None:
            value = answer.number
        else:
            value = answer.text
        result[code] = value
    return result


def test_survey_page_shows_content_in_requested_language(client, link):
    page = client.get(url(link, "es"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="es" dir="ltr">' in html
    assert "<title>Encuesta del vecindario</title>" in html
    assert "Confío en la policía." in html
    assert "¿Quién debe responder?" in html
    assert 'lang="zh-hans" hreflang="zh-hans">简体中文</a>' in html


def test_survey_submission_stores_response_with_answers(client, link, areas):
    area = areas.get(number=31)
    page = client.get(url(link, "es"))
    posted = client.post(url(link, "es"), answers(rid_from(page), area))

    response = Response.objects.get()
    assert posted.status_code == 302
    with translation.override("es"):
        thanks_url = reverse("surveys:thanks", kwargs={"token": link.token, "rid": rid_from(page)})
    assert posted["Location"] == thanks_url
    assert (response.language, response.languages_used, response.channel) == ("es", ["es"], "web")
    assert (response.organization, response.link, response.area) == (link.organization, link, area)
    assert response.consented is True
    assert response.consent_version == link.instrument.consent_version
    assert stored_answers(response) == {
        "home_area": "Lower West Side",
        "contact": "yes",
        "trust": "agree",
        "treated": "fair",
        "worries": ["other", "traffic"],
        "who_crisis": "professional",
        "who_noise": "police",
        "household": Decimal("3.0000"),
        "zip": "06080",
        "idea": "More street lights",
    }
    assert (
        Answer.objects.get(question__code="worries", choice__code="other").text == "Speeding cars"
    )


def test_thank_you_page_shows_instrument_text_in_language(client, link, areas):
    page = client.get(url(link, "zh-hans"))
    posted = client.post(url(link, "zh-hans"), answers(rid_from(page), areas.first()))
    thanks = client.get(posted["Location"])
    assert posted["Location"].startswith("/zh-hans/s/")
    assert thanks.status_code == 200
    assert "感谢您抽出时间。" in thanks.content.decode()


def test_repeated_response_id_stores_once_and_shows_same_thanks(client, link, areas):
    page = client.get(url(link))
    data = answers(rid_from(page), areas.first())
    first = client.post(url(link), data)
    second = client.post(url(link), data)
    # A retry with different answers is still the same response.
    third = client.post(url(link), {**data, "q-trust": "disagree"})

    assert Response.objects.count() == 1
    assert Answer.objects.get(question__code="trust").choice.code == "agree"
    assert first["Location"] == second["Location"] == third["Location"]


def test_forged_response_id_is_refused(client, link, areas):
    page = client.get(url(link))
    rid = rid_from(page)
    forged = rid[:-3] + ("aaa" if not rid.endswith("aaa") else "bbb")
    posted = client.post(url(link), answers(forged, areas.first()))
    assert posted.status_code == 400
    assert Response.objects.count() == 0


def test_response_id_of_another_link_is_refused(client, link, areas):
    other = CollectionLinkFactory(instrument=link.instrument)
    rid = rid_from(client.get(url(other)))
    posted = client.post(url(link), answers(rid, areas.first()))
    assert posted.status_code == 400
    assert Response.objects.count() == 0


def test_validation_error_keeps_answers_and_links_summary(client, link, areas):
    page = client.get(url(link, "es"))
    data = answers(rid_from(page), areas.first(), **{"q-trust": "", "q-household": "muchos"})
    posted = client.post(url(link, "es"), data)
    html = posted.content.decode()

    assert posted.status_code == 200
    assert Response.objects.count() == 0
    assert "<title>Error: Encuesta del vecindario</title>" in html
    assert '<a href="#id_q-trust_0">Confío en la policía.</a>' in html
    assert '<a href="#id_q-household">' in html
    assert re.search(r">\s*More street lights</textarea>", html)
    assert re.search(r'value="professional"[^>]*checked', html)
    assert 'value="Speeding cars"' in html


def test_skip_logic_drops_hidden_answers(client, link, areas):
    page = client.get(url(link))
    data = answers(rid_from(page), areas.first(), **{"q-contact": "no", "q-treated": "unfair"})
    client.post(url(link), data)
    assert "treated" not in stored_answers(Response.objects.get())


def test_other_without_text_is_an_error(client, link, areas):
    page = client.get(url(link))
    data = answers(rid_from(page), areas.first(), **{"q-worries-other": ""})
    posted = client.post(url(link), data)
    assert posted.status_code == 200
    assert Response.objects.count() == 0
    assert 'href="#id_q-worries-other"' in posted.content.decode()


@pytest.mark.parametrize(
    "field, value",
    [("q-trust", "not-a-choice"), ("q-who_crisis", "agree"), ("q-home_area", "999999")],
)
def test_unknown_choice_codes_are_errors(client, link, areas, field, value):
    page = client.get(url(link))
    posted = client.post(url(link), answers(rid_from(page), areas.first(), **{field: value}))
    assert posted.status_code == 200
    assert Response.objects.count() == 0


def test_missing_consent_is_an_error(client, link, areas):
    page = client.get(url(link))
    data = answers(rid_from(page), areas.first())
    del data["consent"]
    posted = client.post(url(link), data)
    assert Response.objects.count() == 0
    assert 'href="#id_consent"' in posted.content.decode()


def test_paused_link_says_it_will_reopen(client, link):
    CollectionLink.objects.filter(pk=link.pk).update(status=CollectionLink.Status.PAUSED)
    page = client.get(url(link, "es"))
    assert page.status_code == 200
    assert "<form" not in page.content.decode()


def test_closed_instrument_answers_410(client, link):
    Instrument.objects.filter(pk=link.instrument_id).update(status=Instrument.Status.CLOSED)
    page = client.get(url(link))
    assert page.status_code == 410


def test_post_to_paused_link_stores_nothing(client, link, areas):
    rid = rid_from(client.get(url(link)))
    CollectionLink.objects.filter(pk=link.pk).update(status=CollectionLink.Status.PAUSED)
    client.post(url(link), answers(rid, areas.first()))
    assert Response.objects.count() == 0


def test_unknown_token_is_404(client, db):
    assert client.get("/en/s/not-a-token/").status_code == 404


def test_link_without_prefix_follows_browser_language(client, link):
    page = client.get(f"/s/{link.token}/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert page.status_code == 302
    assert page["Location"] == f"/es/s/{link.token}/"


@pytest.mark.parametrize("browser", ["zh-TW", "zh-HK", "zh-CN", "zh"])
def test_chinese_browsers_get_simplified_chinese_when_traditional_is_not_offered(
    client, link, browser
):
    page = client.get(f"/s/{link.token}/", HTTP_ACCEPT_LANGUAGE=f"{browser},en;q=0.5")
    assert page["Location"] == f"/zh-hans/s/{link.token}/"


def test_short_code_redirects_to_link_in_browser_language(client, link):
    page = client.get(f"/l/{link.short_code.upper()}", HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 302
    assert page["Location"] == f"/es/s/{link.token}/"


def test_short_codes_avoid_look_alike_characters(db):
    codes = {CollectionLinkFactory().short_code for _ in range(20)}
    assert all(8 <= len(code) <= 10 for code in codes)
    assert not set("".join(codes)) & set("01oli")
    assert len(codes) == 20


def test_link_url_follows_active_language(link):
    assert url(link, "es") == f"/es/s/{link.token}/"
    assert url(link, "zh-hans") == f"/zh-hans/s/{link.token}/"


def test_content_falling_back_to_english_is_marked(client, areas):
    survey = small_survey(title_es="")
    link = CollectionLinkFactory(instrument=survey)
    html = client.get(url(link, "es")).content.decode()
    assert '<h1 class="h2"><span lang="en">Neighborhood survey</span></h1>' in html


def test_survey_page_query_count_does_not_grow_with_questions(
    client, link, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        client.get(url(link))
    bigger = small_survey()
    for n in range(30):
        bigger.questions.create(
            section=bigger.sections.first(), code=f"extra{n}", type="short_text", text_en="?"
        )
    other = CollectionLinkFactory(instrument=bigger)
    with django_assert_max_num_queries(5):
        client.get(url(other))


def test_submission_query_count_is_bounded(client, link, areas, django_assert_max_num_queries):
    data = answers(rid_from(client.get(url(link))), areas.first())
    with django_assert_max_num_queries(10):
        client.post(url(link), data)
    assert Response.objects.count() == 1


def test_thanks_with_unknown_response_is_404(client, link):
    import uuid

    rid = sign_response_id(uuid.uuid4(), link)
    assert client.get(reverse("surveys:thanks", args=[link.token, rid])).status_code == 404


def test_areas_cover_chicago(areas):
    assert areas.count() == 77
    assert Area.objects.filter(kind=Area.Kind.POLICE_DISTRICT).count() == 22
