"""Argon2id key derivation with parameters calibrated on the machine that creates a vault."""

from __future__ import annotations

import math
import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

KEY_LENGTH = 32
SALT_LENGTH = 16

#: The floor for a real vault: below this Argon2id stops being memory-hard enough.
MIN_MEMORY_KIB = 64 * 1024
DEFAULT_MEMORY_KIB = 256 * 1024
MAX_MEMORY_KIB = 4 * 1024 * 1024
DEFAULT_LANES = 4
#: Unlocking should take about this long on the machine that created the vault.
TARGET_SECONDS = 0.7
MIN_SECONDS = 0.5
MAX_SECONDS = 1.0
MAX_ITERATIONS = 32


@dataclass(frozen=True)
class Argon2idParams:
    """Cost parameters of one Argon2id derivation; stored in the vault header."""

    memory_kib: int
    iterations: int
    lanes: int

    def validate(self) -> None:
        """Refuse parameters that Argon2id or a sane header would never carry."""
        if not 1 <= self.lanes <= 64:
            raise ValueError(f"Argon2id lanes out of range: {self.lanes}")
        if not 1 <= self.iterations <= 1000:
            raise ValueError(f"Argon2id iterations out of range: {self.iterations}")
        # Four times the default is the most any calibration here would choose; a
        # header asking for more is damaged, not a reason to allocate gigabytes.
        if not 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB:
            raise ValueError(f"Argon2id memory out of range: {self.memory_kib} KiB")


#: Cheap parameters that exist only so the test suite can create many vaults
#: quickly (KeePassXC's tests do the same). Never used by a real `init`.
FAST_TEST_PARAMS = Argon2idParams(memory_kib=1024, iterations=1, lanes=1)


def normalize_passphrase(passphrase: str) -> bytes:
    """The same passphrase typed on any keyboard or OS gives the same bytes (NFC)."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_salt() -> bytes:
    return os.urandom(SALT_LENGTH)


def derive_key(secret: bytes, salt: bytes, params: Argon2idParams) -> bytes:
    """Derive a 256-bit key; releases the GIL, so it can run in a worker thread."""
    params.validate()
    kdf = Argon2id(
        salt=salt,
        length=KEY_LENGTH,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(secret)


def _seconds(params: Argon2idParams, salt: bytes, clock: Callable[[], float]) -> float:
    started = clock()
    derive_key(b"calibration", salt, params)
    return max(clock() - started, 1e-6)


def calibrate(
    target_seconds: float = TARGET_SECONDS,
    memory_kib: int = DEFAULT_MEMORY_KIB,
    clock: Callable[[], float] = time.perf_counter,
) -> Argon2idParams:
    """Choose parameters so that one derivation takes about `target_seconds` here.

    Starts at `memory_kib` with one pass; if even that is too slow the memory is
    halved (never below MIN_MEMORY_KIB), otherwise passes are added until the
    target is reached. The first derivation of a process pays for mapping its
    memory, so each measurement is the faster of two.
    """
    memory = max(memory_kib, MIN_MEMORY_KIB)
    salt = new_salt()
    while True:
        params = Argon2idParams(memory_kib=memory, iterations=1, lanes=DEFAULT_LANES)
        one_pass = min(_seconds(params, salt, clock), _seconds(params, salt, clock))
        if one_pass <= MAX_SECONDS or memory <= MIN_MEMORY_KIB:
            break
        memory = max(memory // 2, MIN_MEMORY_KIB)
    # Passes cost about the same each, after a set-up cost (mapping the memory)
    # that varies from run to run: search for the count that lands in the window.
    iterations = max(1, min(MAX_ITERATIONS, math.floor(target_seconds / one_pass)))
    for _attempt in range(4):
        chosen = Argon2idParams(memory_kib=memory, iterations=iterations, lanes=DEFAULT_LANES)
        seconds = _seconds(chosen, salt, clock)
        if MIN_SECONDS <= seconds <= MAX_SECONDS:
            break
        scaled = max(1, min(MAX_ITERATIONS, round(iterations * target_seconds / seconds)))
        if scaled == iterations:
            break
        iterations = scaled
    return Argon2idParams(memory_kib=memory, iterations=iterations, lanes=DEFAULT_LANES)
