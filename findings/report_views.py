"""Reports: the facilitator's editor (under /staff/reports/), the published report in each
language (/<lang>/reports/<token>/) and its PDF.

A published report page reads one stored version: a handful of queries however many blocks
it has. The editor's preview computes the blocks live, as publishing would.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations import mfa
from organizations.access import facilitator_only, workspace_view
from organizations.models import AuditEvent

from . import reports
from .models import Report, ReportBlock, ReportSection, ReportVersion
from .report_forms import (
    BlockForm,
    NewReportForm,
    PublishForm,
    ReportSettingsForm,
    SectionForm,
    language_label,
)


def report_or_404(token):
    return get_object_or_404(Report.objects.select_related("instrument"), token=token)


# --- The editor ----------------------------------------------------------------------------


@workspace_view(partners=True)
def report_list(request):
    """The facilitator's reports; partners see the published ones shared with them."""
    if request.user.is_partner:
        published = (
            Report.objects.filter(audience=Report.Audience.PARTNERS, versions__isnull=False)
            .distinct()
            .order_by("kind", "title")
        )
        return render(request, "findings/reports/partner_list.html", {"reports": published})
    facilitator_only(request)
    form = NewReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.created_by = request.user
        report.save()
        return redirect("findings:report_edit", token=report.token)
    items = Report.objects.order_by("kind", "-created_at")
    return render(request, "findings/reports/list.html", {"reports": items, "form": form})


def editor_context(report, **extra):
    sections = list(report.sections.prefetch_related("blocks"))
    for section in sections:
        # For translators: which languages still lack text, and which are outdated.
        section.states = [
            {
                "code": code,
                "name": language_label(code),
                "missing": not (
                    reports.localized(section, "heading", code).strip()
                    and reports.localized(section, "body", code).strip()
                ),
                "outdated": section.outdated(code),
            }
            for code in reports.offered(report)
        ]
    return {
        "report": report,
        "sections": sections,
        "versions": list(report.versions.select_related("published_by")),
        "languages": [(code, language_label(code)) for code in reports.offered(report)],
        **extra,
    }


@workspace_view
def report_edit(request, token):
    facilitator_only(request)
    report = report_or_404(token)
    form = ReportSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None, instance=report
    )
    publish_form = PublishForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings" and form.is_valid():
            form.save()
            messages.success(request, _("The report's settings are saved."))
            return redirect("findings:report_edit", token=token)
        if action == "add_section":
            last = report.sections.order_by("-order").first()
            section = ReportSection.objects.create(
                report=report, order=(last.order + 1) if last else 1
            )
            return redirect("findings:report_section", token=token, pk=section.pk)
        if action == "publish":
            publish_form = PublishForm(request.POST)
            if publish_form.is_valid():
                try:
                    version = reports.publish(
                        report, request.user, publish_form.cleaned_data["note"]
                    )
                except reports.PublishRefused as refused:
                    return render(
                        request,
                        "findings/reports/edit.html",
                        editor_context(
                            report, form=form, publish_form=publish_form, refused=refused.missing
                        ),
                    )
                messages.success(
                    request, _("Version %(number)s is published.") % {"number": version.number}
                )
                return redirect("findings:report_edit", token=token)
    return render(
        request,
        "findings/reports/edit.html",
        editor_context(report, form=form, publish_form=publish_form),
    )


@workspace_view
def report_section(request, token, pk):
    """One section's text in two languages side by side, and its blocks."""
    facilitator_only(request)
    report = report_or_404(token)
    section = get_object_or_404(report.sections, pk=pk)
    languages = reports.offered(report) or ["en"]
    left = request.GET.get("left") if request.GET.get("left") in languages else languages[0]
    right = request.GET.get("right")
    if right not in languages or right == left:
        right = next((code for code in languages if code != left), None)
    shown = [code for code in (left, right) if code]
    action = request.POST.get("action")
    form = SectionForm(
        request.POST if action == "text" else None, instance=section, languages=shown
    )
    block_form = BlockForm(
        request.POST if action == "add_block" else None, instrument=report.instrument
    )
    query = request.GET.urlencode()
    here = reverse("findings:report_section", args=[token, pk]) + (f"?{query}" if query else "")
    if request.method == "POST":
        if action == "text" and form.is_valid():
            form.save()
            messages.success(request, _("The section is saved."))
            return redirect(here)
        if action == "add_block" and block_form.is_valid():
            data = block_form.cleaned_data
            ReportBlock.objects.create(
                section=section,
                kind=data["kind"],
                after_paragraph=data["after_paragraph"],
                order=section.blocks.count() + 1,
                params=data["params"],
            )
            messages.success(request, _("The block is added."))
            return redirect(here)
        if action == "move_block":
            move_block(section, request.POST.get("block"), request.POST.get("direction"))
            return redirect(here)
        if action == "delete_block":
            get_object_or_404(section.blocks, pk=request.POST.get("block", "0")).delete()
            messages.success(request, _("The block is removed."))
            return redirect(here)
        if action == "delete_section":
            section.delete()
            messages.success(request, _("The section is removed."))
            return redirect("findings:report_edit", token=token)
    return render(
        request,
        "findings/reports/section.html",
        {
            "report": report,
            "section": section,
            "form": form,
            "block_form": block_form,
            "blocks": list(section.blocks.all()),
            "left": left,
            "right": right,
            "languages": [(code, language_label(code)) for code in languages],
        },
    )


@workspace_view
@require_POST
def report_move_section(request, token, pk):
    """Swap a section with its neighbour above or below."""
    facilitator_only(request)
    report = report_or_404(token)
    sections = list(report.sections.all())
    index = next((i for i, s in enumerate(sections) if s.pk == int_or_0(pk)), None)
    if index is None:
        raise Http404
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]
        for order, section in enumerate(sections, start=1):
            ReportSection.objects.filter(pk=section.pk).update(order=order)
    return redirect("findings:report_edit", token=token)


def move_block(section, block_id, direction):
    """Swap a block's place (paragraph and order) with its neighbour's in reading order."""
    blocks = list(section.blocks.all())
    index = next((i for i, b in enumerate(blocks) if b.pk == int_or_0(block_id)), None)
    if index is None:
        raise Http404
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(blocks):
        return
    one, two = blocks[index], blocks[other]
    # Each takes the other's paragraph and place; renumbering keeps reading order = list order.
    one.after_paragraph, two.after_paragraph = two.after_paragraph, one.after_paragraph
    blocks[index], blocks[other] = two, one
    for order, block in enumerate(blocks):
        block.order = order
    ReportBlock.objects.bulk_update(blocks, ["after_paragraph", "order"])


def int_or_0(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@workspace_view
def report_preview(request, token, language):
    """The whole report in one language, computed now, as publishing would store it."""
    facilitator_only(request)
    report = report_or_404(token)
    if language not in report.languages:
        raise Http404
    body = reports.render_body(report, language)
    with translation.override(language):
        return render(
            request,
            "findings/reports/page.html",
            {
                "report": report,
                "title": reports.title_in(report, language),
                "body": body,
                "preview": True,
                "language": language,
                "switcher_languages": reports.offered(report),
                "switcher_url_name": "findings:report_preview",
                "switcher_url_args": [token],
                "threshold": settings.SMALL_COUNT_THRESHOLD,
            },
        )


# --- Published reports -----------------------------------------------------------------------


def readable_version(request, token, number):
    """The report and the version asked for (the latest without a number), or the answer to
    give instead: sign-in for a partners-only report, 404 for anyone else."""
    report = get_object_or_404(Report, token=token)
    user = request.user
    if report.audience == Report.Audience.PARTNERS:
        if not user.is_authenticated:
            return report, None, redirect_to_login(request.get_full_path())
        if not (user.is_partner or user.is_facilitator):
            raise Http404
        if not user.is_verified() and mfa.state(request) in (mfa.VERIFY, mfa.ENROL):
            step = "mfa_verify" if mfa.state(request) == mfa.VERIFY else "mfa_setup"
            return report, None, redirect_to_login(request.get_full_path(), reverse(step))
    versions = ReportVersion.objects.filter(report=report)
    version = (versions.filter(number=number) if number else versions.order_by("-number")).first()
    if version is None or get_language() not in version.snapshot:
        raise Http404
    if user.is_authenticated and user.is_partner:
        AuditEvent.objects.create(
            organization_id=user.membership.organization_id,
            actor=user,
            subject=user,
            action=AuditEvent.Action.REPORT_VIEWED,
            detail=f"{report.token[:8]} v{version.number} {get_language()}",
        )
    return report, version, None


def published(request, token, number=None):
    report, version, answer = readable_version(request, token, number)
    if answer is not None:
        return answer
    language = get_language()
    others = list(
        ReportVersion.objects.filter(report=report)
        .order_by("-number")
        .values("number", "note", "published_at")
    )
    response = render(
        request,
        "findings/reports/page.html",
        {
            "report": report,
            "version": version,
            "versions": others,
            "title": version.snapshot[language]["title"],
            "body": version.snapshot[language]["body"],
            "language": language,
            "threshold": settings.SMALL_COUNT_THRESHOLD,
            "switcher_languages": [c for c in settings.OFFERED_LANGUAGES if c in version.snapshot],
        },
    )
    if report.noindex:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def published_pdf(request, token, number=None):
    report, version, answer = readable_version(request, token, number)
    if answer is not None:
        return answer
    from .report_pdf import pdf_of

    language = get_language()
    data = pdf_of(version, language)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"report-{report.kind}-v{version.number}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if report.noindex:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def by_slug(request, slug):
    report = get_object_or_404(Report.objects.exclude(slug=None), slug=slug)
    return redirect("report", token=report.token)
