"""Settings for the community engagement collection app.

Everything that differs between a laptop and production comes from the environment. The
defaults make `make run` work with no configuration; with DEBUG off, production strictness
(HTTPS, HSTS, secure cookies) is on unless switched off explicitly.
"""

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY in the environment when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "engagement",
    "organizations",
    "surveys",
    "findings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the others, so that what they answer (a lockout, a 400) is covered too.
    "engagement.middleware.NoStoreForStaffMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before the session: a control character in its cookie would reach the database.
    "engagement.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the session and the language: a database that does not answer while the session
    # is read or a view runs gets the translated 503 page (the 400 and 500 handlers in
    # engagement/views.py catch the same failure when the session is saved).
    "engagement.middleware.DatabaseUnavailableMiddleware",
    # Inside the locale middleware: /zh/… and /ES/… are redirected to their page before the
    # locale middleware answers the 404.
    "engagement.middleware.LanguagePrefixRedirectMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "organizations.middleware.StaffLanguageMiddleware",
    # City partners get 404 from the admin.
    "organizations.middleware.PartnerFenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the person why they were signed out.
    "organizations.middleware.StaffIdleTimeoutMiddleware",
    # After the idle timeout: a session it ends needs no second step.
    "organizations.middleware.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# `make bench` serves bin/bench_settings.py: these settings with its own URLconf.
ROOT_URLCONF = "engagement.urls"
WSGI_APPLICATION = "engagement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# PostgreSQL is the only database. `bin/run` points DATABASE_URL at an embedded server when
# none answers locally; the tests always use the real one.
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/engagement"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Our subclass of Django's PostgreSQL backend adds the client-side deadline below.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "engagement.postgresql"
DB_OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
# Timeouts, every one shorter than gunicorn's 30 s worker timeout, so that when PostgreSQL is
# slow, stalled or gone the app itself answers its 503 page ("a short problem, press the
# button again") instead of gunicorn dropping the connection. 0 switches one off (e.g.
# DB_STATEMENT_TIMEOUT=0 for a long maintenance command).
# Seconds to open a connection (libpq; it counts anything under 2 as 2).
DB_OPTIONS["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
# Client-side deadline (engagement/postgresql/base.py): the longest any wait for the server
# may take. A stalled server cannot enforce its own statement_timeout, and its kernel still
# acknowledges what we send, so only the client can give up. Longer than statement_timeout,
# so that a slow query is normally cancelled by the server and the connection kept.
DB_OPTIONS["client_timeout"] = env_int("DB_CLIENT_TIMEOUT", 15)
# TCP keepalives: an idle connection to a server that went away (a crashed host, a dropped
# network path, no reset ever sent) is found dead after 5 + 3 x 2 = 11 s, not hours later.
DB_OPTIONS["keepalives"] = 1
DB_OPTIONS["keepalives_idle"] = env_int("DB_KEEPALIVES_IDLE", 5)
DB_OPTIONS["keepalives_interval"] = env_int("DB_KEEPALIVES_INTERVAL", 2)
DB_OPTIONS["keepalives_count"] = env_int("DB_KEEPALIVES_COUNT", 3)
# Milliseconds that data we sent may stay unacknowledged before the connection is dropped
# (a server host that vanished in the middle of a request).
DB_OPTIONS["tcp_user_timeout"] = env_int("DB_TCP_USER_TIMEOUT_MS", 10_000)
# Server settings for every connection of the app:
# statement_timeout: the server cancels a query running longer than this (a lock held
# elsewhere, a runaway plan), so a worker is never held by one query.
# idle_in_transaction_session_timeout: the server ends a session that sits in an open
# transaction this long (a worker stuck or killed mid-transaction), releasing its locks.
# PostgreSQL's JIT compiles a plan of the results' aggregates over millions of answers for
# 0.2-0.4 s, more than it saves on them; no other query of this app is long enough to gain.
# The results count answers from small, deduplicated indexes that the planner would not
# scan in parallel under its default minimum size; scanned in parallel they take half the
# time. Parallel plans still have to be cheaper, so short queries stay as they are.
# random_page_cost 1.1: the database lives on solid-state storage (PostgreSQL's default of 4
# assumes spinning disks and prefers scanning millions of answers to looking up thousands).
DB_OPTIONS.setdefault(
    "options",
    f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT', 10)}s"
    f" -c idle_in_transaction_session_timeout={env_int('DB_IDLE_IN_TRANSACTION_TIMEOUT', 20)}s"
    " -c jit=off -c min_parallel_index_scan_size=0 -c random_page_cost=1.1",
)
# /healthz answers 503 when the heartbeat write takes longer than this (seconds).
HEALTHZ_TIMEOUT = float(os.environ.get("HEALTHZ_TIMEOUT") or 1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins while an account and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failures, keyed on the account and the address together, so one
# office's mistakes cannot lock a whole organization out. A password reset clears it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "organizations.views.locked_out"
# Not on the password alone: with two-step sign-in a right password followed by wrong codes
# must not start the count afresh. organizations.mfa clears it once sign-in is complete.
AXES_RESET_ON_SUCCESS = False
# The same client address as the rate limits (TRUSTED_PROXY_HOPS); successes are not logged.
AXES_CLIENT_IP_CALLABLE = "engagement.ratelimit.client_address"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Two-step sign-in (time-based codes from an authenticator app, and recovery codes): the
# facilitator's staff (and anyone with admin access) must set it up; other staff may. Tests
# that are not about it turn it off (tests/conftest.py); keep it on everywhere else.
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Community engagement")
# Wrong codes count toward the django-axes lockout above (the same limit as passwords), so
# django-otp's own growing delays are off: one rule, and a right code is never refused.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Staff sign out after this many idle minutes; pages with unsaved text keep the session alive.
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
# Password-reset mails per address and hour.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3)
# Invitations to set a password (and reset links) are valid this long.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# Sessions and cache: sessions live in PostgreSQL, the cache in Redis when REDIS_URL is set
# (several app servers share it), else in local memory.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "engagement.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Reverse proxies in front of the app: how many X-Forwarded-For hops to trust when the
# client's address is needed (rate limits). 0 means use REMOTE_ADDR.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)

# A resident's draft lives in the session, written at consent and at every step: in Redis
# when REDIS_URL is set, so that a survey writes PostgreSQL only to store the response (and
# Redis outlives an app server's restart, so the draft does too); in PostgreSQL without it
# (the tests, `make run`). Their own cache alias, so that a change to the default cache (rate
# limits) leaves them be.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    SESSION_CACHE_ALIAS = "sessions"
    CACHES["sessions"] = {
        "BACKEND": "engagement.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "session",
    }


# --- Languages -------------------------------------------------------------------------
# Content columns exist for this fixed superset (Chicago's main languages), so offering one
# more language is configuration, never a data migration.
CONTENT_LANGUAGES = ("en", "es", "zh-hans", "zh-hant", "pl", "ar", "hi", "ko", "tl", "vi")
# A language beyond these: list it here (e.g. EXTRA_CONTENT_LANGUAGES=ru) and run
# `manage.py makemigrations` to generate its columns.
CONTENT_LANGUAGES += tuple(
    code for code in env_list("EXTRA_CONTENT_LANGUAGES", []) if code not in CONTENT_LANGUAGES
)
# Django ships no metadata for Tagalog; the switcher needs its own name.
LANG_INFO.setdefault(
    "tl", {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"}
)

LANGUAGE_CODE = "en"
# The languages the site offers (interface and URL prefixes), by configuration.
OFFERED_LANGUAGES = [
    code
    for code in env_list("OFFERED_LANGUAGES", ["en", "es", "zh-hans"])
    if code in CONTENT_LANGUAGES
]
if "en" not in OFFERED_LANGUAGES:
    OFFERED_LANGUAGES.insert(0, "en")
LANGUAGES = [(code, LANG_INFO[code]["name"]) for code in OFFERED_LANGUAGES]
MODELTRANSLATION_LANGUAGES = CONTENT_LANGUAGES
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Chicago"
USE_TZ = True

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# modeltranslation's tabbed admin needs jQuery UI; serve the vendored copy, never a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security --------------------------------------------------------------------------
# A strict Content-Security-Policy: nothing inline, nothing from another site. Bootstrap's
# form icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "survey@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# A mail server that does not answer must not hang the request that sends an invitation.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# Django's request logging names the client's address only for errors; the privacy rules
# forbid it, so request-level logging stays at the level that does not print it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # WeasyPrint (report PDFs) narrates every layout step at INFO.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Responses: how long a survey page may stay open before its signed response id expires.
RESPONSE_ID_MAX_AGE = env_int("RESPONSE_ID_MAX_AGE", 7 * 24 * 3600)
# The offline outbox: a kiosk's exported file is encrypted for this RSA private key (PEM,
# e.g. from `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072`); browsers only
# ever get its public half. Without it, `make run` (DEBUG) makes one in var/; production
# without it offers no export. Every app server must share the same key.
OUTBOX_PRIVATE_KEY = os.environ.get("OUTBOX_PRIVATE_KEY", "").replace("\\n", "\n")
OUTBOX_KEY_FILE = BASE_DIR / "var" / "outbox-key.pem"
# Listening sessions (notes, quotes, their history) are deleted this many months after they
# were held (`manage.py purge_expired`); responses follow their instrument's retention.
SESSION_RETENTION_MONTHS = env_int("SESSION_RETENTION_MONTHS", 36)
# Bots: a survey finished faster than this (seconds from consent) is asked to check again.
MIN_SECONDS_TO_COMPLETE = env_int("MIN_SECONDS_TO_COMPLETE", 15)
# Rate limits per client (a daily keyed hash of its address) in a window of seconds. A CBO
# event on shared Wi-Fi sends a few hundred genuine surveys from one address in ten minutes.
RATE_LIMIT_WINDOW = env_int("RATE_LIMIT_WINDOW", 600)
RATE_LIMIT_SUBMISSIONS = env_int("RATE_LIMIT_SUBMISSIONS", 400)
RATE_LIMIT_PAGES = env_int("RATE_LIMIT_PAGES", 6000)

# Findings: any count from 1 to this minus one is hidden from the public and city partners
# (11 is the usual minimum cell size in public-health reporting).
SMALL_COUNT_THRESHOLD = env_int("SMALL_COUNT_THRESHOLD", 11)
# The share of items (every source) a second coder codes blind, for agreement.
SECOND_CODING_PERCENT = env_int("SECOND_CODING_PERCENT", 20)

# Background work: django-tasks (the backport of Django's own task framework) with its
# database backend, so no other service is needed; `manage.py db_worker` runs the tasks
# (`make run` starts one). Large XLSX and SPSS downloads are built there, with progress
# shown, instead of in a request that gunicorn would stop after 30 s.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Responses downloads with more rows than this are prepared in the background.
DOWNLOAD_INLINE_ROWS = env_int("DOWNLOAD_INLINE_ROWS", 10000)
# Where prepared files wait for the person who asked, and for how long.
PREPARED_FILES_DIR = Path(os.environ.get("PREPARED_FILES_DIR") or BASE_DIR / "var" / "downloads")
PREPARED_FILE_HOURS = env_int("PREPARED_FILE_HOURS", 24)
CSRF_FAILURE_VIEW = "engagement.views.csrf_failure"
