"""Altered or moved ciphertext is caught, named by its place, and harms nothing else.

Every test works on a fresh copy of one filled vault file (a record in every
table plus a small demo practice), changes stored bytes with plain SQL the way
disk damage or a meddling tool would, and checks what the therapist would see:
`verify` (check_vault) names exactly the damaged place, and every other record
still opens.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PASSPHRASE
from tests.db.populate import Filled, Place, all_rows, fill_every_table, read_everything
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.db.record_codec import sealed_columns, sealed_tables
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.records.clients import get_client, list_clients
from therapist_desk.vault import Secret, Vault, create_vault, unlock_vault
from therapist_desk.vault.check import Problem, check_vault
from therapist_desk.vault.paths import VaultPaths

SEALED_PLACES = [
    pytest.param(table.name, column, id=f"{table.name}.{column}")
    for table in sealed_tables()
    for column in sealed_columns(table)
]


@dataclass(frozen=True)
class Template:
    database: Path
    filled: Filled


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    paths = VaultPaths(tmp_path_factory.mktemp("template") / "vault")
    created = create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    with created.vault as vault:
        build_demo_practice(vault, DemoOptions(clients=3, years=0.3))
        filled = fill_every_table(vault)
    return Template(paths.database, filled)


@pytest.fixture
def vault_copy(template: Template, vault_paths: VaultPaths) -> Iterator[Vault]:
    """A private, unlocked copy of the template vault."""
    vault_paths.data_dir.mkdir(parents=True)
    shutil.copyfile(template.database, vault_paths.database)
    with unlock_vault(vault_paths, Secret(passphrase=PASSPHRASE)) as vault:
        yield vault


def read_blob(vault: Vault, table: str, column: str, row_id: str) -> bytes:
    with vault.engine.connect() as connection:
        blob = connection.execute(
            text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}
        ).scalar_one()
    assert isinstance(blob, bytes)
    return blob


def write_raw(vault: Vault, statement: str, **params: object) -> None:
    with vault.engine.begin() as connection:
        changed = connection.execute(text(statement), params).rowcount
    assert changed == 1, f"{statement!r} changed {changed} rows"


def write_blob(vault: Vault, table: str, column: str, row_id: str, blob: bytes) -> None:
    write_raw(vault, f"UPDATE {table} SET {column} = :blob WHERE id = :id", blob=blob, id=row_id)


def places(problems: list[Problem]) -> list[tuple[str | None, str | None, str | None]]:
    return [(problem.table, problem.column, problem.row_id) for problem in problems]


def flip(blob: bytes, position: int) -> bytes:
    return blob[:position] + bytes((blob[position] ^ 0xFF,)) + blob[position + 1 :]


def test_the_untouched_copy_passes_verify_and_reads_whole(vault_copy: Vault) -> None:
    """The baseline the other tests compare against: no problem, nothing damaged."""
    assert check_vault(vault_copy) == []
    read = read_everything(vault_copy)
    assert read.damaged == set()
    assert read.rows_read == all_rows(vault_copy)


@pytest.mark.parametrize(("table", "column"), SEALED_PLACES)
def test_one_flipped_byte_is_reported_by_place_and_everything_else_still_reads(
    vault_copy: Vault, template: Template, table: str, column: str
) -> None:
    """Verify names the one damaged value; the window still shows every record."""
    row_id = template.filled.row_in[table]
    place: Place = (table, column, row_id)
    original = read_blob(vault_copy, table, column, row_id)
    middle = len(original) // 2
    # The version byte, a byte of the encrypted body, and the last byte of the tag.
    for position in (0, middle, len(original) - 1):
        write_blob(vault_copy, table, column, row_id, flip(original, position))
        assert places(check_vault(vault_copy)) == [place], f"byte {position} flipped"
        if position == middle:
            read = read_everything(vault_copy)
            assert read.damaged == {place}
            assert read.rows_read == all_rows(vault_copy)
        write_blob(vault_copy, table, column, row_id, original)


COPIES = {
    "from another row": (
        "UPDATE clients SET legal_name = "
        "(SELECT legal_name FROM clients WHERE id = :other) WHERE id = :target"
    ),
    "from another column": "UPDATE clients SET legal_name = preferred_name WHERE id = :target",
    "from another table": (
        "UPDATE clients SET legal_name = "
        "(SELECT name FROM professionals WHERE id = :professional) WHERE id = :target"
    ),
}


@pytest.mark.parametrize("statement", COPIES.values(), ids=COPIES.keys())
def test_a_ciphertext_copied_into_another_place_is_reported_there_and_nowhere_else(
    vault_copy: Vault, template: Template, statement: str
) -> None:
    """A swapped-in name never shows as the client's name; the list still shows everyone."""
    filled = template.filled
    target, other = filled.first_client, filled.second_client
    clients_before = {client.id for client in list_clients(vault_copy)}
    with vault_copy.engine.begin() as connection:
        connection.execute(
            text(statement),
            {"target": target, "other": other, "professional": filled.row_in["professionals"]},
        )

    assert places(check_vault(vault_copy)) == [("clients", "legal_name", target)]
    clients = list_clients(vault_copy)
    assert {client.id for client in clients} == clients_before
    for client in clients:
        assert client.damaged == (("legal_name",) if client.id == target else ())
    damaged_client = get_client(vault_copy, target)
    assert damaged_client.details.legal_name == ""
    assert damaged_client.details.preferred_name == "Amira"
    assert get_client(vault_copy, other).details.legal_name == "Jonas Berg"


@pytest.mark.parametrize("stored", ["42", "4.5", "'not a ciphertext at all, just text'", "x''"])
def test_a_value_of_the_wrong_sqlite_type_is_reported_not_a_crash(
    vault_copy: Vault, template: Template, stored: str
) -> None:
    """SQLite keeps whatever type it is given; a number in a sealed column is damage too."""
    target = template.filled.first_client
    write_raw(vault_copy, f"UPDATE clients SET legal_name = {stored} WHERE id = :id", id=target)

    assert places(check_vault(vault_copy)) == [("clients", "legal_name", target)]
    read = read_everything(vault_copy)
    assert read.damaged == {("clients", "legal_name", target)}
    assert read.rows_read == all_rows(vault_copy)
