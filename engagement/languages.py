"""Names of languages for people: a code in the reader's own language."""

from django.utils.translation import get_language_info


def language_name(code):
    """ "es" as "Spanish" for an English reader, "español" for a Spanish one; an unknown code
    as itself."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
