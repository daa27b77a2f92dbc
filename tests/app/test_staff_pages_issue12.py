"""Smaller first-use defects on staff pages (issue 12, item 12): the security log in
local time and Swedish words, reachable from the menu; no promises of pages that do
not exist yet."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import update

from survey_app.auth.services import assign_units
from survey_app.models import AuditEvent, User

HR = "hr@ex.se"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_security_log_shows_swedish_local_time_and_words(client, auth, make_user, db, org):
    admin = make_user(HR, roles=["hr_admin"])
    manager = make_user("chef@ex.se", roles=["manager"], units=["VO01"])
    auth.login(HR)
    assign_units(db, db.get(User, manager.id), ["VO01", "VO02"], actor=db.get(User, admin.id))
    db.commit()
    # Pin one event's stored (UTC) time: summer time in Sweden is UTC + 2.
    db.execute(update(AuditEvent).where(AuditEvent.event == "sign_in")
               .values(occurred_at=datetime(2026, 7, 1, 10, 0)))
    db.commit()
    log = _text(client.get("/hr/audit"))
    assert "2026-07-01 12:00" in log and "UTC" not in log
    assert admin.username in log
    assert "Ändrade roller" in log and "chef@ex.se: enheter VO01,VO02" in log
    assert " units " not in log


def test_the_menu_reaches_the_security_log_and_the_footer_promises_nothing_missing(
        client, auth, make_user, org):
    make_user(HR, roles=["hr_admin"])
    auth.login(HR)
    page = client.get("/").get_data(as_text=True)
    menu = page.split('aria-label="Huvudmeny"')[1].split("</nav>")[0]
    assert 'href="/hr/audit"' in menu
    footer = page.split("<footer")[1]
    assert "avslutssamtal" not in footer and "friskfaktor" not in footer
    tree = _text(client.get("/org/"))
    assert "Resultat redovisas" not in tree


def test_unit_breadcrumbs_link_where_the_reader_may_go(client, auth, make_user, org):
    make_user(HR, roles=["hr_admin"])
    auth.login(HR)
    crumbs = client.get("/org/units/VO01A").get_data(as_text=True).split('class="crumbs"')[1]
    crumbs = crumbs.split("</nav>")[0]
    assert 'href="/org/units/VO01"' in crumbs and 'href="/org/units/VO"' in crumbs


def test_a_managers_breadcrumbs_do_not_link_outside_the_scope(client, auth, make_user, org):
    make_user("chef@ex.se", roles=["manager"], units=["VO01"])
    auth.login("chef@ex.se")
    crumbs = client.get("/org/units/VO01A").get_data(as_text=True).split('class="crumbs"')[1]
    crumbs = crumbs.split("</nav>")[0]
    assert 'href="/org/units/VO01"' in crumbs
    assert 'href="/org/units/VO"' not in crumbs  # outside the manager's scope: plain text


def test_new_invitations_and_open_links_default_to_the_current_quarter(client, auth, make_user,
                                                                      org):
    from survey_app.models import today
    from survey_app.periods import quarter_of

    make_user(HR, roles=["hr_admin"])
    auth.login(HR)
    current = quarter_of(today())
    for path in ("/hr/invitations/new", "/hr/open-links"):
        page = client.get(path).get_data(as_text=True)
        selected = re.findall(r'<option selected value="([^"]+)">|<option value="([^"]+)" selected',
                              page.split('name="quarter"')[1].split("</select>")[0])
        assert [a or b for a, b in selected] == [current], path


def test_invitation_events_are_logged_in_swedish(client, auth, make_user, org, db):
    from survey_app.models import AuditEvent

    make_user(HR, roles=["hr_admin"])
    auth.login(HR)
    page = client.get("/hr/invitations/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    form = {"csrf_token": token.group(1), "unit_code": "VO01", "occupational_group_code": "USK",
            "tenure_band": "lt_6m", "ending_type": "own_resignation",
            "quarter": re.search(r'<option (?:selected )?value="(\d{4}Q\d)"', page).group(1)}
    assert client.post("/hr/invitations/new", data=form).status_code == 303
    targets = db.scalars(__import__("sqlalchemy").select(AuditEvent.target)
                         .where(AuditEvent.event == "invitations_created")).all()
    assert targets == ["1 inbjudan"]
    assert "1 inbjudan" in _text(client.get("/hr/audit"))
