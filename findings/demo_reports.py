"""The demo's two findings reports, in English, Spanish and Simplified Chinese, with the
published Chicago report's structure: what residents want from policing, actions for the
Police Department, and mixed views on who should respond to calls for help. Their figures,
tables and charts come from the demo data; only the words are written here.

A block is (kind, after paragraph, params); see findings.reports for the parameters.
"""

SURVEY = "community-safety-2026"

# Partner organizations and their demo accounts (password as for every demo account).
PARTNERS = [
    ("mayors-office", "Mayor's Office", "partner.mayors-office@demo.example.org"),
    ("police-department", "Police Department", "partner.police-department@demo.example.org"),
]

# Quotes chosen as representative, checked for identifying details, with translations.
# (theme code, the original's text as the demo stores it, its language, {language: text})
QUOTES = [
    (
        "trusting_relationships",
        "I want to know the officer's name and have them know mine. Right now they're strangers.",
        "en",
        {
            "es": "Quiero saber cómo se llama el policía y que él sepa cómo me llamo yo. "
            "Ahora mismo son unos desconocidos.",
            "zh-hans": "我想知道警察叫什么名字，也希望他们知道我的名字。现在他们对我们来说是陌生人。",
        },
    ),
    (
        "trusting_relationships",
        "It should feel like they work with us, not on us.",
        "en",
        {
            "es": "Tendría que sentirse que trabajan con nosotros, no sobre nosotros.",
            "zh-hans": "应该让人感觉他们是和我们一起工作，而不是管着我们。",
        },
    ),
    (
        "accountability",
        "Training is good, but if nothing happens when they break the rules, it doesn't matter.",
        "en",
        {
            "es": "La capacitación está bien, pero si no pasa nada cuando rompen las reglas, "
            "no sirve de nada.",
            "zh-hans": "培训是好事，但如果他们违反规定却什么后果都没有，那就没有意义。",
        },
    ),
    (
        "accountability",
        "When you file a complaint, you never hear back. We want to know the result.",
        "en",
        {
            "es": "Cuando uno pone una queja, nunca le responden. Queremos saber el resultado.",
            "zh-hans": "投诉之后从来没有回音。我们想知道结果。",
        },
    ),
    (
        "who_responds",
        "If my brother is having an episode, I need a nurse or a counselor, not a squad car.",
        "en",
        {
            "es": "Si mi hermano está en plena crisis, necesito una enfermera o un consejero, "
            "no una patrulla.",
            "zh-hans": "如果我弟弟病情发作，我需要的是护士或心理咨询师，而不是警车。",
        },
    ),
    (
        "who_responds",
        "Some things still need police. A fight at home can turn dangerous fast.",
        "en",
        {
            "es": "Hay cosas que todavía necesitan a la policía. Una pelea en casa puede "
            "volverse peligrosa muy rápido.",
            "zh-hans": "有些事情还是需要警察。家里吵架可能很快就变得危险。",
        },
    ),
    # A resident's survey answer in Chinese, translated into English only: the Spanish
    # report shows the original, marked as Chinese.
    (
        "who_responds",
        "有人精神状况不好时，派专业人员来处理，而不只是派警察。",
        "zh-hans",
        {
            "en": "When someone is in a mental-health crisis, send professionals, not just the police."
        },
    ),
]


def _t(en, es, zh):
    return {"en": en, "es": es, "zh-hans": zh}


EXECUTIVE = {
    "kind": "executive",
    "slug": "executive-summary",
    "audience": "public",
    "title": _t(
        "Executive Summary of Findings: Community-Engaged Policing",
        "Resumen ejecutivo de los resultados: una policía cercana a la comunidad",
        "调查结果摘要：社区参与式警务",
    ),
    "sections": [
        {
            "heading": _t(
                "What residents want from policing",
                "Lo que los residentes esperan de la policía",
                "居民对警务工作的期望",
            ),
            "body": _t(
                "Residents of every community area took part, in English, Spanish and Chinese, "
                "through surveys and listening sessions held by eight community organizations."
                "\n\n"
                "Across neighborhoods, people asked for the same things: officers who know the "
                "community and are known by it, who treat everyone with **respect**, and who "
                "show up when called.\n\n"
                "In their own words:",
                "Participaron residentes de todas las zonas de la ciudad, en inglés, español y "
                "chino, a través de encuestas y de sesiones de diálogo organizadas por ocho "
                "organizaciones comunitarias.\n\n"
                "En todos los barrios la gente pidió lo mismo: policías que conozcan a la "
                "comunidad y a quienes la comunidad conozca, que traten a todos con "
                "**respeto** y que acudan cuando se les llama.\n\n"
                "En sus propias palabras:",
                "来自各个社区的居民通过八个社区组织举办的问卷调查和倾听会参与了这次活动，"
                "使用的语言包括英语、西班牙语和中文。\n\n"
                "各个社区的居民提出了相同的要求：警察要了解社区、也让社区了解他们，"
                "要**尊重**每一个人，接到求助时要及时赶到。\n\n"
                "居民自己的话：",
            ),
            "blocks": [
                ("figures", 1, {}),
                ("themes", 2, {"parent": "", "by": "source", "top": 5}),
                ("quotes", 3, {"theme": "trusting_relationships", "limit": 2}),
            ],
        },
        {
            "heading": _t(
                "Actions for the Police Department",
                "Acciones para el Departamento de Policía",
                "对警察局的行动建议",
            ),
            "body": _t(
                "Residents asked the Department to:\n\n"
                "- assign officers to a neighborhood long enough to be known there, with foot "
                "and bike patrols;\n"
                "- train every officer in de-escalation and in responding to mental-health "
                "crises;\n"
                "- make accountability visible: clear consequences for misconduct and answers "
                "to every complaint.",
                "Los residentes pidieron al Departamento que:\n\n"
                "- asigne a los policías a un barrio durante el tiempo suficiente para que los "
                "vecinos los conozcan, con patrullas a pie y en bicicleta;\n"
                "- capacite a todos los policías en técnicas para calmar situaciones y en la "
                "atención a crisis de salud mental;\n"
                "- haga visible la rendición de cuentas: consecuencias claras ante las faltas "
                "y respuesta a cada queja.",
                "居民希望警察局：\n\n"
                "- 让警察在同一个社区工作足够长的时间，让居民认识他们，并增加步行和自行车巡逻；\n"
                "- 对所有警察进行缓和冲突和应对心理健康危机的培训；\n"
                "- 让问责看得见：对不当行为有明确的后果，对每一件投诉都有回复。",
            ),
            "blocks": [
                ("results", 2, {"question": "foot_bike_patrols"}),
                ("quotes", 2, {"theme": "accountability", "limit": 2}),
            ],
        },
        {
            "heading": _t(
                "Mixed views on who should respond to calls for help",
                "Opiniones divididas sobre quién debe atender las llamadas de ayuda",
                "对由谁来处理求助电话，看法不一",
            ),
            "body": _t(
                "Most residents want a trained clinician, not only the police, to answer a "
                "mental-health crisis. For other calls, such as a fight at home, many still "
                "want the police to come. Views differ by the kind of call.",
                "La mayoría de los residentes quiere que una crisis de salud mental la atienda "
                "un profesional capacitado, no solo la policía. Para otras llamadas, como una "
                "pelea en casa, muchos todavía quieren que acuda la policía. Las opiniones "
                "cambian según el tipo de llamada.",
                "多数居民希望心理健康危机由受过训练的专业人员来处理，而不只是警察。"
                "对于其他情况，例如家里发生争吵，很多人仍然希望警察到场。"
                "看法因求助的类型而不同。",
            ),
            "blocks": [
                ("results", 1, {"question": "who_should_respond"}),
                ("quotes", 1, {"theme": "who_responds", "limit": 3}),
            ],
        },
    ],
}

DETAILED = {
    "kind": "detailed",
    "slug": "detailed-report",
    "audience": "partners",
    "title": _t(
        "Detailed Report of Findings: Community-Engaged Policing",
        "Informe detallado de los resultados: una policía cercana a la comunidad",
        "调查结果详细报告：社区参与式警务",
    ),
    "sections": [
        {
            "heading": _t("Who took part", "Quiénes participaron", "参与者"),
            "body": _t(
                "Eight community organizations collected surveys on the web, on kiosks at "
                "events and on paper, and held two listening sessions each.\n\n"
                "Responses by organization and by the language the survey was finished in:",
                "Ocho organizaciones comunitarias recogieron encuestas por internet, en "
                "tabletas durante eventos y en papel, y cada una organizó dos sesiones de "
                "diálogo.\n\n"
                "Respuestas por organización y por el idioma en que se terminó la encuesta:",
                "八个社区组织通过网络、活动现场的平板电脑和纸质问卷收集了调查，"
                "每个组织还举办了两场倾听会。\n\n"
                "按组织和完成问卷所用语言统计的回复：",
            ),
            "blocks": [
                ("figures", 1, {}),
                ("results", 2, {"rows": "organization", "cols": "language", "pct": ""}),
            ],
        },
        {
            "heading": _t(
                "What residents want from policing",
                "Lo que los residentes esperan de la policía",
                "居民对警务工作的期望",
            ),
            "body": _t(
                "The themes named most often in open answers, session notes and quotes:\n\n"
                "Trust in the police, and fair treatment, as residents rated them:",
                "Los temas mencionados con más frecuencia en las respuestas abiertas, las notas "
                "de las sesiones y las citas:\n\n"
                "La confianza en la policía y el trato justo, según la valoración de los "
                "residentes:",
                "在开放式回答、倾听会记录和引述中最常提到的主题：\n\n"
                "居民对警察的信任程度以及是否受到公平对待的评价：",
            ),
            "blocks": [
                ("themes", 1, {"parent": "", "by": "organization", "top": 8}),
                ("results", 2, {"question": "trust_police"}),
                ("results", 2, {"question": "fair_treatment"}),
                ("quotes", 2, {"theme": "trusting_relationships", "limit": 2}),
            ],
        },
        {
            "heading": _t(
                "Actions for the Police Department",
                "Acciones para el Departamento de Policía",
                "对警察局的行动建议",
            ),
            "body": _t(
                "Training residents consider most important:\n\n"
                "Training themes in what residents said, by source:\n\n"
                "Accountability came up as often as training:",
                "La capacitación que los residentes consideran más importante:\n\n"
                "Los temas de capacitación en lo que dijeron los residentes, según la fuente:"
                "\n\n"
                "La rendición de cuentas salió tantas veces como la capacitación:",
                "居民认为最重要的培训：\n\n"
                "居民发言中与培训有关的主题（按来源）：\n\n"
                "问责和培训被提到的次数一样多：",
            ),
            "blocks": [
                ("results", 1, {"question": "training_priorities"}),
                ("themes", 2, {"parent": "training", "by": "source", "top": 5}),
                ("results", 3, {"question": "officer_accountability"}),
                ("quotes", 3, {"theme": "accountability", "limit": 2}),
            ],
        },
        {
            "heading": _t(
                "Mixed views on who should respond to calls for help",
                "Opiniones divididas sobre quién debe atender las llamadas de ayuda",
                "对由谁来处理求助电话，看法不一",
            ),
            "body": _t(
                "Who should respond, by kind of call:\n\nWhat participants said about it:",
                "Quién debe responder, según el tipo de llamada:\n\n"
                "Lo que dijeron los participantes:",
                "不同类型的求助应该由谁来处理：\n\n参与者的看法：",
            ),
            "blocks": [
                ("results", 1, {"question": "who_should_respond"}),
                ("quotes", 2, {"theme": "who_responds", "limit": 3}),
            ],
        },
    ],
}

REPORTS = [EXECUTIVE, DETAILED]
