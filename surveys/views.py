import uuid

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from organizations.models import Area

from .forms import ResponseForm
from .models import Choice, CollectionLink, Instrument, Question, Response, store_response

RESPONSE_ID_SALT = "surveys.response-id"


def sign_response_id(response_id, link):
    return signing.dumps([response_id.hex, link.pk], salt=RESPONSE_ID_SALT, compress=False)


def unsign_response_id(value, link):
    """The response id from a signed value; BadSignature if forged, expired or another link's."""
    payload = signing.loads(value, salt=RESPONSE_ID_SALT, max_age=settings.RESPONSE_ID_MAX_AGE)
    try:
        response_hex, link_pk = payload
        response_id = uuid.UUID(hex=response_hex)
    except (TypeError, ValueError):
        raise signing.BadSignature("Malformed response id.") from None
    if link_pk != link.pk:
        raise signing.BadSignature("Response id of another link.")
    return response_id


def instrument_content(instrument):
    """Sections, questions (choices prefetched) and areas: a fixed number of queries."""
    sections = list(instrument.sections.all())
    questions = list(
        instrument.questions.select_related(None).prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
        )
    )
    areas = []
    if any(q.type == Question.Type.AREA for q in questions):
        areas = list(Area.objects.filter(kind=Area.Kind.COMMUNITY_AREA).order_by("name"))
    return sections, questions, areas


def render_instrument(request, instrument, form, sections, extra, status=200):
    context = {
        "instrument": instrument,
        "form": form,
        "sections": form.display_sections(sections),
        "error_links": form.error_links() if form.is_bound and form.errors else [],
        "switcher_languages": instrument.offered_languages or None,
        **extra,
    }
    return render(request, "surveys/take.html", context, status=status)


def get_link(token):
    return get_object_or_404(
        CollectionLink.objects.select_related("instrument", "organization"), token=token
    )


@never_cache
@require_http_methods(["GET", "POST"])
def take(request, token):
    """A resident answers an instrument through a collection link."""
    link = get_link(token)
    instrument = link.instrument
    if not link.is_usable:
        closed = (
            link.status == CollectionLink.Status.CLOSED
            or instrument.status == Instrument.Status.CLOSED
        )
        return render(
            request,
            "surveys/unavailable.html",
            {"link": link, "instrument": instrument, "closed": closed},
            status=410 if closed else 200,
        )

    if request.method == "POST":
        try:
            response_id = unsign_response_id(request.POST.get("rid", ""), link)
        except signing.BadSignature:
            return render(request, "400.html", status=400)
        signed_id = request.POST["rid"]
        if Response.objects.filter(pk=response_id).exists():
            return redirect("surveys:thanks", token=link.token, rid=signed_id)
        sections, questions, areas = instrument_content(instrument)
        form = ResponseForm(questions, request.POST, areas=areas, ask_consent=True)
        if form.is_valid():
            language = get_language()
            response = Response(
                id=response_id,
                instrument=instrument,
                organization=link.organization,
                link=link,
                channel=(
                    Response.Channel.KIOSK
                    if link.kind == CollectionLink.Kind.KIOSK
                    else Response.Channel.WEB
                ),
                language=language,
                languages_used=[language],
                consented=True,
                consent_version=instrument.consent_version,
                area=form.area(),
            )
            store_response(response=response, answers=form.answers())
            return redirect("surveys:thanks", token=link.token, rid=signed_id)
    else:
        signed_id = sign_response_id(uuid.uuid4(), link)
        sections, questions, areas = instrument_content(instrument)
        form = ResponseForm(questions, areas=areas, ask_consent=True)
    return render_instrument(
        request,
        instrument,
        form,
        sections,
        {"link": link, "organization": link.organization, "rid": signed_id},
    )


@never_cache
def thanks(request, token, rid):
    """The same thank-you page for every repeat of one response, keyed by its signed id."""
    link = get_link(token)
    try:
        response_id = unsign_response_id(rid, link)
    except signing.BadSignature:
        return render(request, "400.html", status=400)
    get_object_or_404(Response.objects.only("pk"), pk=response_id)
    return render(
        request,
        "surveys/thanks.html",
        {
            "link": link,
            "instrument": link.instrument,
            "organization": link.organization,
            "switcher_languages": link.instrument.offered_languages or None,
        },
    )


def short_link(request, code):
    """A flyer's short code opens the survey in the browser's preferred language."""
    link = get_object_or_404(CollectionLink.objects.only("token"), short_code=code.lower())
    return redirect(link.get_absolute_url())
