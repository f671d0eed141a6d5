#!/usr/bin/env bash
# A PostgreSQL for the portal's tests: installs Debian's `postgresql` when missing, starts its
# cluster as the postgres user, makes a role and a database, and prints the line
#   export FORMGEN_TEST_DATABASE_URL=postgresql://…
# for `eval "$(scripts/setup-postgres.sh)"`. Needs root (or sudo -n).
set -euo pipefail
# Only that line may reach stdout, since it is eval'd: every tool's own output (pg_ctlcluster
# prints "Removed stale pid file." there after an unclean stop) goes to stderr, fd 3 keeps stdout.
exec 3>&1 1>&2

say() { echo "formgen setup-postgres: $*"; }
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  say "root is needed to install and start PostgreSQL; set FORMGEN_TEST_DATABASE_URL to a database instead"
  exit 1
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  say "installing postgresql"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends postgresql >/dev/null 3>&-
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  say "creating cluster $version main"
  "${sudo[@]}" pg_createcluster "$version" main >/dev/null 3>&-
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  # A machine restored from a snapshot may hold the lock file of a server that no longer runs
  # (pg_ctlcluster removes a stale pid file itself, but not the socket's lock file).
  # Its process id may since have gone to another program, or be a zombie nobody reaped:
  # only a live postgres keeps it.
  live_postgres() {
    [ "$(cat "/proc/$1/comm" 2>/dev/null)" = postgres ] \
      && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null
  }
  lock=/var/run/postgresql/.s.PGSQL.$port.lock
  if [ -f "$lock" ] && ! live_postgres "$(head -1 "$lock")"; then
    say "removing the stale socket lock $lock"
    "${sudo[@]}" rm -f "$lock" "/var/run/postgresql/.s.PGSQL.$port"
  fi
  say "starting cluster $version main on port $port"
  "${sudo[@]}" pg_ctlcluster "$version" main start 3>&-  # the server must not hold fd 3 open
fi
psql_as_postgres() { "${sudo[@]}" runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }
for _ in $(seq 1 30); do psql_as_postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
if [ "$(psql_as_postgres -c "select 1 from pg_roles where rolname='formgen_test'")" != "1" ]; then
  psql_as_postgres -c "create role formgen_test login password 'formgen_test'" >/dev/null
fi
if [ "$(psql_as_postgres -c "select 1 from pg_database where datname='formgen_test'")" != "1" ]; then
  psql_as_postgres -c "create database formgen_test owner formgen_test" >/dev/null
fi
echo "export FORMGEN_TEST_DATABASE_URL=postgresql://formgen_test:formgen_test@127.0.0.1:$port/formgen_test" >&3
