import os

import pytest
from django.core.management import call_command

from organizations.models import Area, Membership, Organization
from surveys.models import Instrument

from .browser import browser, new_page  # noqa: F401  (one browser for every browser test file)
from .factories import (
    CollectionLinkFactory,
    InstrumentFactory,
    MembershipFactory,
    OrganizationFactory,
    QuestionFactory,
    SectionFactory,
    small_survey,
)

# Playwright's sync API runs an event loop in the test's thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def areas(db):
    """Chicago's areas (transaction tests truncate what the data migration loaded)."""
    if not Area.objects.exists():
        call_command("load_areas", verbosity=0)
    return Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA)


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Org A", slug="org-a")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Org B", slug="org-b")


@pytest.fixture
def facilitator_org(db):
    return OrganizationFactory(
        name="Facilitator", slug="facilitator", kind=Organization.Kind.FACILITATOR
    )


@pytest.fixture
def staff_a(org_a):
    return MembershipFactory(organization=org_a, role=Membership.Role.STAFF).user


@pytest.fixture
def manager_a(org_a):
    return MembershipFactory(organization=org_a, role=Membership.Role.MANAGER).user


@pytest.fixture
def staff_b(org_b):
    return MembershipFactory(organization=org_b, role=Membership.Role.STAFF).user


@pytest.fixture
def facilitator(facilitator_org):
    user = MembershipFactory(organization=facilitator_org, role=Membership.Role.MANAGER).user
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def survey(areas):
    return small_survey()


@pytest.fixture
def link(survey, org_a):
    return CollectionLinkFactory(instrument=survey, organization=org_a)


@pytest.fixture
def guide(db):
    guide = InstrumentFactory(kind=Instrument.Kind.GUIDE, code="guide")
    section = SectionFactory(instrument=guide, number=1)
    for order, code in enumerate(["safety", "police"], start=1):
        QuestionFactory(
            instrument=guide,
            section=section,
            code=code,
            type="long_text",
            order=order,
            text_en=f"Talk about {code}",
            text_es=f"Hablemos de {code}",
        )
    return guide


@pytest.fixture
def links(survey, org_a, org_b):
    return {
        "a": CollectionLinkFactory(instrument=survey, organization=org_a),
        "b": CollectionLinkFactory(instrument=survey, organization=org_b),
    }


@pytest.fixture(autouse=True)
def _fresh_cache_and_fast_residents(settings):
    """Each test starts with an empty cache (rate counters, areas); walks need no waiting."""
    from django.core.cache import cache

    cache.clear()
    settings.MIN_SECONDS_TO_COMPLETE = 0
    # Hashing demo and factory passwords slowly proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two-step sign-in is on by default (engagement/settings.py); the tests about it
    # (test_mfa.py, test_browser_mfa.py) turn it back on, the others sign in with a password.
    settings.MFA_REQUIRED = False
    yield
    cache.clear()
    # Staff pages activate the signed-in person's language in this thread; start afresh.
    from django.utils import translation

    translation.activate("en")
