"""Frozen releases: computed once when a quarter opens, never changed, read by everything after.

These are the attacks of the issue "The gate must hold against real attackers" on
the stored side: a late response for a released quarter, a caller picking the day,
and a database user rewriting what was shown.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from analysis.disclosure import release_from_json
from survey_app.analysis_cli import analysis_cli
from survey_app.models import Response, StoredRelease
from survey_app.releases import ensure_releases, gate_config
from tests.app.survey_helpers import answer_all, invite

IN_Q2, IN_Q3 = date(2026, 6, 1), date(2026, 9, 1)
Q3_OPENS = date(2026, 11, 30)  # 2026Q3 ends 30 September; answers are taken 60 days more


def _answered(app, quarter: str, count: int, today: date, band: str = "lt_6m") -> None:
    for token in invite(app, unit="VO01", band=band, quarter=quarter, count=count, today=today):
        answer_all(app.test_client(), token)


def _report(app, quarter: str, tmp_path) -> dict:
    runner = app.test_cli_runner()
    app.cli.add_command(analysis_cli)
    path = tmp_path / f"{quarter}-{uuid.uuid4().hex}.json"
    result = runner.invoke(args=["analysis", "report", "--quarter", quarter, "--json", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def _ensure(app, db) -> list[str]:
    return ensure_releases(db, collection_days=app.config["COLLECTION_DAYS"],
                           config=gate_config(app.config),
                           catalogue=app.extensions["questionnaires"])


def test_each_opened_quarter_is_stored_once_oldest_first(app, db, org, clock):
    clock(IN_Q2)
    _answered(app, "2026Q2", 6, IN_Q2)
    clock(IN_Q3)
    _answered(app, "2026Q3", 7, IN_Q3)
    clock(date(2026, 10, 5))  # 2026Q2 has opened (29 August + 1), 2026Q3 is still collecting
    assert _ensure(app, db) == ["2026Q2"]
    clock(Q3_OPENS)
    assert _ensure(app, db) == ["2026Q3"]
    assert _ensure(app, db) == []  # nothing is ever computed twice
    rows = db.scalars(select(StoredRelease).order_by(StoredRelease.period)).all()
    assert [r.period for r in rows] == ["2026Q2", "2026Q3"]
    assert [r.created_on for r in rows] == [date(2026, 10, 5), Q3_OPENS]
    assert rows[1].settings["min_respondents"] == app.config["MIN_RESPONDENTS"]
    assert rows[1].settings["collection_days"] == app.config["COLLECTION_DAYS"]
    assert any(q.startswith("exit_survey v") for q in rows[1].settings["questionnaires"])
    # The later release was gated with the earlier one's figures fixed: every figure the
    # earlier release showed for 2026Q2 reappears unchanged in the later one's tables.
    config = gate_config(app.config)
    earlier = release_from_json(rows[0].responses, config)
    later = release_from_json(rows[1].responses, config)
    q2 = earlier.table("survey 2026Q2 tenure_band").frame
    again = later.table("survey 2026Q2 tenure_band").frame
    assert q2.equals(again)


def test_a_late_response_changes_nothing_that_was_shown(app, db, org, clock, tmp_path):
    clock(IN_Q3)
    _answered(app, "2026Q3", 6, IN_Q3)
    _answered(app, "2026Q3", 5, IN_Q3, band="gt_10y")
    clock(Q3_OPENS)
    before = _report(app, "2026Q3", tmp_path)
    stored = db.get(StoredRelease, "2026Q3").digest
    # A response for 2026Q3 arrives after its release (written straight into the table:
    # the pages refuse it, see test_collection_window.py); a corrected unit would be the same.
    db.add(Response(id=str(uuid.uuid4()), questionnaire_key="exit_survey",
                    questionnaire_version=1, source="invitation", unit_id=org["VO01"].id,
                    quarter="2026Q3", tenure_band="lt_6m", ending_type="own_resignation",
                    answers={}, mixed=True))
    db.commit()
    clock(date(2027, 1, 10))
    after = _report(app, "2026Q3", tmp_path)
    assert after == before
    assert db.get(StoredRelease, "2026Q3").digest == stored
    assert before["reasons"], "the report holds tables"


def test_a_stored_release_cannot_be_rewritten_or_deleted(app, db, org, clock):
    clock(IN_Q3)
    _answered(app, "2026Q3", 6, IN_Q3)
    clock(Q3_OPENS)
    assert _ensure(app, db) == ["2026Q3"]
    for statement in ("UPDATE releases SET report = '{}' WHERE period = '2026Q3'",
                      "DELETE FROM releases WHERE period = '2026Q3'"):
        with pytest.raises(DBAPIError, match="never changes"):
            db.execute(text(statement))
        db.rollback()
    assert db.scalar(select(func.count()).select_from(StoredRelease)) == 1


def test_the_admin_command_lists_the_releases(app, db, org, clock):
    app.cli.add_command(analysis_cli)
    runner = app.test_cli_runner()
    assert "Inga lagrade utgåvor" in runner.invoke(args=["analysis", "releases"]).output
    clock(IN_Q3)
    _answered(app, "2026Q3", 6, IN_Q3)
    clock(Q3_OPENS)
    stored = runner.invoke(args=["analysis", "release"])
    assert stored.exit_code == 0 and "2026Q3" in stored.output
    again = runner.invoke(args=["analysis", "release"])
    assert "Inga nya utgåvor" in again.output
    listing = runner.invoke(args=["analysis", "releases"]).output
    assert listing.startswith("2026Q3  lagrad 2026-11-30")
    assert "visade" in listing and "dolda" in listing and "exit_survey v" in listing


def test_a_quarter_still_collecting_shows_when_it_opens(app, db, org, clock, tmp_path):
    clock(IN_Q3)
    _answered(app, "2026Q3", 6, IN_Q3)
    app.cli.add_command(analysis_cli)
    runner = app.test_cli_runner()
    clock(date(2026, 10, 1))  # the quarter has ended, its collection window has not
    result = runner.invoke(args=["analysis", "report", "--quarter", "2026Q3"])
    assert result.exit_code == 0
    assert "Resultaten visas från 2026-11-30" in result.output
    assert db.scalar(select(func.count()).select_from(StoredRelease)) == 0


def test_a_quarter_before_any_data_says_so_without_a_traceback(app, db, org, clock):
    clock(IN_Q3)
    _answered(app, "2026Q3", 6, IN_Q3)
    clock(Q3_OPENS)
    app.cli.add_command(analysis_cli)
    result = app.test_cli_runner().invoke(args=["analysis", "report", "--quarter", "2023Q1"])
    assert result.exit_code == 0, result.output
    assert "Inga svar för 2023Q1" in result.output and "Traceback" not in result.output
