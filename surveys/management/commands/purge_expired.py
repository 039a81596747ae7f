from django.core.management.base import BaseCommand
from django.utils import timezone

from surveys.retention import purge_expired


class Command(BaseCommand):
    help = (
        "Delete responses (with their answers) past their instrument's retention period and "
        "listening sessions (with their notes, quotes and history) past "
        "SESSION_RETENTION_MONTHS. Run it daily; see the README."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = purge_expired(now=timezone.now(), dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        for instrument, responses, sessions in counts:
            label = f"{instrument.code} (wave {instrument.wave})"
            if responses:
                self.stdout.write(f"{label}: {responses} responses {verb}")
            if sessions:
                self.stdout.write(f"{label}: {sessions} listening sessions {verb}")
        if not counts:
            self.stdout.write("Nothing is past its retention period.")
        elif not dry_run:
            self.stdout.write("Recorded in the audit log.")
