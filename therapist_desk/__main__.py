"""Entry point: the command line, or the window when no command is given.

This module is the composition root, the only place that knows both the
command line and the window.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from therapist_desk import cli


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.build_parser().parse_args(argv)
    if args.command == "bench" and args.window:
        from therapist_desk.ui.window_bench import run_window_bench

        return run_window_bench(
            args.clients,
            args.notes,
            args.data_dir,
            args.work_dir,
            as_json=args.json,
            out=sys.stdout,
        )
    if args.command == "letter":
        from therapist_desk.ui.printing.letter_command import command_letter

        return cli.run_command(args, more_commands={"letter": command_letter})
    if args.command is not None:
        return cli.run_command(args)
    from therapist_desk.ui.app import run_window

    return run_window(args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
