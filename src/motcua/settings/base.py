"""Settings shared by every environment; everything that varies comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "crontask",
    "motcua.core",
    "motcua.workdays",
    "motcua.agencies",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
    "motcua.payments",
    "motcua.citizens",
    "motcua.notifications",
    "motcua.feedback",
    "motcua.documents",
    "motcua.metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.site",
            ],
        },
    },
]

# SQLite (WAL) is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A health check costs a round trip per request; after a database restart without it,
        # each web worker's first request fails once and its connection is replaced.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so concurrent writers queue instead of failing half-way with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"

# Vietnamese first; English available. Times stored in UTC, shown in Asia/Ho_Chi_Minh.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Files go through Django's storage API: a local folder unless an S3 bucket is configured.
if os.environ.get("S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "motcua <no-reply@localhost>")

# Background work: Django's task API on a database queue, shared by any number of workers.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CRONTASK = {}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "motcua",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# motcua's own settings.
MOTCUA_PROVINCE_NAME = os.environ.get("MOTCUA_PROVINCE_NAME", "Tỉnh Hà Tĩnh")
MOTCUA_MAX_SEARCH_LENGTH = 200
MOTCUA_MAX_UPLOAD_BYTES = int(os.environ.get("MOTCUA_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
# Working hours within which an online dossier must be accepted or sent back.
MOTCUA_ONLINE_ACCEPTANCE_HOURS = 8
# Working days after receipt within which the resolving agency may still ask for a supplement.
MOTCUA_SUPPLEMENT_REQUEST_DAYS = 3

# -- Citizens' accounts (portal sign-up, login, one-time codes, national identity provider) ------
# One-time codes: how long one stays valid, how many wrong tries it takes, when a new one may be sent.
MOTCUA_CODE_TTL_SECONDS = int(os.environ.get("MOTCUA_CODE_TTL_SECONDS", "300"))
MOTCUA_CODE_MAX_ATTEMPTS = 5
MOTCUA_CODE_RESEND_SECONDS = 60
# A device that passed a code is trusted this many days (no code asked at login); 0 turns it off.
MOTCUA_TRUSTED_DEVICE_DAYS = int(os.environ.get("MOTCUA_TRUSTED_DEVICE_DAYS", "30"))
# Rate limits through the cache (shared by every web node when the cache is Redis or Memcached):
# name → (how many, per how many seconds).
MOTCUA_RATE_LIMITS = {
    "login_identifier": (5, 15 * 60),  # failed logins per phone or e-mail
    "login_ip": (30, 15 * 60),  # failed logins per IP address
    "code_attempt_ip": (30, 15 * 60),  # wrong codes per IP address
    "code_send_destination": (5, 60 * 60),  # codes sent to one phone or e-mail
    "code_send_ip": (20, 60 * 60),  # codes sent on behalf of one IP address
    "sign_up_ip": (10, 60 * 60),  # sign-ups started from one IP address
}
# The national identity provider (OpenID Connect). The login button shows only when the issuer
# and the client id are set.
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "")
MOTCUA_OIDC_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
MOTCUA_OIDC_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
MOTCUA_OIDC_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile email phone address")
# "client_secret_basic" (HTTP Basic) or "client_secret_post" (in the form).
MOTCUA_OIDC_TOKEN_AUTH = os.environ.get("MOTCUA_OIDC_TOKEN_AUTH", "client_secret_basic")
MOTCUA_OIDC_BUTTON_LABEL = os.environ.get(
    "MOTCUA_OIDC_BUTTON_LABEL", "Đăng nhập bằng tài khoản định danh điện tử (VNeID)"
)
# Names of the non-standard claims: the citizen ID number and the organisations represented.
MOTCUA_OIDC_CLAIM_ID_NUMBER = os.environ.get("MOTCUA_OIDC_CLAIM_ID_NUMBER", "citizen_id")
MOTCUA_OIDC_CLAIM_ORGANISATIONS = os.environ.get("MOTCUA_OIDC_CLAIM_ORGANISATIONS", "organizations")
MOTCUA_OIDC_TIMEOUT = float(os.environ.get("MOTCUA_OIDC_TIMEOUT", "10"))

# -- Portal: following dossiers, public look-up, ratings ------------------------------------------
# The portal's public address, printed on slips (the look-up QR code points to it).
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://localhost:8000")
# Public look-up: attempts per client IP address per window, and wrong code/secret pairs allowed per
# IP per window (counted through the cache: use a shared cache such as Redis with several servers).
MOTCUA_LOOKUP_LIMIT = int(os.environ.get("MOTCUA_LOOKUP_LIMIT", "60"))
MOTCUA_LOOKUP_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOOKUP_FAILURE_LIMIT", "10"))
MOTCUA_LOOKUP_WINDOW_SECONDS = int(os.environ.get("MOTCUA_LOOKUP_WINDOW_SECONDS", "600"))
# The cache (a key of CACHES) that counts look-up attempts.
MOTCUA_LOOKUP_CACHE = os.environ.get("MOTCUA_LOOKUP_CACHE", "default")
# How often a follower's dossier page refreshes its timeline (seconds).
MOTCUA_TIMELINE_POLL_SECONDS = 20

# -- Messages to applicants (notifications) ---------------------------------------------------------
# SMS through eSMS.vn's brandname API; the demo points it at the local simulator.
ESMS_URL = os.environ.get("ESMS_URL", "http://127.0.0.1:8781")
ESMS_API_KEY = os.environ.get("ESMS_API_KEY", "")
ESMS_SECRET_KEY = os.environ.get("ESMS_SECRET_KEY", "")
ESMS_BRANDNAME = os.environ.get("ESMS_BRANDNAME", "MOTCUA")
ESMS_SMS_TYPE = os.environ.get("ESMS_SMS_TYPE", "2")
# SMS with Vietnamese accents (Unicode, 70 characters a part) or without (160 a part).
NOTIFICATIONS_SMS_UNICODE = env_bool("NOTIFICATIONS_SMS_UNICODE")
NOTIFICATIONS_SMS_MAX_SEGMENTS = int(os.environ.get("NOTIFICATIONS_SMS_MAX_SEGMENTS", "3"))
# The secret in the delivery-report URL given to the gateway (required with a real gateway).
NOTIFICATIONS_CALLBACK_TOKEN = os.environ.get("NOTIFICATIONS_CALLBACK_TOKEN", "")
# motcua's public address, for links in messages and the gateway's callback.
MOTCUA_SITE_URL = os.environ.get("MOTCUA_SITE_URL", "http://localhost:8000")
# Minutes before each retry of a message that could not be sent; after the last, it has failed.
NOTIFICATIONS_RETRY_MINUTES = os.environ.get("NOTIFICATIONS_RETRY_MINUTES", "1,5,15,60")
MAILERS["default"]["OPTIONS"].setdefault("timeout", int(os.environ.get("EMAIL_TIMEOUT", "20")))

# -- Digital signatures and electronic results ------------------------------------------------------
# The font of the visible signature stamp (TrueType, with Vietnamese letters).
MOTCUA_SIGNATURE_FONT = os.environ.get("MOTCUA_SIGNATURE_FONT", "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
# Root certificates (PEM files, separated by ":") that signatures must chain to; the admin adds
# more as "Trusted root certificates". The demo's root is added by `make_demo_signing_keys`.
MOTCUA_TRUSTED_ROOTS = [p for p in os.environ.get("MOTCUA_TRUSTED_ROOTS", "").split(":") if p]
# Where `make_demo_signing_keys` writes the demo CA and keys (never committed).
MOTCUA_DEMO_KEYS_DIR = Path(os.environ.get("MOTCUA_DEMO_KEYS_DIR", VAR_DIR / "signing"))
# Public verification: the largest PDF accepted (bytes) and verifications per client IP per window.
MOTCUA_VERIFY_MAX_BYTES = int(os.environ.get("MOTCUA_VERIFY_MAX_BYTES", str(20 * 1024 * 1024)))
MOTCUA_VERIFY_LIMIT = int(os.environ.get("MOTCUA_VERIFY_LIMIT", "30"))
MOTCUA_VERIFY_WINDOW_SECONDS = int(os.environ.get("MOTCUA_VERIFY_WINDOW_SECONDS", "600"))
# -- end of digital signatures ----------------------------------------------------------------------

# -- Digitization at reception (scanned components, OCR) -------------------------------------------
# The OCR program and the rasteriser of PDF pages (poppler-utils), by name on PATH or full path.
MOTCUA_TESSERACT = os.environ.get("MOTCUA_TESSERACT", "tesseract")
MOTCUA_PDFTOPPM = os.environ.get("MOTCUA_PDFTOPPM", "pdftoppm")
MOTCUA_OCR_LANGUAGE = os.environ.get("MOTCUA_OCR_LANGUAGE", "vie")
MOTCUA_OCR_DPI = int(os.environ.get("MOTCUA_OCR_DPI", "300"))
MOTCUA_OCR_TIMEOUT = float(os.environ.get("MOTCUA_OCR_TIMEOUT", "120"))  # seconds a page
# A job without progress for this long (worker stopped) may be started again by the officer.
MOTCUA_OCR_STALLED_MINUTES = int(os.environ.get("MOTCUA_OCR_STALLED_MINUTES", "15"))
# Limits of one component's scan: pages, bytes a file, bytes in all, pixels a page image.
MOTCUA_SCAN_MAX_PAGES = int(os.environ.get("MOTCUA_SCAN_MAX_PAGES", "60"))
MOTCUA_SCAN_MAX_FILE_BYTES = int(os.environ.get("MOTCUA_SCAN_MAX_FILE_BYTES", str(20 * 1024 * 1024)))
MOTCUA_SCAN_MAX_TOTAL_BYTES = int(os.environ.get("MOTCUA_SCAN_MAX_TOTAL_BYTES", str(100 * 1024 * 1024)))
MOTCUA_SCAN_MAX_PIXELS = int(os.environ.get("MOTCUA_SCAN_MAX_PIXELS", str(50_000_000)))  # A3 at 600 dpi
# How often the digitization page asks for OCR progress (seconds).
MOTCUA_OCR_POLL_SECONDS = 2

# -- Feedback and recommendations (phản ánh, kiến nghị) --------------------------------------------
# Working days for each step: reject, forward to the competent agency, ask for more, answer, publish.
MOTCUA_FEEDBACK_DAYS = {
    "reject": int(os.environ.get("MOTCUA_FEEDBACK_REJECT_DAYS", "2")),
    "forward": int(os.environ.get("MOTCUA_FEEDBACK_FORWARD_DAYS", "5")),
    "more": int(os.environ.get("MOTCUA_FEEDBACK_MORE_DAYS", "5")),
    "answer": int(os.environ.get("MOTCUA_FEEDBACK_ANSWER_DAYS", "15")),
    "publish": int(os.environ.get("MOTCUA_FEEDBACK_PUBLISH_DAYS", "2")),
}
# Working days after the answer during which the sender may reopen it (once).
MOTCUA_FEEDBACK_REOPEN_DAYS = int(os.environ.get("MOTCUA_FEEDBACK_REOPEN_DAYS", "10"))
# Items sent from one client IP per window (portal and suggestion box), and the window (seconds).
MOTCUA_FEEDBACK_LIMIT = int(os.environ.get("MOTCUA_FEEDBACK_LIMIT", "5"))
MOTCUA_FEEDBACK_WINDOW_SECONDS = int(os.environ.get("MOTCUA_FEEDBACK_WINDOW_SECONDS", "3600"))
MOTCUA_FEEDBACK_CACHE = os.environ.get("MOTCUA_FEEDBACK_CACHE", "default")
# How long an anonymous sender's challenge stays valid (seconds); attachments per item.
MOTCUA_FEEDBACK_CHALLENGE_SECONDS = int(os.environ.get("MOTCUA_FEEDBACK_CHALLENGE_SECONDS", "1800"))
MOTCUA_FEEDBACK_MAX_FILES = int(os.environ.get("MOTCUA_FEEDBACK_MAX_FILES", "3"))
MOTCUA_FEEDBACK_MAX_FILE_BYTES = int(os.environ.get("MOTCUA_FEEDBACK_MAX_FILE_BYTES", str(5 * 1024 * 1024)))
# -- end of feedback and recommendations -----------------------------------------------------------

# -- Document store and data warehouse (kho dữ liệu) -------------------------------------------------
# The integrity check reads again, every hour, this many stored files not checked for so many days.
MOTCUA_BLOB_CHECK_DAYS = int(os.environ.get("MOTCUA_BLOB_CHECK_DAYS", "7"))
MOTCUA_BLOB_CHECK_BATCH = int(os.environ.get("MOTCUA_BLOB_CHECK_BATCH", "200"))
# -- end of document store and data warehouse --------------------------------------------------------
