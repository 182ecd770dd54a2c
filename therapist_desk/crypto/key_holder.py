"""Holds the unwrapped data key while the vault is unlocked, and the subkeys made from it."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from therapist_desk.crypto.value_cipher import ValueCipher


class VaultLocked(Exception):
    """A key was asked for after the vault was locked."""


def derive_subkey(data_key: bytes, purpose: str) -> bytes:
    """A separate key per purpose, so one key never serves two jobs."""
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"therapist-desk subkey|" + purpose.encode("ascii"),
    ).derive(data_key)


class KeyHolder:
    """The one place the data key lives in memory.

    Python cannot promise to wipe memory: dropping the key removes every
    reference this program holds, and the garbage collector reclaims the bytes
    in its own time. The threat model therefore excludes malware running while
    the vault is unlocked.
    """

    def __init__(self, data_key: bytes) -> None:
        self._data_key: bytes | None = data_key
        self._value_cipher: ValueCipher | None = ValueCipher(derive_subkey(data_key, "values"))

    @property
    def is_locked(self) -> bool:
        return self._data_key is None

    def data_key(self) -> bytes:
        if self._data_key is None:
            raise VaultLocked("the vault is locked")
        return self._data_key

    def value_cipher(self) -> ValueCipher:
        if self._value_cipher is None:
            raise VaultLocked("the vault is locked")
        return self._value_cipher

    def subkey(self, purpose: str) -> bytes:
        return derive_subkey(self.data_key(), purpose)

    def lock(self) -> None:
        self._data_key = None
        self._value_cipher = None
