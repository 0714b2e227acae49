#!/usr/bin/env bash
# The README's test command: installs everything it needs from nothing and runs the whole suite.
# Exit status: 0 when every tox env passed, non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
python3 -m venv .ci-venv
.ci-venv/bin/python -m pip install -q --upgrade pip
.ci-venv/bin/python -m pip install -q -c constraints.txt tox
echo "ci: tox installed in $(( $(date +%s) - started ))s"

# PostgreSQL for the model-registry tests (installed from Debian packages when missing).
if [[ -z "${HURACAN_TEST_POSTGRES_URL:-}" ]]; then
    if pg_env="$(bash .ci/start_postgres.sh)"; then
        eval "$pg_env"
        trap 'bash .ci/start_postgres.sh --stop "$HURACAN_PG_DIR" || true' EXIT
        echo "ci: PostgreSQL at $HURACAN_TEST_POSTGRES_URL"
    else
        echo "ci: could not start PostgreSQL" >&2
        exit 1
    fi
fi

status=0
.ci-venv/bin/tox run "$@" || status=$?
echo "ci: total $(( $(date +%s) - started ))s, exit status $status"
exit "$status"
