from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from findings.coding import apply_themes, in_sample
from findings.demo_codebook import DESCRIPTIONS, THEMES, themes_for
from findings.models import Coding, Theme
from organizations.models import User
from surveys.models import Answer, PromptNote, Question, SessionQuote

FACILITATOR = "facilitator@demo.example.org"


class Command(BaseCommand):
    help = (
        "Load the demo codebook (Chicago's published findings, en/es/zh-hans) and code the demo "
        "texts with it, with a second coder's sample. Idempotent. Run after load_demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run with DEBUG off too.")
        parser.add_argument(
            "--themes-only", action="store_true", help="Load the codebook, code nothing."
        )

    def handle(self, *args, force=False, themes_only=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development; pass --force to load it anyway.")
        coder = User.objects.filter(email=FACILITATOR).first()
        if coder is None:
            raise CommandError("Load the demo first (load_demo).")
        with transaction.atomic():
            themes = self.load_themes()
            coded = 0 if themes_only or Coding.objects.exists() else self.code_texts(coder, themes)
        self.stdout.write(f"Demo codebook: {len(themes)} themes; {coded} texts coded.")

    def load_themes(self):
        themes = {}
        for code, parent, en, es, zh, _words in THEMES:
            description = DESCRIPTIONS.get(code, ("", "", ""))
            theme, _created = Theme.objects.update_or_create(
                code=code,
                defaults={
                    "parent": themes.get(parent),
                    "order": len(themes),
                    "name_en": en,
                    "name_es": es,
                    "name_zh_hans": zh,
                    "description_en": description[0],
                    "description_es": description[1],
                    "description_zh_hans": description[2],
                },
            )
            themes[code] = theme
        return themes

    def code_texts(self, coder, themes):
        items = [
            ("answer", pk, text)
            for pk, text in Answer.objects.filter(
                question__type__in=[Question.Type.SHORT_TEXT, Question.Type.LONG_TEXT],
                response__status="included",
            )
            .exclude(text="")
            .values_list("pk", "text")
        ]
        items += [
            ("summary", pk, text) for pk, text in PromptNote.objects.values_list("pk", "summary")
        ]
        items += [
            ("quote", pk, text) for pk, text in SessionQuote.objects.values_list("pk", "text")
        ]
        coded = 0
        for index, (source, pk, text) in enumerate(items):
            if index % 3 == 0:
                continue  # a third stays in the queue, to try coding
            coded += 1
            codes = themes_for(text)
            chosen = [themes[code] for code in codes]
            apply_themes(coder, source, pk, chosen, nothing=not chosen)
            if in_sample(source, pk, settings.SECOND_CODING_PERCENT):
                # The second coder agrees mostly; now and then misses or adds a theme.
                second = list(chosen)
                if index % 4 == 1 and second:
                    second = second[1:]
                elif index % 5 == 2:
                    second.append(themes["prevention"])
                apply_themes(coder, source, pk, second, second=True, nothing=not second)
        return coded
