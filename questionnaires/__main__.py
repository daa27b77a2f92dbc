"""``python -m questionnaires check [dir]``: report every problem in the questionnaire files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from questionnaires.loader import check, default_directory


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 fine, 1 problems found)."""
    parser = argparse.ArgumentParser(
        prog="python -m questionnaires",
        description="Check the questionnaire, reason and dimension files.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check_command = commands.add_parser("check", help="check every file in a directory")
    check_command.add_argument(
        "directory",
        nargs="?",
        default=None,
        help=f"the folder with the .toml files (default: {default_directory()})",
    )
    arguments = parser.parse_args(argv)
    directory = arguments.directory or default_directory()
    problems = check(directory)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found in {directory}", file=sys.stderr)
        return 1
    print(f"OK: no problems in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
