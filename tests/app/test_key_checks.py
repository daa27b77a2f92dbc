"""A well-formed but wrong encryption key is refused at start; rotation and racing starts work."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, inspect, select
from sqlalchemy.exc import OperationalError

from survey_app import create_app, key_checks
from survey_app.config import ConfigError
from survey_app.crypto import Keyring, generate_key_spec
from survey_app.key_checks import CHECK_TEXT, KeyCheckError, verify_keys
from survey_app.models import KeyCheck


@pytest.fixture
def checks(app, db):
    """Start from an empty key_checks table (the `app` fixture wrote the dev key's row)."""
    db.execute(delete(KeyCheck))
    db.commit()
    return db


def stored_versions(db) -> dict[int, str]:
    db.expire_all()
    return dict(db.execute(select(KeyCheck.version, KeyCheck.sealed)).tuples().all())


def opens(spec: str, version: int, sealed: str) -> bool:
    ring = Keyring.parse(spec)
    return ring.open(sealed, table="key_checks", row_id=str(version), column="sealed") == CHECK_TEXT


def test_first_start_stores_a_check_value_sealed_with_that_key(make_app, checks):
    key = generate_key_spec(1)
    make_app({"ENCRYPTION_KEYS": key})
    stored = stored_versions(checks)
    assert list(stored) == [1] and stored[1].startswith("v1:")
    assert opens(key, 1, stored[1])


def test_wrong_key_of_the_same_version_is_refused(make_app, checks):
    right = generate_key_spec(1)
    make_app({"ENCRYPTION_KEYS": right})
    with pytest.raises(KeyCheckError, match="ENCRYPTION_KEYS key 1 is not this deployment's key 1"):
        make_app({"ENCRYPTION_KEYS": generate_key_spec(1)})
    assert issubclass(KeyCheckError, ConfigError)
    make_app({"ENCRYPTION_KEYS": right})  # the right key still starts


def test_a_refused_key_writes_no_check_value_for_a_new_one(make_app, checks):
    make_app({"ENCRYPTION_KEYS": generate_key_spec(1)})
    with pytest.raises(KeyCheckError, match="key 1 is not"):
        make_app({"ENCRYPTION_KEYS": generate_key_spec(1) + "," + generate_key_spec(2)})
    assert list(stored_versions(checks)) == [1]


def test_missing_newest_key_is_refused_naming_it(make_app, checks):
    v1, v2 = generate_key_spec(1), generate_key_spec(2)
    make_app({"ENCRYPTION_KEYS": f"{v1},{v2}"})
    with pytest.raises(KeyCheckError, match="ENCRYPTION_KEYS lacks key 2") as refused:
        make_app({"ENCRYPTION_KEYS": v1})
    assert "newest key configured is 1" in str(refused.value)


def test_rotation_writes_the_new_keys_row_and_the_old_key_can_retire(make_app, checks):
    v1, v2 = generate_key_spec(1), generate_key_spec(2)
    make_app({"ENCRYPTION_KEYS": v1})
    rotated = make_app({"ENCRYPTION_KEYS": f"{v1},{v2}"})
    stored = stored_versions(checks)
    assert sorted(stored) == [1, 2] and opens(v2, 2, stored[2])

    result = rotated.test_cli_runner().invoke(args=["keys", "reseal"])
    assert result.exit_code == 0, result.output
    assert stored_versions(checks) == stored  # check values keep the key they test

    make_app({"ENCRYPTION_KEYS": v2})  # key 1 removed after the reseal
    with pytest.raises(KeyCheckError, match="key 2 is not"):
        make_app({"ENCRYPTION_KEYS": generate_key_spec(2)})


def test_two_workers_starting_at_once_both_start(app, checks, monkeypatch):
    """Both read an empty table, then both insert: the loser re-reads and verifies."""
    both_have_read = threading.Barrier(2, timeout=10)
    real_seal = key_checks.seal_check

    def seal_after_both_read(keyring, version):
        both_have_read.wait()
        return real_seal(keyring, version)

    monkeypatch.setattr(key_checks, "seal_check", seal_after_both_read)
    keyring = app.extensions["keyring"]
    factory = app.extensions["database"].factory
    failures: list[BaseException] = []

    def start() -> None:
        session = factory()
        try:
            verify_keys(session, keyring)
        except BaseException as exc:
            failures.append(exc)
        finally:
            session.close()

    workers = [threading.Thread(target=start) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert failures == []
    assert list(stored_versions(checks)) == [keyring.current]


def test_losing_the_race_to_another_key_is_refused(make_app, checks, monkeypatch):
    """Another worker stores its value between our read and our insert: ours must match it."""
    theirs = generate_key_spec(1)
    real_seal = key_checks.seal_check

    def others_insert_first(keyring, version):
        checks.add(KeyCheck(version=version, sealed=real_seal(Keyring.parse(theirs), version)))
        checks.commit()
        monkeypatch.setattr(key_checks, "seal_check", real_seal)
        return real_seal(keyring, version)

    monkeypatch.setattr(key_checks, "seal_check", others_insert_first)
    with pytest.raises(KeyCheckError, match="key 1 is not"):
        make_app({"ENCRYPTION_KEYS": generate_key_spec(1)})

    checks.execute(delete(KeyCheck))
    checks.commit()
    monkeypatch.setattr(key_checks, "seal_check", others_insert_first)
    make_app({"ENCRYPTION_KEYS": theirs})  # same key: the stored value opens
    assert list(stored_versions(checks)) == [1]


def test_database_not_yet_migrated_is_skipped(tmp_path):
    url = "sqlite:///" + str(tmp_path / "fresh.sqlite3")
    app = create_app({"DATABASE_URL": url, "ENCRYPTION_KEYS": generate_key_spec(1)})
    engine = app.extensions["database"].engine
    assert not inspect(engine).has_table("key_checks")
    engine.dispose()


def test_other_database_errors_stop_the_start(tmp_path):
    url = "sqlite:///" + str(tmp_path / "no-such-folder" / "db.sqlite3")
    with pytest.raises(OperationalError):
        create_app({"DATABASE_URL": url})
