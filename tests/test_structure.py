"""Once real responses exist, an instrument's structure is frozen; wording stays editable."""

import pytest
from django.urls import reverse

from surveys.models import Choice, Instrument, Question, Response, Section, StructureFrozen

from .factories import CollectionLinkFactory, QuestionFactory, small_survey

pytestmark = pytest.mark.django_db


def respond(link):
    return Response.objects.create(
        instrument=link.instrument,
        organization=link.organization,
        link=link,
        channel=Response.Channel.WEB,
        language="en",
    )


@pytest.fixture
def frozen(link):
    respond(link)
    return link.instrument


def test_draft_structure_can_change(survey):
    question = survey.questions.get(code="trust")
    question.code = "trust_police"
    question.save()
    assert Question.objects.filter(code="trust_police").exists()


@pytest.mark.parametrize(
    "field, value",
    [("code", "renamed"), ("type", "number"), ("required", True), ("order", 999)],
)
def test_frozen_question_structure_cannot_change(frozen, field, value):
    question = frozen.questions.get(code="idea")
    setattr(question, field, value)
    with pytest.raises(StructureFrozen):
        question.save()
    assert Question.objects.get(pk=question.pk).code == "idea"


def test_frozen_question_wording_and_translations_stay_editable(frozen):
    question = frozen.questions.get(code="idea")
    question.text_es = "Una idea para que usted se sienta más seguro"
    question.help_text_zh_hans = "请简短回答。"
    question.save()
    question.refresh_from_db()
    assert question.text_es == "Una idea para que usted se sienta más seguro"


def test_frozen_instrument_refuses_new_question_choice_or_section(frozen):
    section = frozen.sections.first()
    with pytest.raises(StructureFrozen):
        QuestionFactory(instrument=frozen, section=section, code="new")
    with pytest.raises(StructureFrozen):
        Choice.objects.create(question=frozen.questions.get(code="trust"), code="x", label="X")
    with pytest.raises(StructureFrozen):
        Section.objects.create(instrument=frozen, number=9, title="New")


def test_frozen_choice_cannot_change_or_be_deleted_but_label_can(frozen):
    choice = Choice.objects.get(question__instrument=frozen, code="agree")
    choice.label_es = "Estoy de acuerdo"
    choice.save()
    choice.value = 7
    with pytest.raises(StructureFrozen):
        choice.save()
    with pytest.raises(StructureFrozen):
        choice.delete()
    assert Choice.objects.get(pk=choice.pk).value == 3


def test_frozen_structure_refuses_bulk_updates_and_deletes(frozen):
    questions = Question.objects.filter(instrument=frozen)
    with pytest.raises(StructureFrozen):
        questions.update(required=True)
    with pytest.raises(StructureFrozen):
        questions.delete()
    with pytest.raises(StructureFrozen):
        Choice.objects.filter(question__instrument=frozen).update(code="same")
    with pytest.raises(StructureFrozen):
        Choice.objects.filter(question__instrument=frozen).delete()
    with pytest.raises(StructureFrozen):
        Section.objects.filter(instrument=frozen).delete()
    listed = list(questions)
    for question in listed:
        question.order += 1
    with pytest.raises(StructureFrozen):
        Question.objects.bulk_update(listed, ["order"])
    assert questions.update(text_es="Texto nuevo") == questions.count()
    assert Question.objects.filter(instrument=frozen, required=True).count() == 2


def test_bulk_changes_to_a_draft_are_allowed(frozen):
    draft = small_survey()
    assert (
        Question.objects.filter(instrument=draft).update(required=True) == draft.questions.count()
    )
    Choice.objects.filter(question__instrument=draft).delete()
    assert Choice.objects.filter(question__instrument=frozen).count() == 12


def test_admin_inlines_of_frozen_instrument_are_read_only(admin_client, frozen):
    page = admin_client.get(
        reverse("admin:surveys_question_change", args=[frozen.questions.get(code="trust").pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    # Labels stay editable in every language, codes and values do not; no add, no delete.
    assert 'name="choices-0-label_es"' in html
    assert 'name="choices-0-code"' not in html
    assert 'name="choices-0-value"' not in html
    assert 'name="choices-0-DELETE"' not in html
    assert 'name="code"' not in html
    assert 'name="text_es"' in html
    assert 'name="choices-MAX_NUM_FORMS" value="0"' in html

    sections = admin_client.get(reverse("admin:surveys_instrument_change", args=[frozen.pk]))
    assert 'name="sections-0-title_es"' in sections.content.decode()
    assert 'name="sections-0-number"' not in sections.content.decode()


def test_admin_saves_wording_of_frozen_question(admin_client, frozen):
    question = frozen.questions.get(code="trust")
    url = reverse("admin:surveys_question_change", args=[question.pk])
    page = admin_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key.startswith(("text_", "help_text_"))
    }
    data = {k: v or "" for k, v in data.items()}
    data["text_es"] = "Confío en la policía de mi barrio."
    choices = list(question.choices.all())
    data.update(
        {
            "choices-TOTAL_FORMS": len(choices),
            "choices-INITIAL_FORMS": len(choices),
            "choices-MIN_NUM_FORMS": 0,
            "choices-MAX_NUM_FORMS": 1000,
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
            "rows-MIN_NUM_FORMS": 0,
            "rows-MAX_NUM_FORMS": 1000,
        }
    )
    for index, choice in enumerate(choices):
        data[f"choices-{index}-id"] = choice.pk
        data[f"choices-{index}-question"] = question.pk
        data[f"choices-{index}-label_en"] = choice.label_en
        data[f"choices-{index}-label_es"] = choice.label_es
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.text_es == "Confío en la policía de mi barrio."
    assert question.code == "trust"


def test_admin_bulk_delete_of_frozen_questions_is_refused(admin_client, frozen):
    ids = list(frozen.questions.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:surveys_question_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert Question.objects.filter(instrument=frozen).count() == len(ids)
    assert "<title>Cannot delete questions" in response.content.decode()


def test_admin_copies_instrument_as_new_draft_wave(admin_client, frozen):
    response = admin_client.post(
        reverse("admin:surveys_instrument_changelist"),
        {"action": "copy_as_new_wave", "_selected_action": [frozen.pk]},
    )
    assert response.status_code == 302
    copy = Instrument.objects.get(copied_from=frozen)
    assert (copy.status, copy.wave, copy.code) == ("draft", 2, f"{frozen.code}-w2")
    assert copy.title_es == frozen.title_es
    assert not copy.is_frozen()

    def structure(instrument):
        return sorted(
            (
                q.code,
                q.type,
                q.section.number,
                q.parent.code if q.parent else None,
                q.show_if_question.code if q.show_if_question else None,
                tuple(q.show_if_choices),
                tuple(q.choices.values_list("code", "value")),
            )
            for q in instrument.questions.select_related("section", "parent", "show_if_question")
        )

    assert structure(copy) == structure(frozen)
    assert copy.questions.get(code="treated").show_if_question.instrument == copy
    # The copy's structure is editable again.
    question = copy.questions.get(code="idea")
    question.type = "short_text"
    question.save()


def test_consent_version_goes_up_when_consent_text_changes(survey):
    assert survey.consent_version == 1
    survey.title_es = "Otro título"
    survey.save()
    assert survey.consent_version == 1
    survey.consent_text_zh_hans = "新的同意书。"
    survey.save()
    survey.refresh_from_db()
    assert survey.consent_version == 2


def test_skip_logic_must_refer_to_earlier_section(survey):
    from django.core.exceptions import ValidationError

    later = survey.questions.get(code="idea")
    earlier = survey.questions.get(code="contact")
    earlier.show_if_question = later
    earlier.show_if_choices = ["x"]
    with pytest.raises(ValidationError) as error:
        earlier.full_clean()
    assert "show_if_question" in error.value.message_dict


def test_unused_link_does_not_freeze(survey):
    CollectionLinkFactory(instrument=survey)
    assert not survey.is_frozen()
