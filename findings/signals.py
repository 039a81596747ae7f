"""An edited text keeps its codings; a coded range that no longer holds its excerpt is
flagged for review (findings.coding.check_excerpts). A retention purge takes the prepared
downloads with it."""

from django.db.models.signals import post_save

from surveys.models import Answer, PromptNote, SessionQuote
from surveys.retention import purged

from .coding import check_excerpts


def answer_saved(sender, instance, created, **kwargs):
    if not created and instance.text:
        check_excerpts("answer", instance.pk, instance.text)


def note_saved(sender, instance, created, **kwargs):
    if not created:
        check_excerpts("summary", instance.pk, instance.summary)
        check_excerpts("note", instance.pk, instance.note)


def quote_saved(sender, instance, created, **kwargs):
    if not created:
        check_excerpts("quote", instance.pk, instance.text)


def responses_purged(sender, responses, **kwargs):
    """A prepared file may hold a response just deleted: when responses went, every prepared
    file goes (staff can prepare it again), not only those past PREPARED_FILE_HOURS."""
    from .tasks import remove_expired_files

    remove_expired_files(everything=bool(responses))


def connect():
    post_save.connect(answer_saved, sender=Answer, dispatch_uid="findings-answer-excerpts")
    post_save.connect(note_saved, sender=PromptNote, dispatch_uid="findings-note-excerpts")
    post_save.connect(quote_saved, sender=SessionQuote, dispatch_uid="findings-quote-excerpts")
    purged.connect(responses_purged, dispatch_uid="findings-prepared-files")
