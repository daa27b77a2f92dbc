"""Helpers for driving the exit survey through the test client."""

from __future__ import annotations

from datetime import date

from survey_app.extensions import db as database
from survey_app.hr.invitations import Leaver, create_open_link, issue_invitations
from survey_app.models import OrgUnit
from survey_app.periods import quarter_of
from tests.app.conftest import csrf_from

# The quarter links are made for by default: today's, which is always still collecting.
QUARTER = quarter_of(date.today())

STEP_ANSWERS = [
    {"reasons": ["introduction", "workload"], "main_reason": "introduction"},
    {"cond_introduction": "1", "cond_leadership": "4", "cond_workload": "2",
     "cond_schedule": "dont_know"},
    {"stay_factors": "En bättre introduktion och mindre stress.", "recommend": "6",
     "come_back": "unsure", "comment": "<script>alert(1)</script> Tack för mig!"},
]


def invite(app, unit="VO01", group="USK", band="lt_6m", ending="own_resignation",
           quarter=QUARTER, today: date | None = None, count: int = 1) -> list[str]:
    """Create invitations straight through the service; return their tokens."""
    with app.app_context():
        session = database.new_session()
        leavers = [Leaver(unit, group, band, ending, quarter)] * count
        issued = issue_invitations(session, leavers, questionnaire_key="exit_survey",
                                   secret=app.config["SECRET_KEY"],
                                   valid_days=app.config["INVITATION_VALID_DAYS"],
                                   collection_days=app.config["COLLECTION_DAYS"],
                                   today=today or date.today())
        session.commit()
        session.close()
    return [link.token for link in issued]


def open_link(app, unit="VO02", quarter=QUARTER, today: date | None = None) -> str:
    with app.app_context():
        session = database.new_session()
        from sqlalchemy import select

        unit_row = session.scalar(select(OrgUnit).where(OrgUnit.code == unit))
        link = create_open_link(session, unit_row, quarter, questionnaire_key="exit_survey",
                                valid_days=60, collection_days=app.config["COLLECTION_DAYS"],
                                today=today or date.today())
        session.commit()
        token = link.token
        session.close()
    return token


def post_step(client, number: int, data: dict, action: str = "next"):
    page = client.get(f"/s/step/{number}")
    form = {"csrf_token": csrf_from(page.get_data(as_text=True)), "action": action, **data}
    return client.post(f"/s/step/{number}", data=form)


def answer_all(client, token: str, steps=STEP_ANSWERS):
    """Open the link and answer every step; returns the last response."""
    assert client.get(f"/s/{token}").status_code == 302
    response = None
    for number, data in enumerate(steps, start=1):
        response = post_step(client, number, data)
    return response


def store_releases(app) -> list[str]:
    """Run the nightly job: store the release of every quarter that has opened."""
    from survey_app.releases import ensure_releases, gate_config

    with app.app_context():
        session = database.new_session()
        try:
            return ensure_releases(session, collection_days=app.config["COLLECTION_DAYS"],
                                   config=gate_config(app.config),
                                   catalogue=app.extensions["questionnaires"])
        finally:
            session.close()
