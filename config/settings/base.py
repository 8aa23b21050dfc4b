"""Settings shared by every environment, read from the environment the django-environ way."""

from pathlib import Path

import environ
from celery.schedules import crontab

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A `.env` file is read only when asked (DJANGO_READ_DOT_ENV_FILE=True), never by surprise: a
# stray file on a server or in CI must not change what the process runs with.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(
        env.path("DJANGO_DOT_ENV_FILE", default=BASE_DIR / ".env"), overwrite=False
    )

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Applications ------------------------------------------------------------------------------
PROJECT_APPS = [
    "home",
    "accounts",
    "people",
    "quizzes",
    "journeys",
    "curriculum",
    "assignments",
    "champions",
    "reports",
    "outcomes",
    "api",
    "pocket",
    "outbox",
]
WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.sites",
]
SITE_ID = 1
INSTALLED_APPS = PROJECT_APPS + WAGTAIL_APPS + THIRD_PARTY_APPS + DJANGO_APPS

MIDDLEWARE = [
    "core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pocket.middleware.ClearSiteDataOnLogoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.SSOFormActionMiddleware",
    "accounts.middleware.SSOUnavailableMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# Data --------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening a PostgreSQL connection costs more than a whole learner page.
# Health checks drop a connection the database closed (restart, failover) instead of failing.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Fail-soft: with Redis down the site runs on a per-process memory cache (core/cache.py).
    CACHES = {"default": {"BACKEND": "core.cache.FailSoftRedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis and written through to the database, so a lost cache logs
    # nobody out; without Redis they stay in the database only.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.CompanySignupForm"}
# Failed log-ins are limited per account (key: the e-mail typed) and, more loosely, per client
# address: behind a proxy or an office NAT many people share one, and one attacker must not lock
# everyone out. The client address is taken from the proxy only as far as it is trusted:
# TRUSTED_PROXY_COUNT proxies append to X-Forwarded-For, or TRUSTED_CLIENT_IP_HEADER (e.g.
# X-Real-IP) is set by the one proxy in front; with neither, REMOTE_ADDR counts.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_FAILED_RATE_LIMIT", default="30/5m/ip,5/5m/key"),
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ALLOWED_SIGNUP_DOMAINS = env.list("ALLOWED_SIGNUP_DOMAINS", default=[])
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CX Academy"
# Roles that must set up two-factor authentication before using the site.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])

# Company single sign-on via OpenID Connect, configured entirely from the environment.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"APPS": []}}
if env("OIDC_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"] = [
        {
            "provider_id": env("OIDC_PROVIDER_ID", default="company"),
            "name": env("OIDC_PROVIDER_NAME", default="Company SSO"),
            "client_id": env("OIDC_CLIENT_ID"),
            "secret": env("OIDC_CLIENT_SECRET", default=""),
            "settings": {
                "server_url": env("OIDC_SERVER_URL"),
                "fetch_userinfo": True,
                "email_authentication": True,
                "oauth_pkce_enabled": env.bool("OIDC_PKCE_ENABLED", default=True),
            },
        }
    ]

# Content Security Policy: no inline script anywhere on the site. The Wagtail admin ships inline
# styles (and its rich-text editor needs them), so styles allow 'unsafe-inline'; scripts never do.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": [
            "'self'",
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # English dates day-first, 24-hour clock
TIME_ZONE = env("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    MEDIA_BACKEND = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The public address of the site and the academy's name --------------------------------------
# SITE_URL is the one base of every absolute link the product writes where no request is at hand:
# e-mails, PDFs (certificate verification), API and feeds. ACADEMY_NAME is how mails, allauth's
# pages and the Sites framework name the site (never "127.0.0.1:8000").
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ACADEMY_NAME = env("ACADEMY_NAME", default="CX Academy")

# E-mail ------------------------------------------------------------------------------------
# One URL (EMAIL_URL) configures the mail server; each setting is named here so a reader sees
# every e-mail setting the project uses.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
del _email
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CX Academy <academy@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Bulk e-mails (invitations after an import, assignment notices) go out in batches this size,
# one batch every INVITATION_BATCH_SECONDS, at a rate the mail server accepts.
INVITATION_BATCH_SIZE = env.int("INVITATION_BATCH_SIZE", default=200)
INVITATION_BATCH_SECONDS = env.int("INVITATION_BATCH_SECONDS", default=60)

# Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# A web request never waits long on the broker: one quick try, then the outbox sweep takes over.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
    "visibility_timeout": 60 * 60,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# A task is acknowledged when it is done, so a killed worker's task runs again on another one;
# every task is written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A running task finishes when the broker connection drops (its ack is lost, so it may run again:
# every task is written for that). Cancelling it instead would leave an outbox row "being sent"
# until the stuck-row sweep and interrupt imports (tests/outbox/test_broker_lost.py).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Outbox (outbox/services.py): retries double from the base up to the cap, then give up.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=60 * 60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_REDISPATCH_AFTER_SECONDS = env.int("OUTBOX_REDISPATCH_AFTER_SECONDS", default=60)
# One delivery (a mail, a webhook, an xAPI statement) is killed after this long, so a row still
# "being sent" after the limit and a margin belongs to a dead worker and is sent again.
OUTBOX_DELIVER_TIME_LIMIT = env.int("OUTBOX_DELIVER_TIME_LIMIT", default=2 * EMAIL_TIMEOUT + 30)
OUTBOX_STUCK_AFTER_SECONDS = env.int(
    "OUTBOX_STUCK_AFTER_SECONDS", default=OUTBOX_DELIVER_TIME_LIMIT + 30
)
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=60)
# Employee imports (people/services.sweep_imports): "running" with no heartbeat for longer than the
# job's 30-minute time limit (people/tasks.py) + 2 minutes = interrupted; queued and not started
# after 15 minutes = handed over again.
IMPORT_STALE_AFTER_SECONDS = env.int("IMPORT_STALE_AFTER_SECONDS", default=30 * 60 + 120)
IMPORT_START_TIMEOUT_SECONDS = env.int("IMPORT_START_TIMEOUT_SECONDS", default=15 * 60)
# Web Push (the phone app's reminders). VAPID_PRIVATE_KEY: the base64url raw P-256 private key
# (e.g. `vapid --gen`, or `npx web-push generate-vapid-keys`). Without it, dev and test make one
# up (PUSH_DEV_KEYS; dev keeps it in .vapid-dev-key so subscriptions survive a restart) and
# production offers no push. Endpoints must be https and public unless PUSH_ALLOW_LOCAL_ENDPOINTS.
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env("VAPID_SUBJECT", default="mailto:academy@example.com")
PUSH_DEV_KEYS = env.bool("PUSH_DEV_KEYS", default=False)
PUSH_ALLOW_LOCAL_ENDPOINTS = env.bool("PUSH_ALLOW_LOCAL_ENDPOINTS", default=False)

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.tasks.sweep", "schedule": OUTBOX_SWEEP_SECONDS},
    "import-sweep": {"task": "people.tasks.sweep_imports", "schedule": 5 * 60},
    "training-reminders-daily": {
        "task": "assignments.tasks.send_due_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "recertification-daily": {
        "task": "assignments.tasks.reassign_expiring_certificates",
        "schedule": crontab(hour=6, minute=45),
    },
    "training-digest-weekly": {
        "task": "assignments.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    "api-webhook-retries": {
        "task": "api.tasks.deliver_due_webhooks",
        "schedule": crontab(minute="*"),
    },
    "api-xapi-statements": {
        "task": "api.tasks.send_xapi_statements",
        "schedule": crontab(minute="*"),
    },
    "action-item-reminders-daily": {
        "task": "champions.tasks.remind_overdue_action_items",
        "schedule": crontab(hour=8, minute=0),
    },
    "push-reminders-daily": {
        "task": "pocket.tasks.send_push_reminders",
        "schedule": crontab(hour=8, minute=15),
    },
    "observation-requests-daily": {
        "task": "champions.tasks.request_observations",
        "schedule": crontab(hour=6, minute=30),
    },
    "privacy-retention-daily": {
        "task": "accounts.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=15),
    },
}

# Floor observations are seen by the observed colleague and the observer; who else sees them is
# the privacy settings' decision (accounts.PrivacySettings, HR's page /account/privacy/).

# REST API, SCIM and xAPI -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HasTokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CX Academy API",
    "DESCRIPTION": "Employees, organisation, courses, progress, certificates, assignments and "
    "champion groups for HR systems and analytics. Authenticate with an API token HR creates "
    "under 'API tokens': `Authorization: Bearer cxa_…`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
}
# The Learning Record Store that receives xAPI statements; nothing is recorded while unset.
XAPI_LRS_ENDPOINT = env("XAPI_LRS_ENDPOINT", default="")
XAPI_LRS_KEY = env("XAPI_LRS_KEY", default="")
XAPI_LRS_SECRET = env("XAPI_LRS_SECRET", default="")
XAPI_ACTIVITY_BASE = env("XAPI_ACTIVITY_BASE", default="")
XAPI_ACCOUNT_HOMEPAGE = env("XAPI_ACCOUNT_HOMEPAGE", default="")

# Reminders about mandatory training (days): before the due date, on the day, after it, then
# weekly; the manager is told once this many days after the due date (0: never).
REMINDER_DAYS_BEFORE_DUE = env.list("REMINDER_DAYS_BEFORE_DUE", cast=int, default=[7, 1])
REMINDER_DAYS_AFTER_DUE = env.list("REMINDER_DAYS_AFTER_DUE", cast=int, default=[1, 3, 7])
REMINDER_WEEKLY_AFTER_DUE = env.bool("REMINDER_WEEKLY_AFTER_DUE", default=True)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=14)
# My team: whether a manager also sees their reports' reports (the whole chain below them), and
# how often one person may be reminded by their manager about the same overdue training.
TEAM_INCLUDE_INDIRECT_REPORTS = env.bool("TEAM_INCLUDE_INDIRECT_REPORTS", default=False)
TEAM_REMINDER_INTERVAL_DAYS = env.int("TEAM_REMINDER_INTERVAL_DAYS", default=3)
# Certificates expiring within this many days show as "expiring" on My team.
TEAM_EXPIRING_WITHIN_DAYS = env.int("TEAM_EXPIRING_WITHIN_DAYS", default=60)

# Wagtail -----------------------------------------------------------------------------------
# Wagtail's own background work (reference index, image renditions) through django-tasks, run
# immediately in the process that asks for it. Our own jobs go through Celery.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAIL_SITE_NAME = ACADEMY_NAME
# The admin's log-in is allauth's (second factor, rate limits); Wagtail's own form is not routed
# (config/urls.py) and its password reset is off in favour of allauth's.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Pixels are checked before decoding: a small file can claim a huge image (decompression bomb).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv", "odt"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# LOG_FORMAT=json: one JSON object per line (for a log collector); every line has the request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env("LOG_FORMAT", default="text"),
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Wagtail logs every page action and background task at INFO; keep the console readable.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "modelsearch": {"level": "WARNING"},
    },
}

# Error reports to Sentry when SENTRY_DSN is set (no personal data sent by default).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
