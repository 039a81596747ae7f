"""Bulk data for `make bench`: N responses to the demo survey, made by PostgreSQL itself.

Each statement is an INSERT ... SELECT over generate_series, one per question, so 100,000
responses with their ~3.5 million answers load in about a minute without a Python loop.
Answers follow the survey's structure: skip logic (a follow-up only after its condition's
choice), multiple choice (each option taken independently, "other" with a text), matrix rows
sharing their matrix's choices, numbers, community areas and text. Some answers are left out
and about one response in a hundred is excluded, as in real data.
"""


def load_responses(conn, count, survey_code="community-safety-2026"):
    """Add `count` responses (and their answers) to the survey; returns the survey's id."""
    survey_id = conn.execute(
        "SELECT id FROM surveys_instrument WHERE code = %s", [survey_code]
    ).fetchone()[0]
    conn.execute("DROP TABLE IF EXISTS bench_batch")
    conn.execute(
        """
        CREATE TEMP TABLE bench_batch AS
        WITH orgs AS (
            SELECT row_number() OVER (ORDER BY o.id) AS n, o.id AS org_id,
                   (SELECT l.id FROM surveys_collectionlink l
                    WHERE l.organization_id = o.id AND l.instrument_id = %(survey)s
                    ORDER BY l.kind = 'web' DESC, l.id LIMIT 1) AS link_id
            FROM organizations_organization o WHERE o.kind = 'cbo'
        ),
        areas AS (
            SELECT array_agg(id ORDER BY number) AS ids FROM organizations_area
            WHERE kind = 'community_area'
        ),
        draws AS (
            SELECT i, 1 + floor(random() * (SELECT count(*) FROM orgs))::int AS n,
                   random() AS channel_draw, random() AS area_draw
            FROM generate_series(1, %(count)s) AS i
        )
        SELECT gen_random_uuid() AS id, i, orgs.org_id, orgs.link_id, channel_draw,
               now() - random() * interval '80 days' AS submitted_at,
               (SELECT ids[1 + floor(area_draw * array_length(ids, 1))::int] FROM areas)
                   AS area_id
        FROM draws JOIN orgs USING (n)
        """,
        {"survey": survey_id, "count": count},
    )
    conn.execute(
        """
        INSERT INTO surveys_response (
            id, instrument_id, organization_id, link_id, channel, language, languages_used,
            consented, consent_version, submitted_at, area_id, status, exclusion_reason,
            exclusion_note, paper_batch, paper_serial, paper_language)
        SELECT b.id, %(survey)s, b.org_id,
               CASE WHEN b.channel_draw < 0.15 THEN NULL ELSE b.link_id END,
               CASE WHEN b.channel_draw < 0.15 THEN 'paper' ELSE 'web' END,
               lang, ARRAY[lang], true, 1,
               b.submitted_at, b.area_id,
               CASE WHEN b.i %% 97 = 5 THEN 'excluded' ELSE 'included' END,
               CASE WHEN b.i %% 97 = 5 THEN 'test' ELSE '' END, '',
               CASE WHEN b.channel_draw < 0.15 THEN 'Bench batch' ELSE '' END,
               CASE WHEN b.channel_draw < 0.15 THEN b.i::text ELSE '' END,
               CASE WHEN b.channel_draw < 0.15 THEN lang ELSE '' END
        FROM (SELECT *, (ARRAY['en', 'es', 'zh-hans'])[1 + floor(random() * 3)::int] AS lang
              FROM bench_batch) b
        ORDER BY b.submitted_at
        """,
        {"survey": survey_id},
    )
    questions = conn.execute(
        """
        SELECT q.id, q.type, q.required, q.parent_id, q.show_if_question_id, q.show_if_choices,
               q.eligible_choices,
               COALESCE(array_agg(c.id ORDER BY c.order) FILTER (WHERE c.id IS NOT NULL
                        AND NOT c.is_other), '{}'),
               COALESCE(array_agg(c.id) FILTER (WHERE c.is_other), '{}')
        FROM surveys_question q
        LEFT JOIN surveys_choice c ON c.question_id = COALESCE(q.parent_id, q.id)
        WHERE q.instrument_id = %s AND q.type <> 'matrix'
        GROUP BY q.id ORDER BY q.order, q.id
        """,
        [survey_id],
    ).fetchall()
    # Answers are made question by question in a scratch table, then stored response by
    # response in the order of submission, as the survey stores them: the answers of a
    # response lie together on disk, as in real use.
    conn.execute("DROP TABLE IF EXISTS bench_answer")
    conn.execute(
        """CREATE UNLOGGED TABLE bench_answer (response_id uuid, question_id bigint,
           choice_id bigint, text text, number numeric, area_id bigint, special varchar(20))"""
    )
    conn.execute("CREATE INDEX ON bench_answer (response_id, question_id)")
    for qid, kind, required, _parent, condition, show_codes, eligible, choices, others in questions:
        keep = "true" if required else "random() > 0.08"
        where = f"WHERE {keep}"
        params = {"q": qid, "choices": choices}
        if condition:
            where += """ AND EXISTS (
                SELECT 1 FROM bench_answer a JOIN surveys_choice c ON c.id = a.choice_id
                WHERE a.response_id = b.id AND a.question_id = %(condition)s
                  AND c.code = ANY(%(codes)s))"""
            params.update(condition=condition, codes=show_codes)
        if eligible:
            params["choices"] = [
                row[0]
                for row in conn.execute(
                    "SELECT id FROM surveys_choice WHERE id = ANY(%s) AND code = ANY(%s)",
                    [choices, eligible],
                )
            ]
        insert = "INSERT INTO bench_answer (response_id, question_id, choice_id, text, number, area_id, special)"
        if kind == "multiple":
            conn.execute(
                f"""{insert}
                SELECT b.id, %(q)s, c, '', NULL, NULL, '' FROM bench_batch b, unnest(%(choices)s::bigint[]) c
                {where} AND random() < 0.35""",
                params,
            )
            if others:
                params["other"] = others[0]
                conn.execute(
                    f"""{insert}
                    SELECT b.id, %(q)s, %(other)s, 'Something else', NULL, NULL, ''
                    FROM bench_batch b {where} AND random() < 0.05""",
                    params,
                )
        elif choices:
            # Lean towards the upper middle of a scale, as real answers do.
            conn.execute(
                f"""{insert}
                SELECT b.id, %(q)s,
                       (%(choices)s::bigint[])[1 + floor(sqrt(random()) * cardinality(%(choices)s::bigint[]))::int],
                       '', NULL, NULL, ''
                FROM bench_batch b {where}""",
                params,
            )
        elif kind == "number":
            conn.execute(
                f"""{insert}
                SELECT b.id, %(q)s, NULL, '', 1 + floor(random() * 6), NULL, ''
                FROM bench_batch b {where}""",
                params,
            )
        elif kind == "area":
            conn.execute(
                f"""{insert}
                SELECT b.id, %(q)s, NULL, '', NULL, b.area_id, '' FROM bench_batch b {where}""",
                params,
            )
        else:
            conn.execute(
                f"""{insert}
                SELECT b.id, %(q)s, NULL, CASE WHEN %(zip)s THEN '60608'
                       ELSE 'More light on the street and people who know us.' END, NULL, NULL, ''
                FROM bench_batch b {where}""",
                {**params, "zip": kind == "zip"},
            )
    conn.execute(
        """
        INSERT INTO surveys_answer (response_id, question_id, choice_id, text, number, area_id,
                                    special)
        SELECT a.response_id, a.question_id, a.choice_id, a.text, a.number, a.area_id, a.special
        FROM bench_answer a
        JOIN bench_batch b ON b.id = a.response_id
        JOIN surveys_question q ON q.id = a.question_id
        ORDER BY b.submitted_at, b.id, q.order, q.id, a.choice_id
        """
    )
    conn.execute("DROP TABLE bench_answer")
    conn.execute("DROP TABLE bench_batch")
    return survey_id


def load_codings(conn, count, coder_email="facilitator@demo.example.org"):
    """Code `count` text answers with one or two themes of the codebook each, as the
    facilitator (first coder), in SQL."""
    coder = conn.execute(
        "SELECT id FROM organizations_user WHERE email = %s", [coder_email]
    ).fetchone()[0]
    themes = [row[0] for row in conn.execute("SELECT id FROM findings_theme ORDER BY id")]
    conn.execute(
        """
        INSERT INTO findings_coding (answer_id, note_field, theme_id, excerpt, needs_review,
                                     coder_id, second, created_at)
        SELECT a.id, '', (%(themes)s::bigint[])[1 + floor(random() * %(n)s)::int], '', false,
               %(coder)s, false, now()
        FROM surveys_answer a JOIN surveys_question q ON q.id = a.question_id
        WHERE q.type IN ('short_text', 'long_text') AND a.text <> ''
        ORDER BY random() LIMIT %(count)s
        ON CONFLICT DO NOTHING
        """,
        {"themes": themes, "n": len(themes), "coder": coder, "count": count},
    )


ONEPAGE_CODE = "bench-onepage-20"


def create_onepage_survey():
    """A survey of 20 rating questions on one page, in English, Spanish and Chinese, with a
    web link per organization: the same job as the ceiling's form. Bench data only (run in
    `manage.py shell`); the demo does not have it."""
    from organizations.models import Organization
    from surveys.demo_content import LIKERT_AGREE
    from surveys.models import Choice, CollectionLink, Instrument, Question, Section

    def texts(field, en, es, zh):
        return {f"{field}_en": en, f"{field}_es": es, f"{field}_zh_hans": zh}

    instrument = Instrument.objects.create(
        code=ONEPAGE_CODE,
        status=Instrument.Status.OPEN,
        estimated_minutes=3,
        consent_on_start=True,
        languages=["en", "es", "zh-hans"],
        **texts("title", "Twenty quick questions", "Veinte preguntas rápidas", "二十个简短问题"),
        **texts(
            "consent_text",
            "Taking part is voluntary and anonymous.",
            "Participar es voluntario y anónimo.",
            "参与是自愿和匿名的。",
        ),
        **texts("thank_you_text", "Thank you.", "Gracias.", "谢谢。"),
    )
    section = Section.objects.create(
        instrument=instrument, number=1, **texts("title", "Your views", "Su opinión", "您的看法")
    )
    for n in range(1, 21):
        question = Question.objects.create(
            instrument=instrument,
            section=section,
            code=f"q{n:02d}",
            type=Question.Type.LIKERT,
            required=True,
            order=n,
            **texts(
                "text",
                f"Statement {n}: people in my neighbourhood can get help when they need it.",
                f"Afirmación {n}: la gente de mi barrio recibe ayuda cuando la necesita.",
                f"陈述 {n}：我所在社区的人在需要时能得到帮助。",
            ),
        )
        Choice.objects.bulk_create(
            Choice(
                question=question,
                code=choice["code"],
                value=choice["value"],
                order=order,
                label_en=choice["label"]["en"],
                label_es=choice["label"]["es"],
                label_zh_hans=choice["label"]["zh_hans"],
            )
            for order, choice in enumerate(LIKERT_AGREE, start=1)
        )
    for organization in Organization.objects.filter(kind="cbo").order_by("pk"):
        CollectionLink.objects.create(organization=organization, instrument=instrument)
    return instrument
