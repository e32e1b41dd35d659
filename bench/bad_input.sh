#!/usr/bin/env bash
# The bad-input bench: malformed requests on the wire while normal clients are measured.
# `ihpa serve` (built-in demo) gets --count malformed requests from bench/bad_input.py, 8 at a
# time, each on a new connection, round robin over eight kinds: bad paths, bad label selectors,
# bad methods, bad headers (no colon, 80 KB, 8,000 headers, NUL, duplicate or negative
# Content-Length, Transfer-Encoding not ending in chunked or beside a Content-Length, an Accept
# nothing satisfies), oversized bodies (declared or sent, plain or chunked), truncated bodies (cut by
# close_notify, bad chunk sizes), bad HTTP (garbage request lines, HTTP/9.9, HTTP/2 preface) and
# bad TLS (plain HTTP, truncated or junk ClientHellos, SSLv2, TLS 1.0/1.1); plus --stalled
# requests that stop half-way through the headers and wait (the server's request timeout must
# close them). Meanwhile wrk (bench/paced.lua, --rate req/s, 10 connections) reads the demo
# forecast; it is measured for --window seconds before the attack and for the attack itself.
#
# Printed: per kind the answers (status codes), closes without an answer, hangs (neither within
# 60 s) and the slowest; normal clients' req/s, p50, p99 and errors before and during.
# Acceptance (exit status 1 when not met): every malformed request answered 4xx or closed (no
# 5xx, no 2xx/3xx, no hang), normal clients without errors before and during, and ihpa still
# serving (200) afterwards.
#
# Usage: bench/bad_input.sh [--count 1000] [--stalled 8] [--window 20] [--rate 500] [--ihpa PATH]
#   --count    malformed requests (default 1000)
#   --stalled  stalled requests on top (default 8; each takes the 30 s request timeout)
#   --window   seconds of the "before" measurement (default 20)
#   --rate     normal clients' requests per second (default 500)
#   --ihpa     ihpa binary to measure; default: build it in Release into build-release/
# Needs wrk (LuaJIT), curl, openssl and python3 (scripts/install-deps.sh installs them).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
count=1000
stalled=8
window=20
rate=500
ihpa=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --count) count=${2:?--count needs a value}; shift 2 ;;
    --stalled) stalled=${2:?--stalled needs a value}; shift 2 ;;
    --window) window=${2%s}; shift 2 ;;
    --rate) rate=${2:?--rate needs a value}; shift 2 ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d'; exit 0 ;;
    *) echo "bad_input.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

bench=bad_input
. "$root/bench/ihpa_run.sh"
need_tools wrk curl openssl python3
ihpa=$(ensure_ihpa "$ihpa")

start_serve "$tmp/ihpa.log" --threads 2
path=/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests_forecast
url=https://127.0.0.1:$port$path
pace "$rate"
say "ihpa on :$port; normal clients alone for ${window}s"
before=$(wrk_run before "$url" 10 "${window}s" -s "$root/bench/paced.lua")

# During: wrk runs until the malformed requests are done.
wrk_start during "$url"
started=$(date +%s.%N)
"$python" "$root/bench/bad_input.py" "$port" "$tmp/certs/serving-ca.crt" "$count" "$stalled" >"$tmp/kinds.txt"
attack_s=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
wrk_stop during
during=$figures
kill -0 "$ihpa_pid" 2>/dev/null || die "ihpa exited: $(tail -20 "$tmp/ihpa.log")"
after=$(status_of "$path")
handshake_errors=$(metric ihpa_apiserver_tls_handshake_errors_total)

failures=()
echo
echo "ihpa serve --threads 2 (built-in demo); $count malformed requests (8 at a time) + $stalled stalled, in ${attack_s}s;" \
    "wrk -t2 -c10 paced to $rate req/s on $path; $(nproc) cores shared by wrk, the sender and ihpa"
echo
echo "| kind | sent | answered 4xx | 5xx | other status | closed, no answer | hung | status codes (code×count) | slowest s |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
while read -r kind sent c4 c5 other closed hung codes slowest; do
    echo "| ${kind//_/ } | $sent | $c4 | $c5 | $other | $closed | $hung | $codes | $slowest |"
    ((c5 == 0)) || failures+=("${kind//_/ }: $c5 answered 5xx")
    ((other == 0)) || failures+=("${kind//_/ }: $other answered neither 4xx nor 5xx ($codes)")
    ((hung == 0)) || failures+=("${kind//_/ }: $hung hung")
done <"$tmp/kinds.txt"
echo
echo "| normal clients | req/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|"
read -r rps p50 p99 errors <<<"$before"
echo "| before (${window}s) | $rps | $p50 | $p99 | $errors |"
((errors == 0)) || failures+=("normal clients: $errors errors before")
read -r rps p50 p99 errors <<<"$during"
echo "| during (${attack_s}s) | $rps | $p50 | $p99 | $errors |"
((errors == 0)) || failures+=("normal clients: $errors errors during")
echo
echo "Afterwards: GET $path → $after; TLS handshake errors counted by the server: ${handshake_errors:-?}."
[[ $after == 200 ]] || failures+=("after the attack the server answers $after")
if ((${#failures[@]} > 0)); then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "PASSED: every malformed request got a 4xx or a close, none hung, normal clients saw no error."
