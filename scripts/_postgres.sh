# Sourced by test.sh: makes sure a PostgreSQL server's binaries (initdb, postgres; Debian's
# `postgresql` package puts them in /usr/lib/postgresql/VERSION/bin) are installed, since the store
# tests start a real server on a loopback port (tests/helpers/postgres.py). Installs
# it with apt-get when missing, without starting its system service.

ensure_postgres() {
  local found
  for found in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$found" ] && return 0
  done
  source "${BASH_SOURCE[0]%/*}/_apt.sh"
  apt_install postgresql "the store tests need a PostgreSQL server (initdb, postgres)" postgresql.service || return 1
  for found in /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$found" ] && return 0
  done
  echo "error: the postgresql package is installed but /usr/lib/postgresql/*/bin/initdb is not" >&2
  return 1
}

ensure_postgres
