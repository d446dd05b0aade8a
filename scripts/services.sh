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
  ensure_chromium
}

# The passkeys browser tests (test/integration/passkeys-chromium.test.ts) drive Debian's Chromium
# through playwright-core and its DevTools virtual authenticator: no downloaded browser.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if [ "$(id -u)" -ne 0 ]; then log "missing chromium and not root: install it first"; return 1; fi
  log "installing chromium from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
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

# --- Directories (issue 17 items 3 and 4; src/federation/directories/) ------------------------
# A throwaway OpenLDAP slapd seeded from test/fixtures/ldap/seed.ldif, and a local PAM user with a
# PAM service for pam_unix. Only what these functions started or created is stopped or removed.
STARTED_SLAPD_DIR=""
TEST_SLAPD_PORT=${TEST_SLAPD_PORT:-}
PAM_TEST_SERVICE=rampart-test
PAM_TEST_USER=rampart-pam-test
PAM_TEST_PASSWORD_FILE=/etc/rampart-test/pam-password

ensure_directories() {
  local missing=()
  command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || missing+=(slapd)
  command -v ldapsearch >/dev/null 2>&1 || missing+=(ldap-utils)
  command -v pamtester >/dev/null 2>&1 || missing+=(pamtester)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then log "missing ${missing[*]} and not root: install them first"; return 1; fi
    log "installing ${missing[*]} from Debian"
    apt-get update -qq
    # slapd's own debconf-configured instance is not used (and stopped): the tests run their own.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    if command -v service >/dev/null 2>&1; then service slapd stop >/dev/null 2>&1 || true; fi
  fi
  ensure_pam_user
}

ensure_pam_user() {
  if [ "$(id -u)" -ne 0 ]; then log "not root: cannot create the PAM test user"; return 1; fi
  if ! id "$PAM_TEST_USER" >/dev/null 2>&1; then
    log "creating the PAM test user $PAM_TEST_USER"
    useradd --no-create-home --shell /usr/sbin/nologin "$PAM_TEST_USER"
  fi
  mkdir -p "$(dirname "$PAM_TEST_PASSWORD_FILE")"
  if [ ! -s "$PAM_TEST_PASSWORD_FILE" ]; then
    (umask 077; od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$PAM_TEST_PASSWORD_FILE")
  fi
  chmod 600 "$PAM_TEST_PASSWORD_FILE"
  # The password goes to chpasswd on stdin, never on a command line.
  printf '%s:%s\n' "$PAM_TEST_USER" "$(cat "$PAM_TEST_PASSWORD_FILE")" | chpasswd
  printf 'auth required pam_unix.so\naccount required pam_unix.so\n' >"/etc/pam.d/$PAM_TEST_SERVICE"
}

start_slapd() {
  local dir out
  dir=$(mktemp -d -t rampart-slapd-XXXXXX)
  # A free port unless one is given: another slapd (or anything) on a fixed port must not stop the run.
  if [ -z "$TEST_SLAPD_PORT" ]; then
    TEST_SLAPD_PORT=$(node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})")
  fi
  log "starting slapd on 127.0.0.1:$TEST_SLAPD_PORT"
  if ! out=$(bash test/fixtures/ldap/start-slapd.sh "$dir" "$TEST_SLAPD_PORT"); then
    rm -rf "$dir"; log "slapd did not start"; return 1
  fi
  STARTED_SLAPD_DIR=$dir
  while IFS= read -r line; do export "${line?}"; done <<<"$out"
}

stop_slapd() {
  if [ -n "$STARTED_SLAPD_DIR" ]; then
    log "stopping slapd (we started it)"
    if [ -s "$STARTED_SLAPD_DIR/slapd.pid" ]; then kill "$(cat "$STARTED_SLAPD_DIR/slapd.pid")" 2>/dev/null || true; fi
    rm -rf "$STARTED_SLAPD_DIR"
    STARTED_SLAPD_DIR=""
  fi
}
