"""The collection window: a quarter takes answers until COLLECTION_DAYS after its end and
shows its results from the day after, so no late answer changes figures already shown.

Dates are fixed and the app's clock is moved (the `clock` fixture): 2026Q2 ends on
30 June 2026 and, with the default 60 days, its window closes on 29 August 2026.
"""

from __future__ import annotations

import doctest
import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey_app import periods
from survey_app.config import ConfigError
from survey_app.hr.invitations import CollectionClosed, Leaver, create_open_link, issue_invitations
from survey_app.models import Invitation, InvitationTally, OpenLink, OpenLinkClaim, Response
from survey_app.periods import (
    collection_closes,
    collection_open,
    quarter_choices,
    results_open_on,
)
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import STEP_ANSWERS, invite, open_link, post_step, store_releases
from tests.app.test_invitations import leaver_file, signed_in_admin, upload

Q2 = "2026Q2"
CLOSE_Q2 = date(2026, 8, 29)  # 30 June + 60 days
NEAR_END = date(2026, 8, 20)  # Q2 still collecting, nine days left
AFTER_CLOSE = date(2026, 9, 1)  # Q2 closed; Q3 collecting
ABOUT_YOU = {"tenure_band": "1_2y", "occupational_group": "USK"}


def count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- the pure functions ---------------------------------------------------------------


def test_the_window_closes_days_after_the_quarter_and_results_open_the_day_after():
    assert collection_closes("2026Q2", 60) == CLOSE_Q2
    assert results_open_on("2026Q2", 60) == date(2026, 8, 30)
    assert collection_closes("2026Q4", 60) == date(2027, 3, 1)  # over the new year
    assert collection_closes("2028Q1", 0) == date(2028, 3, 31)  # no window: the last day
    assert results_open_on("2028Q1", 0) == date(2028, 4, 1)
    assert collection_open(Q2, 60, date(2026, 4, 1))  # during the quarter itself
    assert collection_open(Q2, 60, CLOSE_Q2)  # the close day still takes answers
    assert not collection_open(Q2, 60, CLOSE_Q2 + timedelta(days=1))
    with pytest.raises(ValueError, match="not a quarter"):
        collection_closes("2026Q5", 60)


def test_quarter_choices_leave_out_quarters_whose_window_has_closed():
    assert quarter_choices(CLOSE_Q2, 60) == ["2026Q4", "2026Q3", "2026Q2"]
    assert quarter_choices(CLOSE_Q2 + timedelta(days=1), 60) == ["2026Q4", "2026Q3"]
    assert quarter_choices(date(2026, 10, 1), 0) == ["2027Q1", "2026Q4"]
    assert quarter_choices(date(2026, 10, 1), 400)[-1] == "2025Q4"  # still a year back at most


def test_the_periods_doctests_hold():
    assert doctest.testmod(periods).failed == 0


# --- configuration ----------------------------------------------------------------------


def test_collection_days_default_to_the_invitation_validity(make_app, monkeypatch):
    monkeypatch.delenv("COLLECTION_DAYS", raising=False)
    monkeypatch.delenv("INVITATION_VALID_DAYS", raising=False)
    assert make_app().config["COLLECTION_DAYS"] == 60
    assert make_app({"INVITATION_VALID_DAYS": 45}).config["COLLECTION_DAYS"] == 45
    monkeypatch.setenv("INVITATION_VALID_DAYS", "30")
    assert make_app().config["COLLECTION_DAYS"] == 30
    monkeypatch.setenv("COLLECTION_DAYS", "90")
    assert make_app().config["COLLECTION_DAYS"] == 90
    monkeypatch.setenv("COLLECTION_DAYS", "0")
    assert make_app().config["COLLECTION_DAYS"] == 0


@pytest.mark.parametrize("raw", ["sextio", "2.5", "-1"])
def test_a_bad_collection_days_refuses_to_start(make_app, monkeypatch, raw):
    monkeypatch.setenv("COLLECTION_DAYS", raw)
    with pytest.raises(ConfigError, match="COLLECTION_DAYS must be a whole number"):
        make_app()


@pytest.mark.parametrize("value", [-5, "60", 1.5, True, None])
def test_a_bad_collection_days_setting_refuses_to_start(make_app, value):
    with pytest.raises(ConfigError, match="COLLECTION_DAYS must be a whole number"):
        make_app({"COLLECTION_DAYS": value})


# --- links never outlive the window -----------------------------------------------------


def test_a_link_made_near_the_end_of_the_window_expires_on_the_close(app, db, org):
    leavers = [Leaver("VO01", "USK", "lt_6m", "own_resignation", Q2),
               Leaver("VO01", "USK", "lt_6m", "own_resignation", "2026Q3")]
    issued = issue_invitations(db, leavers, questionnaire_key="exit_survey", secret="s" * 32,
                               valid_days=60, collection_days=60, today=NEAR_END)
    db.commit()
    assert [link.expires_on for link in issued] == [CLOSE_Q2, NEAR_END + timedelta(days=60)]
    stored = db.scalars(select(Invitation.expires_on).order_by(Invitation.position)).all()
    assert stored == [CLOSE_Q2, NEAR_END + timedelta(days=60)]


def test_no_link_is_made_for_a_quarter_whose_window_has_closed(app, db, org):
    leaver = Leaver("VO01", "USK", "lt_6m", "own_resignation", Q2)
    with pytest.raises(CollectionClosed, match="2026Q2 closed on 2026-08-29"):
        issue_invitations(db, [leaver], questionnaire_key="exit_survey", secret="s" * 32,
                          valid_days=60, collection_days=60, today=AFTER_CLOSE)
    with pytest.raises(CollectionClosed):
        create_open_link(db, org["VO02"], Q2, questionnaire_key="exit_survey", valid_days=150,
                         collection_days=60, today=AFTER_CLOSE)
    db.rollback()
    assert count(db, Invitation) == 0 and count(db, OpenLink) == 0


def test_an_open_link_expires_on_the_close_even_when_asked_for_again(app, db, org):
    link = create_open_link(db, org["VO02"], Q2, questionnaire_key="exit_survey",
                            valid_days=150, collection_days=90, today=NEAR_END)
    assert link.expires_on == collection_closes(Q2, 90)
    again = create_open_link(db, org["VO02"], Q2, questionnaire_key="exit_survey",
                             valid_days=150, collection_days=60, today=NEAR_END)
    assert again.id == link.id and again.expires_on == CLOSE_Q2  # a shortened window holds


def test_hr_forms_make_links_that_expire_on_the_close(app, client, auth, make_user, org, db,
                                                      clock):
    clock(NEAR_END)
    signed_in_admin(client, auth, make_user)
    page = client.get("/hr/invitations/new").get_data(as_text=True)
    handout = client.post("/hr/invitations/new", data={
        "csrf_token": csrf_from(page), "unit_code": "VO01", "occupational_group_code": "USK",
        "tenure_band": "1_2y", "ending_type": "own_resignation", "quarter": Q2},
        follow_redirects=True)
    assert handout.status_code == 200
    assert "Gäller till 2026-08-29" in handout.get_data(as_text=True)
    assert db.scalar(select(Invitation.expires_on)) == CLOSE_Q2
    page = client.get("/hr/open-links").get_data(as_text=True)
    poster = client.post("/hr/open-links", data={"csrf_token": csrf_from(page),
                                                 "unit_code": "VO02", "quarter": Q2})
    assert "Gäller till 2026-08-29" in poster.get_data(as_text=True)
    assert db.scalar(select(OpenLink.expires_on)) == CLOSE_Q2


def test_an_imported_leaver_near_the_end_gets_a_link_that_expires_on_the_close(
        app, client, auth, make_user, org, db, clock):
    clock(NEAR_END)
    signed_in_admin(client, auth, make_user)
    response = upload(client, leaver_file(["VO01,USK,2020-01-01,2026-06-15,pension,,",
                                           "VO02,USK,2020-01-01,2026-08-10,pension,,"]))
    assert response.status_code == 200
    assert db.scalars(select(Invitation.expires_on).order_by(Invitation.position)).all() == [
        CLOSE_Q2, NEAR_END + timedelta(days=60)]


def test_replaced_handouts_expire_with_their_quarter_and_still_look_alike(
        app, client, auth, make_user, org, db, clock):
    clock(date(2026, 8, 1))
    signed_in_admin(client, auth, make_user)
    first = upload(client, leaver_file(["VO01,USK,2020-01-01,2026-06-15,pension,,",
                                        "VO01,USK,2020-01-01,2026-06-20,pension,,",
                                        "VO02,USK,2020-01-01,2026-07-20,pension,,"]))
    tokens = re.findall(r"/s/([A-Za-z0-9_-]{20,})", first.get_data(as_text=True))
    answered = app.test_client()
    answered.get(f"/s/{tokens[1]}")
    for number, data in enumerate(STEP_ANSWERS, start=1):
        post_step(answered, number, data)
    assert count(db, Response) == 1
    clock(date(2026, 8, 25))
    batch = db.scalar(select(Invitation.batch).where(Invitation.batch.is_not(None)))
    overview = client.get("/hr/invitations").get_data(as_text=True)
    page = client.post(f"/hr/invitations/batch/{batch}/reissue",
                       data={"csrf_token": csrf_from(overview)},
                       follow_redirects=True).get_data(as_text=True)
    cards = re.findall(r'<section class="handout".*?</section>', page, flags=re.S)
    assert len(cards) == 3
    # one date on every card, whatever the handout's quarter or use: never later than
    # any unused link's real expiry, and it tells nothing about who has answered
    assert all("Gäller till 2026-08-29" in card for card in cards)
    shapes = {re.sub(r"/s/[A-Za-z0-9_-]+|<svg.*?</svg>|lapp \d|Lapp \d", "", c, flags=re.S)
              for c in cards}
    assert len(shapes) == 1
    db.expire_all()
    unused = dict(db.execute(select(Invitation.position, Invitation.expires_on)
                             .where(Invitation.batch == batch)).all())
    assert unused == {1: CLOSE_Q2, 3: date(2026, 10, 24)}  # Q2 at its close, Q3 60 days on


# --- the leaver import and the forms refuse a closed quarter ----------------------------


def test_import_refuses_a_leaver_whose_quarter_has_closed_and_imports_nothing(
        app, client, auth, make_user, org, db, clock):
    clock(AFTER_CLOSE)
    signed_in_admin(client, auth, make_user)
    rows = ["VO01,USK,2020-01-01,2026-08-25,pension,,",  # 2026Q3: still collecting
            "VO01,USK,2020-01-01,2026-06-15,pension,,",  # 2026Q2: closed on 29 August
            "VO02,USK,2020-01-01,2025-12-31,egen uppsägning,,"]
    response = upload(client, leaver_file(rows))
    assert response.status_code == 400
    body = text_of(response)
    assert ("rad 3: sista arbetsdag 2026-06-15 ligger i 2026Q2. Insamlingen för 2026Q2 stängde "
            "2026-08-29, så avgången kan inte längre bjudas in (den räknas inte i ett senare "
            "kvartal).") in body
    assert "rad 4: sista arbetsdag 2025-12-31 ligger i 2025Q4. Insamlingen för 2025Q4 stängde " \
        "2026-03-01" in body
    assert "rad 2" not in body
    assert count(db, Invitation) == 0 and count(db, InvitationTally) == 0
    client.get("/hr/invitations/import?lang=en")
    english = text_of(upload(client, leaver_file(rows)))
    assert ("line 3: last working day 2026-06-15 is in 2026Q2. Collection for 2026Q2 closed on "
            "2026-08-29, so this leaver can no longer be invited") in english


def test_the_close_day_itself_still_takes_a_leaver(app, client, auth, make_user, org, db, clock):
    clock(CLOSE_Q2)
    signed_in_admin(client, auth, make_user)
    response = upload(client, leaver_file(["VO01,USK,2020-01-01,2026-06-15,pension,,"]))
    assert response.status_code == 200
    assert db.scalar(select(Invitation.expires_on)) == CLOSE_Q2


@pytest.mark.parametrize("path, fields", [
    ("/hr/invitations/new", {"unit_code": "VO01", "occupational_group_code": "USK",
                             "tenure_band": "1_2y", "ending_type": "own_resignation"}),
    ("/hr/open-links", {"unit_code": "VO02"}),
])
def test_forms_offer_only_quarters_still_collecting_and_name_a_closed_one(
        app, client, auth, make_user, org, db, clock, path, fields):
    signed_in_admin(client, auth, make_user)
    clock(CLOSE_Q2)
    offered = re.findall(r'<option (?:selected )?value="(\d{4}Q\d)"', client.get(path).get_data(as_text=True))
    assert offered == ["2026Q4", "2026Q3", "2026Q2"]
    clock(AFTER_CLOSE)
    page = client.get(path).get_data(as_text=True)
    assert re.findall(r'<option (?:selected )?value="(\d{4}Q\d)"', page) == ["2026Q4", "2026Q3"]
    refused = client.post(path, data={"csrf_token": csrf_from(page), "quarter": Q2, **fields})
    assert refused.status_code == 400
    body = text_of(refused)
    assert ("Insamlingen för 2026Q2 stängde 2026-08-29, så kvartalet tar inte emot fler svar. "
            "Välj ett kvartal vars insamling pågår.") in body
    assert "Not a valid choice" not in body
    assert count(db, Invitation) == 0 and count(db, OpenLink) == 0
    page = client.get(path + "?lang=en").get_data(as_text=True)
    english = text_of(client.post(path, data={"csrf_token": csrf_from(page), "quarter": Q2,
                                              **fields}))
    assert "Collection for 2026Q2 closed on 2026-08-29, so the quarter takes no more " \
        "responses." in english


# --- the respondent: nothing is taken after the close -----------------------------------


def test_a_link_opened_after_the_close_says_the_period_has_closed(app, client, org, clock):
    [token] = invite(app, quarter=Q2, today=NEAR_END)  # expires on the close
    clock(AFTER_CLOSE)
    response = client.get(f"/s/{token}")
    assert response.status_code == 410  # as an expired link
    body = response.get_data(as_text=True)
    assert "Enkäten för perioden har stängt" in body and "tar inte emot fler svar" in body
    english = app.test_client().get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert "The survey for this period has closed" in english


def _begin_under_a_longer_window(app, client, clock, mode: str) -> tuple[str, dict]:
    """A respondent on the last step of a 2026Q2 link made while COLLECTION_DAYS was 365,
    so the link itself works until 19 October; then the window is put back to 60 days."""
    app.config["COLLECTION_DAYS"] = 365
    clock(NEAR_END)
    if mode == "invitation":
        [token] = invite(app, quarter=Q2, today=NEAR_END)
        assert client.get(f"/s/{token}").status_code == 302
        steps = STEP_ANSWERS[:2]
        last, final = 3, STEP_ANSWERS[2]
    else:
        token = open_link(app, quarter=Q2, today=NEAR_END)
        assert client.get(f"/s/o/{token}").status_code == 302
        steps = STEP_ANSWERS
        last, final = 4, ABOUT_YOU
    for number, data in enumerate(steps, start=1):
        assert post_step(client, number, data).status_code == 302
    page = client.get(f"/s/step/{last}").get_data(as_text=True)
    app.config["COLLECTION_DAYS"] = 60
    clock(AFTER_CLOSE)
    return f"/s/step/{last}", {"csrf_token": csrf_from(page), "action": "next", **final}


def _nothing_stored(db) -> None:
    assert count(db, Response) == 0
    assert count(db, OpenLinkClaim) == 0
    assert db.scalar(select(func.count()).select_from(Invitation)
                     .where(Invitation.used.is_(True))) == 0
    assert (db.scalar(select(func.sum(InvitationTally.used))) or 0) == 0


@pytest.mark.parametrize("mode", ["invitation", "open_link"])
def test_a_submit_after_the_close_is_refused_and_stores_nothing(app, client, org, db, clock,
                                                                mode):
    path, form = _begin_under_a_longer_window(app, client, clock, mode)
    assert db.scalar(select(func.min(Invitation.expires_on)).where(Invitation.used.is_(False))) \
        in (None, NEAR_END + timedelta(days=60))  # the link has not expired
    response = client.post(path, data=form)
    assert response.status_code == 410
    assert "Enkäten för perioden har stängt" in response.get_data(as_text=True)
    _nothing_stored(db)


@pytest.mark.parametrize("mode", ["invitation", "open_link"])
def test_the_final_submit_checks_the_window_itself_before_the_write_lock(
        app, client, org, db, clock, monkeypatch, mode):
    """Defence in depth: even if the per-step check let it through, the submit refuses,
    with one date comparison before the write turn (the lock is never taken)."""
    from survey_app.respond import views

    path, form = _begin_under_a_longer_window(app, client, clock, mode)
    monkeypatch.setattr(views, "still_valid", lambda *args, **kwargs: None)

    def no_write_turn(*args, **kwargs):
        raise AssertionError("the write lock was taken for a closed quarter")

    monkeypatch.setattr(views, "write_turn", no_write_turn)
    response = client.post(path, data=form)
    assert response.status_code == 410
    assert "Enkäten för perioden har stängt" in response.get_data(as_text=True)
    _nothing_stored(db)


def test_a_submit_on_the_close_day_is_stored(app, client, org, db, clock):
    [token] = invite(app, quarter=Q2, today=NEAR_END)
    clock(CLOSE_Q2)
    client.get(f"/s/{token}")
    for number, data in enumerate(STEP_ANSWERS, start=1):
        response = post_step(client, number, data)
    assert response.headers["Location"] == "/s/thanks"
    assert count(db, Response) == 1


# --- HR is told when a quarter's results open -------------------------------------------


def test_hr_pages_say_until_when_answers_are_taken_and_when_results_show(
        app, client, auth, make_user, org, db, clock):
    clock(NEAR_END)
    signed_in_admin(client, auth, make_user)
    invite(app, quarter=Q2, today=NEAR_END)
    sentence = ("Svar tas emot t.o.m. 2026-08-29; resultaten för kvartalet visas från "
                "2026-08-30.")
    assert sentence in text_of(client.get("/hr/invitations?quarter=2026Q2"))
    page = client.get("/hr/open-links").get_data(as_text=True)
    assert "Svar tas emot" not in page  # no open links yet, no quarter listed
    client.post("/hr/open-links", data={"csrf_token": csrf_from(page), "unit_code": "VO02",
                                        "quarter": Q2})
    client.post("/hr/open-links", data={"csrf_token": csrf_from(page), "unit_code": "VO01",
                                        "quarter": "2026Q3"})
    listing = text_of(client.get("/hr/open-links"))
    assert "<h3>2026Q3</h3>" in listing and "<h3>2026Q2</h3>" in listing
    assert sentence in listing
    assert ("Svar tas emot t.o.m. 2026-11-29; resultaten för kvartalet visas från "
            "2026-11-30.") in listing
    english = text_of(client.get("/hr/invitations?quarter=2026Q2&lang=en"))
    assert ("Responses are taken until 2026-08-29 inclusive; the quarter's results are shown "
            "from 2026-08-30.") in english
    assert "Responses are taken until 2026-08-29" in text_of(client.get("/hr/open-links"))


def test_participation_is_shown_from_the_day_results_open(app, client, auth, make_user, org, db,
                                                          clock):
    signed_in_admin(client, auth, make_user)
    clock(date(2026, 7, 1))
    tokens = invite(app, unit="VO01", quarter=Q2, today=date(2026, 7, 1), count=10)
    for token in tokens[:5]:
        respondent = app.test_client()
        respondent.get(f"/s/{token}")
        for number, data in enumerate(STEP_ANSWERS, start=1):
            post_step(respondent, number, data)
    clock(CLOSE_Q2)  # the quarter has ended, but answers are still coming in
    page = client.get("/hr/invitations").get_data(as_text=True)
    assert "Kvartalets insamling pågår" in page
    assert "<table>" not in page.split("Omgångar")[0]
    clock(CLOSE_Q2 + timedelta(days=1))
    store_releases(app)
    page = client.get("/hr/invitations").get_data(as_text=True)
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<table>")[1]
                                       .split("</table>")[0]))
    assert "Äldreboendet Björken 10 5" in table
