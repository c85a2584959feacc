#!/usr/bin/env bash
# Start the machine's PostgreSQL (installing Debian's package when absent) and make a throwaway
# superuser role `ci_bot` with a database of the same name. Tests create and drop their own
# databases from there. Idempotent: safe to run on a machine where all of this already exists.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The server, not just the client (psql) that many machines have: its binary and the cluster tools.
if ! command -v pg_createcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "--- installing postgresql"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version="$(basename "$(dirname "$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")")")"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    as_root pg_createcluster "$version" main
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    echo "--- starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi

psql_admin() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -c \"$1\""; }
for _ in $(seq 1 30); do
    psql_admin "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
done
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'ci_bot'")" != 1 ]; then
    psql_admin "CREATE ROLE ci_bot LOGIN SUPERUSER PASSWORD 'ci_bot'"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = 'ci_bot'")" != 1 ]; then
    psql_admin "CREATE DATABASE ci_bot OWNER ci_bot"
fi
echo "--- PostgreSQL $version ready on 127.0.0.1:5432"
