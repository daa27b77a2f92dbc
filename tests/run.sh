#!/usr/bin/env bash
# The whole suite: lint, then SQLite, then PostgreSQL when one is named or reachable.
#   DATABASE_URL=postgresql://...   run the PostgreSQL pass against that server
#   REQUIRE_POSTGRES=1              fail instead of skipping when no PostgreSQL answers
#   REQUIRE_BROWSER=1               fail instead of skipping when Chromium is missing
#   REQUIRE_REDIS=1                 fail instead of skipping the cross-process sign-in limit test
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== ruff"
$BIN/ruff check .

browser_args=()
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "${REQUIRE_BROWSER:-0}" = 1 ]; then
    echo "Chromium is missing (apt-get install -y chromium)"; exit 1
  fi
  echo "!! Chromium not found: browser tests are NOT run (apt-get install -y chromium)"
  browser_args=(-m "not browser")
fi

echo "== tests on SQLite"
$BIN/pytest -n 2 -q "${browser_args[@]}" "$@"

pg_url="${DATABASE_URL:-}"
case "$pg_url" in postgres*) ;; *) pg_url="postgresql://postgres@127.0.0.1:5432/postgres" ;; esac
if $BIN/python - "$pg_url" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}"); sys.exit(1)
PY
then
  echo "== tests on PostgreSQL ($pg_url; a fresh database per run)"
  # Only the tests that touch a database: analysis/ and questionnaires/ are pure and ran above.
  TEST_DATABASE_URL="$pg_url" $BIN/pytest -n 2 -q -m "not browser" tests/app "$@"
elif [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "PostgreSQL run required but no server answered"; exit 1
else
  echo "!! PostgreSQL pass skipped: no server at $pg_url"
fi
