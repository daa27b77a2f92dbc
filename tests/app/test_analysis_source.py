"""The analysis loader on a real database: responses given through the survey, then read back."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select, update

from analysis import GateConfig, quarterly_report
from survey_app.analysis_cli import analysis_cli
from survey_app.analysis_source import OrgTree, load_analysis_data
from survey_app.models import OrgUnit, OrgUnitPlacement, Response, StoredRelease
from tests.app.survey_helpers import STEP_ANSWERS, answer_all, invite, open_link, post_step

AFTER_Q3 = date(2026, 10, 2)
# Days on which the fixed quarters below were still collecting (their windows have closed
# since): the links are made and answered then, with the app's clock moved there.
IN_Q2, IN_Q3 = date(2026, 7, 1), date(2026, 10, 1)


def _answer(app, tokens):
    for token in tokens:
        answer_all(app.test_client(), token)


def _catalogue(app):
    return app.extensions["questionnaires"]


def test_responses_invitations_and_org_are_read_by_stable_keys(app, db, org, clock):
    clock(IN_Q3)
    _answer(app, invite(app, unit="VO01", band="lt_6m", quarter="2026Q3", count=5, today=IN_Q3))
    _answer(app, invite(app, unit="VO01A", band="2_5y", quarter="2026Q3", count=2, today=IN_Q3))
    invite(app, unit="BU01", band="1_2y", quarter="2026Q3", count=3,
           today=IN_Q3)  # invited, not answered
    client = app.test_client()
    token = open_link(app, unit="VO02", quarter="2026Q3", today=IN_Q3)
    assert client.get(f"/s/o/{token}").status_code == 302
    for number, data in enumerate(STEP_ANSWERS, start=1):
        post_step(client, number, data)
    post_step(client, 4, {"tenure_band": "6_12m", "occupational_group": "USK"})

    data = load_analysis_data(db, _catalogue(app))
    responses = data.responses.astype(str)
    assert len(responses) == 8
    assert set(responses["source"]) == {"survey"}
    assert responses["channel"].value_counts().to_dict() == {"invitation": 7, "open_link": 1}
    by_unit = responses.groupby("unit")["administration"].first().to_dict()
    assert by_unit == {"VO01": "VO", "VO01A": "VO", "VO02": "VO"}  # a unit under a unit too
    assert sorted(responses["tenure_band"]) == ["2_5y", "2_5y", "6_12m"] + ["lt_6m"] * 5
    stored_ids = {r.id for r in db.scalars(select(Response))}
    assert set(responses["response_id"]) == stored_ids
    reasons = data.answers[data.answers["question"] == "reasons"]
    assert sorted(reasons["option"].astype(str).unique()) == ["introduction", "workload"]
    assert len(reasons) == 16
    cond = data.answers[data.answers["question"] == "cond_leadership"]
    assert cond["value"].tolist() == [4.0] * 8
    assert (data.answers.loc[data.answers["question"] == "cond_schedule", "option"].astype(str)
            == "dont_know").all()
    assert "stay_factors" not in set(data.answers["question"].astype(str))  # no free text
    invited = data.invitations.set_index("unit")
    assert invited.loc["VO01", "invited"] == 5 and invited.loc["VO01", "used"] == 5
    assert invited.loc["BU01", "invited"] == 3 and invited.loc["BU01", "used"] == 0
    assert set(data.org["unit"]) == {"VO01", "VO01A", "VO02", "BU01"}

    report = quarterly_report(data, "2026Q3", catalogue=_catalogue(app), config=GateConfig(),
                              today=AFTER_Q3)
    table = report.reason_table("survey", "2026Q3", ("tenure_band",))
    total = table.groups.set_index("tenure_band").loc["*"]
    assert total["n"] == 8 and total["open_link_sv"] is not None


def test_units_sit_in_the_administration_they_had_that_quarter(app, db, org, clock):
    clock(IN_Q2)
    _answer(app, invite(app, unit="VO02", quarter="2026Q2", count=1, today=IN_Q2))
    clock(IN_Q3)
    _answer(app, invite(app, unit="VO02", quarter="2026Q3", count=1, today=IN_Q3))
    vo02 = org["VO02"]
    db.execute(update(OrgUnitPlacement).where(OrgUnitPlacement.unit_id == vo02.id)
               .values(valid_from=date(2020, 1, 1), valid_to=date(2026, 8, 1)))
    db.add(OrgUnitPlacement(unit_id=vo02.id, parent_id=org["BU"].id, valid_from=date(2026, 8, 1)))
    db.execute(update(OrgUnit).where(OrgUnit.id == vo02.id).values(parent_id=org["BU"].id))
    db.commit()
    tree = OrgTree(db)
    assert tree.code(tree.administration_at(vo02.id, date(2026, 6, 30))) == "VO"
    assert tree.code(tree.administration_at(vo02.id, date(2026, 9, 30))) == "BU"
    data = load_analysis_data(db, _catalogue(app), quarters=["2026Q2", "2026Q3"])
    placed = data.responses.astype(str).set_index("period")["administration"].to_dict()
    assert placed == {"2026Q2": "VO", "2026Q3": "BU"}
    invitations = data.invitations.set_index("period")["administration"].to_dict()
    assert invitations == {"2026Q2": "VO", "2026Q3": "BU"}
    assert data.org.set_index("unit").loc["VO02", "administration"] == "BU"
    only_q3 = load_analysis_data(db, _catalogue(app), quarters=["2026Q3"])
    assert len(only_q3.responses) == 1


def test_cli_prints_a_swedish_summary_and_writes_json(app, db, org, tmp_path, clock):
    clock(IN_Q3)
    _answer(app, invite(app, unit="VO01", band="lt_6m", quarter="2026Q3", count=6, today=IN_Q3))
    app.cli.add_command(analysis_cli)
    runner = app.test_cli_runner()
    path = tmp_path / "report.json"
    # 2026Q3 collects answers until 60 days after its end; the day comes from the server.
    clock(date(2026, 11, 29))
    still_open = runner.invoke(args=["analysis", "report", "--quarter", "2026Q3"])
    assert still_open.exit_code == 0
    assert "är inte avslutat" in still_open.output and "2026-11-30" in still_open.output
    assert db.scalar(select(func.count()).select_from(StoredRelease)) == 0
    clock(date(2026, 11, 30))
    result = runner.invoke(args=["analysis", "report", "--quarter", "2026Q3", "--json", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2026Q3: 6 svar i enkäten.")
    assert "Rapporten skrevs till" in result.output
    report = json.loads(path.read_text(encoding="utf-8"))
    assert report["quarter"] == "2026Q3" and report["closed"] is True
    assert report["min_respondents"] == app.config["MIN_RESPONDENTS"]
    assert "--today" not in runner.invoke(args=["analysis", "report", "--help"]).output
    bad = runner.invoke(args=["analysis", "report", "--quarter", "2026Q7"])
    assert bad.exit_code != 0 and "not a quarter" in bad.output
