"""Geography: loading areas from CSV files (number,name), shared by the migration and
`load_areas`, and the community-area list the survey and paper pages offer."""

import csv
from pathlib import Path

import redis
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
    """Create or rename the areas of one kind; returns (created, updated) counts.

    The file's names are English: they fill `name` and, once names are translated
    (organizations/translation.py), `name_en`, the fallback for every other language.
    The data migration 0002 runs before that column exists."""
    translated = any(f.name == "name_en" for f in area_model._meta.get_fields())
    english = ["name", "name_en"] if translated else ["name"]
    existing = {a.number: a for a in area_model.objects.filter(kind=kind)}
    created = updated = 0
    new = []
    for number, name in read_areas(path):
        area = existing.get(number)
        if area is None:
            area = area_model(kind=kind, number=number)
            for field in english:
                area.__dict__[field] = name
            new.append(area)
        elif any(area.__dict__.get(field) != name for field in english):
            for field in english:
                area.__dict__[field] = name
            area.save(update_fields=english)
            updated += 1
    area_model.objects.bulk_create(new)
    created = len(new)
    return created, updated


def community_areas():
    """Areas change about never: kept in the cache so a step page costs no query for them."""
    from .models import Area  # the migration imports this module before apps are ready

    def query():
        # Sorted by the English name, whatever language fills the cache first.
        return list(Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA).order_by("name_en"))

    try:
        return cache.get_or_set("surveys:community-areas", query, timeout=3600)
    except (redis.RedisError, OSError):
        return query()  # Redis away for a moment: one query more, not an error page
