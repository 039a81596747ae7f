"""Geography: loading areas from CSV files (number,name), shared by the migration and
`load_areas`, and the community-area list the survey and paper pages offer."""

import csv
from pathlib import Path

from django.core.cache import cache

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILES = {
    "community_area": DATA_DIR / "chicago_community_areas.csv",
    "police_district": DATA_DIR / "chicago_police_districts.csv",
}


def read_areas(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return [(int(row["number"]), row["name"].strip()) for row in csv.DictReader(handle)]


def load_areas(area_model, kind, path):
    """Create or rename the areas of one kind; returns (created, updated) counts."""
    existing = {a.number: a for a in area_model.objects.filter(kind=kind)}
    created = updated = 0
    new = []
    for number, name in read_areas(path):
        area = existing.get(number)
        if area is None:
            new.append(area_model(kind=kind, number=number, name=name))
        elif area.name != name:
            area.name = name
            area.save(update_fields=["name"])
            updated += 1
    area_model.objects.bulk_create(new)
    created = len(new)
    return created, updated


def community_areas():
    """Areas change about never: kept in the cache so a step page costs no query for them."""
    from .models import Area  # the migration imports this module before apps are ready

    return cache.get_or_set(
        "surveys:community-areas",
        lambda: list(Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA).order_by("name")),
        timeout=3600,
    )
