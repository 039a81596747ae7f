from django.core.management.base import BaseCommand

from organizations.areas import DEFAULT_FILES, load_areas
from organizations.models import Area


class Command(BaseCommand):
    help = "Load community areas and police districts from CSV files (number,name). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--community-areas", default=DEFAULT_FILES["community_area"], help="CSV file"
        )
        parser.add_argument(
            "--police-districts", default=DEFAULT_FILES["police_district"], help="CSV file"
        )

    def handle(self, *args, **options):
        for kind, path in (
            (Area.Kind.COMMUNITY_AREA, options["community_areas"]),
            (Area.Kind.POLICE_DISTRICT, options["police_districts"]),
        ):
            created, updated = load_areas(Area, kind, path)
            total = Area.objects.filter(kind=kind).count()
            self.stdout.write(
                f"{Area.Kind(kind).label}: {created} created, {updated} renamed, {total} in all."
            )
