from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Instrument, Question, Section


@register(Instrument)
class InstrumentTranslationOptions(TranslationOptions):
    fields = ("title", "description", "intro", "consent_text", "thank_you_text")


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text", "help_text")


@register(Choice)
class ChoiceTranslationOptions(TranslationOptions):
    fields = ("label",)
