#!/usr/bin/env bash
# The slow-clients bench: slowloris, slow readers and idle connections against `ihpa serve`
# while wrk measures normal clients, then the connection limit.
#   1. wrk (bench/paced.lua, --rate req/s, 10 connections) alone for --window seconds: the
#      unloaded p99 of this run (measured again after step 2, as the machine's other load drifts).
#   2. wrk again, while bench/slow_clients.py opens at once --slowloris TLS connections sending
#      headers one byte a second, --readers connections pipelining /metrics requests without
#      reading the answers (4 KiB receive buffer), --idle connections that send nothing after the
#      handshake and --silent TCP connections that never start the handshake. It waits until the
#      server has closed all of them; wrk stops then.
#   3. The limit: with --max-connections L, as many TLS connections at once as take the open
#      connections 50 past L, then (holding them) 5 more one at a time.
# The server's limits are its defaults (docs/configuration.md): a TLS handshake within 10 s, a
# started request within 30 s, 90 s of idle keep-alive, and --max-connections.
#
# Acceptance (exit status 1 when not met):
#   - normal clients: 0 errors, p99 during the attack at most 2× the unloaded p99 (the higher of
#     the windows before and after it);
#   - every slow connection closed by the server: slowloris within the request timeout (30 s,
#     +3 s slack), idle ones after the idle timeout (90 s ±3 s), silent ones after the handshake
#     timeout (10 s, +3 s), slow readers within 200 s;
#   - the limit: about 50 of the burst refused (at least 45), the 5 probes refused, each within
#     100 ms, and all counted in ihpa_apiserver_connections_rejected_total.
#
# Usage: bench/slow_clients.sh [--window 30] [--rate 500] [--slowloris 200] [--readers 20]
#                              [--idle 50] [--silent 50] [--max-connections 512] [--ihpa PATH]
# Needs wrk (LuaJIT), curl, openssl and python3 (scripts/install-deps.sh installs them).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
window=30
rate=500
slowloris=200
readers=20
idle=50
silent=50
max_connections=512
ihpa=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --window) window=${2%s}; shift 2 ;;
    --rate) rate=${2:?--rate needs a value}; shift 2 ;;
    --slowloris) slowloris=${2:?--slowloris needs a value}; shift 2 ;;
    --readers) readers=${2:?--readers needs a value}; shift 2 ;;
    --idle) idle=${2:?--idle needs a value}; shift 2 ;;
    --silent) silent=${2:?--silent needs a value}; shift 2 ;;
    --max-connections) max_connections=${2:?--max-connections needs a value}; shift 2 ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d'; exit 0 ;;
    *) echo "slow_clients.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

bench=slow_clients
. "$root/bench/ihpa_run.sh"
need_tools wrk curl openssl python3
ihpa=$(ensure_ihpa "$ihpa")
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

start_serve "$tmp/ihpa.log" --threads 2 --max-connections "$max_connections"
path=/apis/external.metrics.k8s.io/v1beta1/namespaces/default/demo_requests_forecast
url=https://127.0.0.1:$port$path
driver=$root/bench/slow_clients.py
ca=$tmp/certs/serving-ca.crt
pace "$rate"

say "ihpa on :$port (--max-connections $max_connections); normal clients alone for ${window}s"
unloaded=$(wrk_run unloaded "$url" 10 "${window}s" -s "$root/bench/paced.lua")

say "attack: $slowloris slowloris, $readers slow readers, $idle idle, $silent without handshake"
wrk_start during "$url"
sleep 1 # wrk's connections first, so the attack cannot take their places
started=$(date +%s)
"$python" "$driver" attack "$port" "$ca" "$slowloris" "$readers" "$idle" "$silent" >"$tmp/attack.txt" &
attack_pid=$!
track_pid "$attack_pid"
peak=0
while kill -0 "$attack_pid" 2>/dev/null; do
    open=$(metric ihpa_apiserver_connections)
    ((${open:-0} > peak)) && peak=$open
    sleep 2
done
wait "$attack_pid" || die "the attack driver failed"
attack_s=$(($(date +%s) - started))
wrk_stop during
during=$figures
kill -0 "$ihpa_pid" 2>/dev/null || die "ihpa exited: $(tail -20 "$tmp/ihpa.log")"
say "normal clients alone again for ${window}s"
unloaded_after=$(wrk_run unloaded-after "$url" 10 "${window}s" -s "$root/bench/paced.lua")

open_now=$(metric ihpa_apiserver_connections)
rejected_before=$(metric ihpa_apiserver_connections_rejected_total)
extra=$((max_connections - open_now + 50))
say "limit: $open_now open, $extra more at once"
read -r _ _ handshaken refused probes_refused slowest_probe < <("$python" "$driver" limit "$port" "$ca" "$extra")
rejected_after=$(metric ihpa_apiserver_connections_rejected_total)

failures=()
echo
echo "ihpa serve --threads 2 --max-connections $max_connections (built-in demo), default timeouts (handshake 10 s," \
    "request 30 s, idle 90 s); wrk -t2 -c10 paced to $rate req/s on $path; $(nproc) cores shared by wrk, the clients and ihpa"
echo
echo "| normal clients | req/s | p50 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|"
read -r rps p50 p99_before errors <<<"$unloaded"
echo "| unloaded, before (${window}s) | $rps | $p50 | $p99_before | $errors |"
((errors == 0)) || failures+=("normal clients: $errors errors unloaded")
read -r rps p50 p99 errors <<<"$during"
echo "| during the slow clients (${attack_s}s) | $rps | $p50 | $p99 | $errors |"
((errors == 0)) || failures+=("normal clients: $errors errors during the attack")
read -r rps p50 p99_after errors <<<"$unloaded_after"
echo "| unloaded, after (${window}s) | $rps | $p50 | $p99_after | $errors |"
((errors == 0)) || failures+=("normal clients: $errors errors unloaded (after)")
p99_unloaded=$(awk -v a="$p99_before" -v b="$p99_after" 'BEGIN {print (a > b ? a : b)}')
awk -v a="$p99" -v b="$p99_unloaded" 'BEGIN {exit !(a <= 2 * b)}' ||
    failures+=("normal p99 $p99 ms during the attack is above 2× the unloaded $p99_unloaded ms")
echo
echo "| slow client | connections | closed by the server | still open after 200 s | refused | closed after s (min / median / max) | expected |"
echo "|---|---:|---:|---:|---:|---|---|"
while read -r kind n closed open gone min median max; do
    case $kind in
    slowloris) lo=0 hi=33 expected="request timeout, 30 s" ;;
    slow_reader) lo=0 hi=200 expected="request (write) timeout, 30 s after the writes stall" ;;
    idle) lo=87 hi=93 expected="idle timeout, 90 s" ;;
    no_handshake) lo=0 hi=13 expected="handshake timeout, 10 s" ;;
    esac
    echo "| ${kind//_/ } | $n | $closed | $open | $gone | $min / $median / $max | $expected |"
    ((closed == n)) || failures+=("${kind//_/ }: $closed of $n closed by the server ($open open, $gone refused)")
    [[ $min == - ]] || awk -v a="$min" -v b="$max" -v lo="$lo" -v hi="$hi" 'BEGIN {exit !(a >= lo && b <= hi)}' ||
        failures+=("${kind//_/ }: closed after $min..$max s, expected within $lo..$hi s ($expected)")
done <"$tmp/attack.txt"
echo
echo "Open connections at the peak of the attack (sampled every 2 s): $peak."
echo "Limit: $open_now open, $extra more at once: $handshaken accepted, $refused refused; then $probes_refused of 5" \
    "single probes refused, the slowest in $slowest_probe ms; ihpa_apiserver_connections_rejected_total" \
    "+$((rejected_after - rejected_before))."
((refused >= 45)) || failures+=("limit: only $refused connections refused past --max-connections (expected about 50)")
((probes_refused == 5)) || failures+=("limit: $probes_refused of 5 probes refused while the server was full")
[[ $slowest_probe == - ]] || awk -v t="$slowest_probe" 'BEGIN {exit !(t <= 100)}' ||
    failures+=("limit: a refusal took $slowest_probe ms")
((rejected_after - rejected_before >= refused + probes_refused)) || failures+=("limit: refusals not counted on /metrics")
if ((${#failures[@]} > 0)); then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "PASSED"
