"""Sign-in limits hold across worker processes when they share Redis storage.

Two separate processes, like two gunicorn workers, each run the app against the same
database and the same Redis. Failed attempts made through either count towards one limit.
Set REQUIRE_REDIS=1 (CI does) to make a missing Redis an error instead of a skip.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


if not _redis_answers():
    if os.environ.get("REQUIRE_REDIS") == "1":
        raise RuntimeError(f"REQUIRE_REDIS=1 but no Redis answers at {REDIS_URL}")
    pytest.skip(f"no Redis at {REDIS_URL}: cross-process limits not checked",
                allow_module_level=True)


def attempt_sign_ins(database_url: str, prefix: str, passwords: list[str], out) -> None:
    """Run in a separate process: one 'worker' making sign-in attempts."""
    from survey_app import create_app
    from tests.app.conftest import Auth

    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "SECRET_KEY": "test-secret-" + "x" * 32,
                      "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix})
    auth = Auth(app.test_client())
    out.put([auth.login("hr@ex.se", password).status_code for password in passwords])
    app.extensions["database"].engine.dispose()


def run_worker(database_url: str, prefix: str, passwords: list[str]) -> list[int]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    worker = context.Process(target=attempt_sign_ins, args=(database_url, prefix, passwords, out))
    worker.start()
    codes = out.get(timeout=60)
    worker.join(timeout=30)
    return codes


def test_failed_attempts_in_two_processes_share_one_limit(database_url, make_user):
    from tests.app.conftest import PASSWORD

    make_user("hr@ex.se", roles=["hr_admin"])
    prefix = "test-" + secrets.token_hex(4)  # runs never see each other's counters
    wrong = "Fel-lösenord-helt-och-hållet"
    try:
        assert run_worker(database_url, prefix, [wrong] * 6) == [200] * 6
        # the second worker has seen no failures itself, yet the account is locked after 4
        assert run_worker(database_url, prefix, [wrong] * 4 + [PASSWORD]) == [200] * 4 + [429]
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
