# Shared by scripts/run.sh and scripts/test.sh: install what is missing, reuse what is there.
# shellcheck shell=bash
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${INSURANCE_VENV:-$ROOT/.venv}
SAO_DIR=$ROOT/.sao
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export TRYTOND_CONFIG=${TRYTOND_CONFIG:-$ROOT/config/trytond.conf}
export TRYTOND_DATABASE__URI=${TRYTOND_DATABASE__URI:-postgresql://$PGUSER@$PGHOST:$PGPORT/}
export TRYTOND_WEB__ROOT=${TRYTOND_WEB__ROOT:-$SAO_DIR/node_modules/tryton-sao}
export PATH=$VENV/bin:$PATH
# nginx's configuration, gunicorn's unix socket and pgbouncer's files: under
# var/, or as root under /run/insurance-core/ (one folder per checkout), as
# nginx and pgbouncer then run as www-data and postgres, who may not enter
# the checkout's folders.
if [ "$(id -u)" = 0 ]; then
    RUNTIME_DIR=/run/insurance-core/$(printf %s "$ROOT" | sha256sum | cut -c1-12)
else
    RUNTIME_DIR=$ROOT/var
fi

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "Missing $*; run as root or install them first." >&2; exit 1
    fi
    if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=300 -y -qq "$@" >/dev/null
}

postgres_reachable() {
    pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null \
        || python3 -c "import socket,sys; socket.create_connection(('$PGHOST', $PGPORT), 2)" 2>/dev/null
}

ensure_postgresql() {
    postgres_reachable && return 0
    log "No PostgreSQL on $PGHOST:$PGPORT: installing it with apt"
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    local version
    version=$(ls /etc/postgresql | sort -n | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    local hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -q 'insurance-core trust' "$hba"; then
        sed -i '1i host all postgres 127.0.0.1/32 trust # insurance-core trust' "$hba"
        pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    fi
    for _ in $(seq 30); do postgres_reachable && return 0; sleep 1; done
    echo "PostgreSQL did not come up on $PGHOST:$PGPORT" >&2; exit 1
}

ensure_venv() {
    command -v pg_dump >/dev/null || apt_install postgresql-client
    if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then apt_install python3-venv; fi
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local stamp=$VENV/.insurance-requirements
    local wanted
    wanted=$(cat "$ROOT/requirements.txt" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        log "Installing Python packages into $VENV"
        "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.txt"
        "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -e "$ROOT"
        echo "$wanted" > "$stamp"
    fi
}

export DEMO_ADMIN_PASSWORD=${DEMO_ADMIN_PASSWORD:-admin2026}
export DEMO_STAFF_PASSWORD=${DEMO_STAFF_PASSWORD:-demo2026}

ensure_fonts() {
    # The e-policy PDF embeds this TrueType CJK font (insurance_document);
    # the screenshots of the Chinese back office need it too.
    [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || apt_install fonts-wqy-zenhei
}

ensure_nginx() {
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt_install_no_start nginx
}

# initdb and pg_basebackup: the replica test makes clusters of its own
ensure_postgresql_binaries() {
    compgen -G '/usr/lib/postgresql/*/bin/pg_basebackup' >/dev/null \
        || apt_install_no_start postgresql
}

ensure_pgbouncer() {
    command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || apt_install_no_start pgbouncer
}

# Debian starts a service on installation; the project runs its own nginx
# and pgbouncer, so the system's are not started.
apt_install_no_start() {
    local policy=/usr/sbin/policy-rc.d added=
    if [ ! -e "$policy" ] && [ "$(id -u)" = 0 ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; added=1
    fi
    apt_install "$@"
    if [ -n "$added" ]; then rm -f "$policy"; fi
}

# A folder for gunicorn's unix socket that nginx may open and nobody else:
# as root, only root and the group www-data (nginx's user) may enter it.
socket_folder() {
    runtime_folders "$(dirname "$1")"
    mkdir -p "$1"
    if [ "$(id -u)" = 0 ]; then chgrp www-data "$1" && chmod 2750 "$1"; fi
}

# The folders of RUNTIME_DIR given, which nginx and pgbouncer may enter
runtime_folders() {
    if [ "$(id -u)" = 0 ]; then
        install -d -m 755 /run/insurance-core "$RUNTIME_DIR" "$@"
    else
        mkdir -p "$@"
    fi
}

ensure_node() {
    command -v npm >/dev/null || apt_install nodejs npm
}

ensure_sao() {
    local sao=$SAO_DIR/node_modules/tryton-sao
    if ! [ -f "$sao/index.html" ] || ! [ -d "$sao/node_modules/jquery" ]; then
        ensure_node
        log "Installing the sao 8.0 web client from npm"
        mkdir -p "$SAO_DIR"
        (cd "$SAO_DIR" && npm install --no-audit --no-fund --loglevel=error tryton-sao@8.0)
        # sao's index.html loads node_modules/... from its own folder.
        (cd "$sao" && npm install --omit=dev --legacy-peer-deps --no-audit --no-fund --loglevel=error)
    fi
    ensure_sao_custom "$sao"
}

MOMENT_TIMEZONE=moment-timezone@0.6.6
MOMENT_TIMEZONE_BUILD=node_modules/moment-timezone/builds/moment-timezone-with-data-10-year-range.min.js

# sao's index.html loads custom.js and custom.css from its folder: ours are
# sao/custom.* of this repository, custom.js preceded by moment-timezone (staff
# see Beijing time whatever their browser's zone). Rebuilt when they changed.
ensure_sao_custom() {
    local sao=$1 extra=$SAO_DIR/extra
    if ! [ -f "$extra/$MOMENT_TIMEZONE_BUILD" ]; then
        ensure_node
        log "Installing $MOMENT_TIMEZONE for the sao web client"
        mkdir -p "$extra"
        npm install --prefix "$extra" --no-audit --no-fund --no-save --loglevel=error "$MOMENT_TIMEZONE"
    fi
    if ! cat "$extra/$MOMENT_TIMEZONE_BUILD" "$ROOT/sao/custom.js" | cmp -s - "$sao/custom.js"; then
        cat "$extra/$MOMENT_TIMEZONE_BUILD" "$ROOT/sao/custom.js" > "$sao/custom.js"
    fi
    cmp -s "$ROOT/sao/custom.css" "$sao/custom.css" || cp "$ROOT/sao/custom.css" "$sao/custom.css"
}

ensure_swagger_ui() {
    local folder=$ROOT/addons/insurance_api/static
    [ -f "$folder/node_modules/swagger-ui-dist/swagger-ui-bundle.js" ] && return 0
    ensure_node
    log "Installing Swagger UI (partner API documentation page) from npm"
    npm install --prefix "$folder" --no-audit --no-fund --no-save --loglevel=error swagger-ui-dist@5.35.0
}

# What both README commands need: the database server, the Python packages,
# the fonts, the web clients and nginx
ensure_system() {
    ensure_postgresql
    ensure_venv
    ensure_fonts
    ensure_sao
    ensure_swagger_ui
    ensure_nginx
}

http_ok() {
    python3 - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except Exception:
    sys.exit(1)
PY
}
