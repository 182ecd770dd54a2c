"""The recovery key: 128 random bits shown once, grouped and checksummed.

The 16 key bytes and a CRC-32 of them are written as 32 characters of
Crockford's base32 in eight groups of four (``7K3M-Q9TX-…``). CRC-32 detects
every error burst of up to 32 bits, so any single mistyped character is caught
before a key derivation is attempted. Input is forgiving: case, spaces and
hyphens are ignored, and the letters Crockford reserves for look-alikes are
read as the digits they resemble (O as 0, I and L as 1).
"""

from __future__ import annotations

import os
import zlib

KEY_BYTES = 16
_CHECKSUM_BYTES = 4
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {char: value for value, char in enumerate(_ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})
_CHARACTERS = (KEY_BYTES + _CHECKSUM_BYTES) * 8 // 5
GROUP_SIZE = 4


class RecoveryKeyInvalid(ValueError):
    """The text typed is not a recovery key (wrong length, character or checksum)."""


def generate() -> bytes:
    return os.urandom(KEY_BYTES)


def _checksum(key: bytes) -> bytes:
    return zlib.crc32(key).to_bytes(_CHECKSUM_BYTES, "big")


def format_key(key: bytes) -> str:
    """The printable, grouped form of a recovery key."""
    if len(key) != KEY_BYTES:
        raise ValueError("a recovery key is 16 bytes")
    number = int.from_bytes(key + _checksum(key), "big")
    chars = [_ALPHABET[(number >> (5 * index)) & 31] for index in reversed(range(_CHARACTERS))]
    text = "".join(chars)
    return "-".join(text[i : i + GROUP_SIZE] for i in range(0, _CHARACTERS, GROUP_SIZE))


def parse_key(text: str) -> bytes:
    """Read a typed recovery key; raises RecoveryKeyInvalid with a helpful message."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\r\n")
    if len(cleaned) != _CHARACTERS:
        raise RecoveryKeyInvalid(
            f"A recovery key has {_CHARACTERS} characters (8 groups of 4); "
            f"this one has {len(cleaned)}."
        )
    number = 0
    for position, char in enumerate(cleaned, start=1):
        value = _DECODE.get(char)
        if value is None:
            raise RecoveryKeyInvalid(
                f"Character {position} ({char!r}) cannot appear in a recovery key."
            )
        number = (number << 5) | value
    raw = number.to_bytes(KEY_BYTES + _CHECKSUM_BYTES, "big")
    key, checksum = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if _checksum(key) != checksum:
        raise RecoveryKeyInvalid(
            "This recovery key contains a typing mistake; check each group against the printed key."
        )
    return key
