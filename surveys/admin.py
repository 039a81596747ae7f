from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from reversion.admin import VersionAdmin

from . import history  # noqa: F401  (registers the session history before VersionAdmin looks)
from .models import (
    Answer,
    Choice,
    CollectionLink,
    Instrument,
    ListeningSession,
    PromptNote,
    Question,
    Response,
    Section,
    SessionQuote,
    StructureFrozen,
    Target,
)


def instrument_of(obj):
    if obj is None:
        return None
    return obj if isinstance(obj, Instrument) else obj.instrument


class FrozenStructureInline:
    """Inline rows of a frozen instrument: wording stays editable, structure does not."""

    def frozen(self, obj):
        instrument = instrument_of(obj)
        return instrument is not None and instrument.is_frozen()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.frozen(obj):
            own_fk = {self.fk_name or "", "instrument", "question", "parent"}
            fields += [f for f in self.model.structure_fields if f not in own_fk]
        return fields

    def has_add_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_delete_permission(request, obj)


class FrozenStructureAdmin:
    """Deleting in bulk from a changelist obeys the freeze with a message, not an error page."""

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except StructureFrozen as error:
            self.message_user(request, error.messages[0], messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen():
            return False
        return super().has_delete_permission(request, obj)


class SectionInline(FrozenStructureInline, TranslationTabularInline):
    model = Section
    extra = 0


class QuestionInline(admin.TabularInline):
    """The instrument's questions at a glance; each one opens to edit its wording and choices."""

    model = Question
    fk_name = "instrument"
    fields = ["order", "code", "type", "section", "required", "parent"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "parent")


@admin.register(Instrument)
class InstrumentAdmin(FrozenStructureAdmin, TabbedTranslationAdmin):
    list_display = ["title", "code", "kind", "status", "wave", "response_count", "preview_link"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "title"]
    readonly_fields = ["consent_version", "copied_from"]
    inlines = [SectionInline, QuestionInline]
    actions = ["copy_as_new_wave"]
    fieldsets = (
        (None, {"fields": ("code", "kind", "status", "wave", "copied_from")}),
        (
            _("Texts"),
            {"fields": ("title", "description", "intro", "consent_text", "thank_you_text")},
        ),
        (
            _("Settings"),
            {
                "fields": (
                    "languages",
                    "estimated_minutes",
                    "retention_months",
                    "consent_on_start",
                    "consent_version",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_total=Count("responses"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_frozen():
            fields += ["kind"]
        return fields

    @admin.display(description=_("responses"), ordering="response_total")
    def response_count(self, instrument):
        return instrument.response_total

    @admin.display(description=_("preview"))
    def preview_link(self, instrument):
        """Residents' pages for this instrument, stores nothing (works for drafts too)."""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("surveys:preview_start", kwargs={"pk": instrument.pk}),
            _("Preview"),
        )

    @admin.action(description=_("Copy as a new draft wave"))
    def copy_as_new_wave(self, request, queryset):
        copies = [instrument.copy_as_new_wave() for instrument in queryset]
        self.message_user(
            request,
            ngettext(
                "Copied as a new draft: %(codes)s.",
                "Copied as new drafts: %(codes)s.",
                len(copies),
            )
            % {"codes": ", ".join(copy.code for copy in copies)},
            messages.SUCCESS,
        )


class ChoiceInline(FrozenStructureInline, TranslationTabularInline):
    model = Choice
    extra = 0


class MatrixRowInline(FrozenStructureInline, TranslationStackedInline):
    model = Question
    fk_name = "parent"
    extra = 0
    verbose_name = _("matrix row")
    verbose_name_plural = _("matrix rows")
    fields = ["code", "order", "required", "text", "help_text"]

    def save_new_instance(self, parent, obj):
        obj.instrument = parent.instrument
        obj.section = parent.section


@admin.register(Question)
class QuestionAdmin(FrozenStructureAdmin, TabbedTranslationAdmin):
    list_display = ["code", "instrument", "type", "section", "order", "required"]
    list_filter = ["instrument", "type"]
    search_fields = ["code", "text"]
    list_select_related = ["instrument", "section"]
    inlines = [ChoiceInline, MatrixRowInline]
    autocomplete_fields = ["show_if_question"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_frozen():
            fields += list(Question.structure_fields)
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is Question:
            for row in formset.save(commit=False):
                row.instrument_id = form.instance.instrument_id
                row.section_id = form.instance.section_id
                row.type = Question.Type.SINGLE
                row.save()
            for row in formset.deleted_objects:
                row.delete()
            return
        super().save_formset(request, form, formset, change)


@admin.register(CollectionLink)
class CollectionLinkAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "instrument",
        "kind",
        "status",
        "short_code",
        "label",
        "ends_on",
        "started",
        "consented",
        "open_link",
    ]
    list_filter = ["organization", "instrument", "kind", "status"]
    search_fields = ["short_code", "label", "organization__name"]
    readonly_fields = [
        "token",
        "short_code",
        "open_link",
        "flyer_link",
        "started",
        "consented",
        "decided_by_facilitator",
    ]
    list_select_related = ["organization", "instrument"]

    def get_queryset(self, request):
        return CollectionLink.objects.visible_to(request.user)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data or not change:
            # The facilitator's pause or close binds the CBO (see CollectionLink.locked_for).
            obj.decided_by_facilitator = (
                obj.status != CollectionLink.Status.ACTIVE and request.user.is_facilitator
            )
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("public link"))
    def open_link(self, link):
        if not link.pk:
            return "–"
        return format_html('<a href="{0}">{0}</a>', link.get_absolute_url())

    @admin.display(description=_("QR code and flyer"))
    def flyer_link(self, link):
        if not link.pk:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("surveys:qr", kwargs={"token": link.token}),
            _("QR code"),
            reverse("surveys:flyer", kwargs={"token": link.token}),
            _("Printable flyer"),
        )


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """The facilitator's targets: completed surveys per organization and instrument, overall
    or per community area or language. Progress shows on the workspace home."""

    list_display = ["organization", "instrument", "area", "language", "completed"]
    list_editable = ["completed"]
    list_filter = ["organization", "instrument"]
    autocomplete_fields = ["area"]
    list_select_related = ["organization", "instrument", "area"]

    def get_queryset(self, request):
        return Target.objects.visible_to(request.user)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "choice", "text", "number", "area", "special"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question", "choice", "area")
            .order_by("question__order", "choice__order")
        )


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Responses are read-only; the facilitator may exclude one, with a reason, never delete."""

    list_display = [
        "submitted_at",
        "organization",
        "instrument",
        "language",
        "channel",
        "area",
        "status",
    ]
    list_filter = ["organization", "instrument", "language", "channel", "status"]
    list_select_related = ["organization", "instrument", "area"]
    date_hierarchy = "submitted_at"
    inlines = [AnswerInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "id",
                    "instrument",
                    "organization",
                    "link",
                    "channel",
                    "language",
                    "languages_used",
                    "consented",
                    "consent_version",
                    "submitted_at",
                    "area",
                )
            },
        ),
        (
            _("Paper entry"),
            {"fields": ("entered_by", "paper_batch", "paper_serial", "paper_language")},
        ),
        (
            _("Exclusion"),
            {
                "fields": (
                    "status",
                    "exclusion_reason",
                    "exclusion_note",
                    "excluded_by",
                    "excluded_at",
                )
            },
        ),
    )
    # Everything but the exclusion itself is read-only.
    readonly_fields = [
        name
        for _title, options in fieldsets
        for name in options["fields"]
        if name not in {"status", "exclusion_reason", "exclusion_note"}
    ]

    def get_queryset(self, request):
        return Response.objects.visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.status == Response.Status.EXCLUDED and "status" in form.changed_data:
            obj.excluded_by = request.user
            obj.excluded_at = timezone.now()
        elif obj.status == Response.Status.INCLUDED:
            obj.exclusion_reason = ""
            obj.exclusion_note = ""
            obj.excluded_by = None
            obj.excluded_at = None
        super().save_model(request, obj, form, change)


class PromptNoteInline(admin.StackedInline):
    model = PromptNote
    extra = 0
    autocomplete_fields = ["question"]


class SessionQuoteInline(admin.TabularInline):
    model = SessionQuote
    extra = 0
    autocomplete_fields = ["question"]


@admin.register(ListeningSession)
class ListeningSessionAdmin(VersionAdmin):
    """The facilitator's view of every organization's sessions; each save is kept in history."""

    list_display = ["held_on", "organization", "place", "area", "attendees", "status"]
    list_filter = ["organization", "status", "guide"]
    search_fields = ["place", "notes__summary", "quotes__text"]
    list_select_related = ["organization", "area"]
    date_hierarchy = "held_on"
    inlines = [PromptNoteInline, SessionQuoteInline]
    autocomplete_fields = ["area"]
    filter_horizontal = ["facilitators", "note_takers"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def get_queryset(self, request):
        return ListeningSession.objects.visible_to(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
