"""The facilitator's and CBOs' read side: downloads (and, next, results).

Every query goes through the one scoping rule, `scoped(... .visible_to(user))`."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from organizations.access import scoped, workspace_view
from surveys.forms import ResponseFilterForm
from surveys.models import Instrument, ListeningSession, Response

from . import exports

# --- Downloads -------------------------------------------------------------------------


def export_instrument(request):
    code = request.GET.get("instrument")
    instruments = Instrument.objects.filter(kind=Instrument.Kind.SURVEY)
    if code:
        return get_object_or_404(instruments, code=code)
    instrument = instruments.filter(status=Instrument.Status.OPEN).order_by("-created_at").first()
    if instrument is None:
        raise Http404
    return instrument


def export_language(request):
    language = request.GET.get("labels")
    return language if language in dict(settings.LANGUAGES) else translation.get_language()


@workspace_view
def responses_csv(request):
    instrument = export_instrument(request)
    form = ResponseFilterForm(request.GET or None)
    queryset = form.apply(scoped(Response.objects.all(), request)).filter(instrument=instrument)
    return exports.responses_csv(instrument, queryset, export_language(request))


@workspace_view
def codebook_csv(request):
    return exports.codebook_csv(export_instrument(request))


@workspace_view
def sessions_csv(request):
    queryset = scoped(ListeningSession.objects.all(), request)
    return exports.sessions_csv(queryset)


@workspace_view
def downloads(request):
    return render(
        request,
        "findings/downloads.html",
        {
            "instruments": Instrument.objects.filter(kind=Instrument.Kind.SURVEY),
            "languages": settings.LANGUAGES,
        },
    )
