#!/usr/bin/env bash
# Command 2 of the README: run the whole test suite against PostgreSQL.
# Extra arguments go to pytest (e.g. scripts/test.sh addons/insurance_product -x).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_system
ensure_pgbouncer
ensure_postgresql_binaries
command -v chromium >/dev/null || apt_install chromium
# The e-policy tests read the PDF's text and decode its QR code.
command -v pdftotext >/dev/null || apt_install poppler-utils
command -v zbarimg >/dev/null || apt_install zbar-tools

drop_test_databases() {
    # Module templates are keyed by module names only: a template left by an
    # earlier run holds the modules as they were then, so never reuse one.
    psql -d postgres -Atc "SELECT datname FROM pg_database
        WHERE datname ~ '^(test-[0-9a-f]{40}|test_[0-9]+_[0-9]+|insurance_test_.*)$'" |
    while read -r name; do
        psql -d postgres -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
    done
}

drop_test_databases
export DB_CACHE=postgresql:// DB_NAME=test_$(date +%s)_$$
cd "$ROOT"
status=0
[ $# -gt 0 ] || set -- addons tests
# Lint first: CI fails on a ruff finding (rules in pyproject.toml).
ruff check "$ROOT" || status=$?
[ $status -ne 0 ] || python -m pytest "$@" || status=$?
drop_test_databases
exit $status
