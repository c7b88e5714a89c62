#!/usr/bin/env bash
# The whole test suite: installs the Python packages, Debian's chromium, PostgreSQL, Pango and a
# font (for the PDF report) and axe-core (npm, for the accessibility check) if missing,
# starts a throw-away PostgreSQL server on loopback, and runs pytest against SQLite and PostgreSQL
# (extra arguments go to pytest). Without arguments it also checks that a plain, non-editable
# `pip install .` in a fresh virtualenv serves every page (scripts/check_install.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# The PDF report (WeasyPrint) draws text with Pango and needs a font.
ldconfig -p | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
# Without HarfBuzz-Subset WeasyPrint warns (an error under the test settings) and embeds whole fonts.
ldconfig -p | grep -q "libharfbuzz-subset.so.0" || missing+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fontconfig fonts-dejavu-core)
# axe-core (the WCAG check of the browser tests) comes from npm.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installeren: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# axe-core at the version package-lock.json pins.
[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGPORT="${ZET_TEST_PGPORT:-54329}"
PGDIR=$(mktemp -d /tmp/zet-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; fi
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap cleanup EXIT
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres zet_test

export ZET_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/zet_test"
export ZET_REQUIRE_POSTGRES=1 ZET_REQUIRE_BROWSER=1
.venv/bin/python -m pytest -q "$@"
if [ $# -eq 0 ]; then
  scripts/check_install.sh 2> >(grep -v "^WARNING: Location" >&2)
fi
