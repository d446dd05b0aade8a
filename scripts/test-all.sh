#!/usr/bin/env bash
# README command (b): installs what the suite needs (npm packages; PostgreSQL and Redis from
# Debian when missing), starts those services, runs the whole suite — every storage suite on
# SQLite and on PostgreSQL — and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh

ensure_packages || exit 1
start_postgres || { stop_started; exit 1; }
start_redis || { stop_started; exit 1; }
trap stop_started EXIT
ensure_directories || exit 1
start_slapd || exit 1; trap 'stop_slapd; stop_started' EXIT

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi

results=$(mktemp -t rampart-tests-XXXXXX.json)
RAMPART_TEST_JSON="$results" npx vitest run "$@"
status=$?
node scripts/test-summary.mjs "$results" || status=1
rm -f "$results"
exit $status
