"""Every workspace URL, for every persona, against objects of CBO A and of CBO B.

Anonymous and deactivated users are sent to sign in; another organization's objects answer
404 (which wins over 403); staff get 403 on manager-only pages; the facilitator opens all.
Data of the other organization is always present and never shows in lists or downloads.
"""

import io
from datetime import date

import openpyxl
import pyreadstat
import pytest
from django.urls import reverse

from organizations.models import Membership, Organization
from surveys.models import CollectionLink, Instrument, ListeningSession, Response, SecondEntry

from .factories import (
    CollectionLinkFactory,
    InstrumentFactory,
    MembershipFactory,
    OrganizationFactory,
    QuestionFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "staff_a",
    "manager_a",
    "staff_b",
    "manager_b",
    "deactivated",
    "facilitator",
    "partner",
]


@pytest.fixture
def world(org_a, org_b, survey, staff_a, manager_a, staff_b, facilitator):
    manager_b = MembershipFactory(organization=org_b, role=Membership.Role.MANAGER).user
    deactivated = MembershipFactory(organization=org_a, role=Membership.Role.MANAGER).user
    deactivated.is_active = False
    deactivated.save()
    office = OrganizationFactory(name="Police Department", kind=Organization.Kind.PARTNER)
    partner = MembershipFactory(organization=office, role=Membership.Role.PARTNER).user
    guide = InstrumentFactory(kind=Instrument.Kind.GUIDE, code="scoping-guide")
    QuestionFactory(
        instrument=guide,
        section=SectionFactory(instrument=guide, number=1),
        code="prompt",
        type="long_text",
    )
    objects = {}
    for key, org, staff in (("a", org_a, staff_a), ("b", org_b, staff_b)):
        link = CollectionLinkFactory(organization=org, instrument=survey)
        response = Response.objects.create(
            instrument=survey,
            organization=org,
            link=None,
            channel="paper",
            language="en",
            entered_by=staff,
            paper_batch=f"BATCH-{key.upper()}",
            paper_serial="1",
        )
        session = ListeningSession.objects.create(
            organization=org,
            guide=guide,
            held_on=date(2026, 10, 1),
            created_by=staff,
            place=f"PLACE-{key.upper()}",
        )
        SecondEntry.objects.create(response=response, entered_by=facilitator, answers={})
        objects[key] = {
            "link": link,
            "response": response,
            "session": session,
            "survey": survey,
        }
    users = {
        "anonymous": None,
        "staff_a": staff_a,
        "manager_a": manager_a,
        "staff_b": staff_b,
        "manager_b": manager_b,
        "deactivated": deactivated,
        "facilitator": facilitator,
        "partner": partner,
    }
    return {"objects": objects, "users": users, "survey": survey}


def object_urls(objects):
    """(name, method, url) of every workspace URL about one organization's objects."""
    session = objects["session"].pk
    response = objects["response"].pk
    org = f"?org={objects['link'].organization.slug}"
    return [
        ("results", "get", reverse("findings:results") + org),
        ("crosstab", "get", reverse("findings:crosstab") + org),
        ("crosstab_csv", "get", reverse("findings:crosstab_csv") + org),
        ("session", "get", reverse("workspace:session", args=[session])),
        ("session_edit", "get", reverse("workspace:session_edit", args=[session])),
        ("session_history", "get", reverse("workspace:session_history", args=[session])),
        ("response", "get", reverse("workspace:response", args=[response])),
        ("response_exclude", "post", reverse("workspace:response_exclude", args=[response])),
        ("response_include", "post", reverse("workspace:response_include", args=[response])),
        ("correct", "get", reverse("workspace:response_correct", args=[response])),
        ("link_status", "post", reverse("workspace:link_status", args=[objects["link"].token])),
        (
            "paper_batch_check",
            "get",
            reverse("workspace:paper_batch_check", args=[objects["survey"].code])
            + f"?batch={objects['response'].paper_batch}",
        ),
    ]


PARTNER_PAGES = {"results", "crosstab", "crosstab_csv"}


def own_org(persona):
    return persona[-1] if persona[-2:] in {"_a", "_b"} else None


def expected_status(persona, name, owner):
    if persona in {"anonymous", "deactivated"}:
        return 302
    redirects = name.startswith("response_") or name == "link_status"
    if persona == "partner":
        # Aggregates of every organization, always suppressed; nothing row-level.
        return 200 if name in PARTNER_PAGES else 404
    if persona == "facilitator":
        return 302 if redirects else 200
    if own_org(persona) != owner:
        return 404
    if name == "session_history" and persona.startswith("staff"):
        # Staff see the history of a session they recorded or edited; the world's sessions
        # were recorded by staff_a and staff_b.
        return 200
    return 302 if redirects else 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_object_url_for_every_persona(client, world, persona):
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    results = {}
    expected = {}
    for owner in ("a", "b"):
        for name, method, url in object_urls(world["objects"][owner]):
            data = {"reason": "test", "action": "pause"} if method == "post" else None
            response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
            results[(owner, name)] = response.status_code
            expected[(owner, name)] = expected_status(persona, name, owner)
            if expected[(owner, name)] == 302 and persona in {"anonymous", "deactivated"}:
                assert response["Location"].startswith("/accounts/login/"), url
    assert results == expected
    if persona in {"staff_b", "manager_b", "anonymous", "deactivated", "partner"}:
        # Nothing of A changed through someone else's requests.
        assert Response.objects.get(pk=world["objects"]["a"]["response"].pk).status == "included"
        assert CollectionLink.objects.get(pk=world["objects"]["a"]["link"].pk).status == "active"


def list_urls(survey):
    return [
        reverse("workspace:home"),
        reverse("workspace:links"),
        reverse("workspace:link_new"),
        reverse("workspace:sessions"),
        reverse("workspace:session_new"),
        reverse("workspace:responses"),
        reverse("findings:downloads"),
        reverse("findings:responses_csv") + f"?instrument={survey.code}&scope=all",
        reverse("findings:responses_xlsx") + f"?instrument={survey.code}&scope=all",
        reverse("findings:responses_sav") + f"?instrument={survey.code}&scope=all",
        reverse("findings:codebook_csv") + f"?instrument={survey.code}",
        reverse("findings:codebook_xlsx") + f"?instrument={survey.code}",
        reverse("findings:sessions_csv"),
        reverse("findings:sessions_xlsx"),
        reverse("findings:results"),
        reverse("findings:crosstab") + "?rows=organization&cols=channel",
        reverse("findings:crosstab_csv") + "?rows=organization&cols=channel",
        reverse("findings:themes"),
        reverse("findings:themes") + "?by=source",
        reverse("findings:codings_csv"),
        reverse("findings:codings_xlsx"),
        reverse("workspace:paper"),
        reverse("workspace:paper_batches"),
        reverse("workspace:paper_print", args=[survey.code, "en"]),
        reverse("workspace:paper_entry", args=[survey.code]),
        reverse("workspace:paper_second_entry", args=[survey.code]),
        reverse("workspace:kiosk_outbox"),
        reverse("workspace:outbox_upload"),
    ]


def readable(response, tmp_path):
    """Every value of a page or a download (CSV, XLSX or .sav) as text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    if kind.startswith("application/vnd.openxmlformats"):
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        return " ".join(
            str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
        )
    if kind == "application/x-spss-sav":
        path = tmp_path / "file.sav"
        path.write_bytes(body)
        frame, _meta = pyreadstat.read_sav(str(path))
        return frame.to_csv()
    return body.decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["staff_a", "manager_a", "staff_b", "manager_b"])
def test_lists_and_downloads_never_show_the_other_organization(client, world, persona, tmp_path):
    client.force_login(world["users"][persona])
    mine, theirs = own_org(persona), "b" if own_org(persona) == "a" else "a"
    for url in list_urls(world["survey"]):
        response = client.get(url)
        assert response.status_code == 200, url
        body = readable(response, tmp_path)
        assert f"PLACE-{theirs.upper()}" not in body, url
        assert f"BATCH-{theirs.upper()}" not in body, url
        assert world["objects"][theirs]["link"].token not in body, url
        assert str(world["objects"][theirs]["response"].pk) not in body, url
        assert str(world["objects"][theirs]["session"].pk) not in body, url
    sessions = client.get(reverse("workspace:sessions")).content.decode()
    assert f"PLACE-{mine.upper()}" in sessions
    for url in [u for u in list_urls(world["survey"]) if "/downloads/responses." in u]:
        assert f"BATCH-{mine.upper()}" in readable(client.get(url), tmp_path), url


@pytest.mark.parametrize("persona", ["anonymous", "deactivated"])
def test_list_urls_send_signed_out_people_to_sign_in(client, world, persona):
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    for url in list_urls(world["survey"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_facilitator_sees_every_organization_and_can_narrow_to_one(client, world, org_a):
    client.force_login(world["users"]["facilitator"])
    everything = client.get(reverse("workspace:sessions")).content.decode()
    assert "PLACE-A" in everything and "PLACE-B" in everything
    narrowed = client.get(reverse("workspace:sessions"), {"org": org_a.slug}).content.decode()
    assert "PLACE-A" in narrowed and "PLACE-B" not in narrowed
    assert client.get(reverse("workspace:sessions"), {"org": "no-such-org"}).status_code == 404


FACILITATOR_ONLY = [
    reverse("findings:coding"),
    reverse("findings:coding") + "?as=second",
    reverse("findings:agreement"),
    reverse("findings:codebook_themes_csv"),
    reverse("findings:codebook_qdc"),
    reverse("findings:codebook_import"),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_coding_screens_answer_only_the_facilitator(client, world, persona):
    """Coding is the facilitator's work: CBO staff and managers get 404, as for a page that
    does not exist; signed-out people are sent to sign in."""
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    expected = {"anonymous": 302, "deactivated": 302, "facilitator": 200}.get(persona, 404)
    assert {url: client.get(url).status_code for url in FACILITATOR_ONLY} == {
        url: expected for url in FACILITATOR_ONLY
    }


# A city partner's own pages: aggregates of every organization, always "as the public would
# see it"; everything else answers 404, the team pages and the admin included.
PARTNER_OPEN = {
    reverse("findings:results"),
    reverse("findings:crosstab") + "?rows=organization&cols=channel",
    reverse("findings:crosstab_csv") + "?rows=organization&cols=channel",
    reverse("findings:themes"),
    reverse("findings:themes") + "?by=source",
    reverse("findings:reports"),
}


def test_a_partner_reaches_only_suppressed_aggregates(client, world, tmp_path):
    client.force_login(world["users"]["partner"])
    urls = [
        *list_urls(world["survey"]),
        *FACILITATOR_ONLY,
        reverse("findings:reports"),
        reverse("team:members"),
        reverse("team:invite"),
        reverse("findings:theme_quotes", args=["no-such-theme"]),
        "/admin/",
        "/admin/surveys/response/",
    ]
    statuses = {}
    for url in urls:
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code == 200:
            body = readable(response, tmp_path)
            for key in ("a", "b"):
                objects = world["objects"][key]
                assert f"PLACE-{key.upper()}" not in body, url
                assert f"BATCH-{key.upper()}" not in body, url
                assert objects["link"].token not in body, url
                assert str(objects["response"].pk) not in body, url
            if response.context and "public" in response.context:
                assert response.context["public"] is True, url
    expected = {
        url: 200 if url in PARTNER_OPEN else 302 if url == reverse("workspace:home") else 404
        for url in urls
    }
    assert statuses == expected
    assert client.get(reverse("workspace:home"))["Location"] == reverse("findings:reports")


def test_a_partner_asking_for_exact_counts_still_gets_the_public_view(client, world):
    client.force_login(world["users"]["partner"])
    page = client.get(reverse("findings:results"), {"view": "staff"})
    assert page.context["public"] is True
    assert client.get(reverse("findings:themes"), {"view": "staff"}).context["public"] is True
