"""The facilitator's and CBOs' read side: results, cross-tabs and downloads.

Every query goes through the one scoping rule, `scoped(... .visible_to(user))`."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _

from organizations.access import scoped, workspace_view
from surveys.forms import ResponseFilterForm
from surveys.models import Instrument, ListeningSession, Response

from . import exports
from .forms import (
    STAFF,
    CrosstabForm,
    ResultsFilterForm,
    visible_organizations,
)
from .presentation import crosstab_table, dimension, question_blocks
from .results import CHICAGO, base_of, crosstab, figures, responses_for
from .suppression import shown_count, threshold

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


# --- Results ---------------------------------------------------------------------------


def setup_filters(request):
    """The instruments and organizations to filter by, and the bound filter form.

    A CBO's `?org=` of another organization answers 404, like every other object of theirs.
    """
    instruments = list(
        Instrument.objects.filter(kind=Instrument.Kind.SURVEY)
        .exclude(status=Instrument.Status.DRAFT)
        .order_by("-created_at")
    )
    if not instruments:
        raise Http404
    if request.user.is_facilitator:
        organizations = visible_organizations(request.user)
    else:
        organizations = [request.user.membership.organization]
    known = {o.slug for o in organizations}
    if any(slug not in known for slug in request.GET.getlist("org")):
        raise Http404
    data = request.GET.copy()
    if not data.get("instrument"):
        default = next((i for i in instruments if i.status == Instrument.Status.OPEN), None)
        data["instrument"] = (default or instruments[0]).code
    if not data.get("view"):
        data["view"] = STAFF
    form = ResultsFilterForm(data, instruments=instruments, organizations=organizations)
    return form


def base_line(count, first, last, organizations_label, public):
    """The page's base: "Based on 2,345 included responses, 12 March – 30 April 2026, all
    organizations"; in the public mode a base under the threshold is not told."""
    return {
        "count": shown_count(count) if public else count,
        "first": first.astimezone(CHICAGO) if first else None,
        "last": last.astimezone(CHICAGO) if last else None,
        "organizations": organizations_label,
    }


def organizations_label(request, form):
    if not request.user.is_facilitator:
        return request.user.membership.organization.name
    chosen = form.cleaned_data.get("org") or []
    if not chosen:
        return _("all organizations")
    return ", ".join(form.organizations[slug].name for slug in chosen)


@workspace_view
def results(request):
    form = setup_filters(request)
    context = {"form": form, "public": False}
    if form.is_valid():
        filters = form.filters()
        instrument = filters.instrument
        questions = instrument.cached_questions()
        responses = responses_for(request.user, filters)
        figs = figures(responses, questions, instrument)
        public = form.public
        context.update(
            {
                "instrument": instrument,
                "public": public,
                "threshold": threshold(),
                "base": base_line(
                    figs.base, figs.first, figs.last, organizations_label(request, form), public
                ),
                "too_few": public and figs.base < threshold(),
                "blocks": question_blocks(questions, figs, public),
                "crosstab_query": form_query(request, drop=()),
            }
        )
    response = render(request, "findings/results.html", context)
    return response


def form_query(request, drop=("rows", "cols", "pct")):
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


def crosstab_setup(request):
    form = setup_filters(request)
    if not form.is_valid():
        return form, None, None
    instrument = form.instruments[form.cleaned_data["instrument"]]
    questions = instrument.cached_questions()
    data = request.GET.copy()
    data.setdefault("rows", "organization")
    data.setdefault("cols", "language")
    table_form = CrosstabForm(data, questions=questions)
    return form, table_form, questions


def build_crosstab(request, form, table_form, questions):
    filters = form.filters()
    organizations = form.organizations
    rows = dimension(table_form.cleaned_data["rows"], questions, organizations)
    cols = dimension(table_form.cleaned_data["cols"], questions, organizations)
    responses = responses_for(request.user, filters)
    data = crosstab(responses, rows, cols)
    table = crosstab_table(data, rows, cols, table_form.cleaned_data["pct"], form.public)
    table["base"] = base_of(responses)
    return table


@workspace_view
def crosstab_page(request):
    form, table_form, questions = crosstab_setup(request)
    context = {
        "form": form,
        "table_form": table_form,
        "public": False,
        "table_keep": [
            (name, value) for name in ("rows", "cols", "pct") for value in request.GET.getlist(name)
        ],
    }
    if table_form is not None and table_form.is_valid():
        table = build_crosstab(request, form, table_form, questions)
        context.update(
            {
                "instrument": form.filters().instrument,
                "table": table,
                "public": form.public,
                "threshold": threshold(),
                "organizations_label": organizations_label(request, form),
                "query": request.GET.urlencode(),
                "results_query": form_query(request),
                "base": base_line(*table["base"], organizations_label(request, form), form.public),
            }
        )
    return render(request, "findings/crosstab.html", context)


@workspace_view
def crosstab_csv(request):
    form, table_form, questions = crosstab_setup(request)
    if table_form is None or not table_form.is_valid():
        raise Http404
    table = build_crosstab(request, form, table_form, questions)
    instrument = form.filters().instrument
    response = exports.csv_response(
        f"{instrument.code}-{table['row_key']}-by-{table['col_key']}.csv".replace(":", "-")
    )
    exports.crosstab_rows(response, table)
    return response
