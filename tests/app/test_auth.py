"""Sign-in, sign-out, sessions, passwords and the rate limit, as staff experience them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey_app.auth.passwords import password_problems
from survey_app.models import AuditEvent, StaffSession
from tests.app.conftest import PASSWORD, csrf_from


def test_sign_in_lands_on_start_page_with_role_tasks(client, auth, make_user, org):
    make_user("hr@ex.se", roles=["hr_admin"])
    response = auth.login("hr@ex.se")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Välkommen, hr" in page
    assert "Användare och roller" in page and "Organisationen" in page


def test_wrong_password_and_unknown_user_get_the_same_answer(client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    wrong = auth.login("hr@ex.se", "Fel-lösenord-helt-och-hållet")
    unknown = auth.login("nobody@ex.se", "Fel-lösenord-helt-och-hållet")
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out
    failed = db.scalars(select(AuditEvent.actor_label).where(
        AuditEvent.event == "sign_in_failed")).all()
    assert sorted(failed) == ["hr@ex.se", "nobody@ex.se"]


def test_unknown_user_costs_a_password_hash_too(monkeypatch, app, make_user, db):
    from survey_app.auth import services

    calls = []
    real = services.verify_password
    monkeypatch.setattr(services, "verify_password",
                        lambda h, p: calls.append(h) or real(h, p))
    make_user("hr@ex.se", roles=["hr_admin"])
    assert services.authenticate(db, "nobody@ex.se", "whatever-password") is None
    assert services.authenticate(db, "hr@ex.se", "whatever-password") is None
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


def test_password_hash_is_argon2id_with_owasp_minimum(make_user):
    user = make_user("hr@ex.se", roles=["hr_admin"])
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_rate_limit_per_account_blocks_even_the_right_password(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    for _ in range(10):
        assert auth.login("hr@ex.se", "Fel-lösenord-helt-och-hållet").status_code == 200
    blocked = auth.login("hr@ex.se")
    assert blocked.status_code == 429
    assert "För många försök" in blocked.get_data(as_text=True)
    # another account from the same address is not locked by this one
    make_user("other@ex.se", roles=["hr_analyst"])
    assert auth.login("other@ex.se").status_code == 302


def test_rate_limit_per_address_across_accounts(app, client, auth):
    app.config["LOGIN_LIMIT_ADDRESS"] = "5 per 15 minutes"
    for n in range(5):
        auth.login(f"user{n}@ex.se", "Fel-lösenord-helt-och-hållet")
    assert auth.login("user99@ex.se", "Fel-lösenord-helt-och-hållet").status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    for _ in range(12):
        assert auth.login("hr@ex.se").status_code == 302
        auth.logout()


def test_post_without_csrf_token_is_rejected(client, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    response = client.post("/auth/login", data={"username": "hr@ex.se", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formuläret hade gått ut" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session_on_the_server(app, client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    stolen_cookie = client.get_cookie("session").value
    auth.logout()
    assert db.scalar(select(StaffSession)) is None
    thief = app.test_client()
    thief.set_cookie("session", stolen_cookie)
    assert thief.get("/hr/users").status_code == 302  # sent to sign-in, not served


def test_new_session_token_at_each_sign_in(client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    first = set(db.scalars(select(StaffSession.id)).all())
    auth.logout()
    auth.login("hr@ex.se")
    second = set(db.scalars(select(StaffSession.id)).all())
    assert len(first) == len(second) == 1 and first != second


def test_password_change_ends_every_session(app, client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    other_device = app.test_client()
    type(auth)(other_device).login("hr@ex.se")
    auth.login("hr@ex.se")
    page = client.get("/auth/password").get_data(as_text=True)
    new = "Ny-Lösenfras-Med-Flera-Ord-88"
    response = client.post("/auth/password", data={
        "current": PASSWORD, "new": new, "repeat": new, "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert other_device.get("/").status_code == 302
    assert client.get("/").status_code == 302
    assert auth.login("hr@ex.se", new).status_code == 302


def test_password_change_refuses_a_weak_password(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    page = client.get("/auth/password").get_data(as_text=True)
    response = client.post("/auth/password", data={
        "current": PASSWORD, "new": "password1234", "repeat": "password1234",
        "csrf_token": csrf_from(page)})
    assert response.status_code == 400
    assert "för vanligt" in response.get_data(as_text=True)


def test_role_change_ends_the_session(app, client, auth, make_user, db):
    from survey_app.auth.services import set_roles

    user = make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    assert client.get("/hr/users").status_code == 200
    set_roles(db, user, ["hr_analyst"], actor=None)
    db.commit()
    assert client.get("/hr/users").status_code == 302


def test_idle_timeout_after_30_minutes(client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    row = db.scalar(select(StaffSession))
    row.last_seen_at -= timedelta(minutes=31)
    db.commit()
    assert client.get("/").status_code == 302


def test_absolute_timeout_after_12_hours_even_when_active(client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    row = db.scalar(select(StaffSession))
    row.created_at -= timedelta(hours=12, minutes=1)
    row.last_seen_at -= timedelta(minutes=20)  # active recently, so only the 12 hours count
    db.commit()
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    response = auth.login("hr@ex.se")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_https_cookie_uses_host_prefix_and_secure(make_app):
    app = make_app({"HTTPS": True})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login", base_url="https://localhost")
    assert "Strict-Transport-Security" in response.headers
    assert response.headers["Set-Cookie"].startswith("__Host-session=")
    assert "Secure" in response.headers["Set-Cookie"]


def test_password_policy():
    assert password_problems("kort")  # too short
    assert password_problems("password1234")  # common
    assert password_problems("qwertyuiopas")  # keyboard walk
    assert password_problems("x" * 1025)  # over the bound
    assert not password_problems("Gran-Kaffe-Regnbåge-17")
    assert not password_problems("en lång lösenfras om en röd stuga vid sjön " * 5)


def test_saving_unchanged_roles_and_units_keeps_the_session(client, auth, make_user, org, db):
    from survey_app.auth.services import assign_units, set_roles

    user = make_user("chef@ex.se", roles=["manager"], units=["VO01"])
    auth.login("chef@ex.se")
    set_roles(db, user, ["manager"], actor=None)
    assign_units(db, user, ["VO01"], actor=None)
    db.commit()
    assert client.get("/org/mine").status_code == 200
    assign_units(db, user, ["VO02"], actor=None)  # a real change signs the person out
    db.commit()
    assert client.get("/org/mine").status_code == 302
