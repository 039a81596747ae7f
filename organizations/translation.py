from modeltranslation.translator import TranslationOptions, register

from .models import Area, Organization


@register(Organization)
class OrganizationTranslationOptions(TranslationOptions):
    fields = ("name", "contact_line")


@register(Area)
class AreaTranslationOptions(TranslationOptions):
    # A community area's common name in a language where one exists (Armour Square is
    # 阿摩尔广场 to many Chinese readers); elsewhere the English name, marked lang="en".
    fields = ("name",)
