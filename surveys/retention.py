"""Retention: residents are told on the consent page that their answers are deleted after the
instrument's retention period; `manage.py purge_expired` (run daily) keeps that promise, and
does the same for listening sessions after SESSION_RETENTION_MONTHS.

A published report's snapshot holds only aggregates and reviewed quotes, so it is kept.
Files prepared from responses belong to the apps that make them: they listen to `purged`.
"""

import calendar

import reversion.models
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from organizations.models import AuditEvent

from .models import Answer, Instrument, ListeningSession, Response

# Sent after a purge that deleted something, with `responses` and `sessions` (how many), once
# the deletion has committed: whatever was made from the deleted rows goes too.
purged = Signal()


def months_before(moment, months):
    """The same local day and time `months` earlier (the 31st becomes the month's last day)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def expired_responses(instrument, now):
    return Response.objects.filter(
        instrument=instrument, submitted_at__lt=months_before(now, instrument.retention_months)
    )


def expired_sessions(now):
    cutoff = months_before(now, settings.SESSION_RETENTION_MONTHS).date()
    return ListeningSession.objects.filter(held_on__lt=cutoff)


def purge_expired(*, now, dry_run=False):
    """Delete what is past its retention period. Returns (instrument, responses, sessions)
    rows for every instrument that had anything to delete; nothing is written in a dry run."""
    counts = []
    with transaction.atomic():
        for instrument in Instrument.objects.order_by("code", "wave"):
            responses = expired_responses(instrument, now)
            sessions = expired_sessions(now).filter(guide=instrument)
            found = (responses.count(), sessions.count())
            if found == (0, 0):
                continue
            counts.append((instrument, *found))
            if dry_run:
                continue
            # Answers first, in one statement: deleting them through the responses would
            # fetch every answer row into Python.
            Answer.objects.filter(response__in=responses).delete()
            responses.delete()
            delete_session_history(sessions)
            sessions.delete()
            AuditEvent.objects.create(
                organization=None,
                action=AuditEvent.Action.PURGED,
                detail=purge_detail(instrument, *found),
                created_at=now,
            )
    if counts and not dry_run:
        purged.send(
            sender=Response,
            responses=sum(row[1] for row in counts),
            sessions=sum(row[2] for row in counts),
        )
    return counts


def purge_detail(instrument, responses, sessions):
    label = f"{instrument.code} (wave {instrument.wave})"
    if instrument.kind == Instrument.Kind.GUIDE:
        return f"{label}: {sessions} listening sessions"
    return f"{label}: {responses} responses"


def delete_session_history(sessions):
    """The sessions' django-reversion history holds their notes and quotes too."""
    session_type = ContentType.objects.get_for_model(ListeningSession)
    ids = [str(pk) for pk in sessions.values_list("pk", flat=True)]
    reversion.models.Revision.objects.filter(
        version__content_type=session_type, version__object_id__in=ids
    ).delete()
