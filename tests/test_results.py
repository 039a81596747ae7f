"""Results and cross-tabs: every figure the pages show equals a plain-Python recomputation
from the stored answers, on generated data stored through the real storage function."""

import csv
import io
import statistics
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import Answer, Choice, Response, store_response

from .factories import CollectionLinkFactory, QuestionFactory, SectionFactory, make_response

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
RESULTS = reverse("findings:results")
CROSSTAB = reverse("findings:crosstab")
CROSSTAB_CSV = reverse("findings:crosstab_csv")
HYPOTHESIS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def survey(areas):
    """The small survey, with a rating choice that has no value ("not sure")."""
    from .factories import ChoiceFactory, small_survey

    instrument = small_survey()
    ChoiceFactory(
        question=instrument.questions.get(code="trust"),
        code="not_sure",
        order=9,
        label_en="Not sure",
        label_es="No sé",
        label_zh_hans="不确定",
        value=None,
    )
    return instrument


# --- Generated data ------------------------------------------------------------------------

SPECIAL = st.sampled_from(["no_answer", "unreadable"])


@st.composite
def response_specs(draw):
    paper = draw(st.booleans())
    spec = {
        "org": draw(st.sampled_from(["a", "b"])),
        "channel": "paper" if paper else draw(st.sampled_from(["web", "kiosk"])),
        "language": draw(st.sampled_from(["en", "es", "zh-hans"])),
        "area": draw(st.sampled_from([0, 1, 2, None])),
        "excluded": draw(st.integers(0, 5)) == 0,
        "day": draw(st.integers(0, 40)),
    }

    def maybe(strategy, special=True):
        options = [st.none(), strategy]
        if paper and special:
            options.append(SPECIAL.map(lambda s: ("special", s)))
        return draw(st.one_of(*options))

    spec["home_area"] = maybe(
        st.one_of(st.sampled_from([0, 1, 2]), st.sampled_from(["dont_know", "prefer_not"]))
    )
    spec["contact"] = maybe(st.sampled_from(["yes", "no"]))
    spec["trust"] = maybe(st.sampled_from(["disagree", "neutral", "agree", "not_sure"]))
    spec["treated"] = (
        maybe(st.sampled_from(["fair", "unfair"])) if spec["contact"] == "yes" else None
    )
    spec["worries"] = maybe(
        st.lists(st.sampled_from(["traffic", "theft", "other"]), min_size=1, unique=True)
    )
    spec["who_crisis"] = maybe(st.sampled_from(["police", "professional"]))
    spec["who_noise"] = maybe(st.sampled_from(["police", "professional"]))
    spec["household"] = maybe(st.integers(1, 12))
    spec["zip"] = maybe(st.sampled_from(["60608", "60616"]))
    spec["idea"] = maybe(
        st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
    )
    return spec


datasets = st.lists(response_specs(), min_size=0, max_size=30)


def store(specs, survey, links, areas):
    """Store each spec through `store_response`, as the resident flow and paper entry do."""
    questions = {q.code: q for q in survey.questions.all()}
    choices = {
        (c.question.parent.code if c.question.parent_id else c.question.code, c.code): c
        for c in Choice.objects.filter(question__instrument=survey).select_related(
            "question__parent"
        )
    }
    for spec in specs:
        link = links[spec["org"]]
        paper = spec["channel"] == "paper"
        submitted = datetime(2026, 9, 1, 12, tzinfo=CHICAGO) + timedelta(days=spec["day"])
        response = Response(
            id=uuid.uuid4(),
            instrument=survey,
            organization=link.organization,
            link=None if paper else link,
            channel=spec["channel"],
            language=spec["language"],
            languages_used=[spec["language"]],
            consented=True,
            area=None if spec["area"] is None else areas[spec["area"]],
            submitted_at=submitted,
        )
        if spec["excluded"]:
            response.status = Response.Status.EXCLUDED
            response.exclusion_reason = Response.ExclusionReason.TEST
        answers = []
        for code, value in spec.items():
            if code not in questions or value is None:
                continue
            question = questions[code]
            if isinstance(value, tuple):
                answers.append(Answer(question=question, special=value[1]))
            elif question.type == "area":
                if isinstance(value, str):
                    answers.append(Answer(question=question, special=value))
                else:
                    answers.append(Answer(question=question, area=areas[value]))
            elif question.type == "number":
                answers.append(Answer(question=question, number=value))
            elif question.type in ("zip", "long_text"):
                answers.append(Answer(question=question, text=value))
            else:
                matrix = "who" if question.parent_id else code
                for choice_code in value if isinstance(value, list) else [value]:
                    choice = choices[(matrix, choice_code)]
                    text = "Speeding" if choice.is_other else ""
                    answers.append(Answer(question=question, choice=choice, text=text))
        store_response(response=response, answers=answers)


# --- Independent recomputation -------------------------------------------------------------


def percentile(values, p):
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * p
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stored(survey, **filters):
    """{response id: {question code: [(choice code, special, area id, number)]}} of the
    included responses, straight from the tables."""
    responses = Response.objects.filter(instrument=survey, status="included", **filters)
    rows = {r.pk: {} for r in responses}
    meta = {r.pk: r for r in responses}
    for answer in Answer.objects.filter(response__in=responses).select_related(
        "question", "choice"
    ):
        rows[answer.response_id].setdefault(answer.question.code, []).append(
            (
                answer.choice.code if answer.choice_id else None,
                answer.special or None,
                answer.area_id,
                float(answer.number) if answer.number is not None else None,
                answer.choice.value if answer.choice_id else None,
            )
        )
    return rows, meta


def expected_question(rows, code, condition=None):
    given_rows = [r[code] for r in rows.values() if code in r]
    counts = {}
    for answers in given_rows:
        for choice, special, area, _number, _value in answers:
            key = choice or special or area
            counts[key] = counts.get(key, 0) + 1
    if condition:
        source, codes = condition
        shown = sum(1 for r in rows.values() if any(a[0] in codes for a in r.get(source, [])))
    else:
        shown = len(rows)
    values = [
        a[3] if a[3] is not None else a[4]
        for answers in given_rows
        for a in answers
        if (a[3] if a[3] is not None else a[4]) is not None
    ]
    return {"answered": len(given_rows), "shown": shown, "counts": counts, "values": values}


def page_rows(block):
    return {row["label"]: row for row in block["rows"]}


def check_block(block, expected, labels):
    assert block["answered"] == expected["answered"], block["question"].code
    assert block["shown"] == expected["shown"], block["question"].code
    rows = page_rows(block)
    for key, label in labels.items():
        count = expected["counts"].get(key, 0)
        if label not in rows:
            assert count == 0, (block["question"].code, key)
            continue
        assert rows[label]["count"] == count, (block["question"].code, key)
        if expected["answered"]:
            assert rows[label]["pct"] == pytest.approx(100 * count / expected["answered"])
    # Nothing on the page that the data does not have (text and numbers have no rows).
    assert sum(r["count"] for r in block["rows"]) == sum(
        n for key, n in expected["counts"].items() if key is not None
    )
    values = expected["values"]
    stats = block["stats"]
    if not values:
        assert stats is None
    else:
        assert stats["n"] == len(values)
        assert stats["mean"] == pytest.approx(statistics.fmean(values))
        assert stats["median"] == pytest.approx(statistics.median(values))
        assert stats["q1"] == pytest.approx(percentile(values, 0.25))
        assert stats["q3"] == pytest.approx(percentile(values, 0.75))


SPECIAL_LABELS = {
    "no_answer": "No answer",
    "unreadable": "Unreadable or several marks",
    "dont_know": "I don't know",
    "prefer_not": "Prefer not to say",
}


def choice_labels(survey, code):
    question = survey.questions.get(code=code)
    source = question.parent or question
    return {c.code: c.label_en for c in source.choices.all()} | SPECIAL_LABELS


@pytest.fixture
def three_areas(areas):
    return list(areas.order_by("number")[:3])


@given(specs=datasets, narrow=st.sampled_from([None, "org-a", "org-b"]))
@HYPOTHESIS
def test_results_page_matches_recomputation(
    client, facilitator, survey, links, three_areas, specs, narrow
):
    """Unfiltered (the instrument's answers less those outside the base) and narrowed to one
    organization (the base's answers joined directly): the same figures as plain Python."""
    client.force_login(facilitator)
    with transaction.atomic():
        store(specs, survey, links, three_areas)
        params = {"instrument": survey.code} | ({"org": narrow} if narrow else {})
        page = client.get(RESULTS, params)
        assert page.status_code == 200
        rows, _meta = stored(survey, **({"organization__slug": narrow} if narrow else {}))
        blocks = {b["question"].code: b for b in page.context["blocks"]}
        assert page.context["base"]["count"] == len(rows)
        area_labels = {a.pk: a.name for a in three_areas} | SPECIAL_LABELS
        check_block(blocks["home_area"], expected_question(rows, "home_area"), area_labels)
        for code in ("contact", "trust", "worries"):
            check_block(blocks[code], expected_question(rows, code), choice_labels(survey, code))
        check_block(
            blocks["treated"],
            expected_question(rows, "treated", ("contact", {"yes"})),
            choice_labels(survey, "treated"),
        )
        for code in ("household", "zip", "idea"):
            check_block(blocks[code], expected_question(rows, code), SPECIAL_LABELS)
        matrix = blocks["who"]
        for row in matrix["rows"]:
            expected = expected_question(rows, row["question"].code)
            assert row["answered"] == expected["answered"]
            assert row["shown"] == expected["shown"]
            columns = [c["label"] for c in matrix["columns"]]
            labels = choice_labels(survey, row["question"].code)
            for key, count in expected["counts"].items():
                cell = row["cells"][columns.index(labels[key])]
                assert cell["count"] == count
                assert cell["pct"] == pytest.approx(100 * count / expected["answered"])
        transaction.set_rollback(True)


DIMENSIONS = ["organization", "area", "language", "channel", "q:trust", "q:worries", "q:who_noise"]


def response_categories(response, answers, dimension, survey):
    """The categories one response falls in for a dimension (several for multiple choice)."""
    if dimension == "organization":
        return [response.organization.name]
    if dimension == "area":
        return [response.area.name if response.area else "No community area given"]
    if dimension == "language":
        return [
            {"en": "English", "es": "Spanish", "zh-hans": "Simplified Chinese"}[response.language]
        ]
    if dimension == "channel":
        return [response.get_channel_display()]
    labels = choice_labels(survey, dimension[2:])
    return [labels[a[0] or a[1]] for a in answers.get(dimension[2:], [])]


@given(
    specs=datasets,
    pair=st.lists(st.sampled_from(DIMENSIONS), min_size=2, max_size=2, unique=True),
    pct=st.sampled_from(["", "row", "col"]),
)
@HYPOTHESIS
def test_crosstab_matches_recomputation(
    client, facilitator, survey, links, three_areas, specs, pair, pct
):
    client.force_login(facilitator)
    rows_dim, cols_dim = pair
    with transaction.atomic():
        store(specs, survey, links, three_areas)
        params = {"instrument": survey.code, "rows": rows_dim, "cols": cols_dim, "pct": pct}
        page = client.get(CROSSTAB, params)
        assert page.status_code == 200
        table = page.context["table"]
        rows, meta = stored(survey)
        cells, row_totals, col_totals, everyone = {}, {}, {}, set()
        for pk, answers in rows.items():
            row_keys = set(response_categories(meta[pk], answers, rows_dim, survey))
            col_keys = set(response_categories(meta[pk], answers, cols_dim, survey))
            if not row_keys or not col_keys:
                continue
            everyone.add(pk)
            for r in row_keys:
                row_totals[r] = row_totals.get(r, 0) + 1
                for c in col_keys:
                    cells[(r, c)] = cells.get((r, c), 0) + 1
            for c in col_keys:
                col_totals[c] = col_totals.get(c, 0) + 1
        columns = [c["label"] for c in table["columns"]]
        shown = {}
        for body_row in table["body"]:
            assert body_row["total"]["count"] == row_totals.get(body_row["label"], 0)
            for label, cell in zip(columns, body_row["cells"], strict=True):
                shown[(body_row["label"], label)] = cell["count"]
                expected = cells.get((body_row["label"], label), 0)
                assert cell["count"] == expected
                if pct == "row" and row_totals.get(body_row["label"]):
                    assert cell["pct"] == pytest.approx(
                        100 * expected / row_totals[body_row["label"]]
                    )
                if pct == "col" and col_totals.get(label):
                    assert cell["pct"] == pytest.approx(100 * expected / col_totals[label])
        assert {k: v for k, v in shown.items() if v} == cells
        assert [c["count"] for c in table["footer"]] == [col_totals.get(c, 0) for c in columns]
        assert table["total"]["count"] == len(everyone)
        transaction.set_rollback(True)


@given(specs=datasets, dims=st.sampled_from([("organization", "q:trust"), ("language", "area")]))
@HYPOTHESIS
def test_public_view_never_shows_a_small_count(
    client, staff_a, survey, links, three_areas, specs, dims
):
    """In the view "as the public would see it", no count from 1 to 10 is on the page."""
    client.force_login(staff_a)
    with transaction.atomic():
        store([dict(s, org="a") for s in specs], survey, links, three_areas)
        page = client.get(RESULTS, {"instrument": survey.code, "view": "public"})
        context = page.context
        assert context["public"] is True
        base = context["base"]["count"]
        assert base is None or not 0 < base < 11
        for block in [] if context["too_few"] else context["blocks"]:
            if block["kind"] == "matrix":
                for row in block["rows"]:
                    assert row["shown"] is None or not 0 < row["shown"] < 11
                    for cell in row["cells"]:
                        assert cell["hidden"] or not 0 < cell["count"] < 11
                continue
            for figure in (block["shown"], block["answered"]):
                assert figure is None or not 0 < figure < 11
            for row in block["rows"]:
                assert row["hidden"] or not 0 < row["count"] < 11
                assert not row["hidden"] or row["pct"] is None
            if block["stats"]:
                assert block["stats"]["n"] >= 11
        table_page = client.get(
            CROSSTAB,
            {"instrument": survey.code, "view": "public", "rows": dims[0], "cols": dims[1]},
        )
        table = table_page.context["table"]
        if not table["too_few"]:
            for cell in [c for r in table["body"] for c in [*r["cells"], r["total"]]] + table[
                "footer"
            ]:
                assert cell["hidden"] or not 0 < cell["count"] < 11
        transaction.set_rollback(True)


# --- Filters, base, CSV -------------------------------------------------------------------------


def test_filters_narrow_every_figure_and_the_base_says_so(
    client, facilitator, survey, links, areas
):
    client.force_login(facilitator)
    area = areas.first()
    for day, org, language in ((1, "a", "es"), (2, "a", "en"), (30, "b", "es")):
        store(
            [
                {
                    "org": org,
                    "channel": "web",
                    "language": language,
                    "area": 0,
                    "excluded": False,
                    "day": day,
                    "contact": "yes",
                }
            ],
            survey,
            links,
            [area],
        )
    page = client.get(
        RESULTS,
        {
            "instrument": survey.code,
            "org": ["org-a"],
            "language": ["es"],
            "date_from": "2026-09-01",
            "date_to": "2026-09-10",
        },
    )
    assert page.context["base"]["count"] == 1
    text = " ".join(page.content.decode().split())
    assert "Based on 1 included response, Sept. 2, 2026 – Sept. 2, 2026, Org A." in text
    everything = client.get(RESULTS, {"instrument": survey.code})
    assert "Based on 3 included responses" in " ".join(everything.content.decode().split())


def test_excluded_responses_are_never_counted(client, staff_a, survey, links, areas):
    client.force_login(staff_a)
    make_response(links["a"])
    make_response(links["a"], status="excluded", exclusion_reason="spam")
    page = client.get(RESULTS)
    assert page.context["base"]["count"] == 1


def test_public_view_ignores_dates(client, staff_a, survey, links):
    client.force_login(staff_a)
    page = client.get(
        RESULTS, {"view": "public", "date_from": "2030-01-01", "date_to": "2030-01-02"}
    )
    assert page.context["form"].cleaned_data["date_from"] is None


def test_crosstab_csv_is_the_table_shown(client, facilitator, survey, links, areas):
    client.force_login(facilitator)
    for _ in range(12):
        make_response(links["a"], language="es")
    make_response(links["b"], language="en")
    params = {"rows": "organization", "cols": "language", "pct": "row"}
    table = client.get(CROSSTAB, params).context["table"]
    download = client.get(CROSSTAB_CSV, params)
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Organization",
        "English",
        "English (%)",
        "Spanish",
        "Spanish (%)",
        "Total",
        "Total (%)",
    ]
    assert rows[1:] == [
        ["Org A", "0", "0%", "12", "100%", "12", "100%"],
        ["Org B", "1", "100%", "0", "0%", "1", "100%"],
        ["Total", "1", "8%", "12", "92%", "13", "100%"],
    ]
    assert [r["label"] for r in table["body"]] == ["Org A", "Org B"]
    public = client.get(CROSSTAB_CSV, {**params, "view": "public"})
    body = public.content.decode("utf-8-sig")
    assert "<11" in body and ",1," not in body


def test_date_range_the_wrong_way_round_is_a_clear_error(client, facilitator, survey):
    client.force_login(facilitator)
    page = client.get(RESULTS, {"date_from": "2026-10-10", "date_to": "2026-10-01"})
    assert page.status_code == 200
    assert "The end date must be on or after the start date." in page.content.decode()
    assert 'href="#id_date_to"' in page.content.decode()


def test_same_dimension_twice_is_a_clear_error(client, facilitator, survey):
    client.force_login(facilitator)
    page = client.get(CROSSTAB, {"rows": "area", "cols": "area"})
    assert "Choose two different things for rows and columns." in page.content.decode()


# --- Scoping -------------------------------------------------------------------------------


def test_cbo_sees_its_own_numbers_only(client, staff_a, survey, links):
    client.force_login(staff_a)
    for _ in range(3):
        make_response(links["a"])
    for _ in range(5):
        make_response(links["b"])
    assert client.get(RESULTS).context["base"]["count"] == 3
    table = client.get(CROSSTAB, {"rows": "organization", "cols": "channel"}).context["table"]
    assert [r["label"] for r in table["body"]] == ["Org A"]
    assert table["total"]["count"] == 3


@pytest.mark.parametrize("url", [RESULTS, CROSSTAB, CROSSTAB_CSV])
def test_another_organizations_org_parameter_is_404_for_a_cbo(client, staff_a, org_b, survey, url):
    client.force_login(staff_a)
    assert client.get(url, {"org": org_b.slug}).status_code == 404
    assert client.get(url, {"org": "org-a"}).status_code == 200


def test_facilitator_narrows_to_organizations(client, facilitator, survey, links):
    client.force_login(facilitator)
    make_response(links["a"])
    make_response(links["b"])
    make_response(links["b"])
    assert client.get(RESULTS, {"org": "org-b"}).context["base"]["count"] == 2
    assert client.get(RESULTS, {"org": ["org-a", "org-b"]}).context["base"]["count"] == 3
    assert client.get(RESULTS, {"org": "no-such-org"}).status_code == 404


# --- Query counts ----------------------------------------------------------------------------


def add_questions(survey, count):
    section = SectionFactory(instrument=survey, number=3)
    for index in range(count):
        question = QuestionFactory(
            instrument=survey,
            section=section,
            code=f"extra{index}",
            type="single",
            order=200 + index,
        )
        Choice.objects.create(question=question, code="a", label="A", order=0)
        Choice.objects.create(question=question, code="b", label="B", order=1)


def add_responses(survey, link, count, area):
    questions = list(survey.questions.prefetch_related("choices"))
    responses, answers = [], []
    for _ in range(count):
        response = Response(
            instrument=survey,
            organization=link.organization,
            link=link,
            channel="web",
            language="en",
            area=area,
        )
        responses.append(response)
        for question in questions:
            choice = next(iter(question.choices.all()), None)
            if question.type == "number":
                answers.append(Answer(response=response, question=question, number=3))
            elif choice is not None and question.type != "matrix":
                answers.append(Answer(response=response, question=question, choice=choice))
    Response.objects.bulk_create(responses, batch_size=2000)
    Answer.objects.bulk_create(answers, batch_size=5000)


@pytest.mark.parametrize("questions, responses", [(0, 10), (30, 10), (0, 10_000)])
def test_results_and_crosstab_query_counts_do_not_grow(
    client, facilitator, survey, org_a, areas, questions, responses, django_assert_max_num_queries
):
    """At most 10 queries with 9 or 39 questions, 10 or 10,000 responses, caches cold."""
    link = CollectionLinkFactory(instrument=survey, organization=org_a)
    add_questions(survey, questions)
    add_responses(survey, link, responses, areas.first())
    client.force_login(facilitator)
    client.get("/staff/")  # the session's idle stamp is written once, as on any staff page
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(10):
        page = client.get(RESULTS)
    assert page.context["base"]["count"] == responses
    with django_assert_max_num_queries(10):
        client.get(CROSSTAB, {"rows": "organization", "cols": "area"})
    with django_assert_max_num_queries(10):
        client.get(CROSSTAB, {"rows": "q:trust", "cols": "q:contact", "org": "org-a"})


def test_answered_numbers_of_each_question_type_in_one_known_case(
    client, facilitator, survey, links, areas
):
    """A worked example a reader can check by hand."""
    client.force_login(facilitator)
    area = areas.get(number=34)
    specs = [
        {
            "org": "a",
            "channel": "web",
            "language": "en",
            "area": 0,
            "excluded": False,
            "day": 1,
            "trust": "agree",
            "household": 2,
            "contact": "yes",
            "treated": "fair",
            "worries": ["traffic", "theft"],
        },
        {
            "org": "a",
            "channel": "web",
            "language": "en",
            "area": 0,
            "excluded": False,
            "day": 2,
            "trust": "disagree",
            "household": 4,
            "contact": "no",
            "worries": ["traffic"],
        },
        {
            "org": "b",
            "channel": "paper",
            "language": "es",
            "area": 0,
            "excluded": False,
            "day": 3,
            "trust": "not_sure",
            "household": ("special", "unreadable"),
            "contact": ("special", "no_answer"),
        },
    ]
    store(specs, survey, links, [area])
    blocks = {b["question"].code: b for b in client.get(RESULTS).context["blocks"]}
    trust = blocks["trust"]
    assert trust["stats"] == {"n": 2, "mean": 2.0, "q1": 1.5, "median": 2.0, "q3": 2.5}
    assert [(r["label"], r["count"]) for r in trust["rows"]] == [
        ("Disagree", 1),
        ("Neutral", 0),
        ("Agree", 1),
        ("Not sure", 1),
    ]
    assert trust["valueless"] == ["Not sure"]
    worries = blocks["worries"]
    assert worries["answered"] == 2 and worries["mentions"] == 3
    assert page_rows(worries)["Traffic"]["pct"] == 100.0
    assert (blocks["treated"]["shown"], blocks["treated"]["answered"]) == (1, 1)
    contact = page_rows(blocks["contact"])
    assert contact["No answer"]["count"] == 1 and contact["No answer"]["special"]
    household = blocks["household"]
    assert household["stats"]["median"] == 3.0
    assert page_rows(household)["Unreadable or several marks"]["count"] == 1
    assert date(2026, 9, 2) == client.get(RESULTS).context["base"]["first"].date()
