#!/usr/bin/env bash
# The adapter at scale: `ihpa serve` with N forecasts (default 10,000) of 14 days at 1-minute
# steps each, fitted with the `auto` model on --fit-workers 2, history persisted to a state
# directory. The series come from the demo trace replayed in real time, each at its own time
# offset, so they differ and all have a full 14-day history the moment the server starts
# (backfill). It measures:
#   backfill      time from start until the first fitter round begins (all history loaded)
#   refit cycle   duration of a fitter round that refits all N models (ihpa_fitter_round_seconds),
#                 the first one (right after start) and the next one (refit seconds later)
#   RSS           resident memory after the first full round (VmRSS) and its peak (VmHWM)
#   p50/p99       wrk -t1 -c16 on one forecast, in --windows back-to-back runs of --wrk-duration
#                 each, idle and inside a full refit round (median and every window's p99)
#   snapshot      write time and size (ihpa_snapshot_write_seconds), load time at a restart
# and prints a Markdown table.
#
# Usage: bench/adapter.sh [--series 10000] [--wrk-duration 10s] [--windows 3] [--refit 180s] [--pin]
#                         [--ihpa PATH]
#   --refit  the forecasts' refitInterval: the second round starts this long after the first
#   --pin    while wrk runs, every ihpa thread (one I/O thread, --threads 1, and the fitters) is
#            moved to CPU 0 and wrk runs on CPU 1, so the load generator never competes with the
#            server for a core; the refit rounds outside the wrk windows keep both cores
# Needs wrk, curl and bc (scripts/install-deps.sh installs them). Takes about ten minutes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
series=10000
wrk_duration=10
windows=3
refit=180 # seconds between refits of a model; long enough for a full round to finish first
pin=0
ihpa=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --series) series=${2:?--series needs a value}; shift 2 ;;
    --wrk-duration) wrk_duration=${2%s}; shift 2 ;;
    --windows) windows=${2:?--windows needs a value}; shift 2 ;;
    --refit) refit=${2%s}; shift 2 ;;
    --pin) pin=1; shift ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "adapter.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "adapter.sh: $*" >&2; }
die() { say "$*"; exit 1; }
for tool in wrk curl; do
    command -v "$tool" >/dev/null 2>&1 || die "missing $tool; run scripts/install-deps.sh"
done
if [[ -z $ihpa ]]; then
    say "building ihpa (Release) in build-release/"
    cmake -S "$root" -B "$root/build-release" -DCMAKE_BUILD_TYPE=Release -DIHPA_BUILD_TESTS=OFF >/dev/null
    cmake --build "$root/build-release" --target ihpa -j2 >/dev/null
    ihpa=$root/build-release/cli/ihpa
fi

work=$(mktemp -d)
pid=""
cleanup() {
    [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/state"
cp "$root/examples/demo-trace.csv" "$work/trace.csv"
{
    echo "sources:"
    echo "  - name: trace"
    echo "    interval: 60s"
    echo "    replay: {file: trace.csv, speedup: 1}"
    echo "forecasts:"
    for ((i = 0; i < series; i++)); do
        printf '  - {name: bench_%05d, source: trace, query: "offset %dm", step: 1m, history: 14d, refitInterval: %ds}\n' \
            "$i" $((i * 7 % 20000)) "$refit"
    done
} >"$work/ihpa.yaml"

metric() { # metric NAME: the value of an unlabelled gauge from /metrics
    curl -sk "https://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n {print $2}'
}
load_cpu=() io_threads=2
if ((pin)); then
    command -v taskset >/dev/null || die "--pin needs taskset (util-linux)"
    load_cpu=(taskset -c 1) io_threads=1
fi
server_on() { # server_on CPUS: moves every ihpa thread onto CPUS (with --pin only)
    ((pin)) && taskset -a -p -c "$1" "$pid" >/dev/null
    return 0
}
start_ihpa() {
    "$ihpa" serve --config "$work/ihpa.yaml" --state-dir "$work/state" --secure-port 0 \
        --bind-address 127.0.0.1 --fit-workers 2 --threads "$io_threads" --snapshot-interval 3600 \
        >"$work/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 600); do
        port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.log")
        [[ -n $port ]] && return
        kill -0 "$pid" 2>/dev/null || die "ihpa exited: $(cat "$work/serve.log")"
        sleep 0.2
    done
    die "ihpa did not start"
}
wait_full_round() { # waits until a round ending after $1 refitted every model; echoes its duration
    for _ in $(seq 3000); do
        if [[ $(metric ihpa_fitter_round_fitted | cut -d. -f1) == "$series" &&
            $(echo "$(metric ihpa_fitter_round_end_timestamp_seconds) > $1" | bc) == 1 ]]; then
            metric ihpa_fitter_round_seconds
            return
        fi
        sleep 1
    done
    die "no full fitter round: $(tail -5 "$work/serve.log")"
}
rss() { awk -v k="$1:" '$1 == k {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
latency() { # $windows back-to-back wrk runs on one forecast: a line "p50_ms p99_ms req/s" each
    server_on 0
    for ((w = 0; w < windows; w++)); do
        "${load_cpu[@]}" wrk -t1 -c16 -d"${wrk_duration}s" --latency \
            "https://127.0.0.1:$port/apis/external.metrics.k8s.io/v1beta1/namespaces/default/bench_00001" |
            awk 'function ms(v) { return v ~ /us$/ ? v / 1000 : v ~ /ms$/ ? v + 0 : v * 1000 }
                 $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)} $1 == "Requests/sec:" {rps = $2}
                 END {printf "%.3f %.3f %.0f\n", p50, p99, rps}'
    done
    server_on 0-1
}
summary() { # summary LINES: one table cell with the medians of p50, p99 and req/s, and every p99
    awk '{p50[NR] = $1; p99[NR] = $2; rps[NR] = $3; all = all (NR > 1 ? ", " : "") sprintf("%.2f", $2)}
         function median(a, n,   i, j, t) {
             for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) {t = a[i]; a[i] = a[j]; a[j] = t}
             return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
         }
         END {printf "p50 %.2f ms, p99 %.2f ms (each window: %s), %.0f req/s\n", median(p50, NR), median(p99, NR), all, median(rps, NR)}' <<<"$1"
}

say "config with $series forecasts written; starting ihpa"
t0=$(date +%s.%N)
start_ihpa
first_round=$(wait_full_round 0)
t1=$(date +%s.%N)
say "first full round: ${first_round}s"
rss_after=$(rss VmRSS)
idle=$(latency)
say "idle (p50 p99 req/s per window): $(echo $idle)"
# The next round starts refit seconds after the first began: run wrk inside it.
round_start=$(echo "$t1 - $first_round + $refit" | bc)
now=$(date +%s.%N)
wait_s=$(echo "$round_start - $now + 2" | bc)
[[ ${wait_s:0:1} != "-" ]] && sleep "$wait_s"
busy=$(latency)
busy_end=$(date +%s.%N)
say "during refit (p50 p99 req/s per window): $(echo $busy)"
cycle=$(wait_full_round "$t1")
round_end=$(metric ihpa_fitter_round_end_timestamp_seconds)
[[ $(echo "$round_end < $busy_end" | bc) == 1 ]] &&
    say "warning: the refit round ended before the last wrk window; use fewer --windows"
rss_peak=$(rss VmHWM)
kill -TERM "$pid"
wait "$pid" || true
pid=""
write_s=$(sed -n 's/.*snapshot: wrote [0-9]* bytes to .* in \([0-9.e-]*\) s$/\1/p' "$work/serve.log")
snapshot_bytes=$(stat -c %s "$work/state/history.snapshot")
start_ihpa
load_s=$(metric ihpa_snapshot_load_seconds)
kill -TERM "$pid"; wait "$pid" || true; pid=""

echo
echo "| figure | value | target |"
echo "|---|---|---|"
printf '| series × history | %d × 14 d at 1 min (%d points) | 10,000 × 14 d |\n' "$series" $((series * 20160))
printf '| start until the first fitter round (backfill) | %.1f s | |\n' "$(echo "$t1 - $t0 - $first_round" | bc)"
printf '| full refit cycle, auto, 2 workers (first / second round) | %.1f s / %.1f s | <= 60 s |\n' "$first_round" "$cycle"
printf '| RSS after the first round / peak | %s MiB / %s MiB | <= 1024 MiB |\n' "$rss_after" "$rss_peak"
if ((pin)); then
    echo "| server while wrk runs | --threads 1, all threads on CPU 0, wrk on CPU 1 | |"
else
    echo "| server while wrk runs | --threads 2, wrk and ihpa share both cores | |"
fi
echo "| latency: wrk -t1 -c16, medians over windows | $windows × ${wrk_duration} s, back to back | |"
echo "| idle | $(summary "$idle") | |"
echo "| during a refit round | $(summary "$busy") | p99 <= 2 ms |"
printf '| snapshot size | %.0f MiB | |\n' "$(echo "$snapshot_bytes / 1048576" | bc -l)"
printf '| snapshot write at shutdown / load at restart | %s s / %s s | |\n' "$write_s" "$load_s"
