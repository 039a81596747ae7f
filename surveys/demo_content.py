"""Demo content for the community engagement app (data only).

Everything in this module is plain Python data (dicts, lists, strings, ints)
and uses only the standard library. All organizations, phone numbers
(555-01xx) and e-mail addresses (demo.example.org) are fictional.

Every translatable text is a dict with exactly five keys:
"en" (English), "es" (Spanish, "usted"), "zh_hans" (Simplified Chinese),
"pl" (Polish) and "ar" (Arabic, Modern Standard). Polish and Arabic are loaded
but shown to residents only where the site offers them (OFFERED_LANGUAGES).

Contents:
    ORGANIZATIONS          8 demo community-based organizations (CBOs)
    FACILITATOR            the demo facilitator organization
    LIKERT_AGREE           shared 5-point agreement scale (values 1..5)
    SAFETY_SCALE, SATISFACTION_SCALE, IMPORTANCE_SCALE
                           other 5-point scales used by the survey
    SURVEY                 resident survey "community-safety-2026"
    DISCUSSION_GUIDE       listening session guide "listening-session-guide-2026"
    SAMPLE_TEXT_ANSWERS    synthetic answers for the survey's text questions
    SAMPLE_SESSION_NOTES   synthetic English notes for each guide prompt
"""

import copy


def _t(en, es, zh_hans, pl, ar):
    """Build a translatable text dict."""
    return {"en": en, "es": es, "zh_hans": zh_hans, "pl": pl, "ar": ar}


def _scale(scale):
    """Return an independent copy of a shared scale for one question."""
    return copy.deepcopy(scale)


# ---------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------

ORGANIZATIONS = [
    {
        "slug": "demo-pilsen-neighbors",
        "name": "Demo: Pilsen Neighbors Together",
        "home_area": 31,  # Lower West Side (Pilsen)
        "languages": ["en", "es"],
        "contact_line": _t(
            en="Questions? Call (312) 555-0131 or write to pilsen@demo.example.org. We speak English and Spanish.",
            es="¿Preguntas? Llame al (312) 555-0131 o escriba a pilsen@demo.example.org. Le atendemos en español y en inglés.",
            zh_hans="如有疑问，请致电 (312) 555-0131，或发邮件至 pilsen@demo.example.org。我们提供英语和西班牙语服务。",
            pl="Pytania? Zadzwoń pod numer (312) 555-0131 lub napisz na adres pilsen@demo.example.org. Mówimy po angielsku i po hiszpańsku.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(312) 555-0131\u200e أو راسلنا على pilsen@demo.example.org. نتحدث الإنجليزية والإسبانية.",
        ),
    },
    {
        "slug": "demo-chinatown-safety-circle",
        "name": "Demo: Chinatown Community Safety Circle",
        "name_zh_hans": "示范：华埠社区安全圈",
        "home_area": 34,  # Armour Square (Chinatown)
        "languages": ["zh_hans", "en"],
        "contact_line": _t(
            en="Questions? Call (312) 555-0134 or write to chinatown@demo.example.org. We speak English, Mandarin and Cantonese.",
            es="¿Preguntas? Llame al (312) 555-0134 o escriba a chinatown@demo.example.org. Atendemos en inglés, mandarín y cantonés.",
            zh_hans="如有疑问，请致电 (312) 555-0134，或发邮件至 chinatown@demo.example.org。我们可以用普通话、粤语和英语为您服务。",
            pl="Pytania? Zadzwoń pod numer (312) 555-0134 lub napisz na adres chinatown@demo.example.org. Mówimy po angielsku, mandaryńsku i kantońsku.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(312) 555-0134\u200e أو راسلنا على chinatown@demo.example.org. نتحدث الإنجليزية والماندرين والكانتونية.",
        ),
    },
    {
        "slug": "demo-bridgeport-residents",
        "name": "Demo: Bridgeport Residents Alliance",
        "home_area": 60,  # Bridgeport
        "languages": ["en", "zh_hans", "es"],
        "contact_line": _t(
            en="Questions? Call (773) 555-0160 or write to bridgeport@demo.example.org.",
            es="¿Preguntas? Llame al (773) 555-0160 o escriba a bridgeport@demo.example.org.",
            zh_hans="如有疑问，请致电 (773) 555-0160，或发邮件至 bridgeport@demo.example.org。",
            pl="Pytania? Zadzwoń pod numer (773) 555-0160 lub napisz na adres bridgeport@demo.example.org.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(773) 555-0160\u200e أو راسلنا على bridgeport@demo.example.org.",
        ),
    },
    {
        "slug": "demo-uptown-voices",
        "name": "Demo: Uptown Community Voices",
        "home_area": 3,  # Uptown
        "languages": ["en", "es", "zh_hans"],
        "contact_line": _t(
            en="Questions? Call (773) 555-0103 or write to uptown@demo.example.org.",
            es="¿Preguntas? Llame al (773) 555-0103 o escriba a uptown@demo.example.org.",
            zh_hans="如有疑问，请致电 (773) 555-0103，或发邮件至 uptown@demo.example.org。",
            pl="Pytania? Zadzwoń pod numer (773) 555-0103 lub napisz na adres uptown@demo.example.org.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(773) 555-0103\u200e أو راسلنا على uptown@demo.example.org.",
        ),
    },
    {
        "slug": "demo-little-village-safe-streets",
        "name": "Demo: Little Village Safe Streets Project",
        "home_area": 30,  # South Lawndale (Little Village)
        "languages": ["es", "en"],
        "contact_line": _t(
            en="Questions? Call (773) 555-0130 or write to littlevillage@demo.example.org. We speak Spanish and English.",
            es="¿Preguntas? Llame al (773) 555-0130 o escriba a littlevillage@demo.example.org. Le atendemos en español y en inglés.",
            zh_hans="如有疑问，请致电 (773) 555-0130，或发邮件至 littlevillage@demo.example.org。我们提供西班牙语和英语服务。",
            pl="Pytania? Zadzwoń pod numer (773) 555-0130 lub napisz na adres littlevillage@demo.example.org. Mówimy po hiszpańsku i po angielsku.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(773) 555-0130\u200e أو راسلنا على littlevillage@demo.example.org. نتحدث الإسبانية والإنجليزية.",
        ),
    },
    {
        "slug": "demo-humboldt-park-unidos",
        "name": "Demo: Humboldt Park Unidos",
        "home_area": 23,  # Humboldt Park
        "languages": ["en", "es"],
        "contact_line": _t(
            en="Questions? Call (773) 555-0123 or write to humboldtpark@demo.example.org.",
            es="¿Preguntas? Llame al (773) 555-0123 o escriba a humboldtpark@demo.example.org.",
            zh_hans="如有疑问，请致电 (773) 555-0123，或发邮件至 humboldtpark@demo.example.org。",
            pl="Pytania? Zadzwoń pod numer (773) 555-0123 lub napisz na adres humboldtpark@demo.example.org.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(773) 555-0123\u200e أو راسلنا على humboldtpark@demo.example.org.",
        ),
    },
    {
        "slug": "demo-englewood-block-clubs",
        "name": "Demo: Englewood Block Club Network",
        "home_area": 68,  # Englewood
        "languages": ["en"],
        "contact_line": _t(
            en="Questions? Call (773) 555-0168 or write to englewood@demo.example.org.",
            es="¿Preguntas? Llame al (773) 555-0168 o escriba a englewood@demo.example.org.",
            zh_hans="如有疑问，请致电 (773) 555-0168，或发邮件至 englewood@demo.example.org。",
            pl="Pytania? Zadzwoń pod numer (773) 555-0168 lub napisz na adres englewood@demo.example.org.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(773) 555-0168\u200e أو راسلنا على englewood@demo.example.org.",
        ),
    },
    {
        "slug": "demo-austin-youth-families",
        "name": "Demo: Austin Youth and Families Coalition",
        "home_area": 25,  # Austin
        "languages": ["en"],
        "contact_line": _t(
            en="Questions? Call (773) 555-0125 or write to austin@demo.example.org.",
            es="¿Preguntas? Llame al (773) 555-0125 o escriba a austin@demo.example.org.",
            zh_hans="如有疑问，请致电 (773) 555-0125，或发邮件至 austin@demo.example.org。",
            pl="Pytania? Zadzwoń pod numer (773) 555-0125 lub napisz na adres austin@demo.example.org.",
            ar="هل لديك أسئلة؟ اتصل على \u200e(773) 555-0125\u200e أو راسلنا على austin@demo.example.org.",
        ),
    },
]

FACILITATOR = {
    "slug": "demo-facilitator",
    "name": "Demo: Community Safety Collaborative (facilitator)",
    "contact_line": _t(
        en="Questions about this project? Call (312) 555-0100 or write to collaborative@demo.example.org.",
        es="¿Preguntas sobre este proyecto? Llame al (312) 555-0100 o escriba a collaborative@demo.example.org.",
        zh_hans="对本项目有疑问？请致电 (312) 555-0100，或发邮件至 collaborative@demo.example.org。",
        pl="Pytania dotyczące projektu? Zadzwoń pod numer (312) 555-0100 lub napisz na adres collaborative@demo.example.org.",
        ar="هل لديك أسئلة عن هذا المشروع؟ اتصل على \u200e(312) 555-0100\u200e أو راسلنا على collaborative@demo.example.org.",
    ),
}


# ---------------------------------------------------------------------------
# Shared scales
# ---------------------------------------------------------------------------

LIKERT_AGREE = [
    {"code": "strongly_disagree", "value": 1,
     "label": _t("Strongly disagree", "Muy en desacuerdo", "非常不同意", "Zdecydowanie się nie zgadzam", "لا أوافق بشدة")},
    {"code": "disagree", "value": 2,
     "label": _t("Disagree", "En desacuerdo", "不同意", "Nie zgadzam się", "لا أوافق")},
    {"code": "neutral", "value": 3,
     "label": _t("Neither agree nor disagree", "Ni de acuerdo ni en desacuerdo", "既不同意也不反对", "Ani się zgadzam, ani nie zgadzam", "لا أوافق ولا أعارض")},
    {"code": "agree", "value": 4,
     "label": _t("Agree", "De acuerdo", "同意", "Zgadzam się", "أوافق")},
    {"code": "strongly_agree", "value": 5,
     "label": _t("Strongly agree", "Muy de acuerdo", "非常同意", "Zdecydowanie się zgadzam", "أوافق بشدة")},
]

SAFETY_SCALE = [
    {"code": "very_unsafe", "value": 1,
     "label": _t("Very unsafe", "Muy inseguro/a", "非常不安全", "Bardzo niebezpiecznie", "غير آمن إطلاقًا")},
    {"code": "unsafe", "value": 2,
     "label": _t("Unsafe", "Inseguro/a", "不太安全", "Niebezpiecznie", "غير آمن")},
    {"code": "neutral", "value": 3,
     "label": _t("Neither safe nor unsafe", "Ni seguro/a ni inseguro/a", "一般", "Ani bezpiecznie, ani niebezpiecznie", "لا آمن ولا غير آمن")},
    {"code": "safe", "value": 4,
     "label": _t("Safe", "Seguro/a", "比较安全", "Bezpiecznie", "آمن")},
    {"code": "very_safe", "value": 5,
     "label": _t("Very safe", "Muy seguro/a", "非常安全", "Bardzo bezpiecznie", "آمن جدًا")},
]

SATISFACTION_SCALE = [
    {"code": "very_dissatisfied", "value": 1,
     "label": _t("Very dissatisfied", "Muy insatisfecho/a", "非常不满意", "Bardzo niezadowolony(-a)", "غير راضٍ إطلاقًا")},
    {"code": "dissatisfied", "value": 2,
     "label": _t("Dissatisfied", "Insatisfecho/a", "不太满意", "Niezadowolony(-a)", "غير راضٍ")},
    {"code": "neutral", "value": 3,
     "label": _t("Neither satisfied nor dissatisfied", "Ni satisfecho/a ni insatisfecho/a", "一般", "Ani zadowolony(-a), ani niezadowolony(-a)", "لا راضٍ ولا غير راضٍ")},
    {"code": "satisfied", "value": 4,
     "label": _t("Satisfied", "Satisfecho/a", "比较满意", "Zadowolony(-a)", "راضٍ")},
    {"code": "very_satisfied", "value": 5,
     "label": _t("Very satisfied", "Muy satisfecho/a", "非常满意", "Bardzo zadowolony(-a)", "راضٍ جدًا")},
]

IMPORTANCE_SCALE = [
    {"code": "not_important", "value": 1,
     "label": _t("Not at all important", "Nada importante", "完全不重要", "Zupełnie nieważne", "غير مهم إطلاقًا")},
    {"code": "slightly_important", "value": 2,
     "label": _t("A little important", "Poco importante", "有点重要", "Trochę ważne", "مهم قليلًا")},
    {"code": "moderately_important", "value": 3,
     "label": _t("Somewhat important", "Algo importante", "比较重要", "Dość ważne", "مهم إلى حد ما")},
    {"code": "very_important", "value": 4,
     "label": _t("Very important", "Muy importante", "很重要", "Bardzo ważne", "مهم جدًا")},
    {"code": "extremely_important", "value": 5,
     "label": _t("Extremely important", "Sumamente importante", "非常重要", "Niezwykle ważne", "مهم للغاية")},
]

_AGREE_HELP = _t(
    en="Tell us how much you agree or disagree.",
    es="Díganos qué tan de acuerdo o en desacuerdo está.",
    zh_hans="请告诉我们您在多大程度上同意这句话。",
    pl="Prosimy wskazać, w jakim stopniu zgadzasz się lub nie zgadzasz.",
    ar="أخبرنا إلى أي حد توافق أو لا توافق.",
)

_NO_NAMES_HELP = _t(
    en="Please do not write names, addresses or other details that could identify anyone.",
    es="Por favor, no escriba nombres, direcciones ni otros datos que puedan identificar a alguien.",
    zh_hans="请不要填写姓名、地址或其他可能透露他人身份的信息。",
    pl="Prosimy nie wpisywać imion, nazwisk, adresów ani innych danych, które mogłyby kogoś zidentyfikować.",
    ar="يرجى عدم كتابة أسماء أو عناوين أو أي تفاصيل أخرى قد تكشف هوية أي شخص.",
)

_OTHER = _t("Other, please specify", "Otro (especifique)", "其他（请说明）", "Inne (jakie?)", "أخرى، يرجى التحديد")
_PREFER_NOT = _t("Prefer not to say", "Prefiero no decir", "不想回答", "Wolę nie odpowiadać", "أفضّل عدم الإجابة")
_NOT_SURE = _t("Not sure", "No estoy seguro/a", "不确定", "Trudno powiedzieć", "لست متأكدًا")


# ---------------------------------------------------------------------------
# Resident survey
# ---------------------------------------------------------------------------

SURVEY = {
    "code": "community-safety-2026",
    "kind": "survey",
    "estimated_minutes": 10,
    "retention_months": 36,
    "title": _t(
        en="Community Safety Survey 2026",
        es="Encuesta de Seguridad Comunitaria 2026",
        zh_hans="2026年社区安全问卷调查",
        pl="Ankieta o bezpieczeństwie w społeczności 2026",
        ar="استبيان السلامة المجتمعية 2026",
    ),
    "description": _t(
        en="Tell us what helps you feel safe and what you want from policing in your neighborhood.",
        es="Cuéntenos qué le ayuda a sentirse seguro/a y qué espera de la policía en su vecindario.",
        zh_hans="请告诉我们，什么能让您感到安全，以及您希望社区警务是什么样子。",
        pl="Powiedz nam, co pomaga Ci czuć się bezpiecznie i czego oczekujesz od policji w swojej okolicy.",
        ar="أخبرنا بما يساعدك على الشعور بالأمان، وبما تريده من عمل الشرطة في حيّك.",
    ),
    "intro": _t(
        en=(
            "Community organizations across Chicago are asking residents what safety means to them "
            "and how police and neighbors can work together. Your answers will help shape "
            "community-engaged policing where you live. We will share what we learn with the "
            "Mayor's Office and the Chicago Police Department. We only share combined results "
            "that cannot identify you."
        ),
        es=(
            "Organizaciones comunitarias de todo Chicago están preguntando a los residentes qué "
            "significa para ellos la seguridad y cómo la policía y los vecinos pueden trabajar "
            "juntos. Sus respuestas ayudarán a definir cómo trabaja la policía con la comunidad "
            "donde usted vive. Compartiremos lo que aprendamos con la Oficina del Alcalde y el "
            "Departamento de Policía de Chicago. Solo compartimos resultados combinados que no "
            "permiten saber quién es usted."
        ),
        zh_hans=(
            "芝加哥各地的社区组织正在询问居民：安全对您意味着什么？警察和居民怎样才能更好地合作？"
            "您的回答将帮助改进您所在社区的社区参与式警务。我们会把调查结果告诉市长办公室和芝加哥警察局。"
            "我们只分享汇总后的结果，不会透露您的身份。"
        ),
        pl="Organizacje społeczne w całym Chicago pytają mieszkańców, czym jest dla nich bezpieczeństwo i jak policja i sąsiedzi mogą ze sobą współpracować. Odpowiedzi pomogą kształtować współpracę policji ze społecznością w miejscu zamieszkania. Wnioski przekażemy Biuru Burmistrza i Departamentowi Policji w Chicago. Udostępniamy tylko zbiorcze wyniki, które nie pozwalają nikogo zidentyfikować.",
        ar="تسأل منظمات مجتمعية في أنحاء شيكاغو السكان عمّا تعنيه السلامة لهم، وكيف يمكن للشرطة والجيران العمل معًا. ستساعد إجاباتك في تشكيل العمل الشرطي القائم على المشاركة المجتمعية في المكان الذي تعيش فيه. سنشارك ما نتعلمه مع مكتب العمدة وإدارة شرطة شيكاغو. ولا نشارك إلا نتائج مجمّعة لا يمكن أن تكشف هويتك.",
    ),
    "consent_text": _t(
        en=(
            "This survey is run by the community organization named on this page, together with "
            "the Community Safety Collaborative, which coordinates this project. We ask these "
            "questions to learn what residents want from public safety and policing, and to share "
            "what we learn with the city.\n\n"
            "Taking part is your choice. You can skip any question that is not marked as required, "
            "and you can stop at any time. Saying no will not affect any services you receive.\n\n"
            "The survey is anonymous. We do not ask for your name or address. Please do not write "
            "names or other personal details in your answers.\n\n"
            "Only staff at the community organization and the Community Safety Collaborative can "
            "see individual answers. The Mayor's Office and the Police Department will only see "
            "combined results, never your own answers.\n\n"
            "We keep the answers for 36 months and then delete them.\n\n"
            "If you have questions, use the contact information for the organization shown on "
            "this page. If you agree to take part, please continue."
        ),
        es=(
            "Esta encuesta la realiza la organización comunitaria que aparece en esta página, junto "
            "con la Colaborativa de Seguridad Comunitaria (Community Safety Collaborative), que "
            "coordina este proyecto. Hacemos estas preguntas para saber qué esperan los residentes "
            "de la seguridad pública y de la policía, y para compartir lo que aprendamos con la "
            "ciudad.\n\n"
            "Participar es su decisión. Puede saltarse cualquier pregunta que no esté marcada como "
            "obligatoria y puede parar en cualquier momento. Si decide no participar, esto no "
            "afectará ningún servicio que usted recibe.\n\n"
            "La encuesta es anónima. No le pedimos su nombre ni su dirección. Por favor, no escriba "
            "nombres ni otros datos personales en sus respuestas.\n\n"
            "Solo el personal de la organización comunitaria y de la Colaborativa de Seguridad "
            "Comunitaria puede ver las respuestas de cada persona. La Oficina del Alcalde y el "
            "Departamento de Policía solo verán resultados combinados, nunca sus respuestas "
            "individuales.\n\n"
            "Guardamos las respuestas durante 36 meses y después las borramos.\n\n"
            "Si tiene preguntas, comuníquese con la organización usando los datos de contacto que "
            "aparecen en esta página. Si está de acuerdo en participar, por favor continúe."
        ),
        zh_hans=(
            "本问卷由本页显示的社区组织与负责协调本项目的“社区安全协作组织”"
            "（Community Safety Collaborative）共同开展。我们想了解居民对公共安全和警务的期望，"
            "并把了解到的情况反馈给市政府。\n\n"
            "是否参加由您自己决定。没有标明“必答”的问题，您都可以跳过，也可以随时停止填写。"
            "不参加不会影响您享受的任何服务。\n\n"
            "本问卷是匿名的。我们不会询问您的姓名或地址。请不要在回答中写下姓名或其他个人信息。\n\n"
            "只有该社区组织和社区安全协作组织的工作人员能看到每个人的回答。"
            "市长办公室和警察局只会看到汇总后的结果，不会看到您个人的回答。\n\n"
            "我们会将回答保存36个月，之后删除。\n\n"
            "如有疑问，请通过本页显示的该组织联系方式与我们联系。如果您同意参加，请继续。"
        ),
        pl="Tę ankietę prowadzi organizacja społeczna wymieniona na tej stronie wraz z Community Safety Collaborative, które koordynuje projekt. Zadajemy te pytania, aby dowiedzieć się, czego mieszkańcy oczekują od bezpieczeństwa publicznego i policji, i przekazać te wnioski miastu.\n\nUdział jest dobrowolny. Można pominąć każde pytanie, które nie jest oznaczone jako wymagane, i w każdej chwili przerwać. Odmowa nie wpłynie na żadne otrzymywane usługi.\n\nAnkieta jest anonimowa. Nie pytamy o imię, nazwisko ani adres. Prosimy nie wpisywać w odpowiedziach imion, nazwisk ani innych danych osobowych.\n\nPoszczególne odpowiedzi widzą tylko pracownicy organizacji społecznej i Community Safety Collaborative. Biuro Burmistrza i Departament Policji zobaczą tylko zbiorcze wyniki, nigdy Twoich własnych odpowiedzi.\n\nOdpowiedzi przechowujemy przez 36 miesięcy, a potem je usuwamy.\n\nW razie pytań skorzystaj z danych kontaktowych organizacji podanych na tej stronie. Jeśli zgadzasz się wziąć udział, przejdź dalej.",
        ar="تُجري هذا الاستبيان المنظمة المجتمعية المذكورة في هذه الصفحة، بالتعاون مع «تحالف السلامة المجتمعية» الذي ينسّق هذا المشروع. نطرح هذه الأسئلة لنعرف ما يريده السكان من السلامة العامة والعمل الشرطي، ولنشارك ما نتعلمه مع المدينة.\n\nالمشاركة اختيارية. يمكنك تخطي أي سؤال غير مُعلَّم بأنه مطلوب، ويمكنك التوقف في أي وقت. ولن يؤثر رفضك على أي خدمات تتلقاها.\n\nالاستبيان مجهول الهوية. لا نطلب اسمك أو عنوانك. يرجى عدم كتابة أسماء أو تفاصيل شخصية أخرى في إجاباتك.\n\nلا يطّلع على الإجابات الفردية إلا موظفو المنظمة المجتمعية و«تحالف السلامة المجتمعية». أما مكتب العمدة وإدارة الشرطة فلن يروا إلا نتائج مجمّعة، ولن يروا إجاباتك أبدًا.\n\nنحتفظ بالإجابات مدة 36 شهرًا ثم نحذفها.\n\nإذا كانت لديك أسئلة، فاستخدم معلومات التواصل الخاصة بالمنظمة الظاهرة في هذه الصفحة. إذا كنت توافق على المشاركة، فيرجى المتابعة.",
    ),
    "thank_you_text": _t(
        en=(
            "Thank you for sharing your views! Your answers will help make your neighborhood safer. "
            "To hear about the results or get involved, contact the organization shown on this page."
        ),
        es=(
            "¡Gracias por compartir su opinión! Sus respuestas ayudarán a que su vecindario sea más "
            "seguro. Para conocer los resultados o participar más, comuníquese con la organización "
            "que aparece en esta página."
        ),
        zh_hans=(
            "感谢您分享您的看法！您的回答将帮助让社区变得更安全。"
            "如想了解调查结果或参与更多活动，请联系本页显示的组织。"
        ),
        pl="Dziękujemy za podzielenie się opinią! Odpowiedzi pomogą zwiększyć bezpieczeństwo w Twojej okolicy. Aby poznać wyniki lub się zaangażować, skontaktuj się z organizacją podaną na tej stronie.",
        ar="شكرًا لك على مشاركة آرائك! ستساعد إجاباتك في جعل حيّك أكثر أمانًا. لمعرفة النتائج أو للمشاركة، تواصل مع المنظمة الظاهرة في هذه الصفحة.",
    ),
    "sections": [
        # -------------------------------------------------------------- 0: eligibility
        {
            "code": "eligibility",
            "title": _t("Before we begin", "Antes de empezar", "开始之前", "Zanim zaczniemy", "قبل أن نبدأ"),
            "questions": [
                {
                    "code": "age_18_plus",
                    "type": "single",
                    "required": True,
                    "eligible": ["yes"],
                    "text": _t(
                        en="Are you 18 years old or older?",
                        es="¿Tiene usted 18 años o más?",
                        zh_hans="您年满18岁了吗？",
                        pl="Czy masz co najmniej 18 lat?",
                        ar="هل عمرك 18 عامًا أو أكثر؟",
                    ),
                    "choices": [
                        {"code": "yes", "label": _t("Yes", "Sí", "是", "Tak", "نعم")},
                        {"code": "no", "label": _t("No", "No", "否", "Nie", "لا")},
                    ],
                },
                {
                    "code": "live_work_chicago",
                    "type": "single",
                    "required": True,
                    "eligible": ["live", "work", "both"],
                    "text": _t(
                        en="Do you live or work in Chicago?",
                        es="¿Vive o trabaja usted en Chicago?",
                        zh_hans="您在芝加哥居住或工作吗？",
                        pl="Czy mieszkasz lub pracujesz w Chicago?",
                        ar="هل تعيش أو تعمل في شيكاغو؟",
                    ),
                    "choices": [
                        {"code": "live", "label": _t("I live in Chicago", "Vivo en Chicago", "我住在芝加哥", "Mieszkam w Chicago", "أعيش في شيكاغو")},
                        {"code": "work", "label": _t("I work in Chicago", "Trabajo en Chicago", "我在芝加哥工作", "Pracuję w Chicago", "أعمل في شيكاغو")},
                        {"code": "both", "label": _t("Both", "Las dos cosas", "两者都是", "Jedno i drugie", "كلاهما")},
                        {"code": "neither", "label": _t("Neither", "Ninguna de las dos", "都不是", "Ani jedno, ani drugie", "لا هذا ولا ذاك")},
                    ],
                },
            ],
        },
        # -------------------------------------------------------------- 1
        {
            "code": "about",
            "title": _t("About you and your area", "Sobre usted y su área", "关于您和您所在的区域", "O Tobie i Twojej okolicy", "عنك وعن منطقتك"),
            "questions": [
                {
                    "code": "community_area",
                    "type": "area",
                    "required": True,
                    "text": _t(
                        en="Which Chicago community area do you live in?",
                        es="¿En qué área comunitaria de Chicago vive usted?",
                        zh_hans="您住在芝加哥的哪个社区区域？",
                        pl="W której dzielnicy Chicago mieszkasz?",
                        ar="في أي منطقة مجتمعية في شيكاغو تعيش؟",
                    ),
                    "help_text": _t(
                        en="If you do not live in Chicago, choose the area where you work or spend the most time.",
                        es="Si no vive en Chicago, elija el área donde trabaja o donde pasa más tiempo.",
                        zh_hans="如果您不住在芝加哥，请选择您工作或最常去的区域。",
                        pl="Jeśli nie mieszkasz w Chicago, wybierz dzielnicę, w której pracujesz lub spędzasz najwięcej czasu.",
                        ar="إذا كنت لا تعيش في شيكاغو، فاختر المنطقة التي تعمل فيها أو تقضي فيها معظم وقتك.",
                    ),
                },
                {
                    "code": "area_relationship",
                    "type": "single",
                    "required": False,
                    "text": _t(
                        en="What is your connection to this area?",
                        es="¿Cuál es su relación con esta área?",
                        zh_hans="您和这个区域是什么关系？",
                        pl="Co łączy Cię z tą okolicą?",
                        ar="ما صلتك بهذه المنطقة؟",
                    ),
                    "choices": [
                        {"code": "live", "label": _t("I live here", "Vivo aquí", "我住在这里", "Mieszkam tutaj", "أعيش هنا")},
                        {"code": "work", "label": _t("I work here", "Trabajo aquí", "我在这里工作", "Pracuję tutaj", "أعمل هنا")},
                        {"code": "live_and_work", "label": _t("I live and work here", "Vivo y trabajo aquí", "我在这里居住和工作", "Mieszkam i pracuję tutaj", "أعيش وأعمل هنا")},
                        {"code": "school", "label": _t("I go to school here", "Estudio aquí", "我在这里上学", "Uczę się tutaj", "أدرس هنا")},
                        {"code": "visit", "label": _t(
                            "I visit family, shop or go to church or temple here",
                            "Visito a familiares, hago compras o voy a la iglesia aquí",
                            "我来这里探亲、购物或参加宗教活动",
                            "Odwiedzam tu rodzinę, robię zakupy lub chodzę do kościoła czy świątyni",
                            "أزور عائلتي أو أتسوّق أو أذهب إلى دار العبادة هنا",
                        )},
                        {"code": "other", "label": _OTHER, "is_other": True},
                    ],
                },
                {
                    "code": "zip_code",
                    "type": "zip",
                    "required": False,
                    "text": _t(
                        en="What is your ZIP code?",
                        es="¿Cuál es su código postal (ZIP)?",
                        zh_hans="您的邮政编码是多少？",
                        pl="Jaki jest Twój kod ZIP?",
                        ar="ما رمزك البريدي (ZIP)؟",
                    ),
                    "help_text": _t(
                        en="5 digits, for example 60608. This helps us group answers by area. We do not ask for your address.",
                        es="5 dígitos, por ejemplo 60608. Esto nos ayuda a agrupar las respuestas por zona. No le pedimos su dirección.",
                        zh_hans="5 位数字，例如 60608。这能帮助我们按地区整理回答。我们不会询问您的地址。",
                        pl="5 cyfr, na przykład 60608. Pomaga to grupować odpowiedzi według okolicy. Nie pytamy o adres.",
                        ar="5 أرقام، مثل 60608. يساعدنا ذلك في تجميع الإجابات حسب المنطقة. لا نطلب عنوانك.",
                    ),
                },
                {
                    "code": "years_in_area",
                    "type": "single",
                    "required": False,
                    "text": _t(
                        en="How long have you lived in this area?",
                        es="¿Cuánto tiempo lleva viviendo en esta área?",
                        zh_hans="您在这个区域住了多久？",
                        pl="Jak długo mieszkasz w tej okolicy?",
                        ar="منذ متى تعيش في هذه المنطقة؟",
                    ),
                    "choices": [
                        {"code": "less_than_1", "label": _t("Less than 1 year", "Menos de 1 año", "不到1年", "Krócej niż rok", "أقل من سنة")},
                        {"code": "years_1_to_5", "label": _t("1 to 5 years", "De 1 a 5 años", "1到5年", "Od 1 do 5 lat", "من سنة إلى 5 سنوات")},
                        {"code": "years_6_to_10", "label": _t("6 to 10 years", "De 6 a 10 años", "6到10年", "Od 6 do 10 lat", "من 6 إلى 10 سنوات")},
                        {"code": "more_than_10", "label": _t("More than 10 years", "Más de 10 años", "10年以上", "Ponad 10 lat", "أكثر من 10 سنوات")},
                        {"code": "dont_live_here", "label": _t("I do not live here", "No vivo aquí", "我不住在这里", "Nie mieszkam tutaj", "لا أعيش هنا")},
                    ],
                },
            ],
        },
        # -------------------------------------------------------------- 2
        {
            "code": "feeling_safe",
            "title": _t("Feeling safe", "Sentirse seguro/a", "安全感", "Poczucie bezpieczeństwa", "الشعور بالأمان"),
            "questions": [
                {
                    "code": "feel_safe_day",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en="How safe do you feel in your neighborhood during the day?",
                        es="¿Qué tan seguro/a se siente en su vecindario durante el día?",
                        zh_hans="白天在您的社区里，您觉得安全吗？",
                        pl="Jak bezpiecznie czujesz się w swojej okolicy w ciągu dnia?",
                        ar="ما مدى شعورك بالأمان في حيّك أثناء النهار؟",
                    ),
                    "choices": _scale(SAFETY_SCALE),
                },
                {
                    "code": "feel_safe_night",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en="How safe do you feel in your neighborhood at night?",
                        es="¿Qué tan seguro/a se siente en su vecindario de noche?",
                        zh_hans="晚上在您的社区里，您觉得安全吗？",
                        pl="Jak bezpiecznie czujesz się w swojej okolicy w nocy?",
                        ar="ما مدى شعورك بالأمان في حيّك ليلًا؟",
                    ),
                    "choices": _scale(SAFETY_SCALE),
                },
                {
                    "code": "less_safe_reasons",
                    "type": "multiple",
                    "required": False,
                    "text": _t(
                        en="What makes you feel less safe in your neighborhood?",
                        es="¿Qué le hace sentirse menos seguro/a en su vecindario?",
                        zh_hans="在您的社区里，哪些情况让您觉得不够安全？",
                        pl="Co sprawia, że czujesz się mniej bezpiecznie w swojej okolicy?",
                        ar="ما الذي يجعلك تشعر بأمان أقل في حيّك؟",
                    ),
                    "help_text": _t(
                        en="Choose all that apply.",
                        es="Marque todas las que correspondan.",
                        zh_hans="可多选。",
                        pl="Wybierz wszystkie pasujące odpowiedzi.",
                        ar="اختر كل ما ينطبق.",
                    ),
                    "choices": [
                        {"code": "gun_violence", "label": _t(
                            "Shootings or gun violence", "Balaceras o violencia con armas", "枪击或枪支暴力",
                            "Strzelaniny lub przemoc z użyciem broni",
                            "إطلاق النار أو العنف المسلح")},
                        {"code": "robbery_theft", "label": _t(
                            "Robberies or theft (on the street, from homes or cars)",
                            "Asaltos o robos (en la calle, en casas o en carros)",
                            "抢劫或盗窃（街头、住宅或车辆）",
                            "Rozboje lub kradzieże (na ulicy, z domów lub samochodów)",
                            "السرقة بالإكراه أو السرقة (في الشارع أو من المنازل أو السيارات)")},
                        {"code": "drug_activity", "label": _t(
                            "Drug selling or drug use in public", "Venta o uso de drogas en la calle", "在公共场所贩毒或吸毒",
                            "Handel narkotykami lub zażywanie ich w miejscach publicznych",
                            "بيع المخدرات أو تعاطيها في الأماكن العامة")},
                        {"code": "reckless_driving", "label": _t(
                            "Speeding or reckless driving", "Carros que van muy rápido o manejan sin cuidado", "超速或危险驾驶",
                            "Przekraczanie prędkości lub niebezpieczna jazda",
                            "السرعة الزائدة أو القيادة المتهورة")},
                        {"code": "poor_lighting", "label": _t(
                            "Poor street lighting", "Poca luz en las calles", "路灯太少，街上太暗",
                            "Słabe oświetlenie ulic",
                            "ضعف إنارة الشوارع")},
                        {"code": "vacant_property", "label": _t(
                            "Vacant lots or empty buildings", "Lotes vacíos o edificios abandonados", "空地或空置的房屋",
                            "Puste działki lub opuszczone budynki",
                            "الأراضي الخالية أو المباني المهجورة")},
                        {"code": "harassment_hate", "label": _t(
                            "Harassment or hate incidents (for example, because of race, language or who you are)",
                            "Acoso o incidentes de odio (por ejemplo, por su raza, idioma o identidad)",
                            "骚扰或仇恨事件（例如因为种族、语言或身份）",
                            "Nękanie lub incydenty na tle nienawiści (na przykład z powodu rasy, języka lub tożsamości)",
                            "التحرش أو حوادث الكراهية (مثلًا بسبب العِرق أو اللغة أو هويتك)")},
                        {"code": "police_stops", "label": _t(
                            "Too much police presence or being stopped by police",
                            "Demasiada presencia policial o que la policía lo/la pare",
                            "警察太多或被警察拦查",
                            "Zbyt duża obecność policji lub zatrzymywanie przez policję",
                            "كثرة وجود الشرطة أو إيقاف الشرطة لك")},
                        {"code": "not_enough_police", "label": _t(
                            "Not enough police presence", "Poca presencia policial", "警察巡逻太少",
                            "Zbyt mała obecność policji",
                            "قلة وجود الشرطة")},
                        {"code": "empty_streets", "label": _t(
                            "Empty streets, few neighbors around", "Calles vacías, pocos vecinos afuera", "街上冷清，邻居很少出门",
                            "Puste ulice, mało sąsiadów w pobliżu",
                            "شوارع خالية وقلة الجيران حولك")},
                        {"code": "nothing", "label": _t(
                            "Nothing, I feel safe", "Nada, me siento seguro/a", "没有，我觉得很安全",
                            "Nic, czuję się bezpiecznie",
                            "لا شيء، أشعر بالأمان")},
                        {"code": "other", "label": _OTHER, "is_other": True},
                    ],
                },
            ],
        },
        # -------------------------------------------------------------- 3
        {
            "code": "trust",
            "title": _t("Trust and relationships", "Confianza y relaciones", "信任与关系", "Zaufanie i relacje", "الثقة والعلاقات"),
            "questions": [
                {
                    "code": "trust_police",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en="I trust the police in my neighborhood.",
                        es="Confío en la policía de mi vecindario.",
                        zh_hans="我信任我们社区的警察。",
                        pl="Ufam policji w mojej okolicy.",
                        ar="أثق بالشرطة في حيّي.",
                    ),
                    "help_text": _AGREE_HELP,
                    "choices": _scale(LIKERT_AGREE),
                },
                {
                    "code": "fair_treatment",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en=(
                            "Police in my neighborhood treat people fairly, no matter their race, "
                            "ethnicity, language, immigration status, gender identity or age."
                        ),
                        es=(
                            "La policía de mi vecindario trata a las personas de manera justa, sin "
                            "importar su raza, origen étnico, idioma, estatus migratorio, identidad "
                            "de género o edad."
                        ),
                        zh_hans=(
                            "无论种族、族裔、语言、移民身份、性别认同或年龄，"
                            "我们社区的警察都能公平对待每一个人。"
                        ),
                        pl="Policja w mojej okolicy traktuje ludzi sprawiedliwie, bez względu na rasę, pochodzenie etniczne, język, status imigracyjny, tożsamość płciową czy wiek.",
                        ar="تعامل الشرطة في حيّي الناس بإنصاف، بغض النظر عن عِرقهم أو أصلهم أو لغتهم أو وضعهم كمهاجرين أو هويتهم الجندرية أو أعمارهم.",
                    ),
                    "help_text": _AGREE_HELP,
                    "choices": _scale(LIKERT_AGREE),
                },
                {
                    "code": "police_contact_12m",
                    "type": "single",
                    "required": False,
                    "text": _t(
                        en="In the last 12 months, have you had any contact with the police?",
                        es="En los últimos 12 meses, ¿ha tenido algún contacto con la policía?",
                        zh_hans="在过去12个月里，您和警察有过接触吗？",
                        pl="Czy w ciągu ostatnich 12 miesięcy miałeś(-aś) jakikolwiek kontakt z policją?",
                        ar="هل كان لك أي تواصل مع الشرطة خلال الأشهر الاثني عشر الماضية؟",
                    ),
                    "help_text": _t(
                        en="For example, you called the police, an officer stopped you, or you talked with an officer.",
                        es="Por ejemplo, usted llamó a la policía, un agente lo/la paró o usted habló con un agente.",
                        zh_hans="例如：您报过警、被警察拦下，或者和警察交谈过。",
                        pl="Na przykład wezwanie policji, zatrzymanie przez funkcjonariusza lub rozmowa z funkcjonariuszem.",
                        ar="مثلًا: اتصلت بالشرطة، أو أوقفك أحد أفراد الشرطة، أو تحدثت مع أحدهم.",
                    ),
                    "choices": [
                        {"code": "yes", "label": _t("Yes", "Sí", "有", "Tak", "نعم")},
                        {"code": "no", "label": _t("No", "No", "没有", "Nie", "لا")},
                        {"code": "prefer_not", "label": _PREFER_NOT},
                    ],
                },
            ],
        },
        # -------------------------------------------------------------- 4
        {
            "code": "patrols_response",
            "title": _t(
                "Police contact, patrols and response",
                "Contacto con la policía, patrullaje y respuesta",
                "与警察的接触、巡逻和出警",
                "Kontakt z policją, patrole i reagowanie",
                "التواصل مع الشرطة والدوريات والاستجابة",
            ),
            "questions": [
                {
                    "code": "contact_treatment",
                    "type": "single",
                    "required": False,
                    "text": _t(
                        en="Thinking about your most recent contact with the police, how were you treated?",
                        es="Pensando en su contacto más reciente con la policía, ¿cómo lo/la trataron?",
                        zh_hans="回想您最近一次和警察的接触，您觉得警察对您的态度怎么样？",
                        pl="Jak potraktowano Cię podczas ostatniego kontaktu z policją?",
                        ar="بالتفكير في آخر تواصل لك مع الشرطة، كيف عوملت؟",
                    ),
                    "choices": [
                        {"code": "very_well", "label": _t("Very well", "Muy bien", "很好", "Bardzo dobrze", "جيد جدًا")},
                        {"code": "well", "label": _t("Well", "Bien", "好", "Dobrze", "جيد")},
                        {"code": "okay", "label": _t("Okay", "Regular", "一般", "Przeciętnie", "مقبول")},
                        {"code": "poorly", "label": _t("Poorly", "Mal", "不好", "Źle", "سيئ")},
                        {"code": "very_poorly", "label": _t("Very poorly", "Muy mal", "很差", "Bardzo źle", "سيئ جدًا")},
                        {"code": "prefer_not", "label": _PREFER_NOT},
                    ],
                    "show_if": {"question": "police_contact_12m", "choices": ["yes"]},
                },
                {
                    "code": "patrol_visibility",
                    "type": "single",
                    "required": False,
                    "text": _t(
                        en="How visible should police patrols be in your neighborhood?",
                        es="¿Qué tan visible debería ser el patrullaje de la policía en su vecindario?",
                        zh_hans="您希望在社区里看到更多还是更少的警察巡逻？",
                        pl="Jak bardzo widoczne powinny być patrole policji w Twojej okolicy?",
                        ar="إلى أي حد ينبغي أن تكون دوريات الشرطة ظاهرة في حيّك؟",
                    ),
                    "choices": [
                        {"code": "much_more", "label": _t("Much more than now", "Mucho más que ahora", "比现在多很多", "Znacznie bardziej niż teraz", "أكثر بكثير من الآن")},
                        {"code": "somewhat_more", "label": _t("A little more than now", "Un poco más que ahora", "比现在多一些", "Trochę bardziej niż teraz", "أكثر قليلًا من الآن")},
                        {"code": "same", "label": _t("About the same as now", "Igual que ahora", "和现在差不多", "Mniej więcej tak jak teraz", "كما هي الآن تقريبًا")},
                        {"code": "somewhat_less", "label": _t("A little less than now", "Un poco menos que ahora", "比现在少一些", "Trochę mniej niż teraz", "أقل قليلًا من الآن")},
                        {"code": "much_less", "label": _t("Much less than now", "Mucho menos que ahora", "比现在少很多", "Znacznie mniej niż teraz", "أقل بكثير من الآن")},
                        {"code": "not_sure", "label": _NOT_SURE},
                    ],
                },
                {
                    "code": "foot_bike_patrols",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en="I would like officers to patrol on foot or by bike, not only in cars.",
                        es="Me gustaría que los agentes patrullen a pie o en bicicleta, no solo en carro.",
                        zh_hans="我希望警察能步行或骑自行车巡逻，而不只是开车巡逻。",
                        pl="Chciał(a)bym, aby funkcjonariusze patrolowali pieszo lub na rowerach, nie tylko w samochodach.",
                        ar="أود أن يقوم أفراد الشرطة بدوريات سيرًا على الأقدام أو على الدراجات، وليس في السيارات فقط.",
                    ),
                    "help_text": _AGREE_HELP,
                    "choices": _scale(LIKERT_AGREE),
                },
                {
                    "code": "response_time_satisfaction",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en="How satisfied are you with how quickly police come when people in your neighborhood call for help?",
                        es="¿Qué tan satisfecho/a está con la rapidez con que llega la policía cuando alguien en su vecindario pide ayuda?",
                        zh_hans="社区里有人报警求助时，您对警察到场的速度满意吗？",
                        pl="Jak bardzo jesteś zadowolony(-a) z tego, jak szybko przyjeżdża policja, gdy ktoś w Twojej okolicy wzywa pomocy?",
                        ar="ما مدى رضاك عن سرعة وصول الشرطة عندما يطلب الناس في حيّك المساعدة؟",
                    ),
                    "help_text": _t(
                        en="If you are not sure, you can skip this question.",
                        es="Si no está seguro/a, puede saltarse esta pregunta.",
                        zh_hans="如果不确定，可以跳过这个问题。",
                        pl="Jeśli nie wiesz, możesz pominąć to pytanie.",
                        ar="إذا لم تكن متأكدًا، يمكنك تخطي هذا السؤال.",
                    ),
                    "choices": _scale(SATISFACTION_SCALE),
                },
                {
                    "code": "know_residents_importance",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en="How important is it to you that officers get to know the people who live in your neighborhood?",
                        es="¿Qué tan importante es para usted que los agentes conozcan a las personas que viven en su vecindario?",
                        zh_hans="警察认识并了解社区居民，这对您来说有多重要？",
                        pl="Jak ważne jest dla Ciebie, aby funkcjonariusze poznawali mieszkańców Twojej okolicy?",
                        ar="ما مدى أهمية أن يتعرّف أفراد الشرطة على سكان حيّك بالنسبة إليك؟",
                    ),
                    "choices": _scale(IMPORTANCE_SCALE),
                },
            ],
        },
        # -------------------------------------------------------------- 5
        {
            "code": "response_training",
            "title": _t(
                "Who should respond, training and accountability",
                "Quién debe responder, capacitación y rendición de cuentas",
                "由谁处理、警察培训与问责",
                "Kto powinien reagować, szkolenia i odpowiedzialność",
                "من ينبغي أن يستجيب، والتدريب والمساءلة",
            ),
            "questions": [
                {
                    "code": "who_should_respond",
                    "type": "matrix",
                    "required": False,
                    "text": _t(
                        en="Who should respond when someone calls for help in each of these situations?",
                        es="Cuando alguien pide ayuda en cada una de estas situaciones, ¿quién debería responder?",
                        zh_hans="遇到以下情况有人求助时，您认为应该由谁来处理？",
                        pl="Kto powinien reagować, gdy ktoś wzywa pomocy w każdej z tych sytuacji?",
                        ar="من ينبغي أن يستجيب عندما يطلب أحدهم المساعدة في كل من هذه المواقف؟",
                    ),
                    "help_text": _t(
                        en="Choose one answer for each situation.",
                        es="Elija una respuesta para cada situación.",
                        zh_hans="每种情况请选择一个答案。",
                        pl="Wybierz jedną odpowiedź dla każdej sytuacji.",
                        ar="اختر إجابة واحدة لكل موقف.",
                    ),
                    "choices": [
                        {"code": "police", "label": _t("Police", "Policía", "警察", "Policja", "الشرطة")},
                        {"code": "professional", "label": _t(
                            "Mental-health or social-service professional",
                            "Profesional de salud mental o de servicios sociales",
                            "心理健康或社会服务专业人员",
                            "Specjalista od zdrowia psychicznego lub pomocy społecznej",
                            "مختص في الصحة النفسية أو الخدمة الاجتماعية")},
                        {"code": "co_response", "label": _t(
                            "Police together with a clinician",
                            "Policía junto con un profesional clínico",
                            "警察与临床专业人员一起处理",
                            "Policja razem z terapeutą",
                            "الشرطة مع مختص سريري")},
                        {"code": "community_org", "label": _t(
                            "Community organization", "Organización comunitaria", "社区组织",
                            "Organizacja społeczna",
                            "منظمة مجتمعية")},
                        {"code": "no_response", "label": _t(
                            "No response needed", "No hace falta que nadie vaya", "不需要派人处理",
                            "Reakcja niepotrzebna",
                            "لا حاجة إلى استجابة")},
                        {"code": "not_sure", "label": _NOT_SURE},
                    ],
                    "rows": [
                        {"code": "respond_mental_health", "text": _t(
                            "Someone is having a mental-health crisis",
                            "Una persona está pasando por una crisis de salud mental",
                            "有人出现精神健康危机",
                            "Ktoś przechodzi kryzys psychiczny",
                            "شخص يمر بأزمة نفسية")},
                        {"code": "respond_homelessness", "text": _t(
                            "A person experiencing homelessness needs help",
                            "Una persona sin hogar necesita ayuda",
                            "无家可归的人需要帮助",
                            "Osoba w kryzysie bezdomności potrzebuje pomocy",
                            "شخص بلا مأوى يحتاج إلى المساعدة")},
                        {"code": "respond_noise", "text": _t(
                            "A noise complaint (loud music or a party)",
                            "Una queja por ruido (música alta o una fiesta)",
                            "噪音投诉（音乐太吵或聚会太吵）",
                            "Skarga na hałas (głośna muzyka lub impreza)",
                            "شكوى من الضوضاء (موسيقى صاخبة أو حفلة)")},
                        {"code": "respond_domestic", "text": _t(
                            "A domestic dispute (an argument at home between family members or partners)",
                            "Un pleito en casa entre familiares o entre pareja",
                            "家庭纠纷（家人或伴侣在家中争吵）",
                            "Kłótnia domowa (między członkami rodziny lub partnerami)",
                            "نزاع منزلي (شجار في البيت بين أفراد العائلة أو الشريكين)")},
                        {"code": "respond_youth", "text": _t(
                            "Young people gathering outside",
                            "Jóvenes reunidos en la calle",
                            "年轻人在户外聚集",
                            "Młodzi ludzie gromadzący się na zewnątrz",
                            "تجمّع الشباب في الخارج")},
                        {"code": "respond_traffic", "text": _t(
                            "A traffic crash",
                            "Un choque o accidente de tráfico",
                            "交通事故",
                            "Wypadek drogowy",
                            "حادث مروري")},
                        {"code": "respond_wellbeing", "text": _t(
                            "A well-being check on a neighbor or relative",
                            "Ir a ver cómo está un vecino o familiar (visita de bienestar)",
                            "上门查看邻居或亲人是否安好",
                            "Sprawdzenie, czy z sąsiadem lub krewnym wszystko w porządku",
                            "الاطمئنان على جار أو قريب")},
                    ],
                },
                {
                    "code": "training_priorities",
                    "type": "multiple",
                    "required": False,
                    "text": _t(
                        en="Which training should be a top priority for officers?",
                        es="¿Qué capacitación debería ser una prioridad para los agentes?",
                        zh_hans="您认为警察最应该优先接受哪些培训？",
                        pl="Które szkolenie powinno być dla funkcjonariuszy priorytetem?",
                        ar="أي تدريب ينبغي أن يكون أولوية قصوى لأفراد الشرطة؟",
                    ),
                    "help_text": _t(
                        en="Choose the ones that matter most to you.",
                        es="Marque las que sean más importantes para usted.",
                        zh_hans="请选择您认为最重要的几项。",
                        pl="Wybierz te, które są dla Ciebie najważniejsze.",
                        ar="اختر ما يهمّك أكثر.",
                    ),
                    "choices": [
                        {"code": "de_escalation", "label": _t(
                            "De-escalation (calming tense situations)",
                            "Desescalada (calmar situaciones tensas)",
                            "缓和冲突（让紧张的局面平静下来）",
                            "Deeskalacja (łagodzenie napiętych sytuacji)",
                            "تهدئة التوتر (تهدئة المواقف المشحونة)")},
                        {"code": "mental_health_response", "label": _t(
                            "Responding to mental-health crises",
                            "Cómo responder a crisis de salud mental",
                            "应对精神健康危机",
                            "Reagowanie na kryzysy psychiczne",
                            "الاستجابة للأزمات النفسية")},
                        {"code": "fair_treatment_bias", "label": _t(
                            "Fair treatment and avoiding bias",
                            "Trato justo y cómo evitar prejuicios",
                            "公平待人，避免偏见",
                            "Sprawiedliwe traktowanie i unikanie uprzedzeń",
                            "المعاملة المنصفة وتجنّب التحيّز")},
                        {"code": "language_culture", "label": _t(
                            "Language access and cultural awareness",
                            "Acceso a idiomas y respeto a otras culturas",
                            "语言服务与文化理解",
                            "Dostęp językowy i świadomość kulturowa",
                            "الوصول اللغوي والوعي الثقافي")},
                        {"code": "youth_engagement", "label": _t(
                            "Working with young people",
                            "Cómo tratar y trabajar con jóvenes",
                            "与青少年沟通相处",
                            "Praca z młodzieżą",
                            "العمل مع الشباب")},
                        {"code": "trauma_informed", "label": _t(
                            "Trauma-informed response (understanding how trauma affects people)",
                            "Atención informada sobre el trauma (entender cómo el trauma afecta a las personas)",
                            "创伤知情应对（了解创伤对人的影响）",
                            "Reagowanie z uwzględnieniem traumy (rozumienie, jak trauma wpływa na ludzi)",
                            "الاستجابة الواعية بالصدمات (فهم كيف تؤثر الصدمات في الناس)")},
                        {"code": "other", "label": _OTHER, "is_other": True},
                    ],
                },
                {
                    "code": "officer_accountability",
                    "type": "likert",
                    "required": False,
                    "text": _t(
                        en="Officers are held accountable for misconduct.",
                        es="Cuando un agente actúa mal en su trabajo, tiene que rendir cuentas.",
                        zh_hans="警察如有不当行为，会被追究责任。",
                        pl="Funkcjonariusze ponoszą odpowiedzialność za niewłaściwe postępowanie.",
                        ar="يُحاسَب أفراد الشرطة على سوء السلوك.",
                    ),
                    "help_text": _t(
                        en="Misconduct means breaking rules or laws, or treating people badly on the job. Tell us how much you agree or disagree.",
                        es="Actuar mal quiere decir romper reglas o leyes, o tratar mal a la gente en el trabajo. Díganos qué tan de acuerdo o en desacuerdo está.",
                        zh_hans="不当行为是指警察在执勤时违反规定或法律，或者对人态度恶劣。请告诉我们您在多大程度上同意这句话。",
                        pl="Niewłaściwe postępowanie oznacza łamanie zasad lub prawa albo złe traktowanie ludzi w pracy. Prosimy wskazać, w jakim stopniu zgadzasz się lub nie zgadzasz.",
                        ar="سوء السلوك يعني مخالفة القواعد أو القوانين، أو إساءة معاملة الناس أثناء العمل. أخبرنا إلى أي حد توافق أو لا توافق.",
                    ),
                    "choices": _scale(LIKERT_AGREE),
                },
            ],
        },
        # -------------------------------------------------------------- 6
        {
            "code": "ideas_and_you",
            "title": _t(
                "Your ideas and a little about you",
                "Sus ideas y un poco sobre usted",
                "您的想法和基本情况",
                "Twoje pomysły i kilka słów o Tobie",
                "أفكارك وقليل عنك",
            ),
            "questions": [
                {
                    "code": "biggest_concern",
                    "type": "short_text",
                    "required": False,
                    "text": _t(
                        en="In a few words, what is the biggest safety concern on your block?",
                        es="En pocas palabras, ¿cuál es el mayor problema de seguridad en su cuadra?",
                        zh_hans="简单说说，您住的街区最大的安全问题是什么？",
                        pl="W kilku słowach: jaki jest największy problem z bezpieczeństwem w Twojej okolicy?",
                        ar="باختصار، ما أكبر مصدر قلق يتعلق بالسلامة في شارعك؟",
                    ),
                    "help_text": _NO_NAMES_HELP,
                },
                {
                    "code": "safer_one_thing",
                    "type": "long_text",
                    "required": False,
                    "text": _t(
                        en="What is one thing that would make you feel safer?",
                        es="¿Qué es una cosa que le haría sentirse más seguro/a?",
                        zh_hans="有什么事情能让您感觉更安全？请说一件。",
                        pl="Jaka jedna rzecz sprawiłaby, że czuł(a)byś się bezpieczniej?",
                        ar="ما الشيء الواحد الذي سيجعلك تشعر بأمان أكبر؟",
                    ),
                    "help_text": _NO_NAMES_HELP,
                },
                {
                    "code": "hear_results",
                    "type": "multiple",
                    "required": False,
                    "text": _t(
                        en="How would you like to hear about the results of this survey?",
                        es="¿Cómo le gustaría enterarse de los resultados de esta encuesta?",
                        zh_hans="您希望通过什么方式了解这次调查的结果？",
                        pl="Jak chcesz dowiedzieć się o wynikach tej ankiety?",
                        ar="كيف تودّ أن تعرف نتائج هذا الاستبيان؟",
                    ),
                    "help_text": _t(
                        en="Choose all that apply. This survey does not ask for your phone or email. To sign up for updates, contact the organization shown on this page.",
                        es="Marque todas las que correspondan. Esta encuesta no le pide su teléfono ni su correo. Para recibir noticias, comuníquese con la organización que aparece en esta página.",
                        zh_hans="可多选。本问卷不会询问您的电话或邮箱。如想收到最新消息，请联系本页显示的组织。",
                        pl="Wybierz wszystkie pasujące odpowiedzi. Ta ankieta nie pyta o telefon ani e-mail. Aby otrzymywać informacje, skontaktuj się z organizacją podaną na tej stronie.",
                        ar="اختر كل ما ينطبق. لا يطلب هذا الاستبيان رقم هاتفك أو بريدك الإلكتروني. للاشتراك في التحديثات، تواصل مع المنظمة الظاهرة في هذه الصفحة.",
                    ),
                    "choices": [
                        {"code": "community_meeting", "label": _t(
                            "At a community meeting", "En una reunión comunitaria", "社区会议",
                            "Na spotkaniu społeczności",
                            "في اجتماع مجتمعي")},
                        {"code": "from_organization", "label": _t(
                            "From the organization that shared this survey",
                            "Por medio de la organización que compartió esta encuesta",
                            "通过分享这份问卷的组织",
                            "Od organizacji, która udostępniła tę ankietę",
                            "من المنظمة التي شاركت هذا الاستبيان")},
                        {"code": "social_media", "label": _t(
                            "Social media", "Redes sociales", "社交媒体（如微信、Facebook）",
                            "Media społecznościowe",
                            "وسائل التواصل الاجتماعي")},
                        {"code": "text_message", "label": _t(
                            "Text message", "Mensaje de texto", "手机短信",
                            "SMS",
                            "رسالة نصية")},
                        {"code": "email", "label": _t(
                            "Email", "Correo electrónico", "电子邮件",
                            "E-mail",
                            "البريد الإلكتروني")},
                        {"code": "printed", "label": _t(
                            "Printed flyer or newsletter", "Volante o boletín impreso", "纸质传单或简报",
                            "Drukowana ulotka lub biuletyn",
                            "منشور مطبوع أو نشرة إخبارية")},
                        {"code": "local_media", "label": _t(
                            "Local news, radio or TV", "Noticias locales, radio o televisión", "本地新闻、电台或电视",
                            "Lokalne wiadomości, radio lub telewizja",
                            "الأخبار المحلية أو الإذاعة أو التلفزيون")},
                        {"code": "not_interested", "label": _t(
                            "I do not need to hear about the results",
                            "No necesito enterarme de los resultados",
                            "我不需要了解结果",
                            "Nie potrzebuję informacji o wynikach",
                            "لا أحتاج إلى معرفة النتائج")},
                    ],
                },
                {
                    "code": "household_size",
                    "type": "number",
                    "required": False,
                    "min_value": 1,
                    "max_value": 20,
                    "text": _t(
                        en="How many people live in your household, including you?",
                        es="¿Cuántas personas viven en su hogar, incluido/a usted?",
                        zh_hans="您家里一共住了几个人（包括您自己）？",
                        pl="Ile osób mieszka w Twoim gospodarstwie domowym, łącznie z Tobą?",
                        ar="كم عدد الأشخاص الذين يعيشون في أسرتك، بمن فيهم أنت؟",
                    ),
                },
                {
                    "code": "age_group",
                    "type": "single",
                    "required": False,
                    "text": _t(
                        en="What is your age group?",
                        es="¿En qué grupo de edad está usted?",
                        zh_hans="您的年龄段是？",
                        pl="Do jakiej grupy wiekowej należysz?",
                        ar="ما فئتك العمرية؟",
                    ),
                    "choices": [
                        {"code": "age_18_24", "label": _t("18 to 24", "De 18 a 24 años", "18至24岁", "18–24", "من 18 إلى 24")},
                        {"code": "age_25_34", "label": _t("25 to 34", "De 25 a 34 años", "25至34岁", "25–34", "من 25 إلى 34")},
                        {"code": "age_35_44", "label": _t("35 to 44", "De 35 a 44 años", "35至44岁", "35–44", "من 35 إلى 44")},
                        {"code": "age_45_54", "label": _t("45 to 54", "De 45 a 54 años", "45至54岁", "45–54", "من 45 إلى 54")},
                        {"code": "age_55_64", "label": _t("55 to 64", "De 55 a 64 años", "55至64岁", "55–64", "من 55 إلى 64")},
                        {"code": "age_65_plus", "label": _t("65 or older", "65 años o más", "65岁及以上", "65 lub więcej", "65 أو أكثر")},
                        {"code": "prefer_not", "label": _PREFER_NOT},
                    ],
                },
                {
                    "code": "home_language",
                    "type": "single",
                    "required": False,
                    "text": _t(
                        en="What language do you speak most at home?",
                        es="¿Qué idioma habla más en su casa?",
                        zh_hans="您在家里最常说哪种语言？",
                        pl="W jakim języku najczęściej mówisz w domu?",
                        ar="ما اللغة التي تتحدثها أكثر في المنزل؟",
                    ),
                    "choices": [
                        {"code": "english", "label": _t("English", "Inglés", "英语", "Angielski", "الإنجليزية")},
                        {"code": "spanish", "label": _t("Spanish", "Español", "西班牙语", "Hiszpański", "الإسبانية")},
                        {"code": "mandarin", "label": _t("Chinese (Mandarin)", "Chino (mandarín)", "中文（普通话）", "Chiński (mandaryński)", "الصينية (الماندرين)")},
                        {"code": "cantonese", "label": _t("Chinese (Cantonese)", "Chino (cantonés)", "中文（粤语）", "Chiński (kantoński)", "الصينية (الكانتونية)")},
                        {"code": "toishanese", "label": _t("Chinese (Toishanese)", "Chino (toisanés)", "中文（台山话）", "Chiński (tajszański)", "الصينية (التايشانية)")},
                        {"code": "other", "label": _OTHER, "is_other": True},
                        {"code": "prefer_not", "label": _PREFER_NOT},
                    ],
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# Listening session discussion guide
# ---------------------------------------------------------------------------

DISCUSSION_GUIDE = {
    "code": "listening-session-guide-2026",
    "kind": "guide",
    "estimated_minutes": 90,
    "retention_months": 36,
    "title": _t(
        en="Community Listening Session: Safety and Community-Engaged Policing",
        es="Sesión para escuchar a la comunidad: seguridad y policía con participación comunitaria",
        zh_hans="社区倾听会：公共安全与社区参与式警务",
        pl="Spotkanie konsultacyjne społeczności: bezpieczeństwo i współpraca policji ze społecznością",
        ar="جلسة استماع مجتمعية: السلامة والعمل الشرطي القائم على المشاركة المجتمعية",
    ),
    "description": _t(
        en="A guided group conversation of about 90 minutes about safety and policing in the neighborhood.",
        es="Una conversación en grupo de unos 90 minutos sobre la seguridad y la policía en el vecindario.",
        zh_hans="一次约90分钟的小组讨论，话题是社区安全和警务。",
        pl="Prowadzona rozmowa grupowa, trwająca około 90 minut, o bezpieczeństwie i policji w okolicy.",
        ar="حوار جماعي مُيسَّر لمدة 90 دقيقة تقريبًا عن السلامة والعمل الشرطي في الحي.",
    ),
    "intro": _t(
        en=(
            "Thank you for coming. Community organizations across Chicago are holding sessions like "
            "this one to hear what residents want from public safety and policing. There are no right "
            "or wrong answers. Please speak one at a time and respect each other's views. We will "
            "summarize what we hear, without names, and share it with the Mayor's Office and the "
            "Chicago Police Department."
        ),
        es=(
            "Gracias por venir. Organizaciones comunitarias de todo Chicago están haciendo reuniones "
            "como esta para escuchar lo que los residentes esperan de la seguridad pública y de la "
            "policía. No hay respuestas buenas ni malas. Por favor, hablen de uno en uno y respeten "
            "las opiniones de los demás. Haremos un resumen de lo que escuchemos, sin nombres, y lo "
            "compartiremos con la Oficina del Alcalde y el Departamento de Policía de Chicago."
        ),
        zh_hans=(
            "感谢大家的到来。芝加哥各地的社区组织都在举办这样的交流会，听取居民对公共安全和警务的期望。"
            "回答没有对错之分。请大家轮流发言，尊重彼此的看法。我们会整理大家的意见（不记录姓名），"
            "并转达给市长办公室和芝加哥警察局。"
        ),
        pl="Dziękujemy za przybycie. Organizacje społeczne w całym Chicago organizują takie spotkania, aby usłyszeć, czego mieszkańcy oczekują od bezpieczeństwa publicznego i policji. Nie ma dobrych ani złych odpowiedzi. Prosimy mówić po kolei i szanować zdanie innych. Podsumujemy to, co usłyszymy, bez nazwisk, i przekażemy Biuru Burmistrza i Departamentowi Policji w Chicago.",
        ar="شكرًا لحضوركم. تعقد منظمات مجتمعية في أنحاء شيكاغو جلسات مثل هذه لتسمع ما يريده السكان من السلامة العامة والعمل الشرطي. لا توجد إجابات صحيحة أو خاطئة. يرجى أن يتحدث شخص واحد في كل مرة، وأن نحترم آراء بعضنا. سنلخص ما نسمعه دون ذكر أسماء، ونشاركه مع مكتب العمدة وإدارة شرطة شيكاغو.",
    ),
    "consent_text": _t(
        en=(
            "Before we start, a few things to know. This session is hosted by our community "
            "organization together with the Community Safety Collaborative.\n\n"
            "Taking part is voluntary. You can pass on any question, and you can leave at any time.\n\n"
            "A staff member will take notes. We will not write down your name or anything that "
            "could identify you. We may share short quotes, but never with names. Please do not use "
            "names when you talk about other people, and please keep what others say here private.\n\n"
            "Only staff of our organization and the Collaborative will see the notes. The city will "
            "only get a summary. We keep the notes for 36 months and then delete them.\n\n"
            "This is not the place to report a crime. If you need help right away, call 911. If "
            "today's talk brings up hard feelings, you can step out at any time, or call or text 988.\n\n"
            "If you have questions later, you can contact our organization. Is everyone okay with "
            "taking part? Does anyone have questions before we begin?"
        ),
        es=(
            "Antes de empezar, algunas cosas importantes. Esta reunión la organiza nuestra "
            "organización comunitaria junto con la Colaborativa de Seguridad Comunitaria.\n\n"
            "Su participación es voluntaria. Puede no contestar cualquier pregunta y puede irse en "
            "cualquier momento.\n\n"
            "Una persona de nuestro equipo tomará notas. No vamos a escribir su nombre ni nada que "
            "pueda identificarlo/a. Tal vez compartamos algunas frases cortas, pero nunca con "
            "nombres. Por favor, no use nombres cuando hable de otras personas, y no comente fuera "
            "de aquí lo que otros digan.\n\n"
            "Solo el personal de nuestra organización y de la Colaborativa verá las notas. La ciudad "
            "solo recibirá un resumen. Guardamos las notas durante 36 meses y después las borramos.\n\n"
            "Esta reunión no es para denunciar delitos. Si necesita ayuda de inmediato, llame al 911. "
            "Si esta conversación le trae sentimientos difíciles, puede salir en cualquier momento o "
            "llamar o mandar un mensaje al 988.\n\n"
            "Si después tiene preguntas, puede comunicarse con nuestra organización. ¿Están todos de "
            "acuerdo en participar? ¿Alguien tiene preguntas antes de empezar?"
        ),
        zh_hans=(
            "开始之前，有几件事想先告诉大家。本次交流会由我们社区组织和社区安全协作组织共同举办。\n\n"
            "参加完全自愿。任何问题您都可以不回答，也可以随时离开。\n\n"
            "会有一位工作人员做记录。我们不会记下您的姓名或任何能认出您的信息。"
            "我们可能会引用大家说的一两句话，但绝不会附上姓名。谈到别人时请不要说出姓名，"
            "也请不要把别人在这里说的话传出去。\n\n"
            "只有我们组织和协作组织的工作人员能看到记录，市政府只会收到总结。"
            "记录会保存36个月，之后删除。\n\n"
            "这里不是报案的地方。如需紧急帮助，请拨打911。如果讨论让您感到难受，"
            "您可以随时离开会场，也可以拨打或发短信到988寻求支持。\n\n"
            "如果之后有疑问，可以联系我们组织。大家都同意参加吗？开始之前还有什么问题吗？"
        ),
        pl="Zanim zaczniemy, kilka ważnych informacji. To spotkanie organizuje nasza organizacja społeczna wraz z Community Safety Collaborative.\n\nUdział jest dobrowolny. Można nie odpowiadać na dowolne pytanie i wyjść w każdej chwili.\n\nPracownik będzie robił notatki. Nie zapiszemy imion, nazwisk ani niczego, co mogłoby kogoś zidentyfikować. Możemy przytaczać krótkie cytaty, ale nigdy z nazwiskami. Prosimy nie używać imion, mówiąc o innych osobach, i zachować dla siebie to, co mówią tu inni.\n\nNotatki zobaczą tylko pracownicy naszej organizacji i Collaborative. Miasto otrzyma tylko podsumowanie. Notatki przechowujemy przez 36 miesięcy, a potem je usuwamy.\n\nTo nie jest miejsce na zgłaszanie przestępstw. W nagłej potrzebie dzwoń pod 911. Jeśli dzisiejsza rozmowa wywoła trudne emocje, można w każdej chwili wyjść lub zadzwonić albo wysłać SMS pod numer 988.\n\nW razie pytań później można skontaktować się z naszą organizacją. Czy wszyscy zgadzają się wziąć udział? Czy ktoś ma pytania, zanim zaczniemy?",
        ar="قبل أن نبدأ، بعض الأمور التي ينبغي معرفتها. تستضيف هذه الجلسة منظمتنا المجتمعية بالتعاون مع «تحالف السلامة المجتمعية».\n\nالمشاركة طوعية. يمكنكم عدم الإجابة عن أي سؤال، ويمكنكم المغادرة في أي وقت.\n\nسيدوّن أحد الموظفين ملاحظات. لن نكتب أسماءكم أو أي شيء قد يكشف هويتكم. قد نشارك اقتباسات قصيرة، لكن دون أسماء أبدًا. يرجى عدم ذكر أسماء عند الحديث عن أشخاص آخرين، والحفاظ على خصوصية ما يقوله الآخرون هنا.\n\nلن يطّلع على الملاحظات إلا موظفو منظمتنا و«التحالف». ولن تحصل المدينة إلا على ملخص. نحتفظ بالملاحظات مدة 36 شهرًا ثم نحذفها.\n\nهذا ليس مكانًا للإبلاغ عن جريمة. إذا احتجت إلى مساعدة فورية، فاتصل بالرقم 911. وإذا أثار حديث اليوم مشاعر صعبة، يمكنك الخروج في أي وقت، أو الاتصال أو إرسال رسالة نصية إلى الرقم 988.\n\nإذا كانت لديكم أسئلة لاحقًا، يمكنكم التواصل مع منظمتنا. هل الجميع موافقون على المشاركة؟ هل لدى أحد أسئلة قبل أن نبدأ؟",
    ),
    "thank_you_text": _t(
        en=(
            "Thank you for sharing your time and your stories today. What you said matters. We will "
            "share a summary with the city and come back to tell you what we learned and what happens next."
        ),
        es=(
            "Gracias por compartir hoy su tiempo y sus experiencias. Lo que dijeron es importante. "
            "Compartiremos un resumen con la ciudad y volveremos para contarles lo que aprendimos y "
            "los próximos pasos."
        ),
        zh_hans=(
            "感谢大家今天抽出时间，分享自己的经历。您说的每句话都很重要。"
            "我们会把总结交给市政府，之后也会回来告诉大家我们了解到的情况和下一步安排。"
        ),
        pl="Dziękujemy za poświęcony czas i podzielenie się swoimi historiami. To, co powiedzieliście, ma znaczenie. Przekażemy podsumowanie miastu i wrócimy, aby powiedzieć, czego się dowiedzieliśmy i co będzie dalej.",
        ar="شكرًا لكم على وقتكم وعلى مشاركة قصصكم اليوم. ما قلتموه مهم. سنشارك ملخصًا مع المدينة، وسنعود لنخبركم بما تعلمناه وبما سيحدث بعد ذلك.",
    ),
    "sections": [
        {
            "code": "conversation",
            "title": _t("Group conversation", "Conversación en grupo", "小组讨论", "Rozmowa grupowa", "حوار جماعي"),
            "questions": [
                {
                    "code": "prompt_safety_meaning",
                    "type": "long_text",
                    "required": False,
                    "text": _t(
                        en="What does feeling safe mean to you and your family in this neighborhood?",
                        es="¿Qué significa para usted y su familia sentirse seguros en este vecindario?",
                        zh_hans="对您和家人来说，在这个社区里“感到安全”意味着什么？",
                        pl="Co oznacza poczucie bezpieczeństwa dla Ciebie i Twojej rodziny w tej okolicy?",
                        ar="ماذا يعني الشعور بالأمان لك ولعائلتك في هذا الحي؟",
                    ),
                    "help_text": _t(
                        en=(
                            "Warm-up: give everyone a turn. Probes: Where and when do you feel safest? "
                            "Least safe? What has changed in the last few years?"
                        ),
                        es=(
                            "Para empezar: dé la palabra a todos. Preguntas de seguimiento: ¿Dónde y "
                            "cuándo se siente más seguro/a? ¿Y menos seguro/a? ¿Qué ha cambiado en los "
                            "últimos años?"
                        ),
                        zh_hans=(
                            "热身问题：让每个人都有机会发言。追问：您在什么地方、什么时候觉得最安全？"
                            "什么时候最不安全？这几年有什么变化？"
                        ),
                        pl="Rozgrzewka: daj głos każdemu. Pytania pomocnicze: Gdzie i kiedy czujesz się najbezpieczniej? Najmniej bezpiecznie? Co zmieniło się w ostatnich latach?",
                        ar="للتمهيد: امنح كل شخص دوره. أسئلة للتعمق: أين ومتى تشعر بأكبر قدر من الأمان؟ وبأقل قدر منه؟ ما الذي تغيّر في السنوات الأخيرة؟",
                    ),
                },
                {
                    "code": "prompt_police_experiences",
                    "type": "long_text",
                    "required": False,
                    "text": _t(
                        en="What have your experiences with police in this neighborhood been like, good or bad?",
                        es="¿Cómo han sido sus experiencias con la policía en este vecindario, buenas o malas?",
                        zh_hans="您在这个社区和警察打交道的经历是怎样的？好的、不好的都可以说。",
                        pl="Jakie są Twoje doświadczenia z policją w tej okolicy, dobre lub złe?",
                        ar="كيف كانت تجاربك مع الشرطة في هذا الحي، سواء كانت جيدة أو سيئة؟",
                    ),
                    "help_text": _t(
                        en=(
                            "Remind people not to use names. Probes: How were you treated? Did "
                            "language or immigration status make a difference? What made a good "
                            "experience good?"
                        ),
                        es=(
                            "Recuerde a las personas que no usen nombres. Preguntas de seguimiento: "
                            "¿Cómo lo/la trataron? ¿El idioma o el estatus migratorio hicieron una "
                            "diferencia? ¿Qué hizo que una buena experiencia fuera buena?"
                        ),
                        zh_hans=(
                            "提醒大家不要说出姓名。追问：警察对您的态度怎么样？语言或移民身份有没有影响？"
                            "好的经历好在哪里？"
                        ),
                        pl="Przypomnij, aby nie używać nazwisk. Pytania pomocnicze: Jak Cię potraktowano? Czy język lub status imigracyjny miały znaczenie? Co sprawiło, że dobre doświadczenie było dobre?",
                        ar="ذكّر الحاضرين بعدم ذكر أسماء. أسئلة للتعمق: كيف عوملت؟ هل أحدثت اللغة أو وضع الهجرة فرقًا؟ ما الذي جعل التجربة الجيدة جيدة؟",
                    ),
                },
                {
                    "code": "prompt_who_responds",
                    "type": "long_text",
                    "required": False,
                    "text": _t(
                        en="When someone calls for help, who should respond? Does it depend on the situation?",
                        es="Cuando alguien pide ayuda, ¿quién debería responder? ¿Depende de la situación?",
                        zh_hans="有人求助时，应该由谁来处理？会不会因情况不同而不同？",
                        pl="Kto powinien reagować, gdy ktoś wzywa pomocy? Czy to zależy od sytuacji?",
                        ar="عندما يطلب أحدهم المساعدة، من ينبغي أن يستجيب؟ هل يعتمد ذلك على الموقف؟",
                    ),
                    "help_text": _t(
                        en=(
                            "Probes: a mental-health crisis, someone experiencing homelessness, young "
                            "people gathering, a fight at home, a noise complaint. Who in the "
                            "community already helps? What would need to be in place?"
                        ),
                        es=(
                            "Preguntas de seguimiento: una crisis de salud mental, una persona sin "
                            "hogar, jóvenes reunidos, un pleito en casa, una queja por ruido. ¿Quién "
                            "en la comunidad ya ayuda? ¿Qué haría falta?"
                        ),
                        zh_hans=(
                            "追问：精神健康危机、无家可归者、年轻人聚集、家庭纠纷、噪音投诉等情况。"
                            "社区里现在有谁在帮忙？还需要哪些条件？"
                        ),
                        pl="Pytania pomocnicze: kryzys psychiczny, osoba w kryzysie bezdomności, gromadząca się młodzież, kłótnia w domu, skarga na hałas. Kto w społeczności już pomaga? Co musiałoby być gotowe?",
                        ar="أسئلة للتعمق: أزمة نفسية، شخص بلا مأوى، تجمّع الشباب، شجار في المنزل، شكوى من الضوضاء. من في المجتمع يساعد بالفعل؟ ما الذي يلزم توفيره؟",
                    ),
                },
                {
                    "code": "prompt_community_policing",
                    "type": "long_text",
                    "required": False,
                    "text": _t(
                        en="If community-engaged policing worked well here, what would it look like?",
                        es="Si aquí la policía trabajara bien con la comunidad, ¿cómo se vería eso?",
                        zh_hans="如果社区参与式警务在这里做得好，会是什么样子？",
                        pl="Gdyby współpraca policji ze społecznością dobrze tu działała, jak by to wyglądało?",
                        ar="لو نجح العمل الشرطي القائم على المشاركة المجتمعية هنا، كيف سيبدو؟",
                    ),
                    "help_text": _t(
                        en=(
                            "Probes: What would officers do differently? Where and how often would "
                            "you see them? How should residents have a say? What could the "
                            "community do?"
                        ),
                        es=(
                            "Preguntas de seguimiento: ¿Qué harían los agentes de otra manera? ¿Dónde "
                            "y cada cuánto los vería? ¿Cómo podrían opinar y decidir los residentes? "
                            "¿Qué podría hacer la comunidad?"
                        ),
                        zh_hans=(
                            "追问：警察的做法会有什么不同？您会在哪里、多久见到他们一次？"
                            "居民怎样才能有发言权？社区自己可以做些什么？"
                        ),
                        pl="Pytania pomocnicze: Co funkcjonariusze robiliby inaczej? Gdzie i jak często byście ich widzieli? Jak mieszkańcy powinni mieć wpływ? Co mogłaby zrobić społeczność?",
                        ar="أسئلة للتعمق: ما الذي سيفعله أفراد الشرطة بشكل مختلف؟ أين وكم مرة سترونهم؟ كيف يكون للسكان رأي؟ ما الذي يمكن أن يفعله المجتمع؟",
                    ),
                },
                {
                    "code": "prompt_training_accountability",
                    "type": "long_text",
                    "required": False,
                    "text": _t(
                        en="What training should officers have, and how should they be held accountable?",
                        es="¿Qué capacitación deberían tener los agentes y cómo deberían rendir cuentas?",
                        zh_hans="警察应该接受哪些培训？出了问题应该怎样追究责任？",
                        pl="Jakie szkolenia powinni przechodzić funkcjonariusze i jak należy rozliczać ich z postępowania?",
                        ar="ما التدريب الذي ينبغي أن يتلقاه أفراد الشرطة، وكيف ينبغي أن يُحاسَبوا؟",
                    ),
                    "help_text": _t(
                        en=(
                            "Probes: Which skills matter most (calming situations, mental health, "
                            "language, youth)? What should happen when an officer treats someone "
                            "badly? How would you know it was handled?"
                        ),
                        es=(
                            "Preguntas de seguimiento: ¿Qué habilidades son más importantes (calmar "
                            "situaciones, salud mental, idiomas, jóvenes)? ¿Qué debería pasar cuando un "
                            "agente trata mal a alguien? ¿Cómo sabría usted que se resolvió?"
                        ),
                        zh_hans=(
                            "追问：哪些能力最重要（缓和冲突、精神健康、语言、与青少年相处）？"
                            "警察对人态度恶劣时应该怎么处理？您怎样才能知道事情已经处理了？"
                        ),
                        pl="Pytania pomocnicze: Które umiejętności są najważniejsze (łagodzenie sytuacji, zdrowie psychiczne, język, młodzież)? Co powinno się stać, gdy funkcjonariusz źle kogoś potraktuje? Skąd byście wiedzieli, że sprawą się zajęto?",
                        ar="أسئلة للتعمق: ما المهارات الأهم (تهدئة المواقف، الصحة النفسية، اللغة، الشباب)؟ ماذا ينبغي أن يحدث عندما يسيء أحد أفراد الشرطة معاملة شخص ما؟ كيف ستعرفون أن الأمر عولج؟",
                    ),
                },
                {
                    "code": "prompt_message_to_city",
                    "type": "long_text",
                    "required": False,
                    "text": _t(
                        en="What is one thing you want the Mayor's Office and the Police Department to hear from you?",
                        es="¿Qué es una cosa que usted quiere que escuchen la Oficina del Alcalde y el Departamento de Policía?",
                        zh_hans="您最想让市长办公室和警察局听到的一句话是什么？",
                        pl="Jaką jedną rzecz chcesz przekazać Biuru Burmistrza i Departamentowi Policji?",
                        ar="ما الشيء الواحد الذي تريد أن يسمعه منك مكتب العمدة وإدارة الشرطة؟",
                    ),
                    "help_text": _t(
                        en=(
                            "Closing round: go around the room and give each person a turn. Read back "
                            "the main points to check that you heard them right."
                        ),
                        es=(
                            "Ronda final: dé la palabra a cada persona. Repita en voz alta los puntos "
                            "principales para confirmar que los entendió bien."
                        ),
                        zh_hans=(
                            "结束环节：请每个人轮流发言。最后把主要观点复述一遍，确认记录无误。"
                        ),
                        pl="Runda zamykająca: oddaj głos każdej osobie po kolei. Odczytaj najważniejsze punkty, aby sprawdzić, czy dobrze je zrozumiano.",
                        ar="جولة الختام: امنح كل شخص في القاعة دوره. أعد قراءة النقاط الرئيسية للتأكد من أنك فهمتها بشكل صحيح.",
                    ),
                },
            ],
        },
    ],
}


# ---------------------------------------------------------------------------
# Synthetic sample answers (for demo data only; no real people or addresses)
# ---------------------------------------------------------------------------

SAMPLE_TEXT_ANSWERS = {
    "biggest_concern": {
        "en": [
            "Shootings at night, especially in the summer.",
            "Cars speeding down our side street.",
            "Car break-ins and stolen catalytic converters.",
            "Not enough light near the bus stop.",
            "Teens have nowhere to go after school.",
            "Drug dealing by the corner store.",
            "Garage break-ins in the alley.",
            "It takes too long for police to come.",
        ],
        "es": [
            "Las balaceras en el verano.",
            "Los carros que pasan a toda velocidad.",
            "Se roban partes de los carros en la noche.",
            "Muy poca luz en el callejón.",
            "Los jóvenes no tienen a dónde ir.",
            "Venta de drogas cerca de la escuela.",
            "Asaltos cerca de la estación del tren.",
            "La gente tiene miedo de llamar a la policía por su estatus migratorio.",
        ],
        "zh_hans": [
            "晚上街上太黑，路灯不够。",
            "有老人在路上被抢。",
            "车窗被砸，车里东西被偷。",
            "有人骚扰亚裔居民。",
            "地铁站附近晚上不安全。",
            "车开得太快，过马路很危险。",
            "报警时没人会说中文。",
            "入室盗窃。",
        ],
    },
    "safer_one_thing": {
        "en": [
            "More officers walking the block and actually talking to people, not just driving by.",
            "Fix the streetlights on our block and clean up the vacant lot so people stop hanging out there at night.",
            "Send someone trained in mental health when a neighbor is in crisis. Last time it turned into a scary scene.",
            "Keep park programs open later in the summer so teens have somewhere to go.",
            "Faster response when we call. We waited almost an hour after a break-in.",
            "Knowing that officers who treat people badly will face real consequences.",
            "Monthly block club meetings where police and neighbors sit down together.",
            "Summer jobs for young people. When kids are working, the block is calmer.",
        ],
        "es": [
            "Que los policías caminen por el barrio y conozcan a la gente, no que solo pasen en la patrulla.",
            "Más luz en las calles y en los callejones, sobre todo cerca de la escuela.",
            "Que cuando uno llame, manden a alguien que hable español.",
            "Saber que no me van a preguntar por mis papeles cuando pido ayuda.",
            "Programas para los jóvenes después de clases y en el verano.",
            "Que lleguen más rápido. Llamamos por una pelea y tardaron mucho.",
            "Que venga alguien de salud mental cuando una persona está en crisis, no solo la policía.",
            "Reuniones entre vecinos y policías para conocernos y hablar de los problemas de la cuadra.",
        ],
        "zh_hans": [
            "希望警察多在街上步行巡逻，和居民打招呼，互相认识。",
            "晚上从地铁站走回家的路太黑，希望多装一些路灯。",
            "报警的时候，希望有会说普通话或粤语的人帮忙。",
            "老人被抢的事情，希望警察更重视，处理得更快。",
            "社区里多办一些老人和孩子的活动，大家互相照应。",
            "有人精神状况不好时，派专业人员来处理，而不只是派警察。",
            "希望出警快一点，上次等了很久才有人来。",
            "定期开社区会议，让居民和警察面对面交流。",
        ],
    },
}

SAMPLE_SESSION_NOTES = {
    "prompt_safety_meaning": {
        "summaries": [
            "Most participants described safety as being able to walk to the store, the train or the park without worrying, especially after dark.",
            "Parents said safety means their children can play outside and get to school without fear.",
            "Several older adults said they feel safe during the day but avoid going out at night.",
        ],
        "quotes": [
            {"text": "Safe means I can sit on my porch in the evening and not think twice about it.", "descriptor": "longtime resident"},
            {"text": "For me it's about my kids walking home from school and me not checking my phone every five minutes.", "descriptor": "parent"},
            {"text": "We don't go out after 7 anymore. That is not how it used to be.", "descriptor": "older adult, Chinese-language session (interpreted)"},
        ],
    },
    "prompt_police_experiences": {
        "summaries": [
            "Experiences were mixed: some described officers who were helpful and respectful, others described feeling ignored or treated with suspicion.",
            "Language was a repeated barrier; Spanish- and Chinese-speaking participants said it is hard to explain what happened when no officer speaks their language.",
            "Young participants described being stopped while walking in groups and said they were rarely told why.",
        ],
        "quotes": [
            {"text": "When I called about the break-in, the officer was kind, but I waited a long time and nobody followed up.", "descriptor": "small business owner"},
            {"text": "I got stopped three times last summer just walking with my friends.", "descriptor": "youth participant"},
            {"text": "My mother will not call the police because she is afraid they will ask about papers.", "descriptor": "adult participant, Spanish-language session (interpreted)"},
        ],
    },
    "prompt_who_responds": {
        "summaries": [
            "Strong agreement that mental-health crises should get a trained clinician, with police present only when there is a weapon or clear danger.",
            "Participants named local groups, churches and violence-prevention workers who already help with conflicts and youth outreach.",
            "Some participants worried that calls for homelessness or noise take police away from serious emergencies.",
        ],
        "quotes": [
            {"text": "If my brother is having an episode, I need a nurse or a counselor, not a squad car.", "descriptor": "family member of a person with mental illness"},
            {"text": "The outreach workers know the kids by name. They can calm things down before it gets bad.", "descriptor": "youth mentor"},
            {"text": "Some things still need police. A fight at home can turn dangerous fast.", "descriptor": "older adult participant"},
        ],
    },
    "prompt_community_policing": {
        "summaries": [
            "Participants want the same officers assigned to the area long enough for people to know them.",
            "Foot and bike patrols, visits to block club meetings and community events were seen as ways to build trust.",
            "Residents want a real say in priorities, with regular meetings where police report back on what they did.",
        ],
        "quotes": [
            {"text": "I want to know the officer's name and have them know mine. Right now they're strangers.", "descriptor": "block club member"},
            {"text": "Come to our basketball games, not just when something goes wrong.", "descriptor": "youth participant"},
            {"text": "It should feel like they work with us, not on us.", "descriptor": "community leader"},
        ],
    },
    "prompt_training_accountability": {
        "summaries": [
            "De-escalation and mental-health crisis training were the most mentioned priorities.",
            "Participants asked for training on language access and on the cultures of immigrant communities.",
            "Many said accountability is more important than training: clear consequences for misconduct and public updates on complaints.",
        ],
        "quotes": [
            {"text": "Training is good, but if nothing happens when they break the rules, it doesn't matter.", "descriptor": "adult participant"},
            {"text": "They should learn how to talk to people who are scared, not just give orders.", "descriptor": "parent, Spanish-language session (interpreted)"},
            {"text": "When you file a complaint, you never hear back. We want to know the result.", "descriptor": "longtime resident"},
        ],
    },
    "prompt_message_to_city": {
        "summaries": [
            "The most common message was to invest in prevention: lighting, youth programs, jobs and mental-health services.",
            "Participants asked the city to come back and report what changed because of these sessions.",
            "Several participants asked for services and information in Spanish and Chinese as a basic step.",
        ],
        "quotes": [
            {"text": "Listen to us and then show us what you did with it.", "descriptor": "block club member"},
            {"text": "Our neighborhood is not just a crime map. There are families here who care.", "descriptor": "parent"},
            {"text": "Please have people who speak our language. Then we can help you too.", "descriptor": "older adult, Chinese-language session (interpreted)"},
        ],
    },
}

# Common Chinese names of a few community areas (Chinatown lies in Armour Square); the others
# show their English name, marked as English.
AREA_NAMES_ZH_HANS = {
    7: "林肯公园",
    32: "卢普区",
    33: "近南区",
    34: "阿默广场（华埠）",
    41: "海德公园",
    59: "麦金利公园",
    60: "布里奇波特",
}
