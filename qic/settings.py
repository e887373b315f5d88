"""QiC Platform settings: one file, driven by environment variables.

QIC_ENV=development (the default) gives a local SQLite site with demo-friendly defaults;
QIC_ENV=production refuses to start without a real SECRET_KEY and ALLOWED_HOSTS and turns on
secure cookies, HSTS and the HTTPS redirect. Every variable is listed in README.md.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from qic.core.error_reporting import init_from_env as _init_error_reporting

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QIC_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


QIC_ENV = os.environ.get("QIC_ENV", "development")
if QIC_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("QIC_ENV must be development, production or test")
PRODUCTION = QIC_ENV == "production"

DEBUG = env_bool("DEBUG", default=QIC_ENV == "development")

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to 50+ random characters in production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production")
else:
    # A fixed key is fine for a local or test database that holds demo data only.
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-qic-platform-not-for-production-use")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# Where people report a problem (the accessibility statement); empty: ask the organisation that invited you.
QIC_CONTACT_EMAIL = os.environ.get("QIC_CONTACT_EMAIL", "")

# The public address, used in invitation e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # lets our templates override form and widget templates
    "ninja",  # serves Swagger UI from its own static files (no CDN, CSP-friendly)
    "django_otp",
    "django_otp.plugins.otp_totp",  # authenticator apps
    "django_otp.plugins.otp_static",  # single-use recovery codes
    "axes",  # lockout after repeated failed log-ins
    "django_tasks",  # Django's Tasks API (the backport of django.tasks)
    "django_tasks_db",  # its database backend: tasks are rows, run by `manage.py worker`
    "qic.core",
    "qic.accounts",
    "qic.organisations",
    "qic.frameworks",
    "qic.learners",
    "qic.programme",
    "qic.partners",  # employers and parents: the employer directory, placements, links without an account
    "qic.destinations",  # learners' destinations after leaving, and the DfE destination measures
    "qic.portal",  # learners' own pages: their record, reflections, sign-in to activities, passport
    "qic.accreditation",
    "qic.national",
    "qic.dashboards",  # the pages that gather from several apps (home, benchmark dashboard); no models
    "qic.demo",  # only for its command, manage.py load_demo
]

MIDDLEWARE = [
    # Every request gets an id (the caller's X-Request-ID if sane) for its log lines and answer.
    "qic.core.logs.RequestIdMiddleware",
    # /healthz and /readyz are answered here, before sessions, the second factor, CSRF, the host
    # check and the HTTPS redirect (qic/core/health.py).
    "qic.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Only production serves collected files itself; runserver and tests use the finders.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    # The API's learner import: a file over its size limit is refused before it is read.
    "qic.learners.uploads.LearnerImportSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits, then: no data until the second factor is verified.
    "qic.accounts.middleware.SessionLimitsMiddleware",
    "qic.accounts.middleware.SecondFactorMiddleware",
    # A learner who has lost access (left, or their year group turned off) is signed out.
    "qic.learners.middleware.LearnerAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Cache-Control: no-store for signed-in users and every page that is not public.
    "qic.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qic.urls"
WSGI_APPLICATION = "qic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qic" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qic.accounts.context_processors.navigation",
                "qic.portal.nav.learner_navigation",  # a learner's own menu, in place of the staff one
            ],
            "builtins": ["qic.core.templatetags.govuk"],
        },
    }
]
FORM_RENDERER = "qic.core.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qic.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes share the file (web server, task worker, scheduler). WAL lets readers go
    # on while one writes; IMMEDIATE takes the write lock when a transaction starts, so two
    # writers queue instead of one failing with "database is locked" half-way through; the busy
    # timeout is how long a writer waits for its turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "30")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file, so that a real task worker (another process) can share it.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("QIC_TEST_SQLITE", str(VAR_DIR / "test-qic.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
# django-axes checks every authenticate() call first and refuses a locked-out account+IP.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept only so that a hash made by another hasher can still be checked and upgraded.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password reset link works once, within an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True  # stored in UTC; shown in UK time (qic.domain.dates.long_datetime, the govuk_datetime filter)

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "build" / "static",
    BASE_DIR / "qic" / "static",
]
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
# Uploaded documents live outside the web root and are only served through views.
MEDIA_ROOT = Path(os.environ.get("UPLOAD_ROOT", VAR_DIR / "uploads"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A register posts one checkbox per learner ticked: Django's default of 1,000 fields answered
# "400 Bad Request" to a whole-school register. The body stays capped by the size above.
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FIELDS", "20000"))
# GIAS extracts are ~60 MB; the upload form checks this limit itself and says so.
GIAS_UPLOAD_MAX_BYTES = int(os.environ.get("GIAS_UPLOAD_MAX_BYTES", str(120 * 1024 * 1024)))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if PRODUCTION and EMAIL_BACKEND.rsplit(".", 2)[-2:-1] in (["console"], ["locmem"], ["dummy"]):
    # Password reset and invitation links would be printed to a log or lost, never delivered.
    raise ImproperlyConfigured("EMAIL_BACKEND must deliver mail in production (e.g. the SMTP backend)")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "QiC Platform <no-reply@localhost>")

# Security headers. The CSP allows no inline script or style except GOV.UK Frontend's
# one-line "js-enabled" script, which carries the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_IDLE_SECONDS without a request (the cookie and the stored
# session are renewed on every request) and SESSION_MAX_SECONDS after log-in whatever happens
# (qic.accounts.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_SECONDS", str(12 * 60 * 60)))

# Lockout (django-axes): LOCKOUT_FAILURES wrong passwords for one account from one IP address,
# or LOCKOUT_IP_FAILURES from one IP address for any accounts, lock that pair (or that address)
# for LOCKOUT_MINUTES after the last failure. Keyed on account+IP, so an attacker elsewhere
# cannot lock the real user out; the cool-off ends every lock.
AXES_FAILURE_LIMIT = int(os.environ.get("LOCKOUT_FAILURES", "5"))
QIC_LOCKOUT_IP_FAILURES = int(os.environ.get("LOCKOUT_IP_FAILURES", "50"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "qic.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "qic.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# Failures during a lock are not counted, so hammering an account does not extend its lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "token", "new_password1", "new_password2", "old_password"]
# Behind the TLS proxy every request comes from the proxy: the client is the address the
# proxy appended last to X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "qic.accounts.lockout.client_ip"
QIC_TRUST_FORWARDED_FOR = PRODUCTION and env_bool("BEHIND_PROXY", default=True)

# Second factor (django-otp): every role must use an authenticator app. Wrong codes slow the
# next attempt down exponentially (1, 2, 4… seconds), per device.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "QiC Platform")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if env_bool("BEHIND_PROXY", default=True):
        # gunicorn sits behind a TLS-terminating proxy that sets this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Logs go to standard error, one line per record, with time (UTC), level, logger, the request id
# and the message: JSON in production (for a log collector), readable text elsewhere
# (LOG_FORMAT=json|text overrides). Secret URL segments (invitation and password reset tokens)
# are removed from every line (qic/core/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text: not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "qic.core.logs.RequestIdFilter"},
        "redact": {"()": "qic.core.logs.RedactFilter"},
    },
    "formatters": {
        "json": {"()": "qic.core.logs.UTCJsonFormatter"},
        "text": {"()": "qic.core.logs.UTCTextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Without Django's own handlers (an unformatted second copy in development, mail to ADMINS
        # in production): its lines go to the root handler like everyone else's.
        "django": {"handlers": [], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": True},
        # runserver's request lines: Django's own handler for them would write paths unfiltered.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Optional error reporting: set SENTRY_DSN (qic/core/error_reporting.py says what is sent).
SENTRY_ENABLED = _init_error_reporting(os.environ, default_environment=QIC_ENV)

NINJA_PAGINATION_PER_PAGE = 100


def cache_from_url(url: str) -> dict[str, str]:
    """CACHE_URL -> one CACHES entry: locmem:// (the default), db://TABLE (run createcachetable),
    redis://HOST:PORT/DB or rediss://… (needs the redis package), file:///PATH."""
    scheme, _, rest = url.partition("://")
    backends = {
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "db": "django.core.cache.backends.db.DatabaseCache",
        "redis": "django.core.cache.backends.redis.RedisCache",
        "rediss": "django.core.cache.backends.redis.RedisCache",
        "file": "django.core.cache.backends.filebased.FileBasedCache",
    }
    if scheme not in backends:
        raise ImproperlyConfigured(f"CACHE_URL must start with one of {', '.join(backends)}: not {url!r}")
    location = url if scheme.startswith("redis") else rest or {"db": "qic_cache"}.get(scheme, "qic")
    return {"BACKEND": backends[scheme], "LOCATION": location}


# The cache holds the API's throttling counts. Each process has its own LocMemCache, so with
# several gunicorn workers every worker counts separately: production should share one cache
# (CACHE_URL=db://qic_cache after `manage.py createcachetable`, or Redis).
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "locmem://"))}


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as 120/min: a number of calls per s, min, hour or day."""
    value = os.environ.get(name, default).strip()
    count, _, period = value.partition("/")
    if not count.isdigit() or period not in {"s", "sec", "m", "min", "h", "hour", "d", "day"}:
        raise ImproperlyConfigured(f"{name} must look like 120/min (per s, min, hour or day): not {value!r}")
    return value


# API throttling: calls per token (or per signed-in session), and per IP address for calls with
# neither (including refused credentials). Over the limit the API answers 429 with Retry-After.
API_RATE_PER_TOKEN = env_rate("API_RATE_PER_TOKEN", "120/min")
API_RATE_PER_IP = env_rate("API_RATE_PER_IP", "60/min")
# How many proxies in front of the app add to X-Forwarded-For: the client's address is taken that
# many entries from the right, so a caller cannot dodge the per-IP limit by sending the header.
# 0 uses REMOTE_ADDR only.
NINJA_NUM_PROXIES = int(
    os.environ.get("API_NUM_PROXIES", "1" if PRODUCTION and env_bool("BEHIND_PROXY", default=True) else "0")
)

# Background work goes through Django's Tasks API. The database backend stores each task as a row
# in the same transaction as the change that asked for it (so a crash loses neither, or both), and
# `manage.py worker` processes run them; tests run them at once (TASKS_BACKEND=immediate).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("TASKS_BACKEND", "immediate" if QIC_ENV == "test" else "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}: not {_task_backend!r}")
if PRODUCTION and _task_backend != "database":
    raise ImproperlyConfigured("TASKS_BACKEND must be database in production: other backends run work in the request")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend], "QUEUES": ["default"]}}
# A running task whose worker has not been seen for this long is taken as lost (the worker was
# killed or its machine stopped): the task is marked failed and its job says so. Workers are seen
# when they start, pick up a task and report progress, and at least every minute while the
# scheduler runs its housekeeping task.
QIC_WORKER_LOST_SECONDS = int(os.environ.get("QIC_WORKER_LOST_SECONDS", "180"))
# /readyz says "not ready" when no worker has been seen for this long.
QIC_READY_WORKER_SECONDS = int(os.environ.get("QIC_READY_WORKER_SECONDS", "300"))
# Progress of long jobs (rows checked, rows saved) is written outside the job's own transaction,
# to a cache every process can read: a folder under var/ on one machine, or PROGRESS_CACHE_URL
# (e.g. redis://…) when the web servers and workers are on several machines.
_progress_default = "locmem://progress" if QIC_ENV == "test" else f"file://{VAR_DIR / 'progress'}"
CACHES["progress"] = cache_from_url(os.environ.get("PROGRESS_CACHE_URL", _progress_default))
QIC_UPLOAD_MAX_BYTES = int(os.environ.get("QIC_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Learner imports: files are refused above these limits before they are parsed. 50,000 rows is
# far above the largest school or trust roll; the first QIC_LEARNER_IMPORT_MAX_ERRORS row
# problems are kept and shown ("and N more").
QIC_LEARNER_IMPORT_MAX_BYTES = int(os.environ.get("QIC_LEARNER_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
QIC_LEARNER_IMPORT_MAX_ROWS = int(os.environ.get("QIC_LEARNER_IMPORT_MAX_ROWS", "50000"))
QIC_LEARNER_IMPORT_MAX_ERRORS = int(os.environ.get("QIC_LEARNER_IMPORT_MAX_ERRORS", "100"))
# Register imports (an activity's attendance CSV): a file over this is refused before it is read.
QIC_REGISTER_IMPORT_MAX_BYTES = int(os.environ.get("QIC_REGISTER_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# A full import that would mark more than this share of the roll as left gets a warning.
QIC_LEARNER_IMPORT_WARN_LEFT_PERCENT = int(os.environ.get("QIC_LEARNER_IMPORT_WARN_LEFT_PERCENT", "10"))

# Retention (manage.py apply_retention, docs/decisions.md): a leaver's identity is kept for this
# many years after they left — destinations are followed for three years, and the figures of an
# award's three-year period may be questioned at reaccreditation — then the record is anonymised.
QIC_RETAIN_LEAVERS_YEARS = int(os.environ.get("QIC_RETAIN_LEAVERS_YEARS", "6"))
# An uploaded learner file (CSV or CTF) is removed this many days after its import finished.
QIC_RETAIN_IMPORT_FILES_DAYS = int(os.environ.get("QIC_RETAIN_IMPORT_FILES_DAYS", "30"))
# A removed activity, interview or adviser can be restored by the careers leader for this many
# days; the nightly purge then deletes it for good.
QIC_RESTORE_REMOVED_DAYS = int(os.environ.get("QIC_RESTORE_REMOVED_DAYS", "30"))

# Benchmark rules that DOMAIN.md leaves as settings (see docs/decisions.md).
# Refreshed BM6: how many meaningful workplace experiences "multiple experiences by 16" means.
_bm6 = os.environ.get("QIC_BM6_EXPERIENCES_BY_16", "2").strip()
if not (_bm6.isascii() and _bm6.isdigit() and 1 <= int(_bm6) <= 10):
    raise ImproperlyConfigured("QIC_BM6_EXPERIENCES_BY_16 must be a whole number from 1 to 10")
QIC_BM6_EXPERIENCES_BY_16 = int(_bm6)
# The work-experience guarantee (DOMAIN.md §3c): hours of meaningful workplace experience each
# pupil should have across KS3 and KS4, split about half in each stage. CEC's model counts 50.
try:
    QIC_WORK_EXPERIENCE_TARGET_HOURS = Decimal(os.environ.get("QIC_WORK_EXPERIENCE_TARGET_HOURS", "50").strip())
except InvalidOperation:
    raise ImproperlyConfigured("QIC_WORK_EXPERIENCE_TARGET_HOURS must be a number of hours") from None
if not QIC_WORK_EXPERIENCE_TARGET_HOURS.is_finite() or not 0 < QIC_WORK_EXPERIENCE_TARGET_HOURS <= 500:
    raise ImproperlyConfigured("QIC_WORK_EXPERIENCE_TARGET_HOURS must be more than 0 and at most 500")
# Equity gaps: groups with fewer eligible learners than this are shown, marked, and never headlined.
_equity = os.environ.get("QIC_EQUITY_MIN_GROUP_SIZE", "10").strip()
if not (_equity.isascii() and _equity.isdigit() and 1 <= int(_equity) <= 1000):
    raise ImproperlyConfigured("QIC_EQUITY_MIN_GROUP_SIZE must be a whole number from 1 to 1000")
QIC_EQUITY_MIN_GROUP_SIZE = int(_equity)
