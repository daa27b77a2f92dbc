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


def new_token() -> str:
    """A one-time link token: 128 bits, URL-safe, short enough for a QR code."""
    return secrets.token_urlsafe(16)


def token_digest(secret_key: str, token: str) -> str:
    """HMAC-SHA256 of a token: stored instead of the token, useless without the key."""
    return hmac.new(_token_key(secret_key), token.encode(), hashlib.sha256).hexdigest()


def _token_key(secret_key: str) -> bytes:
    return hashlib.sha256(b"invitation-token\x00" + secret_key.encode()).digest()
