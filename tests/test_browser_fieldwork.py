"""Field work in a real browser: a CBO manager's own event link from creation to closing,
and a paper questionnaire from someone under 18."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from organizations.models import Membership, Organization
from surveys.models import CollectionLink, ListeningSession, Response

from .browser import DESKTOP, PHONE, assert_no_axe_violations, submit
from .factories import MembershipFactory, QuestionFactory, choices, small_survey
from .test_browser_resident import MINIMAL, complete, demo, start_and_consent  # noqa: F401
from .test_browser_staff import (
    label,
    make_guide,
    make_manager,
    sign_in,
    url,
    visit,
    with_password,
    workspace_data,  # noqa: F401
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def figures(page, link_label):
    section = page.locator("section.prompt-block").filter(has_text=link_label)
    return {
        name: section.locator(f'[data-figure="{name}"]').inner_text()
        for name in ("started", "consented", "completed", "rate")
    }


def test_manager_runs_an_event_link_from_flyer_to_closing(live_server, new_page, demo):  # noqa: F811
    organization = Organization.objects.filter(kind=Organization.Kind.CBO).order_by("pk")[0]
    manager = make_manager(organization)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, manager.email)

    # A new link for an event.
    visit(page, live_server, "/staff/links/")
    submit(page, page.get_by_role("link", name="New survey link", exact=True))
    assert_no_axe_violations(page)
    page.get_by_label(label("Event or site")).fill("Pilsen library, 12 May")
    page.get_by_label("Web", exact=True).check()
    submit(page, page.get_by_role("button", name="Create the link", exact=True))
    assert page.url == url(live_server, "/staff/links/")
    link = CollectionLink.objects.get(label="Pilsen library, 12 May")
    assert (link.organization, link.status, link.kind) == (organization, "active", "web")
    assert figures(page, "Pilsen library, 12 May") == {
        "started": "0",
        "consented": "0",
        "completed": "0",
        "rate": "–",
    }
    assert_no_axe_violations(page)

    # Its flyer invites people to scan.
    section = page.locator("section.prompt-block").filter(has_text="Pilsen library, 12 May")
    submit(page, section.get_by_role("link", name="Printable flyer", exact=True))
    assert "Scan the code or open the link." in page.locator("main").inner_text()
    assert page.locator("img.qr-main").count() == 1
    assert_no_axe_violations(page)

    # A resident completes the survey through it, in Spanish, on a phone.
    resident, resident_problems = new_page(viewport=PHONE)
    resident.goto(live_server.url + reverse("short_link", args=[link.short_code]))
    resident.goto(resident.url.replace("/en/", "/es/", 1))
    start_and_consent(resident, "es")
    complete(resident, "es", MINIMAL)
    stored = Response.objects.get(link=link)
    assert (stored.organization, stored.language) == (organization, "es")

    # The link's figures changed.
    visit(page, live_server, "/staff/links/")
    assert figures(page, "Pilsen library, 12 May") == {
        "started": "1",
        "consented": "1",
        "completed": "1",
        "rate": "100 %",
    }

    # The manager closes it; the flyer now says the survey has ended.
    section = page.locator("section.prompt-block").filter(has_text="Pilsen library, 12 May")
    submit(page, section.get_by_role("button", name="Close", exact=True))
    assert page.get_by_role("status").filter(has_text="The link is closed.").count() == 1
    link.refresh_from_db()
    assert link.status == "closed"
    visit(page, live_server, reverse("surveys:flyer", args=[link.token]))
    text = page.locator("main").inner_text()
    assert "This survey has ended." in text and "Scan the code" not in text
    assert page.locator("img").count() == 0
    assert_no_axe_violations(page)
    resident.goto(live_server.url + link.get_absolute_url())
    assert "This survey has ended." in resident.locator("main").inner_text()
    problems.assert_clean()
    resident_problems.assert_clean()


def test_staff_types_an_under_18_paper_and_sees_it_stored_as_ineligible(
    live_server, new_page, org_a, areas
):
    survey = small_survey()
    age = QuestionFactory(
        instrument=survey,
        section=survey.sections.get(number=1),
        code="age_18_plus",
        type="single",
        required=True,
        order=1,
        text_en="Are you 18 years old or older?",
        eligible_choices=["yes"],
    )
    choices(age, ("yes", "Yes", "Sí", "是"), ("no", "No", "No", "否"))
    organization = org_a
    staff = with_password(
        MembershipFactory(organization=organization, role=Membership.Role.STAFF).user
    )
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, staff.email)
    visit(page, live_server, reverse("workspace:paper_entry", args=[survey.code]))
    page.get_by_label(label("Serial number on the paper")).fill("17")
    page.get_by_label(label("Batch")).fill("Fair")
    page.locator('input[name="q-age_18_plus"][value="no"]').check()
    page.locator('[name="q-idea"]').fill("More light")
    submit(page, page.get_by_role("button", name="Save and enter the next one"))
    message = page.get_by_role("status").filter(has_text="not eligible")
    assert message.count() == 1
    assert "Stored questionnaire 17 of batch Fair as excluded" in message.inner_text()
    stored = Response.objects.get(paper_serial="17")
    assert (stored.status, stored.exclusion_reason) == ("excluded", "ineligible")
    assert_no_axe_violations(page)
    problems.assert_clean()


def test_quote_box_added_without_saving_first(live_server, new_page, org_a):
    guide, prompts = make_guide()
    staff = with_password(MembershipFactory(organization=org_a, role=Membership.Role.STAFF).user)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, staff.email)
    visit(page, live_server, "/staff/sessions/new/")
    for n in range(2):
        page.locator(f'[name="quotes-feel_safe-{n}-text"]').fill(f"Quote {n + 1}")
    before = page.url
    page.locator('[data-add-quote="quotes-feel_safe"]').click()
    assert page.url == before
    third = page.locator('[name="quotes-feel_safe-2-text"]')
    assert third.evaluate("element => element === document.activeElement")
    assert page.get_by_label("Quote", exact=False).count() >= 5
    third.fill("Quote 3")
    assert_no_axe_violations(page)
    page.locator("#id_notes-feel_safe-summary").fill("Summary")
    submit(page, page.get_by_role("button", name="Save as draft", exact=True))
    session = ListeningSession.objects.get()
    assert list(session.quotes.values_list("text", flat=True)) == ["Quote 1", "Quote 2", "Quote 3"]
    problems.assert_clean()


def overflow(page):
    """How far the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_staff_pages_fit_a_phone_without_sideways_scrolling(
    live_server,
    new_page,
    workspace_data,  # noqa: F811
):
    page, problems = new_page(viewport=PHONE)
    sign_in(page, live_server, workspace_data["manager"].email)
    session = workspace_data["session"]
    widths = {}
    for path in (
        "/staff/",
        "/staff/links/",
        "/staff/links/new/",
        "/staff/sessions/",
        f"/staff/sessions/{session.pk}/",
        f"/staff/sessions/{session.pk}/history/",
        "/staff/responses/",
        f"/staff/responses/{workspace_data['response'].pk}/",
        "/staff/paper/",
        "/staff/team/",
        "/staff/results/",
    ):
        visit(page, live_server, path)
        widths[path] = overflow(page)
    assert widths == {path: 0 for path in widths}
    problems.assert_clean()


def test_resident_choice_rows_are_at_least_44_px_tall(live_server, new_page, link):
    page, problems = new_page(viewport=PHONE)
    with translation.override("en"):
        page.goto(live_server.url + reverse("surveys:consent", args=[link.token]))
    submit(page, page.get_by_role("button", name="I agree, start the survey", exact=True))
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('#step-form .form-check'))"
        ".map(row => row.getBoundingClientRect().height)"
    )
    assert len(heights) >= 2
    assert min(heights) >= 44
    # The label fills the row: a tap anywhere on it chooses.
    label_heights = page.evaluate(
        "Array.from(document.querySelectorAll('#step-form .form-check-label'))"
        ".map(label => label.getBoundingClientRect().height)"
    )
    assert min(label_heights) >= 44
    assert overflow(page) == 0
    assert_no_axe_violations(page)
    problems.assert_clean()


def test_double_entry_of_a_batch_of_three_papers_with_one_mismatch_is_settled(
    live_server, new_page, org_a, areas
):
    survey = small_survey()
    typist = MembershipFactory(organization=org_a, role=Membership.Role.STAFF).user
    trust = survey.questions.get(code="trust")
    for serial, choice in (("1", "agree"), ("2", "agree"), ("3", "disagree")):
        response = Response.objects.create(
            instrument=survey,
            organization=org_a,
            channel="paper",
            language="en",
            entered_by=typist,
            paper_batch="Fair",
            paper_serial=serial,
        )
        response.answers.create(question=trust, choice=trust.choices.get(code=choice))
    manager = make_manager(org_a)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, manager.email)
    visit(page, live_server, "/staff/paper/batches/")
    assert_no_axe_violations(page)
    submit(page, page.get_by_role("link", name="Type papers again", exact=True))
    assert page.get_by_label(label("Batch")).input_value() == "Fair"
    assert_no_axe_violations(page)
    for serial, choice in (("1", "agree"), ("2", "neutral"), ("3", "disagree")):
        page.get_by_label(label("Serial number on the paper")).fill(serial)
        page.locator(f'input[name="q-trust"][value="{choice}"]').check()
        submit(
            page, page.get_by_role("button", name="Save the second entry and enter the next one")
        )
        assert page.get_by_role("status").filter(has_text=f"second entry of {serial}").count() == 1

    visit(page, live_server, "/staff/paper/batches/")
    submit(page, page.get_by_role("link", name=re.compile(r"^67 % agreement \(3 typed twice\)$")))
    mismatch = page.get_by_role("table").filter(has_text="Neutral")
    assert mismatch.count() == 1
    assert "Agree" in mismatch.locator("tbody td").nth(0).inner_text()
    assert_no_axe_violations(page)
    mismatch.get_by_label("Take the second entry").check()
    submit(page, page.get_by_role("button", name="Settle the chosen answers", exact=True))
    assert page.get_by_role("status").filter(has_text="1 mismatch settled.").count() == 1
    assert "Every mismatch of this batch is settled." in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    settled = Response.objects.get(paper_serial="2").answers.get(question=trust)
    assert settled.choice.code == "neutral"
    problems.assert_clean()
