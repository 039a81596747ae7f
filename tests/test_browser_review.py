"""Browser: CBO staff review responses: exclude two from the list with one reason, correct a
typo in a paper questionnaire, and read the response's history. axe-core on each page."""

import pytest
from django.urls import reverse

from organizations.models import Membership
from surveys.models import Answer, Response, ResponseEvent

from .browser import DESKTOP, assert_no_axe_violations, submit
from .factories import CollectionLinkFactory, MembershipFactory, make_response, small_survey

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PASSWORD = "review-browser-password-2026"


def test_staff_exclude_two_responses_and_correct_a_paper_typo(live_server, new_page, org_a, areas):
    survey = small_survey()
    staff = MembershipFactory(organization=org_a, role=Membership.Role.STAFF).user
    staff.set_password(PASSWORD)
    staff.save()
    link = CollectionLinkFactory(instrument=survey, organization=org_a)
    web = [make_response(link) for _ in range(3)]
    paper = Response.objects.create(
        instrument=survey,
        organization=org_a,
        channel="paper",
        language="en",
        entered_by=staff,
        paper_batch="Fair",
        paper_serial="0042",
    )
    Answer.objects.create(
        response=paper, question=survey.questions.get(code="idea"), text="More lihgts"
    )
    page, problems = new_page(viewport=DESKTOP)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    submit(page, page.get_by_role("button", name="Sign in", exact=True))

    # The list: tick two web responses, one reason for both.
    page.goto(live_server.url + reverse("workspace:responses"))
    assert_no_axe_violations(page)
    rows = page.get_by_role("checkbox")
    assert rows.count() == 4
    submit(page, page.get_by_role("button", name="Exclude the ticked responses"))
    assert page.title().startswith("Error:")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Responses").first.click()
    page.locator("#id_responses_0").check()
    page.locator("#id_responses_1").check()
    page.get_by_label("Reason").select_option("test")
    page.get_by_label("Note (optional)").fill("Training day")
    submit(page, page.get_by_role("button", name="Exclude the ticked responses"))
    assert page.get_by_text("2 responses are excluded.").is_visible()
    # Newest first: the paper questionnaire, then the last web response.
    assert set(Response.objects.filter(status="excluded").values_list("pk", flat=True)) == {
        paper.pk,
        web[2].pk,
    }

    # Search finds the paper questionnaire by its serial number (excluded, it can still be
    # corrected); correct its typo.
    page.get_by_label("Search text answers and serial numbers").fill("0042")
    submit(page, page.get_by_role("button", name="Filter"))
    submit(page, page.get_by_role("table").get_by_role("link").first)
    submit(page, page.get_by_role("link", name="Correct the answers typed in"))
    assert_no_axe_violations(page)
    idea = page.get_by_label("One idea to make you safer")
    assert idea.input_value() == "More lihgts"
    idea.fill("More lights")
    submit(page, page.get_by_role("button", name="Save the corrections"))

    assert page.get_by_text("The corrected answers are saved.").is_visible()
    history = page.get_by_role("table", name="History of this response")
    assert "More lihgts → More lights" in history.inner_text()
    assert_no_axe_violations(page)
    assert ResponseEvent.objects.filter(kind="corrected").count() == 1
    problems.assert_clean()
