"""AES-256-GCM for single values: what goes in comes out, and nothing else does.

Lengths of stored values leak only their padding bucket, so a name of 3
letters and one of 20 look the same on disk.
"""

from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from therapist_desk.crypto.value_cipher import (
    DecryptionFailed,
    ValueCipher,
    pad,
    padded_length,
    unpad,
)

#: version byte + nonce + GCM tag around the padded plaintext.
OVERHEAD = 1 + 12 + 16
KEY = bytes(range(32))
PLACE = b"td1|clients|legal_name|row-1"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=5000))
def test_unpad_gives_back_exactly_what_was_padded(plaintext: bytes) -> None:
    padded = pad(plaintext)
    assert len(padded) == padded_length(len(plaintext))
    assert unpad(padded) == plaintext


@pytest.mark.parametrize(
    "plaintext", [b"", b"\x00", b"\x80", b"ends in zeros\x00\x00", b"\x80\x00"]
)
def test_padding_keeps_trailing_zero_and_marker_bytes(plaintext: bytes) -> None:
    """A value that itself ends in 0x00 or 0x80 must not lose its last bytes."""
    assert unpad(pad(plaintext)) == plaintext


@pytest.mark.parametrize("damaged", [b"", bytes(32), b"no marker" + bytes(23)])
def test_damaged_padding_is_refused(damaged: bytes) -> None:
    with pytest.raises(DecryptionFailed, match="padding"):
        unpad(damaged)


def test_padded_length_never_shrinks_as_values_grow() -> None:
    lengths = [padded_length(n) for n in range(70_000)]
    assert all(a <= b for a, b in itertools.pairwise(lengths))
    assert all(padded >= n + 1 for n, padded in enumerate(lengths))


def test_padding_costs_at_most_an_eighth_above_256_bytes() -> None:
    sizes = [*range(256, 70_000), *(2**k + d for k in range(17, 27) for d in (-1, 0, 1, 12345))]
    worst = max((padded_length(n) - n) / n for n in sizes)
    assert worst <= 0.125


def test_short_values_fall_into_few_buckets() -> None:
    """Up to 255 bytes only four lengths exist: 32, 64, 128 and 256."""
    assert {padded_length(n) for n in range(256)} == {32, 64, 128, 256}


@settings(max_examples=100, deadline=None)
@given(plaintext=st.binary(max_size=3000), place=st.binary(max_size=100))
def test_a_value_decrypts_to_itself_in_its_own_place(plaintext: bytes, place: bytes) -> None:
    cipher = ValueCipher(KEY)
    blob = cipher.encrypt(plaintext, place)
    assert len(blob) == OVERHEAD + padded_length(len(plaintext))
    assert cipher.decrypt(blob, place) == plaintext


@settings(max_examples=50, deadline=None)
@given(
    plaintext=st.binary(max_size=300), place=st.binary(max_size=60), other=st.binary(max_size=60)
)
def test_a_value_does_not_decrypt_in_another_place(
    plaintext: bytes, place: bytes, other: bytes
) -> None:
    assume(other != place)
    cipher = ValueCipher(KEY)
    blob = cipher.encrypt(plaintext, place)
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(blob, other)


def test_a_value_does_not_decrypt_under_another_key() -> None:
    blob = ValueCipher(KEY).encrypt(b"Amira Haddad", PLACE)
    with pytest.raises(DecryptionFailed):
        ValueCipher(os.urandom(32)).decrypt(blob, PLACE)


def test_every_single_flipped_byte_of_a_stored_value_is_refused() -> None:
    """Any byte of version, nonce, ciphertext or tag, flipped in any bit pattern tried."""
    cipher = ValueCipher(KEY)
    blob = cipher.encrypt(b"Amira Haddad", PLACE)
    accepted = []
    for position in range(len(blob)):
        for mask in (0x01, 0x80, 0xFF):
            flipped = bytearray(blob)
            flipped[position] ^= mask
            try:
                cipher.decrypt(bytes(flipped), PLACE)
            except DecryptionFailed:
                continue
            accepted.append((position, mask))
    assert accepted == []


@pytest.mark.parametrize("cut", [0, 1, 13, 28, 29, 60])
def test_a_cut_short_value_is_refused(cut: int) -> None:
    blob = ValueCipher(KEY).encrypt(b"Amira Haddad", PLACE)
    with pytest.raises(DecryptionFailed):
        ValueCipher(KEY).decrypt(blob[:cut], PLACE)


def test_lengths_depend_only_on_the_bucket() -> None:
    """Names of 3 and 20 characters are stored equally long; 40 characters are longer."""
    cipher = ValueCipher(KEY)
    short, longer, longest = (cipher.encrypt(b"x" * n, PLACE) for n in (3, 20, 40))
    assert len(short) == len(longer)
    assert len(longest) > len(longer)


def test_the_same_value_encrypted_twice_looks_different() -> None:
    """An onlooker cannot tell that two clients share a surname."""
    cipher = ValueCipher(KEY)
    first, second = (cipher.encrypt(b"Haddad", PLACE) for _ in range(2))
    assert first != second
    assert cipher.decrypt(first, PLACE) == cipher.decrypt(second, PLACE) == b"Haddad"


@pytest.mark.parametrize("length", [0, 16, 31, 33])
def test_a_key_that_is_not_256_bits_is_refused(length: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ValueCipher(bytes(length))
