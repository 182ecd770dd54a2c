"""The command line: init, verify, import, export, demo, backup, restore, passphrase…

Every command that opens a vault takes --data-dir and --passphrase-stdin.
Errors are one plain line on standard error (plus one line per problem) and an
exit status from therapist_desk.errors.ExitStatus.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TextIO

from therapist_desk import __version__
from therapist_desk.cli import safekeeping as cli_safekeeping
from therapist_desk.cli.support import (
    PROGRAM,
    TEST_KDF_VARIABLE,
    SecretReader,
    add_vault_options,
    command_clock,
    unlock,
    vault_paths,
)
from therapist_desk.crypto import kdf
from therapist_desk.demo.practice import DemoOptions, build_demo_practice
from therapist_desk.errors import ExitStatus, InvalidInput, TherapistDeskError, VaultExists
from therapist_desk.interchange.exporting import export_vault, record_export
from therapist_desk.interchange.importing import import_document, read_document
from therapist_desk.letters import referral_summary
from therapist_desk.vault import NewVault, Secret, backups, create_vault
from therapist_desk.vault.check import check_vault
from therapist_desk.vault.paths import VaultPaths
from therapist_desk.vault.safe_files import write_file_atomically


def _summary_sections(text: str) -> tuple[referral_summary.Section, ...]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    known = {section.value for section in referral_summary.Section}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown section {', '.join(unknown)}; choose from {', '.join(sorted(known))}"
        )
    return tuple(referral_summary.Section(name) for name in names)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="A local, encrypted practice record for a solo psychotherapist. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="the vault's folder for the window",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help="create a new, empty vault and print its recovery key")
    add_vault_options(init, unlock=False)

    verify = commands.add_parser(
        "verify", help="check the vault: SQLite integrity, every encrypted value, every signature"
    )
    verify.add_argument(
        "--backup",
        type=Path,
        metavar="FILE",
        help="check this backup instead of the vault (opened with the backup's own passphrase)",
    )
    add_vault_options(verify)

    importer = commands.add_parser(
        "import", help="add the records of an interchange file (all or nothing)"
    )
    importer.add_argument(
        "file", type=Path, metavar="FILE", help="a therapist-desk/2 (or /1) JSON file"
    )
    add_vault_options(importer)

    exporter = commands.add_parser("export", help="write records in the interchange format")
    exporter.add_argument(
        "--out", type=Path, metavar="FILE", help="write here instead of standard output"
    )
    exporter.add_argument(
        "--client", action="append", metavar="ID", help="export only this client (repeat for more)"
    )
    exporter.add_argument(
        "--include-psychotherapy-notes",
        action="store_true",
        help="also export psychotherapy (process) notes, which are left out by default",
    )
    add_vault_options(exporter)

    demo = commands.add_parser("demo", help="create a new vault filled with a synthetic practice")
    demo.add_argument(
        "--clients",
        type=_positive,
        default=DemoOptions.clients,
        metavar="N",
        help=f"how many clients ({DemoOptions.clients}: about two thirds of them in weekly "
        "therapy, a full week's calendar)",
    )
    demo.add_argument(
        "--years", type=float, default=2.0, metavar="Y", help="years of weekly sessions (2)"
    )
    demo.add_argument(
        "--notes", type=_positive, default=None, metavar="N", help="aim for about N progress notes"
    )
    demo.add_argument(
        "--seed", type=int, default=1, help="the same seed gives the same practice (1)"
    )
    add_vault_options(demo, unlock=False)

    cli_safekeeping.add_parsers(commands)

    bench = commands.add_parser("bench", help="measure speed and size on a synthetic vault")
    bench.add_argument("--clients", type=_positive, default=2000, metavar="N")
    bench.add_argument("--notes", type=_positive, default=100_000, metavar="N")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument(
        "--work-dir", type=Path, default=None, metavar="DIR", help="build the vaults here"
    )
    bench.add_argument(
        "--window",
        action="store_true",
        help="measure the window instead (offscreen): unlock to list, search, memory, opening "
        "a client with 500 sessions",
    )
    bench.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="with --window: measure this existing demo vault (passphrase of the benchmark)",
    )
    letter = commands.add_parser(
        "letter",
        help="write a referral's letter, or with --summary its referral summary, as a PDF",
        description="Write a referral letter (or the referral summary) to a PDF without "
        "opening the window, and record the disclosure with the text that went. The client "
        "must have a consent in force to share with the recipient, or --without-consent-reason "
        "must say why not. Prints the PDF's path, then the consent it went under (its date "
        "and scope) or why there was none.",
    )
    add_vault_options(letter)
    letter.add_argument("--referral", required=True, metavar="ID", help="the referral's id")
    letter.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE.pdf",
        help="where to write the PDF; .pdf is added when the name does not end in it",
    )
    letter.add_argument(
        "--summary", action="store_true", help="the referral summary instead of the letter"
    )
    letter.add_argument(
        "--sections",
        type=_summary_sections,
        default=None,
        metavar="NAME,NAME",
        help="only with --summary: the sections to include, in any order, from: "
        + ", ".join(referral_summary.Section)
        + " (default: every section the record has text for)",
    )
    letter.add_argument(
        "--excerpt",
        action="append",
        default=[],
        metavar="NOTE_ID",
        help="only with --summary: a signed progress note to quote (repeat for more)",
    )
    letter.add_argument("--paper", choices=("A4", "Letter"), default="A4")
    letter.add_argument(
        "--without-consent-reason",
        default="",
        metavar="TEXT",
        help="why the letter goes without a recorded consent (kept in the disclosure log)",
    )

    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _kdf_params() -> kdf.Argon2idParams | None:
    if os.environ.get(TEST_KDF_VARIABLE) == "1":
        print(
            f"{PROGRAM}: warning: {TEST_KDF_VARIABLE}=1, so this vault uses the fast test key "
            "derivation; never keep real records in it.",
            file=sys.stderr,
        )
        return kdf.FAST_TEST_PARAMS
    return None


def _create(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> NewVault:
    paths = vault_paths(args)
    if paths.vault_exists():
        raise VaultExists(f"A vault already exists in {paths.data_dir}; nothing was changed.")
    passphrase = reader.new_passphrase()
    if not reader.from_stdin:
        print("Preparing the key derivation for this computer…", file=out, flush=True)
    return create_vault(paths, passphrase, kdf_params=_kdf_params(), clock=command_clock())


def _print_recovery_key(created: NewVault, out: TextIO) -> None:
    print(
        f"Created a new vault in {created.vault.paths.data_dir}.\n\n"
        "Recovery key (shown only now; it is not stored anywhere):\n\n"
        f"    {created.recovery_key}\n\n"
        "Print it or write it down, and keep it somewhere safe away from this computer.\n"
        "It opens the vault if the passphrase is forgotten; without either, the records\n"
        "cannot be recovered by anyone.",
        file=out,
    )


def command_init(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    created = _create(args, reader, out)
    with created.vault:
        _print_recovery_key(created, out)
    return ExitStatus.OK


def command_demo(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    created = _create(args, reader, out)
    with created.vault as vault:
        options = DemoOptions(
            clients=args.clients, years=args.years, seed=args.seed, notes=args.notes
        )
        counts = build_demo_practice(vault, options)
        _print_recovery_key(created, out)
        made = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
        print(f"\nThe demo practice holds {made}.", file=out)
    return ExitStatus.OK


def command_verify(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    if args.backup is not None:
        secret = (
            Secret(recovery_key=reader.read("Recovery key: "))
            if args.recovery_key
            else Secret(passphrase=reader.read("Passphrase of the backup: "))
        )
        problems = backups.verify_backup(args.backup, secret)
    else:
        with unlock(args, reader) as vault:
            problems = check_vault(vault)
    if not problems:
        print("ok", file=out)
        return ExitStatus.OK
    for problem in problems:
        print(problem, file=out)
    print(
        f"{PROGRAM}: {len(problems)} problem{'s' if len(problems) != 1 else ''} found. "
        "The records not listed are intact; restore a backup to recover the others.",
        file=sys.stderr,
    )
    return ExitStatus.VAULT_DAMAGED


def command_import(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    try:
        raw = args.file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"Cannot read {args.file}: {error.strerror}.") from error
    document = read_document(raw)
    with unlock(args, reader) as vault:
        summary = import_document(vault, document)
    print(summary.describe(), file=out)
    for remark in summary.remarks:
        print(remark, file=out)
    return ExitStatus.OK


def command_export(args: argparse.Namespace, reader: SecretReader, out: TextIO) -> int:
    if args.out is not None:
        _refuse_vault_folder(args.out, vault_paths(args))
    with unlock(args, reader) as vault:
        document = export_vault(
            vault, args.client, include_psychotherapy_notes=args.include_psychotherapy_notes
        )
        text = interchange_json(document)
        if args.out is None:
            out.write(text)
            out.flush()
        else:
            write_file_atomically(args.out, text.encode("utf-8"))
        # Only now that it is written whole: a failed export disclosed nothing.
        record_export(
            vault,
            document,
            "standard output" if args.out is None else args.out.name,
            client_ids=args.client,
            include_psychotherapy_notes=args.include_psychotherapy_notes,
        )
    return ExitStatus.OK


def _refuse_vault_folder(target: Path, paths: VaultPaths) -> None:
    """Refuse to write readable text into the vault's folder (or over the vault file)."""
    folder = paths.data_dir.resolve()
    resolved = target.resolve()
    if resolved == folder or folder in resolved.parents:
        raise InvalidInput(
            f"An export is not encrypted, so it cannot be written inside the vault's folder "
            f"{folder}; choose a place outside it. Nothing was written."
        )


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def interchange_json(document: object) -> str:
    """The document as JSON text that is valid UTF-8, whatever the records hold.

    A lone surrogate (which the vault keeps as typed or imported) cannot be
    written as UTF-8; it is written as its JSON escape (``\\ud800``), which
    `import` reads back as the same character.
    """
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def command_bench(args: argparse.Namespace, _reader: SecretReader, out: TextIO) -> int:
    from therapist_desk.bench.vault_bench import run_bench

    return run_bench(args.clients, args.notes, args.work_dir, as_json=args.json, out=out)


COMMANDS: dict[str, Callable[[argparse.Namespace, SecretReader, TextIO], int]] = {
    "init": command_init,
    "verify": command_verify,
    "import": command_import,
    "export": command_export,
    "demo": command_demo,
    "bench": command_bench,
    "backup": cli_safekeeping.command_backup,
    "restore": cli_safekeeping.command_restore,
    "passphrase": cli_safekeeping.command_passphrase,
    "recovery-key": cli_safekeeping.command_recovery_key,
}


Command = Callable[[argparse.Namespace, SecretReader, TextIO], int]


def run_command(
    args: argparse.Namespace,
    out: TextIO | None = None,
    *,
    more_commands: Mapping[str, Command] | None = None,
) -> int:
    """Run a parsed subcommand; turns every user-facing error into a message and a status.

    `more_commands` are those the composition root supplies from the window's
    side (`letter` draws its PDF with Qt).
    """
    out = out or sys.stdout
    reader = SecretReader(getattr(args, "passphrase_stdin", False))
    commands = {**COMMANDS, **(more_commands or {})}
    try:
        return commands[args.command](args, reader, out)
    except TherapistDeskError as error:
        print(f"{PROGRAM}: {error.message}", file=sys.stderr)
        for problem in getattr(error, "problems", ()):
            print(f"  - {problem}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print(f"{PROGRAM}: interrupted; nothing more was written.", file=sys.stderr)
        return 130
