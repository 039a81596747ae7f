import os
import random
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from organizations.models import Area, Membership, Organization, User
from surveys import demo_content
from surveys.models import (
    Answer,
    Choice,
    CollectionLink,
    Instrument,
    ListeningSession,
    PromptNote,
    Question,
    Response,
    Section,
    SessionQuote,
)

DEMO_PASSWORD = "demo-pass-2026"
FACILITATOR_EMAIL = "facilitator@demo.example.org"
RESPONSE_COUNT = 360
# Fixed ids and dates keep the synthetic data identical on every run and every machine.
RESPONSE_NAMESPACE = uuid.UUID("5f1b7f0e-3c2a-4b8e-9d55-7a3e0c2b9e11")
FIRST_DAY = datetime(2026, 9, 1, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
# demo_content keys -> language codes. Polish and Arabic are loaded too; residents see them
# only where OFFERED_LANGUAGES includes them (Instrument.offered_languages).
CONTENT_LANGUAGES = {"en": "en", "es": "es", "zh_hans": "zh-hans", "pl": "pl", "ar": "ar"}
CHICAGO_ZIPS = ["60608", "60609", "60616", "60623", "60640", "60644", "60651", "60621", "60647"]


def translated(field, texts):
    """{"en": ..} as modeltranslation's columns {"field_en": ..}."""
    return {f"{field}_{key}": value for key, value in texts.items()}


def demo_email(role, org):
    return f"{role}.{org.slug.removeprefix('demo-')}@demo.example.org"


class Command(BaseCommand):
    help = (
        "Load the demo organizations, accounts, survey, discussion guide, collection links and "
        "synthetic responses. Idempotent. Refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off (never in production).",
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )
        parser.add_argument(
            "--base-url",
            help="Where the site is served, for the printed links (default: port $PORT or 8000).",
        )

    def handle(self, *args, force=False, quiet_logins=False, base_url=None, **options):
        base_url = base_url or f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo accounts have public passwords; "
                "use --force only on a test server."
            )
        with transaction.atomic():
            facilitator_org, cbos = self.load_organizations()
            facilitator, members = self.load_accounts(facilitator_org, cbos)
            survey = self.load_instrument(demo_content.SURVEY)
            guide = self.load_instrument(demo_content.DISCUSSION_GUIDE)
            self.load_sessions(guide, cbos, members)
            links, kiosk = self.load_links(survey, cbos)
            created = self.load_responses(survey, cbos, links, kiosk, members, facilitator)
            self.load_link_figures()
        self.stdout.write(
            f"Demo data: {len(cbos)} organizations and the facilitator, "
            f"{User.objects.filter(email__endswith='@demo.example.org').count()} accounts, "
            f"{Instrument.objects.count()} instruments, {CollectionLink.objects.count()} links, "
            f"{created} responses added "
            f"({Response.objects.filter(instrument=survey).count()} in all)."
        )
        self.print_summary(
            links,
            kiosk,
            cbos,
            show_logins=settings.DEBUG and not quiet_logins,
            base_url=base_url.rstrip("/"),
        )

    def load_area_names(self, areas):
        for number, name in demo_content.AREA_NAMES_ZH_HANS.items():
            if number in areas:
                Area.objects.filter(pk=areas[number].pk).update(name_zh_hans=name)

    def load_organizations(self):
        areas = {a.number: a for a in Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA)}
        self.load_area_names(areas)
        facilitator_org, _ = Organization.objects.update_or_create(
            slug=demo_content.FACILITATOR["slug"],
            defaults={
                "name": demo_content.FACILITATOR["name"],
                "name_en": demo_content.FACILITATOR["name"],
                "kind": Organization.Kind.FACILITATOR,
                **translated("contact_line", demo_content.FACILITATOR["contact_line"]),
            },
        )
        cbos = []
        for data in demo_content.ORGANIZATIONS:
            org, _ = Organization.objects.update_or_create(
                slug=data["slug"],
                defaults={
                    "name": data["name"],
                    "name_en": data["name"],
                    "name_zh_hans": data.get("name_zh_hans"),
                    "kind": Organization.Kind.CBO,
                    "home_area": areas.get(data["home_area"]),
                    **translated("contact_line", data["contact_line"]),
                },
            )
            org.demo_languages = [CONTENT_LANGUAGES[code] for code in data["languages"]]
            cbos.append(org)
        return facilitator_org, cbos

    def ensure_user(self, email, full_name, organization, role, **flags):
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, **flags}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, defaults={"organization": organization, "role": role}
        )
        return user

    def load_accounts(self, facilitator_org, cbos):
        facilitator = self.ensure_user(
            FACILITATOR_EMAIL,
            "Demo Facilitator",
            facilitator_org,
            Membership.Role.MANAGER,
            is_staff=True,
            is_superuser=True,
        )
        members = {}
        for org in cbos:
            short = org.name.removeprefix("Demo: ")
            self.ensure_user(
                demo_email("manager", org), f"{short} Manager", org, Membership.Role.MANAGER
            )
            members[org.pk] = self.ensure_user(
                demo_email("staff", org), f"{short} Staff", org, Membership.Role.STAFF
            )
        return facilitator, members

    def load_instrument(self, data):
        instrument, _ = Instrument.objects.update_or_create(
            code=data["code"],
            defaults={
                "kind": data["kind"],
                "status": Instrument.Status.OPEN,
                "estimated_minutes": data["estimated_minutes"],
                "retention_months": data["retention_months"],
                "languages": list(CONTENT_LANGUAGES.values()),
                **translated("title", data["title"]),
                **translated("description", data["description"]),
                **translated("intro", data["intro"]),
                **translated("consent_text", data["consent_text"]),
                **translated("thank_you_text", data["thank_you_text"]),
            },
        )
        order = 0
        questions = {}
        for number, section_data in enumerate(data["sections"], start=1):
            section, _ = Section.objects.update_or_create(
                instrument=instrument,
                number=number,
                defaults=translated("title", section_data["title"]),
            )
            for question_data in section_data["questions"]:
                order += 10
                question = self.load_question(instrument, section, question_data, order)
                questions[question.code] = question
                for row_order, row in enumerate(question_data.get("rows", []), start=1):
                    questions[row["code"]] = self.load_question(
                        instrument,
                        section,
                        {**row, "type": Question.Type.SINGLE, "required": False},
                        order + row_order,
                        parent=question,
                    )
                    order += 1
        for section_data in data["sections"]:
            for question_data in section_data["questions"]:
                condition = question_data.get("show_if")
                if condition:
                    question = questions[question_data["code"]]
                    question.show_if_question = questions[condition["question"]]
                    question.show_if_choices = condition["choices"]
                    if question.structure_changed():
                        question.save(update_fields=["show_if_question", "show_if_choices"])
        return instrument

    def load_question(self, instrument, section, data, order, parent=None):
        limits = {"min_value": data.get("min_value"), "max_value": data.get("max_value")}
        stored = Question.objects.filter(instrument=instrument, code=data["code"]).first()
        if stored and instrument.is_frozen():
            # Limits are structure: a demo loaded before they existed keeps its own.
            limits = {"min_value": stored.min_value, "max_value": stored.max_value}
        question, _ = Question.objects.update_or_create(
            instrument=instrument,
            code=data["code"],
            defaults={
                "section": section,
                "parent": parent,
                "type": data["type"],
                "required": data.get("required", False),
                "eligible_choices": data.get("eligible", []),
                "order": order,
                **limits,
                **translated("text", data["text"]),
                **translated("help_text", data.get("help_text", {})),
            },
        )
        for choice_order, choice in enumerate(data.get("choices", []), start=1):
            Choice.objects.update_or_create(
                question=question,
                code=choice["code"],
                defaults={
                    "value": choice.get("value"),
                    "order": choice_order,
                    "is_other": choice.get("is_other", False),
                    **translated("label", choice["label"]),
                },
            )
        return question

    def load_sessions(self, guide, cbos, members):
        """Two listening sessions per organization, with notes and quotes for every prompt."""
        import reversion

        prompts = list(guide.questions.order_by("order"))
        rng = random.Random(7)
        for org in cbos:
            for index in range(2):
                session_id = uuid.uuid5(RESPONSE_NAMESPACE, f"demo-session-{org.slug}-{index}")
                if ListeningSession.objects.filter(pk=session_id).exists():
                    continue
                staff = members[org.pk]
                with reversion.create_revision():
                    session = ListeningSession.objects.create(
                        id=session_id,
                        organization=org,
                        guide=guide,
                        held_on=(
                            FIRST_DAY + timedelta(days=20 + 30 * index + rng.randrange(10))
                        ).date(),
                        starts_at=time(18, 0),
                        ends_at=time(19, 30),
                        place=["Public library meeting room", "Park district field house"][index],
                        area=org.home_area,
                        languages=org.demo_languages,
                        attendees=rng.randint(8, 30),
                        status=ListeningSession.Status.COMPLETE,
                        created_by=staff,
                    )
                    session.facilitators.set([staff])
                    session.note_takers.set([staff])
                    for prompt in prompts:
                        notes = demo_content.SAMPLE_SESSION_NOTES.get(prompt.code)
                        if not notes:
                            continue
                        PromptNote.objects.create(
                            session=session, question=prompt, summary=rng.choice(notes["summaries"])
                        )
                        for order, quote in enumerate(rng.sample(notes["quotes"], k=2)):
                            SessionQuote.objects.create(
                                session=session,
                                question=prompt,
                                text=quote["text"],
                                descriptor=quote.get("descriptor", ""),
                                order=order,
                            )
                    reversion.set_user(staff)

    def load_links(self, survey, cbos):
        links = {}
        for org in cbos:
            links[org.pk], _ = CollectionLink.objects.get_or_create(
                organization=org,
                instrument=survey,
                kind=CollectionLink.Kind.WEB,
                label="Demo: web link",
            )
        kiosk, _ = CollectionLink.objects.get_or_create(
            organization=cbos[0],
            instrument=survey,
            kind=CollectionLink.Kind.KIOSK,
            label="Demo: kiosk at the community center",
        )
        return links, kiosk

    def load_link_figures(self):
        """Started and consented counters in line with each link's responses: about one in
        six who answer the consent page decline, one in five who agree never finish."""
        from django.db.models import Count

        for link in CollectionLink.objects.annotate(stored=Count("responses")):
            consented = link.stored + link.stored // 5
            CollectionLink.objects.filter(pk=link.pk).update(
                consented=consented, started=consented + consented // 6
            )

    def load_responses(self, survey, cbos, links, kiosk, members, facilitator):
        ids = [uuid.uuid5(RESPONSE_NAMESPACE, f"demo-response-{i}") for i in range(RESPONSE_COUNT)]
        existing = set(Response.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if len(existing) == len(ids):
            return 0
        questions = list(
            Question.objects.filter(instrument=survey)
            .exclude(type=Question.Type.MATRIX)
            .select_related("parent")
            .prefetch_related("choices", "parent__choices")
        )
        areas = list(Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA).order_by("number"))
        rng = random.Random(2026)
        responses, answers = [], []
        for index, response_id in enumerate(ids):
            org = rng.choice(cbos)
            language = rng.choice(org.demo_languages)
            roll = rng.random()
            channel = (
                Response.Channel.PAPER
                if roll < 0.15
                else Response.Channel.KIOSK
                if roll < 0.25 and org.pk == kiosk.organization_id
                else Response.Channel.WEB
            )
            area = org.home_area if rng.random() < 0.7 else rng.choice(areas)
            response = Response(
                id=response_id,
                instrument=survey,
                organization=org,
                link=None
                if channel == Response.Channel.PAPER
                else kiosk
                if channel == Response.Channel.KIOSK
                else links[org.pk],
                channel=channel,
                language=language,
                languages_used=[language],
                consented=True,
                consent_version=survey.consent_version,
                submitted_at=FIRST_DAY
                + timedelta(days=rng.randrange(80), minutes=rng.randrange(12 * 60)),
                area=area,
            )
            if channel == Response.Channel.PAPER:
                response.entered_by = members[org.pk]
                response.paper_batch = "Demo batch 1"
                response.paper_serial = str(1000 + index)
                response.paper_language = language
            if index % 97 == 5:
                response.status = Response.Status.EXCLUDED
                response.exclusion_reason = Response.ExclusionReason.TEST
                response.excluded_by = facilitator
                response.excluded_at = response.submitted_at + timedelta(days=1)
            if response_id in existing:
                continue
            responses.append(response)
            answers += self.synthetic_answers(rng, response, questions, language)
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(answers, batch_size=2000)
        return len(responses)

    def synthetic_answers(self, rng, response, questions, language):
        key = {v: k for k, v in CONTENT_LANGUAGES.items()}[language]
        answers = []
        chosen = {}
        for question in questions:
            if question.show_if_question_id:
                if not set(chosen.get(question.show_if_question_id, [])) & set(
                    question.show_if_choices
                ):
                    continue
            if not question.required and rng.random() < 0.08:
                continue
            T = Question.Type
            if question.type == T.AREA:
                answers.append(Answer(response=response, question=question, area=response.area))
            elif question.type == T.ZIP:
                answers.append(
                    Answer(response=response, question=question, text=rng.choice(CHICAGO_ZIPS))
                )
            elif question.type == T.NUMBER:
                answers.append(
                    Answer(response=response, question=question, number=Decimal(rng.randint(1, 6)))
                )
            elif question.type in (T.SHORT_TEXT, T.LONG_TEXT):
                pool = demo_content.SAMPLE_TEXT_ANSWERS.get(question.code, {}).get(key)
                if pool:
                    answers.append(
                        Answer(response=response, question=question, text=rng.choice(pool))
                    )
            else:
                source = question.parent if question.parent_id else question
                choices = list(source.choices.all())
                regular = [c for c in choices if not c.is_other]
                if question.eligible_choices:
                    regular = [c for c in regular if c.code in question.eligible_choices]
                if question.type == T.MULTIPLE:
                    picked = rng.sample(regular, k=min(len(regular), rng.randint(1, 3)))
                else:
                    # Lean towards the middle and upper part of a scale, as real answers do.
                    weights = [1 + i % 3 for i in range(len(regular))]
                    picked = rng.choices(regular, weights=weights)
                chosen[question.pk] = [c.code for c in picked]
                answers += [
                    Answer(response=response, question=question, choice=choice) for choice in picked
                ]
        return answers

    def print_summary(self, links, kiosk, cbos, show_logins, base_url):
        # One organization's link in each language, so they are all the same survey of the
        # same organization: the one whose languages include Chinese.
        chinatown = next((o for o in cbos if "zh-hans" in o.demo_languages), cbos[0])
        link = links[chinatown.pk]
        name = chinatown.name_en  # the console speaks English, whatever the link's language
        self.stdout.write(f"\nOpen these (links of {name}):")
        # Every language the site offers (OFFERED_LANGUAGES may add Polish and Arabic).
        for code in link.instrument.offered_languages:
            label = translation.get_language_info(code)["name"]
            with translation.override(code):
                self.stdout.write(
                    f"  Resident survey of {name} ({label}): {base_url}{link.get_absolute_url()}"
                )
        self.stdout.write(
            f"  Short link of {name} (follows the phone's language): "
            f"{base_url}{link.get_short_url()}"
        )
        with translation.override("en"):
            self.stdout.write(
                f"  Kiosk link of {kiosk.organization.name_en}: {base_url}{kiosk.get_absolute_url()}"
            )
        self.stdout.write(f"  Staff sign-in (CBO workspace): {base_url}{reverse('login')}")
        self.stdout.write(f"  Facilitator's admin: {base_url}{reverse('admin:index')}")
        if show_logins:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            self.stdout.write(f"  Facilitator: {FACILITATOR_EMAIL}")
            for org in cbos[:2]:
                self.stdout.write(
                    f"  {org.name}: {demo_email('manager', org)} (manager), "
                    f"{demo_email('staff', org)} (staff)"
                )
            self.stdout.write(
                "  Every demo organization has manager.<name>@ and staff.<name>@demo.example.org."
            )
