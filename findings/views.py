"""The facilitator's and CBOs' read side: results, cross-tabs and downloads.

Every query goes through the one scoping rule, `scoped(... .visible_to(user))`."""

import os

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from engagement.languages import language_name
from organizations.access import facilitator_only, scoped, workspace_view
from organizations.areas import community_areas
from surveys.models import Instrument, ListeningSession

from . import codebook, exports, filters
from .agreement import FLAG_BELOW, agreement
from .coding import (
    apply_themes,
    highlighted,
    item_codings,
    item_history,
    item_text,
    next_item,
)
from .forms import (
    PUBLIC,
    STAFF,
    CodebookImportForm,
    CodingForm,
    CrosstabForm,
    DownloadForm,
    QueueFilterForm,
    ResultsFilterForm,
    StarredQuoteForm,
    ThemeResultsForm,
    visible_organizations,
)
from .models import (
    Coding,
    DownloadEvent,
    ItemMark,
    PreparedFile,
    Source,
    StarredQuote,
    Theme,
)
from .presentation import (
    crosstab_table,
    dimension,
    question_blocks,
    theme_table,
    themes_in_tree_order,
)
from .results import CHICAGO, base_of, crosstab, figures, responses_for
from .suppression import shown_count, threshold
from .tasks import prepare_download, response_table
from .theme_results import coding_rows, cooccurrence, theme_counts

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
    table = response_table(form, file_format)
    queryset = responses_for(request.user, filters)
    if file_format == "csv":
        event = record_download(
            request, DownloadEvent.Kind.RESPONSES, "csv", filters.instrument, form
        )

        def finished(rows):
            DownloadEvent.objects.filter(pk=event.pk).update(row_count=rows)

        return exports.responses_csv(table, queryset, finished)
    total = queryset.count()
    if total > settings.DOWNLOAD_INLINE_ROWS:
        # Too large to build within a request: the task queue prepares it, and a page
        # shows how far it is.
        event = record_download(
            request, DownloadEvent.Kind.RESPONSES, file_format, filters.instrument, form
        )
        prepared = PreparedFile.objects.create(
            user=request.user,
            file_format=file_format,
            query=request.GET.urlencode(),
            language=translation.get_language(),
            event=event,
            about=[[str(label), str(value)] for label, value in about_file(request, form)],
            rows_total=total,  # about how many: the task counts again when it starts
        )
        prepare_download.enqueue(str(prepared.pk))
        return redirect("findings:prepared", prepared.pk)
    writer = exports.responses_xlsx if file_format == "xlsx" else exports.responses_sav
    response, rows = writer(table, queryset, about_file(request, form), total)
    record_download(
        request, DownloadEvent.Kind.RESPONSES, file_format, filters.instrument, form, rows
    )
    return response


@workspace_view
def prepared(request, pk):
    """How far a download being prepared is; when it is ready, its link. Only the person
    who asked sees it. `?json` answers the same as JSON for the page's script."""
    prepared = get_object_or_404(PreparedFile, pk=pk, user=request.user)
    if "json" in request.GET:
        return JsonResponse(
            {
                "status": prepared.status,
                "status_text": str(prepared.get_status_display()),
                "percent": prepared.percent,
                "rows_done": prepared.rows_done,
                "rows_total": prepared.rows_total,
                "progress_text": progress_text(prepared),
                "file_url": reverse("findings:prepared_file", args=[prepared.pk])
                if prepared.status == PreparedFile.Status.READY
                else "",
            }
        )
    return render(
        request,
        "findings/prepared.html",
        {
            "prepared": prepared,
            "progress_text": progress_text(prepared),
            "hours": settings.PREPARED_FILE_HOURS,
        },
    )


def progress_text(prepared):
    return _("%(done)s of %(total)s rows") % {
        "done": f"{prepared.rows_done:,}",
        "total": f"{prepared.rows_total:,}",
    }


@workspace_view
def prepared_file(request, pk):
    prepared = get_object_or_404(
        PreparedFile, pk=pk, user=request.user, status=PreparedFile.Status.READY
    )
    if prepared.expired or not os.path.exists(prepared.path):
        raise Http404
    return FileResponse(
        open(prepared.path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=prepared.filename,
        content_type=exports.CONTENT_TYPES[prepared.file_format],
    )


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


def filter_organizations(request):
    return filters.filter_organizations(request.user)


def organization_scope(request):
    """The organizations to name, and the ids to count (None: all) for theme pages."""
    organizations = filter_organizations(request)
    if request.user.is_partner:
        return organizations, None
    if not request.user.is_facilitator:
        return organizations, [organizations[0].pk]
    return organizations, None if request.organization is None else [request.organization.pk]


def setup_filters(request, form_class=ResultsFilterForm):
    return filters.bound_filters(request.user, request.GET, form_class)


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
    if not (request.user.is_facilitator or request.user.is_partner):
        return request.user.membership.organization.name
    chosen = form.cleaned_data.get("org") or []
    if not chosen:
        return _("all organizations")
    return ", ".join(form.organizations[slug].name for slug in chosen)


def counted(request, filters):
    """The responses a results page counts (city partners: every organization's)."""
    return responses_for(request.user, filters, every_organization=request.user.is_partner)


@workspace_view(partners=True)
def results(request):
    form = setup_filters(request)
    context = {"form": form, "public": False}
    if form.is_valid():
        filters = form.filters()
        instrument = filters.instrument
        questions = instrument.cached_questions()
        responses = counted(request, filters)
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
    responses = counted(request, filters)
    data = crosstab(responses, rows, cols)
    table = crosstab_table(data, rows, cols, table_form.cleaned_data["pct"], form.public)
    table["base"] = base_of(responses)
    return table


@workspace_view(partners=True)
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


@workspace_view(partners=True)
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


# --- Themes and coding ---------------------------------------------------------------


SKIPPED = "coding:skipped"


@workspace_view
def coding(request):
    """The coding queue: the next text to code, its context, and the themes."""
    facilitator_only(request)
    second = request.GET.get("as") == "second"
    themes = themes_in_tree_order(list(Theme.objects.active()))
    if request.method == "POST":
        form = CodingForm(request.POST, themes=themes)
        if not form.is_valid():
            return render(request, "400.html", status=400)
        source, item_id = form.cleaned_data["source"], form.cleaned_data["item"]
        action = form.cleaned_data["action"]
        query = request.GET.urlencode()
        if action == "skip":
            skipped = request.session.get(SKIPPED, [])[-200:]
            request.session[SKIPPED] = [*skipped, f"{source}:{item_id}"]
            return redirect(f"{reverse('findings:coding')}?{query}")
        excerpts = []
        if form.cleaned_data["excerpt"]:
            text = item_text(source, item_id) or ""
            for theme, start, end in form.cleaned_data["excerpt"]:
                if end > len(text):
                    return render(request, "400.html", status=400)
                excerpts.append((theme, start, end, text[start:end]))
        try:
            apply_themes(
                request.user,
                source,
                item_id,
                [] if action == "nothing" else form.chosen_themes(),
                [] if action == "nothing" else excerpts,
                second=second,
                nothing=action == "nothing",
                remove=form.cleaned_data["remove"],
                offered=themes,
            )
        except IntegrityError:
            raise Http404 from None  # no such item
        done = "nothing" if action == "nothing" else "coded"
        return redirect(
            f"{reverse('findings:coding')}?{query}&done={done}&previous={source}:{item_id}".replace(
                "?&", "?"
            )
        )
    instruments = list(Instrument.objects.order_by("kind", "-created_at").only("pk", "title"))
    organizations = visible_organizations(request.user)
    filters_form = QueueFilterForm(
        request.GET, instruments=instruments, organizations=organizations
    )
    only = None
    if request.GET.get("item") and request.GET.get("source") in Source.values:
        item = as_int(request.GET.get("item"))
        only = (request.GET["source"], item) if item else None
    item = next_item(
        request.user,
        filters_form.filters(),
        second=second,
        sample_percent=settings.SECOND_CODING_PERCENT,
        skipped=request.session.get(SKIPPED, []),
        only=only,
    )
    context = {
        "filters_form": filters_form,
        "themes": themes,
        "item": item,
        "second": second,
        "done": request.GET.get("done"),
        "query": querystring_without(request, ("done", "item", "previous")),
        "previous": previous_item(request.GET.get("previous")),
    }
    if item:
        by_id = {t.pk: t for t in themes}
        if any(coding[1] not in by_id for coding in item["codings"]):
            by_id = {t.pk: t for t in Theme.objects.all()}  # a retired theme's excerpt
        whole, excerpts = item_codings(item, by_id)
        names = {o.pk: o.name for o in organizations}
        context.update(
            {
                "form": CodingForm(
                    initial={"source": item["source"], "item": item["id"]}, themes=themes
                ),
                "coded": whole,
                "excerpts": excerpts,
                "pieces": highlighted(item["text"] or "", excerpts),
                # The history when a coded text is reopened (a fresh one has none of its own).
                "history": item_history(request.user, item["source"], item["id"], second=second)
                if only or item["codings"]
                else [],
                "source_label": Source(item["source"]).label,
                "organization_name": names.get(item["organization_id"], ""),
                "area_name": item["area_name"],
                "language_name": language_name(item["language"]) if item["language"] else "",
            }
        )
    return render(request, "findings/coding.html", context)


def previous_item(value):
    """The text just coded ("source:id" in the address), so the coder can go back to it."""
    source, _colon, item = (value or "").partition(":")
    item = as_int(item)
    return {"source": source, "id": item} if source in Source.values and item else None


def as_int(value):
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


def querystring_without(request, names):
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@workspace_view(partners=True)
def themes(request):
    """Theme frequencies: items and people per theme, by organization, area, language or
    source. A CBO sees its own organization's; the public view hides small counts."""
    data = request.GET.copy()
    data.setdefault("by", "organization")
    data.setdefault("view", STAFF)
    form = ThemeResultsForm(data)
    by = (form.is_valid() and form.cleaned_data["by"]) or "organization"
    public = request.user.is_partner or (form.is_valid() and form.cleaned_data["view"] == PUBLIC)
    organizations, scope = organization_scope(request)
    cells, totals, overall = theme_counts(by, scope)
    all_themes = themes_in_tree_order(list(Theme.objects.all()))
    table = theme_table(all_themes, cells, totals, overall, by, organizations, public)
    pairs = cooccurrence(scope)
    names = {t.pk: t for t in all_themes}
    top_pairs = sorted(
        ((n, names[a], names[b]) for (a, b), n in pairs.items() if a in names and b in names),
        key=lambda p: -p[0],
    )[:10]
    if public:
        top_pairs = [p for p in top_pairs if shown_count(p[0]) is not None]
    return render(
        request,
        "findings/themes.html",
        {
            "form": form,
            "table": table,
            "public": public,
            "threshold": threshold(),
            "pairs": top_pairs,
            "overall": overall,
        },
    )


@workspace_view
def codebook_export(request, kind):
    """The codebook as CSV (code, parent, names and descriptions per language) or as a
    REFI-QDA codebook (.qdc) that Atlas.ti, NVivo, MAXQDA, QualCoder and Taguette read."""
    facilitator_only(request)
    themes = themes_in_tree_order(list(Theme.objects.select_related("parent")))
    if kind == "qdc":
        response = HttpResponse(codebook.qdc(themes), content_type="application/xml")
        response["Content-Disposition"] = 'attachment; filename="codebook.qdc"'
        return response
    if kind == "xlsx":
        return codebook.xlsx(themes)
    response = exports.csv_response("codebook-themes.csv")
    codebook.write_csv(response, themes)
    return response


@workspace_view
def codebook_import(request):
    """Create or update themes from a CSV in the exported layout (codes are the key)."""
    facilitator_only(request)
    form = CodebookImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        created, updated = codebook.import_csv(form.cleaned_data["rows"])
        messages.success(
            request,
            _("Codebook imported: %(created)s new themes, %(updated)s updated.")
            % {"created": created, "updated": updated},
        )
        return redirect("findings:themes")
    return render(request, "findings/codebook_import.html", {"form": form})


@workspace_view
def agreement_page(request):
    """Agreement of the two coders per theme (Cohen's kappa), and the items they disagree on."""
    facilitator_only(request)
    first, second, items = coder_sets()
    per_theme = agreement(first, second, items)
    names = {t.pk: t for t in Theme.objects.all()}
    rows = sorted(
        ((names[pk], result) for pk, result in per_theme.items() if pk in names),
        key=lambda row: (row[0].order, row[0].code),
    )
    disagreements = [
        {
            "source": item[0],
            "id": item[1],
            "first": sorted(names[pk].name for pk in first.get(item, set()) if pk in names),
            "second": sorted(names[pk].name for pk in second.get(item, set()) if pk in names),
        }
        for item in items
        if first.get(item, set()) != second.get(item, set())
    ][:200]
    return render(
        request,
        "findings/agreement.html",
        {
            "rows": rows,
            "items": len(items),
            "disagreements": disagreements,
            "flag_below": FLAG_BELOW,
            "percent": settings.SECOND_CODING_PERCENT,
        },
    )


def coder_sets():
    """Whole-item themes of the first and the second coder, per item both finished."""
    from django.db.models import Q

    marks = ItemMark.objects.values_list("answer_id", "note_id", "note_field", "quote_id", "second")
    done = {True: set(), False: set()}
    for answer_id, note_id, note_field, quote_id, is_second in marks:
        done[is_second].add(item_key(answer_id, note_id, note_field, quote_id))
    items = sorted(done[True] & done[False])
    first, second = {}, {}
    codings = Coding.objects.filter(~Q(answer_id=None) | ~Q(note_id=None) | ~Q(quote_id=None))
    for answer_id, note_id, note_field, quote_id, is_second, theme_id in codings.values_list(
        "answer_id", "note_id", "note_field", "quote_id", "second", "theme_id"
    ):
        key = item_key(answer_id, note_id, note_field, quote_id)
        (second if is_second else first).setdefault(key, set()).add(theme_id)
    return first, second, items


def item_key(answer_id, note_id, note_field, quote_id):
    if answer_id:
        return ("answer", answer_id)
    if quote_id:
        return ("quote", quote_id)
    return (note_field, note_id)


@workspace_view
def codings_download(request, kind):
    """Every coding of the organizations the user may see (a CBO: its own), as CSV or
    XLSX."""
    from organizations.models import User

    organizations, scope = organization_scope(request)
    rows = list(coding_rows(scope))
    record_download(request, DownloadEvent.Kind.CODINGS, kind, rows=len(rows))
    themes = dict(Theme.objects.values_list("pk", "code"))
    coders = dict(User.objects.filter(is_active=True).values_list("pk", "email"))
    if not request.user.is_facilitator:
        coders = {}  # a CBO sees what was coded, not who on the facilitator's staff coded it
    return (exports.codings_xlsx if kind == "xlsx" else exports.codings_csv)(
        rows,
        themes,
        {o.pk: o.name for o in organizations},
        {a.pk: a.name for a in community_areas()},
        coders,
    )


def coding_source_text(coding):
    """What a coding points at, in its original words and language, and its organization."""
    if coding.answer_id:
        answer = coding.answer
        text, language = answer.text, answer.response.language
        organization_id = answer.response.organization_id
    elif coding.quote_id:
        text, session = coding.quote.text, coding.quote.session
        language, organization_id = (session.languages or [""])[0], session.organization_id
    else:
        note = coding.note
        text = getattr(note, coding.note_field)
        language = (note.session.languages or [""])[0]
        organization_id = note.session.organization_id
    if coding.start is not None:
        text = coding.excerpt
    return text, language, organization_id


@workspace_view
def theme_quotes(request, code):
    """A theme's texts, to star representative ones; starred quotes with their review and
    translations. A CBO sees its own organization's starred quotes, read-only."""
    theme = get_object_or_404(Theme, code=code)
    starred = StarredQuote.objects.visible_to(request.user).filter(theme=theme)
    if request.organization is not None:
        starred = starred.filter(organization=request.organization)
    languages = [code for code in settings.OFFERED_LANGUAGES]
    if request.method == "POST":
        facilitator_only(request)
        action = request.POST.get("action")
        if action == "star":
            coding = (
                Coding.objects.filter(
                    pk=as_int(request.POST.get("coding")), theme=theme, second=False
                )
                .select_related("answer__response", "quote__session", "note__session")
                .first()
            )
            if coding is None:
                raise Http404
            text, language, organization_id = coding_source_text(coding)
            StarredQuote.objects.get_or_create(
                theme=theme,
                coding=coding,
                quote=None,
                defaults={
                    "original": text,
                    "original_language": language,
                    "organization_id": organization_id,
                    "starred_by": request.user,
                },
            )
            messages.success(request, _("The text is starred for this theme."))
        elif action == "review":
            quote = get_object_or_404(starred, pk=as_int(request.POST.get("starred")))
            form = StarredQuoteForm(request.POST, instance=quote, languages=languages)
            if form.is_valid():
                form.save(request.user)
                messages.success(request, _("The quote is saved."))
            else:
                messages.error(request, _("The quote could not be saved; check it and try again."))
        elif action == "unstar":
            get_object_or_404(starred, pk=as_int(request.POST.get("starred"))).delete()
            messages.success(request, _("The star is removed."))
        else:
            return render(request, "400.html", status=400)
        return redirect("findings:theme_quotes", code=theme.code)
    candidates = []
    if request.user.is_facilitator:
        already = set(starred.values_list("coding_id", flat=True))
        codings = (
            Coding.objects.filter(theme=theme, second=False)
            .exclude(pk__in=already)
            .select_related("answer__response", "quote__session", "note__session")
            .order_by("-created_at")[:50]
        )
        for coding in codings:
            text, language, _organization = coding_source_text(coding)
            candidates.append({"coding": coding, "text": text, "language": language})
    rows = [
        {"quote": quote, "form": StarredQuoteForm(instance=quote, languages=languages)}
        for quote in starred.select_related("organization", "reviewed_by")
    ]
    return render(
        request,
        "findings/theme_quotes.html",
        {"theme": theme, "rows": rows, "candidates": candidates},
    )
