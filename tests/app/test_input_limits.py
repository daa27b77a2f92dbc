"""Issue 12, item 11: oversized, NUL and non-UTF-8 input is refused centrally, never echoed."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from survey_app.models import Draft, OrgUnit, Response
from tests.app.conftest import csrf_from
from tests.app.survey_helpers import STEP_ANSWERS, invite, post_step


def saved_draft(app, client, db) -> str:
    """A respondent part-way through, with a saved draft; returns its sealed answers."""
    [token] = invite(app)
    client.get(f"/s/{token}")
    post_step(client, 1, STEP_ANSWERS[0])
    assert post_step(client, 2, STEP_ANSWERS[1], action="later").status_code == 302
    client.get(f"/s/{token}")  # back the next day, to the last step
    db.expire_all()
    return db.scalar(select(Draft.sealed_answers))


def unchanged(db, before: str) -> bool:
    db.expire_all()
    return (db.scalar(select(Draft.sealed_answers)) == before
            and db.scalar(select(func.count()).select_from(Response)) == 0)


def test_defaults_are_sane(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    assert app.config["MAX_FIELD_LENGTH"] == 10_000
    assert app.config["MAX_UPLOAD_LENGTH"] > app.config["MAX_CONTENT_LENGTH"]


def test_nul_in_a_respondent_answer_is_400_and_the_draft_is_unchanged(app, client, org, db):
    before = saved_draft(app, client, db)
    answers = {**STEP_ANSWERS[2], "comment": "Hej\x00då hemlig text"}
    response = post_step(client, 3, answers)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "NUL-tecken" in body and "Inget sparades" in body
    assert "hemlig text" not in body
    assert unchanged(db, before)


def test_invalid_utf8_in_a_respondent_answer_is_400_and_the_draft_is_unchanged(
        app, client, org, db):
    before = saved_draft(app, client, db)
    token = csrf_from(client.get("/s/step/3").get_data(as_text=True))
    for raw in (b"%FF%FE", b"\xff\xfe"):
        body = (b"csrf_token=" + token.encode() + b"&action=next&recommend=6&come_back=unsure"
                b"&comment=" + raw)
        response = client.post("/s/step/3", data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, raw
        assert "inte giltig UTF-8" in response.get_data(as_text=True)
        assert unchanged(db, before)


def test_a_megabyte_answer_is_413_with_a_short_page(app, client, org, db):
    before = saved_draft(app, client, db)
    response = post_step(client, 3, {**STEP_ANSWERS[2], "comment": "x" * (1024 * 1024)})
    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "för stort" in body and "x" * 100 not in body and len(body) < 20_000
    assert unchanged(db, before)


def test_an_overlong_field_under_the_body_limit_is_400_without_echo(app, client, org, db):
    before = saved_draft(app, client, db)
    response = post_step(client, 3, {**STEP_ANSWERS[2], "comment": "y" * 50_000})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "fler än 10000 tecken" in body and "y" * 100 not in body
    assert unchanged(db, before)


def test_the_body_limit_is_configurable(make_app):
    small = make_app({"MAX_CONTENT_LENGTH": 2000, "RATELIMIT_STORAGE_URI": "memory://"})
    response = small.test_client().post("/auth/login", data={"username": "a" * 3000})
    assert response.status_code == 413


def test_staff_forms_are_covered_too(client, org):
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={"csrf_token": csrf_from(page),
                                                "username": "hr\x00@ex.se", "password": "x"})
    assert response.status_code == 400
    assert "NUL-tecken" in response.get_data(as_text=True)
    english = client.get("/auth/login?lang=en")
    response = client.post("/auth/login", data={
        "csrf_token": csrf_from(english.get_data(as_text=True)), "username": "a\x00"})
    assert "NUL character" in response.get_data(as_text=True)


def test_invalid_utf8_in_a_multipart_field_is_400(client, auth, make_user, org, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    token = csrf_from(client.get("/org/import").get_data(as_text=True)).encode()
    boundary = b"XyZ"
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token +
            b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n\xff\xfe"
            b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"o.csv\"\r\n"
            b"Content-Type: text/csv\r\n\r\ncode,name,parent_code,type\r\nX,Y,,kommun\r\n"
            b"\r\n--XyZ--\r\n")
    response = client.post("/org/import", data=body,
                           content_type="multipart/form-data; boundary=" + boundary.decode())
    assert response.status_code == 400
    assert "inte giltig UTF-8" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(OrgUnit)) == 7  # the org fixture only


def test_a_file_import_may_be_larger_than_a_form(client, auth, make_user, db):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")
    lines = ["code,name,parent_code,type", "EK,Exempel kommun,,kommun"]
    lines += [f"U{i:04d},Enhet {i} {'med ett långt namn ' * 6},EK,enhet" for i in range(2500)]
    content = ("\n".join(lines) + "\n").encode()
    assert len(content) > 256 * 1024
    page = client.get("/org/import").get_data(as_text=True)
    response = client.post("/org/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(content), "org.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.scalar(select(func.count()).select_from(OrgUnit)) == 2501
