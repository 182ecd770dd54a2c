"""Commands that keep a vault safe: backup, restore, new passphrase, new recovery key."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from therapist_desk.cli.support import SecretReader, add_vault_options, unlock, vault_paths
from therapist_desk.errors import ExitStatus, InvalidInput
from therapist_desk.vault import Secret, backups, passphrases
from therapist_desk.vault import settings as vault_settings


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup",
        help="make an encrypted copy of the vault now and print its path",
    )
    backup.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="the folder for the backup (default: the backup folder set in the window, "
        "which this sets if there is none yet)",
    )
    add_vault_options(backup)

    restore = commands.add_parser(
        "restore", help="bring a backup back as the vault in --data-dir (checked first)"
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup made by `backup`")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="replace the vault already in --data-dir (it is kept beside it, renamed)",
    )
    add_vault_options(restore, unlock=False)
    restore.add_argument(
        "--recovery-key",
        action="store_true",
        help="open the backup with the recovery key instead of its passphrase",
    )

    passphrase = commands.add_parser(
        "passphrase",
        help="set a new passphrase (unlock with the current one, or with --recovery-key)",
    )
    add_vault_options(passphrase)

    recovery = commands.add_parser(
        "recovery-key", help="make a new recovery key and print it once; the old one stops working"
    )
    add_vault_options(recovery)


def command_backup(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    with unlock(args, reader) as vault:
        remembered = vault_settings.backup_state(vault).folder
        folder = args.out or remembered
        if folder is None:
            raise InvalidInput(
                "No backup folder is set yet: give one with --out DIR (an external drive, say)."
            )
        made = backups.make_backup(vault, folder)
        # Remembered only once a backup went there: a mistyped folder is not kept.
        if args.out is not None and remembered is None:
            vault_settings.set_setting(vault, vault_settings.BACKUP_FOLDER, str(args.out.resolve()))
    print(made, file=out)
    return ExitStatus.OK


def command_restore(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    if args.recovery_key:
        secret = Secret(recovery_key=reader.read("Recovery key of the backup: "))
    else:
        secret = Secret(passphrase=reader.read("Passphrase of the backup: "))
    target = vault_paths(args)
    kept = backups.restore_backup(args.file, target, secret, replace=args.replace)
    print(f"Restored {args.file.name} into {target.data_dir}.", file=out)
    if kept is not None:
        print(f"The vault it replaced is kept as {kept}.", file=out)
    return ExitStatus.OK


def command_passphrase(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    with unlock(args, reader) as vault:
        passphrases.change_passphrase(vault, reader.new_passphrase())
    print("The passphrase is changed; the old one no longer opens the vault.", file=out)
    return ExitStatus.OK


def command_recovery_key(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    with unlock(args, reader) as vault:
        key = passphrases.new_recovery_key(vault)
    print(
        "New recovery key (shown only now; the old one no longer opens the vault):\n\n"
        f"    {key}\n\n"
        "Print it or write it down, and keep it somewhere safe away from this computer.\n"
        "Backups made before now still open with the old recovery key.",
        file=out,
    )
    return ExitStatus.OK
