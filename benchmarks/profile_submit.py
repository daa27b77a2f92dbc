"""One final submit at a time, in process: its time, statements and connection checkouts.

Run:  .venv/bin/python benchmarks/profile_submit.py --db sqlite|postgres [--links 60]
                                                    [--prestored 10000] [--cprofile]

The set-up is the load harness's (`load_submit.set_up`: a fresh database, prestored
responses, one-time links); every leaver walks her link with the Flask test client, and
only the final POST is measured. Where the load harness tells whether the target is met,
this tells where a submit's time goes, one request at a time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_submit import STEP_ANSWERS, app_settings, create_database, set_up  # noqa: E402

from survey_app import create_app, migrate  # noqa: E402
from survey_app.extensions import db as database  # noqa: E402

CSRF_MARK = 'name="csrf_token"'


def _csrf(html: str) -> str:
    start = html.index(CSRF_MARK)
    tag_start, tag_end = html.rindex("<", 0, start), html.index(">", start)
    tag = html[tag_start:tag_end]
    value = tag.index('value="') + len('value="')
    return tag[value:tag.index('"', value)]


def walk(client, token: str) -> dict:
    """Up to the last step's page; returns the final form."""
    assert client.get(f"/s/{token}").status_code == 302
    for number, answers in enumerate(STEP_ANSWERS, start=1):
        page = client.get(f"/s/step/{number}").get_data(as_text=True)
        form = {"csrf_token": _csrf(page), "action": "next", **answers}
        if number == len(STEP_ANSWERS):
            return form
        assert client.post(f"/s/step/{number}", data=form).status_code == 302


def _time_statements(engine, timings: dict[str, list[float]]) -> None:
    def before(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info["started"] = time.perf_counter()

    def after(conn, _cursor, statement, _parameters, _context, _many):
        timings[" ".join(statement.split())[:100]].append(time.perf_counter() - conn.info["started"])

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--links", type=int, default=60)
    parser.add_argument("--prestored", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cprofile", action="store_true", help="print the costliest calls")
    parser.add_argument("--top", type=int, default=25, help="how many calls --cprofile prints")
    parser.add_argument("--statements", action="store_true",
                        help="print each statement's median time (its first 100 characters)")
    args = parser.parse_args(argv)
    secret = "profile-" + secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="avgang-profile-") as tmp:
        url, drop = create_database(args, Path(tmp))
        try:
            migrate.upgrade(SimpleNamespace(config={"DATABASE_URL": url}))
            _quarter, _ids, tokens, _inv = set_up(url, secret, args.links, args.prestored, args.seed)
            app = create_app({**app_settings(url, secret), "HTTPS": False})
            statements, checkouts = [0], [0]
            with app.app_context():
                engine = database.engine
            event.listen(engine, "before_cursor_execute",
                         lambda *a: statements.__setitem__(0, statements[0] + 1))
            event.listen(engine.pool, "checkout",
                         lambda *a: checkouts.__setitem__(0, checkouts[0] + 1))
            timings: dict[str, list[float]] = defaultdict(list)
            if args.statements:
                _time_statements(engine, timings)
            profiler = cProfile.Profile() if args.cprofile else None
            times, per_statements, per_checkouts = [], [], []
            for token in tokens:
                client = app.test_client()
                form = walk(client, token)
                statements[0] = checkouts[0] = 0
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                reply = client.post(f"/s/step/{len(STEP_ANSWERS)}", data=form)
                times.append(time.perf_counter() - started)
                if profiler:
                    profiler.disable()
                assert reply.status_code == 302 and reply.location.endswith("/s/thanks"), reply.status
                per_statements.append(statements[0])
                per_checkouts.append(checkouts[0])
            with app.app_context():
                database.engine.dispose()
        finally:
            drop()
    times_ms = [t * 1000 for t in times[5:]]  # the first few warm caches up
    print(f"profile_submit db={args.db} links={args.links} prestored={args.prestored:,}")
    print(f"  final POST median {statistics.median(times_ms):.1f} ms, "
          f"p90 {sorted(times_ms)[int(len(times_ms) * 0.9)]:.1f} ms")
    print(f"  statements per final POST: median {statistics.median(per_statements):.0f}; "
          f"connection checkouts: median {statistics.median(per_checkouts):.0f}")
    for sql, spent in sorted(timings.items(), key=lambda item: -sum(item[1])):
        print(f"  {statistics.median(spent) * 1000:6.2f} ms x{len(spent) / len(tokens):4.1f}  {sql}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
