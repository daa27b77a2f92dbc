"""Issue 12, item 6: printed links without look-alike characters; old links still work."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

from flask import render_template_string

from survey_app.crypto import (
    TOKEN_ALPHABET,
    new_token,
    normalise_token,
    printed_link,
    printed_token,
    token_digest,
)
from survey_app.models import Invitation, OpenLink
from tests.app.survey_helpers import QUARTER, invite, open_link


def test_new_tokens_use_no_look_alike_characters_and_carry_128_bits_or_more():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]+", token), token
        assert not set(token) & set("ilouILOU_-")
        assert len(token) * 5 >= 128  # 32 symbols: five bits each
    assert len(TOKEN_ALPHABET) == 32 and not set(TOKEN_ALPHABET) & set("ilou")


def test_printed_form_is_grouped_and_every_typed_form_reads_back():
    token = new_token()
    printed = printed_token(token)
    assert re.fullmatch(r"([0-9a-z]{4}-){6}[0-9a-z]{4}", printed)
    assert printed.replace("-", "") == token
    for typed in (token, printed, printed.upper(), token.upper(), " " + printed + " ",
                  printed.replace("-", " ")):
        assert normalise_token(typed) == token
    # Crockford: what looks like 1 or 0 reads as 1 or 0.
    assert normalise_token("o" + token[1:]) == "0" + token[1:]
    assert normalise_token("L" + token[1:]) == "1" + token[1:]
    old = secrets.token_urlsafe(16)
    assert normalise_token(old) is None and printed_token(old) == old
    assert printed_link("https://avgang.kommun.se/s/" + token) == "https://avgang.kommun.se/s/" + printed


def test_printed_link_filter_is_available_to_the_handout_template(app):
    token = new_token()
    with app.test_request_context():
        shown = render_template_string("{{ url | printed_link }}", url="https://x.se/s/" + token)
    assert shown == "https://x.se/s/" + printed_token(token)


def test_new_link_opens_as_printed_in_any_case_with_or_without_hyphens(app, client, org):
    [token] = invite(app)
    assert normalise_token(token) == token  # issued in the new form
    for typed in (printed_token(token), printed_token(token).upper(), token.upper(), token):
        fresh = app.test_client()
        response = fresh.get(f"/s/{typed}")
        assert response.status_code == 302, typed
        assert response.headers["Location"] == "/s/"
        assert fresh.get("/s/").status_code == 200


def test_links_issued_before_the_new_alphabet_keep_working(app, client, org, db):
    old = "Ab0_O1l-" + secrets.token_urlsafe(16)[:14]  # the old mixed-case URL-safe form
    secret = app.config["TOKEN_HMAC_KEY"] or app.config["SECRET_KEY"]
    db.add(Invitation(token_digest=token_digest(secret, old), batch=None, position=None,
                      questionnaire_key="exit_survey", unit_id=org["VO01"].id,
                      occupational_group_code="USK", tenure_band="lt_6m",
                      ending_type="own_resignation", leaving_quarter=QUARTER,
                      created_on=date.today(), expires_on=date.today() + timedelta(days=30)))
    db.commit()
    assert client.get(f"/s/{old}").status_code == 302
    assert client.get("/s/").status_code == 200
    # Case matters for the old form: another case is another (unknown) token.
    assert app.test_client().get(f"/s/{old.swapcase()}").status_code == 404


def test_open_links_resolve_in_old_and_new_forms(app, client, org, db):
    token = open_link(app)
    assert normalise_token(token) == token
    assert app.test_client().get(f"/s/o/{printed_token(token).upper()}").status_code == 302
    link = db.query(OpenLink).one()
    old = "Xy_" + secrets.token_urlsafe(16)[:19]
    link.token = old
    db.commit()
    assert app.test_client().get(f"/s/o/{old}").status_code == 302
    assert app.test_client().get(f"/s/o/{old.lower()}").status_code == 404
