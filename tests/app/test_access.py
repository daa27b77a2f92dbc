"""Roles and unit scope: a forbidden page answers 403, a unit outside scope 404; never data."""

from __future__ import annotations

import pytest

from survey_app.models import ROLES

# Every staff page and the roles that may open it. A new page must be added here;
# test_every_staff_route_is_listed fails otherwise.
PAGES = {
    "/": set(ROLES),
    "/auth/password": set(ROLES),
    "/org/": {"hr_admin", "hr_analyst"},
    "/org/mine": {"hr_admin", "manager"},
    "/org/import": {"hr_admin"},
    "/org/export.csv": {"hr_admin"},
    "/org/units/VO01": {"hr_admin", "manager"},
    "/hr/users": {"hr_admin"},
    "/hr/users/{me}": {"hr_admin"},
    "/hr/audit": {"hr_admin"},
    "/hr/invitations": {"hr_admin"},
    "/hr/invitations/new": {"hr_admin"},
    "/hr/invitations/import": {"hr_admin"},
    "/hr/open-links": {"hr_admin"},
}
PUBLIC = {"/auth/login", "/static/<path:filename>"}
MARKERS = {"hr_admin": "Organisationen", "hr_analyst": "Organisationen", "manager": "Mina enheter"}


def test_every_staff_route_is_listed(app):
    listed = {p.split("{")[0] if "{" in p else p for p in PAGES} | {"/org/units/", "/hr/open-links/",
                                                                 "/hr/invitations/handouts/"}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or str(rule) in PUBLIC:
            continue
        if str(rule).startswith(("/s/", "/respond")):
            continue  # anonymous respondent pages, tested in their own module
        route = str(rule).split("<")[0]
        assert route in listed or str(rule) in PAGES, f"{rule} has no access test"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_access_by_role(client, auth, make_user, org, role, path):
    me = make_user("person@ex.se", roles=[role], units=["VO01"] if role == "manager" else [])
    auth.login("person@ex.se")
    response = client.get(path.format(me=me.id))
    if role in PAGES[path]:
        assert response.status_code == 200, f"{role} should open {path}"
    else:
        assert response.status_code == 403, f"{role} must get 403 on {path}"
        body = response.get_data(as_text=True)
        assert "Du har inte behörighet" in body
        assert "Äldreboendet Björken" not in body and "person@ex.se</td>" not in body


@pytest.mark.parametrize("path", sorted(PAGES))
def test_signed_out_visitor_is_sent_to_sign_in(client, org, path):
    response = client.get(path.format(me=1))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("code, allowed", [
    ("VO01", True), ("VO01A", True),  # own unit and its sub-unit
    ("VO02", False), ("VO", False), ("BU01", False), ("EK", False),
])
def test_manager_sees_only_own_units_and_their_sub_units(client, auth, make_user, org,
                                                         code, allowed):
    make_user("chef@ex.se", roles=["manager"], units=["VO01"])
    auth.login("chef@ex.se")
    response = client.get(f"/org/units/{code}")
    assert response.status_code == (200 if allowed else 404)  # as if it did not exist


def test_manager_of_an_administration_sees_its_units(client, auth, make_user, org):
    make_user("vc@ex.se", roles=["manager"], units=["VO"])
    auth.login("vc@ex.se")
    assert client.get("/org/units/VO02").status_code == 200
    assert client.get("/org/units/VO01A").status_code == 200
    assert client.get("/org/units/BU01").status_code == 404
    mine = client.get("/org/mine").get_data(as_text=True)
    assert "Hemtjänst Norr" in mine and "Förskolan Solrosen" not in mine


def test_manager_without_role_but_with_units_gets_nothing(client, auth, make_user, org):
    make_user("former@ex.se", roles=[], units=["VO01"])
    auth.login("former@ex.se")
    assert client.get("/org/units/VO01").status_code == 403


def test_unknown_unit_is_404_not_500(client, auth, make_user, org):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    assert client.get("/org/units/NOPE").status_code == 404


def test_several_roles_add_up(client, auth, make_user, org):
    make_user("both@ex.se", roles=["hr_analyst", "manager"], units=["BU01"])
    auth.login("both@ex.se")
    assert client.get("/org/").status_code == 200
    assert client.get("/org/units/BU01").status_code == 200
    assert client.get("/org/units/VO01").status_code == 404
    assert client.get("/hr/users").status_code == 403
