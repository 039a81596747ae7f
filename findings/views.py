"""The facilitator's and CBOs' read side: results, cross-tabs and downloads.

Every query goes through the one scoping rule, `scoped(... .visible_to(user))`."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.access import scoped, workspace_view
from surveys.models import Instrument, ListeningSession

from . import exports
from .forms import (
    STAFF,
    CrosstabForm,
    DownloadForm,
    ResultsFilterForm,
    visible_organizations,
)
from .models import DownloadEvent
from .presentation import crosstab_table, dimension, question_blocks
from .results import CHICAGO, base_of, crosstab, figures, responses_for
from .suppression import shown_count, threshold

# --- Downloads -------------------------------------------------------------------------


def record_download(request, kind, file_format, instrument=None, form=None, rows=None):
    """The audit log of downloads: who, what, which filters and options, how many rows.

    The organization is the one whose data the file holds; empty when the facilitator
    downloads every organization's."""
    organization = request.organization
    if form is not None and request.user.is_facilitator:
        chosen = form.cleaned_data.get("org") or []
        organization = form.organizations[chosen[0]] if len(chosen) == 1 else organization
    return DownloadEvent.objects.create(
        user=request.user,
        organization=organization,
        kind=kind,
        file_format=file_format,
        instrument=instrument,
        filters={key: request.GET.getlist(key) for key in sorted(request.GET)},
        row_count=rows,
    )


def about_file(request, form):
    """What a responses file is, for its "About this file" sheet (or the .sav's notes)."""
    instrument = form.filters().instrument
    if request.user.is_facilitator and not form.cleaned_data.get("org"):
        holds = _("Every organization's data")
    else:
        holds = organizations_label(request, form)
    return [
        [_("File"), _("Responses to a survey")],
        [_("Survey"), f"{instrument.title} ({instrument.code}, {_('wave')} {instrument.wave})"],
        [_("Organizations"), str(holds)],
        *[list(pair) for pair in form.described()],
        [_("Downloaded at"), timezone.now().astimezone(CHICAGO).isoformat("T", "seconds")],
        [_("Downloaded by"), request.user.email],
    ]


def downloads_page(request, form):
    return render(
        request,
        "findings/downloads.html",
        {
            "form": form,
            # The facilitator's files hold every organization's data unless they choose some.
            "every_organization": request.user.is_facilitator,
        },
    )


@workspace_view
def downloads(request):
    form = setup_filters(request, DownloadForm)
    return downloads_page(request, form)


@workspace_view
def responses_download(request, file_format):
    """Responses of one instrument, filtered like the results page, as CSV, XLSX or .sav.
    Filters that do not validate show the downloads page again with what was wrong."""
    form = setup_filters(request, DownloadForm)
    if not form.is_valid():
        return downloads_page(request, form)
    filters = form.filters()
    options = form.cleaned_data
    table = exports.ResponseTable(
        filters.instrument,
        language=options["labels"],
        multiple=options["multiple"],
        free_text=options["free_text"],
        spss=file_format == "sav",
        csv=file_format == "csv",
    )
    queryset = responses_for(request.user, filters)
    if file_format == "csv":
        event = record_download(
            request, DownloadEvent.Kind.RESPONSES, "csv", filters.instrument, form
        )

        def finished(rows):
            DownloadEvent.objects.filter(pk=event.pk).update(row_count=rows)

        return exports.responses_csv(table, queryset, finished)
    writer = exports.responses_xlsx if file_format == "xlsx" else exports.responses_sav
    response, rows = writer(table, queryset, about_file(request, form))
    record_download(
        request, DownloadEvent.Kind.RESPONSES, file_format, filters.instrument, form, rows
    )
    return response


@workspace_view
def codebook_download(request, file_format):
    form = setup_filters(request, DownloadForm)
    if not form.is_valid():
        return downloads_page(request, form)
    instrument = form.filters().instrument
    record_download(request, DownloadEvent.Kind.CODEBOOK, file_format, instrument)
    if file_format == "xlsx":
        return exports.codebook_xlsx(instrument)
    return exports.codebook_csv(instrument)


@workspace_view
def sessions_download(request, file_format):
    queryset = scoped(ListeningSession.objects.all(), request)
    record_download(request, DownloadEvent.Kind.SESSIONS, file_format)
    if file_format == "xlsx":
        return exports.sessions_xlsx(queryset)
    return exports.sessions_csv(queryset)


# --- Results ---------------------------------------------------------------------------


def setup_filters(request, form_class=ResultsFilterForm):
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
    form = form_class(data, instruments=instruments, organizations=organizations)
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
