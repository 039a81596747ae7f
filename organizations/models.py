import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff person: CBO staff or manager, or the facilitator. Residents never sign in."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[(code, code) for code in settings.CONTENT_LANGUAGES],
        default="en",
    )
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("Can sign in to the facilitator's admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name or self.email

    @property
    def membership(self):
        """The user's one membership (one organization per user for now), or None."""
        if not hasattr(self, "_membership_cache"):
            self._membership_cache = (
                Membership.objects.select_related("organization").filter(user=self).first()
            )
        return self._membership_cache

    @property
    def is_facilitator(self):
        """Facilitator staff see every organization's data."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        membership = self.membership
        return bool(membership and membership.organization.kind == Organization.Kind.FACILITATOR)

    @property
    def is_partner(self):
        """A city partner: reads published reports and suppressed results, nothing else."""
        membership = self.membership
        return bool(
            self.is_active
            and not self.is_superuser
            and membership
            and (
                membership.role == Membership.Role.PARTNER
                or membership.organization.kind == Organization.Kind.PARTNER
            )
        )


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_facilitator:
            return self
        return self.filter(memberships__user=user)


class Organization(models.Model):
    class Kind(models.TextChoices):
        CBO = "cbo", _("Community-based organization")
        FACILITATOR = "facilitator", _("Facilitator")
        # A city office that reads findings (the Mayor's Office, the Police Department).
        PARTNER = "partner", _("City partner")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CBO)
    active = models.BooleanField(_("active"), default=True)
    contact_line = models.CharField(
        _("contact line"),
        max_length=300,
        blank=True,
        help_text=_("Shown to residents: how to reach the organization with questions."),
    )
    home_area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("home community area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Moves with every save: resident pages keep the organization in their process while
    # it has not moved (surveys.models.cached_instance).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name


class OrganizationScopedQuerySet(models.QuerySet):
    """The one scoping rule for everything that belongs to an organization: a user sees the
    rows of the organizations they may see (their own; every one for the facilitator)."""

    def visible_to(self, user):
        if user.is_authenticated and user.is_facilitator:
            # Every row: no subquery over organizations in the results' big aggregates.
            return self.all()
        return self.filter(organization__in=Organization.objects.visible_to(user))


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")
        # Read-only: published reports and suppressed results; only in a partner organization.
        PARTNER = "partner", _("City partner")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    # The member's pages on the team screens are addressed by this, never by the integer pk.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # One organization per user for now; dropping this constraint is all it takes
            # to allow several.
            models.UniqueConstraint(fields=["user"], name="membership_one_per_user"),
        ]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    @property
    def can_manage_members(self):
        return self.role == self.Role.MANAGER

    @classmethod
    def roles_for(cls, organization):
        """A partner organization has only partners; a CBO (or the facilitator) never has one."""
        if organization.kind == Organization.Kind.PARTNER:
            return [(cls.Role.PARTNER, cls.Role.PARTNER.label)]
        return [(cls.Role.STAFF, cls.Role.STAFF.label), (cls.Role.MANAGER, cls.Role.MANAGER.label)]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role not in dict(self.roles_for(self.organization)):
            raise ValidationError({"role": _("This role does not exist in this organization.")})


class Area(models.Model):
    """Geography as data: community areas and police districts (Chicago's by default)."""

    class Kind(models.TextChoices):
        COMMUNITY_AREA = "community_area", _("Community area")
        POLICE_DISTRICT = "police_district", _("Police district")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="area_unique_kind_number"),
        ]

    def __str__(self):
        return self.name


class AuditEvent(models.Model):
    """Who changed which account of an organization: invitations, roles, (de)activations;
    and, with no organization, what the site did as a whole (purges after retention)."""

    class Action(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        ROLE_CHANGED = "role_changed", _("Role changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        PURGED = "purged", _("Deleted after the retention period")
        SIGNED_IN = "signed_in", _("Signed in")
        REPORT_VIEWED = "report_viewed", _("Report read")

    # Empty for site-wide events, which only the facilitator sees (visible_to filters by
    # organization).
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.ForeignKey(
        User,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # The team page: an organization's latest events.
            models.Index(fields=["organization", "-created_at"], name="auditevent_org_latest"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} – {self.subject} ({self.created_at:%Y-%m-%d %H:%M})"

    def detail_display(self):
        """Role codes in `detail` ("staff → manager") shown in the reader's language."""
        roles = dict(Membership.Role.choices)
        return " → ".join(str(roles.get(part, part)) for part in self.detail.split(" → "))
