"""Settings, security headers, health check, migrations, the database error message, demo data."""

import logging
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from organizations.models import Area, Membership, Organization, User
from surveys.models import Answer, Choice, CollectionLink, Instrument, Question, Response

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**env):
    """The environment of a real deployment: without the browser tests' async override."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**base, "DJANGO_SETTINGS_MODULE": "engagement.settings", **env}


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 30 + "-a-long-and-random-production-secret-key",
    "ALLOWED_HOSTS": "survey.example.org",
}


def test_deploy_check_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secret_key():
    result = run_manage("check", DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="x.org")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment when DEBUG is off." in result.stderr


def test_healthz_is_exempt_from_https_redirect():
    result = run_python(
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client(HTTP_HOST='survey.example.org');"
        "print(c.get('/healthz').status_code, c.get('/en/').status_code)",
        **PRODUCTION,
        DATABASE_URL="postgres://postgres@127.0.0.1:9/engagement",
        DB_CONNECT_TIMEOUT="2",
    )
    # Served over plain HTTP (503: no database here), while every other page redirects.
    assert result.stdout.split() == ["503", "301"], result.stderr


def test_healthz_answers_200_when_database_answers(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_healthz_answers_503_when_database_does_not():
    # A real unreachable server (nothing listens on port 9), not a mock.
    result = run_python(
        "import django; django.setup();"
        "from django.test import Client;"
        "print(Client().get('/healthz').status_code)",
        DATABASE_URL="postgres://postgres@127.0.0.1:9/engagement",
        DB_CONNECT_TIMEOUT="2",
        ALLOWED_HOSTS="testserver",
    )
    assert result.stdout.strip() == "503", result.stderr


def test_missing_database_gives_one_clear_sentence():
    result = run_manage(
        "migrate", DATABASE_URL="postgres://postgres@127.0.0.1:9/engagement", DB_CONNECT_TIMEOUT="2"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "No PostgreSQL answers at 127.0.0.1:9: start PostgreSQL, or set DATABASE_URL to one "
        "that runs (`make run` starts a local one when DATABASE_URL is not set)."
    )


def test_wrong_database_user_gives_one_clear_sentence():
    result = run_manage("migrate", DATABASE_URL="postgres://nobody-here@127.0.0.1:5432/engagement")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "PostgreSQL at 127.0.0.1:5432 refused the user 'nobody-here': "
        "fix the user or password in DATABASE_URL."
    )


def test_content_security_policy_header_is_strict(client, db):
    response = client.get("/en/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
    assert response["X-Frame-Options"] == "DENY"


def test_admin_pages_send_the_same_policy(admin_client):
    response = admin_client.get("/admin/surveys/instrument/add/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    # Directives in any order: the header's order is not the policy's meaning.
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy


def test_no_template_loads_anything_from_another_site():
    offenders = []
    for folder in ("templates", "surveys/templates", "organizations"):
        for path in (ROOT / folder).rglob("*.html"):
            text = path.read_text()
            if "http://" in text or "https://" in text or "//cdn" in text:
                offenders.append(str(path))
    assert offenders == []


def test_no_missing_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_interface_catalogs_are_compiled_and_used(client, db):
    from django.utils import translation

    for language, expected in (
        ("es", "Enviar mis respuestas"),
        ("zh-hans", "提交我的回答"),
        ("pl", "Wyślij odpowiedzi"),
        ("ar", "أرسل إجاباتي"),
    ):
        assert (
            ROOT / "locale" / translation.to_locale(language) / "LC_MESSAGES/django.mo"
        ).exists()
        with translation.override(language):
            assert translation.gettext("Submit my answers") == expected


def test_home_page_sets_html_lang_and_names_languages_in_their_own_script(client, db):
    html = client.get("/zh-hans/").content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in html
    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in html
    assert '<a href="/es/" lang="es" hreflang="es">español</a>' in html
    assert '<span lang="zh-hans" aria-current="true">简体中文</span>' in html


@pytest.mark.django_db
def test_demo_loader_twice_gives_same_counts(settings):
    settings.DEBUG = True

    def counts():
        return {
            model.__name__: model.objects.count()
            for model in (
                Organization,
                User,
                Membership,
                Instrument,
                Question,
                CollectionLink,
                Response,
                Answer,
            )
        }

    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    assert first["Organization"] == 9
    assert first["CollectionLink"] == 9
    assert Organization.objects.filter(kind="cbo", name__startswith="Demo: ").count() == 8
    assert 300 <= first["Response"] <= 500
    assert set(Response.objects.values_list("language", flat=True)) == {"en", "es", "zh-hans"}
    assert set(Response.objects.values_list("channel", flat=True)) == {"web", "kiosk", "paper"}
    assert Response.objects.values("area").distinct().count() > 8
    survey = Instrument.objects.get(code="community-safety-2026")
    assert survey.missing_content("es") == []
    assert survey.missing_content("zh-hans") == []
    matrix = survey.questions.get(code="who_should_respond")
    assert matrix.rows.count() == 7
    assert list(matrix.choices.values_list("code", flat=True)) == [
        "police",
        "professional",
        "co_response",
        "community_org",
        "no_response",
        "not_sure",
    ]


@pytest.mark.parametrize("port", ["abc", "0", "70000"])
def test_make_run_refuses_a_port_that_is_not_one(port):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "run.py")],
        env={**os.environ, "PORT": port},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"PORT must be a number from 1 to 65535, not '{port}'." in done.stderr


@pytest.mark.django_db
def test_demo_loader_prints_one_organizations_links_on_the_given_port(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", base_url="http://127.0.0.1:8013", stdout=out)
    printed = out.getvalue()
    lines = [line for line in printed.splitlines() if "Resident survey of" in line]
    assert len(lines) == 3
    tokens = {line.rsplit("/", 2)[-2] for line in lines}
    assert len(tokens) == 1
    link = CollectionLink.objects.get(token=tokens.pop())
    for line, prefix in zip(lines, ("/en/", "/es/", "/zh-hans/"), strict=True):
        assert f"Resident survey of {link.organization.name} (" in line
        assert f": http://127.0.0.1:8013{prefix}" in line
    assert "127.0.0.1:8000" not in printed
    assert "zh-hans" in link.instrument.languages
    assert link.started >= link.consented >= link.responses.count() > 0
    # Names in English for every organization and area; Chinese where a common one exists.
    assert link.organization.name_zh_hans == "示范：华埠社区安全圈"
    assert not Organization.objects.filter(name_en__isnull=True).exists()
    assert not Area.objects.filter(name_en__isnull=True).exists()
    assert Area.objects.get(kind="community_area", number=34).name_zh_hans == "阿默广场（华埠）"
    # The start page says how long it takes; the description does not say it again.
    survey = link.instrument
    for text in (
        survey.description_en,
        survey.description_es,
        survey.description_zh_hans,
        survey.description_pl,
        survey.description_ar,
    ):
        assert "minut" not in text and "分钟" not in text and "دقيق" not in text
    # Polish and Arabic content is complete, but only offered where the site offers them.
    assert survey.languages == ["en", "es", "zh-hans", "pl", "ar"]
    assert survey.offered_languages == ["en", "es", "zh-hans"]
    assert survey.consent_text_pl and survey.consent_text_ar
    questions = Question.objects.filter(instrument=survey)
    assert not questions.filter(Q(text_pl__isnull=True) | Q(text_ar__isnull=True)).exists()
    choices = Choice.objects.filter(question__instrument=survey)
    assert not choices.filter(Q(label_pl__isnull=True) | Q(label_ar__isnull=True)).exists()


@pytest.mark.django_db
def test_demo_loader_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=StringIO())
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_demo_loader_prints_logins_only_with_debug(settings):
    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    assert "demo-pass-2026" not in out.getvalue()
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "password for all: demo-pass-2026" in out.getvalue()
    assert "facilitator@demo.example.org" in out.getvalue()


def test_load_areas_is_idempotent(db):
    out = StringIO()
    call_command("load_areas", stdout=out)
    assert out.getvalue().splitlines() == [
        "Community area: 0 created, 0 renamed, 77 in all.",
        "Police district: 0 created, 0 renamed, 22 in all.",
    ]


# --- Caches ----------------------------------------------------------------------------


def cache_directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize(
    "url",
    [
        "/staff/",
        "/staff/sessions/",
        "/staff/downloads/",
        "/staff/downloads/sessions.csv",
        "/staff/downloads/codebook.csv",
        "/staff/team/",
        "/accounts/password/",
        "/admin/",
        "/admin/surveys/response/",
    ],
)
def test_staff_pages_and_downloads_are_never_stored_by_a_cache(client, facilitator, survey, url):
    client.force_login(facilitator)
    response = client.get(url)
    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_directives(response)


def test_responses_download_is_never_stored_by_a_cache(client, staff_a, link):
    client.force_login(staff_a)
    response = client.get("/staff/downloads/responses.csv", {"instrument": link.instrument.code})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert {"no-store", "private"} <= cache_directives(response)


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password/reset/", "/staff/"])
def test_sign_in_pages_are_never_stored_by_a_cache(client, db, url):
    assert {"no-store", "private"} <= cache_directives(client.get(url))


# --- gunicorn's log --------------------------------------------------------------------


def gunicorn_logger(**settings):
    from gunicorn.config import Config

    from engagement.gunicorn_logging import PrivateLogger

    config = Config()
    for name, value in settings.items():
        config.set(name, value)
    logger = PrivateLogger(config)
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    logger.error_log.addHandler(handler)
    return logger, stream, handler


@pytest.mark.parametrize(
    "message, expected",
    [
        (
            "Invalid request from ip=1.2.3.4: Invalid HTTP request line: ''",
            "Invalid request from ip=[redacted]: Invalid HTTP request line: ''",
        ),
        (
            "Invalid request from ip=2001:db8::8a2e:370:7334: Invalid header",
            "Invalid request from ip=[redacted]: Invalid header",
        ),
        ("Invalid request from ip=::ffff:10.0.0.7: bad", "Invalid request from ip=[redacted]: bad"),
        ("peer ('192.168.1.20', 51234) closed", "peer ('[redacted]', 51234) closed"),
        (
            "Invalid header User-Agent: Mozilla/5.0 (iPhone)",
            "Invalid header User-Agent: [redacted]",
        ),
        ("Referer: https://example.org/x", "Referer: [redacted]"),
        ("Booting worker with pid: 937 at 00:04:31", "Booting worker with pid: 937 at 00:04:31"),
    ],
)
def test_gunicorn_error_log_keeps_no_client_address(message, expected):
    logger, stream, handler = gunicorn_logger()
    try:
        logger.warning(message)
    finally:
        logger.error_log.removeHandler(handler)
    assert stream.getvalue() == expected + "\n"


def test_gunicorn_error_log_redacts_formatted_arguments():
    logger, stream, handler = gunicorn_logger()
    try:
        logger.error("Error handling request from %s", "203.0.113.9")
    finally:
        logger.error_log.removeHandler(handler)
    assert stream.getvalue() == "Error handling request from [redacted]\n"


def test_gunicorn_never_writes_an_access_log_even_when_configured(tmp_path):
    access = tmp_path / "access.log"
    logger, _stream, handler = gunicorn_logger(accesslog=str(access))
    logger.error_log.removeHandler(handler)
    assert logger.access_log_enabled is False
    logger.access(None, None, {"REMOTE_ADDR": "1.2.3.4"}, None)
    assert access.read_text() == ""


def test_gunicorn_config_turns_the_access_log_off_and_uses_the_private_logger():
    import runpy

    from gunicorn.glogging import Logger

    from engagement.gunicorn_logging import PrivateLogger

    config = runpy.run_path(str(ROOT / "engagement" / "gunicorn.conf.py"))
    assert config["accesslog"] is None
    assert config["logger_class"] == "engagement.gunicorn_logging.PrivateLogger"
    assert issubclass(PrivateLogger, Logger)
    assert (
        "gunicorn -c engagement/gunicorn.conf.py engagement.wsgi"
        in (ROOT / "README.md").read_text()
    )


@pytest.mark.parametrize("language", ["es", "zh_Hans", "pl", "ar"])
def test_interface_catalogs_have_no_untranslated_or_fuzzy_entry(language):
    """Every interface string has a translation, in every plural form the language has; a fuzzy
    one (a guess of makemessages) would be ignored by Django, so none is left. A fuzzy header
    would make Django ignore the whole catalog."""
    root = Path(__file__).resolve().parent.parent
    text = (root / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    header, *entries = [e.strip() for e in text.split("\n\n")]
    assert "#, fuzzy" not in header
    nplurals = int(re.search(r"nplurals=(\d+)", header).group(1))
    fuzzy = [e for e in entries if "#, fuzzy" in e or e.startswith("#~")]
    # An empty translation is a line `msgstr ""` (or `msgstr[n] ""`) that no "..." line continues.
    untranslated = [
        e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n(?!")', e + "\n", re.MULTILINE)
    ]
    missing_forms = [
        e for e in entries if "msgid_plural" in e and f"msgstr[{nplurals - 1}]" not in e
    ]
    assert fuzzy == []
    assert untranslated == []
    assert missing_forms == []


def test_bench_ceiling_is_not_a_product_url():
    from django.conf import settings
    from django.urls import Resolver404, resolve

    assert settings.ROOT_URLCONF == "engagement.urls"
    with pytest.raises(Resolver404):
        resolve("/bench/ceiling/")


def test_bench_settings_add_the_ceiling_to_the_site_urls(monkeypatch):
    from django.conf import settings
    from django.urls import resolve

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "bin"))
    import bench_settings
    import bench_urls

    assert bench_settings.ROOT_URLCONF == "bench_urls"
    assert bench_settings.MIDDLEWARE == settings.MIDDLEWARE
    assert bench_settings.INSTALLED_APPS == settings.INSTALLED_APPS
    assert resolve("/bench/ceiling/", urlconf="bench_urls").func is bench_urls.ceiling_form
    assert resolve("/healthz", urlconf="bench_urls").url_name == "healthz"
