import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, transaction
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from organizations.models import Area, Organization, OrganizationScopedQuerySet


class StructureFrozen(ValidationError):
    """Raised when a change would alter an instrument that already has responses."""

    def __init__(self, instrument=None):
        super().__init__(
            _(
                "This instrument already has responses, so its questions, choices and sections "
                "can no longer change. Wording and translations can. Copy it as a new wave "
                "to change its structure."
            ),
            code="structure_frozen",
        )


class StructureQuerySet(models.QuerySet):
    """Bulk updates and deletes obey the same freeze as single saves."""

    def _frozen_instruments(self, instrument_ids):
        return Response.objects.filter(instrument_id__in=instrument_ids).exists()

    def touches_frozen(self):
        return self._frozen_instruments(self.values(self.model.instrument_lookup))

    def touch_instruments(self):
        Instrument.objects.filter(pk__in=self.values(self.model.instrument_lookup)).update(
            updated_at=timezone.now()
        )

    def update(self, **kwargs):
        if set(kwargs) & set(self.model.structure_fields) and self.touches_frozen():
            raise StructureFrozen()
        self.touch_instruments()
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        if self.touches_frozen():
            raise StructureFrozen()
        self.touch_instruments()
        return super().delete()

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        ids = {obj.get_instrument_id() for obj in objs}
        if ids and self._frozen_instruments(ids):
            raise StructureFrozen()
        Instrument.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        ids = {obj.get_instrument_id() for obj in objs}
        if set(fields) & set(self.model.structure_fields):
            if ids and self._frozen_instruments(ids):
                raise StructureFrozen()
        Instrument.objects.filter(pk__in=ids).update(updated_at=timezone.now())
        return super().bulk_update(objs, fields, *args, **kwargs)


class StructureModel(models.Model):
    """A part of an instrument's structure: frozen once the instrument has responses."""

    # Field names whose change alters the structure; wording fields are not listed.
    structure_fields = ()
    # How a queryset of this model reaches its instrument's id.
    instrument_lookup = "instrument_id"

    class Meta:
        abstract = True

    def get_instrument_id(self):
        raise NotImplementedError

    def is_frozen(self):
        instrument_id = self.get_instrument_id()
        return bool(instrument_id) and Response.objects.filter(instrument_id=instrument_id).exists()

    def structure_changed(self):
        if self._state.adding or self.pk is None:
            return True
        attnames = [self._meta.get_field(name).attname for name in self.structure_fields]
        stored = type(self)._base_manager.filter(pk=self.pk).values(*attnames).first()
        if stored is None:
            return True
        return any(stored[name] != getattr(self, name) for name in attnames)

    def clean(self):
        super().clean()
        if self.structure_changed() and self.is_frozen():
            raise StructureFrozen()

    def save(self, *args, **kwargs):
        if self.structure_changed() and self.is_frozen():
            raise StructureFrozen()
        super().save(*args, **kwargs)
        self.touch_instrument()

    def delete(self, *args, **kwargs):
        if self.is_frozen():
            raise StructureFrozen()
        result = super().delete(*args, **kwargs)
        self.touch_instrument()
        return result

    def touch_instrument(self):
        """Any change to questions, choices or sections marks the instrument as changed,
        which is what the survey pages' in-memory copy of its content is keyed by."""
        Instrument.objects.filter(pk=self.get_instrument_id()).update(updated_at=timezone.now())


# A consent text this long (in any language) still reads well on the start page, above the
# buttons: about a phone screen of text.
CONSENT_ON_START_MAX_LENGTH = 600


class InstrumentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Instrument.Status.OPEN)


class Instrument(models.Model):
    """A resident survey or a listening-session discussion guide: ordered, translated questions."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Resident survey")
        GUIDE = "guide", _("Discussion guide")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier used in data and exports."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SURVEY)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    wave = models.PositiveSmallIntegerField(_("wave"), default=1)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    consent_text = models.TextField(_("consent text"), blank=True)
    thank_you_text = models.TextField(_("thank-you text"), blank=True)
    consent_version = models.PositiveIntegerField(
        _("consent version"),
        default=1,
        editable=False,
        help_text=_("Goes up by one whenever the consent text changes in any language."),
    )
    consent_on_start = models.BooleanField(
        _("consent on the start page"),
        default=False,
        help_text=_(
            "For a short consent text: residents read it and agree on the start page, one "
            "page fewer. A longer text keeps a page of its own."
        ),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)
    retention_months = models.PositiveSmallIntegerField(
        _("retention (months)"),
        default=36,
        help_text=_("How long responses are kept; shown to residents with the consent."),
    )
    languages = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("languages offered"),
        default=list,
        blank=True,
        help_text=_(
            "Language codes whose content is complete, e.g. en, es, zh-hans. "
            "Only languages the site offers are shown to residents."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.title

    def get_instrument_id(self):
        return self.pk

    @property
    def offered_languages(self):
        """The site's offered languages that this instrument's content covers, site order."""
        return [code for code in settings.OFFERED_LANGUAGES if code in self.languages]

    def is_frozen(self):
        return self.pk is not None and self.responses.exists()

    def clean(self):
        super().clean()
        if self.consent_on_start:
            for code in settings.CONTENT_LANGUAGES:
                text = getattr(self, build_localized_fieldname("consent_text", code)) or ""
                if len(text) > CONSENT_ON_START_MAX_LENGTH:
                    raise ValidationError(
                        {
                            "consent_on_start": _(
                                "The consent text is too long to read on the start page: "
                                "%(length)s characters in %(language)s, at most %(limit)s."
                            )
                            % {
                                "length": len(text),
                                "language": code,
                                "limit": CONSENT_ON_START_MAX_LENGTH,
                            }
                        }
                    )

    def cached_questions(self):
        """Questions with their sections and choices, kept in this process (see below)."""
        cached = _question_cache.get(self.pk)
        if cached and cached[0] == self.updated_at:
            return cached[1]
        questions = list(
            self.questions.select_related("section").prefetch_related(
                models.Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
            )
        )
        _question_cache[self.pk] = (self.updated_at, questions)
        return questions

    def save(self, *args, **kwargs):
        if self.pk is not None:
            consent_fields = [
                build_localized_fieldname("consent_text", code)
                for code in settings.CONTENT_LANGUAGES
            ]
            stored = Instrument.objects.filter(pk=self.pk).values(*consent_fields).first()
            if stored and any(stored[f] != getattr(self, f) for f in consent_fields):
                self.consent_version += 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "consent_version"}
        super().save(*args, **kwargs)

    def missing_content(self, language):
        """Names of the texts that have no wording in `language` (one query per table)."""
        missing = []
        for name in ("title", "consent_text", "thank_you_text"):
            if not getattr(self, build_localized_fieldname(name, language)):
                missing.append(str(self._meta.get_field(name).verbose_name))
        text_field = build_localized_fieldname("text", language)
        missing += [
            code
            for code in self.questions.filter(**{f"{text_field}__in": ["", None]}).values_list(
                "code", flat=True
            )
        ]
        label_field = build_localized_fieldname("label", language)
        missing += [
            f"{question}.{choice}"
            for question, choice in Choice.objects.filter(
                question__instrument=self, **{f"{label_field}__in": ["", None]}
            ).values_list("question__code", "code")
        ]
        title_field = build_localized_fieldname("title", language)
        missing += [
            f"section {number}"
            for number in self.sections.filter(**{f"{title_field}__in": ["", None]}).values_list(
                "number", flat=True
            )
        ]
        return missing

    @transaction.atomic
    def copy_as_new_wave(self):
        """A new draft with the same structure and wording, for a new wave of collection."""
        sections = list(self.sections.all())
        questions = list(self.questions.order_by("parent_id", "order", "pk"))
        choices = list(Choice.objects.filter(question__instrument=self))
        wave = (
            Instrument.objects.filter(code__startswith=self.code.rsplit("-w", 1)[0]).aggregate(
                models.Max("wave")
            )["wave__max"]
            or self.wave
        ) + 1
        copy = Instrument.objects.get(pk=self.pk)
        copy.pk = None
        copy._state.adding = True
        copy.code = f"{self.code.rsplit('-w', 1)[0]}-w{wave}"
        copy.wave = wave
        copy.status = Instrument.Status.DRAFT
        copy.copied_from = self
        copy.consent_version = 1
        copy.save()

        section_map = {}
        for section in sections:
            old_pk = section.pk
            section.pk = None
            section._state.adding = True
            section.instrument = copy
            section.save()
            section_map[old_pk] = section

        question_map = {}
        conditions = {q.pk: q.show_if_question_id for q in questions if q.show_if_question_id}
        # Parents (matrices) sort before their rows because parent_id is NULL for them.
        for question in sorted(questions, key=lambda q: (q.parent_id is not None, q.order)):
            old_pk = question.pk
            question.pk = None
            question._state.adding = True
            question.instrument = copy
            question.section = section_map.get(question.section_id)
            question.parent = question_map.get(question.parent_id)
            question.show_if_question = None
            question.save()
            question_map[old_pk] = question
        # Skip conditions point at the copied questions.
        for old_pk, condition_pk in conditions.items():
            question = question_map[old_pk]
            question.show_if_question = question_map[condition_pk]
            question.save(update_fields=["show_if_question"])

        for choice in choices:
            choice.pk = None
            choice._state.adding = True
            choice.question = question_map[choice.question_id]
        Choice.objects.bulk_create(choices)
        return copy


# Questions with their sections and choices, per instrument, kept in this process and keyed
# by the instrument's `updated_at`, which every change to a question, choice or section moves.
# Read-only: requests share these objects.
_question_cache = {}


class Section(StructureModel):
    """A page of an instrument: one section per step for residents."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    structure_fields = ("instrument", "number")
    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="section_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_instrument_id(self):
        return self.instrument_id


class Question(StructureModel):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        LIKERT = "likert", _("Rating scale")
        MATRIX = "matrix", _("Matrix")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        AREA = "area", _("Community area")
        ZIP = "zip", _("ZIP code")

    CHOICE_TYPES = {Type.SINGLE, Type.MULTIPLE, Type.LIKERT, Type.MATRIX}

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="questions",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("matrix"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rows",
        help_text=_("For a matrix row: the matrix whose choices it shares."),
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Stable identifier, unique within the instrument; used in data and exports."),
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.TextField(_("question text"))
    help_text = models.TextField(_("help text"), blank=True)
    max_length = models.PositiveIntegerField(
        _("maximum length"), null=True, blank=True, help_text=_("For text answers.")
    )
    min_value = models.DecimalField(
        _("minimum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("skip logic: question"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Skip logic: a question in an earlier section."),
    )
    show_if_choices = ArrayField(
        models.CharField(max_length=60),
        verbose_name=_("skip logic: choice codes that show this question"),
        default=list,
        blank=True,
    )
    eligible_choices = ArrayField(
        models.CharField(max_length=60),
        verbose_name=_("eligibility: choice codes that may continue"),
        default=list,
        blank=True,
        help_text=_(
            "Makes this an eligibility question of the first section: any other answer ends "
            "the survey politely and stores nothing."
        ),
    )

    structure_fields = (
        "instrument",
        "section",
        "parent",
        "code",
        "type",
        "required",
        "order",
        "max_length",
        "min_value",
        "max_value",
        "show_if_question",
        "show_if_choices",
        "eligible_choices",
    )
    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="question_unique_code"),
        ]

    def __str__(self):
        return self.code

    def get_instrument_id(self):
        return self.instrument_id

    @property
    def is_matrix_row(self):
        return self.parent_id is not None

    @property
    def has_choices(self):
        return self.type in self.CHOICE_TYPES or self.is_matrix_row

    def clean(self):
        errors = {}
        if self.parent_id and self.parent.type != self.Type.MATRIX:
            errors["parent"] = _("Only a matrix question can have rows.")
        if self.type == self.Type.MATRIX and self.parent_id:
            errors["type"] = _("A matrix row cannot be a matrix itself.")
        if self.show_if_question_id:
            condition = self.show_if_question
            if condition.instrument_id != self.instrument_id:
                errors["show_if_question"] = _("Choose a question of the same instrument.")
            elif not (
                condition.section_id
                and self.section_id
                and condition.section.number < self.section.number
            ):
                errors["show_if_question"] = _(
                    "Skip logic can only refer to a question in an earlier section."
                )
            else:
                source = condition.parent if condition.parent_id else condition
                known = set(source.choices.values_list("code", flat=True))
                unknown = [code for code in self.show_if_choices if code not in known]
                if unknown or not self.show_if_choices:
                    errors["show_if_choices"] = _(
                        "List one or more choice codes of that question: %(codes)s"
                    ) % {"codes": ", ".join(sorted(known))}
        if self.eligible_choices:
            if not (self.section_id and self.section.number == 1):
                errors["eligible_choices"] = _("Eligibility questions belong in the first section.")
            else:
                known = set(self.choices.values_list("code", flat=True)) if self.pk else set()
                if self.pk and not set(self.eligible_choices) <= known:
                    errors["eligible_choices"] = _(
                        "List one or more choice codes of this question: %(codes)s"
                    ) % {"codes": ", ".join(sorted(known))}
        if errors:
            raise ValidationError(errors)
        super().clean()


class Choice(StructureModel):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    code = models.SlugField(
        _("code"), max_length=60, help_text=_("Unique within its question; used in data.")
    )
    label = models.CharField(_("label"), max_length=300)
    value = models.IntegerField(
        _("numeric value"), null=True, blank=True, help_text=_("For rating scales.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    is_other = models.BooleanField(
        _("other, please specify"),
        default=False,
        help_text=_("Choosing it asks the resident to write their answer."),
    )

    structure_fields = ("question", "code", "value", "order", "is_other")
    instrument_lookup = "question__instrument_id"
    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_unique_code"),
        ]

    def __str__(self):
        return self.code

    def get_instrument_id(self):
        if self.question_id is None:
            return None
        return (
            Question.objects.filter(pk=self.question_id)
            .values_list("instrument_id", flat=True)
            .first()
        )


# Instruments and organizations as the resident pages read them, kept in this process and
# keyed by their `updated_at` (and the instrument's status, which a bare UPDATE can change
# alone). Read-only: requests share these objects.
_instance_cache = {}
STAMP_FIELDS = {"Instrument": ("updated_at", "status"), "Organization": ("updated_at",)}


def cached_instance(model, pk, stamp):
    """The instance of `model` with this pk, from this process while its stamp has not moved."""
    key = (model.__name__, pk)
    cached = _instance_cache.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    instance = model.objects.get(pk=pk)
    own_stamp = tuple(getattr(instance, name) for name in STAMP_FIELDS[model.__name__])
    _instance_cache[key] = (own_stamp, instance)
    return instance


# Short codes avoid characters people confuse on a flyer: 0/o, 1/l/i.
SHORT_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SHORT_CODE_LENGTH = 8


# for_resident's SQL per database alias, and the stamps it reads besides the link's columns.
_resident_queries = {}
STAMPS = ("instrument_stamp", "instrument_status", "organization_stamp")


def new_link_token():
    return secrets.token_urlsafe(24)


def new_short_code():
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


class CollectionLinkQuerySet(OrganizationScopedQuerySet):
    def with_content_stamps(self):
        """The link's own columns and what tells whether its instrument and organization
        kept in this process are still current (see cached_instance): a narrow row, where
        the instrument and the organization with every language's texts are ~90 columns."""
        return self.annotate(
            instrument_stamp=models.F("instrument__updated_at"),
            instrument_status=models.F("instrument__status"),
            organization_stamp=models.F("organization__updated_at"),
        )

    def for_resident(self, *, token):
        """One link with its instrument and organization for the resident's pages: one
        narrow query while the instrument and organization have not changed.

        Every resident request starts here, so the query's SQL is compiled once per process
        (building it through the ORM cost more CPU than PostgreSQL spends answering it)."""
        names, sql = self._resident_query()
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [token])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist("CollectionLink matching query does not exist.")
        fields = len(names) - len(STAMPS)
        link = self.model.from_db(self.db, names[:fields], row[:fields])
        for name, value in zip(names[fields:], row[fields:], strict=True):
            setattr(link, name, value)
        link.instrument = cached_instance(
            Instrument, link.instrument_id, (link.instrument_stamp, link.instrument_status)
        )
        link.organization = cached_instance(
            Organization, link.organization_id, (link.organization_stamp,)
        )
        return link

    def _resident_query(self):
        key = self.db
        if key not in _resident_queries:
            names = [f.attname for f in self.model._meta.concrete_fields] + list(STAMPS)
            query = self.with_content_stamps().order_by().filter(token="").values_list(*names).query
            sql, params = query.get_compiler(using=self.db).as_sql()
            assert list(params) == [""], params
            _resident_queries[key] = (names, sql)
        return _resident_queries[key]

    def with_figures(self):
        """Each link's completed (included) responses, counted by PostgreSQL in the same
        query as the links; started and consented are counters on the link itself."""
        return self.annotate(
            completed=models.Count(
                "responses", filter=models.Q(responses__status=Response.Status.INCLUDED)
            )
        )


class CollectionLink(models.Model):
    """A public link (and QR code) that attributes responses to one organization."""

    class Kind(models.TextChoices):
        WEB = "web", _("Web")
        KIOSK = "kiosk", _("Kiosk (shared tablet)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_link_token, editable=False
    )
    short_code = models.CharField(
        _("short code"), max_length=10, unique=True, default=new_short_code, editable=False
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="links",
    )
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="links"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WEB)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    label = models.CharField(
        _("event or site"), max_length=200, blank=True, help_text=_("Optional, for your records.")
    )
    ends_on = models.DateField(
        _("last day"),
        null=True,
        blank=True,
        help_text=_("Optional. After this day the link says the survey has ended."),
    )
    # Figures without resident data: one F() increment in the consent page's POST, which
    # already writes the resident's draft. Started: answered the consent page (agreed or
    # declined); consented: agreed. Completed is counted from responses (with_figures).
    started = models.PositiveIntegerField(_("started"), default=0, editable=False)
    consented = models.PositiveIntegerField(_("consented"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Set when the facilitator pauses or closes the link: their decision binds the CBO, as
    # for exclusions. A flag rather than a user, so the links page needs no query per link.
    decided_by_facilitator = models.BooleanField(
        _("paused or closed by the facilitator"), default=False, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CollectionLinkQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "created_at"]
        verbose_name = _("collection link")
        verbose_name_plural = _("collection links")

    def __str__(self):
        return f"{self.organization} – {self.instrument} ({self.short_code})"

    def get_absolute_url(self):
        return reverse("surveys:start", kwargs={"token": self.token})

    def get_short_url(self):
        return reverse("short_link", kwargs={"code": self.short_code})

    def public_urls(self, request):
        """Absolute URLs: the short one (follows the phone's language), and one per language
        with its QR code."""
        short = request.build_absolute_uri(self.get_short_url())
        by_language = []
        for code in self.instrument.offered_languages or [settings.LANGUAGE_CODE]:
            with translation.override(code):
                by_language.append(
                    {
                        "code": code,
                        "name": translation.get_language_info(code)["name_local"],
                        "dir": "rtl" if translation.get_language_info(code)["bidi"] else "ltr",
                        "url": request.build_absolute_uri(self.get_absolute_url()),
                        "qr": reverse("surveys:qr", kwargs={"token": self.token}) + f"?lang={code}",
                    }
                )
        return short, by_language

    @property
    def has_passed_end(self):
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    @property
    def has_ended(self):
        """Closed, past its last day, or its instrument closed: flyers say it has ended."""
        return (
            self.status == self.Status.CLOSED
            or self.instrument.status == Instrument.Status.CLOSED
            or self.has_passed_end
        )

    @property
    def is_usable(self):
        return (
            self.status == self.Status.ACTIVE
            and self.instrument.status == Instrument.Status.OPEN
            and not self.has_passed_end
        )

    def locked_for(self, user):
        """A pause or close the facilitator decided cannot be undone by CBO staff."""
        return (
            self.status != self.Status.ACTIVE
            and self.decided_by_facilitator
            and not user.is_facilitator
        )

    def set_status(self, status, user):
        self.status = status
        self.decided_by_facilitator = status != self.Status.ACTIVE and user.is_facilitator
        self.save(update_fields=["status", "decided_by_facilitator"])

    def count(self, *, consented):
        """One resident answered the consent page: one UPDATE, no resident data.

        Written out (`started = started + 1`, as F() would have it): it runs in every
        resident's storing request, and the ORM's update took longer than PostgreSQL."""
        connection = connections[CollectionLink.objects.db]
        quote = connection.ops.quote_name
        counters = ["started", "consented"] if consented else ["started"]
        assignments = ", ".join(f"{quote(name)} = {quote(name)} + 1" for name in counters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(self._meta.db_table)} SET {assignments} "
                f"WHERE {quote(self._meta.pk.column)} = %s",
                [self.pk],
            )

    @property
    def completion_rate(self):
        """Completed (included) responses per started walk, as a whole percentage."""
        completed = getattr(self, "completed", None)
        if not self.started or completed is None:
            return None
        return min(100, round(100 * completed / self.started))


class ResponseQuerySet(OrganizationScopedQuerySet):
    def included(self):
        return self.filter(status=Response.Status.INCLUDED)

    def mark_excluded(self, *, by, reason, note=""):
        """Exclude the included ones among these, each with an entry in its history.
        Returns how many were excluded."""
        now = timezone.now()
        with transaction.atomic():
            ids = list(self.included().select_for_update().values_list("pk", flat=True))
            Response.objects.filter(pk__in=ids).update(
                status=Response.Status.EXCLUDED,
                exclusion_reason=reason,
                exclusion_note=note,
                excluded_by=by,
                excluded_at=now,
            )
            ResponseEvent.objects.bulk_create(
                ResponseEvent(
                    response_id=pk,
                    kind=ResponseEvent.Kind.EXCLUDED,
                    by=by,
                    at=now,
                    reason=reason,
                    note=note,
                )
                for pk in ids
            )
        return len(ids)

    def mark_included(self, *, by):
        """Include these again; their exclusion stays in their history."""
        now = timezone.now()
        with transaction.atomic():
            ids = list(
                self.filter(status=Response.Status.EXCLUDED)
                .select_for_update()
                .values_list("pk", flat=True)
            )
            Response.objects.filter(pk__in=ids).update(
                status=Response.Status.INCLUDED,
                exclusion_reason="",
                exclusion_note="",
                excluded_by=None,
                excluded_at=None,
            )
            ResponseEvent.objects.bulk_create(
                ResponseEvent(response_id=pk, kind=ResponseEvent.Kind.INCLUDED, by=by, at=now)
                for pk in ids
            )
        return len(ids)


class Response(models.Model):
    """One resident's submission. Its id is minted when the resident starts."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        KIOSK = "kiosk", _("Kiosk")
        PAPER = "paper", _("Paper entry")

    class Status(models.TextChoices):
        INCLUDED = "included", _("Included")
        EXCLUDED = "excluded", _("Excluded")

    class ExclusionReason(models.TextChoices):
        TEST = "test", _("Test")
        SPAM = "spam", _("Spam")
        DUPLICATE = "duplicate", _("Duplicate")
        # A paper whose eligibility answers say the person may not take part (the web
        # survey ends politely instead and stores nothing).
        INELIGIBLE = "ineligible", _("Not eligible")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    link = models.ForeignKey(
        CollectionLink,
        verbose_name=_("collection link"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10)
    languages_used = ArrayField(
        models.CharField(max_length=10), verbose_name=_("languages used"), default=list
    )
    consented = models.BooleanField(_("consent given"), default=False)
    consent_version = models.PositiveIntegerField(_("consent version"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    area = models.ForeignKey(
        Area,
        verbose_name=_("community area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INCLUDED
    )
    exclusion_reason = models.CharField(
        _("exclusion reason"), max_length=20, choices=ExclusionReason.choices, blank=True
    )
    exclusion_note = models.CharField(_("exclusion note"), max_length=300, blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("excluded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    excluded_at = models.DateTimeField(_("excluded at"), null=True, blank=True)
    # Paper entry: who typed it in, from which batch, the paper's serial number and language.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paper_batch = models.CharField(_("batch"), max_length=100, blank=True)
    paper_serial = models.CharField(_("serial number"), max_length=50, blank=True)
    paper_language = models.CharField(_("paper language"), max_length=10, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(channel="paper", link__isnull=True))
                | (~models.Q(channel="paper") & models.Q(link__isnull=False)),
                name="response_link_unless_paper",
            ),
            models.CheckConstraint(
                condition=models.Q(status="included") | ~models.Q(exclusion_reason=""),
                name="response_excluded_has_reason",
            ),
        ]
        indexes = [
            # The admin's and the workspace's lists: newest first within one instrument.
            models.Index(fields=["instrument", "-submitted_at"], name="response_instrument_recent"),
            # Counts per organization (workspace home, findings).
            models.Index(
                fields=["organization", "instrument", "status"], name="response_org_counts"
            ),
            # The response list: the newest 50 of 100,000 read from an index, not sorted.
            models.Index(fields=["-submitted_at", "id"], name="response_recent"),
            # The response list filtered by paper batch, newest first.
            models.Index(
                fields=["paper_batch", "-submitted_at"],
                condition=models.Q(channel="paper"),
                name="response_paper_batch",
            ),
        ]

    def __str__(self):
        return str(self.id)


class Answer(models.Model):
    """One answer: a chosen choice (one row per choice for multiple choice), text, number or area."""

    class Special(models.TextChoices):
        DONT_KNOW = "dont_know", _("I don't know")
        PREFER_NOT = "prefer_not", _("Prefer not to say")
        NO_ANSWER = "no_answer", _("No answer")
        UNREADABLE = "unreadable", _("Unreadable or several marks")

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    choice = models.ForeignKey(
        Choice,
        verbose_name=_("choice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
    )
    text = models.TextField(_("text"), blank=True)
    number = models.DecimalField(
        _("number"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    special = models.CharField(
        _("special answer"), max_length=20, choices=Special.choices, blank=True
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                nulls_distinct=False,
                # Results subtract the answers of the few responses outside their base
                # (findings.results.answer_aggregates): read from this index alone.
                include=["area", "special", "number"],
                name="answer_unique_per_choice",
            ),
        ]
        indexes = [
            # Results (findings.results.answer_aggregates): the plain answers (choices,
            # areas, text) counted by question, choice and area from this index alone.
            # Identical keys share one entry, so it stays small. Migration 0004 adds
            # statistics that tell the planner how few groups these columns make.
            models.Index(
                fields=["question", "choice", "area"],
                condition=models.Q(special="", number__isnull=True),
                name="answer_plain_counts",
            ),
            # Results (findings.results.answer_aggregates): the few answers with a special
            # mark or a number, counted apart from the millions of plain ones.
            models.Index(
                fields=["question"],
                condition=~models.Q(special="") | models.Q(number__isnull=False),
                name="answer_special_or_number",
            ),
            # The coding queue (findings.coding.items_sql): the few answers with a text.
            models.Index(
                fields=["question"],
                condition=~models.Q(text=""),
                name="answer_with_text",
            ),
            # Results: respondents of each multiple-choice question (DISTINCT question,
            # response in index order).
            models.Index(fields=["question", "response"], name="answer_question_response"),
            # The response list's search (ResponseFilterForm.apply): text__icontains is
            # UPPER(text) LIKE UPPER('%words%'), which a trigram index answers without
            # reading every answer. Only answers with text are in it.
            GinIndex(
                OpClass(Upper("text"), name="gin_trgm_ops"),
                condition=~models.Q(text=""),
                name="answer_text_search",
            ),
        ]

    def __str__(self):
        return f"{self.question.code}"


class ResponseEvent(models.Model):
    """The history of one response: exclusions, inclusions again and corrections of a paper
    entry's answers, each with who and when. Never updated or removed (but with the response
    after its retention period)."""

    class Kind(models.TextChoices):
        EXCLUDED = "excluded", _("Excluded")
        INCLUDED = "included", _("Included again")
        CORRECTED = "corrected", _("Answers corrected")

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(
        _("exclusion reason"), max_length=20, choices=Response.ExclusionReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Corrections: [question code, answer before, answer after] of each question that
    # changed, in the instrument's order (a list: jsonb does not keep the order of keys).
    changes = models.JSONField(_("changes"), default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("response history entry")
        verbose_name_plural = _("response history")
        indexes = [
            # The response page: one response's history in time order.
            models.Index(fields=["response", "at"], name="response_event_history"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


def store_response(*, response, answers, along=None):
    """Store a response and its answers in one transaction, exactly once.

    `response` is an unsaved Response whose id was minted when the resident started;
    `answers` are unsaved Answers. A response id already stored (a double tap, a retry, a
    reload of the POST) stores nothing and returns False: the unique primary key decides,
    so concurrent repeats are safe too. `along`, if given, is called in the same
    transaction once the response is stored (a link's count that goes with it).
    """
    try:
        with transaction.atomic():
            response.save(force_insert=True)
            for answer in answers:
                answer.response = response
            insert_answers(answers)
            if along is not None:
                along()
    except IntegrityError:
        if Response.objects.filter(pk=response.pk).exists():
            return False
        raise
    return True


# The columns of the answers' INSERT, and its SQL per database alias (insert_answers).
ANSWER_COLUMNS = ("response", "question", "choice", "text", "number", "area", "special")
_answer_inserts = {}


def insert_answers(answers):
    """Answer.objects.bulk_create(answers) in one INSERT over arrays (UNNEST), as Django's
    own writes it on PostgreSQL, but with its SQL built once per process: the compiler
    prepares every value of every row, a quarter of the CPU of the request that stores a
    resident's twenty answers. The answers get their ids, as with bulk_create."""
    if not answers:
        return
    connection = connections[Answer.objects.db]
    if connection.alias not in _answer_inserts:
        fields = [Answer._meta.get_field(name) for name in ANSWER_COLUMNS]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        _answer_inserts[connection.alias] = (
            [f.attname for f in fields],
            f"INSERT INTO {connection.ops.quote_name(Answer._meta.db_table)} ({columns}) "
            f"SELECT * FROM UNNEST({arrays}) RETURNING "
            + connection.ops.quote_name(Answer._meta.pk.column),
        )
    names, sql = _answer_inserts[connection.alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [[getattr(a, name) for a in answers] for name in names])
        ids = cursor.fetchall()
    for answer, (pk,) in zip(answers, ids, strict=True):
        answer.pk = pk
        answer._state.adding = False
        answer._state.db = connection.alias


def answer_values(answers):
    """Answers as {question code: sorted values} in plain strings, for comparing two typings
    of one paper: stored Answer rows and a form's unsaved ones alike."""
    values = {}
    for answer in answers:
        if answer.special:
            value = f"special:{answer.special}"
        elif answer.choice_id or answer.choice is not None:
            value = answer.choice.code + (f": {answer.text}" if answer.text else "")
        elif answer.area_id:
            value = f"area:{answer.area_id}"
        elif answer.number is not None:
            value = f"number:{answer.number.normalize():f}"
        else:
            value = answer.text
        values.setdefault(answer.question.code, []).append(value)
    return {code: sorted(found) for code, found in values.items()}


class SecondEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(response__in=Response.objects.visible_to(user))


class SecondEntry(models.Model):
    """A paper typed a second time, blind, by another person (optional double entry). Its
    answers are kept apart from the stored response, compared with it, and each mismatch is
    settled: keep the first typing or take the second."""

    response = models.OneToOneField(
        Response,
        verbose_name=_("first entry"),
        on_delete=models.CASCADE,
        related_name="second_entry",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    # {question code: [values]} as answer_values() writes them.
    answers = models.JSONField(_("answers"), default=dict)
    # How many questions both typings answered alike, of all answered in either: the batch
    # register's agreement rate is the sum of these, counted once when the second typing is
    # stored (settling a mismatch later does not change how well the typists agreed).
    matched = models.PositiveIntegerField(_("questions typed alike"), default=0)
    compared = models.PositiveIntegerField(_("questions compared"), default=0)
    # {question code: "first" | "second"} for each mismatch settled.
    decisions = models.JSONField(_("decisions"), default=dict, blank=True)

    objects = SecondEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("second entry")
        verbose_name_plural = _("second entries")

    def __str__(self):
        return f"{self.response.paper_batch} {self.response.paper_serial}"

    def mismatches(self, first):
        """Question codes typed differently; `first` is answer_values() of the response."""
        codes = set(first) | set(self.answers)
        return sorted(code for code in codes if first.get(code, []) != self.answers.get(code, []))

    def compare(self, first):
        codes = set(first) | set(self.answers)
        self.compared = len(codes)
        self.matched = len(codes) - len(self.mismatches(first))


class TargetQuerySet(OrganizationScopedQuerySet):
    def progress(self, responses):
        """Each target with its count of completed (included) responses: four queries in all,
        however many targets, areas, languages and responses there are.

        `responses` is the included responses the reader may see (already scoped)."""
        targets = list(self.select_related("organization", "instrument", "area"))
        instruments = {t.instrument_id for t in targets}
        mine = responses.filter(instrument_id__in=instruments)
        keys = ("organization_id", "instrument_id")
        overall = {
            (row["organization_id"], row["instrument_id"]): row["total"]
            for row in mine.values(*keys).annotate(total=models.Count("id")).order_by()
        }
        by_area = {
            (row["organization_id"], row["instrument_id"], row["area_id"]): row["total"]
            for row in mine.filter(area__isnull=False)
            .values(*keys, "area_id")
            .annotate(total=models.Count("id"))
            .order_by()
        }
        by_language = {
            (row["organization_id"], row["instrument_id"], row["language"]): row["total"]
            for row in mine.values(*keys, "language").annotate(total=models.Count("id")).order_by()
        }
        for target in targets:
            key = (target.organization_id, target.instrument_id)
            if target.area_id:
                target.done = by_area.get((*key, target.area_id), 0)
            elif target.language:
                target.done = by_language.get((*key, target.language), 0)
            else:
                target.done = overall.get(key, 0)
        return targets


class Target(models.Model):
    """How many completed surveys the facilitator asks of an organization for an instrument:
    overall, or in one community area, or in one language."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("survey"),
        on_delete=models.CASCADE,
        related_name="targets",
        limit_choices_to={"kind": Instrument.Kind.SURVEY},
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("community area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Area.Kind.COMMUNITY_AREA},
        help_text=_("Optional: a target for one community area."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("Optional: a target for one language, e.g. es."),
    )
    completed = models.PositiveIntegerField(_("completed surveys"))

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "instrument", "area__number", "language"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            # One target per organization, instrument and scope (overall, an area or a
            # language), so the workspace home shows one bar for each.
            models.UniqueConstraint(
                fields=["organization", "instrument", "area", "language"],
                nulls_distinct=False,
                name="target_unique_scope",
            ),
            # A target is overall, per area or per language, never both at once.
            models.CheckConstraint(
                condition=models.Q(area__isnull=True) | models.Q(language=""),
                name="target_area_or_language",
            ),
        ]

    def __str__(self):
        return f"{self.organization} – {self.instrument}: {self.completed}"

    def clean(self):
        super().clean()
        if self.language and self.language not in settings.CONTENT_LANGUAGES:
            raise ValidationError(
                {
                    "language": _("Use one of these language codes: %(codes)s")
                    % {"codes": ", ".join(settings.CONTENT_LANGUAGES)}
                }
            )
        if self.language and self.area_id:
            raise ValidationError(
                _("A target is for one community area or one language, not both.")
            )

    @property
    def percent(self):
        done = getattr(self, "done", 0)
        return min(100, round(100 * done / self.completed)) if self.completed else 100


class ListeningSession(models.Model):
    """A listening session a CBO held: when, where, who came (a count, never names), and per
    prompt of its discussion guide what was said."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETE = "complete", _("Complete")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="listening_sessions",
    )
    guide = models.ForeignKey(
        Instrument,
        verbose_name=_("discussion guide"),
        on_delete=models.PROTECT,
        related_name="listening_sessions",
        limit_choices_to={"kind": Instrument.Kind.GUIDE},
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("community area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    languages = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
    )
    attendees = models.PositiveIntegerField(_("number of attendees"), null=True, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("facilitated by"), blank=True, related_name="+"
    )
    note_takers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("notes taken by"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Minted when the form is first shown: a double submit finds the session it created.
    form_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("listening session")
        verbose_name_plural = _("listening sessions")
        indexes = [
            # The organization's session list, newest first.
            models.Index(fields=["organization", "-held_on"], name="session_org_recent"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.place}".strip()


class PromptNote(models.Model):
    """What was said about one prompt of the guide in one session."""

    session = models.ForeignKey(
        ListeningSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="notes"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("prompt"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary of what was said"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("prompt notes")
        verbose_name_plural = _("prompt notes")
        constraints = [
            models.UniqueConstraint(fields=["session", "question"], name="prompt_note_unique"),
        ]

    def __str__(self):
        return self.question.code


class SessionQuote(models.Model):
    """A notable quote, with an optional non-identifying descriptor, never a name."""

    session = models.ForeignKey(
        ListeningSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="quotes"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("prompt"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("quote"))
    descriptor = models.CharField(
        _("who said it (no names)"),
        max_length=100,
        blank=True,
        help_text=_("For example: youth participant, long-time resident. Never a name."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self):
        return self.text[:60]
