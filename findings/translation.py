from modeltranslation.translator import TranslationOptions, register

from .models import Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name", "description")
