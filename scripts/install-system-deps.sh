#!/usr/bin/env bash
# Installs the Debian packages the platform needs outside of Python, and only those missing:
#   chromium         /usr/bin/chromium, driven by Playwright in the browser tests
#   fonts-noto-cjk   a CJK font, so WeasyPrint PDFs and screenshots show Chinese text
#   gettext          msgfmt, for compilemessages
#   libpango*        WeasyPrint's text layout
#   faketime         libfaketime: the real server started on another day (README, "On another day")
#   wrk              only with --bench: the HTTP load generator of bench/loadtest.py
# Idempotent: when everything is present it changes nothing and prints one line.
# Recommends are installed too: that is how Chromium was proven to run headless here (mesa, fonts).
# Needs root to install; otherwise it prints what is missing and carries on.
set -euo pipefail

bench=false
[[ "${1:-}" == "--bench" ]] && bench=true

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [[ "$(fc-list :lang=zh 2>/dev/null || true)" != *[Nn]oto* ]]; then
    missing+=(fonts-noto-cjk)
fi
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
# Not `ldconfig -p | grep -q`: grep stops at the first match, ldconfig dies of SIGPIPE and, under pipefail, the
# pipeline fails, so Pango was "missing" (and apt-get ran) on every make test.
libraries=$(/sbin/ldconfig -p 2>/dev/null || true)
if [[ "$libraries" != *libpangoft2-1.0.so.0* ]]; then
    missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fi

if $bench && ! command -v wrk >/dev/null 2>&1; then
    missing+=(wrk)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system deps: ok (chromium, fonts-noto-cjk, gettext, pango, faketime$($bench && echo ", wrk"))"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "system deps: missing ${missing[*]}" >&2
    echo "system deps: not root, so not installing; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 0
fi

echo "system deps: installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q && apt-get install -y -q "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "system deps: apt-get failed" >&2
    exit 1
fi
# A new font is only seen once fontconfig's cache knows it.
if [[ " ${missing[*]} " == *" fonts-noto-cjk "* ]] && command -v fc-cache >/dev/null 2>&1; then
    fc-cache -f >/dev/null 2>&1 || true
fi
echo "system deps: installed ${missing[*]}"
