"""Settings: safe local defaults, every one overridable from the environment."""

from __future__ import annotations

import os
from pathlib import Path

DEV_SECRET = "dev-only-secret-do-not-use-in-production"  # noqa: S105
# A fixed, public development key: fine for demo data, refused in production.
DEV_ENCRYPTION_KEYS = "1:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE="

MIN_RESPONDENTS_FLOOR = 3


class ConfigError(RuntimeError):
    """Raised at start-up when the settings are unsafe or malformed."""


def _env_int(name: str, default: int | None) -> int | None:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short form."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def settings_from_environment(instance_path: str) -> dict:
    """Read every setting from the environment, with local-run defaults."""
    env = os.environ.get("APP_ENV", "development")
    default_db = "sqlite:///" + str(Path(instance_path) / "avgang.sqlite3")
    return {
        "APP_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET),
        "DATABASE_URL": normalise_database_url(os.environ.get("DATABASE_URL", default_db)),
        "ENCRYPTION_KEYS": os.environ.get("ENCRYPTION_KEYS", DEV_ENCRYPTION_KEYS),
        "TOKEN_HMAC_KEY": os.environ.get("TOKEN_HMAC_KEY", ""),
        "MIN_RESPONDENTS": _env_int("MIN_RESPONDENTS", 5),
        "MIN_COMMENT_GROUP": _env_int("MIN_COMMENT_GROUP", 10),
        "DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "sv"),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "HTTPS": _env_bool("HTTPS", env == "production"),
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_LIMIT_ACCOUNT": os.environ.get("LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_ADDRESS": os.environ.get("LOGIN_LIMIT_ADDRESS", "50 per 15 minutes"),
        "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _env_int("SESSION_ABSOLUTE_HOURS", 12),
        "INVITATION_VALID_DAYS": _env_int("INVITATION_VALID_DAYS", 60),
        # Responses for a quarter are taken until this many days after its end; its
        # results open the day after. Unset: INVITATION_VALID_DAYS (see derived_settings).
        "COLLECTION_DAYS": _env_int("COLLECTION_DAYS", None),
        "SQLITE_BUSY_TIMEOUT_MS": _env_int("SQLITE_BUSY_TIMEOUT_MS", 10000),
        # Each new response is rewritten among this many older ones of its quarter.
        "MIX_SAMPLE": _env_int("MIX_SAMPLE", 20),
        # Per address, in the rate-limit store only (never with a response).
        "OPEN_LINK_SUBMIT_LIMIT": os.environ.get("OPEN_LINK_SUBMIT_LIMIT", "30 per hour"),
        "OPEN_LINK_DRAFT_LIMIT": os.environ.get("OPEN_LINK_DRAFT_LIMIT", "100 per hour"),
        # Bytes in one request body (413 above it); file imports may send MAX_UPLOAD_LENGTH.
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 256 * 1024),
        "MAX_UPLOAD_LENGTH": _env_int("MAX_UPLOAD_LENGTH", 4 * 1024 * 1024),
        # Characters in any one form or query field (400 above it, the text not sent back).
        "MAX_FIELD_LENGTH": _env_int("MAX_FIELD_LENGTH", 10_000),
        "QUESTIONNAIRE_DIR": os.environ.get("QUESTIONNAIRE_DIR") or None,
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": _env_int("SMTP_PORT", 587),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_FROM": os.environ.get("SMTP_FROM", ""),
        "SMTP_STARTTLS": _env_bool("SMTP_STARTTLS", True),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
    }


def derived_settings(cfg: dict) -> dict:
    """Settings that follow from others (cookie flags, debug)."""
    https = bool(cfg["HTTPS"])
    collection_days = cfg.get("COLLECTION_DAYS")
    return {
        "COLLECTION_DAYS": (cfg["INVITATION_VALID_DAYS"] if collection_days is None
                            else collection_days),
        "DEBUG": cfg["APP_ENV"] == "development" and _env_bool("FLASK_DEBUG", False),
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
        "WTF_CSRF_SSL_STRICT": https,
        "BABEL_DEFAULT_LOCALE": cfg["DEFAULT_LOCALE"],
        "RATELIMIT_HEADERS_ENABLED": False,
    }


def check_settings(cfg: dict) -> None:
    """Refuse to start with settings that would be unsafe."""
    if cfg["MIN_RESPONDENTS"] < MIN_RESPONDENTS_FLOOR:
        raise ConfigError(
            f"MIN_RESPONDENTS is {cfg['MIN_RESPONDENTS']}; it may never be below "
            f"{MIN_RESPONDENTS_FLOOR}."
        )
    if cfg["MIN_COMMENT_GROUP"] < cfg["MIN_RESPONDENTS"]:
        raise ConfigError("MIN_COMMENT_GROUP may not be below MIN_RESPONDENTS.")
    days = cfg["COLLECTION_DAYS"]
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ConfigError(
            f"COLLECTION_DAYS must be a whole number of days, 0 or more, got {days!r} "
            "(responses for a quarter are taken until that many days after its end)."
        )
    if cfg["DEFAULT_LOCALE"] not in ("sv", "en"):
        raise ConfigError("DEFAULT_LOCALE must be 'sv' or 'en'.")
    if cfg["APP_ENV"] == "production":
        if cfg["SECRET_KEY"] == DEV_SECRET or len(cfg["SECRET_KEY"]) < 32:
            raise ConfigError("Set SECRET_KEY to a random value of at least 32 characters.")
        if cfg["ENCRYPTION_KEYS"] == DEV_ENCRYPTION_KEYS:
            raise ConfigError("Set ENCRYPTION_KEYS; the development key is public.")
        if cfg["DEBUG"]:
            raise ConfigError("Debug mode is never allowed in production.")
        if cfg["RATELIMIT_STORAGE_URI"].startswith("memory://"):
            raise ConfigError(
                "Set RATELIMIT_STORAGE_URI (for example redis://127.0.0.1:6379/0) so that "
                "sign-in limits hold across worker processes."
            )
