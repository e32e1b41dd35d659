#!/usr/bin/env bash
# The soak bench: `ihpa serve` under a steady, paced load for a long time while its forecasts
# refit every few minutes. wrk (bench/paced.lua: each wrk thread on a fixed schedule, 10
# connections) requests a forecast at --rate req/s in back-to-back windows of --window; there
# are --series forecasts on a replayed trace (60× real time, each its own offset, 10 s step,
# refitInterval --refit), so fitter rounds run during the load. Per window it prints the achieved
# req/s, p50, p99, errors (socket errors + non-2xx), whether a fitter round ended in it, and the
# server's RSS (VmRSS) at its end; RSS is also taken at start.
#
# Acceptance (exit status 1 when not met):
#   - 0 errors in every window, and ihpa still running at the end;
#   - RSS flat: the RSS at the end is at most --tolerance % above the RSS after warm-up (the end
#     of the second window; of the first when there are fewer than three);
#   - the achieved rate of every window within 5 % of --rate (else the load was not what it says);
#   - at least one fitter round ended during the load.
#
# Usage: bench/soak.sh [--duration 30] [--window 60] [--rate 1000] [--series 100] [--refit 2m]
#                      [--tolerance 10] [--ihpa PATH]
#   --duration   number of windows (default 30: 30 minutes with the default window)
#   --window     seconds per wrk window (default 60)
#   --rate       requests per second, in total (default 1000)
#   --series     forecasts (default 100)
#   --refit      refitInterval of every forecast (default 2m)
#   --tolerance  allowed RSS growth after warm-up, percent (default 10)
#   --ihpa       ihpa binary to measure; default: build it in Release into build-release/
# Needs wrk (LuaJIT), curl, openssl and python3 (scripts/install-deps.sh installs them).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
windows=30
window=60
rate=1000
series=100
refit=2m
tolerance=10
ihpa=""
connections=10
while [[ $# -gt 0 ]]; do
    case $1 in
    --duration) windows=${2:?--duration needs a value}; shift 2 ;;
    --window) window=${2%s}; shift 2 ;;
    --rate) rate=${2:?--rate needs a value}; shift 2 ;;
    --series) series=${2:?--series needs a value}; shift 2 ;;
    --refit) refit=${2:?--refit needs a value}; shift 2 ;;
    --tolerance) tolerance=${2:?--tolerance needs a value}; shift 2 ;;
    --ihpa) ihpa=${2:?--ihpa needs a value}; shift 2 ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed '$d'; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

bench=soak
. "$root/bench/ihpa_run.sh"
need_tools wrk curl openssl python3
ihpa=$(ensure_ihpa "$ihpa")

cp "$root/examples/demo-trace.csv" "$tmp/trace.csv"
{
    echo "sources:"
    echo "  - name: trace"
    echo "    interval: 5s"
    echo "    replay: {file: trace.csv, speedup: 60}"
    echo "metrics:"
    echo "  - {name: soak_current, source: trace}"
    echo "forecasts:"
    for ((i = 0; i < series; i++)); do
        printf '  - {name: soak_%03d, source: trace, query: "offset %dm", step: 10s, history: 6h, refitInterval: %s}\n' \
            "$i" $((i * 37)) "$refit"
    done
} >"$tmp/ihpa.yaml"

start_serve "$tmp/ihpa.log" --config "$tmp/ihpa.yaml" --threads 2 --fit-workers 1
path=/apis/external.metrics.k8s.io/v1beta1/namespaces/default/soak_001
[[ $(status_of "$path") == 200 ]] || die "GET $path does not answer 200: $(fetch "$path")"
url=https://127.0.0.1:$port$path
pace "$rate"
rss_start=$(rss_mib "$ihpa_pid")
say "ihpa pid $ihpa_pid on :$port, $series forecasts, RSS $rss_start MiB; $windows windows of ${window}s at $rate req/s"

rows=() failures=() rss=() last_round=$(metric ihpa_fitter_round_end_timestamp_seconds) rounds=0
for ((w = 1; w <= windows; w++)); do
    line=$(wrk_run "w$w" "$url" "$connections" "${window}s" -s "$root/bench/paced.lua")
    read -r rps p50 p99 errors <<<"$line"
    kill -0 "$ihpa_pid" 2>/dev/null || die "ihpa exited during window $w: $(tail -20 "$tmp/ihpa.log")"
    rss[w]=$(rss_mib "$ihpa_pid")
    round=$(metric ihpa_fitter_round_end_timestamp_seconds)
    refitted=no
    if [[ -n $round && $round != "$last_round" ]]; then
        refitted=yes
        rounds=$((rounds + 1))
        last_round=$round
    fi
    rows+=("| $w | $rps | $p50 | $p99 | $errors | $refitted | ${rss[w]} |")
    say "window $w/$windows: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errors, fit round $refitted, RSS ${rss[w]} MiB"
    ((errors == 0)) || failures+=("window $w: $errors errors")
    awk -v a="$rps" -v r="$rate" 'BEGIN {exit !(a >= 0.95 * r && a <= 1.05 * r)}' ||
        failures+=("window $w: $rps req/s is not within 5 % of $rate")
done

warm=$((windows >= 3 ? 2 : 1))
rss_end=$(rss_mib "$ihpa_pid")
growth=$(awk -v a="$rss_end" -v b="${rss[warm]}" 'BEGIN {printf "%.1f", 100 * (a - b) / b}')
awk -v g="$growth" -v t="$tolerance" 'BEGIN {exit !(g <= t)}' ||
    failures+=("RSS grew $growth % after warm-up (${rss[warm]} → $rss_end MiB; allowed $tolerance %)")
((rounds > 0)) || failures+=("no fitter round ended during the load")
rss_peak=$(awk '$1 == "VmHWM:" {printf "%.1f", $2 / 1024}' "/proc/$ihpa_pid/status")

echo
echo "ihpa serve --threads 2 --fit-workers 1, $series forecasts (10 s step, 6 h history, refitInterval $refit);" \
    "wrk -t2 -c$connections paced to $rate req/s, ${window}s windows back to back; $(nproc) cores shared by wrk and ihpa"
echo
echo "| window | req/s | p50 ms | p99 ms | errors | fit round ended | RSS MiB |"
echo "|---:|---:|---:|---:|---:|---|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "RSS: start $rss_start MiB, after warm-up (window $warm) ${rss[warm]} MiB, end $rss_end MiB ($growth %), peak (VmHWM) $rss_peak MiB; fitter rounds ended during the load: $rounds."
echo "Acceptance: 0 errors, every window within 5 % of $rate req/s, RSS at the end at most $tolerance % above warm-up, a fitter round during the load."
if ((${#failures[@]} > 0)); then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "PASSED"
