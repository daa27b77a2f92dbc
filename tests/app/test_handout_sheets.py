"""Issue 12, item 7: the one-time links on a handout page survive a refresh and the language
switch (post-redirect-get), for a short while, for the HR user who made them and no one else."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import func, select, text

from survey_app.models import HandoutSheet, Invitation, InvitationBatch
from tests.app.conftest import Auth, csrf_from
from tests.app.test_invitations import good_rows, leaver_file, upload

TOKEN = r"/s/([0-9a-z-]{20,})"


def signed_in(client, auth, make_user, name="hr@ex.se"):
    make_user(name, roles=["hr_admin"])
    auth.login(name)


def create_one(client):
    page = client.get("/hr/invitations/new").get_data(as_text=True)
    quarter = re.search(r'<option value="(\d{4}Q\d)"', page).group(1)
    return client.post("/hr/invitations/new", data={
        "csrf_token": csrf_from(page), "unit_code": "VO01", "occupational_group_code": "USK",
        "tenure_band": "1_2y", "ending_type": "own_resignation", "quarter": quarter})


def tokens(response) -> list[str]:
    return re.findall(TOKEN, response.get_data(as_text=True))


def test_creating_redirects_to_a_handout_page_that_shows_the_same_links_again(
        client, auth, make_user, org, db):
    signed_in(client, auth, make_user)
    posted = create_one(client)
    assert posted.status_code == 303
    where = posted.headers["Location"]
    assert re.fullmatch(r"/hr/invitations/handouts/[A-Za-z0-9_-]{20,}", where)
    first = client.get(where)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert "Inbjudan är skapad" in first.get_data(as_text=True)
    [link] = set(tokens(first))
    assert set(tokens(client.get(where))) == {link}  # a refresh: same link, nothing new
    english = client.get(where + "?lang=en")
    assert set(tokens(english)) == {link}
    assert "The invitation has been created" in english.get_data(as_text=True)
    assert "The links are shown on this page for 30 minutes" in english.get_data(as_text=True)
    client.get(where + "?lang=sv")
    assert db.scalar(select(func.count()).select_from(Invitation)) == 1
    assert client.get(f"/s/{link.replace('-', '')}").status_code == 302  # the link works


def test_every_link_on_the_handout_page_is_safe_to_follow(client, auth, make_user, org, db):
    signed_in(client, auth, make_user)
    where = create_one(client).headers["Location"]
    page = client.get(where).get_data(as_text=True)
    [link] = set(re.findall(TOKEN, page))
    for href in set(re.findall(r'href="([^"#]+)"', page)):
        if href.startswith("/") and not href.startswith(("/s/", "/static/")):
            assert client.get(href.replace("&amp;", "&")).status_code in (200, 302), href
    assert db.scalar(select(func.count()).select_from(Invitation)) == 1
    assert set(tokens(client.get(where))) == {link}
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]


def test_another_hr_user_gets_404_and_a_new_sign_in_cannot_open_it(
        app, client, auth, make_user, org, db):
    signed_in(client, auth, make_user)
    where = create_one(client).headers["Location"]
    other = app.test_client()
    signed_in(other, Auth(other), make_user, "hr2@ex.se")
    assert other.get(where).status_code == 404
    assert client.get(where).status_code == 200
    auth.logout()
    auth.login("hr@ex.se")  # the same person, another sign-in: the key is gone
    gone = client.get(where)
    assert gone.status_code == 410
    assert not tokens(gone)
    assert db.scalar(select(HandoutSheet.sealed)) is None


def test_after_the_window_the_page_says_the_links_are_gone_and_how_to_replace_them(
        client, auth, make_user, org, db):
    signed_in(client, auth, make_user)
    where = create_one(client).headers["Location"]
    assert client.get(where).status_code == 200
    sheet = db.scalar(select(HandoutSheet))
    sheet.created_at -= timedelta(minutes=31)
    db.commit()
    gone = client.get(where)
    body = gone.get_data(as_text=True)
    assert gone.status_code == 410 and not tokens(gone)
    assert "Lapparna kan inte längre visas" in body
    assert "Skriv ut nya lappar" in body and 'href="/hr/invitations"' in body
    db.expire_all()
    assert db.scalar(select(HandoutSheet.sealed)) is None  # forgotten, not just hidden
    english = client.get(where + "?lang=en").get_data(as_text=True)
    assert "The handouts can no longer be shown" in english


def test_the_database_never_holds_a_token_in_clear(app, client, auth, make_user, org, db):
    signed_in(client, auth, make_user)
    where = upload(client, leaver_file(good_rows())).request.path
    assert where.startswith("/hr/invitations/handouts/")
    shown = set(t.replace("-", "") for t in tokens(client.get(where)))
    assert len(shown) == 3
    dump = " ".join(str(v) for row in db.execute(text("SELECT * FROM handout_sheets"))
                    for v in row)
    for token in shown:
        assert token not in dump and token not in dump.encode().hex()
    # the server's own keys do not open it either: it takes the HR user's sign-in cookie
    from survey_app.crypto import CannotOpen

    sealed = db.scalar(select(HandoutSheet.sealed))
    keyring = app.extensions["keyring"]
    try:
        keyring.open(sealed, table="handout_sheets", row_id=where.rsplit("/", 1)[1],
                     column="sealed")
        raise AssertionError("opened without the session")
    except CannotOpen:
        pass


def test_import_and_reissue_redirect_to_a_handout_page(client, auth, make_user, org, db):
    signed_in(client, auth, make_user)
    page = client.get("/hr/invitations/import").get_data(as_text=True)
    posted = client.post("/hr/invitations/import", content_type="multipart/form-data",
                         data={"csrf_token": csrf_from(page),
                               "file": (io.BytesIO(leaver_file(good_rows())), "a.csv")})
    assert posted.status_code == 303
    assert "3 inbjudningar är skapade" in client.get(posted.headers["Location"]).get_data(
        as_text=True)
    batch = db.scalar(select(InvitationBatch.id))
    overview = client.get("/hr/invitations").get_data(as_text=True)
    again = client.post(f"/hr/invitations/batch/{batch}/reissue",
                        data={"csrf_token": csrf_from(overview), "positions": "2"})
    assert again.status_code == 303
    shown = client.get(again.headers["Location"])
    assert "Nya lappar ersätter de gamla" in shown.get_data(as_text=True)
    assert len(set(tokens(shown))) == 1
    assert set(tokens(client.get(again.headers["Location"]))) == set(tokens(shown))
