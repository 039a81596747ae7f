from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import get_language, get_language_info, override

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
    translate = None if url_name else url_translator(path)
    for code in codes:
        if url_name:
            url = reverse(url_name, args=[*context.get("switcher_url_args", []), code])
        else:
            url = translate(code)
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


def url_translator(url):
    """Django's translate_url for one URL in several languages: the URL is resolved once,
    not once per language (a resident page lists every language it is offered in)."""
    parsed = urlsplit(url)
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        return lambda code: url
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name

    def translate(code):
        with override(code):
            try:
                path = reverse(name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                return url
        return urlunsplit((parsed.scheme, parsed.netloc, path, parsed.query, parsed.fragment))

    return translate


@register.filter
def language_names(codes):
    """Language codes ("es", ["en", "zh-hans"]) as names in the reader's language."""
    if isinstance(codes, str):
        codes = [codes]
    return ", ".join(language_name(code) for code in codes or [])
