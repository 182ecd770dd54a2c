"""No record text reaches the disk in readable form: not in the database, its
write-ahead log, the lock file or anything else in the data folder, in UTF-8 or
UTF-16, whether the vault is closed or still open after a write.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.system.helpers import (
    PASSPHRASE,
    ChildProcess,
    JsonObject,
    Markers,
    build_clinical_document,
    find_leaks,
    run_cli,
)
from therapist_desk.domain.records import (
    AddendumDetails,
    ClientDetails,
    ContactDetails,
    NoteContent,
    PracticeProfile,
    ProfessionalDetails,
    PsychotherapyNoteDetails,
    ReferralDetails,
    SessionDetails,
    VocabularyTermDetails,
)
from therapist_desk.errors import ExitStatus

#: Text fields whose format the schema restricts, so they cannot carry a marker.
RESTRICTED = {(PracticeProfile, "currency")}

#: A child that opens the vault, imports a file, and holds the vault open (its
#: write-ahead log not yet folded into the file) until it reads a line.
IMPORT_AND_HOLD = """
import json, sys
from pathlib import Path
from therapist_desk.interchange.importing import import_document
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.vault import Secret, unlock_vault

vault = unlock_vault(VaultPaths(Path(sys.argv[1])), Secret(passphrase=input()))
import_document(vault, json.loads(Path(sys.argv[2]).read_text("utf-8")))
print("written", flush=True)
sys.stdin.readline()
vault.close()
print("closed", flush=True)
"""


def _records(document: JsonObject) -> Iterator[tuple[type[Any], JsonObject]]:
    """Every record of an interchange document with the details class it is stored as."""
    yield PracticeProfile, document["practice"]
    for term in document["vocabulary"]:
        yield VocabularyTermDetails, term
    for professional in document["professionals"]:
        yield ProfessionalDetails, professional
    for client in document["clients"]:
        yield ClientDetails, client
        for contact in client["contacts"]:
            yield ContactDetails, contact
        for session in client["sessions"]:
            yield SessionDetails, session
            yield NoteContent, session["note"]
            for addendum in session["note"]["addenda"]:
                yield AddendumDetails, addendum
        for referral in client["referrals"]:
            yield ReferralDetails, referral
        for note in client["psychotherapy_notes"]:
            yield PsychotherapyNoteDetails, note


def _text_values(details_type: type[Any], record: JsonObject) -> Iterator[tuple[str, object]]:
    """(field, value) for each text in the record's free-text fields, lists and maps included."""
    for name, hint in typing.get_type_hints(details_type).items():
        if (details_type, name) in RESTRICTED:
            continue
        if hint is str:
            yield name, record.get(name)
        elif hint in (tuple[str, ...], dict[str, str]):
            values = record.get(name) or ["(none)"]
            for value in values.values() if isinstance(values, dict) else values:
                yield name, value


def _assert_every_text_field_is_marked(document: JsonObject, markers: Markers) -> None:
    kinds = set()
    for details_type, record in _records(document):
        kinds.add(details_type)
        for name, value in _text_values(details_type, record):
            assert isinstance(value, str), (details_type.__name__, name, value)
            assert value in markers.made, (details_type.__name__, name, value)
    assert len(kinds) == 10


def test_no_record_text_is_readable_in_the_data_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    data_dir = tmp_path / "vault"
    markers = Markers("")
    document = build_clinical_document(markers)
    _assert_every_text_field_is_marked(document, markers)
    source = outside / "import.json"
    source.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    assert run_cli("init", "--data-dir", data_dir, "--passphrase-stdin").returncode == 0
    imported = run_cli("import", source, "--data-dir", data_dir, "--passphrase-stdin")
    assert imported.returncode == ExitStatus.OK, imported.stderr
    assert "psychotherapy notes" in imported.stdout
    verified = run_cli("verify", "--data-dir", data_dir, "--passphrase-stdin")
    assert verified.returncode == ExitStatus.OK, verified.stdout + verified.stderr
    exported = outside / "export.json"
    written = run_cli(
        "export",
        "--include-psychotherapy-notes",
        "--out",
        exported,
        "--data-dir",
        data_dir,
        "--passphrase-stdin",
    )
    assert written.returncode == ExitStatus.OK, written.stderr
    # Every marker went into the vault and comes back out of it.
    export_text = exported.read_text(encoding="utf-8")
    assert [marker for marker in markers.made if marker not in export_text] == []
    for result in (imported, verified, written):
        assert [marker for marker in markers.made if marker in result.stdout + result.stderr] == []
    exported.unlink()

    assert {path.name for path in data_dir.iterdir()} >= {"vault.sqlite3", "vault.lock"}
    assert find_leaks(data_dir, markers.made) == []
    # Nor in settings, caches or logs under the home folder.
    assert find_leaks(tmp_path / "home", markers.made) == []

    # While a program holds the vault open after writing, the log holds the new pages.
    more = Markers("open-")
    second = outside / "second.json"
    second_text = json.dumps(build_clinical_document(more), ensure_ascii=False)
    second.write_text(second_text, encoding="utf-8")
    with ChildProcess(IMPORT_AND_HOLD, data_dir, second) as holder:
        holder.send(PASSPHRASE)
        assert holder.read_line() == "written"
        wal = data_dir / "vault.sqlite3-wal"
        assert wal.is_file()
        assert wal.stat().st_size > 0
        assert find_leaks(data_dir, markers.made + more.made) == []
        holder.send("close")
        assert holder.read_line() == "closed"
        assert holder.close() == 0

    assert find_leaks(data_dir, markers.made + more.made) == []
    reread = run_cli(
        "export", "--include-psychotherapy-notes", "--data-dir", data_dir, "--passphrase-stdin"
    )
    assert reread.returncode == ExitStatus.OK, reread.stderr
    missing = {marker for marker in more.made if marker not in reread.stdout}
    # The vault keeps its own practice profile; everything else was written.
    assert missing == {marker for marker in more.made if "-practice-" in marker}


def test_the_scan_finds_plain_text(tmp_path: Path) -> None:
    """The scanner itself sees a marker in each encoding it looks for."""
    marker = "ZQX-LEAK-probe-7731"
    for index, encoding in enumerate(("utf-8", "utf-16-le", "utf-16-be")):
        (tmp_path / f"file{index}").write_bytes(b"\x00junk" + marker.encode(encoding) + b"junk")

    found = find_leaks(tmp_path, [marker])

    assert sorted(encoding for _path, _marker, encoding in found) == [
        "utf-16-be",
        "utf-16-le",
        "utf-8",
    ]
