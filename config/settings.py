"""Lantern's one settings module, read from the environment.

LANTERN_ENV selects the profile: "development" (the default: the demo and the
tests) or "production", which refuses to start without SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL and turns on the secure-transport settings.
Every variable is listed in the README.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

from config.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_rate,
    env_required,
    env_str,
)
from core.embedded_postgres import embedded_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

LANTERN_ENV = env_str("LANTERN_ENV", "development")
if LANTERN_ENV not in {"development", "production"}:
    raise ConfigurationError(f"LANTERN_ENV must be development or production, not {LANTERN_ENV!r}")
PRODUCTION = LANTERN_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY", "production signs sessions with it")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ConfigurationError("ALLOWED_HOSTS must list the host names Lantern is served on")
    DEBUG = False
else:
    SECRET_KEY = env_str("SECRET_KEY") or "development-only-key-never-used-in-production"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
    DEBUG = env_bool("DEBUG", True)

INSTALLED_APPS = [
    # The admin holds configuration only (web.admin_site); the apps below it that come
    # from libraries carry plain names for it (config.app_names).
    "config.app_names.LanternAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tables2",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "config.app_names.SignInLockoutsConfig",
    "django_otp",
    "config.app_names.AuthenticatorAppsConfig",
    "csp",
    "cases",
    "outcomes",
    "overdoses",
    "care",
    "partners",
    "risk.apps.RiskConfig",
    "casereviews",
    "deathreviews",
    "commissioning",
    "exchange",
    "operations",
    "web",
    "demo",
    "config",
]

MIDDLEWARE = [
    # Outermost: a database error anywhere inside becomes a friendly 503, not a traceback.
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Gives each request an id (or keeps a sane incoming X-Request-ID) for the audit.
    "cases.audit.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor? (django-otp's
    # middleware, reading the device once a minute rather than on every request.)
    "web.signin.VerifiedDeviceMiddleware",
    # Tags every tracked change made while serving a request with who and where.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, then the second factor before any page.
    "web.signin.SessionTimeoutMiddleware",
    "web.signin.SecondFactorRequiredMiddleware",
    # A control character in a page's query is refused with 400 (the API refuses its own).
    "config.middleware.RefuseControlCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.NoStoreWhenSignedInMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Gunicorn serves static files through WhiteNoise; runserver serves them in development.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.navigation.navigation",
            ],
        },
    },
]

# One database engine everywhere: PostgreSQL. Without DATABASE_URL an embedded
# server is started from the pgserver wheel in LANTERN_DATA_DIR.
DATA_DIR = Path(env_str("LANTERN_DATA_DIR") or BASE_DIR / ".lantern").resolve()
# Uploaded import files wait here for the worker; web and worker must share it.
LANTERN_IMPORT_DIR = Path(env_str("LANTERN_IMPORT_DIR") or DATA_DIR / "imports")
DATABASE_URL = env_str("DATABASE_URL")
# Where the embedded server keeps its data, when it is the database (the demo stops it).
LANTERN_EMBEDDED_PGDATA: Path | None = None
if not DATABASE_URL:
    if PRODUCTION:
        raise ConfigurationError("DATABASE_URL must be set in production")
    LANTERN_EMBEDDED_PGDATA = DATA_DIR / "pgdata"
    DATABASE_URL = embedded_database_url(LANTERN_EMBEDDED_PGDATA)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
# A database that is down or unreachable fails a request in seconds (a friendly 503,
# config.middleware) rather than holding a worker until the operating system gives up.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1)
)
# Pages are many small indexed queries: starting PostgreSQL's parallel workers for one costs
# more CPU than it saves, and under load that CPU is what every other page waits for. The web
# process (gunicorn.conf.py) sets 0; batch work (the nightly recompute, imports) keeps the
# server's own setting. Measured with `make bench-load` (README, Performance).
if env_str("LANTERN_DB_PARALLEL_WORKERS"):
    _parallel = env_int("LANTERN_DB_PARALLEL_WORKERS", 0, minimum=0, maximum=64)
    DATABASES["default"]["OPTIONS"]["options"] = f"-c max_parallel_workers_per_gather={_parallel}"
# Backups (`manage.py backup`, `manage.py restore_check`, docs/operations.md): where the
# dumps go, how many are kept, and where pg_dump/pg_restore live if not found by themselves.
LANTERN_BACKUP_DIR = Path(env_str("LANTERN_BACKUP_DIR") or DATA_DIR / "backups")
LANTERN_BACKUP_KEEP = env_int("LANTERN_BACKUP_KEEP", 14, minimum=1)
LANTERN_PG_BIN_DIR = env_str("LANTERN_PG_BIN_DIR")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cases.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes refuses a locked-out sign-in before the password is checked, and counts failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# History of every change (django-pghistory): requests that write carry who made them.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Every event table refuses UPDATE and DELETE (a database trigger): history is append-only.
PGHISTORY_APPEND_ONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# dd/mm/yyyy for every date shown or typed (config/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Sign-in rules (docs/security.md). A session ends after LANTERN_SESSION_IDLE_MINUTES
# without a request and LANTERN_SESSION_MAX_HOURS after signing in, whatever its use.
LANTERN_SESSION_IDLE_MINUTES = env_int("LANTERN_SESSION_IDLE_MINUTES", 30, minimum=1)
LANTERN_SESSION_MAX_HOURS = env_int("LANTERN_SESSION_MAX_HOURS", 10, minimum=1)
SESSION_COOKIE_AGE = LANTERN_SESSION_MAX_HOURS * 60 * 60
# Five wrong passwords for one username from one address lock that pair for
# LANTERN_LOCKOUT_MINUTES; an administrator can lift it sooner (axes_reset_username).
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LANTERN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Records an attempted username no longer than an account's can be (a longer one broke it).
AXES_USERNAME_CALLABLE = "web.signin.attempted_username"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address: set
# LANTERN_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR so each person's failures are
# counted apart. The right-most address in that header is the one the proxy
# itself added, which a client cannot forge. Unset, the socket's address is used.
LANTERN_CLIENT_IP_HEADER = env_str("LANTERN_CLIENT_IP_HEADER")
if LANTERN_CLIENT_IP_HEADER:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (LANTERN_CLIENT_IP_HEADER, "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "right-most"
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# The name authenticator apps show beside each code.
OTP_TOTP_ISSUER = "Lantern"
# Administrators may remove someone's authenticator app, never read its key:
# whoever holds the key holds the second factor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong codes are throttled by session and by address (web.signin), never on the
# authenticator app itself: throttling the app would let anyone who knows a password
# keep its owner out.
OTP_TOTP_THROTTLE_FACTOR = 0
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from Lantern's own files: no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap's and Swagger UI's icons are data: URIs inside their CSS.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Losing Redis (docs/operations.md). A task is acknowledged only when it ends, so Redis
# hands a message whose worker died or lost its connection to another worker once this
# many seconds have passed since delivery: longer than any run, or a run still going
# would start a second time (the nightly run is safe anyway, once per date).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3 * 60 * 60, minimum=60)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that finishes a task while Redis is away keeps trying to store its result
# (Celery otherwise gives up at once) rather than failing a task whose work is done.
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 10
# The nightly recompute runs at 03:30 London time, clear of the hour that the
# clocks skip or repeat (01:00-02:00) when daylight saving starts or ends.
CELERY_BEAT_SCHEDULE: dict = {
    "flags-recompute-nightly": {
        "task": "risk.tasks.flags_recompute_nightly",
        "schedule": crontab(hour=3, minute=30),
    },
    # The same task again: it does nothing when the night's run has published, and makes
    # up for a night whose 03:30 message never reached a worker (Redis down when beat
    # fired) or whose run failed.
    "flags-recompute-nightly-catch-up": {
        "task": "risk.tasks.flags_recompute_nightly",
        "schedule": crontab(hour="5,7", minute=30),
    },
    # The commissioner dashboard's default figures, worked out once the night's recompute
    # has published (each run after the catch-ups finds most of them kept already).
    "dashboard-figures-warm": {
        "task": "commissioning.tasks.dashboard_figures_warm_task",
        "schedule": crontab(hour="4,6,8", minute=15),
    },
    # Each owner's death review actions due within 7 days or overdue, one email a day.
    "review-action-reminders": {
        "task": "deathreviews.tasks.review_action_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # Each owner's case review actions due within 7 days or overdue, one email a day.
    "case-review-action-reminders": {
        "task": "casereviews.tasks.case_review_action_reminders_send",
        "schedule": crontab(hour=7, minute=5),
    },
    # Overdose follow-ups gone overdue reach a team lead within a quarter of an hour; the
    # same run opens a follow-up for any recent overdose that came in by import.
    "overdose-follow-ups": {
        "task": "overdoses.tasks.follow_ups_sweep",
        "schedule": crontab(minute="*/15"),
    },
}
# Split the nightly recompute across this many Celery tasks (1: one process).
RISK_RECOMPUTE_CHUNKS = env_int("RISK_RECOMPUTE_CHUNKS", 1)
# People the engine evaluates at a time in a recompute: fewer, less memory (docs/risk-engine.md).
# Unset (0): the engine's own `risk.engine.evaluation.SLICE_PEOPLE`.
RISK_RECOMPUTE_SLICE_PEOPLE = env_int("RISK_RECOMPUTE_SLICE_PEOPLE", 0, minimum=0)

# The overdose pathway (docs/overdose-pathway.md). A follow-up opened on a working day
# before the cut-off hour is due that day at the due hour; otherwise the next working day.
# Working days are Monday to Friday less the bank holidays of OVERDOSE_BANK_HOLIDAYS
# (a UK nation: ENG, WLS, SCT or NIR).
OVERDOSE_FOLLOW_UP_SAME_DAY_BEFORE = env_int(
    "OVERDOSE_FOLLOW_UP_SAME_DAY_BEFORE", 12, minimum=0, maximum=24
)
OVERDOSE_FOLLOW_UP_DUE_HOUR = env_int("OVERDOSE_FOLLOW_UP_DUE_HOUR", 17, minimum=1, maximum=23)
OVERDOSE_BANK_HOLIDAYS = env_str("OVERDOSE_BANK_HOLIDAYS") or "ENG"
# Unanswered attempts before a follow-up may close as "not contactable".
OVERDOSE_FOLLOW_UP_ATTEMPTS = env_int("OVERDOSE_FOLLOW_UP_ATTEMPTS", 3, minimum=1, maximum=10)
# An overdose recorded this many days or more after it happened is history: it opens no
# follow-up (the person has been seen since, or the record is being filled in).
OVERDOSE_FOLLOW_UP_WITHIN_DAYS = env_int("OVERDOSE_FOLLOW_UP_WITHIN_DAYS", 28, minimum=1)

# The case review (docs/case-review.md): a person whose flag reaches very high (or high,
# where the team chooses) is due a case review within this many days of that day.
CASE_REVIEW_DUE_DAYS = env_int("CASE_REVIEW_DUE_DAYS", 7, minimum=1, maximum=90)

# Pseudonyms in commissioner extracts are keyed hashes (HMAC-SHA256) of each
# record's external id. Whoever holds this key can link pseudonyms back to
# people, so it is a secret like SECRET_KEY; changing it changes every pseudonym.
if PRODUCTION:
    LANTERN_PSEUDONYM_KEY = env_required(
        "LANTERN_PSEUDONYM_KEY", "commissioner extracts pseudonymise people with it"
    )
    if len(LANTERN_PSEUDONYM_KEY) < 32:
        raise ConfigurationError("LANTERN_PSEUDONYM_KEY must be at least 32 characters long")
else:
    LANTERN_PSEUDONYM_KEY = (
        env_str("LANTERN_PSEUDONYM_KEY") or "development-only-pseudonym-key-never-in-production"
    )

# The throttles count requests here, so in production every web process must
# share it: Redis when REDIS_URL is set, this process's memory otherwise.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lantern",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# API tokens: an administrator gives each one an expiry no further away than this.
LANTERN_API_TOKEN_MAX_DAYS = env_int("LANTERN_API_TOKEN_MAX_DAYS", 365)
LANTERN_API_RATE = env_rate("LANTERN_API_RATE", "120/minute")
LANTERN_API_EXPORT_RATE = env_rate("LANTERN_API_EXPORT_RATE", "30/hour")
# Each figure reads a period's records across the service: seconds of work at national scale.
LANTERN_API_FIGURE_RATE = env_rate("LANTERN_API_FIGURE_RATE", "60/hour")

# Reliable-change thresholds for the 6-month review figures: the fall in days of
# use (of 28) by TOP item (docs/figures.md). The default of 9 is a placeholder
# until confirmed against the current OHID TOP methodology (a third of the range).
TOP_RELIABLE_CHANGE_DAYS = {
    item: env_int(f"LANTERN_RELIABLE_CHANGE_{item}", 9, minimum=1, maximum=28)
    for item in ("OPIUSE", "CRAUSE", "COCAUSE")
}

REST_FRAMEWORK = {
    # The API's own views choose token and session authentication (commissioning.api);
    # nothing else in Lantern is a DRF view.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "commissioning.session_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "commissioning.api.exception_handler",
    # No DEFAULT_THROTTLE_RATES: each throttle reads its LANTERN_API_*_RATE itself
    # (commissioning.api.throttles), so a test's override of the setting takes effect.
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lantern commissioner API",
    "DESCRIPTION": (
        "Pseudonymised, allow-listed record-level extracts of a drug and alcohol treatment "
        "service, as paginated JSON or whole CSV files, and aggregate figures with small "
        "numbers suppressed. Authenticate with a bearer token "
        "issued by an administrator (`Authorization: Bearer <token>`) or, for staff, with a "
        "signed-in session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # drf-spectacular turns Swagger UI's deep links on, which puts a link inside each
    # operation's expand button: a control nested in a control, which screen readers and
    # keyboards cannot reach reliably (axe-core's nested-interactive). Off, the path is text.
    # Its syntax colouring (the "agate" theme) draws numbers and comments at 3.0-3.5:1 on its
    # dark background, below WCAG AA's 4.5:1, as inline styles a stylesheet cannot name; off,
    # answers and curl commands are plain light text on dark, and long extracts draw faster.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "COMPONENT_SPLIT_REQUEST": True,
    # The tier enum is named from the engine's tiers (values only, as the API gives them).
    "ENUM_NAME_OVERRIDES": {"TierEnum": "risk.engine.TIERS"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "lantern@localhost"
# Where staff reach Lantern, for links in emails (no trailing slash).
LANTERN_SITE_URL = (env_str("LANTERN_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {"pgserver": {"level": "WARNING"}},
}
