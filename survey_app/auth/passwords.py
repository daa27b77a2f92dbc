"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 1024  # long passphrases welcome; a bound keeps hashing cheap to refuse

# OWASP's argon2id minimum (m=19 MiB, t=2, p=1); raise with hardware, never lower.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when the password matches. Never raises on a wrong or malformed hash."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against for unknown users, so both paths cost the same."""
    return _hasher.hash("not-a-real-password-but-the-same-cost")


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Reasons a new password is refused; empty when it is acceptable."""
    from zxcvbn import zxcvbn  # imported late: loading its word lists takes a moment

    if len(password) < MIN_LENGTH:
        return [str(_l("Använd minst %(n)d tecken. En lösenfras med flera ord fungerar bra.",
                       n=MIN_LENGTH))]
    if len(password) > MAX_LENGTH:
        return [str(_l("Använd högst %(n)d tecken.", n=MAX_LENGTH))]
    result = zxcvbn(password[:72], user_inputs=[username] if username else [])
    if _is_common(result) or result["score"] < 3:
        return [str(_l("Lösenordet är för vanligt eller för lätt att gissa. "
                       "Prova några ord som inte hör ihop."))]
    return []


def _is_common(result: dict) -> bool:
    """True when zxcvbn matched the whole password to its common-password list."""
    for match in result.get("sequence", []):
        if match.get("dictionary_name") == "passwords" and match.get("token") == result["password"]:
            return True
    return False
