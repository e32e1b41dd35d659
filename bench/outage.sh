#!/usr/bin/env bash
# The source-outage bench: a real Prometheus and a real Redis feed `ihpa serve` under paced load,
# then both are stopped for --outage seconds and started again.
#   Prometheus scrapes a small exporter (bench/outage_peers.py) every 5 s whose gauge changes
#   with wall-clock time; two hours of its past are loaded with promtool first, so the forecast
#   backfills at start. While Prometheus is stopped nothing scrapes; before it starts again the
#   gauge's values of the outage are imported with promtool (a recording, as a second replica or
#   remote storage would hold them), so Prometheus has the gap's history and ihpa can backfill it.
#   Redis holds a list whose length a feeder changes every second; it is restarted empty (no
#   persistence) and keeps no history: the gap stays a gap.
# ihpa polls both every 5 s: per source a pass-through metric and a forecast (10 s step for
# Prometheus, 5 s for Redis) with maxStaleness = outage / 5 and hardStaleness = 3 × outage / 5,
# so both limits of design.md's fallback table are crossed during the outage (2m and 6m for 10
# minutes). wrk (bench/paced.lua, 200 req/s) reads the Prometheus forecast in back-to-back 10 s
# windows throughout; every --sample seconds the script reads each metric (status, value), and
# /metrics (state, data age, latest value, source up, backfilled points, history points).
#
# Checked at every sample (exit status 1 when any check fails), from the data age /metrics shows:
#   forecast    age <= maxStaleness: 200, state forecast (coldStart while under minHistory, and
#               notFitted after the outage until the next refit); <= hardStaleness: 200, state
#               stale and the value served is the latest observed value; older: 503, unavailable
#               (samples within 2 s of a limit, or with a poll between their reads, are not judged)
#   pass-through  200 while the value is at most 10 minutes old, 503 after
#   wrk         no socket errors; non-2xx only in windows where a 503 is due (age > hardStaleness)
#   log         each source's failure logged (warn) and its recovery (info); each forecast's
#               change to stale and to unavailable logged
#   recovery    each source up again, its forecast state back to forecast; Prometheus' forecast
#               history back to its count before the outage (the gap backfilled), Redis' short
#               of it by about the gap (no history to backfill)
# Printed: a timeline table (one row per sample where anything changed, and every 30 s), the
# limits and when they were crossed, wrk windows, recovery times and the checks.
#
# Usage: bench/outage.sh [--outage 600] [--warmup 150] [--sample 5] [--rate 200] [--ihpa PATH]
#   --outage  seconds both sources stay stopped (default 600)
#   --warmup  seconds of load before the outage (default 150; the Redis forecast needs 2 minutes
#             of polling before it leaves cold start)
#   --sample  seconds between samples (default 5)
#   --rate    wrk requests per second (default 200)
#   --ihpa    ihpa binary to measure; default: build it in Release into build-release/
# Needs prometheus and promtool (prometheus), redis-server, wrk, curl, openssl, python3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
outage=600
warmup=150
sample=5
rate=200
ihpa=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --outage) outage=${2%s}; shift 2 ;;
    --warmup) warmup=${2%s}; shift 2 ;;
    --sample) sample=${2%s}; shift 2 ;;
    --rate) rate=${2:?--rate needs a value}; shift 2 ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d'; exit 0 ;;
    *) echo "outage.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

bench=outage
. "$root/bench/ihpa_run.sh"
need_tools prometheus promtool redis-server wrk curl openssl python3
ihpa=$(ensure_ihpa "$ihpa")
peers=$root/bench/outage_peers.py
max_stale=$((outage / 5))
hard_stale=$((outage * 3 / 5))
passthrough_stale=600

# --- Peers: the exporter, Prometheus with two hours of history, Redis and its feeder -------------
exporter_port=$(free_port)
"$python" "$peers" exporter "$exporter_port" &
track_pid $!
prom_port=$(free_port)
redis_port=$(free_port)
mkdir -p "$tmp/prom"
cat >"$tmp/prom/prometheus.yml" <<EOF
global: {scrape_interval: 5s}
scrape_configs:
  - job_name: bench
    static_configs: [{targets: ['127.0.0.1:$exporter_port']}]
EOF
import_history() { # import_history FROM TO: the gauge's values in [FROM, TO] into Prometheus' TSDB
    "$python" "$peers" history "$1" "$2" 5 "$exporter_port" >"$tmp/prom/history.om"
    promtool tsdb create-blocks-from openmetrics --max-block-duration=240h "$tmp/prom/history.om" \
        "$tmp/prom/data" >"$tmp/prom/promtool.log" 2>&1 || { cat "$tmp/prom/promtool.log" >&2; die "promtool failed"; }
}
start_prometheus() {
    prometheus --config.file="$tmp/prom/prometheus.yml" --storage.tsdb.path="$tmp/prom/data" \
        --storage.tsdb.retention.time=10y --web.listen-address="127.0.0.1:$prom_port" \
        >>"$tmp/prom/prometheus.log" 2>&1 &
    prom_pid=$!
    track_pid "$prom_pid"
    for _ in $(seq 300); do
        curl -sf "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1 && return
        sleep 0.2
    done
    tail -20 "$tmp/prom/prometheus.log" >&2
    die "prometheus did not become ready"
}
start_redis() {
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
        >>"$tmp/redis.log" 2>&1 &
    redis_pid=$!
    track_pid "$redis_pid"
    for _ in $(seq 100); do
        redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return
        sleep 0.1
    done
    die "redis-server did not start"
}
now=$(date +%s)
import_history $((now - 7200)) $((now - 10))
start_prometheus
start_redis
"$python" "$peers" feeder "$redis_port" &
track_pid $!
for _ in $(seq 100); do # Prometheus' first scrape
    [[ $(curl -s "http://127.0.0.1:$prom_port/api/v1/query?query=bench_load" | grep -c '"value"') -gt 0 ]] && break
    sleep 0.2
done

# --- ihpa ------------------------------------------------------------------------------------------
cat >"$tmp/ihpa.yaml" <<EOF
sources:
  - {name: prom, interval: 5s, prometheus: {url: "http://127.0.0.1:$prom_port"}}
  - {name: redis, interval: 5s, redis: {address: "127.0.0.1:$redis_port"}}
metrics:
  - {name: prom_load, source: prom, query: bench_load}
  - {name: redis_depth, source: redis, query: LLEN bench:queue}
forecasts:
  - {name: prom_load_forecast, source: prom, query: bench_load, step: 10s, history: 2h,
     minHistory: 30, refitInterval: 1m, leadTime: 2m, maxStaleness: ${max_stale}s, hardStaleness: ${hard_stale}s}
  - {name: redis_depth_forecast, source: redis, query: LLEN bench:queue, step: 5s, history: 2h,
     minHistory: 24, refitInterval: 1m, leadTime: 2m, maxStaleness: ${max_stale}s, hardStaleness: ${hard_stale}s}
EOF
start_serve "$tmp/ihpa.log" --config "$tmp/ihpa.yaml" --threads 2 --fit-workers 1
say "ihpa on :$port, Prometheus :$prom_port, Redis :$redis_port; maxStaleness ${max_stale}s, hardStaleness ${hard_stale}s"
gv=/apis/external.metrics.k8s.io/v1beta1/namespaces/default
metrics=(prom_load_forecast prom_load redis_depth_forecast redis_depth)

# --- Load: wrk on the Prometheus forecast, 10 s windows, one line per window -----------------------
pace "$rate"
(
    set +e
    window=""
    trap 'kill "$window" 2>/dev/null; exit 0' TERM # stopped by the clean-up: its wrk too
    until [[ -e $tmp/stop-load ]]; do
        start=$(date +%s)
        wrk -t2 -c10 -d10s --latency -s "$root/bench/paced.lua" \
            "https://127.0.0.1:$port$gv/prom_load_forecast" >"$tmp/wrk-load.txt" 2>&1 &
        window=$!
        wait "$window"
        line=$(wrk_figures "$tmp/wrk-load.txt" load 2>/dev/null) || line="0 0 0 -1"
        non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/wrk-load.txt")
        sockets=$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$tmp/wrk-load.txt")
        echo "$start $(date +%s) $line ${non2xx:-0} ${sockets:-0}" >>"$tmp/wrk.log"
    done
) &
wrk_loop_pid=$!
track_pid "$wrk_loop_pid"

# --- Sampling ---------------------------------------------------------------------------------------
quantity() { # a Kubernetes quantity (123, 123m, 1.5k) → a plain number
    awk -v q="$1" 'BEGIN { n = q + 0; s = q; sub(/^[-0-9.e+]+/, "", s)
        f = 1; if (s == "m") f = 1e-3; else if (s == "u") f = 1e-6; else if (s == "n") f = 1e-9
        else if (s == "k") f = 1e3; else if (s == "M") f = 1e6; else if (s == "G") f = 1e9
        printf "%.3f", n * f }'
}
t0=$(date +%s)
outage_start="" outage_end=""
: >"$tmp/samples.tsv"
take_sample() { # one line: t phase, per metric status value, per forecast state age latest points, per source up backfilled, per forecast age before
    local t=$(($(date +%s) - t0)) phase=$1 m body status value fields=() ages_before
    # The forecasts' data age before the metrics are read: a poll between the reads shows as a
    # younger age after them, and such a sample is not judged.
    ages_before=$(fetch /metrics | awk '/^ihpa_forecast_data_age_seconds\{/ {
        a[index($0, "metric=\"prom_load_forecast\"") ? "p" : index($0, "metric=\"redis_depth_forecast\"") ? "r" : "x"] = $2 }
        END {printf "%.3f %.3f", ("p" in a) ? a["p"] : -1, ("r" in a) ? a["r"] : -1}') || ages_before="-1 -1"
    for m in "${metrics[@]}"; do
        body=$(curl -s --max-time 5 -w '\n%{http_code}' --cacert "$tmp/certs/serving-ca.crt" \
            --resolve "localhost:$port:127.0.0.1" "https://localhost:$port$gv/$m" || echo 000)
        status=${body##*$'\n'}
        value=$(sed -n 's/.*"value":"\([^"]*\)".*/\1/p' <<<"$body")
        fields+=("$status" "$([[ -n $value ]] && quantity "$value" || echo -)")
    done
    fetch /metrics >"$tmp/metrics.txt" || : >"$tmp/metrics.txt"
    for m in prom_load_forecast redis_depth_forecast; do
        fields+=("$(awk -v m="metric=\"$m\"" '/^ihpa_forecast_state\{/ && index($0, m) && $2 == 1 {
                     match($0, /state="[a-zA-Z]*"/); print substr($0, RSTART + 7, RLENGTH - 8); exit}' "$tmp/metrics.txt")")
        for family in ihpa_forecast_data_age_seconds ihpa_forecast_latest_value ihpa_forecast_history_points; do
            fields+=("$(awk -v f="$family" -v m="metric=\"$m\"" 'index($0, f "{") == 1 && index($0, m) {printf "%.3f", $2; exit}' "$tmp/metrics.txt")")
        done
    done
    for s in prom redis; do
        for family in ihpa_source_up ihpa_source_backfilled_points_total; do
            fields+=("$(awk -v f="$family" -v s="source=\"$s\"" 'index($0, f "{") == 1 && index($0, s) {print $2; exit}' "$tmp/metrics.txt")")
        done
    done
    local f line="$t $phase"
    for f in "${fields[@]}"; do line+=" ${f:--}"; done
    echo "$line $ages_before" >>"$tmp/samples.tsv"
}
sample_until() { # sample_until PHASE END_EPOCH
    while (($(date +%s) < $2)); do
        take_sample "$1"
        sleep "$sample"
    done
}

say "warm-up ${warmup}s"
sample_until before $(($(date +%s) + warmup))
points_before_prom=$(awk 'END {print $14}' "$tmp/samples.tsv")
points_before_redis=$(awk 'END {print $18}' "$tmp/samples.tsv")
outage_start=$(($(date +%s) - t0))
say "stopping Prometheus and Redis for ${outage}s (t=$outage_start s)"
stop_pid "$prom_pid"
stop_pid "$redis_pid"
sample_until outage $((t0 + outage_start + outage))
now=$(date +%s)
import_history $((t0 + outage_start + 1)) "$now"
start_prometheus
start_redis
outage_end=$(($(date +%s) - t0))
say "sources back (t=$outage_end s); sampling until both forecasts are served from fresh data again"
deadline=$(($(date +%s) + 420))
recovered_prom="" recovered_redis=""
while (($(date +%s) < deadline)); do
    take_sample after
    read -r t sp sr up_p up_r < <(awk 'END {print $1, $11, $15, $19, $21}' "$tmp/samples.tsv")
    [[ -z $recovered_prom && $up_p == 1 && $sp == forecast ]] && recovered_prom=$t
    [[ -z $recovered_redis && $up_r == 1 && $sr == forecast ]] && recovered_redis=$t
    [[ -n $recovered_prom && -n $recovered_redis ]] && break
    sleep "$sample"
done
sleep 20 # a few polls more, for the backfill and the history counts to settle
take_sample after
touch "$tmp/stop-load"
wait "$wrk_loop_pid" || true
kill -0 "$ihpa_pid" 2>/dev/null || die "ihpa exited: $(tail -20 "$tmp/ihpa.log")"

# --- Checks and tables ---------------------------------------------------------------------------------
failures=()
fail() { failures+=("$*"); }
# Columns of samples.tsv: 1 t, 2 phase, 3-10 status/value of the four metrics, 11-14 prom forecast
# state age latest points, 15-18 redis forecast ditto, 19-22 prom up backfilled redis up backfilled,
# 23-24 the two forecasts' data age before the sample (-1: none).
judge=$(awk -v ms="$max_stale" -v hs="$hard_stale" -v ps="$passthrough_stale" '
    function differs(a, b) { return a - b > 0.01 * b + 0.002 || b - a > 0.01 * b + 0.002 }
    # The fallback table (docs/adapter.md) by data age; coldStart (fewer than minHistory points)
    # and notFitted (after the outage, until the next refit reaches now + lead) serve the latest
    # value in place of the forecast.
    function check(t, phase, name, status, value, state, age, latest, points, min_history, before,   want) {
        if (age == "-" || (before >= 0 && age + 0 < before + 0)) return # polled during the sample
        if (age <= ms - 2) want = "forecast"; else if (age > ms + 2 && age <= hs - 2) want = "stale"
        else if (age > hs + 2) want = "unavailable"; else return
        # (points are read from /metrics after the metric: one poll may fall in between)
        if (want == "forecast" && state == "coldStart" && points <= min_history) want = "coldStart"
        if (want == "forecast" && state == "notFitted" && phase != "outage") want = "notFitted"
        if (want == "unavailable" && status != 503) print "t=" t " " name ": age " age " s wants 503, got " status
        if (want != "unavailable" && status != 200) print "t=" t " " name ": age " age " s wants 200, got " status
        if (state != want) print "t=" t " " name ": age " age " s wants state " want ", got " state
        # (coldStart and notFitted also serve the latest value, but their source is polled
        # between the two reads of a sample, so only the stale value is compared)
        if (want == "stale" && differs(value, latest))
            print "t=" t " " name ": stale, serves " value " instead of the latest value " latest
    }
    function passthrough(t, name, status, age, before) {
        if (age == "-" || (before >= 0 && age + 0 < before + 0) || (age > ps - 2 && age <= ps + 2)) return
        if (age <= ps && status != 200) print "t=" t " " name ": age " age " s wants 200, got " status
        if (age > ps && status != 503) print "t=" t " " name ": age " age " s wants 503, got " status
    }
    $2 != "before" || NR > 3 {
        check($1, $2, "prom_load_forecast", $3, $4, $11, $12, $13, $14, 30, $23)
        passthrough($1, "prom_load", $5, $12, $23)
        check($1, $2, "redis_depth_forecast", $7, $8, $15, $16, $17, $18, 24, $24)
        passthrough($1, "redis_depth", $9, $16, $24)
    }' "$tmp/samples.tsv")
[[ -z $judge ]] || while IFS= read -r line; do fail "$line"; done <<<"$judge"

# The times each forecast's state first changed during the outage.
crossings() { # crossings STATE_COLUMN NAME
    awk -v c="$1" -v n="$2" -v s="$outage_start" '$2 != "before" && $c != last {
        if (last != "") printf "%s: %s → %s at t=%d s (%+d s after the stop, data age %s s)\n", n, last, $c, $1, $1 - s, $(c + 1)
        last = $c }' "$tmp/samples.tsv"
}
crossing_lines=$( { crossings 11 prom_load_forecast; crossings 15 redis_depth_forecast; } )
for want in "prom_load_forecast: forecast → stale" "prom_load_forecast: stale → unavailable" \
    "redis_depth_forecast: forecast → stale" "redis_depth_forecast: stale → unavailable"; do
    grep -q "^$want" <<<"$crossing_lines" || fail "no transition '$want' seen"
done

# wrk: socket errors never; non-2xx only in windows where the forecast may be 503.
wrk_rows=()
first_503="" last_503=""
read -r first_503 last_503 < <(awk -v hs="$hard_stale" '$12 > hs - 2 {if (f == "") f = $1; l = $1} END {print f, l}' "$tmp/samples.tsv") || true
while read -r ws we rps p50 p99 errors non2xx sockets; do
    ws=$((ws - t0)) we=$((we - t0))
    allowed=no
    [[ -n $first_503 && $we -ge $first_503 && $ws -le $((last_503 + sample + 5)) ]] && allowed=yes
    ((sockets == 0)) || fail "wrk window t=$ws-$we s: $sockets socket errors"
    ((non2xx == 0)) || [[ $allowed == yes ]] || fail "wrk window t=$ws-$we s: $non2xx non-2xx where none is due"
    wrk_rows+=("$ws-$we $rps $p99 $non2xx $sockets $allowed")
done <"$tmp/wrk.log"

for s in prom redis; do
    grep -q "source $s: " "$tmp/ihpa.log" || fail "the log has no failure line for source $s"
    grep -q "source $s recovered" "$tmp/ihpa.log" || fail "the log has no recovery line for source $s"
done
for f in prom_load_forecast redis_depth_forecast; do
    for change in "forecast -> stale" "stale -> unavailable"; do
        grep -q "forecast: $f: $change" "$tmp/ihpa.log" || fail "the log has no line '$f: $change'"
    done
done
[[ -n $recovered_prom ]] || fail "Prometheus' forecast did not recover within 7 minutes"
[[ -n $recovered_redis ]] || fail "Redis' forecast did not recover within 7 minutes"
read -r points_after_prom points_after_redis backfill_after < <(awk 'END {print $14, $18, $20}' "$tmp/samples.tsv")
backfill_before=$(awk -v s="$outage_start" '$1 < s {b = $20} END {print b}' "$tmp/samples.tsv")
gap_slots_prom=$(((outage_end - outage_start) / 10))
awk -v a="$points_after_prom" -v b="$points_before_prom" 'BEGIN {exit !(a >= b - 2)}' ||
    fail "Prometheus forecast history $points_after_prom points after recovery, $points_before_prom before: the gap was not backfilled"
awk -v a="$points_after_redis" -v b="$points_before_redis" -v g="$(((outage_end - outage_start) / 5))" \
    'BEGIN {exit !(a < b + 60 - g / 2)}' ||
    say "note: Redis forecast history $points_after_redis after, $points_before_redis before (expected a gap)"

echo
echo "ihpa serve --threads 2 --fit-workers 1; Prometheus (scrape 5 s) and Redis polled every 5 s;" \
    "maxStaleness ${max_stale}s, hardStaleness ${hard_stale}s, pass-through limit ${passthrough_stale}s;" \
    "outage t=$outage_start..$outage_end s; wrk paced to $rate req/s on prom_load_forecast; $(nproc) cores shared"
echo
echo "Timeline (a row when a status, state or source changed, and every 30 s; values as served, age in s):"
echo
echo "| t s | phase | prom forecast | state | age | prom pass-through | redis forecast | state | age | redis pass-through | prom up | redis up | prom backfilled | prom history pts | redis history pts |"
echo "|---:|---|---|---|---:|---|---|---|---:|---|---|---|---:|---:|---:|"
awk '{ key = $2 $3 $5 $7 $9 $11 $15 $19 $21
       if (key != last || $1 - shown >= 30) {
           printf "| %d | %s | %s %s | %s | %.0f | %s %s | %s %s | %s | %.0f | %s %s | %s | %s | %s | %.0f | %.0f |\n",
               $1, $2, $3, $4, $11, $12, $5, $6, $7, $8, $15, $16, $9, $10, $19, $21, $20, $14, $18
           last = key; shown = $1 } }' "$tmp/samples.tsv"
echo
echo "State changes:"
echo
sed 's/^/- /' <<<"$crossing_lines"
echo
echo "Recovery: sources back at t=$outage_end s; Prometheus forecast served from fresh data at t=${recovered_prom:-never} s," \
    "Redis at t=${recovered_redis:-never} s. Prometheus points backfilled: ${backfill_before:-0} before the outage," \
    "$backfill_after after. Forecast history points before/after: Prometheus $points_before_prom/$points_after_prom" \
    "(gap of ~$gap_slots_prom slots), Redis $points_before_redis/$points_after_redis."
echo
echo "Log lines about the sources and the forecasts' states:"
echo
grep -E "source (prom|redis)|forecast: (prom_load|redis_depth)_forecast:" "$tmp/ihpa.log" | sed 's/^/    /'
echo
echo "wrk windows (10 s each, t from the start; 503 due = the window overlaps data older than hardStaleness):"
echo
echo "| window t s | req/s | p99 ms | non-2xx | socket errors | 503 due |"
echo "|---|---:|---:|---:|---:|---|"
for row in "${wrk_rows[@]}"; do
    read -r w rps p99 non2xx sockets allowed <<<"$row"
    echo "| $w | $rps | $p99 | $non2xx | $sockets | $allowed |"
done
echo
if ((${#failures[@]} > 0)); then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "PASSED: every sample served as the fallback table says for its data age; no socket errors; 503s only past hardStaleness; both sources recovered, Prometheus' gap backfilled."
