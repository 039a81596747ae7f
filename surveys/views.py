"""The resident's survey: start, consent, one section per step, thank-you.

Answers live in a server-side draft in the browser session until the last step stores the
response through `store_response`, exactly once, keyed by the response id minted at consent.
A survey on one page with its consent on the start page is answered on the start page itself
(`Flow.questions_on_start`): the response id is minted and signed into that page's form, and
the one POST gives consent and stores the answers. The same views serve a staff preview of
any instrument, which stores nothing.
"""

import io
import time
import uuid
from functools import partial

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from engagement import ratelimit

from .forms import ResponseForm, areas_for, as_answer_data, hidden_questions
from .models import CollectionLink, Instrument, Question, Response, store_response
from .response_ids import sign_response_id, unsign_response_id

STARTED_SALT = "surveys.started"
HONEYPOT = "website"


class Flow:
    """One way into an instrument: a collection link, or a staff preview."""

    def __init__(self, request, instrument, link=None):
        self.request = request
        self.instrument = instrument
        self.link = link
        self.organization = link.organization if link else None
        self.preview = link is None
        self.kiosk = bool(link and link.kind == CollectionLink.Kind.KIOSK)
        self.draft_key = f"draft:{link.token}" if link else f"draft:preview:{instrument.pk}"
        # Answers on the start page carried over a language switch, before any consent.
        self.start_key = "start:" + self.draft_key.removeprefix("draft:")
        self._questions = None

    def url(self, name, *, language=None, **kwargs):
        if self.preview:
            name, ident = f"surveys:preview_{name}", {"pk": self.instrument.pk}
        else:
            name, ident = f"surveys:{name}", {"token": self.link.token}
        with translation.override(language or get_language()):
            return reverse(name, kwargs={**ident, **kwargs})

    @property
    def questions(self):
        if self._questions is None:
            self._questions = self.instrument.cached_questions()
        return self._questions

    @property
    def sections(self):
        seen = {}
        for question in self.questions:
            if question.section_id and question.section_id not in seen:
                seen[question.section_id] = question.section
        return sorted(seen.values(), key=lambda s: s.number)

    def areas(self, questions):
        return areas_for(questions)

    # The draft.
    def draft(self):
        return self.request.session.get(self.draft_key)

    def save_draft(self, draft):
        self.request.session[self.draft_key] = draft

    def clear_draft(self):
        self.request.session.pop(self.draft_key, None)

    def questions_on_start(self):
        """The step the start page shows, or None: a survey of one section with its consent
        on the start page is answered there, the consent given with the answers: three
        requests (start page, its POST, thank-you) where a separate step page made five."""
        if not self.instrument.consent_on_start or len(self.sections) != 1:
            return None
        steps, _hidden = self.visible_steps({})
        return steps[0] if len(steps) == 1 else None

    def visible_steps(self, answers):
        """Section numbers that have a question to show, given the answers so far."""
        hidden = hidden_questions(self.questions, answers)
        return sorted(
            {
                q.section.number
                for q in self.questions
                if q.pk not in hidden and q.section_id and not q.parent_id
            }
        ), hidden

    def form(self, number, data=None, answers=None, hidden=frozenset()):
        questions = [q for q in self.questions if q.section and q.section.number == number]
        form = ResponseForm(
            questions, data, areas=self.areas(questions), hidden=hidden, kiosk=self.kiosk
        )
        if data is None and answers:
            form.initial = {
                name: values if isinstance(field, forms.MultipleChoiceField) else values[0]
                for name, field in form.fields.items()
                if (values := answers.get(name))
            }
        return form

    def render(self, template, context=None, status=200):
        context = {
            "flow": self,
            "instrument": self.instrument,
            "organization": self.organization,
            "link": self.link,
            "preview": self.preview,
            "kiosk": self.kiosk,
            "switcher_languages": self.instrument.offered_languages or None,
            **(context or {}),
        }
        response = render(self.request, template, context, status=status)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def get_flow(request, token=None, pk=None):
    """The flow for a link token (404 if unknown), or a preview for signed-in staff."""
    if token is not None:
        try:
            link = CollectionLink.objects.for_resident(token=token)
        except CollectionLink.DoesNotExist:
            raise Http404("No such link.") from None
        return Flow(request, link.instrument, link)
    if not request.user.is_authenticated:
        raise PreviewLogin
    if not request.user.is_staff:
        raise Http404
    return Flow(request, get_object_or_404(Instrument, pk=pk))


class PreviewLogin(Exception):
    pass


def flow_view(view):
    """Resolve the flow, refuse unusable links, and keep resident pages out of caches."""

    @never_cache
    def wrapper(request, token=None, pk=None, **kwargs):
        try:
            flow = get_flow(request, token, pk)
        except PreviewLogin:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not flow.preview and not flow.link.is_usable:
            closed = flow.link.has_ended
            return flow.render(
                "surveys/unavailable.html", {"closed": closed}, status=410 if closed else 200
            )
        wait = ratelimit.retry_after(
            request, "pages", settings.RATE_LIMIT_PAGES, settings.RATE_LIMIT_WINDOW
        )
        if wait:
            return rate_limited(request, wait, flow)
        return view(request, flow, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def rate_limited(request, wait, flow=None):
    minutes = max(1, round(wait / 60))
    context = {"minutes": minutes}
    response = (
        flow.render("429.html", context, status=429)
        if flow
        else render(request, "429.html", context, status=429)
    )
    response["Retry-After"] = str(wait)
    return response


def bad_request(flow):
    return flow.render("400.html", status=400)


@flow_view
@require_http_methods(["GET"])
def start(request, flow):
    """Start page: what this is, who asks, how long it takes, which language."""
    draft = flow.draft()
    has_draft = bool(draft and not draft.get("finished"))
    context = {"has_draft": has_draft}
    number = flow.questions_on_start()
    if number is not None:
        # Nothing is written here: the response id and the time are signed into the form.
        kept = draft if has_draft else request.session.get(flow.start_key) or {}
        _steps, hidden = flow.visible_steps({})
        form = flow.form(number, answers=kept.get("answers"), hidden=hidden)
        context |= {
            "form": form,
            "items": form.display_items(),
            "rid": kept.get("rid") or sign_response_id(uuid.uuid4(), flow.link),
            # For a phone that lost its connection: what it checks before keeping the answers.
            "required_fields": " ".join(
                name for name, field in form.fields.items() if field.required
            ),
            "started": signing.dumps(kept.get("started") or time.time(), salt=STARTED_SALT),
        }
    return flow.render("surveys/start.html", context)


@flow_view
@require_http_methods(["GET", "POST"])
def consent(request, flow):
    """Consent in the chosen language; agreeing mints the response id and starts a draft."""
    if request.method == "POST":
        if request.POST.get("decision") == "decline":
            flow.clear_draft()
            request.session.pop(flow.start_key, None)
            if flow.link:
                flow.link.count(consented=False)
            return redirect(flow.url("declined"))
        if "started" in request.POST:
            number = flow.questions_on_start()
            if number is not None:
                return answer_on_start(request, flow, number)
        if request.POST.get("decision") != "agree":
            return bad_request(flow)
        draft = flow.draft()
        if not draft or draft.get("finished"):
            begin_draft(
                flow,
                {
                    "rid": sign_response_id(uuid.uuid4(), flow.link),
                    "answers": {},
                    "languages": [get_language()],
                    "consent_version": flow.instrument.consent_version,
                    "started": time.time(),
                },
            )
        steps, _hidden = flow.visible_steps({})
        return redirect(flow.url("step", number=steps[0] if steps else 1))
    return flow.render("surveys/consent.html")


def begin_draft(flow, draft):
    """Consent given: counted on the link once per draft (a second Agree, Back or a reload
    keeps the draft it has), and the draft kept in the session."""
    if flow.link:
        flow.link.count(consented=True)
    flow.save_draft(draft)


def answer_on_start(request, flow, number):
    """The start page's POST of a survey on one page (Flow.questions_on_start): Agree with
    every answer valid stores the response at once, the consent counted in the same
    transaction. Otherwise the draft begins as the consent page's Agree begins it, and the
    step page asks for what is missing or says it was too quick; a language switch keeps the
    answers for the start page in the other language, without taking the switch for consent.
    """
    rid = request.POST.get("rid", "")
    try:
        unsign_response_id(rid, flow.link)
        started = float(
            signing.loads(
                request.POST.get("started", ""),
                salt=STARTED_SALT,
                max_age=settings.RESPONSE_ID_MAX_AGE,
            )
        )
    except (signing.BadSignature, TypeError, ValueError):
        return bad_request(flow)
    if request.POST.get(HONEYPOT):
        # Only a robot fills the invisible field: it gets a thank-you page, nothing stored.
        flow.save_draft({"rid": rid, "finished": True})
        return redirect(flow.url("thanks", rid=rid))
    steps, hidden = flow.visible_steps({})
    form = flow.form(number, request.POST, hidden=hidden)
    if form.is_tampered():
        return bad_request(flow)
    draft = flow.draft()
    # The start page of an unfinished draft (Back from its step page) carries its id.
    continuing = bool(draft and not draft.get("finished") and draft.get("rid") == rid)
    kept = request.session.get(flow.start_key) or {}
    languages = draft["languages"] if continuing else kept.get("languages", [])
    switch_to = request.POST.get("switch_language")
    if switch_to and switch_to in flow.instrument.offered_languages:
        request.session[flow.start_key] = {
            "rid": rid,
            "started": started,
            "answers": form.draft_values(),
            "languages": list(dict.fromkeys([*languages, get_language(), switch_to])),
        }
        return redirect(flow.url("start", language=switch_to))
    if request.POST.get("decision") != "agree":
        return bad_request(flow)
    if kept:
        request.session.pop(flow.start_key, None)
    draft = {
        "rid": rid,
        "answers": form.draft_values(),
        "languages": list(dict.fromkeys([*languages, get_language()])),
        "consent_version": draft["consent_version"]
        if continuing
        else flow.instrument.consent_version,
        "started": draft["started"] if continuing else started,
    }
    if (
        form.is_valid()
        and not form.ineligible()
        and not flow.preview
        and time.time() - draft["started"] >= settings.MIN_SECONDS_TO_COMPLETE
    ):
        return finish(request, flow, draft, number, hidden, form, consent_pending=not continuing)
    # As if the consent page's Agree came first and then this page's Next.
    if continuing:
        flow.save_draft(draft)
    else:
        begin_draft(flow, draft)
    if not form.is_valid():
        return render_step(flow, form, number, steps)
    if form.ineligible():
        flow.clear_draft()
        return redirect(flow.url("ineligible"))
    return finish(request, flow, draft, number, hidden, form)


@flow_view
@require_http_methods(["GET"])
def declined(request, flow):
    return flow.render("surveys/declined.html")


@flow_view
@require_http_methods(["GET"])
def ineligible(request, flow):
    return flow.render("surveys/ineligible.html")


@flow_view
@require_http_methods(["GET", "POST"])
def step(request, flow, number):
    """One section of questions. Next validates it; Back and a language switch keep it as is."""
    draft = flow.draft()
    if draft and draft.get("finished"):
        return redirect(flow.url("thanks", rid=draft["rid"]))
    if not draft:
        # A repeat of the last POST after the draft was closed (a kiosk's fresh session, a
        # retry): the response id it carries decides.
        posted = request.POST.get("rid", "")
        if posted and already_stored(posted, flow):
            return redirect(flow.url("thanks", rid=posted))
        return redirect(flow.url("start"))
    answers = draft["answers"]
    steps, hidden = flow.visible_steps(answers)
    if not steps:
        raise Http404("This instrument has no questions.")
    if number not in steps:
        return redirect(flow.url("step", number=steps[0]))

    if request.method == "POST":
        if request.POST.get(HONEYPOT):
            # Only a robot fills the invisible field: it gets a thank-you page, nothing stored.
            flow.save_draft({"rid": draft["rid"], "finished": True})
            return redirect(flow.url("thanks", rid=draft["rid"]))
        form = flow.form(number, request.POST, hidden=hidden)
        if form.is_tampered():
            return bad_request(flow)
        answers.update(form.draft_values())
        switch_to = request.POST.get("switch_language")
        if switch_to and switch_to in flow.instrument.offered_languages:
            if switch_to not in draft["languages"]:
                draft["languages"].append(switch_to)
            flow.save_draft(draft)
            return redirect(flow.url("step", number=number, language=switch_to))
        if get_language() not in draft["languages"]:
            draft["languages"].append(get_language())
        flow.save_draft(draft)
        steps, hidden = flow.visible_steps(answers)
        position = steps.index(number) if number in steps else 0
        if request.POST.get("action") == "back":
            if position == 0:
                return redirect(
                    flow.url("start" if flow.instrument.consent_on_start else "consent")
                )
            return redirect(flow.url("step", number=steps[position - 1]))
        if form.is_valid():
            if form.ineligible():
                flow.clear_draft()
                return redirect(flow.url("ineligible"))
            if position + 1 < len(steps):
                return redirect(flow.url("step", number=steps[position + 1]))
            return finish(request, flow, draft, number, hidden, form)
    else:
        form = flow.form(number, answers=answers, hidden=hidden)
    return render_step(flow, form, number, steps)


def already_stored(signed, flow):
    try:
        response_id = unsign_response_id(signed, flow.link)
    except signing.BadSignature:
        return False
    return Response.objects.filter(pk=response_id).exists()


def render_step(flow, form, number, steps, notice=None):
    section = next(s for s in flow.sections if s.number == number)
    position = steps.index(number) + 1
    return flow.render(
        "surveys/step.html",
        {
            "form": form,
            "section": section,
            "items": form.display_items(),
            "error_links": form.error_links() if form.is_bound and form.errors else [],
            "position": position,
            "total": len(steps),
            "is_last": position == len(steps),
            "notice": notice,
        },
    )


def finish(request, flow, draft, number, hidden, page_form, *, consent_pending=False):
    """Check every answer of the draft once more and store the response, exactly once.

    When the last page's form (just validated) holds every question shown, as in a survey on
    one page, it is that check: the storing request builds and validates one form.
    `consent_pending`: the start page's answers, with consent given along (answer_on_start)
    and not yet counted, nor the draft kept: the count goes with the stored response."""
    rid = draft["rid"]
    try:
        response_id = unsign_response_id(rid, flow.link)
    except signing.BadSignature:
        return bad_request(flow)
    if time.time() - draft["started"] < settings.MIN_SECONDS_TO_COMPLETE:
        # Faster than a person can read: ask to check, keep everything.
        form = flow.form(number, answers=draft["answers"], hidden=hidden)
        steps, _ = flow.visible_steps(draft["answers"])
        return render_step(flow, form, number, steps, notice="too_fast")
    if flow.preview:
        flow.save_draft({"rid": rid, "finished": True})
        return redirect(flow.url("thanks", rid=rid))
    wait = ratelimit.retry_after(
        request, "submit", settings.RATE_LIMIT_SUBMISSIONS, settings.RATE_LIMIT_WINDOW
    )
    if wait:
        if consent_pending:
            begin_draft(flow, draft)
        return rate_limited(request, wait, flow)
    shown = {q.pk for q in flow.questions if q.type != Question.Type.MATRIX and q.pk not in hidden}
    if {q.pk for q in page_form.questions} == shown:
        full = page_form
    else:
        full = ResponseForm(
            flow.questions,
            as_answer_data(draft["answers"]),
            areas=flow.areas(flow.questions),
            hidden=hidden,
        )
    if not full.is_valid():
        # An earlier step no longer validates (a changed answer upstream): go back to it.
        first_bad = min(
            q.section.number
            for q in full.questions
            if any(name.startswith(f"q-{q.code}") for name in full.errors)
        )
        return redirect(flow.url("step", number=first_bad))
    language = get_language()
    response = Response(
        id=response_id,
        instrument=flow.instrument,
        organization=flow.organization,
        link=flow.link,
        channel=Response.Channel.KIOSK if flow.kiosk else Response.Channel.WEB,
        language=language,
        languages_used=draft["languages"],
        consented=True,
        consent_version=draft["consent_version"],
        area=full.area(),
    )
    # With the consent given on the start page, its count goes with the response (one
    # commit); a repeat of the POST stores nothing and so counts nothing.
    along = partial(flow.link.count, consented=True) if consent_pending else None
    store_response(response=response, answers=full.answers(), along=along)
    if flow.kiosk:
        # The next person on a shared tablet starts from nothing.
        request.session.flush()
    elif not consent_pending or flow.draft() is not None:
        # Keep only the id: Back, a reload or a double tap land on the same thank-you page.
        # (Answered on the start page with no draft before, there is none to close: a
        # repeat carries the id in its form, and the session is not started for nothing.)
        flow.save_draft({"rid": rid, "finished": True})
    return redirect(flow.url("thanks", rid=rid))


@never_cache
def thanks(request, token=None, pk=None, rid=""):
    """The same thank-you page for every repeat of one response, keyed by its signed id.

    It reads nothing from the session, so a retry after a dropped connection lands here too.
    """
    try:
        flow = get_flow(request, token, pk)
    except PreviewLogin:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    try:
        unsign_response_id(rid, flow.link)
    except signing.BadSignature:
        return bad_request(flow)
    return flow.render("surveys/thanks.html")


def short_link(request, code):
    """A flyer's short code opens the survey in the browser's preferred language."""
    link = get_object_or_404(CollectionLink.objects.only("token"), short_code=code.lower())
    return redirect(link.get_absolute_url())


@never_cache
def qr_code(request, token):
    """The link's QR code as SVG: the short link, or the link in one language (?lang=es)."""
    link = get_object_or_404(CollectionLink.objects.select_related("instrument"), token=token)
    code = request.GET.get("lang")
    if link.has_ended:
        # A printed or shared code of a closed link: say so instead of inviting a scan.
        language = code if code in link.instrument.offered_languages else get_language()
        with translation.override(language):
            # The text comes from here: the message catalogs are not built from .svg files.
            message = gettext("This survey has ended.")
            response = render(
                request, "surveys/ended.svg", {"message": message}, content_type="image/svg+xml"
            )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    if code and code in link.instrument.offered_languages:
        with translation.override(code):
            target = request.build_absolute_uri(link.get_absolute_url())
    else:
        target = request.build_absolute_uri(link.get_short_url())
    svg = io.BytesIO()
    segno.make(target, error="m").save(svg, kind="svg", scale=8, border=2, xmldecl=False)
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def flyer(request, token):
    """A printable flyer (Letter and A4): QR code, short link, an invitation in each language."""
    link = get_object_or_404(
        CollectionLink.objects.select_related("instrument", "organization"), token=token
    )
    short, by_language = link.public_urls(request)
    response = render(
        request,
        "surveys/flyer.html",
        {
            "link": link,
            "instrument": link.instrument,
            "organization": link.organization,
            "short_url": short,
            "languages": by_language,
            "switcher_languages": link.instrument.offered_languages or None,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
