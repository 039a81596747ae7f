"""Themes and coding: the queue, applying and removing themes, excerpts that survive edits,
merging and retiring themes, theme counts against a plain-Python recomputation, exports."""

import csv
import io
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from findings.coding import apply_themes, highlighted, next_item
from findings.models import Coding, CodingEvent, ItemMark, Theme
from findings.theme_results import theme_counts
from surveys.models import ListeningSession, PromptNote, SessionQuote

from .factories import make_response

pytestmark = pytest.mark.django_db

CODING = reverse("findings:coding")
THEMES = reverse("findings:themes")


def make_themes(count=3):
    parent = Theme.objects.create(code="trust", name_en="Trust", name_es="Confianza")
    themes = [parent]
    for index in range(1, count):
        themes.append(
            Theme.objects.create(
                code=f"theme-{index}", name_en=f"Theme {index}", parent=parent, order=index
            )
        )
    return themes


def text_answer(link, text, **fields):
    response = make_response(link, **fields)
    question = link.instrument.questions.get(code="idea")
    return response.answers.create(question=question, text=text)


@pytest.fixture
def texts(links):
    return [
        text_answer(links["a"], "More officers walking the block."),
        text_answer(links["a"], "Fix the streetlights.", language="es"),
        text_answer(links["b"], "Faster response when we call."),
    ]


def post_coding(client, item, themes=(), action="save", excerpts=(), query=""):
    return client.post(
        CODING + query,
        {
            "source": "answer",
            "item": item.pk,
            "themes": [t.pk for t in themes],
            "excerpt": list(excerpts),
            "action": action,
        },
    )


# --- The queue -----------------------------------------------------------------------------


def test_queue_offers_the_oldest_uncoded_text_with_its_context(client, facilitator, texts):
    client.force_login(facilitator)
    make_themes()
    page = client.get(CODING)
    item = page.context["item"]
    assert (item["source"], item["id"], item["text"]) == ("answer", texts[0].pk, texts[0].text)
    assert item["left"] == 3
    assert page.context["organization_name"] == "Org A"
    body = page.content.decode()
    assert "More officers walking the block." in body
    # Nothing that identifies a resident: no response id.
    assert str(texts[0].response_id) not in body


def test_applying_themes_stores_codings_and_moves_to_the_next_text(client, facilitator, texts):
    client.force_login(facilitator)
    themes = make_themes()
    answer = post_coding(client, texts[0], themes[:2])
    assert answer.status_code == 302 and "done=coded" in answer["Location"]
    codings = Coding.objects.filter(answer=texts[0])
    assert {(c.theme_id, c.coder_id, c.second) for c in codings} == {
        (themes[0].pk, facilitator.pk, False),
        (themes[1].pk, facilitator.pk, False),
    }
    assert client.get(CODING).context["item"]["id"] == texts[1].pk
    # The same decision sent twice stores each coding once.
    post_coding(client, texts[0], themes[:2])
    assert Coding.objects.filter(answer=texts[0]).count() == 2


def test_unticking_a_theme_uncodes_it(client, facilitator, texts):
    client.force_login(facilitator)
    themes = make_themes()
    post_coding(client, texts[0], themes[:2])
    post_coding(client, texts[0], themes[1:2], query=f"?source=answer&item={texts[0].pk}")
    assert list(Coding.objects.filter(answer=texts[0]).values_list("theme_id", flat=True)) == [
        themes[1].pk
    ]


def test_every_coding_change_is_in_the_history_once(client, facilitator, manager_a, texts):
    client.force_login(facilitator)
    themes = make_themes()
    answer = texts[0]  # "More officers walking the block."
    again = f"?source=answer&item={answer.pk}"
    post_coding(client, answer, themes[:2])
    post_coding(client, answer, themes[:2], query=again)  # a double click: no change
    post_coding(client, answer, themes[1:2], excerpts=[f"{themes[2].pk}:14:21"], query=again)
    excerpt = Coding.objects.get(answer=answer, start=14)
    client.post(
        CODING + again,
        {
            "source": "answer",
            "item": answer.pk,
            "themes": [themes[1].pk],
            "remove": [excerpt.pk],
            "action": "save",
        },
    )
    events = CodingEvent.objects.filter(answer=answer).order_by("pk")
    assert [(e.action, e.theme_id, e.start, e.excerpt, e.by_id) for e in events] == [
        ("added", themes[0].pk, None, "", facilitator.pk),
        ("added", themes[1].pk, None, "", facilitator.pk),
        ("added", themes[2].pk, 14, "walking", facilitator.pk),
        ("removed", themes[0].pk, None, "", facilitator.pk),
        ("removed", themes[2].pk, 14, "walking", facilitator.pk),
    ]
    assert list(Coding.objects.filter(answer=answer).values_list("theme_id", flat=True)) == [
        themes[1].pk
    ]
    # Another coder's excerpt id cannot be removed through this coder's form.
    apply_themes(manager_a, "answer", answer.pk, [], [(themes[0], 0, 4, "More")])
    other = Coding.objects.get(answer=answer, coder=manager_a)
    client.post(
        CODING + again,
        {
            "source": "answer",
            "item": answer.pk,
            "themes": [themes[1].pk],
            "remove": [other.pk],
            "action": "save",
        },
    )
    assert Coding.objects.filter(pk=other.pk).exists()


def test_reopening_a_coded_text_shows_its_themes_excerpts_and_history(client, facilitator, texts):
    client.force_login(facilitator)
    themes = make_themes()
    answer = texts[0]  # "More officers walking the block."
    saved = post_coding(client, answer, themes[:1], excerpts=[f"{themes[1].pk}:14:21"])
    assert f"previous=answer:{answer.pk}" in saved["Location"]
    next_page = client.get(saved["Location"])
    assert f"source=answer&amp;item={answer.pk}" in next_page.content.decode()
    page = client.get(CODING + f"?source=answer&item={answer.pk}")
    html = page.content.decode()
    assert page.context["coded"] == {themes[0].pk}
    assert (
        f'value="{themes[0].pk}" id="theme-{themes[0].pk}" data-theme-name="{themes[0].name}" checked'
        in html
    )
    assert (
        f'value="{themes[1].pk}" id="theme-{themes[1].pk}" data-theme-name="{themes[1].name}">'
        in html
    )
    # The excerpt is marked in the text, and listed with a way to remove it.
    assert f'More officers <mark title="{themes[1].name}">walking</mark> the block.' in html
    excerpt = Coding.objects.get(answer=answer, start=14)
    assert f'name="remove" value="{excerpt.pk}"' in html
    history = page.context["history"]
    assert {(e.action, e.theme_id) for e in history} == {
        ("added", themes[0].pk),
        ("added", themes[1].pk),
    }


def test_saving_a_reopened_text_keeps_the_codings_of_a_retired_theme(client, facilitator, texts):
    client.force_login(facilitator)
    themes = make_themes()
    answer = texts[0]
    post_coding(client, answer, themes[:2])
    Theme.objects.filter(pk=themes[0].pk).update(retired=True)
    # The page no longer offers the retired theme; saving what it shows keeps its coding.
    post_coding(client, answer, themes[1:2], query=f"?source=answer&item={answer.pk}")
    assert set(Coding.objects.filter(answer=answer).values_list("theme_id", flat=True)) == {
        themes[0].pk,
        themes[1].pk,
    }


def test_highlighted_pieces_cover_the_text_once():
    class Excerpt:
        def __init__(self, start, end, theme):
            self.start, self.end, self.theme = start, end, theme

    pieces = highlighted("abcdefghij", [Excerpt(2, 6, "x"), Excerpt(4, 8, "y")])
    assert "".join(p for p, _n in pieces) == "abcdefghij"
    assert pieces == [
        ("ab", []),
        ("cd", ["x"]),
        ("ef", ["x", "y"]),
        ("gh", ["y"]),
        ("ij", []),
    ]


def test_nothing_to_code_and_skip_leave_the_queue(client, facilitator, texts):
    client.force_login(facilitator)
    make_themes()
    post_coding(client, texts[0], action="nothing")
    assert ItemMark.objects.get(answer=texts[0]).kind == "nothing"
    assert Coding.objects.count() == 0
    post_coding(client, texts[1], action="skip")
    assert not ItemMark.objects.filter(answer=texts[1]).exists()
    assert client.get(CODING).context["item"]["id"] == texts[2].pk


def test_queue_filters_by_organization_language_and_text(client, facilitator, texts, org_b):
    client.force_login(facilitator)
    make_themes()
    assert client.get(CODING, {"organization": org_b.pk}).context["item"]["id"] == texts[2].pk
    assert client.get(CODING, {"language": "es"}).context["item"]["id"] == texts[1].pk
    assert client.get(CODING, {"search": "STREETLIGHT"}).context["item"]["id"] == texts[1].pk
    assert client.get(CODING, {"search": "100%_"}).context["item"] is None


def test_excerpt_offsets_are_stored_and_an_edit_flags_them_for_review(client, facilitator, texts):
    client.force_login(facilitator)
    themes = make_themes()
    answer = texts[0]  # "More officers walking the block."
    post_coding(client, answer, excerpts=[f"{themes[1].pk}:14:21"])
    coding = Coding.objects.get(answer=answer, start__isnull=False)
    assert (coding.start, coding.end, coding.excerpt) == (14, 21, "walking")
    answer.text = "More officers walking the block, day and night."
    answer.save()
    coding.refresh_from_db()
    assert not coding.needs_review  # the words at 14-21 are unchanged
    answer.text = "Officers on foot."
    answer.save()
    coding.refresh_from_db()
    assert coding.needs_review and Coding.objects.filter(pk=coding.pk).exists()


def test_an_excerpt_outside_the_text_is_refused(client, facilitator, texts):
    client.force_login(facilitator)
    themes = make_themes()
    assert post_coding(client, texts[0], excerpts=[f"{themes[0].pk}:5:500"]).status_code == 400
    assert post_coding(client, texts[0], excerpts=["x:1:2"]).status_code == 400
    assert Coding.objects.count() == 0


def test_editing_a_session_keeps_the_codings_of_its_notes_and_quotes(
    client, staff_a, facilitator, guide
):
    from .test_workspace import session_post

    client.force_login(staff_a)
    client.post(reverse("workspace:session_new"), session_post(guide, staff_a))
    session = ListeningSession.objects.get()
    note = PromptNote.objects.get(question__code="safety")
    themes = make_themes()
    apply_themes(facilitator, "summary", note.pk, [themes[0]])
    data = session_post(guide, staff_a, **{"notes-police-summary": "Changed summary"})
    data.pop("form_key")
    client.post(reverse("workspace:session_edit", args=[session.pk]), data)
    assert PromptNote.objects.get(pk=note.pk).summary == "Summary about safety"
    assert Coding.objects.filter(note=note).count() == 1
    assert PromptNote.objects.get(question__code="police").summary == "Changed summary"
    assert SessionQuote.objects.count() == 0


# --- Codebook ------------------------------------------------------------------------------


def test_merging_themes_keeps_every_coding(facilitator, texts):
    themes = make_themes()
    apply_themes(facilitator, "answer", texts[0].pk, [themes[1], themes[2]])
    apply_themes(facilitator, "answer", texts[1].pk, [themes[2]])
    before = Coding.objects.count()
    themes[2].merge_into(themes[1])
    assert Coding.objects.filter(theme=themes[2]).count() == 0
    # The first text had both: one coding of the kept theme remains; nothing else is lost.
    assert set(Coding.objects.values_list("answer_id", "theme_id")) == {
        (texts[0].pk, themes[1].pk),
        (texts[1].pk, themes[1].pk),
    }
    assert before == 3
    themes[2].refresh_from_db()
    assert themes[2].retired


def test_a_retired_theme_keeps_its_codings_and_is_not_offered(client, facilitator, texts):
    client.force_login(facilitator)
    themes = make_themes()
    apply_themes(facilitator, "answer", texts[0].pk, [themes[2]])
    Theme.objects.filter(pk=themes[2].pk).update(retired=True)
    assert Coding.objects.filter(theme=themes[2]).count() == 1
    offered = [t.pk for t in client.get(CODING).context["themes"]]
    assert themes[2].pk not in offered and themes[1].pk in offered


def test_codebook_csv_round_trips_through_import(client, facilitator):
    client.force_login(facilitator)
    make_themes()
    download = client.get(reverse("findings:codebook_themes_csv"))
    text = download.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["code"], r["parent"], r["name_en"]) for r in rows] == [
        ("trust", "", "Trust"),
        ("theme-1", "trust", "Theme 1"),
        ("theme-2", "trust", "Theme 2"),
    ]
    edited = text.replace("Theme 2", "Second theme") + "new-one,trust,9,#1f77b4,no,New,Nuevo,新\n"
    upload = SimpleUploadedFile("codebook.csv", edited.encode("utf-8"), "text/csv")
    answer = client.post(reverse("findings:codebook_import"), {"file": upload})
    assert answer.status_code == 302
    assert Theme.objects.get(code="theme-2").name_en == "Second theme"
    new = Theme.objects.get(code="new-one")
    assert (new.parent.code, new.colour, new.name_es) == ("trust", "#1f77b4", "Nuevo")


def test_codebook_xlsx_round_trips_through_import(client, facilitator):
    client.force_login(facilitator)
    make_themes()
    Theme.objects.filter(code="theme-1").update(name_zh_hans="=信任", colour="#112233")
    download = client.get(reverse("findings:codebook_themes_xlsx"))
    body = b"".join(download.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [(r["code"], r["parent"], r["order"]) for r in records] == [
        ("trust", None, 0),
        ("theme-1", "trust", 1),
        ("theme-2", "trust", 2),
    ]
    # Text that looks like a formula is a text cell, never a formula, and keeps its words.
    assert records[1]["name_zh_hans"] == "=信任"
    assert sheet.cell(row=3, column=header.index("name_zh_hans") + 1).data_type == "s"
    # Edit the workbook as an analyst would, and import it again.
    sheet.cell(row=4, column=header.index("name_en") + 1, value="Second theme")
    sheet.append(["new-one", "trust", 9, "#1f77b4", "no", "New", "Nuevo", "新"])
    edited = io.BytesIO()
    sheet.parent.save(edited)
    upload = SimpleUploadedFile("codebook.xlsx", edited.getvalue(), "application/octet-stream")
    answer = client.post(reverse("findings:codebook_import"), {"file": upload})
    assert answer.status_code == 302
    assert Theme.objects.get(code="theme-2").name_en == "Second theme"
    assert Theme.objects.get(code="theme-1").name_zh_hans == "=信任"
    new = Theme.objects.get(code="new-one")
    assert (new.parent.code, new.colour, new.name_es, new.order) == ("trust", "#1f77b4", "Nuevo", 9)


def test_codebook_import_refuses_what_is_neither_csv_nor_xlsx_and_a_bad_colour(client, facilitator):
    client.force_login(facilitator)
    upload = SimpleUploadedFile("codebook.xlsx", b"PK\x03\x04 broken", "application/zip")
    page = client.post(reverse("findings:codebook_import"), {"file": upload})
    assert "Save the file as CSV in UTF-8 or as an Excel workbook (.xlsx)" in page.content.decode()
    upload = SimpleUploadedFile(
        "codebook.csv", b"code,parent,colour\nok,,red;background:url(x)\n", "text/csv"
    )
    page = client.post(reverse("findings:codebook_import"), {"file": upload})
    assert "Row 2: the colour must look like #1f77b4." in page.content.decode()
    assert not Theme.objects.exists()


def test_codebook_import_refuses_an_unknown_parent_with_its_row(client, facilitator):
    client.force_login(facilitator)
    upload = SimpleUploadedFile(
        "codebook.csv", b"code,parent,name_en\nok,,Fine\nchild,missing,Lost\n", "text/csv"
    )
    page = client.post(reverse("findings:codebook_import"), {"file": upload})
    assert page.status_code == 200
    assert "Row 3: no theme has the parent code missing." in page.content.decode()
    assert not Theme.objects.exists()


def test_refi_qda_codebook_has_the_elements_qda_tools_read(client, facilitator):
    client.force_login(facilitator)
    themes = make_themes()
    Theme.objects.filter(pk=themes[0].pk).update(
        description_en="Trust between people", colour="#aa0000"
    )
    download = client.get(reverse("findings:codebook_qdc"))
    root = ElementTree.fromstring(download.content)
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    top = root.findall("q:Codes/q:Code", ns)
    assert [c.get("name") for c in top] == ["Trust"]
    assert top[0].get("isCodable") == "true" and top[0].get("color") == "#AA0000"
    assert top[0].find("q:Description", ns).text == "Trust between people"
    children = top[0].findall("q:Code", ns)
    assert [c.get("name") for c in children] == ["Theme 1", "Theme 2"]
    guids = [c.get("guid") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert len(set(guids)) == 3 and all(len(g) == 36 for g in guids)


# --- Theme counts --------------------------------------------------------------------------


@st.composite
def codings(draw):
    return draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.sets(st.integers(0, 2), max_size=3)),
            max_size=12,
        )
    )


@given(plan=codings())
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_theme_counts_match_recomputation(facilitator, links, plan):
    from django.db import transaction

    with transaction.atomic():
        themes = make_themes()
        answers = [
            text_answer(links["a" if i % 2 else "b"], f"text {i}", language=["en", "es"][i % 2])
            for i in range(6)
        ]
        expected = {}
        for index, chosen in plan:
            answer = answers[index]
            picked = [themes[t] for t in chosen]
            apply_themes(facilitator, "answer", answer.pk, picked)
            for theme in themes:
                key = (theme.pk, str(answer.response.organization_id))
                if theme in picked:
                    expected.setdefault(key, set()).add(answer.pk)
                else:
                    # A later decision on the same text replaces the earlier one.
                    expected.get(key, set()).discard(answer.pk)
        cells, totals, overall = theme_counts("organization")
        assert {k: v[0] for k, v in cells.items()} == {k: len(v) for k, v in expected.items() if v}
        per_theme = {}
        for (theme_id, _org), items in expected.items():
            per_theme.setdefault(theme_id, set()).update(items)
        assert {k: v[0] for k, v in totals.items()} == {
            k: len(v) for k, v in per_theme.items() if v
        }
        assert overall[0] == len(set().union(set(), *per_theme.values()))
        transaction.set_rollback(True)


def test_cbo_sees_its_own_theme_counts_only(client, staff_a, facilitator, texts):
    themes = make_themes()
    for text in texts:
        apply_themes(facilitator, "answer", text.pk, [themes[0]])
    client.force_login(staff_a)
    table = client.get(THEMES).context["table"]
    assert table["categories"] == ["Org A"]
    assert table["rows"][0]["total"] == "2"
    client.force_login(facilitator)
    table = client.get(THEMES).context["table"]
    assert table["categories"] == ["Org A", "Org B"]
    assert table["rows"][0]["total"] == "3"


def test_theme_counts_in_public_view_hide_small_counts(client, facilitator, texts):
    themes = make_themes()
    for text in texts:
        apply_themes(facilitator, "answer", text.pk, [themes[0]])
    client.force_login(facilitator)
    page = client.get(THEMES, {"view": "public"})
    assert page.context["table"]["too_few"]
    assert "Too few responses to show." in page.content.decode()


# --- Who may code -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        CODING,
        reverse("findings:agreement"),
        reverse("findings:codebook_themes_csv"),
        reverse("findings:codebook_themes_xlsx"),
        reverse("findings:codebook_qdc"),
        reverse("findings:codebook_import"),
    ],
)
def test_coding_screens_are_the_facilitators(client, staff_a, manager_a, facilitator, url):
    for user in (staff_a, manager_a):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(facilitator)
    assert client.get(url).status_code == 200


def test_agreement_page_shows_kappa_per_theme(client, facilitator, texts):
    themes = make_themes()
    for text, first, second in (
        (texts[0], [themes[0]], [themes[0]]),
        (texts[1], [themes[0]], []),
        (texts[2], [], []),
    ):
        apply_themes(facilitator, "answer", text.pk, first, nothing=not first)
        apply_themes(facilitator, "answer", text.pk, second, second=True, nothing=not second)
    client.force_login(facilitator)
    page = client.get(reverse("findings:agreement"))
    rows = dict(page.context["rows"])
    result = rows[themes[0]]
    assert (result.both, result.first_only, result.second_only, result.neither) == (1, 1, 0, 1)
    assert result.kappa == pytest.approx(0.4)
    assert [d["id"] for d in page.context["disagreements"]] == [texts[1].pk]


def test_second_coder_sees_the_sample_only(facilitator, links):
    from findings.coding import in_sample

    answers = [text_answer(links["a"], f"text {i}") for i in range(30)]
    sampled = {a.pk for a in answers if in_sample("answer", a.pk, 20)}
    seen = set()
    while True:
        item = next_item(facilitator, {}, second=True, sample_percent=20)
        if item is None:
            break
        seen.add(item["id"])
        apply_themes(facilitator, "answer", item["id"], [], second=True, nothing=True)
    assert seen == sampled


# --- Query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("themes, items", [(3, 2), (30, 40)])
def test_queue_and_applying_take_at_most_8_queries(
    client, facilitator, links, themes, items, django_assert_max_num_queries
):
    made = make_themes(themes)
    answers = [text_answer(links["a"], f"text {i}") for i in range(items)]
    client.force_login(facilitator)
    client.get("/staff/")  # the session's idle stamp is written once, as on any staff page
    with django_assert_max_num_queries(8):
        page = client.get(CODING)
    assert page.context["item"]["id"] == answers[0].pk
    with django_assert_max_num_queries(8):
        post_coding(client, answers[0], made[:2], excerpts=[f"{made[0].pk}:0:4"])
    assert Coding.objects.count() == 3
    # Reopening the coded text, with its codings, excerpt and history: 8 as well.
    with django_assert_max_num_queries(8):
        page = client.get(CODING + f"?source=answer&item={answers[0].pk}")
    assert page.context["coded"] == {made[0].pk, made[1].pk}
    assert len(page.context["excerpts"]) == 1 and len(page.context["history"]) == 3


def test_theme_page_query_count_does_not_grow(
    client, facilitator, links, django_assert_max_num_queries
):
    themes = make_themes(12)
    client.force_login(facilitator)
    client.get("/staff/")
    for i in range(20):
        answer = text_answer(links["a"], f"text {i}")
        apply_themes(facilitator, "answer", answer.pk, themes[i % 5 : i % 5 + 3])
    with django_assert_max_num_queries(10):
        page = client.get(THEMES)
    assert page.context["overall"] == (20, 20)


def test_themes_are_a_crosstab_dimension(client, facilitator, links):
    themes = make_themes()
    first = text_answer(links["a"], "one")
    second = text_answer(links["a"], "two")
    other = text_answer(links["b"], "three")
    apply_themes(facilitator, "answer", first.pk, [themes[0], themes[1]])
    apply_themes(facilitator, "answer", second.pk, [themes[1]])
    apply_themes(facilitator, "answer", other.pk, [themes[1]])
    # A second coder's codings are not findings.
    apply_themes(facilitator, "answer", other.pk, [themes[2]], second=True)
    client.force_login(facilitator)
    table = client.get(
        reverse("findings:crosstab"), {"rows": "themes", "cols": "organization"}
    ).context["table"]
    shown = {
        row["label"]: [cell["count"] for cell in row["cells"]] + [row["total"]["count"]]
        for row in table["body"]
    }
    assert [c["label"] for c in table["columns"]] == ["Org A", "Org B"]
    assert shown == {"Trust": [1, 0, 1], "Theme 1": [2, 1, 3]}
    # Totals count each respondent once.
    assert [c["count"] for c in table["footer"]] == [2, 1]
    assert table["total"]["count"] == 3
    assert table["multiple"]


def test_codings_download_lists_each_coding_of_the_users_organizations(
    client, facilitator, staff_a, texts
):
    themes = make_themes()
    apply_themes(facilitator, "answer", texts[0].pk, [themes[0]], [(themes[1], 5, 13, "officers")])
    apply_themes(facilitator, "answer", texts[2].pk, [themes[2]])
    client.force_login(staff_a)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("findings:codings_csv")).content.decode("utf-8-sig"))
        )
    )
    assert rows[0][:6] == ["item", "source", "organization", "community_area", "language", "theme"]
    assert [r[5:8] for r in rows[1:]] == [["trust", "", ""], ["theme-1", "5", "13"]]
    assert {r[2] for r in rows[1:]} == {"Org A"} and {r[8] for r in rows[1:]} == {""}
    client.force_login(facilitator)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("findings:codings_csv")).content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 4 and rows[1][8] == facilitator.email
    # The same table as XLSX, numbers as numbers.
    download = client.get(reverse("findings:codings_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    cells = [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]
    assert [[str(value) for value in row] for row in cells] == rows
    assert cells[2][6:8] == [5, 13]
    # Each download is in the audit log, with its rows.
    from findings.models import DownloadEvent

    logged = DownloadEvent.objects.filter(kind="codings").order_by("pk")
    assert [(e.user_id, e.file_format, e.row_count) for e in logged] == [
        (staff_a.pk, "csv", 2),
        (facilitator.pk, "csv", 3),
        (facilitator.pk, "xlsx", 3),
    ]


# --- Starred quotes ----------------------------------------------------------------------


def test_facilitator_stars_reviews_and_translates_a_quote(client, facilitator, texts):
    from findings.models import StarredQuote

    themes = make_themes()
    apply_themes(facilitator, "answer", texts[1].pk, [themes[0]])  # Spanish response
    coding = Coding.objects.get(answer=texts[1])
    client.force_login(facilitator)
    url = reverse("findings:theme_quotes", args=["trust"])
    page = client.get(url)
    assert [c["coding"].pk for c in page.context["candidates"]] == [coding.pk]
    client.post(url, {"action": "star", "coding": coding.pk})
    client.post(url, {"action": "star", "coding": coding.pk})  # a double click
    quote = StarredQuote.objects.get()
    assert (quote.original, quote.original_language, quote.reviewed) == (
        "Fix the streetlights.",
        "es",
        False,
    )
    client.post(
        url,
        {
            "action": "review",
            "starred": quote.pk,
            f"q{quote.pk}-reviewed": "on",
            f"q{quote.pk}-translation_en": "Fix the street lights.",
            f"q{quote.pk}-translation_zh_hans": "修好路灯。",
        },
    )
    quote.refresh_from_db()
    assert quote.reviewed and quote.reviewed_by == facilitator
    assert (quote.translation_en, quote.translation_zh_hans) == (
        "Fix the street lights.",
        "修好路灯。",
    )
    assert quote.original == "Fix the streetlights."


def test_cbo_reads_its_own_starred_quotes_only(client, facilitator, staff_a, texts):
    from findings.models import StarredQuote

    themes = make_themes()
    for text in (texts[0], texts[2]):
        apply_themes(facilitator, "answer", text.pk, [themes[0]])
    client.force_login(facilitator)
    url = reverse("findings:theme_quotes", args=["trust"])
    for coding in Coding.objects.all():
        client.post(url, {"action": "star", "coding": coding.pk})
    assert StarredQuote.objects.count() == 2
    client.force_login(staff_a)
    page = client.get(url)
    assert [r["quote"].original for r in page.context["rows"]] == [texts[0].text]
    assert page.context["candidates"] == []
    assert texts[2].text not in page.content.decode()
    quote = StarredQuote.objects.get(original=texts[0].text)
    assert client.post(url, {"action": "unstar", "starred": quote.pk}).status_code == 404
    assert StarredQuote.objects.count() == 2


def test_correcting_a_paper_text_keeps_its_codings(facilitator, links):
    from surveys.models import Answer
    from surveys.workspace import replace_answers

    answer = text_answer(links["a"], "More officers walking the block.")
    themes = make_themes()
    apply_themes(facilitator, "answer", answer.pk, [themes[0]], [(themes[1], 14, 21, "walking")])
    fixed = Answer(question=answer.question, text="More officers talking with us.")
    replace_answers(answer.response, [fixed], ["idea"])
    answer.refresh_from_db()
    assert answer.text == "More officers talking with us."
    assert Coding.objects.filter(answer=answer).count() == 2
    assert Coding.objects.get(answer=answer, start=14).needs_review


def test_spss_names_stay_unique_when_a_question_shares_a_metadata_name(survey):
    from findings.exports import ResponseTable

    survey.questions.filter(code="home_area").update(code="community_area")
    survey.refresh_from_db()
    names = ResponseTable(survey, language="en", free_text=True, spss=True).header()
    assert len(names) == len(set(names))
    assert "community_area" in names and "community_area_2" in names
