"""Encryption at rest and token hashing.

Free text is sealed with AES-256-GCM. Each value carries the number of the key that
sealed it (`v<n>:` prefix) so keys can be rotated, and is bound to its row and column
through the associated data, so a ciphertext moved to another row fails to open.
Not Fernet: a Fernet token carries its creation time in clear.

ENCRYPTION_KEYS is a comma-separated list of `<version>:<base64 32-byte key>`; the
highest version seals, every listed version opens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class KeyConfigError(ValueError):
    """ENCRYPTION_KEYS is malformed."""


class CannotOpen(ValueError):
    """The value was not sealed for this row and column, or its key is gone."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[int, bytes]

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        keys: dict[int, bytes] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            version, _, encoded = part.partition(":")
            try:
                number = int(version)
                key = base64.b64decode(encoded, validate=True)
            except (ValueError, binascii.Error) as exc:
                raise KeyConfigError(f"ENCRYPTION_KEYS entry {version!r} is not n:base64") from exc
            if len(key) != 32:
                raise KeyConfigError(f"ENCRYPTION_KEYS key {number} must be 32 bytes")
            keys[number] = key
        if not keys:
            raise KeyConfigError("ENCRYPTION_KEYS holds no key")
        return cls(keys)

    @property
    def current(self) -> int:
        return max(self.keys)

    def seal(self, plaintext: str, *, table: str, row_id: str, column: str) -> str:
        return self.seal_with(self.current, plaintext, table=table, row_id=row_id, column=column)

    def seal_with(self, version: int, plaintext: str, *, table: str, row_id: str, column: str) -> str:
        """Seal with one given key; only the start-up key check needs an older one."""
        nonce = os.urandom(NONCE_BYTES)
        aad = _associated(table, row_id, column)
        sealed = AESGCM(self.keys[version]).encrypt(nonce, plaintext.encode(), aad)
        return f"v{version}:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, value: str, *, table: str, row_id: str, column: str) -> str:
        version, _, body = value.partition(":")
        try:
            key = self.keys[int(version.removeprefix("v"))]
            raw = base64.urlsafe_b64decode(body)
            plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                        _associated(table, row_id, column))
        except (KeyError, ValueError, binascii.Error, InvalidTag) as exc:
            raise CannotOpen(f"cannot open {table}.{column} for this row") from exc
        return plain.decode()

    def needs_reseal(self, value: str) -> bool:
        return not value.startswith(f"v{self.current}:")


def _associated(table: str, row_id: str, column: str) -> bytes:
    return f"{table}\x1f{row_id}\x1f{column}".encode()


def generate_key_spec(version: int = 1) -> str:
    """A fresh `version:key` entry for ENCRYPTION_KEYS."""
    return f"{version}:" + base64.b64encode(secrets.token_bytes(32)).decode()


# Crockford's base32 in lower case: no i, l, o or u, so nothing reads as 1, 0 or v.
TOKEN_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # noqa: S105 (an alphabet, not a secret)
TOKEN_LENGTH = 28  # 140 bits; printed as seven groups of four
TOKEN_GROUP = 4
_LOOK_ALIKES = str.maketrans({"i": "1", "l": "1", "o": "0"})
_TOKEN_CHARS = frozenset(TOKEN_ALPHABET)


def new_token() -> str:
    """A one-time link token: 140 random bits in lower-case Crockford base32, no hyphens.

    Its digest is taken of this form; `printed_token` groups it for reading and
    `normalise_token` turns whatever the leaver typed back into it.
    """
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def printed_token(token: str) -> str:
    """`abcd-efgh-…` for a token of the current form; an older token as it is."""
    if normalise_token(token) != token:
        return token
    return "-".join(token[i:i + TOKEN_GROUP] for i in range(0, len(token), TOKEN_GROUP))


def normalise_token(typed: str) -> str | None:
    """The current-form token a person meant (any case, with or without hyphens or
    spaces, i/l read as 1 and o as 0), or None when it cannot be one."""
    plain = "".join(typed.split()).replace("-", "").lower().translate(_LOOK_ALIKES)
    if len(plain) != TOKEN_LENGTH or not _TOKEN_CHARS.issuperset(plain):
        return None
    return plain


def token_candidates(typed: str) -> list[str]:
    """The forms to look a typed token up by: as given (links issued before the
    Crockford alphabet, which are case-sensitive), and its current-form reading."""
    candidates = [typed]
    plain = normalise_token(typed)
    if plain is not None and plain != typed:
        candidates.append(plain)
    return candidates


def printed_link(url: str) -> str:
    """A link whose last part is a current-form token, with the token grouped."""
    base, slash, last = url.rpartition("/")
    return base + slash + printed_token(last) if slash else url


def token_digest(secret_key: str, token: str) -> str:
    """HMAC-SHA256 of a token: stored instead of the token, useless without the key."""
    return hmac.new(_token_key(secret_key), token.encode(), hashlib.sha256).hexdigest()


def _token_key(secret_key: str) -> bytes:
    return hashlib.sha256(b"invitation-token\x00" + secret_key.encode()).digest()
