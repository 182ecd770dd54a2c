"""Export, import into a new vault, export again: the same records."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from tests.system.conftest import DemoVault
from tests.system.helpers import (
    JsonObject,
    file_digests,
    make_vault,
    open_vault,
    run_cli,
    without_export_time,
)
from therapist_desk.errors import ExitStatus
from therapist_desk.psychotherapy_notes import save_psychotherapy_note

PROCESS_NOTE = "Countertransference: I felt protective today; bring to supervision."


def _export(data_dir: Path, *options: str) -> JsonObject:
    result = run_cli("export", *options, "--data-dir", data_dir, "--passphrase-stdin")
    assert result.returncode == ExitStatus.OK, result.stderr
    document: JsonObject = json.loads(result.stdout)
    return document


def _joint_sessions(document: JsonObject) -> list[tuple[str, JsonObject]]:
    return [
        (client["id"], session)
        for client in document["clients"]
        for session in client["sessions"]
        if session["kind"] in ("couple", "group")
    ]


def test_export_import_export_gives_the_same_document(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    vault_a = demo_vault.copy_to(tmp_path / "a")
    exported = tmp_path / "a.json"

    written = run_cli("export", "--out", exported, "--data-dir", vault_a, "--passphrase-stdin")

    assert written.returncode == ExitStatus.OK, written.stderr
    assert written.stdout == ""
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".therapist-desk-*"))  # no temporary file left behind
    document_a = json.loads(exported.read_text(encoding="utf-8"))
    assert len(document_a["clients"]) == 8
    assert _joint_sessions(document_a), "the demo practice should hold joint sessions"

    vault_b = tmp_path / "b"
    assert run_cli("init", "--data-dir", vault_b, "--passphrase-stdin").returncode == 0
    imported = run_cli("import", exported, "--data-dir", vault_b, "--passphrase-stdin")
    assert imported.returncode == ExitStatus.OK, imported.stderr
    assert imported.stdout.startswith("Imported 8 clients")

    document_b = _export(vault_b)
    assert without_export_time(document_b) == without_export_time(document_a)


def test_export_of_one_client_names_no_other_client(tmp_path: Path, demo_vault: DemoVault) -> None:
    # A client of the session with the most attendees (the demo's therapy group).
    client_id, shared = max(
        _joint_sessions(demo_vault.export), key=lambda item: len(item[1]["attendees"])
    )
    others = {a["client_id"] for a in shared["attendees"]} - {client_id}
    assert others
    data_dir = demo_vault.copy_to(tmp_path / "vault")

    document = _export(data_dir, "--client", client_id)

    assert [client["id"] for client in document["clients"]] == [client_id]
    full = next(c for c in demo_vault.export["clients"] if c["id"] == client_id)
    assert len(document["clients"][0]["sessions"]) == len(full["sessions"])
    assert shared["id"] in {s["id"] for s in document["clients"][0]["sessions"]}
    for session in document["clients"][0]["sessions"]:
        assert [attendee["client_id"] for attendee in session["attendees"]] == [client_id]
    text = json.dumps(document)
    for other in others:
        assert other not in text
    # Another client's record never appears, and the practice settings are left out.
    assert "practice" not in document
    assert "vocabulary" not in document
    referenced = {r["professional_id"] for r in document["clients"][0]["referrals"]}
    assert {p["id"] for p in document["professionals"]} == referenced


def test_unknown_client_id_is_refused(tmp_path: Path, demo_vault: DemoVault) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    unknown = "00000000-0000-4000-8000-000000000000"

    result = run_cli("export", "--client", unknown, "--data-dir", data_dir, "--passphrase-stdin")

    assert result.returncode == ExitStatus.INVALID_INPUT
    assert result.stdout == ""
    assert unknown in result.stderr


def _process_notes(document: JsonObject) -> list[Any]:
    return [
        note for client in document["clients"] for note in client.get("psychotherapy_notes", [])
    ]


def test_psychotherapy_notes_are_exported_only_when_asked_for(
    tmp_path: Path, demo_vault: DemoVault
) -> None:
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    client_id = demo_vault.export["clients"][0]["id"]
    with open_vault(data_dir) as vault:
        note = save_psychotherapy_note(vault, client_id, PROCESS_NOTE)

    plain = run_cli("export", "--data-dir", data_dir, "--passphrase-stdin")
    assert plain.returncode == ExitStatus.OK, plain.stderr
    assert PROCESS_NOTE not in plain.stdout
    assert note.id not in plain.stdout
    assert _process_notes(json.loads(plain.stdout)) == []
    single = run_cli("export", "--client", client_id, "--data-dir", data_dir, "--passphrase-stdin")
    assert single.returncode == ExitStatus.OK, single.stderr
    assert PROCESS_NOTE not in single.stdout

    out = tmp_path / "with-notes.json"
    asked = run_cli(
        "export",
        "--include-psychotherapy-notes",
        "--out",
        out,
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
    )
    assert asked.returncode == ExitStatus.OK, asked.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    notes = _process_notes(document)
    assert [(n["id"], n["text"]) for n in notes if n["id"] == note.id] == [(note.id, PROCESS_NOTE)]
    owner = next(c for c in document["clients"] if c["id"] == client_id)
    assert note.id in {n["id"] for n in owner["psychotherapy_notes"]}

    # They travel with the rest into another vault.
    other = tmp_path / "other"
    assert run_cli("init", "--data-dir", other, "--passphrase-stdin").returncode == 0
    imported = run_cli("import", out, "--data-dir", other, "--passphrase-stdin")
    assert imported.returncode == ExitStatus.OK, imported.stderr
    assert "psychotherapy notes" in imported.stdout
    again = _export(other, "--include-psychotherapy-notes")
    assert without_export_time(again) == without_export_time(document)


def test_one_client_moves_to_another_vault(tmp_path: Path, demo_vault: DemoVault) -> None:
    """An export of one client (joint sessions cut down to them) imports as it was."""
    client_id, _shared = _joint_sessions(demo_vault.export)[0]
    data_dir = demo_vault.copy_to(tmp_path / "vault")
    one = tmp_path / "one.json"
    written = run_cli(
        "export", "--client", client_id, "--out", one, "--data-dir", data_dir, "--passphrase-stdin"
    )
    assert written.returncode == ExitStatus.OK, written.stderr
    other = tmp_path / "other"
    assert run_cli("init", "--data-dir", other, "--passphrase-stdin").returncode == 0

    imported = run_cli("import", one, "--data-dir", other, "--passphrase-stdin")

    assert imported.returncode == ExitStatus.OK, imported.stderr
    assert imported.stdout.startswith("Imported 1 clients")
    moved = _export(other)
    original = json.loads(one.read_text(encoding="utf-8"))
    assert moved["clients"] == original["clients"]
    assert moved["professionals"] == original["professionals"]


def test_text_with_a_lone_surrogate_survives_export_and_import(tmp_path: Path) -> None:
    """A value the vault accepted is exported as valid UTF-8 JSON and reads back the same."""
    odd_name = "Ann \ud800 Lee"
    client_id = "0f8fad5b-d9cb-469f-a165-70867728950e"
    source = tmp_path / "odd.json"
    source.write_text(
        json.dumps(
            {
                "format": "therapist-desk/1",
                "clients": [{"id": client_id, "legal_name": odd_name, "status": "active"}],
            }
        ),  # ensure_ascii: the surrogate is written as the escape \ud800
        encoding="ascii",
    )
    first = tmp_path / "first"
    assert run_cli("init", "--data-dir", first, "--passphrase-stdin").returncode == 0
    assert run_cli("import", source, "--data-dir", first, "--passphrase-stdin").returncode == 0

    printed = run_cli("export", "--data-dir", first, "--passphrase-stdin")

    assert printed.returncode == ExitStatus.OK, printed.stderr
    assert "Traceback" not in printed.stderr
    assert json.loads(printed.stdout)["clients"][0]["legal_name"] == odd_name
    out = tmp_path / "out.json"
    written = run_cli("export", "--out", out, "--data-dir", first, "--passphrase-stdin")
    assert written.returncode == ExitStatus.OK, written.stderr
    out.read_bytes().decode("utf-8")  # strictly valid UTF-8, as import requires
    second = tmp_path / "second"
    assert run_cli("init", "--data-dir", second, "--passphrase-stdin").returncode == 0
    again = run_cli("import", out, "--data-dir", second, "--passphrase-stdin")
    assert again.returncode == ExitStatus.OK, again.stderr
    assert _export(second)["clients"][0]["legal_name"] == odd_name


def test_export_is_never_written_into_the_vault_folder(tmp_path: Path) -> None:
    """Not over the vault file itself, nor beside it where readable text does not belong."""
    paths = make_vault(tmp_path / "vault")
    before = file_digests(paths.data_dir)

    for target in (paths.database, paths.data_dir / "export.json"):
        result = run_cli(
            "export", "--out", target, "--data-dir", paths.data_dir, "--passphrase-stdin"
        )

        assert result.returncode == ExitStatus.INVALID_INPUT, (target, result.stderr)
        assert "outside" in result.stderr
        assert file_digests(paths.data_dir) == before
    verified = run_cli("verify", "--data-dir", paths.data_dir, "--passphrase-stdin")
    assert verified.returncode == ExitStatus.OK, verified.stderr
