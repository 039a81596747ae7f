"""The staff workspace: figures, listening sessions with history, responses, paper."""

import re
import uuid
from datetime import date

import pytest
from django.urls import reverse

from surveys.models import (
    ListeningSession,
    Response,
    SecondEntry,
)

from .factories import (
    MembershipFactory,
    make_response,
)

pytestmark = pytest.mark.django_db


def session_post(guide, staff, **extra):
    data = {
        "form_key": str(uuid.uuid4()),
        "guide": guide.pk,
        "held_on": "2026-11-20",
        "starts_at": "18:00",
        "ends_at": "19:30",
        "place": "Library community room",
        "attendees": "14",
        "languages": ["en", "es"],
        "facilitators": [staff.pk],
        "note_takers": [staff.pk],
        "action": "save",
    }
    for code in ("safety", "police"):
        data.update(
            {
                f"notes-{code}-summary": f"Summary about {code}",
                f"notes-{code}-note": "",
                f"quotes-{code}-TOTAL_FORMS": "2",
                f"quotes-{code}-INITIAL_FORMS": "0",
                f"quotes-{code}-MIN_NUM_FORMS": "0",
                f"quotes-{code}-MAX_NUM_FORMS": "200",
                f"quotes-{code}-0-text": "",
                f"quotes-{code}-0-descriptor": "",
                f"quotes-{code}-1-text": "",
                f"quotes-{code}-1-descriptor": "",
            }
        )
    data.update(extra)
    return data


# --- Home --------------------------------------------------------------------------------


def test_home_counts_only_own_included_responses(client, staff_a, links):
    for _ in range(3):
        make_response(links["a"])
    make_response(links["a"], status="excluded", exclusion_reason="test")
    make_response(links["a"], channel="kiosk")
    for _ in range(4):
        make_response(links["b"])
    client.force_login(staff_a)
    page = client.get(reverse("workspace:home"))
    assert page.status_code == 200
    assert page.context["total"] == 4
    assert {row["channel"]: row["total"] for row in page.context["per_channel"]} == {
        "kiosk": 1,
        "web": 3,
    }
    assert sum(row["total"] for row in page.context["per_week"]) == 4


def test_home_query_count_does_not_grow(client, staff_a, links, django_assert_max_num_queries):
    client.force_login(staff_a)
    make_response(links["a"])
    # 13: the figures, the recent activity, and the targets (none here: one query).
    with django_assert_max_num_queries(13):
        client.get(reverse("workspace:home"))
    for _ in range(30):
        make_response(links["a"])
    with django_assert_max_num_queries(13):
        client.get(reverse("workspace:home"))


# --- Listening sessions ---------------------------------------------------------------


def test_record_session_with_prompts_and_quotes(client, staff_a, guide, areas):
    client.force_login(staff_a)
    data = session_post(
        guide,
        staff_a,
        area=areas.first().pk,
        **{
            "quotes-safety-0-text": "I want to know the officers by name.",
            "quotes-safety-0-descriptor": "youth participant",
            "quotes-police-0-text": "Send a counselor, not a squad car.",
        },
    )
    response = client.post(reverse("workspace:session_new"), data)
    session = ListeningSession.objects.get()
    assert response["Location"] == reverse("workspace:session", args=[session.pk])
    assert (session.organization, session.status, session.attendees) == (
        staff_a.membership.organization,
        "draft",
        14,
    )
    assert sorted(session.notes.values_list("question__code", "summary")) == [
        ("police", "Summary about police"),
        ("safety", "Summary about safety"),
    ]
    assert sorted(session.quotes.values_list("text", "descriptor")) == [
        ("I want to know the officers by name.", "youth participant"),
        ("Send a counselor, not a squad car.", ""),
    ]
    detail = client.get(response["Location"]).content.decode()
    assert "Send a counselor, not a squad car." in detail


def test_double_submit_creates_one_session(client, staff_a, guide):
    client.force_login(staff_a)
    data = session_post(guide, staff_a)
    first = client.post(reverse("workspace:session_new"), data)
    second = client.post(reverse("workspace:session_new"), data)
    assert ListeningSession.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_session_validation_error_keeps_everything_typed(client, staff_a, guide):
    client.force_login(staff_a)
    long_notes = "Long notes. " * 3000
    data = session_post(guide, staff_a, ends_at="17:00", **{"notes-safety-summary": long_notes})
    page = client.post(reverse("workspace:session_new"), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert ListeningSession.objects.count() == 0
    assert "The end time must be after the start time." in html
    assert long_notes.strip() in html
    assert 'href="#id_ends_at"' in html


def test_notes_of_tens_of_thousands_of_characters_are_stored(client, staff_a, guide):
    client.force_login(staff_a)
    long_notes = "x" * 60000
    client.post(
        reverse("workspace:session_new"),
        session_post(guide, staff_a, **{"notes-police-note": long_notes}),
    )
    assert ListeningSession.objects.get().notes.get(question__code="police").note == long_notes


def test_mark_complete_requires_every_summary(client, staff_a, guide):
    client.force_login(staff_a)
    data = session_post(guide, staff_a, action="complete", **{"notes-police-summary": ""})
    page = client.post(reverse("workspace:session_new"), data)
    assert page.status_code == 200
    assert ListeningSession.objects.count() == 0
    data["notes-police-summary"] = "Now written"
    client.post(reverse("workspace:session_new"), data)
    assert ListeningSession.objects.get().status == "complete"


def test_history_keeps_every_save_side_by_side(client, staff_a, manager_a, guide):
    client.force_login(staff_a)
    data = session_post(guide, staff_a, **{"quotes-safety-0-text": "We need more ligths at night."})
    client.post(reverse("workspace:session_new"), data)
    session = ListeningSession.objects.get()
    edit = {**data, "quotes-safety-0-text": "We need more lights at night."}
    edit.pop("form_key")
    client.post(reverse("workspace:session_edit", args=[session.pk]), edit)
    # Staff who edited it see its history.
    assert client.get(reverse("workspace:session_history", args=[session.pk])).status_code == 200

    client.force_login(manager_a)
    page = client.get(reverse("workspace:session_history", args=[session.pk]))
    entries = page.context["entries"]
    assert len(entries) == 2
    latest = entries[0]
    assert latest["revision"].user == staff_a
    assert latest["changes"] == [
        {
            "field": "safety: Quotes",
            "old": "“We need more ligths at night.”",
            "new": "“We need more lights at night.”",
        }
    ]
    html = page.content.decode()
    assert '<td class="diff-old">“We need more ligths at night.”</td>' in html
    assert '<td class="diff-new">“We need more lights at night.”</td>' in html


def test_session_history_for_staff_only_after_they_edited_it(client, staff_a, manager_a, guide):
    colleague = MembershipFactory(organization=staff_a.membership.organization).user
    client.force_login(manager_a)
    data = session_post(guide, manager_a)
    client.post(reverse("workspace:session_new"), data)
    session = ListeningSession.objects.get()
    history = reverse("workspace:session_history", args=[session.pk])
    client.force_login(staff_a)
    assert client.get(history).status_code == 403
    assert "History of changes" not in client.get(
        reverse("workspace:session", args=[session.pk])
    ).content.decode("utf-8")
    edit = {**data, "place": "Library"}
    edit.pop("form_key")
    client.post(reverse("workspace:session_edit", args=[session.pk]), edit)
    assert client.get(history).status_code == 200
    assert "History of changes" in client.get(
        reverse("workspace:session", args=[session.pk])
    ).content.decode("utf-8")
    client.force_login(colleague)
    assert client.get(history).status_code == 403


def test_add_quote_box_without_javascript_keeps_everything_and_saves_nothing(
    client, staff_a, guide
):
    client.force_login(staff_a)
    data = session_post(
        guide,
        staff_a,
        action="add-quote:safety",
        **{"quotes-safety-1-text": "Second quote", "quotes-safety-1-descriptor": "elder"},
    )
    page = client.post(reverse("workspace:session_new"), data)
    assert page.status_code == 200
    assert ListeningSession.objects.count() == 0
    body = page.content.decode()
    assert 'name="quotes-safety-TOTAL_FORMS" value="3"' in body
    assert 'name="quotes-police-TOTAL_FORMS" value="2"' in body
    assert 'name="quotes-safety-2-text"' in body
    assert "Second quote" in body and "Summary about safety" in body
    assert "error-summary" not in body
    data["quotes-safety-TOTAL_FORMS"] = "3"
    data["quotes-safety-2-text"] = "Third quote"
    data["action"] = "save"
    client.post(reverse("workspace:session_new"), data)
    assert list(ListeningSession.objects.get().quotes.values_list("text", flat=True)) == [
        "Second quote",
        "Third quote",
    ]


def test_session_languages_are_shown_by_name_in_readers_language(client, staff_a, guide):
    client.force_login(staff_a)
    client.post(
        reverse("workspace:session_new"), session_post(guide, staff_a, languages=["es", "zh-hans"])
    )
    session = ListeningSession.objects.get()
    page = client.get(reverse("workspace:session", args=[session.pk])).content.decode()
    assert "Spanish, Simplified Chinese" in page
    staff_a.preferred_language = "es"
    staff_a.save()
    page = client.get(reverse("workspace:session", args=[session.pk])).content.decode()
    assert "español, chino simplificado" in page.lower()


def test_session_list_filters_and_searches_own_sessions_only(client, staff_a, staff_b, guide):
    mine = ListeningSession.objects.create(
        organization=staff_a.membership.organization,
        guide=guide,
        held_on=date(2026, 10, 1),
        created_by=staff_a,
        place="Church hall",
    )
    mine.notes.create(question=guide.questions.get(code="safety"), summary="Street lights came up")
    ListeningSession.objects.create(
        organization=staff_a.membership.organization,
        guide=guide,
        held_on=date(2026, 11, 1),
        created_by=staff_a,
        place="School",
    )
    theirs = ListeningSession.objects.create(
        organization=staff_b.membership.organization,
        guide=guide,
        held_on=date(2026, 10, 1),
        created_by=staff_b,
        place="Their hall",
    )
    theirs.notes.create(question=guide.questions.get(code="safety"), summary="Street lights too")
    client.force_login(staff_a)
    listed = client.get(reverse("workspace:sessions"), {"q": "street lights"})
    assert [s.place for s in listed.context["page"]] == ["Church hall"]
    dated = client.get(reverse("workspace:sessions"), {"start": "2026-10-15"})
    assert [s.place for s in dated.context["page"]] == ["School"]
    everything = client.get(reverse("workspace:sessions"))
    assert "Their hall" not in everything.content.decode()


def test_session_list_query_count(client, staff_a, guide, django_assert_max_num_queries):
    client.force_login(staff_a)

    def make(n):
        for _ in range(n):
            ListeningSession.objects.create(
                organization=staff_a.membership.organization,
                guide=guide,
                held_on=date(2026, 10, 1),
                created_by=staff_a,
            )

    make(1)
    with django_assert_max_num_queries(10):
        client.get(reverse("workspace:sessions"))
    make(40)
    with django_assert_max_num_queries(10):
        client.get(reverse("workspace:sessions"))


# --- Responses -------------------------------------------------------------------------


def test_staff_exclude_and_include_own_response(client, staff_a, links):
    response = make_response(links["a"])
    client.force_login(staff_a)
    client.post(
        reverse("workspace:response_exclude", args=[response.pk]),
        {"reason": "duplicate", "note": "Same person twice"},
    )
    response.refresh_from_db()
    assert (response.status, response.exclusion_reason, response.excluded_by) == (
        "excluded",
        "duplicate",
        staff_a,
    )
    client.post(reverse("workspace:response_include", args=[response.pk]))
    response.refresh_from_db()
    assert (response.status, response.exclusion_reason, response.excluded_by) == (
        "included",
        "",
        None,
    )
    assert Response.objects.count() == 1


def test_staff_cannot_undo_facilitators_exclusion(client, staff_a, facilitator, links):
    response = make_response(
        links["a"], status="excluded", exclusion_reason="spam", excluded_by=facilitator
    )
    client.force_login(staff_a)
    assert client.post(reverse("workspace:response_include", args=[response.pk])).status_code == 403
    response.refresh_from_db()
    assert response.status == "excluded"


def test_response_list_filters(client, staff_a, links):
    make_response(links["a"], language="es")
    make_response(links["a"], language="zh-hans", channel="kiosk")
    make_response(links["b"], language="es")
    client.force_login(staff_a)
    page = client.get(reverse("workspace:responses"), {"language": "es"})
    assert [r.language for r in page.context["page"]] == ["es"]
    page = client.get(reverse("workspace:responses"), {"channel": "kiosk"})
    assert [r.channel for r in page.context["page"]] == ["kiosk"]


def test_response_list_query_count(client, staff_a, links, django_assert_max_num_queries):
    client.force_login(staff_a)
    make_response(links["a"])
    with django_assert_max_num_queries(10):
        client.get(reverse("workspace:responses"))
    for _ in range(60):
        make_response(links["a"])
    with django_assert_max_num_queries(10):
        client.get(reverse("workspace:responses"))


# --- Downloads -------------------------------------------------------------------------


def test_paper_print_is_numbered_like_entry(client, staff_a, survey):
    client.force_login(staff_a)
    printed = client.get(reverse("workspace:paper_print", args=[survey.code, "es"]))
    html = printed.content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert '<span class="number">3.</span> Confío en la policía.' in html
    assert '<span class="number">6a.</span> Una crisis de salud mental' in html
    entry = client.get(reverse("workspace:paper_entry", args=[survey.code]))
    entry_html = entry.content.decode()
    assert "3. Trust" not in entry_html
    assert "3. I trust the police." in entry_html
    assert "6a. A mental-health crisis" in entry_html
    assert "1. Disagree" in entry_html


def entry_token(page):
    return re.search(r'name="entry" value="([^"]+)"', page.content.decode()).group(1)


def test_paper_entry_stores_paper_response(client, staff_a, survey, areas):
    client.force_login(staff_a)
    url = reverse("workspace:paper_entry", args=[survey.code])
    page = client.get(url)
    posted = client.post(
        url,
        {
            "entry": entry_token(page),
            "paper_serial": "０１７",
            "paper_batch": "Fair 2026-11",
            "paper_language": "es",
            "q-trust": "unreadable",
            "q-contact": "no_answer",
            "q-household": "",
            "q-household-mark": "unreadable",
            "q-idea": "Más luz",
        },
    )
    assert posted.status_code == 302
    assert posted["Location"] == f"{url}?batch=Fair+2026-11&language=es"
    response = Response.objects.get()
    assert (response.channel, response.link, response.entered_by) == ("paper", None, staff_a)
    assert (
        response.paper_batch,
        response.paper_serial,
        response.paper_language,
        response.language,
    ) == (
        "Fair 2026-11",
        "017",
        "es",
        "es",
    )
    assert sorted(response.answers.values_list("question__code", "special", "text")) == [
        ("contact", "no_answer", ""),
        ("household", "unreadable", ""),
        ("idea", "", "Más luz"),
        ("trust", "unreadable", ""),
    ]


def test_paper_serial_used_in_batch_warns_and_needs_explicit_choice(client, staff_a, survey):
    client.force_login(staff_a)
    url = reverse("workspace:paper_entry", args=[survey.code])
    base = {"paper_serial": "5", "paper_batch": "B1", "paper_language": "en", "q-trust": "agree"}
    client.post(url, {**base, "entry": entry_token(client.get(url))})
    again = client.post(url, {**base, "entry": entry_token(client.get(url))})
    assert again.status_code == 200
    assert "already stored in this batch" in again.content.decode()
    assert Response.objects.count() == 1
    anyway = client.post(url, {**base, "entry": entry_token(again), "store_duplicate": "on"})
    assert anyway.status_code == 302
    assert Response.objects.count() == 2


def test_paper_entry_double_submit_stores_once(client, staff_a, survey):
    client.force_login(staff_a)
    url = reverse("workspace:paper_entry", args=[survey.code])
    data = {
        "entry": entry_token(client.get(url)),
        "paper_serial": "9",
        "paper_batch": "B1",
        "paper_language": "en",
        "q-idea": "Lights",
    }
    client.post(url, data)
    client.post(url, data)
    assert Response.objects.count() == 1


def test_paper_answer_and_mark_together_is_an_error(client, staff_a, survey):
    client.force_login(staff_a)
    url = reverse("workspace:paper_entry", args=[survey.code])
    page = client.post(
        url,
        {
            "entry": entry_token(client.get(url)),
            "paper_serial": "1",
            "paper_batch": "B",
            "paper_language": "en",
            "q-household": "4",
            "q-household-mark": "unreadable",
        },
    )
    assert page.status_code == 200
    assert Response.objects.count() == 0
    assert "Choose an answer or a mark, not both." in page.content.decode()


def test_paper_repeated_checkbox_value_is_stored_once(client, staff_a, survey):
    client.force_login(staff_a)
    url = reverse("workspace:paper_entry", args=[survey.code])
    posted = client.post(
        url,
        {
            "entry": entry_token(client.get(url)),
            "paper_serial": "3",
            "paper_batch": "B",
            "paper_language": "en",
            "q-worries": ["traffic", "traffic", "theft"],
        },
    )
    assert posted.status_code == 302
    assert list(
        Response.objects.get()
        .answers.order_by("choice__order")
        .values_list("question__code", "choice__code")
    ) == [("worries", "traffic"), ("worries", "theft")]


def test_paper_overlong_fields_are_errors_never_shown_again(client, staff_a, survey):
    client.force_login(staff_a)
    url = reverse("workspace:paper_entry", args=[survey.code])
    page = client.post(
        url,
        {
            "entry": entry_token(client.get(url)),
            "paper_serial": "1",
            "paper_batch": "b" * 101,
            "paper_language": "en",
            "q-household": "9" * 100_000,
            "q-idea": "Keep this text",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert Response.objects.count() == 0
    assert "Ensure this value has at most 30 characters (it has 100000)." in html
    assert "Ensure this value has at most 100 characters (it has 101)." in html
    assert "9" * 31 not in html
    assert "b" * 101 not in html
    assert "Keep this text" in html


@pytest.mark.parametrize("guide_param", ["abc", "1.5", "99999999999999999999999", "-1"])
def test_new_session_ignores_a_guide_parameter_that_is_not_an_id(
    client, staff_a, guide, guide_param
):
    client.force_login(staff_a)
    page = client.get(reverse("workspace:session_new"), {"guide": guide_param})
    assert page.status_code == 200
    assert page.context["guide"] == guide


def test_new_session_post_with_a_guide_that_is_not_an_id_is_a_form_error(client, staff_a, guide):
    client.force_login(staff_a)
    page = client.post(
        reverse("workspace:session_new"), {**session_post(guide, staff_a), "guide": "abc"}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["guide"]
    assert ListeningSession.objects.count() == 0


def other_organizations_session(staff_b, guide):
    return ListeningSession.objects.create(
        organization=staff_b.membership.organization,
        guide=guide,
        held_on=date(2026, 10, 1),
        created_by=staff_b,
        form_key=uuid.uuid4(),
        place="Their hall",
    )


def test_new_session_with_another_organizations_form_key_keeps_the_notes(
    client, staff_a, staff_b, guide
):
    theirs = other_organizations_session(staff_b, guide)
    client.force_login(staff_a)
    response = client.post(
        reverse("workspace:session_new"), session_post(guide, staff_a, form_key=theirs.form_key)
    )
    mine = ListeningSession.objects.get(organization=staff_a.membership.organization)
    assert response["Location"] == reverse("workspace:session", args=[mine.pk])
    assert mine.form_key != theirs.form_key
    assert mine.place == "Library community room"
    assert sorted(mine.notes.values_list("summary", flat=True)) == [
        "Summary about police",
        "Summary about safety",
    ]
    theirs.refresh_from_db()
    assert (theirs.place, theirs.notes.count()) == ("Their hall", 0)


def test_facilitator_new_session_with_another_organizations_form_key_keeps_the_notes(
    client, facilitator, staff_a, staff_b, guide
):
    theirs = other_organizations_session(staff_b, guide)
    client.force_login(facilitator)
    response = client.post(
        reverse("workspace:session_new") + "?org=org-a",
        session_post(guide, staff_a, form_key=theirs.form_key),
    )
    mine = ListeningSession.objects.get(organization=staff_a.membership.organization)
    assert response["Location"] == reverse("workspace:session", args=[mine.pk])
    assert mine.notes.count() == 2


def paper_post(client, survey, answers, serial="1"):
    url = reverse("workspace:paper_entry", args=[survey.code])
    return client.post(
        url,
        {
            "entry": entry_token(client.get(url)),
            "paper_serial": serial,
            "paper_batch": "B",
            "paper_language": "en",
            **answers,
        },
        follow=True,
    )


def test_paper_ineligible_answers_are_stored_excluded_with_a_message(client, staff_a, survey):
    question = survey.questions.get(code="contact")
    question.eligible_choices = ["yes"]
    question.save()
    client.force_login(staff_a)
    page = paper_post(client, survey, {"q-contact": "no", "q-idea": "Lights"})
    response = Response.objects.get()
    assert (response.status, response.exclusion_reason) == ("excluded", "ineligible")
    assert response.answers.count() == 2
    body = page.content.decode()
    assert "as excluded, reason “not eligible”" in body
    assert not Response.objects.included().exists()


def test_paper_eligibility_marked_unreadable_is_stored_included(client, staff_a, survey):
    question = survey.questions.get(code="contact")
    question.eligible_choices = ["yes"]
    question.save()
    client.force_login(staff_a)
    paper_post(client, survey, {"q-contact": "unreadable", "q-idea": "Lights"})
    assert Response.objects.get().status == "included"


@pytest.mark.parametrize(
    "answers",
    [{}, {"q-trust": "no_answer", "q-household-mark": "no_answer"}],
)
def test_paper_with_no_answer_at_all_is_refused(client, staff_a, survey, answers):
    client.force_login(staff_a)
    page = paper_post(client, survey, answers)
    assert Response.objects.count() == 0
    body = page.content.decode()
    assert "Nothing is answered on this questionnaire." in body
    assert 'class="alert alert-danger error-summary"' in body


@pytest.mark.parametrize("typed", ["0", "25"])
def test_paper_number_outside_the_questions_limits_is_refused(client, staff_a, survey, typed):
    household = survey.questions.get(code="household")
    household.min_value, household.max_value = 1, 20
    household.save()
    client.force_login(staff_a)
    page = paper_post(client, survey, {"q-household": typed, "q-idea": "x"})
    assert Response.objects.count() == 0
    assert 'href="#id_q-household"' in page.content.decode()
    paper_post(client, survey, {"q-household": "20", "q-idea": "x"})
    assert Response.objects.get().answers.get(question__code="household").number == 20


def test_paper_zip_plus_four_is_refused(client, staff_a, survey):
    client.force_login(staff_a)
    page = paper_post(client, survey, {"q-zip": "60608-1234"})
    assert Response.objects.count() == 0
    assert "Enter a 5-digit ZIP code, for example 60608." in page.content.decode()


def test_paper_print_names_organization_contact_wave_and_serial_field(
    client, staff_a, org_a, survey
):
    org_a.contact_line_en = "Call Org A at 312-555-0100"
    org_a.save()
    survey.wave = 3
    survey.save()
    client.force_login(staff_a)
    body = client.get(reverse("workspace:paper_print", args=[survey.code, "en"])).content.decode()
    assert "<strong>Org A</strong> · Call Org A at 312-555-0100 · Wave 3" in body
    assert "Serial number (office use):" in body


# --- Batch register ---------------------------------------------------------------------


def paper(survey, organization, staff, batch, serial, **fields):
    return Response.objects.create(
        instrument=survey,
        organization=organization,
        channel="paper",
        language="en",
        entered_by=staff,
        paper_batch=batch,
        paper_serial=serial,
        **fields,
    )


def test_batch_register_counts_papers_excluded_typists_and_missing_serials(
    client, staff_a, manager_a, staff_b, survey
):
    org = staff_a.membership.organization
    for serial in ("1", "2", "4", "7"):
        paper(survey, org, staff_a, "Fair", serial)
    paper(survey, org, manager_a, "Fair", "3", status="excluded", exclusion_reason="ineligible")
    paper(survey, org, staff_a, "Library", "A-1")
    paper(survey, staff_b.membership.organization, staff_b, "Other org batch", "9")
    client.force_login(staff_a)
    page = client.get(reverse("workspace:paper_batches"))
    rows = {row["paper_batch"]: row for row in page.context["rows"]}
    assert set(rows) == {"Fair", "Library"}
    fair = rows["Fair"]
    assert (fair["papers"], fair["excluded"], fair["missing"], fair["more_missing"]) == (
        5,
        1,
        [5, 6],
        0,
    )
    assert sorted(fair["typists"]) == sorted([str(staff_a), str(manager_a)])
    assert rows["Library"]["missing"] == []
    body = page.content.decode()
    assert '<td data-figure="missing">5, 6</td>' in body
    assert "Other org batch" not in body


def test_batch_register_summarizes_a_long_gap(client, staff_a, survey):
    org = staff_a.membership.organization
    paper(survey, org, staff_a, "Big", "1")
    paper(survey, org, staff_a, "Big", "100")
    client.force_login(staff_a)
    body = client.get(reverse("workspace:paper_batches")).content.decode()
    assert "28, 29, 30, 31 and 68 more" in body


@pytest.mark.parametrize("batches", [1, 15])
def test_batch_register_query_count_does_not_grow(
    client, staff_a, survey, batches, django_assert_max_num_queries
):
    org = staff_a.membership.organization
    for n in range(batches):
        for serial in range(1, 4):
            paper(survey, org, staff_a, f"B{n}", str(serial))
    client.force_login(staff_a)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("workspace:paper_batches")).status_code == 200


# --- Double entry -----------------------------------------------------------------------


def first_paper(client, survey, serial, answers, batch="Fair"):
    url = reverse("workspace:paper_entry", args=[survey.code])
    data = {
        "entry": entry_token(client.get(url)),
        "paper_serial": serial,
        "paper_batch": batch,
        "paper_language": "en",
        **answers,
    }
    assert client.post(url, data).status_code == 302


def second_paper(client, survey, serial, answers, batch="Fair"):
    url = reverse("workspace:paper_second_entry", args=[survey.code])
    return client.post(url, {"paper_serial": serial, "paper_batch": batch, **answers}, follow=True)


def test_double_entry_lists_mismatches_and_settles_them(client, staff_a, manager_a, survey, areas):
    client.force_login(staff_a)
    first_paper(client, survey, "1", {"q-trust": "agree", "q-idea": "Lights"})
    first_paper(client, survey, "2", {"q-trust": "agree", "q-household": "3"})
    client.force_login(manager_a)
    blind = client.get(reverse("workspace:paper_second_entry", args=[survey.code]))
    assert "Lights" not in blind.content.decode()
    second_paper(client, survey, "1", {"q-trust": "agree", "q-idea": "Lights"})
    page = second_paper(client, survey, "2", {"q-trust": "disagree", "q-household": "3"})
    assert "Stored the second entry of 2." in page.content.decode()
    first, second = SecondEntry.objects.order_by("response__paper_serial")
    assert (first.matched, first.compared, second.matched, second.compared) == (2, 2, 1, 2)

    check = reverse("workspace:paper_batch_check", args=[survey.code]) + "?batch=Fair"
    page = client.get(check)
    body = page.content.decode()
    assert "Agreement: 75 % of answers typed alike, in 2 papers typed twice." in body
    rows = [row for paper in page.context["papers"] for row in paper["rows"]]
    assert [(row["code"], row["first"], row["second"]) for row in rows] == [
        ("trust", ["Agree"], ["Disagree"])
    ]
    client.post(check, {f"decide-{second.pk}-trust": "second"})
    stored = Response.objects.get(paper_serial="2")
    assert list(
        stored.answers.filter(question__code="trust").values_list("choice__code", flat=True)
    ) == ["disagree"]
    assert "Every mismatch of this batch is settled." in client.get(check).content.decode()
    register = client.get(reverse("workspace:paper_batches")).content.decode()
    assert "75 % agreement (2 typed twice)" in register


def test_second_entry_by_the_first_typist_or_of_an_unknown_paper_is_refused(
    client, staff_a, survey
):
    client.force_login(staff_a)
    first_paper(client, survey, "1", {"q-idea": "Lights"})
    page = second_paper(client, survey, "1", {"q-idea": "Lights"})
    assert "someone else types the second entry" in page.content.decode()
    page = second_paper(client, survey, "99", {"q-idea": "Lights"})
    assert "No first entry of this serial number in this batch." in page.content.decode()
    assert SecondEntry.objects.count() == 0


def test_second_entry_twice_stores_once(client, staff_a, manager_a, survey):
    client.force_login(staff_a)
    first_paper(client, survey, "1", {"q-idea": "Lights"})
    client.force_login(manager_a)
    second_paper(client, survey, "1", {"q-idea": "Lights"})
    page = second_paper(client, survey, "1", {"q-idea": "Other"})
    assert "already typed a second time" in page.content.decode()
    assert SecondEntry.objects.get().answers == {"idea": ["Lights"]}


def test_batch_check_of_another_organization_is_not_found(client, staff_a, staff_b, survey):
    client.force_login(staff_a)
    first_paper(client, survey, "1", {"q-idea": "Lights"})
    SecondEntry.objects.create(
        response=Response.objects.get(), entered_by=staff_b, answers={"idea": ["x"]}
    )
    client.force_login(staff_b)
    check = reverse("workspace:paper_batch_check", args=[survey.code]) + "?batch=Fair"
    assert client.get(check).status_code == 404
    client.force_login(staff_a)
    assert client.get(check).status_code == 200
