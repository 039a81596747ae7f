"""Retention: `purge_expired` deletes what residents were told would be deleted, on time, and
nothing else. The clock is frozen: timezone.now answers one fixed moment."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import reversion
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Revision, Version

from organizations.models import AuditEvent
from surveys.models import Answer, ListeningSession, PromptNote, Response, SessionQuote
from surveys.retention import months_before

from .factories import CollectionLinkFactory, make_response, small_survey

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 3, 31, 2, 30, tzinfo=CHICAGO)


@pytest.fixture
def frozen_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def purge(*args):
    out = StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def answered(link, submitted_at):
    response = make_response(link, submitted_at=submitted_at)
    question = link.instrument.questions.get(type="long_text")
    Answer.objects.create(response=response, question=question, text="keep me private")
    return response


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (datetime(2026, 3, 31, 2, 30, tzinfo=CHICAGO), 1, datetime(2026, 2, 28, 2, 30)),
        (datetime(2026, 3, 31, 2, 30, tzinfo=CHICAGO), 36, datetime(2023, 3, 31, 2, 30)),
        (datetime(2026, 1, 15, 9, 0, tzinfo=CHICAGO), 13, datetime(2024, 12, 15, 9, 0)),
        (datetime(2028, 3, 30, 9, 0, tzinfo=CHICAGO), 1, datetime(2028, 2, 29, 9, 0)),
    ],
)
def test_months_before_keeps_the_local_day_or_the_months_last(moment, months, expected):
    assert months_before(moment, months).replace(tzinfo=None) == expected


def test_purge_expired_deletes_responses_past_their_instruments_period(frozen_clock, areas, org_a):
    short = small_survey(code="short", retention_months=6)
    long = small_survey(code="long", retention_months=36)
    short_link = CollectionLinkFactory(instrument=short, organization=org_a)
    long_link = CollectionLinkFactory(instrument=long, organization=org_a)
    expired = answered(short_link, datetime(2025, 9, 30, 2, 29, tzinfo=CHICAGO))
    on_the_day = answered(short_link, datetime(2025, 9, 30, 2, 30, tzinfo=CHICAGO))
    old_but_kept = answered(long_link, datetime(2024, 1, 1, tzinfo=CHICAGO))

    output = purge()

    assert output == "short (wave 1): 1 responses deleted\nRecorded in the audit log.\n"
    assert set(Response.objects.values_list("pk", flat=True)) == {on_the_day.pk, old_but_kept.pk}
    assert Answer.objects.filter(response_id=expired.pk).count() == 0
    assert Answer.objects.count() == 2
    event = AuditEvent.objects.get()
    assert (event.organization, event.action, event.detail, event.created_at) == (
        None,
        AuditEvent.Action.PURGED,
        "short (wave 1): 1 responses",
        NOW,
    )


def test_purge_expired_dry_run_counts_per_instrument_and_deletes_nothing(
    frozen_clock, areas, org_a, org_b
):
    first = small_survey(code="first", retention_months=12)
    second = small_survey(code="second", retention_months=24)
    for organization in (org_a, org_b):
        link = CollectionLinkFactory(instrument=first, organization=organization)
        answered(link, datetime(2025, 1, 1, tzinfo=CHICAGO))
    link = CollectionLinkFactory(instrument=second, organization=org_a)
    answered(link, datetime(2024, 3, 1, tzinfo=CHICAGO))

    output = purge("--dry-run")

    assert output == (
        "first (wave 1): 2 responses would be deleted\n"
        "second (wave 1): 1 responses would be deleted\n"
    )
    assert (Response.objects.count(), Answer.objects.count(), AuditEvent.objects.count()) == (
        3,
        3,
        0,
    )


def test_purge_expired_says_so_when_nothing_is_due(frozen_clock, link):
    answered(link, NOW)

    assert purge() == "Nothing is past its retention period.\n"
    assert (Response.objects.count(), AuditEvent.objects.count()) == (1, 0)


def test_purge_expired_deletes_sessions_with_notes_quotes_and_history(
    frozen_clock, settings, guide, org_a, staff_a
):
    settings.SESSION_RETENTION_MONTHS = 24
    prompt = guide.questions.get(code="safety")

    def session(held_on):
        with reversion.create_revision():
            made = ListeningSession.objects.create(
                organization=org_a, guide=guide, held_on=held_on, created_by=staff_a
            )
            PromptNote.objects.create(session=made, question=prompt, summary="What was said")
            SessionQuote.objects.create(session=made, question=prompt, text="A quote")
        return made

    session(date(2024, 3, 30))
    kept = session(date(2024, 3, 31))

    output = purge()

    assert output == "guide (wave 1): 1 listening sessions deleted\nRecorded in the audit log.\n"
    assert list(ListeningSession.objects.values_list("pk", flat=True)) == [kept.pk]
    assert (PromptNote.objects.count(), SessionQuote.objects.count()) == (1, 1)
    # The deleted session's notes and quotes do not live on in its history.
    assert Revision.objects.count() == 1
    assert {v.object_id for v in Version.objects.all()} == {
        str(kept.pk),
        str(kept.notes.get().pk),
        str(kept.quotes.get().pk),
    }
    assert AuditEvent.objects.get().detail == "guide (wave 1): 1 listening sessions"


def test_purge_expired_is_idempotent(frozen_clock, link):
    answered(link, datetime(2020, 1, 1, tzinfo=CHICAGO))

    purge()

    assert purge() == "Nothing is past its retention period.\n"
    assert AuditEvent.objects.count() == 1


def test_purge_events_are_not_shown_to_an_organization(frozen_clock, link, staff_a, facilitator):
    answered(link, datetime(2020, 1, 1, tzinfo=CHICAGO))
    purge()

    assert AuditEvent.objects.visible_to(staff_a).count() == 0
    assert AuditEvent.objects.visible_to(facilitator).count() == 1


def prepared_file(tmp_path, user, organization, name, created_at):
    from findings.models import DownloadEvent, PreparedFile

    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(b"rows of answers")
    event = DownloadEvent.objects.create(
        user=user, organization=organization, kind=DownloadEvent.Kind.RESPONSES
    )
    return PreparedFile.objects.create(
        user=user,
        file_format="xlsx",
        query="",
        language="en",
        event=event,
        status=PreparedFile.Status.READY,
        path=str(path),
        created_at=created_at,
    )


def test_purge_expired_takes_every_prepared_download_with_the_responses(
    frozen_clock, link, staff_a, tmp_path
):
    """A file prepared an hour ago may hold a response just deleted: it goes too."""
    answered(link, datetime(2020, 1, 1, tzinfo=CHICAGO))
    recent = prepared_file(tmp_path, staff_a, link.organization, "recent", NOW)

    purge()

    recent.refresh_from_db()
    assert recent.path == "" and not (tmp_path / "recent.xlsx").exists()


def test_purge_expired_of_sessions_alone_keeps_recent_prepared_downloads(
    frozen_clock, settings, guide, org_a, staff_a, tmp_path
):
    settings.SESSION_RETENTION_MONTHS = 24
    ListeningSession.objects.create(
        organization=org_a, guide=guide, held_on=date(2020, 1, 1), created_by=staff_a
    )
    recent = prepared_file(tmp_path, staff_a, org_a, "recent", NOW)
    old = prepared_file(tmp_path, staff_a, org_a, "old", datetime(2026, 3, 29, tzinfo=CHICAGO))

    purge()

    recent.refresh_from_db()
    old.refresh_from_db()
    assert (tmp_path / "recent.xlsx").exists() and recent.path
    assert old.path == "" and not (tmp_path / "old.xlsx").exists()
