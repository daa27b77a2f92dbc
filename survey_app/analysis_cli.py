"""`flask analysis report`: the quarterly analysis from the command line.

Loads the data through ``survey_app.analysis_source``, builds the gated
quarterly report, prints a short Swedish summary and writes the whole
report as JSON. Nothing is shown for a quarter that has not closed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from analysis import GateConfig, parse_headcount_csv, quarterly_report, report_windows, trend_quarters
from survey_app.analysis_source import load_analysis_data
from survey_app.extensions import db
from survey_app.instruments import catalogue

analysis_cli = AppGroup("analysis", help="The quarterly analysis of why people leave.")


def summary_lines(report) -> list[str]:
    """The short Swedish summary the command prints."""
    lines = [report.message_sv]
    if not report.closed:
        return lines
    lines += [f"Obs: {note.split(' / ')[0]}" for note in report.notes]
    for lesson in report.lessons:
        lines.append(f"{lesson.rank}. {lesson.text_sv}")
    rates = report.response_rates
    if len(rates):
        total = rates[(rates["administration"] == "*") & (rates["unit"] == "*")]
        if len(total):
            lines.append(f"Svarsfrekvens (via inbjudan): {total['text_sv'].iloc[0]}")
    return lines


@analysis_cli.command("report")
@click.option("--quarter", "quarter_label", required=True, help="The quarter, e.g. 2026Q3.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the whole report as JSON to this file.")
@click.option("--headcount", "headcount_path", type=click.Path(exists=True, dir_okay=False,
                                                               path_type=Path),
              help="Optional CSV: unit_code, quarter, headcount, hired.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as if on this day (for re-running a report); default today.")
def report_command(quarter_label: str, json_path: Path | None, headcount_path: Path | None,
                   today) -> None:
    """Print the summary of QUARTER's report and optionally write it as JSON."""
    day = today.date() if today else date.today()
    try:
        windows = report_windows(quarter_label)
        headcount = (parse_headcount_csv(headcount_path.read_text(encoding="utf-8-sig"))
                     if headcount_path else None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    quarters = sorted(set(trend_quarters(windows[0].label)) | {q for w in windows for q in w.quarters})
    config = GateConfig(min_respondents=current_app.config["MIN_RESPONDENTS"],
                        min_comment_group=current_app.config["MIN_COMMENT_GROUP"])
    session = db.new_session()
    try:
        data = load_analysis_data(session, catalogue(), quarters=quarters, headcount=headcount,
                                  today=day)
    finally:
        session.close()
    report = quarterly_report(data, windows[0].label, catalogue=catalogue(), config=config,
                              today=day)
    for line in summary_lines(report):
        click.echo(line)
    if json_path is not None:
        json_path.write_text(report.to_json(), encoding="utf-8")
        click.echo(f"Rapporten skrevs till {json_path}.")
