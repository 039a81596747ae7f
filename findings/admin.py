from django.contrib import admin

from .models import DownloadEvent


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
