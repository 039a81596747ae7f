from modeltranslation.translator import TranslationOptions, register

from .models import Report, ReportSection, StarredQuote, Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(StarredQuote)
class StarredQuoteTranslationOptions(TranslationOptions):
    # The original stays as it was said; these are its translations for reports.
    fields = ("translation",)


@register(Report)
class ReportTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(ReportSection)
class ReportSectionTranslationOptions(TranslationOptions):
    fields = ("heading", "body")
