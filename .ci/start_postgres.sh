#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the registry tests marked @pytest.mark.postgres.
#
# Usage:   eval "$(.ci/start_postgres.sh)"     # exports HURACAN_TEST_POSTGRES_URL (and HURACAN_PG_DIR)
#          .ci/start_postgres.sh --stop DIR     # stops the server started in DIR and removes DIR
# The script prints shell `export` lines on stdout (logs go to stderr), so `eval` sets the URL:
#          HURACAN_TEST_POSTGRES_URL=postgresql+psycopg://huracan@127.0.0.1:PORT/huracan_test
# It installs the Debian `postgresql` package when no server binary is found (needs root and apt),
# runs the server as the unprivileged `postgres` user (PostgreSQL refuses to run as root) in a fresh
# temporary data directory on a free local port with trust authentication (loopback only).
set -euo pipefail

if [[ "${1:-}" == "--stop" ]]; then
    dir="${2:?usage: $0 --stop DIR}"
    bindir="$(cat "$dir/bindir")"
    runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
    exit 0
fi

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bindir="$(find_bindir)"
if [[ -z "$bindir" || ! -x "$bindir/postgres" ]]; then
    echo "installing postgresql from Debian packages..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    bindir="$(find_bindir)"
fi
if [[ "$(id -u)" -eq 0 ]]; then
    as_pg=(runuser -u postgres --)
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
else
    as_pg=()
fi

dir="$(mktemp -d /tmp/huracan-pg.XXXXXX)"
chmod 755 "$dir"
echo "$bindir" >"$dir/bindir"
[[ "$(id -u)" -eq 0 ]] && chown postgres "$dir"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U huracan -A trust --no-sync >&2
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60" start >&2
"$bindir/psql" -h 127.0.0.1 -p "$port" -U huracan -d postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE huracan_test" >&2

echo "export HURACAN_PG_DIR=$dir"
echo "export HURACAN_TEST_POSTGRES_URL=postgresql+psycopg://huracan@127.0.0.1:$port/huracan_test"
