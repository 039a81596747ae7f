"""The resident's survey: start, consent, steps, thank-you; exactly once; bad input."""

import re
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from organizations.models import Area
from surveys.models import Answer, CollectionLink, Instrument, Response
from surveys.views import sign_response_id

from .factories import CollectionLinkFactory, small_survey
from .resident import STEP_TWO, agree, first_step, flow_url, step_data, stored_answers, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(areas):
    return areas.get(number=31)


def test_start_page_names_survey_organization_time_and_languages(client, link):
    page = client.get(flow_url(link, "start", "es"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="es" dir="ltr">' in html
    assert "<title>Encuesta del vecindario</title>" in html
    assert "Org A" in html
    assert "Llame al 312-555-0100." in html
    assert 'lang="zh-hans" hreflang="zh-hans">简体中文</a>' in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page["Cache-Control"]


def test_start_page_sets_no_cookie(client, link):
    page = client.get(flow_url(link))
    assert list(page.cookies) == []


def test_consent_page_shows_consent_text_and_retention(client, link):
    html = client.get(flow_url(link, "consent", "es")).content.decode()
    assert "Participar es voluntario." in html
    assert "36 meses" in html


def test_declining_consent_stores_nothing(client, link):
    response = client.post(flow_url(link, "consent"), {"decision": "decline"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == flow_url(link, "declined")
    assert Response.objects.count() == 0
    assert not [k for k in client.session.keys() if k.startswith("draft:")]


def test_complete_survey_in_spanish_stores_every_answer(client, link, area):
    done = walk(client, link, area, "es")
    response = Response.objects.get()
    assert done.status_code == 302
    assert done["Location"].startswith(f"/es/s/{link.token}/thanks/")
    assert (response.language, response.languages_used, response.channel) == ("es", ["es"], "web")
    assert (response.organization, response.link, response.area) == (link.organization, link, area)
    assert (response.consented, response.consent_version) == (True, 1)
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
    thanks = client.get(done["Location"])
    assert "Gracias por su tiempo." in thanks.content.decode()


def test_step_page_shows_progress_and_section(client, link):
    step1 = agree(client, link, "zh-hans")
    html = client.get(step1).content.decode()
    assert '<span class="step-progress">第 1 步，共 2 步</span> 关于您' in html


def test_question_types_render_as_residents_expect(client, link, area):
    step1 = agree(client, link)
    step1_html = client.get(step1).content.decode()
    assert '<select name="q-home_area" class="form-select area-select"' in step1_html
    assert 'type="radio" name="q-contact"' in step1_html
    client.post(step1, step_data(client.get(step1), first_step(area)))
    html = client.get(flow_url(link, "step", number=2)).content.decode()
    assert 'type="checkbox" name="q-worries" value="traffic"' in html
    assert 'type="radio" name="q-trust" value="agree"' in html
    assert (
        '<fieldset class="mb-3 question" id="id_q-who_crisis_group"><legend class="form-label">A mental-health crisis</legend>'
        in html
    )
    assert re.search(r'<input type="text" name="q-zip" [^>]*inputmode="numeric"', html)
    assert re.search(r'<input type="text" name="q-household" [^>]*inputmode="decimal"', html)


def test_line_breaks_are_stored_as_newlines(client, link, area):
    walk(client, link, area, two={"q-trust": "agree", "q-idea": "One\r\nTwo"})
    assert Answer.objects.get(question__code="idea").text == "One\nTwo"


def test_back_keeps_answers_without_validating(client, link, area):
    step1 = agree(client, link)
    step2 = client.post(step1, step_data(client.get(step1), first_step(area)))["Location"]
    back = client.post(
        step2, step_data(client.get(step2), {"q-trust": "", "q-idea": "Half typed"}, "back")
    )
    assert back["Location"] == step1
    again = client.get(step2).content.decode()
    assert re.search(r">\s*Half typed</textarea>", again)
    assert re.search(
        r'name="q-contact" value="yes"[^>]*checked', client.get(step1).content.decode()
    )


def test_language_switch_keeps_typed_answers_and_records_languages(client, link, area):
    step1 = agree(client, link)
    step2 = client.post(step1, step_data(client.get(step1), first_step(area)))["Location"]
    switched = client.post(
        step2,
        step_data(client.get(step2), {"q-idea": "Más luces", "q-trust": ""})
        | {"switch_language": "es", "action": ""},
    )
    assert switched["Location"] == step2.replace("/en/", "/es/")
    page = client.get(switched["Location"])
    assert re.search(r">\s*Más luces</textarea>", page.content.decode())
    assert "Confío en la policía." in page.content.decode()
    client.post(switched["Location"], step_data(page, {**STEP_TWO, "q-idea": "Más luces"}))
    response = Response.objects.get()
    assert (response.language, response.languages_used) == ("es", ["en", "es"])


def test_validation_error_keeps_answers_and_links_summary(client, link, area):
    step1 = agree(client, link, "es")
    step2 = client.post(step1, step_data(client.get(step1), first_step(area)))["Location"]
    posted = client.post(
        step2, step_data(client.get(step2), {**STEP_TWO, "q-trust": "", "q-household": "muchos"})
    )
    html = posted.content.decode()
    assert posted.status_code == 200
    assert Response.objects.count() == 0
    assert "<title>Error: Seguridad – Encuesta del vecindario</title>" in html
    assert '<a href="#id_q-trust_0">Confío en la policía.</a>' in html
    assert '<a href="#id_q-household">¿Cuántas personas viven con usted?</a>' in html
    assert "Introduzca un número." in html
    assert re.search(r">\s*More street lights</textarea>", html)
    assert re.search(r'value="professional"[^>]*checked', html)
    assert 'value="Speeding cars"' in html


def test_required_question_blocks_next(client, link):
    step1 = agree(client, link)
    posted = client.post(step1, step_data(client.get(step1), {"q-contact": "no"}))
    assert posted.status_code == 200
    assert 'href="#id_q-home_area"' in posted.content.decode()


def test_area_accepts_dont_know(client, link, area):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), {"q-home_area": "dont_know"}))
    step2 = flow_url(link, "step", number=2)
    client.post(step2, step_data(client.get(step2), {"q-trust": "agree"}))
    response = Response.objects.get()
    assert response.area is None
    assert stored_answers(response) == {"home_area": "dont_know", "trust": "agree"}


def test_skip_logic_hides_question_and_drops_its_answer(client, link, area):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), {**first_step(area), "q-contact": "no"}))
    step2 = flow_url(link, "step", number=2)
    page = client.get(step2)
    assert 'name="q-treated"' not in page.content.decode()
    # Posting the hidden question anyway is tampering.
    tampered = client.post(step2, step_data(page, STEP_TWO))
    assert tampered.status_code == 400
    two = {k: v for k, v in STEP_TWO.items() if k != "q-treated"}
    client.post(step2, step_data(page, two))
    assert "treated" not in stored_answers(Response.objects.get())


def test_changing_an_earlier_answer_drops_answers_it_hides(client, link, area):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), first_step(area)))
    step2 = flow_url(link, "step", number=2)
    client.post(step2, step_data(client.get(step2), {**STEP_TWO, "q-trust": ""}, "back"))
    client.post(step1, step_data(client.get(step1), {**first_step(area), "q-contact": "no"}))
    client.post(
        step2, step_data(client.get(step2), {k: v for k, v in STEP_TWO.items() if k != "q-treated"})
    )
    assert "treated" not in stored_answers(Response.objects.get())


@pytest.mark.parametrize(
    "field, value",
    [
        ("q-trust", "not-a-choice"),
        ("q-who_crisis", "agree"),
        ("q-worries", "police"),
        ("q-unknown", "x"),
        ("q-trust", ["agree", "neutral"]),
    ],
)
def test_tampered_posts_get_400_and_store_nothing(client, link, area, field, value):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), first_step(area)))
    step2 = flow_url(link, "step", number=2)
    posted = client.post(step2, step_data(client.get(step2), {**STEP_TWO, field: value}))
    assert posted.status_code == 400
    assert "Something went wrong" in posted.content.decode()
    assert Response.objects.count() == 0


def test_repeated_checkbox_value_is_stored_once(client, link, area):
    # A browser never sends one box twice, but a retrying proxy or a script may.
    done = walk(
        client,
        link,
        area,
        two={"q-trust": "agree", "q-worries": ["theft", "traffic", "theft", "traffic"]},
    )
    assert done.status_code == 302
    assert stored_answers(Response.objects.get())["worries"] == ["theft", "traffic"]


@pytest.mark.parametrize(
    "field, value, limit",
    [("q-household", "1" * 2_400_000, 30), ("q-idea", "x" * 5001, 5000), ("q-zip", "6" * 21, 20)],
)
def test_overlong_answer_is_a_field_error_never_kept_or_shown(
    client, link, area, field, value, limit
):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), first_step(area)))
    step2 = flow_url(link, "step", number=2)
    posted = client.post(step2, step_data(client.get(step2), {**STEP_TWO, field: value}))
    html = posted.content.decode()
    assert posted.status_code == 200
    assert f"Ensure this value has at most {limit} characters (it has {len(value)})." in html
    assert value[:limit] not in html
    assert len(html) < 100_000
    answers = client.session[f"draft:{link.token}"]["answers"]
    assert field not in answers
    # The rest of the page is kept.
    assert (answers["q-trust"], answers["q-worries-other"]) == (["agree"], ["Speeding cars"])
    assert Response.objects.count() == 0
    # Corrected, it is stored.
    client.post(step2, step_data(posted, STEP_TWO))
    assert stored_answers(Response.objects.get())["household"] == Decimal("3")


def test_area_from_another_list_is_tampering(client, link):
    step1 = agree(client, link)
    district = Area.objects.filter(kind=Area.Kind.POLICE_DISTRICT).first()
    posted = client.post(step1, step_data(client.get(step1), {"q-home_area": str(district.pk)}))
    assert posted.status_code == 400


@pytest.mark.parametrize(
    "typed, stored",
    [("３", Decimal("3")), (" 4 ", Decimal("4")), ("2,5", Decimal("2.5")), ("１２", Decimal("12"))],
)
def test_numbers_as_phones_send_them(client, link, area, typed, stored):
    walk(client, link, area, two={"q-trust": "agree", "q-household": typed})
    assert Answer.objects.get(question__code="household").number == stored


@pytest.mark.parametrize(
    "typed, stored", [("０６０８０", "06080"), (" 60608 ", "60608"), ("6 0 6 0 8", "60608")]
)
def test_zip_codes_keep_leading_zeros(client, link, area, typed, stored):
    walk(client, link, area, two={"q-trust": "agree", "q-zip": typed})
    assert Answer.objects.get(question__code="zip").text == stored


@pytest.mark.parametrize("typed", ["60608-1234", "606081234", "6060"])
def test_zip_code_other_than_five_digits_is_refused_in_residents_language(
    client, link, area, typed
):
    done = walk(client, link, area, "es", two={"q-trust": "agree", "q-zip": typed})
    assert done.status_code == 200
    body = done.content.decode()
    assert "Escriba un código postal de 5 dígitos, por ejemplo 60608." in body
    assert f'value="{typed}"' in body
    assert not Answer.objects.exists()


def test_number_out_of_range_is_a_fixable_error_in_residents_language(client, link, area):
    done = walk(client, link, area, "zh-hans", two={"q-trust": "agree", "q-household": "99"})
    assert done.status_code == 200
    assert "确保该值小于或等于30。" in done.content.decode()


def test_double_submit_stores_once_and_shows_same_thanks(client, link, area):
    step1 = agree(client, link)
    step2 = client.post(step1, step_data(client.get(step1), first_step(area)))["Location"]
    data = step_data(client.get(step2), STEP_TWO)
    first = client.post(step2, data)
    second = client.post(step2, data)
    # Back and submit again, with different answers: still the same response.
    third = client.post(step2, {**data, "q-trust": "disagree"})
    back = client.get(step2)
    assert Response.objects.count() == 1
    assert Answer.objects.get(question__code="trust").choice.code == "agree"
    assert first["Location"] == second["Location"] == third["Location"] == back["Location"]


def test_retry_from_another_session_lands_on_same_thanks(client, link, area):
    step1 = agree(client, link)
    step2 = client.post(step1, step_data(client.get(step1), first_step(area)))["Location"]
    data = step_data(client.get(step2), STEP_TWO)
    first = client.post(step2, data)
    # The connection dropped; the retry arrives without the session.
    retry = Client().post(step2, data)
    assert Response.objects.count() == 1
    assert retry["Location"] == first["Location"]


def test_forged_response_id_is_refused(client, link, area):
    step1 = agree(client, link)
    session = client.session
    key = f"draft:{link.token}"
    draft = session[key]
    draft["rid"] = draft["rid"][:-3] + ("aaa" if not draft["rid"].endswith("aaa") else "bbb")
    session[key] = draft
    session.save()
    step2 = client.post(step1, step_data(client.get(step1), first_step(area)))["Location"]
    done = client.post(step2, step_data(client.get(step2), STEP_TWO))
    assert done.status_code == 400
    assert Response.objects.count() == 0


def test_response_id_of_another_link_is_refused(client, link):
    other = CollectionLinkFactory(instrument=link.instrument)
    rid = sign_response_id(uuid.uuid4(), other)
    assert client.get(flow_url(link, "thanks", rid=rid)).status_code == 400


def test_honeypot_gets_thanks_and_stores_nothing(client, link, area):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), first_step(area)))
    step2 = flow_url(link, "step", number=2)
    done = client.post(step2, step_data(client.get(step2), {**STEP_TWO, "website": "http://spam"}))
    assert done["Location"].startswith(f"/en/s/{link.token}/thanks/")
    assert Response.objects.count() == 0


def test_too_fast_submission_is_asked_to_check_and_keeps_answers(client, link, area, settings):
    settings.MIN_SECONDS_TO_COMPLETE = 600
    done = walk(client, link, area)
    assert done.status_code == 200
    assert "That was quick!" in done.content.decode()
    assert Response.objects.count() == 0
    settings.MIN_SECONDS_TO_COMPLETE = 0
    step2 = flow_url(link, "step", number=2)
    client.post(step2, step_data(client.get(step2), STEP_TWO))
    assert Response.objects.count() == 1


def test_rate_limit_answers_429_with_retry_time(client, link, area, settings):
    settings.RATE_LIMIT_SUBMISSIONS = 2
    for _ in range(2):
        walk(Client(), link, area)
    blocked = walk(client, link, area, "es")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert "Por favor, espere un momento" in blocked.content.decode()
    assert Response.objects.count() == 2


def test_event_on_shared_wifi_is_not_blocked(link, area):
    # 200 genuine residents from one address (the test client's) within the window.
    for _ in range(200):
        assert walk(Client(), link, area).status_code == 302
    assert Response.objects.count() == 200


def test_paused_link_says_it_will_reopen(client, link):
    CollectionLink.objects.filter(pk=link.pk).update(status=CollectionLink.Status.PAUSED)
    for language, text in (
        ("en", "will reopen"),
        ("es", "volverá a abrir"),
        ("zh-hans", "重新开放"),
    ):
        page = client.get(flow_url(link, "start", language))
        assert page.status_code == 200
        assert text in page.content.decode()


def test_closed_link_answers_410_in_residents_language(client, link):
    CollectionLink.objects.filter(pk=link.pk).update(status=CollectionLink.Status.CLOSED)
    page = client.get(flow_url(link, "start", "zh-hans"))
    assert page.status_code == 410
    assert "本调查已结束" in page.content.decode()


def test_closed_instrument_answers_410(client, link):
    Instrument.objects.filter(pk=link.instrument_id).update(status=Instrument.Status.CLOSED)
    assert client.get(flow_url(link)).status_code == 410


def test_post_to_paused_link_stores_nothing(client, link, area):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), first_step(area)))
    step2 = flow_url(link, "step", number=2)
    page = client.get(step2)
    CollectionLink.objects.filter(pk=link.pk).update(status=CollectionLink.Status.PAUSED)
    client.post(step2, step_data(page, STEP_TWO))
    assert Response.objects.count() == 0


def test_unknown_token_is_404(client, db):
    page = client.get("/es/s/not-a-token/")
    assert page.status_code == 404
    assert "Página no encontrada" in page.content.decode()


def test_step_without_consent_goes_to_start(client, link):
    page = client.get(flow_url(link, "step", number=2))
    assert page["Location"] == flow_url(link)


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


def test_traditional_chinese_browsers_get_traditional_when_offered(client, settings):
    settings.LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
    settings.OFFERED_LANGUAGES = ["en", "zh-hans", "zh-hant"]
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW,en;q=0.5")
    assert page["Location"] == "/zh-hant/"


@pytest.mark.parametrize(
    "prefix, offered",
    [
        ("zh", "zh-hans"),
        ("zh-tw", "zh-hans"),
        ("zh-TW", "zh-hans"),
        ("ZH-HANS", "zh-hans"),
        ("ES", "es"),
        ("es-mx", "es"),
        ("EN", "en"),
    ],
)
def test_language_prefix_not_offered_as_written_redirects_to_offered_one(
    client, link, prefix, offered
):
    page = client.get(f"/{prefix}/s/{link.token}/consent/?x=1")
    assert page.status_code == 302
    assert page["Location"] == f"/{offered}/s/{link.token}/consent/?x=1"
    assert client.get(page["Location"]).status_code == 200


def test_traditional_chinese_prefix_goes_to_traditional_when_offered(client, link, settings):
    settings.LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
    settings.OFFERED_LANGUAGES = ["en", "zh-hans", "zh-hant"]
    page = client.get(f"/zh-tw/s/{link.token}/")
    assert page["Location"] == f"/zh-hant/s/{link.token}/"


@pytest.mark.parametrize("path", ["/fr/s/nothing/", "/zh/no-such-page/", "/staff/nope/"])
def test_unknown_pages_under_language_prefixes_stay_not_found(client, path):
    page = client.get(path, follow=True)
    assert page.status_code == 404


def test_start_page_says_how_long_once_with_one_language_switcher(client, link):
    link.instrument.description_en = "Tell us what helps you feel safe."
    link.instrument.estimated_minutes = 10
    link.instrument.save()
    html = client.get(flow_url(link, "start")).content.decode()
    assert html.count("It takes about 10 minutes.") == 1
    assert html.count('class="language-switcher"') == 1
    assert html.count('hreflang="es"') == 1


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
    with translation.override("es"):
        assert link.get_absolute_url() == f"/es/s/{link.token}/"
    with translation.override("zh-hans"):
        assert link.get_absolute_url() == f"/zh-hans/s/{link.token}/"


def test_content_falling_back_to_english_is_marked(client, areas):
    survey = small_survey(title_es="")
    link = CollectionLinkFactory(instrument=survey)
    html = client.get(flow_url(link, "start", "es")).content.decode()
    assert (
        '<h1 tabindex="-1" class="page-heading"><span lang="en">Neighborhood survey</span></h1>'
        in html
    )


def test_eligibility_question_ends_politely_and_stores_nothing(client, areas):
    survey = small_survey()
    question = survey.questions.get(code="contact")
    question.eligible_choices = ["yes"]
    question.save()
    link = CollectionLinkFactory(instrument=survey)
    step1 = agree(client, link, "es")
    ended = client.post(
        step1,
        step_data(client.get(step1), {**first_step(areas.first()), "q-contact": "no"}),
        follow=True,
    )
    assert ended.redirect_chain[-1][0] == flow_url(link, "ineligible", "es")
    assert "Esta encuesta es para otros residentes" in ended.content.decode()
    assert Response.objects.count() == 0


def test_arabic_pages_are_right_to_left(client, settings, areas):
    settings.LANGUAGES = [("en", "English"), ("ar", "العربيّة")]
    settings.OFFERED_LANGUAGES = ["en", "ar"]
    survey = small_survey(languages=["en", "ar"], title_ar="استبيان الحي")
    link = CollectionLinkFactory(instrument=survey)
    html = client.get(flow_url(link, "start", "ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "استبيان الحي" in html


def test_qr_code_is_svg_of_the_short_link(client, link):
    svg = client.get(f"/en/s/{link.token}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")
    per_language = client.get(f"/en/s/{link.token}/qr.svg?lang=es")
    assert per_language.content != svg.content


def test_flyer_has_invitation_in_each_language_and_short_link(client, link):
    html = client.get(f"/en/s/{link.token}/flyer/").content.decode()
    assert f"http://testserver/l/{link.short_code}" in html
    assert 'lang="es"' in html and 'lang="zh-hans"' in html
    assert "Díganos" in html
    assert "qr.svg?lang=zh-hans" in html


def test_kiosk_submission_clears_the_session(client, survey, area, org_a):
    kiosk = CollectionLinkFactory(instrument=survey, organization=org_a, kind="kiosk")
    done = walk(client, kiosk, area)
    thanks = client.get(done["Location"])
    html = thanks.content.decode()
    assert Response.objects.get().channel == "kiosk"
    assert not [k for k in client.session.keys() if k.startswith("draft:")]
    assert "Start for the next person" in html
    assert "Stay on this page" in html
    assert 'data-kiosk-restart="/en/s/' in html
    # Back to the last step: nothing of the previous resident's answers.
    back = client.get(flow_url(kiosk, "step", number=2))
    assert back["Location"] == flow_url(kiosk)
    page = client.get(flow_url(kiosk))
    assert "no-store" in page["Cache-Control"]


def test_kiosk_inputs_turn_autofill_off(client, survey, org_a):
    kiosk = CollectionLinkFactory(instrument=survey, organization=org_a, kind="kiosk")
    step1 = agree(client, kiosk)
    client.post(step1, step_data(client.get(step1), {"q-home_area": "dont_know"}))
    html = client.get(flow_url(kiosk, "step", number=2)).content.decode()
    assert 'id="step-form" method="post"' in html and 'novalidate autocomplete="off"' in html
    assert re.search(r'<input type="text" name="q-household" [^>]*autocomplete="off"', html)


def test_preview_walks_the_flow_and_stores_nothing(admin_client, survey, area):
    start = admin_client.get(f"/es/preview/{survey.pk}/")
    assert start.status_code == 200
    assert "Vista previa" in start.content.decode()
    step1 = admin_client.post(f"/es/preview/{survey.pk}/consent/", {"decision": "agree"})[
        "Location"
    ]
    step2 = admin_client.post(step1, step_data(admin_client.get(step1), first_step(area)))[
        "Location"
    ]
    done = admin_client.post(step2, step_data(admin_client.get(step2), STEP_TWO))
    assert done["Location"].startswith(f"/es/preview/{survey.pk}/thanks/")
    assert admin_client.get(done["Location"]).status_code == 200
    assert Response.objects.count() == 0
    assert not survey.is_frozen()


def test_preview_needs_staff_sign_in(client, survey):
    page = client.get(f"/en/preview/{survey.pk}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/admin/login/")


def test_privacy_no_address_or_user_agent_stored_or_logged(link, area, caplog):
    agent = "Mozilla/5.0 (Linux; Android 9) SecretBrowser/1.2.3"
    address = "203.0.113.77"
    c = Client(
        HTTP_USER_AGENT=agent, REMOTE_ADDR=address, HTTP_REFERER="https://chat.example/secret"
    )
    caplog.set_level("DEBUG")
    walk(c, link, area)
    c.post(flow_url(link, "step", number=2), {"q-unknown": "x"})  # an error is logged too
    assert Response.objects.count() == 1
    assert address not in caplog.text and "SecretBrowser" not in caplog.text
    assert "chat.example" not in caplog.text
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'SELECT CAST(t.* AS text) FROM "{table}" t')
            dump = " ".join(row[0] for row in cursor.fetchall())
            assert address not in dump, table
            assert "SecretBrowser" not in dump, table
            assert "chat.example" not in dump, table


def test_resident_pages_set_only_session_and_csrf_cookies(client, link, area):
    cookies = set()
    step1 = agree(client, link)
    cookies |= set(client.cookies.keys())
    client.post(step1, step_data(client.get(step1), first_step(area)))
    cookies |= set(client.cookies.keys())
    assert cookies == {"sessionid", "csrftoken"}


def test_step_page_query_count(client, link, django_assert_max_num_queries):
    step1 = agree(client, link)
    with django_assert_max_num_queries(5):
        assert client.get(step1).status_code == 200


def test_step_page_query_count_does_not_grow_with_questions(
    client, areas, django_assert_max_num_queries
):
    bigger = small_survey()
    for n in range(40):
        bigger.questions.create(
            section=bigger.sections.first(),
            code=f"extra{n}",
            type="short_text",
            text_en="?",
            order=100 + n,
        )
    link = CollectionLinkFactory(instrument=bigger)
    step1 = agree(client, link)
    with django_assert_max_num_queries(5):
        assert client.get(step1).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_storing_request_query_count_is_bounded(client, link, area, django_assert_max_num_queries):
    step1 = agree(client, link)
    client.post(step1, step_data(client.get(step1), first_step(area)))
    step2 = flow_url(link, "step", number=2)
    data = step_data(client.get(step2), STEP_TWO)
    with django_assert_max_num_queries(10):
        done = client.post(step2, data)
    assert done.status_code == 302
    assert Answer.objects.count() == 11


def test_areas_cover_chicago(areas):
    assert areas.count() == 77
    assert Area.objects.filter(kind=Area.Kind.POLICE_DISTRICT).count() == 22


def test_csrf_failure_offers_to_go_back_without_losing_the_draft(link, area):
    c = Client(enforce_csrf_checks=True)
    step1 = agree_with_csrf(c, link)
    posted = c.post(step1, {"action": "next", "q-contact": "yes", "csrfmiddlewaretoken": "stale"})
    html = posted.content.decode()
    assert posted.status_code == 403
    assert f'href="{step1}"' in html
    assert c.get(step1).status_code == 200


def agree_with_csrf(c, link):
    page = c.get(flow_url(link, "consent"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return c.post(flow_url(link, "consent"), {"decision": "agree", "csrfmiddlewaretoken": token})[
        "Location"
    ]


@pytest.mark.parametrize(
    "path, status, text",
    [("/es/s/nope/", 404, "Página no encontrada"), ("/zh-hans/s/nope/", 404, "页面")],
)
def test_error_pages_are_translated(client, db, path, status, text):
    page = client.get(path)
    assert page.status_code == status
    assert text in page.content.decode()


def test_server_error_page_is_translated(client, db):
    from django.template.loader import render_to_string

    with translation.override("es"):
        html = render_to_string("500.html")
    assert '<html lang="es" dir="ltr">' in html
    assert "Lo sentimos, algo salió mal" in html
