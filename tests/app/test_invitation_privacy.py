"""What HR and a database administrator can still learn from invitations: only counts for
groups at or above the minimum, and nothing about a single link once it is used."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from survey_app.analysis_source import load_analysis_data
from survey_app.housekeeping import housekeep
from survey_app.instruments import catalogue
from survey_app.models import Invitation, InvitationBatch
from survey_app.periods import quarter_last_day, results_open_on, shift_quarter
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import QUARTER, answer_all, invite, store_releases

KEPT = {"id", "token_digest", "used", "expires_on"}
# A quarter whose collection has closed and whose results are open today, and a day on
# which it was still collecting (its last day).
CLOSED = shift_quarter(QUARTER, -2)
WHILE_COLLECTING = quarter_last_day(CLOSED)


def invite_and_answer_while_collecting(app, clock, unit: str, count: int, answered: int):
    """Links for CLOSED made and answered while it collected; HR then looks the day its
    results open."""
    clock(WHILE_COLLECTING)
    tokens = invite(app, unit=unit, quarter=CLOSED, today=WHILE_COLLECTING, count=count)
    for token in tokens[:answered]:
        answer_all(app.test_client(), token)
    clock(results_open_on(CLOSED, app.config["COLLECTION_DAYS"]))


def kept_columns(invitation: Invitation) -> set[str]:
    return {c.name for c in Invitation.__table__.columns if getattr(invitation, c.key) is not None}


def signed_in_hr(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")


def test_a_used_invitation_keeps_only_what_refuses_a_second_use(app, db, org):
    tokens = invite(app, count=2)
    answer_all(app.test_client(), tokens[0])
    db.expire_all()
    used, unused = sorted(db.scalars(select(Invitation)), key=lambda i: not i.used)
    assert kept_columns(used) == KEPT
    assert unused.unit_id is not None and unused.batch is not None  # still needed to answer
    assert app.test_client().get(f"/s/{tokens[0]}").status_code == 410  # still refused


def test_an_expired_invitation_forgets_its_group_at_housekeeping(app, db, org):
    long_ago = date.today() - timedelta(days=app.config["INVITATION_VALID_DAYS"] + 5)
    (token,) = invite(app, today=long_ago)
    (current,) = invite(app)
    upkeep = housekeep(db, date.today())
    assert upkeep.invitations == 1
    db.expire_all()
    expired = db.scalar(select(Invitation).where(Invitation.expires_on < date.today()))
    assert kept_columns(expired) == KEPT
    expired_page = app.test_client().get(f"/s/{token}")
    assert expired_page.status_code == 410
    assert app.test_client().get(f"/s/{current}").status_code == 302


def test_response_rates_come_from_group_tallies(app, db, org):
    tokens = invite(app, count=6)
    for token in tokens[:4]:
        answer_all(app.test_client(), token)
    with app.app_context():
        data = load_analysis_data(db, catalogue(), quarters=[QUARTER])
    row = data.invitations.iloc[0]
    assert (row["unit"], row["tenure_band"], row["invited"], row["used"]) == \
        ("VO01", "lt_6m", 6, 4)


def test_hr_sees_participation_only_for_groups_at_the_minimum(app, client, auth, make_user,
                                                            org, db, clock):
    signed_in_hr(client, auth, make_user)
    invite_and_answer_while_collecting(app, clock, "VO01", count=12, answered=6)
    invite_and_answer_while_collecting(app, clock, "VO02", count=10, answered=5)
    invite_and_answer_while_collecting(app, clock, "BU01", count=12, answered=6)
    # Opened, but the nightly job has not stored the quarter's release yet: nothing shown.
    page = client.get("/hr/invitations").get_data(as_text=True)
    assert "räknas fram en gång" in page and "<table>" not in page.split("Omgångar")[0]
    assert store_releases(app) == [CLOSED]
    page = client.get("/hr/invitations").get_data(as_text=True)
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<table>")[1].split("</table>")[0]))
    assert "Äldreboendet Björken 12 6" in table
    assert "Hela kommunen 34 17" in table
    # no batch shows how many of its links were used
    assert ">Använda<" not in page and ">Utgångna<" not in page


def test_participation_of_a_unit_below_the_minimum_is_never_shown(app, client, auth, make_user,
                                                                   org, db, clock):
    signed_in_hr(client, auth, make_user)
    invite_and_answer_while_collecting(app, clock, "VO02", count=2, answered=1)
    store_releases(app)
    page = client.get("/hr/invitations").get_data(as_text=True)
    assert "<table>" not in page.split("Omgångar")[0]
    assert "1 enhet har färre än 5 inbjudna och visas inte." in page


def test_replacing_handouts_never_tells_who_answered(app, client, auth, make_user, org, db):
    signed_in_hr(client, auth, make_user)
    tokens = invite(app, count=3)
    answer_all(app.test_client(), tokens[1])  # handout 2 has been used
    batch = db.scalar(select(InvitationBatch.id))
    overview = client.get("/hr/invitations").get_data(as_text=True)
    printed = client.post(f"/hr/invitations/batch/{batch}/reissue",
                          data={"csrf_token": csrf_from(overview), "positions": ""},
                          follow_redirects=True)
    page = printed.get_data(as_text=True)
    new = re.findall(r"/s/([A-Za-z0-9_-]{20,})", page)
    assert len(set(new)) == 3  # one per handout, used or not
    assert [int(n) for n in re.findall(r"lapp (\d) av 3", page)] == [1, 2, 3]
    # the cards look alike: same text apart from link, QR and number
    cards = re.findall(r'<section class="handout".*?</section>', page, flags=re.S)
    shapes = {re.sub(r"/s/[A-Za-z0-9_-]+|<svg.*?</svg>|lapp \d|Lapp \d", "", c, flags=re.S)
              for c in cards}
    assert len(shapes) == 1
    answers = [app.test_client().get(f"/s/{t}").status_code for t in dict.fromkeys(new)]
    assert answers == [302, 410, 302]  # handout 2's new link says it is already used
    for old in (tokens[0], tokens[2]):
        assert app.test_client().get(f"/s/{old}").status_code == 404


def test_one_lost_handout_is_replaced_by_its_number(app, client, auth, make_user, org, db):
    signed_in_hr(client, auth, make_user)
    tokens = invite(app, count=3)
    batch = db.scalar(select(InvitationBatch.id))
    overview = client.get("/hr/invitations").get_data(as_text=True)
    printed = client.post(f"/hr/invitations/batch/{batch}/reissue",
                          data={"csrf_token": csrf_from(overview), "positions": "3"},
                          follow_redirects=True)
    page = printed.get_data(as_text=True)
    assert re.findall(r"lapp (\d) av 3", page) == ["3"]
    assert app.test_client().get(f"/s/{tokens[0]}").status_code == 302
    assert app.test_client().get(f"/s/{tokens[2]}").status_code == 404
    bad = client.post(f"/hr/invitations/batch/{batch}/reissue",
                      data={"csrf_token": csrf_from(overview), "positions": "tre"})
    assert bad.status_code == 302
    assert "Skriv lappnummer" in client.get("/hr/invitations").get_data(as_text=True)


def test_participation_of_a_quarter_still_collecting_is_not_shown(app, client, auth, make_user,
                                                                  org, db):
    """No live counter: HR cannot watch a count move after handing out one link."""
    from survey_app.periods import quarter_of

    signed_in_hr(client, auth, make_user)
    current = quarter_of(date.today())
    for token in invite(app, unit="VO01", quarter=current, count=8)[:4]:
        answer_all(app.test_client(), token)
    page = client.get(f"/hr/invitations?quarter={current}").get_data(as_text=True)
    assert "Kvartalets insamling pågår" in page
    assert "<table>" not in page.split("Omgångar")[0]
