"""HR creates invitations: one by one, from a leaver file, and open links."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from survey_app.models import Invitation, OpenLink
from tests.app.conftest import csrf_from

TODAY = date.today()


def leaver_file(rows: list[str], header="unit_code,occupational_group_code,employment_start,"
                                        "last_working_day,ending_type,name,personnummer") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def good_rows() -> list[str]:
    last = (TODAY - timedelta(days=10)).isoformat()
    return [
        f"VO01,USK,{(TODAY - timedelta(days=100)).isoformat()},{last},egen uppsägning,"
        "Anna Andersson,19800101-1234",
        f"VO02,USK,2010-03-01,{last},pension,Bertil Berg,19580505-4321",
        f"BU01,FSL,{(TODAY - timedelta(days=500)).isoformat()},{last},fixed_term_ended,"
        "Cecilia Ceder,19950303-1111",
    ]


def signed_in_admin(client, auth, make_user):
    make_user("hr@ex.se", roles=["hr_admin"])
    auth.login("hr@ex.se")


def upload(client, content: bytes):
    page = client.get("/hr/invitations/import").get_data(as_text=True)
    return client.post("/hr/invitations/import", content_type="multipart/form-data",
                       data={"csrf_token": csrf_from(page),
                             "file": (io.BytesIO(content), "avgangar.csv")},
                       follow_redirects=True)


def test_import_turns_dates_into_bands_and_forgets_the_rest(client, auth, make_user, org, db):
    signed_in_admin(client, auth, make_user)
    response = upload(client, leaver_file(good_rows()))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="handout"') == 3 and page.count("<svg") == 3
    assert "Kolumnerna name, personnummer lästes inte" in page  # told which were ignored
    rows = db.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [(r.tenure_band, r.ending_type) for r in rows] == [
        ("lt_6m", "own_resignation"), ("gt_10y", "retirement"), ("1_2y", "fixed_term_ended")]
    dump = " ".join(str(v) for r in rows for v in r.__dict__.values())
    for secret in ("Anna", "19800101", "2010-03-01", (TODAY - timedelta(days=10)).isoformat()):
        assert secret not in dump
    # the links on the handouts work, and only their digest is stored
    tokens = re.findall(r"/s/([A-Za-z0-9_-]{20,})", page)
    assert len(set(tokens)) == 3
    assert not any(t in dump for t in tokens)
    assert client.get(f"/s/{tokens[0]}").status_code == 302


def test_bad_rows_are_named_and_nothing_is_imported(client, auth, make_user, org, db):
    signed_in_admin(client, auth, make_user)
    rows = good_rows() + ["XX99,USK,2020-01-01,2026-01-01,egen uppsägning,,",
                          f"VO01,USK,igår,{TODAY.isoformat()},egen uppsägning,,",
                          f"VO01,ABC,2020-01-01,{TODAY.isoformat()},sparken,,"]
    response = upload(client, leaver_file(rows))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "rad 5: okänd enhetskod &#39;XX99&#39;" in body
    assert "rad 6: anställningsdatum &#39;igår&#39; är inte ett datum" in body
    assert "rad 7: okänd yrkesgrupp &#39;ABC&#39;" in body
    assert "rad 7: okänd typ av avslut &#39;sparken&#39;" in body
    assert db.scalar(select(func.count()).select_from(Invitation)) == 0


def test_missing_column_and_wrong_encoding(client, auth, make_user, org, db):
    signed_in_admin(client, auth, make_user)
    response = upload(client, b"unit_code,last_working_day\nVO01,2026-01-01\n")
    assert "kolumnen occupational_group_code saknas" not in response.get_data(as_text=True)
    assert "kolumnen employment_start saknas" in response.get_data(as_text=True)
    response = upload(client, "enhet;sista_arbetsdag\nÅsa;x\n".encode("latin-1"))
    assert "UTF-8" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Invitation)) == 0


def test_single_invitation_form_gives_a_handout(client, auth, make_user, org, db):
    signed_in_admin(client, auth, make_user)
    page = client.get("/hr/invitations/new").get_data(as_text=True)
    quarter = re.search(r'<option value="(\d{4}Q\d)"', page).group(1)
    response = client.post("/hr/invitations/new", data={
        "csrf_token": csrf_from(page), "unit_code": "VO01", "occupational_group_code": "USK",
        "tenure_band": "1_2y", "ending_type": "own_resignation", "quarter": quarter},
        follow_redirects=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Skriv ut lapparna nu" in body and "Enkät till dig som slutar" in body
    assert "Survey for you who are leaving" in body
    invitation = db.scalar(select(Invitation))
    assert invitation.tenure_band == "1_2y" and invitation.leaving_quarter == quarter
    assert invitation.expires_on == TODAY + timedelta(days=60)


def test_invalid_choice_in_form_is_an_error_not_a_crash(client, auth, make_user, org, db):
    signed_in_admin(client, auth, make_user)
    page = client.get("/hr/invitations/new").get_data(as_text=True)
    response = client.post("/hr/invitations/new", data={
        "csrf_token": csrf_from(page), "unit_code": "NOPE", "occupational_group_code": "USK",
        "tenure_band": "1_2y", "ending_type": "own_resignation", "quarter": "1999Q1"})
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(Invitation)) == 0


def test_reissue_replaces_lost_links(client, auth, make_user, org, db):
    signed_in_admin(client, auth, make_user)
    first = re.findall(r"/s/([A-Za-z0-9_-]{20,})", upload(client, leaver_file(
        good_rows())).get_data(as_text=True))
    batch = db.scalar(select(Invitation.batch))
    overview = client.get("/hr/invitations").get_data(as_text=True)
    response = client.post(f"/hr/invitations/batch/{batch}/reissue",
                           data={"csrf_token": csrf_from(overview)}, follow_redirects=True)
    second = re.findall(r"/s/([A-Za-z0-9_-]{20,})", response.get_data(as_text=True))
    assert len(set(second)) == 3 and not set(first) & set(second)
    assert client.get(f"/s/{first[0]}").status_code == 404
    assert client.get(f"/s/{second[0]}").status_code == 302


def test_open_link_poster_per_unit_and_quarter(client, auth, make_user, org, db):
    signed_in_admin(client, auth, make_user)
    page = client.get("/hr/open-links").get_data(as_text=True)
    quarter = re.search(r'<option value="(\d{4}Q\d)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "unit_code": "VO02", "quarter": quarter}
    poster = client.post("/hr/open-links", data=data).get_data(as_text=True)
    again = client.post("/hr/open-links", data=data).get_data(as_text=True)
    assert "<svg" in poster and "Hemtjänst Norr" in poster
    assert db.scalar(select(func.count()).select_from(OpenLink)) == 1  # same link reused
    token = re.search(r"/s/o/([A-Za-z0-9_-]+)", again).group(1)
    assert client.get(f"/s/o/{token}").status_code == 302


class FakeSMTP:
    """Stands in for smtplib.SMTP and keeps what would have been sent."""

    sent: list = []

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_link_by_email_is_sent_once_and_the_address_is_not_kept(app, client, auth, make_user,
                                                               org, db, monkeypatch):
    monkeypatch.setattr("survey_app.mail.smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    app.config.update(SMTP_HOST="smtp.example.se", SMTP_FROM="hr@exempel.se")
    signed_in_admin(client, auth, make_user)
    page = client.get("/hr/invitations/new").get_data(as_text=True)
    assert 'name="email"' in page
    quarter = re.search(r'<option value="(\d{4}Q\d)"', page).group(1)
    response = client.post("/hr/invitations/new", data={
        "csrf_token": csrf_from(page), "unit_code": "VO01", "occupational_group_code": "USK",
        "tenure_band": "1_2y", "ending_type": "own_resignation", "quarter": quarter,
        "email": "anna.andersson@privat.se"}, follow_redirects=True)
    assert "Länken är skickad" in response.get_data(as_text=True)
    [message] = FakeSMTP.sent
    assert message["To"] == "anna.andersson@privat.se"
    token = re.search(r"/s/([A-Za-z0-9_-]{20,})", message.get_content()).group(1)
    assert client.get(f"/s/{token}").status_code == 302
    from sqlalchemy import text

    for table in ("invitations", "audit_events", "drafts", "responses"):
        for row in db.execute(text(f"SELECT * FROM {table}")):
            assert "anna" not in " ".join(str(v).lower() for v in row)


def test_bad_email_address_is_an_error_and_nothing_is_created(app, client, auth, make_user,
                                                             org, db):
    app.config.update(SMTP_HOST="smtp.example.se", SMTP_FROM="hr@exempel.se")
    signed_in_admin(client, auth, make_user)
    page = client.get("/hr/invitations/new").get_data(as_text=True)
    quarter = re.search(r'<option value="(\d{4}Q\d)"', page).group(1)
    response = client.post("/hr/invitations/new", data={
        "csrf_token": csrf_from(page), "unit_code": "VO01", "occupational_group_code": "USK",
        "tenure_band": "1_2y", "ending_type": "own_resignation", "quarter": quarter,
        "email": "inte en adress"})
    assert response.status_code == 400
    assert "Skriv en giltig e-postadress." in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Invitation)) == 0
