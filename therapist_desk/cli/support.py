"""What every command of the command line shares: reading secrets, finding the vault."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from therapist_desk.errors import InvalidInput
from therapist_desk.vault import Clock, Secret, Vault, passphrase_policy, unlock_vault, utc_now
from therapist_desk.vault.paths import VaultPaths, default_data_dir

PROGRAM = "therapist-desk"
#: Set to 1 only in tests: vaults are created with cheap key-derivation parameters.
TEST_KDF_VARIABLE = "THERAPIST_DESK_TEST_KDF"
#: Set only by the test suite: the moment (ISO 8601 with an offset) the command's clock
#: starts at, so a command run by a test sees the same time as the test does.
TEST_NOW_VARIABLE = "THERAPIST_DESK_TEST_NOW"


def command_clock() -> Clock:
    """The clock a command's vault keeps time by: the computer's, or in the test suite one
    that starts at THERAPIST_DESK_TEST_NOW and runs on from there."""
    start_text = os.environ.get(TEST_NOW_VARIABLE)
    if not start_text:
        return utc_now
    try:
        start = datetime.fromisoformat(start_text)
    except ValueError:
        raise InvalidInput(f"{TEST_NOW_VARIABLE} is not a time: {start_text!r}.") from None
    if start.tzinfo is None:
        raise InvalidInput(f"{TEST_NOW_VARIABLE} needs an offset from UTC: {start_text!r}.")
    started = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - started)


class SecretReader:
    """Reads the passphrase or recovery key: one line of stdin, or a hidden prompt."""

    def __init__(self, from_stdin: bool, stdin: TextIO | None = None) -> None:
        self.from_stdin = from_stdin
        self.stdin = stdin or sys.stdin

    def read(self, prompt: str) -> str:
        if self.from_stdin:
            line = self.stdin.readline()
            if not line:
                raise InvalidInput("--passphrase-stdin was given, but standard input is empty.")
            return line.removesuffix("\n").removesuffix("\r")
        if not self.stdin.isatty():
            raise InvalidInput(
                "There is no terminal to ask for the passphrase; give it on standard "
                "input with --passphrase-stdin."
            )
        return getpass.getpass(prompt)

    def new_passphrase(self) -> str:
        passphrase = self.read("New passphrase: ")
        strength = passphrase_policy.assess(passphrase)
        if not strength.acceptable:
            raise InvalidInput(f"That passphrase is not accepted. {strength.advice}")
        if not self.from_stdin and self.read("The same passphrase again: ") != passphrase:
            raise InvalidInput("The two passphrases differ; nothing was changed.")
        return passphrase


def add_vault_options(parser: argparse.ArgumentParser, *, unlock: bool = True) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"the vault's folder (default: {default_data_dir()})",
    )
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the passphrase from the first line of standard input instead of a prompt",
    )
    if unlock:
        parser.add_argument(
            "--recovery-key",
            action="store_true",
            help="unlock with the recovery key instead of the passphrase (read the same way)",
        )


def vault_paths(args: argparse.Namespace) -> VaultPaths:
    return VaultPaths(args.data_dir or default_data_dir())


def unlock(args: argparse.Namespace, reader: SecretReader) -> Vault:
    if args.recovery_key:
        secret = Secret(recovery_key=reader.read("Recovery key: "))
    else:
        secret = Secret(passphrase=reader.read("Passphrase: "))
    return unlock_vault(vault_paths(args), secret, clock=command_clock())
