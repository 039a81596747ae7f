"""The codebook in and out: CSV (code, parent, order, colour, retired, and the name and
description in each offered language) and a REFI-QDA codebook (.qdc), the open exchange
format of Atlas.ti, NVivo, MAXQDA, QualCoder and Taguette."""

import csv
import io
import uuid
from xml.etree import ElementTree
from zipfile import BadZipFile

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname
from openpyxl import load_workbook

from .exports import FORMULA_FIRST, csv_writer, rows_xlsx
from .models import Theme

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
# Codes are stable, so their REFI-QDA guids are too: a re-export updates, never duplicates.
GUID_NAMESPACE = uuid.UUID("6f0e4a52-8a1c-4d8e-9a7b-2f3c1d5e6a70")


def columns():
    languages = [code.replace("-", "_") for code in settings.OFFERED_LANGUAGES]
    return (
        ["code", "parent", "order", "colour", "retired"]
        + [f"name_{code}" for code in languages]
        + [f"description_{code}" for code in languages]
    )


def rows(themes):
    """The header, then one row per theme: the layout of the CSV and XLSX codebooks."""
    header = columns()
    yield header
    for theme in themes:
        row = {
            "code": theme.code,
            "parent": theme.parent.code if theme.parent_id else "",
            "order": theme.order,
            "colour": theme.colour,
            "retired": "yes" if theme.retired else "no",
        }
        for column in header[5:]:
            row[column] = getattr(theme, column) or ""
        yield [row[column] for column in header]


def write_csv(response, themes):
    writer = csv_writer(response)
    for row in rows(themes):
        writer.writerow(row)


def xlsx(themes):
    return rows_xlsx("codebook-themes.xlsx", _("Codebook"), rows(themes))


def read_records(upload):
    """(column names, rows as dicts of text) from an uploaded CSV (UTF-8) or XLSX (its first
    sheet); None when the file is neither. The apostrophe our CSV puts before a cell that
    would start a formula is taken off again."""
    head = upload.read(4)
    upload.seek(0)
    if head == b"PK\x03\x04":
        try:
            workbook = load_workbook(upload, read_only=True, data_only=True)
        except (BadZipFile, KeyError, ValueError, OSError):
            return None
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [str(v).strip() if v is not None else "" for v in next(values, ())]
        records = [
            {
                name: "" if value is None else str(value)
                for name, value in zip(header, row, strict=False)
            }
            for row in values
            if any(value not in (None, "") for value in row)
        ]
        workbook.close()
        return header, records
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    reader = csv.DictReader(io.StringIO(text))
    records = [
        {
            key: value[1:] if value and value[0] == "'" and value[1:2] in FORMULA_FIRST else value
            for key, value in record.items()
            if isinstance(value, str)
        }
        for record in reader
    ]
    return reader.fieldnames, records


def guid(theme):
    return str(uuid.uuid5(GUID_NAMESPACE, theme.code))


def qdc(themes, language=None):
    """The codebook as REFI-QDA XML; names and descriptions in `language` (default: the
    site's first), nested as the themes are."""
    language = language or settings.LANGUAGE_CODE
    name_field = build_localized_fieldname("name", language)
    description_field = build_localized_fieldname("description", language)
    ElementTree.register_namespace("", QDC_NAMESPACE)
    root = ElementTree.Element(f"{{{QDC_NAMESPACE}}}CodeBook", origin="Community engagement")
    codes = ElementTree.SubElement(root, f"{{{QDC_NAMESPACE}}}Codes")
    elements = {}
    for theme in themes:
        parent = elements.get(theme.parent_id, codes)
        attributes = {
            "guid": guid(theme),
            "name": getattr(theme, name_field) or theme.name_en or theme.code,
            "isCodable": "false" if theme.retired else "true",
        }
        if theme.colour:
            attributes["color"] = theme.colour.upper()
        element = ElementTree.SubElement(parent, f"{{{QDC_NAMESPACE}}}Code", attributes)
        description = getattr(theme, description_field) or theme.description_en
        if description:
            ElementTree.SubElement(element, f"{{{QDC_NAMESPACE}}}Description").text = description
        elements[theme.pk] = element
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
        root, encoding="utf-8", xml_declaration=False
    )


@transaction.atomic
def import_csv(rows):
    """Create or update themes from checked rows (see CodebookImportForm); codes are the
    key, so importing an exported file again changes nothing."""
    existing = {t.code: t for t in Theme.objects.all()}
    created = updated = 0
    for row in rows:
        theme = existing.get(row["code"])
        fields = {
            key: value
            for key, value in row.items()
            if key not in {"code", "parent"} and value is not None
        }
        if theme is None:
            theme = Theme(code=row["code"], **fields)
            theme.save()
            existing[theme.code] = theme
            created += 1
        else:
            changed = [k for k, v in fields.items() if getattr(theme, k) != v]
            for key in changed:
                setattr(theme, key, fields[key])
            if changed:
                theme.save()
                updated += 1
    for row in rows:
        theme = existing[row["code"]]
        parent = existing.get(row["parent"]) if row["parent"] else None
        if theme.parent_id != (parent.pk if parent else None):
            theme.parent = parent
            theme.save(update_fields=["parent", "updated_at"])
    return created, updated
