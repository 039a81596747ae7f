"""Background work on the task queue (django-tasks, database backend; `manage.py db_worker`
runs it): large XLSX and SPSS downloads.

The task reads the download's address again with the same rules as the request (the
user's organizations, the same filters and options), so a file never holds a row the user
could not download; a user deactivated meanwhile gets nothing.
"""

import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone, translation
from django_tasks import task

from . import exports
from .filters import bound_filters
from .forms import DownloadForm
from .models import DownloadEvent, PreparedFile, Theme
from .presentation import themes_in_tree_order
from .results import responses_for

log = logging.getLogger(__name__)


def response_table(form, file_format):
    """The columns of a responses download, from its validated form."""
    options = form.cleaned_data
    themes = ()
    if options["themes"]:
        themes = themes_in_tree_order(list(Theme.objects.all()))
    return exports.ResponseTable(
        form.filters().instrument,
        language=options["labels"],
        multiple=options["multiple"],
        free_text=options["free_text"],
        spss=file_format == "sav",
        csv=file_format == "csv",
        themes=themes,
    )


def remove_expired_files(*, everything=False):
    """Prepared files older than PREPARED_FILE_HOURS go (their records stay, marked); with
    `everything`, every prepared file goes. Returns how many went."""
    files = PreparedFile.objects.exclude(path="")
    if not everything:
        files = files.filter(
            created_at__lt=timezone.now() - timedelta(hours=settings.PREPARED_FILE_HOURS)
        )
    removed = 0
    for prepared in files:
        Path(prepared.path).unlink(missing_ok=True)
        removed += PreparedFile.objects.filter(pk=prepared.pk).update(path="")
    return removed


@task()
def prepare_download(pk):
    prepared = PreparedFile.objects.select_related("user", "event").get(pk=pk)
    if prepared.status != PreparedFile.Status.QUEUED:
        return  # already done (a task run twice)
    remove_expired_files()
    user = prepared.user
    with translation.override(prepared.language):
        if not user.is_active or (not user.is_facilitator and user.membership is None):
            PreparedFile.objects.filter(pk=pk).update(status=PreparedFile.Status.FAILED)
            return
        form = bound_filters(user, QueryDict(prepared.query), DownloadForm)
        if not form.is_valid():
            PreparedFile.objects.filter(pk=pk).update(status=PreparedFile.Status.FAILED)
            return
        table = response_table(form, prepared.file_format)
        queryset = responses_for(user, form.filters())
        total = queryset.count()
        PreparedFile.objects.filter(pk=pk).update(
            status=PreparedFile.Status.RUNNING, rows_total=total
        )

        def progress(rows):
            PreparedFile.objects.filter(pk=pk).update(rows_done=rows)

        directory = Path(settings.PREPARED_FILES_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{prepared.pk}.{prepared.file_format}"
        try:
            if prepared.file_format == "xlsx":
                workbook, rows = exports.responses_workbook(
                    table, queryset, prepared.about, progress
                )
                workbook.save(path)
            else:
                rows = exports.write_responses_sav(table, queryset, prepared.about, path, progress)
        except Exception:
            log.exception("A prepared download failed")
            path.unlink(missing_ok=True)
            PreparedFile.objects.filter(pk=pk).update(status=PreparedFile.Status.FAILED)
            raise
    os.chmod(path, 0o600)
    PreparedFile.objects.filter(pk=pk).update(
        status=PreparedFile.Status.READY,
        rows_done=rows,
        rows_total=rows,
        path=str(path),
        filename=exports.responses_filename(table.instrument, table.language, prepared.file_format),
        finished_at=timezone.now(),
    )
    DownloadEvent.objects.filter(pk=prepared.event_id).update(row_count=rows)
