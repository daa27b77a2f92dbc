"""Issue 12, item 10: a staff page never tells "exists but not yours" from "does not exist"."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import HandoutSheet, OpenLink
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import open_link

# Every staff route with a parameter in its address: (existing target, missing target).
ROUTES = {
    "/org/units/<code>": ("/org/units/BU01", "/org/units/NOPE"),
    "/hr/users/<int:user_id>": ("/hr/users/{other}", "/hr/users/999999"),
    "/hr/open-links/<int:link_id>": ("/hr/open-links/{link}", "/hr/open-links/999999"),
    "/hr/invitations/handouts/<sheet>": ("/hr/invitations/handouts/{sheet}",
                                         "/hr/invitations/handouts/no-such-sheet"),
    "/hr/invitations/batch/<batch>/reissue": ("/hr/invitations/batch/{batch}/reissue",
                                              "/hr/invitations/batch/no-such-batch/reissue"),
}


def same_page(response, path: str) -> tuple[int, str]:
    """Status and body, less the two things that differ by request: token and own address."""
    body = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"',
                  response.get_data(as_text=True))
    return response.status_code, body.replace(path, "<path>")


def test_every_staff_route_with_a_parameter_is_listed(app):
    for rule in app.url_map.iter_rules():
        if "<" in str(rule) and not str(rule).startswith(("/s/", "/static/")):
            assert str(rule) in ROUTES, f"{rule}: add it to the existence-oracle test"


@pytest.fixture
def targets(app, db, org, make_user):
    other = make_user("annan@ex.se", roles=["manager"], units=["BU01"])
    open_link(app, unit="BU01")
    link = db.scalar(select(OpenLink))
    hr = make_user("hr@ex.se", roles=["hr_admin"])
    db.add(HandoutSheet(id="s" * 22, user_id=hr.id, sealed="v1:00"))
    db.commit()
    return {"other": other.id, "link": link.id, "batch": "b" * 32, "sheet": "s" * 22}


@pytest.mark.parametrize("rule", sorted(ROUTES))
def test_manager_gets_the_same_answer_for_hidden_and_missing(client, auth, make_user, targets,
                                                             rule):
    make_user("chef@ex.se", roles=["manager"], units=["VO01"])
    auth.login("chef@ex.se")
    answers = []
    for path in ROUTES[rule]:
        path = path.format(**targets)
        if rule.endswith("reissue"):
            token = csrf_from(client.get("/").get_data(as_text=True))
            response = client.post(path, data={"csrf_token": token})
        else:
            response = client.get(path)
        answers.append(same_page(response, path))
    assert answers[0] == answers[1]
    assert answers[0][0] in (403, 404)


def test_unit_outside_scope_is_404_like_a_missing_one(client, auth, make_user, org):
    make_user("chef@ex.se", roles=["manager"], units=["VO01"])
    auth.login("chef@ex.se")
    hidden, missing = client.get("/org/units/BU01"), client.get("/org/units/NOPE")
    assert hidden.status_code == missing.status_code == 404
    assert same_page(hidden, "/org/units/BU01") == same_page(missing, "/org/units/NOPE")
    assert "Sidan finns inte" in hidden.get_data(as_text=True)
    assert "Förskolan Solrosen" not in hidden.get_data(as_text=True)
