"""A published report as a PDF, made on the server with WeasyPrint.

The PDF is set from the version's stored body, like the web page, so it shows exactly what
was published. Fonts come from the system (fontconfig): Noto CJK sets Chinese. WeasyPrint
fetches nothing: the stylesheet is read from the app's static files and every URL the
document names is refused, so making a PDF never reaches another site.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML

# Chinese first for zh-hans, so its punctuation and digits come from the CJK font too.
FONTS = {
    "zh-hans": '"Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", sans-serif',
    "zh-hant": '"Noto Sans CJK TC", "Noto Sans", "DejaVu Sans", sans-serif',
    "ko": '"Noto Sans CJK KR", "Noto Sans", "DejaVu Sans", sans-serif',
}
DEFAULT_FONTS = '"Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", sans-serif'


def refuse(url, *args, **kwargs):
    raise ValueError(f"A report's PDF loads nothing from outside ({url[:40]}).")


def pdf_of(version, language):
    """The PDF of one language of a published version, as bytes."""
    with translation.override(language):
        html = render_to_string(
            "findings/reports/pdf.html",
            {
                "report": version.report,
                "version": version,
                "title": version.snapshot[language]["title"],
                "body": version.snapshot[language]["body"],
                "language": language,
                "fonts": FONTS.get(language, DEFAULT_FONTS),
            },
        )
    stylesheet = CSS(filename=finders.find("site/report.css"))
    return HTML(string=html, url_fetcher=refuse).write_pdf(stylesheets=[stylesheet])
