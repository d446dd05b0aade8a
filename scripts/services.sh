#!/usr/bin/env bash
# Installs (from Debian) and starts the real services the suite runs against — PostgreSQL and
# Redis on loopback — and stops, at the end, only what it started itself. Sourced by test-all.sh.

PG_TEST_USER=rampart_test
PG_TEST_PASSWORD=rampart_test
STARTED_PG=""
STARTED_REDIS=""

log() { printf '[services] %s\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  # The PKCS#11 KEK tests run against a real SoftHSM2 token (test/helpers/softhsm.ts initialises one per suite).
  command -v softhsm2-util >/dev/null 2>&1 || missing+=(softhsm2)
  # Jobs run in a bubblewrap sandbox (src/jobs/); the escape suite runs real jobs through it.
  command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
  # Backups of PostgreSQL deployments use pg_dump / pg_restore (Debian's client, in postgresql-client).
  command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then log "missing ${missing[*]} and not root: install them first"; return 1; fi
    log "installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

pg_version() { ls /usr/lib/postgresql | sort -n | tail -1; }

wait_for() { # wait_for <what> <command...>
  local what=$1; shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "$what did not come up"; return 1
}

start_postgres() {
  local version; version=$(pg_version)
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2" "$4}' | grep -q "^$version main online"; then
    if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
      log "creating PostgreSQL $version cluster"
      pg_createcluster "$version" main >/dev/null
    fi
    log "starting PostgreSQL $version"
    pg_ctlcluster "$version" main start
    STARTED_PG=$version
  fi
  wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432
  if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_TEST_USER'" | grep -q 1; then
    runuser -u postgres -- psql -qc "CREATE ROLE $PG_TEST_USER LOGIN SUPERUSER PASSWORD '$PG_TEST_PASSWORD'"
  fi
  export TEST_PG_ADMIN_URL="postgres://$PG_TEST_USER:$PG_TEST_PASSWORD@127.0.0.1:5432/postgres"
}

start_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null
    STARTED_REDIS=1
  fi
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
  export TEST_REDIS_URL="redis://127.0.0.1:6379"
}

stop_started() {
  if [ -n "$STARTED_REDIS" ]; then log "stopping Redis (we started it)"; redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true; fi
  if [ -n "$STARTED_PG" ]; then log "stopping PostgreSQL (we started it)"; pg_ctlcluster "$STARTED_PG" main stop >/dev/null 2>&1 || true; fi
}
