"""The command line: `therapist-desk <command>` for automation, scripts and tests.

`commands` parses the arguments and runs each command; `safekeeping` holds the backup,
restore, passphrase and recovery-key commands; `support` reads secrets and opens the
vault the way every command does.
"""

from therapist_desk.cli.commands import build_parser, run_command

__all__ = ["build_parser", "run_command"]
