"""The vault header: format version, key-derivation parameters, salts and key slots.

The data key (DEK) that encrypts every value is stored only wrapped, once per
slot: under a key derived from the passphrase (Argon2id) and under a key derived
from the recovery key (HKDF; the recovery key is 128 random bits, so a slow KDF
adds nothing). The whole header carries a plain SHA-256, so damage is told
apart from a wrong passphrase: if the checksum holds and a slot will not open,
the secret was wrong. Each slot's wrapping binds the vault id and the slot's own
parameters as associated data, so a slot copied from another vault, or with
altered parameters, will not open either.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from therapist_desk.crypto import kdf

HEADER_FORMAT = "therapist-desk-vault/1"
DATA_KEY_LENGTH = 32
PASSPHRASE_SLOT = "passphrase"
RECOVERY_SLOT = "recovery"
_NONCE_LENGTH = 12


class HeaderDamaged(Exception):
    """The header cannot be read, or its checksum does not match its content."""


class SlotWontOpen(Exception):
    """The secret given does not open this slot (with an intact header: a wrong secret)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise HeaderDamaged(f"{what} is missing")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as error:
        raise HeaderDamaged(f"{what} is not valid base64") from error


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class KeySlot:
    """One wrapped copy of the data key and how to derive the key that unwraps it."""

    kdf_name: str  # "argon2id" or "hkdf-sha256"
    salt: bytes
    nonce: bytes
    wrapped_key: bytes
    argon2: kdf.Argon2idParams | None = None

    def parameters(self) -> dict[str, Any]:
        """Everything about the slot except its ciphertext: the slot's associated data."""
        params: dict[str, Any] = {"kdf": self.kdf_name, "salt": _b64(self.salt)}
        if self.argon2 is not None:
            params.update(
                memory_kib=self.argon2.memory_kib,
                iterations=self.argon2.iterations,
                lanes=self.argon2.lanes,
            )
        return params

    def to_json(self) -> dict[str, Any]:
        return {
            **self.parameters(),
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped_key),
        }

    @classmethod
    def from_json(cls, data: object, name: str) -> KeySlot:
        if not isinstance(data, dict):
            raise HeaderDamaged(f"key slot {name!r} is missing")
        kdf_name = data.get("kdf")
        argon2: kdf.Argon2idParams | None = None
        if kdf_name == "argon2id":
            try:
                argon2 = kdf.Argon2idParams(
                    memory_kib=int(data["memory_kib"]),
                    iterations=int(data["iterations"]),
                    lanes=int(data["lanes"]),
                )
                argon2.validate()
            except (KeyError, TypeError, ValueError) as error:
                raise HeaderDamaged(
                    f"key slot {name!r} has unusable Argon2id parameters"
                ) from error
        elif kdf_name != "hkdf-sha256":
            raise HeaderDamaged(f"key slot {name!r} names an unknown key derivation")
        return cls(
            kdf_name=kdf_name,
            salt=_unb64(data.get("salt"), f"{name} salt"),
            nonce=_unb64(data.get("nonce"), f"{name} nonce"),
            wrapped_key=_unb64(data.get("wrapped_key"), f"{name} wrapped key"),
            argon2=argon2,
        )


@dataclass(frozen=True)
class VaultHeader:
    """The parsed header; immutable, changed by building a new one."""

    vault_id: str
    slots: dict[str, KeySlot] = field(default_factory=dict)
    format: str = HEADER_FORMAT

    def _body(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "vault_id": self.vault_id,
            "slots": {name: slot.to_json() for name, slot in sorted(self.slots.items())},
        }

    def to_bytes(self) -> bytes:
        body = self._body()
        body["checksum"] = hashlib.sha256(_canonical(body)).hexdigest()
        return _canonical(body)

    @classmethod
    def from_bytes(cls, raw: bytes) -> VaultHeader:
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise HeaderDamaged("the vault header is not readable") from error
        if not isinstance(document, dict):
            raise HeaderDamaged("the vault header is not readable")
        checksum = document.pop("checksum", None)
        if checksum != hashlib.sha256(_canonical(document)).hexdigest():
            raise HeaderDamaged("the vault header's checksum does not match its content")
        if document.get("format") != HEADER_FORMAT:
            raise HeaderDamaged(f"unknown vault header format {document.get('format')!r}")
        slots_data = document.get("slots")
        vault_id = document.get("vault_id")
        if not isinstance(slots_data, dict) or not isinstance(vault_id, str):
            raise HeaderDamaged("the vault header is incomplete")
        slots = {name: KeySlot.from_json(data, name) for name, data in slots_data.items()}
        for required in (PASSPHRASE_SLOT, RECOVERY_SLOT):
            if required not in slots:
                raise HeaderDamaged(f"the vault header has no {required} slot")
        return cls(vault_id=vault_id, slots=slots)

    def with_slot(self, name: str, slot: KeySlot) -> VaultHeader:
        return replace(self, slots={**self.slots, name: slot})

    def slot_associated_data(self, name: str, slot: KeySlot) -> bytes:
        return b"therapist-desk keyslot|" + _canonical(
            {
                "format": self.format,
                "vault_id": self.vault_id,
                "slot": name,
                **slot.parameters(),
            }
        )


def _recovery_kek(recovery_key: bytes, salt: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=salt,
        info=b"therapist-desk recovery slot",
    ).derive(recovery_key)


def slot_key_for_passphrase(passphrase: str, slot: KeySlot) -> bytes:
    """The key-encryption key for a passphrase slot (the slow step of unlocking)."""
    if slot.argon2 is None:
        raise HeaderDamaged("the passphrase slot has no Argon2id parameters")
    return kdf.derive_key(kdf.normalize_passphrase(passphrase), slot.salt, slot.argon2)


def slot_key_for_recovery(recovery_key: bytes, slot: KeySlot) -> bytes:
    return _recovery_kek(recovery_key, slot.salt)


def new_passphrase_slot(
    header: VaultHeader, data_key: bytes, passphrase: str, params: kdf.Argon2idParams
) -> KeySlot:
    blank = KeySlot("argon2id", kdf.new_salt(), os.urandom(_NONCE_LENGTH), b"", params)
    kek = slot_key_for_passphrase(passphrase, blank)
    return _wrap(header, PASSPHRASE_SLOT, blank, kek, data_key)


def new_recovery_slot(header: VaultHeader, data_key: bytes, recovery_key: bytes) -> KeySlot:
    blank = KeySlot("hkdf-sha256", kdf.new_salt(), os.urandom(_NONCE_LENGTH), b"")
    kek = slot_key_for_recovery(recovery_key, blank)
    return _wrap(header, RECOVERY_SLOT, blank, kek, data_key)


def _wrap(header: VaultHeader, name: str, blank: KeySlot, kek: bytes, data_key: bytes) -> KeySlot:
    wrapped = AESGCM(kek).encrypt(blank.nonce, data_key, header.slot_associated_data(name, blank))
    return replace(blank, wrapped_key=wrapped)


def open_slot(header: VaultHeader, name: str, kek: bytes) -> bytes:
    """Unwrap the data key from slot `name` with a derived key-encryption key."""
    slot = header.slots[name]
    try:
        data_key = AESGCM(kek).decrypt(
            slot.nonce, slot.wrapped_key, header.slot_associated_data(name, slot)
        )
    except InvalidTag as error:
        raise SlotWontOpen(name) from error
    if len(data_key) != DATA_KEY_LENGTH:
        raise HeaderDamaged(f"the {name} slot holds a key of the wrong length")
    return data_key


def new_header() -> VaultHeader:
    return VaultHeader(vault_id=str(uuid.uuid4()))


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_LENGTH)
