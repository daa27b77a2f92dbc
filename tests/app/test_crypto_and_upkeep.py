"""Encryption at rest, key rotation and housekeeping."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from survey_app.crypto import CannotOpen, KeyConfigError, Keyring, generate_key_spec
from survey_app.models import Draft, Response
from survey_app.respond.submission import open_texts
from tests.app.survey_helpers import STEP_ANSWERS, answer_all, invite, post_step


def test_sealed_value_is_bound_to_its_row_and_column():
    ring = Keyring.parse(generate_key_spec(1))
    sealed = ring.seal("hemligt", table="responses", row_id="a", column="sealed_texts")
    assert ring.open(sealed, table="responses", row_id="a", column="sealed_texts") == "hemligt"
    with pytest.raises(CannotOpen):
        ring.open(sealed, table="responses", row_id="b", column="sealed_texts")
    with pytest.raises(CannotOpen):
        ring.open(sealed, table="drafts", row_id="a", column="sealed_answers")
    assert sealed != ring.seal("hemligt", table="responses", row_id="a", column="sealed_texts")


def test_bad_key_configuration_is_refused():
    for spec in ("", "1:notbase64!!", "1:" + "QUJD", "x:" + generate_key_spec().split(":")[1]):
        with pytest.raises(KeyConfigError):
            Keyring.parse(spec)


def test_rotation_reseals_under_the_new_key(app, runner, db, org):
    [token] = invite(app)
    answer_all(app.test_client(), token)
    old = app.config["ENCRYPTION_KEYS"]
    app.config["ENCRYPTION_KEYS"] = old + "," + generate_key_spec(2)
    app.extensions["keyring"] = Keyring.parse(app.config["ENCRYPTION_KEYS"])
    result = runner.invoke(args=["keys", "reseal"])
    assert "re-sealed 1 values with key 2" in result.output
    db.expire_all()
    stored = db.scalar(select(Response))
    assert stored.sealed_texts.startswith("v2:")
    only_new = Keyring.parse(app.config["ENCRYPTION_KEYS"].split(",", 1)[1])
    assert open_texts(only_new, stored)["comment"] == STEP_ANSWERS[2]["comment"]


def test_housekeeping_deletes_expired_drafts(app, runner, db, org):
    [token] = invite(app, today=date.today() - timedelta(days=59))
    client = app.test_client()
    client.get(f"/s/{token}")
    post_step(client, 1, STEP_ANSWERS[0], action="later")
    assert db.scalar(select(Draft)) is not None
    draft = db.scalar(select(Draft))
    draft.expires_on = date.today() - timedelta(days=1)
    db.commit()
    result = runner.invoke(args=["survey", "housekeep"])
    assert "deleted 1 expired drafts" in result.output
    db.expire_all()
    assert db.scalar(select(Draft)) is None
