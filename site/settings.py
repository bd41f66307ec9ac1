"""Settings for North Star, read from the environment.

With no environment at all the site runs on the embedded defaults a newcomer
needs for `make run`: SQLite, Celery's filesystem broker and a file cache under
`var/`, email printed by the worker, media in `media/`. Production sets the
variables listed in the README (DATABASE_URL, CELERY_BROKER_URL, CACHE_URL,
SENDGRID_API_KEY, STRIPE_*, AWS_*, SECRET_KEY, ALLOWED_HOSTS, DEBUG).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("NORTHSTAR_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="django-insecure-north-star-embedded-default-never-use-in-production",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "northstar",
    "petitions",
    "campaigns",
    "donations",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_filters",
    "allauth",
    "allauth.account",
    "anymail",
    "storages",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    "northstar.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Right after the CSRF middleware (it reads and sets the CSRF cookie of a cached
    # page); a cached page keeps the headers the middleware below gave its render.
    "northstar.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "northstar.csp.SiteCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "northstar.urls"
WSGI_APPLICATION = "northstar.wsgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'northstar.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # A web process and a worker write at once: every transaction takes the
    # write lock when it begins (a read that later writes cannot deadlock),
    # a writer waits up to 20 s for the lock instead of failing at once, and
    # WAL lets readers go on while one process writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000"
        ),
        **DATABASES["default"].get("OPTIONS", {}),
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared by every process (rate limits live here). Redis in production, through
# Django's RedisCache made to answer as a miss while Redis is unreachable, its connections
# retried once when dropped (northstar.cache): pages render on while Redis is away.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}"),
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "northstar.cache.FailOpenRedisCache"

AUTH_USER_MODEL = "northstar.User"
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
# One rate-limited way to log in: Wagtail's admin and private-page logins and its
# password reset send the visitor to allauth's (see northstar/urls.py; the admin's
# own links still point at /admin/login/, which redirects with `next` kept).
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Error pages in the site layout (northstar/errors.py; handlers in northstar/urls.py).
CSRF_FAILURE_VIEW = "northstar.errors.csrf_failure"

# django-allauth: the email address is the login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_ADAPTER = "northstar.adapters.AccountAdapter"
# allauth's forms with typed text normalised (NFC, no control characters) as on every form.
ACCOUNT_FORMS = {
    name: f"northstar.account_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "reset_password": "ResetPasswordForm",
        "request_login_code": "RequestLoginCodeForm",
    }.items()
}
# Account email subjects carry no "[host]" prefix: the sender's name says who it is from.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}

# Trusted reverse proxies in front of the web processes: the client's address is the entry
# this many places from the right of X-Forwarded-For (northstar.ratelimit.client_ip), for every
# per-address limit, ours and allauth's (its adapter asks client_ip; its own setting agrees).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES

# Petitions: rate limits per visitor IP and per email address, per hour.
PETITION_SIGNS_PER_IP_PER_HOUR = env.int("PETITION_SIGNS_PER_IP_PER_HOUR", default=60)
PETITION_SIGNS_PER_EMAIL_PER_HOUR = env.int("PETITION_SIGNS_PER_EMAIL_PER_HOUR", default=10)
DONATION_STARTS_PER_IP_PER_HOUR = env.int("DONATION_STARTS_PER_IP_PER_HOUR", default=20)
# Card testing from many addresses with one email: checkouts started per donor email an hour.
DONATION_STARTS_PER_EMAIL_PER_HOUR = env.int("DONATION_STARTS_PER_EMAIL_PER_HOUR", default=10)
# Gifts to one fundraiser page within this many seconds go to its owner as one email.
GIFT_NOTICE_DELAY_SECONDS = env.int("GIFT_NOTICE_DELAY_SECONDS", default=300)
PETITION_CONFIRMATION_MAX_AGE_DAYS = 7

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# Static files: WhiteNoise serves them with hashed, compressed names. The
# hashed-name storage needs `collectstatic`; STATIC_MANIFEST=false turns it off
# for tests that render templates without collecting.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_root"
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_URL = "/media/"
# Uploads (images, delivery packets): the web processes and the workers must share it.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

if env.bool("STATIC_MANIFEST", default=not DEBUG):
    STATICFILES_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    STATICFILES_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"

if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    DEFAULT_FILE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    DEFAULT_FILE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": DEFAULT_FILE_BACKEND,
    "staticfiles": {"BACKEND": STATICFILES_BACKEND},
}

# Email: SendGrid through Anymail when a key is set, otherwise printed by the
# worker. EMAIL_BACKEND may name another backend (the tests capture to files).
SENDGRID_API_KEY = env.str("SENDGRID_API_KEY", default="")
ANYMAIL = {
    "SENDGRID_API_KEY": SENDGRID_API_KEY,
    "SENDGRID_API_URL": env.str("SENDGRID_API_URL", default="https://api.sendgrid.com/v3/"),
    # Seconds to wait for the provider (Anymail's own default); a timeout is retried.
    "REQUESTS_TIMEOUT": env.float("ANYMAIL_REQUESTS_TIMEOUT", default=30.0),
}
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "anymail.backends.sendgrid.EmailBackend"
        if SENDGRID_API_KEY
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
# Anymail 15 warns that it no longer officially supports SendGrid; DESIGN.md
# names SendGrid, the backend still works, and tests/site/test_email.py checks
# the payload it sends.
SILENCED_SYSTEM_CHECKS = ["anymail.W003"]
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="North Star <hello@northstar.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Stripe (the donations app); empty keys mean the local test checkout.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")

# Celery: Redis in production; with no CELERY_BROKER_URL, kombu's filesystem
# transport under var/ so that `make run` needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_TASK_ALWAYS_EAGER = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport, made safe for a reader racing a writer.
    CELERY_BROKER_TRANSPORT = "northstar.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "polling_interval": env.float("CELERY_POLLING_INTERVAL", default=0.1),
    }
else:
    if CELERY_BROKER_URL.startswith("redis://"):
        # kombu's Redis transport, made to survive a Redis that drops while the
        # worker holds an unacknowledged message (northstar/broker.py).
        CELERY_BROKER_TRANSPORT = "northstar.broker:RedisTransport"
    # A message not acknowledged within this many seconds goes back to the
    # queue; it must exceed the longest task (acks_late holds it till the end).
    # Each worker looks for such messages every CELERY_RESTORE_SWEEP_SECONDS.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": env.int("CELERY_RESTORE_SWEEP_SECONDS", default=60),
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# Beat's own state (when each periodic task last ran); its folder is created at start-up.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)
# Beat sends the worker a heartbeat task this often and records its own as it ticks;
# /healthz calls either stale after HEALTH_STALE_AFTER seconds without one (northstar.health).
HEARTBEAT_SECONDS = env.int("HEARTBEAT_SECONDS", default=30)
HEALTH_STALE_AFTER = env.int("HEALTH_STALE_AFTER", default=3 * HEARTBEAT_SECONDS)
CELERY_BEAT_SCHEDULE = {
    "record-worker-heartbeat": {
        "task": "northstar.tasks.record_worker_heartbeat",
        "schedule": float(HEARTBEAT_SECONDS),
        # A heartbeat that waited in the queue past its staleness says nothing: drop it.
        "options": {"expires": HEALTH_STALE_AFTER},
    },
    # Email whose task was lost: sent within a few minutes (OutboundEmail.LOST_AFTER).
    "requeue-stalled-email": {"task": "northstar.tasks.requeue_stalled_email", "schedule": 60.0},
    "queue-due-confirmations": {
        "task": "petitions.tasks.queue_due_confirmations",
        "schedule": 60.0,
    },
    "purge-unconfirmed-signatures": {
        "task": "petitions.tasks.purge_unconfirmed_signatures",
        "schedule": 3600.0,
    },
    "deliver-due-petitions": {"task": "petitions.tasks.deliver_due_petitions", "schedule": 900.0},
    "resume-stalled-deliveries": {
        "task": "petitions.tasks.resume_stalled_deliveries",
        "schedule": 300.0,
    },
    # "Someone gave to your page" notices whose queued task was lost.
    "send-overdue-gift-notices": {
        "task": "campaigns.tasks.send_overdue_gift_notices",
        "schedule": 300.0,
    },
    # Staff told once a day while payments wait for review (donations/review.py).
    "remind-staff-of-payments-to-review": {
        "task": "donations.tasks.remind_staff_of_payments_to_review",
        "schedule": 86400.0,
    },
    # Friends' addresses from "ask five friends", 30 days after their campaign's deadline.
    "erase-expired-invitations": {
        "task": "campaigns.tasks.erase_expired_invitations",
        "schedule": 86400.0,
    },
    # Test mode only (no Stripe key: Stripe bills): each monthly gift's due installment.
    "bill-monthly-gifts": {"task": "donations.tasks.bill_monthly_gifts", "schedule": 86400.0},
    # The person told of a gift in honour or memory: erased 30 days after the card.
    "erase-tribute-contacts": {
        "task": "donations.tasks.erase_tribute_contacts",
        "schedule": 86400.0,
    },
    # Each donor's statement of the year before (donations/statements.py), on January 2nd at
    # 09:00 in the organisation's zone (CELERY_TIMEZONE): the last night's gifts and
    # installments, whose webhooks may land after midnight, are in; not on New Year's Day;
    # in the morning, when a donor reads mail. A rerun sends nothing twice.
    "send-yearly-statements": {
        "task": "donations.tasks.send_yearly_statements",
        "schedule": crontab(minute=0, hour=9, day_of_month=2, month_of_year=1),
    },
}
# Crontab entries above read the organisation's clock (the intervals do not care).
CELERY_TIMEZONE = TIME_ZONE

WAGTAIL_SITE_NAME = "North Star"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Supporters and staff alike: the formats northstar/images.py re-encodes in kind, without
# metadata. Wagtail's default adds AVIF and GIF (cleaning would turn them into PNGs, an
# animated GIF into one frame); SVG, never enabled, can carry <metadata> and scripts.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
# Every image form refuses a damaged file with a message, not a 500: northstar/image_forms.py.
WAGTAILIMAGES_IMAGE_FORM_BASE = "northstar.image_forms.ImageForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Slugs are readable ASCII transliterations ("lukasz-idzie-dla-ocalalych"), as a supporter's
# page gets (northstar.text.readable_slug): the admin's slug field transliterates the title
# as staff type it, rather than keeping "łukasz" (a slug typed by hand may still be Unicode).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No request leaves the site, staff pages included: no avatars from gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# HTTPS: on by default outside DEBUG. A load balancer that terminates TLS sets
# X-Forwarded-Proto. HTTPS=false serves plain HTTP (tests, a local gunicorn).
HTTPS = env.bool("HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp; northstar/csp.py loosens it for Wagtail's
# admin only): the site's own scripts, styles and fonts, images from the site
# (and the media domain), no framing, forms posted only to the site and to
# Stripe Checkout and Stripe's customer portal (a monthly donor's "Update my card" redirects
# there) when Stripe is configured. No inline script or style.
_CSP_IMAGES = [SELF, "data:"]
if _MEDIA_DOMAIN := env.str("AWS_S3_CUSTOM_DOMAIN", default=""):
    _CSP_IMAGES.append(f"https://{_MEDIA_DOMAIN}")
_CSP_FORMS = [SELF]
if STRIPE_SECRET_KEY:
    _CSP_FORMS += ["https://checkout.stripe.com", "https://billing.stripe.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": _CSP_IMAGES,
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": _CSP_FORMS,
    },
}
SESSION_COOKIE_HTTPONLY = True

# Every line starts with its time in TIME_ZONE with the offset (northstar/logs.py); gunicorn
# (site/gunicorn.conf.py), the Celery worker and beat (northstar/celery.py) use this too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "northstar.logs.Formatter", "time_zone": TIME_ZONE}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # fpdf2 subsets fonts with fontTools, which logs every step at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# Embedded defaults with DEBUG off. Each is meant for `make run` and a demo: the
# local test checkout lets anyone complete a gift that counts, console mail
# prints every confirmation link to a log, SQLite and the filesystem broker hold
# one machine's state, local media is served only under DEBUG, and the
# development key signs sessions anyone can forge. With DEBUG off the site,
# its worker and beat refuse to start while any is in use, unless
# ALLOW_EMBEDDED_DEFAULTS=true says so (a demo); `check --deploy` names each in
# use either way (northstar/checks.py).
ALLOW_EMBEDDED_DEFAULTS = env.bool("ALLOW_EMBEDDED_DEFAULTS", default=False)
_STRIPE_VARIABLES = {
    "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
    "STRIPE_PUBLISHABLE_KEY": STRIPE_PUBLISHABLE_KEY,
    "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
}
_STRIPE_MISSING = [name for name, value in _STRIPE_VARIABLES.items() if not value]
_STRIPE_TO_SET = " and ".join(
    filter(None, [", ".join(_STRIPE_MISSING[:-1]), *_STRIPE_MISSING[-1:]])
)
# What runs in place of production, with the variables that replace it.
EMBEDDED_DEFAULTS_IN_USE = [
    description
    for in_use, description in [
        (
            _STRIPE_MISSING,
            ("the local test checkout" if not STRIPE_SECRET_KEY else "an incomplete Stripe set-up")
            + f" (set {_STRIPE_TO_SET})",
        ),
        (
            EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend",
            "console mail (set SENDGRID_API_KEY)",
        ),
        (
            DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
            "SQLite (set DATABASE_URL)",
        ),
        (
            CELERY_BROKER_URL.startswith("filesystem://"),
            "the filesystem broker (set CELERY_BROKER_URL)",
        ),
        (
            DEFAULT_FILE_BACKEND["BACKEND"] == "django.core.files.storage.FileSystemStorage",
            "local media (set AWS_STORAGE_BUCKET_NAME)",
        ),
        (
            SECRET_KEY.startswith("django-insecure-"),
            "the insecure development SECRET_KEY (set SECRET_KEY)",
        ),
    ]
    if in_use
]
if not DEBUG and not ALLOW_EMBEDDED_DEFAULTS and EMBEDDED_DEFAULTS_IN_USE:
    raise ImproperlyConfigured(
        "DEBUG is off, so these embedded defaults would run: "
        + ", ".join(EMBEDDED_DEFAULTS_IN_USE)
        + ". Set ALLOW_EMBEDDED_DEFAULTS=true to run them anyway (a demo)."
    )
