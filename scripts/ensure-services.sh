#!/usr/bin/env bash
# Makes sure the local services named by DATABASE_URL and REDIS_URL are up, and that the database
# exists. Services on other hosts are left alone (they are someone else's to run).
# Used by `make run` and `make test` when either variable is set.
set -euo pipefail

is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }

# Prints "scheme host port user dbname" for a URL (missing parts as "-").
parse_url() {
    python3 - "$1" <<'PY'
import sys
from urllib.parse import unquote, urlsplit

u = urlsplit(sys.argv[1])
parts = [u.scheme, u.hostname or "-", str(u.port or "-"), unquote(u.username or "") or "-",
         unquote(u.path.lstrip("/")) or "-"]
print(" ".join(parts))
PY
}

wait_for() {  # wait_for SECONDS COMMAND...
    local seconds=$1; shift
    for _ in $(seq "$seconds"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1
    done
    return 1
}

if [[ -n ${DATABASE_URL:-} ]]; then
    read -r scheme host port user dbname < <(parse_url "$DATABASE_URL")
    if [[ $scheme == postgres || $scheme == postgresql || $scheme == pgsql ]] && is_local "$host"; then
        [[ $port == - ]] && port=5432
        [[ $user == - ]] && user=postgres
        if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
            version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf "%f\n" 2>/dev/null | sort -V | tail -n 1 || true)
            if [[ -z $version ]]; then
                echo "services: PostgreSQL is down and no cluster is configured under /etc/postgresql" >&2
                exit 1
            fi
            echo "services: starting PostgreSQL $version ..."
            pg_ctlcluster --skip-systemctl-redirect "$version" main start
            wait_for 30 pg_isready -q -h 127.0.0.1 -p "$port" || { echo "services: PostgreSQL did not come up" >&2; exit 1; }
        fi
        if [[ $dbname != - ]]; then
            if ! out=$(createdb -h 127.0.0.1 -p "$port" -U "$user" "$dbname" 2>&1); then
                if [[ $out != *"already exists"* ]]; then
                    echo "$out" >&2
                    exit 1
                fi
            else
                echo "services: created database $dbname"
            fi
        fi
        echo "services: PostgreSQL ok (127.0.0.1:$port/$dbname)"
    fi
fi

if [[ -n ${REDIS_URL:-} ]]; then
    read -r scheme host port _ _ < <(parse_url "$REDIS_URL")
    if [[ $scheme == redis ]] && is_local "$host"; then
        [[ $port == - ]] && port=6379
        if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
            echo "services: starting Redis ..."
            mkdir -p /var/lib/redis /var/log/redis
            redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
                --dir /var/lib/redis --logfile /var/log/redis/ci.log
            wait_for 15 redis-cli -h 127.0.0.1 -p "$port" ping || { echo "services: Redis did not come up" >&2; exit 1; }
        fi
        echo "services: Redis ok (127.0.0.1:$port)"
    fi
fi
