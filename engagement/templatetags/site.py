from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info

from engagement.languages import language_name

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context, codes=None):
    """The language switcher's entries: each language named in its own script, same page.

    Pages under a language prefix switch through the prefix; a page that names its language
    in a URL argument instead (the admin's preview) gives `switcher_url_name` and its args.
    """
    request = context.get("request")
    current = get_language()
    path = request.get_full_path() if request else "/"
    url_name = context.get("switcher_url_name")
    codes = codes or [code for code, _ in settings.LANGUAGES]
    links = []
    for code in codes:
        if url_name:
            url = reverse(url_name, args=[*context.get("switcher_url_args", []), code])
        else:
            url = translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "bidi": get_language_info(code)["bidi"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.filter
def language_names(codes):
    """Language codes ("es", ["en", "zh-hans"]) as names in the reader's language."""
    if isinstance(codes, str):
        codes = [codes]
    return ", ".join(language_name(code) for code in codes or [])
