#!/usr/bin/env bash
# Quick start: install everything, create the embedded SQLite database with the fictional demo,
# and serve the app on http://127.0.0.1:8000 (override with ZET_PORT / ZET_HOST).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
.venv/bin/zet init
.venv/bin/zet demo
echo "ZET draait op http://${ZET_HOST:-127.0.0.1}:${ZET_PORT:-8000} (stoppen met Ctrl+C)"
exec .venv/bin/zet serve --host "${ZET_HOST:-127.0.0.1}" --port "${ZET_PORT:-8000}"
