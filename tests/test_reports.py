"""Findings reports: Markdown that cannot carry HTML, blocks that never show a small count,
publishing that refuses what is missing and freezes what it publishes."""

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from findings.models import (
    Coding,
    Report,
    ReportBlock,
    ReportSection,
    ReportVersion,
    StarredQuote,
    Theme,
)
from findings.reports import (
    PublishRefused,
    Renderer,
    missing,
    publish,
    render_body,
    render_markdown,
)
from surveys.models import ListeningSession

from .factories import make_response
from .test_results import HYPOTHESIS, response_specs, store

# Each example stores its data; shrinking a failure through the database takes minutes.
FAST = settings(HYPOTHESIS, max_examples=15, phases=[Phase.explicit, Phase.reuse, Phase.generate])

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "es", "zh_hans"]


def make_report(survey, user=None, **fields):
    defaults = {
        "kind": Report.Kind.EXECUTIVE,
        "title_en": "What residents want",
        "title_es": "Lo que quieren los residentes",
        "title_zh_hans": "居民的期望",
    }
    report = Report.objects.create(instrument=survey, created_by=user, **{**defaults, **fields})
    return report


def make_section(report, order=1, **texts):
    fields = {
        "heading_en": "Findings",
        "heading_es": "Resultados",
        "heading_zh_hans": "调查结果",
        "body_en": "First paragraph.\n\nSecond paragraph.",
        "body_es": "Primer párrafo.\n\nSegundo párrafo.",
        "body_zh_hans": "第一段。\n\n第二段。",
    }
    fields.update(texts)
    return ReportSection.objects.create(report=report, order=order, **fields)


def every_block(section):
    blocks = [
        (ReportBlock.Kind.FIGURES, {}),
        (ReportBlock.Kind.RESULTS, {"question": "trust"}),
        (ReportBlock.Kind.RESULTS, {"question": "who"}),
        (ReportBlock.Kind.RESULTS, {"question": "worries"}),
        (ReportBlock.Kind.RESULTS, {"rows": "organization", "cols": "q:trust", "pct": ""}),
        (ReportBlock.Kind.RESULTS, {"rows": "language", "cols": "area", "pct": "row"}),
        (ReportBlock.Kind.THEMES, {"parent": "", "by": "organization", "top": 5}),
        (ReportBlock.Kind.THEMES, {"parent": "trust", "by": "language", "top": 5}),
        (ReportBlock.Kind.QUOTES, {"theme": "trust", "limit": 3}),
    ]
    return [
        ReportBlock.objects.create(section=section, kind=kind, params=params, after_paragraph=1)
        for kind, params in blocks
    ]


# --- Markdown ------------------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def tags_of(html):
    parser = Tags()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "<javascript:alert(1)>",
        '<a href="https://x.example" onclick="steal()">x</a>',
        "<iframe src='https://x.example'></iframe>",
        "<style>body{display:none}</style>",
        '[x](https://x.example "t") <span style="color:red">red</span>',
        "<div>\n\n**bold**\n\n</div>",
    ],
)
def test_markdown_lets_no_raw_html_through(source):
    """Raw HTML is written out as text; what is left are Markdown's own tags, no event
    handlers, no styles and no address but http(s) and mailto."""
    for tag, attrs in tags_of(str(render_markdown(source))):
        assert tag in {"p", "a", "strong"}, tag
        assert set(attrs) <= {"href", "title", "rel"}, attrs
        assert attrs.get("href", "https:").startswith(("https:", "http:", "mailto:")), attrs


def test_markdown_keeps_emphasis_lists_and_safe_links():
    html = str(render_markdown("**Trust** and *care*\n\n- one\n- two\n\n[site](https://a.example)"))
    assert "<strong>Trust</strong>" in html
    assert "<em>care</em>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://a.example" rel="noopener noreferrer">site</a>' in html


def test_blocks_are_placed_after_their_paragraph(survey, org_a):
    report = make_report(survey)
    section = make_section(report)
    ReportBlock.objects.create(section=section, kind="figures", after_paragraph=1)
    body = render_body(report, "en")
    first, figures, second = (
        body.index("First paragraph."),
        body.index("report-figures"),
        body.index("Second paragraph."),
    )
    assert first < figures < second


# --- Small counts in every block type --------------------------------------------------------

NUMBER_CELL = re.compile(r"<t[dh][^>]*>\s*(\d[\d,]*)\s*</t[dh]>")
COUNTED_FIGURE = re.compile(r'<span class="figure-value figure-count">([^<]*)</span>')


def small(value):
    return value is not None and 0 < value < 11


def assert_no_small_count(data):
    """Every count a block's data would show is 0, 11 or more, or hidden."""
    kind = data["kind"]
    if kind == "figures":
        for _key, _label, value, is_count in data["figures"]:
            assert not (is_count and small(value)), data["figures"]
    elif kind == "results" and "result" in data:
        block = data["result"]
        assert not small(data["base"])
        if block["kind"] == "matrix":
            for row in block["rows"]:
                assert row["answered_hidden"] or not small(row["answered"])
                for cell in row["cells"]:
                    assert cell["hidden"] or not small(cell["count"])
        else:
            assert not small(block["answered"]) and not small(block["shown"])
            for row in block["rows"]:
                assert row["hidden"] or block["too_few"] or not small(row["count"])
    elif kind == "results":
        table = data["table"]
        if not table["too_few"]:
            cells = [c for r in table["body"] for c in [*r["cells"], r["total"]]]
            for cell in [*cells, *table["footer"], table["total"]]:
                assert cell["hidden"] or not small(cell["count"])
    elif kind == "themes":
        if not data["table"]["too_few"]:
            for row in data["table"]["rows"]:
                for text in [*row["cells"], row["total"]]:
                    assert not (text.isdigit() and small(int(text))), row
    elif kind == "quotes":
        pass  # quotes carry no counts
    else:
        raise AssertionError(f"unchecked block kind {kind}")


def code_some_texts(survey, facilitator, count):
    """Codings of the survey's text answers with the two themes, on `count` answers."""
    trust = Theme.objects.get(code="trust")
    care = Theme.objects.get(code="care")
    answers = list(
        survey.questions.get(code="idea").answers.filter(response__status="included")[:count]
    )
    for index, answer in enumerate(answers):
        Coding.objects.create(theme=trust if index % 3 else care, answer=answer, coder=facilitator)


@given(
    specs=st.lists(response_specs(), min_size=0, max_size=40),
    coded=st.integers(0, 25),
    sessions=st.integers(0, 14),
)
@FAST
def test_no_block_shows_a_small_count(
    survey, links, areas, facilitator, org_a, specs, coded, sessions
):
    """Over generated responses, codings and sessions, no block of any kind (and no number
    cell or headline figure of the rendered page) shows a count from 1 to 10."""
    three = list(areas.order_by("number")[:3])
    # The conftest survey has no "not sure" rating (test_results' own survey has).
    specs = [dict(s, trust="neutral") if s["trust"] == "not_sure" else s for s in specs]
    with transaction.atomic():
        store(specs, survey, links, three)
        parent = Theme.objects.create(code="trust", name_en="Trust")
        Theme.objects.create(code="care", name_en="Care", parent=parent)
        Theme.objects.create(code="respect", name_en="Respect", parent=parent)
        code_some_texts(survey, facilitator, coded)
        guide = survey  # a session's guide is any instrument; the count is what matters here
        for _ in range(sessions):
            ListeningSession.objects.create(
                organization=org_a,
                guide=guide,
                held_on="2026-10-01",
                created_by=facilitator,
                attendees=3,
                status=ListeningSession.Status.COMPLETE,
            )
        report = make_report(survey)
        blocks = every_block(make_section(report))
        renderer = Renderer(report)
        for block in blocks:
            data = renderer.block(block)
            assert data["kind"] == block.kind, block.params
            assert_no_small_count(data)
        html = render_body(report, "en")
        for number in NUMBER_CELL.findall(html):
            assert not small(int(number.replace(",", ""))), number
        assert len(COUNTED_FIGURE.findall(html)) == 3
        for text in COUNTED_FIGURE.findall(html):
            digits = text.replace(",", "")
            assert not (digits.isdigit() and small(int(digits))), text
        transaction.set_rollback(True)


# --- Quotes ----------------------------------------------------------------------------------


@pytest.fixture
def quotes(survey, links, facilitator, org_a):
    theme = Theme.objects.create(code="trust", name_en="Trust", name_es="Confianza")
    answer = make_response(links["a"], language="es").answers.create(
        question=survey.questions.get(code="idea"), text="Que caminen por el barrio."
    )
    coding = Coding.objects.create(theme=theme, answer=answer, coder=facilitator)
    spanish = StarredQuote.objects.create(
        theme=theme,
        coding=coding,
        original="Que caminen por el barrio.",
        original_language="es",
        translation_en="That they walk the neighborhood.",
        organization=org_a,
        starred_by=facilitator,
        reviewed=True,
    )
    return theme, spanish


def test_quote_shows_its_translation_or_its_original_marked(survey, quotes):
    theme, _quote = quotes
    report = make_report(survey)
    section = make_section(report)
    ReportBlock.objects.create(section=section, kind="quotes", params={"theme": "trust"})
    english = render_body(report, "en")
    assert "That they walk the neighborhood." in english
    assert "Translated from Spanish." in english
    spanish = render_body(report, "es")
    assert "Que caminen por el barrio." in spanish
    chinese = render_body(report, "zh-hans")
    assert '<p lang="es">“Que caminen por el barrio.”</p>' in chinese
    assert "西班牙语" in chinese  # "said in Spanish", named in the reader's language


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_is_refused_while_a_language_lacks_text(survey, facilitator):
    report = make_report(survey)
    make_section(report, body_zh_hans="", heading_es="")
    with pytest.raises(PublishRefused) as refused:
        publish(report, facilitator, "First")
    assert refused.value.missing == [
        "Section 1: the heading in Spanish is missing.",
        "Section 1: the text in Simplified Chinese is missing.",
    ]
    assert not ReportVersion.objects.exists()


def test_publishing_is_refused_for_an_unreviewed_quote(survey, facilitator, quotes):
    _theme, quote = quotes
    quote.reviewed = False
    quote.save()
    report = make_report(survey)
    section = make_section(report)
    ReportBlock.objects.create(section=section, kind="quotes", params={"theme": "trust"})
    assert missing(report) == [
        "The quote “Que caminen por el barrio.…” has not been checked for identifying details."
    ]
    with pytest.raises(PublishRefused):
        publish(report, facilitator, "First")
    quote.reviewed = True
    quote.save()
    assert publish(report, facilitator, "First").number == 1


def test_a_published_version_never_changes_after_new_data(survey, links, facilitator):
    for _ in range(12):
        make_response(links["a"]).answers.create(
            question=survey.questions.get(code="trust"),
            choice=survey.questions.get(code="trust").choices.get(code="agree"),
        )
    report = make_report(survey)
    section = make_section(report)
    ReportBlock.objects.create(section=section, kind="results", params={"question": "trust"})
    ReportBlock.objects.create(section=section, kind="figures")
    first = publish(report, facilitator, "First version")
    stored = ReportVersion.objects.get(pk=first.pk).snapshot
    assert "Answered by 12 people." in stored["en"]["body"]
    for _ in range(30):
        make_response(links["b"]).answers.create(
            question=survey.questions.get(code="trust"),
            choice=survey.questions.get(code="trust").choices.get(code="disagree"),
        )
    section.body_en = "Edited after publishing."
    section.save()
    assert ReportVersion.objects.get(pk=first.pk).snapshot == stored
    assert "Answered by 42 people." in render_body(report, "en")  # the preview moved on
    second = publish(report, facilitator, "More responses")
    assert second.number == 2
    assert "Answered by 42 people." in second.snapshot["en"]["body"]
    assert "Edited after publishing." in second.snapshot["en"]["body"]
    assert ReportVersion.objects.get(pk=first.pk).snapshot == stored


def test_a_translation_is_outdated_when_its_source_changed_after_it(survey):
    report = make_report(survey)
    section = make_section(report)
    section.mark_edited(["en", "es"])
    section.save()
    assert not section.outdated("es")
    section.edited_at["en"] = "9999-01-01T00:00:00+00:00"
    assert section.outdated("es")
    assert not section.outdated("en")


def test_publishing_is_refused_while_a_block_refers_to_nothing(survey, facilitator):
    report = make_report(survey)
    section = make_section(report)
    ReportBlock.objects.create(section=section, kind="quotes", params={"theme": "retired-long-ago"})
    ReportBlock.objects.create(section=section, kind="results", params={"question": "no-such"})
    with pytest.raises(PublishRefused) as refused:
        publish(report, facilitator, "First")
    assert refused.value.missing == [
        "Section 1: a block refers to a question or theme that no longer exists."
    ]
    assert "This block refers to something that no longer exists." in render_body(report, "en")


def test_figures_count_responses_sessions_people_organizations_areas_and_languages(
    survey, links, areas, facilitator, org_a, org_b
):
    two = list(areas.order_by("number")[:2])
    for index in range(12):
        make_response(
            links["a" if index % 2 else "b"],
            language="es" if index < 4 else "en",
            area=two[index % 2],
        )
    make_response(links["a"], status="excluded", exclusion_reason="test")
    for _ in range(11):
        ListeningSession.objects.create(
            organization=org_a,
            guide=survey,
            held_on="2026-10-01",
            created_by=facilitator,
            attendees=2,
            languages=["zh-hans"],
            status=ListeningSession.Status.COMPLETE,
        )
    report = make_report(survey)
    block = ReportBlock.objects.create(section=make_section(report), kind="figures")
    figures = {
        key: value for key, _label, value, _count in Renderer(report).block(block)["figures"]
    }
    assert figures == {
        "responses": 12,
        "sessions": 11,
        "people": 34,
        "organizations": 2,
        "areas": 2,
        "languages": 3,
    }


def test_a_crosstab_block_draws_each_rows_shares_without_hidden_cells(survey, links):
    trust = survey.questions.get(code="trust")
    agree, neutral = (trust.choices.get(code=code) for code in ("agree", "neutral"))
    for org, choice, count in (("a", agree, 11), ("a", neutral, 12), ("b", agree, 15)):
        for _ in range(count):
            make_response(links[org]).answers.create(question=trust, choice=choice)
    report = make_report(survey)
    block = ReportBlock.objects.create(
        section=make_section(report),
        kind="results",
        params={"rows": "organization", "cols": "q:trust", "pct": ""},
    )
    data = Renderer(report).block(block)
    shares = {
        item["label"]: [segment["title"] for segment in item["segments"]]
        for item in data["chart"]["items"]
    }
    assert shares == {"Org A": ["Neutral: 52%", "Agree: 48%"], "Org B": ["Agree: 100%"]}
    # One more small cell hides cells, which then draw nothing (the hypothesis test above
    # checks that no hidden count is ever shown).
    for _ in range(3):
        make_response(links["b"]).answers.create(question=trust, choice=neutral)
    data = Renderer(report).block(block)
    assert [len(item["segments"]) for item in data["chart"]["items"]] == [0, 0]
    assert data["summary"] == "Organization by I trust the police., percent of each row"


def test_a_results_block_counts_only_the_responses_its_filters_select(
    client, survey, links, facilitator, areas
):
    """The block form takes the results page's filters (organizations, languages, channels,
    community areas, dates) and the block counts what they select."""
    from datetime import timedelta

    from django.utils import timezone

    from organizations.models import Area

    area = Area.objects.filter(kind="community_area").order_by("number").first()
    trust = survey.questions.get(code="trust")
    agree = trust.choices.get(code="agree")
    old = timezone.now() - timedelta(days=40)
    plan = (
        [dict(language="es", area=area)] * 12  # selected
        + [dict(language="en", area=area)] * 5  # another language
        + [dict(language="es", area=None)] * 5  # another area
        + [dict(language="es", area=area, submitted_at=old)] * 5  # before the dates
    )
    for fields in plan:
        make_response(links["a"], **fields).answers.create(question=trust, choice=agree)
    report = make_report(survey)
    section = make_section(report)
    client.force_login(facilitator)
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    answer = client.post(
        reverse("findings:report_section", args=[report.token, section.pk]),
        {
            "action": "add_block",
            "kind": "results",
            "after_paragraph": 0,
            "question": "trust",
            "languages": ["es"],
            "channels": ["web"],
            "areas": [str(area.pk)],
            "date_from": since,
            "top": 5,
        },
    )
    assert answer.status_code == 302
    block = ReportBlock.objects.get(section=section)
    assert block.params == {
        "question": "trust",
        "languages": ["es"],
        "channels": ["web"],
        "areas": [area.pk],
        "date_from": since,
    }
    assert "Answered by 12 people." in render_body(report, "en")
