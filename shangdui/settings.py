"""商队 settings: one module, every value from the environment (see ``shangdui.env``).

Two shapes of the same code path:

* embedded (default): SQLite in WAL mode and every file under ``SHANGDUI_DATA_DIR`` (``./var``),
  a secret generated into the data dir on first start, an embedded Celery broker on SQLite;
* production (``SHANGDUI_ENV=production``): ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL``
  (Redis or RabbitMQ), ``SHANGDUI_SECRET_KEY`` and ``SHANGDUI_ALLOWED_HOSTS`` required, HTTPS on.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from shangdui.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

SHANGDUI_ENV = env_choice("SHANGDUI_ENV", "embedded", ("embedded", "production"))
PRODUCTION = SHANGDUI_ENV == "production"

DATA_DIR = Path(env_str("SHANGDUI_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
SHANGDUI_DATA_DIR = DATA_DIR
MEDIA_ROOT = DATA_DIR / "media"
for _sub in ("", "media", "models", "tmp"):
    (DATA_DIR / _sub).mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_secret("SHANGDUI_SECRET_KEY", generate_into=None if PRODUCTION else DATA_DIR / "secret_key")
DEBUG = env_bool("SHANGDUI_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("SHANGDUI_DEBUG must be off in production.")

ALLOWED_HOSTS = env_list("SHANGDUI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SHANGDUI_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("SHANGDUI_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SHANGDUI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "shangdui.core",
    "shangdui.org",
    "shangdui.shop",
    "shangdui.work",
    "shangdui.conversations",
    "shangdui.performance",
    "shangdui.coaching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shangdui.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shangdui.core.middleware.CurrentMemberMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shangdui.urls"
WSGI_APPLICATION = "shangdui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shangdui.core.context_processors.shangdui",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("SHANGDUI_DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if _db["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL.")
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db["CONN_HEALTH_CHECKS"] = True
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "shangdui.sqlite3")}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while pages read; IMMEDIATE transactions avoid the
    # "database is locked" upgrade deadlock between two writers.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db.setdefault("TEST", {})["NAME"] = str(DATA_DIR / "test-shangdui.sqlite3")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("SHANGDUI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("SHANGDUI_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("SHANGDUI_PROXY_COUNT", 0, minimum=0)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("SHANGDUI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "shangdui_language"

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 14 * 24 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "media-src": [CSP.SELF, "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SHANGDUI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SHANGDUI_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SHANGDUI_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
if not CELERY_BROKER_URL:
    if PRODUCTION:
        raise ImproperlyConfigured("CELERY_BROKER_URL (redis:// or amqp://) is required in production.")
    CELERY_BROKER_URL = f"sqla+sqlite:///{DATA_DIR / 'celery-broker.sqlite3'}"
CELERY_TASK_ALWAYS_EAGER = env_bool("SHANGDUI_TASKS_EAGER", False)
CELERY_VISIBILITY_TIMEOUT = env_int("SHANGDUI_BROKER_VISIBILITY_TIMEOUT", 3600, minimum=1)
# A running job whose heartbeat is older than this is considered abandoned (its worker died)
# and may be claimed again by another worker.
JOB_STALE_SECONDS = env_int("SHANGDUI_JOB_STALE_SECONDS", 120, minimum=1)
JOB_MAX_ATTEMPTS = env_int("SHANGDUI_JOB_MAX_ATTEMPTS", 5, minimum=1)
JOB_SWEEP_SECONDS = env_int("SHANGDUI_JOB_SWEEP_SECONDS", 60, minimum=1)
# Recorder devices drop files into <WATCH_ROOT>/<a source's folder>; beat scans every N seconds.
WATCH_ROOT = Path(env_str("SHANGDUI_WATCH_ROOT", str(DATA_DIR / "watch"))).resolve()
WATCH_SCAN_SECONDS = env_int("SHANGDUI_WATCH_SCAN_SECONDS", 30, minimum=5)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SHANGDUI_LOG_LEVEL", "INFO")},
    "loggers": {"django.security.csrf": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
