"""The offline outbox's pages: the service worker, the whole survey on one page for a phone
that lost its connection, the endpoint that receives what waited on the device, and the
kiosk's staff screen with its export and the workspace upload.

How it fits (progressive: without JavaScript none of this is used and the survey works as
before):
- Every resident page of a link loads static/site/outbox.js, which registers /sw.js and,
  while online, keeps in the browser's Cache Storage this link's "offline page" (every
  section of the survey, the same ResponseForm markup, skip logic and eligibility as data)
  and the page's CSS and JS. The offline page is the same for everyone (no answers, no
  response id), so a kiosk's cache never holds one resident's answers for the next.
- On each step the script keeps the answers and the server-minted signed response id in
  IndexedDB. A step that cannot reach the server (the phone says it is offline, or the
  service worker's POST fails) continues on the cached offline page at the next step.
- The last step, offline, puts the submission in the device's outbox; it is sent to `submit`
  on the `online` event, on the next page load and on a timer, and removed only when the
  server answers stored or already stored. One it refuses stays, flagged, for staff to export.
- A kiosk keeps a reserve of signed response ids (`kiosk_ids`) and its start and consent
  pages, so that the next person can start and finish while it is offline; the finished
  draft is deleted at once, and the page is cleared, so the next person sees nothing of it.
- IndexedDB "engagement-outbox" holds three stores: drafts (per link token: the signed
  response id, the answers as {field name: [values]}, the languages used), outbox (finished
  surveys by response id) and ids (the kiosk's reserve). Residents never see the outbox's
  contents; the kiosk's staff screen shows how many wait and exports them encrypted.
"""

import json
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from engagement import ratelimit
from organizations.access import scoped, workspace_view

from . import outbox
from .forms import ResponseForm, areas_for, field_name
from .models import CollectionLink, Question
from .response_ids import sign_response_id

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "site" / "sw.js"


def resident_link(token):
    try:
        return CollectionLink.objects.for_resident(token=token)
    except CollectionLink.DoesNotExist:
        raise Http404("No such link.") from None


@require_GET
def service_worker(request):
    """The service worker, from the site's root so that its scope covers every language's
    resident pages (/<lang>/s/<token>/...). It only ever acts on those and on /static/."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    # Browsers check for a new worker at most daily anyway; never serve a stale one.
    response["Cache-Control"] = "no-cache"
    return response


def skip_rules(questions):
    """The data the offline page's script needs to hide what the server would hide
    (forms.hidden_questions), check required answers, and end on eligibility."""
    by_id = {q.pk: q for q in questions}
    rules = []
    for question in questions:
        source = by_id.get(question.show_if_question_id)
        rules.append(
            {
                "code": question.code,
                "section": question.section.number if question.section_id else None,
                "parent": by_id[question.parent_id].code if question.parent_id else None,
                "matrix": question.type == Question.Type.MATRIX,
                "required": question.required,
                # A rule whose question is missing hides the question, as on the server.
                "if": (source.code if source else "?") if question.show_if_question_id else None,
                "choices": list(question.show_if_choices),
                "eligible": list(question.eligible_choices),
            }
        )
    return rules


@never_cache
@require_GET
def offline_page(request, token):
    """Every section of the link's survey on one page, for the service worker's cache."""
    link = resident_link(token)
    if not link.is_usable:
        raise Http404("This link is not open.")
    wait = ratelimit.retry_after(
        request, "pages", settings.RATE_LIMIT_PAGES, settings.RATE_LIMIT_WINDOW
    )
    if wait:
        response = render(request, "429.html", {"minutes": max(1, round(wait / 60))}, status=429)
        response["Retry-After"] = str(wait)
        return response
    instrument = link.instrument
    questions = instrument.cached_questions()
    kiosk = link.kind == CollectionLink.Kind.KIOSK
    areas = areas_for(questions)
    sections = {}
    for question in questions:
        if question.section_id:
            sections.setdefault(question.section.number, (question.section, []))[1].append(question)
    parts = []
    for number in sorted(sections):
        section, members = sections[number]
        form = ResponseForm(members, areas=areas, kiosk=kiosk)
        items = form.display_items()
        for item in items:
            item["code"] = item["question"].code
        parts.append({"section": section, "items": items})
    response = render(
        request,
        "surveys/offline.html",
        {
            "link": link,
            "instrument": instrument,
            "organization": link.organization,
            "kiosk": kiosk,
            "preview": False,
            "parts": parts,
            "rules": skip_rules(questions),
            "field_names": [field_name(q) for q in questions],
            # This page is shown in one language: its switcher would need the connection.
            "switcher_languages": None,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


KIOSK_IDS = 10


@never_cache
@require_GET
def kiosk_ids(request, token):
    """Signed response ids a kiosk keeps in reserve, so that the next person can start while
    the kiosk is offline (consent is otherwise where the server mints the id). Kiosk links
    only: a phone is one person, who started online. An unused id expires with
    RESPONSE_ID_MAX_AGE; its signing time is when it was handed out, not the consent's."""
    link = resident_link(token)
    if link.kind != CollectionLink.Kind.KIOSK or not link.is_usable:
        raise Http404("Not a kiosk link.")
    wait = ratelimit.retry_after(
        request, "pages", settings.RATE_LIMIT_PAGES, settings.RATE_LIMIT_WINDOW
    )
    if wait:
        return waiting(wait)
    return JsonResponse({"ids": [sign_response_id(uuid.uuid4(), link) for _ in range(KIOSK_IDS)]})


# No CSRF token: the proof that this request may store a response is the signed response id
# in its body, which the server minted for this link when the resident consented. A CSRF
# cookie would prove less and fail more: the kiosk's session (and with it the cookie's pair)
# is flushed after every resident, a restarted server or an expired cookie would refuse a
# genuine resend, and a forged cross-site POST could only ever store the one response whose
# signed id the forger already holds, exactly once. The JSON content type is required too,
# which a cross-site form cannot send without the browser asking this site first.
@csrf_exempt
@never_cache
@require_POST
def submit(request, token):
    """One submission that waited on a device: {"rid", "answers", "language", "languages"}.

    Answers JSON: {"status": "stored" | "already_stored"} (200; the device may forget it),
    "invalid" with the validator's errors (422; the device keeps it, flagged), "ineligible"
    (200; nothing to store), "bad_id" (400), or "wait" with Retry-After (429).
    """
    link = resident_link(token)
    if request.content_type != "application/json":
        return JsonResponse({"status": "unsupported"}, status=415)
    wait = ratelimit.retry_after(
        request, "submit", settings.RATE_LIMIT_SUBMISSIONS, settings.RATE_LIMIT_WINDOW
    )
    if wait:
        return waiting(wait)
    try:
        submission = json.loads(request.body)
    except ValueError:
        return JsonResponse({"status": outbox.BAD_ID}, status=400)
    result = outbox.store_submission(link, submission)
    if result.status == outbox.WAIT:
        return waiting(result.wait)
    if result.status in (outbox.STORED, outbox.ALREADY_STORED):
        close_draft(request, link, submission["rid"])
    status = {outbox.INVALID: 422, outbox.BAD_ID: 400}.get(result.status, 200)
    return JsonResponse(result.as_json(), status=status)


def close_draft(request, link, rid):
    """The walk this submission ends may still have its server-side draft in this browser's
    session (steps answered online before the connection dropped): close it as finish()
    does, so that the phone's start page no longer offers to continue it, and a kiosk's next
    person never meets the answers of the one before."""
    key = f"draft:{link.token}"  # surveys.views.Flow.draft_key
    draft = request.session.get(key)
    if not draft or draft.get("rid") != rid:
        return
    if link.kind == CollectionLink.Kind.KIOSK:
        request.session.flush()
    else:
        request.session[key] = {"rid": rid, "finished": True}


def waiting(seconds):
    response = JsonResponse({"status": outbox.WAIT, "retry_after": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


# --- Staff: the kiosk's outbox ---------------------------------------------------------


def public_key_or_none():
    try:
        return outbox.public_key_spki()
    except ImproperlyConfigured:
        return None


@workspace_view
def kiosk_outbox(request):
    """On the kiosk itself (same origin, so the same IndexedDB): how many surveys wait on
    this device, and an encrypted export for when it will not come back online. The page
    never shows what residents answered."""
    return render(
        request,
        "staff/kiosk_outbox.html",
        {"public_key": public_key_or_none(), "format": outbox.EXPORT_FORMAT},
    )


class OutboxUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Exported outbox file"),
        help_text=gettext_lazy("The file a kiosk's staff screen saved (.outbox)."),
    )


@workspace_view
def outbox_upload(request):
    """Store an exported outbox file: each submission once, only for links the person may
    see (their organization's; the facilitator's: every one)."""
    form = OutboxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submissions = outbox.decrypt_export(form.cleaned_data["file"].read())
        except (outbox.ExportError, ImproperlyConfigured):
            form.add_error(
                "file",
                _("This file cannot be opened. Upload a file exported from a kiosk's outbox."),
            )
        else:
            counts = outbox.store_export(submissions, scoped(CollectionLink.objects.all(), request))
            messages.success(
                request,
                _(
                    "Stored: %(stored)s. Already stored: %(already)s. Not valid: %(invalid)s. "
                    "Not for your organization: %(not_yours)s."
                )
                % {
                    "stored": counts[outbox.STORED],
                    "already": counts[outbox.ALREADY_STORED],
                    "invalid": counts[outbox.INVALID],
                    "not_yours": counts["not_yours"],
                },
            )
            return redirect(reverse("workspace:outbox_upload"))
    return render(request, "staff/outbox_upload.html", {"form": form})
