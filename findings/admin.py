from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin

from . import history  # noqa: F401  (registers the codebook history before VersionAdmin looks)
from .models import CodingEvent, DownloadEvent, Theme


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label=_("Keep this theme; the others' codings move to it"),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = themes


@admin.register(Theme)
class ThemeAdmin(TabbedTranslationAdmin, VersionAdmin):
    """The facilitator's codebook: create, rename, move (parent), merge and retire themes;
    every change is kept in the history."""

    list_display = ["code", "name", "parent", "order", "retired", "coding_count"]
    list_filter = ["retired", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    actions = ["merge_themes", "retire_themes", "reactivate_themes"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(coding_total=Count("codings"))

    @admin.display(description=_("codings"), ordering="coding_total")
    def coding_count(self, obj):
        return obj.coding_total

    def has_delete_permission(self, request, obj=None):
        # Themes are retired or merged, never deleted: codings keep their theme.
        return False

    @admin.action(description=_("Merge the selected themes into one"))
    def merge_themes(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("Choose at least two themes to merge."), messages.ERROR)
            return None
        form = MergeForm(
            request.POST if "keep" in request.POST else None, themes=queryset.order_by("code")
        )
        if form.is_valid():
            kept = form.cleaned_data["keep"]
            merged = [theme for theme in queryset if theme.pk != kept.pk]
            for theme in merged:
                theme.merge_into(kept)
            self.message_user(
                request,
                ngettext(
                    "%(count)s theme merged into %(kept)s; its codings moved.",
                    "%(count)s themes merged into %(kept)s; their codings moved.",
                    len(merged),
                )
                % {"count": len(merged), "kept": kept},
            )
            return None
        return render(
            request,
            "admin/findings/theme/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge themes"),
                "form": form,
                "themes": queryset,
                "opts": self.model._meta,
            },
        )

    @admin.action(description=_("Retire the selected themes (kept on existing codings)"))
    def retire_themes(self, request, queryset):
        count = queryset.update(retired=True)
        self.message_user(request, _("%(count)s retired.") % {"count": count})

    @admin.action(description=_("Offer the selected themes again"))
    def reactivate_themes(self, request, queryset):
        count = queryset.update(retired=False)
        self.message_user(request, _("%(count)s offered again.") % {"count": count})


@admin.register(DownloadEvent)
class DownloadEventAdmin(admin.ModelAdmin):
    """A record: readable, never written or removed by hand."""

    list_display = ["created_at", "user", "organization", "kind", "file_format", "row_count"]
    list_filter = ["kind", "file_format", "organization"]
    search_fields = ["user__email"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return DownloadEvent.objects.visible_to(request.user).select_related(
            "user", "organization", "instrument"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CodingEvent)
class CodingEventAdmin(admin.ModelAdmin):
    """The history of codings: readable, never written or removed by hand."""

    list_display = ["at", "by", "action", "theme", "source", "coder", "second"]
    list_filter = ["action", "second", "theme"]
    search_fields = ["by__email", "coder__email", "excerpt"]
    date_hierarchy = "at"
    list_select_related = ["by", "coder", "theme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
