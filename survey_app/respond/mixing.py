"""Hiding each new response among older ones, so storage never pairs it with its link.

A submission inserts its response with ``mixed = false`` in the same transaction that
claims the invitation, so on PostgreSQL both rows carry that transaction's id (xmin)
and the response sits at the end of the heap. Right after the commit, the mixer takes
every unmixed response plus a random run of older responses of the same quarter,
deletes exactly those rows (by id) and inserts them again in random order in one
transaction. Afterwards the new response shares its transaction id and its storage
neighbourhood with at least ``sample`` others, and the invitation it used no longer
shares a transaction id with anything.

Correct under concurrency by construction: the mixer deletes only rows it has read
(by primary key), never by a predicate, so a response committed meanwhile is never
touched; a response the mixer did not see stays unmixed for the next run. Only one
mixer runs at a time (a PostgreSQL advisory lock, taken without waiting; SQLite's
write lock, taken before the first read), and its cost depends on the sample and the
number of unmixed rows, not on the size of the quarter.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey_app.models import Invitation, Response

DEFAULT_SAMPLE = 20
MAX_PENDING = 500  # one run's share of a burst; the rest waits for the next run
_ADVISORY_KEY = 0x6176_6700  # "avg": one mixer per database at a time
_random = random.SystemRandom()


def mix_pending(db: Session, *, sample: int = DEFAULT_SAMPLE, used_digest: str | None = None) -> int:
    """Mix the unmixed responses into older ones; returns how many were mixed, or -1.

    -1 means another mixer holds the lock; its run (or the next one) takes these rows.
    Call with no transaction open; this commits or rolls back its own.
    ``used_digest`` is the invitation the caller just claimed: it is touched in the
    same transaction, so used invitations share transaction ids in batches too.
    """
    db.rollback()
    try:
        if not _lock(db):
            db.rollback()
            return -1
        pending = db.execute(select(Response.__table__).where(Response.mixed.is_(False))
                             .limit(MAX_PENDING)).mappings().all()
        if not pending:
            db.rollback()
            return 0
        rows = [dict(r) for r in pending]
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in rows:
            groups[(row["questionnaire_key"], row["quarter"])].add(row["id"])
        for (key, quarter), fresh in groups.items():
            rows += [dict(r) for r in _older_run(db, key, quarter, sample, exclude=fresh)]
        _rewrite(db, rows)
        if used_digest:
            _touch_used(db, used_digest, sample)
        db.commit()
        return len(pending)
    except OperationalError:
        db.rollback()  # busy or gone: the rows stay unmixed and are taken by the next run
        return -1


def _lock(db: Session) -> bool:
    if db.bind.dialect.name == "postgresql":
        return bool(db.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                               {"k": _ADVISORY_KEY}).scalar())
    # SQLite: take the write lock before reading, so what is read cannot change under us.
    db.execute(text("BEGIN IMMEDIATE"))
    return True


def _older_run(db: Session, key: str, quarter: str, size: int, exclude: set[str]):
    """A run of ``size`` mixed responses of the quarter that starts at a random id.

    Ids are random UUIDs, so a run of consecutive ids is a random sample; the index
    on (key, quarter, id) makes this cost O(size) whatever the size of the quarter.
    """
    table = Response.__table__
    pivot = str(uuid.UUID(int=_random.getrandbits(128)))
    where = ((table.c.questionnaire_key == key) & (table.c.quarter == quarter)
             & table.c.mixed.is_(True))
    after = db.execute(select(table).where(where, table.c.id >= pivot)
                       .order_by(table.c.id).limit(size)).mappings().all()
    before = db.execute(select(table).where(where, table.c.id < pivot)
                        .order_by(table.c.id).limit(size - len(after))).mappings().all() \
        if len(after) < size else []
    return [r for r in (*after, *before) if r["id"] not in exclude]


def _rewrite(db: Session, rows: list[dict]) -> None:
    table = Response.__table__
    ids = [row["id"] for row in rows]
    db.execute(delete(table).where(table.c.id.in_(ids)))
    _random.shuffle(rows)
    db.execute(insert(table), [row | {"mixed": True} for row in rows])


def _touch_used(db: Session, digest: str, sample: int) -> None:
    """Rewrite the just-used invitation together with a random run of other used ones."""
    pivot = f"{_random.getrandbits(256):064x}"
    column = Invitation.token_digest
    used = Invitation.used.is_(True)
    run = list(db.scalars(select(column).where(used, column >= pivot).order_by(column)
                          .limit(sample)))
    if len(run) < sample:  # wrap around to the start, as a ring of random digests
        run += db.scalars(select(column).where(used, column < pivot).order_by(column)
                          .limit(sample - len(run)))
    db.execute(update(Invitation).where(column.in_([digest, *run])).values(used=True))
