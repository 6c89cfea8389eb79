#!/usr/bin/env bash
# Serves the platform and runs its Celery worker and beat beside it; `make run` calls this after
# migrating and seeding. Everything started here is stopped when the web server stops or on Ctrl-C.
#   without REDIS_URL: one worker with embedded beat on kombu's file-system broker (var/celery-broker)
#   with REDIS_URL:    a worker and a separate beat, on Redis
set -euo pipefail
cd "$(dirname "$0")/.."

# The development set-up (unset, DJANGO_ENV means production); the demo refuses to seed in production.
export DJANGO_ENV=${DJANGO_ENV:-local}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Served as users will see it: with DEBUG off, a refused, missing or failed page is the platform's Chinese
# error page (yantai_inspect/error_pages.py), not Django's English technical page with the URL list.
# WhiteNoise serves the static files either way. `make run DEBUG=True` brings the tracebacks back.
export DEBUG=${DEBUG:-False}
# The worker renders the PDFs and the server the pages: both print this address in QR codes.
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}
# ... and the server answers to it (Django checks the Host header against ALLOWED_HOSTS).
if [[ -z ${ALLOWED_HOSTS:-} ]]; then
    site_host=${SITE_URL#*://}
    export ALLOWED_HOSTS="127.0.0.1,localhost,${site_host%%[:/]*}"
fi
PYTHON=${PYTHON:-.venv/bin/python}
VAR_DIR=${VAR_DIR:-var}
CREDENTIALS=${CREDENTIALS:-$VAR_DIR/demo-credentials.json}
CELERY=("$PYTHON" -m celery -A yantai_inspect)

LOG_DIR=$VAR_DIR/log
mkdir -p "$VAR_DIR/celery-broker/queue" "$VAR_DIR/celery-broker/processed" "$LOG_DIR"

pids=()
stopping=0
# shellcheck disable=SC2317  # reached through the traps below
stop_all() {
    [[ $stopping -eq 1 ]] && return
    stopping=1
    trap - INT TERM
    local pid
    echo "stopping the web server and the Celery worker ..."
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    # Celery finishes its current task on TERM (warm shutdown, ~7 s with beat); give it 30 s, then insist.
    for _ in $(seq 60); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive -eq 0 ]] && break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop_all EXIT
# Ctrl-C (or a TERM from a process manager) is how this is meant to stop: a clean stop, status 0, so make
# does not report "Error 130" or "Error 143".
trap 'exit 0' INT TERM

# The worker and beat write to their own log files, each in its own session (setsid): the terminal's Ctrl-C
# reaches the web server and this script only, and stop_all gives the worker its warm shutdown, once.
if [[ -n ${REDIS_URL:-} ]]; then
    setsid "${CELERY[@]}" worker --loglevel=INFO --concurrency=2 >>"$LOG_DIR/worker.log" 2>&1 </dev/null &
    pids+=($!)
    setsid "${CELERY[@]}" beat --loglevel=INFO -s "$VAR_DIR/celerybeat-schedule" \
        >>"$LOG_DIR/beat.log" 2>&1 </dev/null &
    pids+=($!)
    worker_logs="$LOG_DIR/worker.log, $LOG_DIR/beat.log"
else
    setsid "${CELERY[@]}" worker -B --loglevel=INFO --concurrency=2 -s "$VAR_DIR/celerybeat-schedule" \
        >>"$LOG_DIR/worker.log" 2>&1 </dev/null &
    pids+=($!)
    worker_logs="$LOG_DIR/worker.log (worker and beat)"
fi

echo
echo "=================================================================="
echo " 烟台市涉企联合检查平台 / Yantai joint inspection platform"
echo " Open $SITE_URL/login/   (Ctrl-C stops the server and the worker)"
echo " Background jobs log to $worker_logs; this terminal shows the web server."
if [[ -f $CREDENTIALS ]]; then
    "$PYTHON" scripts/demo_logins.py "$CREDENTIALS" || true
else
    echo " (no $CREDENTIALS: demo logins unknown)"
fi
echo "=================================================================="
echo

"$PYTHON" manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)

# Stop everything as soon as any one of them stops (the server, or a crashed worker).
set +e
wait -n
status=$?
set -e
exit "$status"
