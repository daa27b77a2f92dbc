"""Hiding each new response among older ones, so storage never pairs it with its link.

A submission inserts its response (``mixed = false``) in the transaction that claims
the invitation, so on PostgreSQL both rows carry that transaction's id (``xmin``) and
the response sits at the end of the heap. Right after the commit (on SQLite, which has
no transaction ids, inside the submission's transaction) the mixer rewrites
it together with one whole earlier *mix group* of the same quarter: it deletes exactly
those rows (by id) and inserts them again, in random order, in one transaction, which
becomes their shared ``xmin``. Groups hold between ``size`` and ``2 * size - 1``
responses: when a merge would reach ``2 * size`` it is written as two groups (in the
same transaction, so on PostgreSQL they share one ``xmin``: a larger set, never a
smaller one).

Why whole groups: a group is only ever merged or split into parts of at least
``size``, never thinned out, so at every moment each response shares its transaction
id with at least ``size - 1`` others (once the quarter has that many), and the group
that holds the newest response also holds at least ``size`` older ones.

Correct under concurrency: the mixer deletes only rows it has read, by primary key, so
a response committed meanwhile is never touched; one it did not see stays unmixed for
the next run. One mixer runs at a time (a PostgreSQL transaction-level advisory lock
taken without waiting; SQLite's write lock taken before the first read). The work per run depends on
``size`` and on the number of unmixed rows, not on the size of the quarter.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections import defaultdict

from sqlalchemy import delete, func, insert, not_, select, text, true, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from survey_app.models import Response

DEFAULT_SAMPLE = 20
MAX_PENDING = 500  # one run's share of a burst; the rest waits for the next run
_ADVISORY_KEY = 0x6176_6700  # "avg": one mixer per database at a time
_random = random.SystemRandom()
_table = Response.__table__
logger = logging.getLogger(__name__)


def mix_pending(db: Session, *, sample: int = DEFAULT_SAMPLE) -> int:
    """Mix the unmixed responses into earlier groups, in transactions of their own.

    Returns how many were mixed, or -1 when another mixer holds the lock (it looks again
    for waiting rows after it commits, so these are taken) or the database refused;
    nothing is lost either way. Call with no transaction open.
    """
    mixed = 0
    try:
        for _round in range(20):  # look again: rows may have come while this run held the lock
            done = _mix_once(db, _group_size(sample))
            if done <= 0:
                return mixed or done
            mixed += done
    except DBAPIError as exc:
        db.rollback()
        logger.warning("Mixing skipped, rows wait for the next run: %s",
                       type(getattr(exc, "orig", exc)).__name__)
        return -1
    return mixed


def mix_in_submission(db: Session, *, sample: int = DEFAULT_SAMPLE) -> bool:
    """On SQLite, mix inside the submission's own transaction; False elsewhere.

    SQLite keeps no transaction ids, so nothing is gained by a transaction of its own,
    while a second write transaction would take the database's one write lock again.
    The submission's first statement already holds that lock.
    """
    if db.bind.dialect.name != "sqlite":
        return False
    mix_rows(db, _group_size(sample))
    return True


def _group_size(sample: int) -> int:
    return max(sample, 1) + 1  # a new response hides among at least ``sample`` others


# "NOT mixed" (SQLite: "mixed = 0"), the predicate of the small partial index. Queries on
# it order by id, the index's column, so the planner takes the index even before the
# table has statistics (a bulk load, a fresh restore), instead of scanning the quarter.
_WAITING = not_(_table.c.mixed)


def _mix_once(db: Session, size: int) -> int:
    """One run in one transaction: 0 if nothing waits, -1 if another run has the lock.

    PostgreSQL: a transaction-scoped advisory lock, not waited for; the run does not
    wait for its commit to reach the disk, because losing a mix in a crash only leaves
    the rows as they were (the responses themselves were committed durably before).
    SQLite: the write lock, taken before the first read.
    """
    db.rollback()
    if db.bind.dialect.name == "postgresql":
        # One round trip: is anything waiting, and if so, the lock (no row: nothing waits).
        waiting = select(_table.c.id).where(_WAITING).order_by(_table.c.id).limit(1).subquery()
        state = db.execute(select(func.set_config("synchronous_commit", "off", true()),
                                  func.pg_try_advisory_xact_lock(_ADVISORY_KEY))
                           .select_from(waiting)).first()
        if state is None or not state[1]:
            db.rollback()
            return 0 if state is None else -1
    else:
        waiting = db.scalar(select(_table.c.id).where(_WAITING).order_by(_table.c.id)
                            .limit(1)) is not None
        db.rollback()  # the lock below opens the mixing transaction
        if not waiting:
            return 0  # nothing waits: no lock taken
        db.execute(text("BEGIN IMMEDIATE"))
    count = mix_rows(db, size)
    db.commit()
    return count


def mix_rows(db: Session, size: int) -> int:
    """Rewrite every unmixed response with one earlier group of its quarter (caller commits)."""
    in_place = _rewrites_in_place(db)
    columns = _KEYS if in_place else tuple(_table.c)
    pending = [dict(r) for r in db.execute(
        select(*columns).where(_WAITING).order_by(_table.c.id).limit(MAX_PENDING)).mappings()]
    by_quarter: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in pending:
        by_quarter[(row["questionnaire_key"], row["quarter"])].append(row)
    for (key, quarter), fresh in by_quarter.items():
        _merge(db, fresh + _random_group(db, key, quarter, size, columns), size, in_place)
    return len(pending)


# What an in-place rewrite needs to know of a row: which it is and where it belongs.
_KEYS = (_table.c.id, _table.c.questionnaire_key, _table.c.quarter)


def _rewrites_in_place(db: Session) -> bool:
    """SQLite: an UPDATE of the group's rows is as good as deleting and inserting them.

    Its ``responses`` table is stored in the order of the random ids (WITHOUT ROWID), so
    a row inserted again lands exactly where it was; what the mix must achieve there is
    that every row of the group is written in the same commit as the new response, and
    an UPDATE of their group label does that without reading the answers. PostgreSQL
    appends rows in arrival order, so its rows are deleted and inserted in random order.
    """
    return db.bind.dialect.name == "sqlite"


def _random_group(db: Session, key: str, quarter: str, size: int, columns) -> list[dict]:
    """The whole mix group of a random mixed response of the quarter (O(group) rows).

    Ids are random UUIDs, so the first id after a random pivot is a random response.
    Rows from before mix groups existed have none; a random run of them stands in.
    """
    where = ((_table.c.questionnaire_key == key) & (_table.c.quarter == quarter)
             & (_table.c.mixed == true()))
    pivot = str(uuid.UUID(int=_random.getrandbits(128)))
    first = db.execute(select(_table.c.id, _table.c.mix_group).where(where, _table.c.id >= pivot)
                       .order_by(_table.c.id).limit(1)).first() or \
        db.execute(select(_table.c.id, _table.c.mix_group).where(where)
                   .order_by(_table.c.id).limit(1)).first()
    if first is None:
        return []
    if first.mix_group is not None:
        return [dict(r) for r in db.execute(
            select(*columns).where(_table.c.mix_group == first.mix_group)).mappings()]
    legacy = where & _table.c.mix_group.is_(None)
    run = [dict(r) for r in db.execute(select(*columns).where(legacy, _table.c.id >= first.id)
                                       .order_by(_table.c.id).limit(size)).mappings()]
    if len(run) < size:  # wrap around: ids form a ring
        run += [dict(r) for r in db.execute(select(*columns).where(legacy, _table.c.id < first.id)
                                            .order_by(_table.c.id).limit(size - len(run)))
                .mappings()]
    return run


def _merge(db: Session, rows: list[dict], size: int, in_place: bool) -> None:
    """Write ``rows`` as one group, or as several of ``size`` to ``2 * size - 1`` rows."""
    _random.shuffle(rows)
    parts = max(1, len(rows) // size)
    for index in range(parts):
        _rewrite(db, rows[index::parts], in_place)


def _rewrite(db: Session, rows: list[dict], in_place: bool) -> None:
    """One group: write exactly these ids again, under a new group label."""
    group = str(uuid.uuid4())
    ids = [row["id"] for row in rows]
    if in_place:
        db.execute(update(_table).where(_table.c.id.in_(ids)).values(mixed=True, mix_group=group))
        return
    db.execute(delete(_table).where(_table.c.id.in_(ids)))
    _random.shuffle(rows)
    db.execute(insert(_table), [row | {"mixed": True, "mix_group": group} for row in rows])
