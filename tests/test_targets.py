"""Targets: the facilitator's completed-survey goals and their progress on the workspace home."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import Response, Target

from .factories import make_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(links, areas):
    a = links["a"]
    area = areas.get(number=34)
    return {
        "overall": Target.objects.create(
            organization=a.organization, instrument=a.instrument, completed=10
        ),
        "area": Target.objects.create(
            organization=a.organization, instrument=a.instrument, area=area, completed=5
        ),
        "language": Target.objects.create(
            organization=a.organization, instrument=a.instrument, language="es", completed=3
        ),
        "b": Target.objects.create(
            organization=links["b"].organization, instrument=a.instrument, completed=50
        ),
    }


def fill(links, areas):
    area = areas.get(number=34)
    make_response(links["a"], area=area)
    make_response(links["a"], area=area, language="es")
    make_response(links["a"], language="es")
    make_response(links["a"])
    make_response(links["a"], area=area, language="es", status="excluded", exclusion_reason="spam")
    for _ in range(3):
        make_response(links["b"], area=area, language="es")


def test_target_progress_counts_included_responses_per_scope(links, areas, targets):
    fill(links, areas)
    progress = {
        t.pk: (t.done, t.percent)
        for t in Target.objects.all().progress(Response.objects.included())
    }
    assert progress == {
        targets["overall"].pk: (4, 40),
        targets["area"].pk: (2, 40),
        targets["language"].pk: (2, 67),
        targets["b"].pk: (3, 6),
    }


def test_home_shows_own_targets_as_bars_with_numbers(client, staff_a, links, areas, targets):
    fill(links, areas)
    client.force_login(staff_a)
    body = client.get(reverse("workspace:home")).content.decode()
    assert "4 of 10 (40 %)" in body
    assert "2 of 5 (40 %)" in body
    assert "2 of 3 (67 %)" in body
    assert '<progress max="10" value="4" aria-hidden="true"></progress>' in body
    assert "Armour Square" in body and "Spanish" in body
    assert "3 of 50" not in body


def test_home_target_bar_stops_at_full_when_exceeded(client, staff_a, links, areas, targets):
    for _ in range(12):
        make_response(links["a"])
    client.force_login(staff_a)
    body = client.get(reverse("workspace:home")).content.decode()
    assert "12 of 10 (100 %)" in body
    assert '<progress max="10" value="10" aria-hidden="true"></progress>' in body


def test_facilitator_sees_every_organizations_targets_side_by_side(
    client, facilitator, links, areas, targets
):
    fill(links, areas)
    client.force_login(facilitator)
    body = client.get(reverse("workspace:home")).content.decode()
    assert "Org A" in body and "Org B" in body
    assert "4 of 10 (40 %)" in body and "3 of 50 (6 %)" in body
    narrowed = client.get(reverse("workspace:home"), {"org": "org-b"}).content.decode()
    assert "3 of 50 (6 %)" in narrowed and "4 of 10" not in narrowed


def test_target_progress_query_count_does_not_grow(
    client, staff_a, links, areas, django_assert_num_queries
):
    client.force_login(staff_a)
    a = links["a"]
    Target.objects.create(organization=a.organization, instrument=a.instrument, completed=10)
    Target.objects.create(
        organization=a.organization, instrument=a.instrument, language="es", completed=3
    )
    make_response(a, area=areas.first())
    client.get(reverse("workspace:home"))  # the session's and the cache's first reads
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workspace:home"))
    for area in areas[:20]:
        Target.objects.create(
            organization=a.organization, instrument=a.instrument, area=area, completed=4
        )
        make_response(a, area=area, language="zh-hans")
        make_response(a, area=area)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("workspace:home"))


def test_target_is_for_an_area_or_a_language_not_both(links, areas):
    a = links["a"]
    target = Target(
        organization=a.organization,
        instrument=a.instrument,
        area=areas.first(),
        language="es",
        completed=3,
    )
    with pytest.raises(ValidationError):
        target.full_clean()
    with pytest.raises(ValidationError, match="language codes"):
        Target(
            organization=a.organization, instrument=a.instrument, language="xx", completed=3
        ).full_clean()
    with pytest.raises(IntegrityError):
        target.save()


def test_one_overall_target_per_organization_and_instrument(links):
    a = links["a"]
    Target.objects.create(organization=a.organization, instrument=a.instrument, completed=3)
    with pytest.raises(IntegrityError):
        Target.objects.create(organization=a.organization, instrument=a.instrument, completed=4)
