"""What a thief with the laptop sees: no names, no notes, and lengths that say little."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from therapist_desk.domain.records import ClientDetails, NoteContent, SessionDetails
from therapist_desk.domain.vocabulary import NoteFormat
from therapist_desk.records.clients import create_client
from therapist_desk.records.progress_notes import save_draft
from therapist_desk.records.psychotherapy_notes import save_psychotherapy_note
from therapist_desk.records.therapy_sessions import schedule_session
from therapist_desk.vault import Vault


def stored_legal_name(vault: Vault, client_id: str) -> bytes:
    with vault.engine.connect() as connection:
        blob = connection.execute(
            text("SELECT legal_name FROM clients WHERE id = :id"), {"id": client_id}
        ).scalar_one()
    assert isinstance(blob, bytes)
    return blob


def test_names_of_3_and_20_characters_are_stored_equally_long(vault: Vault) -> None:
    names = ["Ann", "Alexandria Whitfield", "A" * 40]
    assert [len(name) for name in names] == [3, 20, 40]
    short, longer, longest = (
        stored_legal_name(vault, create_client(vault, ClientDetails(legal_name=name)).id)
        for name in names
    )
    assert len(short) == len(longer)
    assert len(longest) > len(longer)


def test_two_clients_with_the_same_name_look_different_on_disk(vault: Vault) -> None:
    first = create_client(vault, ClientDetails(legal_name="Sam Taylor"))
    second = create_client(vault, ClientDetails(legal_name="Sam Taylor"))
    assert stored_legal_name(vault, first.id) != stored_legal_name(vault, second.id)


def files_of(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


def test_no_name_or_note_can_be_found_in_the_files_of_the_vault(vault: Vault) -> None:
    """Neither while the vault is open (write-ahead log included) nor after closing it."""
    secrets = ["Zephyrine Quackenbush", "nightmares about the flood", "felt protective of her"]
    client = create_client(vault, ClientDetails(legal_name=secrets[0]))
    yesterday = vault.now() - timedelta(days=1)
    booked = schedule_session(vault, yesterday, 50, SessionDetails(), [client.id])
    note = NoteContent(format=NoteFormat.FREE, sections={"note": secrets[1]})
    save_draft(vault, booked.id, note)
    save_psychotherapy_note(vault, client.id, secrets[2])

    for state in ("open", "closed"):
        if state == "closed":
            vault.close()
        on_disk = files_of(vault.paths.data_dir)
        for secret in secrets:
            for encoding in ("utf-8", "utf-16-le"):
                assert secret.encode(encoding) not in on_disk, (state, secret)
