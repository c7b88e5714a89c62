#!/usr/bin/env bash
# A plain, non-editable `pip install .` in a fresh virtualenv serves every page: installs the
# runtime requirements and the package (a wheel: templates and static files must be in it),
# then, from an empty folder (the source tree out of reach), runs `zet init`, `zet demo` and
# `zet serve` and crawls the site as the demo beheerder (scripts/smoke_install.py).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON="${PYTHON:-python3}"
WORK=$(mktemp -d /tmp/zet-install.XXXXXX)
PORT="${ZET_INSTALL_CHECK_PORT:-8791}"
cleanup() { [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

"$PYTHON" -m venv "$WORK/venv"
sed '/^# Tests/,$d' requirements.txt > "$WORK/requirements-runtime.txt"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check -r "$WORK/requirements-runtime.txt"
# The files of the checkout (tracked and new, not ignored), so no .venv or instance/ comes along.
mkdir "$WORK/src"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
  | (cd "$ROOT" && xargs -0 tar -cf - --ignore-failed-read) | tar -xf - -C "$WORK/src"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation "$WORK/src"
rm -rf "$WORK/src"

mkdir "$WORK/run" && cd "$WORK/run"
export ZET_INSTANCE_PATH="$WORK/run/instance"
unset ZET_DATABASE_URL ZET_SECRET_KEY
"$WORK/venv/bin/zet" init >/dev/null
"$WORK/venv/bin/zet" demo >/dev/null
"$WORK/venv/bin/zet" serve --port "$PORT" --workers 1 >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break
  sleep 0.2
done
"$WORK/venv/bin/python" "$ROOT/scripts/smoke_install.py" "http://127.0.0.1:$PORT" \
  beheerder demo-beheerder-2026 || { tail -n 30 "$WORK/serve.log"; exit 1; }
