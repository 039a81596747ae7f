import factory

from organizations.models import Membership, Organization, User
from surveys.models import Choice, CollectionLink, Instrument, Question, Response, Section

LANGS = ("en", "es", "zh_hans")


def texts(en, es, zh):
    return dict(zip([f"_{code}" for code in LANGS], (en, es, zh), strict=True))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.CBO
    contact_line_en = "Call 312-555-0100."
    contact_line_es = "Llame al 312-555-0100."
    contact_line_zh_hans = "请致电 312-555-0100。"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.STAFF


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    code = factory.Sequence(lambda n: f"survey-{n}")
    status = Instrument.Status.OPEN
    languages = ["en", "es", "zh-hans"]
    title_en = "Neighborhood survey"
    title_es = "Encuesta del vecindario"
    title_zh_hans = "社区问卷"
    consent_text_en = "Taking part is voluntary."
    consent_text_es = "Participar es voluntario."
    consent_text_zh_hans = "参加是自愿的。"
    thank_you_text_en = "Thanks for your time."
    thank_you_text_es = "Gracias por su tiempo."
    thank_you_text_zh_hans = "感谢您抽出时间。"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    instrument = factory.SubFactory(InstrumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    title_en = "Section"
    title_es = "Sección"
    title_zh_hans = "部分"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    instrument = factory.SelfAttribute("section.instrument")
    section = factory.SubFactory(SectionFactory)
    code = factory.Sequence(lambda n: f"q{n}")
    type = Question.Type.SHORT_TEXT
    order = factory.Sequence(lambda n: n * 10)
    text_en = "Question"
    text_es = "Pregunta"
    text_zh_hans = "问题"


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    code = factory.Sequence(lambda n: f"c{n}")
    order = factory.Sequence(lambda n: n)
    label_en = "Choice"
    label_es = "Opción"
    label_zh_hans = "选项"


class CollectionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectionLink

    organization = factory.SubFactory(OrganizationFactory)
    instrument = factory.SubFactory(InstrumentFactory)


def choices(question, *items):
    """Choices from (code, en, es, zh[, value]) tuples."""
    made = []
    for order, item in enumerate(items):
        code, en, es, zh, *rest = item
        made.append(
            ChoiceFactory(
                question=question,
                code=code,
                order=order,
                label_en=en,
                label_es=es,
                label_zh_hans=zh,
                value=rest[0] if rest else None,
                is_other=code == "other",
            )
        )
    return made


def small_survey(**instrument_fields):
    """A survey with one question of every type, a matrix and one skip rule."""
    instrument = InstrumentFactory(**instrument_fields)
    first = SectionFactory(
        instrument=instrument,
        number=1,
        title_en="About you",
        title_es="Sobre usted",
        title_zh_hans="关于您",
    )
    second = SectionFactory(
        instrument=instrument,
        number=2,
        title_en="Safety",
        title_es="Seguridad",
        title_zh_hans="安全",
    )

    def question(section, code, type, en, es, zh, **extra):
        return QuestionFactory(
            instrument=instrument,
            section=section,
            code=code,
            type=type,
            text_en=en,
            text_es=es,
            text_zh_hans=zh,
            **extra,
        )

    question(
        first,
        "home_area",
        "area",
        "Where do you live?",
        "¿Dónde vive?",
        "您住在哪里?",
        required=True,
        order=10,
    )
    contact = question(
        first,
        "contact",
        "single",
        "Any contact with police?",
        "¿Algún contacto con la policía?",
        "与警察有过接触吗?",
        order=20,
    )
    choices(contact, ("yes", "Yes", "Sí", "有"), ("no", "No", "No", "没有"))
    trust = question(
        second,
        "trust",
        "likert",
        "I trust the police.",
        "Confío en la policía.",
        "我信任警察。",
        required=True,
        order=30,
    )
    choices(
        trust,
        ("disagree", "Disagree", "En desacuerdo", "不同意", 1),
        ("neutral", "Neutral", "Neutral", "中立", 2),
        ("agree", "Agree", "De acuerdo", "同意", 3),
    )
    treated = question(
        second,
        "treated",
        "single",
        "Were you treated fairly?",
        "¿Le trataron con justicia?",
        "您受到公平对待了吗?",
        order=40,
        show_if_question=contact,
        show_if_choices=["yes"],
    )
    choices(
        treated,
        ("fair", "Fairly", "Con justicia", "公平"),
        ("unfair", "Unfairly", "Injustamente", "不公平"),
    )
    worries = question(
        second,
        "worries",
        "multiple",
        "What worries you?",
        "¿Qué le preocupa?",
        "您担心什么?",
        order=50,
    )
    choices(
        worries,
        ("traffic", "Traffic", "El tráfico", "交通"),
        ("theft", "Theft", "Los robos", "盗窃"),
        ("other", "Other", "Otro", "其他"),
    )
    matrix = question(
        second,
        "who",
        "matrix",
        "Who should respond?",
        "¿Quién debe responder?",
        "应该由谁来处理?",
        order=60,
    )
    choices(
        matrix,
        ("police", "Police", "La policía", "警察"),
        ("professional", "A clinician", "Un profesional clínico", "专业人员"),
    )
    question(
        second,
        "who_crisis",
        "single",
        "A mental-health crisis",
        "Una crisis de salud mental",
        "心理健康危机",
        order=61,
        parent=matrix,
    )
    question(
        second,
        "who_noise",
        "single",
        "A noise complaint",
        "Una queja por ruido",
        "噪音投诉",
        order=62,
        parent=matrix,
    )
    question(
        second,
        "household",
        "number",
        "How many people live with you?",
        "¿Cuántas personas viven con usted?",
        "您家有几口人?",
        order=70,
        min_value=1,
        max_value=30,
    )
    question(second, "zip", "zip", "Your ZIP code", "Su código postal", "您的邮政编码", order=80)
    question(
        second,
        "idea",
        "long_text",
        "One idea to make you safer",
        "Una idea para su seguridad",
        "一个让您更安全的建议",
        order=90,
    )
    return instrument


def make_response(link, **fields):
    return Response.objects.create(
        instrument=link.instrument,
        organization=link.organization,
        link=link,
        channel=fields.pop("channel", "web"),
        language=fields.pop("language", "en"),
        **fields,
    )
