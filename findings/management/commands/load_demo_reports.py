import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from modeltranslation.utils import build_localized_fieldname

from findings.demo_reports import PARTNERS, QUOTES, REPORTS, SURVEY
from findings.models import Coding, Report, ReportBlock, ReportSection, StarredQuote, Theme
from findings.reports import publish
from organizations.models import Membership, Organization, User
from surveys.management.commands.load_demo import DEMO_PASSWORD
from surveys.models import Answer, Instrument, SessionQuote

FACILITATOR = "facilitator@demo.example.org"


class Command(BaseCommand):
    help = (
        "Load the demo's city partners, starred quotes and both findings reports (en/es/zh-hans), "
        "and publish each report's first version. Idempotent. Run after load_demo_codebook."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run with DEBUG off too.")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the site is served, for the report addresses printed at the end.",
        )

    def handle(self, *args, force=False, base_url="http://127.0.0.1:8000", **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development; pass --force to load it anyway.")
        facilitator = User.objects.filter(email=FACILITATOR).first()
        survey = Instrument.objects.filter(code=SURVEY).first()
        if facilitator is None or survey is None or not Theme.objects.exists():
            raise CommandError("Load the demo and its codebook first (load_demo_codebook).")
        with transaction.atomic():
            self.load_partners()
            starred = self.load_quotes(facilitator)
        published = []
        for data in REPORTS:
            started = time.monotonic()
            report = self.load_report(data, survey, facilitator)
            if report is not None:
                published.append(f"{report.slug} ({time.monotonic() - started:.1f} s)")
        self.stdout.write(
            f"Demo reports: {len(PARTNERS)} city partners, {starred} starred quotes; "
            f"published {', '.join(published) or 'nothing new'}."
        )
        if settings.DEBUG:  # addresses and logins only on a development machine
            self.stdout.write("Published reports (English; /es/ and /zh-hans/ alike):")
            for report in Report.objects.filter(slug__in=[d["slug"] for d in REPORTS]):
                with translation.override("en"):
                    path = reverse("report", args=[report.token])
                self.stdout.write(
                    f"  {report.title_en} ({report.get_audience_display()}): "
                    f"{base_url.rstrip('/')}{path}"
                )
            emails = ", ".join(email for _slug, _name, email in PARTNERS)
            self.stdout.write(f"City partner logins (password {DEMO_PASSWORD}): {emails}")

    def load_partners(self):
        for slug, name, email in PARTNERS:
            office, _ = Organization.objects.update_or_create(
                slug=slug, defaults={"name": name, "kind": Organization.Kind.PARTNER}
            )
            user, created = User.objects.get_or_create(
                email=email, defaults={"full_name": f"{name} Partner"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            Membership.objects.update_or_create(
                user=user, defaults={"organization": office, "role": Membership.Role.PARTNER}
            )

    def load_quotes(self, facilitator):
        count = 0
        for theme_code, text, language, translations in QUOTES:
            theme = Theme.objects.get(code=theme_code)
            fields = {
                "original": text,
                "original_language": language,
                "starred_by": facilitator,
                "reviewed": True,
                "reviewed_by": facilitator,
                "reviewed_at": timezone.now(),
                **{
                    build_localized_fieldname("translation", code): value
                    for code, value in translations.items()
                },
            }
            session_quote = SessionQuote.objects.filter(text=text).select_related("session")
            session_quote = session_quote.order_by("pk").first()
            if session_quote is not None:
                StarredQuote.objects.get_or_create(
                    theme=theme,
                    coding=None,
                    quote=session_quote,
                    defaults={**fields, "organization": session_quote.session.organization},
                )
                count += 1
                continue
            answer = Answer.objects.filter(text=text).select_related("response").first()
            if answer is None:
                continue
            coding, _ = Coding.objects.get_or_create(
                theme=theme, answer=answer, start=None, end=None, coder=facilitator, second=False
            )
            StarredQuote.objects.get_or_create(
                theme=theme,
                coding=coding,
                quote=None,
                defaults={**fields, "organization": answer.response.organization},
            )
            count += 1
        return count

    def load_report(self, data, survey, facilitator):
        """Write the report and publish its first version; a report that has versions is
        left as it is (the facilitator may have edited it)."""
        report = Report.objects.filter(slug=data["slug"]).first()
        if report is not None and report.versions.exists():
            return None
        with transaction.atomic():
            if report is None:
                report = Report(slug=data["slug"], created_by=facilitator)
            report.kind = data["kind"]
            report.audience = data["audience"]
            report.instrument = survey
            report.languages = list(data["title"])
            for code, title in data["title"].items():
                setattr(report, build_localized_fieldname("title", code), title)
            report.save()
            report.sections.all().delete()
            for order, section_data in enumerate(data["sections"], start=1):
                section = ReportSection(report=report, order=order)
                for field in ("heading", "body"):
                    for code, text in section_data[field].items():
                        setattr(section, build_localized_fieldname(field, code), text)
                section.mark_edited(list(section_data["heading"]))
                section.save()
                for index, (kind, after, params) in enumerate(section_data["blocks"], start=1):
                    ReportBlock.objects.create(
                        section=section,
                        kind=kind,
                        after_paragraph=after,
                        order=index,
                        params=params,
                    )
        publish(report, facilitator, "First edition")
        return report
