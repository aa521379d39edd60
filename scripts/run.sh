#!/usr/bin/env bash
# Command 1 of the README: install what is missing, create or update the demo
# database, then run nginx (in front, on INSURANCE_BIND), gunicorn (API + back
# office, on a unix socket only nginx opens), trytond-worker and trytond-cron
# until Ctrl-C. A second run reuses everything and starts quickly.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DATABASE=${INSURANCE_DATABASE:-insurance_demo}
export INSURANCE_DATABASE=$DATABASE TRYTOND_DATABASE_NAMES=$DATABASE
STAMP_DIR=$ROOT/var
# The ir.queue queues, each run by a trytond-worker of its own
WORKER_QUEUES="callbacks adjudication bulk statements default"
mkdir -p "$STAMP_DIR"

ensure_system

modules_fingerprint() {
    (cd "$ROOT" && find addons -type f \( -name '*.py' -o -name '*.xml' -o -name '*.cfg' -o -name '*.po' \) \
        -not -path '*/tests/*' -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

database_exists() {
    [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" = 1 ]
}

prepare_database() {
    local stamp=$STAMP_DIR/$DATABASE.modules fingerprint
    fingerprint=$(modules_fingerprint)
    if ! database_exists; then
        log "Creating database $DATABASE"
        psql -d postgres -qc "CREATE DATABASE \"$DATABASE\" ENCODING 'UTF8' TEMPLATE template0"
        rm -f "$stamp"
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$fingerprint" ]; then
        log "Activating and updating the insurance modules in $DATABASE"
        local passfile
        passfile=$(mktemp)
        echo "$DEMO_ADMIN_PASSWORD" > "$passfile"
        TRYTONPASSFILE=$passfile trytond-admin -d "$DATABASE" --email admin@insurance.example \
            -u insurance_api insurance_report insurance_document insurance_invoice --activate-dependencies -l zh_CN --all
        rm -f "$passfile"
        log "Loading demo data"
        python "$ROOT/scripts/demo_data.py" --database "$DATABASE"
        echo "$fingerprint" > "$stamp"
    fi
}

run_services() {
    local pids=()
    stop() {
        # A second Ctrl-C must not cut the stopping short.
        trap '' INT TERM
        trap - EXIT
        log "Stopping"
        # Each service runs in its own session: signal the whole group, so
        # trytond-worker's and trytond-cron's child processes stop too, and
        # kill what still runs after a grace period.
        for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
        for _ in $(seq 20); do
            pgrep -g "$(IFS=,; echo "${pids[*]}")" >/dev/null || break
            sleep 0.5
        done
        for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
        wait 2>/dev/null || true
    }
    trap stop INT TERM EXIT
    local sockets=$RUNTIME_DIR/run/$DATABASE
    socket_folder "$sockets"
    runtime_folders "$RUNTIME_DIR/nginx"
    GUNICORN_BIND=unix:$sockets/gunicorn.sock \
        setsid gunicorn -c "$ROOT/config/gunicorn.conf.py" trytond.application:app & pids+=($!)
    # nginx would log each health poll refused before the socket exists
    for _ in $(seq 240); do [ -S "$sockets/gunicorn.sock" ] && break; sleep 0.25; done
    setsid python "$ROOT/scripts/proxy.py" --dir "$RUNTIME_DIR/nginx/$DATABASE" \
        --listen "${INSURANCE_BIND:-127.0.0.1:8000}" --upstream "unix:$sockets/gunicorn.sock" & pids+=($!)
    # One trytond-worker per named queue (addons/insurance_base/queue.py), so
    # that a long run of one kind of task never delays another kind.
    local queue
    for queue in $WORKER_QUEUES; do
        setsid trytond-worker -d "$DATABASE" --name "$queue" -n 1 \
            --logconf "$ROOT/config/logging.conf" & pids+=($!)
    done
    setsid trytond-cron -d "$DATABASE" --logconf "$ROOT/config/logging.conf" & pids+=($!)
    wait_for_http "http://${INSURANCE_BIND:-127.0.0.1:8000}/api/v1/health"
    print_welcome
    wait -n "${pids[@]}"
    log "A service stopped; stopping the others"
}

wait_for_http() {
    for _ in $(seq 120); do
        http_ok "$1" && return 0
        sleep 0.5
    done
    echo "The server did not answer at $1" >&2
    return 1
}

print_welcome() {
    local url="http://${INSURANCE_BIND:-127.0.0.1:8000}"
    cat <<TXT

  Insurance core is running (Ctrl-C stops nginx, gunicorn, trytond-worker and trytond-cron).
  Back office : $url/   database: $DATABASE
  Partner API : $url/api/v1/   docs: $url/api/v1/docs   health: $url/api/v1/health
  Logins      : admin / $DEMO_ADMIN_PASSWORD, and $(python "$ROOT/scripts/demo_data.py" --list-users)
                (password for every demo staff user: $DEMO_STAFF_PASSWORD)
  Demo API keys:
$(python "$ROOT/scripts/demo_data.py" --list-keys | sed 's/^/    /')

TXT
}

prepare_database
run_services
