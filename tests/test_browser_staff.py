"""The staff workspace in a real browser (headless Chromium), under the strict CSP.

What CBO staff and managers meet: signing in through the form, inviting a colleague who
chooses a password from the mailed link, switching the interface language, recording and
correcting a listening session and reading its history, typing in a paper questionnaire with
the keyboard alone, axe-core on every workspace page in three languages, and typed text that
survives a session that ended while someone was writing.
"""

import re
from datetime import date, time
from decimal import Decimal

import pytest
import reversion
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from organizations.models import Membership, User
from surveys.models import (
    Answer,
    Instrument,
    ListeningSession,
    PromptNote,
    Response,
    SessionQuote,
    Target,
)

from . import browser as browser_helpers
from .browser import DESKTOP, assert_no_axe_violations, html_lang, submit, translated
from .factories import (
    CollectionLinkFactory,
    InstrumentFactory,
    MembershipFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
    small_survey,
)

# The fixtures: one browser for the session, new_page(viewport=...) -> (page, problems).

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

PASSWORD = "staff-browser-password-2026"
NEW_PASSWORD = "chosen-by-the-invited-2026"


# --- Helpers ---------------------------------------------------------------------------


def with_password(user, password=PASSWORD):
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def make_manager(organization):
    user = UserFactory(full_name="Maria Manager", email="maria@example.org")
    MembershipFactory(user=user, organization=organization, role=Membership.Role.MANAGER)
    return with_password(user)


def make_guide():
    """A discussion guide with two long-text prompts."""
    guide = InstrumentFactory(
        kind=Instrument.Kind.GUIDE,
        code="safety-guide",
        title_en="Safety conversation",
        title_es="Conversación sobre seguridad",
        title_zh_hans="安全座谈",
    )
    section = SectionFactory(instrument=guide, number=1)
    prompts = [
        QuestionFactory(
            instrument=guide,
            section=section,
            code=code,
            type="long_text",
            order=order,
            text_en=en,
            text_es=es,
            text_zh_hans=zh,
        )
        for order, (code, en, es, zh) in enumerate(
            [
                ("feel_safe", "When do you feel safe?", "¿Cuándo se siente seguro?", "何时安全?"),
                ("who_helps", "Who should help?", "¿Quién debe ayudar?", "谁应该帮忙?"),
            ],
            start=1,
        )
    ]
    return guide, prompts


def label(text):
    """A field's accessible name: its text, then "(required)" in words if it is required (the
    asterisk is hidden from screen readers)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*(\([^)]+\))?\s*$")


def session_label(name, language, organization):
    """A listening-session field's label as the form shows it in `language`."""
    from surveys.forms import ListeningSessionForm

    with translation.override(language):
        return str(ListeningSessionForm(organization=organization).fields[name].label)


def url(live_server, path):
    return live_server.url + path


def visit(page, live_server, path, status=200):
    answer = page.goto(url(live_server, path))
    assert answer.status == status, f"{path}: {answer.status}"
    return answer


def sign_in(page, live_server, email, password=PASSWORD, start="/accounts/login/"):
    """Through the sign-in form: the email address and the password, then the button."""
    if start is not None:
        visit(page, live_server, start)
    page.get_by_label(label("Email address")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    submit(page, page.get_by_role("button", name="Sign in", exact=True))


def nav_link(page, language, name):
    navigation = page.get_by_role("navigation", name=translated(language, "Workspace"))
    return navigation.get_by_role("link", name=translated(language, name), exact=True)


def focused(page):
    """The focused element: its id, name, type and value (and checked for a box)."""
    return page.evaluate(
        """() => { const e = document.activeElement;
          return {id: e.id, name: e.name || "", type: e.type || e.tagName.toLowerCase(),
                  value: e.value === undefined ? null : e.value, checked: !!e.checked,
                  text: (e.innerText || "").trim()}; }"""
    )


def tab_until(page, matches, key="Tab", most=80):
    """Press Tab (or Shift+Tab) until the focused element matches; fail after `most` presses."""
    for _ in range(most):
        page.keyboard.press(key)
        now = focused(page)
        if matches(now):
            return now
    raise AssertionError(f"{key} never reached the element; last focused: {now}")


def field_named(name):
    return lambda element: element["name"] == name


# --- 1. Invitation, Spanish interface, a listening session and its history -------------


def test_manager_invites_staff_who_records_a_session_in_spanish(
    live_server, new_page, org_a, areas
):
    manager = make_manager(org_a)
    guide, (first_prompt, second_prompt) = make_guide()
    mail.outbox.clear()

    # The manager signs in and invites a colleague.
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, manager.email)
    assert page.url == url(live_server, "/staff/")
    submit(page, nav_link(page, "en", "Team"))
    assert page.url == url(live_server, "/staff/team/")
    submit(page, page.get_by_role("link", name="Invite a staff member", exact=True))
    page.get_by_label(label("Email address")).fill("Rosa.Staff@Example.org")
    page.get_by_label(label("Full name")).fill("Rosa Staff")
    page.get_by_label(label("Role")).select_option("staff")
    submit(page, page.get_by_role("button", name="Send the invitation", exact=True))
    assert page.url == url(live_server, "/staff/team/")
    assert page.get_by_role("status").filter(has_text="Invitation sent to").count() == 1
    members = page.get_by_role("table", name="Members of Org A")
    assert members.get_by_role("link", name="Rosa Staff", exact=True).count() == 1
    invited = User.objects.get(full_name="Rosa Staff")
    assert invited.membership.organization == org_a
    assert invited.membership.role == Membership.Role.STAFF
    assert not invited.has_usable_password()

    # The invitation mail holds a link to choose a password, and no password.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [invited.email]
    welcome = re.search(r"https?://\S+/accounts/welcome/\S+/", message.body).group(0)
    assert welcome.startswith(live_server.url)

    staff, staff_problems = new_page(viewport=DESKTOP)
    staff.goto(welcome)
    assert staff.get_by_role("heading", level=1).inner_text() == "Choose your password"
    staff.get_by_label(label("New password")).fill(NEW_PASSWORD)
    staff.get_by_label(label("New password confirmation")).fill(NEW_PASSWORD)
    submit(staff, staff.get_by_role("button", name="Save my password and sign in"))
    assert staff.url == url(live_server, "/staff/")
    assert staff.get_by_role("status").filter(has_text="Welcome!").count() == 1
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)

    # The interface in Spanish, chosen in the header; it stays on the account.
    assert html_lang(staff) == "en"
    staff.get_by_label(label("Interface language")).select_option("es")
    submit(staff, staff.get_by_role("button", name="Change language", exact=True))
    assert staff.url == url(live_server, "/staff/")
    assert html_lang(staff) == "es"
    skip = translated("es", "Skip to main content")
    assert skip == "Ir al contenido principal"
    assert staff.get_by_role("link", name=skip, exact=True).count() == 1
    assert translated("es", "Listening sessions") != "Listening sessions"
    assert nav_link(staff, "es", "Listening sessions").count() == 1
    invited.refresh_from_db()
    assert invited.preferred_language == "es"

    # A listening session with the two prompts of the guide, saved as a draft.
    es = lambda message: translated("es", message)  # noqa: E731
    submit(staff, staff.get_by_role("link", name=es("Record a listening session"), exact=True))
    assert html_lang(staff) == "es"
    heading = staff.get_by_role("heading", level=1)
    assert heading.inner_text() == es("Record a listening session")
    # The form carries its key, so a double submit finds the session the first one created.
    assert staff.locator('input[type=hidden][name="form_key"]').count() == 1
    about = staff.get_by_role("group", name=es("About the session"))

    def about_field(page, name):
        about = page.get_by_role("group", name=es("About the session"))
        return about.get_by_label(label(session_label(name, "es", org_a)))

    def session_field(name):
        return about_field(staff, name)

    assert session_label("place", "es", org_a) != "Place"
    # The newest discussion guide is chosen already.
    assert session_field("guide").input_value() == str(guide.pk)
    session_field("held_on").fill("2026-11-20")
    session_field("starts_at").fill("18:00")
    session_field("ends_at").fill("19:30")
    session_field("place").fill("Bibilioteca del barrio")
    session_field("area").select_option(label="Lower West Side")
    session_field("attendees").fill("14")
    spoken = about.get_by_role("group", name=label(session_label("languages", "es", org_a)))
    spoken.get_by_label("español", exact=True).check()
    facilitated = about.get_by_role("group", name=label(session_label("facilitators", "es", org_a)))
    facilitated.get_by_label("Rosa Staff", exact=True).check()
    facilitated.get_by_label("Maria Manager", exact=True).check()

    first = staff.get_by_role("group", name=f"1. {first_prompt.text_es}")
    second = staff.get_by_role("group", name=f"2. {second_prompt.text_es}")
    first.get_by_label(label(es("Summary of what was said"))).fill(
        "La gente se siente segura de día y pide más luz de noche."
    )
    second.get_by_label(label(es("Summary of what was said"))).fill(
        "Piden profesionales de salud mental para las crisis."
    )
    quotes, descriptors = es("Quote"), es("Who said it (no names)")
    first.get_by_label(label(quotes)).nth(0).fill("De noche no salgo de mi casa.")
    first.get_by_label(label(quotes)).nth(1).fill("Necesitamos luz en el parqe.")
    first.get_by_label(label(descriptors)).nth(1).fill("youth participant")
    second.get_by_label(label(quotes)).nth(0).fill("Un consejero ayuda más que una patrulla.")
    submit(staff, staff.get_by_role("button", name=es("Save as draft"), exact=True))

    session = ListeningSession.objects.get()
    assert staff.url == url(live_server, f"/staff/sessions/{session.pk}/")
    assert html_lang(staff) == "es"
    assert staff.get_by_role("status").inner_text() == es("The session is saved as a draft.")
    assert staff.locator("q").all_inner_texts() == [
        "De noche no salgo de mi casa.",
        "Necesitamos luz en el parqe.",
        "Un consejero ayuda más que una patrulla.",
    ]

    # Later: the typo in a quote is corrected.
    submit(staff, staff.get_by_role("link", name=es("Edit"), exact=True))
    assert staff.url == url(live_server, f"/staff/sessions/{session.pk}/edit/")
    assert staff.get_by_role("heading", level=1).inner_text() == es("Edit listening session")
    assert staff.locator('input[name="form_key"]').count() == 0
    # The edit form shows what was stored, the date and times included.
    assert about_field(staff, "held_on").input_value() == "2026-11-20"
    assert about_field(staff, "starts_at").input_value() == "18:00"
    assert about_field(staff, "place").input_value() == "Bibilioteca del barrio"
    first = staff.get_by_role("group", name=f"1. {first_prompt.text_es}")
    typo = first.get_by_label(label(quotes)).nth(1)
    assert typo.input_value() == "Necesitamos luz en el parqe."
    assert first.get_by_label(label(descriptors)).nth(1).input_value() == "youth participant"
    typo.fill("Necesitamos luz en el parque.")
    submit(staff, staff.get_by_role("button", name=es("Save as draft"), exact=True))
    assert staff.locator("#error-summary").count() == 0, staff.locator("main").inner_text()
    assert staff.url == url(live_server, f"/staff/sessions/{session.pk}/")
    assert "Necesitamos luz en el parque." in staff.locator("q").all_inner_texts()
    # Staff who recorded and edited the session may read its history.
    assert staff.get_by_role("link", name=es("History of changes")).count() == 1

    # The manager signs in and reads the history: both saves, the quote before and after.
    history, history_problems = new_page(viewport=DESKTOP)
    sign_in(
        history,
        live_server,
        manager.email,
        start=f"/staff/sessions/{session.pk}/history/",
    )
    assert history.url == url(live_server, f"/staff/sessions/{session.pk}/history/")
    assert html_lang(history) == "en"
    revisions = history.locator("section.prompt-block")
    assert revisions.count() == 2
    assert "Rosa Staff" in revisions.nth(0).get_by_role("heading", level=2).inner_text()
    assert "Rosa Staff" in revisions.nth(1).get_by_role("heading", level=2).inner_text()
    first_version = history.get_by_role("table", name="First version")
    assert first_version.count() == 1
    changed = history.get_by_role("table", name="What changed")
    assert changed.count() == 1
    # The correction is the only change, and it shows old and new side by side.
    rows = changed.locator("tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert row.get_by_role("rowheader").inner_text() == "feel_safe: Quotes"
    before = row.locator("td").nth(0)
    after = row.locator("td").nth(1)
    assert "“Necesitamos luz en el parqe.” — youth participant" in before.inner_text()
    assert "parque." not in before.inner_text()
    assert "“Necesitamos luz en el parque.” — youth participant" in after.inner_text()
    assert "parqe." not in after.inner_text()
    headers = changed.locator("thead th").all_inner_texts()
    assert headers == ["Field", "Before", "After"]

    # In the database: one session of org A, recorded by the invited person.
    session = ListeningSession.objects.get()
    assert session.organization == org_a
    assert session.created_by == invited
    assert session.guide == guide
    assert session.held_on == date(2026, 11, 20)
    assert (session.starts_at, session.ends_at) == (time(18, 0), time(19, 30))
    assert session.place == "Bibilioteca del barrio"
    assert session.area.name == "Lower West Side"
    assert session.attendees == 14
    assert session.languages == ["es"]
    assert session.status == ListeningSession.Status.DRAFT
    assert set(session.facilitators.all()) == {invited, manager}
    assert PromptNote.objects.filter(session=session).count() == 2
    assert SessionQuote.objects.filter(session=session).count() == 3
    assert sorted(session.quotes.values_list("question__code", "text", "descriptor")) == [
        ("feel_safe", "De noche no salgo de mi casa.", ""),
        ("feel_safe", "Necesitamos luz en el parque.", "youth participant"),
        ("who_helps", "Un consejero ayuda más que una patrulla.", ""),
    ]
    for problem in (problems, staff_problems, history_problems):
        problem.assert_clean()


# --- 2. A paper questionnaire typed in with the keyboard alone --------------------------


def test_paper_survey_entered_with_keyboard_alone(live_server, new_page, org_a, areas):
    survey = small_survey()
    staff = with_password(MembershipFactory(organization=org_a, role=Membership.Role.STAFF).user)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, staff.email)
    entry_path = reverse("workspace:paper_entry", args=[survey.code])
    visit(page, live_server, entry_path)
    assert page.get_by_role("heading", level=1).inner_text() == "Enter a paper questionnaire"

    # From the top of the page, Tab only.
    tab_until(page, field_named("paper_serial"))
    page.keyboard.type("0042")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "paper_batch"
    page.keyboard.type("Fair 2026-11")
    # Back with Shift+Tab to correct the serial number.
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"] == "paper_serial"
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "paper_language"
    page.keyboard.type("esp")
    assert focused(page)["value"] == "es"

    tab_until(page, field_named("q-home_area"))
    page.keyboard.type("Lower West")
    assert page.locator("#id_q-home_area option:checked").inner_text().endswith("Lower West Side")

    # A radio group: Tab enters it on its first choice, Space ticks, arrows move and tick.
    now = tab_until(page, field_named("q-contact"))
    assert (now["value"], now["checked"]) == ("yes", False)
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert (focused(page)["value"], focused(page)["checked"]) == ("yes", True)

    now = tab_until(page, field_named("q-trust"))
    assert now["value"] == "disagree"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert (focused(page)["value"], focused(page)["checked"]) == ("agree", True)

    now = tab_until(page, field_named("q-treated"))
    assert now["value"] == "fair"
    page.keyboard.press("Space")

    # Checkboxes: Tab from box to box, Space ticks.
    now = tab_until(page, field_named("q-worries"))
    assert now["value"] == "traffic"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page)["value"] == "theft"
    page.keyboard.press("Tab")
    assert focused(page)["value"] == "other"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "q-worries-other"
    page.keyboard.type("Speeding cars")

    # The matrix's rows are radio groups too.
    now = tab_until(page, field_named("q-who_crisis"))
    assert now["value"] == "police"
    page.keyboard.press("ArrowDown")
    assert (focused(page)["value"], focused(page)["checked"]) == ("professional", True)
    now = tab_until(page, field_named("q-who_noise"))
    page.keyboard.press("Space")
    assert (focused(page)["value"], focused(page)["checked"]) == ("police", True)

    tab_until(page, field_named("q-household"))
    page.keyboard.type("4")
    tab_until(page, field_named("q-zip"))
    page.keyboard.type("60608")
    tab_until(page, field_named("q-idea"))
    page.keyboard.type("Más luz en la calle 18.")

    # Enter on the button sends it.
    now = tab_until(page, lambda element: element["type"] == "submit")
    assert now["text"] == "Save and enter the next one"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    response = Response.objects.get()
    assert response.channel == Response.Channel.PAPER
    assert response.organization == org_a
    assert response.entered_by == staff
    assert response.link is None
    assert (response.paper_serial, response.paper_batch) == ("0043", "Fair 2026-11")
    assert (response.paper_language, response.language) == ("es", "es")
    assert response.area.name == "Lower West Side"
    stored = {}
    for answer in response.answers.select_related("question", "choice", "area"):
        code = answer.question.code
        if answer.choice_id:
            stored.setdefault(code, []).append(answer.choice.code)
        elif answer.area_id:
            stored[code] = answer.area.name
        elif answer.number is not None:
            stored[code] = answer.number
        else:
            stored[code] = answer.text
    assert {code: sorted(v) if isinstance(v, list) else v for code, v in stored.items()} == {
        "home_area": "Lower West Side",
        "contact": ["yes"],
        "trust": ["agree"],
        "treated": ["fair"],
        "worries": ["other", "traffic"],
        "who_crisis": ["professional"],
        "who_noise": ["police"],
        "household": Decimal("4"),
        "zip": "60608",
        "idea": "Más luz en la calle 18.",
    }
    assert response.answers.get(question__code="worries", choice__code="other").text == (
        "Speeding cars"
    )
    assert not response.answers.filter(special__in=[Answer.Special.NO_ANSWER]).exists()

    # The page comes back empty for the next questionnaire; the batch and language stay.
    assert page.url == url(live_server, f"{entry_path}?batch=Fair+2026-11&language=es")
    assert page.get_by_role("status").inner_text() == (
        "Stored questionnaire 0043 of batch Fair 2026-11. Enter the next one."
    )
    assert page.get_by_label(label("Serial number on the paper")).input_value() == ""
    assert page.get_by_label(label("Batch")).input_value() == "Fair 2026-11"
    assert page.get_by_label(label("Language of the paper form")).input_value() == "es"
    assert page.locator("#id_q-home_area").input_value() == ""
    assert page.locator("#id_q-household").input_value() == ""
    assert page.locator("#id_q-zip").input_value() == ""
    assert page.locator("#id_q-idea").input_value() == ""
    assert page.locator("#id_q-worries-other").input_value() == ""
    assert page.locator("input:checked").count() == 0
    assert page.locator(".restored-note").count() == 0
    problems.assert_clean()


# --- 3. axe-core on every workspace page ---------------------------------------------------


@pytest.fixture
def workspace_data(org_a, areas):
    """A manager and a staff member of org A, a link, a response, a session with notes and
    quotes, a paper survey, and a member waiting for an invitation."""
    manager = make_manager(org_a)
    staff = MembershipFactory(
        organization=org_a,
        role=Membership.Role.STAFF,
        user=UserFactory(full_name="Sam Staff", email="sam@example.org"),
    )
    survey = small_survey()
    link = CollectionLinkFactory(instrument=survey, organization=org_a, label="Library fair")
    response = Response.objects.create(
        instrument=survey,
        organization=org_a,
        link=link,
        channel=Response.Channel.WEB,
        language="es",
        area=areas.get(name="Lower West Side"),
        consented=True,
    )
    response.answers.create(question=survey.questions.get(code="idea"), text="Más luz")
    # Targets: the home page's progress bars are part of the axe walk.
    Target.objects.create(organization=org_a, instrument=survey, completed=100)
    Target.objects.create(
        organization=org_a,
        instrument=survey,
        area=areas.get(name="Lower West Side"),
        completed=20,
    )
    Target.objects.create(organization=org_a, instrument=survey, language="es", completed=30)
    response.answers.create(
        question=survey.questions.get(code="trust"),
        choice=survey.questions.get(code="trust").choices.get(code="agree"),
    )
    guide, prompts = make_guide()
    with reversion.create_revision():
        session = ListeningSession.objects.create(
            organization=org_a,
            guide=guide,
            held_on=date(2026, 11, 20),
            starts_at=time(18, 0),
            ends_at=time(19, 30),
            place="Library",
            area=areas.get(name="Lower West Side"),
            attendees=12,
            languages=["en", "es"],
            created_by=manager,
        )
        for prompt in prompts:
            PromptNote.objects.create(session=session, question=prompt, summary="Summary")
        SessionQuote.objects.create(
            session=session, question=prompts[0], text="More light", descriptor="youth"
        )
        reversion.set_user(manager)
        reversion.set_comment("save")
    with reversion.create_revision():
        SessionQuote.objects.filter(session=session).update(text="More light, please")
        for quote in session.quotes.all():
            quote.save()
        session.save()
        reversion.set_user(manager)
        reversion.set_comment("save")
    invited = MembershipFactory(
        organization=org_a,
        role=Membership.Role.STAFF,
        user=UserFactory(full_name="Ines Invited", email="ines@example.org"),
    ).user
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    return {
        "manager": manager,
        "staff": staff,
        "survey": survey,
        "response": response,
        "session": session,
        "invited": invited,
    }


def test_axe_finds_no_violation_on_any_workspace_page(
    live_server, new_page, workspace_data, facilitator, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    data = workspace_data
    manager, survey, session = data["manager"], data["survey"], data["session"]
    checked = []

    def check(page, what):
        assert_no_axe_violations(page)
        checked.append(what)

    # Signed out: sign-in (and its error), password reset, the lockout, the welcome page.
    page, problems = new_page(viewport=DESKTOP)
    visit(page, live_server, "/accounts/login/")
    # The check can fail: a field without a label is found.
    page.evaluate(
        """() => { const field = document.createElement("input");
          field.id = "unlabelled"; document.querySelector("form").append(field); }"""
    )
    found = browser_helpers.axe_violations(page)
    assert "label" in {violation["id"] for violation in found}
    page.evaluate('() => document.getElementById("unlabelled").remove()')
    check(page, "login")
    page.get_by_label(label("Email address")).fill(manager.email)
    page.get_by_label(label("Password")).fill("not-the-password")
    submit(page, page.get_by_role("button", name="Sign in", exact=True))
    assert page.title().startswith("Error:")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check(page, "login error")
    visit(page, live_server, "/accounts/password/reset/")
    check(page, "password reset")
    # The second failure (AXES_FAILURE_LIMIT = 2) pauses signing in with that address.
    lock_page, lock_problems = new_page(viewport=DESKTOP)
    visit(lock_page, live_server, "/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(lock_page, live_server, data["staff"].user.email, "wrong", start=None)
        if lock_page.get_by_role("heading", level=1).inner_text() == "Sign-in paused":
            break
    assert lock_page.get_by_role("heading", level=1).inner_text() == "Sign-in paused"
    check(lock_page, "lockout")
    invited = data["invited"]
    welcome = reverse(
        "welcome",
        args=[
            urlsafe_base64_encode(force_bytes(invited.pk)),
            default_token_generator.make_token(invited),
        ],
    )
    page.goto(url(live_server, welcome))
    assert page.get_by_label(label("New password")).count() == 1
    check(page, "welcome")

    # Signed in as the manager, in English.
    sign_in(page, live_server, manager.email)
    assert page.url == url(live_server, "/staff/")
    member = Membership.objects.get(user=data["staff"].user)
    pages = {
        "home": "/staff/",
        "links": "/staff/links/",
        "link new": "/staff/links/new/",
        "sessions": "/staff/sessions/",
        "session form": "/staff/sessions/new/",
        "session": f"/staff/sessions/{session.pk}/",
        "session edit": f"/staff/sessions/{session.pk}/edit/",
        "session history": f"/staff/sessions/{session.pk}/history/",
        "responses": "/staff/responses/",
        "response": f"/staff/responses/{data['response'].pk}/",
        "downloads": "/staff/downloads/",
        "paper": "/staff/paper/",
        "paper print": f"/staff/paper/{survey.code}/print/en/",
        "paper print es": f"/staff/paper/{survey.code}/print/es/",
        "paper entry": f"/staff/paper/{survey.code}/enter/",
        "paper batches": "/staff/paper/batches/",
        "paper second entry": f"/staff/paper/{survey.code}/enter-again/",
        "team": "/staff/team/",
        "member": f"/staff/team/{member.public_id}/",
        "invited member": f"/staff/team/{invited.membership.public_id}/",
        "invite": "/staff/team/invite/",
        "password change": "/accounts/password/",
    }
    for name, path in pages.items():
        visit(page, live_server, path)
        assert html_lang(page) == ("es" if name == "paper print es" else "en"), name
        check(page, name)

    # Error states: a session that ends before it starts, a paper entry without its details.
    visit(page, live_server, "/staff/sessions/new/")
    page.locator("#id_starts_at").fill("19:00")
    page.locator("#id_ends_at").fill("18:00")
    submit(page, page.get_by_role("button", name="Save as draft", exact=True))
    assert page.title().startswith("Error:")
    summary = page.locator("#error-summary")
    assert "The end time must be after the start time." in summary.inner_text()
    check(page, "session form error")
    visit(page, live_server, f"/staff/paper/{survey.code}/enter/")
    page.get_by_label(label("Serial number on the paper")).fill("")
    submit(page, page.get_by_role("button", name="Save and enter the next one"))
    assert page.title().startswith("Error:")
    assert page.locator("#error-summary").get_by_role("link").count() >= 1
    check(page, "paper entry error")

    # The main pages in Spanish and Chinese (the account's language).
    for language in ("es", "zh-hans"):
        User.objects.filter(pk=manager.pk).update(preferred_language=language)
        for name in ("home", "session form", "responses", "links", "link new", "paper batches"):
            visit(page, live_server, pages[name])
            assert html_lang(page) == language, name
            check(page, f"{name} {language}")
    User.objects.filter(pk=manager.pk).update(preferred_language="en")

    # The facilitator: the team's organization picker, and the workspace over everyone.
    with_password(facilitator)
    facilitator_page, facilitator_problems = new_page(viewport=DESKTOP)
    sign_in(facilitator_page, live_server, facilitator.email)
    for name, path in {
        "team picker": "/staff/team/",
        "home all organizations": "/staff/",
        "responses all organizations": "/staff/responses/",
        "team of org A": "/staff/team/?org=org-a",
        "session form for org A": "/staff/sessions/new/?org=org-a",
    }.items():
        visit(facilitator_page, live_server, path)
        check(facilitator_page, name)
    assert facilitator_page.get_by_role("heading", level=1).count() == 1

    assert len(checked) == 46, checked
    for problem in (problems, lock_problems, facilitator_problems):
        problem.assert_clean()


# --- 4. Text typed before the session ended comes back -------------------------------------


def test_autosave_restores_text_after_the_session_ended(live_server, new_page, org_a):
    from django.contrib.sessions.models import Session

    make_guide()
    staff = with_password(MembershipFactory(organization=org_a, role=Membership.Role.STAFF).user)
    page, problems = new_page(viewport=DESKTOP)
    sign_in(page, live_server, staff.email)
    visit(page, live_server, "/staff/sessions/new/")
    summary = page.locator("#id_notes-feel_safe-summary")
    long_summary = " ".join(
        f"Point {n}: people asked for more light, more youth programs and faster help."
        for n in range(1, 40)
    )
    summary.fill(long_summary)
    summary.press("End")
    page.keyboard.type(" The end.")
    page.locator("#id_place").fill("Park district field house")

    # The session ends on the server (idle timeout, restart, sign-out elsewhere).
    Session.objects.all().delete()
    submit(page, page.get_by_role("button", name="Save as draft", exact=True))
    assert page.url == url(live_server, "/accounts/login/?next=/staff/sessions/new/")
    assert ListeningSession.objects.count() == 0

    sign_in(page, live_server, staff.email, start=None)
    assert page.url == url(live_server, "/staff/sessions/new/")
    assert page.locator("#id_notes-feel_safe-summary").input_value() == long_summary + " The end."
    assert page.locator("#id_place").input_value() == "Park district field house"
    notice = page.locator(".restored-note")
    assert notice.is_visible()
    assert notice.get_attribute("role") == "status"
    assert notice.inner_text() == (
        "We restored text you typed before your session ended. Check it, then save."
    )

    # Saving it stores the text, and the kept copy is gone: a new form starts empty.
    submit(page, page.get_by_role("button", name="Save as draft", exact=True))
    assert page.locator("#error-summary").count() == 0, page.locator("#error-summary").inner_text()
    session = ListeningSession.objects.get()
    assert session.notes.get(question__code="feel_safe").summary == long_summary + " The end."
    assert session.created_by == staff
    visit(page, live_server, "/staff/sessions/new/")
    assert page.locator("#id_notes-feel_safe-summary").input_value() == ""
    assert page.locator(".restored-note").count() == 0
    problems.assert_clean()
