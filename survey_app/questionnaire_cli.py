"""`flask questionnaires check`: registered as a plugin so it never needs the app.

The app refuses to start with broken questionnaire files; this command must still
run then, to say what is wrong.
"""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.group("questionnaires", help="Questionnaire definition files.")
def questionnaires_cli() -> None:
    pass


@questionnaires_cli.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(directory: Path | None) -> None:
    """Validate every questionnaire file; print each problem; exit 1 on any."""
    from questionnaires import check

    problems = check(directory or os.environ.get("QUESTIONNAIRE_DIR") or None)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    click.echo("All questionnaire files are valid.")
