"""The recovery key: printed once, typed back years later, and every typo caught early."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.conftest import PASSPHRASE
from therapist_desk.crypto import kdf, recovery_key, vault_header
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.crypto.recovery_key import RecoveryKeyInvalid, format_key, parse_key
from therapist_desk.domain.records import ClientDetails
from therapist_desk.errors import InvalidInput, WrongPassphrase
from therapist_desk.records.clients import create_client, list_clients
from therapist_desk.vault import Secret, create_vault, unlock_vault
from therapist_desk.vault.paths import VaultPaths

#: Crockford's base32, the only characters a printed recovery key uses.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PRINTED_FORM = re.compile(rf"[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{7}}")


def _key_with_zeros_and_ones() -> bytes:
    """A fixed key whose printed form has both a 0 and a 1 (for the look-alike test)."""
    for seed in range(1000):
        key = hashlib.sha256(f"recovery {seed}".encode()).digest()[:16]
        if {"0", "1"} <= set(format_key(key)):
            return key
    raise AssertionError("no seed gives a key with both 0 and 1")


KEYS = {
    "all zero bits": bytes(16),
    "all one bits": b"\xff" * 16,
    "with 0 and 1": _key_with_zeros_and_ones(),
    "random": recovery_key.generate(),
}


def characters(key: bytes) -> str:
    return format_key(key).replace("-", "")


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
def test_the_printed_key_is_eight_groups_of_four_and_reads_back(key: bytes) -> None:
    printed = format_key(key)
    assert PRINTED_FORM.fullmatch(printed), printed
    assert parse_key(printed) == key


def test_typing_is_forgiving_about_case_spacing_and_look_alike_letters() -> None:
    key = KEYS["with 0 and 1"]
    printed = format_key(key)
    look_alikes = printed.replace("0", "O").replace("1", "l", 1).replace("1", "I")
    for typed in (
        printed.lower(),
        printed.replace("-", " "),
        printed.replace("-", ""),
        f"  {printed.replace('-', '  ')}\n",
        "\t".join(printed.lower().split("-")),
        look_alikes,
        look_alikes.lower(),
    ):
        assert parse_key(typed) == key, typed


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
def test_every_single_character_substitution_is_caught(key: bytes) -> None:
    """Exhaustive: each of the 32 positions, each of the 31 other characters."""
    original = characters(key)
    accepted = []
    tried = 0
    for position, current in enumerate(original):
        for replacement in ALPHABET.replace(current, ""):
            typed = original[:position] + replacement + original[position + 1 :]
            tried += 1
            try:
                parse_key(typed)
            except RecoveryKeyInvalid:
                continue
            accepted.append(typed)
    assert tried == 32 * 31
    assert accepted == []


@pytest.mark.parametrize("key", KEYS.values(), ids=KEYS.keys())
def test_every_swap_of_two_neighbouring_characters_is_caught(key: bytes) -> None:
    original = characters(key)
    accepted = []
    for position in range(len(original) - 1):
        first, second = original[position], original[position + 1]
        if first == second:
            continue  # swapping two equal characters changes nothing
        typed = original[:position] + second + first + original[position + 2 :]
        try:
            parse_key(typed)
        except RecoveryKeyInvalid:
            continue
        accepted.append(typed)
    assert accepted == []


def test_a_key_of_the_wrong_length_says_how_long_it_should_be() -> None:
    printed = format_key(KEYS["random"])
    with pytest.raises(RecoveryKeyInvalid, match=r"32 characters.*this one has 31"):
        parse_key(printed[:-1])
    with pytest.raises(RecoveryKeyInvalid, match="this one has 33"):
        parse_key(printed + "7")


def test_a_character_that_never_appears_in_a_key_is_named_with_its_position() -> None:
    typed = "U" + characters(KEYS["random"])[1:]
    with pytest.raises(RecoveryKeyInvalid, match=r"Character 1 \('U'\)"):
        parse_key(typed)


def test_the_recovery_key_unlocks_the_vault(vault_paths: VaultPaths) -> None:
    """A therapist who forgot the passphrase gets their records back."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    with created.vault as vault:
        create_client(vault, ClientDetails(legal_name="Amira Haddad"))
    typed = created.recovery_key.lower().replace("-", " ")
    with unlock_vault(vault_paths, Secret(recovery_key=typed)) as reopened:
        assert [c.details.legal_name for c in list_clients(reopened)] == ["Amira Haddad"]


def test_a_well_formed_recovery_key_of_another_vault_does_not_open_it(
    vault_paths: VaultPaths,
) -> None:
    create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS).vault.close()
    other = format_key(recovery_key.generate())
    with pytest.raises(WrongPassphrase, match="recovery key"):
        unlock_vault(vault_paths, Secret(recovery_key=other))


def forbid_key_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any key derivation from here on fails the test."""

    def forbidden(*_args: object) -> bytes:
        raise AssertionError("a key derivation ran")

    monkeypatch.setattr(kdf, "derive_key", forbidden)
    monkeypatch.setattr(vault_header, "slot_key_for_recovery", forbidden)


def test_a_mistyped_recovery_key_is_refused_before_any_key_derivation(
    vault_paths: VaultPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The typo is reported at once, without the wait of a key derivation."""
    created = create_vault(vault_paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    created.vault.close()
    printed = created.recovery_key
    wrong = ALPHABET[(ALPHABET.index(printed[0]) + 1) % 32]
    mistyped = wrong + printed[1:]
    forbid_key_derivation(monkeypatch)

    with pytest.raises(InvalidInput, match="typing mistake"):
        unlock_vault(vault_paths, Secret(recovery_key=mistyped))

    # The same call with the right key does reach the key derivation, so the
    # refusal above really came before it.
    with pytest.raises(AssertionError, match="a key derivation ran"):
        unlock_vault(vault_paths, Secret(recovery_key=printed))
