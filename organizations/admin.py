from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import Area, AuditEvent, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    max_num = 1


class EmailUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "organization", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__organization"]
    search_fields = ["email", "full_name"]
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships__organization")

    @admin.display(description=_("organization"))
    def organization(self, user):
        memberships = list(user.memberships.all())
        return memberships[0].organization if memberships else "–"


@admin.register(Organization)
class OrganizationAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "kind", "active", "home_area"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["home_area"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return Organization.objects.visible_to(request.user).select_related("home_area")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]

    def get_queryset(self, request):
        return Membership.objects.visible_to(request.user).select_related("user", "organization")


@admin.register(Area)
class AreaAdmin(TabbedTranslationAdmin):
    list_display = ["name", "number", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["kind", "number"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """A record: readable, never written or removed by hand."""

    list_display = ["created_at", "organization", "action", "subject", "actor", "detail"]
    list_filter = ["action", "organization"]
    search_fields = ["subject__email", "subject__full_name", "actor__email"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return AuditEvent.objects.visible_to(request.user).select_related(
            "organization", "actor", "subject"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
