"""Downloads: responses as CSV, XLSX and SPSS .sav with the results page's filters and the
chosen options, the codebook, listening sessions; formula injection; the audit log; query
counts that do not grow with rows."""

import csv
import io
import random
import subprocess
import time
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pyreadstat
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from modeltranslation.utils import build_localized_fieldname

from findings.exports import CHICAGO, FORMULA_STARTS, SPECIAL_VALUES, ResponseTable
from findings.models import DownloadEvent
from surveys.models import Answer, ListeningSession, Response

from .factories import make_response

pytestmark = pytest.mark.django_db

META = [
    "response_id",
    "organization",
    "link",
    "channel",
    "language",
    "languages_used",
    "community_area",
    "submitted_at",
    "status",
    "exclusion_reason",
    "paper_batch",
    "paper_serial",
]


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response):
    body = body_of(response)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(body_of(response)))


def read_sav(response, tmp_path):
    path = tmp_path / "download.sav"
    path.write_bytes(body_of(response))
    return pyreadstat.read_sav(str(path), user_missing=True)


def answer(response, question_code, choice_code=None, **fields):
    question = response.instrument.questions.get(code=question_code)
    source = question.parent or question
    choice = source.choices.get(code=choice_code) if choice_code else None
    return Answer.objects.create(response=response, question=question, choice=choice, **fields)


def download(client, name, instrument, **params):
    return client.get(reverse(f"findings:{name}"), {"instrument": instrument.code, **params})


def test_responses_csv_has_metadata_and_labels_in_the_chosen_language(
    client, staff_a, links, areas
):
    mine = make_response(
        links["a"], language="zh-hans", languages_used=["en", "zh-hans"], area=areas.first()
    )
    answer(mine, "trust", "agree")
    answer(mine, "worries", "traffic")
    answer(mine, "worries", "other", text="噪音")
    answer(mine, "who_noise", "police")
    answer(mine, "idea", text="更多路灯")
    answer(mine, "household", number=3)
    theirs = make_response(links["b"])
    answer(theirs, "trust", "disagree")
    client.force_login(staff_a)
    header, *data = read_csv(
        download(client, "responses_csv", mine.instrument, labels="zh-hans", free_text="on")
    )
    assert header == META + [
        "home_area",
        "contact",
        "trust",
        "treated",
        "worries__traffic",
        "worries__theft",
        "worries__other",
        "worries",
        "worries__other_text",
        "who_crisis",
        "who_noise",
        "household",
        "zip",
        "idea",
    ]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    submitted = mine.submitted_at.astimezone(CHICAGO).isoformat("T", "seconds")
    assert [row[name] for name in META] == [
        str(mine.pk),
        "Org A",
        links["a"].label or links["a"].short_code,
        "web",
        "zh-hans",
        "en zh-hans",
        areas.first().name,
        submitted,
        "included",
        "",
        "",
        "",
    ]
    assert submitted.endswith(("-05:00", "-06:00"))
    assert (row["trust"], row["who_noise"], row["household"], row["idea"]) == (
        "同意",
        "警察",
        "3",
        "更多路灯",
    )
    assert (row["worries__traffic"], row["worries__theft"], row["worries__other"]) == (
        "1",
        "0",
        "1",
    )
    assert (row["worries"], row["worries__other_text"]) == ("交通; 其他", "噪音")
    # Not answered: empty, not 0.
    assert (row["contact"], row["who_crisis"]) == ("", "")


def test_responses_csv_leaves_free_text_out_by_default(client, staff_a, link):
    response = make_response(link)
    answer(response, "idea", text="My name is Ana, 123 Main St")
    answer(response, "worries", "other", text="my neighbour Bob")
    answer(response, "zip", text="60608")
    client.force_login(staff_a)
    header, row = read_csv(download(client, "responses_csv", link.instrument))
    assert "idea" not in header and "worries__other_text" not in header
    assert "Ana" not in ",".join(row) and "Bob" not in ",".join(row)
    assert dict(zip(header, row, strict=True))["zip"] == "60608"


@pytest.mark.parametrize(
    ("multiple", "columns"),
    [
        ("columns", ["worries__traffic", "worries__theft", "worries__other"]),
        ("joined", ["worries"]),
    ],
)
def test_responses_csv_multiple_choice_as_chosen(client, staff_a, link, multiple, columns):
    response = make_response(link)
    answer(response, "worries", "theft")
    client.force_login(staff_a)
    header, row = read_csv(
        download(client, "responses_csv", link.instrument, multiple=multiple, labels="es")
    )
    assert [name for name in header if name.startswith("worries")] == columns
    values = [dict(zip(header, row, strict=True))[name] for name in columns]
    assert values == (["0", "1", "0"] if multiple == "columns" else ["Los robos"])


def test_responses_csv_codes_instead_of_labels(client, staff_a, link):
    response = make_response(link)
    answer(response, "trust", "agree")
    answer(response, "worries", "traffic")
    answer(response, "worries", "theft")
    answer(response, "contact", special="prefer_not")
    client.force_login(staff_a)
    header, row = read_csv(download(client, "responses_csv", link.instrument, labels="codes"))
    row = dict(zip(header, row, strict=True))
    assert (row["trust"], row["worries"], row["contact"]) == (
        "agree",
        "traffic; theft",
        "prefer_not",
    )


def test_responses_download_of_all_has_excluded_ones_with_their_reason(client, staff_a, link):
    kept = make_response(link)
    spam = make_response(link, status="excluded", exclusion_reason="spam")
    client.force_login(staff_a)
    _header, *included = read_csv(download(client, "responses_csv", link.instrument))
    assert [row[0] for row in included] == [str(kept.pk)]
    header, *everything = read_csv(download(client, "responses_csv", link.instrument, scope="all"))
    status = {row[0]: (row[8], row[9]) for row in everything}
    assert status == {str(kept.pk): ("included", ""), str(spam.pk): ("excluded", "spam")}


def test_responses_download_uses_the_results_filters(client, facilitator, links):
    spanish = make_response(links["a"], language="es", channel="kiosk")
    make_response(links["a"], language="en")
    make_response(links["b"], language="es")
    old = make_response(links["a"], language="es", channel="kiosk")
    Response.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=40))
    client.force_login(facilitator)
    _header, *rows = read_csv(
        download(
            client,
            "responses_csv",
            links["a"].instrument,
            org="org-a",
            language="es",
            channel="kiosk",
            date_from=(timezone.now() - timedelta(days=5)).date().isoformat(),
        )
    )
    assert [row[0] for row in rows] == [str(spanish.pk)]


@pytest.mark.parametrize("name", ["responses_csv", "responses_xlsx", "responses_sav"])
def test_responses_download_with_bad_dates_shows_the_page_with_the_error(
    client, staff_a, link, name
):
    make_response(link)
    client.force_login(staff_a)
    response = download(
        client, name, link.instrument, date_from="2026-10-02", date_to="2026-10-01", labels="es"
    )
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'class="alert alert-danger error-summary"' in html
    assert '<a href="#id_date_to">To: The end date must be on or after the start date.</a>' in html
    # What was chosen is still chosen.
    assert 'value="2026-10-02"' in html and '<option value="es" selected>' in html
    assert DownloadEvent.objects.count() == 0


def test_downloads_page_tells_whose_data_and_why_free_text_is_left_out(
    client, staff_a, facilitator, survey
):
    client.force_login(staff_a)
    html = client.get(reverse("findings:downloads")).content.decode()
    assert "These files hold your organization's data only." in html
    assert "residents sometimes write names, addresses" in html
    client.force_login(facilitator)
    html = client.get(reverse("findings:downloads")).content.decode()
    assert "These files hold every organization's data." in html
    assert "your organization" not in html


# --- Round trip: every value and label read back -------------------------------------------


def generate(links, areas, count=30, seed=7):
    """Responses over two organizations in three languages, web and paper, some excluded,
    with every kind of answer, special answers and text that starts a formula."""
    rng = random.Random(seed)
    survey = links["a"].instrument
    questions = {q.code: q for q in survey.questions.all()}
    choice = {
        (q, c.code): c
        for q in questions
        for c in (questions[q].parent or questions[q]).choices.all()
    }
    texts = ["更多路灯", "Más luz en la calle", "=1+1", "@home", "+x", "-minus", "plain", "\tTab"]
    area_list = list(areas.order_by("number")[:5])
    start = timezone.now() - timedelta(days=20)
    for index in range(count):
        org = "a" if index % 3 else "b"
        paper = index % 4 == 0
        response = Response.objects.create(
            instrument=survey,
            organization=links[org].organization,
            link=None if paper else links[org],
            channel="paper" if paper else "web",
            language=["en", "es", "zh-hans"][index % 3],
            languages_used=["en", ["es", "zh-hans"][index % 2]],
            submitted_at=start + timedelta(hours=7 * index, seconds=index),
            area=rng.choice(area_list + [None]),
            status="excluded" if index % 7 == 3 else "included",
            exclusion_reason="test" if index % 7 == 3 else "",
            paper_batch=rng.choice(["B1", "=B2", "-3"]) if paper else "",
            paper_serial=str(index) if paper else "",
        )
        made = []

        def add(code, choice_code=None, made=made, response=response, **fields):
            made.append(
                Answer(
                    response=response,
                    question=questions[code],
                    choice=choice[(code, choice_code)] if choice_code else None,
                    **fields,
                )
            )

        if rng.random() < 0.8:
            add("home_area", area=rng.choice(area_list))
        else:
            add("home_area", special="dont_know")
        contact = rng.choice(["yes", "no", None])
        if contact:
            add("contact", contact)
            if contact == "yes":
                add("treated", rng.choice(["fair", "unfair"]))
        if rng.random() < 0.85:
            add("trust", rng.choice(["disagree", "neutral", "agree"]))
        else:
            add("trust", special=rng.choice(["prefer_not", "no_answer"]))
        for code in ("traffic", "theft", "other"):
            if rng.random() < 0.5:
                add("worries", code, text=rng.choice(texts) if code == "other" else "")
        for row in ("who_crisis", "who_noise"):
            if rng.random() < 0.9:
                add(row, rng.choice(["police", "professional"]))
        add("household", number=Decimal(rng.choice(["1", "2", "2.5", "11"])))
        if rng.random() < 0.7:
            add("zip", text=rng.choice(["60608", "=60609"]))
        if rng.random() < 0.7:
            add("idea", text=rng.choice(texts))
        Answer.objects.bulk_create(made)
    return survey


def label(obj, field, language):
    return getattr(obj, build_localized_fieldname(field, language))


def expected_rows(survey, language, spss=False):
    """The stored data as each download should show it, worked out from the models."""
    specials = {}
    for code, text in Answer.Special.choices:
        with translation.override(language):
            specials[code] = str(text)
    numeric = {"trust", "contact", "treated", "who_crisis", "who_noise", "household"}
    rows = []
    responses = Response.objects.filter(instrument=survey).order_by("submitted_at", "id")
    for response in responses.select_related("organization", "link", "area"):
        submitted = response.submitted_at.astimezone(CHICAGO)
        row = {
            "response_id": str(response.pk),
            "organization": response.organization.name,
            "link": (response.link.label or response.link.short_code) if response.link else "",
            "channel": response.channel,
            "language": response.language,
            "languages_used": " ".join(response.languages_used),
            "community_area": response.area.name if response.area else "",
            "submitted_at": submitted.replace(tzinfo=None, microsecond=0)
            if spss
            else submitted.isoformat("T", "seconds"),
            "status": response.status,
            "exclusion_reason": response.exclusion_reason,
            "paper_batch": response.paper_batch,
            "paper_serial": response.paper_serial,
        }
        worries = []
        for a in response.answers.select_related("question", "choice", "area"):
            code = a.question.code
            if a.special:
                row[code] = (
                    SPECIAL_VALUES[a.special] if spss and code in numeric else specials[a.special]
                )
            elif code == "worries":
                worries.append(a.choice)
                if a.text:
                    row["worries__other_text"] = a.text
            elif a.choice:
                if spss:
                    choices = list((a.question.parent or a.question).choices.order_by("order"))
                    row[code] = a.choice.value or choices.index(a.choice) + 1
                else:
                    row[code] = label(a.choice, "label", language)
            elif a.area:
                row[code] = a.area.name
            elif a.number is not None:
                row[code] = a.number
            else:
                row[code] = a.text
        if worries:
            for c in ("traffic", "theft", "other"):
                row[f"worries__{c}"] = int(c in {w.code for w in worries})
            worries.sort(key=lambda c: c.order)
            row["worries"] = "; ".join(label(c, "label", language) for c in worries)
        rows.append(row)
    return rows


TEXT = {"s", "inlineStr"}  # how openpyxl reads back a text cell, never "f" (a formula)
OPTIONS = {"scope": "all", "free_text": "on", "multiple": "both"}


def mismatches(expected, header, rows, read):
    """(row, column, expected, read) for every cell that differs; every header column is
    compared, and every expected value must have a column."""
    found = []
    assert len(rows) == len(expected)
    for want, got in zip(expected, rows, strict=True):
        got = dict(zip(header, got, strict=True))
        assert set(want) <= set(got), set(want) - set(got)
        for column in header:
            value = read(column, got[column])
            if value != want.get(column, None):
                found.append((want["response_id"], column, want.get(column), value))
    return found


def test_csv_round_trip_has_every_value(client, facilitator, links, areas):
    survey = generate(links, areas)
    client.force_login(facilitator)
    header, *rows = read_csv(download(client, "responses_csv", survey, labels="zh-hans", **OPTIONS))

    def read(column, text):
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]  # the one apostrophe the download added
        if text == "":
            return None if column not in META else ""
        if column.startswith("worries__") and column != "worries__other_text":
            return int(text)
        if column == "household":
            return Decimal(text)
        return text

    expected = expected_rows(survey, "zh-hans")
    assert mismatches(expected, header, rows, read) == []
    assert any(row.get("trust") == "同意" for row in expected)
    assert any(str(row.get("idea", "")).startswith("=") for row in expected)


def test_xlsx_round_trip_has_every_value_codebook_and_about_sheets(
    client, facilitator, links, areas
):
    survey = generate(links, areas)
    client.force_login(facilitator)
    workbook = read_xlsx(download(client, "responses_xlsx", survey, labels="es", **OPTIONS))
    assert workbook.sheetnames == ["Data", "Codebook", "About this file"]
    data = workbook["Data"]
    header, *rows = [[cell.value for cell in row] for row in data.iter_rows()]
    # Text that starts a formula is a text cell, never a formula, with no apostrophe.
    assert {cell.data_type for row in data.iter_rows() for cell in row} <= TEXT | {"n"}

    def read(column, value):
        if value is None:
            return None if column not in META else ""
        if column == "household":
            return Decimal(str(value))
        return value

    expected = expected_rows(survey, "es")
    assert mismatches(expected, header, rows, read) == []
    assert any(row.get("trust") == "De acuerdo" for row in expected)
    codebook = [[c.value for c in row] for row in workbook["Codebook"].iter_rows()]
    assert codebook[0][:8] == [
        "variable",
        "question_code",
        "type",
        "section",
        "matrix",
        "choice_code",
        "value",
        "spss_value",
    ]
    assert [
        "trust",
        "trust",
        None,
        None,
        None,
        "agree",
        3,
        3,
        "Agree",
        "De acuerdo",
        "同意",
    ] in codebook
    about = dict((row[0].value, row[1].value) for row in workbook["About this file"].iter_rows())
    assert about["Rows"] == 30
    assert about["Responses"] == "All responses, with their status and exclusion reason"
    assert about["Organizations"] == "Every organization's data"
    assert about["Answers as"] == "Labels in español"
    assert about["Downloaded by"] == facilitator.email


def test_sav_round_trip_has_every_value_and_label(client, facilitator, links, areas, tmp_path):
    survey = generate(links, areas)
    client.force_login(facilitator)
    frame, meta = read_sav(
        download(client, "responses_sav", survey, labels="zh-hans", **OPTIONS), tmp_path
    )
    header = list(frame.columns)
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()

    def read(column, value):
        if value is None or value == "":
            return None if column not in META else ""
        if column == "submitted_at":
            return value.to_pydatetime().replace(microsecond=0)
        if column == "household":
            return Decimal(str(value))
        if isinstance(value, float):
            return int(value)
        return value

    expected = expected_rows(survey, "zh-hans", spss=True)
    assert mismatches(expected, header, rows, read) == []
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["trust"] == "我信任警察。"
    assert labels["who_noise"] == "应该由谁来处理? – 噪音投诉"
    assert labels["worries__theft"] == "您担心什么? – 盗窃"
    assert meta.variable_value_labels["trust"] == {
        1: "不同意",
        2: "中立",
        3: "同意",
        991: "我不知道" if False else meta.variable_value_labels["trust"][991],
        992: meta.variable_value_labels["trust"][992],
        993: meta.variable_value_labels["trust"][993],
        994: meta.variable_value_labels["trust"][994],
    }
    assert meta.variable_value_labels["who_noise"] == {1: "警察", 2: "专业人员"} | {
        k: v for k, v in meta.variable_value_labels["who_noise"].items() if k > 990
    }
    with translation.override("zh-hans"):
        assert meta.variable_value_labels["trust"][992] == str(Answer.Special.PREFER_NOT.label)


@pytest.mark.parametrize("seed", [3, 11])
def test_theme_columns_match_the_coding_in_every_format(
    client, facilitator, manager_a, links, areas, tmp_path, seed
):
    """Theme columns against a plain-Python recomputation from the stored codings: a
    response has 1 for a theme when the first coder gave it to any of its texts (a whole
    text or an excerpt); a second coder's codings never count."""
    from findings.coding import apply_themes
    from findings.models import Coding, Theme

    survey = generate(links, areas, seed=seed)
    rng = random.Random(seed)
    parent = Theme.objects.create(code="trust", name_en="Trust", name_zh_hans="信任")
    child = Theme.objects.create(code="foot-patrol", name_en="Patrols", parent=parent, order=1)
    retired = Theme.objects.create(code="old", name_en="Old", retired=True, order=2)
    themes = [parent, child, retired]
    texts = Answer.objects.filter(response__instrument=survey).exclude(text="")
    for item in texts:
        chosen = [t for t in themes if rng.random() < 0.3]
        excerpts = [(child, 0, 1, item.text[:1])] if rng.random() < 0.2 else []
        apply_themes(facilitator, "answer", item.pk, chosen, excerpts)
        if rng.random() < 0.3:
            apply_themes(manager_a, "answer", item.pk, [retired], second=True)
    expected = {}
    for coding in Coding.objects.filter(second=False).select_related("answer"):
        expected.setdefault(str(coding.answer.response_id), set()).add(coding.theme.code)
    assert expected, "the generated coding is empty"
    codes = ["trust", "foot-patrol", "old"]

    def check(header, rows, read=lambda v: v, name=lambda code: f"theme__{code}"):
        assert [c for c in header if c.startswith("theme__")] == [name(c) for c in codes]
        assert len(rows) == Response.objects.filter(instrument=survey).count()
        for row in rows:
            got = dict(zip(header, row, strict=True))
            want = expected.get(got["response_id"], set())
            assert {c: read(got[name(c)]) for c in codes} == {c: int(c in want) for c in codes}

    client.force_login(facilitator)
    options = {**OPTIONS, "themes": "on"}
    header, *rows = read_csv(download(client, "responses_csv", survey, **options))
    check(header, rows, int)
    workbook = read_xlsx(download(client, "responses_xlsx", survey, labels="zh-hans", **options))
    header, *rows = [[cell.value for cell in row] for row in workbook["Data"].iter_rows()]
    check(header, rows)
    codebook = [[cell.value for cell in row] for row in workbook["Codebook"].iter_rows()]
    assert ["theme__trust", None, "theme", None, None, None, "0/1", None, "Trust"] == codebook[-3][
        :9
    ]
    assert "信任" in codebook[-3]
    frame, meta = read_sav(download(client, "responses_sav", survey, **options), tmp_path)
    check(
        list(frame.columns),
        frame.astype(object).values.tolist(),
        int,
        lambda code: "theme__" + code.replace("-", "_"),  # SPSS names have no hyphen
    )
    assert meta.variable_value_labels["theme__foot_patrol"] == {0: "Not coded", 1: "Coded"}
    assert (
        dict(zip(meta.column_names, meta.column_labels, strict=True))["theme__trust"]
        == "Theme: Trust"
    )
    # Without the option, no theme column.
    header, *_rows = read_csv(download(client, "responses_csv", survey, **OPTIONS))
    assert not [c for c in header if c.startswith("theme__")]


def test_pspp_reads_the_sav_and_counts_like_us(client, facilitator, links, areas, tmp_path):
    survey = generate(links, areas, count=40)
    client.force_login(facilitator)
    path = tmp_path / "responses.sav"
    path.write_bytes(body_of(download(client, "responses_sav", survey, labels="en")))
    syntax = tmp_path / "frequencies.sps"
    syntax.write_text(f"GET FILE='{path}'.\nFREQUENCIES VARIABLES=trust.\n")
    output = tmp_path / "out.csv"
    subprocess.run(["pspp", "-o", str(output), str(syntax)], check=True, timeout=60)
    printed = list(csv.reader(output.open(encoding="utf-8")))
    counts = {}
    for row in printed:
        if len(row) >= 3 and row[1] in {"Disagree", "Neutral", "Agree"}:
            counts[row[1]] = int(row[2])
    ours = {}
    for a in Answer.objects.filter(
        response__instrument=survey, response__status="included", question__code="trust"
    ).select_related("choice"):
        if a.choice:
            ours[a.choice.label_en] = ours.get(a.choice.label_en, 0) + 1
    assert counts == ours
    assert sum(ours.values()) > 20


# --- Codebook and sessions -------------------------------------------------------------


def test_codebook_lists_every_variable_with_wording_in_each_language(client, staff_a, survey):
    client.force_login(staff_a)
    rows = read_csv(client.get(reverse("findings:codebook_csv"), {"instrument": survey.code}))
    assert rows[0] == [
        "variable",
        "question_code",
        "type",
        "section",
        "matrix",
        "choice_code",
        "value",
        "spss_value",
        "text_en",
        "text_es",
        "text_zh-hans",
    ]
    assert ["trust", "trust", "", "", "", "agree", "3", "3", "Agree", "De acuerdo", "同意"] in rows
    assert [
        "worries__theft",
        "worries",
        "",
        "",
        "",
        "theft",
        "",
        "2",
        "Theft",
        "Los robos",
        "盗窃",
    ] in rows
    assert [
        "who_noise",
        "who_noise",
        "single",
        "2",
        "who",
        "",
        "",
        "",
        "A noise complaint",
        "Una queja por ruido",
        "噪音投诉",
    ] in rows
    assert ["submitted_at", "", "metadata", "", "", "", "", ""] == rows[8][:8]
    assert ["", "", "special", "", "", "prefer_not", "", "992"] == rows[-3][:8]
    assert rows[-3][8:10] == ["Prefer not to say", "Prefiero no decirlo"]


def test_codebook_xlsx_has_the_same_rows_as_the_csv(client, staff_a, survey):
    client.force_login(staff_a)
    rows = read_csv(client.get(reverse("findings:codebook_csv"), {"instrument": survey.code}))
    workbook = read_xlsx(client.get(reverse("findings:codebook_xlsx"), {"instrument": survey.code}))
    sheet = [["" if c.value is None else str(c.value) for c in row] for row in workbook.active]
    assert sheet == rows


def make_sessions(staff, guide, **fields):
    session = ListeningSession.objects.create(
        organization=staff.membership.organization,
        guide=guide,
        held_on=date(2026, 10, 1),
        created_by=staff,
        place=fields.pop("place", f"Hall of {staff.membership.organization.name}"),
    )
    prompt = guide.questions.get(code="police")
    session.notes.create(
        question=prompt,
        summary=fields.get("summary", "They want counselors."),
        note=fields.get("note", ""),
    )
    session.quotes.create(
        question=prompt,
        text=fields.get("quote", "Send help, not handcuffs."),
        descriptor=fields.get("descriptor", "parent"),
    )
    return session


def test_sessions_csv_has_prompts_and_quotes_of_own_sessions(client, staff_a, staff_b, guide):
    for staff in (staff_a, staff_b):
        make_sessions(staff, guide)
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


def test_sessions_xlsx_has_the_same_rows_as_the_csv(client, staff_a, guide):
    make_sessions(staff_a, guide, summary="=cmd|' /C calc'!A0", quote="@SUM(1)")
    client.force_login(staff_a)
    rows = read_csv(client.get(reverse("findings:sessions_csv")))
    sheet = read_xlsx(client.get(reverse("findings:sessions_xlsx"))).active
    values = [["" if c.value is None else str(c.value) for c in row] for row in sheet]
    unquoted = [[v[1:] if v.startswith("'") else v for v in row] for row in rows]
    assert values == unquoted
    assert sheet["N3"].value == "=cmd|' /C calc'!A0" and sheet["N3"].data_type in TEXT


# --- Formula injection -----------------------------------------------------------------


def injected(links, org_a):
    org_a.name = "@Org A"
    org_a.save(update_fields=["name"])
    mine = make_response(links["a"], paper_batch="=1+1", paper_serial="-5")
    answer(mine, "idea", text='=HYPERLINK("http://evil.example","x")')
    answer(mine, "worries", "other", text="+1 Speeding")
    answer(mine, "zip", text="\t60608")
    answer(mine, "household", number=-3)
    return mine


def test_responses_csv_text_cells_cannot_start_a_formula(client, staff_a, links, org_a):
    mine = injected(links, org_a)
    client.force_login(staff_a)
    header, row = read_csv(download(client, "responses_csv", mine.instrument, free_text="on"))
    row = dict(zip(header, row, strict=True))
    assert (row["organization"], row["paper_batch"], row["paper_serial"]) == (
        "'@Org A",
        "'=1+1",
        "'-5",
    )
    assert row["idea"] == '\'=HYPERLINK("http://evil.example","x")'
    assert (row["worries"], row["worries__other_text"]) == ("Other", "'+1 Speeding")
    assert row["zip"] == "'\t60608"
    # A number is a number: never prefixed.
    assert row["household"] == "-3"


def test_responses_xlsx_text_cells_are_text_never_formulas(client, staff_a, links, org_a):
    mine = injected(links, org_a)
    client.force_login(staff_a)
    sheet = read_xlsx(download(client, "responses_xlsx", mine.instrument, free_text="on"))["Data"]
    header = [c.value for c in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    for name, value in [
        ("organization", "@Org A"),
        ("paper_batch", "=1+1"),
        ("paper_serial", "-5"),
        ("idea", '=HYPERLINK("http://evil.example","x")'),
        ("worries__other_text", "+1 Speeding"),
        ("zip", "\t60608"),
    ]:
        assert row[name].value == value and row[name].data_type in TEXT, name
    assert (row["household"].value, row["household"].data_type) == (-3, "n")


def test_sessions_csv_text_cells_cannot_start_a_formula(client, staff_a, guide):
    make_sessions(
        staff_a,
        guide,
        place="-Hall",
        summary="=cmd|' /C calc'!A0",
        note="\rnote",
        quote="@SUM(1)",
        descriptor="=parent",
    )
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
    assert [
        "trust",
        "trust",
        "",
        "",
        "",
        "agree",
        "-1",
        "-1",
        "'=Agree",
        "De acuerdo",
        "同意",
    ] in rows
    workbook = read_xlsx(client.get(reverse("findings:codebook_xlsx"), {"instrument": survey.code}))
    cells = [c for row in workbook.active.iter_rows() for c in row if c.value == "=Agree"]
    assert len(cells) == 1 and cells[0].data_type in TEXT


# --- Audit log -------------------------------------------------------------------------


def test_downloads_are_recorded_with_who_what_filters_and_rows(
    client, staff_a, facilitator, links, org_a, tmp_path
):
    for _ in range(3):
        make_response(links["a"])
    make_response(links["b"])
    client.force_login(staff_a)
    body_of(download(client, "responses_csv", links["a"].instrument, language="en"))
    client.force_login(facilitator)
    body_of(download(client, "responses_xlsx", links["a"].instrument))
    body_of(download(client, "responses_sav", links["a"].instrument, org="org-a"))
    client.get(reverse("findings:codebook_csv"), {"instrument": links["a"].instrument.code})
    events = list(
        DownloadEvent.objects.order_by("created_at", "pk").values_list(
            "user", "organization", "kind", "file_format", "row_count"
        )
    )
    assert events == [
        (staff_a.pk, org_a.pk, "responses", "csv", 3),
        (facilitator.pk, None, "responses", "xlsx", 4),
        (facilitator.pk, org_a.pk, "responses", "sav", 3),
        (facilitator.pk, None, "codebook", "csv", None),
    ]
    first = DownloadEvent.objects.order_by("created_at", "pk").first()
    assert first.filters == {"instrument": [links["a"].instrument.code], "language": ["en"]}


# --- Query counts ----------------------------------------------------------------------


def many_responses(link, count):
    trust = link.instrument.questions.get(code="trust")
    worries = link.instrument.questions.get(code="worries")
    agree = trust.choices.get(code="agree")
    traffic = worries.choices.get(code="traffic")
    responses = Response.objects.bulk_create(
        [
            Response(
                instrument=link.instrument,
                organization=link.organization,
                link=link,
                channel="web",
                language="en",
            )
            for _ in range(count)
        ]
    )
    Answer.objects.bulk_create(
        [Answer(response=r, question=trust, choice=agree) for r in responses]
        + [Answer(response=r, question=worries, choice=traffic) for r in responses]
    )


@pytest.mark.parametrize("name", ["responses_csv", "responses_xlsx", "responses_sav"])
def test_responses_download_query_count_does_not_grow_with_rows(
    client, staff_a, link, name, django_assert_max_num_queries
):
    client.force_login(staff_a)
    many_responses(link, 10)
    with django_assert_max_num_queries(16):
        assert len(body_of(download(client, name, link.instrument, themes="on"))) > 0
    many_responses(link, 990)
    with django_assert_max_num_queries(16):
        body = body_of(download(client, name, link.instrument, themes="on"))
    if name == "responses_csv":
        assert body.count(b"\n") == 1001


def test_sessions_download_query_count(client, staff_a, guide, django_assert_max_num_queries):
    client.force_login(staff_a)
    make_sessions(staff_a, guide)
    with django_assert_max_num_queries(13):
        client.get(reverse("findings:sessions_csv"))
    for _ in range(30):
        make_sessions(staff_a, guide)
    with django_assert_max_num_queries(13):
        client.get(reverse("findings:sessions_xlsx"))


def test_response_rows_are_the_same_whatever_the_chunk_size(links, areas, facilitator):
    survey = generate(links, areas, count=12)
    table = ResponseTable(survey, language="zh-hans", free_text=True)
    responses = Response.objects.visible_to(facilitator).filter(instrument=survey)
    assert list(table.rows(responses, chunk_size=5)) == list(table.rows(responses))
    assert len(list(table.rows(responses, chunk_size=5))) == 12


@pytest.mark.django_db(transaction=True)
def test_rows_read_ahead_on_a_second_connection_are_the_same(links, areas, facilitator):
    """Outside a transaction the next chunk's answers are read on another connection: the
    rows are the same as read one chunk after the other on one connection."""
    from django.db import connections, transaction

    survey = generate(links, areas, count=12)
    table = ResponseTable(survey, language="es", free_text=True)
    responses = Response.objects.visible_to(facilitator).filter(instrument=survey)
    sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    with connections["default"].cursor() as cursor:
        cursor.execute(sessions)
        before = cursor.fetchone()[0]
        read_ahead = list(table.rows(responses, chunk_size=5))
        # The reading thread's connection is closed (its server process ends a moment
        # after the client hangs up).
        for _attempt in range(50):
            cursor.execute(sessions)
            if cursor.fetchone()[0] == before:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the reading thread's connection is still open")
    with transaction.atomic():
        one_by_one = list(table.rows(responses, chunk_size=5))
    assert read_ahead == one_by_one and len(read_ahead) == 12


def test_sav_is_the_same_when_more_responses_arrive_than_were_counted(
    links, areas, facilitator, tmp_path
):
    from findings.exports import write_responses_sav

    survey = generate(links, areas, count=12)
    table = ResponseTable(survey, language="es", free_text=True, spss=True)
    responses = Response.objects.visible_to(facilitator).filter(instrument=survey)
    assert write_responses_sav(table, responses, [], tmp_path / "a.sav", total=3) == 12
    assert write_responses_sav(table, responses, [], tmp_path / "b.sav") == 12
    grown, _meta = pyreadstat.read_sav(str(tmp_path / "a.sav"), user_missing=True)
    counted_first, _meta = pyreadstat.read_sav(str(tmp_path / "b.sav"), user_missing=True)
    assert len(grown) == 12 and grown.equals(counted_first)


# --- Large files: prepared in the background on the task queue ----------------------------


def run_worker(files):
    """The task queue's real worker, in its own process as in production (`make run` keeps
    one up), once over what is waiting."""
    import os
    import sys
    from pathlib import Path

    from django.db import connection

    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DATABASE_URL": url, "PREPARED_FILES_DIR": str(files)},
        check=True,
        timeout=120,
    )


@pytest.mark.parametrize("file_format", ["xlsx", "sav"])
@pytest.mark.django_db(transaction=True)
def test_a_large_download_is_prepared_in_the_background_with_progress(
    client, settings, facilitator, links, areas, tmp_path, file_format
):
    from findings.models import PreparedFile

    survey = generate(links, areas, count=12)
    client.force_login(facilitator)
    params = {**OPTIONS, "labels": "es"}
    inline = download(client, f"responses_{file_format}", survey, **params)
    settings.DOWNLOAD_INLINE_ROWS = 5
    settings.PREPARED_FILES_DIR = tmp_path / "prepared"
    asked = download(client, f"responses_{file_format}", survey, **params)
    prepared = PreparedFile.objects.get()
    assert asked.status_code == 302 and asked["Location"] == reverse(
        "findings:prepared", args=[prepared.pk]
    )
    page = client.get(asked["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waiting to start" in html and '<progress id="prepared-progress"' in html
    assert "0 of 12 rows" in html
    assert client.get(asked["Location"] + "?json").json()["status"] == "queued"

    run_worker(settings.PREPARED_FILES_DIR)

    status = client.get(asked["Location"] + "?json").json()
    assert status["status"] == "ready" and status["percent"] == 100
    assert status["rows_total"] == 12
    page = client.get(asked["Location"]).content.decode()
    assert f'href="{status["file_url"]}"' in page and "Download the file" in page
    ready = client.get(status["file_url"])
    assert ready["Content-Disposition"].startswith("attachment")
    # The same file as a download made in the request.
    if file_format == "xlsx":
        made, direct = read_xlsx(ready), read_xlsx(inline)
        for sheet in ("Data", "Codebook"):
            assert [[c.value for c in r] for r in made[sheet].iter_rows()] == [
                [c.value for c in r] for r in direct[sheet].iter_rows()
            ]
    else:
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        made, made_meta = read_sav(ready, tmp_path / "a")
        direct, direct_meta = read_sav(inline, tmp_path / "b")
        assert made.equals(direct)
        assert made_meta.variable_value_labels == direct_meta.variable_value_labels
    event = DownloadEvent.objects.filter(file_format=file_format).latest("pk")
    assert event.row_count == 12


@pytest.mark.django_db(transaction=True)
def test_a_prepared_file_is_its_owners_alone_and_holds_only_their_rows(
    client, settings, facilitator, staff_a, staff_b, links, areas, tmp_path
):
    from findings.models import PreparedFile

    survey = generate(links, areas, count=12)
    settings.DOWNLOAD_INLINE_ROWS = 1
    settings.PREPARED_FILES_DIR = tmp_path
    client.force_login(staff_a)
    asked = download(client, "responses_xlsx", survey, scope="all")
    run_worker(tmp_path)
    prepared = PreparedFile.objects.get()
    file_url = reverse("findings:prepared_file", args=[prepared.pk])
    rows = list(read_xlsx(client.get(file_url))["Data"].iter_rows(values_only=True))
    organizations = {row[1] for row in rows[1:]}
    assert organizations == {"Org A"} and len(rows) - 1 == prepared.rows_total
    for other in (staff_b, facilitator):
        client.force_login(other)
        assert client.get(asked["Location"]).status_code == 404
        assert client.get(file_url).status_code == 404
    # After PREPARED_FILE_HOURS the file is gone.
    client.force_login(staff_a)
    PreparedFile.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert client.get(file_url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_download_of_a_user_deactivated_meanwhile_is_not_made(
    client, settings, staff_a, links, areas, tmp_path
):
    from findings.models import PreparedFile

    survey = generate(links, areas, count=6)
    settings.DOWNLOAD_INLINE_ROWS = 1
    settings.PREPARED_FILES_DIR = tmp_path
    client.force_login(staff_a)
    download(client, "responses_sav", survey)
    type(staff_a).objects.filter(pk=staff_a.pk).update(is_active=False)
    run_worker(tmp_path)
    assert PreparedFile.objects.get().status == "failed"
    assert not list(tmp_path.iterdir())
