"""`flask analysis ...`: stored releases and the quarterly report from the command line.

Every figure comes from the quarter's stored release (``survey_app.releases``):
``release`` stores the releases of quarters that have opened, ``releases``
lists them, ``report`` prints and writes a stored one. The day is always
the server's; a quarter whose collection window is still open shows nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from analysis import parse_headcount_csv, report_windows
from survey_app import releases
from survey_app.extensions import db
from survey_app.instruments import catalogue
from survey_app.models import StoredRelease
from survey_app.models import base as clock
from survey_app.periods import results_open_on

analysis_cli = AppGroup("analysis", help="The quarterly analysis of why people leave.")


def summary_lines(report: dict) -> list[str]:
    """The short Swedish summary the command prints, read from a stored report."""
    lines = [report["message_sv"]]
    if not report["closed"]:
        return lines
    lines += [f"Obs: {note.split(' / ')[0]}" for note in report["notes"]]
    lines += [f"{lesson['rank']}. {lesson['text_sv']}" for lesson in report["lessons"]]
    total = [r for r in report["response_rates"]
             if r.get("administration") == "*" and r.get("unit") == "*"]
    if total:
        lines.append(f"Svarsfrekvens (via inbjudan): {total[0]['text_sv']}")
    return lines


def _ensure(headcount=None) -> list[str]:
    session = db.new_session()
    try:
        return releases.ensure_releases(
            session, collection_days=current_app.config["COLLECTION_DAYS"],
            config=releases.gate_config(current_app.config), catalogue=catalogue(),
            headcount=headcount)
    finally:
        session.close()


@analysis_cli.command("release")
@click.option("--headcount", "headcount_path", type=click.Path(exists=True, dir_okay=False,
                                                               path_type=Path),
              help="Optional CSV for the releases stored now: unit_code, quarter, headcount, hired.")
def release_command(headcount_path: Path | None) -> None:
    """Store the release of every quarter that has opened and has none yet (nightly job)."""
    try:
        headcount = (parse_headcount_csv(headcount_path.read_text(encoding="utf-8-sig"))
                     if headcount_path else None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    created = _ensure(headcount)
    click.echo(f"Lagrade utgåvor: {', '.join(created)}." if created
               else "Inga nya utgåvor: varje öppnat kvartal har redan sin.")


@analysis_cli.command("releases")
def releases_command() -> None:
    """List the stored releases and what each holds."""
    session = db.new_session()
    try:
        rows = [releases.release_summary(r) for r in releases.stored_releases(session)]
    finally:
        session.close()
    if not rows:
        click.echo("Inga lagrade utgåvor ännu.")
    for r in rows:
        click.echo(f"{r['period']}  lagrad {r['created_on']}  {r['tables']} tabeller, "
                   f"{r['shown']} visade och {r['hidden']} dolda rader, minsta grupp "
                   f"{r['min_respondents']}, {r['questionnaires']}, sha256 {r['digest']}…")


@analysis_cli.command("report")
@click.option("--quarter", "quarter_label", required=True, help="The quarter, e.g. 2026Q3.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the whole stored report as JSON to this file.")
def report_command(quarter_label: str, json_path: Path | None) -> None:
    """Print the summary of QUARTER's stored report and optionally write it as JSON."""
    try:
        label = report_windows(quarter_label)[0].label
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    opens = results_open_on(label, current_app.config["COLLECTION_DAYS"])
    if clock.today() < opens:
        click.echo(f"Kvartalet {label} är inte avslutat: svar tas emot till och med dagen före "
                   f"{opens.isoformat()}. Resultaten visas från {opens.isoformat()}.")
        return
    _ensure()
    session = db.new_session()
    try:
        row = session.get(StoredRelease, label)
        text = row.report if row is not None else None
    finally:
        session.close()
    if text is None:
        click.echo(f"Inga svar för {label}: kvartalet ligger före de första uppgifterna.")
        return
    for line in summary_lines(json.loads(text)):
        click.echo(line)
    if json_path is not None:
        json_path.write_text(text, encoding="utf-8")
        click.echo(f"Rapporten skrevs till {json_path}.")
