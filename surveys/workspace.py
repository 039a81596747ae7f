"""The staff workspace: an organization's own figures, links, listening sessions, responses,
and paper entry. Downloads and results live in `findings`. Every query goes through `visible_to(request.user)`; another
organization's objects answer 404."""

import uuid
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.contrib import messages
from django.contrib.postgres.aggregates import ArrayAgg
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncWeek
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.models import Version

from engagement.languages import language_name
from organizations.access import acting_organization, scoped, workspace_view
from organizations.areas import community_areas
from organizations.models import Organization

from .forms import (
    BulkExcludeForm,
    CollectionLinkForm,
    ExcludeForm,
    LinkStatusForm,
    ListeningSessionForm,
    PaperCorrectionForm,
    PaperDetailsForm,
    PaperResponseForm,
    PromptNoteForm,
    QuoteFormSet,
    ResponseFilterForm,
    SecondEntryDetailsForm,
    SessionFilterForm,
    SettleForm,
    answers_as_text,
    hidden_questions,
)
from .models import (
    Answer,
    CollectionLink,
    Instrument,
    ListeningSession,
    PromptNote,
    Question,
    Response,
    ResponseEvent,
    SecondEntry,
    SessionQuote,
    Target,
    answer_values,
    store_response,
)

CHICAGO = ZoneInfo(settings.TIME_ZONE)
PAGE_SIZE = 50


# --- Home ------------------------------------------------------------------------------


@workspace_view(partners=True)
def home(request):
    if request.user.is_partner:
        # A city partner's workspace is the reports shared with them (findings).
        return redirect("findings:reports")
    responses = scoped(Response.objects.included(), request)
    sessions = scoped(ListeningSession.objects.all(), request)
    per_instrument = list(
        responses.values("instrument__code", "instrument__title")
        .annotate(total=Count("id"))
        .order_by("-total")
    )
    per_channel = list(responses.values("channel").annotate(total=Count("id")).order_by("channel"))
    channel_labels = dict(Response.Channel.choices)
    for row in per_channel:
        row["label"] = channel_labels.get(row["channel"], row["channel"])
    since = timezone.now() - timedelta(weeks=12)
    per_week = list(
        responses.filter(submitted_at__gte=since)
        .annotate(week=TruncWeek("submitted_at", tzinfo=CHICAGO))
        .values("week")
        .annotate(total=Count("id"))
        .order_by("week")
    )
    session_totals = sessions.filter(status=ListeningSession.Status.COMPLETE).aggregate(
        held=Count("id"), reached=Sum("attendees")
    )
    recent_responses = list(
        scoped(Response.objects.all(), request)
        .select_related("instrument", "organization")
        .order_by("-submitted_at")[:8]
    )
    recent_sessions = list(sessions.select_related("organization").order_by("-updated_at")[:5])
    targets = scoped(Target.objects.all(), request).progress(responses)
    return render(
        request,
        "staff/home.html",
        {
            "per_instrument": per_instrument,
            "per_channel": per_channel,
            "per_week": per_week,
            "total": sum(row["total"] for row in per_instrument),
            "sessions_held": session_totals["held"],
            "people_reached": session_totals["reached"] or 0,
            "recent_responses": recent_responses,
            "recent_sessions": recent_sessions,
            "targets": targets,
            # The facilitator over every organization sees them side by side.
            "show_organization": request.organization is None,
        },
    )


# --- Collection links ------------------------------------------------------------------


@workspace_view
def links(request):
    """The organization's links with their figures: one query whatever their number."""
    rows = []
    for link in (
        scoped(CollectionLink.objects.with_figures(), request)
        .select_related("instrument", "organization")
        .order_by("organization__name", "-created_at")
    ):
        short, by_language = link.public_urls(request)
        rows.append(
            {
                "link": link,
                "short": short,
                "languages": by_language,
                "locked": link.locked_for(request.user),
            }
        )
    return render(
        request,
        "staff/links.html",
        {"rows": rows, "org_query": org_query(request)},
    )


def org_query(request):
    """`?org=<slug>` for the facilitator's links back to the same organization's pages."""
    if request.user.is_facilitator and request.organization:
        return f"?org={request.organization.slug}"
    return ""


@workspace_view
def link_new(request):
    """CBO staff and managers make a link for their own event or site."""
    organization = acting_organization(request)
    form = CollectionLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = form.save(commit=False)
        link.organization = organization
        link.created_by = request.user
        link.save()
        messages.success(
            request,
            _("The link for %(label)s is ready. Print its flyer or share it.")
            % {"label": link.label},
        )
        return redirect(reverse("workspace:links") + org_query(request))
    return render(request, "staff/link_form.html", {"form": form, "org_query": org_query(request)})


@workspace_view
@require_POST
def link_status(request, token):
    """Pause, reopen or close a link; a pause or close by the facilitator binds the CBO."""
    link = get_object_or_404(
        CollectionLink.objects.visible_to(request.user).select_related("instrument"), token=token
    )
    form = LinkStatusForm(request.POST)
    if not form.is_valid():
        return render(request, "400.html", status=400)
    if link.locked_for(request.user):
        raise PermissionDenied
    link.set_status(form.status(), request.user)
    messages.success(
        request,
        {
            CollectionLink.Status.ACTIVE: _("The link is open again."),
            CollectionLink.Status.PAUSED: _("The link is paused."),
            CollectionLink.Status.CLOSED: _(
                "The link is closed. Its flyer now says the survey has ended."
            ),
        }[link.status],
    )
    return redirect(reverse("workspace:links") + org_query(request))


# --- Listening sessions ----------------------------------------------------------------


def guide_prompts(guide):
    return [q for q in guide.cached_questions() if q.type != Question.Type.MATRIX]


def session_forms(request, session, guide, organization, data=None):
    """The session's form, and per prompt its notes form and quotes formset."""
    form = ListeningSessionForm(data, instance=session, organization=organization)
    notes = {n.question_id: n for n in session.notes.all()} if session.pk else {}
    quotes = {}
    if session.pk:
        for quote in session.quotes.all():
            quotes.setdefault(quote.question_id, []).append(quote)
    prompts = []
    for prompt in guide_prompts(guide) if guide else []:
        note = notes.get(prompt.pk)
        prompts.append(
            {
                "prompt": prompt,
                "notes": PromptNoteForm(
                    data,
                    prefix=f"notes-{prompt.code}",
                    initial={"summary": note.summary, "note": note.note} if note else None,
                ),
                "quotes": QuoteFormSet(
                    data,
                    prefix=f"quotes-{prompt.code}",
                    initial=[
                        {"text": q.text, "descriptor": q.descriptor}
                        for q in quotes.get(prompt.pk, [])
                    ],
                ),
            }
        )
    return form, prompts


def save_session(request, form, prompts, complete):
    """One save is one revision: the session, its notes and its quotes together."""
    with transaction.atomic(), reversion.create_revision():
        session = form.save(commit=False)
        if complete:
            session.status = ListeningSession.Status.COMPLETE
        session.save()
        form.save_m2m()
        # Notes and quotes keep their rows when edited (codings of them stay attached);
        # emptied ones go.
        old_notes = {n.question_id: n for n in session.notes.all()} if session.pk else {}
        old_quotes = {}
        for quote in session.quotes.order_by("order", "pk") if session.pk else []:
            old_quotes.setdefault(quote.question_id, []).append(quote)
        keep, gone = [], []
        for block in prompts:
            prompt = block["prompt"]
            summary = block["notes"].cleaned_data["summary"]
            note = block["notes"].cleaned_data["note"]
            existing = old_notes.get(prompt.pk)
            if summary or note:
                item = existing or PromptNote(session=session, question=prompt)
                item.summary, item.note = summary, note
                keep.append(item)
            elif existing:
                gone.append(existing)
            stored = old_quotes.get(prompt.pk, [])
            texts = [q for q in block["quotes"].cleaned_data if q.get("text")]
            for order, quote in enumerate(texts):
                item = (
                    stored[order]
                    if order < len(stored)
                    else SessionQuote(session=session, question=prompt)
                )
                item.text = quote["text"]
                item.descriptor = quote.get("descriptor", "")
                item.order = order
                keep.append(item)
            gone += stored[len(texts) :]
        for item in gone:
            item.delete()
        # Saved one by one so the revision follows them (bulk_create sends no signals).
        for item in keep:
            item.save()
        reversion.set_user(request.user)
        # A code, shown in the reader's language by the history page.
        reversion.set_comment("complete" if complete else "save")
    return session


def as_id(value):
    """A primary key from a URL or form parameter, or None for anything else ("abc")."""
    if (
        value
        and len(value) <= 19
        and value.isascii()
        and value.isdigit()
        and 0 < int(value) < 2**63
    ):
        return int(value)
    return None


def with_another_quote_box(data, prompt_code):
    """The posted form with one more empty quote box for a prompt ("Add a quote box" without
    JavaScript): nothing is saved, everything typed comes back."""
    key = f"quotes-{prompt_code}-TOTAL_FORMS"
    total = as_id(data.get(key, "")) or 0
    if key not in data or total >= QuoteFormSet.max_num:
        return data
    data = data.copy()
    data[key] = str(total + 1)
    return data


def session_form_page(request, session, organization):
    guide_id = as_id(request.POST.get("guide") or request.GET.get("guide")) or session.guide_id
    guide = Instrument.objects.filter(kind=Instrument.Kind.GUIDE, pk=guide_id).first()
    if guide is None:
        guide = (
            Instrument.objects.filter(kind=Instrument.Kind.GUIDE).order_by("-created_at").first()
        )
        if guide and session._state.adding:
            session.guide = guide
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "")
    if data is not None and action.startswith("add-quote:"):
        data = with_another_quote_box(data, action.removeprefix("add-quote:"))
    form, prompts = session_forms(request, session, guide, organization, data)
    if request.method == "POST" and action in {"save", "complete"}:
        valid = form.is_valid() and all(
            b["notes"].is_valid() and b["quotes"].is_valid() for b in prompts
        )
        if valid and action == "complete":
            missing = [b for b in prompts if not b["notes"].cleaned_data["summary"]]
            for block in missing:
                block["notes"].add_error(
                    "summary", _("Write a summary for each prompt before marking complete.")
                )
            valid = not missing
        if valid:
            complete = action == "complete"
            try:
                session = save_session(request, form, prompts, complete=complete)
            except IntegrityError:
                first = (
                    ListeningSession.objects.visible_to(request.user)
                    .filter(organization=organization, form_key=session.form_key)
                    .first()
                )
                if first is not None:
                    # The same form sent twice at once: the first one created the session.
                    session = first
                else:
                    # The key is another organization's (a form copied from their page):
                    # never theirs to open, and never lose these notes; a key of its own.
                    session.form_key = uuid.uuid4()
                    session = save_session(request, form, prompts, complete=complete)
            messages.success(
                request,
                _("The session is marked complete.")
                if action == "complete"
                else _("The session is saved as a draft."),
            )
            response = redirect("workspace:session", pk=session.pk)
            return response
    errors = form.is_bound and (
        form.errors or any(b["notes"].errors or b["quotes"].total_error_count() for b in prompts)
    )
    return render(
        request,
        "staff/session_form.html",
        {
            "form": form,
            "prompts": prompts,
            "session": session,
            "guide": guide,
            "has_errors": errors,
            "is_new": session._state.adding,
            # A new session's typed text is kept per organization until it is first saved.
            "autosave_key": f"session-new-{organization.pk}"
            if session._state.adding
            else f"session-{session.pk}",
        },
    )


@workspace_view
def session_new(request):
    organization = acting_organization(request)
    key = request.POST.get("form_key") or str(uuid.uuid4())
    try:
        key = uuid.UUID(key)
    except ValueError:
        raise Http404 from None
    existing = (
        ListeningSession.objects.visible_to(request.user)
        .filter(organization=organization, form_key=key)
        .first()
    )
    if existing:
        # A double submit of the creating form: the first one made the session.
        return redirect("workspace:session", pk=existing.pk)
    session = ListeningSession(
        organization=organization,
        created_by=request.user,
        form_key=key,
        held_on=timezone.localdate(),
    )
    return session_form_page(request, session, organization)


def get_session(request, pk):
    return get_object_or_404(
        ListeningSession.objects.visible_to(request.user).select_related(
            "organization", "guide", "area", "created_by"
        ),
        pk=pk,
    )


@workspace_view
def session_edit(request, pk):
    session = get_session(request, pk)
    return session_form_page(request, session, session.organization)


@workspace_view
def session_detail(request, pk):
    session = get_session(request, pk)
    notes = {n.question_id: n for n in session.notes.all()}
    quotes = {}
    for quote in session.quotes.all():
        quotes.setdefault(quote.question_id, []).append(quote)
    prompts = [
        {"prompt": p, "note": notes.get(p.pk), "quotes": quotes.get(p.pk, [])}
        for p in guide_prompts(session.guide)
    ]
    return render(
        request,
        "staff/session_detail.html",
        {
            "session": session,
            "prompts": prompts,
            "facilitators": list(session.facilitators.all()),
            "note_takers": list(session.note_takers.all()),
            "can_see_history": can_see_history(request.user, session),
            "saved_key": f"session-{session.pk}",
        },
    )


def can_see_history(user, session):
    """Managers and the facilitator, and staff who recorded or edited this session."""
    membership = user.membership
    if user.is_facilitator or (membership and membership.can_manage_members):
        return True
    return (
        session.created_by_id == user.pk
        or Version.objects.get_for_object(session).filter(revision__user=user).exists()
    )


def revision_snapshot(revision, prompts_by_id):
    """A revision as {label: text}: the session's fields, then each prompt's notes and quotes."""
    from django.utils.dateparse import parse_date

    snapshot = {}
    session_fields, notes, quotes = {}, {}, {}
    for version in revision.version_set.all():
        model = version.content_type.model
        data = version.field_dict
        if model == "listeningsession":
            session_fields = data
        elif model == "promptnote":
            notes[data["question_id"]] = data
        elif model == "sessionquote":
            quotes.setdefault(data["question_id"], []).append(data)
    labels = {
        "held_on": _("Date"),
        "starts_at": _("Start time"),
        "ends_at": _("End time"),
        "place": _("Place"),
        "attendees": _("Number of attendees"),
        "status": _("Status"),
        "languages": _("Languages spoken"),
    }
    for field, label in labels.items():
        value = session_fields.get(field)
        if field == "held_on" and isinstance(value, str):
            value = parse_date(value)
        if field == "languages" and isinstance(value, list):
            value = ", ".join(language_name(code) for code in value)
        elif isinstance(value, list):
            value = ", ".join(value)
        snapshot[str(label)] = "" if value is None else str(value)
    for question_id, prompt in prompts_by_id.items():
        note = notes.get(question_id, {})
        snapshot[f"{prompt.code}: {_('Summary')}"] = note.get("summary", "")
        snapshot[f"{prompt.code}: {_('Note')}"] = note.get("note", "")
        snapshot[f"{prompt.code}: {_('Quotes')}"] = "\n".join(
            f"“{q['text']}”" + (f" — {q['descriptor']}" if q.get("descriptor") else "")
            for q in sorted(quotes.get(question_id, []), key=lambda q: q.get("order", 0))
        )
    return snapshot


@workspace_view
def session_history(request, pk):
    """Every save, newest first: who, when, and what changed, old and new side by side."""
    session = get_session(request, pk)
    if not can_see_history(request.user, session):
        raise PermissionDenied

    versions = (
        Version.objects.get_for_object(session)
        .select_related("revision__user")
        .prefetch_related("revision__version_set__content_type")
        .order_by("revision__date_created")
    )
    prompts_by_id = {p.pk: p for p in guide_prompts(session.guide)}
    entries, previous = [], {}
    for version in versions:
        snapshot = revision_snapshot(version.revision, prompts_by_id)
        changes = [
            {"field": field, "old": previous.get(field, ""), "new": value}
            for field, value in snapshot.items()
            if value != previous.get(field, "")
        ]
        entries.append({"revision": version.revision, "changes": changes, "first": not previous})
        previous = snapshot
    entries.reverse()
    return render(request, "staff/session_history.html", {"session": session, "entries": entries})


@workspace_view
def sessions(request):
    form = SessionFilterForm(request.GET or None)
    queryset = scoped(ListeningSession.objects.all(), request).select_related(
        "guide", "area", "organization"
    )
    queryset = form.apply(queryset)
    queryset = queryset.annotate(quote_count=Count("quotes", distinct=True)).order_by(
        "-held_on", "-created_at"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "staff/sessions.html", {"form": form, "page": page, "query": querystring(request)}
    )


def querystring(request):
    """The current filters, to keep them across pages."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- Responses -------------------------------------------------------------------------


@workspace_view
def responses(request):
    """The response list with its filters and search; a POST excludes the ticked responses
    with one reason, then comes back to the same filtered page."""
    form = ResponseFilterForm(request.GET or None)
    visible = scoped(Response.objects.all(), request)
    bulk = BulkExcludeForm(
        request.POST if request.method == "POST" else None, queryset=visible.only("pk")
    )
    if bulk.is_valid():
        chosen = bulk.cleaned_data["responses"]
        excluded = visible.filter(pk__in=[r.pk for r in chosen]).mark_excluded(
            by=request.user, reason=bulk.cleaned_data["reason"], note=bulk.cleaned_data["note"]
        )
        messages.success(
            request,
            ngettext(
                "%(count)s response is excluded.",
                "%(count)s responses are excluded.",
                excluded,
            )
            % {"count": excluded},
        )
        if excluded < len(chosen):
            messages.info(
                request, _("Responses that were already excluded keep their first reason.")
            )
        return redirect(request.get_full_path())
    queryset = (
        form.apply(visible)
        .select_related("instrument", "organization", "area")
        .order_by("-submitted_at", "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    ticked = set(bulk.data.getlist("responses")) if bulk.is_bound else set()
    return render(
        request,
        "staff/responses.html",
        {
            "form": form,
            "bulk": bulk,
            "page": page,
            "ticked": ticked,
            "query": querystring(request),
            "forms_with_errors": [bulk] if bulk.errors else [],
        },
    )


def get_response(request, pk):
    return get_object_or_404(
        Response.objects.visible_to(request.user).select_related(
            "instrument", "organization", "area", "link", "excluded_by", "entered_by"
        ),
        pk=pk,
    )


@workspace_view
def response_detail(request, pk):
    response = get_response(request, pk)
    answers = response.answers.select_related("question", "choice", "area").order_by(
        "question__order", "choice__order"
    )
    return render(
        request,
        "staff/response_detail.html",
        {
            "response": response,
            "answers": answers,
            "exclude_form": ExcludeForm(),
            "locked": locked_by_facilitator(request, response),
            "events": response.events.select_related("by"),
        },
    )


def locked_by_facilitator(request, response):
    """Staff may not undo an exclusion the facilitator made."""
    return (
        response.status == Response.Status.EXCLUDED
        and response.excluded_by is not None
        and response.excluded_by.is_facilitator
        and not request.user.is_facilitator
    )


@workspace_view
@require_POST
def response_exclude(request, pk):
    response = get_response(request, pk)
    form = ExcludeForm(request.POST)
    if locked_by_facilitator(request, response):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("Choose a reason to exclude this response."))
        return redirect("workspace:response", pk=response.pk)
    Response.objects.filter(pk=response.pk).mark_excluded(
        by=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
    )
    messages.success(
        request, _("The response is excluded. It stays stored and can be included again.")
    )
    return redirect("workspace:response", pk=response.pk)


@workspace_view
@require_POST
def response_include(request, pk):
    response = get_response(request, pk)
    if locked_by_facilitator(request, response):
        raise PermissionDenied
    Response.objects.filter(pk=response.pk).mark_included(by=request.user)
    messages.success(request, _("The response is included again."))
    return redirect("workspace:response", pk=response.pk)


# --- Paper surveys ---------------------------------------------------------------------


def paper_numbers(questions):
    """Question numbers as printed: 1, 2, 3 …, matrix rows 7a, 7b …; choices 1, 2, 3 …"""
    numbers, count, rows = {}, 0, {}
    for question in questions:
        if question.parent_id:
            index = rows.get(question.parent_id, 0)
            rows[question.parent_id] = index + 1
            numbers[question.pk] = f"{numbers[question.parent_id]}{chr(ord('a') + index)}"
        else:
            count += 1
            numbers[question.pk] = str(count)
    return numbers


def paper_layout(instrument, questions=None):
    """Sections with their questions in print order, each with its number and choices."""
    questions = questions or instrument.cached_questions()
    numbers = paper_numbers(questions)
    matrices = {q.pk: q for q in questions if q.type == Question.Type.MATRIX}
    sections, current = [], None
    for question in questions:
        if current is None or question.section_id != current["section"].pk:
            current = {"section": question.section, "questions": []}
            sections.append(current)
        source = matrices.get(question.parent_id, question)
        current["questions"].append(
            {
                "question": question,
                "number": numbers[question.pk],
                "choices": list(source.choices.all()) if question.has_choices else [],
                "is_row": bool(question.parent_id),
            }
        )
    return sections, numbers


@workspace_view
def paper(request):
    instruments = Instrument.objects.filter(kind=Instrument.Kind.SURVEY).exclude(
        status=Instrument.Status.DRAFT
    )
    return render(request, "staff/paper.html", {"instruments": instruments})


@workspace_view
def paper_print(request, code, language):
    instrument = get_object_or_404(Instrument, code=code, kind=Instrument.Kind.SURVEY)
    if language not in instrument.offered_languages:
        raise Http404
    with translation.override(language):
        sections, _numbers = paper_layout(instrument)
        response = render(
            request,
            "staff/paper_print.html",
            {
                "instrument": instrument,
                "sections": sections,
                "paper_language": language,
                # The questionnaire's text refers to "the organization" and its contact.
                "organization": request.organization,
            },
        )
    return response


PAPER_SALT = "surveys.paper-entry"


@workspace_view
def paper_entry(request, code):
    """Type in a paper questionnaire: one long page, numbered like the paper."""
    organization = acting_organization(request)
    instrument = get_object_or_404(Instrument, code=code, kind=Instrument.Kind.SURVEY)
    questions = instrument.cached_questions()
    sections, numbers = paper_layout(instrument, questions)
    data = request.POST if request.method == "POST" else None
    hidden = hidden_questions(questions, data) if data else frozenset()
    form = PaperResponseForm(questions, data, areas=community_areas(), hidden=hidden, kiosk=True)
    details = PaperDetailsForm(
        data,
        languages=instrument.offered_languages,
        initial={
            "paper_batch": request.GET.get("batch", ""),
            "paper_language": request.GET.get("language", translation.get_language()),
        },
    )
    number_fields(form, numbers)
    duplicate = False
    if request.method == "POST":
        try:
            response_id = uuid.UUID(signing.loads(request.POST.get("entry", ""), salt=PAPER_SALT))
        except (signing.BadSignature, ValueError, TypeError):
            return render(request, "400.html", status=400)
        if Response.objects.filter(pk=response_id).exists():
            messages.info(request, _("This questionnaire was already stored."))
            return redirect(paper_next_url(request, code, details))
        if form.is_valid() and details.is_valid():
            batch = details.cleaned_data["paper_batch"]
            serial = details.cleaned_data["paper_serial"]
            duplicate = Response.objects.filter(
                organization=organization,
                instrument=instrument,
                paper_batch=batch,
                paper_serial=serial,
            ).exists()
            if not duplicate or details.cleaned_data["store_duplicate"]:
                language = details.cleaned_data["paper_language"]
                response = Response(
                    id=response_id,
                    instrument=instrument,
                    organization=organization,
                    channel=Response.Channel.PAPER,
                    language=language,
                    languages_used=[language],
                    consented=True,
                    consent_version=instrument.consent_version,
                    area=form.area(),
                    entered_by=request.user,
                    paper_batch=batch,
                    paper_serial=serial,
                    paper_language=language,
                )
                ineligible = form.ineligible_questions()
                if ineligible:
                    exclude_ineligible(response)
                store_response(response=response, answers=form.answers())
                if ineligible:
                    messages.warning(
                        request,
                        _(
                            "Stored questionnaire %(serial)s of batch %(batch)s as excluded, "
                            "reason “not eligible”: the answer to question %(numbers)s says "
                            "this person cannot take part. It is not counted in results. "
                            "Enter the next one."
                        )
                        % {
                            "serial": serial,
                            "batch": batch,
                            "numbers": ", ".join(numbers[q.pk] for q in ineligible),
                        },
                    )
                else:
                    messages.success(
                        request,
                        _("Stored questionnaire %(serial)s of batch %(batch)s. Enter the next one.")
                        % {"serial": serial, "batch": batch},
                    )
                return redirect(paper_next_url(request, code, details))
    entry = signing.dumps(str(uuid.uuid4()), salt=PAPER_SALT)
    if request.method == "POST":
        entry = request.POST.get("entry")
    rows = paper_rows(sections, form)
    return render(
        request,
        "staff/paper_entry.html",
        {
            "instrument": instrument,
            "form": form,
            "details": details,
            "sections": rows,
            "entry": entry,
            "duplicate": duplicate,
            "error_links": (form.error_links() if form.is_bound else [])
            + (
                [
                    {
                        "anchor": details[name].auto_id,
                        "label": details.fields[name].label,
                        "errors": errors,
                    }
                    for name, errors in details.errors.items()
                ]
                if details.is_bound
                else []
            ),
        },
    )


def paper_rows(sections, form):
    """The paper's sections with each question's bound fields, numbered like the paper."""
    rows = []
    for section in sections:
        items = []
        for item in section["questions"]:
            question = item["question"]
            if question.type == Question.Type.MATRIX:
                items.append({**item, "field": None})
                continue
            name = f"q-{question.code}"
            if name not in form.fields:
                continue
            items.append(
                {
                    **item,
                    "field": form[name],
                    "other": form[f"{name}-other"] if f"{name}-other" in form.fields else None,
                    "mark": form[f"{name}-mark"] if f"{name}-mark" in form.fields else None,
                }
            )
        rows.append({"section": section["section"], "items": items})
    return rows


def stored_answers(response):
    return list(response.answers.select_related("question", "choice", "area"))


def replace_answers(response, answers, changed):
    """Store a correction: only the changed questions' answers change. A corrected text keeps
    its row (its codings stay, and are flagged if their excerpt no longer matches); other
    changed answers are replaced."""
    old = {}
    for answer in stored_answers(response):
        old.setdefault(answer.question.code, []).append(answer)
    new = {}
    for answer in answers:
        new.setdefault(answer.question.code, []).append(answer)
    for code in changed:
        before, after = old.get(code, []), new.get(code, [])
        plain_text = (
            len(before) == len(after) == 1
            and not before[0].choice_id
            and not after[0].choice_id
            and before[0].text
            and after[0].text
        )
        if plain_text:
            before[0].text = after[0].text
            before[0].save(update_fields=["text"])
            continue
        Answer.objects.filter(pk__in=[a.pk for a in before]).delete()
        for answer in after:
            answer.response = response
        Answer.objects.bulk_create(after)


@workspace_view
def response_correct(request, pk):
    """Correct a paper entry's answers (typing mistakes) through the paper validator; every
    correction is kept in the response's history with the answers before and after."""
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related("instrument"),
        pk=pk,
        channel=Response.Channel.PAPER,
    )
    instrument = response.instrument
    questions = instrument.cached_questions()
    sections, numbers = paper_layout(instrument, questions)
    data = request.POST if request.method == "POST" else None
    hidden = hidden_questions(questions, data) if data else frozenset()
    form = PaperCorrectionForm(
        questions, data, areas=community_areas(), hidden=hidden, stored=stored_answers(response)
    )
    number_fields(form, numbers)
    if data is not None:
        if form.is_tampered():
            return render(request, "400.html", status=400)
        if form.is_valid():
            answers = form.answers()
            with transaction.atomic():
                # One correction at a time: the second sees the first's answers as "before".
                Response.objects.select_for_update().filter(pk=response.pk).get()
                before = answers_as_text(stored_answers(response))
                after = answers_as_text(answers)
                changed = [
                    code
                    for code in dict.fromkeys([*before, *after])
                    if before.get(code) != after.get(code)
                ]
                if changed:
                    replace_answers(response, answers, changed)
                    Response.objects.filter(pk=response.pk).update(area=form.area())
                    ResponseEvent.objects.create(
                        response=response,
                        kind=ResponseEvent.Kind.CORRECTED,
                        by=request.user,
                        changes=[
                            [code, before.get(code, ""), after.get(code, "")] for code in changed
                        ],
                    )
            if changed:
                messages.success(request, _("The corrected answers are saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("workspace:response", pk=response.pk)
    return render(
        request,
        "staff/response_correct.html",
        {
            "response": response,
            "instrument": instrument,
            "form": form,
            "sections": paper_rows(sections, form),
            "error_links": form.error_links() if form.is_bound else [],
        },
    )


def exclude_ineligible(response):
    """Eligibility applies to paper as to the web; a paper is kept, excluded, never counted."""
    response.status = Response.Status.EXCLUDED
    response.exclusion_reason = Response.ExclusionReason.INELIGIBLE
    response.excluded_at = timezone.now()


def number_fields(form, numbers):
    """Labels and choices numbered exactly as on the printed paper."""
    for question in form.questions:
        name = f"q-{question.code}"
        field = form.fields[name]
        field.label = f"{numbers[question.pk]}. {field.label}"
        if hasattr(field, "choices") and question.has_choices:
            count = 0
            numbered = []
            for value, label in field.choices:
                if value in {"no_answer", "unreadable"}:
                    numbered.append((value, f"– {label}"))
                else:
                    count += 1
                    numbered.append((value, f"{count}. {label}"))
            field.choices = numbered


def paper_next_url(request, code, details):
    params = {}
    if details.is_bound and details.is_valid():
        params = {
            "batch": details.cleaned_data["paper_batch"],
            "language": details.cleaned_data["paper_language"],
        }
    if request.user.is_facilitator and request.organization:
        params["org"] = request.organization.slug
    from urllib.parse import urlencode

    return reverse("workspace:paper_entry", kwargs={"code": code}) + (
        "?" + urlencode(params) if params else ""
    )


# --- Paper batches ---------------------------------------------------------------------

# Gaps listed per batch; a range with more is summarized ("and 120 more").
MISSING_SHOWN = 30


def missing_serials(serials):
    """Numbers absent between a batch's lowest and highest numeric serial, so a lost page
    shows; serials that are not plain numbers ("A-12") have no range and are left out."""
    numbers = sorted({int(s) for s in serials if s and s.isascii() and s.isdigit() and len(s) < 10})
    if len(numbers) < 2:
        return [], 0
    present = set(numbers)
    missing = [n for n in range(numbers[0], numbers[-1] + 1) if n not in present]
    return missing[:MISSING_SHOWN], max(0, len(missing) - MISSING_SHOWN)


@workspace_view
def paper_batches(request):
    """The batch register: per batch who typed it, how many papers, how many excluded, and
    the serial numbers missing from its numbered range. One grouped query."""
    rows = list(
        scoped(Response.objects.filter(channel=Response.Channel.PAPER), request)
        .values("organization_id", "instrument_id", "paper_batch")
        .annotate(
            papers=Count("id"),
            excluded=Count("id", filter=Q(status=Response.Status.EXCLUDED)),
            typists=ArrayAgg(
                Coalesce(
                    NullIf("entered_by__full_name", Value("")),
                    "entered_by__email",
                    output_field=CharField(),
                ),
                distinct=True,
                default=Value([]),
            ),
            serials=ArrayAgg("paper_serial", default=Value([])),
            last_entered=Max("submitted_at"),
            typed_twice=Count("second_entry"),
            matched=Sum("second_entry__matched"),
            compared=Sum("second_entry__compared"),
        )
        .order_by("-last_entered")
    )
    organizations = {o.pk: o for o in Organization.objects.visible_to(request.user)}
    instruments = {
        i.pk: i for i in Instrument.objects.filter(pk__in={row["instrument_id"] for row in rows})
    }
    for row in rows:
        row["organization"] = organizations.get(row["organization_id"])
        row["instrument"] = instruments[row["instrument_id"]]
        row["missing"], row["more_missing"] = missing_serials(row.pop("serials"))
        row["agreement"] = (
            round(100 * row["matched"] / row["compared"]) if row["compared"] else None
        )
    return render(
        request,
        "staff/paper_batches.html",
        {"rows": rows, "show_organization": request.organization is None},
    )


# --- Double entry ----------------------------------------------------------------------


@workspace_view
def paper_second_entry(request, code):
    """Type a paper a second time, blind: nothing of the first typing is shown."""
    organization = acting_organization(request)
    instrument = get_object_or_404(Instrument, code=code, kind=Instrument.Kind.SURVEY)
    questions = instrument.cached_questions()
    sections, numbers = paper_layout(instrument, questions)
    data = request.POST if request.method == "POST" else None
    hidden = hidden_questions(questions, data) if data else frozenset()
    form = PaperResponseForm(questions, data, areas=community_areas(), hidden=hidden, kiosk=True)
    details = SecondEntryDetailsForm(data, initial={"paper_batch": request.GET.get("batch", "")})
    number_fields(form, numbers)
    if request.method == "POST" and details.is_valid() and form.is_valid():
        first = (
            Response.objects.visible_to(request.user)
            .filter(
                organization=organization,
                instrument=instrument,
                channel=Response.Channel.PAPER,
                paper_batch=details.cleaned_data["paper_batch"],
                paper_serial=details.cleaned_data["paper_serial"],
            )
            .select_related("second_entry")
            .first()
        )
        if first is None:
            details.add_error(
                "paper_serial",
                _("No first entry of this serial number in this batch. Type it as a first entry."),
            )
        elif first.entered_by_id == request.user.pk:
            details.add_error(
                "paper_serial",
                _("You typed this paper the first time: someone else types the second entry."),
            )
        elif hasattr(first, "second_entry"):
            messages.info(request, _("This paper was already typed a second time."))
            return redirect(second_entry_url(request, code, first.paper_batch))
        else:
            entry = SecondEntry(
                response=first, entered_by=request.user, answers=answer_values(form.answers())
            )
            entry.compare(answer_values(first.answers.select_related("question", "choice")))
            try:
                entry.save()
            except IntegrityError:
                messages.info(request, _("This paper was already typed a second time."))
            else:
                messages.success(
                    request,
                    _("Stored the second entry of %(serial)s. Enter the next one.")
                    % {"serial": first.paper_serial},
                )
            return redirect(second_entry_url(request, code, first.paper_batch))
    rows = []
    for section in sections:
        items = []
        for item in section["questions"]:
            question = item["question"]
            name = f"q-{question.code}"
            if question.type == Question.Type.MATRIX:
                items.append({**item, "field": None})
            elif name in form.fields:
                items.append(
                    {
                        **item,
                        "field": form[name],
                        "other": form[f"{name}-other"] if f"{name}-other" in form.fields else None,
                        "mark": form[f"{name}-mark"] if f"{name}-mark" in form.fields else None,
                    }
                )
        rows.append({"section": section["section"], "items": items})
    error_links = []
    if form.is_bound:
        error_links = [
            {"anchor": details[name].auto_id, "label": details.fields[name].label, "errors": e}
            for name, e in details.errors.items()
        ] + form.error_links()
    return render(
        request,
        "staff/paper_second_entry.html",
        {
            "instrument": instrument,
            "form": form,
            "details": details,
            "sections": rows,
            "error_links": error_links,
        },
    )


def second_entry_url(request, code, batch):
    from urllib.parse import urlencode

    params = {"batch": batch}
    if request.user.is_facilitator and request.organization:
        params["org"] = request.organization.slug
    return reverse("workspace:paper_second_entry", kwargs={"code": code}) + "?" + urlencode(params)


def shown_value(value, question, areas):
    """A compared value as a person reads it: the choice's label, the area's name."""
    if value.startswith("special:"):
        return str(dict(Answer.Special.choices).get(value[8:], value))
    if value.startswith("area:"):
        area = areas.get(int(value[5:]))
        return area.name if area else value
    if value.startswith("number:"):
        return value[7:]
    choices = {c.code: c for c in (question.parent or question).choices.all()}
    code, _sep, text = value.partition(": ")
    if code in choices:
        return choices[code].label + (f": {text}" if text else "")
    return value


def answers_from_values(question, values, areas):
    """Answer rows (unsaved) for the second typing's values of one question."""
    answers = []
    choices = {c.code: c for c in (question.parent or question).choices.all()}
    for value in values:
        if value.startswith("special:"):
            answers.append(Answer(question=question, special=value[8:]))
        elif value.startswith("area:"):
            answers.append(Answer(question=question, area=areas[int(value[5:])]))
        elif value.startswith("number:"):
            answers.append(Answer(question=question, number=Decimal(value[7:])))
        elif question.has_choices:
            code, _sep, text = value.partition(": ")
            answers.append(Answer(question=question, choice=choices[code], text=text))
        else:
            answers.append(Answer(question=question, text=value))
    return answers


@workspace_view
def paper_batch_check(request, code):
    """A batch's papers typed twice: mismatching answers side by side, each settled here."""
    instrument = get_object_or_404(Instrument, code=code, kind=Instrument.Kind.SURVEY)
    batch = request.GET.get("batch", "")
    entries = list(
        SecondEntry.objects.visible_to(request.user)
        .filter(response__instrument=instrument, response__paper_batch=batch)
        .filter(
            **({"response__organization": request.organization} if request.organization else {})
        )
        .select_related("response__entered_by", "entered_by")
        .order_by("response__paper_serial")
    )
    if not entries:
        raise Http404
    questions = {q.code: q for q in instrument.cached_questions()}
    numbers = paper_numbers(list(questions.values()))
    areas = {a.pk: a for a in community_areas()}
    first_answers = {}
    for answer in Answer.objects.filter(response__in=[e.response for e in entries]).select_related(
        "question", "choice"
    ):
        first_answers.setdefault(answer.response_id, []).append(answer)
    papers, open_mismatches = [], []
    for entry in entries:
        first = answer_values(first_answers.get(entry.response_id, []))
        rows = []
        for question_code in entry.mismatches(first):
            question = questions[question_code]
            rows.append(
                {
                    "code": question_code,
                    "number": numbers[question.pk],
                    "question": question,
                    "first": [
                        shown_value(v, question, areas) for v in first.get(question_code, [])
                    ],
                    "second": [
                        shown_value(v, question, areas)
                        for v in entry.answers.get(question_code, [])
                    ],
                    "decision": entry.decisions.get(question_code),
                    "field": f"decide-{entry.pk}-{question_code}",
                }
            )
            if question_code not in entry.decisions:
                open_mismatches.append((entry, question_code))
        papers.append({"entry": entry, "rows": rows})
    form = SettleForm(request.POST or None, mismatches=open_mismatches)
    if request.method == "POST" and form.is_valid():
        settled = 0
        with transaction.atomic():
            for entry, question_code in open_mismatches:
                decision = form.cleaned_data.get(f"decide-{entry.pk}-{question_code}")
                if not decision:
                    continue
                if decision == "second":
                    question = questions[question_code]
                    entry.response.answers.filter(question=question).delete()
                    new = answers_from_values(question, entry.answers.get(question_code, []), areas)
                    for answer in new:
                        answer.response = entry.response
                    Answer.objects.bulk_create(new)
                    if question.type == Question.Type.AREA:
                        area = next((a.area for a in new if a.area_id), None)
                        Response.objects.filter(pk=entry.response_id).update(area=area)
                entry.decisions[question_code] = decision
                settled += 1
            for entry in {entry for entry, _code in open_mismatches}:
                entry.save(update_fields=["decisions"])
        messages.success(
            request,
            ngettext("%(count)s mismatch settled.", "%(count)s mismatches settled.", settled)
            % {"count": settled},
        )
        return redirect(request.get_full_path())
    for paper_rows in papers:
        for row in paper_rows["rows"]:
            row["bound"] = form[row["field"]] if row["field"] in form.fields else None
    compared = sum(e.compared for e in entries)
    matched = sum(e.matched for e in entries)
    return render(
        request,
        "staff/paper_check.html",
        {
            "instrument": instrument,
            "batch": batch,
            "papers": papers,
            "form": form,
            "open": len(open_mismatches),
            "agreement": round(100 * matched / compared) if compared else None,
        },
    )
