"""Settings for the portal, read from the environment with safe defaults (DESIGN §6).

Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and the
notification backends; the defaults give a working single-machine demo on SQLite.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # SQLite files, media and exports of the single-machine set-up
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is only usable when DEBUG or the demo is on; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-only-for-debug-and-demo")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORTALE_DEMO = env.bool("PORTALE_DEMO", default=False)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    "portale.core",
    "portale.records",
    "portale.accounts",
    "portale.public",
    "portale.home",
    "portale.backoffice",
    "portale.cases",
    "portale.fulfilment",
    "portale.company",
    "portale.inventory",
    "portale.rating",
    "portale.billing",
    "portale.myline",
    "portale.dualbilling",
    "portale.thresholds",
    "portale.support",
    "portale.services",
    "portale.sim",
    "portale.payments",
    "portale.ebill",
    "portale.tem",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come pre-compressed), above everything that writes the body.
    "portale.core.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Kept though the portal speaks one language: a request with no language activated makes
    # every gettext (thousands a page: forms, tables, menus) take Django's fallback path,
    # +1.5M instructions a page (bench/page_instructions.py), far more than this costs.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portale.accounts.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portale.core.csp.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portale.core.middleware.PortalContextMiddleware",
    "portale.core.middleware.MethodNotAllowedPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Django's common widget templates drawn in Python, the same markup (core/form_renderer.py).
FORM_RENDERER = "portale.core.form_renderer.PortalFormRenderer"

ROOT_URLCONF = "portale.urls"
WSGI_APPLICATION = "portale.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portale" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portale.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portale.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Connections sized to threads (README "Connections"): each web or worker thread keeps
    # one connection open for DB_CONN_MAX_AGE seconds instead of opening one per request,
    # checked before it is reused (so a PostgreSQL restart costs no failed request).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server, and a statement run DB_PREPARE_THRESHOLD times on
        # a connection is prepared there: PostgreSQL no longer parses and plans it again
        # (planning was most of a list query's time: ~0.5 ms against ~0.1 ms executing).
        # Served, 100,000-line contract: +10-50% req/s a page (SCALING.md). Turn it off
        # behind PgBouncer in transaction mode older than 1.21 (statements are per server
        # connection).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "server_side_binding": True,
                "prepare_threshold": env.int("DB_PREPARE_THRESHOLD", default=2),
            }
        )
        # Django's engine, binding on the client a statement of over 65,535 values, which
        # the protocol cannot carry (portale/core/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = "portale.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and worker (two threads) write one SQLite file at the same time.
    # WAL: readers never wait for the writer. IMMEDIATE: a transaction takes the write lock
    # at BEGIN, so a second writer waits for it (up to "timeout" seconds); with SQLite's
    # default deferred BEGIN, a transaction that reads and then writes (select_for_update is
    # a no-op here) fails at once with "database is locked" when another connection wrote in
    # between, whatever the timeout (portale/core/tests/test_sqlite_concurrency.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Password checks go through axes then ModelBackend; a session is valid only when opened by
# SecondFactorBackend, after the SMS code (portale/accounts/backends.py, SECURITY.md).
AUTHENTICATION_BACKENDS = [
    "portale.accounts.backends.SecondFactorBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "public:index"

# Sessions expire after 15 minutes of inactivity (G-49). The age is renewed by a request
# when the last renewal is SESSION_RENEW_SECONDS old (one session write per half minute of
# activity instead of one per request, issue 17): the server ends an idle session between
# SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS and SESSION_COOKIE_AGE after the last request,
# never later. Private pages warn ACCOUNTS_SESSION_WARNING_SECONDS before the end ("Resta
# collegato") and count from the earlier bound.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=15 * 60)
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=30)
ACCOUNTS_SESSION_WARNING_SECONDS = env.int("ACCOUNTS_SESSION_WARNING_SECONDS", default=120)
# Absolute lifetime: however active, a session ends this many seconds after its login.
SESSION_ABSOLUTE_AGE = env.int("SESSION_ABSOLUTE_AGE", default=12 * 3600)
SESSION_SAVE_EVERY_REQUEST = False  # written when it changes or is renewed (above)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano")]
LOCALE_PATHS = [BASE_DIR / "portale" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "portale" / "static",
    # The portal's own Bootstrap Italia build (npm run build, run by `make install`).
    ("vendor/bootstrap-italia", BASE_DIR / "var" / "build" / "bootstrap-italia"),
    # Leaflet and ECharts: only the files the pages load, copied by the same build.
    ("vendor/leaflet", BASE_DIR / "var" / "build" / "leaflet"),
    ("vendor/echarts", BASE_DIR / "var" / "build" / "echarts"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Static files: `manage.py collectstatic` (bin/demo and the production recipe run it) writes
# every file under a content-hashed name with its gzip and Brotli copies; WhiteNoise serves
# them from STATIC_ROOT with a long immutable cache. With DEBUG the files are served
# unhashed from the finders, so development needs no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files under hashed names get WhiteNoise's "forever" cache (ten years, immutable); a file
# asked for under its plain name keeps a short one.
WHITENOISE_MAX_AGE = 0 if DEBUG else 300


# Pages never compressed: they show a secret next to text a visitor can reflect (BREACH;
# see portale/core/compression.py).
UNCOMPRESSED_URL_NAMES = ["demo:outbox"]

# --- Security (production values come from the environment) -------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# BEHIND_TLS_PROXY=1: TLS ends at a reverse proxy that sets X-Forwarded-Proto (the proxy
# must overwrite that header); list the proxy's addresses in TRUSTED_PROXIES too.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Map tiles of the service points map (F-7.7.8): a tile server URL template, e.g.
# "https://tile.openstreetmap.org/{z}/{x}/{y}.png"; empty = no tiles (the list and the pins
# still work, offline too).
PDA_TILE_URL = env("PDA_TILE_URL", default="")
PDA_TILE_ATTRIBUTION = env("PDA_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")
PDA_TILE_HOSTS = (
    ["https://" + PDA_TILE_URL.split("/")[2].replace("{s}", "*")]
    if PDA_TILE_URL.startswith("https://")
    else []
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *PDA_TILE_HOSTS],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# --- Lockouts (django-axes) -------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# 5 failed logins lock the account for 15 minutes (G-05); the lockout page reads this value.
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# Lock the account (from any address) and the pair account + address, never an address
# alone: behind a PA's NAT or the TLS proxy many users share one (SECURITY.md). axes takes
# the highest count of the sets against one limit, so the account set decides; the pair is
# listed for the record (and for axes' own check W006).
AXES_LOCKOUT_PARAMETERS = [["username"], ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# The client address, also for the audit log and the SMS limits: REMOTE_ADDR, or the
# X-Forwarded-For hop before the proxies listed in TRUSTED_PROXIES (addresses or networks).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "portale.accounts.audit.client_ip"
# Anonymous floods only: failed passwords and SMS codes of registration and recovery from
# one address, with limits a shared NAT of a whole administration does not reach.
ACCOUNTS_LOGIN_FAILURES_PER_IP = env.int("ACCOUNTS_LOGIN_FAILURES_PER_IP", default=100)
ACCOUNTS_LOGIN_FAILURES_IP_WINDOW_MINUTES = 15
ACCOUNTS_OTP_PER_IP = env.int("ACCOUNTS_OTP_PER_IP", default=200)

# --- Background tasks (Huey) -----------------------------------------------------------
# SQLite storage needs no server; set REDIS_URL to share one queue across machines.
# Declare tasks with portale.core.tasks (retry policy there); run the worker with
# `python manage.py run_huey` (one per machine; `-w N` threads each).
REDIS_URL = env("REDIS_URL", default="")
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env("HUEY_NAME", default="portale"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "portale",
        "filename": env("HUEY_SQLITE_FILE", default=str(VAR_DIR / "huey.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }

# --- Cache and sessions ----------------------------------------------------------------
# With REDIS_URL every web process shares one cache (the recovery limit per address, the
# SAC codes, the price-list PDF: per-process memory would multiply a limit by the number of
# processes) and reads sessions from it ("cached_db": written through to the database, so
# a Redis restart logs nobody out). Without it, one process's memory and database sessions.
# The engines are Django's over accounts.UserSession, which indexes the user's id (a user's
# sessions are ended without decoding everyone's: portale/accounts/sessions).
SESSION_ENGINE = "portale.accounts.sessions.db"
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default=REDIS_URL)
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portale.core.redis_cache.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portale"),
            "TIMEOUT": 300,
        }
    }
    SESSION_ENGINE = "portale.accounts.sessions.cached_db"

# --- Notifications (DESIGN §5.5) ------------------------------------------------------
# Backends: "outbox" keeps every message in the database (default); "smtp" sends e-mail
# through EMAIL_HOST; "http" posts SMS to SMS_HTTP_URL.
NOTIFY_EMAIL_BACKEND = env("NOTIFY_EMAIL_BACKEND", default="outbox")
NOTIFY_SMS_BACKEND = env("NOTIFY_SMS_BACKEND", default="outbox")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="TIM - Convenzione Mobile 8 <convenzionemobile8@telecomitalia.it>"
)
# Retention of the outbox (SECURITY.md): a message carrying a code or a link is blanked once
# delivered (in the demo, at the latest after NOTIFY_SECRET_MAX_HOURS); every message is
# deleted NOTIFY_RETENTION_DAYS after it was written.
NOTIFY_SECRET_MAX_HOURS = env.int("NOTIFY_SECRET_MAX_HOURS", default=48)
NOTIFY_RETENTION_DAYS = env.int("NOTIFY_RETENTION_DAYS", default=90)
# A message "sending" this long: its worker died mid-send; the jobs sweep sends it again.
NOTIFY_STUCK_AFTER_SECONDS = env.int("NOTIFY_STUCK_AFTER_SECONDS", default=600)
SMS_HTTP_URL = env("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.int("SMS_HTTP_TIMEOUT", default=10)
SMS_OTP_SENDER = "40134"

# --- Portal behaviour (every value overridable from the environment) ------------------
# Fulfilment: seconds before a pratica is taken, worked and each order step advances.
FULFILMENT_DELAYS = env.json("FULFILMENT_DELAYS", default={"take": 5, "work": 10, "order_step": 10})
FULFILMENT_MAX_ATTEMPTS = env.int("FULFILMENT_MAX_ATTEMPTS", default=3)
# Lists above this many rows are exported in the background ("I miei Export").
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=20_000)
INVENTORY_EXPORT_RETENTION_DAYS = env.int("INVENTORY_EXPORT_RETENTION_DAYS", default=30)
# A background export claimed this long ago and not finished: its worker died; run it again.
EXPORT_STUCK_AFTER_SECONDS = env.int("EXPORT_STUCK_AFTER_SECONDS", default=900)
ACCOUNTS_AUDIT_RETENTION_DAYS = env.int("ACCOUNTS_AUDIT_RETENTION_DAYS", default=365)

# --- Payments (portale/payments, README "Payments") ------------------------------------
# django-payments variants: the portal's card and PayPal payments go to PAYMENT_PROVIDER.
# "sandbox" is the local stand-in of a PSP served by the project itself (hosted page with
# 3-D Secure, test cards); production names a variant configured below from the environment.
from urllib.parse import urlsplit as _urlsplit  # noqa: E402

PAYMENT_MODEL = "payments.Payment"
PAYMENT_HOST = _urlsplit(SITE_URL).netloc
PAYMENT_USES_SSL = _urlsplit(SITE_URL).scheme == "https"
# The shared secret signing the sandbox's notifications and returns (PSP ↔ portal).
PAYMENT_SANDBOX_SECRET = env("PAYMENT_SANDBOX_SECRET", default=SECRET_KEY + ":psp-sandbox")
# How the sandbox delivers its server-to-server notification: "local" (in-process call of the
# portal's notification endpoint; the sandbox is the same project) or "http" (a POST to
# SITE_URL, as an external PSP does).
PAYMENT_SANDBOX_DELIVERY = env("PAYMENT_SANDBOX_DELIVERY", default="local")
# The sandbox (its pages and its variant) exists only in the demo and in development: a
# production deployment names its provider, or the portal offers no payment at all.
PAYMENT_SANDBOX_ENABLED = env.bool("PAYMENT_SANDBOX_ENABLED", default=DEBUG or PORTALE_DEMO)
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="sandbox" if PAYMENT_SANDBOX_ENABLED else "")
PAYMENT_VARIANTS: dict[str, tuple[str, dict]] = {}
if PAYMENT_SANDBOX_ENABLED:
    PAYMENT_VARIANTS["sandbox"] = (
        "portale.payments.providers.sandbox.SandboxProvider",
        {"secret": PAYMENT_SANDBOX_SECRET},
    )
if env("STRIPE_API_KEY", default=""):
    PAYMENT_VARIANTS["stripe"] = (
        "payments.stripe.StripeProviderV3",
        {
            "api_key": env("STRIPE_API_KEY"),
            "endpoint_secret": env("STRIPE_ENDPOINT_SECRET", default=""),
            "secure_endpoint": True,
        },
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if not DEBUG and not PORTALE_DEMO and SECRET_KEY.startswith("insecure-"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG and PORTALE_DEMO are off.")
