"""AES-256-GCM for stored values, with length padding and a version byte.

A stored value is ``version(1) ‖ nonce(12) ‖ ciphertext ‖ tag(16)``. The
plaintext is padded before encryption so the ciphertext length tells little
about the value: short values go to power-of-two buckets (at least 32 bytes),
longer ones follow the Padmé scheme, which costs at most about 12 %.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CIPHERTEXT_VERSION = 1
NONCE_LENGTH = 12
TAG_LENGTH = 16
MIN_BUCKET = 32
_POWER_OF_TWO_LIMIT = 256
_PAD_MARK = b"\x80"
_BODY = 1 + NONCE_LENGTH
_MIN_BLOB = _BODY + TAG_LENGTH


class DecryptionFailed(Exception):
    """The value was altered, moved to another place, or encrypted under another key."""


def padded_length(length: int) -> int:
    """Length after padding for a plaintext of `length` bytes plus the pad mark."""
    needed = length + 1
    if needed <= MIN_BUCKET:
        return MIN_BUCKET
    if needed <= _POWER_OF_TWO_LIMIT:
        return 1 << (needed - 1).bit_length()
    exponent = needed.bit_length() - 1
    size_bits = exponent.bit_length()
    mask = (1 << (exponent - size_bits)) - 1
    return (needed + mask) & ~mask


def pad(plaintext: bytes) -> bytes:
    """ISO/IEC 7816-4 padding (0x80 then zeros) up to the bucket size."""
    target = padded_length(len(plaintext))
    return plaintext + _PAD_MARK + b"\x00" * (target - len(plaintext) - 1)


def unpad(padded: bytes) -> bytes:
    stripped = padded.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise DecryptionFailed("padding is damaged")
    return stripped[:-1]


class ValueCipher:
    """Encrypts and decrypts single values under one 256-bit key."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a value key is 32 bytes")
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes:
        nonce = os.urandom(NONCE_LENGTH)
        sealed = self._aead.encrypt(nonce, pad(plaintext), associated_data)
        return bytes((CIPHERTEXT_VERSION,)) + nonce + sealed

    def decrypt(self, blob: bytes, associated_data: bytes) -> bytes:
        # SQLite keeps whatever type a value was written with: a damaged or
        # meddled-with file can hand back a number or text where a BLOB belongs.
        if not isinstance(blob, bytes) or len(blob) < _MIN_BLOB or blob[0] != CIPHERTEXT_VERSION:
            raise DecryptionFailed("not a stored value of a known version")
        try:
            padded = self._aead.decrypt(blob[1:_BODY], blob[_BODY:], associated_data)
        except InvalidTag as error:
            raise DecryptionFailed("authentication failed") from error
        return unpad(padded)
