"""A passphrase change cut short at any step leaves exactly one passphrase working.

A child process unlocks a vault and changes its passphrase, after arranging to
die abruptly at one step of the change: before the new key slot is written,
after it is written but before COMMIT, after COMMIT before the checkpoint, and
part-way through the checkpoint. The vault must then open with exactly one of
the two passphrases (the old one if the change had not committed), verify, and
hold the same records; the recovery key opens it in every case.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.db.populate import fill_every_table
from tests.system.helpers import (
    cli_env,
    export_in_process,
    export_of,
    opens_with,
    sha256_of,
)
from therapist_desk.crypto.kdf import FAST_TEST_PARAMS
from therapist_desk.domain.vocabulary import AuditKind
from therapist_desk.vault import Secret, audit, create_vault, unlock_vault
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths

NEW_PASSPHRASE = "lanterns over the estuary tonight"

#: argv: data folder, the step to die at, the current passphrase, the new one.
CHILD = """
import os, resource, signal, struct, sys
from pathlib import Path
from sqlalchemy import event
from therapist_desk.vault import passphrases
from therapist_desk.vault import opening as vault_module
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.vault import Secret, Vault, unlock_vault

data_dir, step, current, new = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
vault = unlock_vault(VaultPaths(data_dir), Secret(passphrase=current))


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def wal_pages():
    data = (data_dir / "vault.sqlite3-wal").read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    pages, offset = set(), 32
    while offset + 24 + page_size <= len(data):
        if data[offset + 8 : offset + 16] == salts:
            pages.add(struct.unpack(">I", data[offset : offset + 4])[0])
        offset += 24 + page_size
    return page_size, pages


if step == "before-update":
    @event.listens_for(vault.engine, "before_cursor_execute")
    def _before(connection, cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("UPDATE VAULT_HEADER"):
            die()
elif step == "before-commit":
    @event.listens_for(vault.engine, "before_cursor_execute")
    def _updated(connection, cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("UPDATE VAULT_HEADER"):
            event.listen(vault.engine, "commit", die)
elif step == "after-commit":
    Vault.checkpoint = die
elif step == "during-checkpoint":
    real_checkpoint = vault_module.checkpoint

    def torn_checkpoint(engine):
        # A checkpoint copies the log's pages into the file in page order. With
        # the file size limited to where the last of them goes, writing that
        # page fails and the checkpoint stops there; the process dies at once,
        # so the file holds some pages of the change and not others.
        page_size, pages = wal_pages()
        if len(pages) < 2:
            sys.exit(f"the change touched only pages {sorted(pages)}")
        limit = (max(pages) - 1) * page_size
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        try:
            real_checkpoint(engine)
        finally:
            die()

    vault_module.checkpoint = torn_checkpoint
else:
    sys.exit(f"unknown step {step}")

passphrases.change_passphrase(vault, new)
print("the change returned", flush=True)
"""

#: step → whether the new passphrase is the one in force afterwards
STEPS = {
    "before-update": False,
    "before-commit": False,
    "after-commit": True,
    "during-checkpoint": True,
}


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_a_passphrase_change_killed_at_any_step_leaves_exactly_one_passphrase(
    step: str, tmp_path: Path
) -> None:
    changed = STEPS[step]
    paths = VaultPaths(tmp_path / "vault")
    created = create_vault(paths, PASSPHRASE, kdf_params=FAST_TEST_PARAMS)
    with created.vault as vault:
        fill_every_table(vault)
        exported = export_of(vault, include_psychotherapy_notes=True)
    before = sha256_of(paths.database)

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(paths.data_dir), step, PASSPHRASE, NEW_PASSPHRASE],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
    )

    assert child.returncode == -signal.SIGKILL, (child.returncode, child.stdout, child.stderr)
    assert child.stdout == ""
    wal = paths.database.with_name("vault.sqlite3-wal")
    if step == "during-checkpoint":
        # The kill came part-way through: the file has changed, the log is still there.
        assert sha256_of(paths.database) != before
        assert wal.stat().st_size > 0

    in_force = NEW_PASSPHRASE if changed else PASSPHRASE
    other = PASSPHRASE if changed else NEW_PASSPHRASE
    assert opens_with(paths.data_dir, Secret(passphrase=in_force))
    assert not opens_with(paths.data_dir, Secret(passphrase=other))
    assert (
        export_in_process(
            paths.data_dir, include_psychotherapy_notes=True, secret=Secret(passphrase=in_force)
        )
        == exported
    )
    assert opens_with(paths.data_dir, Secret(recovery_key=created.recovery_key))
    with unlock_vault(paths, Secret(passphrase=in_force)) as vault:
        assert check_vault(vault) == []
        recorded = audit.events(vault, kind=AuditKind.PASSPHRASE_CHANGE)
    assert len(recorded) == (1 if changed else 0)
