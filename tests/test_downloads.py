"""Downloads: responses with labels in a language, the codebook, listening sessions."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from surveys.models import Answer, ListeningSession

from .factories import make_response

pytestmark = pytest.mark.django_db


def read_csv(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def answer(response, question_code, choice_code=None, **fields):
    question = response.instrument.questions.get(code=question_code)
    choice = question.choices.get(code=choice_code) if choice_code else None
    if choice is None and choice_code:
        raise AssertionError
    return Answer.objects.create(response=response, question=question, choice=choice, **fields)


def test_responses_csv_has_one_column_per_question_and_labels_in_language(client, staff_a, links):
    mine = make_response(links["a"], language="zh-hans")
    answer(mine, "trust", "agree")
    answer(mine, "worries", "traffic")
    answer(mine, "worries", "other", text="噪音")
    answer(mine, "idea", text="更多路灯")
    answer(mine, "household", number=3)
    theirs = make_response(links["b"])
    answer(theirs, "trust", "disagree")
    client.force_login(staff_a)
    rows = read_csv(
        client.get(
            reverse("findings:responses_csv"),
            {"instrument": mine.instrument.code, "labels": "zh-hans"},
        )
    )
    header, *data = rows
    assert header[:3] == ["response_id", "submitted_at", "organization"]
    assert header[11:] == [
        "home_area",
        "contact",
        "trust",
        "treated",
        "worries",
        "worries_other",
        "who_crisis",
        "who_noise",
        "household",
        "zip",
        "idea",
    ]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["response_id"] == str(mine.pk)
    assert (row["trust"], row["worries"], row["worries_other"]) == ("同意", "交通; 其他", "噪音")
    assert (row["idea"], row["household"]) == ("更多路灯", "3")


def test_codebook_lists_codes_and_wording_in_each_language(client, staff_a, survey):
    client.force_login(staff_a)
    rows = read_csv(client.get(reverse("findings:codebook_csv"), {"instrument": survey.code}))
    assert rows[0] == [
        "question_code",
        "type",
        "section",
        "matrix",
        "choice_code",
        "value",
        "text_en",
        "text_es",
        "text_zh-hans",
    ]
    assert ["trust", "", "", "", "agree", "3", "Agree", "De acuerdo", "同意"] in rows
    assert [
        "who_noise",
        "single",
        "2",
        "who",
        "",
        "",
        "A noise complaint",
        "Una queja por ruido",
        "噪音投诉",
    ] in rows


def test_sessions_csv_has_prompts_and_quotes_of_own_sessions(client, staff_a, staff_b, guide):
    for staff in (staff_a, staff_b):
        session = ListeningSession.objects.create(
            organization=staff.membership.organization,
            guide=guide,
            held_on=date(2026, 10, 1),
            created_by=staff,
            place=f"Hall of {staff.membership.organization.name}",
        )
        prompt = guide.questions.get(code="police")
        session.notes.create(question=prompt, summary="They want counselors.")
        session.quotes.create(
            question=prompt, text="Send help, not handcuffs.", descriptor="parent"
        )
    client.force_login(staff_a)
    header, *rows = read_csv(client.get(reverse("findings:sessions_csv")))
    assert len(rows) == 2
    assert {row[5] for row in rows} == {"Hall of Org A"}
    police = dict(zip(header, rows[1], strict=True))
    assert (police["prompt_code"], police["summary"], police["quotes"]) == (
        "police",
        "They want counselors.",
        "Send help, not handcuffs. (parent)",
    )


def test_responses_csv_query_count(client, staff_a, links, django_assert_max_num_queries):
    client.force_login(staff_a)
    url = reverse("findings:responses_csv")
    code = links["a"].instrument.code
    first = make_response(links["a"])
    answer(first, "trust", "agree")
    with django_assert_max_num_queries(11):
        client.get(url, {"instrument": code})
    for _ in range(40):
        answer(make_response(links["a"]), "trust", "neutral")
    with django_assert_max_num_queries(11):
        client.get(url, {"instrument": code})


# --- Paper -----------------------------------------------------------------------------


def test_sessions_csv_query_count(client, staff_a, guide, django_assert_max_num_queries):
    client.force_login(staff_a)
    prompt = guide.questions.get(code="police")

    def make(n):
        for _ in range(n):
            session = ListeningSession.objects.create(
                organization=staff_a.membership.organization,
                guide=guide,
                held_on=date(2026, 10, 1),
                created_by=staff_a,
            )
            session.notes.create(question=prompt, summary="s")
            session.quotes.create(question=prompt, text="q")

    make(1)
    with django_assert_max_num_queries(12):
        client.get(reverse("findings:sessions_csv"))
    make(30)
    with django_assert_max_num_queries(12):
        client.get(reverse("findings:sessions_csv"))


# --- Formula injection -----------------------------------------------------------------


def test_responses_csv_text_cells_cannot_start_a_formula(client, staff_a, links, org_a):
    org_a.name = "@Org A"
    org_a.save(update_fields=["name"])
    mine = make_response(links["a"], paper_batch="=1+1", paper_serial="-5")
    answer(mine, "idea", text='=HYPERLINK("http://evil.example","x")')
    answer(mine, "worries", "other", text="+1 Speeding")
    answer(mine, "zip", text="\t60608")
    answer(mine, "household", number=-3)
    client.force_login(staff_a)
    header, row = read_csv(
        client.get(reverse("findings:responses_csv"), {"instrument": mine.instrument.code})
    )
    row = dict(zip(header, row, strict=True))
    assert (row["organization"], row["paper_batch"], row["paper_serial"]) == (
        "'@Org A",
        "'=1+1",
        "'-5",
    )
    assert row["idea"] == '\'=HYPERLINK("http://evil.example","x")'
    assert (row["worries"], row["worries_other"]) == ("Other", "'+1 Speeding")
    assert row["zip"] == "'\t60608"
    # A number is a number: never prefixed.
    assert row["household"] == "-3"


def test_sessions_csv_text_cells_cannot_start_a_formula(client, staff_a, guide):
    session = ListeningSession.objects.create(
        organization=staff_a.membership.organization,
        guide=guide,
        held_on=date(2026, 10, 1),
        created_by=staff_a,
        place="-Hall",
    )
    prompt = guide.questions.get(code="police")
    session.notes.create(question=prompt, summary="=cmd|' /C calc'!A0", note="\rnote")
    session.quotes.create(question=prompt, text="@SUM(1)", descriptor="=parent")
    client.force_login(staff_a)
    header, *rows = read_csv(client.get(reverse("findings:sessions_csv")))
    police = dict(zip(header, rows[1], strict=True))
    assert (police["place"], police["summary"], police["note"], police["quotes"]) == (
        "'-Hall",
        "'=cmd|' /C calc'!A0",
        "'\rnote",
        "'@SUM(1) (=parent)",
    )


def test_codebook_labels_cannot_start_a_formula(client, staff_a, survey):
    choice = survey.questions.get(code="trust").choices.get(code="agree")
    choice.label_en = "=Agree"
    choice.value = -1
    choice.save()
    client.force_login(staff_a)
    rows = read_csv(client.get(reverse("findings:codebook_csv"), {"instrument": survey.code}))
    assert ["trust", "", "", "", "agree", "-1", "'=Agree", "De acuerdo", "同意"] in rows
